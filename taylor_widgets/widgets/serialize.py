"""The one binary serializer for array traits (js/CONTRACT.md "Arrays"; mirror: js/src/lib/codec.js).

On the wire an array is ``{"dtype": "float32", "shape": [...], "view": <bytes>}``: C-contiguous
little-endian float32, never a JSON list. The trait every widget uses for arrays is
`traits.Float32Array`; it stores what `as_float32` returns, a read-only float32 numpy array.
"""
from __future__ import annotations

import numpy as np

from .checks import TraitTypeError, TraitValueError

_F32 = np.dtype("<f4")
EMPTY_SHAPE = (0,)
_NUMPY_FLOATS = ("torch.float16", "torch.float32", "torch.float64")


def to_numpy(value):
    """A torch tensor as a numpy array (detached, on the CPU); anything else unchanged.

    bfloat16 and the float8 types have no numpy dtype: they are widened to float32 first, which
    is exact, instead of failing in `.numpy()`.
    """
    if not (hasattr(value, "detach") and hasattr(value, "cpu")):  # torch.Tensor, without importing torch
        return value
    t = value.detach().cpu()
    if t.is_floating_point() and str(t.dtype) not in _NUMPY_FLOATS:
        t = t.float()
    return t.numpy()


def as_float32(value, name: str = "array") -> np.ndarray:
    """A C-contiguous little-endian float32 copy-if-needed of a numpy array, torch tensor or list."""
    if value is None:
        return np.zeros(EMPTY_SHAPE, dtype=_F32)
    try:
        arr = np.asarray(to_numpy(value))
    except (TypeError, ValueError) as err:
        raise TraitTypeError(f"{name}: expected an array-like of numbers, got {type(value).__name__}") from err
    if arr.dtype == object or not (np.issubdtype(arr.dtype, np.number) or arr.dtype == np.bool_):
        raise TraitTypeError(f"{name}: expected numbers, got an array of dtype {arr.dtype}")
    if np.iscomplexobj(arr):
        raise TraitTypeError(f"{name}: expected real numbers, got dtype {arr.dtype}")
    if arr.size == 0:
        return np.zeros(EMPTY_SHAPE, dtype=_F32)
    with np.errstate(over="ignore"):
        out = np.ascontiguousarray(arr, dtype=_F32)
    if arr.dtype != _F32 and not np.isfinite(out).all():
        # A finite value beyond float32 would become ±Inf and be refused as if it were one: say what it is.
        overflow = np.isfinite(arr) & ~np.isfinite(out)
        if overflow.any():
            k = int(np.flatnonzero(overflow.reshape(-1))[0])
            raise TraitValueError(f"{name}: {arr.reshape(-1)[k]:g} (at flat index {k}) is outside the float32 range "
                                  f"the widgets store, |value| ≤ {float(np.finfo(np.float32).max):.4g}")
    if out is arr or out.base is arr:  # never alias (or later freeze) the caller's array
        out = out.copy()
    out.flags.writeable = False
    return out


def slice_abs_max(arr: np.ndarray) -> list[float] | None:
    """max |finite value| of each trailing 2-d slice: [one] for (r, c), B values for (B, r, c).

    It travels with the array so that the front end's automatic colour scale needs no pass of
    its own over a large matrix (10⁶ values at d = 1000). Other ranks get none.
    """
    if arr.ndim not in (2, 3) or arr.size == 0:
        return None
    a = np.abs(arr.reshape(-1, arr.shape[-2] * arr.shape[-1]))
    a = np.where(np.isfinite(a), a, 0.0)
    return [float(v) for v in a.max(axis=1)]


def batch_pair_stats(arr: np.ndarray) -> np.ndarray | None:
    """(2, d, d) float64: mean |Γ_ij| and mean Γ_ij over the B ≥ 2 slices of a (B, d, d) array.

    Summed slice by slice in float64 and divided by B, as js/src/lib/dataset.js `pairStats` does
    (NaN skipped), so that both give the same numbers to the bit and so the same top pairs, ties
    included. It travels with the matrix so that the dataset views' first draw needs no pass of
    its own over B·d² values. Other shapes get none.
    """
    if arr.ndim != 3 or arr.shape[0] < 2 or arr.shape[1] != arr.shape[2]:
        return None
    out = np.zeros((2, *arr.shape[1:]))
    for b in range(arr.shape[0]):
        mb = arr[b].astype(np.float64)
        mb[np.isnan(mb)] = 0.0
        out[0] += np.abs(mb)
        out[1] += mb
    out /= arr.shape[0]
    return out


def array_to_json(value, widget=None, *, pair_stats: bool = False) -> dict:
    """Serialize an array trait: float32, C order; an empty array is shape [0] with b"" bytes.

    2-d and 3-d arrays also carry "absmax" (see slice_abs_max), a short JSON list. With
    pair_stats, a (B ≥ 2, d, d) batch also carries "pairstats", the float64 bytes of
    batch_pair_stats.
    """
    arr = as_float32(value)
    if arr.size == 0:
        return {"dtype": "float32", "shape": [0], "view": b""}
    out = {"dtype": "float32", "shape": [int(n) for n in arr.shape], "view": memoryview(arr).cast("B")}
    absmax = slice_abs_max(arr)
    if absmax is not None:
        out["absmax"] = absmax
    stats = batch_pair_stats(arr) if pair_stats else None
    if stats is not None:
        out["pairstats"] = memoryview(np.ascontiguousarray(stats, dtype="<f8")).cast("B")
    return out


def array_from_json(value, widget=None, name: str = "array") -> np.ndarray:
    """Deserialize what the front end sends (the trait form with a bytes/memoryview), or a plain list."""
    if value is None:
        return as_float32(None, name)
    if isinstance(value, (list, tuple)):
        return as_float32(value, name)
    if not isinstance(value, dict) or "view" not in value:
        raise TraitTypeError(f"{name}: expected {{dtype, shape, view}}, got {type(value).__name__}")
    dtype = value.get("dtype", "float32")
    if dtype != "float32":
        raise TraitTypeError(f"{name}: expected dtype float32 on the wire, got {dtype!r}")
    view = value["view"]
    if isinstance(view, (list, tuple)):  # a JS Array that was sent without a buffer
        flat = np.asarray(view, dtype=_F32)
    else:
        raw = bytes(memoryview(view).cast("B")) if not isinstance(view, bytes) else view
        if len(raw) % 4:
            raise TraitValueError(f"{name}: {len(raw)} bytes is not a whole number of float32 values")
        flat = np.frombuffer(raw, dtype=_F32)
    shape = tuple(int(n) for n in value.get("shape", [flat.size]))
    if int(np.prod(shape)) != flat.size:
        raise TraitValueError(f"{name}: shape {list(shape)} needs {int(np.prod(shape))} values, got {flat.size}")
    return as_float32(flat.reshape(shape), name)


def same_array(a, b) -> bool:
    """True when two stored arrays have the same shape and bytes (NaNs compare by bit pattern)."""
    if not isinstance(a, np.ndarray) or not isinstance(b, np.ndarray):
        return False
    return a.shape == b.shape and a.tobytes() == b.tobytes()

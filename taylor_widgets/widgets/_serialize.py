"""The one binary serializer for array traits (js/CONTRACT.md "Arrays"; mirror: js/src/lib/codec.js).

On the wire an array is ``{"dtype": "float32", "shape": [...], "view": <bytes>}``: C-contiguous
little-endian float32, never a JSON list. `Float32Array` is the trait every widget uses for
arrays; it stores a read-only float32 numpy array and only notifies when the values changed.
"""
from __future__ import annotations

import numpy as np
import traitlets

_F32 = np.dtype("<f4")
EMPTY_SHAPE = (0,)


def as_float32(value, name: str = "array") -> np.ndarray:
    """A C-contiguous little-endian float32 copy-if-needed of a numpy array, torch tensor or list."""
    if value is None:
        return np.zeros(EMPTY_SHAPE, dtype=_F32)
    if hasattr(value, "detach") and hasattr(value, "cpu"):  # torch.Tensor, without importing torch
        value = value.detach().cpu().numpy()
    try:
        arr = np.asarray(value)
    except (TypeError, ValueError) as err:
        raise TypeError(f"{name}: expected an array-like of numbers, got {type(value).__name__}") from err
    if arr.dtype == object or not (np.issubdtype(arr.dtype, np.number) or arr.dtype == np.bool_):
        raise TypeError(f"{name}: expected numbers, got an array of dtype {arr.dtype}")
    if np.iscomplexobj(arr):
        raise TypeError(f"{name}: expected real numbers, got dtype {arr.dtype}")
    if arr.size == 0:
        return np.zeros(EMPTY_SHAPE, dtype=_F32)
    out = np.ascontiguousarray(arr, dtype=_F32)
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


def array_to_json(value, widget=None) -> dict:
    """Serialize an array trait: float32, C order; an empty array is shape [0] with b"" bytes.

    2-d and 3-d arrays also carry "absmax" (see slice_abs_max), a short JSON list.
    """
    arr = as_float32(value)
    if arr.size == 0:
        return {"dtype": "float32", "shape": [0], "view": b""}
    out = {"dtype": "float32", "shape": [int(n) for n in arr.shape], "view": memoryview(arr).cast("B")}
    absmax = slice_abs_max(arr)
    if absmax is not None:
        out["absmax"] = absmax
    return out


def array_from_json(value, widget=None) -> np.ndarray:
    """Deserialize what the front end sends (the trait form with a bytes/memoryview), or a plain list."""
    if value is None:
        return as_float32(None)
    if isinstance(value, (list, tuple)):
        return as_float32(value)
    if not isinstance(value, dict) or "view" not in value:
        raise TypeError(f"array: expected {{dtype, shape, view}}, got {type(value).__name__}")
    dtype = value.get("dtype", "float32")
    if dtype != "float32":
        raise TypeError(f"array: expected dtype float32 on the wire, got {dtype!r}")
    view = value["view"]
    if isinstance(view, (list, tuple)):  # a JS Array that was sent without a buffer
        flat = np.asarray(view, dtype=_F32)
    else:
        raw = bytes(memoryview(view).cast("B")) if not isinstance(view, bytes) else view
        if len(raw) % 4:
            raise ValueError(f"array: {len(raw)} bytes is not a whole number of float32 values")
        flat = np.frombuffer(raw, dtype=_F32)
    shape = tuple(int(n) for n in value.get("shape", [flat.size]))
    if int(np.prod(shape)) != flat.size:
        raise ValueError(f"array: shape {list(shape)} needs {int(np.prod(shape))} values, got {flat.size}")
    return as_float32(flat.reshape(shape))


def same_array(a, b) -> bool:
    """True when two stored arrays have the same shape and bytes (NaNs compare by bit pattern)."""
    if not isinstance(a, np.ndarray) or not isinstance(b, np.ndarray):
        return False
    return a.shape == b.shape and a.tobytes() == b.tobytes()


class Float32Array(traitlets.TraitType):
    """A float32 array trait, synced in binary. `ndim` restricts the rank (an empty [0] always passes)."""

    info_text = "a float32 array"

    def __init__(self, ndim: int | None = None, **kwargs):
        self.ndim = ndim
        kwargs.setdefault("default_value", np.zeros(EMPTY_SHAPE, dtype=_F32))
        super().__init__(**kwargs)
        self.tag(sync=True, to_json=array_to_json, from_json=array_from_json)

    def validate(self, obj, value):
        arr = as_float32(value, self.name or "array")
        if self.ndim is not None and arr.size and arr.ndim != self.ndim:
            raise traitlets.TraitError(
                f"{self.name}: expected a {self.ndim}-d array, got shape {tuple(arr.shape)}"
            )
        return arr

    def set(self, obj, value):
        # Notify only on a real change: numpy's == is elementwise, so traitlets would always fire.
        new = self._validate(obj, value)
        old = obj._trait_values.get(self.name, self.default_value)
        obj._trait_values[self.name] = new
        if not same_array(old, new):
            obj._notify_trait(self.name, old, new)

    def make_dynamic_default(self):
        return np.zeros(EMPTY_SHAPE, dtype=_F32)

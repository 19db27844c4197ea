"""What users hold, as tensors: torch tensors, numpy arrays, pandas DataFrames and Series.

`to_tensor` converts one of them to a floating tensor on a device and dtype, and returns the
labels a pandas object carries (a DataFrame's columns, a Series' index), so that they can become
feature names and so that a baseline Series or a data frame can be matched to the input's
columns by label rather than by position. pandas is never imported unless a pandas object is
given.
"""
from __future__ import annotations

import numpy as np
import torch

_NUMPY_KINDS = {"f": "floating", "i": "integer", "u": "unsigned", "b": "bool"}


def is_pandas(value) -> bool:
    """A pandas DataFrame or Series (pandas is imported only when the object came from it)."""
    if type(value).__module__.split(".")[0] != "pandas":
        return False
    import pandas as pd

    return isinstance(value, (pd.DataFrame, pd.Series))


def to_tensor(value, name: str, device, dtype, *, align_to: list | None = None) -> tuple[torch.Tensor, list | None]:
    """(tensor, labels): `value` as a floating tensor on `device`/`dtype`.

    dtype None (a model without parameters) keeps the value's floating dtype, at least float32;
    numpy/pandas integers and bools become float64.

    Torch tensors must be floating already (integer tensors are token ids or labels, not
    features). Numpy arrays and pandas objects of numbers or bools are converted; complex,
    object, string, categorical and date columns are refused with a hint. `align_to`: the
    input's column labels; a labelled pandas `value` is reordered to them, or refused if its
    labels differ.
    """
    labels = None
    if isinstance(value, torch.Tensor):
        t = _checked_tensor(value, name)
    elif isinstance(value, np.ndarray):
        t = torch.tensor(_checked_numpy(value, name))  # a copy: results never alias the user's array
    elif is_pandas(value):
        value, labels = _aligned(value, name, align_to)
        t = torch.tensor(_pandas_numbers(value, name))
    else:
        raise TypeError(
            f"{name}: expected a torch.Tensor, a numpy array or a pandas DataFrame/Series, got {type(value).__name__}"
        )
    if dtype is None:
        dtype = t.dtype if t.is_floating_point() and t.element_size() >= 4 else torch.get_default_dtype()
    return t.detach().to(device=device if device is not None else t.device, dtype=dtype), labels


def _checked_tensor(t: torch.Tensor, name: str) -> torch.Tensor:
    if t.is_complex():
        raise TypeError(f"{name}: complex tensors are not supported (dtype {t.dtype}); explain the real and "
                        "imaginary parts as separate real features")
    if not t.is_floating_point():
        hint = (" Integer inputs look like token ids: pass embedding=<the model's embedding module> (e.g. its "
                "nn.Embedding) to explain the model from its ids, with results per token (IG, IH, EG and EH)."
                if name == "x" and t.dtype != torch.bool else " Convert it with .double() or .float().")
        raise TypeError(f"{name}: expected a floating-point tensor, got dtype {t.dtype}.{hint}")
    if t.is_meta:
        raise ValueError(f"{name}: is on the meta device (a shape without values)")
    return t


def _checked_numpy(a: np.ndarray, name: str) -> np.ndarray:
    kind = a.dtype.kind
    if kind == "c":
        raise TypeError(f"{name}: complex arrays are not supported (dtype {a.dtype}); explain the real and "
                        "imaginary parts as separate real features")
    if kind not in _NUMPY_KINDS:
        raise TypeError(f"{name}: expected an array of numbers, got dtype {a.dtype}; encode strings, categories "
                        "and dates as numbers first")
    if kind == "f" and a.dtype.itemsize >= 4:
        return np.ascontiguousarray(a)
    return np.ascontiguousarray(a, dtype=np.float64 if kind != "f" else np.float32)


def _aligned(value, name: str, align_to):
    """Reorder a labelled pandas object to the input's column labels; return it and its labels."""
    import pandas as pd

    axis = value.columns if value.ndim == 2 else value.index
    labels = None if isinstance(axis, pd.RangeIndex) else list(axis)
    if labels is None or align_to is None or labels == list(align_to):
        return value, labels
    if len(set(labels)) == len(labels) and set(labels) == set(align_to):
        cols = list(align_to)
        return (value.loc[:, cols] if value.ndim == 2 else value.loc[cols]), cols
    missing = [c for c in align_to if c not in set(labels)][:5]
    extra = [c for c in labels if c not in set(align_to)][:5]
    raise ValueError(f"{name}: its labels do not match the columns of x (missing {missing}, unexpected {extra}); "
                     "select the same columns")


def _pandas_numbers(value, name: str) -> np.ndarray:
    """A DataFrame or Series of numbers (or bools) as a float array; other columns are refused with a hint."""
    import pandas as pd
    from pandas.api import types as pt

    cols = list(value.dtypes.items()) if value.ndim == 2 else [(value.name, value.dtype)]
    for col, dt in cols:
        ok = (pt.is_numeric_dtype(dt) or pt.is_bool_dtype(dt)) and not isinstance(dt, pd.CategoricalDtype)
        if not ok or pt.is_complex_dtype(dt):
            what = "column" if value.ndim == 2 else "series"
            raise TypeError(
                f"{name}: {what} {col!r} has dtype {dt}; encode it as numbers first "
                "(e.g. pd.get_dummies(df) for categories, or .astype(float) for numeric strings)"
            )
    return np.ascontiguousarray(value.to_numpy(dtype=np.float64, na_value=np.nan))

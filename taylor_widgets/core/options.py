"""Scalar options, checked in one place: every public core function validates its knobs here.

Each validator returns the value in its plain Python type (numpy scalars such as `np.int64(3)`
are accepted and converted) or raises a `TypeError` (wrong type) or `ValueError` (wrong value)
whose message starts with the argument's name. Nothing is coerced silently: `True` is not a
count, `2.5` is not an int, `'16'` is not a number, and `0` never means "the default".
"""
from __future__ import annotations

import math
import numbers
from typing import Sequence

import numpy as np

#: Largest seed accepted: torch generators take 64-bit seeds; we keep to the signed range.
MAX_SEED = 2**63 - 1


def _type_name(value) -> str:
    return type(value).__name__


def is_int(value) -> bool:
    """A Python or numpy integer, not a bool."""
    return isinstance(value, numbers.Integral) and not isinstance(value, (bool, np.bool_))


def is_real(value) -> bool:
    """A Python or numpy real number, not a bool."""
    return isinstance(value, numbers.Real) and not isinstance(value, (bool, np.bool_))


def integer(value, name: str, *, minimum: int | None = None, maximum: int | None = None, hint: str = "") -> int:
    """An int in [minimum, maximum]; `hint` is appended to the message when above `maximum`."""
    if not is_int(value):
        raise TypeError(f"{name}: expected an integer, got {value!r} ({_type_name(value)})")
    value = int(value)
    if minimum is not None and value < minimum:
        what = {0: "a non-negative integer", 1: "a positive integer"}.get(minimum, f"an integer ≥ {minimum}")
        raise ValueError(f"{name}: expected {what}, got {value}")
    if maximum is not None and value > maximum:
        raise ValueError(f"{name}: {value} is above the limit of {maximum}{'; ' + hint if hint else ''}")
    return value


def positive_int(value, name: str, *, maximum: int | None = None, hint: str = "") -> int:
    """An int ≥ 1 (and ≤ maximum)."""
    return integer(value, name, minimum=1, maximum=maximum, hint=hint)


def optional_positive_int(value, name: str, *, maximum: int | None = None, hint: str = "") -> int | None:
    """None (meaning "automatic") or an int ≥ 1."""
    return None if value is None else positive_int(value, name, maximum=maximum, hint=hint)


def non_negative_int(value, name: str) -> int:
    return integer(value, name, minimum=0)


def real(value, name: str, *, minimum: float | None = None, maximum: float | None = None,
         strict: bool = False, finite: bool = True) -> float:
    """A real number, finite unless `finite=False`, in [minimum, maximum] ((minimum, …] when `strict`)."""
    if isinstance(value, np.ndarray) and value.ndim == 0:
        value = value[()]
    if not is_real(value):
        raise TypeError(f"{name}: expected a number, got {value!r} ({_type_name(value)})")
    value = float(value)
    if math.isnan(value) or (finite and math.isinf(value)):
        raise ValueError(f"{name}: expected a finite number, got {value}")
    if minimum is not None and (value <= minimum if strict else value < minimum):
        bound = {0: "positive" if strict else "non-negative"}.get(minimum)
        what = f"a {bound} number" if bound else f"a number {'>' if strict else '≥'} {minimum:g}"
        raise ValueError(f"{name}: expected {what}, got {value:g}")
    if maximum is not None and value > maximum:
        raise ValueError(f"{name}: expected a number ≤ {maximum:g}, got {value:g}")
    return value


def positive_real(value, name: str) -> float:
    return real(value, name, minimum=0.0, strict=True)


def non_negative_real(value, name: str) -> float:
    return real(value, name, minimum=0.0)


def probability(value, name: str) -> float:
    return real(value, name, minimum=0.0, maximum=1.0)


def choice(value, name: str, options: Sequence):
    """One of `options` (compared by equality; strings only match strings)."""
    if is_int(value):
        value = int(value)
    if not isinstance(value, (str, int, type(None))) or isinstance(value, bool) or value not in options:
        raise ValueError(f"{name}: expected one of {tuple(options)}, got {value!r}")
    return value


def flag(value, name: str) -> bool:
    """True or False (numpy bools too), nothing else."""
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name}: expected True or False, got {value!r} ({_type_name(value)})")
    return bool(value)


def seed(value, name: str = "seed") -> int | None:
    """None (fresh randomness) or an int in [0, 2**63)."""
    if value is None:
        return None
    return integer(value, name, minimum=0, maximum=MAX_SEED)


def byte_limit(value, name: str = "max_bytes") -> int | None:
    """None (the default limit) or a positive number of bytes."""
    if value is None:
        return None
    if is_real(value) and not is_int(value) and math.isfinite(float(value)) and float(value).is_integer():
        value = int(value)  # 2e9 reads naturally as a byte count
    return positive_int(value, name)

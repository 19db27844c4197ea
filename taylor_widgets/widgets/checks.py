"""Scalar checks shared by the widget constructors and the trait types (widgets/traits.py).

Every refusal is a ValueError or TypeError whose message starts with the argument's name. The
two error classes below are also traitlets' TraitError, so that traitlets rolls back a batch of
assignments (a front-end update, a `hold_trait_notifications` block) when one value is refused.
"""
from __future__ import annotations

import math
from numbers import Integral, Real

from traitlets import TraitError


class TraitValueError(ValueError, TraitError):
    """A refused value: a ValueError to the caller, a TraitError to traitlets (which then rolls back)."""


class TraitTypeError(TypeError, TraitError):
    """A value of the wrong type: a TypeError to the caller, a TraitError to traitlets."""


def check_int(value, name: str, lo: int | None = None, hi: int | None = None) -> int:
    """An int (not a bool; numpy integers welcome) with lo ≤ value < hi."""
    if isinstance(value, bool) or not isinstance(value, Integral):
        raise TraitTypeError(f"{name}: expected an int, got {type(value).__name__}")
    value = int(value)
    if lo is not None and value < lo:
        raise TraitValueError(f"{name}: expected an int ≥ {lo}, got {value}")
    if hi is not None and value >= hi:
        raise TraitValueError(f"{name}: expected an int < {hi}, got {value}")
    return value


def check_number(value, name: str, lo: float = -math.inf, hi: float = math.inf) -> float:
    """A finite real number (ints welcome, bools not) with lo ≤ value ≤ hi."""
    if isinstance(value, bool) or not isinstance(value, Real) or not math.isfinite(value):
        raise TraitTypeError(f"{name}: expected a finite number in [{lo:g}, {hi:g}], got {value!r}")
    if not lo <= float(value) <= hi:
        raise TraitValueError(f"{name}: expected a number in [{lo:g}, {hi:g}], got {value!r}")
    return float(value)


def check_choice(value, name: str, choices) -> str:
    """One of `choices` (strings)."""
    if not isinstance(value, str) or value not in choices:
        raise TraitValueError(f"{name}: expected one of {', '.join(map(repr, choices))}, got {value!r}")
    return value


def check_str(value, name: str) -> str:
    if not isinstance(value, str):
        raise TraitTypeError(f"{name}: expected a str, got {type(value).__name__}")
    return value


def check_strings(values, n: int, name: str, what: str, default=None, distinct: bool = False) -> list[str]:
    """n strings (untrusted text, kept verbatim); `default(i)` for each when values is None.

    what: the plural with its meaning, for the length error, e.g. "names (one per feature)".
    """
    if values is None and default is not None:
        return [default(i) for i in range(n)]
    if isinstance(values, (str, bytes)) or not hasattr(values, "__iter__"):
        raise TraitTypeError(f"{name}: expected a list of {n} strings, got {type(values).__name__}")
    values = list(values)
    bad = [type(v).__name__ for v in values if not isinstance(v, str)]
    if bad:
        raise TraitTypeError(f"{name}: expected strings, got {bad[0]}")
    if len(values) != n:
        raise TraitValueError(f"{name}: expected {n} {what}, got {len(values)}")
    if distinct and len(set(values)) != n:
        raise TraitValueError(f"{name}: expected {n} distinct {what}, got repeats")
    return values


def check_names(names, d: int) -> list[str]:
    """d feature names (untrusted text, kept verbatim); default x0, x1, …"""
    return check_strings(names, d, "feature_names", "names (one per feature)", lambda i: f"x{i}")

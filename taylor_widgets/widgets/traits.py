"""Validated trait types: one validator per kind of trait, run on EVERY assignment.

A value set in the constructor, from Python later, or by the front end (`set_state`) passes the
same check, and a refusal is a ValueError/TypeError that starts with the trait's name (see
checks.py). Shapes and ranges may name one of the widget's dimensions ("B", "d", …): the
widget fixes them in `_dims` when it is built, so a later assignment cannot silently change d
and leave `selected`, the names or the other arrays stale.
"""
from __future__ import annotations

import copy
import functools
import math
from typing import Callable

import numpy as np
import traitlets as t

from .checks import TraitTypeError, TraitValueError, check_int, check_number, check_str, check_strings
from .serialize import EMPTY_SHAPE, array_from_json, array_to_json, as_float32, same_array

def resolve(obj, spec):
    """The value of a dimension spec ("Dim") on widget `obj`: a fixed int, the name of one of the
    widget's `_dims`, a callable of the widget, or None (no constraint)."""
    if spec is None or isinstance(spec, int):
        return spec
    if isinstance(spec, str):
        return obj._dims[spec]
    return spec(obj)


class Float32Array(t.TraitType):
    """A float32 array synced in binary; refuses NaN/Inf, a wrong shape and values out of bounds.

    shape: one Dim per axis, e.g. ("B", "d", "d"); or ndim alone. optional: the empty array
    (shape [0], "not given") is allowed too. low/high: bounds on every value. refuse: an extra
    rule, refuse(widget, array) → a reason (str) or None. Notifies only when the values changed.
    """

    info_text = "a float32 array"

    def __init__(self, shape=None, *, ndim=None, optional=False, low=None, high=None, refuse=None,
                 pair_stats=False, **kwargs):
        self.shape = None if shape is None else tuple(shape)
        self.ndim = len(self.shape) if self.shape is not None else ndim
        self.optional, self.low, self.high, self.refuse = optional, low, high, refuse
        kwargs.setdefault("default_value", np.zeros(EMPTY_SHAPE, dtype=np.float32))
        super().__init__(**kwargs)
        # pair_stats: a (B, d, d) batch travels with its mean |Γ_ij| and mean Γ_ij (serialize.py)
        to_json = functools.partial(array_to_json, pair_stats=True) if pair_stats else array_to_json
        self.tag(sync=True, to_json=to_json, from_json=self._from_json)

    def _from_json(self, value, widget=None):
        return array_from_json(value, widget, self.name or "array")

    def validate(self, obj, value):
        name = self.name or "array"
        arr = as_float32(value, name)
        expected = None if self.shape is None else tuple(resolve(obj, s) for s in self.shape)
        if arr.size == 0:
            if not (self.optional or self.ndim is None or (expected and 0 in expected)):
                raise TraitValueError(f"{name}: expected {self._describe(expected)}, got an empty array")
        else:
            self._check_values(arr, expected, name)
        why = self.refuse(obj, arr) if self.refuse else None
        if why:
            raise TraitValueError(f"{name}: {why}")
        return arr

    def _check_values(self, arr, expected, name):
        if self.ndim is not None and arr.ndim != self.ndim:
            raise TraitValueError(f"{name}: expected a {self.ndim}-d array {self._describe(expected)}, got shape {tuple(arr.shape)}")
        if expected and any(e is not None and e != a for e, a in zip(expected, arr.shape)):
            raise TraitValueError(f"{name}: expected {self._describe(expected)}, got {tuple(arr.shape)}; the shapes are "
                                  "fixed when the widget is built (build a new one for other data)")
        bad = int((~np.isfinite(arr)).sum())
        if bad:
            raise TraitValueError(f"{name}: contains {bad} NaN or Inf value(s)")
        lo, hi = float(arr.min()), float(arr.max())
        if (self.low is not None and lo < self.low) or (self.high is not None and hi > self.high):
            low = "-∞" if self.low is None else f"{self.low:g}"
            high = "∞" if self.high is None else f"{self.high:g}"
            raise TraitValueError(f"{name}: values must lie in [{low}, {high}], got {lo:.3g}..{hi:.3g}")

    def _describe(self, expected) -> str:
        if self.shape is None:
            return ""
        names = ", ".join(str(s) if isinstance(s, (str, int)) else "·" for s in self.shape) + ("," if len(self.shape) == 1 else "")
        if expected is None or all(isinstance(s, int) for s in self.shape):
            return f"shape ({names})"
        return f"shape ({names}) = {tuple(expected)}"

    def set(self, obj, value):
        # Notify only on a real change: numpy's == is elementwise, so traitlets would always fire.
        new = self._validate(obj, value)
        old = obj._trait_values.get(self.name, self.default_value)
        obj._trait_values[self.name] = new
        if not same_array(old, new):
            obj._notify_trait(self.name, old, new)

    def make_dynamic_default(self):
        return np.zeros(EMPTY_SHAPE, dtype=np.float32)


class Choice(t.Enum):
    """One of a few strings (an Enum). values: a tuple, or a callable of the widget for choices
    that depend on the data; refuse(widget, value) → a reason why a listed value is not possible now."""

    def __init__(self, values, default_value=t.Undefined, *, refuse=None, **kwargs):
        self._values_of = values if callable(values) else None
        super().__init__(() if callable(values) else tuple(values), default_value, **kwargs)
        self.refuse = refuse

    def choices(self, obj) -> tuple:
        return tuple(self._values_of(obj)) if self._values_of else tuple(self.values)

    def validate(self, obj, value):
        choices = self.choices(obj)
        if not isinstance(value, str) or value not in choices:
            raise TraitValueError(f"{self.name}: expected one of {', '.join(map(repr, choices))}, got {value!r}")
        why = self.refuse(obj, value) if self.refuse else None
        if why:
            raise TraitValueError(f"{self.name}: {why}")
        return value


class Text(t.Unicode):
    """A str (untrusted text: the views render it with textContent only)."""

    def validate(self, obj, value):
        return check_str(value, self.name)


class Names(t.TraitType):
    """One string per item of a dimension (feature names, captions, method names), kept verbatim.

    length: the Dim it follows. what: the plural with its meaning, for the length error.
    default(i): the name of item i when None is assigned. distinct: refuse repeats.
    """

    info_text = "a list of strings"

    def __init__(self, length, *, what: str, default: Callable[[int], str] | None = None, distinct=False, **kwargs):
        self.length, self.what, self.default, self.distinct = length, what, default, distinct
        kwargs.setdefault("default_value", [])
        super().__init__(**kwargs)

    def validate(self, obj, value):
        return check_strings(value, resolve(obj, self.length), self.name, self.what, self.default, self.distinct)

    def make_dynamic_default(self):
        return []


class Index(t.TraitType):
    """An int with lo ≤ value < hi (hi a Dim; None = no upper bound); bools are refused."""

    info_text = "an int"

    def __init__(self, lo=0, hi=None, default_value=0, **kwargs):
        self.lo, self.hi = lo, hi
        super().__init__(default_value=default_value, **kwargs)

    def validate(self, obj, value):
        return check_int(value, self.name, self.lo, resolve(obj, self.hi))


class Number(t.TraitType):
    """A finite float with lo ≤ value ≤ hi (ints welcome, bools not)."""

    info_text = "a number"

    def __init__(self, lo=-math.inf, hi=math.inf, default_value=0.0, **kwargs):
        self.lo, self.hi = lo, hi
        super().__init__(default_value=default_value, **kwargs)

    def validate(self, obj, value):
        return check_number(value, self.name, self.lo, self.hi)


class Flag(t.TraitType):
    """A bool (numpy's too); ints, strings and None are refused."""

    info_text = "True or False"

    def __init__(self, default_value=False, **kwargs):
        super().__init__(default_value=default_value, **kwargs)

    def validate(self, obj, value):
        if not isinstance(value, (bool, np.bool_)):
            raise TraitTypeError(f"{self.name}: expected True or False, got {value!r}")
        return bool(value)


class IntList(t.TraitType):
    """A list of ints in [lo, hi) (hi a Dim).

    lengths: the allowed lengths (Dims), e.g. (0, 2) for [] or a pair; min_length: any length
    from it up (the empty list is always allowed then). distinct: refuse repeats. exact: a Dim
    returning the one allowed list (data fixed when the widget was built, e.g. a CAM grid).
    """

    info_text = "a list of ints"

    def __init__(self, *, lo=0, hi=None, lengths=None, min_length=None, distinct=False, exact=None, what="", **kwargs):
        self.lo, self.hi, self.lengths, self.min_length = lo, hi, lengths, min_length
        self.distinct, self.exact, self.what = distinct, exact, what
        kwargs.setdefault("default_value", [])
        super().__init__(**kwargs)

    def validate(self, obj, value):
        name = self.name
        if value is None:
            value = []
        if isinstance(value, (str, bytes, dict)) or not hasattr(value, "__iter__"):
            raise TraitTypeError(f"{name}: expected a list of ints, got {type(value).__name__}")
        items = [check_int(v, name, self.lo, resolve(obj, self.hi)) for v in value]
        if self.exact is not None:
            want = list(resolve(obj, self.exact))
            if items != want:
                raise TraitValueError(f"{name}: expected {want}{self.what}, got {items}")
        if self.lengths is not None:
            allowed = [resolve(obj, n) for n in self.lengths]
            if len(items) not in allowed:
                raise TraitValueError(f"{name}: expected a list of length {' or '.join(map(str, allowed))}{self.what}, "
                                      f"got {items}")
        if self.min_length is not None and 0 < len(items) < self.min_length:
            raise TraitValueError(f"{name}: expected [] or ≥ {self.min_length} items{self.what}, got {items}")
        if self.distinct and len(set(items)) != len(items):
            raise TraitValueError(f"{name}: expected distinct items{self.what}, got {items}")
        return items

    def make_dynamic_default(self):
        return []


class Record(t.TraitType):
    """A JSON value with a structure of its own (a dict, a list of dicts), checked by one function.

    check(value, widget) → the normalised value, raising a ValueError/TypeError that names the trait.
    """

    info_text = "a JSON record"

    def __init__(self, check: Callable, default_value, **kwargs):
        self.check = check
        self._default = default_value
        super().__init__(default_value=default_value, **kwargs)

    def validate(self, obj, value):
        return self.check(value, obj)

    def make_dynamic_default(self):
        return copy.deepcopy(self._default)


class Flag(t.Bool):
    """A bool (numpy bools welcome); anything else is refused with the trait's name."""

    def validate(self, obj, value):
        if not isinstance(value, (bool, np.bool_)):
            raise TraitTypeError(f"{self.name}: expected True or False, got {value!r}")
        return bool(value)

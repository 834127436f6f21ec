"""Dtype conversion: the one op behind ``.to(dtype)``, ``.float()``, ``.type_as`` and friends."""

from __future__ import annotations

import funcgrad.numpy as fnp
from compat._autograd import apply
from compat._tensor import wrap


def to_dtype(input, dt, copy=False):  # noqa: A002
    """``input`` converted to numpy dtype ``dt`` (itself when it already has it)."""
    if input._s.array.dtype == dt and not copy:
        return input
    if input._rg and dt.kind not in "fc":
        return wrap(input._s.array.astype(dt))
    return apply("ToCopyBackward0", lambda v: fnp.astype(v, dt), input, saves=())

"""Comparisons, logic and bitwise ops, elementwise flags (isnan, ...) and closeness tests.

None of these is differentiable: they compute on the arrays and return bool (or integer)
tensors outside the graph, as PyTorch does.
"""

from __future__ import annotations

import numbers

import numpy as np

from compat import _dtypes
from compat._math import _broadcast_check, _named, _scalar
from compat._tensor import Tensor


def _compare(fn):
    def op(input, other):  # noqa: A002
        if not isinstance(other, (Tensor, numbers.Number, np.generic, np.ndarray)):
            # ``x == "text"`` and ``x == None`` fall back to Python's comparison (False)
            return NotImplemented
        a = input._s.array if isinstance(input, Tensor) else input
        b = other._s.array if isinstance(other, Tensor) else other
        _broadcast_check(input, other)
        from compat._tensor import wrap

        return wrap(np.asarray(fn(a, b)))

    return op


eq = _named("eq", _compare(np.equal), "Elementwise ``==`` (a bool tensor).")


ne = _named("ne", _compare(np.not_equal), "Elementwise ``!=``.")


lt = _named("lt", _compare(np.less), "Elementwise ``<``.")


le = _named("le", _compare(np.less_equal), "Elementwise ``<=``.")


gt = _named("gt", _compare(np.greater), "Elementwise ``>``.")


ge = _named("ge", _compare(np.greater_equal), "Elementwise ``>=``.")


greater, greater_equal, less, less_equal, not_equal = gt, ge, lt, le, ne


logical_and = _named("logical_and", _compare(np.logical_and), "Elementwise logical and.")


logical_or = _named("logical_or", _compare(np.logical_or), "Elementwise logical or.")


logical_xor = _named("logical_xor", _compare(np.logical_xor), "Elementwise logical xor.")


def _bitwise(fn, name):
    def op(input, other):  # noqa: A002
        rt = _dtypes.result_type(input, other)
        if rt.kind not in "biu":
            kind = _dtypes.SCALAR_NAME[_dtypes.from_numpy(rt)]
            raise NotImplementedError(f"\"{name}_cpu\" not implemented for '{kind}'")
        a = input._s.array if isinstance(input, Tensor) else _scalar(input, rt)
        b = other._s.array if isinstance(other, Tensor) else _scalar(other, rt)
        from compat._tensor import wrap

        return wrap(np.asarray(fn(a.astype(rt, copy=False), b.astype(rt, copy=False))))

    return op


bitwise_and = _named("bitwise_and", _bitwise(np.bitwise_and, "bitwise_and"), "``&``.")


bitwise_or = _named("bitwise_or", _bitwise(np.bitwise_or, "bitwise_or"), "``|``.")


bitwise_xor = _named("bitwise_xor", _bitwise(np.bitwise_xor, "bitwise_xor"), "``^``.")


def logical_not(input):  # noqa: A002
    """Elementwise not (a bool tensor)."""
    from compat._tensor import wrap

    return wrap(np.logical_not(input._s.array))


def bitwise_not(input):  # noqa: A002
    """``~input`` (logical not for bool tensors)."""
    from compat._tensor import wrap

    a = input._s.array
    if a.dtype.kind not in "biu":
        raise NotImplementedError(
            f'"bitwise_not_cpu" not implemented for '
            f"'{_dtypes.SCALAR_NAME[_dtypes.from_numpy(a.dtype)]}'"
        )
    return wrap(np.invert(a))


def _flag(fn, doc):
    def op(input):  # noqa: A002
        from compat._tensor import wrap

        return wrap(np.asarray(fn(input._s.array)))

    op.__doc__ = doc
    return op


isnan = _flag(np.isnan, "Where the elements are NaN.")


isinf = _flag(np.isinf, "Where the elements are infinite.")


isfinite = _flag(np.isfinite, "Where the elements are finite.")


signbit = _flag(np.signbit, "Where the sign bit is set.")


def equal(input, other) -> bool:  # noqa: A002
    """Whether two tensors have the same shape and elements."""
    a, b = input._s.array, other._s.array
    return a.shape == b.shape and bool(np.all(a == b))


def allclose(input, other, rtol=1e-05, atol=1e-08, equal_nan=False) -> bool:  # noqa: A002
    """Whether all elements are close (``|a - b| <= atol + rtol |b|``)."""
    return bool(np.allclose(input._s.array, other._s.array, rtol, atol, equal_nan))


def isclose(input, other, rtol=1e-05, atol=1e-08, equal_nan=False):  # noqa: A002
    """Elementwise closeness (a bool tensor)."""
    from compat._tensor import wrap

    return wrap(np.isclose(input._s.array, other._s.array, rtol, atol, equal_nan))

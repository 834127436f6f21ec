"""Arithmetic with PyTorch's type promotion: + - * / // % **, maximum, atan2, where, lerp, ...

The promotion helpers (``binary``, ``_scalar``, ``_cast``) serve ``_unary_ops`` and ``_compare``
too. Each op casts its operands to PyTorch's result dtype (``_dtypes.result_type``) inside
the recorded function, so the cast is part of the op (one ``grad_fn``, as in PyTorch),
and records the funcgrad.numpy function on compat's tape.
"""

from __future__ import annotations

import builtins
import numbers

import numpy as np

import funcgrad.numpy as fnp
from compat import _dtypes
from compat._autograd import apply
from compat._tensor import Tensor

_FLOAT_KINDS = "fc"


def _scalar(x, dt):
    """A Python/numpy scalar as a 0-d array of dtype ``dt`` (integers wrap as in C)."""
    try:
        return np.asarray(x, dt)
    except (OverflowError, ValueError):
        return np.asarray(x).astype(dt)


def _check_operand(x, name):
    if isinstance(x, (Tensor, numbers.Number, np.generic)):
        return
    raise TypeError(f"{name}(): argument 'other' must be Tensor or Number, not {type(x).__name__}")


def _cast(v, dt):
    return v if v.dtype == dt else fnp.astype(v, dt)


def _named(name, op, doc):
    op.__name__ = op.__qualname__ = name
    op.__doc__ = doc
    return op


def binary(name, fn, a, b, *, float_result=False, saves=None):
    """Record ``fn(a, b)`` after PyTorch's promotion of ``a`` and ``b``."""
    rt = _dtypes.result_type(a, b)
    if float_result and rt.kind not in _FLOAT_KINDS:
        rt = _dtypes.default_np()
    ta, tb = isinstance(a, Tensor), isinstance(b, Tensor)
    if not ta:
        _check_operand(a, name)
        a = _scalar(a, rt)
    if not tb:
        _check_operand(b, name)
        b = _scalar(b, rt)
    da = a._s.array.dtype if ta else rt
    db = b._s.array.dtype if tb else rt
    if da == rt and db == rt:
        return apply(name, fn, a, b, saves=saves)
    return apply(name, lambda u, v: fn(_cast(u, rt), _cast(v, rt)), a, b, saves=saves)


def _broadcast_check(a, b):
    sa = a.shape if isinstance(a, Tensor) else ()
    sb = b.shape if isinstance(b, Tensor) else ()
    if len(sa) and len(sb):
        for i in range(1, builtins.min(len(sa), len(sb)) + 1):
            x, y = sa[-i], sb[-i]
            if x != y and x != 1 and y != 1:
                dim = builtins.max(len(sa), len(sb)) - i
                raise RuntimeError(
                    f"The size of tensor a ({x}) must match the size of tensor b ({y}) at "
                    f"non-singleton dimension {dim}"
                )


def add(input, other, *, alpha=1, out=None):  # noqa: A002
    """``input + alpha * other``.

    Example:
        >>> import compat as torch
        >>> torch.add(torch.tensor([1, 2]), 1.5)
        tensor([2.5000, 3.5000])
    """
    _broadcast_check(input, other)
    if alpha != 1:
        other = mul(other, alpha) if isinstance(other, Tensor) else other * alpha
    return binary("AddBackward0", fnp.add, input, other, saves=())


def sub(input, other, *, alpha=1, out=None):  # noqa: A002
    """``input - alpha * other``.

    Example:
        >>> import compat as torch
        >>> torch.sub(torch.tensor([5, 6]), torch.tensor([1, 2]), alpha=2)
        tensor([3, 2])
    """
    _broadcast_check(input, other)
    if _is_bool(input) and _is_bool(other):
        raise RuntimeError(
            "Subtraction, the `-` operator, with two bool tensors is not supported. Use the "
            "`^` or `logical_xor()` operator instead."
        )
    if alpha != 1:
        other = mul(other, alpha) if isinstance(other, Tensor) else other * alpha
    # ``1 - x`` (a number on the left) is PyTorch's rsub
    name = "SubBackward0" if isinstance(input, Tensor) else "RsubBackward1"
    return binary(name, fnp.subtract, input, other, saves=())


def _is_bool(x):
    return isinstance(x, Tensor) and x._s.array.dtype == np.bool_


def rsub(input, other, *, alpha=1):  # noqa: A002
    """``other - alpha * input``.

    Example:
        >>> import compat as torch
        >>> torch.rsub(torch.tensor([1, 2]), 10)
        tensor([9, 8])
    """
    if alpha != 1:
        input = mul(input, alpha)
    return binary("RsubBackward1", fnp.subtract, other, input, saves=())


def mul(input, other, *, out=None):  # noqa: A002
    """``input * other``.

    Example:
        >>> import compat as torch
        >>> torch.mul(torch.tensor([1, 2]), 3), torch.mul(torch.tensor([1, 2]), 0.5)
        (tensor([3, 6]), tensor([0.5000, 1.0000]))
    """
    _broadcast_check(input, other)
    if isinstance(other, Tensor) or not isinstance(input, Tensor):
        return binary("MulBackward0", fnp.multiply, input, other)
    return binary("MulBackward0", fnp.multiply, input, other, saves=())


def div(input, other, *, rounding_mode=None, out=None):  # noqa: A002
    """True division (integers give the default float dtype), or floor/trunc rounding.

    Example:
        >>> import compat as torch
        >>> torch.tensor([1, 2]) / 2, torch.tensor([-3., 3.]) // 2
        (tensor([0.5000, 1.0000]), tensor([-2.,  1.]))
    """
    _broadcast_check(input, other)
    if rounding_mode is None:
        # ``2 / x`` (a number on the left) is ``x.reciprocal() * 2`` in PyTorch
        name = "DivBackward0" if isinstance(input, Tensor) else "MulBackward0"
        return binary(name, fnp.true_divide, input, other, float_result=True)
    if rounding_mode == "floor":
        return floor_divide(input, other)
    if rounding_mode == "trunc":
        q = binary("DivBackward0", fnp.true_divide, input, other, float_result=True)
        rt = _dtypes.result_type(input, other)
        q = apply("TruncBackward0", fnp.trunc, q)
        return q if rt.kind in _FLOAT_KINDS else q.to(_dtypes.from_numpy(rt))
    raise RuntimeError(
        f"div expected rounding_mode to be one of None, 'trunc', or 'floor' but found "
        f"'{rounding_mode}'"
    )


def _int_zero_check(other, rt):
    if rt.kind in "iu":
        arr = other._s.array if isinstance(other, Tensor) else np.asarray(other)
        if np.any(arr == 0):
            raise RuntimeError("ZeroDivisionError")


def floor_divide(input, other):  # noqa: A002
    """Division rounded down (Python's ``//``).

    Example:
        >>> import compat as torch
        >>> torch.floor_divide(torch.tensor([7, -7]), 2)
        tensor([ 3, -4])
    """
    rt = _dtypes.result_type(input, other)
    _int_zero_check(other, rt)
    return binary("DivBackward0", _floordiv, input, other)


def _floordiv(a, b):
    if a.dtype.kind in "iub":
        return np.floor_divide(a, b)
    return fnp.floor(fnp.true_divide(a, b))


def remainder(input, other):  # noqa: A002
    """Python-style modulo (the result has the divisor's sign).

    Example:
        >>> import compat as torch
        >>> torch.remainder(torch.tensor([-3, 3]), 2)
        tensor([1, 1])
    """
    rt = _dtypes.result_type(input, other)
    _int_zero_check(other, rt)
    return binary("RemainderBackward0", fnp.remainder, input, other)


def fmod(input, other):  # noqa: A002
    """C-style modulo (the result has the dividend's sign).

    Example:
        >>> import compat as torch
        >>> torch.fmod(torch.tensor([-3, 3]), 2)
        tensor([-1,  1])
    """
    return binary("FmodBackward0", fnp.fmod, input, other)


def pow(input, exponent):  # noqa: A001, A002
    """``input ** exponent`` (integers stay integers; negative integer powers refused).

    Example:
        >>> import compat as torch
        >>> torch.tensor([1, 2]) ** 2, torch.tensor([4, 9]) ** 0.5
        (tensor([1, 4]), tensor([2., 3.]))
    """
    rt = _dtypes.result_type(input, exponent)
    if rt.kind in "iu":
        e = exponent._s.array if isinstance(exponent, Tensor) else np.asarray(exponent)
        if np.any(e < 0):
            raise RuntimeError("Integers to negative integer powers are not allowed.")
    if isinstance(input, Tensor) and isinstance(exponent, Tensor):
        name = "PowBackward1"
    elif isinstance(input, Tensor):
        name = "PowBackward0"
        if not isinstance(exponent, (builtins.bool, numbers.Number, np.generic)):
            raise TypeError(
                f"unsupported operand type(s) for ** or pow(): 'Tensor' and "
                f"'{type(exponent).__name__}'"
            )
        if exponent == 2:
            return binary(name, lambda u, _e: u * u, input, exponent)
        if exponent == 1:
            return binary(name, lambda u, _e: u * 1, input, exponent)
    else:
        name = "PowBackward2"
    return binary(name, fnp.power, input, exponent)


def float_power(input, exponent):  # noqa: A002
    """``input ** exponent`` in float64.

    Example:
        >>> import compat as torch
        >>> torch.float_power(torch.tensor([2, 3]), 2)
        tensor([4., 9.], dtype=torch.float64)
    """
    a = input.double() if isinstance(input, Tensor) else float(input)
    b = exponent.double() if isinstance(exponent, Tensor) else float(exponent)
    return pow(a, b)


def neg(input):  # noqa: A002
    """``-input``.

    Example:
        >>> import compat as torch
        >>> torch.neg(torch.tensor([1, -2]))
        tensor([-1,  2])
    """
    if input._s.array.dtype == np.bool_:
        raise RuntimeError(
            "Negation, the `-` operator, on a bool tensor is not supported. If you are trying "
            "to invert a mask, use the `~` or `logical_not()` operator instead."
        )
    return apply("NegBackward0", fnp.negative, input, saves=())


negative = neg


def atan2(input, other):  # noqa: A002
    """The angle of the point (other, input).

    Example:
        >>> import compat as torch
        >>> torch.atan2(torch.tensor([1.0, 1.0]), torch.tensor([1.0, -1.0]))
        tensor([0.7854, 2.3562])
    """
    return binary("Atan2Backward0", fnp.arctan2, input, other, float_result=True)


arctan2 = atan2


def maximum(input, other):  # noqa: A002
    """Elementwise maximum (ties share the gradient).

    Example:
        >>> import compat as torch
        >>> torch.maximum(torch.tensor([1, 4]), torch.tensor([3, 2]))
        tensor([3, 4])
    """
    return binary("MaximumBackward0", fnp.maximum, input, other)


def minimum(input, other):  # noqa: A002
    """Elementwise minimum (ties share the gradient).

    Example:
        >>> import compat as torch
        >>> torch.minimum(torch.tensor([1, 4]), torch.tensor([3, 2]))
        tensor([1, 2])
    """
    return binary("MinimumBackward0", fnp.minimum, input, other)


def fmax(input, other):  # noqa: A002
    """Elementwise maximum that ignores NaN (the other value wins).

    Example:
        >>> import compat as torch
        >>> torch.fmax(torch.tensor([1.0, float("nan")]), torch.tensor([3.0, 2.0]))
        tensor([3., 2.])
    """
    return binary("FmaxBackward0", fnp.fmax, input, other)


def fmin(input, other):  # noqa: A002
    """Elementwise minimum that ignores NaN (the other value wins).

    Example:
        >>> import compat as torch
        >>> torch.fmin(torch.tensor([1.0, float("nan")]), torch.tensor([3.0, 2.0]))
        tensor([1., 2.])
    """
    return binary("FminBackward0", fnp.fmin, input, other)


def hypot(input, other):  # noqa: A002
    """``sqrt(input**2 + other**2)``.

    Example:
        >>> import compat as torch
        >>> torch.hypot(torch.tensor([3.0, 5.0]), torch.tensor([4.0, 12.0]))
        tensor([ 5., 13.])
    """
    return binary("HypotBackward0", fnp.hypot, input, other)


def logaddexp(input, other):  # noqa: A002
    """``log(exp(input) + exp(other))``, stably.

    Example:
        >>> import compat as torch
        >>> torch.logaddexp(torch.tensor([0.0, 1.0]), torch.tensor([0.0, 2.0]))
        tensor([0.6931, 2.3133])
    """
    return binary("LogaddexpBackward0", fnp.logaddexp, input, other)


def where(condition, input=None, other=None):  # noqa: A002
    """``input`` where ``condition`` holds, else ``other`` (tensors or numbers).

    Example:
        >>> import compat as torch
        >>> x = torch.tensor([1., -2.])
        >>> torch.where(x > 0, x, 0.)
        tensor([1., 0.])
    """
    if input is None and other is None:
        from compat._index import nonzero

        return nonzero(condition, as_tuple=True)
    cond = condition._s.array if isinstance(condition, Tensor) else np.asarray(condition)
    if cond.dtype != np.bool_:
        raise RuntimeError(
            "where expected condition to be a boolean tensor, but got a tensor with dtype "
            f"{_dtypes.SCALAR_NAME[_dtypes.from_numpy(cond.dtype)]}"
        )
    return binary("WhereBackward0", lambda a, b: fnp.where(cond, a, b), input, other)


def lerp(input, end, weight):  # noqa: A002
    """``input + weight * (end - input)`` (one op, as in PyTorch).

    Example:
        >>> import compat as torch
        >>> torch.lerp(torch.tensor([0., 10.]), torch.tensor([10., 20.]), 0.25)
        tensor([ 2.5000, 12.5000])
    """
    if isinstance(weight, Tensor):
        return apply("LerpBackward1", lambda a, b, w: a + w * (b - a), input, end, weight)
    return apply("LerpBackward0", lambda a, b: a + weight * (b - a), input, end)

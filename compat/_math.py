"""Arithmetic, elementwise math and comparisons, with PyTorch's type promotion.

Each op casts its operands to PyTorch's result dtype (``_dtypes.result_type``) inside
the recorded function, so the cast is part of the op (one ``grad_fn``, as in PyTorch),
and records the funcgrad.numpy function on compat's tape.
"""

from __future__ import annotations

import builtins
import numbers

import numpy as np

import funcgrad.nn.functional as _F
import funcgrad.numpy as fnp
import funcgrad.scipy.special as fsp
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
    """``input - alpha * other``."""
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
    """``other - alpha * input``."""
    if alpha != 1:
        input = mul(input, alpha)
    return binary("RsubBackward1", fnp.subtract, other, input, saves=())


def mul(input, other, *, out=None):  # noqa: A002
    """``input * other``."""
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
    """Division rounded down (Python's ``//``)."""
    rt = _dtypes.result_type(input, other)
    _int_zero_check(other, rt)
    return binary("DivBackward0", _floordiv, input, other)


def _floordiv(a, b):
    if a.dtype.kind in "iub":
        return np.floor_divide(a, b)
    return fnp.floor(fnp.true_divide(a, b))


def remainder(input, other):  # noqa: A002
    """Python-style modulo (the result has the divisor's sign)."""
    rt = _dtypes.result_type(input, other)
    _int_zero_check(other, rt)
    return binary("RemainderBackward0", fnp.remainder, input, other)


def fmod(input, other):  # noqa: A002
    """C-style modulo (the result has the dividend's sign)."""
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
    """``input ** exponent`` in float64."""
    a = input.double() if isinstance(input, Tensor) else float(input)
    b = exponent.double() if isinstance(exponent, Tensor) else float(exponent)
    return pow(a, b)


def neg(input):  # noqa: A002
    """``-input``."""
    if input._s.array.dtype == np.bool_:
        raise RuntimeError(
            "Negation, the `-` operator, on a bool tensor is not supported. If you are trying "
            "to invert a mask, use the `~` or `logical_not()` operator instead."
        )
    return apply("NegBackward0", fnp.negative, input, saves=())


negative = neg


def atan2(input, other):  # noqa: A002
    """The angle of the point (other, input)."""
    return binary("Atan2Backward0", fnp.arctan2, input, other, float_result=True)


arctan2 = atan2


def maximum(input, other):  # noqa: A002
    """Elementwise maximum (ties share the gradient)."""
    return binary("MaximumBackward0", fnp.maximum, input, other)


def minimum(input, other):  # noqa: A002
    """Elementwise minimum (ties share the gradient)."""
    return binary("MinimumBackward0", fnp.minimum, input, other)


fmax = maximum
fmin = minimum


def hypot(input, other):  # noqa: A002
    """``sqrt(input**2 + other**2)``."""
    return binary("HypotBackward0", fnp.hypot, input, other)


def logaddexp(input, other):  # noqa: A002
    """``log(exp(input) + exp(other))``, stably."""
    return binary("LogaddexpBackward0", fnp.logaddexp, input, other)


# --- unary -------------------------------------------------------------------------------


def _unary(name, fn, *, float_only=True, saves=None, result=False):
    if result:  # the op saves its result (for its gradient), not its input
        saves = ()

    def op(input, *, out=None):  # noqa: A002
        if not isinstance(input, Tensor):
            raise TypeError(
                f"{op.__name__}(): argument 'input' (position 1) must be Tensor, not "
                f"{type(input).__name__}"
            )
        if float_only and input._s.array.dtype.kind not in _FLOAT_KINDS:
            dt = _dtypes.default_np()
            return apply(
                name, lambda v: fn(fnp.astype(v, dt)), input, saves=saves, saves_out=result
            )
        return apply(name, fn, input, saves=saves, saves_out=result)

    return op


def _zero_gradient(fn):
    """``fn`` (piecewise constant) recorded with the zero gradient PyTorch gives it.

    funcgrad does not record functions whose derivative is zero; PyTorch does
    (``x.round().sum().backward()`` gives ``x.grad`` of zeros), so the value goes
    through a ``where`` that never picks the traced input.
    """

    def op(v):
        return fnp.where(False, v, fn(v)) if v.dtype.kind in _FLOAT_KINDS else fn(v)

    return op


def _named(name, op, doc):
    op.__name__ = op.__qualname__ = name
    op.__doc__ = doc
    return op


_sigmoid = _F.sigmoid


def _relu(v):
    return np.maximum(v, 0) if v.dtype.kind in "iub" else _F.relu(v)


def _rsqrt(v):
    return 1 / fnp.sqrt(v)


def _frac(v):
    return v - fnp.trunc(v)


def _sgn(v):
    return fnp.sign(v)


_UNARY = {
    # name: (grad_fn name, funcgrad function, float only)
    "exp": ("ExpBackward0", fnp.exp, True),
    "exp2": ("Exp2Backward0", fnp.exp2, True),
    "expm1": ("Expm1Backward0", fnp.expm1, True),
    "log": ("LogBackward0", fnp.log, True),
    "log2": ("Log2Backward0", fnp.log2, True),
    "log10": ("Log10Backward0", fnp.log10, True),
    "log1p": ("Log1PBackward0", fnp.log1p, True),
    "sqrt": ("SqrtBackward0", fnp.sqrt, True),
    "rsqrt": ("RsqrtBackward0", _rsqrt, True),
    "sin": ("SinBackward0", fnp.sin, True),
    "cos": ("CosBackward0", fnp.cos, True),
    "tan": ("TanBackward0", fnp.tan, True),
    "asin": ("AsinBackward0", fnp.arcsin, True),
    "acos": ("AcosBackward0", fnp.arccos, True),
    "atan": ("AtanBackward0", fnp.arctan, True),
    "sinh": ("SinhBackward0", fnp.sinh, True),
    "cosh": ("CoshBackward0", fnp.cosh, True),
    "tanh": ("TanhBackward0", fnp.tanh, True),
    "asinh": ("AsinhBackward0", fnp.arcsinh, True),
    "acosh": ("AcoshBackward0", fnp.arccosh, True),
    "atanh": ("AtanhBackward0", fnp.arctanh, True),
    "sigmoid": ("SigmoidBackward0", _sigmoid, True),
    "erf": ("ErfBackward0", fsp.erf, True),
    "erfc": ("ErfcBackward0", fsp.erfc, True),
    "lgamma": ("LgammaBackward0", fsp.gammaln, True),
    "digamma": ("DigammaBackward0", fsp.digamma, True),
    "reciprocal": ("ReciprocalBackward0", fnp.reciprocal, True),
    "abs": ("AbsBackward0", fnp.abs, False),
    "relu": ("ReluBackward0", _relu, False),
    "sign": ("SignBackward0", _zero_gradient(fnp.sign), False),
    "sgn": ("SgnBackward0", _zero_gradient(_sgn), False),
    "floor": ("FloorBackward0", _zero_gradient(fnp.floor), False),
    "ceil": ("CeilBackward0", _zero_gradient(fnp.ceil), False),
    "round": ("RoundBackward0", _zero_gradient(fnp.rint), False),
    "trunc": ("TruncBackward0", _zero_gradient(fnp.trunc), False),
    "frac": ("FracBackward0", _frac, False),
    "square": ("PowBackward0", lambda v: v * v, False),
    "positive": ("AliasBackward0", lambda v: v, False),
}

# PyTorch saves these ops' results, not their inputs, for the backward pass: changing
# the input in place afterwards does not break backward (saves=() here).
_SAVES_RESULT = {
    "exp",
    "exp2",
    "expm1",
    "sqrt",
    "rsqrt",
    "tan",
    "tanh",
    "sigmoid",
    "relu",
    "reciprocal",
}

for _n, (_gname, _fn, _float) in _UNARY.items():
    globals()[_n] = _named(
        _n,
        _unary(_gname, _fn, float_only=_float, result=_n in _SAVES_RESULT),
        f"Elementwise ``{_n}`` (``{_gname}`` in the graph).",
    )


def positive(input):  # noqa: A002
    """``+input``: the tensor itself, as in PyTorch."""
    if input._s.array.dtype == np.bool_:
        raise RuntimeError("The `+` operator, on a bool tensor is not supported.")
    return input


absolute = globals()["abs"]
arcsin, arccos, arctan = globals()["asin"], globals()["acos"], globals()["atan"]
fix = globals()["trunc"]

_INT_KEEP = {"abs", "relu", "sign", "floor", "ceil", "round", "trunc", "square", "positive"}


def clamp(input, min=None, max=None):  # noqa: A001, A002
    """Limit values to [min, max]; the gradient is 1 on the closed interval.

    Example:
        >>> import compat as torch
        >>> torch.clamp(torch.tensor([-2., 0.5, 3.]), min=-1, max=1)
        tensor([-1.0000,  0.5000,  1.0000])
    """
    return _clamp(input, min, max, "ClampBackward1")


def _clamp(input, min, max, _name):  # noqa: A001, A002
    if min is None and max is None:
        raise RuntimeError("torch.clamp: At least one of 'min' or 'max' must not be None")
    if isinstance(min, Tensor) or isinstance(max, Tensor):
        out = input
        if min is not None:
            out = binary("ClampBackward0", _clamp_lo, out, min)
        if max is not None:
            out = binary("ClampBackward0", _clamp_hi, out, max)
        return out
    rt = _dtypes.result_type(input, *(b for b in (min, max) if b is not None))
    lo = None if min is None else _scalar(min, rt)
    hi = None if max is None else _scalar(max, rt)

    def fn(v):
        v = _cast(v, rt)
        if lo is not None:
            v = _clamp_lo(v, lo)
        if hi is not None:
            v = _clamp_hi(v, hi)
        return v

    return apply(_name, fn, input)


def _clamp_lo(v, lo):
    # gradient 1 where v >= lo (bounds included), as PyTorch's clamp
    return fnp.where(v >= lo, v, fnp.zeros_like(v) + lo)


def _clamp_hi(v, hi):
    return fnp.where(v <= hi, v, fnp.zeros_like(v) + hi)


clip = clamp


def clamp_min(input, min):  # noqa: A001, A002
    """``clamp(input, min=min)``."""
    return _clamp(input, min, None, "ClampMinBackward0")


def clamp_max(input, max):  # noqa: A001, A002
    """``clamp(input, max=max)``."""
    return _clamp(input, None, max, "ClampMaxBackward0")


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


def nan_to_num(input, nan=0.0, posinf=None, neginf=None):  # noqa: A002
    """Replace NaN and infinities with finite numbers."""
    return apply(
        "NanToNumBackward0",
        lambda v: fnp.nan_to_num(v, nan=nan, posinf=posinf, neginf=neginf),
        input,
    )


# --- comparisons and logic -------------------------------------------------------------------


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

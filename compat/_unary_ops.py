"""Elementwise functions of one tensor: exp, log, trig, sigmoid, relu, rounding, clamp, ...

The table ``_UNARY`` declares each op once (its ``grad_fn`` name, the funcgrad function,
and whether integer input is promoted to the default float dtype); the functions are made
from it. Piecewise-constant ops are recorded with the zero gradient PyTorch gives them.
"""

from __future__ import annotations

import numpy as np

import funcgrad.nn.functional as _F
import funcgrad.numpy as fnp
import funcgrad.scipy.special as fsp
from compat import _dtypes
from compat._autograd import apply
from compat._math import _FLOAT_KINDS, _cast, _named, _scalar, binary
from compat._tensor import Tensor


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


def nan_to_num(input, nan=0.0, posinf=None, neginf=None):  # noqa: A002
    """Replace NaN and infinities with finite numbers."""
    return apply(
        "NanToNumBackward0",
        lambda v: fnp.nan_to_num(v, nan=nan, posinf=posinf, neginf=neginf),
        input,
    )

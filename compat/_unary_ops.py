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
    # name: (grad_fn name, funcgrad function, float only, example input, its result as
    # PyTorch prints it, inside ``tensor(...)``)
    "exp": ("ExpBackward0", fnp.exp, True, "[0.0, 1.0]", "[1.0000, 2.7183]"),
    "exp2": ("Exp2Backward0", fnp.exp2, True, "[0.0, 1.0, 3.0]", "[1., 2., 8.]"),
    "expm1": ("Expm1Backward0", fnp.expm1, True, "[0.0, 1.0]", "[0.0000, 1.7183]"),
    "log": ("LogBackward0", fnp.log, True, "[1.0, 10.0]", "[0.0000, 2.3026]"),
    "log2": ("Log2Backward0", fnp.log2, True, "[1.0, 8.0]", "[0., 3.]"),
    "log10": ("Log10Backward0", fnp.log10, True, "[0.1, 10.0]", "[-1.,  1.]"),
    "log1p": ("Log1PBackward0", fnp.log1p, True, "[0.0, 1.0]", "[0.0000, 0.6931]"),
    "sqrt": ("SqrtBackward0", fnp.sqrt, True, "[4.0, 2.0]", "[2.0000, 1.4142]"),
    "rsqrt": ("RsqrtBackward0", _rsqrt, True, "[4.0, 0.25]", "[0.5000, 2.0000]"),
    "sin": ("SinBackward0", fnp.sin, True, "[0.0, 1.0]", "[0.0000, 0.8415]"),
    "cos": ("CosBackward0", fnp.cos, True, "[0.0, 1.0]", "[1.0000, 0.5403]"),
    "tan": ("TanBackward0", fnp.tan, True, "[0.0, 1.0]", "[0.0000, 1.5574]"),
    "asin": ("AsinBackward0", fnp.arcsin, True, "[0.0, 1.0]", "[0.0000, 1.5708]"),
    "acos": ("AcosBackward0", fnp.arccos, True, "[1.0, 0.0]", "[0.0000, 1.5708]"),
    "atan": ("AtanBackward0", fnp.arctan, True, "[0.0, 1.0]", "[0.0000, 0.7854]"),
    "sinh": ("SinhBackward0", fnp.sinh, True, "[0.0, 1.0]", "[0.0000, 1.1752]"),
    "cosh": ("CoshBackward0", fnp.cosh, True, "[0.0, 1.0]", "[1.0000, 1.5431]"),
    "tanh": ("TanhBackward0", fnp.tanh, True, "[0.0, 1.0]", "[0.0000, 0.7616]"),
    "asinh": ("AsinhBackward0", fnp.arcsinh, True, "[0.0, 1.0]", "[0.0000, 0.8814]"),
    "acosh": ("AcoshBackward0", fnp.arccosh, True, "[1.0, 2.0]", "[0.0000, 1.3170]"),
    "atanh": ("AtanhBackward0", fnp.arctanh, True, "[0.0, 0.5]", "[0.0000, 0.5493]"),
    "sigmoid": ("SigmoidBackward0", _sigmoid, True, "[0.0, 2.0]", "[0.5000, 0.8808]"),
    "erf": ("ErfBackward0", fsp.erf, True, "[0.0, 1.0]", "[0.0000, 0.8427]"),
    "erfc": ("ErfcBackward0", fsp.erfc, True, "[0.0, 1.0]", "[1.0000, 0.1573]"),
    "lgamma": ("LgammaBackward0", fsp.gammaln, True, "[3.0, 0.5]", "[0.6931, 0.5724]"),
    "digamma": ("DigammaBackward0", fsp.digamma, True, "[1.0, 2.0]", "[-0.5772,  0.4228]"),
    "reciprocal": ("ReciprocalBackward0", fnp.reciprocal, True, "[2, 4]", "[0.5000, 0.2500]"),
    "abs": ("AbsBackward0", fnp.abs, False, "[-1, 0, 2]", "[1, 0, 2]"),
    "relu": ("ReluBackward0", _relu, False, "[-1.0, 0.5]", "[0.0000, 0.5000]"),
    "sign": ("SignBackward0", _zero_gradient(fnp.sign), False, "[-2., 0., 3.]", "[-1.,  0.,  1.]"),
    "sgn": ("SgnBackward0", _zero_gradient(_sgn), False, "[-2., 0., 3.]", "[-1.,  0.,  1.]"),
    "floor": ("FloorBackward0", _zero_gradient(fnp.floor), False, "[-1.5, 1.5]", "[-2.,  1.]"),
    "ceil": ("CeilBackward0", _zero_gradient(fnp.ceil), False, "[-1.5, 1.5]", "[-1.,  2.]"),
    "round": ("RoundBackward0", _zero_gradient(fnp.rint), False, "[0.5, 1.5, 2.7]", "[0., 2., 3.]"),
    "trunc": ("TruncBackward0", _zero_gradient(fnp.trunc), False, "[-1.7, 1.7]", "[-1.,  1.]"),
    "frac": ("FracBackward0", _frac, False, "[-1.25, 1.75]", "[-0.2500,  0.7500]"),
    "square": ("PowBackward0", lambda v: v * v, False, "[-2, 3]", "[4, 9]"),
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


_DOC = """Elementwise ``{name}`` (``{grad_fn}`` in the graph).

Example:
    >>> import compat as torch
    >>> torch.{name}(torch.tensor({example}))
    tensor({result})
"""


for _n, (_gname, _fn, _float, _example, _result) in _UNARY.items():
    globals()[_n] = _named(
        _n,
        _unary(_gname, _fn, float_only=_float, result=_n in _SAVES_RESULT),
        _DOC.format(name=_n, grad_fn=_gname, example=_example, result=_result),
    )


def positive(input):  # noqa: A002
    """``+input``: the tensor itself, as in PyTorch.

    Example:
        >>> import compat as torch
        >>> x = torch.tensor([-2, 3])
        >>> torch.positive(x) is x
        True
    """
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
    """``clamp(input, min=min)``.

    Example:
        >>> import compat as torch
        >>> torch.clamp_min(torch.tensor([-1.0, 2.0]), 0.0)
        tensor([0., 2.])
    """
    return _clamp(input, min, None, "ClampMinBackward0")


def clamp_max(input, max):  # noqa: A001, A002
    """``clamp(input, max=max)``.

    Example:
        >>> import compat as torch
        >>> torch.clamp_max(torch.tensor([-1.0, 2.0]), 0.0)
        tensor([-1.,  0.])
    """
    return _clamp(input, None, max, "ClampMaxBackward0")


def nan_to_num(input, nan=0.0, posinf=None, neginf=None):  # noqa: A002
    """Replace NaN and infinities with finite numbers.

    Example:
        >>> import compat as torch
        >>> torch.nan_to_num(torch.tensor([float("nan"), float("inf"), 1.0]), posinf=9.0)
        tensor([0., 9., 1.])
    """
    return apply(
        "NanToNumBackward0",
        lambda v: fnp.nan_to_num(v, nan=nan, posinf=posinf, neginf=neginf),
        input,
    )

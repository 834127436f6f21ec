"""Elementwise functions of one array.

Each rule is written with funcgrad.numpy (operators on traced values dispatch to it),
so every rule differentiates again. ``saves`` says what a rule reads, so the trace
keeps nothing else alive (``tanh`` keeps only its output, like PyTorch's rule).
"""

from __future__ import annotations

import math

import numpy as np

import funcgrad.numpy as fnp
from funcgrad._core import LINEAR, concrete
from funcgrad._primitive import ABOVE_ONE, NONZERO, POSITIVE, UNIT, defop, export, primitive_of


def _elementwise(impl, rule, **kw):
    """Declare f(x) applied elementwise: one rule ``rule(g, ans, x) = g * f'(x)``.

    For an elementwise function both modes multiply by the same derivative, so the
    one rule serves as VJP (g a cotangent) and as JVP (g a tangent).
    """
    return defop(impl, vjp=rule, jvp=rule, **kw)


negative = defop(np.negative, vjp=lambda g, ans, x: -g, jvp=LINEAR, saves="shapes")
positive = defop(np.positive, vjp=lambda g, ans, x: g, jvp=LINEAR, saves="shapes")


def _abs_rule(g, ans, x):
    if x.dtype.kind == "c":
        # |z| is real. In JAX's convention its JVP is Re(conj(z) / |z| t) (the cast to the
        # real output takes the real part) and its VJP g conj(z) / |z|; 0 at z == 0.
        zero = concrete(x) == 0
        if np.any(zero):
            x = fnp.where(zero, 1, x)
            return g * fnp.where(zero, 0, fnp.conjugate(x) / absolute(x))
        return g * (fnp.conjugate(x) / absolute(x))
    return g * fnp.sign(x)


absolute = _elementwise(np.absolute, _abs_rule, saves="args", domain=NONZERO)
abs = absolute  # noqa: A001  (numpy's alias)

exp = _elementwise(np.exp, lambda g, ans, x: g * ans, saves="ans")
log = _elementwise(np.log, lambda g, ans, x: g / x, saves="args", domain=POSITIVE)
log1p = _elementwise(np.log1p, lambda g, ans, x: g / (x + 1), saves="args", domain=POSITIVE)
expm1 = _elementwise(np.expm1, lambda g, ans, x: g * (ans + 1), saves="ans")
sqrt = _elementwise(np.sqrt, lambda g, ans, x: g / (ans * 2), saves="ans", domain=POSITIVE)
square = _elementwise(np.square, lambda g, ans, x: g * (x * 2), saves="args")

sin = _elementwise(np.sin, lambda g, ans, x: g * cos(x), saves="args")
cos = _elementwise(np.cos, lambda g, ans, x: -g * sin(x), saves="args")
tan = _elementwise(np.tan, lambda g, ans, x: g * (ans * ans + 1), saves="ans", domain=UNIT)


def _tanh_rule(g, ans, x):
    """``g * (1 - tanh(x)**2)`` from the output, as PyTorch and JAX compute it."""
    if type(g) is np.ndarray and type(ans) is np.ndarray and ans.ndim:
        # Plain arrays (no outer trace): one temporary, updated in place, instead of
        # three. Fewer allocations in the backward pass of every tanh network.
        d = ans * ans
        np.subtract(1, d, out=d)
        return np.multiply(g, d, out=d)
    return g * (1 - ans * ans)


tanh = _elementwise(np.tanh, _tanh_rule, saves="ans")  # keeps only the output
sinh = _elementwise(np.sinh, lambda g, ans, x: g * cosh(x), saves="args")
cosh = _elementwise(np.cosh, lambda g, ans, x: g * sinh(x), saves="args")
arcsin = _elementwise(np.arcsin, lambda g, ans, x: g / sqrt(1 - x * x), saves="args", domain=UNIT)
arccos = _elementwise(np.arccos, lambda g, ans, x: -g / sqrt(1 - x * x), saves="args", domain=UNIT)
arctan = _elementwise(np.arctan, lambda g, ans, x: g / (x * x + 1), saves="args")

arcsinh = _elementwise(np.arcsinh, lambda g, ans, x: g / sqrt(x * x + 1), saves="args")
arccosh = _elementwise(
    np.arccosh, lambda g, ans, x: g / (sqrt(x - 1) * sqrt(x + 1)), saves="args", domain=ABOVE_ONE
)
arctanh = _elementwise(np.arctanh, lambda g, ans, x: g / (1 - x * x), saves="args", domain=UNIT)

# Python floats (not numpy scalars) keep float32 float32.
_LN2 = math.log(2.0)
_LN10 = math.log(10.0)
_DEG = math.pi / 180.0

exp2 = _elementwise(np.exp2, lambda g, ans, x: g * (ans * _LN2), saves="ans")
log2 = _elementwise(np.log2, lambda g, ans, x: g / (x * _LN2), saves="args", domain=POSITIVE)
log10 = _elementwise(np.log10, lambda g, ans, x: g / (x * _LN10), saves="args", domain=POSITIVE)
reciprocal = _elementwise(
    np.reciprocal, lambda g, ans, x: g * -(ans * ans), saves="ans", domain=NONZERO
)
cbrt = _elementwise(np.cbrt, lambda g, ans, x: g / (ans * ans * 3), saves="ans", domain=NONZERO)
fabs = _elementwise(np.fabs, _abs_rule, saves="args", domain=NONZERO)
deg2rad = _elementwise(np.deg2rad, lambda g, ans, x: g * _DEG, saves="shapes")
rad2deg = _elementwise(np.rad2deg, lambda g, ans, x: g * (1 / _DEG), saves="shapes")
radians = deg2rad  # numpy's aliases
degrees = rad2deg


# --- sinc(x) = sin(pi x) / (pi x): its derivative is a primitive of its own, so that the
# value at x == 0 (where the closed forms divide 0 by 0) is exact at orders 1 to 3.

_PI2 = math.pi**2
_SMALL_SINC = 0.1  # below this |x|, sinc' comes from its Maclaurin series


def _sinc_derivative_impl(x):
    """sinc'(x) = (cos(pi x) - sinc(x)) / x, from its series near 0 (0 at x == 0)."""
    x = np.asarray(x)
    small = np.abs(x) < _SMALL_SINC
    safe = np.where(small, 1, x)
    direct = (np.cos(math.pi * safe) - np.sinc(safe)) / safe
    u = (math.pi * x) ** 2  # sinc'(x) = pi^2 x sum_k (-1)^k 2k u^(k-1) / (2k+1)!
    c = (-1 / 3, 1 / 30, -1 / 840, 1 / 45360, -1 / 3991680, 1 / 518918400, -1 / 93405312000)
    series = c[-1]
    for ck in c[-2::-1]:
        series = series * u + ck
    series = series * (_PI2 * x)
    return np.where(small, series, direct)


def _sinc_second(g, ans, x):
    """g * sinc''(x), from 2 sinc' + x sinc'' = -pi^2 x sinc; -pi^2 / 3 at x == 0."""
    zero = concrete(x) == 0
    if np.any(zero):
        xs = fnp.where(zero, 1, x)
        d2 = (xs * sinc(xs) * -_PI2 - sinc_derivative(xs) * 2) / xs
        return g * fnp.where(zero, -_PI2 / 3, d2)
    return g * ((x * sinc(x) * -_PI2 - sinc_derivative(x) * 2) / x)


sinc_derivative = _elementwise(
    _sinc_derivative_impl, _sinc_second, name="sinc_derivative", saves="args"
)
sinc = _elementwise(np.sinc, lambda g, ans, x: g * sinc_derivative(x), saves="args")


# --- nan_to_num: the gradient passes where the value was finite, and is 0 elsewhere.


def _finite_rule(g, ans, x, **kw):
    return fnp.where(np.isfinite(concrete(x)), g, 0)


def _nan_to_num_impl(x, nan=0.0, posinf=None, neginf=None):
    return np.nan_to_num(x, copy=True, nan=nan, posinf=posinf, neginf=neginf)


_nan_to_num = _elementwise(_nan_to_num_impl, _finite_rule, name="nan_to_num", saves="args")


def nan_to_num(x, copy=True, nan=0.0, posinf=None, neginf=None):
    """Replace NaN and infinities by finite numbers (``numpy.nan_to_num``).

    The gradient passes where ``x`` was finite and is 0 where it was replaced (the
    replacement is a constant). ``copy`` is accepted for numpy's signature; the input
    is never written into.

    Example:
        >>> import numpy as np, funcgrad as fg, funcgrad.numpy as fnp
        >>> x = np.array([1.0, np.nan, np.inf])
        >>> fg.grad(lambda x: fnp.sum(fnp.nan_to_num(x, posinf=9.0) * 2))(x)
        array([2., 0., 0.])
    """
    return _nan_to_num(x, nan=nan, posinf=posinf, neginf=neginf)


export(nan_to_num, primitive_of(_nan_to_num))

"""Elementwise functions of several arrays, with numpy broadcasting.

The rules return cotangents shaped like the output; the backward pass applies
``unbroadcast`` (sum over broadcast axes, cast back to the argument's dtype) only when
a cotangent's shape or dtype differs from its argument's.
"""

from __future__ import annotations

import operator

import numpy as np

import funcgrad.numpy as fnp
from funcgrad._core import ZERO, concrete as _plain
from funcgrad._primitive import DIVISOR, NONZERO, POSITIVE, REAL, defop, export, primitive_of

_EW = {"shapes": "elementwise"}
_EW_ORDERED = {"shapes": "elementwise", "complex": False}  # defined through an ordering


def _elementwise(impl, *partials, fast=None, **kw):
    """Declare an elementwise op of several arrays from its partial derivatives.

    ``partials[i](g, ans, *args, **kw)`` is ``g`` times the derivative with respect to
    argument i (``ZERO`` for none). The JVP contribution of argument i is exactly
    that, with ``g`` its tangent; the VJP is the same product with ``g`` the
    cotangent, which the backward pass sums back over the axes broadcasting added
    (``unbroadcast``) when its shape or dtype is not the argument's.
    ``fast``: what computes the op on numpy scalars without the ufunc's overhead.
    """
    fn = defop(impl, vjp=partials, jvp=partials, **kw)
    prim = primitive_of(fn)
    prim.unbroadcast = True
    if fast is not None:
        prim.fast = fast
    return fn


add = _elementwise(
    np.add,
    lambda g, ans, x, y: g,
    lambda g, ans, x, y: g,
    fast=operator.add,
    saves="shapes",
    check=_EW,
)
subtract = _elementwise(
    np.subtract,
    lambda g, ans, x, y: g,
    lambda g, ans, x, y: -g,
    fast=operator.sub,
    saves="shapes",
    check=_EW,
)
multiply = _elementwise(
    np.multiply,
    lambda g, ans, x, y: g * y,
    lambda g, ans, x, y: g * x,
    fast=operator.mul,
    saves="args",
    check=_EW,
)
divide = _elementwise(
    np.divide,
    lambda g, ans, x, y: g / y,
    lambda g, ans, x, y: -g * x / (y * y),
    saves="args",
    domain=(REAL, NONZERO),
    check=_EW,
)
true_divide = divide


def _pow_dx(g, ans, x, y):
    # d/dx x**y = y * x**(y - 1); where y == 0 the derivative is 0, even at x == 0.
    yc = _plain(y)
    if isinstance(yc, (int, float)):  # the common x ** 2: no mask needed
        if yc == 0:
            return fnp.zeros_like(g) * fnp.zeros_like(x)  # zeros of the broadcast shape
        return g * (y * x ** (y - 1))
    zero = yc == 0
    if np.any(zero):
        # Substitute a safe exponent where y == 0 before masking, so that 0 ** -1 is
        # never computed: no warning, and no 0 * inf = nan in higher derivatives.
        y = fnp.where(zero, 1, y)
        return g * fnp.where(zero, 0, y * x ** (y - 1))
    return g * (y * x ** (y - 1))


def _pow_dy(g, ans, x, y):
    # d/dy x**y = log(x) * x**y, taken as 0 at x == 0 (the limit from the right).
    zero = _plain(x) == 0
    if np.any(zero):
        return fnp.where(zero, 0, g * ans * fnp.log(fnp.where(zero, 1, x)))
    return g * ans * fnp.log(x)


power = _elementwise(np.power, _pow_dx, _pow_dy, domain=(POSITIVE, REAL), check=_EW)

arctan2 = _elementwise(
    np.arctan2,
    lambda g, ans, y, x: g * x / (x * x + y * y),
    lambda g, ans, y, x: -g * y / (x * x + y * y),
    saves="args",
    domain=NONZERO,
    check=_EW,
)


def _tie_weight(a, b, dtype):
    """1 where a wins, 0.5 where a and b tie, 0 where b wins (ties split evenly)."""
    a, b = _plain(a), _plain(b)
    return ((a > b) + (a == b) * 0.5).astype(dtype, copy=False)


maximum = _elementwise(
    np.maximum,
    lambda g, ans, x, y: g * _tie_weight(x, y, g.dtype),
    lambda g, ans, x, y: g * _tie_weight(y, x, g.dtype),
    saves="args",
    check=_EW_ORDERED,
)
minimum = _elementwise(
    np.minimum,
    lambda g, ans, x, y: g * _tie_weight(y, x, g.dtype),
    lambda g, ans, x, y: g * _tie_weight(x, y, g.dtype),
    saves="args",
    check=_EW_ORDERED,
)

_where = _elementwise(
    np.where,
    ZERO,
    lambda g, ans, c, x, y: fnp.where(_plain(c), g, 0),
    lambda g, ans, c, x, y: fnp.where(_plain(c), 0, g),
    saves="args",
    check={"shapes": "where"},
)


def where(condition, x=None, y=None):
    """Choose elementwise from ``x`` where ``condition`` holds, else from ``y``.

    Like ``numpy.where``; gradients flow to ``x`` and ``y``, never to the condition.
    The one-argument form ``where(condition)`` returns indices (no gradient).

    Example:
        >>> import numpy as np, funcgrad as fg, funcgrad.numpy as fnp
        >>> fg.grad(lambda x: fnp.sum(fnp.where(x > 0, x, 0.0)))(np.array([-1.0, 2.0]))
        array([0., 1.])
    """
    if x is None and y is None:
        return np.where(_plain(condition))
    if x is None or y is None:
        raise ValueError("where: pass both x and y, or neither")
    return _where(condition, x, y)


export(where, primitive_of(_where))


def _clip_partial(i):
    """Where the value comes from: x where lo <= x <= hi (bounds included, like
    PyTorch's clamp), lo where x < lo (unless hi overrides it), hi where x > hi or
    wherever lo > hi."""

    def partial(g, ans, x, lo, hi):
        px = _plain(x)
        plo = None if lo is None else _plain(lo)
        phi = None if hi is None else _plain(hi)
        if i == 0:
            taken = True
            if lo is not None:
                taken = taken & (px >= plo)
            if hi is not None:
                taken = taken & (px <= phi)
        elif i == 1:
            taken = px < plo
            if hi is not None:
                taken = taken & (plo <= phi)
        else:
            taken = px > phi
            if lo is not None:
                taken = taken | (plo > phi)
        return fnp.where(taken, g, 0)

    return partial


_clip = _elementwise(
    np.clip,
    _clip_partial(0),
    _clip_partial(1),
    _clip_partial(2),
    saves="args",
    check=_EW_ORDERED,
)


def clip(a, a_min=None, a_max=None):
    """Limit ``a`` to ``[a_min, a_max]`` (like ``numpy.clip``).

    The gradient passes to ``a`` where ``a_min <= a <= a_max`` (bounds included, as
    PyTorch's ``clamp``), and to a bound where it is the value taken.

    Example:
        >>> import numpy as np, funcgrad as fg, funcgrad.numpy as fnp
        >>> fg.grad(lambda x: fnp.sum(fnp.clip(x, 0.0, 1.0)))(np.array([-1.0, 0.5, 2.0]))
        array([0., 1., 0.])
    """
    if a_min is None and a_max is None:
        raise ValueError("clip: at least one of a_min and a_max must be given")
    return _clip(a, a_min, a_max)


export(clip, primitive_of(_clip))


# --- more elementwise functions of two arrays -------------------------------------


def _log_sum_partial(i, exp):
    """logaddexp(2): d/dz = exp(z - ans) (base 2 for logaddexp2), 0 where both are -inf."""

    def partial(g, ans, x, y):
        z = (x, y)[i]
        lost = np.isneginf(_plain(ans))  # both -inf: the result does not depend on them
        if np.any(lost):
            return fnp.where(lost, 0, g * exp(fnp.where(lost, 0, z) - fnp.where(lost, 1, ans)))
        return g * exp(z - ans)

    return partial


logaddexp = _elementwise(
    np.logaddexp,
    _log_sum_partial(0, lambda v: fnp.exp(v)),
    _log_sum_partial(1, lambda v: fnp.exp(v)),
    check=_EW,
)
logaddexp2 = _elementwise(
    np.logaddexp2,
    _log_sum_partial(0, lambda v: fnp.exp2(v)),
    _log_sum_partial(1, lambda v: fnp.exp2(v)),
    check=_EW,
)
hypot = _elementwise(
    np.hypot,
    lambda g, ans, x, y: g * x / ans,
    lambda g, ans, x, y: g * y / ans,
    domain=NONZERO,
    check=_EW,
)


def _float_pow_dx(g, ans, x, y, **kw):
    # As power's rule, with float_power: the derivative is computed in double precision.
    zero = _plain(y) == 0
    if np.any(zero):
        y = fnp.where(zero, 1, y)
        return g * fnp.where(zero, 0, y * float_power(x, y - 1))
    return g * (y * float_power(x, y - 1))


def _float_pow_dy(g, ans, x, y, **kw):
    return _pow_dy(g, ans, x, y)


#: float_power always computes in (and returns) float64 or complex128, as numpy does;
#: the table passes numpy's own ``dtype`` keyword to say so.
_F64 = {"dtype": np.float64}
float_power = _elementwise(
    np.float_power,
    _float_pow_dx,
    _float_pow_dy,
    domain=(POSITIVE, REAL),
    check={
        "cases": [
            (((3,), (3,)), _F64),
            (((2, 3), (3,)), _F64),
            (((), (2, 2)), _F64),
            (((2, 1), (1, 3)), _F64),
        ]
    },
)


def _nan_tie_weight(a, b, dtype, larger):
    """fmax (larger) / fmin: 1 where a is taken, 0.5 where a and b tie, 0 where b is.

    A number beats a NaN; where both are NaN the result is NaN whatever they are, and
    neither receives a gradient.
    """
    a, b = _plain(a), _plain(b)
    an, bn = np.isnan(a), np.isnan(b)
    beats = (a > b) if larger else (a < b)
    return (beats + (a == b) * 0.5 + (bn & ~an)).astype(dtype, copy=False)


fmax = _elementwise(
    np.fmax,
    lambda g, ans, x, y: g * _nan_tie_weight(x, y, g.dtype, True),
    lambda g, ans, x, y: g * _nan_tie_weight(y, x, g.dtype, True),
    saves="args",
    check=_EW_ORDERED,
)
fmin = _elementwise(
    np.fmin,
    lambda g, ans, x, y: g * _nan_tie_weight(x, y, g.dtype, False),
    lambda g, ans, x, y: g * _nan_tie_weight(y, x, g.dtype, False),
    saves="args",
    check=_EW_ORDERED,
)

# mod(x, y) = x - floor(x / y) * y and fmod(x, y) = x - trunc(x / y) * y jump where
# x / y is an integer; elsewhere d/dx = 1 and d/dy = -floor(x / y) (-trunc for fmod),
# as JAX defines them (the integer is a constant: no second derivative).
remainder = _elementwise(
    np.remainder,
    lambda g, ans, x, y: g,
    lambda g, ans, x, y: g * -np.floor(_plain(x) / _plain(y)),
    saves="args",
    domain=(REAL, DIVISOR),
    check=_EW,
)
mod = remainder  # numpy's alias
fmod = _elementwise(
    np.fmod,
    lambda g, ans, x, y: g,
    lambda g, ans, x, y: g * -np.trunc(_plain(x) / _plain(y)),
    saves="args",
    domain=(REAL, DIVISOR),
    check=_EW,
)

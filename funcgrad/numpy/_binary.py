"""Elementwise functions of several arrays, with numpy broadcasting.

Every rule ends with ``unbroadcast``, which sums over broadcast axes and casts back to
the argument's dtype only when they differ from the cotangent's.
"""

from __future__ import annotations

import numpy as np

import funcgrad.numpy as fnp
from funcgrad._core import ZERO
from funcgrad._core import concrete as _plain
from funcgrad._primitive import NONZERO, POSITIVE, REAL, defop, export, primitive_of
from funcgrad.numpy._util import unbroadcast as ub

_EW = {"shapes": "elementwise"}

add = defop(
    np.add,
    vjp=(lambda g, ans, x, y: ub(g, x), lambda g, ans, x, y: ub(g, y)),
    saves="shapes",
    check=_EW,
)
subtract = defop(
    np.subtract,
    vjp=(lambda g, ans, x, y: ub(g, x), lambda g, ans, x, y: ub(-g, y)),
    saves="shapes",
    check=_EW,
)
multiply = defop(
    np.multiply,
    vjp=(lambda g, ans, x, y: ub(g * y, x), lambda g, ans, x, y: ub(g * x, y)),
    saves="args",
    check=_EW,
)
divide = defop(
    np.divide,
    vjp=(lambda g, ans, x, y: ub(g / y, x), lambda g, ans, x, y: ub(-g * x / (y * y), y)),
    saves="args",
    domain=(REAL, NONZERO),
    check=_EW,
)
true_divide = divide


def _pow_vjp_x(g, ans, x, y):
    # d/dx x**y = y * x**(y - 1); where y == 0 the derivative is 0, even at x == 0.
    yc = _plain(y)
    if isinstance(yc, (int, float)):  # the common x ** 2: no mask needed
        if yc == 0:
            return ub(fnp.zeros_like(g), x)
        return ub(g * (y * x ** (y - 1)), x)
    zero = yc == 0
    if np.any(zero):
        # Substitute a safe exponent where y == 0 before masking, so that 0 ** -1 is
        # never computed: no warning, and no 0 * inf = nan in higher derivatives.
        y = fnp.where(zero, 1, y)
        return ub(g * fnp.where(zero, 0, y * x ** (y - 1)), x)
    return ub(g * (y * x ** (y - 1)), x)


def _pow_vjp_y(g, ans, x, y):
    # d/dy x**y = log(x) * x**y, taken as 0 at x == 0 (the limit from the right).
    zero = _plain(x) == 0
    if np.any(zero):
        return ub(fnp.where(zero, 0, g * ans * fnp.log(fnp.where(zero, 1, x))), y)
    return ub(g * ans * fnp.log(x), y)


power = defop(
    np.power,
    vjp=(_pow_vjp_x, _pow_vjp_y),
    domain=(POSITIVE, REAL),
    check=_EW,
)


def _atan2_vjp(i):
    def rule(g, ans, y, x):
        d = g / (x * x + y * y)
        return ub(d * x, y) if i == 0 else ub(-d * y, x)

    return rule


arctan2 = defop(
    np.arctan2, vjp=(_atan2_vjp(0), _atan2_vjp(1)), saves="args", domain=NONZERO, check=_EW
)


def _tie_weight(a, b, dtype):
    """1 where a wins, 0.5 where a and b tie, 0 where b wins (ties split evenly)."""
    a, b = _plain(a), _plain(b)
    return ((a > b) + (a == b) * 0.5).astype(dtype, copy=False)


maximum = defop(
    np.maximum,
    vjp=(
        lambda g, ans, x, y: ub(g * _tie_weight(x, y, g.dtype), x),
        lambda g, ans, x, y: ub(g * _tie_weight(y, x, g.dtype), y),
    ),
    saves="args",
    check=_EW,
)
minimum = defop(
    np.minimum,
    vjp=(
        lambda g, ans, x, y: ub(g * _tie_weight(y, x, g.dtype), x),
        lambda g, ans, x, y: ub(g * _tie_weight(x, y, g.dtype), y),
    ),
    saves="args",
    check=_EW,
)


def _where_vjp(i):
    def rule(g, ans, cond, x, y):
        c = _plain(cond)
        return ub(fnp.where(c, g, 0), x) if i == 1 else ub(fnp.where(c, 0, g), y)

    return rule


_where = defop(
    np.where, vjp=(ZERO, _where_vjp(1), _where_vjp(2)), saves="args", check={"shapes": "where"}
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


def _clip_mask(x, lo, hi):
    x = _plain(x)
    m = True
    if lo is not None:
        m = m & (x >= _plain(lo))
    if hi is not None:
        m = m & (x <= _plain(hi))
    return m


def _clip_vjp(i):
    def rule(g, ans, x, lo, hi):
        if i == 0:  # gradient passes where lo <= x <= hi, like PyTorch's clamp
            return ub(fnp.where(_clip_mask(x, lo, hi), g, 0), x)
        bound = lo if i == 1 else hi
        px, pb = _plain(x), _plain(bound)
        if i == 1:  # lo is taken where x < lo, unless hi overrides it
            taken = px < pb
            if hi is not None:
                taken = taken & (pb <= _plain(hi))
        else:  # hi is taken where x > hi, and wherever lo > hi
            taken = px > pb
            if lo is not None:
                taken = taken | (_plain(lo) > pb)
        return ub(fnp.where(taken, g, 0), bound)

    return rule


_clip = defop(
    np.clip,
    name="clip",
    vjp=(_clip_vjp(0), _clip_vjp(1), _clip_vjp(2)),
    saves="args",
    check={"shapes": "elementwise"},
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

"""Special functions with derivatives: error function, gamma family, logistic, xlogy.

scipy is not a dependency: erf, erfc and gammaln apply the math module's functions
elementwise; digamma and polygamma come from ``_gamma``. Each returns float32 for
float32 input, like the rest of funcgrad. The softmax family is in ``_softmax``.
"""

from __future__ import annotations

import math

import numpy as np

import funcgrad.numpy as fnp
from funcgrad._core import concrete
from funcgrad._primitive import OPEN_UNIT, POSITIVE, REAL, export, primitive_of
from funcgrad.numpy._binary import _elementwise as _binary_op
from funcgrad.numpy._unary import _elementwise as _unary_op
from funcgrad.scipy._gamma import float_dtype, float_input, psi


def _math_elementwise(fn):
    """A numpy function applying the scalar ``fn`` elementwise, in x's floating dtype."""
    apply = np.frompyfunc(fn, 1, 1)

    def impl(x):
        x = np.asarray(x)
        return np.asarray(apply(x), dtype=float_dtype(x.dtype))[()]

    return impl


# --- error functions ------------------------------------------------------------------

_TWO_OVER_SQRT_PI = 2.0 / math.sqrt(math.pi)

_erf = _unary_op(
    _math_elementwise(math.erf),
    lambda g, ans, x: g * (fnp.exp(-(x * x)) * _TWO_OVER_SQRT_PI),
    name="erf",
    saves="args",
)
_erfc = _unary_op(
    _math_elementwise(math.erfc),
    lambda g, ans, x: g * (fnp.exp(-(x * x)) * -_TWO_OVER_SQRT_PI),
    name="erfc",
    saves="args",
)


def erf(x):
    """The error function, 2/sqrt(pi) times the integral of exp(-t**2) from 0 to x.

    Example:
        >>> import funcgrad as fg
        >>> from funcgrad.scipy.special import erf
        >>> round(float(erf(0.5)), 12), round(float(fg.grad(erf)(0.0)), 12)
        (0.520499877813, 1.128379167096)
    """
    return _erf(x)


def erfc(x):
    """The complementary error function, 1 - erf(x), accurate where erf(x) is near 1.

    Example:
        >>> from funcgrad.scipy.special import erfc
        >>> float(erfc(10.0))
        2.088487583762545e-45
    """
    return _erfc(x)


export(erf, primitive_of(_erf))
export(erfc, primitive_of(_erfc))


# --- the gamma family: gammaln' = digamma, digamma' = polygamma(1, .), ... ----------


def _lgamma(v: float) -> float:
    if v == -math.inf:
        return -math.inf  # as scipy.special.gammaln
    try:
        return math.lgamma(v)
    except ValueError:  # the poles 0, -1, -2, ...
        return math.inf


def _polygamma_impl(x, n=1):
    return psi(x, n)


_polygamma = _unary_op(
    _polygamma_impl,
    lambda g, ans, x, n=1: g * _polygamma(x, n=n + 1),
    name="polygamma",
    saves="args",
    domain=POSITIVE,
    check={"cases": [(((3,),), {"n": 1}), (((2, 2),), {"n": 2}), (((),), {"n": 3})]},
)
_digamma = _unary_op(
    psi, lambda g, ans, x: g * _polygamma(x, n=1), name="digamma", saves="args", domain=POSITIVE
)
_gammaln = _unary_op(
    _math_elementwise(_lgamma),
    lambda g, ans, x: g * _digamma(x),
    name="gammaln",
    saves="args",
    domain=POSITIVE,
)


def gammaln(x):
    """The logarithm of the absolute value of the gamma function, log|Γ(x)|.

    Its derivative is :func:`digamma`, at every order.

    Example:
        >>> import funcgrad as fg
        >>> from funcgrad.scipy.special import gammaln
        >>> float(gammaln(5.0)), round(float(fg.grad(gammaln)(1.0)), 12)  # log 4!, -euler_gamma
        (3.178053830347945, -0.577215664902)
    """
    return _gammaln(x)


def digamma(x):
    """The digamma function ψ(x), the derivative of :func:`gammaln`.

    Example:
        >>> import funcgrad as fg
        >>> from funcgrad.scipy.special import digamma
        >>> round(float(digamma(1.0)), 12), round(float(fg.grad(digamma)(1.0)), 12)  # pi**2 / 6
        (-0.577215664902, 1.644934066848)
    """
    return _digamma(x)


def polygamma(n, x):
    """The n-th derivative of :func:`digamma` (``n`` a static non-negative int).

    ``polygamma(1, x)`` is the trigamma function; the derivative of ``polygamma(n, .)``
    is ``polygamma(n + 1, .)``, so derivatives of every order exist.

    Example:
        >>> from funcgrad.scipy.special import polygamma
        >>> round(float(polygamma(1, 1.0)), 12)  # pi**2 / 6
        1.644934066848
    """
    n = concrete(n)
    if np.ndim(n) != 0 or int(n) != n or n < 0:
        raise ValueError(f"polygamma: n must be a non-negative integer, got {n!r}")
    return _digamma(x) if int(n) == 0 else _polygamma(x, n=int(n))


export(gammaln, primitive_of(_gammaln))
export(digamma, primitive_of(_digamma))
export(polygamma, primitive_of(_polygamma))


# --- logistic functions ---------------------------------------------------------------


def _expit_impl(x):
    x = float_input(x)
    e = np.exp(-np.abs(x))  # never overflows
    return np.where(x >= 0, 1 / (1 + e), e / (1 + e))[()]


# expit(x)(1 - expit(x)), with 1 - expit(x) = expit(-x) computed without cancellation
_expit = _unary_op(_expit_impl, lambda g, ans, x: g * (ans * _expit(-x)), name="expit")


def _logit_impl(p):
    p = float_input(p)
    with np.errstate(divide="ignore", invalid="ignore"):  # -inf at 0, inf at 1, nan outside
        return np.log(p / (1 - p))[()]


_logit = _unary_op(
    _logit_impl, lambda g, ans, p: g / (p * (1 - p)), name="logit", saves="args", domain=OPEN_UNIT
)


def expit(x):
    """The logistic sigmoid 1 / (1 + exp(-x)), without overflow for any x.

    Example:
        >>> import funcgrad as fg
        >>> from funcgrad.scipy.special import expit
        >>> float(expit(0.0)), float(fg.grad(expit)(0.0)), float(expit(-1000.0))
        (0.5, 0.25, 0.0)
    """
    return _expit(x)


def logit(p):
    """The inverse of :func:`expit`, log(p / (1 - p)) (-inf at 0, inf at 1, nan outside).

    Example:
        >>> import funcgrad as fg
        >>> from funcgrad.scipy.special import logit
        >>> float(logit(0.5)), float(fg.grad(logit)(0.5))
        (0.0, 4.0)
    """
    return _logit(p)


export(expit, primitive_of(_expit))
export(logit, primitive_of(_logit))


# --- xlogy: x * log(y), and 0 where x == 0 -------------------------------------------


def _xlogy_impl(x, y):
    with np.errstate(divide="ignore", invalid="ignore"):
        out = x * np.log(y)
    return np.where((np.asarray(x) == 0) & ~np.isnan(y), 0, out)[()]


def _log_quiet(y):
    """fnp.log(y), with log(0) = -inf and log(negative) = nan computed without warnings."""
    yc = concrete(y)
    bad = (yc == 0) if np.iscomplexobj(yc) else ~(yc > 0)
    if not np.any(bad):
        return fnp.log(y)
    with np.errstate(divide="ignore", invalid="ignore"):
        edge = np.log(np.where(bad, yc, 1))
    return fnp.where(bad, edge, fnp.log(fnp.where(bad, 1, y)))


def _xlogy_dy(g, ans, x, y):
    """g x / y, and 0 where x == 0 (where xlogy is 0 for every y)."""
    zero = concrete(x) == 0
    if np.any(zero):
        return g * fnp.where(zero, 0, x / fnp.where(zero, 1, y))
    return g * (x / y)


_xlogy = _binary_op(
    _xlogy_impl,
    lambda g, ans, x, y: g * _log_quiet(y),
    _xlogy_dy,
    saves="args",
    domain=(REAL, POSITIVE),
    check={"shapes": "elementwise"},
    name="xlogy",
)


def xlogy(x, y):
    """``x * log(y)``, and 0 where ``x == 0`` (even where ``y == 0``), like scipy.

    The derivatives are ``log(y)`` and ``x / y``; the latter is 0 where ``x == 0``.

    Example:
        >>> import numpy as np, funcgrad as fg
        >>> from funcgrad.scipy.special import xlogy
        >>> xlogy(np.array([0.0, 2.0]), np.array([0.0, 1.0]))
        array([0., 0.])
        >>> float(fg.grad(lambda y: xlogy(0.0, y))(0.5))
        0.0
    """
    return _xlogy(x, y)


export(xlogy, primitive_of(_xlogy))

"""logsumexp, softmax and log_softmax: stable in the forward pass and in the rules.

The forward passes subtract the largest finite value of each slice before
exponentiating, as scipy does; the rules only exponentiate differences
``x - logsumexp(x)`` (never positive), so inputs of magnitude 1e4 and -inf entries
give exact gradients.
"""

from __future__ import annotations

import numpy as np

import funcgrad.numpy as fnp
from funcgrad._core import concrete
from funcgrad._primitive import POSITIVE, REAL, defop, export, primitive_of
from funcgrad.numpy._util import expand_reduced, normalize_axes, unbroadcast
from funcgrad.scipy._gamma import float_input

_AXES = {
    "cases": [
        (((4,),), {}),
        (((2, 3),), {"axis": 1}),
        (((2, 3),), {"axis": None}),
        (((2, 3, 2),), {"axis": (0, 2)}),
        (((3, 2),), {"axis": -2}),
        (((),), {}),
    ]
}


def _shift(a, axis):
    """The slices' largest values (keepdims), 0 where that is not finite (as scipy)."""
    m = np.max(a, axis=axis, keepdims=True)
    return np.where(np.isfinite(m), m, 0)


def _reduced(v, axis, keepdims):
    return v if keepdims else np.squeeze(v, axis=normalize_axes(axis, v.ndim))[()]


def _softmax_of(ans, a_shape, axis, keepdims, a):
    """exp(a - logsumexp(a)), shaped like ``a`` (0 in slices whose result is -inf)."""
    lse = expand_reduced(ans, a_shape, axis, keepdims)
    lost = np.reshape(np.isneginf(concrete(ans)), lse.shape)
    if np.any(lost):  # every term 0: there is no slope; avoid -inf - -inf
        return fnp.where(lost, 0, fnp.exp(a - fnp.where(lost, 0, lse)))
    return fnp.exp(a - lse)


# --- logsumexp(a) ---------------------------------------------------------------------


def _logsumexp_impl(a, axis=None, keepdims=False):
    a = float_input(a)
    m = _shift(a, axis)
    with np.errstate(divide="ignore"):  # log(0) = -inf where every entry is -inf
        out = np.log(np.sum(np.exp(a - m), axis=axis, keepdims=True)) + m
    return _reduced(out, axis, keepdims)


def _logsumexp_vjp(g, ans, a, axis=None, keepdims=False):
    g = expand_reduced(g, a.shape, axis, keepdims)
    return g * _softmax_of(ans, a.shape, axis, keepdims, a)


def _logsumexp_jvp(t, ans, a, axis=None, keepdims=False):
    p = _softmax_of(ans, a.shape, axis, keepdims, a)
    return fnp.sum(t * p, axis=axis, keepdims=keepdims)


_logsumexp = defop(
    _logsumexp_impl,
    name="logsumexp",
    vjp=_logsumexp_vjp,
    jvp=_logsumexp_jvp,
    check={"shapes": "reduce"},
)


# --- logsumexp(a, b): log |sum(b * exp(a))| --------------------------------------------


def _scaled_parts(a, b, axis):
    """The shift and the signed sum S = sum(b exp(a - shift)) (keepdims), as numpy."""
    a, b = np.broadcast_arrays(float_input(a), b)
    a = np.where(b != 0, a, -np.inf)  # as scipy: b == 0 removes the term, even a == inf
    m = _shift(a, axis)
    return m, np.sum(b * np.exp(a - m), axis=axis, keepdims=True)


def _scaled_impl(a, b, axis=None, keepdims=False):
    m, s = _scaled_parts(a, b, axis)
    with np.errstate(divide="ignore"):
        out = np.log(np.abs(s)) + m
    return _reduced(out, axis, keepdims)


def _scaled_sign(a, b, axis, keepdims):
    """sign(S): +1, -1, or 0 where the sum is 0 (a constant)."""
    return _reduced(np.sign(_scaled_parts(concrete(a), concrete(b), axis)[1]), axis, keepdims)


def _scaled_weights(ans, a, b, axis, keepdims):
    """d log|S| / d(b_i exp(a_i)) * exp(a_i) = sign(S) exp(a_i - ans), broadcast shape."""
    shape = np.broadcast_shapes(a.shape, b.shape)
    e = fnp.broadcast_to(_softmax_of(ans, shape, axis, keepdims, a), shape)
    if np.any(concrete(b) < 0):
        sign = np.sign(_scaled_parts(concrete(a), concrete(b), axis)[1])
        e = e * sign.astype(concrete(e).dtype, copy=False)
    return e, shape


def _scaled_da(g, ans, a, b, axis=None, keepdims=False):
    e, shape = _scaled_weights(ans, a, b, axis, keepdims)
    return unbroadcast(expand_reduced(g, shape, axis, keepdims) * b * e, a)


def _scaled_db(g, ans, a, b, axis=None, keepdims=False):
    e, shape = _scaled_weights(ans, a, b, axis, keepdims)
    return unbroadcast(expand_reduced(g, shape, axis, keepdims) * e, b)


def _scaled_ta(t, ans, a, b, axis=None, keepdims=False):
    e, _ = _scaled_weights(ans, a, b, axis, keepdims)
    return fnp.sum(t * b * e, axis=axis, keepdims=keepdims)


def _scaled_tb(t, ans, a, b, axis=None, keepdims=False):
    e, _ = _scaled_weights(ans, a, b, axis, keepdims)
    return fnp.sum(t * e, axis=axis, keepdims=keepdims)


_logsumexp_scaled = defop(
    _scaled_impl,
    name="logsumexp_scaled",
    vjp=(_scaled_da, _scaled_db),
    jvp=(_scaled_ta, _scaled_tb),
    domain=(REAL, POSITIVE),
    check={
        "cases": [
            (((4,), (4,)), {}),
            (((2, 3), (2, 3)), {"axis": 1}),
            (((2, 3), (3,)), {"axis": 0, "keepdims": True}),
            (((2, 3, 2), (2, 3, 2)), {"axis": (0, 2)}),
            (((2, 3), (1, 1)), {"axis": None}),
        ]
    },
)


def logsumexp(a, axis=None, b=None, keepdims=False, return_sign=False):
    """``log(sum(b * exp(a)))`` over ``axis``, computed without overflow (as scipy's).

    Gradients flow to ``a`` (the softmax, times ``b``) and to ``b``. ``-inf`` entries
    receive a zero gradient; where every term is 0 the result is -inf and the gradient
    is 0. With ``b`` negative somewhere the sum may be negative: the result is then nan,
    or, with ``return_sign=True``, ``(log|sum|, sign(sum))`` (the sign is a constant).

    Example:
        >>> import numpy as np, funcgrad as fg
        >>> from funcgrad.scipy.special import logsumexp
        >>> float(logsumexp(np.array([1e4, 1e4])))
        10000.69314718056
        >>> fg.grad(logsumexp)(np.array([1e4, 1e4, -np.inf]))
        array([0.5, 0.5, 0. ])
    """
    if b is None:
        out = _logsumexp(a, axis=axis, keepdims=keepdims)
        if not return_sign:
            return out
        oc = np.asarray(concrete(out))
        return out, np.where(np.isneginf(oc), 0, 1).astype(oc.dtype)[()]
    out = _logsumexp_scaled(a, b, axis=axis, keepdims=keepdims)
    sign = _scaled_sign(a, b, axis, keepdims)
    if return_sign:
        return out, sign
    if np.any(sign < 0):
        out = fnp.where(sign < 0, np.nan, out)
    return out


export(logsumexp, primitive_of(_logsumexp))


# --- softmax and log_softmax --------------------------------------------------------


def _softmax_impl(x, axis=None):
    x = float_input(x)
    e = np.exp(x - _shift(x, axis))
    with np.errstate(invalid="ignore"):  # a slice of -inf only: nan, as scipy
        return (e / np.sum(e, axis=axis, keepdims=True))[()]


def _softmax_rule(g, ans, x, axis=None):
    # The Jacobian diag(s) - s s^T is symmetric: one rule for both modes.
    return ans * (g - fnp.sum(g * ans, axis=axis, keepdims=True))


_softmax = defop(
    _softmax_impl, name="softmax", vjp=_softmax_rule, jvp=_softmax_rule, saves="ans", check=_AXES
)


def _log_softmax_impl(x, axis=None):
    x = float_input(x)
    shifted = x - _shift(x, axis)
    with np.errstate(divide="ignore"):
        return (shifted - np.log(np.sum(np.exp(shifted), axis=axis, keepdims=True)))[()]


def _log_softmax_vjp(g, ans, x, axis=None):
    return g - fnp.exp(ans) * fnp.sum(g, axis=axis, keepdims=True)


def _log_softmax_jvp(t, ans, x, axis=None):
    return t - fnp.sum(fnp.exp(ans) * t, axis=axis, keepdims=True)


_log_softmax = defop(
    _log_softmax_impl,
    name="log_softmax",
    vjp=_log_softmax_vjp,
    jvp=_log_softmax_jvp,
    saves="ans",
    check=_AXES,
)


def softmax(x, axis=None):
    """``exp(x) / sum(exp(x))`` over ``axis`` (None: the whole array, as scipy's).

    Example:
        >>> import numpy as np, funcgrad as fg
        >>> from funcgrad.scipy.special import softmax
        >>> softmax(np.array([0.0, np.log(3.0)]))
        array([0.25, 0.75])
    """
    return _softmax(x, axis=axis)


def log_softmax(x, axis=None):
    """``x - logsumexp(x)`` over ``axis`` (None: the whole array), without overflow.

    Example:
        >>> import numpy as np, funcgrad as fg
        >>> from funcgrad.scipy.special import log_softmax
        >>> fg.grad(lambda x: log_softmax(x)[0])(np.array([1e4, 1e4]))
        array([ 0.5, -0.5])
    """
    return _log_softmax(x, axis=axis)


export(softmax, primitive_of(_softmax))
export(log_softmax, primitive_of(_log_softmax))

"""Statistics over axes: var, std, average (with weights) and median.

Each takes ``axis`` None, an int (negative too) or a tuple, and ``keepdims``.
"""

from __future__ import annotations

import numpy as np

import funcgrad.numpy as fnp
from funcgrad._core import concrete
from funcgrad._primitive import POSITIVE, REAL, defop, export, primitive_of
from funcgrad.numpy._util import expand_reduced, normalize_axes, unbroadcast

_MOMENTS = {
    "cases": [
        (((5,),), {}),
        (((3, 4),), {"axis": 0, "ddof": 1}),
        (((2, 3, 4),), {"axis": (0, 2), "keepdims": True, "ddof": 1}),
        (((3, 2),), {"axis": -1, "keepdims": True}),
        (((2, 3),), {"ddof": 2}),
        (((1, 3),), {"axis": 0}),  # one element per slice: the value is 0 whatever x is
    ]
}


def _count(shape, axis) -> int:
    n = 1
    for i in normalize_axes(axis, len(shape)):
        n *= shape[i]
    return n


def _centered(x, axis):
    return x - fnp.mean(x, axis=axis, keepdims=True)


def _centered_conj(x, axis):
    """conj(x - mean), or x - mean for real x.

    var and std of complex x are real, mean(|x - mean|^2): in JAX's convention their JVP
    is Re(sum(conj(x - mean) t)) times a real factor, their VJP g conj(x - mean) times it.
    """
    c = _centered(x, axis)
    return fnp.conjugate(c) if x.dtype.kind == "c" else c


def _real_part(v):
    return fnp.real(v) if v.dtype.kind == "c" else v


def _out_refused(name, out):
    if out is not None:
        raise TypeError(f"{name}: funcgrad returns new arrays; out= is not supported")


def _ddof(name, ddof, correction):
    if correction is None:
        return ddof
    if ddof != 0:
        raise ValueError(f"{name}: ddof and correction are the same parameter; pass one of them")
    return correction


# --- var ----------------------------------------------------------------------------


def _var_impl(a, axis=None, ddof=0, keepdims=False):
    return np.var(a, axis=axis, ddof=ddof, keepdims=keepdims)


def _var_scale(x, axis, ddof):
    """2 / (N - ddof): a Python float, so float32 stays float32 (nan when N <= ddof)."""
    n = _count(x.shape, axis) - ddof
    return 2.0 / n if n > 0 else float("nan")


def _var_vjp(g, ans, x, axis=None, ddof=0, keepdims=False):
    g = expand_reduced(g, x.shape, axis, keepdims)
    return g * _centered_conj(x, axis) * _var_scale(x, axis, ddof)


def _var_jvp(t, ans, x, axis=None, ddof=0, keepdims=False):
    dot = fnp.sum(t * _centered_conj(x, axis), axis=axis, keepdims=keepdims)
    return _real_part(dot) * _var_scale(x, axis, ddof)


_var = defop(_var_impl, name="var", vjp=_var_vjp, jvp=_var_jvp, saves="args", check=_MOMENTS)


def var(a, axis=None, dtype=None, out=None, ddof=0, keepdims=False, *, correction=None):
    """Variance over ``axis`` with ``ddof`` delta degrees of freedom (``numpy.var``).

    The derivative is ``2 (x - mean) / (N - ddof)``.

    Example:
        >>> import numpy as np, funcgrad as fg, funcgrad.numpy as fnp
        >>> fg.grad(fnp.var)(np.array([1.0, 2.0, 3.0]))
        array([-0.66666667,  0.        ,  0.66666667])
    """
    _out_refused("var", out)
    if dtype is not None:
        a = fnp.astype(a, dtype)
    return _var(a, axis=axis, ddof=_ddof("var", ddof, correction), keepdims=keepdims)


export(var, primitive_of(_var))


# --- std ----------------------------------------------------------------------------
# std is not differentiable where it is 0 (a constant slice): like |x| at 0, its
# directional derivative is not linear there. The rules return 0 there, a subgradient
# (std is convex and smallest there), rather than the nan that 0 / 0 would give.


def _std_impl(a, axis=None, ddof=0, keepdims=False):
    return np.std(a, axis=axis, ddof=ddof, keepdims=keepdims)


def _std_factor(ans, x, axis, ddof, keepdims):
    """(x - mean) / ((N - ddof) std), shaped like x, and 0 in slices where std == 0."""
    n = _count(x.shape, axis) - ddof
    s = expand_reduced(ans, x.shape, axis, keepdims)
    zero = np.reshape(concrete(ans), s.shape) == 0
    if np.any(zero):
        s = fnp.where(zero, 1, s)
        inverse = fnp.where(zero, 0, 1 / s)
    else:
        inverse = 1 / s
    return _centered_conj(x, axis) * inverse * (1.0 / n if n > 0 else float("nan"))


def _std_vjp(g, ans, x, axis=None, ddof=0, keepdims=False):
    g = expand_reduced(g, x.shape, axis, keepdims)
    return g * _std_factor(ans, x, axis, ddof, keepdims)


def _std_jvp(t, ans, x, axis=None, ddof=0, keepdims=False):
    factor = _std_factor(ans, x, axis, ddof, keepdims)
    return _real_part(fnp.sum(t * factor, axis=axis, keepdims=keepdims))


_std = defop(_std_impl, name="std", vjp=_std_vjp, jvp=_std_jvp, check=_MOMENTS)


def std(a, axis=None, dtype=None, out=None, ddof=0, keepdims=False, *, correction=None):
    """Standard deviation over ``axis`` with ``ddof`` (``numpy.std``).

    The derivative is ``(x - mean) / ((N - ddof) std)``. Where the slice is constant
    (std == 0), std has no derivative; the gradient there is 0 (a subgradient; JAX and
    PyTorch return nan), and so are the higher derivatives.

    Example:
        >>> import numpy as np, funcgrad as fg, funcgrad.numpy as fnp
        >>> fg.grad(fnp.std)(np.array([1.0, 3.0]))
        array([-0.5,  0.5])
        >>> fg.grad(fnp.std)(np.array([2.0, 2.0]))
        array([0., 0.])
    """
    _out_refused("std", out)
    if dtype is not None:
        a = fnp.astype(a, dtype)
    return _std(a, axis=axis, ddof=_ddof("std", ddof, correction), keepdims=keepdims)


export(std, primitive_of(_std))


# --- average: sum(a * w) / sum(w) ----------------------------------------------------


def _average_impl(a, w, axis=None, keepdims=False):
    return np.average(a, axis=axis, weights=np.broadcast_to(w, np.shape(a)), keepdims=keepdims)


def _total_weight(a, w, axis):
    return fnp.sum(fnp.broadcast_to(w, a.shape), axis=axis, keepdims=True)


def _average_da(g, ans, a, w, axis=None, keepdims=False):
    g = expand_reduced(g, a.shape, axis, keepdims)
    return unbroadcast(fnp.broadcast_to(g * w / _total_weight(a, w, axis), a.shape), a)


def _average_dw(g, ans, a, w, axis=None, keepdims=False):
    g = expand_reduced(g, a.shape, axis, keepdims)
    mean = expand_reduced(ans, a.shape, axis, keepdims)
    return unbroadcast(g * (a - mean) / _total_weight(a, w, axis), w)


def _average_ta(t, ans, a, w, axis=None, keepdims=False):
    return fnp.sum(t * w / _total_weight(a, w, axis), axis=axis, keepdims=keepdims)


def _average_tw(t, ans, a, w, axis=None, keepdims=False):
    mean = expand_reduced(ans, a.shape, axis, keepdims)
    share = t * (a - mean) / _total_weight(a, w, axis)  # a's shape: w broadcasts to it
    return fnp.sum(share, axis=axis, keepdims=keepdims)


_average = defop(
    _average_impl,
    name="average",
    vjp=(_average_da, _average_dw),
    jvp=(_average_ta, _average_tw),
    domain=(REAL, POSITIVE),
    check={
        "cases": [
            (((4,), (4,)), {}),
            (((2, 3), (2, 3)), {"axis": 1}),
            (((2, 3), (1, 3)), {"axis": 0, "keepdims": True}),
            (((2, 3, 2), (2, 3, 2)), {"axis": (0, 2)}),
            (((2, 3), (3,)), {"axis": -1}),
        ]
    },
)


def _weights_like(a, w, axis):
    """numpy's rules: w has a's shape, or a's shape along ``axis`` (an int or a tuple)."""
    a_shape, w_shape = np.shape(a), np.shape(w)
    if w_shape == a_shape:
        return w
    if axis is None:
        raise TypeError("Axis must be specified when shapes of a and weights differ.")
    axes = normalize_axes(axis, len(a_shape))
    given = (axis,) if isinstance(axis, (int, np.integer)) else tuple(axis)
    if w_shape != tuple(a_shape[ax] for ax in given):
        raise ValueError(
            "Shape of weights must be consistent with shape of a along specified axis."
        )
    order = np.argsort([ax % len(a_shape) for ax in given])
    w = fnp.transpose(w, tuple(int(i) for i in order))
    return fnp.reshape(w, tuple(n if i in axes else 1 for i, n in enumerate(a_shape)))


def average(a, axis=None, weights=None, returned=False, *, keepdims=False):
    """Weighted average over ``axis``: ``sum(a * weights) / sum(weights)`` (``numpy.average``).

    Gradients flow to ``a`` and to ``weights``. With ``returned=True`` the sum of the
    weights comes back too, as in numpy.

    Example:
        >>> import numpy as np, funcgrad as fg, funcgrad.numpy as fnp
        >>> w = np.array([1.0, 3.0])
        >>> fg.grad(lambda x: fnp.average(x, weights=w))(np.array([2.0, 4.0]))
        array([0.25, 0.75])
    """
    if weights is None:
        avg = fnp.mean(a, axis=axis, keepdims=keepdims)
        if not returned:
            return avg
        n = np.size(concrete(a)) // max(np.size(concrete(avg)), 1)
        return avg, np.full(np.shape(avg), n, dtype=avg.dtype)
    w = _weights_like(a, weights, axis)
    avg = _average(a, w, axis=axis, keepdims=keepdims)
    if not returned:
        return avg
    total = fnp.sum(fnp.broadcast_to(w, np.shape(a)), axis=axis, keepdims=keepdims)
    if np.shape(total) != np.shape(avg) or total.dtype != avg.dtype:
        total = fnp.astype(fnp.broadcast_to(total, np.shape(avg)), avg.dtype)
    return avg, total


export(average, primitive_of(_average))


# --- median -------------------------------------------------------------------------


def _median_impl(a, axis=None, keepdims=False):
    return np.median(a, axis=axis, keepdims=keepdims)


def _median_weights(x, axis):
    """1 at the middle element of each slice, or 1/2 at each of the two middle ones.

    The positions come from a stable sort: among equal values, the ones the sort
    places in the middle receive the weight. A constant of the rules (x's dtype).
    """
    xc = concrete(x)
    axes = normalize_axes(axis, xc.ndim)
    kept = [i for i in range(xc.ndim) if i not in axes]
    perm = kept + list(axes)
    moved = np.transpose(xc, perm)
    flat = moved.reshape(moved.shape[: len(kept)] + (-1,))
    n = flat.shape[-1]
    rank = np.argsort(np.argsort(flat, axis=-1, kind="stable"), axis=-1, kind="stable")
    w = (rank == (n - 1) // 2) * 0.5 + (rank == n // 2) * 0.5
    w = w.astype(xc.dtype, copy=False).reshape(moved.shape)
    return np.transpose(w, np.argsort(perm))


def _median_vjp(g, ans, x, axis=None, keepdims=False):
    return expand_reduced(g, x.shape, axis, keepdims) * _median_weights(x, axis)


def _median_jvp(t, ans, x, axis=None, keepdims=False):
    return fnp.sum(t * _median_weights(x, axis), axis=axis, keepdims=keepdims)


_median = defop(
    _median_impl,
    name="median",
    vjp=_median_vjp,
    jvp=_median_jvp,
    saves="args",
    check={"shapes": "reduce", "complex": False},  # defined through an ordering
)


def median(a, axis=None, out=None, overwrite_input=False, keepdims=False):
    """Median over ``axis`` (``numpy.median``); the input is never overwritten.

    The gradient goes to the middle element of each slice, or half to each of the two
    middle elements when the count is even (numpy averages them).

    Example:
        >>> import numpy as np, funcgrad as fg, funcgrad.numpy as fnp
        >>> fg.grad(fnp.median)(np.array([3.0, 1.0, 4.0, 2.0]))
        array([0.5, 0. , 0. , 0.5])
    """
    _out_refused("median", out)
    return _median(a, axis=axis, keepdims=keepdims)


export(median, primitive_of(_median))

"""Reductions over axes: sum, mean, prod, max, min, ptp and their NaN-ignoring forms.

Every reduction takes ``axis`` None, an int (negative too) or a tuple, and ``keepdims``.
"""

from __future__ import annotations

import numpy as np

import funcgrad.numpy as fnp
from funcgrad._core import LINEAR, concrete
from funcgrad._primitive import defop, export, primitive_of
from funcgrad.numpy._util import expand_reduced, keepdims_shape, normalize_axes

_REDUCE = {"shapes": "reduce"}
_ORDERED = {"shapes": "reduce", "complex": False}  # defined through an ordering


def _is_float_array(a) -> bool:
    """Float arrays take numpy's ufunc reductions directly (same results, less overhead)."""
    return type(a) is np.ndarray and a.dtype.kind in "fc" and a.dtype.itemsize >= 4


def _sum_impl(a, axis=None, keepdims=False):
    if _is_float_array(a):
        return np.add.reduce(a, axis=axis, keepdims=keepdims)
    return np.sum(a, axis=axis, keepdims=keepdims)


def _sum_vjp(g, ans, x, axis=None, keepdims=False):
    return fnp.broadcast_to(expand_reduced(g, x.shape, axis, keepdims), x.shape)


_sum = defop(_sum_impl, name="sum", vjp=_sum_vjp, jvp=LINEAR, saves="shapes", check=_REDUCE)


def _mean_impl(a, axis=None, keepdims=False):
    if _is_float_array(a):
        n = _count(a.shape, axis)
        if n:  # numpy.mean's own steps: sum, then divide by the count
            return np.add.reduce(a, axis=axis, keepdims=keepdims) / n
    return np.mean(a, axis=axis, keepdims=keepdims)


def _count(shape, axis) -> int:
    n = 1
    for i in normalize_axes(axis, len(shape)):
        n *= shape[i]
    return n


def _mean_vjp(g, ans, x, axis=None, keepdims=False):
    g = expand_reduced(g, x.shape, axis, keepdims) / _count(x.shape, axis)
    return fnp.broadcast_to(g, x.shape)


_mean = defop(_mean_impl, name="mean", vjp=_mean_vjp, jvp=LINEAR, saves="shapes", check=_REDUCE)


def _prod_impl(a, axis=None, keepdims=False):
    return np.prod(a, axis=axis, keepdims=keepdims)


def _exclusive_products(a):
    """For each i along the last axis, the product of all other elements.

    Built from multiplications only (a log-depth prefix scan each way), so it has
    exact derivatives of every order even where elements are zero.
    """
    concatenate = fnp.concatenate
    n = a.shape[-1]

    def inclusive_scan(v):
        s = 1
        while s < n:
            v = concatenate([v[..., :s], v[..., s:] * v[..., :-s]], axis=-1)
            s *= 2
        return v

    one = fnp.ones_like(a[..., :1])
    left = concatenate([one, inclusive_scan(a)[..., :-1]], axis=-1)
    right = concatenate([inclusive_scan(a[..., ::-1])[..., :-1][..., ::-1], one], axis=-1)
    return left * right


def _prod_others(x, axis):
    """For each element, the product of the others in its reduction (x's shape)."""
    reshape, transpose = fnp.reshape, fnp.transpose
    shape = x.shape
    axes = normalize_axes(axis, len(shape))
    kept = [i for i in range(len(shape)) if i not in axes]
    perm = kept + list(axes)
    moved = transpose(x, perm)
    flat = reshape(moved, moved.shape[: len(kept)] + (-1,))
    others = reshape(_exclusive_products(flat), moved.shape)
    return transpose(others, tuple(int(i) for i in np.argsort(perm)))


def _prod_vjp(g, ans, x, axis=None, keepdims=False):
    if x.size == 0:
        return fnp.zeros_like(x)
    g = fnp.broadcast_to(expand_reduced(g, x.shape, axis, keepdims), x.shape)
    return g * _prod_others(x, axis)


def _prod_jvp(t, ans, x, axis=None, keepdims=False):
    if x.size == 0:
        return fnp.zeros_like(ans)
    return fnp.sum(t * _prod_others(x, axis), axis=axis, keepdims=keepdims)


_prod = defop(_prod_impl, name="prod", vjp=_prod_vjp, jvp=_prod_jvp, saves="args", check=_REDUCE)


def _share(xc, value, axis):
    """1/k at each of the k elements of ``xc`` equal to ``value`` in a reduction, 0 elsewhere.

    NaN equals nothing, so NaNs never receive a share (nanmax, nanmin); a slice where
    nothing is chosen (all NaN) gives no share at all.
    """
    shape = xc.shape
    chosen = xc == np.reshape(value, keepdims_shape(shape, axis))
    count = np.sum(chosen, axis=normalize_axes(axis, len(shape)), keepdims=True)
    return (chosen / np.maximum(count, 1)).astype(xc.dtype, copy=False)


def _chooser_share(ans, x, axis):
    """max/min: 1/k at each of the k elements chosen in a reduction, 0 elsewhere."""
    return _share(concrete(x), concrete(ans), axis)


def _chooser_vjp(g, ans, x, axis=None, keepdims=False):
    """The cotangent goes to the chosen elements, split evenly among ties."""
    g = fnp.broadcast_to(expand_reduced(g, x.shape, axis, keepdims), x.shape)
    return g * _chooser_share(ans, x, axis)


def _chooser_jvp(t, ans, x, axis=None, keepdims=False):
    return fnp.sum(t * _chooser_share(ans, x, axis), axis=axis, keepdims=keepdims)


def _max_impl(a, axis=None, keepdims=False):
    if _is_float_array(a):
        return np.maximum.reduce(a, axis=axis, keepdims=keepdims)
    return np.max(a, axis=axis, keepdims=keepdims)


def _min_impl(a, axis=None, keepdims=False):
    if _is_float_array(a):
        return np.minimum.reduce(a, axis=axis, keepdims=keepdims)
    return np.min(a, axis=axis, keepdims=keepdims)


_max = defop(_max_impl, name="max", vjp=_chooser_vjp, jvp=_chooser_jvp, check=_ORDERED)
_min = defop(_min_impl, name="min", vjp=_chooser_vjp, jvp=_chooser_jvp, check=_ORDERED)


def _nan_impl(fn):
    def impl(a, axis=None, keepdims=False):
        return fn(a, axis=axis, keepdims=keepdims)

    return impl


_nanmax = defop(
    _nan_impl(np.nanmax), name="nanmax", vjp=_chooser_vjp, jvp=_chooser_jvp, check=_ORDERED
)
_nanmin = defop(
    _nan_impl(np.nanmin), name="nanmin", vjp=_chooser_vjp, jvp=_chooser_jvp, check=_ORDERED
)


def _present(x):
    """Where ``x`` is not NaN (a constant mask)."""
    return ~np.isnan(concrete(x))


def _nansum_vjp(g, ans, x, axis=None, keepdims=False):
    return fnp.where(_present(x), _sum_vjp(g, ans, x, axis, keepdims), 0)


def _nansum_jvp(t, ans, x, axis=None, keepdims=False):
    return fnp.sum(fnp.where(_present(x), t, 0), axis=axis, keepdims=keepdims)


_nansum = defop(
    _nan_impl(np.nansum),
    name="nansum",
    vjp=_nansum_vjp,
    jvp=_nansum_jvp,
    saves="args",
    check=_REDUCE,
)


def _nanmean_weights(x, axis):
    """1/n at each of the n non-NaN elements of a reduction, 0 at NaNs (x's dtype)."""
    present = _present(x)
    count = np.sum(present, axis=normalize_axes(axis, present.ndim), keepdims=True)
    return (present / np.maximum(count, 1)).astype(concrete(x).dtype, copy=False)


def _nanmean_vjp(g, ans, x, axis=None, keepdims=False):
    return _sum_vjp(g, ans, x, axis, keepdims) * _nanmean_weights(x, axis)


def _nanmean_jvp(t, ans, x, axis=None, keepdims=False):
    # where(), not t * 0: a tangent at a NaN element must not reach the result.
    w = _nanmean_weights(x, axis)
    return fnp.sum(fnp.where(w != 0, t, 0) * w, axis=axis, keepdims=keepdims)


_nanmean = defop(
    _nan_impl(np.nanmean),
    name="nanmean",
    vjp=_nanmean_vjp,
    jvp=_nanmean_jvp,
    saves="args",
    check=_REDUCE,
)


def _ptp_share(x, axis):
    """ptp = max - min: +share at the maxima, -share at the minima (ties split evenly)."""
    xc = concrete(x)
    axes = normalize_axes(axis, xc.ndim)
    hi = np.max(xc, axis=axes, keepdims=True)
    lo = np.min(xc, axis=axes, keepdims=True)
    return _share(xc, hi, axis) - _share(xc, lo, axis)


def _ptp_vjp(g, ans, x, axis=None, keepdims=False):
    return _sum_vjp(g, ans, x, axis, keepdims) * _ptp_share(x, axis)


def _ptp_jvp(t, ans, x, axis=None, keepdims=False):
    return fnp.sum(t * _ptp_share(x, axis), axis=axis, keepdims=keepdims)


_ptp = defop(
    _nan_impl(np.ptp), name="ptp", vjp=_ptp_vjp, jvp=_ptp_jvp, saves="args", check=_ORDERED
)


def _reduction(prim_fn, name, doc_example, with_dtype=True):
    if with_dtype:

        def reduction(a, axis=None, dtype=None, keepdims=False):
            out = prim_fn(a, axis=axis, keepdims=keepdims)
            if dtype is not None:
                out = fnp.astype(out, dtype)
            return out

    else:  # numpy's third parameter is ``out``, which funcgrad never takes

        def reduction(a, axis=None, *, keepdims=False):
            return prim_fn(a, axis=axis, keepdims=keepdims)

    reduction.__name__ = reduction.__qualname__ = name
    reduction.__doc__ = (
        f"``numpy.{name}`` over ``axis`` (None, an int, negative, or a tuple).\n\n"
        f"    Example:\n{doc_example}"
    )
    return export(reduction, primitive_of(prim_fn))


sum = _reduction(
    _sum,
    "sum",
    "        >>> import numpy as np, funcgrad as fg, funcgrad.numpy as fnp\n"
    "        >>> fg.grad(lambda x: fnp.sum(x ** 2))(np.array([1.0, 2.0]))\n"
    "        array([2., 4.])\n",
)
mean = _reduction(
    _mean,
    "mean",
    "        >>> import numpy as np, funcgrad as fg, funcgrad.numpy as fnp\n"
    "        >>> fg.grad(lambda x: fnp.mean(x, axis=0).sum())(np.ones((2, 2)))\n"
    "        array([[0.5, 0.5],\n               [0.5, 0.5]])\n",
)
prod = _reduction(
    _prod,
    "prod",
    "        >>> import numpy as np, funcgrad as fg, funcgrad.numpy as fnp\n"
    "        >>> fg.grad(fnp.prod)(np.array([2.0, 0.0, 3.0]))\n"
    "        array([0., 6., 0.])\n",
)
max = _reduction(
    _max,
    "max",
    "        >>> import numpy as np, funcgrad as fg, funcgrad.numpy as fnp\n"
    "        >>> fg.grad(fnp.max)(np.array([1.0, 3.0, 3.0]))\n"
    "        array([0. , 0.5, 0.5])\n",
)
min = _reduction(
    _min,
    "min",
    "        >>> import numpy as np, funcgrad as fg, funcgrad.numpy as fnp\n"
    "        >>> fg.grad(fnp.min)(np.array([1.0, 3.0]))\n"
    "        array([1., 0.])\n",
)
amax = max
amin = min
nansum = _reduction(
    _nansum,
    "nansum",
    "        >>> import numpy as np, funcgrad as fg, funcgrad.numpy as fnp\n"
    "        >>> fg.grad(fnp.nansum)(np.array([1.0, np.nan, 2.0]))\n"
    "        array([1., 0., 1.])\n",
)
nanmean = _reduction(
    _nanmean,
    "nanmean",
    "        >>> import numpy as np, funcgrad as fg, funcgrad.numpy as fnp\n"
    "        >>> fg.grad(fnp.nanmean)(np.array([1.0, np.nan, 2.0]))\n"
    "        array([0.5, 0. , 0.5])\n",
)
nanmax = _reduction(
    _nanmax,
    "nanmax",
    "        >>> import numpy as np, funcgrad as fg, funcgrad.numpy as fnp\n"
    "        >>> fg.grad(fnp.nanmax)(np.array([1.0, np.nan, 2.0]))\n"
    "        array([0., 0., 1.])\n",
    with_dtype=False,
)
nanmin = _reduction(
    _nanmin,
    "nanmin",
    "        >>> import numpy as np, funcgrad as fg, funcgrad.numpy as fnp\n"
    "        >>> fg.grad(fnp.nanmin)(np.array([1.0, np.nan, 2.0]))\n"
    "        array([1., 0., 0.])\n",
    with_dtype=False,
)
ptp = _reduction(
    _ptp,
    "ptp",
    "        >>> import numpy as np, funcgrad as fg, funcgrad.numpy as fnp\n"
    "        >>> fg.grad(fnp.ptp)(np.array([1.0, 4.0, 2.0]))\n"
    "        array([-1., 1., 0.])\n",
    with_dtype=False,
)

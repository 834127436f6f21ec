"""Reductions over axes: sum, mean, prod, max, min (axis None, int, negative, tuple)."""

from __future__ import annotations

import numpy as np

import funcgrad.numpy as fnp
from funcgrad._core import concrete
from funcgrad._core import LINEAR
from funcgrad._primitive import defop, export, primitive_of
from funcgrad.numpy._util import expand_reduced, keepdims_shape, normalize_axes

_REDUCE = {"shapes": "reduce"}


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


_prod = defop(
    _prod_impl, name="prod", vjp=_prod_vjp, jvp=_prod_jvp, saves="args", check=_REDUCE
)


def _chooser_share(ans, x, axis):
    """max/min: 1/k at each of the k elements chosen in a reduction, 0 elsewhere."""
    xc = concrete(x)
    shape = xc.shape
    chosen = xc == np.reshape(concrete(ans), keepdims_shape(shape, axis))
    share = chosen / np.sum(chosen, axis=normalize_axes(axis, len(shape)), keepdims=True)
    return share.astype(xc.dtype, copy=False)


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


_max = defop(_max_impl, name="max", vjp=_chooser_vjp, jvp=_chooser_jvp, check=_REDUCE)
_min = defop(_min_impl, name="min", vjp=_chooser_vjp, jvp=_chooser_jvp, check=_REDUCE)


def _reduction(prim_fn, name, doc_example):
    def reduction(a, axis=None, dtype=None, keepdims=False):
        out = prim_fn(a, axis=axis, keepdims=keepdims)
        if dtype is not None:
            out = fnp.astype(out, dtype)
        return out

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

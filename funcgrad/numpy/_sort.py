"""Sorting and selection: sort, partition, top_k (values differentiable); argsort,
argpartition, searchsorted, unique (no derivative).

A sorted array is a gather: the values at the positions ``argsort`` finds on the
concrete input. The gradient goes back through that gather (``take_along_axis``),
so each element receives the cotangent of the position it was sorted to. Tied
values keep their input order (a stable sort), so the first of equal elements
takes the first position; values are drawn distinct in the checks, away from ties.
"""

from __future__ import annotations

import numpy as np

from funcgrad._core import Traced, concrete
from funcgrad._primitive import defop, export, primitive_of
from funcgrad.numpy._index import _getitem, take_along_axis
from funcgrad.numpy._shape import _reshape

argsort = defop(np.argsort, nondiff=True)
argpartition = defop(np.argpartition, nondiff=True)
searchsorted = defop(np.searchsorted, nondiff=True)
unique = defop(np.unique, nondiff=True)


def _no_order(name, order):
    if order is not None:
        raise NotImplementedError(
            f"{name}: `order` (structured arrays) is not supported on traced values"
        )


def sort(a, axis=-1, kind=None, order=None, *, stable=None):
    """A sorted copy of ``a`` along ``axis`` (flattened for None; ``numpy.sort``).

    Differentiable in the values: each element's gradient is the cotangent of the
    position it lands in (equal elements keep their order).

    Example:
        >>> import numpy as np, funcgrad as fg, funcgrad.numpy as fnp
        >>> fnp.sort(np.array([3.0, 1.0, 2.0]))
        array([1., 2., 3.])
        >>> fg.grad(lambda x: fnp.sort(x)[0])(np.array([3.0, 1.0, 2.0]))
        array([0., 1., 0.])
    """
    if not isinstance(a, Traced):
        return np.sort(a, axis, kind, order, stable=stable)
    _no_order("sort", order)
    if axis is None:
        a, axis = _reshape(a, shape=(-1,)), -1
    order_ = np.argsort(concrete(a), axis=axis, kind="stable")
    return take_along_axis(a, order_, axis)


def partition(a, kth, axis=-1, kind="introselect", order=None):
    """Partly sort: element ``kth`` in its sorted place, smaller ones before it and
    larger ones after (``numpy.partition``); differentiable in the values.

    Example:
        >>> import numpy as np, funcgrad.numpy as fnp
        >>> float(fnp.partition(np.array([3.0, 1.0, 4.0, 2.0]), 1)[1])
        2.0
    """
    if not isinstance(a, Traced):
        return np.partition(a, kth, axis, kind, order)
    _no_order("partition", order)
    if axis is None:
        a, axis = _reshape(a, shape=(-1,)), -1
    positions = np.argpartition(concrete(a), kth, axis=axis, kind=kind)
    return take_along_axis(a, positions, axis)


def top_k(operand, k):
    """The ``k`` largest entries along the last axis, largest first, and their indices.

    Like ``jax.lax.top_k``: returns ``(values, indices)``; values are differentiable,
    indices are plain integers. Of equal values the one with the lower index comes first.

    Example:
        >>> import numpy as np, funcgrad as fg, funcgrad.numpy as fnp
        >>> values, indices = fnp.top_k(np.array([1.0, 4.0, 2.0, 3.0]), 2)
        >>> values, indices
        (array([4., 3.]), array([1, 3]))
        >>> fg.grad(lambda x: fnp.top_k(x, 2)[0].sum())(np.array([1.0, 4.0, 2.0, 3.0]))
        array([0., 1., 0., 1.])
    """
    x = np.asarray(concrete(operand))
    if x.ndim == 0:
        raise ValueError("top_k: the operand must have at least one dimension")
    k = int(k)
    if not 0 <= k <= x.shape[-1]:
        raise ValueError(f"top_k: k must be in [0, {x.shape[-1]}] (the last axis); got {k}")
    if x.dtype.kind in "ub":
        x = x.astype(np.int64)
    indices = np.argsort(-x, axis=-1, kind="stable")[..., :k]
    if not isinstance(operand, Traced):
        return np.take_along_axis(np.asarray(operand), indices, -1), indices
    return take_along_axis(operand, indices, -1), indices


for _fn in (sort, partition, top_k):
    export(_fn, primitive_of(_getitem))
del _fn

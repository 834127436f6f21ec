"""Indexing: ``x[index]``, ``take``, ``take_along_axis``.

``x[index]`` takes ints, slices, None, Ellipsis, integer arrays and masks. Its VJP
scatters the cotangent back with ``numpy.add.at`` semantics, so an element picked
twice by an integer-array index receives both contributions. (Functional updates,
``x.at[index].set(v)``, are in ``_update.py``.)
"""

from __future__ import annotations

import numpy as np

import funcgrad.numpy as fnp
from funcgrad._core import LINEAR, Traced, concrete
from funcgrad._primitive import defop, export, primitive_of
from funcgrad.numpy._shape import _axis_index


def _is_basic(index) -> bool:
    """Whether ``index`` selects each element at most once (no integer arrays)."""
    items = index if isinstance(index, tuple) else (index,)
    for it in items:
        if isinstance(it, (int, np.integer, slice)) or it is None or it is Ellipsis:
            continue
        arr = np.asarray(it)
        if arr.dtype == bool:
            continue
        return False
    return True


def _getitem_impl(x, index):
    return x[index]


def _scatter_add_impl(g, index, shape):
    out = np.zeros(shape, np.result_type(g))
    if _is_basic(index):
        out[index] = g
    else:
        np.add.at(out, index, g)
    return out


_scatter_add = defop(
    _scatter_add_impl,
    name="scatter_add",
    vjp=lambda g, ans, ct, index, shape: _getitem(g, index=index),
    jvp=LINEAR,
    saves="shapes",
    check={
        "cases": [
            (((2,),), {"index": (slice(0, 2),), "shape": (3,)}),
            (((3,),), {"index": (np.array([0, 1, 0]),), "shape": (2,)}),
        ]
    },
)

_getitem = defop(
    _getitem_impl,
    name="getitem",
    vjp=lambda g, ans, x, index: _scatter_add(g, index=index, shape=x.shape),
    jvp=LINEAR,
    saves="shapes",
    check={
        "cases": [
            (((4,),), {"index": 1}),
            (((4,),), {"index": slice(1, None)}),
            (((3, 4),), {"index": (Ellipsis, None, slice(None, None, -2))}),
            (((4,),), {"index": np.array([0, 2, 0, 3])}),
            (((3, 2),), {"index": (np.array([0, 2]), slice(None))}),
            (((3, 2),), {"index": np.array([[True, False], [False, True], [True, True]])}),
        ]
    },
)


def _clean_index(index):
    """Reject traced indices (an index has no gradient) and unwrap masks."""
    items = index if isinstance(index, tuple) else (index,)
    if any(isinstance(it, Traced) for it in items):
        cleaned = tuple(_index_item(it) for it in items)
        return cleaned if isinstance(index, tuple) else cleaned[0]
    return index


def _index_item(it):
    v = concrete(it)
    if not (np.issubdtype(np.asarray(v).dtype, np.integer) or np.asarray(v).dtype == bool):
        raise IndexError(
            "only integers, slices, None, Ellipsis and integer or boolean arrays are "
            f"valid indices; got a traced {np.asarray(v).dtype.name} value"
        )
    return v


def getitem(x, index):
    """``x[index]``: the function behind indexing a traced value.

    Example:
        >>> import numpy as np, funcgrad as fg, funcgrad.numpy as fnp
        >>> fg.grad(lambda x: fnp.sum(x[np.array([0, 0, 2])]))(np.zeros(3))
        array([2., 0., 1.])
    """
    if isinstance(index, list):
        index = np.asarray(index)
    return _getitem(x, index=_clean_index(index))


export(getitem, primitive_of(_getitem))


# --- take and take_along_axis: gathers built on getitem ---------------------------


def take(a, indices, axis=None, mode="raise"):
    """Take elements of ``a`` at ``indices`` along ``axis`` (``numpy.take``).

    With ``axis=None`` the flattened array is used. ``mode`` is numpy's: "raise"
    (negative indices count from the end), "wrap" or "clip". The gradient of an
    element taken several times is the sum of its cotangents.

    Example:
        >>> import numpy as np, funcgrad as fg, funcgrad.numpy as fnp
        >>> fnp.take(np.array([[1.0, 2.0], [3.0, 4.0]]), [1, 0, 1], axis=1)
        array([[2., 1., 2.],
               [4., 3., 4.]])
        >>> fg.grad(lambda x: fnp.take(x, [0, 0, 2]).sum())(np.zeros(3))
        array([2., 0., 1.])
    """
    indices = _integer_indices(indices, "take")
    if axis is None:
        a = fnp.ravel(a)
        axis = 0
    ndim = np.ndim(concrete(a))
    ax = _axis_index(axis, ndim, "take")
    n = np.shape(concrete(a))[ax]
    if mode == "wrap":
        indices = indices % n
    elif mode == "clip":
        indices = np.clip(indices, 0, n - 1)
    elif mode != "raise":
        raise ValueError(f"take: mode must be 'raise', 'wrap' or 'clip'; got {mode!r}")
    if indices.ndim == 0:
        indices = int(indices)
    return _getitem(a, index=(slice(None),) * ax + (indices,))


export(take, primitive_of(_getitem))


def _integer_indices(indices, name):
    indices = np.asarray(concrete(indices))
    if indices.size == 0:
        return indices.astype(np.intp)
    if not np.issubdtype(indices.dtype, np.integer):
        raise IndexError(f"{name}: indices must be integers; got {indices.dtype}")
    return indices


def take_along_axis(arr, indices, axis=-1):
    """Pick values from ``arr`` by matching 1-d index slices (``numpy.take_along_axis``).

    ``indices`` has ``arr``'s number of dimensions (as ``argsort`` returns); with
    ``axis=None`` ``arr`` is flattened and ``indices`` is 1-d.

    Example:
        >>> import numpy as np, funcgrad.numpy as fnp
        >>> x = np.array([[3.0, 1.0, 2.0]])
        >>> fnp.take_along_axis(x, np.argsort(x, axis=1), axis=1)
        array([[1., 2., 3.]])
    """
    indices = _integer_indices(indices, "take_along_axis")
    if axis is None:
        arr = fnp.ravel(arr)
        axis = 0
    shape = np.shape(concrete(arr))
    if indices.ndim != len(shape):
        raise ValueError(
            f"take_along_axis: indices and arr must have the same number of dimensions; "
            f"got {indices.ndim} and {len(shape)}"
        )
    return _getitem(
        arr,
        index=_along_axis_index(indices, shape, _axis_index(axis, len(shape), "take_along_axis")),
    )


def _along_axis_index(indices, shape, axis):
    """The fancy index that picks ``indices`` along ``axis`` in every 1-d slice."""
    index = []
    for i, n in enumerate(shape):
        if i == axis:
            index.append(indices)
        else:
            index.append(np.arange(n).reshape((1,) * i + (-1,) + (1,) * (len(shape) - i - 1)))
    return tuple(index)


export(take_along_axis, primitive_of(_getitem))

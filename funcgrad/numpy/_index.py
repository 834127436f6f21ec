"""Indexing: ``x[index]`` with ints, slices, None, Ellipsis, integer arrays and masks.

The VJP scatters the cotangent back with ``numpy.add.at`` semantics, so an element
picked twice by an integer-array index receives both contributions.
"""

from __future__ import annotations

import numpy as np

from funcgrad._core import LINEAR, Traced, concrete
from funcgrad._primitive import defop, export, primitive_of


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

"""Functional updates: ``at(x)[index].set(v)`` / ``.add(v)`` / ``.multiply(v)``.

Like JAX's ``x.at[...]`` (also a property of traced values): each returns a new
array and never writes into ``x``. ``set`` and ``add`` are primitives; ``multiply``
is ``x`` times a ``set`` of ones (exact: ``x * 1 == x``), done in rounds of distinct
positions when an index repeats.
"""

from __future__ import annotations

import numpy as np

import funcgrad.numpy as fnp
from funcgrad._core import LINEAR, Traced, concrete
from funcgrad._primitive import defop, export, primitive_of
from funcgrad.numpy._index import _clean_index, _getitem, _is_basic
from funcgrad.numpy._util import unbroadcast


def _index_of(index):
    """An index as numpy takes it: lists become arrays, traced items concrete ints."""
    if isinstance(index, list):
        index = np.asarray(index)
    return _clean_index(index)


def _last_writes(index, shape):
    """Where, in ``x[index]``'s shape, a write lands: an element indexed twice keeps
    its last write (numpy's order), so the earlier values have no effect."""
    ids = np.empty(shape, np.intp)
    target = ids[index]
    order = np.arange(target.size).reshape(target.shape)
    ids[index] = order
    return ids[index] == order


def _fit(g, like):
    """``g`` (shaped like ``x[index]``) summed to ``like``'s shape and dtype."""
    extra = like.ndim - g.ndim
    if extra > 0:  # numpy lets values carry extra leading ones
        g = fnp.reshape(g, (1,) * extra + g.shape)
    return unbroadcast(g, like)


def _index_set_impl(x, v, index):
    out = np.array(x, copy=True)
    out[index] = v
    return out


def _index_set_vjp_v(g, ans, x, v, index):
    picked = _getitem(g, index=index)
    if not _is_basic(index):
        landed = _last_writes(index, x.shape)
        if not landed.all():
            picked = fnp.where(landed, picked, 0)
    return _fit(picked, v)


index_set = defop(
    _index_set_impl,
    name="index_set",
    vjp=(lambda g, ans, x, v, index: index_set(g, 0, index=index), _index_set_vjp_v),
    jvp=LINEAR,
    saves="shapes",
    check={
        "cases": [
            (((4,), (2,)), {"index": slice(1, 3)}),
            (((3, 4), (4,)), {"index": np.array([0, 2])}),
            (((4,), ()), {"index": np.array([1, 3])}),
            (((4,), (3,)), {"index": np.array([0, 2, 0])}),
            (((3, 2), (3,)), {"index": (Ellipsis, 1)}),
            (((2, 3), (1,)), {"index": np.array([[True, False, True], [False, False, True]])}),
        ]
    },
)


def _index_add_impl(x, v, index):
    out = np.array(x, copy=True)
    if _is_basic(index):
        out[index] += v
    else:
        np.add.at(out, index, v)
    return out


index_add = defop(
    _index_add_impl,
    name="index_add",
    vjp=(
        lambda g, ans, x, v, index: g,
        lambda g, ans, x, v, index: _fit(_getitem(g, index=index), v),
    ),
    jvp=LINEAR,
    saves="shapes",
    check={
        "cases": [
            (((4,), (2,)), {"index": slice(1, 3)}),
            (((3, 4), (4,)), {"index": np.array([0, 2])}),
            (((4,), (3,)), {"index": np.array([0, 2, 0])}),
            (((3, 2), ()), {"index": (np.array([0, 0, 2]), np.array([1, 1, 0]))}),
        ]
    },
)


def _flat_positions(index, shape):
    """The flat position in ``x`` of each element of ``x[index]`` (C order)."""
    size = int(np.prod(shape, dtype=np.int64))
    return np.arange(size).reshape(shape)[index]


def _multiply_at(x, index, v):
    shape, dtype = np.shape(concrete(x)), concrete(x).dtype
    if not _is_basic(index):
        pos = _flat_positions(index, shape)
        flat = pos.ravel()
        if np.unique(flat).size != flat.size:
            return _multiply_repeated(x, pos, v)
    return x * index_set(np.ones(shape, dtype), v, index=index)


def _multiply_repeated(x, pos, v):
    """``numpy.multiply.at`` with repeated positions, as rounds of distinct ones.

    Round r multiplies each position by its r-th value, so every product is formed
    in numpy's order and each factor's derivative is the product of the others.
    """
    flat = pos.ravel()
    values = fnp.ravel(_fit_values(v, pos.shape))
    order = np.argsort(flat, kind="stable")
    ranked = flat[order]
    starts = np.r_[True, ranked[1:] != ranked[:-1]]
    first = np.maximum.accumulate(np.where(starts, np.arange(flat.size), 0))
    occurrence = np.empty_like(flat)
    occurrence[order] = np.arange(flat.size) - first
    shape = np.shape(concrete(x))
    out = fnp.ravel(x)
    ones = np.ones(out.shape, concrete(x).dtype)
    for r in range(int(occurrence.max()) + 1):
        sel = np.nonzero(occurrence == r)[0]
        out = out * index_set(ones, _getitem(values, index=sel), index=flat[sel])
    return fnp.reshape(out, shape)


def _fit_values(v, shape):
    v_shape = np.shape(concrete(v))
    extra = len(v_shape) - len(shape)
    if extra > 0:
        v = fnp.reshape(v, v_shape[extra:])
    return fnp.broadcast_to(v, shape)


class _IndexUpdate:
    """``at(x)[index]``: the pending update of ``x`` at ``index``."""

    __slots__ = ("_x", "_index")

    def __init__(self, x, index):
        self._x = x
        self._index = index

    def __repr__(self) -> str:
        return f"at(...)[{self._index!r}]"

    def get(self):
        """``x[index]``."""
        return _getitem(self._x, index=self._index)

    def set(self, values):
        """A copy of ``x`` with ``x[index] = values``; an element indexed twice keeps
        its last value, like numpy (the earlier values get no gradient)."""
        return index_set(self._x, values, index=self._index)

    def add(self, values):
        """A copy of ``x`` with ``values`` added at ``index``; repeated indices add up
        (``numpy.add.at``, JAX's ``.at[].add``)."""
        return index_add(self._x, values, index=self._index)

    def multiply(self, values):
        """A copy of ``x`` multiplied by ``values`` at ``index``; repeated indices
        multiply in turn (``numpy.multiply.at``)."""
        return _multiply_at(self._x, self._index, values)


class _IndexUpdateHelper:
    """``at(x)``: index it to get an update (``at(x)[1:3].set(0.0)``)."""

    __slots__ = ("_x",)

    def __init__(self, x):
        self._x = x

    def __getitem__(self, index):
        return _IndexUpdate(self._x, _index_of(index))

    def __repr__(self) -> str:
        return f"at({self._x!r})"


def at(x):
    """Functional updates of ``x``, like JAX's ``x.at``: ``at(x)[index].set(v)``.

    Returns a helper; index it, then call ``.set(v)``, ``.add(v)``, ``.multiply(v)``
    or ``.get()``. The result is a new array (``x`` is never written), differentiable
    in ``x`` and ``v``. ``set`` with an index repeated keeps the last value written
    (numpy's order); ``add`` and ``multiply`` apply every value (``numpy.add.at``).
    Traced values have the same as a property: ``x.at[index].set(v)``. Indices
    follow numpy (out-of-range indices raise, unlike JAX, which drops them).

    Example:
        >>> import numpy as np, funcgrad as fg, funcgrad.numpy as fnp
        >>> x = np.zeros(4)
        >>> fnp.at(x)[1:3].add(1.0)
        array([0., 1., 1., 0.])
        >>> fnp.at(x)[np.array([0, 0, 3])].add(1.0)
        array([2., 0., 0., 1.])
        >>> fg.grad(lambda x: (x.at[0].set(5.0) * x).sum())(np.ones(3))
        array([5., 2., 2.])
    """
    if not isinstance(x, (Traced, np.ndarray, np.generic)):
        x = np.asarray(x)
    return _IndexUpdateHelper(x)


export(at, primitive_of(index_set))

"""Joining and splitting: hstack vstack dstack column_stack, split and friends, tile,
repeat, meshgrid, atleast_1d/2d/3d.

All are compositions of reshape, broadcast_to, concatenate and getitem, so their
gradients come from those rules. Functions with several results (split, meshgrid)
return lists or tuples of single-result primitive calls. Called with no traced
argument they are numpy's own functions.
"""

from __future__ import annotations

from itertools import chain

import numpy as np

from funcgrad._core import Traced, concrete
from funcgrad._primitive import export, primitive_of
from funcgrad.numpy._index import _getitem
from funcgrad.numpy._shape import (
    _axis_index,
    _broadcast_to,
    _concatenate,
    _reshape,
    _shape_of,
)


def _traced(*arrays) -> bool:
    return any(isinstance(a, Traced) for a in arrays)


def _atleast(arys, fill):
    out = []
    for a in arys:
        if not hasattr(a, "shape"):
            a = np.asarray(a)
        new = fill(a.shape)
        out.append(a if new == a.shape else _reshape(a, shape=new))
    return out[0] if len(out) == 1 else tuple(out)


def atleast_1d(*arys):
    """View each input with at least one dimension (``numpy.atleast_1d``).

    Returns one array for one input, a tuple for several.

    Example:
        >>> import numpy as np, funcgrad.numpy as fnp
        >>> fnp.atleast_1d(np.float64(2.0)).shape
        (1,)
    """
    return _atleast(arys, lambda s: s if len(s) >= 1 else (1,))


def atleast_2d(*arys):
    """View each input with at least two dimensions (``numpy.atleast_2d``): (n,) -> (1, n).

    Example:
        >>> import numpy as np, funcgrad.numpy as fnp
        >>> fnp.atleast_2d(np.ones(3)).shape
        (1, 3)
    """
    return _atleast(arys, lambda s: s if len(s) >= 2 else (1,) * (2 - len(s)) + s)


def atleast_3d(*arys):
    """View each input with at least three dimensions (``numpy.atleast_3d``).

    (n,) becomes (1, n, 1) and (m, n) becomes (m, n, 1), as in numpy.

    Example:
        >>> import numpy as np, funcgrad.numpy as fnp
        >>> fnp.atleast_3d(np.ones((2, 3))).shape
        (2, 3, 1)
    """

    def fill(s):
        if len(s) >= 3:
            return s
        return {0: (1, 1, 1), 1: (1,) + s + (1,), 2: s + (1,)}[len(s)]

    return _atleast(arys, fill)


for _fn in (atleast_1d, atleast_2d, atleast_3d):
    export(_fn, primitive_of(_reshape))
del _fn


# --- stacking ---------------------------------------------------------------------


def _sequence(tup, name):
    if not isinstance(tup, (list, tuple)):
        raise TypeError(f"{name}: arrays to stack must be passed as a list or tuple")
    return list(tup)


def hstack(tup):
    """Stack arrays along the second axis (the first for 1-d arrays; ``numpy.hstack``).

    Example:
        >>> import numpy as np, funcgrad.numpy as fnp
        >>> fnp.hstack([np.ones((2, 1)), np.zeros((2, 2))]).shape
        (2, 3)
    """
    arrays = _sequence(tup, "hstack")
    if not _traced(*arrays):
        return np.hstack(arrays)
    arrays = [atleast_1d(a) for a in arrays]
    return _concatenate(*arrays, axis=0 if arrays[0].ndim == 1 else 1)


def vstack(tup):
    """Stack arrays along the first axis, 1-d arrays as rows (``numpy.vstack``).

    Example:
        >>> import numpy as np, funcgrad.numpy as fnp
        >>> fnp.vstack([np.ones(3), np.zeros(3)]).shape
        (2, 3)
    """
    arrays = _sequence(tup, "vstack")
    if not _traced(*arrays):
        return np.vstack(arrays)
    return _concatenate(*[atleast_2d(a) for a in arrays], axis=0)


def dstack(tup):
    """Stack arrays along the third axis (``numpy.dstack``).

    Example:
        >>> import numpy as np, funcgrad.numpy as fnp
        >>> fnp.dstack([np.ones((2, 3)), np.zeros((2, 3))]).shape
        (2, 3, 2)
    """
    arrays = _sequence(tup, "dstack")
    if not _traced(*arrays):
        return np.dstack(arrays)
    return _concatenate(*[atleast_3d(a) for a in arrays], axis=2)


def column_stack(tup):
    """Stack 1-d arrays as columns (2-d arrays as they are; ``numpy.column_stack``).

    Example:
        >>> import numpy as np, funcgrad.numpy as fnp
        >>> fnp.column_stack([np.ones(3), np.zeros(3)]).shape
        (3, 2)
    """
    arrays = _sequence(tup, "column_stack")
    if not _traced(*arrays):
        return np.column_stack(arrays)
    columns = []
    for a in arrays:
        shape = _shape_of(a)
        if len(shape) < 2:
            a = _reshape(a, shape=(-1, 1))
        columns.append(a)
    return _concatenate(*columns, axis=1)


for _fn in (hstack, vstack, dstack, column_stack):
    export(_fn, primitive_of(_concatenate))


# --- splitting --------------------------------------------------------------------


def array_split(ary, indices_or_sections, axis=0):
    """Split into sections (possibly unequal) or at indices (``numpy.array_split``).

    An integer n gives n sections, the first ``len % n`` one element longer; a
    sequence of indices splits before each. Returns a list of arrays.

    Example:
        >>> import numpy as np, funcgrad.numpy as fnp
        >>> [p.tolist() for p in fnp.array_split(np.arange(5.0), 2)]
        [[0.0, 1.0, 2.0], [3.0, 4.0]]
    """
    if not isinstance(ary, Traced):
        return np.array_split(ary, indices_or_sections, axis=axis)
    ax = _axis_index(axis, ary.ndim, "array_split")
    n = ary.shape[ax]
    try:
        points = [0] + [int(i) for i in indices_or_sections] + [n]
    except TypeError:
        sections = int(indices_or_sections)
        if sections <= 0:
            raise ValueError("array_split: the number of sections must be larger than 0") from None
        each, extra = divmod(n, sections)
        points = [0] + list(np.cumsum([each + 1] * extra + [each] * (sections - extra)))
    lead = (slice(None),) * ax
    return [
        _getitem(ary, index=lead + (slice(int(start), int(stop)),))
        for start, stop in zip(points[:-1], points[1:])
    ]


def split(ary, indices_or_sections, axis=0):
    """Split into equal sections or at indices (``numpy.split``); a list of arrays.

    Example:
        >>> import numpy as np, funcgrad as fg, funcgrad.numpy as fnp
        >>> a, b = fnp.split(np.arange(4.0), 2)
        >>> b
        array([2., 3.])
        >>> fg.grad(lambda x: fnp.split(x, [1])[1].sum())(np.zeros(3))
        array([0., 1., 1.])
    """
    if isinstance(indices_or_sections, (int, np.integer)):
        n = _shape_of(ary)[_axis_index(axis, len(_shape_of(ary)), "split")]
        if n % int(indices_or_sections):
            raise ValueError("split: array split does not result in an equal division")
    return array_split(ary, indices_or_sections, axis)


def hsplit(ary, indices_or_sections):
    """Split along the second axis (the first for 1-d arrays; ``numpy.hsplit``).

    Example:
        >>> import numpy as np, funcgrad.numpy as fnp
        >>> [p.shape for p in fnp.hsplit(np.ones((2, 4)), 2)]
        [(2, 2), (2, 2)]
    """
    nd = len(_shape_of(ary))
    if nd == 0:
        raise ValueError("hsplit only works on arrays of 1 or more dimensions")
    return split(ary, indices_or_sections, 1 if nd > 1 else 0)


def vsplit(ary, indices_or_sections):
    """Split along the first axis of an array of 2 or more dimensions (``numpy.vsplit``).

    Example:
        >>> import numpy as np, funcgrad.numpy as fnp
        >>> [p.shape for p in fnp.vsplit(np.ones((4, 2)), [1])]
        [(1, 2), (3, 2)]
    """
    if len(_shape_of(ary)) < 2:
        raise ValueError("vsplit only works on arrays of 2 or more dimensions")
    return split(ary, indices_or_sections, 0)


def dsplit(ary, indices_or_sections):
    """Split along the third axis of an array of 3 or more dimensions (``numpy.dsplit``).

    Example:
        >>> import numpy as np, funcgrad.numpy as fnp
        >>> [p.shape for p in fnp.dsplit(np.ones((1, 2, 4)), 2)]
        [(1, 2, 2), (1, 2, 2)]
    """
    if len(_shape_of(ary)) < 3:
        raise ValueError("dsplit only works on arrays of 3 or more dimensions")
    return split(ary, indices_or_sections, 2)


for _fn in (array_split, split, hsplit, vsplit, dsplit):
    export(_fn, primitive_of(_getitem))


# --- repeating --------------------------------------------------------------------


def tile(A, reps):
    """Repeat the whole of ``A`` ``reps`` times along each axis (``numpy.tile``).

    Example:
        >>> import numpy as np, funcgrad.numpy as fnp
        >>> fnp.tile(np.array([1.0, 2.0]), 2)
        array([1., 2., 1., 2.])
    """
    if not isinstance(A, Traced):
        return np.tile(A, reps)
    try:
        reps = tuple(int(r) for r in reps)
    except TypeError:
        reps = (int(reps),)
    shape = A.shape
    if len(shape) < len(reps):
        shape = (1,) * (len(reps) - len(shape)) + shape
    reps = (1,) * (len(shape) - len(reps)) + reps
    if any(r < 0 for r in reps):
        raise ValueError(f"tile: negative repetitions are not allowed; got {reps}")
    # (1, a0, 1, a1, ...) broadcast to (r0, a0, r1, a1, ...): repeat k, element j
    spread = tuple(chain.from_iterable((1, n) for n in shape))
    tiled = tuple(chain.from_iterable(zip(reps, shape)))
    out = _broadcast_to(_reshape(A, shape=spread), shape=tiled)
    return _reshape(out, shape=tuple(r * n for r, n in zip(reps, shape)))


export(tile, primitive_of(_broadcast_to))


def repeat(a, repeats, axis=None):
    """Repeat each element of ``a`` (``numpy.repeat``); the flattened ``a`` for axis None.

    ``repeats`` is one count for every element or one count per element along axis.

    Example:
        >>> import numpy as np, funcgrad as fg, funcgrad.numpy as fnp
        >>> fnp.repeat(np.array([1.0, 2.0]), [1, 3])
        array([1., 2., 2., 2.])
        >>> fg.grad(lambda x: fnp.repeat(x, 3).sum())(np.zeros(2))
        array([3., 3.])
    """
    repeats = np.asarray(concrete(repeats))
    if not isinstance(a, Traced):
        return np.repeat(a, repeats, axis=axis)
    if not np.issubdtype(repeats.dtype, np.integer):
        raise TypeError(f"repeat: repeats must be integers; got {repeats.dtype}")
    if (repeats < 0).any():
        raise ValueError("repeat: negative repeats are not allowed")
    if axis is None:
        a = _reshape(a, shape=(-1,))
        axis = 0
    shape = a.shape
    ax = _axis_index(axis, len(shape), "repeat")
    n = shape[ax]
    if repeats.size == 1:
        k = int(repeats.reshape(()))
        out = _reshape(a, shape=shape[: ax + 1] + (1,) + shape[ax + 1 :])
        out = _broadcast_to(out, shape=shape[: ax + 1] + (k,) + shape[ax + 1 :])
        return _reshape(out, shape=shape[:ax] + (n * k,) + shape[ax + 1 :])
    if repeats.shape != (n,):
        raise ValueError(
            f"repeat: repeats must be one count or {n} counts (one per element along "
            f"axis {axis}); got shape {repeats.shape}"
        )
    return _getitem(a, index=(slice(None),) * ax + (np.repeat(np.arange(n), repeats),))


export(repeat, primitive_of(_broadcast_to))


def meshgrid(*xi, copy=True, sparse=False, indexing="xy"):
    """Coordinate arrays from coordinate vectors (``numpy.meshgrid``); a tuple.

    ``indexing="xy"`` (the default) swaps the first two output axes, as numpy does;
    ``sparse=True`` leaves the outputs unbroadcast.

    Example:
        >>> import numpy as np, funcgrad.numpy as fnp
        >>> X, Y = fnp.meshgrid(np.arange(3.0), np.arange(2.0))
        >>> X.shape, Y[1, 0]
        ((2, 3), np.float64(1.0))
    """
    if indexing not in ("xy", "ij"):
        raise ValueError(f"meshgrid: indexing must be 'xy' or 'ij'; got {indexing!r}")
    if not _traced(*xi):
        return np.meshgrid(*xi, copy=copy, sparse=sparse, indexing=indexing)
    ndim = len(xi)
    ones = (1,) * ndim
    out = [_reshape(x, shape=ones[:i] + (-1,) + ones[i + 1 :]) for i, x in enumerate(xi)]
    if indexing == "xy" and ndim > 1:
        out[0] = _reshape(out[0], shape=(1, -1) + ones[2:])
        out[1] = _reshape(out[1], shape=(-1, 1) + ones[2:])
    if sparse:
        return tuple(out)
    shape = np.broadcast_shapes(*[_shape_of(o) for o in out])
    return tuple(_broadcast_to(o, shape=shape) for o in out)


export(meshgrid, primitive_of(_broadcast_to))
del _fn

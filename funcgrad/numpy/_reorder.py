"""Reordering elements: flip, fliplr, flipud, roll, rot90.

Compositions of getitem (reversed slices), concatenate and transpose, whose rules
give the gradients. Called with no traced argument they are numpy's own functions.
"""

from __future__ import annotations

import numpy as np

from funcgrad._core import Traced
from funcgrad._primitive import export, primitive_of
from funcgrad.numpy._index import _getitem
from funcgrad.numpy._shape import _axis_index, _concatenate, _reshape, _transpose
from funcgrad.numpy._util import normalize_axes


def flip(m, axis=None):
    """Reverse the order of elements along ``axis`` (all axes for None; ``numpy.flip``).

    Example:
        >>> import numpy as np, funcgrad.numpy as fnp
        >>> fnp.flip(np.array([[1.0, 2.0], [3.0, 4.0]]), axis=1)
        array([[2., 1.],
               [4., 3.]])
    """
    if not isinstance(m, Traced):
        return np.flip(m, axis)
    axes = normalize_axes(axis, m.ndim)
    return _getitem(
        m, index=tuple(slice(None, None, -1) if i in axes else slice(None) for i in range(m.ndim))
    )


def fliplr(m):
    """Reverse the order of columns (axis 1; ``numpy.fliplr``).

    Example:
        >>> import numpy as np, funcgrad.numpy as fnp
        >>> fnp.fliplr(np.array([[1.0, 2.0]]))
        array([[2., 1.]])
    """
    if len(np.shape(m) if not isinstance(m, Traced) else m.shape) < 2:
        raise ValueError("fliplr: the input must have at least 2 dimensions")
    return flip(m, 1)


def flipud(m):
    """Reverse the order of rows (axis 0; ``numpy.flipud``).

    Example:
        >>> import numpy as np, funcgrad.numpy as fnp
        >>> fnp.flipud(np.array([1.0, 2.0]))
        array([2., 1.])
    """
    if len(np.shape(m) if not isinstance(m, Traced) else m.shape) < 1:
        raise ValueError("flipud: the input must have at least 1 dimension")
    return flip(m, 0)


for _fn in (flip, fliplr, flipud):
    export(_fn, primitive_of(_getitem))
del _fn


def roll(a, shift, axis=None):
    """Roll elements along ``axis``; those leaving one end come in at the other.

    Like ``numpy.roll``: ``shift`` and ``axis`` may be tuples (broadcast together,
    shifts of one axis adding up); with ``axis=None`` the flattened array is rolled.

    Example:
        >>> import numpy as np, funcgrad.numpy as fnp
        >>> fnp.roll(np.arange(5.0), 2)
        array([3., 4., 0., 1., 2.])
    """
    if not isinstance(a, Traced):
        return np.roll(a, shift, axis)
    if axis is None:
        return _reshape(roll(_reshape(a, shape=(-1,)), shift, 0), shape=a.shape)
    shifts, axes = np.broadcast_arrays(np.asarray(shift), np.asarray(axis))
    if shifts.ndim > 1:
        raise ValueError("roll: shift and axis must be ints or 1-d sequences")
    total = {}
    for s, ax in zip(shifts.ravel().tolist(), axes.ravel().tolist()):
        ax = _axis_index(ax, a.ndim, "roll")
        total[ax] = total.get(ax, 0) + s
    out = a
    for ax, s in sorted(total.items()):
        n = a.shape[ax]
        s = s % n if n else 0
        if s:
            lead = (slice(None),) * ax
            tail = _getitem(out, index=lead + (slice(n - s, None),))
            head = _getitem(out, index=lead + (slice(None, n - s),))
            out = _concatenate(tail, head, axis=ax)
    return out


export(roll, primitive_of(_concatenate))


def rot90(m, k=1, axes=(0, 1)):
    """Rotate by 90 degrees ``k`` times in the plane of ``axes`` (``numpy.rot90``).

    Example:
        >>> import numpy as np, funcgrad.numpy as fnp
        >>> fnp.rot90(np.array([[1.0, 2.0], [3.0, 4.0]]))
        array([[2., 4.],
               [1., 3.]])
    """
    if not isinstance(m, Traced):
        return np.rot90(m, k, axes)
    axes = tuple(axes)
    if len(axes) != 2:
        raise ValueError("rot90: len(axes) must be 2")
    nd = m.ndim
    if nd < 2:
        raise ValueError("rot90: the input must have at least 2 dimensions")
    a0, a1 = (_axis_index(ax, nd, "rot90") for ax in axes)
    if a0 == a1:
        raise ValueError("rot90: the axes must be different")
    k %= 4
    if k == 0:
        return m
    if k == 2:
        return flip(flip(m, a0), a1)
    perm = list(range(nd))
    perm[a0], perm[a1] = perm[a1], perm[a0]
    if k == 1:
        return _transpose(flip(m, a1), axes=tuple(perm))
    return flip(_transpose(m, axes=tuple(perm)), a1)


export(rot90, primitive_of(_transpose))

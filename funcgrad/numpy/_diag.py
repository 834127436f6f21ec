"""Diagonals and triangles: diagonal, trace, diag, diagflat, triu, tril.

Compositions: a diagonal is a getitem with integer arrays (its VJP scatters the
cotangent back onto the diagonal), a matrix built from a diagonal is a scatter, a
triangle is a ``where`` with a constant mask. Called with no traced argument they
are numpy's own functions.
"""

from __future__ import annotations

import numpy as np

import funcgrad.numpy as fnp
from funcgrad._core import Traced
from funcgrad._primitive import export, primitive_of
from funcgrad.numpy._index import _getitem, _scatter_add
from funcgrad.numpy._shape import _axis_index, _reshape, _transpose


def _diagonal_positions(n1, n2, offset):
    """Row and column indices of diagonal ``offset`` of an (n1, n2) matrix."""
    r0, c0 = max(-offset, 0), max(offset, 0)
    length = max(0, min(n1 - r0, n2 - c0))
    return np.arange(r0, r0 + length), np.arange(c0, c0 + length)


def diagonal(a, offset=0, axis1=0, axis2=1):
    """The diagonal ``offset`` of the matrices in axes ``axis1``, ``axis2`` (``numpy.diagonal``).

    Those axes are removed and the diagonal is appended as the last axis.

    Example:
        >>> import numpy as np, funcgrad.numpy as fnp
        >>> fnp.diagonal(np.arange(9.0).reshape(3, 3), offset=1)
        array([1., 5.])
    """
    if not isinstance(a, Traced):
        return np.diagonal(a, offset, axis1, axis2)
    nd = a.ndim
    if nd < 2:
        raise ValueError("diagonal: the input must have at least 2 dimensions")
    ax1, ax2 = _axis_index(axis1, nd, "diagonal"), _axis_index(axis2, nd, "diagonal")
    if ax1 == ax2:
        raise ValueError("diagonal: axis1 and axis2 cannot be the same")
    perm = [i for i in range(nd) if i not in (ax1, ax2)] + [ax1, ax2]
    if perm != list(range(nd)):
        a = _transpose(a, axes=tuple(perm))
    rows, cols = _diagonal_positions(a.shape[-2], a.shape[-1], int(offset))
    return _getitem(a, index=(Ellipsis, rows, cols))


def trace(a, offset=0, axis1=0, axis2=1, dtype=None):
    """Sum along a diagonal (``numpy.trace``).

    Example:
        >>> import numpy as np, funcgrad as fg, funcgrad.numpy as fnp
        >>> fg.grad(fnp.trace)(np.ones((2, 2)))
        array([[1., 0.],
               [0., 1.]])
    """
    if not isinstance(a, Traced):
        return np.trace(a, offset, axis1, axis2, dtype)
    out = fnp.sum(diagonal(a, offset, axis1, axis2), axis=-1)
    return out if dtype is None else fnp.astype(out, dtype)


def diag(v, k=0):
    """The diagonal of a 2-d array, or a 2-d array with a 1-d array on its diagonal.

    Like ``numpy.diag``; ``k`` picks the diagonal (above the main one for k > 0).

    Example:
        >>> import numpy as np, funcgrad.numpy as fnp
        >>> fnp.diag(np.array([1.0, 2.0]), k=1)
        array([[0., 1., 0.],
               [0., 0., 2.],
               [0., 0., 0.]])
    """
    if not isinstance(v, Traced):
        return np.diag(v, k)
    if v.ndim == 2:
        return diagonal(v, k)
    if v.ndim != 1:
        raise ValueError(f"diag: the input must be 1-d or 2-d; got {v.ndim} dimensions")
    n = v.shape[0] + abs(int(k))
    rows, cols = _diagonal_positions(n, n, int(k))
    return _scatter_add(v, index=(rows, cols), shape=(n, n))


def diagflat(v, k=0):
    """A 2-d array with the flattened input on diagonal ``k`` (``numpy.diagflat``).

    Example:
        >>> import numpy as np, funcgrad.numpy as fnp
        >>> fnp.diagflat(np.array([[1.0, 2.0]])).shape
        (2, 2)
    """
    if not isinstance(v, Traced):
        return np.diagflat(v, k)
    return diag(_reshape(v, shape=(-1,)), k)


for _fn in (diagonal, trace, diag, diagflat):
    export(_fn, primitive_of(_getitem))


def _triangle(m, k, lower, name):
    if not isinstance(m, Traced):
        return (np.tril if lower else np.triu)(m, k)
    shape = m.shape
    if not shape:
        raise ValueError(f"{name}: the input must have at least 1 dimension")
    n, p = (shape[-2], shape[-1]) if len(shape) >= 2 else (shape[-1], shape[-1])
    kept = np.tri(n, p, k, dtype=bool)  # on and below diagonal k
    if not lower:
        kept = ~np.tri(n, p, k - 1, dtype=bool)
    return fnp.where(kept, m, np.zeros((), m.dtype))


def triu(m, k=0):
    """The upper triangle of the last two axes, zeros below diagonal k (``numpy.triu``).

    Example:
        >>> import numpy as np, funcgrad.numpy as fnp
        >>> fnp.triu(np.ones((2, 2)))
        array([[1., 1.],
               [0., 1.]])
    """
    return _triangle(m, k, False, "triu")


def tril(m, k=0):
    """The lower triangle of the last two axes, zeros above diagonal k (``numpy.tril``).

    Example:
        >>> import numpy as np, funcgrad.numpy as fnp
        >>> fnp.tril(np.ones((2, 2)))
        array([[1., 0.],
               [1., 1.]])
    """
    return _triangle(m, k, True, "tril")


export(triu, primitive_of(fnp.where))
export(tril, primitive_of(fnp.where))

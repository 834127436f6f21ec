"""Helpers the rules share: undoing broadcasting, normalising axes, casting."""

from __future__ import annotations

import numpy as np

import funcgrad.numpy as fnp


def normalize_axes(axis, ndim: int) -> tuple:
    """``axis`` (None, int or tuple, negatives allowed) as a sorted tuple of ints."""
    if axis is None:
        return tuple(range(ndim))
    if isinstance(axis, (int, np.integer)):
        axis = (axis,)
    out = []
    for a in axis:
        a = int(a)
        if not -ndim <= a < max(ndim, 1):
            raise np.exceptions.AxisError(a, ndim)
        out.append(a % ndim if ndim else 0)
    return tuple(sorted(out))


def keepdims_shape(shape: tuple, axis, keepdims: bool = False) -> tuple:
    """The shape a reduction over ``axis`` has with ``keepdims=True``."""
    axes = normalize_axes(axis, len(shape))
    return tuple(1 if i in axes else n for i, n in enumerate(shape))


def unbroadcast(g, like):
    """Sum ``g`` over the axes broadcasting added, and cast it to ``like``'s dtype.

        The one place where broadcasting is undone: every binary rule ends with it.

        Args:
            g: a cotangent shaped like a broadcast result.
            like: the argument (anything with ``.shape`` and ``.dtype``) it belongs to.

        Returns:
            ``g`` reduced to ``like.shape`` and cast to ``like.dtype``; ``g`` itself when
            nothing needs doing.

        Example:
            >>> import numpy as np

    import funcgrad.numpy as fnp
            >>> from funcgrad.extend import unbroadcast
            >>> unbroadcast(np.ones((2, 3)), np.zeros((1, 3), np.float32))
            array([[2., 2., 2.]], dtype=float32)
    """
    shape = like.shape
    gshape = g.shape
    dtype = like.dtype
    if gshape == shape and g.dtype == dtype:
        return g
    if gshape != shape:
        lead = len(gshape) - len(shape)
        axes = tuple(range(lead)) + tuple(
            lead + i for i, n in enumerate(shape) if n == 1 and gshape[lead + i] != 1
        )
        if axes:
            g = fnp.sum(g, axis=axes)
        g = fnp.reshape(g, shape)
    if g.dtype != dtype:
        g = fnp.astype(g, dtype)
    return g


def expand_reduced(g, shape: tuple, axis, keepdims: bool):
    """Reshape a reduction's cotangent so that it broadcasts against the input."""
    if not keepdims:
        g = fnp.reshape(g, keepdims_shape(shape, axis))
    return g

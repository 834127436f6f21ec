"""Shape and dtype changes: reshape, transpose, axes, broadcasting, joining, casting."""

from __future__ import annotations

import numpy as np

from funcgrad._core import LINEAR, Traced, concrete
from funcgrad._primitive import defop, export, primitive_of
from funcgrad.numpy._util import unbroadcast

_ANY = {"shapes": "unary"}


def _reshape_impl(a, shape):
    if isinstance(a, (np.ndarray, np.generic)):
        return a.reshape(shape)  # the method: same result, a tenth of the overhead
    return np.reshape(a, shape)


_reshape = defop(
    _reshape_impl,
    name="reshape",
    vjp=lambda g, ans, x, shape: _reshape(g, shape=x.shape),
    jvp=LINEAR,
    saves="shapes",
    check={
        "cases": [
            (((2, 3),), {"shape": (3, 2)}),
            (((6,),), {"shape": (2, -1)}),
            (((),), {"shape": (1, 1)}),
        ]
    },
)


def reshape(a, shape=None, *, newshape=None):
    """Give ``a`` a new shape with the same elements (``numpy.reshape``).

    Example:
        >>> import numpy as np, funcgrad.numpy as fnp
        >>> fnp.reshape(np.arange(6.0), (2, 3)).shape
        (2, 3)
    """
    if shape is None:
        shape = newshape
    return _reshape(a, shape=shape)


export(reshape, primitive_of(_reshape))


def ravel(a):
    """Flatten ``a`` to one dimension (``numpy.ravel``).

    Example:
        >>> import numpy as np, funcgrad.numpy as fnp
        >>> fnp.ravel(np.ones((2, 2))).shape
        (4,)
    """
    return _reshape(a, shape=(-1,))


export(ravel, primitive_of(_reshape))


def _transpose_impl(a, axes=None):
    if type(a) is np.ndarray:
        return a.transpose(axes)
    return np.transpose(a, axes)


def _transpose_vjp(g, ans, x, axes=None):
    inverse = None if axes is None else tuple(np.argsort([a % x.ndim for a in axes]))
    return _transpose(g, axes=inverse)


_transpose = defop(
    _transpose_impl,
    name="transpose",
    vjp=_transpose_vjp,
    jvp=LINEAR,
    saves="shapes",
    check={
        "cases": [
            (((2, 3),), {}),
            (((2, 3, 4),), {"axes": (1, 2, 0)}),
            (((2, 3, 4),), {"axes": (-1, 0, 1)}),
        ]
    },
)


def transpose(a, axes=None):
    """Permute the axes of ``a`` (``numpy.transpose``); reverses them by default.

    Example:
        >>> import numpy as np, funcgrad.numpy as fnp
        >>> fnp.transpose(np.ones((2, 3, 4)), (2, 0, 1)).shape
        (4, 2, 3)
    """
    return _transpose(a, axes=None if axes is None else tuple(axes))


export(transpose, primitive_of(_transpose))


def _swapaxes_impl(a, axis1, axis2):
    return np.swapaxes(a, axis1, axis2)


_swapaxes = defop(
    _swapaxes_impl,
    name="swapaxes",
    vjp=lambda g, ans, x, axis1, axis2: _swapaxes(g, axis1=axis1, axis2=axis2),
    jvp=LINEAR,
    saves="shapes",
    check={
        "cases": [(((2, 3),), {"axis1": 0, "axis2": 1}), (((2, 3, 4),), {"axis1": -1, "axis2": 0})]
    },
)


def swapaxes(a, axis1, axis2):
    """Interchange two axes of ``a`` (``numpy.swapaxes``).

    Example:
        >>> import numpy as np, funcgrad.numpy as fnp
        >>> fnp.swapaxes(np.ones((2, 3, 4)), 0, 2).shape
        (4, 3, 2)
    """
    return _swapaxes(a, axis1=axis1, axis2=axis2)


export(swapaxes, primitive_of(_swapaxes))


def expand_dims(a, axis):
    """Insert axes of length one at ``axis`` (an int or a tuple; ``numpy.expand_dims``).

    Example:
        >>> import numpy as np, funcgrad.numpy as fnp
        >>> fnp.expand_dims(np.ones(3), (0, 2)).shape
        (1, 3, 1)
    """
    shape = np.expand_dims(np.empty(np.shape(concrete(a)), dtype=bool), axis).shape
    return _reshape(a, shape=shape)


export(expand_dims, primitive_of(_reshape))


def squeeze(a, axis=None):
    """Remove axes of length one (all of them, or those in ``axis``; ``numpy.squeeze``).

    Example:
        >>> import numpy as np, funcgrad.numpy as fnp
        >>> fnp.squeeze(np.ones((1, 3, 1)), axis=0).shape
        (3, 1)
    """
    shape = np.squeeze(np.empty(np.shape(concrete(a)), dtype=bool), axis).shape
    return _reshape(a, shape=shape)


export(squeeze, primitive_of(_reshape))


_SMALL = 2048  # below this many elements a filled copy is cheaper than a broadcast view


def _broadcast_to_impl(a, shape):
    if isinstance(a, (np.ndarray, np.generic)):
        n = 1
        for d in shape:
            n *= d
        if n <= _SMALL and np.ndim(a) <= len(shape):
            out = np.empty(shape, a.dtype)
            out[...] = a  # raises like broadcast_to when the shapes do not broadcast
            return out
    return np.broadcast_to(a, shape)


def _broadcast_to_vjp(g, ans, x, shape):
    return unbroadcast(g, x)


_broadcast_to = defop(
    _broadcast_to_impl,
    name="broadcast_to",
    vjp=_broadcast_to_vjp,
    jvp=LINEAR,
    saves="shapes",
    check={
        "cases": [
            (((3,),), {"shape": (2, 3)}),
            (((2, 1),), {"shape": (2, 4)}),
            (((),), {"shape": (3,)}),
        ]
    },
)


def broadcast_to(array, shape):
    """Broadcast ``array`` to ``shape`` (``numpy.broadcast_to``); the result is read-only.

    Example:
        >>> import numpy as np, funcgrad.numpy as fnp
        >>> fnp.broadcast_to(np.ones(3), (2, 3)).shape
        (2, 3)
    """
    if isinstance(shape, (int, np.integer)):
        shape = (int(shape),)
    return _broadcast_to(array, shape=tuple(shape))


export(broadcast_to, primitive_of(_broadcast_to))


def _concatenate_impl(*arrays, axis=0):
    return np.concatenate(arrays, axis=axis)


def _concatenate_vjp(i, g, ans, *arrays, axis=0):
    x = arrays[i]
    if axis is None:
        start = 0
        for a in arrays[:i]:
            start += int(np.prod(np.shape(a)))
        return _reshape(g[start : start + x.size], shape=x.shape)
    ax = axis % g.ndim
    start = 0
    for a in arrays[:i]:
        start += np.shape(a)[ax]
    index = (slice(None),) * ax + (slice(start, start + x.shape[ax]),)
    return g[index]


_concatenate = defop(
    _concatenate_impl,
    name="concatenate",
    vjp=_concatenate_vjp,
    variadic=True,
    jvp=LINEAR,
    saves="shapes",
    check={
        "cases": [
            (((2,), (3,)), {}),
            (((2, 3), (1, 3), (2, 3)), {"axis": 0}),
            (((2, 3), (2, 1)), {"axis": -1}),
            (((2, 2), (3,)), {"axis": None}),
        ]
    },
)


def concatenate(arrays, axis=0):
    """Join a sequence of arrays along an existing axis (``numpy.concatenate``).

    Example:
        >>> import numpy as np, funcgrad.numpy as fnp
        >>> fnp.concatenate([np.ones(2), np.zeros(3)]).shape
        (5,)
    """
    return _concatenate(*arrays, axis=axis)


export(concatenate, primitive_of(_concatenate))


def _stack_impl(*arrays, axis=0):
    return np.stack(arrays, axis=axis)


def _stack_vjp(i, g, ans, *arrays, axis=0):
    ax = axis % g.ndim
    return g[(slice(None),) * ax + (i,)]


_stack = defop(
    _stack_impl,
    name="stack",
    vjp=_stack_vjp,
    variadic=True,
    jvp=LINEAR,
    saves="shapes",
    check={"cases": [(((2,), (2,)), {}), (((2, 3), (2, 3), (2, 3)), {"axis": -1}), (((), ()), {})]},
)


def stack(arrays, axis=0):
    """Join a sequence of same-shaped arrays along a new axis (``numpy.stack``).

    Example:
        >>> import numpy as np, funcgrad.numpy as fnp
        >>> fnp.stack([np.ones(2), np.zeros(2)], axis=1).shape
        (2, 2)
    """
    return _stack(*arrays, axis=axis)


export(stack, primitive_of(_stack))


def _astype_impl(x, dtype):
    x = np.asarray(x) if not isinstance(x, (np.ndarray, np.generic)) else x
    if np.iscomplexobj(x) and not np.issubdtype(dtype, np.complexfloating):
        x = x.real  # the real part is what a real argument receives
    return x.astype(dtype)


_astype = defop(
    _astype_impl,
    name="astype",
    vjp=lambda g, ans, x, dtype: _astype(g, dtype=x.dtype),
    jvp=LINEAR,
    saves="shapes",
    check={"cases": [(((3,),), {"dtype": np.float32}), (((2, 2),), {"dtype": np.float64})]},
)


def astype(x, dtype):
    """Cast ``x`` to ``dtype``; differentiable between floating dtypes.

    Casting to an integer or boolean dtype gives a constant (no gradient).

    Example:
        >>> import numpy as np, funcgrad as fg, funcgrad.numpy as fnp
        >>> fg.grad(lambda x: fnp.astype(x, np.float32) * 2)(np.float64(1.0))
        np.float64(2.0)
    """
    dtype = np.dtype(dtype)
    if not np.issubdtype(dtype, np.inexact):
        return _astype_impl(concrete(x), dtype)
    return _astype(x, dtype=dtype)


export(astype, primitive_of(_astype))


def copy(a, order="K"):
    """A copy of ``a`` (``numpy.copy``); the gradient passes through unchanged.

    Example:
        >>> import numpy as np, funcgrad.numpy as fnp
        >>> x = np.ones(2)
        >>> fnp.copy(x) is x
        False
    """
    if not isinstance(a, Traced):
        return np.array(a, order=order, copy=True)
    return _astype(a, dtype=a.dtype)


export(copy, primitive_of(_astype))


def _shape_of(a) -> tuple:
    return a.shape if hasattr(a, "shape") else np.shape(a)


def _axis_index(axis, ndim: int, name: str) -> int:
    axis = int(axis)
    if not -ndim <= axis < ndim:
        raise np.exceptions.AxisError(axis, ndim, msg_prefix=name)
    return axis % ndim


def moveaxis(a, source, destination):
    """Move axes of ``a`` to new positions; the others keep their order (``numpy.moveaxis``).

    Example:
        >>> import numpy as np, funcgrad.numpy as fnp
        >>> fnp.moveaxis(np.ones((2, 3, 4)), 0, -1).shape
        (3, 4, 2)
    """
    ndim = len(_shape_of(a))
    source = (source,) if isinstance(source, (int, np.integer)) else tuple(source)
    destination = (
        (destination,) if isinstance(destination, (int, np.integer)) else tuple(destination)
    )
    source = [_axis_index(s, ndim, "source") for s in source]
    destination = [_axis_index(d, ndim, "destination") for d in destination]
    if len(source) != len(destination):
        raise ValueError(
            "moveaxis: `source` and `destination` must have the same number of elements; "
            f"got {len(source)} and {len(destination)}"
        )
    if len(set(source)) != len(source) or len(set(destination)) != len(destination):
        raise ValueError("moveaxis: repeated axis in `source` or `destination`")
    order = [n for n in range(ndim) if n not in source]
    for dest, src in sorted(zip(destination, source)):
        order.insert(dest, src)
    if order == list(range(ndim)):
        return a if isinstance(a, Traced) else np.asarray(a)
    return _transpose(a, axes=tuple(order))


export(moveaxis, primitive_of(_transpose))


def rollaxis(a, axis, start=0):
    """Roll ``axis`` backwards until it lies before position ``start`` (``numpy.rollaxis``).

    Example:
        >>> import numpy as np, funcgrad.numpy as fnp
        >>> fnp.rollaxis(np.ones((2, 3, 4)), 2).shape
        (4, 2, 3)
    """
    ndim = len(_shape_of(a))
    axis = _axis_index(axis, ndim, "rollaxis")
    given = start
    if start < 0:
        start += ndim
    if not 0 <= start < ndim + 1:
        raise np.exceptions.AxisError(f"rollaxis: start must be in [{-ndim}, {ndim}]; got {given}")
    if axis < start:
        start -= 1
    axes = [n for n in range(ndim) if n != axis]
    axes.insert(start, axis)
    if axes == list(range(ndim)):
        return a if isinstance(a, Traced) else np.asarray(a)
    return _transpose(a, axes=tuple(axes))


export(rollaxis, primitive_of(_transpose))

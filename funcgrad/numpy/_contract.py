"""Contractions: matmul (1-D, 2-D, batched with broadcasting), dot, tensordot, outer."""

from __future__ import annotations

import numpy as np

import funcgrad.numpy as fnp
from funcgrad._core import ShapeDtype
from funcgrad._primitive import defop, export, primitive_of
from funcgrad.numpy._util import unbroadcast


def _matmul_vjp(i):
    def rule(g, ans, a, b):
        matmul, reshape, swapaxes, transpose = fnp.matmul, fnp.reshape, fnp.swapaxes, fnp.transpose
        an, bn = a.ndim, b.ndim
        if an == 2 and bn == 2:  # the common case, no broadcasting possible
            if i == 0:
                return unbroadcast(matmul(g, transpose(b)), a)
            return unbroadcast(matmul(transpose(a), g), b)
        if an == 1 and bn == 1:
            return unbroadcast(g * b, a) if i == 0 else unbroadcast(g * a, b)
        # Promote 1-D operands to matrices as numpy does, and the cotangent with them.
        a_shape = (1,) + a.shape if an == 1 else a.shape
        b_shape = b.shape + (1,) if bn == 1 else b.shape
        g_shape = g.shape
        if an == 1:
            g_shape = g_shape[:-1] + (1,) + g_shape[-1:] if bn > 1 else g_shape + (1,)
        if bn == 1:
            g_shape = g_shape + (1,)
        G = reshape(g, g_shape)
        if i == 0:
            B = reshape(b, b_shape)
            out = matmul(G, swapaxes(B, -1, -2))
            return reshape(unbroadcast(out, ShapeDtype(a_shape, a.dtype)), a.shape)
        A = reshape(a, a_shape)
        out = matmul(swapaxes(A, -1, -2), G)
        return reshape(unbroadcast(out, ShapeDtype(b_shape, b.dtype)), b.shape)

    return rule


matmul = defop(
    np.matmul,
    vjp=(_matmul_vjp(0), _matmul_vjp(1)),
    jvp=(lambda t, ans, a, b: fnp.matmul(t, b), lambda t, ans, a, b: fnp.matmul(a, t)),
    saves="args",
    check={"shapes": "matmul"},
)


def _tensordot_axes(axes, a_nd, b_nd):
    if isinstance(axes, (int, np.integer)):
        n = int(axes)
        return tuple(range(a_nd - n, a_nd)), tuple(range(n))
    ia, ib = axes
    ia = (ia,) if isinstance(ia, (int, np.integer)) else tuple(ia)
    ib = (ib,) if isinstance(ib, (int, np.integer)) else tuple(ib)
    return tuple(int(i) % a_nd for i in ia), tuple(int(i) % b_nd for i in ib)


def _tensordot_impl(a, b, axes=2):
    return np.tensordot(a, b, axes)


def _tensordot_vjp(i):
    def rule(g, ans, a, b, axes=2):
        astype, tensordot, transpose = fnp.astype, fnp.tensordot, fnp.transpose
        an, bn = a.ndim, b.ndim
        ia, ib = _tensordot_axes(axes, an, bn)
        fa = [k for k in range(an) if k not in ia]
        fb = [k for k in range(bn) if k not in ib]
        g_a = tuple(range(len(fa)))  # the axes of g that came from a
        g_b = tuple(range(len(fa), len(fa) + len(fb)))  # ... and from b
        if i == 0:  # a's cotangent: contract g's b-axes with b's free axes
            out = tensordot(g, b, axes=(g_b, tuple(fb)))
            # b's contracted axes come out in b's order; map each to its partner in a
            order = fa + [ia[ib.index(k)] for k in sorted(ib)]
            like = a
        else:
            out = tensordot(a, g, axes=(tuple(fa), g_a))
            order = [ib[ia.index(k)] for k in sorted(ia)] + fb
            like = b
        out = transpose(out, tuple(int(k) for k in np.argsort(order)))
        return out if out.dtype == like.dtype else astype(out, like.dtype)

    return rule


_tensordot = defop(
    _tensordot_impl,
    name="tensordot",
    vjp=(_tensordot_vjp(0), _tensordot_vjp(1)),
    jvp=(
        lambda t, ans, a, b, axes=2: fnp.tensordot(t, b, axes=axes),
        lambda t, ans, a, b, axes=2: fnp.tensordot(a, t, axes=axes),
    ),
    saves="args",
    check={
        "cases": [
            (((2, 3, 4), (3, 4, 5)), {"axes": 2}),
            (((2, 3), (3, 2)), {"axes": 1}),
            (((2, 3, 4), (4, 2, 3)), {"axes": ([1, 0], [2, 1])}),
            (((2,), (3,)), {"axes": 0}),
        ]
    },
)


def tensordot(a, b, axes=2):
    """Sum products over the given axes (``numpy.tensordot``).

    Example:
        >>> import numpy as np, funcgrad.numpy as fnp
        >>> fnp.tensordot(np.ones((2, 3)), np.ones((3, 4)), axes=1).shape
        (2, 4)
    """
    return _tensordot(a, b, axes=axes)


export(tensordot, primitive_of(_tensordot))


def dot(a, b):
    """Dot product with ``numpy.dot``'s rules for every number of dimensions.

    Example:
        >>> import numpy as np, funcgrad as fg, funcgrad.numpy as fnp
        >>> fg.grad(lambda v: fnp.dot(v, v))(np.array([1.0, 2.0]))
        array([2., 4.])
    """
    an = a.ndim if hasattr(a, "ndim") else np.ndim(a)
    bn = b.ndim if hasattr(b, "ndim") else np.ndim(b)
    if an == 0 or bn == 0:
        return fnp.multiply(a, b)
    if an <= 2 and bn <= 2:
        return matmul(a, b)
    return _tensordot(a, b, axes=((an - 1,), (max(bn - 2, 0),)))


export(dot, primitive_of(_tensordot))


def _outer_vjp(i):
    def rule(g, ans, a, b):
        if i == 0:
            return unbroadcast(fnp.reshape(fnp.matmul(g, fnp.ravel(b)), a.shape), a)
        return unbroadcast(fnp.reshape(fnp.matmul(fnp.ravel(a), g), b.shape), b)

    return rule


outer = defop(
    np.outer,
    vjp=(_outer_vjp(0), _outer_vjp(1)),
    jvp=(lambda t, ans, a, b: fnp.outer(t, b), lambda t, ans, a, b: fnp.outer(a, t)),
    saves="args",
    check={"cases": [(((3,), (2,)), {}), (((2, 2), (3,)), {}), (((), (2,)), {})]},
)

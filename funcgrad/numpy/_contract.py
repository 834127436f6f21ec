"""Contractions: matmul (1-D, 2-D, batched with broadcasting), dot, tensordot, outer,
inner, vdot, kron, cross (einsum has its own module)."""

from __future__ import annotations

from itertools import chain

import numpy as np

import funcgrad.numpy as fnp
from funcgrad._core import ShapeDtype, concrete
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


def _ndim(x) -> int:
    return x.ndim if hasattr(x, "ndim") else np.ndim(x)


def inner(a, b):
    """Sum of products over the last axes (``numpy.inner``; a product for scalars).

    Example:
        >>> import numpy as np, funcgrad.numpy as fnp
        >>> fnp.inner(np.ones((2, 3)), np.arange(3.0))
        array([3., 3.])
    """
    an, bn = _ndim(a), _ndim(b)
    if an == 0 or bn == 0:
        return fnp.multiply(a, b)
    return _tensordot(a, b, axes=((an - 1,), (bn - 1,)))


export(inner, primitive_of(_tensordot))


def vdot(a, b):
    """Dot product of the flattened arrays (``numpy.vdot``; ``a`` is conjugated).

    Example:
        >>> import numpy as np, funcgrad as fg, funcgrad.numpy as fnp
        >>> fg.grad(fnp.vdot)(np.ones((2, 2)), np.arange(4.0).reshape(2, 2))
        array([[0., 1.],
               [2., 3.]])
    """
    if np.iscomplexobj(concrete(a)):
        a = fnp.conj(a)
    return matmul(fnp.ravel(a), fnp.ravel(b))


export(vdot, primitive_of(matmul))


def kron(a, b):
    """Kronecker product: blocks of ``b`` scaled by each element of ``a`` (``numpy.kron``).

    Example:
        >>> import numpy as np, funcgrad.numpy as fnp
        >>> fnp.kron(np.array([1.0, 10.0]), np.array([1.0, 2.0, 3.0]))
        array([ 1.,  2.,  3., 10., 20., 30.])
    """
    a_shape, b_shape = np.shape(concrete(a)), np.shape(concrete(b))
    nd = max(len(a_shape), len(b_shape))
    a_shape = (1,) * (nd - len(a_shape)) + a_shape
    b_shape = (1,) * (nd - len(b_shape)) + b_shape
    # a's axes interleaved with b's: (a0, 1, a1, 1, ...) * (1, b0, 1, b1, ...)
    a = fnp.reshape(a, tuple(chain.from_iterable((n, 1) for n in a_shape)))
    b = fnp.reshape(b, tuple(chain.from_iterable((1, n) for n in b_shape)))
    return fnp.reshape(a * b, tuple(m * n for m, n in zip(a_shape, b_shape)))


export(kron, primitive_of(fnp.multiply))


def cross(a, b, axisa=-1, axisb=-1, axisc=-1, axis=None):
    """Cross product of 3-vectors (or 2-vectors) along an axis (``numpy.cross``).

    Two 2-vectors give the scalar z-component; a 2-vector with a 3-vector is taken
    with z = 0. ``axis`` sets ``axisa``, ``axisb`` and ``axisc`` at once.

    Example:
        >>> import numpy as np, funcgrad.numpy as fnp
        >>> fnp.cross(np.array([1.0, 0.0, 0.0]), np.array([0.0, 1.0, 0.0]))
        array([0., 0., 1.])
    """
    if axis is not None:
        axisa = axisb = axisc = axis
    a = fnp.moveaxis(a, axisa, -1)
    b = fnp.moveaxis(b, axisb, -1)
    na, nb = a.shape[-1], b.shape[-1]
    if na not in (2, 3) or nb not in (2, 3):
        raise ValueError(
            "cross: incompatible dimensions for cross product (dimension must be 2 or 3); "
            f"got {na} and {nb}"
        )
    a0, a1 = a[..., 0], a[..., 1]
    b0, b1 = b[..., 0], b[..., 1]
    z = a0 * b1 - a1 * b0
    if na == 2 and nb == 2:
        return z
    if na == 3 and nb == 3:
        a2, b2 = a[..., 2], b[..., 2]
        x, y = a1 * b2 - a2 * b1, a2 * b0 - a0 * b2
    elif na == 2:  # a2 = 0
        b2 = b[..., 2]
        x, y = a1 * b2, -(a0 * b2)
    else:  # b2 = 0
        a2 = a[..., 2]
        x, y = -(a2 * b1), a2 * b0
    return fnp.moveaxis(fnp.stack([x, y, z], axis=-1), -1, axisc)


export(cross, primitive_of(fnp.multiply))

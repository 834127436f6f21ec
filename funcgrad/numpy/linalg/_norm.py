"""Norms: ``norm`` with every ``ord`` numpy has, built on one primitive, the 2-norm.

The 2-norm (and Frobenius norm) ``sqrt(sum |x|^2)`` is a primitive so that its
gradient at the origin is defined like JAX's: 0 (the subgradient of smallest norm),
not the NaN that ``sqrt`` at 0 would give. The other orders are compositions: sums and
maxima of ``abs`` (whose gradient at 0 is 0), powers, and singular values (``svd``,
so 2 / -2 / 'nuc' need distinct singular values for second derivatives).
"""

from __future__ import annotations

import operator

import numpy as np

import funcgrad.numpy as fnp
from funcgrad._core import concrete
from funcgrad._primitive import REAL, defop, export, primitive_of
from funcgrad.numpy._util import expand_reduced
from funcgrad.numpy.linalg._decomp import svd
from funcgrad.numpy.linalg._util import any_traced, is_complex


def _norm2_impl(x, axis=None, keepdims=False):
    sq = (x * np.conj(x)).real if np.iscomplexobj(x) else x * x
    return np.sqrt(np.sum(sq, axis=axis, keepdims=keepdims))


def _safe_over(num, ans):
    """``num / ans`` with 0 where ``ans`` is 0 (the subgradient at the origin)."""
    zero = concrete(ans) == 0
    if not np.any(zero):
        return num / ans
    return fnp.where(zero, np.zeros((), num.dtype), num / fnp.where(zero, 1, ans))


def _norm2_vjp(g, ans, x, axis=None, keepdims=False):
    g = expand_reduced(g, x.shape, axis, keepdims)
    ans = expand_reduced(ans, x.shape, axis, keepdims)
    return _safe_over(g * (fnp.conj(x) if is_complex(x) else x), ans)


def _norm2_jvp(t, ans, x, axis=None, keepdims=False):
    dot = fnp.real(fnp.conj(x) * t) if is_complex(x) or is_complex(t) else x * t
    return _safe_over(fnp.sum(dot, axis=axis, keepdims=keepdims), ans)


_norm2 = defop(
    _norm2_impl,
    name="linalg.norm",
    vjp=_norm2_vjp,
    jvp=_norm2_jvp,
    saves="all",
    domain=REAL,
    check={
        "cases": [
            (((3,),), {}),
            (((2, 3),), {}),
            (((2, 3),), {"axis": 1}),
            (((2, 3),), {"axis": (0, 1), "keepdims": True}),
            (((2, 3, 2),), {"axis": (-2, -1)}),
            (((4,),), {"axis": 0, "keepdims": True}),
        ],
        "complex": True,
    },
)


def _vector_norm(x, ord, axis, keepdims):
    if ord is None or ord == 2:
        return _norm2(x, axis=axis, keepdims=keepdims)
    if isinstance(ord, str):
        raise ValueError(f"Invalid norm order '{ord}' for vectors")
    if ord == np.inf:
        return fnp.max(fnp.abs(x), axis=axis, keepdims=keepdims)
    if ord == -np.inf:
        return fnp.min(fnp.abs(x), axis=axis, keepdims=keepdims)
    if ord == 0:  # a count: no gradient
        xc = concrete(x)
        return np.sum(xc != 0, axis=axis, keepdims=keepdims).astype(xc.real.dtype)
    if ord == 1:
        return fnp.sum(fnp.abs(x), axis=axis, keepdims=keepdims)
    return fnp.sum(fnp.abs(x) ** ord, axis=axis, keepdims=keepdims) ** (1.0 / ord)


def _matrix_norm(x, ord, row, col, keepdims):
    if ord in (None, "fro", "f"):
        return _norm2(x, axis=(row, col), keepdims=keepdims)
    if ord in (2, -2, "nuc"):
        s = svd(fnp.moveaxis(x, (row, col), (-2, -1)), compute_uv=False)
        if ord == "nuc":
            out = fnp.sum(s, axis=-1)
        else:
            out = (fnp.max if ord == 2 else fnp.min)(s, axis=-1)
    elif ord in (1, -1):
        out = fnp.sum(fnp.abs(x), axis=row)
        out = (fnp.max if ord == 1 else fnp.min)(out, axis=col - (col > row))
    elif ord in (np.inf, -np.inf):
        out = fnp.sum(fnp.abs(x), axis=col)
        out = (fnp.max if ord > 0 else fnp.min)(out, axis=row - (row > col))
    else:
        raise ValueError("Invalid norm order for matrices.")
    if keepdims:
        shape = list(x.shape)
        shape[row] = shape[col] = 1
        out = fnp.reshape(out, tuple(shape))
    return out


def _axis_index(a, nd: int) -> int:
    a = operator.index(a)
    if not -nd <= a < nd:
        raise np.exceptions.AxisError(a, nd)
    return a % nd


def norm(x, ord=None, axis=None, keepdims=False):
    """Vector or matrix norm (``numpy.linalg.norm``, every ``ord`` numpy has).

    Vectors (``axis`` an int, or 1-d ``x``): ``ord`` None / 2, 1, inf, -inf, 0 (a
    count, no gradient) or any other number ``p``: ``sum(|x|^p)^(1/p)``. Matrices
    (``axis`` a pair, or 2-d ``x``): None / 'fro', 'nuc', 1, -1, 2, -2, inf, -inf.
    The 2-norm's gradient at the origin is 0, like JAX's.

    Example:
        >>> import numpy as np, funcgrad as fg, funcgrad.numpy as fnp
        >>> fnp.linalg.norm(np.array([3.0, 4.0]))
        np.float64(5.0)
        >>> fg.grad(fnp.linalg.norm)(np.zeros(2))
        array([0., 0.])
    """
    if not any_traced(x):
        return np.linalg.norm(x, ord, axis, keepdims)
    nd = x.ndim
    if axis is None:
        if ord is None or (ord in ("f", "fro") and nd == 2) or (ord == 2 and nd == 1):
            out = _norm2(x)
            return fnp.reshape(out, (1,) * nd) if keepdims else out
        axis = tuple(range(nd))
    elif not isinstance(axis, tuple):
        try:
            axis = (operator.index(axis),)
        except TypeError as e:
            raise TypeError("'axis' must be None, an integer or a tuple of integers") from e
    if len(axis) == 1:
        return _vector_norm(x, ord, axis[0], keepdims)
    if len(axis) == 2:
        row, col = (_axis_index(a, nd) for a in axis)
        if row == col:
            raise ValueError("Duplicate axes given.")
        return _matrix_norm(x, ord, row, col, keepdims)
    raise ValueError("Improper number of dimensions to norm.")


export(norm, primitive_of(_norm2))

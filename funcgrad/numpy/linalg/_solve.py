"""Inverses and linear systems: inv, det, slogdet, solve, pinv, lstsq, matrix_power.

Every function takes stacks of matrices (``(..., M, N)``) as numpy does. inv, det and
solve are holomorphic, so their rules (transposes, never conjugate transposes: JAX's
convention) serve complex inputs unchanged. The derivatives need invertible matrices
(full rank for pinv and lstsq); at a singular matrix numpy's LinAlgError is raised.
"""

from __future__ import annotations

import operator
from typing import NamedTuple

import numpy as np

import funcgrad.numpy as fnp
from funcgrad._core import concrete
from funcgrad._primitive import REAL, defop, export, primitive_of
from funcgrad.numpy.linalg._util import (
    WELL_CONDITIONED,
    any_traced,
    diag_part,
    fit,
    is_complex,
    mH,
    mT,
    square_check,
)

_SQUARE = [(((1, 1),), {}), (((2, 2),), {}), (((3, 3),), {}), (((2, 3, 3),), {})]
_C = {"cases": _SQUARE, "complex": True}


class SlogdetResult(NamedTuple):
    """``slogdet``'s result, named like numpy's."""

    sign: object
    logabsdet: object


# --- inv -----------------------------------------------------------------------------
# (lambdas, not numpy's functions: the primitives must not carry numpy's docstrings)
_inv = defop(
    lambda a: np.linalg.inv(a),
    name="linalg.inv",
    vjp=lambda g, ans, a: -(mT(ans) @ g @ mT(ans)),  # -A^-T G A^-T
    jvp=lambda t, ans, a: -(ans @ t @ ans),
    saves="ans",
    domain=WELL_CONDITIONED,
    check=_C,
)


def inv(a):
    """The inverse of each matrix in ``a`` (``numpy.linalg.inv``).

    Example:
        >>> import numpy as np, funcgrad.numpy as fnp
        >>> fnp.linalg.inv(np.array([[2.0, 0.0], [0.0, 4.0]]))
        array([[0.5 , 0.  ],
               [0.  , 0.25]])
    """
    return _inv(a)


export(inv, primitive_of(_inv))


def _trace_solve(a, t):
    """``trace(a^-1 t)`` over the last two axes: d log det along ``t``."""
    return fnp.sum(diag_part(solve(a, t)), axis=-1)


def _expand2(x):
    return fnp.expand_dims(x, (-2, -1))


# --- det -------------------------------------------------------------------------------
_det = defop(
    lambda a: np.linalg.det(a),
    name="linalg.det",
    vjp=lambda g, ans, a: _expand2(g * ans) * mT(inv(a)),  # g det(A) A^-T
    jvp=lambda t, ans, a: ans * _trace_solve(a, t),
    saves="all",
    domain=WELL_CONDITIONED,
    check=_C,
)


def det(a):
    """The determinant of each matrix in ``a`` (``numpy.linalg.det``).

    The derivative is ``det(A) A^-T``, so ``A`` must be invertible.

    Example:
        >>> import numpy as np, funcgrad as fg, funcgrad.numpy as fnp
        >>> fg.grad(fnp.linalg.det)(np.array([[2.0, 1.0], [1.0, 3.0]]))
        array([[ 3., -1.],
               [-1.,  2.]])
    """
    return _det(a)


export(det, primitive_of(_det))


# --- slogdet ---------------------------------------------------------------------------
def _slogdet_impl(a):
    sign, logabsdet = np.linalg.slogdet(a)
    return sign, logabsdet


def _slogdet_vjp(g, ans, a):
    g_sign, g_log = g
    coef = g_log
    if is_complex(a):  # sign = det/|det| moves with Im(tr(A^-1 dA)): its transpose
        coef = coef - 1j * fnp.real(1j * g_sign * ans[0])
    return fit(_expand2(coef) * mT(inv(a)), a)


def _slogdet_jvp(t, ans, a):
    d = _trace_solve(a, t)
    if is_complex(a):
        return ans[0] * (1j * fnp.imag(d)), fnp.real(d)
    return fnp.zeros_like(ans[0]), d


_slogdet = defop(
    _slogdet_impl,
    name="linalg.slogdet",
    vjp=_slogdet_vjp,
    jvp=_slogdet_jvp,
    multiple_results=True,
    saves="all",
    domain=WELL_CONDITIONED,
    check=_C,
)


def slogdet(a):
    """Sign and log of the absolute value of each determinant (``numpy.linalg.slogdet``).

    The sign of a real matrix has no gradient; ``d logabsdet / dA = A^-T``. For complex
    matrices the sign (a unit complex number) is differentiable too.

    Returns:
        ``SlogdetResult(sign, logabsdet)``.

    Example:
        >>> import numpy as np, funcgrad as fg, funcgrad.numpy as fnp
        >>> fg.grad(lambda a: fnp.linalg.slogdet(a)[1])(np.array([[2.0, 0.0], [0.0, -4.0]]))
        array([[ 0.5 ,  0.  ],
               [ 0.  , -0.25]])
    """
    return SlogdetResult(*_slogdet(a))


export(slogdet, primitive_of(_slogdet))


# --- solve -------------------------------------------------------------------------------
def _as_matrix(x, vec: bool):
    return fnp.expand_dims(x, -1) if vec else x


def _solve_vjp(i):
    def rule(g, ans, a, b):
        vec = b.ndim == 1  # numpy 2: only a 1-d b is a vector
        gb = solve(mT(a), _as_matrix(g, vec))  # A^-T G
        if i == 1:
            return fit(gb[..., 0] if vec else gb, b)
        return fit(-(gb @ mT(_as_matrix(ans, vec))), a)  # -A^-T G X^T

    return rule


def _solve_jvp_a(t, ans, a, b):
    vec = b.ndim == 1
    dx = -solve(a, t @ _as_matrix(ans, vec))
    return dx[..., 0] if vec else dx


_solve = defop(
    lambda a, b: np.linalg.solve(a, b),
    name="linalg.solve",
    vjp=(_solve_vjp(0), _solve_vjp(1)),
    jvp=(_solve_jvp_a, lambda t, ans, a, b: solve(a, t)),
    saves="all",
    domain=(WELL_CONDITIONED, REAL),
    check={
        "cases": [
            (((3, 3), (3,)), {}),
            (((3, 3), (3, 2)), {}),
            (((2, 3, 3), (2, 3, 1)), {}),
            (((2, 2, 2), (2,)), {}),
            (((2, 2), (3, 2, 2)), {}),
        ],
        "complex": True,
    },
)


def solve(a, b):
    """Solve ``a @ x = b`` for ``x`` (``numpy.linalg.solve``, numpy 2 semantics).

    ``b`` is a vector only when it is 1-d, otherwise a stack of matrices ``(..., M, K)``;
    the stacks broadcast. Gradients: ``b_bar = A^-T x_bar``, ``A_bar = -b_bar x^T``.

    Example:
        >>> import numpy as np, funcgrad.numpy as fnp
        >>> fnp.linalg.solve(np.array([[2.0, 0.0], [0.0, 4.0]]), np.array([1.0, 1.0]))
        array([0.5 , 0.25])
    """
    return _solve(a, b)


export(solve, primitive_of(_solve))


# --- pinv --------------------------------------------------------------------------------
def _pinv_impl(a, **options):
    return np.linalg.pinv(a, **options)


def _pinv_vjp(g, ans, a, **options):
    x, xh = ans, mH(ans)  # x = A+ (N x M)
    out = -(mT(x) @ g @ mT(x))
    y = mT(g) @ x @ xh  # (I - A A+) G^T A+ A+^H
    y = y - a @ (x @ y)
    z = xh @ x @ mT(g)  # A+^H A+ G^T (I - A+ A)
    z = z - (z @ x) @ a
    if is_complex(a):
        y, z = fnp.conj(y), fnp.conj(z)
    return fit(out + y + z, a)


def _pinv_jvp(t, ans, a, **options):
    x, xh, th = ans, mH(ans), mH(t)
    w = x @ xh @ th  # A+ A+^H dA^H (I - A A+)
    w = w - (w @ a) @ x
    v = th @ xh @ x  # (I - A+ A) dA^H A+^H A+
    v = v - x @ (a @ v)
    return -(x @ t @ x) + w + v


_pinv = defop(
    _pinv_impl,
    name="linalg.pinv",
    vjp=_pinv_vjp,
    jvp=_pinv_jvp,
    saves="all",
    domain=WELL_CONDITIONED,
    check={
        "cases": [
            (((3, 3),), {}),
            (((4, 2),), {}),
            (((2, 4),), {}),
            (((2, 3, 2),), {"hermitian": False}),
        ],
        "complex": True,
    },
)

_UNSET = object()


def pinv(a, rcond=None, hermitian=False, *, rtol=_UNSET):
    """The Moore-Penrose pseudo-inverse of each matrix (``numpy.linalg.pinv``).

    The derivative (Golub and Pereyra's) holds where the rank does not change: at
    matrices of full rank, which are the ones it is defined for.

    Example:
        >>> import numpy as np, funcgrad.numpy as fnp
        >>> fnp.linalg.pinv(np.array([[1.0], [1.0]]))
        array([[0.5, 0.5]])
    """
    options = {"rcond": rcond, "hermitian": hermitian}
    if rtol is not _UNSET:
        options["rtol"] = rtol
    return _pinv(a, **options)


export(pinv, primitive_of(_pinv))


# --- lstsq ---------------------------------------------------------------------------------
def lstsq(a, b, rcond=None):
    """Least-squares solution of ``a @ x = b`` (``numpy.linalg.lstsq``).

    Returns ``(x, residuals, rank, s)`` as numpy does. With traced inputs ``x`` is
    ``pinv(a) @ b``, the residuals ``|b - a x|^2`` and ``s`` the singular values, all
    three differentiable (at ``a`` of full rank; ``s`` for real ``a`` only, a constant
    for complex ``a``); ``rank`` is an int.

    Example:
        >>> import numpy as np, funcgrad as fg, funcgrad.numpy as fnp
        >>> a, b = np.array([[1.0], [1.0]]), np.array([1.0, 3.0])
        >>> fnp.linalg.lstsq(a, b)[0]
        array([2.])
        >>> fg.grad(lambda b: fnp.linalg.lstsq(a, b)[0][0])(b)
        array([0.5, 0.5])
    """
    plain = np.linalg.lstsq(concrete(a), concrete(b), rcond=rcond)
    if not any_traced(a, b):
        return plain
    _, res, rank, s = plain
    m, n = a.shape
    if rcond is None:
        rcond = np.finfo(np.result_type(concrete(a), float)).eps * max(m, n)
    x = pinv(a, rcond=rcond) @ b
    if res.size:
        r = b - a @ x
        r2 = fnp.real(r * fnp.conj(r)) if is_complex(r) else r * r
        res = fnp.reshape(fnp.sum(r2, axis=0), res.shape)
    if not is_complex(a):  # complex singular values: numpy's, constant (see svd)
        from funcgrad.numpy.linalg._decomp import svd

        s = svd(a, compute_uv=False)
    return x, res, rank, s


export(lstsq, primitive_of(_pinv))


# --- matrix_power --------------------------------------------------------------------------
def matrix_power(a, n):
    """Raise each square matrix to the integer power ``n`` (``numpy.linalg.matrix_power``).

    Repeated squaring with matmul; ``n < 0`` inverts first; ``n == 0`` gives identities
    (a constant, so no gradient flows).

    Example:
        >>> import numpy as np, funcgrad as fg, funcgrad.numpy as fnp
        >>> fg.grad(lambda a: fnp.sum(fnp.linalg.matrix_power(a, 3)))(np.eye(2))
        array([[3., 3.],
               [3., 3.]])
    """
    if not any_traced(a):
        return np.linalg.matrix_power(a, n)
    try:
        n = operator.index(n)
    except TypeError as e:
        raise TypeError("matrix_power: the exponent must be an integer") from e
    square_check(a, "matrix_power")
    if n == 0:
        return np.broadcast_to(np.eye(a.shape[-1], dtype=a.dtype), a.shape).copy()
    if n < 0:
        a, n = inv(a), -n
    result, z = None, a
    while True:
        if n & 1:
            result = z if result is None else result @ z
        n >>= 1
        if not n:
            return result
        z = z @ z


export(matrix_power, primitive_of(fnp.matmul))

"""Decompositions: cholesky, qr, eigh, svd (and eigvalsh, svdvals through them).

Conventions, like JAX's:

* cholesky and eigh read a symmetric (Hermitian) matrix. They symmetrize their input
  first, ``(A + A^H) / 2`` (JAX's ``symmetrize_input=True``), so for a symmetric input
  the values are numpy's, and the gradient is symmetric: the derivative of the
  decomposition of the symmetric part. (numpy reads one triangle only; the two agree
  along every symmetric direction.)
* eigh and svd need distinct eigenvalues / singular values for the eigenvector and
  singular vector derivatives (the terms ``1 / (l_j - l_i)``): at a degenerate
  spectrum those are not defined. Terms between exactly equal values are dropped (set
  to 0), so eigenvalue and singular value gradients stay right and no NaN appears
  when the vectors are unused; the vector gradients there are then meaningless.
* qr is differentiable in reduced mode for ``M >= N`` and full column rank; svd with
  ``full_matrices=False`` (or square matrices), at full rank for non-square ones.
* cholesky and qr take complex matrices too (qr keeps R's diagonal real, as LAPACK
  does). eigh and svd are differentiated for real matrices only: complex eigenvectors
  and singular vectors are defined up to a phase that numpy fixes by its own rule, so
  NotImplementedError is raised.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

import funcgrad.numpy as fnp
from funcgrad._primitive import defop, export, primitive_of
from funcgrad.numpy.linalg._solve import solve
from funcgrad.numpy.linalg._util import (
    WELL_CONDITIONED,
    any_traced,
    diag_matrix,
    diag_part,
    eye_like,
    herm,
    inverse_gaps,
    is_complex,
    mH,
    mT,
    sym_np,
)

_SQUARE = [(((1, 1),), {}), (((2, 2),), {}), (((3, 3),), {}), (((2, 3, 3),), {})]
_REAL_ONLY = (
    "{op}: derivatives of complex {op} are not implemented (real matrices only: complex "
    "vectors are defined up to a phase); got dtype {dtype}. Differentiate with respect "
    "to real inputs."
)


def _real_only(op, a):
    if is_complex(a):
        raise NotImplementedError(_REAL_ONLY.format(op=op, dtype=a.dtype))


class EighResult(NamedTuple):
    """``eigh``'s result, named like numpy's."""

    eigenvalues: object
    eigenvectors: object


class QRResult(NamedTuple):
    """``qr``'s result, named like numpy's."""

    Q: object
    R: object


class SVDResult(NamedTuple):
    """``svd``'s result, named like numpy's."""

    U: object
    S: object
    Vh: object


# --- cholesky --------------------------------------------------------------------------
def _phi(x):
    """The lower triangle with the diagonal halved (Murray's Phi)."""
    return fnp.tril(x) - x * (0.5 * eye_like(x))


def _cholesky_vjp(g, ans, a):
    low = ans  # A_bar = herm(L^-T Phi(L^T L_bar) conj(L)^-1)
    z = solve(mT(low), _phi(mT(low) @ g))
    return herm(mT(solve(mH(low), mT(z))))


def _cholesky_jvp(t, ans, a):
    low = ans  # dL = L Phi(L^-1 herm(dA) L^-H)
    w = solve(low, herm(t))
    return low @ _phi(mH(solve(low, mH(w))))


_cholesky = defop(
    lambda a: np.linalg.cholesky(sym_np(a)),
    name="linalg.cholesky",
    vjp=_cholesky_vjp,
    jvp=_cholesky_jvp,
    saves="ans",
    domain=WELL_CONDITIONED,
    check={"cases": _SQUARE, "complex": True},
)


def cholesky(a, /, *, upper=False):
    """Cholesky factor of each symmetric positive definite matrix (``numpy.linalg.cholesky``).

    Lower triangular ``L`` with ``L @ L^H == a`` (``upper=True``: ``L^H``). The input
    is symmetrized first, ``(a + a^H) / 2`` like JAX: the gradient is symmetric.

    Example:
        >>> import numpy as np, funcgrad.numpy as fnp
        >>> fnp.linalg.cholesky(np.array([[4.0, 2.0], [2.0, 2.0]]))
        array([[2., 0.],
               [1., 1.]])
    """
    low = _cholesky(a)
    return mH(low) if upper else low


export(cholesky, primitive_of(_cholesky))


# --- qr ------------------------------------------------------------------------------------
def _qr_check(q, r):
    if q.shape[-2] < r.shape[-1]:
        raise NotImplementedError(
            f"qr: the primitive's derivative is for M >= N (tall or square matrices); got "
            f"M={q.shape[-2]}, N={r.shape[-1]}. Call funcgrad.numpy.linalg.qr, which "
            "splits wide matrices."
        )


def _imag_diagonal(k):
    """``i Im(diag(k))`` as a diagonal matrix: keeps R's diagonal real (complex only)."""
    return 1j * fnp.imag(k) * eye_like(k) if is_complex(k) else None


def _qr_vjp(g, ans, a):
    q, r = ans
    _qr_check(q, r)
    gq, gr = g  # A_bar = (Q_bar + conj(Q) B) R^-T, the transpose of the JVP below
    m = mT(q) @ gq - gr @ mT(r)
    b = fnp.tril(m - mH(m), -1) - m
    if is_complex(m):
        b = b + _imag_diagonal(m)
    qc = fnp.conj(q) if is_complex(q) else q
    return mT(solve(r, mT(gq + qc @ b)))


def _qr_jvp(t, ans, a):
    q, r = ans
    _qr_check(q, r)
    c = mT(solve(mT(r), mT(t)))  # dA R^-1
    k = mH(q) @ c
    low = fnp.tril(k, -1)
    omega = low - mH(low)  # Q^H dQ: skew-Hermitian, imaginary diagonal for complex
    if is_complex(k):
        omega = omega + _imag_diagonal(k)
    return q @ (omega - k) + c, (k - omega) @ r


_qr = defop(
    lambda a: tuple(np.linalg.qr(a)),
    name="linalg.qr",
    vjp=_qr_vjp,
    jvp=_qr_jvp,
    multiple_results=True,
    saves="ans",
    domain=WELL_CONDITIONED,
    check={
        "cases": [(((3, 3),), {}), (((4, 2),), {}), (((2, 3, 2),), {}), (((3, 1),), {})],
        "complex": True,
    },
)


def qr(a, mode="reduced"):
    """QR decomposition of each matrix (``numpy.linalg.qr``).

    ``mode="reduced"`` returns ``QRResult(Q, R)`` and ``mode="r"`` ``R`` alone, both
    differentiable where the leading ``min(M, N)`` columns have full rank (a wide
    matrix ``[X | Y]`` is ``Q, [R_X | Q^H Y]`` from ``Q, R_X = qr(X)``, as Householder
    QR computes it). ``"complete"`` and ``"raw"`` are numpy's, for plain arrays (and
    "complete" for traced square or wide matrices).

    Example:
        >>> import numpy as np, funcgrad.numpy as fnp
        >>> q, r = fnp.linalg.qr(np.array([[3.0], [4.0]]))
        >>> np.abs(r)
        array([[5.]])
    """
    if not any_traced(a):
        out = np.linalg.qr(a, mode=mode)
        return QRResult(*out) if mode in ("reduced", "complete") else out
    m, n = a.shape[-2:]
    if mode == "complete" and m <= n:
        mode = "reduced"
    if mode not in ("reduced", "r"):
        raise NotImplementedError(
            f"qr: mode={mode!r} is not differentiable; use mode='reduced' (or 'r')."
        )
    if m < n:
        q, r = _qr(a[..., :m])
        r = fnp.concatenate([r, mH(q) @ a[..., m:]], axis=-1)
    else:
        q, r = _qr(a)
    return r if mode == "r" else QRResult(q, r)


export(qr, primitive_of(_qr))


# --- eigh ------------------------------------------------------------------------------
def _eigh_vjp(g, ans, a, UPLO="L"):
    _real_only("eigh", a)
    w, v = ans  # A_bar = sym(V (diag(w_bar) + F o (V^T V_bar)) V^T)
    gw, gv = g
    inner = diag_matrix(gw) + inverse_gaps(w) * (mT(v) @ gv)
    return herm(v @ inner @ mT(v))


def _eigh_jvp(t, ans, a, UPLO="L"):
    _real_only("eigh", a)
    w, v = ans
    ds = mT(v) @ herm(t) @ v
    return diag_part(ds), v @ (inverse_gaps(w) * ds)


_eigh = defop(
    lambda a, UPLO="L": tuple(np.linalg.eigh(sym_np(a), UPLO=UPLO)),
    name="linalg.eigh",
    vjp=_eigh_vjp,
    jvp=_eigh_jvp,
    multiple_results=True,
    saves="ans",
    domain=WELL_CONDITIONED,
    check={"cases": _SQUARE + [(((2, 2),), {"UPLO": "U"})], "complex": False},
)


def eigh(a, UPLO="L"):
    """Eigenvalues (ascending) and eigenvectors of symmetric matrices (``numpy.linalg.eigh``).

    The input is symmetrized first, like JAX, so ``UPLO`` does not change the result
    (it is accepted for numpy's signature). Eigenvector derivatives need distinct
    eigenvalues (see the module notes).

    Returns:
        ``EighResult(eigenvalues, eigenvectors)``.

    Example:
        >>> import numpy as np, funcgrad.numpy as fnp
        >>> fnp.linalg.eigh(np.array([[2.0, 1.0], [1.0, 2.0]])).eigenvalues
        array([1., 3.])
    """
    return EighResult(*_eigh(a, UPLO=UPLO))


export(eigh, primitive_of(_eigh))


def eigvalsh(a, UPLO="L"):
    """Eigenvalues (ascending) of symmetric matrices (``numpy.linalg.eigvalsh``).

    Example:
        >>> import numpy as np, funcgrad as fg, funcgrad.numpy as fnp
        >>> fg.grad(lambda a: fnp.linalg.eigvalsh(a)[1])(np.array([[2.0, 0.0], [0.0, 1.0]]))
        array([[1., 0.],
               [0., 0.]])
    """
    if not any_traced(a):
        return np.linalg.eigvalsh(sym_np(a), UPLO=UPLO)
    return _eigh(a, UPLO=UPLO)[0]


export(eigvalsh, primitive_of(_eigh))


# --- svd ---------------------------------------------------------------------------------
def _svd_vjp(g, ans, a):
    _real_only("svd", a)
    u, s, vt = ans
    gu, gs, gvt = g
    v, gv = mT(vt), mT(gvt)
    f = inverse_gaps(s * s)  # 1 / (s_j^2 - s_i^2)
    j = f * (mT(u) @ gu)
    k = f * (mT(v) @ gv)
    row, col = fnp.expand_dims(s, -2), fnp.expand_dims(s, -1)  # s_j across, s_i down
    inner = diag_matrix(gs) + (j + mT(j)) * row + (k + mT(k)) * col
    out = u @ inner @ vt
    m, n = u.shape[-2], vt.shape[-1]
    if m > n:
        out = out + ((gu - u @ (mT(u) @ gu)) / row) @ vt
    if n > m:
        out = out + u @ mT((gv - v @ (vt @ gv)) / row)
    return out


def _svd_jvp(t, ans, a):
    _real_only("svd", a)
    u, s, vt = ans
    v = mT(vt)
    ds = mT(u) @ t @ v
    f = inverse_gaps(s * s)
    row, col = fnp.expand_dims(s, -2), fnp.expand_dims(s, -1)
    dss, sds = ds * row, col * ds
    du = u @ (f * (dss + mT(dss)))
    dv = v @ (f * (sds + mT(sds)))
    m, n = u.shape[-2], vt.shape[-1]
    if m > n:
        tv = t @ v
        du = du + (tv - u @ (mT(u) @ tv)) / row
    if n > m:
        tu = mT(t) @ u
        dv = dv + (tu - v @ (vt @ tu)) / row
    return du, diag_part(ds), mT(dv)


_svd = defop(
    lambda a: tuple(np.linalg.svd(a, full_matrices=False)),
    name="linalg.svd",
    vjp=_svd_vjp,
    jvp=_svd_jvp,
    multiple_results=True,
    saves="ans",
    domain=WELL_CONDITIONED,
    check={
        "cases": [
            (((2, 2),), {}),
            (((3, 3),), {}),
            (((4, 2),), {}),
            (((2, 4),), {}),
            (((2, 3, 2),), {}),
        ],
        "complex": False,
    },
)


def svd(a, full_matrices=True, compute_uv=True, hermitian=False):
    """Singular value decomposition of each matrix (``numpy.linalg.svd``).

    Differentiable with ``full_matrices=False`` (or square matrices) and for
    ``compute_uv=False``; singular vector derivatives need distinct singular values
    (see the module notes). ``hermitian`` only selects numpy's algorithm for plain
    arrays; traced ones use the general SVD (same singular values).

    Returns:
        ``SVDResult(U, S, Vh)``, or the singular values when ``compute_uv=False``.

    Example:
        >>> import numpy as np, funcgrad.numpy as fnp
        >>> fnp.linalg.svd(np.array([[3.0, 0.0], [0.0, -4.0]]), compute_uv=False)
        array([4., 3.])
    """
    if not any_traced(a):
        out = np.linalg.svd(a, full_matrices, compute_uv, hermitian)
        return SVDResult(*out) if compute_uv else out
    if not compute_uv:
        return _svd(a)[1]
    m, n = a.shape[-2:]
    if full_matrices and m != n:
        raise NotImplementedError(
            f"svd: full_matrices=True of a {m}x{n} matrix is not differentiable (the "
            "extra singular vectors are not unique); pass full_matrices=False."
        )
    return SVDResult(*_svd(a))


export(svd, primitive_of(_svd))


def svdvals(x, /):
    """Singular values (descending) of each matrix (``numpy.linalg.svdvals``).

    Example:
        >>> import numpy as np, funcgrad.numpy as fnp
        >>> fnp.linalg.svdvals(np.array([[0.0, 2.0], [1.0, 0.0]]))
        array([2., 1.])
    """
    return svd(x, compute_uv=False)


export(svdvals, primitive_of(_svd))

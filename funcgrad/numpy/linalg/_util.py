"""What the linalg rules share: matrix transposes, symmetric parts, diagonals, gaps.

Everything here is written with funcgrad.numpy, so rules built from it differentiate
again; masks (which entries are off the diagonal, which gaps are exactly zero) are
computed with numpy on concrete values.
"""

from __future__ import annotations

import numpy as np

import funcgrad.numpy as fnp
from funcgrad._core import Traced, concrete
from funcgrad._primitive import WELL_CONDITIONED as WELL_CONDITIONED
from funcgrad.numpy._util import unbroadcast


def any_traced(*xs) -> bool:
    """Whether any argument is a traced value."""
    return any(isinstance(x, Traced) for x in xs)


def is_complex(x) -> bool:
    """Whether ``x`` (an array, traced value or ShapeDtype) has a complex dtype."""
    return np.issubdtype(x.dtype, np.complexfloating)


def mT(x):
    """Transpose of the matrices in the last two axes."""
    return fnp.swapaxes(x, -1, -2)


def mH(x):
    """Conjugate transpose of the matrices in the last two axes."""
    return mT(fnp.conj(x)) if is_complex(x) else mT(x)


def herm(x):
    """The Hermitian part ``(x + x^H) / 2`` of the matrices in the last two axes.

    The symmetric part ``(x + x^T) / 2`` for real ``x``.
    """
    return (x + mH(x)) * 0.5


def sym_np(a):
    """The Hermitian part ``(a + a^H) / 2`` of plain matrices (symmetric part if real).

    cholesky and eigh apply it to their input first, like JAX's symmetrize_input.
    """
    a = np.asarray(a)
    return (a + np.conj(np.swapaxes(a, -1, -2))) * np.asarray(0.5, dtype=a.real.dtype)


def diag_part(x):
    """The diagonals of the matrices in the last two axes, as vectors."""
    return fnp.diagonal(x, axis1=-2, axis2=-1)


def eye_like(x):
    """The identity (a constant) of ``x``'s last-axis size and dtype."""
    return np.eye(x.shape[-1], dtype=x.dtype)


def diag_matrix(v):
    """Matrices with the vectors ``v`` (last axis) on their diagonals."""
    return fnp.expand_dims(v, -1) * eye_like(v)


def inverse_gaps(w):
    """``F[..., i, j] = 1 / (w_j - w_i)`` off the diagonal; 0 on it and where w_i == w_j.

    The matrix of reciprocal eigenvalue (or squared singular value) gaps in the
    eigenvector rules. Exactly equal values (a degenerate spectrum) get 0 rather than
    inf, so that unused eigenvectors (zero cotangents) do not turn into NaNs.
    """
    diff = fnp.expand_dims(w, -2) - fnp.expand_dims(w, -1)
    keep = concrete(diff) != 0
    keep &= ~np.eye(keep.shape[-1], dtype=bool)
    safe = fnp.where(keep, diff, np.ones((), diff.dtype))
    return fnp.where(keep, 1 / safe, np.zeros((), diff.dtype))


def fit(g, like):
    """A cotangent for ``like``: its real part if ``like`` is real, then unbroadcast."""
    if is_complex(g) and not is_complex(like):
        g = fnp.real(g)
    return unbroadcast(g, like)


def square_check(a, name: str) -> None:
    """numpy's error for an argument that is not a (stack of) square matrices."""
    shape = a.shape
    if len(shape) < 2:
        raise np.linalg.LinAlgError(
            f"{name}: {len(shape)}-dimensional array given. Array must be at least two-dimensional"
        )
    if shape[-1] != shape[-2]:
        raise np.linalg.LinAlgError(f"{name}: last 2 dimensions of the array must be square")

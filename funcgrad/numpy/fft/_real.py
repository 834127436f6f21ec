"""Real transforms: rfft, irfft (primitives); rfftn, irfftn, rfft2, irfft2, hfft, ihfft.

rfft keeps the first ``m = n // 2 + 1`` outputs of the complex transform of a real
input: ``P F_n resize_n(a)`` with P the first m rows. Its transpose zero-pads the
cotangent to n, transforms it and takes the real part (the input is real).

irfft is not complex-linear, only real-linear: it reads ``X_0 .. X_{m-1}`` as the half
of a Hermitian spectrum, ``x_j = c Re(sum_k w_k X_k e^{2 pi i jk/n})`` with weights
``w_0 = 1``, ``w_k = 2`` and, for even n, ``w_{n/2} = 1`` (the imaginary parts of
``X_0`` and of the Nyquist term are ignored). Under the pairing ``Re(sum(a * b))``
its transpose is ``X_bar_k = c w_k sum_j g_j e^{2 pi i jk/n} = w_k conj(rfft(g))_k``
(with the normalization of the other direction), cropped or zero-padded back to the
input's length.
"""

from __future__ import annotations

import numpy as np

import funcgrad.numpy as fnp
from funcgrad._core import Traced
from funcgrad._primitive import LINEAR, REAL, defop, export, primitive_of
from funcgrad.numpy.fft._complex import fft, ifft
from funcgrad.numpy.fft._util import cook, like, resize, swap_direction


def _rfft_vjp(g, ans, a, n=None, axis=-1, norm=None):
    length = a.shape[axis] if n is None else n
    full = fft(resize(g, axis, length), axis=axis, norm=norm)
    return like(resize(full, axis, a.shape[axis]), a)


def _hermitian_weights(length, axis, ndim, dtype):
    half = length // 2 + 1
    w = np.full(half, 2.0)
    w[0] = 1.0
    if length % 2 == 0:
        w[-1] = 1.0
    shape = [1] * ndim
    shape[axis] = half
    return w.reshape(shape).astype(dtype)


def _irfft_vjp(g, ans, a, n=None, axis=-1, norm=None):
    length = ans.shape[axis]
    w = _hermitian_weights(length, axis, ans.ndim, ans.dtype)
    half = fnp.conj(rfft(g, axis=axis, norm=swap_direction(norm))) * w
    return like(resize(half, axis, a.shape[axis]), a)


_rfft = defop(
    lambda a, n=None, axis=-1, norm=None: np.fft.rfft(a, n, axis, norm),
    name="fft.rfft",
    vjp=_rfft_vjp,
    jvp=LINEAR,
    saves="shapes",
    domain=REAL,
    check={
        "cases": [
            (((4,),), {}),
            (((5,),), {}),
            (((3,),), {"n": 6}),
            (((6,),), {"n": 3, "norm": "ortho"}),
            (((2, 5),), {"axis": 0, "norm": "ortho"}),
            (((3, 4),), {"norm": "forward"}),
        ],
        "complex": False,
    },
)
_irfft = defop(
    lambda a, n=None, axis=-1, norm=None: np.fft.irfft(a, n, axis, norm),
    name="fft.irfft",
    vjp=_irfft_vjp,
    jvp=LINEAR,
    saves="shapes",
    domain=REAL,
    check={
        "cases": [
            (((3,),), {}),
            (((3,),), {"n": 5}),
            (((4,),), {"n": 3}),
            (((2,),), {"n": 6, "norm": "ortho"}),
            (((3, 2),), {"axis": 0, "norm": "ortho"}),
            (((2, 3),), {"norm": "forward"}),
        ],
        "complex": True,
    },
)


def rfft(a, n=None, axis=-1, norm=None):
    """Discrete Fourier transform of a real input, non-negative frequencies only.

    Like ``numpy.fft.rfft``: ``n // 2 + 1`` outputs along ``axis``.

    Example:
        >>> import numpy as np, funcgrad.numpy as fnp
        >>> fnp.fft.rfft(np.array([1.0, 1.0, 1.0, 1.0]))
        array([4.+0.j, 0.+0.j, 0.+0.j])
    """
    return _rfft(a, n=n, axis=axis, norm=norm)


def irfft(a, n=None, axis=-1, norm=None):
    """Inverse of rfft: a real signal from half of a Hermitian spectrum (``numpy.fft.irfft``).

    Example:
        >>> import numpy as np, funcgrad.numpy as fnp
        >>> fnp.fft.irfft(np.array([4.0, 0.0, 0.0]))
        array([1., 1., 1., 1.])
    """
    return _irfft(a, n=n, axis=axis, norm=norm)


export(rfft, primitive_of(_rfft))
export(irfft, primitive_of(_irfft))


def rfftn(a, s=None, axes=None, norm=None):
    """N-dimensional transform of a real input: rfft on the last axis, fft on the others.

    Like ``numpy.fft.rfftn``.

    Example:
        >>> import numpy as np, funcgrad.numpy as fnp
        >>> fnp.fft.rfftn(np.ones((2, 2))).real
        array([[4., 0.],
               [0., 0.]])
    """
    if not isinstance(a, Traced):
        return np.fft.rfftn(a, s, axes, norm)
    s, axes = cook(a.shape, s, axes)
    out = rfft(a, n=s[-1], axis=axes[-1], norm=norm)
    for i in range(len(axes) - 2, -1, -1):
        out = fft(out, n=s[i], axis=axes[i], norm=norm)
    return out


def irfftn(a, s=None, axes=None, norm=None):
    """Inverse of rfftn: ifft on all axes but the last, then irfft (``numpy.fft.irfftn``).

    Example:
        >>> import numpy as np, funcgrad.numpy as fnp
        >>> fnp.fft.irfftn(np.array([[4.0, 0.0], [0.0, 0.0]]))
        array([[1., 1.],
               [1., 1.]])
    """
    if not isinstance(a, Traced):
        return np.fft.irfftn(a, s, axes, norm)
    s, axes = cook(a.shape, s, axes, invreal=True)
    out = a
    for i in range(len(axes) - 1):
        out = ifft(out, n=s[i], axis=axes[i], norm=norm)
    return irfft(out, n=s[-1], axis=axes[-1], norm=norm)


def rfft2(a, s=None, axes=(-2, -1), norm=None):
    """Two-dimensional transform of a real input (``numpy.fft.rfft2``).

    Example:
        >>> import numpy as np, funcgrad.numpy as fnp
        >>> fnp.fft.rfft2(np.ones((2, 2))).shape
        (2, 2)
    """
    return rfftn(a, s, axes, norm)


def irfft2(a, s=None, axes=(-2, -1), norm=None):
    """Inverse of rfft2 (``numpy.fft.irfft2``).

    Example:
        >>> import numpy as np, funcgrad.numpy as fnp
        >>> fnp.fft.irfft2(np.array([[4.0, 0.0], [0.0, 0.0]]))
        array([[1., 1.],
               [1., 1.]])
    """
    return irfftn(a, s, axes, norm)


def hfft(a, n=None, axis=-1, norm=None):
    """Transform of a Hermitian-symmetric signal, given by its first half (``numpy.fft.hfft``).

    ``irfft`` of the conjugate, with the normalization of the other direction.

    Example:
        >>> import numpy as np, funcgrad.numpy as fnp
        >>> fnp.fft.hfft(np.array([1.0, 0.0, 0.0]))
        array([1., 1., 1., 1.])
    """
    if not isinstance(a, Traced):
        return np.fft.hfft(a, n, axis, norm)
    if n is None:
        n = (a.shape[axis] - 1) * 2
    return irfft(fnp.conj(a), n=n, axis=axis, norm=swap_direction(norm))


def ihfft(a, n=None, axis=-1, norm=None):
    """Inverse of hfft: half of the Hermitian spectrum of a real signal (``numpy.fft.ihfft``).

    Example:
        >>> import numpy as np, funcgrad.numpy as fnp
        >>> fnp.fft.ihfft(np.array([1.0, 1.0, 1.0, 1.0]))
        array([1.-0.j, 0.-0.j, 0.-0.j])
    """
    if not isinstance(a, Traced):
        return np.fft.ihfft(a, n, axis, norm)
    if n is None:
        n = a.shape[axis]
    return fnp.conj(rfft(a, n=n, axis=axis, norm=swap_direction(norm)))


for _fn in (rfftn, rfft2, ihfft):
    export(_fn, primitive_of(_rfft))
for _fn in (irfftn, irfft2, hfft):
    export(_fn, primitive_of(_irfft))
del _fn

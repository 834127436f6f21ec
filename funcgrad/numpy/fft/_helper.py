"""Frequency helpers: fftshift, ifftshift (rolls, differentiable), fftfreq, rfftfreq."""

from __future__ import annotations

import numpy as np

import funcgrad.numpy as fnp
from funcgrad._primitive import defop, export, primitive_of


def _shifts(shape, axes, sign):
    if axes is None:
        return [sign * (n // 2) for n in shape], tuple(range(len(shape)))
    if isinstance(axes, (int, np.integer)):
        return sign * (shape[axes] // 2), axes
    return [sign * (shape[ax] // 2) for ax in axes], axes


def fftshift(x, axes=None):
    """Move the zero frequency to the centre: a roll by half of each axis (``numpy.fft.fftshift``).

    Example:
        >>> import numpy as np, funcgrad.numpy as fnp
        >>> fnp.fft.fftshift(np.arange(5.0))
        array([3., 4., 0., 1., 2.])
    """
    shift, axes = _shifts(np.shape(x), axes, 1)
    return fnp.roll(x, shift, axes)


def ifftshift(x, axes=None):
    """Undo fftshift (``numpy.fft.ifftshift``).

    Example:
        >>> import numpy as np, funcgrad.numpy as fnp
        >>> fnp.fft.ifftshift(np.array([3.0, 4.0, 0.0, 1.0, 2.0]))
        array([0., 1., 2., 3., 4.])
    """
    shift, axes = _shifts(np.shape(x), axes, -1)
    return fnp.roll(x, shift, axes)


export(fftshift, primitive_of(fnp.roll))
export(ifftshift, primitive_of(fnp.roll))

_fftfreq = defop(lambda n, d=1.0: np.fft.fftfreq(n, d), name="fft.fftfreq", nondiff=True)
_rfftfreq = defop(lambda n, d=1.0: np.fft.rfftfreq(n, d), name="fft.rfftfreq", nondiff=True)


def fftfreq(n, d=1.0):
    """The sample frequencies of an ``n``-point fft (``numpy.fft.fftfreq``; a constant).

    Example:
        >>> import funcgrad.numpy as fnp
        >>> fnp.fft.fftfreq(4)
        array([ 0.  ,  0.25, -0.5 , -0.25])
    """
    return _fftfreq(n, d)


def rfftfreq(n, d=1.0):
    """The sample frequencies of an ``n``-point rfft (``numpy.fft.rfftfreq``; a constant).

    Example:
        >>> import funcgrad.numpy as fnp
        >>> fnp.fft.rfftfreq(4)
        array([0.  , 0.25, 0.5 ])
    """
    return _rfftfreq(n, d)


export(fftfreq, primitive_of(_fftfreq))
export(rfftfreq, primitive_of(_rfftfreq))

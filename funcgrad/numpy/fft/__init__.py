"""funcgrad.numpy.fft: numpy's discrete Fourier transforms, differentiable.

Every transform is linear: its JVP is the transform of the tangent and its VJP the
transposed transform, with no conjugation (JAX's convention). Real inputs give real
cotangents; complex inputs complex ones.

Example:
    >>> import numpy as np, funcgrad as fg, funcgrad.numpy as fnp
    >>> x = np.array([1.0, 2.0, 3.0, 4.0])
    >>> fg.grad(lambda x: fnp.sum(fnp.abs(fnp.fft.rfft(x)) ** 2))(x)
    array([12., 20., 20., 28.])
"""

import numpy as _np

from funcgrad import _core
from funcgrad.numpy.fft._complex import (
    fft as fft,
    fft2 as fft2,
    fftn as fftn,
    ifft as ifft,
    ifft2 as ifft2,
    ifftn as ifftn,
)
from funcgrad.numpy.fft._helper import (
    fftfreq as fftfreq,
    fftshift as fftshift,
    ifftshift as ifftshift,
    rfftfreq as rfftfreq,
)
from funcgrad.numpy.fft._real import (
    hfft as hfft,
    ihfft as ihfft,
    irfft as irfft,
    irfft2 as irfft2,
    irfftn as irfftn,
    rfft as rfft,
    rfft2 as rfft2,
    rfftn as rfftn,
)

__all__ = [
    "fft",
    "fft2",
    "fftfreq",
    "fftn",
    "fftshift",
    "hfft",
    "ifft",
    "ifft2",
    "ifftn",
    "ifftshift",
    "ihfft",
    "irfft",
    "irfft2",
    "irfftn",
    "rfft",
    "rfft2",
    "rfftfreq",
    "rfftn",
]

# numpy.fft functions called on traced values land here.
for _name in __all__:
    _core.NUMPY_DISPATCH[getattr(_np.fft, _name)] = globals()[_name]
del _name

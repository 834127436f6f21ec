"""funcgrad.numpy.linalg: the numpy.linalg functions funcgrad can differentiate.

Batched like numpy (stacks of matrices in the last two axes), both modes, any order.
Conventions (symmetrized input for cholesky / eigh, distinct spectra, full rank) are
in each function's docstring and in the ``_decomp`` module notes.

Example:
    >>> import numpy as np, funcgrad as fg, funcgrad.numpy as fnp
    >>> a = np.array([[2.0, 1.0], [1.0, 3.0]])
    >>> np.allclose(fg.grad(lambda a: fnp.linalg.slogdet(a)[1])(a), np.linalg.inv(a).T)
    True
"""

import numpy as _np

from funcgrad import _core
from funcgrad.numpy.linalg._decomp import (
    EighResult as EighResult,
    QRResult as QRResult,
    SVDResult as SVDResult,
    cholesky as cholesky,
    eigh as eigh,
    eigvalsh as eigvalsh,
    qr as qr,
    svd as svd,
    svdvals as svdvals,
)
from funcgrad.numpy.linalg._norm import norm as norm
from funcgrad.numpy.linalg._solve import (
    SlogdetResult as SlogdetResult,
    det as det,
    inv as inv,
    lstsq as lstsq,
    matrix_power as matrix_power,
    pinv as pinv,
    slogdet as slogdet,
    solve as solve,
)

LinAlgError = _np.linalg.LinAlgError

__all__ = [
    "EighResult",
    "LinAlgError",
    "QRResult",
    "SVDResult",
    "SlogdetResult",
    "cholesky",
    "det",
    "eigh",
    "eigvalsh",
    "inv",
    "lstsq",
    "matrix_power",
    "norm",
    "pinv",
    "qr",
    "slogdet",
    "solve",
    "svd",
    "svdvals",
]

# numpy.linalg functions called on traced values land here.
for _name in __all__:
    _target = getattr(_np.linalg, _name, None)
    if callable(_target) and not isinstance(_target, type):
        _core.NUMPY_DISPATCH[_target] = globals()[_name]
del _name, _target

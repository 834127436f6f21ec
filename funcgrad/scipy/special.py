"""funcgrad.scipy.special: special functions with derivatives (a subset of scipy.special).

Each is registered with its rules, like funcgrad.numpy's ops, and gradient-checked by
the same table. Inputs: float arrays (integers are converted to float64); float32
stays float32.

>>> import numpy as np, funcgrad as fg
>>> from funcgrad.scipy.special import expit
>>> fg.grad(lambda x: expit(x).sum())(np.zeros(2))
array([0.25, 0.25])
"""

from funcgrad.scipy._softmax import (
    log_softmax as log_softmax,
    logsumexp as logsumexp,
    softmax as softmax,
)
from funcgrad.scipy._special import (
    digamma as digamma,
    digamma as psi,  # scipy's other name
    erf as erf,
    erfc as erfc,
    expit as expit,
    gammaln as gammaln,
    logit as logit,
    polygamma as polygamma,
    xlogy as xlogy,
)

__all__ = [
    "digamma",
    "erf",
    "erfc",
    "expit",
    "gammaln",
    "log_softmax",
    "logit",
    "logsumexp",
    "polygamma",
    "psi",
    "softmax",
    "xlogy",
]

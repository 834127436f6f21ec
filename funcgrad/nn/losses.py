"""funcgrad.nn.losses: loss functions with PyTorch's semantics, stable for any logits.

Each takes ``reduction="mean" | "sum" | "none"`` (kl_div also "batchmean"). The same
functions are in :mod:`funcgrad.nn.functional`, also under PyTorch's names
(``mse_loss``, ``nll_loss``, ...).

>>> import numpy as np, funcgrad as fg
>>> from funcgrad.nn import losses
>>> logits, labels = np.array([[1e4, -1e4, 0.0]]), np.array([2])
>>> float(losses.cross_entropy(logits, labels))
10000.0
>>> fg.grad(losses.cross_entropy)(logits, labels)
array([[ 1.,  0., -1.]])
"""

from funcgrad.nn._losses import (
    binary_cross_entropy as binary_cross_entropy,
    binary_cross_entropy_with_logits as binary_cross_entropy_with_logits,
    cross_entropy as cross_entropy,
    huber as huber,
    kl_div as kl_div,
    l1 as l1,
    mse as mse,
    nll as nll,
    smooth_l1 as smooth_l1,
)

__all__ = [
    "binary_cross_entropy",
    "binary_cross_entropy_with_logits",
    "cross_entropy",
    "huber",
    "kl_div",
    "l1",
    "mse",
    "nll",
    "smooth_l1",
]

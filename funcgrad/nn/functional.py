"""funcgrad.nn.functional: activations, conv, pooling, normalisation, dropout, losses.

Pure functions of arrays, differentiable in every array argument (both modes, any
order). Layouts and defaults follow ``torch.nn.functional`` (NCHW, OIHW, class axis 1),
except that ``softmax``/``log_softmax`` default to the last axis and ``one_hot`` returns
floats. Losses are also here, under PyTorch's names and the short ones of
:mod:`funcgrad.nn.losses`.

>>> import numpy as np
>>> from funcgrad.nn import functional as F
>>> F.relu(np.array([-1.0, 2.0])), F.softplus(np.array([1e4]))
(array([0., 2.]), array([10000.]))
"""

from funcgrad.nn._activations import (
    celu as celu,
    elu as elu,
    gelu as gelu,
    hard_tanh as hard_tanh,
    identity as identity,
    leaky_relu as leaky_relu,
    log_sigmoid as log_sigmoid,
    log_softmax as log_softmax,
    one_hot as one_hot,
    relu as relu,
    relu6 as relu6,
    selu as selu,
    sigmoid as sigmoid,
    silu as silu,
    softmax as softmax,
    softplus as softplus,
    softsign as softsign,
    tanh as tanh,
)
from funcgrad.nn._conv import conv1d as conv1d, conv2d as conv2d
from funcgrad.nn._dropout import dropout as dropout
from funcgrad.nn._embedding import embedding as embedding
from funcgrad.nn._linear import linear as linear
from funcgrad.nn._losses import (
    binary_cross_entropy as binary_cross_entropy,
    binary_cross_entropy_with_logits as binary_cross_entropy_with_logits,
    cross_entropy as cross_entropy,
    huber as huber,
    huber as huber_loss,
    kl_div as kl_div,
    l1 as l1,
    l1 as l1_loss,
    mse as mse,
    mse as mse_loss,
    nll as nll,
    nll as nll_loss,
    smooth_l1 as smooth_l1,
    smooth_l1 as smooth_l1_loss,
)
from funcgrad.nn._norm import batch_norm as batch_norm, layer_norm as layer_norm
from funcgrad.nn._pool import (
    adaptive_avg_pool2d as adaptive_avg_pool2d,
    avg_pool2d as avg_pool2d,
    max_pool2d as max_pool2d,
)

__all__ = [
    "adaptive_avg_pool2d",
    "avg_pool2d",
    "batch_norm",
    "binary_cross_entropy",
    "binary_cross_entropy_with_logits",
    "celu",
    "conv1d",
    "conv2d",
    "cross_entropy",
    "dropout",
    "elu",
    "embedding",
    "gelu",
    "hard_tanh",
    "huber",
    "huber_loss",
    "identity",
    "kl_div",
    "l1",
    "l1_loss",
    "layer_norm",
    "leaky_relu",
    "linear",
    "log_sigmoid",
    "log_softmax",
    "max_pool2d",
    "mse",
    "mse_loss",
    "nll",
    "nll_loss",
    "one_hot",
    "relu",
    "relu6",
    "selu",
    "sigmoid",
    "silu",
    "smooth_l1",
    "smooth_l1_loss",
    "softmax",
    "softplus",
    "softsign",
    "tanh",
]

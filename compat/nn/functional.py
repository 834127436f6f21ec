"""compat.nn.functional: PyTorch's ``torch.nn.functional`` on funcgrad.

Activations, softmax, dropout, linear, convolutions, pooling, normalisation, embedding,
padding, distances and losses, with PyTorch's signatures, dtype rules, error messages
and ``grad_fn`` names; the math is ``funcgrad.nn.functional``'s.

>>> import compat as torch
>>> import compat.nn.functional as F
>>> x = torch.tensor([[1.0, -2.0, 0.5]], requires_grad=True)
>>> loss = F.cross_entropy(F.relu(x), torch.tensor([0]))
>>> loss.backward()
>>> loss, x.grad
(tensor(0.6803, grad_fn=<NllLossBackward0>), tensor([[-0.4935,  0.0000,  0.3072]]))
"""

from compat.nn._functional_act import (
    celu as celu,
    elu as elu,
    gelu as gelu,
    hardsigmoid as hardsigmoid,
    hardswish as hardswish,
    hardtanh as hardtanh,
    leaky_relu as leaky_relu,
    log_softmax as log_softmax,
    logsigmoid as logsigmoid,
    mish as mish,
    relu as relu,
    relu6 as relu6,
    selu as selu,
    sigmoid as sigmoid,
    silu as silu,
    softmax as softmax,
    softmin as softmin,
    softplus as softplus,
    softsign as softsign,
    tanh as tanh,
    tanhshrink as tanhshrink,
    threshold as threshold,
)
from compat.nn._functional_classify import (
    binary_cross_entropy as binary_cross_entropy,
    binary_cross_entropy_with_logits as binary_cross_entropy_with_logits,
    cross_entropy as cross_entropy,
    nll_loss as nll_loss,
)
from compat.nn._functional_dropout import (
    dropout as dropout,
    dropout1d as dropout1d,
    dropout2d as dropout2d,
)
from compat.nn._functional_linear import (
    conv1d as conv1d,
    conv2d as conv2d,
    linear as linear,
)
from compat.nn._functional_loss import (
    huber_loss as huber_loss,
    kl_div as kl_div,
    l1_loss as l1_loss,
    mse_loss as mse_loss,
    smooth_l1_loss as smooth_l1_loss,
)
from compat.nn._functional_norm import batch_norm as batch_norm, layer_norm as layer_norm
from compat.nn._functional_pool import (
    adaptive_avg_pool2d as adaptive_avg_pool2d,
    avg_pool2d as avg_pool2d,
    max_pool2d as max_pool2d,
)
from compat.nn._functional_util import (
    cosine_similarity as cosine_similarity,
    embedding as embedding,
    normalize as normalize,
    one_hot as one_hot,
    pad as pad,
    pairwise_distance as pairwise_distance,
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
    "cosine_similarity",
    "cross_entropy",
    "dropout",
    "dropout1d",
    "dropout2d",
    "elu",
    "embedding",
    "gelu",
    "hardsigmoid",
    "hardswish",
    "hardtanh",
    "huber_loss",
    "kl_div",
    "l1_loss",
    "layer_norm",
    "leaky_relu",
    "linear",
    "log_softmax",
    "logsigmoid",
    "max_pool2d",
    "mish",
    "mse_loss",
    "nll_loss",
    "normalize",
    "one_hot",
    "pad",
    "pairwise_distance",
    "relu",
    "relu6",
    "selu",
    "sigmoid",
    "silu",
    "smooth_l1_loss",
    "softmax",
    "softmin",
    "softplus",
    "softsign",
    "tanh",
    "tanhshrink",
    "threshold",
]

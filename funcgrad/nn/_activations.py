"""Activation functions, softmax, one_hot: compositions of differentiable funcgrad ops.

Each is stable for inputs of any magnitude (nothing overflows in the forward pass or
in any derivative) and follows PyTorch's conventions at kinks: ``relu'(0) = 0``,
``leaky_relu'(0) = negative_slope``, ``elu'(0) = alpha``.
"""

from __future__ import annotations

import math

import numpy as np

import funcgrad.numpy as fnp
from funcgrad.extend import concrete
from funcgrad.scipy import special

__all__ = [
    "celu",
    "ACTIVATIONS",
    "elu",
    "get_activation",
    "gelu",
    "hard_tanh",
    "identity",
    "leaky_relu",
    "log_sigmoid",
    "log_softmax",
    "one_hot",
    "relu",
    "relu6",
    "selu",
    "sigmoid",
    "silu",
    "softmax",
    "softplus",
    "softsign",
    "tanh",
]

_SQRT_HALF = math.sqrt(0.5)
_SQRT_2_OVER_PI = math.sqrt(2.0 / math.pi)
# SELU's constants (Klambauer et al. 2017), as PyTorch spells them
_SELU_ALPHA = 1.6732632423543772848170429916717
_SELU_SCALE = 1.0507009873554804934193349852946


def _negative_part(x):
    """min(x, 0) with a clean derivative (1 where x <= 0, else 0; no tie splitting)."""
    return fnp.where(x > 0, 0.0, x)


def identity(x):
    """``x`` itself (a named function, for MLP's ``final_activation`` and Sequential).

    Example:
        >>> from funcgrad.nn import functional as F
        >>> F.identity(2.5)
        2.5
    """
    return x


def relu(x):
    """``max(x, 0)``; its derivative at 0 is 0, as PyTorch's.

    Example:
        >>> import numpy as np, funcgrad as fg
        >>> from funcgrad.nn import functional as F
        >>> F.relu(np.array([-1.0, 0.0, 2.0])), fg.grad(lambda x: F.relu(x).sum())(np.zeros(2))
        (array([0., 0., 2.]), array([0., 0.]))
    """
    return fnp.where(x > 0, x, 0.0)


def relu6(x):
    """``min(max(x, 0), 6)``.

    Example:
        >>> import numpy as np
        >>> from funcgrad.nn import functional as F
        >>> F.relu6(np.array([-1.0, 3.0, 9.0]))
        array([0., 3., 6.])
    """
    return fnp.where(x > 0, fnp.where(x < 6, x, 6.0), 0.0)


def leaky_relu(x, negative_slope: float = 0.01):
    """``x`` where ``x > 0``, else ``negative_slope * x``.

    Example:
        >>> import numpy as np
        >>> from funcgrad.nn import functional as F
        >>> F.leaky_relu(np.array([-2.0, 3.0]), 0.1)
        array([-0.2,  3. ])
    """
    return fnp.where(x > 0, x, x * negative_slope)


def elu(x, alpha: float = 1.0):
    """``x`` where ``x > 0``, else ``alpha * (exp(x) - 1)`` (no overflow for large x).

    Example:
        >>> import numpy as np
        >>> from funcgrad.nn import functional as F
        >>> F.elu(np.array([2.0, 0.0]))
        array([2., 0.])
    """
    return fnp.where(x > 0, x, alpha * fnp.expm1(_negative_part(x)))


def celu(x, alpha: float = 1.0):
    """``max(0, x) + min(0, alpha * (exp(x / alpha) - 1))``.

    Example:
        >>> import numpy as np
        >>> from funcgrad.nn import functional as F
        >>> F.celu(np.array([1.5, 0.0]))
        array([1.5, 0. ])
    """
    return fnp.where(x > 0, x, alpha * fnp.expm1(_negative_part(x) / alpha))


def selu(x):
    """``scale * elu(x, alpha)`` with the self-normalising constants.

    Example:
        >>> import numpy as np
        >>> from funcgrad.nn import functional as F
        >>> F.selu(np.array([1.0]))
        array([1.05070099])
    """
    return _SELU_SCALE * elu(x, _SELU_ALPHA)


def gelu(x, approximate: str | bool = "none"):
    """Gaussian error linear unit ``x * Phi(x)``.

    Args:
        x: input array.
        approximate: ``"none"`` (or False): exact, with erf; ``"tanh"`` (or True): the
            tanh approximation ``0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))``.

    Example:
        >>> import numpy as np
        >>> from funcgrad.nn import functional as F
        >>> F.gelu(np.array([1.0])), F.gelu(np.array([1.0]), approximate="tanh")
        (array([0.84134475]), array([0.84119199]))
    """
    if approximate in ("tanh", True):
        inner = _SQRT_2_OVER_PI * (x + 0.044715 * (x * x * x))
        return 0.5 * x * (1.0 + fnp.tanh(inner))
    if approximate not in ("none", False, None):
        raise ValueError(f"gelu: approximate must be 'none' or 'tanh'; got {approximate!r}")
    return 0.5 * x * (1.0 + special.erf(x * _SQRT_HALF))


def sigmoid(x):
    """The logistic function ``1 / (1 + exp(-x))``, exact in both tails.

    Example:
        >>> import numpy as np
        >>> from funcgrad.nn import functional as F
        >>> F.sigmoid(np.array([-1e4, 0.0, 1e4]))
        array([0. , 0.5, 1. ])
    """
    return special.expit(x)


def tanh(x):
    """The hyperbolic tangent.

    Example:
        >>> from funcgrad.nn import functional as F
        >>> float(F.tanh(0.0))
        0.0
    """
    return fnp.tanh(x)


def silu(x):
    """``x * sigmoid(x)`` (also called swish).

    Example:
        >>> from funcgrad.nn import functional as F
        >>> float(F.silu(0.0))
        0.0
    """
    return x * special.expit(x)


def softplus(x, beta: float = 1.0, threshold: float = 20.0):
    """``log(1 + exp(beta x)) / beta``, and ``x`` where ``beta x > threshold`` (PyTorch).

    Computed as ``logaddexp(0, beta x) / beta``: no overflow, and the derivative
    ``sigmoid(beta x)`` is exact in both tails.

    Example:
        >>> import numpy as np
        >>> from funcgrad.nn import functional as F
        >>> F.softplus(np.array([-1e4, 0.0, 1e4]))
        array([0.00000000e+00, 6.93147181e-01, 1.00000000e+04])
    """
    bx = x * beta if beta != 1 else x
    soft = fnp.logaddexp(0.0, bx)
    if beta != 1:
        soft = soft / beta
    return fnp.where(bx > threshold, x, soft)


def log_sigmoid(x):
    """``log(sigmoid(x)) = -softplus(-x)``, finite for every finite x.

    Example:
        >>> import numpy as np
        >>> from funcgrad.nn import functional as F
        >>> F.log_sigmoid(np.array([-1e4, 0.0]))
        array([-1.00000000e+04, -6.93147181e-01])
    """
    return -fnp.logaddexp(0.0, -x)


def softsign(x):
    """``x / (1 + |x|)``.

    Example:
        >>> import numpy as np
        >>> from funcgrad.nn import functional as F
        >>> F.softsign(np.array([1.0, -3.0]))
        array([ 0.5 , -0.75])
    """
    return x / (1.0 + fnp.abs(x))


def hard_tanh(x, min_val: float = -1.0, max_val: float = 1.0):
    """``clip(x, min_val, max_val)``; the gradient is 1 strictly inside, else 0 (PyTorch).

    Example:
        >>> import numpy as np
        >>> from funcgrad.nn import functional as F
        >>> F.hard_tanh(np.array([-2.0, 0.5, 2.0]))
        array([-1. ,  0.5,  1. ])
    """
    return fnp.where(x <= min_val, min_val, fnp.where(x >= max_val, max_val, x))


def softmax(x, axis: int | tuple[int, ...] = -1):
    """``exp(x) / sum(exp(x))`` along ``axis`` (default: the last), without overflow.

    Example:
        >>> import numpy as np
        >>> from funcgrad.nn import functional as F
        >>> F.softmax(np.array([[1e4, 1e4]]))
        array([[0.5, 0.5]])
    """
    return special.softmax(x, axis=axis)


def log_softmax(x, axis: int | tuple[int, ...] = -1):
    """``x - logsumexp(x)`` along ``axis`` (default: the last), without overflow.

    Example:
        >>> import numpy as np
        >>> from funcgrad.nn import functional as F
        >>> F.log_softmax(np.array([1000.0, 0.0]))
        array([    0., -1000.])
    """
    return special.log_softmax(x, axis=axis)


def one_hot(labels, num_classes: int | None = None, *, dtype=np.float64):
    """``labels`` (integers) as one-hot vectors along a new last axis.

    Args:
        labels: an integer array of any shape.
        num_classes: the vector length; None (or -1, as in PyTorch) means
            ``labels.max() + 1``.
        dtype: the result's dtype (float64 by default, ready to multiply; PyTorch
            returns int64: pass ``dtype=np.int64``).

    Returns:
        An array of shape ``labels.shape + (num_classes,)``, a constant (no gradient).

    Example:
        >>> import numpy as np
        >>> from funcgrad.nn import functional as F
        >>> F.one_hot(np.array([0, 2]), 3)
        array([[1., 0., 0.],
               [0., 0., 1.]])
    """
    labels = np.asarray(concrete(labels))
    if not np.issubdtype(labels.dtype, np.integer):
        raise TypeError(
            f"one_hot: labels must be integers; got dtype {labels.dtype}. "
            "Convert class labels with labels.astype(int)."
        )
    if num_classes is None or num_classes == -1:
        num_classes = int(labels.max()) + 1 if labels.size else 0
    if labels.size and (labels.min() < 0 or labels.max() >= num_classes):
        raise ValueError(
            f"one_hot: labels must lie in [0, {num_classes}); got values from "
            f"{labels.min()} to {labels.max()}"
        )
    return (labels[..., None] == np.arange(num_classes)).astype(dtype)


#: Activation names accepted where a layer takes an activation (MLP).
ACTIVATIONS = {
    f.__name__: f
    for f in (
        celu,
        elu,
        gelu,
        hard_tanh,
        identity,
        leaky_relu,
        log_sigmoid,
        relu,
        relu6,
        selu,
        sigmoid,
        silu,
        softplus,
        softsign,
        tanh,
    )
}


def get_activation(activation):
    """An activation function from its name (see ``ACTIVATIONS``) or itself if callable."""
    if callable(activation):
        return activation
    if isinstance(activation, str) and activation in ACTIVATIONS:
        return ACTIVATIONS[activation]
    raise ValueError(
        f"unknown activation {activation!r}: pass a function or one of "
        f"{', '.join(sorted(ACTIVATIONS))}"
    )

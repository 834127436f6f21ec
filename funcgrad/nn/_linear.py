"""Linear (affine) layers: ``linear`` and ``Linear``; ``Identity``."""

from __future__ import annotations

from typing import Any

import numpy as np

import funcgrad.numpy as fnp
from funcgrad import random
from funcgrad.extend import defop
from funcgrad.nn._init import fan_in_uniform
from funcgrad.nn._module import layer, static

__all__ = ["Identity", "Linear", "linear"]


def linear(x, weight, bias=None):
    """``x @ weight.T + bias``, with ``weight`` shaped ``(out, in)`` as in PyTorch.

    Args:
        x: ``(..., in)``: one sample ``(in,)``, a batch ``(N, in)``, or more axes.
        weight: ``(out, in)``.
        bias: ``(out,)`` or None.

    Returns:
        ``(..., out)``.

    Example:
        >>> import numpy as np
        >>> from funcgrad.nn import functional as F
        >>> F.linear(np.ones((2, 3)), np.ones((1, 3)), np.array([0.5]))
        array([[3.5],
               [3.5]])
    """
    in_x, in_w = np.shape(x)[-1:], np.shape(weight)[1:]
    if in_x != in_w:
        raise ValueError(
            f"linear: the input's last axis ({in_x[0] if in_x else 'none'}) must match the "
            f"weight's in_features; weight has shape {np.shape(weight)} (out, in), input "
            f"{np.shape(x)}"
        )
    out = _linear(x, weight)
    return out if bias is None else out + bias


# x @ weight.T as one op, so that the weight's gradient comes out as g.T @ x: laid out
# like the weight (C order), not as the transpose of x.T @ g. Optimizers then update it
# with contiguous elementwise arithmetic, as PyTorch's do.


def _as(v, like):
    return v if v.dtype == like.dtype else fnp.astype(v, like.dtype)


def _linear_vjp_x(g, ans, x, w):
    return _as(fnp.matmul(g, w), x)


def _linear_vjp_w(g, ans, x, w):
    g2 = fnp.reshape(g, (-1, g.shape[-1]))
    x2 = fnp.reshape(x, (-1, x.shape[-1]))
    return _as(fnp.matmul(fnp.transpose(g2), x2), w)


_linear = defop(
    lambda x, w: np.matmul(x, w.T),
    name="nn_linear",
    vjp=(_linear_vjp_x, _linear_vjp_w),
    jvp=(lambda t, ans, x, w: _linear(t, w), lambda t, ans, x, w: _linear(x, t)),
    saves="args",
    check={
        "cases": [
            (((3, 4), (5, 4)), {}),
            (((4,), (2, 4)), {}),
            (((2, 3, 4), (5, 4)), {}),
        ]
    },
)


@layer
class Linear:
    """An affine map ``y = x @ weight.T + bias`` (PyTorch's ``nn.Linear``).

    ``weight`` is ``(out_features, in_features)``, ``bias`` is ``(out_features,)`` or
    None. Both are drawn from U(-1/sqrt(in), 1/sqrt(in)), PyTorch's default (the
    weight from the first half of ``key``'s split, the bias from the second).

    Args:
        in_features: size of each input sample (last axis).
        out_features: size of each output sample.
        use_bias: whether to add a bias (False: ``bias`` is None).
        dtype: the parameters' dtype (float64 by default; np.float32 for PyTorch's).
        key: a ``funcgrad.random`` key (keyword-only).

    Example:
        >>> import numpy as np
        >>> from funcgrad import nn, random, tree
        >>> lin = nn.Linear(3, 2, key=random.key(0))
        >>> lin(np.ones((5, 3))).shape, [a.shape for a in tree.leaves(lin)]
        ((5, 2), [(2, 3), (2,)])
    """

    weight: Any
    bias: Any
    in_features: int = static()
    out_features: int = static()

    def __init__(
        self,
        in_features: int,
        out_features: int,
        use_bias: bool = True,
        *,
        dtype: Any = np.float64,
        key: Any,
    ):
        wkey, bkey = random.split(key)
        weight = fan_in_uniform(wkey, (out_features, in_features), in_features, dtype)
        bias = fan_in_uniform(bkey, (out_features,), in_features, dtype) if use_bias else None
        self.__attrs_init__(weight, bias, int(in_features), int(out_features))

    def __call__(self, x):
        """Apply the layer to ``x`` of shape ``(..., in_features)``."""
        return linear(x, self.weight, self.bias)


@layer
class Identity:
    """The identity layer: returns its input (a placeholder in Sequential).

    Example:
        >>> from funcgrad import nn
        >>> nn.Identity()(3.0)
        3.0
    """

    def __init__(self):
        self.__attrs_init__()

    def __call__(self, x):
        return x

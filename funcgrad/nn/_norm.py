"""Normalisation: ``layer_norm``/``LayerNorm`` and ``batch_norm``/``BatchNorm``.

BatchNorm's running statistics are not part of the layer: they are a separate pytree, a
:class:`BatchNormState`, passed in and returned explicitly, so that the layer stays a
pure function of its arguments and the parameters being differentiated never change
behind the caller's back::

    state = bn.init_state()
    y, state = bn(x, state, training=True)     # batch statistics; state updated
    y, _ = bn(x_test, state, training=False)   # running statistics; state unchanged

The running statistics are computed from the concrete values (no gradient flows into
them, as in PyTorch), so the new state may leave a ``grad`` through ``has_aux``.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np

import funcgrad.numpy as fnp
from funcgrad.extend import concrete
from funcgrad.nn._init import ones, zeros
from funcgrad.nn._module import layer, static

__all__ = ["BatchNorm", "BatchNormState", "LayerNorm", "batch_norm", "layer_norm"]


def _shape_tuple(s) -> tuple[int, ...]:
    if isinstance(s, (int, np.integer)):
        return (int(s),)
    return tuple(int(v) for v in s)


def layer_norm(x, normalized_shape, weight=None, bias=None, eps: float = 1e-5):
    """Normalise over the trailing ``normalized_shape`` axes, as PyTorch's layer_norm.

    ``(x - mean) / sqrt(var + eps) * weight + bias`` with the biased variance.

    Example:
        >>> import numpy as np
        >>> from funcgrad.nn import functional as F
        >>> F.layer_norm(np.array([[1.0, 3.0]]), (2,), eps=0.0)
        array([[-1.,  1.]])
    """
    shape = _shape_tuple(normalized_shape)
    xs = np.shape(x)
    if not shape or xs[len(xs) - len(shape) :] != shape or len(xs) < len(shape):
        raise ValueError(
            f"layer_norm: the input's trailing axes must be normalized_shape={list(shape)}; "
            f"got an input of shape {xs}"
        )
    axes = tuple(range(len(xs) - len(shape), len(xs)))
    mean = fnp.mean(x, axis=axes, keepdims=True)
    centred = x - mean
    var = fnp.mean(centred * centred, axis=axes, keepdims=True)
    out = centred / fnp.sqrt(var + eps)
    if weight is not None:
        out = out * weight
    if bias is not None:
        out = out + bias
    return out


class BatchNormState(NamedTuple):
    """BatchNorm's running statistics (a pytree), named as in PyTorch's state_dict."""

    running_mean: Any
    running_var: Any
    num_batches_tracked: Any


def _readonly(a, dtype):
    a = np.array(a, dtype=dtype)
    a.setflags(write=False)
    return a


def batch_norm(
    x,
    state: BatchNormState | None,
    weight=None,
    bias=None,
    *,
    training: bool = True,
    momentum: float | None = 0.1,
    eps: float = 1e-5,
):
    """Normalise each channel (axis 1) over the batch and spatial axes.

    Args:
        x: ``(N, C)`` or ``(N, C, *spatial)``.
        state: running statistics, or None (then batch statistics are used in
            training and in inference alike, like PyTorch's track_running_stats=False).
        weight, bias: ``(C,)`` or None.
        training: use the batch's statistics (biased variance) and update the running
            ones; otherwise normalise with the running ones.
        momentum: ``running = (1 - momentum) running + momentum batch`` (PyTorch's
            convention, the opposite of Keras'); None: a cumulative average.
        eps: added to the variance.

    Returns:
        ``(y, new_state)``; the running variance is updated with the unbiased batch
        variance, as in PyTorch. In inference ``new_state`` is ``state``.

    Example:
        >>> import numpy as np
        >>> from funcgrad.nn import BatchNormState, functional as F
        >>> s = BatchNormState(np.zeros(1), np.ones(1), np.array(0))
        >>> y, s = F.batch_norm(np.array([[1.0], [3.0]]), s, eps=0.0)
        >>> y.ravel(), s.running_mean, s.running_var, int(s.num_batches_tracked)
        (array([-1.,  1.]), array([0.2]), array([1.1]), 1)
    """
    xs = np.shape(x)
    if len(xs) < 2:
        raise ValueError(f"batch_norm: expected an input (N, C, ...); got shape {xs}")
    c = xs[1]
    axes = (0,) + tuple(range(2, len(xs)))
    bshape = (1, c) + (1,) * (len(xs) - 2)
    use_batch = training or state is None
    if use_batch:
        n = int(np.prod([xs[a] for a in axes]))
        if n <= 1:
            raise ValueError(
                f"Expected more than 1 value per channel when training, got input size {list(xs)}"
            )
        mean = fnp.mean(x, axis=axes, keepdims=True)
        centred = x - mean
        var = fnp.mean(centred * centred, axis=axes, keepdims=True)
    else:
        mean = fnp.reshape(state.running_mean, bshape)
        centred = x - mean
        var = fnp.reshape(state.running_var, bshape)
    out = centred / fnp.sqrt(var + eps)
    if weight is not None:
        out = out * fnp.reshape(weight, bshape)
    if bias is not None:
        out = out + fnp.reshape(bias, bshape)
    if not training or state is None:
        return out, state
    # running statistics: from the concrete values (no gradient), as numpy
    xc = np.asarray(concrete(x))
    count = int(np.asarray(concrete(state.num_batches_tracked))) + 1
    factor = 1.0 / count if momentum is None else momentum
    old_mean = np.asarray(concrete(state.running_mean))
    old_var = np.asarray(concrete(state.running_var))
    batch_mean = xc.mean(axis=axes)
    batch_var = xc.var(axis=axes, ddof=1)
    return out, BatchNormState(
        _readonly((1 - factor) * old_mean + factor * batch_mean, old_mean.dtype),
        _readonly((1 - factor) * old_var + factor * batch_var, old_var.dtype),
        _readonly(count, np.int64),
    )


@layer
class LayerNorm:
    """Layer normalisation over the trailing ``normalized_shape`` axes (``nn.LayerNorm``).

    ``weight`` starts at ones and ``bias`` at zeros (both None without affine).

    Example:
        >>> import numpy as np
        >>> from funcgrad import nn
        >>> ln = nn.LayerNorm(4)
        >>> y = ln(np.arange(8.0).reshape(2, 4))
        >>> np.round(y.mean(axis=-1), 12), ln.weight.shape
        (array([0., 0.]), (4,))
    """

    weight: Any
    bias: Any
    normalized_shape: tuple = static()
    eps: float = static()

    def __init__(
        self,
        normalized_shape: int | tuple[int, ...],
        eps: float = 1e-5,
        elementwise_affine: bool = True,
        use_bias: bool = True,
        *,
        dtype: Any = np.float64,
    ):
        shape = _shape_tuple(normalized_shape)
        weight = ones(shape, dtype) if elementwise_affine else None
        bias = zeros(shape, dtype) if elementwise_affine and use_bias else None
        self.__attrs_init__(weight, bias, shape, float(eps))

    def __call__(self, x):
        return layer_norm(x, self.normalized_shape, self.weight, self.bias, self.eps)


@layer
class BatchNorm:
    """Batch normalisation over axis 1 of ``(N, C)`` or ``(N, C, *spatial)`` inputs.

    PyTorch's ``BatchNorm1d``/``2d``/``3d`` in one layer, with the running statistics
    held outside it (see :func:`batch_norm`): ``y, state = bn(x, state, training=...)``.
    ``weight`` starts at ones, ``bias`` at zeros; ``init_state()`` gives running mean 0,
    running variance 1 and a batch count 0.

    Args:
        num_features: C, the number of channels.
        eps: added to the variance.
        momentum: PyTorch's convention (weight of the new batch), or None for a
            cumulative average.
        affine: learn ``weight`` and ``bias``.
        track_running_stats: False: no running statistics (``init_state()`` is None,
            batch statistics are used in inference too).
        dtype: of the parameters and the running statistics.

    Example:
        >>> import numpy as np
        >>> from funcgrad import nn
        >>> bn = nn.BatchNorm(3)
        >>> state = bn.init_state()
        >>> y, state = bn(np.arange(12.0).reshape(4, 3), state, training=True)
        >>> y.shape, state.running_mean
        ((4, 3), array([0.45, 0.55, 0.65]))
    """

    weight: Any
    bias: Any
    num_features: int = static()
    eps: float = static()
    momentum: Any = static()
    track_running_stats: bool = static()
    dtype: Any = static()

    #: Sequential threads a state through layers with this flag (see Sequential).
    has_state = True

    def __init__(
        self,
        num_features: int,
        eps: float = 1e-5,
        momentum: float | None = 0.1,
        affine: bool = True,
        track_running_stats: bool = True,
        *,
        dtype: Any = np.float64,
    ):
        weight = ones((num_features,), dtype) if affine else None
        bias = zeros((num_features,), dtype) if affine else None
        self.__attrs_init__(
            weight,
            bias,
            int(num_features),
            float(eps),
            momentum,
            bool(track_running_stats),
            np.dtype(dtype),
        )

    def init_state(self) -> BatchNormState | None:
        """Running mean 0, running variance 1, no batch seen (None if not tracking)."""
        if not self.track_running_stats:
            return None
        return BatchNormState(
            zeros((self.num_features,), self.dtype),
            ones((self.num_features,), self.dtype),
            _readonly(0, np.int64),
        )

    def __call__(self, x, state: BatchNormState | None, *, training: bool = True):
        """``(y, new_state)``: see :func:`batch_norm`."""
        if state is None and self.track_running_stats:
            raise TypeError(BATCHNORM_NEEDS_STATE)
        return batch_norm(
            x,
            state,
            self.weight,
            self.bias,
            training=training,
            momentum=self.momentum,
            eps=self.eps,
        )


BATCHNORM_NEEDS_STATE = """\
BatchNorm needs its running statistics passed in, and returns the new ones:
    state = bn.init_state()                     # once
    y, state = bn(x, state, training=True)      # not: y = bn(x)
    y, _ = bn(x_test, state, training=False)
(Construct it with track_running_stats=False to always use batch statistics.)"""

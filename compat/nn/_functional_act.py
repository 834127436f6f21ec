"""Activations and softmax of compat.nn.functional.

Each op records one funcgrad function under PyTorch's ``grad_fn`` name; the math (and
PyTorch's derivative at kinks: ``relu'(0) = 0``, ``leaky_relu'(0) = slope``,
``hardtanh' = 0`` at its bounds) is funcgrad's. ``inplace=True`` updates the input
through compat's in-place machinery, so a leaf that requires grad is refused as in
PyTorch and a non-leaf keeps its version counter honest.
"""

from __future__ import annotations

import warnings

import numpy as np

import funcgrad
import funcgrad.nn.functional as fF
import funcgrad.numpy as fnp
from compat import _unary_ops
from compat._autograd import apply
from compat._cast import to_dtype
from compat._dtypes import to_numpy
from compat._tensor import _dim, wrap
from compat.nn._functional_common import (
    check_inplace,
    finish,
    float_only,
    require_tensor,
)


def _unary(name, kernel, fn, input, inplace=False):
    """Record ``fn`` on a floating-point ``input`` (in place when asked)."""
    require_tensor(input, kernel.removesuffix("_cpu").removesuffix("KernelImpl").lower())
    float_only(input, kernel)
    check_inplace(input, inplace)
    return finish(input, apply(name, fn, input), inplace)


def relu(input, inplace=False):
    """``max(x, 0)``; its gradient at 0 is 0.

    Example:
        >>> import compat as torch
        >>> import compat.nn.functional as F
        >>> F.relu(torch.tensor([-1.0, 0.0, 2.0]))
        tensor([0., 0., 2.])
    """
    require_tensor(input, "relu")
    check_inplace(input, inplace)
    return finish(input, _unary_ops.relu(input), inplace)


def hardtanh(input, min_val=-1.0, max_val=1.0, inplace=False):
    """``clamp(x, min_val, max_val)`` with a zero gradient at and beyond the bounds.

    Example:
        >>> import compat as torch
        >>> import compat.nn.functional as F
        >>> F.hardtanh(torch.tensor([-2.0, 0.5, 2.0]))
        tensor([-1.0000,  0.5000,  1.0000])
    """
    require_tensor(input, "hardtanh")
    if min_val > max_val:
        raise ValueError("min_val cannot be greater than max_val")
    check_inplace(input, inplace)
    a = input._s.array
    if a.dtype.kind not in "fc":
        return finish(input, wrap(np.clip(a, min_val, max_val).astype(a.dtype)), inplace)
    out = apply("HardtanhBackward0", lambda v: fF.hard_tanh(v, min_val, max_val), input)
    return finish(input, out, inplace)


def relu6(input, inplace=False):
    """``min(max(x, 0), 6)`` (``hardtanh(x, 0, 6)``).

    Example:
        >>> import compat as torch
        >>> import compat.nn.functional as F
        >>> F.relu6(torch.tensor([-1.0, 3.0, 9.0]))
        tensor([0., 3., 6.])
    """
    return hardtanh(input, 0.0, 6.0, inplace)


def leaky_relu(input, negative_slope=0.01, inplace=False):
    """``x`` where ``x > 0``, else ``negative_slope * x``.

    Example:
        >>> import compat as torch
        >>> import compat.nn.functional as F
        >>> F.leaky_relu(torch.tensor([-2.0, 3.0]), 0.1)
        tensor([-0.2000,  3.0000])
    """
    name = "LeakyReluBackward1" if inplace else "LeakyReluBackward0"
    return _unary(
        name, "leaky_relu_cpu", lambda v: fF.leaky_relu(v, negative_slope), input, inplace
    )


def elu(input, alpha=1.0, inplace=False):
    """``x`` where ``x > 0``, else ``alpha * (exp(x) - 1)``.

    Example:
        >>> import compat as torch
        >>> import compat.nn.functional as F
        >>> F.elu(torch.tensor([1.0, 0.0]))
        tensor([1., 0.])
    """
    name = "EluBackward1" if inplace else "EluBackward0"
    return _unary(name, "elu_cpu", lambda v: fF.elu(v, alpha), input, inplace)


def selu(input, inplace=False):
    """Scaled ELU with the self-normalising constants.

    Example:
        >>> import compat as torch
        >>> import compat.nn.functional as F
        >>> F.selu(torch.tensor([1.0]))
        tensor([1.0507])
    """
    name = "EluBackward1" if inplace else "EluBackward0"
    return _unary(name, "elu_cpu", fF.selu, input, inplace)


def _float32(c):
    """``c`` rounded to float32: PyTorch's CPU kernels hold some constants that way, even
    for float64 tensors (a relative change of about 1e-8)."""
    return float(np.float32(c))


@funcgrad.custom_jvp
def _celu(v, alpha):
    return fF.celu(v, alpha)


@_celu.defjvp
def _celu_rule(primals, tangents):
    """PyTorch's slope: 1 for ``x > 0``, else ``s * alpha * exp(x * s)`` with
    ``s = 1 / float32(alpha)`` (so ``s * alpha`` at ``x = 0``)."""
    (v, alpha), (t, _) = primals, tangents
    s = 1.0 / _float32(alpha)
    negative = fnp.where(v > 0, 0.0, v)
    return _celu(v, alpha), t * fnp.where(v > 0, 1.0, s * alpha * fnp.exp(negative * s))


def celu(input, alpha=1.0, inplace=False):
    """``max(0, x) + min(0, alpha * (exp(x / alpha) - 1))``.

    The gradient is PyTorch's: ``1 / alpha`` is rounded to float32 in it.

    Example:
        >>> import compat as torch
        >>> import compat.nn.functional as F
        >>> F.celu(torch.tensor([1.5, 0.0]))
        tensor([1.5000, 0.0000])
    """
    name = "CeluBackward1" if inplace else "CeluBackward0"
    return _unary(name, "elu_cpu", lambda v: _celu(v, alpha), input, inplace)


def gelu(input, approximate="none"):
    """Gaussian error linear unit ``x * Phi(x)`` (``approximate='tanh'``: the tanh form).

    Example:
        >>> import compat as torch
        >>> import compat.nn.functional as F
        >>> F.gelu(torch.tensor([1.0])), F.gelu(torch.tensor([1.0]), approximate="tanh")
        (tensor([0.8413]), tensor([0.8412]))
    """
    if approximate not in ("none", "tanh"):
        raise RuntimeError("approximate argument must be either none or tanh.")
    return _unary("GeluBackward0", "GeluKernelImpl", lambda v: fF.gelu(v, approximate), input)


def silu(input, inplace=False):
    """``x * sigmoid(x)``.

    Example:
        >>> import compat as torch
        >>> import compat.nn.functional as F
        >>> F.silu(torch.tensor([0.0, 1.0]))
        tensor([0.0000, 0.7311])
    """
    return _unary("SiluBackward0", "silu_cpu", fF.silu, input, inplace)


def mish(input, inplace=False):
    """``x * tanh(softplus(x))``.

    Example:
        >>> import compat as torch
        >>> import compat.nn.functional as F
        >>> F.mish(torch.tensor([0.0, 1.0]))
        tensor([0.0000, 0.8651])
    """
    return _unary(
        "MishBackward0", "mish_cpu", lambda v: v * fnp.tanh(fF.softplus(v)), input, inplace
    )


_SIXTH = _float32(1 / 6)  # PyTorch's slope of hardsigmoid


@funcgrad.custom_jvp
def _hardsigmoid(v):
    return fnp.where(v <= -3.0, 0.0, fnp.where(v >= 3.0, 1.0, v / 6.0 + 0.5))


@_hardsigmoid.defjvp
def _hardsigmoid_rule(primals, tangents):
    """Slope ``float32(1 / 6)`` strictly inside ``(-3, 3)``, 0 elsewhere (PyTorch's)."""
    (v,), (t,) = primals, tangents
    return _hardsigmoid(v), fnp.where((v > -3.0) & (v < 3.0), t * _SIXTH, 0.0)


def hardsigmoid(input, inplace=False):
    """``relu6(x + 3) / 6``; its slope is PyTorch's float32 ``1 / 6``.

    Example:
        >>> import compat as torch
        >>> import compat.nn.functional as F
        >>> F.hardsigmoid(torch.tensor([-4.0, 0.0, 4.0]))
        tensor([0.0000, 0.5000, 1.0000])
    """
    return _unary("HardsigmoidBackward0", "hardsigmoid_cpu", _hardsigmoid, input, inplace)


def _hardswish(v):
    return fnp.where(v <= -3.0, 0.0, fnp.where(v < 3.0, v * (v + 3.0) / 6.0, v))


def hardswish(input, inplace=False):
    """``x * relu6(x + 3) / 6``.

    Example:
        >>> import compat as torch
        >>> import compat.nn.functional as F
        >>> F.hardswish(torch.tensor([-4.0, 1.0, 4.0]))
        tensor([-0.0000,  0.6667,  4.0000])
    """
    return _unary("HardswishBackward0", "hardswish_cpu", _hardswish, input, inplace)


def softplus(input, beta=1.0, threshold=20.0):
    """``log(1 + exp(beta x)) / beta``, and ``x`` where ``beta x > threshold``.

    Example:
        >>> import compat as torch
        >>> import compat.nn.functional as F
        >>> F.softplus(torch.tensor([0.0, 30.0]))
        tensor([ 0.6931, 30.0000])
    """
    return _unary(
        "SoftplusBackward0", "softplus_cpu", lambda v: fF.softplus(v, beta, threshold), input
    )


def logsigmoid(input):
    """``log(sigmoid(x))``, finite for every finite x.

    Example:
        >>> import compat as torch
        >>> import compat.nn.functional as F
        >>> F.logsigmoid(torch.tensor([-1000.0, 0.0]))
        tensor([-1000.0000,    -0.6931])
    """
    return _unary("LogSigmoidBackward0", "log_sigmoid_cpu", fF.log_sigmoid, input)


def threshold(input, threshold, value, inplace=False):
    """``x`` where ``x > threshold``, else ``value``.

    Example:
        >>> import compat as torch
        >>> import compat.nn.functional as F
        >>> F.threshold(torch.tensor([0.5, 2.0]), 1.0, -1.0)
        tensor([-1.,  2.])
    """
    require_tensor(input, "threshold")
    check_inplace(input, inplace)
    a = input._s.array
    if a.dtype.kind not in "fc":
        return finish(input, wrap(np.where(a > threshold, a, value).astype(a.dtype)), inplace)
    fill = np.asarray(value, a.dtype)
    name = "ThresholdBackward1" if inplace else "ThresholdBackward0"
    out = apply(name, lambda v: fnp.where(v > threshold, v, fill), input)
    return finish(input, out, inplace)


def sigmoid(input):
    """``1 / (1 + exp(-x))`` (integers give the default float dtype).

    Example:
        >>> import compat as torch
        >>> import compat.nn.functional as F
        >>> F.sigmoid(torch.tensor([0.0]))
        tensor([0.5000])
    """
    return _unary_ops.sigmoid(input)


def tanh(input):
    """The hyperbolic tangent.

    Example:
        >>> import compat as torch
        >>> import compat.nn.functional as F
        >>> F.tanh(torch.tensor([0.0]))
        tensor([0.])
    """
    return _unary_ops.tanh(input)


def softsign(input):
    """``x / (1 + |x|)``.

    Example:
        >>> import compat as torch
        >>> import compat.nn.functional as F
        >>> F.softsign(torch.tensor([1.0, -3.0]))
        tensor([ 0.5000, -0.7500])
    """
    return input / (_unary_ops.abs(input) + 1)


def tanhshrink(input):
    """``x - tanh(x)``.

    Example:
        >>> import compat as torch
        >>> import compat.nn.functional as F
        >>> F.tanhshrink(torch.tensor([0.0]))
        tensor([0.])
    """
    return input - _unary_ops.tanh(input)


# --- softmax ----------------------------------------------------------------------------

IMPLICIT_DIM = (
    "Implicit dimension choice for {} has been deprecated. Change the call to include "
    "dim=X as an argument."
)


def _softmax_dim(name, dim, ndim, stacklevel):
    if dim is None:
        warnings.warn(IMPLICIT_DIM.format(name), UserWarning, stacklevel=stacklevel)
        return 0 if ndim in (0, 1, 3) else 1
    return _dim(dim, ndim)


def _softmax_like(name, kernel, fn, input, dim, dtype):
    if dtype is not None:
        input = to_dtype(input, to_numpy(dtype))
    float_only(input, kernel)
    if input.ndim == 0:
        return apply(name, lambda v: fnp.reshape(fn(fnp.reshape(v, (1,)), 0), ()), input)
    return apply(name, lambda v: fn(v, dim), input)


def softmax(input, dim=None, _stacklevel=3, dtype=None):
    """``exp(x) / sum(exp(x))`` along ``dim``, without overflow.

    Without ``dim`` PyTorch's deprecated implicit choice applies (with its warning):
    dim 0 for 0-, 1- and 3-d inputs, else dim 1.

    Example:
        >>> import compat as torch
        >>> import compat.nn.functional as F
        >>> F.softmax(torch.tensor([[1.0, 1.0], [0.0, 1000.0]]), dim=1)
        tensor([[0.5000, 0.5000],
                [0.0000, 1.0000]])
    """
    require_tensor(input, "softmax")
    d = _softmax_dim("softmax", dim, input.ndim, _stacklevel)
    return _softmax_like(
        "SoftmaxBackward0", "softmax_lastdim_kernel_impl", fF.softmax, input, d, dtype
    )


def softmin(input, dim=None, _stacklevel=3, dtype=None):
    """``softmax(-x)`` along ``dim``.

    Example:
        >>> import compat as torch
        >>> import compat.nn.functional as F
        >>> F.softmin(torch.tensor([0.0, 1000.0]), dim=0)
        tensor([1., 0.])
    """
    require_tensor(input, "softmin")
    d = _softmax_dim("softmin", dim, input.ndim, _stacklevel)
    return _softmax_like(
        "SoftmaxBackward0",
        "softmax_lastdim_kernel_impl",
        lambda v, axis: fF.softmax(-v, axis),
        input,
        d,
        dtype,
    )


def log_softmax(input, dim=None, _stacklevel=3, dtype=None):
    """``x - logsumexp(x)`` along ``dim``, without overflow.

    Example:
        >>> import compat as torch
        >>> import compat.nn.functional as F
        >>> F.log_softmax(torch.tensor([1000.0, 0.0]), dim=0)
        tensor([    0., -1000.])
    """
    require_tensor(input, "log_softmax")
    d = _softmax_dim("log_softmax", dim, input.ndim, _stacklevel)
    return _softmax_like(
        "LogSoftmaxBackward0", "log_softmax_lastdim_kernel_impl", fF.log_softmax, input, d, dtype
    )

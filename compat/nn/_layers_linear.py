"""``nn.Linear``, ``nn.Conv1d`` and ``nn.Conv2d``, initialised exactly as PyTorch draws them
(``kaiming_uniform_(a=sqrt(5))`` for the weight, then U(-1/sqrt(fan_in), 1/sqrt(fan_in))
for the bias, through compat's MT19937 stream): after ``torch.manual_seed`` their
parameters are PyTorch's, bit for bit.
"""

from __future__ import annotations

import math

import numpy as np

from compat import _filled
from compat.nn import functional as F, init
from compat.nn._module import Module
from compat.nn.parameter import Parameter


def _empty(shape, dtype, device):
    return _filled.empty(*shape, dtype=dtype, device=device)


def _fan_in(weight) -> int:
    return weight.shape[1] * int(np.prod(weight.shape[2:])) if weight.ndim > 1 else 0


def _uniform_bias(bias, weight) -> None:
    """PyTorch's default bias: U(-1/sqrt(fan_in), 1/sqrt(fan_in)) of the weight's fan-in."""
    fan_in = _fan_in(weight)
    bound = 1 / math.sqrt(fan_in) if fan_in > 0 else 0
    init.uniform_(bias, -bound, bound)


class Linear(Module):
    """``y = x @ weight.T + bias``: weight ``(out_features, in_features)``, bias ``(out,)``.

    Both are drawn from U(-1/sqrt(in), 1/sqrt(in)) as PyTorch does (``kaiming_uniform_``
    with ``a=sqrt(5)``, then the bias), so after ``manual_seed`` they equal PyTorch's.

    Example:
        >>> import compat as torch
        >>> _ = torch.manual_seed(0)
        >>> fc = torch.nn.Linear(3, 2)
        >>> fc, fc(torch.ones(4, 3)).shape
        (Linear(in_features=3, out_features=2, bias=True), torch.Size([4, 2]))
    """

    def __init__(
        self, in_features: int, out_features: int, bias: bool = True, device=None, dtype=None
    ):
        super().__init__()
        self.in_features = in_features
        self.out_features = out_features
        self.weight = Parameter(_empty((out_features, in_features), dtype, device))
        if bias:
            self.bias = Parameter(_empty((out_features,), dtype, device))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """Redraw the weight and the bias from PyTorch's default distributions."""
        init.kaiming_uniform_(self.weight, a=math.sqrt(5))
        if self.bias is not None:
            _uniform_bias(self.bias, self.weight)

    def forward(self, input):
        return F.linear(input, self.weight, self.bias)

    def extra_repr(self) -> str:
        return (
            f"in_features={self.in_features}, out_features={self.out_features}, "
            f"bias={self.bias is not None}"
        )


# --- convolutions -----------------------------------------------------------------------

_PADDING_MODES = ("zeros", "reflect", "replicate", "circular")


def _tuple(v, n):
    return tuple(v) if isinstance(v, (tuple, list)) else (v,) * n


class _ConvNd(Module):
    _n = 0

    def __init__(
        self,
        in_channels,
        out_channels,
        kernel_size,
        stride=1,
        padding=0,
        dilation=1,
        groups=1,
        bias=True,
        padding_mode="zeros",
        device=None,
        dtype=None,
    ):
        super().__init__()
        n = self._n
        if groups <= 0:
            raise ValueError("groups must be a positive integer")
        if in_channels % groups != 0:
            raise ValueError("in_channels must be divisible by groups")
        if out_channels % groups != 0:
            raise ValueError("out_channels must be divisible by groups")
        kernel_size, stride, dilation = (_tuple(v, n) for v in (kernel_size, stride, dilation))
        if isinstance(padding, str):
            if padding not in ("same", "valid"):
                raise ValueError(
                    f"Invalid padding string {padding!r}, should be one of {{'valid', 'same'}}"
                )
            if padding == "same" and any(s != 1 for s in stride):
                raise ValueError("padding='same' is not supported for strided convolutions")
        else:
            padding = _tuple(padding, n)
        if padding_mode not in _PADDING_MODES:
            raise ValueError(
                "padding_mode must be one of {'zeros', 'reflect', 'replicate', 'circular'}, "
                f"but got padding_mode='{padding_mode}'"
            )
        self.in_channels = in_channels
        self.out_channels = out_channels
        self.kernel_size = kernel_size
        self.stride = stride
        self.padding = padding
        self.dilation = dilation
        self.transposed = False
        self.output_padding = (0,) * n
        self.groups = groups
        self.padding_mode = padding_mode
        self._reversed_padding_repeated_twice = _reversed_twice(padding, kernel_size, dilation)
        shape = (out_channels, in_channels // groups, *kernel_size)
        self.weight = Parameter(_empty(shape, dtype, device))
        if bias:
            self.bias = Parameter(_empty((out_channels,), dtype, device))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """Redraw the weight and the bias from PyTorch's default distributions."""
        init.kaiming_uniform_(self.weight, a=math.sqrt(5))
        if self.bias is not None and _fan_in(self.weight) != 0:
            _uniform_bias(self.bias, self.weight)

    def _conv_forward(self, input, weight, bias):
        conv = F.conv2d if self._n == 2 else F.conv1d
        return conv(
            input,
            weight,
            bias,
            self.stride,
            self.padding,
            self.dilation,
            self.groups,
            padding_mode=self.padding_mode,
        )

    def forward(self, input):
        return self._conv_forward(input, self.weight, self.bias)

    def extra_repr(self) -> str:
        s = (
            f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, "
            f"stride={self.stride}"
        )
        if isinstance(self.padding, str) or any(self.padding):
            s += f", padding={self.padding}"
        if any(d != 1 for d in self.dilation):
            s += f", dilation={self.dilation}"
        if self.groups != 1:
            s += f", groups={self.groups}"
        if self.bias is None:
            s += ", bias=False"
        if self.padding_mode != "zeros":
            s += f", padding_mode={self.padding_mode}"
        return s


def _reversed_twice(padding, kernel_size, dilation):
    """The per-side pads ``F.pad`` takes (last dimension first), as PyTorch stores them."""
    if padding == "valid":
        return [0, 0] * len(kernel_size)
    if padding == "same":
        out = [0, 0] * len(kernel_size)
        for d, k, i in zip(dilation, kernel_size, range(len(kernel_size) - 1, -1, -1)):
            total = d * (k - 1)
            left = total // 2
            out[2 * i], out[2 * i + 1] = left, total - left
        return out
    return [p for p in reversed(padding) for _ in range(2)]


class Conv1d(_ConvNd):
    """1-D convolution over ``(N, C, L)`` (or ``(C, L)``); weight ``(out, in/groups, k)``.

    Initialised like PyTorch (``fan_in = in/groups * k``), bit-exact after ``manual_seed``.

    Example:
        >>> import compat as torch
        >>> conv = torch.nn.Conv1d(2, 4, 3, stride=2, padding=1)
        >>> conv, conv(torch.zeros(1, 2, 9)).shape
        (Conv1d(2, 4, kernel_size=(3,), stride=(2,), padding=(1,)), torch.Size([1, 4, 5]))
    """

    _n = 1


class Conv2d(_ConvNd):
    """2-D convolution (cross-correlation) over NCHW inputs; weight OIHW.

    Initialised like PyTorch (``fan_in = in/groups * kH * kW``), bit-exact after
    ``manual_seed``. ``padding`` is an int, a pair, ``'valid'`` or ``'same'``.

    Example:
        >>> import compat as torch
        >>> conv = torch.nn.Conv2d(3, 8, 3, padding=1)
        >>> conv, conv(torch.zeros(2, 3, 5, 5)).shape
        (Conv2d(3, 8, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1)), torch.Size([2, 8, 5, 5]))
    """

    _n = 2

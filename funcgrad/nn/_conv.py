"""Convolutions: ``conv1d``, ``conv2d`` and the ``Conv1d``, ``Conv2d`` layers.

Layout as PyTorch: inputs NCHW (or NCL), weights OIHW (or OIL), cross-correlation (no
kernel flip). The input is padded (``funcgrad.numpy.pad``), cut into windows by the
``patches`` primitive (one strided copy: im2col, laid out ``(C kh kw, N Ho Wo)``), and
contracted with the weight by one BLAS ``matmul`` per group. Every piece is
differentiable in both modes to any order, in the input, the weight and the bias.
"""

from __future__ import annotations

from typing import Any

import numpy as np

import funcgrad.numpy as fnp
from funcgrad import random
from funcgrad.nn._init import fan_in_uniform
from funcgrad.nn._module import layer, static
from funcgrad.nn._windows import conv_padding, patches, positive_pair

__all__ = ["Conv1d", "Conv2d", "conv1d", "conv2d", "PADDING_MODES"]

#: PyTorch's padding_mode names -> numpy.pad modes.
PADDING_MODES = {"zeros": "constant", "reflect": "reflect", "replicate": "edge", "circular": "wrap"}

CHANNELS_MISMATCH = (
    "{who}: Given groups={groups}, weight of size {wshape}, expected input{xshape} to have "
    "{expected} channels, but got {got} channels instead. The weight is laid out like "
    "PyTorch's, (out_channels, in_channels / groups, *kernel), and inputs are channels-first "
    "(N, C, ...): for channels-last data pass fnp.moveaxis(x, -1, 1)."
)


def _pad_input(x, pads, padding_mode, who):
    if padding_mode not in PADDING_MODES:
        raise ValueError(
            f"{who}: padding_mode must be one of {', '.join(map(repr, PADDING_MODES))}; "
            f"got {padding_mode!r}"
        )
    if not any(a or b for a, b in pads):
        return x
    return fnp.pad(x, ((0, 0), (0, 0)) + tuple(pads), mode=PADDING_MODES[padding_mode])


def _conv2d(x, weight, bias, stride, pads, dilation, groups, padding_mode, who):
    """The batched NCHW case, with every argument already normalised."""
    n, c, _, _ = np.shape(x)
    o, cg, kh, kw = np.shape(weight)
    if c != cg * groups or o % groups:
        if o % groups:
            raise ValueError(f"{who}: out_channels ({o}) must be divisible by groups ({groups})")
        raise ValueError(
            CHANNELS_MISMATCH.format(
                who=who,
                groups=groups,
                wshape=list(np.shape(weight)),
                xshape=list(np.shape(x)),
                expected=cg * groups,
                got=c,
            )
        )
    xp = _pad_input(x, pads, padding_mode, who)
    cols = patches(xp, kernel=(kh, kw), stride=stride, dilation=dilation)
    ho, wo = np.shape(cols)[-2:]
    if ho < 1 or wo < 1:
        raise ValueError(
            f"{who}: the (padded) input {tuple(np.shape(xp)[2:])} is smaller than the "
            f"dilated kernel {(dilation[0] * (kh - 1) + 1, dilation[1] * (kw - 1) + 1)}"
        )
    # (C kh kw, N Ho Wo) per group: one BLAS matmul per group, no broadcasting
    cols = fnp.reshape(cols, (groups, cg * kh * kw, n * ho * wo))
    w = fnp.reshape(weight, (groups, o // groups, cg * kh * kw))
    out = fnp.reshape(fnp.matmul(w, cols), (o, n, ho, wo))
    out = fnp.transpose(out, (1, 0, 2, 3))
    if bias is not None:
        out = out + fnp.reshape(bias, (o, 1, 1))
    return out


def conv2d(
    x,
    weight,
    bias=None,
    stride: int | tuple[int, int] = 1,
    padding: Any = 0,
    dilation: int | tuple[int, int] = 1,
    groups: int = 1,
    *,
    padding_mode: str = "zeros",
):
    """2-D cross-correlation, as ``torch.nn.functional.conv2d``.

    Args:
        x: ``(N, C, H, W)``, or ``(C, H, W)`` for one sample.
        weight: ``(O, C / groups, kh, kw)``.
        bias: ``(O,)`` or None.
        stride, dilation: an int or a pair ``(sh, sw)``.
        padding: an int, a pair ``(ph, pw)``, explicit pairs ``((top, bottom), (left,
            right))``, ``"valid"`` (none) or ``"same"`` (output size = input size, stride 1
            only; an odd total puts the extra row/column at the bottom/right, as PyTorch).
        groups: split channels into this many independent groups.
        padding_mode: ``"zeros"``, ``"reflect"``, ``"replicate"`` or ``"circular"``.

    Returns:
        ``(N, O, Ho, Wo)`` with ``Ho = (H + pads - dilation (kh - 1) - 1) // stride + 1``.

    Example:
        >>> import numpy as np
        >>> from funcgrad.nn import functional as F
        >>> F.conv2d(np.arange(9.0).reshape(1, 1, 3, 3), np.array([[[[1.0, 0], [0, 0]]]]))
        array([[[[0., 1.],
                 [3., 4.]]]])
    """
    who = "conv2d"
    stride, dilation = positive_pair(stride, "stride"), positive_pair(dilation, "dilation")
    if isinstance(groups, bool) or not isinstance(groups, (int, np.integer)) or groups < 1:
        raise ValueError(f"{who}: groups must be a positive int; got {groups!r}")
    if np.ndim(weight) != 4:
        raise ValueError(f"{who}: weight must be 4-d (O, C/groups, kh, kw); got {np.shape(weight)}")
    pads = conv_padding(padding, np.shape(weight)[2:], dilation, stride, who)
    nd = np.ndim(x)
    if nd not in (3, 4):
        raise ValueError(
            f"{who}: expected a 3-d (C, H, W) or 4-d (N, C, H, W) input; got shape {np.shape(x)}"
        )
    xb = x if nd == 4 else fnp.expand_dims(x, 0)
    out = _conv2d(xb, weight, bias, stride, pads, dilation, int(groups), padding_mode, who)
    return out if nd == 4 else out[0]


def _one(v, name):
    """A 1-d size as an int (also from a 1-tuple)."""
    if isinstance(v, (tuple, list)) and len(v) == 1:
        v = v[0]
    if isinstance(v, bool) or not isinstance(v, (int, np.integer)):
        raise TypeError(f"{name} must be an int (or a 1-tuple); got {v!r}")
    return int(v)


def _padding_1d(padding):
    if isinstance(padding, str):
        return padding
    if (
        isinstance(padding, (tuple, list))
        and len(padding) == 1
        and isinstance(padding[0], (tuple, list))
    ):
        return ((0, 0), tuple(padding[0]))  # ((left, right),)
    p = _one(padding, "conv1d: padding")
    return ((0, 0), (p, p))


def conv1d(
    x,
    weight,
    bias=None,
    stride: int = 1,
    padding: Any = 0,
    dilation: int = 1,
    groups: int = 1,
    *,
    padding_mode: str = "zeros",
):
    """1-D cross-correlation, as ``torch.nn.functional.conv1d``.

    Args:
        x: ``(N, C, L)``, or ``(C, L)`` for one sample.
        weight: ``(O, C / groups, k)``.
        bias: ``(O,)`` or None.
        stride, dilation: ints.
        padding: an int, ``((left, right),)``, ``"valid"`` or ``"same"``.
        groups, padding_mode: as in :func:`conv2d`.

    Example:
        >>> import numpy as np
        >>> from funcgrad.nn import functional as F
        >>> F.conv1d(np.array([[[1.0, 2.0, 3.0]]]), np.array([[[1.0, -1.0]]]))
        array([[[-1., -1.]]])
    """
    if np.ndim(weight) != 3:
        raise ValueError(f"conv1d: weight must be 3-d (O, C/groups, k); got {np.shape(weight)}")
    nd = np.ndim(x)
    if nd not in (2, 3):
        raise ValueError(
            f"conv1d: expected a 2-d (C, L) or 3-d (N, C, L) input; got shape {np.shape(x)}"
        )
    x2 = fnp.expand_dims(x, -2)
    out = conv2d(
        x2,
        fnp.expand_dims(weight, -2),
        bias,
        stride=(1, _one(stride, "conv1d: stride")),
        padding=_padding_1d(padding),
        dilation=(1, _one(dilation, "conv1d: dilation")),
        groups=groups,
        padding_mode=padding_mode,
    )
    return fnp.squeeze(out, axis=-2)


def _init_conv(key, out_channels, in_channels, kernel, groups, use_bias, dtype, who):
    if in_channels % groups or out_channels % groups:
        raise ValueError(
            f"{who}: in_channels ({in_channels}) and out_channels ({out_channels}) must be "
            f"divisible by groups ({groups})"
        )
    wkey, bkey = random.split(key)
    shape = (out_channels, in_channels // groups) + tuple(kernel)
    fan_in = (in_channels // groups) * int(np.prod(kernel))
    weight = fan_in_uniform(wkey, shape, fan_in, dtype)
    bias = fan_in_uniform(bkey, (out_channels,), fan_in, dtype) if use_bias else None
    return weight, bias


@layer
class Conv2d:
    """2-D convolution layer (PyTorch's ``nn.Conv2d``): NCHW inputs, OIHW weight.

    The weight ``(out, in / groups, kh, kw)`` and bias ``(out,)`` are drawn from
    U(-1/sqrt(fan_in), 1/sqrt(fan_in)) with ``fan_in = in / groups * kh * kw``, as
    PyTorch's default. Arguments are :func:`conv2d`'s; sizes are static fields.

    Example:
        >>> import numpy as np
        >>> from funcgrad import nn, random
        >>> conv = nn.Conv2d(3, 8, 3, padding="same", key=random.key(0))
        >>> conv(np.zeros((2, 3, 5, 5))).shape, conv.weight.shape
        ((2, 8, 5, 5), (8, 3, 3, 3))
    """

    weight: Any
    bias: Any
    in_channels: int = static()
    out_channels: int = static()
    kernel_size: tuple = static()
    stride: tuple = static()
    padding: Any = static()
    dilation: tuple = static()
    groups: int = static()
    padding_mode: str = static()

    def __init__(
        self,
        in_channels: int,
        out_channels: int,
        kernel_size: int | tuple[int, int],
        stride: int | tuple[int, int] = 1,
        padding: Any = 0,
        dilation: int | tuple[int, int] = 1,
        groups: int = 1,
        use_bias: bool = True,
        padding_mode: str = "zeros",
        *,
        dtype: Any = np.float64,
        key: Any,
    ):
        kernel = positive_pair(kernel_size, "Conv2d: kernel_size")
        stride, dilation = positive_pair(stride, "stride"), positive_pair(dilation, "dilation")
        pads = conv_padding(padding, kernel, dilation, stride, "Conv2d")
        if padding_mode not in PADDING_MODES:
            raise ValueError(f"Conv2d: unknown padding_mode {padding_mode!r}")
        weight, bias = _init_conv(
            key, out_channels, in_channels, kernel, groups, use_bias, dtype, "Conv2d"
        )
        self.__attrs_init__(
            weight,
            bias,
            in_channels,
            out_channels,
            kernel,
            stride,
            pads,
            dilation,
            groups,
            padding_mode,
        )

    def __call__(self, x):
        """Apply the layer to ``x`` of shape ``(N, C, H, W)`` or ``(C, H, W)``."""
        return conv2d(
            x,
            self.weight,
            self.bias,
            self.stride,
            self.padding,
            self.dilation,
            self.groups,
            padding_mode=self.padding_mode,
        )


@layer
class Conv1d:
    """1-D convolution layer (PyTorch's ``nn.Conv1d``): NCL inputs, OIL weight.

    Initialised like :class:`Conv2d` (``fan_in = in / groups * k``).

    Example:
        >>> import numpy as np
        >>> from funcgrad import nn, random
        >>> nn.Conv1d(2, 4, 3, stride=2, key=random.key(0))(np.zeros((1, 2, 9))).shape
        (1, 4, 4)
    """

    weight: Any
    bias: Any
    in_channels: int = static()
    out_channels: int = static()
    kernel_size: int = static()
    stride: int = static()
    padding: Any = static()
    dilation: int = static()
    groups: int = static()
    padding_mode: str = static()

    def __init__(
        self,
        in_channels: int,
        out_channels: int,
        kernel_size: int,
        stride: int = 1,
        padding: Any = 0,
        dilation: int = 1,
        groups: int = 1,
        use_bias: bool = True,
        padding_mode: str = "zeros",
        *,
        dtype: Any = np.float64,
        key: Any,
    ):
        k = _one(kernel_size, "Conv1d: kernel_size")
        stride, dilation = _one(stride, "Conv1d: stride"), _one(dilation, "Conv1d: dilation")
        pads = conv_padding(_padding_1d(padding), (1, k), (1, dilation), (1, stride), "Conv1d")
        if padding_mode not in PADDING_MODES:
            raise ValueError(f"Conv1d: unknown padding_mode {padding_mode!r}")
        weight, bias = _init_conv(
            key, out_channels, in_channels, (k,), groups, use_bias, dtype, "Conv1d"
        )
        self.__attrs_init__(
            weight,
            bias,
            in_channels,
            out_channels,
            k,
            stride,
            (pads[1],),
            dilation,
            groups,
            padding_mode,
        )

    def __call__(self, x):
        """Apply the layer to ``x`` of shape ``(N, C, L)`` or ``(C, L)``."""
        return conv1d(
            x,
            self.weight,
            self.bias,
            self.stride,
            self.padding,
            self.dilation,
            self.groups,
            padding_mode=self.padding_mode,
        )

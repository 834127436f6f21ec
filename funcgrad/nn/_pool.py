"""Pooling: ``max_pool2d``, ``avg_pool2d``, ``adaptive_avg_pool2d`` and their layers.

Windows come from the same ``patches`` primitive as conv2d. Max pooling selects, in each
window, the first largest element (PyTorch's choice; ties are common after a ReLU) with
a one-hot mask, so the whole gradient goes to that element. Average pooling divides by
PyTorch's divisor (padding counted or not, ceil-mode overhang never counted). Adaptive
average pooling is two small averaging matrices, one per spatial axis, with PyTorch's bin
boundaries ``floor(i H / out)`` to ``ceil((i + 1) H / out)``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

import funcgrad.numpy as fnp
from funcgrad.extend import concrete
from funcgrad.nn._module import layer, static
from funcgrad.nn._windows import out_size, pair, patches, positive_pair

__all__ = [
    "AdaptiveAvgPool2d",
    "AvgPool2d",
    "MaxPool2d",
    "adaptive_avg_pool2d",
    "avg_pool2d",
    "max_pool2d",
]


def _setup(x, kernel_size, stride, padding, dilation, ceil_mode, who):
    """Normalise arguments; return batched x, sizes, pads per axis, output size."""
    kernel = positive_pair(kernel_size, f"{who}: kernel_size")
    stride = kernel if stride is None else positive_pair(stride, f"{who}: stride")
    pad = pair(padding, f"{who}: padding", "a non-negative int or a pair of them")
    dilation = positive_pair(dilation, f"{who}: dilation")
    nd = np.ndim(x)
    if nd not in (3, 4):
        raise ValueError(
            f"{who}: expected a 3-d (C, H, W) or 4-d (N, C, H, W) input; got {np.shape(x)}"
        )
    for p, k in zip(pad, kernel):
        if p < 0 or p > k // 2:
            raise ValueError(
                f"{who}: padding should be at most half of the kernel size; got padding="
                f"{padding!r}, kernel_size={kernel_size!r}"
            )
    xb = x if nd == 4 else fnp.expand_dims(x, 0)
    h, w = np.shape(xb)[2:]
    outs = tuple(
        out_size(n, k, s, d, (p, p), ceil_mode)
        for n, k, s, d, p in zip((h, w), kernel, stride, dilation, pad)
    )
    if min(outs) < 1:
        raise ValueError(f"{who}: the input {(h, w)} is too small for kernel {kernel}")
    # ceil mode: the last window may hang over the right edge; pad that too
    pads = tuple(
        (p, max(p, (o - 1) * s + d * (k - 1) + 1 - n - p))
        for n, k, s, d, p, o in zip((h, w), kernel, stride, dilation, pad, outs)
    )
    return xb, nd, kernel, stride, pad, dilation, pads, outs


def _windows(xb, pads, kernel, stride, dilation, outs, fill):
    if any(a or b for a, b in pads):
        xb = fnp.pad(xb, ((0, 0), (0, 0)) + pads, mode="constant", constant_values=fill)
    cols = patches(xb, kernel=kernel, stride=stride, dilation=dilation)
    c, _, _, n = np.shape(cols)[:4]
    if np.shape(cols)[-2:] != tuple(outs):
        cols = cols[..., : outs[0], : outs[1]]
    return fnp.reshape(cols, (c, kernel[0] * kernel[1], n) + tuple(outs))


def max_pool2d(
    x,
    kernel_size: int | tuple[int, int],
    stride: int | tuple[int, int] | None = None,
    padding: int | tuple[int, int] = 0,
    dilation: int | tuple[int, int] = 1,
    ceil_mode: bool = False,
):
    """The largest value of each window, as ``torch.nn.functional.max_pool2d``.

    Args:
        x: ``(N, C, H, W)`` or ``(C, H, W)``.
        kernel_size: the window, an int or a pair.
        stride: defaults to ``kernel_size``.
        padding: implicit -inf padding on both sides, at most half the kernel.
        dilation: spacing between window elements.
        ceil_mode: round the output size up instead of down.

    The gradient of each window goes entirely to its first largest element.

    Example:
        >>> import numpy as np
        >>> from funcgrad.nn import functional as F
        >>> F.max_pool2d(np.arange(16.0).reshape(1, 1, 4, 4), 2)
        array([[[[ 5.,  7.],
                 [13., 15.]]]])
    """
    xb, nd, kernel, stride, _, dilation, pads, outs = _setup(
        x, kernel_size, stride, padding, dilation, ceil_mode, "max_pool2d"
    )
    dtype = np.result_type(concrete(xb))
    lowest = -np.inf if dtype.kind == "f" else np.iinfo(dtype).min if dtype.kind in "iu" else 0
    cols = _windows(xb, pads, kernel, stride, dilation, outs, lowest)
    values = concrete(cols)  # (C, kh kw, N, Ho, Wo)
    first = np.argmax(values, axis=1)[:, None]
    mask = np.arange(values.shape[1])[None, :, None, None, None] == first
    out = fnp.transpose(fnp.sum(fnp.where(mask, cols, 0.0), axis=1), (1, 0, 2, 3))
    return out if nd == 4 else out[0]


def _avg_divisor(sizes, kernel, stride, pad, outs, count_include_pad):
    """PyTorch's divisor per output position, (Ho, Wo)."""
    per_axis = []
    for n, k, s, p, o in zip(sizes, kernel, stride, pad, outs):
        start = np.arange(o) * s - p
        end = np.minimum(start + k, n + p)
        if count_include_pad:
            per_axis.append(end - start)
        else:
            per_axis.append(np.minimum(end, n) - np.maximum(start, 0))
    return np.outer(per_axis[0], per_axis[1])


def avg_pool2d(
    x,
    kernel_size: int | tuple[int, int],
    stride: int | tuple[int, int] | None = None,
    padding: int | tuple[int, int] = 0,
    ceil_mode: bool = False,
    count_include_pad: bool = True,
    divisor_override: int | None = None,
):
    """The mean of each window, as ``torch.nn.functional.avg_pool2d``.

    Args:
        x: ``(N, C, H, W)`` or ``(C, H, W)``.
        kernel_size, stride, padding, ceil_mode: as in :func:`max_pool2d` (zero padding).
        count_include_pad: divide by the window size including padded zeros (PyTorch's
            default) or only by the number of input elements in the window.
        divisor_override: divide every window sum by this instead.

    Example:
        >>> import numpy as np
        >>> from funcgrad.nn import functional as F
        >>> F.avg_pool2d(np.arange(16.0).reshape(1, 1, 4, 4), 2)
        array([[[[ 2.5,  4.5],
                 [10.5, 12.5]]]])
    """
    xb, nd, kernel, stride, pad, _, pads, outs = _setup(
        x, kernel_size, stride, padding, 1, ceil_mode, "avg_pool2d"
    )
    if np.result_type(concrete(xb)).kind not in "fc":  # integers average to float64
        xb = fnp.astype(xb, np.float64)
    cols = _windows(xb, pads, kernel, stride, (1, 1), outs, 0.0)
    total = fnp.transpose(fnp.sum(cols, axis=1), (1, 0, 2, 3))
    if divisor_override is not None:
        out = total / divisor_override
    else:
        div = _avg_divisor(np.shape(xb)[2:], kernel, stride, pad, outs, count_include_pad)
        dtype = np.result_type(concrete(total))
        out = total * (1.0 / div).astype(dtype)
    return out if nd == 4 else out[0]


def _adaptive_matrix(n: int, out: int, dtype) -> np.ndarray:
    """(out, n): row i averages PyTorch's bin floor(i n / out) .. ceil((i + 1) n / out)."""
    i = np.arange(out)
    start = (i * n) // out
    end = -((-(i + 1) * n) // out)
    j = np.arange(n)
    inside = (j[None, :] >= start[:, None]) & (j[None, :] < end[:, None])
    return (inside / (end - start)[:, None]).astype(dtype)


def adaptive_avg_pool2d(x, output_size: int | tuple[int | None, int | None]):
    """Average pooling to a fixed output size, as ``torch.nn.functional.adaptive_avg_pool2d``.

    Args:
        x: ``(N, C, H, W)`` or ``(C, H, W)``.
        output_size: ``(Ho, Wo)`` or an int for both; None keeps that axis' size.

    Example:
        >>> import numpy as np
        >>> from funcgrad.nn import functional as F
        >>> F.adaptive_avg_pool2d(np.arange(16.0).reshape(1, 1, 4, 4), 1)
        array([[[[7.5]]]])
    """
    nd = np.ndim(x)
    if nd not in (3, 4):
        raise ValueError(
            f"adaptive_avg_pool2d: expected a 3-d or 4-d input; got shape {np.shape(x)}"
        )
    h, w = np.shape(x)[-2:]
    if isinstance(output_size, (tuple, list)):
        oh, ow = output_size
    else:
        oh = ow = output_size
    oh, ow = h if oh is None else int(oh), w if ow is None else int(ow)
    if oh < 1 or ow < 1:
        raise ValueError(f"adaptive_avg_pool2d: output_size must be positive; got {output_size}")
    dtype = np.result_type(concrete(x).dtype, np.float16)
    ah, aw = _adaptive_matrix(h, oh, dtype), _adaptive_matrix(w, ow, dtype)
    return fnp.matmul(fnp.matmul(ah, x), aw.T)


@layer
class MaxPool2d:
    """Max pooling layer (PyTorch's ``nn.MaxPool2d``); arguments as :func:`max_pool2d`.

    Example:
        >>> import numpy as np
        >>> from funcgrad import nn
        >>> nn.MaxPool2d(2)(np.zeros((1, 3, 5, 5))).shape
        (1, 3, 2, 2)
    """

    kernel_size: tuple = static()
    stride: tuple = static()
    padding: tuple = static()
    dilation: tuple = static()
    ceil_mode: bool = static()

    def __init__(self, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False):
        kernel = positive_pair(kernel_size, "MaxPool2d: kernel_size")
        stride = kernel if stride is None else positive_pair(stride, "MaxPool2d: stride")
        self.__attrs_init__(
            kernel,
            stride,
            pair(padding, "MaxPool2d: padding"),
            positive_pair(dilation, "MaxPool2d: dilation"),
            bool(ceil_mode),
        )

    def __call__(self, x):
        return max_pool2d(
            x, self.kernel_size, self.stride, self.padding, self.dilation, self.ceil_mode
        )


@layer
class AvgPool2d:
    """Average pooling layer (PyTorch's ``nn.AvgPool2d``); arguments as :func:`avg_pool2d`.

    Example:
        >>> import numpy as np
        >>> from funcgrad import nn
        >>> nn.AvgPool2d(2, stride=1)(np.ones((1, 1, 3, 3)))
        array([[[[1., 1.],
                 [1., 1.]]]])
    """

    kernel_size: tuple = static()
    stride: tuple = static()
    padding: tuple = static()
    ceil_mode: bool = static()
    count_include_pad: bool = static()
    divisor_override: Any = static()

    def __init__(
        self,
        kernel_size,
        stride=None,
        padding=0,
        ceil_mode=False,
        count_include_pad=True,
        divisor_override=None,
    ):
        kernel = positive_pair(kernel_size, "AvgPool2d: kernel_size")
        stride = kernel if stride is None else positive_pair(stride, "AvgPool2d: stride")
        self.__attrs_init__(
            kernel,
            stride,
            pair(padding, "AvgPool2d: padding"),
            bool(ceil_mode),
            bool(count_include_pad),
            divisor_override,
        )

    def __call__(self, x):
        return avg_pool2d(
            x,
            self.kernel_size,
            self.stride,
            self.padding,
            self.ceil_mode,
            self.count_include_pad,
            self.divisor_override,
        )


@layer
class AdaptiveAvgPool2d:
    """Adaptive average pooling layer (PyTorch's ``nn.AdaptiveAvgPool2d``).

    Example:
        >>> import numpy as np
        >>> from funcgrad import nn
        >>> nn.AdaptiveAvgPool2d((1, 1))(np.ones((2, 3, 7, 5))).shape
        (2, 3, 1, 1)
    """

    output_size: Any = static()

    def __init__(self, output_size):
        if isinstance(output_size, list):
            output_size = tuple(output_size)
        self.__attrs_init__(output_size)

    def __call__(self, x):
        return adaptive_avg_pool2d(x, self.output_size)

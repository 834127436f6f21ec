"""Pooling in compat.nn.functional: ``max_pool2d`` (the first maximum of each window
gets its gradient), ``avg_pool2d`` and ``adaptive_avg_pool2d``, with PyTorch's checks."""

from __future__ import annotations

import numpy as np

import funcgrad.nn.functional as fF
from compat._autograd import apply
from compat._tensor import wrap
from compat.nn._functional_common import float_only, require_tensor

# --- pooling ----------------------------------------------------------------------------


def _pair(value, who, what, allow_none=False):
    if allow_none and (value is None or (isinstance(value, (list, tuple)) and not value)):
        return None
    if isinstance(value, (list, tuple)) and len(value) in (1, 2):
        return (int(value[0]), int(value[-1]))
    if isinstance(value, (int, np.integer)) and not isinstance(value, bool):
        return (int(value), int(value))
    raise RuntimeError(f"{who}: {what}")


def _pool_checks(who, input, kernel_size, stride, padding, dilation, ceil_mode):
    kernel = _pair(
        kernel_size, who, "kernel_size must either be a single int, or a tuple of two ints"
    )
    stride = (
        _pair(
            stride,
            who,
            "stride must either be omitted, a single int, or a tuple of two ints",
            allow_none=True,
        )
        or kernel
    )
    pad = _pair(padding, who, "padding must either be a single int, or a tuple of two ints")
    dil = _pair(dilation, who, "dilation must be either a single int, or a tuple of two ints")
    for p, k, d in zip(pad, kernel, dil):
        if p > ((k - 1) * d + 1) // 2:
            raise RuntimeError(
                "pad should be at most half of effective kernel size, but got "
                f"pad={p}, kernel_size={k} and dilation={d}"
            )
    sizes = input.shape[-2:]
    outs = []
    for n, k, s, p, d in zip(sizes, kernel, stride, pad, dil):
        span = n + 2 * p - d * (k - 1) - 1
        o = (-(-span // s) if ceil_mode else span // s) + 1
        if ceil_mode and (o - 1) * s >= n + p:
            o -= 1
        outs.append(o)
    if min(outs) < 1:
        c = input.shape[-3]
        raise RuntimeError(
            f"Given input size: ({c}x{sizes[0]}x{sizes[1]}). Calculated output size: "
            f"({c}x{outs[0]}x{outs[1]}). Output size is too small"
        )
    return kernel, stride, pad, dil, tuple(outs)


def _pool_input(input, who):
    require_tensor(input, who)
    if input.ndim not in (3, 4) or input.numel() == 0:
        if who == "avg_pool2d" and input.ndim < 3:
            n = max(input.ndim, 1)
            raise IndexError(
                f"Dimension out of range (expected to be in range of [{-n}, {n - 1}], but got -3)"
            )
        raise RuntimeError("non-empty 3D or 4D (batch mode) tensor expected for input")


def _pooled(name, pool, input, integer):
    """Record ``pool`` on a floating-point input; an integer input (no gradient) is pooled
    as floats and brought back to its dtype through ``integer``."""
    a = input._s.array
    if a.dtype.kind in "fc":
        return apply(name, pool, input)
    return wrap(integer(np.asarray(pool(a))).astype(a.dtype))


def _max_indices(a, kernel, stride, pad, dil, outs):
    """PyTorch's ``return_indices``: the flat H*W index of each window's first maximum."""
    fill = -np.inf if a.dtype.kind == "f" else np.iinfo(a.dtype).min
    h, w = a.shape[-2:]
    extra = [
        max(0, (o - 1) * s + d * (k - 1) + 1 - n - p)
        for o, s, d, k, n, p in zip(outs, stride, dil, kernel, (h, w), pad)
    ]
    widths = [(0, 0)] * (a.ndim - 2) + [(pad[0], extra[0]), (pad[1], extra[1])]
    xp = np.pad(a.astype(np.float64) if a.dtype.kind == "f" else a, widths, constant_values=fill)
    spans = [d * (k - 1) + 1 for d, k in zip(dil, kernel)]
    win = np.lib.stride_tricks.sliding_window_view(xp, spans, axis=(-2, -1))
    win = win[..., :: stride[0], :: stride[1], :: dil[0], :: dil[1]][
        ..., : outs[0], : outs[1], :, :
    ]
    flat = win.reshape(win.shape[:-2] + (-1,))
    first = np.argmax(flat, axis=-1)
    i, j = first // kernel[1], first % kernel[1]
    rows = np.arange(outs[0])[:, None] * stride[0] - pad[0] + i * dil[0]
    cols = np.arange(outs[1])[None, :] * stride[1] - pad[1] + j * dil[1]
    return wrap((rows * w + cols).astype(np.int64))


def max_pool2d(
    input,
    kernel_size,
    stride=None,
    padding=0,
    dilation=1,
    ceil_mode=False,
    return_indices=False,
):
    """The largest value of each window; its whole gradient goes to the first maximum.

    Example:
        >>> import compat as torch
        >>> import compat.nn.functional as F
        >>> F.max_pool2d(torch.arange(16.0).reshape(1, 1, 4, 4), 2)
        tensor([[[[ 5.,  7.],
                  [13., 15.]]]])
    """
    _pool_input(input, "max_pool2d")
    kernel, stride, pad, dil, outs = _pool_checks(
        "max_pool2d", input, kernel_size, stride, padding, dilation, ceil_mode
    )
    out = _pooled(
        "MaxPool2DWithIndicesBackward0",
        lambda v: fF.max_pool2d(v, kernel, stride, pad, dil, ceil_mode),
        input,
        lambda r: r,
    )
    if return_indices:
        return out, _max_indices(input._s.array, kernel, stride, pad, dil, outs)
    return out


def avg_pool2d(
    input,
    kernel_size,
    stride=None,
    padding=0,
    ceil_mode=False,
    count_include_pad=True,
    divisor_override=None,
):
    """The mean of each window (zero padding counted unless ``count_include_pad=False``).

    Example:
        >>> import compat as torch
        >>> import compat.nn.functional as F
        >>> F.avg_pool2d(torch.arange(16.0).reshape(1, 1, 4, 4), 2)
        tensor([[[[ 2.5000,  4.5000],
                  [10.5000, 12.5000]]]])
    """
    _pool_input(input, "avg_pool2d")
    kernel, stride, pad, _, _ = _pool_checks(
        "avg_pool2d", input, kernel_size, stride, padding, 1, ceil_mode
    )
    if divisor_override is not None and divisor_override == 0:
        raise RuntimeError("divisor must be not zero")

    def pool(v):
        return fF.avg_pool2d(v, kernel, stride, pad, ceil_mode, count_include_pad, divisor_override)

    return _pooled("AvgPool2DBackward0", pool, input, np.trunc)  # integer division truncates


def adaptive_avg_pool2d(input, output_size):
    """Average pooling to ``output_size`` (an int, or a pair whose None keeps that axis).

    Example:
        >>> import compat as torch
        >>> import compat.nn.functional as F
        >>> F.adaptive_avg_pool2d(torch.arange(16.0).reshape(1, 1, 4, 4), 1)
        tensor([[[[7.5000]]]])
    """
    require_tensor(input, "adaptive_avg_pool2d")
    if input.ndim not in (3, 4):
        raise RuntimeError(
            f"adaptive_avg_pool2d(): Expected 3D or 4D tensor, but got {list(input.shape)}"
        )
    float_only(input, "adaptive_avg_pool2d")
    if isinstance(output_size, (list, tuple)):
        oh, ow = output_size
    else:
        oh = ow = output_size
    size = (input.shape[-2] if oh is None else int(oh), input.shape[-1] if ow is None else int(ow))
    name = "MeanBackward1" if size == (1, 1) else "AdaptiveAvgPool2DBackward0"
    return apply(name, lambda v: fF.adaptive_avg_pool2d(v, size), input)

"""The linear maps of compat.nn.functional: ``linear``, ``conv1d``, ``conv2d``.

Arguments are checked with PyTorch's messages before the funcgrad function
(``funcgrad.nn.functional``, OIHW weights like PyTorch) is recorded under PyTorch's
``grad_fn`` name. Nothing promotes dtypes: as in PyTorch, mismatched operands are errors.
"""

from __future__ import annotations

import numpy as np

import funcgrad.nn.functional as fF
import funcgrad.numpy as fnp
from compat import _linalg
from compat._autograd import apply
from compat.nn._functional_common import ntuple, require_tensor, scalar_name

# --- linear -----------------------------------------------------------------------------


def _expand_error(target, shape):
    for i in range(1, len(shape) + 1):
        have, want = shape[-i], target[-i] if i <= len(target) else None
        if have != 1 and have != want:
            raise RuntimeError(
                f"The expanded size of the tensor ({want}) must match the existing size "
                f"({have}) at non-singleton dimension {len(target) - i}.  Target sizes: "
                f"{list(target)}.  Tensor sizes: {list(shape)}"
            )


def _linear_name(ndim, has_bias):
    if ndim == 2:
        return "AddmmBackward0" if has_bias else "MmBackward0"
    if ndim == 1:
        return "ViewBackward0" if has_bias else "SqueezeBackward4"
    return "ViewBackward0" if has_bias else "UnsafeViewBackward0"


def linear(input, weight, bias=None):
    """``input @ weight.T + bias`` with ``weight`` shaped ``(out, in)``.

    No dtype promotion, as in PyTorch: a float64 input with a float32 weight is an error.

    Example:
        >>> import compat as torch
        >>> import compat.nn.functional as F
        >>> F.linear(torch.ones(2, 3), torch.ones(1, 3), torch.tensor([0.5]))
        tensor([[3.5000],
                [3.5000]])
    """
    require_tensor(input, "linear")
    require_tensor(weight, "linear", "weight", 2)
    if input.ndim == 0 or weight.ndim == 0:
        raise RuntimeError(
            "both arguments to linear need to be at least 1D, but they are "
            f"{input.ndim}D and {weight.ndim}D"
        )
    _linalg._same_dtype(input, weight, mm=bias is not None)
    if bias is not None and bias.dtype != weight.dtype:
        raise RuntimeError(
            f"self and mat2 must have the same dtype, but got {scalar_name(bias)} and "
            f"{scalar_name(weight)}"
        )
    n_in = weight.shape[-1]
    n_out = weight.shape[0] if weight.ndim == 2 else 1
    if input.shape[-1] != n_in:
        rows = int(np.prod(input.shape[:-1]))
        raise RuntimeError(
            f"mat1 and mat2 shapes cannot be multiplied ({rows}x{input.shape[-1]} and "
            f"{n_in}x{n_out})"
        )
    if bias is not None:
        _expand_error(tuple(input.shape[:-1]) + tuple(weight.shape[:-1]), tuple(bias.shape))
    name = _linear_name(input.ndim, bias is not None)
    if weight.ndim == 2:
        return apply(name, fF.linear, input, weight, bias)
    return apply(
        name, lambda x, w, b: fnp.matmul(x, w) + (0 if b is None else b), input, weight, bias
    )


# --- convolution ------------------------------------------------------------------------


def _conv_checks(nd, input, weight, bias, stride, padding, dilation, groups):
    """PyTorch's checks of a convolution's arguments; the normalised tuples."""
    who = f"conv{nd}d"
    if input.ndim not in (nd + 1, nd + 2):
        raise RuntimeError(
            f"Expected {nd + 1}D (unbatched) or {nd + 2}D (batched) input to {who}, but got "
            f"input of size: {list(input.shape)}"
        )
    k = weight.ndim - 2
    if k != nd:
        raise RuntimeError(
            f"expected stride to be a single integer value or a list of {k} values to match "
            f"the convolution dimensions, but got stride={list(ntuple(stride, nd, 's', ''))}"
        )
    if input.dtype != weight.dtype:
        raise RuntimeError(
            f"expected scalar type {scalar_name(input)} but found {scalar_name(weight)}"
        )
    if bias is not None and bias.dtype != input.dtype:
        raise RuntimeError(
            f"Input type ({_linalg._c_name(input._s.array.dtype)}) and bias type "
            f"({_linalg._c_name(bias._s.array.dtype)}) should be the same"
        )
    stride = ntuple(stride, nd, "stride", "convolution")
    dilation = ntuple(dilation, nd, "dilation", "convolution")
    if min(stride) <= 0:
        raise RuntimeError("non-positive stride is not supported")
    if min(dilation) <= 0:
        raise RuntimeError("dilation should be greater than zero")
    if isinstance(padding, str):
        if padding not in ("same", "valid"):
            raise RuntimeError(f"Invalid padding string: '{padding}'")
        if padding == "same" and max(stride) > 1:
            raise RuntimeError("padding='same' is not supported for strided convolutions")
    else:
        padding = ntuple(padding, nd, "padding", "convolution")
        if min(padding) < 0:
            raise RuntimeError("negative padding is not supported")
    w_shape = list(weight.shape)
    if groups <= 0:
        raise RuntimeError("non-positive groups is not supported")
    if w_shape[0] % groups:
        raise RuntimeError(
            f"Given groups={groups}, expected weight to be divisible by {groups} at dimension "
            f"0, but got weight of size {w_shape} instead"
        )
    batched = list(input.shape) if input.ndim == nd + 2 else [1, *input.shape]
    if batched[1] != w_shape[1] * groups:
        raise RuntimeError(
            f"Given groups={groups}, weight of size {w_shape}, expected input{batched} to have "
            f"{w_shape[1] * groups} channels, but got {batched[1]} channels instead"
        )
    if bias is not None and (bias.ndim != 1 or bias.shape[0] != w_shape[0]):
        raise RuntimeError(
            f"Given weight of size {w_shape}, expected bias to be 1-dimensional with "
            f"{w_shape[0]} elements, but got bias of size {list(bias.shape)} instead"
        )
    if padding != "same":
        pads = (0,) * nd if padding == "valid" else padding
        sizes = [n + 2 * p for n, p in zip(batched[2:], pads)]
        kernel = [d * (kk - 1) + 1 for d, kk in zip(dilation, w_shape[2:])]
        if any(n < kk for n, kk in zip(sizes, kernel)):
            raise RuntimeError(
                f"Calculated padded input size per channel: ({' x '.join(map(str, sizes))}). "
                f"Kernel size: ({' x '.join(map(str, kernel))}). Kernel size can't be greater "
                "than actual input size"
            )
    return stride, padding, dilation


def conv2d(
    input,
    weight,
    bias=None,
    stride=1,
    padding=0,
    dilation=1,
    groups=1,
    *,
    padding_mode="zeros",
):
    """2-D cross-correlation: input ``(N, C, H, W)`` or ``(C, H, W)``, weight OIHW.

    ``padding`` is an int, a pair, ``'valid'`` or ``'same'`` (stride 1). ``padding_mode``
    (keyword, not in PyTorch's functional API) is what ``nn.Conv2d`` passes.

    Example:
        >>> import compat as torch
        >>> import compat.nn.functional as F
        >>> x = torch.arange(9.0).reshape(1, 1, 3, 3)
        >>> F.conv2d(x, torch.tensor([[[[1.0, 0.0], [0.0, 0.0]]]]))
        tensor([[[[0., 1.],
                  [3., 4.]]]])
    """
    require_tensor(input, "conv2d")
    stride, padding, dilation = _conv_checks(
        2, input, weight, bias, stride, padding, dilation, groups
    )
    return apply(
        "ConvolutionBackward0" if input.ndim == 4 else "SqueezeBackward1",
        lambda x, w, b: fF.conv2d(
            x, w, b, stride, padding, dilation, groups, padding_mode=padding_mode
        ),
        input,
        weight,
        bias,
    )


def conv1d(
    input,
    weight,
    bias=None,
    stride=1,
    padding=0,
    dilation=1,
    groups=1,
    *,
    padding_mode="zeros",
):
    """1-D cross-correlation: input ``(N, C, L)`` or ``(C, L)``, weight ``(O, C/groups, k)``.

    Example:
        >>> import compat as torch
        >>> import compat.nn.functional as F
        >>> F.conv1d(torch.tensor([[[1.0, 2.0, 3.0]]]), torch.tensor([[[1.0, -1.0]]]))
        tensor([[[-1., -1.]]])
    """
    require_tensor(input, "conv1d")
    stride, padding, dilation = _conv_checks(
        1, input, weight, bias, stride, padding, dilation, groups
    )
    pad = padding if isinstance(padding, str) else padding[0]
    return apply(
        "ConvolutionBackward0" if input.ndim == 3 else "SqueezeBackward1",
        lambda x, w, b: fF.conv1d(
            x, w, b, stride[0], pad, dilation[0], groups, padding_mode=padding_mode
        ),
        input,
        weight,
        bias,
    )

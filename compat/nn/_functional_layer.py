"""The functional forms of PyTorch's layers: linear, convolutions, pooling, batch and layer
normalisation, embedding lookups.

Arguments are checked here, with PyTorch's messages, before the funcgrad function
(``funcgrad.nn.functional``, NCHW/OIHW like PyTorch) is recorded under PyTorch's
``grad_fn`` name. Nothing here promotes dtypes: like PyTorch, mismatched operands are
errors.
"""

from __future__ import annotations

import numpy as np

import funcgrad
import funcgrad.nn.functional as fF
import funcgrad.numpy as fnp
from compat import _linalg
from compat._autograd import apply
from compat._grad_mode import no_grad
from compat._shape import to_dtype
from compat._tensor import Size, wrap
from compat.nn._functional_common import float_only, ntuple, require_tensor, scalar_name
from funcgrad.nn import BatchNormState

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


# --- normalisation ----------------------------------------------------------------------


def _mixed_dtype_check(input, *params):
    """PyTorch's CPU rule: parameters share the input's dtype (float32 ones may go with a
    float16 input); the parameters of a half input are cast to it here."""
    dt = input._s.array.dtype
    given = [p for p in params if p is not None]
    if all(p._s.array.dtype == dt for p in given):
        return params
    if dt == np.float64:
        raise RuntimeError("mixed dtype (CPU): all inputs must share same datatype.")
    if dt != np.float16 or any(p._s.array.dtype != np.float32 for p in given):
        raise RuntimeError("mixed dtype (CPU): expect parameter to have scalar type of Float")
    return tuple(None if p is None else to_dtype(p, dt) for p in params)


def _count_check(name, t, c):
    if t is not None and t.numel() != c:
        raise RuntimeError(f"{name} should contain {c} elements not {t.numel()}")


def batch_norm(
    input,
    running_mean,
    running_var,
    weight=None,
    bias=None,
    training=False,
    momentum=0.1,
    eps=1e-05,
):
    """Normalise each channel (axis 1) with batch statistics (training) or running ones.

    In training, ``running_mean``/``running_var`` (when given) are updated in place:
    ``(1 - momentum) * running + momentum * batch`` with the unbiased batch variance.

    Example:
        >>> import compat as torch
        >>> import compat.nn.functional as F
        >>> rm, rv = torch.zeros(1), torch.ones(1)
        >>> y = F.batch_norm(torch.tensor([[1.0], [3.0]]), rm, rv, training=True, eps=0.0)
        >>> y, rm, rv
        (tensor([[-1.],
                [ 1.]]), tensor([0.2000]), tensor([1.1000]))
    """
    require_tensor(input, "batch_norm")
    shape = tuple(input.shape)
    if training:
        per_channel = shape[0] * int(np.prod(shape[2:])) if shape else 1
        if per_channel == 1:
            raise ValueError(
                "Expected more than 1 value per channel when training, got input size "
                f"{Size(shape)}"
            )
    if not training and running_mean is None:
        raise RuntimeError("running_mean must be defined in evaluation mode")
    c = shape[1] if len(shape) > 1 else 0
    for name, t in (
        ("weight", weight),
        ("bias", bias),
        ("running_mean", running_mean),
        ("running_var", running_var),
    ):
        _count_check(name, t, c)
    weight, bias, mean, var = _mixed_dtype_check(input, weight, bias, running_mean, running_var)
    if training or running_mean is None or running_var is None:
        out = apply(
            "NativeBatchNormBackward0",
            lambda x, w, b: fF.batch_norm(x, None, w, b, training=True, eps=eps)[0],
            input,
            weight,
            bias,
        )
        if training and running_mean is not None:
            _update_running(input._s.array, running_mean, running_var, momentum)
        return out
    return apply(
        "NativeBatchNormBackward0",
        lambda x, w, b, m, v: fF.batch_norm(
            x, BatchNormState(m, v, None), w, b, training=False, eps=eps
        )[0],
        input,
        weight,
        bias,
        mean,
        var,
    )


def _update_running(x, running_mean, running_var, momentum):
    axes = (0,) + tuple(range(2, x.ndim))
    x64 = x.astype(np.float64)
    with no_grad():
        m = running_mean._s.array.astype(np.float64)
        running_mean._assign((1 - momentum) * m + momentum * x64.mean(axis=axes))
        if running_var is not None:
            v = running_var._s.array.astype(np.float64)
            running_var._assign((1 - momentum) * v + momentum * x64.var(axis=axes, ddof=1))


def layer_norm(input, normalized_shape, weight=None, bias=None, eps=1e-05):
    """Normalise over the trailing ``normalized_shape`` axes (biased variance).

    Example:
        >>> import compat as torch
        >>> import compat.nn.functional as F
        >>> F.layer_norm(torch.tensor([[1.0, 3.0]]), (2,), eps=0.0)
        tensor([[-1.,  1.]])
    """
    require_tensor(input, "layer_norm")
    ns = (
        (int(normalized_shape),)
        if isinstance(normalized_shape, (int, np.integer))
        else (tuple(int(n) for n in normalized_shape))
    )
    if tuple(input.shape[input.ndim - len(ns) :]) != ns or input.ndim < len(ns):
        raise RuntimeError(
            f"Given normalized_shape={list(ns)}, expected input with shape "
            f"[*, {', '.join(map(str, ns))}], but got input of size{list(input.shape)}"
        )
    for name, t in (("weight", weight), ("bias", bias)):
        if t is not None and tuple(t.shape) != ns:
            raise RuntimeError(
                f"Expected {name} to be of same shape as normalized_shape, but got {name} of "
                f"shape {list(t.shape)} and normalized_shape = {list(ns)}"
            )
    weight, bias = _mixed_dtype_check(input, weight, bias)
    return apply(
        "NativeLayerNormBackward0",
        lambda x, w, b: fF.layer_norm(x, ns, w, b, eps),
        input,
        weight,
        bias,
    )


# --- embedding --------------------------------------------------------------------------


def _embedding_indices(input, num):
    a = input._s.array
    if a.dtype not in (np.int64, np.int32):
        raise RuntimeError(
            "Expected tensor for argument #1 'indices' to have one of the following scalar "
            f"types: Long, Int; but got {input.type()} instead (while checking arguments for "
            "embedding)"
        )
    if a.size and (a.min() < 0 or a.max() >= num):
        raise IndexError("index out of range in self")
    return a


def embedding(
    input,
    weight,
    padding_idx=None,
    max_norm=None,
    norm_type=2.0,
    scale_grad_by_freq=False,
    sparse=False,
):
    """Rows of ``weight`` picked by the integer tensor ``input``: ``input.shape + (dim,)``.

    ``padding_idx`` entries get no gradient; ``max_norm`` renormalises the rows used, in
    place; ``scale_grad_by_freq`` divides each row's gradient by its count in ``input``.

    Example:
        >>> import compat as torch
        >>> import compat.nn.functional as F
        >>> F.embedding(torch.tensor([[2, 0]]), torch.arange(6.0).reshape(3, 2))
        tensor([[[4., 5.],
                 [0., 1.]]])
    """
    require_tensor(input, "embedding")
    if weight.ndim != 2:
        raise RuntimeError("'weight' must be 2-D")
    num = weight.shape[0]
    if padding_idx is not None:
        if not -num <= padding_idx < num:
            raise AssertionError("Padding_idx must be within num_embeddings")
        padding_idx = padding_idx % num
    idx = _embedding_indices(input, num)
    if max_norm is not None:
        _renorm_rows(weight, idx, max_norm, norm_type)
    if not scale_grad_by_freq:
        return apply("EmbeddingBackward0", lambda w: fF.embedding(idx, w, padding_idx), weight)
    _, inverse, counts = np.unique(idx, return_inverse=True, return_counts=True)
    share = (1.0 / counts[inverse.reshape(idx.shape)])[..., None]

    def lookup(w):
        rows = fF.embedding(idx, w, padding_idx)
        scale = share.astype(rows.dtype)
        # the value of rows, the gradient of rows * scale
        return rows * scale + funcgrad.stop_gradient(rows * (1 - scale))

    return apply("EmbeddingBackward0", lookup, weight)


def _renorm_rows(weight, idx, max_norm, norm_type):
    w = weight._s.array
    rows = np.unique(idx)
    norms = np.linalg.norm(w[rows].astype(np.float64), ord=norm_type, axis=1)
    big = norms > max_norm
    if big.any():
        new = w.copy()
        new[rows[big]] = w[rows[big]] * (max_norm / (norms[big] + 1e-7))[:, None]
        with no_grad():
            weight._assign(new)

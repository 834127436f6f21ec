"""compat.nn.functional's lookups and utilities: embedding, one_hot, pad, normalize and
the distances."""

from __future__ import annotations

import numpy as np

import funcgrad
import funcgrad.nn.functional as fF
import funcgrad.numpy as fnp
from compat import _dtypes, _math
from compat._autograd import apply
from compat._cast import to_dtype
from compat._grad_mode import no_grad
from compat._reduce import _vector_norm
from compat._tensor import _dim, wrap
from compat.nn._functional_common import require_tensor


def one_hot(tensor, num_classes=-1):
    """Class indices (int64) as one-hot int64 vectors along a new last dimension.

    ``num_classes=-1`` takes one more than the largest index.

    Example:
        >>> import compat as torch
        >>> import compat.nn.functional as F
        >>> F.one_hot(torch.tensor([0, 2]), 3)
        tensor([[1, 0, 0],
                [0, 0, 1]])
    """
    require_tensor(tensor, "one_hot", "self")
    a = tensor._s.array
    if a.dtype != np.int64:
        raise RuntimeError("one_hot is only applicable to index tensor of type LongTensor.")
    if a.size and a.min() < 0:
        raise RuntimeError("Class values must be non-negative.")
    if num_classes == -1:
        if not a.size:
            raise RuntimeError("Can not infer total number of classes from empty tensor.")
        num_classes = int(a.max()) + 1
    elif a.size and a.max() >= num_classes:
        raise RuntimeError("Class values must be smaller than num_classes.")
    return wrap((a[..., None] == np.arange(num_classes)).astype(np.int64))


_PAD_MODES = {"constant": "constant", "reflect": "reflect", "replicate": "edge", "circular": "wrap"}
_PAD_SIZES = (
    "Padding size {} is not supported for {}D input tensor.\n"
    "Supported combinations for non-constant padding:\n"
    "  - 2D or 3D input: padding size = 2 (pads last dimension)\n"
    "  - 3D or 4D input: padding size = 4 (pads last 2 dimensions)\n"
    "  - 4D or 5D input: padding size = 6 (pads last 3 dimensions)"
)


def pad(input, pad, mode="constant", value=None):
    """Pad the last ``len(pad) // 2`` dimensions: ``pad = (left, right, top, bottom, ...)``.

    ``mode``: ``'constant'`` (with ``value``, default 0; negative amounts crop),
    ``'reflect'``, ``'replicate'`` or ``'circular'``.

    Example:
        >>> import compat as torch
        >>> import compat.nn.functional as F
        >>> F.pad(torch.tensor([1.0, 2.0]), (1, 2), value=9.0)
        tensor([9., 1., 2., 9., 9.])
    """
    require_tensor(input, "pad")
    pad = [int(p) for p in pad]
    k, nd = len(pad) // 2, input.ndim
    if len(pad) % 2:
        raise RuntimeError("Padding length must be divisible by 2")
    if k > nd:
        raise RuntimeError(
            "Padding length should be less than or equal to two times the input dimension "
            f"but got padding length {len(pad)} and input of dimension {nd}"
        )
    if mode not in _PAD_MODES:
        raise NotImplementedError(f"Unrecognised padding mode {mode}")
    pairs = [(0, 0)] * (nd - k) + [(pad[2 * i], pad[2 * i + 1]) for i in reversed(range(k))]
    if mode == "constant":
        fill = np.asarray(0 if value is None else value).astype(input._s.array.dtype)
        grow = [(max(a, 0), max(b, 0)) for a, b in pairs]
        crop = tuple(
            slice(max(-a, 0), n + a + b + max(-a, 0)) for (a, b), n in zip(pairs, input.shape)
        )
        return apply(
            "ConstantPadNdBackward0",
            lambda v: fnp.pad(v, grow, mode="constant", constant_values=fill)[crop],
            input,
        )
    if value is not None and value != 0:
        raise RuntimeError(f'Padding mode "{mode}" doesn\'t take in value argument')
    if nd not in (k + 1, k + 2):
        raise NotImplementedError(_PAD_SIZES.format(len(pad), nd))
    if mode == "reflect":
        for d, (a, b) in enumerate(pairs):
            if max(a, b) >= input.shape[d] and (a or b):
                raise RuntimeError(
                    "Argument #4: Padding size should be less than the corresponding input "
                    f"dimension, but got: padding ({a}, {b}) at dimension {d} of input "
                    f"{list(input.shape)}"
                )
    name = {
        "reflect": f"ReflectionPad{k}DBackward0",
        "replicate": f"ReplicationPad{k}DBackward0",
        "circular": "CopySlices",
    }[mode]
    return apply(name, lambda v: fnp.pad(v, pairs, mode=_PAD_MODES[mode]), input)


def normalize(input, p=2.0, dim=1, eps=1e-12, out=None):
    """``input / max(norm_p(input, dim), eps)``: unit vectors along ``dim``.

    Example:
        >>> import compat as torch
        >>> import compat.nn.functional as F
        >>> F.normalize(torch.tensor([[3.0, 4.0], [0.0, 0.0]]))
        tensor([[0.6000, 0.8000],
                [0.0000, 0.0000]])
    """
    require_tensor(input, "normalize")
    denom = input.norm(p, dim, keepdim=True).clamp_min(eps).expand_as(input)
    return _math.div(input, denom)


def _float_pair(x1, x2):
    rt = _dtypes.result_type(x1, x2)
    if rt.kind not in "fc":
        rt = _dtypes.default_np()
    _math._broadcast_check(x1, x2)
    return to_dtype(x1, rt), to_dtype(x2, rt)


def cosine_similarity(x1, x2, dim=1, eps=1e-8):
    """Cosine of the angle between ``x1`` and ``x2`` along ``dim`` (broadcast).

    Each vector is divided by its norm first, the norm raised to at least ``eps``
    (the gradient treats the norm as if it were not raised, as PyTorch's does).

    Example:
        >>> import compat as torch
        >>> import compat.nn.functional as F
        >>> F.cosine_similarity(torch.tensor([[3.0, 4.0]]), torch.tensor([[4.0, 3.0]]))
        tensor([0.9600])
    """
    require_tensor(x1, "cosine_similarity", "x1")
    require_tensor(x2, "cosine_similarity", "x2", 2)
    x1, x2 = _float_pair(x1, x2)
    shape = np.broadcast_shapes(x1.shape, x2.shape)
    d = _dim(dim, len(shape))

    def unit(v):
        v = fnp.broadcast_to(v, shape)
        n = _vector_norm(v, 2, (d,), True)
        return v / (n + funcgrad.stop_gradient(fnp.maximum(n, eps) - n))

    return apply("SumBackward1", lambda a, b: fnp.sum(unit(a) * unit(b), axis=d), x1, x2)


def pairwise_distance(x1, x2, p=2.0, eps=1e-6, keepdim=False):
    """``norm_p(x1 - x2 + eps)`` over the last dimension.

    Example:
        >>> import compat as torch
        >>> import compat.nn.functional as F
        >>> F.pairwise_distance(torch.tensor([[3.0, 4.0]]), torch.zeros(1, 2), eps=0.0)
        tensor([5.])
    """
    require_tensor(x1, "pairwise_distance", "x1")
    require_tensor(x2, "pairwise_distance", "x2", 2)
    x1, x2 = _float_pair(x1, x2)
    return apply("NormBackward1", lambda a, b: _vector_norm(a - b + eps, p, (-1,), keepdim), x1, x2)


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

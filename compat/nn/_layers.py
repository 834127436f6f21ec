"""PyTorch's layers as compat Modules: same constructors, parameter names, shapes and
registration order (weight, then bias), default initialisation drawn as PyTorch draws
it, buffers, ``train()``/``eval()`` behaviour and reprs; ``forward`` is
compat.nn.functional. Here: Identity, pooling, Flatten/Unflatten, dropout, Embedding and
the distances; ``Linear`` and the convolutions (``_layers_linear``) and the
normalisation layers (``_layers_norm``) are re-exported from here.
"""

from __future__ import annotations

from compat._grad_mode import no_grad
from compat.nn import functional as F, init
from compat.nn._layers_linear import (  # noqa: F401 (re-exported)
    Conv1d,
    Conv2d,
    Linear,
    _empty,
)
from compat.nn._layers_norm import BatchNorm1d, BatchNorm2d, LayerNorm  # noqa: F401
from compat.nn._module import Module
from compat.nn.parameter import Parameter


class Identity(Module):
    """Returns its input (any constructor arguments are ignored).

    Example:
        >>> import compat as torch
        >>> torch.nn.Identity(54, unused="x")(torch.tensor([1.0]))
        tensor([1.])
    """

    def __init__(self, *args, **kwargs):
        super().__init__()

    def forward(self, input):
        return input


# --- pooling ----------------------------------------------------------------------------


class MaxPool2d(Module):
    """Max pooling (stride defaults to the kernel size; the first maximum gets the gradient).

    Example:
        >>> import compat as torch
        >>> pool = torch.nn.MaxPool2d(2)
        >>> pool, pool(torch.zeros(1, 3, 5, 5)).shape
        (MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False),
         torch.Size([1, 3, 2, 2]))
    """

    def __init__(
        self, kernel_size, stride=None, padding=0, dilation=1, return_indices=False, ceil_mode=False
    ):
        super().__init__()
        self.kernel_size = kernel_size
        self.stride = stride if stride is not None else kernel_size
        self.padding = padding
        self.dilation = dilation
        self.return_indices = return_indices
        self.ceil_mode = ceil_mode

    def forward(self, input):
        return F.max_pool2d(
            input,
            self.kernel_size,
            self.stride,
            self.padding,
            self.dilation,
            ceil_mode=self.ceil_mode,
            return_indices=self.return_indices,
        )

    def extra_repr(self) -> str:
        return (
            f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}, "
            f"dilation={self.dilation}, ceil_mode={self.ceil_mode}"
        )


class AvgPool2d(Module):
    """Average pooling (stride defaults to the kernel size).

    Example:
        >>> import compat as torch
        >>> torch.nn.AvgPool2d(2)(torch.arange(16.0).reshape(1, 4, 4))
        tensor([[[ 2.5000,  4.5000],
                 [10.5000, 12.5000]]])
    """

    def __init__(
        self,
        kernel_size,
        stride=None,
        padding=0,
        ceil_mode=False,
        count_include_pad=True,
        divisor_override=None,
    ):
        super().__init__()
        self.kernel_size = kernel_size
        self.stride = stride if stride is not None else kernel_size
        self.padding = padding
        self.ceil_mode = ceil_mode
        self.count_include_pad = count_include_pad
        self.divisor_override = divisor_override

    def forward(self, input):
        return F.avg_pool2d(
            input,
            self.kernel_size,
            self.stride,
            self.padding,
            self.ceil_mode,
            self.count_include_pad,
            self.divisor_override,
        )

    def extra_repr(self) -> str:
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"


class AdaptiveAvgPool2d(Module):
    """Average pooling to a fixed output size (``(1, 1)``: global average pooling).

    Example:
        >>> import compat as torch
        >>> pool = torch.nn.AdaptiveAvgPool2d((1, 1))
        >>> pool, pool(torch.ones(2, 3, 7, 5)).shape
        (AdaptiveAvgPool2d(output_size=(1, 1)), torch.Size([2, 3, 1, 1]))
    """

    def __init__(self, output_size):
        super().__init__()
        self.output_size = output_size

    def forward(self, input):
        return F.adaptive_avg_pool2d(input, self.output_size)

    def extra_repr(self) -> str:
        return f"output_size={self.output_size}"


# --- shape --------------------------------------------------------------------------------


class Flatten(Module):
    """Flatten dimensions ``start_dim`` to ``end_dim`` (default: all but the batch).

    Example:
        >>> import compat as torch
        >>> flat = torch.nn.Flatten()
        >>> flat, flat(torch.zeros(2, 3, 4)).shape
        (Flatten(start_dim=1, end_dim=-1), torch.Size([2, 12]))
    """

    def __init__(self, start_dim: int = 1, end_dim: int = -1):
        super().__init__()
        self.start_dim = start_dim
        self.end_dim = end_dim

    def forward(self, input):
        return input.flatten(self.start_dim, self.end_dim)

    def extra_repr(self) -> str:
        return f"start_dim={self.start_dim}, end_dim={self.end_dim}"


class Unflatten(Module):
    """Split dimension ``dim`` into ``unflattened_size``.

    Example:
        >>> import compat as torch
        >>> torch.nn.Unflatten(1, (2, 3))(torch.zeros(4, 6)).shape
        torch.Size([4, 2, 3])
    """

    def __init__(self, dim, unflattened_size):
        super().__init__()
        self.dim = dim
        self.unflattened_size = unflattened_size

    def forward(self, input):
        return input.unflatten(self.dim, self.unflattened_size)

    def extra_repr(self) -> str:
        return f"dim={self.dim}, unflattened_size={self.unflattened_size}"


# --- dropout ------------------------------------------------------------------------------


class Dropout(Module):
    """In training, zero each element with probability ``p`` and scale the rest by
    ``1 / (1 - p)``; in eval mode, the identity.

    Example:
        >>> import compat as torch
        >>> drop = torch.nn.Dropout(0.25)
        >>> drop, drop.eval()(torch.ones(2))
        (Dropout(p=0.25, inplace=False), tensor([1., 1.]))
    """

    _fn = staticmethod(F.dropout)

    def __init__(self, p: float = 0.5, inplace: bool = False):
        super().__init__()
        if p < 0 or p > 1:
            raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
        self.p = p
        self.inplace = inplace

    def forward(self, input):
        return type(self)._fn(input, self.p, self.training, self.inplace)

    def extra_repr(self) -> str:
        return f"p={self.p}, inplace={self.inplace}"


class Dropout1d(Dropout):
    """Zero whole channels of ``(N, C, L)`` inputs in training.

    Example:
        >>> import compat as torch
        >>> torch.nn.Dropout1d(0.2)
        Dropout1d(p=0.2, inplace=False)
    """

    _fn = staticmethod(F.dropout1d)


class Dropout2d(Dropout):
    """Zero whole channels of ``(N, C, H, W)`` inputs in training.

    Example:
        >>> import compat as torch
        >>> torch.nn.Dropout2d(0.2)
        Dropout2d(p=0.2, inplace=False)
    """

    _fn = staticmethod(F.dropout2d)


# --- embedding ----------------------------------------------------------------------------


class Embedding(Module):
    """A table of ``num_embeddings`` vectors of size ``embedding_dim``, drawn from N(0, 1).

    The ``padding_idx`` row starts at zero and receives no gradient.

    Example:
        >>> import compat as torch
        >>> emb = torch.nn.Embedding(10, 3, padding_idx=0)
        >>> emb, emb(torch.tensor([[1, 2], [0, 4]])).shape, emb.weight[0].tolist()
        (Embedding(10, 3, padding_idx=0), torch.Size([2, 2, 3]), [0.0, 0.0, 0.0])
    """

    def __init__(
        self,
        num_embeddings,
        embedding_dim,
        padding_idx=None,
        max_norm=None,
        norm_type=2.0,
        scale_grad_by_freq=False,
        sparse=False,
        _weight=None,
        _freeze=False,
        device=None,
        dtype=None,
    ):
        super().__init__()
        self.num_embeddings = num_embeddings
        self.embedding_dim = embedding_dim
        if padding_idx is not None:
            if not -num_embeddings <= padding_idx < num_embeddings:
                raise AssertionError("Padding_idx must be within num_embeddings")
            padding_idx %= num_embeddings
        self.padding_idx = padding_idx
        self.max_norm = max_norm
        self.norm_type = norm_type
        self.scale_grad_by_freq = scale_grad_by_freq
        self.sparse = sparse
        if _weight is None:
            shape = (num_embeddings, embedding_dim)
            self.weight = Parameter(_empty(shape, dtype, device), requires_grad=not _freeze)
            self.reset_parameters()
        else:
            if list(_weight.shape) != [num_embeddings, embedding_dim]:
                raise AssertionError(
                    "Shape of weight does not match num_embeddings and embedding_dim"
                )
            self.weight = Parameter(_weight, requires_grad=not _freeze)

    def reset_parameters(self) -> None:
        """Redraw the weight from N(0, 1) and zero the padding row."""
        init.normal_(self.weight)
        if self.padding_idx is not None:
            with no_grad():
                self.weight[self.padding_idx] = 0

    def forward(self, input):
        return F.embedding(
            input,
            self.weight,
            self.padding_idx,
            self.max_norm,
            self.norm_type,
            self.scale_grad_by_freq,
            self.sparse,
        )

    def extra_repr(self) -> str:
        s = f"{self.num_embeddings}, {self.embedding_dim}"
        if self.padding_idx is not None:
            s += f", padding_idx={self.padding_idx}"
        if self.max_norm is not None:
            s += f", max_norm={self.max_norm}"
        if self.norm_type != 2:
            s += f", norm_type={self.norm_type}"
        if self.scale_grad_by_freq is not False:
            s += f", scale_grad_by_freq={self.scale_grad_by_freq}"
        if self.sparse is not False:
            s += ", sparse=True"
        return s

    @classmethod
    def from_pretrained(
        cls,
        embeddings,
        freeze=True,
        padding_idx=None,
        max_norm=None,
        norm_type=2.0,
        scale_grad_by_freq=False,
        sparse=False,
    ):
        """An Embedding around ``embeddings`` (2-d; shared, frozen unless ``freeze=False``).

        Example:
            >>> import compat as torch
            >>> emb = torch.nn.Embedding.from_pretrained(torch.eye(3))
            >>> emb(torch.tensor([2])), emb.weight.requires_grad
            (tensor([[0., 0., 1.]]), False)
        """
        if embeddings.dim() != 2:
            raise AssertionError("Embeddings parameter is expected to be 2-dimensional")
        rows, cols = embeddings.shape
        return cls(
            rows,
            cols,
            padding_idx,
            max_norm,
            norm_type,
            scale_grad_by_freq,
            sparse,
            _weight=embeddings,
            _freeze=freeze,
        )


# --- distances ----------------------------------------------------------------------------


class CosineSimilarity(Module):
    """Cosine similarity along ``dim``.

    Example:
        >>> import compat as torch
        >>> torch.nn.CosineSimilarity()(torch.tensor([[1.0, 0.0]]), torch.tensor([[1.0, 1.0]]))
        tensor([0.7071])
    """

    def __init__(self, dim: int = 1, eps: float = 1e-8):
        super().__init__()
        self.dim = dim
        self.eps = eps

    def forward(self, x1, x2):
        return F.cosine_similarity(x1, x2, self.dim, self.eps)


class PairwiseDistance(Module):
    """``norm_p(x1 - x2 + eps)`` over the last dimension.

    Example:
        >>> import compat as torch
        >>> torch.nn.PairwiseDistance(eps=0.0)(torch.tensor([[3.0, 4.0]]), torch.zeros(1, 2))
        tensor([5.])
    """

    def __init__(self, p: float = 2.0, eps: float = 1e-6, keepdim: bool = False):
        super().__init__()
        self.norm = p
        self.eps = eps
        self.keepdim = keepdim

    def forward(self, x1, x2):
        return F.pairwise_distance(x1, x2, self.norm, self.eps, self.keepdim)

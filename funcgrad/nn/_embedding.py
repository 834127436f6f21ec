"""Embedding lookup: ``embedding`` and the ``Embedding`` layer."""

from __future__ import annotations

from typing import Any

import numpy as np

import funcgrad.numpy as fnp
from funcgrad.extend import concrete
from funcgrad.nn._init import normal
from funcgrad.nn._module import layer, static

__all__ = ["Embedding", "embedding"]


def _indices(idx, num: int) -> np.ndarray:
    idx = np.asarray(concrete(idx))
    if not np.issubdtype(idx.dtype, np.integer):
        raise TypeError(
            f"embedding: indices must be integers; got dtype {idx.dtype}. "
            "Convert token ids with ids.astype(np.int64)."
        )
    if idx.size and (idx.min() < 0 or idx.max() >= num):
        raise IndexError(
            f"embedding: index out of range: indices must lie in [0, {num}); got values from "
            f"{idx.min()} to {idx.max()}"
        )
    return idx


def embedding(idx, weight, padding_idx: int | None = None):
    """Rows of ``weight`` picked by the integer array ``idx``: ``idx.shape + (dim,)``.

    Args:
        idx: integer indices into the first axis of ``weight``.
        weight: ``(num_embeddings, embedding_dim)``.
        padding_idx: entries equal to it give that row of ``weight`` as a constant:
            it receives no gradient (PyTorch's padding_idx).

    Example:
        >>> import numpy as np
        >>> from funcgrad.nn import functional as F
        >>> F.embedding(np.array([[2, 0]]), np.arange(6.0).reshape(3, 2))
        array([[[4., 5.],
                [0., 1.]]])
    """
    num = np.shape(weight)[0]
    idx = _indices(idx, num)
    out = fnp.take(weight, idx, axis=0)
    if padding_idx is None:
        return out
    pad = padding_idx % num
    hit = (idx == pad)[..., None]
    if not hit.any():
        return out
    return fnp.where(hit, np.asarray(concrete(weight))[pad], out)


@layer
class Embedding:
    """A lookup table of ``num_embeddings`` vectors of size ``embedding_dim``.

    ``weight`` is drawn from N(0, 1), PyTorch's default; the ``padding_idx`` row is
    zero and receives no gradient.

    Example:
        >>> import numpy as np
        >>> from funcgrad import nn, random
        >>> emb = nn.Embedding(10, 3, key=random.key(0))
        >>> emb(np.array([[1, 2], [3, 4]])).shape
        (2, 2, 3)
    """

    weight: Any
    num_embeddings: int = static()
    embedding_dim: int = static()
    padding_idx: Any = static()

    def __init__(
        self,
        num_embeddings: int,
        embedding_dim: int,
        padding_idx: int | None = None,
        *,
        dtype: Any = np.float64,
        key: Any,
    ):
        weight = normal(key, (num_embeddings, embedding_dim), dtype=dtype)
        if padding_idx is not None:
            if not -num_embeddings <= padding_idx < num_embeddings:
                raise ValueError("Embedding: padding_idx must be within num_embeddings")
            padding_idx = int(padding_idx) % num_embeddings
            weight = np.array(weight)
            weight[padding_idx] = 0
            weight.setflags(write=False)
        self.__attrs_init__(weight, int(num_embeddings), int(embedding_dim), padding_idx)

    def __call__(self, idx):
        """Look up ``idx`` (integers of any shape): ``idx.shape + (embedding_dim,)``."""
        return embedding(idx, self.weight, self.padding_idx)

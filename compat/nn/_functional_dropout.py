"""Dropout in compat.nn.functional: masks drawn from compat's global generator (so
``torch.manual_seed`` makes them reproducible), survivors scaled by ``1 / (1 - p)``."""

from __future__ import annotations

import warnings

import numpy as np

from compat import _random
from compat._autograd import apply
from compat.nn._functional_common import (
    check_inplace,
    finish,
    require_tensor,
)

# --- dropout ----------------------------------------------------------------------------


def _check_p(p):
    if p < 0.0 or p > 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")


def _dropped(input, p, mask_shape, inplace):
    """``input`` times a fresh keep-mask of ``mask_shape`` scaled by ``1 / (1 - p)``."""
    dtype = input._s.array.dtype
    if p == 1:
        scale = np.zeros(mask_shape, dtype)
    else:
        n = int(np.prod(mask_shape))
        keep = _random.default_generator.uniform(n, np.float64) < 1.0 - p
        scale = keep.reshape(mask_shape).astype(dtype) / np.asarray(1.0 - p, dtype)
    return finish(input, apply("MulBackward0", lambda v: v * scale, input), inplace)


def dropout(input, p=0.5, training=True, inplace=False):
    """Zero each element with probability ``p``, scale the others by ``1 / (1 - p)``.

    The mask comes from compat's global generator (``torch.manual_seed`` makes it
    reproducible). Not training, or ``p == 0``: the input itself.

    Example:
        >>> import compat as torch
        >>> import compat.nn.functional as F
        >>> _ = torch.manual_seed(0)
        >>> sorted(set(F.dropout(torch.ones(100), 0.5).tolist()))
        [0.0, 2.0]
        >>> F.dropout(torch.ones(2), 0.5, training=False)
        tensor([1., 1.])
    """
    require_tensor(input, "dropout")
    _check_p(p)
    if not training or p == 0:
        return input
    check_inplace(input, inplace)
    return _dropped(input, p, input.shape, inplace)


def _feature_dropout(input, p, training, inplace, batched):
    """Channel-wise dropout: one mask entry per (sample, channel)."""
    if not training or p == 0:
        return input
    check_inplace(input, inplace)
    shape = tuple(input.shape)
    lead = 2 if batched else 1
    return _dropped(input, p, shape[:lead] + (1,) * (len(shape) - lead), inplace)


def dropout1d(input, p=0.5, training=True, inplace=False):
    """Zero whole channels of ``(N, C, L)`` or ``(C, L)`` inputs with probability ``p``.

    Example:
        >>> import compat as torch
        >>> import compat.nn.functional as F
        >>> y = F.dropout1d(torch.ones(8, 3, 5), 0.5)
        >>> bool(((y == 0).all(-1) | (y == 2).all(-1)).all())
        True
    """
    require_tensor(input, "dropout1d")
    _check_p(p)
    if input.ndim not in (2, 3):
        raise RuntimeError(
            f"dropout1d: Expected 2D or 3D input, but received a {input.ndim}D input. Note "
            "that dropout1d exists to provide channel-wise dropout on inputs with 1 spatial "
            "dimension, a channel dimension, and an optional batch dimension (i.e. 2D or 3D "
            "inputs)."
        )
    return _feature_dropout(input, p, training, inplace, input.ndim == 3)


def dropout2d(input, p=0.5, training=True, inplace=False):
    """Zero whole channels of ``(N, C, H, W)`` inputs with probability ``p``.

    A 3-d input is taken as ``(N, C, L)`` with PyTorch's warning, as PyTorch does.

    Example:
        >>> import compat as torch
        >>> import compat.nn.functional as F
        >>> y = F.dropout2d(torch.ones(4, 3, 2, 2), 0.5)
        >>> bool(((y == 0).all((2, 3)) | (y == 2).all((2, 3))).all())
        True
    """
    require_tensor(input, "dropout2d")
    _check_p(p)
    if input.ndim not in (3, 4):
        warnings.warn(
            f"dropout2d: Received a {input.ndim}-D input to dropout2d, which is deprecated "
            "and will result in an error in a future release. To retain the behavior and "
            "silence this warning, please use dropout instead. Note that dropout2d exists to "
            "provide channel-wise dropout on inputs with 2 spatial dimensions, a channel "
            "dimension, and an optional batch dimension (i.e. 3D or 4D inputs).",
            UserWarning,
            stacklevel=2,
        )
    if input.ndim == 3:
        warnings.warn(
            "dropout2d: Received a 3D input to dropout2d and assuming that channel-wise 1D "
            "dropout behavior is desired - input is interpreted as shape (N, C, L), where C "
            "is the channel dim. This behavior will change in a future release to interpret "
            "the input as one without a batch dimension, i.e. shape (C, H, W). To maintain "
            "the 1D channel-wise dropout behavior, please switch to using dropout1d instead.",
            UserWarning,
            stacklevel=2,
        )
    return _feature_dropout(input, p, training, inplace, input.ndim >= 2)

"""Gradient clipping: ``clip_grad_norm_``, ``clip_grad_value_`` (``torch.nn.utils``)."""

from __future__ import annotations

import types
import warnings

import numpy as np

from compat._creation import tensor
from compat._grad_mode import no_grad
from compat._tensor import Tensor, wrap

__all__ = [
    "clip_grad_norm_",
    "clip_grad_norm",
    "clip_grad_value_",
    "get_total_norm",
    "clip_grads_with_norm_",
]


def _as_list(tensors) -> list:
    return [tensors] if isinstance(tensors, Tensor) else list(tensors)


def _vector_norm(a: np.ndarray, p: float) -> float:
    """The p-norm of ``a`` flattened (``inf``: max |x|, ``-inf``: min |x|, 0: count)."""
    flat = np.abs(a.reshape(-1)).astype(np.float64)
    if p == np.inf:
        return float(flat.max(initial=0.0))
    if p == -np.inf:
        return float(flat.min()) if flat.size else np.inf
    if p == 0:
        return float(np.count_nonzero(flat))
    if p == 2:
        return float(np.sqrt(np.dot(flat, flat)))
    return float(np.sum(flat**p) ** (1.0 / p))


def get_total_norm(tensors, norm_type=2.0, error_if_nonfinite=False, foreach=None) -> Tensor:
    """The p-norm of all ``tensors`` together, as if concatenated into one vector.

    Example:
        >>> import compat as torch
        >>> torch.nn.utils.get_total_norm([torch.tensor([3.0]), torch.tensor([4.0])])
        tensor(5.)
    """
    tensors = _as_list(tensors)
    norm_type = float(norm_type)
    if not tensors:
        return tensor(0.0)
    arrays = [t._data for t in tensors]
    norms = [np.asarray(_vector_norm(a, norm_type), a.real.dtype) for a in arrays]
    dtype = np.result_type(*norms)
    total = np.asarray(_vector_norm(np.array(norms, dtype), norm_type), dtype)
    if error_if_nonfinite and not np.isfinite(total):
        raise RuntimeError(
            f"The total norm of order {norm_type} for gradients from `parameters` is "
            "non-finite, so it cannot be clipped. To disable this error and scale the "
            "gradients by the non-finite norm anyway, set `error_if_nonfinite=False`"
        )
    return wrap(total)


def clip_grads_with_norm_(parameters, max_norm, total_norm, foreach=None) -> None:
    """Scale the gradients by ``min(1, max_norm / (total_norm + 1e-6))``, in place."""
    grads = [p.grad for p in _as_list(parameters) if p.grad is not None]
    if not grads:
        return
    with no_grad():
        coef = (float(max_norm) / (total_norm + 1e-6)).clamp(max=1.0)
        for g in grads:
            g.mul_(coef)


def clip_grad_norm_(
    parameters, max_norm, norm_type=2.0, error_if_nonfinite=False, foreach=None
) -> Tensor:
    """Rescale gradients so that their total p-norm is at most ``max_norm``, in place.

    The total norm is taken over all gradients together; each gradient is multiplied by
    ``min(1, max_norm / (total + 1e-6))``.

    Args:
        parameters: a tensor or an iterable of tensors (their ``.grad`` is clipped).
        max_norm: the largest allowed total norm.
        norm_type: p of the p-norm (``float('inf')`` for the max norm).
        error_if_nonfinite: raise when the total norm is nan or infinite.
        foreach: accepted for compatibility.

    Returns:
        The total norm before clipping, as a 0-d tensor.

    Example:
        >>> import compat as torch
        >>> w = torch.tensor([1.0, 1.0], requires_grad=True)
        >>> (3 * w[0] + 4 * w[1]).backward()
        >>> torch.nn.utils.clip_grad_norm_([w], max_norm=1.0)
        tensor(5.)
        >>> w.grad
        tensor([0.6000, 0.8000])
    """
    generator = isinstance(parameters, types.GeneratorType)
    parameters = _as_list(parameters)
    if generator and not parameters:
        warnings.warn(
            "`parameters` is an empty generator, no gradient clipping will occur.",
            UserWarning,
            stacklevel=2,
        )
    grads = [p.grad for p in parameters if p.grad is not None]
    total = get_total_norm(grads, norm_type, error_if_nonfinite, foreach)
    clip_grads_with_norm_(parameters, max_norm, total, foreach)
    return total


def clip_grad_norm(parameters, max_norm, norm_type=2.0, error_if_nonfinite=False, foreach=None):
    """Deprecated spelling of :func:`clip_grad_norm_` (warns)."""
    warnings.warn(
        "`torch.nn.utils.clip_grad_norm` is now deprecated in favor of "
        "`torch.nn.utils.clip_grad_norm_`.",
        FutureWarning,
        stacklevel=2,
    )
    return clip_grad_norm_(parameters, max_norm, norm_type, error_if_nonfinite, foreach)


def clip_grad_value_(parameters, clip_value, foreach=None) -> None:
    """Clamp every gradient into ``[-clip_value, clip_value]``, in place.

    Example:
        >>> import compat as torch
        >>> w = torch.tensor([1.0, 1.0], requires_grad=True)
        >>> (3 * w[0] - 0.5 * w[1]).backward()
        >>> torch.nn.utils.clip_grad_value_([w], 1.0)
        >>> w.grad
        tensor([ 1.0000, -0.5000])
    """
    clip_value = float(clip_value)
    with no_grad():
        for p in _as_list(parameters):
            if p.grad is not None:
                p.grad.clamp_(min=-clip_value, max=clip_value)

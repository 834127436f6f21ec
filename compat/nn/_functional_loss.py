"""The regression losses and ``kl_div`` of compat.nn.functional, with PyTorch's checks,
dtypes and gradients.

Each checks its arguments in PyTorch's order and with its messages, then records the
loss from ``funcgrad.nn.functional`` under PyTorch's ``grad_fn`` name. The regression
losses warn about (and broadcast) targets of another shape, as PyTorch does; the
legacy ``size_average``/``reduce`` arguments still work, with their warning.
"""

from __future__ import annotations

import warnings

import numpy as np

import funcgrad.nn.functional as fF
import funcgrad.numpy as fnp
from compat import _dtypes, _math, _unary_ops
from compat._autograd import apply
from compat._cast import to_dtype
from compat.nn._functional_common import (
    check_reduction,
    reduction_arg,
    require_tensor,
    scalar_name,
)

# --- regression -------------------------------------------------------------------------


def _size_warning(input, target):
    if input.shape != target.shape:
        warnings.warn(
            f"Using a target size ({target.shape}) that is different to the input size "
            f"({input.shape}). This will likely lead to incorrect results due to "
            "broadcasting. Please ensure they have the same size.",
            UserWarning,
            stacklevel=4,
        )


def _weighted(loss, weight, reduction, mean):
    """PyTorch's manual reduction of an elementwise loss times ``weight``."""
    if weight.shape != loss.shape:
        raise ValueError("Weights and input must have the same size.")
    weighted = _math.mul(loss, weight)
    if reduction == "none":
        return weighted
    if reduction == "sum":
        return weighted.sum()
    if reduction == "mean":
        return weighted.sum() / weight.sum() if mean == "by_weight" else weighted.mean()
    raise ValueError(f"Invalid reduction mode: {reduction}. Expected one of 'none', 'mean', 'sum'.")


def _pointwise(name, kernel, loss, input, target, reduction, dtype=None):
    """Record ``loss(a, b, reduction)`` on the broadcast pair, in ``dtype`` (promoted)."""
    rt = dtype or _dtypes.result_type(input, target)
    if rt.kind not in "fc":
        raise NotImplementedError(f"\"{kernel}\" not implemented for '{scalar_name(rt)}'")
    shape = np.broadcast_shapes(input.shape, target.shape)

    def fn(a, b):
        a = fnp.broadcast_to(a if a.dtype == rt else fnp.astype(a, rt), shape)
        b = fnp.broadcast_to(b if b.dtype == rt else fnp.astype(b, rt), shape)
        return loss(a, b, reduction)

    return apply(name, fn, input, target)


def _regression_prologue(fname, input, target, size_average, reduce, reduction):
    """The checks (and the warnings) every regression loss starts with; the reduction."""
    require_tensor(input, fname)
    require_tensor(target, fname, "target", 2)
    _size_warning(input, target)
    reduction = reduction_arg(size_average, reduce, reduction)
    _math._broadcast_check(input, target)
    return reduction


def mse_loss(
    input,
    target,
    size_average=None,
    reduce=None,
    reduction="mean",
    weight=None,
):
    """Mean squared error ``(input - target) ** 2``, reduced.

    A target of another shape warns and broadcasts; integer targets are promoted and a
    float64 target gives a float64 loss (PyTorch's promotion). ``weight`` (the input's
    shape) gives ``sum(w * se) / sum(w)`` for the mean.

    Example:
        >>> import compat as torch
        >>> import compat.nn.functional as F
        >>> F.mse_loss(torch.tensor([1.0, 2.0]), torch.tensor([1.0, 4.0]))
        tensor(2.)
    """
    reduction = _regression_prologue("mse_loss", input, target, size_average, reduce, reduction)
    if weight is not None:
        return _weighted(_math.sub(input, target) ** 2, weight, reduction, "by_weight")
    reduction = check_reduction(reduction)
    return _pointwise("MseLossBackward0", "mse_cpu", fF.mse_loss, input, target, reduction)


def _l1(input, target, reduction):
    diff = _unary_ops.abs(_math.sub(input, target))
    return diff if reduction == "none" else getattr(diff, reduction)()


def l1_loss(
    input,
    target,
    size_average=None,
    reduce=None,
    reduction="mean",
    weight=None,
):
    """Mean absolute error ``|input - target|``, reduced (its slope at 0 is 0).

    Example:
        >>> import compat as torch
        >>> import compat.nn.functional as F
        >>> F.l1_loss(torch.tensor([1.0, 4.0]), torch.tensor([2.0, 2.0]))
        tensor(1.5000)
    """
    reduction = _regression_prologue("l1_loss", input, target, size_average, reduce, reduction)
    if weight is not None:
        return _weighted(_l1(input, target, "none"), weight, reduction, "by_weight")
    return _l1(input, target, check_reduction(reduction))


def smooth_l1_loss(
    input,
    target,
    size_average=None,
    reduce=None,
    reduction="mean",
    beta=1.0,
):
    """``0.5 d**2 / beta`` where ``|d| < beta``, else ``|d| - 0.5 beta``; beta 0 is L1.

    Example:
        >>> import compat as torch
        >>> import compat.nn.functional as F
        >>> F.smooth_l1_loss(torch.tensor([0.5, 3.0]), torch.zeros(2))
        tensor(1.3125)
    """
    reduction = check_reduction(
        _regression_prologue("smooth_l1_loss", input, target, size_average, reduce, reduction)
    )
    if beta == 0.0:
        return _l1(input, target, reduction)
    if beta < 0:
        raise RuntimeError("smooth_l1_loss does not support negative values for beta.")
    return _pointwise(
        "SmoothL1LossBackward0",
        "smooth_l1_cpu",
        lambda a, b, r: fF.smooth_l1_loss(a, b, r, beta),
        input,
        target,
        reduction,
    )


def huber_loss(input, target, reduction="mean", delta=1.0, weight=None):
    """``0.5 d**2`` where ``|d| < delta``, else ``delta (|d| - 0.5 delta)``.

    The loss has the input's dtype (the target is cast to it), as in PyTorch.

    Example:
        >>> import compat as torch
        >>> import compat.nn.functional as F
        >>> F.huber_loss(torch.tensor([0.5, 3.0]), torch.zeros(2), reduction="none")
        tensor([0.1250, 2.5000])
    """
    reduction = _regression_prologue("huber_loss", input, target, None, None, reduction)
    if weight is not None:
        return _weighted(_huber(input, target, "none", delta), weight, reduction, "mean")
    return _huber(input, target, check_reduction(reduction), delta)


def _huber(input, target, reduction, delta):
    if delta <= 0:
        raise RuntimeError("huber_loss does not support non-positive values for delta.")
    dt = input._s.array.dtype
    if dt.kind not in "fc" and target._s.array.dtype.kind in "fc":
        raise RuntimeError(
            f"result type {scalar_name(target)} can't be cast to the desired output type "
            f"{scalar_name(input)}"
        )
    return _pointwise(
        "HuberLossBackward0",
        "huber_cpu",
        lambda a, b, r: fF.huber_loss(a, b, r, delta),
        input,
        target,
        reduction,
        dtype=dt,
    )


# --- divergence ---------------------------------------------------------------------------

KL_MEAN = (
    "reduction: 'mean' divides the total loss by both the batch size and the support size."
    "'batchmean' divides only by the batch size, and aligns with the KL div math definition."
    "'mean' will be changed to behave the same as 'batchmean' in the next major release."
)


def kl_div(
    input,
    target,
    size_average=None,
    reduce=None,
    reduction="mean",
    log_target=False,
):
    """KL divergence with ``input`` as log-probabilities (``reduction='batchmean'`` is the
    true KL divergence per sample; ``'mean'`` averages over every element, with a warning).

    Example:
        >>> import compat as torch
        >>> import compat.nn.functional as F
        >>> q = torch.tensor([[0.5, 0.5]]).log()
        >>> F.kl_div(q, torch.tensor([[0.25, 0.75]]), reduction="batchmean")
        tensor(0.1308)
    """
    require_tensor(input, "kl_div")
    require_tensor(target, "kl_div", "target", 2)
    reduction = reduction_arg(size_average, reduce, reduction)
    if reduction == "mean":
        warnings.warn(KL_MEAN, UserWarning, stacklevel=2)
    batchmean = reduction == "batchmean"
    if not batchmean:
        reduction = check_reduction(reduction)
    rt = _dtypes.result_type(input, target)
    input, target = to_dtype(input, rt), to_dtype(target, rt)
    _math._broadcast_check(input, target)
    name = "MulBackward0" if log_target else "SubBackward0"
    pointwise = apply(
        name,
        lambda x, t: fF.kl_div(x, t, reduction="none", log_target=log_target),
        input,
        target,
    )
    if batchmean:
        total = pointwise.sum()
        return total / input.shape[0] if input.ndim else total
    return pointwise if reduction == "none" else getattr(pointwise, reduction)()

"""The classification losses of compat.nn.functional: ``cross_entropy`` (class indices
or probabilities, weights, ``ignore_index``, ``label_smoothing``), ``nll_loss``,
``binary_cross_entropy`` (logs clamped at -100, PyTorch's gradient) and
``binary_cross_entropy_with_logits``, with PyTorch's checks in its order.
"""

from __future__ import annotations

import numpy as np

import funcgrad
import funcgrad.nn.functional as fF
import funcgrad.numpy as fnp
from compat import _dtypes, _math
from compat._autograd import apply
from compat._cast import to_dtype
from compat._grad_mode import is_grad_enabled
from compat._tensor_types import Size
from compat.nn._functional_common import (
    check_reduction,
    float_only,
    reduction_arg,
    require_tensor,
    scalar_name,
)

# --- classification from class indices or probabilities ---------------------------------


def _no_weight_grad(weight, fname, arg="weight"):
    if weight is not None and weight.requires_grad and is_grad_enabled():
        raise RuntimeError(
            f"The function '{fname}' is not differentiable with respect to argument '{arg}'. "
            "This input cannot have requires_grad True."
        )


def _class_target(input, target, weight):
    """PyTorch's checks of class-index targets (nll_loss_nd); the target as an array."""
    if input.ndim < 1:
        raise ValueError(f"Expected 1 or more dimensions (got {input.ndim})")
    n_target = target.shape[0] if target.ndim else 0
    if input.ndim != 1 and input.shape[0] != n_target:
        raise ValueError(
            f"Expected input batch_size ({input.shape[0]}) to match target batch_size ({n_target})."
        )
    t = target._s.array
    if input.ndim <= 2:
        if target.ndim > 1:
            raise RuntimeError("0D or 1D target tensor expected, multi-target not supported")
        if input.ndim == 1 and target.ndim == 1:
            if target.shape[0] != 1:
                raise ValueError(
                    "For 1D input, 1D target must have size 1, but got target size: "
                    f"{target.shape[0]}"
                )
            t = t.reshape(())
    else:
        expected = [input.shape[0], *input.shape[2:]]
        if list(target.shape) != expected:
            raise RuntimeError(f"Expected target size {expected}, got {list(target.shape)}")
    n_classes = input.shape[1] if input.ndim > 1 else input.shape[0]
    if weight is not None:
        if weight.ndim != 1 or weight.numel() != n_classes:
            raise RuntimeError(
                f"weight tensor should be defined either for all {n_classes} classes or no "
                f"classes but got weight tensor of shape: {list(weight.shape)}"
            )
        if weight.dtype != input.dtype:
            raise RuntimeError(
                f"expected scalar type {scalar_name(input)} but found {scalar_name(weight)}"
            )
    if t.dtype not in (np.int64, np.uint8):
        raise RuntimeError(
            f"expected target dtype to be Long or Byte, but got {scalar_name(target)}"
        )
    return t


def nll_loss(
    input,
    target,
    weight=None,
    size_average=None,
    ignore_index=-100,
    reduce=None,
    reduction="mean",
):
    """Negative log-likelihood of class indices (int64) from log-probabilities.

    ``weight`` per class (the mean divides by the summed weights of the counted
    targets); targets equal to ``ignore_index`` count for nothing.

    Example:
        >>> import compat as torch
        >>> import compat.nn.functional as F
        >>> lp = torch.tensor([[0.5, 0.5], [0.25, 0.75]]).log()
        >>> F.nll_loss(lp, torch.tensor([0, 1]))
        tensor(0.4904)
    """
    require_tensor(input, "nll_loss")
    reduction = check_reduction(reduction_arg(size_average, reduce, reduction))
    t = _class_target(input, target, weight)
    _no_weight_grad(weight, "nll_loss_forward")
    return apply(
        "NllLoss2DBackward0" if input.ndim > 2 else "NllLossBackward0",
        lambda x, w: fF.nll_loss(x, t, w, ignore_index, reduction),
        input,
        weight,
    )


def _log_softmax_kernel(input):
    """The name of PyTorch's log_softmax kernel over the class dimension of ``input``."""
    return "log_softmax_lastdim_kernel_impl" if input.ndim <= 2 else "log_softmax_kernel_impl"


def cross_entropy(
    input,
    target,
    weight=None,
    size_average=None,
    ignore_index=-100,
    reduce=None,
    reduction="mean",
    label_smoothing=0.0,
):
    """Cross-entropy of logits: ``nll_loss(log_softmax(input, 1), target)``.

    The target is class indices (int64, the input's shape without the class dimension)
    or, when it has the input's shape, class probabilities (floats). ``label_smoothing``
    ε mixes the target with the uniform distribution: ``(1 - ε) nll + ε mean_c(-logp_c)``.

    Example:
        >>> import compat as torch
        >>> import compat.nn.functional as F
        >>> logits = torch.tensor([[2.0, 1.0, 0.1], [0.5, 2.5, 0.3]])
        >>> F.cross_entropy(logits, torch.tensor([0, 1]))
        tensor(0.3185)
    """
    require_tensor(input, "cross_entropy")
    require_tensor(target, "cross_entropy", "target", 2)
    reduction = check_reduction(reduction_arg(size_average, reduce, reduction))
    if not 0.0 <= label_smoothing <= 1.0:
        raise RuntimeError(
            f"label_smoothing must be between 0.0 and 1.0. Got: {float(label_smoothing):g}"
        )
    if input.shape == target.shape:
        return _cross_entropy_probs(input, target, weight, ignore_index, reduction, label_smoothing)
    float_only(input, _log_softmax_kernel(input))
    t = _class_target(input, target, weight)
    _no_weight_grad(weight, "nll_loss_forward")
    if label_smoothing:
        name = "AddBackward0"
    else:
        name = "NllLoss2DBackward0" if input.ndim > 2 else "NllLossBackward0"
    return apply(
        name,
        lambda x, w: fF.cross_entropy(x, t, w, ignore_index, reduction, label_smoothing),
        input,
        weight,
    )


def _cross_entropy_probs(input, target, weight, ignore_index, reduction, smoothing):
    if target._s.array.dtype.kind != "f":
        raise RuntimeError(
            "Expected floating point type for target with class probabilities, got "
            f"{scalar_name(target)}"
        )
    if ignore_index >= 0:
        raise RuntimeError("ignore_index is not supported for floating point target")
    n_classes = input.shape[1] if input.ndim > 1 else input.shape[0]
    if weight is not None and (weight.ndim != 1 or weight.numel() != n_classes):
        raise RuntimeError(
            f"cross_entropy: weight tensor should be defined either for all {n_classes} "
            f"classes or no classes but got weight tensor of shape: {list(weight.shape)}"
        )
    # log_softmax runs in the input's dtype; the product with the target (and weight)
    # promotes after it, as in PyTorch
    float_only(input, _log_softmax_kernel(input))
    name = "DivBackward1" if reduction == "mean" else "NegBackward0"
    return apply(
        name,
        lambda x, p, w: fF.cross_entropy(x, p, w, reduction=reduction, label_smoothing=smoothing),
        input,
        target,
        weight,
    )


# --- binary -----------------------------------------------------------------------------

# PyTorch's floor of p (1 - p) in BCE's gradient: a float32 constant, also for float64
_EPSILON = float(np.float32(1e-12))


def _clamped_logs(p):
    """``log(p)`` and ``log(1 - p)``, each clamped below at -100 (no warning at 0)."""
    log_p = fnp.maximum(fnp.log(fnp.where(p > 0, p, 1.0)), -100.0)
    log_1p = fnp.maximum(fnp.log(fnp.where(p < 1, 1 - p, 1.0)), -100.0)
    return fnp.where(p > 0, log_p, -100.0), fnp.where(p < 1, log_1p, -100.0)


@funcgrad.custom_jvp
def _bce_terms(p, y):
    log_p, log_1p = _clamped_logs(p)
    return -(y * log_p + (1 - y) * log_1p)


@_bce_terms.defjvp
def _bce_rule(primals, tangents):
    """PyTorch's derivatives: ``(p - y) / max(p (1 - p), _EPSILON)`` in p and
    ``log(1 - p) - log(p)`` (infinite at 0 and 1) in y."""
    (p, y), (tp, ty) = primals, tangents
    log_p, log_1p = _clamped_logs(p)
    inside = (p > 0) & (p < 1)
    safe = fnp.where(inside, p, 0.5)
    inf = np.asarray(np.inf, p.dtype)
    d_y = fnp.where(inside, fnp.log1p(-safe) - fnp.log(safe), fnp.where(p <= 0, inf, -inf))
    d_p = (p - y) / fnp.maximum((1 - p) * p, _EPSILON)
    with np.errstate(invalid="ignore"):  # inf * 0 where the target's tangent is zero
        return -(y * log_p + (1 - y) * log_1p), d_p * tp + d_y * ty


def binary_cross_entropy(
    input,
    target,
    weight=None,
    size_average=None,
    reduce=None,
    reduction="mean",
):
    """``-(y log p + (1 - y) log(1 - p))`` of probabilities, each log clamped at -100.

    The gradient in ``p`` is PyTorch's ``(p - y) / max(p (1 - p), eps)``, ``eps`` the
    float32 ``1e-12``.

    Example:
        >>> import compat as torch
        >>> import compat.nn.functional as F
        >>> F.binary_cross_entropy(torch.tensor([0.9, 0.2, 0.6]), torch.tensor([1.0, 0.0, 1.0]))
        tensor(0.2798)
    """
    require_tensor(input, "binary_cross_entropy")
    require_tensor(target, "binary_cross_entropy", "target", 2)
    reduction = reduction_arg(size_average, reduce, reduction)
    if target.shape != input.shape:
        raise ValueError(
            f"Using a target size ({target.shape}) that is different to the input size "
            f"({input.shape}) is deprecated. Please ensure they have the same size."
        )
    reduction = check_reduction(reduction)
    if weight is not None:
        _broadcastable_to(weight, target.shape)
        _no_weight_grad(weight, "binary_cross_entropy")
        weight = to_dtype(weight, input._s.array.dtype)
    if target.dtype != input.dtype:
        raise RuntimeError(f"Found dtype {scalar_name(target)} but expected {scalar_name(input)}")
    a = input._s.array
    if not ((a >= 0) & (a <= 1)).all():
        raise RuntimeError("all elements of input should be between 0 and 1")

    def bce(p, y, w):
        loss = _bce_terms(p, y)
        if w is not None:
            loss = loss * w
        return (
            fnp.mean(loss)
            if reduction == "mean"
            else (fnp.sum(loss) if reduction == "sum" else loss)
        )

    return apply("BinaryCrossEntropyBackward0", bce, input, target, weight)


def _broadcastable_to(weight, shape):
    ws = tuple(weight.shape)
    for i in range(1, len(ws) + 1):
        if ws[-i] != 1 and (i > len(shape) or ws[-i] != shape[-i]):
            raise RuntimeError(
                f"Attempting to broadcast a dimension of length {ws[-i]} at {-i}! Mismatching "
                f"argument at index 1 had {Size(ws)}; but expected shape should be "
                f"broadcastable to {list(shape)}"
            )


def _bce_with_logits(x, y, w, pw, reduction):
    """PyTorch's steps and dtypes: ``log_sigmoid(x)`` (times ``1 + (pw - 1) y``) in the
    input's dtype; ``(1 - y) x`` minus it, times ``w``, each kept in the target's dtype."""
    log_sig = fF.log_sigmoid(x)
    if pw is not None:
        log_sig = fnp.astype(log_sig * ((pw - 1) * y + 1), x.dtype)
    loss = fnp.astype(fnp.astype((1 - y) * x, y.dtype) - log_sig, y.dtype)
    if w is not None:
        loss = fnp.astype(loss * w, y.dtype)
    return (
        fnp.mean(loss) if reduction == "mean" else (fnp.sum(loss) if reduction == "sum" else loss)
    )


def binary_cross_entropy_with_logits(
    input,
    target,
    weight=None,
    size_average=None,
    reduce=None,
    reduction="mean",
    pos_weight=None,
):
    """Binary cross-entropy of ``sigmoid(input)``, computed stably from the logits.

    ``pos_weight`` weighs the positive term (one per class, broadcast along the last
    dimension). The loss has the target's dtype, as in PyTorch.

    Example:
        >>> import compat as torch
        >>> import compat.nn.functional as F
        >>> x, y = torch.tensor([2.0, -1.0, 0.5]), torch.tensor([1.0, 0.0, 1.0])
        >>> F.binary_cross_entropy_with_logits(x, y), F.binary_cross_entropy_with_logits(
        ...     x, y, pos_weight=torch.tensor(3.0))
        (tensor(0.3048), tensor(0.7054))
    """
    require_tensor(input, "binary_cross_entropy_with_logits")
    require_tensor(target, "binary_cross_entropy_with_logits", "target", 2)
    reduction = check_reduction(reduction_arg(size_average, reduce, reduction))
    if target.shape != input.shape:
        raise ValueError(
            f"Target size ({target.shape}) must be the same as input size ({input.shape})"
        )
    dt = target._s.array.dtype
    if dt == np.bool_:
        raise RuntimeError(
            "Subtraction, the `-` operator, with two bool tensors is not supported. Use the "
            "`^` or `logical_xor()` operator instead."
        )
    if dt.kind not in "fc":
        raise RuntimeError(
            f"result type {scalar_name(_dtypes.default_np())} can't be cast to the desired "
            f"output type {scalar_name(target)}"
        )
    float_only(input, "log_sigmoid_cpu")
    # each weight takes the dtype PyTorch's product with the target computes in
    if pos_weight is not None:
        _math._broadcast_check(pos_weight, target)
        _no_weight_grad(pos_weight, "binary_cross_entropy_with_logits", "pos_weight")
        pos_weight = to_dtype(pos_weight, _dtypes.result_type(pos_weight, target))
    if weight is not None:
        _math._broadcast_check(input, weight)
        _no_weight_grad(weight, "binary_cross_entropy_with_logits")
        weight = to_dtype(weight, _dtypes.result_type(target, weight))
    return apply(
        "BinaryCrossEntropyWithLogitsBackward0",
        lambda x, y, w, pw: _bce_with_logits(x, y, w, pw, reduction),
        input,
        target,
        weight,
        pos_weight,
    )

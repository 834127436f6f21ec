"""Loss functions with PyTorch's semantics (argument order, reductions, weighting).

Every loss takes ``reduction`` = "mean" (default), "sum" or "none". Classification
losses work from logits through ``log_softmax``/``logaddexp``, so logits of any finite
magnitude give finite values and exact gradients. The class axis is PyTorch's: axis 1
of ``(N, C, ...)`` inputs, axis 0 of an unbatched ``(C,)`` input.
"""

from __future__ import annotations

import warnings

import numpy as np

import funcgrad.numpy as fnp
from funcgrad.extend import concrete
from funcgrad.scipy.special import log_softmax, xlogy

_REDUCTIONS = ("mean", "sum", "none")


def _check_reduction(reduction, allowed=_REDUCTIONS):
    if reduction not in allowed:
        raise ValueError(
            f"{reduction} is not a valid value for reduction; use one of "
            f"{', '.join(map(repr, allowed))}"
        )


def _reduce(loss, reduction):
    if reduction == "mean":
        return fnp.mean(loss)
    if reduction == "sum":
        return fnp.sum(loss)
    return loss


def _warn_size(input, target, who):
    if np.shape(input) != np.shape(target):
        warnings.warn(
            f"{who}: Using a target size ({tuple(np.shape(target))}) that is different to the "
            f"input size ({tuple(np.shape(input))}). This will likely lead to incorrect results "
            "due to broadcasting. Please ensure they have the same size.",
            UserWarning,
            stacklevel=3,
        )


def mse(input, target, reduction: str = "mean"):
    """Squared error ``(input - target)**2``, reduced (``F.mse_loss``).

    Different shapes broadcast, with PyTorch's warning.

    Example:
        >>> import numpy as np
        >>> from funcgrad.nn import losses
        >>> float(losses.mse(np.array([1.0, 2.0]), np.array([1.0, 4.0])))
        2.0
    """
    _check_reduction(reduction)
    _warn_size(input, target, "mse")
    d = input - target
    return _reduce(d * d, reduction)


def l1(input, target, reduction: str = "mean"):
    """Absolute error ``|input - target|``, reduced (``F.l1_loss``); its slope at 0 is 0.

    Example:
        >>> import numpy as np
        >>> from funcgrad.nn import losses
        >>> float(losses.l1(np.array([1.0, 4.0]), np.array([2.0, 2.0])))
        1.5
    """
    _check_reduction(reduction)
    _warn_size(input, target, "l1")
    return _reduce(fnp.abs(input - target), reduction)


def huber(input, target, reduction: str = "mean", delta: float = 1.0):
    """``0.5 d**2`` where ``|d| < delta``, else ``delta (|d| - 0.5 delta)`` (``F.huber_loss``).

    Example:
        >>> import numpy as np
        >>> from funcgrad.nn import losses
        >>> losses.huber(np.array([0.5, 3.0]), np.zeros(2), reduction="none")
        array([0.125, 2.5  ])
    """
    _check_reduction(reduction)
    _warn_size(input, target, "huber")
    d = input - target
    ad = fnp.abs(d)
    return _reduce(fnp.where(ad < delta, 0.5 * d * d, delta * (ad - 0.5 * delta)), reduction)


def smooth_l1(input, target, reduction: str = "mean", beta: float = 1.0):
    """``0.5 d**2 / beta`` where ``|d| < beta``, else ``|d| - 0.5 beta`` (``F.smooth_l1_loss``).

    ``huber(delta) == delta * smooth_l1(beta=delta)``; ``beta=0`` is the L1 loss.

    Example:
        >>> import numpy as np
        >>> from funcgrad.nn import losses
        >>> float(losses.smooth_l1(np.array([0.5, 3.0]), np.array([0.0, 0.0])))
        1.3125
    """
    _check_reduction(reduction)
    _warn_size(input, target, "smooth_l1")
    d = input - target
    ad = fnp.abs(d)
    if beta == 0:
        return _reduce(ad, reduction)
    return _reduce(fnp.where(ad < beta, 0.5 * d * d / beta, ad - 0.5 * beta), reduction)


# --- classification from class indices -------------------------------------------------


def _class_axis(x) -> int:
    return 0 if np.ndim(x) == 1 else 1


def _class_targets(input, target, ignore_index, who):
    """Concrete integer targets, checked; the mask of counted entries; the class axis."""
    t = np.asarray(concrete(target))
    cax = _class_axis(input)
    shape = tuple(np.shape(input))
    if len(shape) == 0:
        raise ValueError(f"{who}: the input needs a class axis; got a 0-d input")
    expected = shape[:cax] + shape[cax + 1 :]
    if t.shape != expected:
        if t.ndim >= 1 and len(expected) >= 1 and t.shape[0] != expected[0]:
            raise ValueError(
                f"Expected input batch_size ({expected[0]}) to match target batch_size "
                f"({t.shape[0]})."
            )
        raise ValueError(
            f"{who}: class-index targets must have the input's shape without its class axis "
            f"{expected}; got {t.shape}"
        )
    n_classes = shape[cax]
    valid = t != ignore_index
    bad = t[valid & ((t < 0) | (t >= n_classes))]
    if bad.size:
        raise IndexError(f"Target {bad.flat[0]} is out of bounds.")
    return np.where(valid, t, 0), valid, cax, n_classes


def _picked(values, safe_t, cax, n_classes):
    """values[..., t, ...] along the class axis, as a masked sum (no scatter in the VJP)."""
    classes = np.arange(n_classes).reshape((n_classes,) + (1,) * (safe_t.ndim - cax))
    onehot = np.expand_dims(safe_t, cax) == classes
    return fnp.sum(fnp.where(onehot, values, 0.0), axis=cax)


def _mean_over(total, denom):
    """``total / denom``; nan (with a zero gradient) when nothing was counted, as PyTorch."""
    if float(np.sum(concrete(denom))) == 0:
        return total + np.nan
    return total / denom


def _nll_from_log_probs(logp, target, weight, ignore_index, reduction, who):
    safe_t, valid, cax, n_classes = _class_targets(logp, target, ignore_index, who)
    w_t = valid.astype(np.result_type(concrete(logp)))
    if weight is not None:
        w_t = fnp.take(weight, safe_t) * w_t
    losses = -_picked(logp, safe_t, cax, n_classes) * w_t
    if reduction == "none":
        return losses, safe_t, valid, cax, n_classes
    total = fnp.sum(losses)
    if reduction == "sum":
        return total, safe_t, valid, cax, n_classes
    return _mean_over(total, fnp.sum(w_t)), safe_t, valid, cax, n_classes


def nll(log_probs, target, weight=None, ignore_index: int = -100, reduction: str = "mean"):
    """Negative log-likelihood of class indices, from log-probabilities (``F.nll_loss``).

    Args:
        log_probs: ``(N, C)``, ``(C,)`` or ``(N, C, d1, ...)``.
        target: integer class indices shaped like ``log_probs`` without axis 1.
        weight: ``(C,)`` class weights: the weighted mean divides by the sum of the
            weights of the counted targets (PyTorch's normalisation).
        ignore_index: targets equal to it count for nothing (0 with "none"; left out
            of the mean; a mean over nothing is nan).
        reduction: "mean", "sum" or "none".

    Example:
        >>> import numpy as np
        >>> from funcgrad.nn import losses
        >>> float(losses.nll(np.log(np.array([[0.5, 0.5], [0.25, 0.75]])), np.array([0, 1])))
        0.4904146265058631
    """
    _check_reduction(reduction)
    return _nll_from_log_probs(log_probs, target, weight, ignore_index, reduction, "nll")[0]


def cross_entropy(
    logits,
    target,
    weight=None,
    ignore_index: int = -100,
    reduction: str = "mean",
    label_smoothing: float = 0.0,
):
    """Cross-entropy from logits, with PyTorch's exact semantics (``F.cross_entropy``).

    Args:
        logits: ``(N, C)``, ``(C,)`` or ``(N, C, d1, ...)``; any finite magnitude.
        target: integer class indices (shape of ``logits`` without the class axis), or
            class probabilities (a float array shaped like ``logits``).
        weight: ``(C,)`` class weights. With indices, the mean divides by the summed
            weights of the counted targets; with probabilities, by the number of
            samples.
        ignore_index: for class indices only: targets equal to it count for nothing.
        reduction: "mean", "sum" or "none".
        label_smoothing: ε in [0, 1]: the target becomes ``(1 - ε) onehot + ε / C``.

    Example:
        >>> import numpy as np, funcgrad as fg
        >>> from funcgrad.nn import losses
        >>> logits = np.array([[2.0, 1.0, 0.1], [0.5, 2.5, 0.3]])
        >>> round(float(losses.cross_entropy(logits, np.array([0, 1]))), 4)
        0.3185
        >>> g = fg.grad(losses.cross_entropy)(np.array([[1e4, 0.0]]), np.array([1]))
        >>> g
        array([[ 1., -1.]])
    """
    _check_reduction(reduction)
    if not 0.0 <= label_smoothing <= 1.0:
        raise ValueError(f"label_smoothing must be between 0.0 and 1.0. Got: {label_smoothing}")
    cax = _class_axis(logits)
    logp = log_softmax(logits, axis=cax)
    t = np.asarray(concrete(target))
    if np.issubdtype(t.dtype, np.floating):
        return _cross_entropy_probs(logp, target, weight, reduction, label_smoothing, cax)
    if not np.issubdtype(t.dtype, np.integer):
        raise TypeError(
            f"cross_entropy: target must be integer class indices or float probabilities; "
            f"got dtype {t.dtype}"
        )
    nll_, safe_t, valid, cax, n_classes = _nll_from_log_probs(
        logp, target, weight, ignore_index, reduction, "cross_entropy"
    )
    if label_smoothing == 0:
        return nll_
    dtype = np.result_type(concrete(logp))
    if weight is not None:
        wshape = (n_classes,) + (1,) * (np.ndim(logp) - cax - 1)
        smooth = -fnp.sum(logp * fnp.reshape(weight, wshape), axis=cax)
    else:
        smooth = -fnp.sum(logp, axis=cax)
    smooth = fnp.where(valid, smooth, 0.0)
    if reduction == "mean":
        if weight is not None:
            denom = fnp.sum(fnp.take(weight, safe_t) * valid.astype(dtype))
        else:
            denom = np.asarray(valid.sum(), dtype)
        smooth = _mean_over(fnp.sum(smooth), denom)
    elif reduction == "sum":
        smooth = fnp.sum(smooth)
    return (1 - label_smoothing) * nll_ + smooth * (label_smoothing / n_classes)


def _cross_entropy_probs(logp, target, weight, reduction, label_smoothing, cax):
    shape = tuple(np.shape(logp))
    if tuple(np.shape(target)) != shape:
        raise ValueError(
            f"cross_entropy: probability targets must have the input's shape {shape}; got "
            f"{tuple(np.shape(target))} (pass integer class indices for one label per sample)"
        )
    n_classes = shape[cax]
    if label_smoothing > 0:
        target = target * (1 - label_smoothing) + label_smoothing / n_classes
    terms = logp * target
    if weight is not None:
        terms = terms * fnp.reshape(weight, (n_classes,) + (1,) * (len(shape) - cax - 1))
    if reduction == "none":
        return -fnp.sum(terms, axis=cax)
    total = -fnp.sum(terms)
    if reduction == "sum":
        return total
    return total / (int(np.prod(shape)) // n_classes) if n_classes else total + np.nan


# --- binary -----------------------------------------------------------------------------


def _same_size(input, target, message):
    if np.shape(input) != np.shape(target):
        raise ValueError(message.format(target=list(np.shape(target)), input=list(np.shape(input))))


def _clamped_log(p):
    """log(p) clamped below at -100 (PyTorch's BCE), with no warning at p == 0."""
    pc = np.asarray(concrete(p))
    with np.errstate(divide="ignore"):
        keep = np.log(np.where(pc > 0, pc, 0.0)) > -100
    if keep.all():
        return fnp.log(p)
    return fnp.where(keep, fnp.log(fnp.where(keep, p, 1.0)), -100.0)


def binary_cross_entropy(input, target, weight=None, reduction: str = "mean"):
    """``-(y log p + (1 - y) log(1 - p))`` for probabilities ``p`` (``F.binary_cross_entropy``).

    Each log is clamped at -100, as in PyTorch (so p = 0 with y = 1 costs 100). Prefer
    :func:`binary_cross_entropy_with_logits` on logits: it is exact in the tails.

    Example:
        >>> import numpy as np
        >>> from funcgrad.nn import losses
        >>> p, y = np.array([0.9, 0.2, 0.6]), np.array([1.0, 0.0, 1.0])
        >>> round(float(losses.binary_cross_entropy(p, y)), 4)
        0.2798
    """
    _check_reduction(reduction)
    _same_size(
        input,
        target,
        "Using a target size ({target}) that is different to the input size ({input}) is "
        "deprecated. Please ensure they have the same size.",
    )
    pc = np.asarray(concrete(input))
    if pc.size and not ((pc >= 0) & (pc <= 1)).all():
        raise ValueError(
            "binary_cross_entropy: all elements of input should be between 0 and 1; pass "
            "logits to binary_cross_entropy_with_logits instead of applying sigmoid yourself"
        )
    loss = -(target * _clamped_log(input) + (1 - target) * _clamped_log(1 - input))
    if weight is not None:
        loss = loss * weight
    return _reduce(loss, reduction)


def binary_cross_entropy_with_logits(
    input, target, weight=None, reduction: str = "mean", pos_weight=None
):
    """Binary cross-entropy of ``sigmoid(input)``, computed from the logits without overflow.

    ``(1 - y) x + (1 + (pos_weight - 1) y) softplus(-x)``, which is
    ``-(pos_weight y log sigmoid(x) + (1 - y) log sigmoid(-x))``.

    Args:
        input: logits, any shape, any finite magnitude.
        target: same shape, values in [0, 1].
        weight: broadcast against the elementwise loss.
        reduction: "mean", "sum" or "none".
        pos_weight: weight of the positive term, broadcast along the last axis (one per
            class, as PyTorch).

    Example:
        >>> import numpy as np
        >>> from funcgrad.nn import losses
        >>> x, y = np.array([2.0, -1.0, 0.5]), np.array([1.0, 0.0, 1.0])
        >>> round(float(losses.binary_cross_entropy_with_logits(x, y)), 4)
        0.3048
        >>> round(float(losses.binary_cross_entropy_with_logits(x, y, pos_weight=3.0)), 4)
        0.7054
    """
    _check_reduction(reduction)
    _same_size(input, target, "Target size ({target}) must be the same as input size ({input})")
    softplus_neg = fnp.logaddexp(0.0, -input)  # -log sigmoid(x)
    if pos_weight is None:
        loss = (1 - target) * input + softplus_neg
    else:
        loss = (1 - target) * input + (1 + (pos_weight - 1) * target) * softplus_neg
    if weight is not None:
        loss = loss * weight
    return _reduce(loss, reduction)


def kl_div(input, target, reduction: str = "mean", log_target: bool = False):
    """KL divergence with ``input`` as log-probabilities, as ``F.kl_div``.

    Elementwise ``target (log target - input)`` (0 where target is 0), or with
    ``log_target=True`` ``exp(target) (target - input)``.

    Args:
        input: log-probabilities (e.g. ``log_softmax`` output).
        target: probabilities (or log-probabilities with ``log_target``).
        reduction: "batchmean" (the sum divided by the batch size, the true KL
            divergence per sample), "sum", "mean" (over every element, as PyTorch's
            default; not the KL divergence) or "none".

    Example:
        >>> import numpy as np
        >>> from funcgrad.nn import losses
        >>> q = np.log(np.array([[0.5, 0.5]]))
        >>> round(float(losses.kl_div(q, np.array([[0.25, 0.75]]), reduction="batchmean")), 6)
        0.130812
    """
    _check_reduction(reduction, _REDUCTIONS + ("batchmean",))
    if log_target:
        loss = fnp.exp(target) * (target - input)
    else:
        loss = xlogy(target, target) - target * input
    if reduction == "batchmean":
        n = np.shape(input)[0] if np.ndim(input) else 1
        return fnp.sum(loss) / n
    return _reduce(loss, reduction)

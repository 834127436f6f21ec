"""PyTorch's loss Modules (``nn.MSELoss``, ``nn.CrossEntropyLoss`` ...) around the losses
of compat.nn.functional: same constructor arguments (including the deprecated
``size_average``/``reduce``, which still work with PyTorch's warning), ``weight`` and
``pos_weight`` registered as buffers, reprs ``MSELoss()``."""

from __future__ import annotations

from compat.nn import functional as F
from compat.nn._functional_common import legacy_reduction
from compat.nn._module import Module


class _Loss(Module):
    def __init__(self, size_average=None, reduce=None, reduction: str = "mean"):
        super().__init__()
        if size_average is not None or reduce is not None:
            self.reduction = legacy_reduction(size_average, reduce)
        else:
            self.reduction = reduction


class _WeightedLoss(_Loss):
    def __init__(self, weight=None, size_average=None, reduce=None, reduction: str = "mean"):
        super().__init__(size_average, reduce, reduction)
        self.register_buffer("weight", weight)


class L1Loss(_Loss):
    """Mean absolute error (``reduction='mean' | 'sum' | 'none'``).

    Example:
        >>> import compat as torch
        >>> torch.nn.L1Loss()(torch.tensor([1.0, 4.0]), torch.tensor([2.0, 2.0]))
        tensor(1.5000)
    """

    def forward(self, input, target):
        return F.l1_loss(input, target, reduction=self.reduction)


class MSELoss(_Loss):
    """Mean squared error; a target of another shape warns and broadcasts, as in PyTorch.

    Example:
        >>> import compat as torch
        >>> loss_fn = torch.nn.MSELoss()
        >>> loss_fn, loss_fn(torch.tensor([1.0, 2.0]), torch.tensor([1.0, 4.0]))
        (MSELoss(), tensor(2.))
    """

    def forward(self, input, target):
        return F.mse_loss(input, target, reduction=self.reduction)


class SmoothL1Loss(_Loss):
    """Quadratic below ``beta``, linear above (``beta=0``: L1).

    Example:
        >>> import compat as torch
        >>> torch.nn.SmoothL1Loss()(torch.tensor([0.5, 3.0]), torch.zeros(2))
        tensor(1.3125)
    """

    def __init__(self, size_average=None, reduce=None, reduction: str = "mean", beta: float = 1.0):
        super().__init__(size_average, reduce, reduction)
        self.beta = beta

    def forward(self, input, target):
        return F.smooth_l1_loss(input, target, reduction=self.reduction, beta=self.beta)


class HuberLoss(_Loss):
    """Quadratic below ``delta``, linear (slope ``delta``) above.

    Example:
        >>> import compat as torch
        >>> torch.nn.HuberLoss(reduction="sum")(torch.tensor([0.5, 3.0]), torch.zeros(2))
        tensor(2.6250)
    """

    def __init__(self, reduction: str = "mean", delta: float = 1.0):
        super().__init__(reduction=reduction)
        self.delta = delta

    def forward(self, input, target):
        return F.huber_loss(input, target, reduction=self.reduction, delta=self.delta)


class NLLLoss(_WeightedLoss):
    """Negative log-likelihood of class indices from log-probabilities.

    Example:
        >>> import compat as torch
        >>> lp = torch.tensor([[0.5, 0.5], [0.25, 0.75]]).log()
        >>> torch.nn.NLLLoss()(lp, torch.tensor([0, 1]))
        tensor(0.4904)
    """

    def __init__(
        self,
        weight=None,
        size_average=None,
        ignore_index: int = -100,
        reduce=None,
        reduction: str = "mean",
    ):
        super().__init__(weight, size_average, reduce, reduction)
        self.ignore_index = ignore_index

    def forward(self, input, target):
        return F.nll_loss(
            input,
            target,
            weight=self.weight,
            ignore_index=self.ignore_index,
            reduction=self.reduction,
        )


class CrossEntropyLoss(_WeightedLoss):
    """Cross-entropy of logits against class indices (int64) or class probabilities.

    Options as PyTorch's: ``weight`` per class, ``ignore_index``, ``label_smoothing``.

    Example:
        >>> import compat as torch
        >>> logits = torch.tensor([[2.0, 1.0, 0.1], [0.5, 2.5, 0.3]])
        >>> loss_fn = torch.nn.CrossEntropyLoss()
        >>> loss_fn, loss_fn(logits, torch.tensor([0, 1]))
        (CrossEntropyLoss(), tensor(0.3185))
    """

    def __init__(
        self,
        weight=None,
        size_average=None,
        ignore_index: int = -100,
        reduce=None,
        reduction: str = "mean",
        label_smoothing: float = 0.0,
    ):
        super().__init__(weight, size_average, reduce, reduction)
        self.ignore_index = ignore_index
        self.label_smoothing = label_smoothing

    def forward(self, input, target):
        return F.cross_entropy(
            input,
            target,
            weight=self.weight,
            ignore_index=self.ignore_index,
            reduction=self.reduction,
            label_smoothing=self.label_smoothing,
        )


class BCELoss(_WeightedLoss):
    """Binary cross-entropy of probabilities (logs clamped at -100).

    Example:
        >>> import compat as torch
        >>> p, y = torch.tensor([0.9, 0.2, 0.6]), torch.tensor([1.0, 0.0, 1.0])
        >>> torch.nn.BCELoss()(p, y)
        tensor(0.2798)
    """

    def forward(self, input, target):
        return F.binary_cross_entropy(input, target, weight=self.weight, reduction=self.reduction)


class BCEWithLogitsLoss(_Loss):
    """Binary cross-entropy of logits (stable); ``pos_weight`` weighs the positives.

    Example:
        >>> import compat as torch
        >>> x, y = torch.tensor([2.0, -1.0, 0.5]), torch.tensor([1.0, 0.0, 1.0])
        >>> torch.nn.BCEWithLogitsLoss(pos_weight=torch.tensor(3.0))(x, y)
        tensor(0.7054)
    """

    def __init__(
        self, weight=None, size_average=None, reduce=None, reduction: str = "mean", pos_weight=None
    ):
        super().__init__(size_average, reduce, reduction)
        self.register_buffer("weight", weight)
        self.register_buffer("pos_weight", pos_weight)

    def forward(self, input, target):
        return F.binary_cross_entropy_with_logits(
            input, target, self.weight, pos_weight=self.pos_weight, reduction=self.reduction
        )


class KLDivLoss(_Loss):
    """KL divergence with log-probability inputs (use ``reduction='batchmean'``).

    Example:
        >>> import compat as torch
        >>> q = torch.tensor([[0.5, 0.5]]).log()
        >>> torch.nn.KLDivLoss(reduction="batchmean")(q, torch.tensor([[0.25, 0.75]]))
        tensor(0.1308)
    """

    def __init__(
        self, size_average=None, reduce=None, reduction: str = "mean", log_target: bool = False
    ):
        super().__init__(size_average, reduce, reduction)
        self.log_target = log_target

    def forward(self, input, target):
        return F.kl_div(input, target, reduction=self.reduction, log_target=self.log_target)

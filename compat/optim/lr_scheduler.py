"""Learning-rate schedulers (``torch.optim.lr_scheduler``).

A scheduler is created after its optimizer, records each group's ``initial_lr`` and
sets ``group["lr"]`` at construction and at every ``step()`` (call it after
``optimizer.step()``; the other order warns, as in PyTorch). The values are computed
recursively from the current ``group["lr"]`` (PyTorch's chainable form), so they equal
PyTorch's to the last bit: ``StepLR`` gives ``0.0010000000000000002`` after two decays
of 0.1, not ``0.001``.

Example:
    >>> import compat as torch
    >>> w = torch.zeros(1, requires_grad=True)
    >>> opt = torch.optim.SGD([w], lr=0.1)
    >>> sched = torch.optim.lr_scheduler.StepLR(opt, step_size=2, gamma=0.1)
    >>> lrs = []
    >>> for _ in range(5):
    ...     opt.step()
    ...     sched.step()
    ...     lrs.append(sched.get_last_lr()[0])
    >>> lrs
    [0.1, 0.010000000000000002, 0.010000000000000002, 0.0010000000000000002, 0.0010000000000000002]
"""

from compat.optim._lr_base import LRScheduler as LRScheduler, _LRScheduler as _LRScheduler
from compat.optim._lr_plateau import ReduceLROnPlateau as ReduceLROnPlateau
from compat.optim._lr_schedules import (
    ConstantLR as ConstantLR,
    CosineAnnealingLR as CosineAnnealingLR,
    ExponentialLR as ExponentialLR,
    LambdaLR as LambdaLR,
    LinearLR as LinearLR,
    MultiplicativeLR as MultiplicativeLR,
    MultiStepLR as MultiStepLR,
    StepLR as StepLR,
)

__all__ = [
    "LRScheduler",
    "LambdaLR",
    "MultiplicativeLR",
    "StepLR",
    "MultiStepLR",
    "ConstantLR",
    "LinearLR",
    "ExponentialLR",
    "CosineAnnealingLR",
    "ReduceLROnPlateau",
]

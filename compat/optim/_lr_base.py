"""The learning-rate scheduler base: ``LRScheduler`` and its bookkeeping.

A scheduler records ``initial_lr`` in each group, sets ``group["lr"]`` at every
``step()`` from ``get_lr()`` (PyTorch's recursive form) and wraps ``optimizer.step``
to notice when the two are called in the wrong order. The schedules themselves are in
``_lr_schedules`` and ``_lr_plateau``; ``compat.optim.lr_scheduler`` exports them.
"""

from __future__ import annotations

import warnings
import weakref
from typing import Any

from compat._tensor import Tensor
from compat.optim._optimizer import Optimizer

__all__ = ["LRScheduler", "EPOCH_DEPRECATION_WARNING", "group_values", "set_group_lr"]

_ORDER_WARNING = (
    "Detected call of `lr_scheduler.step()` before `optimizer.step()`. In PyTorch 1.1.0 and "
    "later, you should call them in the opposite order: `optimizer.step()` before "
    "`lr_scheduler.step()`.  Failure to do this will result in PyTorch skipping the first value "
    "of the learning rate schedule. See more details at "
    "https://pytorch.org/docs/stable/optim.html#how-to-adjust-learning-rate"
)
_OVERRIDDEN_WARNING = (
    "Seems like `optimizer.step()` has been overridden after learning rate scheduler "
    "initialization. Please, make sure to call `optimizer.step()` before "
    "`lr_scheduler.step()`. See more details at "
    "https://pytorch.org/docs/stable/optim.html#how-to-adjust-learning-rate"
)
EPOCH_DEPRECATION_WARNING = (
    "The epoch parameter in `scheduler.step()` was not necessary and is being deprecated where "
    "possible. Please use `scheduler.step()` to step the scheduler. During the deprecation, if "
    "epoch is different from None, the closed form is used instead of the new chainable form, "
    "where available. Please open an issue if you are unable to replicate your use case: "
    "https://github.com/pytorch/pytorch/issues/new/choose."
)
_GET_LR_WARNING = (
    "To get the last learning rate computed by the scheduler, please use `get_last_lr()`."
)


def group_values(optimizer: Optimizer, key: str = "lr") -> list:
    """Each group's ``key`` (a copy when it is a tensor)."""
    return [
        g[key].clone() if isinstance(g[key], Tensor) else g[key] for g in optimizer.param_groups
    ]


def set_group_lr(group: dict[str, Any], value) -> None:
    if isinstance(group["lr"], Tensor):
        group["lr"].fill_(float(value))
    else:
        group["lr"] = value


def _track_steps(optimizer: Optimizer) -> None:
    """Make ``optimizer.step()`` note that it ran (for the call-order warning)."""
    step = optimizer.step
    if getattr(step, "_wrapped_by_lr_sched", False):
        return
    func = getattr(step, "__func__", None)
    ref = weakref.ref(optimizer)

    def wrapper(*args, **kwargs):
        opt = ref()
        opt._opt_called = True
        if func is None:
            return step(*args, **kwargs)
        return func(opt, *args, **kwargs)

    wrapper._wrapped_by_lr_sched = True
    wrapper.__doc__ = getattr(step, "__doc__", None)
    optimizer.step = wrapper


class LRScheduler:
    """Base class of learning-rate schedulers: subclasses give ``get_lr()``.

    Args:
        optimizer: the optimizer whose ``param_groups[i]["lr"]`` are set.
        last_epoch: the index of the last epoch; -1 (default) starts afresh and records
            ``initial_lr`` in each group; a value >= 0 resumes (the groups must hold
            ``initial_lr``).

    Attributes: ``base_lrs`` (the initial learning rates), ``last_epoch``.
    ``state_dict()`` holds every attribute but the optimizer.

    Example:
        >>> import compat as torch
        >>> opt = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=1.0)
        >>> sched = torch.optim.lr_scheduler.ExponentialLR(opt, gamma=0.5)
        >>> opt.step(); sched.step()
        >>> sched.get_last_lr(), sched.last_epoch, opt.param_groups[0]["initial_lr"]
        ([0.5], 1, 1.0)
    """

    _get_lr_called_within_step = False
    _is_initial = False

    def __init__(self, optimizer: Optimizer, last_epoch: int = -1) -> None:
        if not isinstance(optimizer, Optimizer):
            raise TypeError(f"{type(optimizer).__name__} is not an Optimizer")
        self.optimizer = optimizer
        if last_epoch == -1:
            for group in optimizer.param_groups:
                lr = group["lr"]
                group.setdefault("initial_lr", lr.clone() if isinstance(lr, Tensor) else lr)
        else:
            for i, group in enumerate(optimizer.param_groups):
                if "initial_lr" not in group:
                    raise KeyError(
                        f"param 'initial_lr' is not specified in param_groups[{i}] when resuming "
                        "scheduler with last_epoch >= 0.\nThis typically happens when:\n1. You're "
                        "trying to resume training from a checkpoint but haven't properly loaded "
                        "the optimizer state\n2. You're using last_epoch >= 0 for a fresh training "
                        "run (not recommended)"
                    )
        self.base_lrs = group_values(optimizer, "initial_lr")
        self.last_epoch = last_epoch
        _track_steps(optimizer)
        self._initial_step()

    def _initial_step(self) -> None:
        self._step_count = 0
        self._is_initial = True
        try:
            self.step()
        finally:
            self._is_initial = False

    def get_lr(self) -> list:
        """The learning rates of the current epoch (use :meth:`get_last_lr` to read them)."""
        raise NotImplementedError

    def _warn_outside_step(self) -> None:
        if not self._get_lr_called_within_step:
            warnings.warn(_GET_LR_WARNING, UserWarning, stacklevel=3)

    def get_last_lr(self) -> list:
        """The learning rates the last :meth:`step` set, one per parameter group."""
        return self._last_lr

    def step(self, epoch: int | None = None) -> None:
        """Advance one epoch and set each group's learning rate.

        Args:
            epoch: deprecated (warns): jump to this epoch, with the closed-form formula.
        """
        if self._step_count == 1:
            if not hasattr(self.optimizer.step, "_wrapped_by_lr_sched"):
                warnings.warn(_OVERRIDDEN_WARNING, UserWarning, stacklevel=2)
            elif not getattr(self.optimizer, "_opt_called", False):
                warnings.warn(_ORDER_WARNING, UserWarning, stacklevel=2)
        self._step_count += 1
        if epoch is not None:
            warnings.warn(EPOCH_DEPRECATION_WARNING, UserWarning, stacklevel=2)
        self._get_lr_called_within_step = True
        try:
            if epoch is None:
                self.last_epoch += 1
                values = self.get_lr()
            else:
                self.last_epoch = epoch
                closed_form = getattr(self, "_get_closed_form_lr", None)
                values = closed_form() if closed_form is not None else self.get_lr()
        finally:
            self._get_lr_called_within_step = False
        for group, lr in zip(self.optimizer.param_groups, values):
            set_group_lr(group, lr)
        self._last_lr = group_values(self.optimizer)

    def state_dict(self) -> dict[str, Any]:
        """Every attribute but the optimizer (PyTorch's format)."""
        return {k: v for k, v in self.__dict__.items() if k != "optimizer"}

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Restore the attributes of a :meth:`state_dict`."""
        self.__dict__.update(state_dict)


class _LRScheduler(LRScheduler):  # noqa: N801
    """The old name of :class:`LRScheduler`, which older scripts subclass."""

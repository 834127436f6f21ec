"""``torch.optim.SGD`` on funcgrad.optim blocks."""

from __future__ import annotations

from compat.optim._optimizer import check_nonnegative
from compat.optim._transform import TransformOptimizer
from funcgrad import optim as fgo

__all__ = ["SGD"]


class SGD(TransformOptimizer):
    """Stochastic gradient descent, optionally with momentum (``torch.optim.SGD``).

    Per parameter with gradient ``g`` (``-g`` if ``maximize``): ``g += weight_decay * p``;
    with momentum the buffer is ``b = g`` at the first step, then
    ``b = momentum * b + (1 - dampening) * g``, and ``g = g + momentum * b`` (nesterov)
    or ``b``; finally ``p -= lr * g``. State: ``momentum_buffer`` (only with momentum).
    The chain: ``scale(-1)`` (maximize), ``add_decayed_weights(weight_decay)``,
    ``trace(momentum, nesterov, dampening)``; the learning rate is applied by the step.

    Args:
        params: tensors, ``(name, tensor)`` pairs or parameter-group dicts.
        lr: learning rate (default 1e-3).
        momentum: momentum factor (default 0).
        dampening: dampening of the momentum (default 0).
        weight_decay: L2 penalty (default 0).
        nesterov: Nesterov momentum (needs momentum > 0 and dampening 0).
        maximize: ascend instead of descend.
        foreach, differentiable, fused: accepted and stored, as PyTorch's flags.

    Example:
        >>> import compat as torch
        >>> w = torch.tensor([1.0, -2.0], requires_grad=True)
        >>> opt = torch.optim.SGD([w], lr=0.1, momentum=0.9)
        >>> for _ in range(2):
        ...     opt.zero_grad()
        ...     (w * w).sum().backward()
        ...     opt.step()
        >>> w
        tensor([ 0.4600, -0.9200], requires_grad=True)
    """

    _HYPERPARAMETERS = ("momentum", "dampening", "weight_decay", "nesterov", "maximize")
    _COUNTS_STEPS = False

    def __init__(
        self,
        params,
        lr=1e-3,
        momentum=0,
        dampening=0,
        weight_decay=0,
        nesterov=False,
        *,
        maximize=False,
        foreach=None,
        differentiable=False,
        fused=None,
    ) -> None:
        check_nonnegative(lr=lr, momentum=momentum, weight_decay=weight_decay)
        defaults = {
            "lr": lr,
            "momentum": momentum,
            "dampening": dampening,
            "weight_decay": weight_decay,
            "nesterov": nesterov,
            "maximize": maximize,
            "foreach": foreach,
            "differentiable": differentiable,
            "fused": fused,
        }
        if nesterov and (momentum <= 0 or dampening != 0):
            raise ValueError("Nesterov momentum requires a momentum and zero dampening")
        super().__init__(params, defaults)

    def _transformation(self, group):
        blocks = [fgo.scale(-1.0)] if group["maximize"] else []
        if group["weight_decay"] != 0:
            blocks.append(fgo.add_decayed_weights(group["weight_decay"]))
        if group["momentum"] != 0:
            blocks.append(fgo.trace(group["momentum"], group["nesterov"], group["dampening"]))
        return fgo.chain(*blocks)

    def _init_state(self, plan, p, st) -> None:
        """PyTorch creates the momentum buffer at the end of the first step."""

"""``torch.optim.RMSprop`` and ``Adagrad`` on funcgrad.optim blocks."""

from __future__ import annotations

from compat.optim._optimizer import check_nonnegative
from compat.optim._transform import TransformOptimizer
from funcgrad import optim as fgo

__all__ = ["RMSprop", "Adagrad"]


class RMSprop(TransformOptimizer):
    """RMSprop, plain or centered, with optional momentum (``torch.optim.RMSprop``).

    Per parameter with gradient ``g`` (``-g`` if ``maximize``): ``g += weight_decay * p``;
    ``s = alpha s + (1-alpha) g^2``; ``avg = sqrt(s - a^2) + eps`` with
    ``a = alpha a + (1-alpha) g`` when centered, else ``sqrt(s) + eps``; with momentum
    ``b = momentum b + g / avg`` and ``p -= lr b``, else ``p -= lr g / avg``.
    State: ``step``, ``square_avg`` (+ ``momentum_buffer``, ``grad_avg``). The chain:
    ``scale(-1)`` (maximize), ``add_decayed_weights``, ``scale_by_rms(alpha, eps,
    eps_in_sqrt=False, centered=...)``, ``trace(momentum)``; the learning rate is
    applied by the step, after the momentum buffer, as in PyTorch.

    Args:
        params: tensors, ``(name, tensor)`` pairs or parameter-group dicts.
        lr: learning rate (default 1e-2).
        alpha: smoothing constant (default 0.99).
        eps: added to the denominator (default 1e-8).
        weight_decay: L2 penalty (default 0).
        momentum: momentum factor (default 0).
        centered: normalise by the estimated variance of the gradient.
        maximize: ascend instead of descend.
        capturable, foreach, differentiable: accepted and stored.

    Example:
        >>> import compat as torch
        >>> w = torch.tensor([1.0, -2.0], requires_grad=True)
        >>> opt = torch.optim.RMSprop([w], lr=0.01)
        >>> (w * w).sum().backward()
        >>> opt.step()
        >>> w  # the first step is lr * g / (0.1 |g|)
        tensor([ 0.9000, -1.9000], requires_grad=True)
    """

    _HYPERPARAMETERS = ("momentum", "alpha", "eps", "centered", "weight_decay", "maximize")
    _STATE_ORDER = ("momentum_buffer", "grad_avg")

    def __init__(
        self,
        params,
        lr=1e-2,
        alpha=0.99,
        eps=1e-8,
        weight_decay=0,
        momentum=0,
        centered=False,
        capturable=False,
        foreach=None,
        maximize=False,
        differentiable=False,
    ) -> None:
        check_nonnegative(lr=lr, eps=eps, momentum=momentum, weight_decay=weight_decay, alpha=alpha)
        defaults = {
            "lr": lr,
            "momentum": momentum,
            "alpha": alpha,
            "eps": eps,
            "centered": centered,
            "weight_decay": weight_decay,
            "capturable": capturable,
            "foreach": foreach,
            "maximize": maximize,
            "differentiable": differentiable,
        }
        super().__init__(params, defaults)

    def _transformation(self, group):
        blocks = [fgo.scale(-1.0)] if group["maximize"] else []
        if group["weight_decay"] != 0:
            blocks.append(fgo.add_decayed_weights(group["weight_decay"]))
        blocks.append(
            fgo.scale_by_rms(
                group["alpha"], group["eps"], eps_in_sqrt=False, centered=group["centered"]
            )
        )
        if group["momentum"] > 0:
            blocks.append(fgo.trace(group["momentum"]))
        return fgo.chain(*blocks)


class Adagrad(TransformOptimizer):
    """Adagrad (``torch.optim.Adagrad``); its state exists from construction.

    Per parameter with gradient ``g`` (``-g`` if ``maximize``), at step ``t = 1, 2, ...``:
    ``g += weight_decay * p``; ``s += g^2``;
    ``p -= lr / (1 + (t-1) lr_decay) * g / (sqrt(s) + eps)``. State: ``step``, ``sum``
    (from ``initial_accumulator_value``). The chain: ``scale(-1)`` (maximize),
    ``add_decayed_weights``, ``scale_by_rss(initial_accumulator_value, eps,
    eps_in_sqrt=False)``; the step applies ``inverse_time_decay(lr, lr_decay)``.

    Args:
        params: tensors, ``(name, tensor)`` pairs or parameter-group dicts.
        lr: learning rate (default 1e-2).
        lr_decay: learning-rate decay (default 0).
        weight_decay: L2 penalty (default 0).
        initial_accumulator_value: starting value of ``sum`` (default 0).
        eps: added to the denominator (default 1e-10).
        maximize: ascend instead of descend.
        foreach, differentiable, fused: accepted and stored.

    Example:
        >>> import compat as torch
        >>> w = torch.tensor([1.0, -2.0], requires_grad=True)
        >>> opt = torch.optim.Adagrad([w], lr=0.1)
        >>> opt.state[w]["sum"]
        tensor([0., 0.])
        >>> (w * w).sum().backward()
        >>> opt.step()
        >>> w
        tensor([ 0.9000, -1.9000], requires_grad=True)
    """

    _HYPERPARAMETERS = ("eps", "weight_decay", "maximize")

    def __init__(
        self,
        params,
        lr=1e-2,
        lr_decay=0,
        weight_decay=0,
        initial_accumulator_value=0,
        eps=1e-10,
        foreach=None,
        *,
        maximize=False,
        differentiable=False,
        fused=None,
    ) -> None:
        check_nonnegative(
            lr=lr,
            lr_decay=lr_decay,
            weight_decay=weight_decay,
            initial_accumulator_value=initial_accumulator_value,
            eps=eps,
        )
        defaults = {
            "lr": lr,
            "lr_decay": lr_decay,
            "eps": eps,
            "weight_decay": weight_decay,
            "initial_accumulator_value": initial_accumulator_value,
            "foreach": foreach,
            "maximize": maximize,
            "differentiable": differentiable,
            "fused": fused,
        }
        super().__init__(params, defaults)
        for group in self.param_groups:
            plan = self._plan(group)
            for p in group["params"]:
                self._init_state(plan, p, self.state[p])

    def _transformation(self, group):
        blocks = [fgo.scale(-1.0)] if group["maximize"] else []
        if group["weight_decay"] != 0:
            blocks.append(fgo.add_decayed_weights(group["weight_decay"]))
        # PyTorch fills a new ``sum`` from the constructor's value, whatever the group says
        initial = self.defaults["initial_accumulator_value"]
        blocks.append(fgo.scale_by_rss(initial, group["eps"], eps_in_sqrt=False))
        return fgo.chain(*blocks)

    def _learning_rate(self, group, count):
        return fgo.inverse_time_decay(float(group["lr"]), group["lr_decay"])(count)

"""``torch.optim.Adam`` and ``AdamW`` on funcgrad.optim blocks."""

from __future__ import annotations

from compat._tensor import Tensor
from compat.optim._optimizer import check_nonnegative
from compat.optim._transform import TransformOptimizer
from funcgrad import optim as fgo

__all__ = ["Adam", "AdamW"]


class Adam(TransformOptimizer):
    """Adam, with AMSGrad and coupled or decoupled weight decay (``torch.optim.Adam``).

    Per parameter with gradient ``g`` (``-g`` if ``maximize``), at step ``t = 1, 2, ...``:
    ``g += weight_decay * p`` (coupled; decoupled: ``p *= 1 - lr * weight_decay``),
    ``m = b1 m + (1-b1) g``, ``v = b2 v + (1-b2) g^2`` (AMSGrad: ``v_max = max(v_max, v)``
    is used for ``v``), ``p -= lr / (1 - b1^t) * m / (sqrt(v) / sqrt(1 - b2^t) + eps)``.
    State: ``step`` (a float32 0-d tensor), ``exp_avg``, ``exp_avg_sq``
    (+ ``max_exp_avg_sq``). The chain: ``scale(-1)`` (maximize),
    ``add_decayed_weights`` (coupled), ``scale_by_adam(b1, b2, eps, amsgrad=...,
    amsgrad_max="raw")``, ``add_decayed_weights`` (decoupled); the learning rate is
    applied by the step.

    Args:
        params: tensors, ``(name, tensor)`` pairs or parameter-group dicts.
        lr: learning rate (default 1e-3).
        betas: decay rates ``(b1, b2)`` of the moments (default (0.9, 0.999)).
        eps: added to the denominator (default 1e-8).
        weight_decay: L2 penalty (default 0).
        amsgrad: use the running maximum of the second moment.
        maximize: ascend instead of descend.
        decoupled_weight_decay: AdamW's decay (``p *= 1 - lr * weight_decay``).
        foreach, capturable, differentiable, fused: accepted and stored.

    Example:
        >>> import compat as torch
        >>> w = torch.tensor([1.0, -2.0], requires_grad=True)
        >>> opt = torch.optim.Adam([w], lr=0.1)
        >>> (w * w).sum().backward()
        >>> opt.step()
        >>> w, opt.state[w]["step"]
        (tensor([ 0.9000, -1.9000], requires_grad=True), tensor(1.))
    """

    _HYPERPARAMETERS = (
        "betas",
        "eps",
        "weight_decay",
        "amsgrad",
        "maximize",
        "decoupled_weight_decay",
    )

    def __init__(
        self,
        params,
        lr=1e-3,
        betas=(0.9, 0.999),
        eps=1e-8,
        weight_decay=0,
        amsgrad=False,
        *,
        foreach=None,
        maximize=False,
        capturable=False,
        differentiable=False,
        fused=None,
        decoupled_weight_decay=False,
    ) -> None:
        check_nonnegative(lr=lr, eps=eps)
        for i, beta in enumerate(betas):
            if not 0.0 <= beta < 1.0:
                raise ValueError(f"Invalid beta parameter at index {i}: {beta}")
        check_nonnegative(weight_decay=weight_decay)
        if not all(isinstance(b, float) for b in betas) and not all(
            isinstance(b, Tensor) for b in betas
        ):
            raise ValueError("betas must be either both floats or both Tensors")
        defaults = {
            "lr": lr,
            "betas": tuple(betas),
            "eps": eps,
            "weight_decay": weight_decay,
            "amsgrad": amsgrad,
            "maximize": maximize,
            "foreach": foreach,
            "capturable": capturable,
            "differentiable": differentiable,
            "fused": fused,
            "decoupled_weight_decay": decoupled_weight_decay,
        }
        super().__init__(params, defaults)

    def _transformation(self, group):
        b1, b2 = (float(b) for b in group["betas"])
        wd = group["weight_decay"]
        decoupled = group["decoupled_weight_decay"]
        blocks = [fgo.scale(-1.0)] if group["maximize"] else []
        if wd != 0 and not decoupled:
            blocks.append(fgo.add_decayed_weights(wd))
        blocks.append(
            fgo.scale_by_adam(b1, b2, group["eps"], amsgrad=group["amsgrad"], amsgrad_max="raw")
        )
        if wd != 0 and decoupled:  # lr * (adam + wd * p): PyTorch's p *= 1 - lr * wd
            blocks.append(fgo.add_decayed_weights(wd))
        return fgo.chain(*blocks)


class AdamW(Adam):
    """Adam with decoupled weight decay, default 1e-2 (``torch.optim.AdamW``).

    ``p *= 1 - lr * weight_decay`` before Adam's step (PyTorch's formula; the chain adds
    ``weight_decay * p`` after ``scale_by_adam``, which is the same update). Arguments
    as :class:`Adam`.

    Example:
        >>> import compat as torch
        >>> w = torch.tensor([1.0, -2.0], requires_grad=True)
        >>> opt = torch.optim.AdamW([w], lr=0.1, weight_decay=0.5)
        >>> (w * w).sum().backward()
        >>> opt.step()
        >>> w
        tensor([ 0.8500, -1.8000], requires_grad=True)
    """

    def __init__(
        self,
        params,
        lr=1e-3,
        betas=(0.9, 0.999),
        eps=1e-8,
        weight_decay=1e-2,
        amsgrad=False,
        **flags,
    ) -> None:
        # flags: maximize, foreach, capturable, differentiable, fused (keyword-only, as Adam's)
        super().__init__(
            params, lr, betas, eps, weight_decay, amsgrad, decoupled_weight_decay=True, **flags
        )

    def __setstate__(self, state) -> None:
        super().__setstate__(state)
        for group in self.param_groups:
            group["decoupled_weight_decay"] = True

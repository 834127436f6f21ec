"""``torch.optim.Optimizer``: parameter groups, per-parameter state, state dicts.

:class:`Optimizer` is PyTorch's bookkeeping (groups, errors, ``state_dict``,
``zero_grad``, ``repr``); subclasses written the PyTorch way override ``step``.
compat's own optimizers derive from ``_transform.TransformOptimizer``, whose ``step``
runs a :mod:`funcgrad.optim` chain on the parameters' arrays.
"""

from __future__ import annotations

import copy
import itertools
import warnings
from collections import defaultdict
from typing import Any

import numpy as np

from compat._tensor import Tensor, wrap

__all__ = ["Optimizer", "required"]

_DUPLICATE_PARAMS = (
    "optimizer contains a parameter group with duplicate parameters; in future, this will "
    "cause an error; see github.com/pytorch/pytorch/issues/40967 for more information"
)
_NOT_ITERABLE = (
    "params argument given to the optimizer should be an iterable of Tensors or dicts, but got "
)


class _Required:
    """The default of a hyperparameter every group must give."""

    def __repr__(self) -> str:
        return "<required parameter>"


required = _Required()


#: PyTorch's texts for a hyperparameter below 0 (others read "Invalid <name> value: <v>").
_INVALID = {"lr": "Invalid learning rate: {}", "eps": "Invalid epsilon value: {}"}


def check_nonnegative(**values: Any) -> None:
    """Refuse the first negative hyperparameter, in the order given, with PyTorch's text."""
    for name, value in values.items():
        if not 0.0 <= value:
            raise ValueError(_INVALID.get(name, f"Invalid {name} value: {{}}").format(value))


def _typename(obj: Any) -> str:
    """``torch.typename``: ``'torch.FloatTensor'`` for a tensor, else the qualified class."""
    if isinstance(obj, Tensor):
        return obj.type()
    cls = type(obj)
    if cls.__module__ in ("builtins", ""):
        return cls.__qualname__
    return f"{cls.__module__}.{cls.__qualname__}"


class Optimizer:
    """Base class of optimizers: parameter groups and per-parameter state (``torch.optim``).

    Args:
        params: an iterable of tensors, of ``(name, tensor)`` pairs, or of dicts (parameter
            groups: ``{"params": [...], "lr": ...}``; missing keys take ``defaults``).
        defaults: the hyperparameters of a group that does not give its own.

    ``param_groups`` is a list of dicts that may be changed between steps (schedulers
    change ``"lr"``); ``state`` maps each parameter to a dict of its state tensors.
    Subclasses implement ``step``.

    Example:
        >>> import compat as torch
        >>> w = torch.tensor([1.0, 2.0], requires_grad=True)
        >>> opt = torch.optim.SGD([w], lr=0.5)
        >>> (w * w).sum().backward()
        >>> opt.step()
        >>> w, opt.param_groups[0]["lr"]
        (tensor([0., 0.], requires_grad=True), 0.5)
    """

    def __init__(self, params, defaults: dict[str, Any]) -> None:
        self.defaults = defaults
        if isinstance(params, Tensor):
            raise TypeError(_NOT_ITERABLE + _typename(params))
        self.state: defaultdict[Any, dict[str, Any]] = defaultdict(dict)
        self.param_groups: list[dict[str, Any]] = []
        groups = list(params)
        if not groups:
            raise ValueError("optimizer got an empty parameter list")
        if not isinstance(groups[0], dict):
            groups = [{"params": groups}]
        for group in groups:
            self.add_param_group(group)

    def add_param_group(self, param_group: dict[str, Any]) -> None:
        """Add a group of parameters (a dict with ``"params"``; other keys default).

        Example:
            >>> import compat as torch
            >>> w, b = torch.zeros(2, requires_grad=True), torch.zeros(1, requires_grad=True)
            >>> opt = torch.optim.SGD([w], lr=0.1)
            >>> opt.add_param_group({"params": [b], "lr": 0.01})
            >>> [g["lr"] for g in opt.param_groups]
            [0.1, 0.01]
        """
        if not isinstance(param_group, dict):
            raise TypeError(f"param_group must be a dict, but got {type(param_group)}")
        params = param_group["params"]
        if isinstance(params, Tensor):
            params = [params]
        elif isinstance(params, set):
            raise TypeError(
                "optimizer parameters need to be organized in ordered collections, but the "
                "ordering of tensors in sets will change between runs. Please use a list instead."
            )
        else:
            params = list(params)
        names = [p[0] for p in params if isinstance(p, tuple)]
        tensors = [p[1] if isinstance(p, tuple) else p for p in params]
        param_group["params"] = tensors
        if names:
            if len(names) != len(tensors):
                raise ValueError(
                    "all optimizer params should be with/without names. Some param names are "
                    "missing"
                )
            param_group["param_names"] = names
        for p in tensors:
            if not isinstance(p, Tensor):
                raise TypeError(
                    "optimizer can only optimize Tensors, but one of the params is " + _typename(p)
                )
            if not self.defaults.get("differentiable") and not (p.is_leaf or p.retains_grad):
                raise ValueError("can't optimize a non-leaf Tensor")
        for name, default in self.defaults.items():
            if default is required and name not in param_group:
                raise ValueError(
                    "parameter group didn't specify a value of required optimization parameter "
                    + name
                )
            param_group.setdefault(name, default)
        if len(set(tensors)) != len(tensors):
            warnings.warn(_DUPLICATE_PARAMS, UserWarning, stacklevel=3)
        seen: set[Tensor] = set()
        for group in self.param_groups:
            seen.update(group["params"])
            if ("param_names" in param_group) != ("param_names" in group):
                which = "with names" if "param_names" in param_group else "without names"
                raise ValueError(
                    "all optimizer param groups should be with/without names. cannot add param "
                    f"group {which} to the optimizer"
                )
        if not seen.isdisjoint(tensors):
            raise ValueError("some parameters appear in more than one parameter group")
        self.param_groups.append(param_group)

    def zero_grad(self, set_to_none: bool = True) -> None:
        """Forget the gradients: set each ``.grad`` to None (or fill it with zeros).

        Example:
            >>> import compat as torch
            >>> w = torch.ones(2, requires_grad=True)
            >>> opt = torch.optim.SGD([w])
            >>> w.sum().backward()
            >>> opt.zero_grad(set_to_none=False)
            >>> w.grad
            tensor([0., 0.])
            >>> opt.zero_grad()
            >>> w.grad is None
            True
        """
        for group in self.param_groups:
            for p in group["params"]:
                g = p.grad
                if g is None:
                    continue
                if set_to_none:
                    p.grad = None
                    continue
                if g.grad_fn is not None:
                    g.detach_()
                else:
                    g.requires_grad_(False)
                g.zero_()

    def step(self, closure=None):
        """Update the parameters from their ``.grad`` (implemented by each optimizer)."""
        raise NotImplementedError

    # --- state dicts ------------------------------------------------------------------------

    def state_dict(self) -> dict[str, Any]:
        """The state as ``{"state": {index: {...}}, "param_groups": [{..., "params": [indices]}]}``.

        Parameters are replaced by their position in the groups (0, 1, ...); the state
        tensors are the optimizer's own (as in PyTorch: deep-copy to snapshot).

        Example:
            >>> import compat as torch
            >>> w = torch.ones(2, requires_grad=True)
            >>> opt = torch.optim.SGD([w], lr=0.1, momentum=0.9)
            >>> w.sum().backward()
            >>> opt.step()
            >>> opt.state_dict()["state"]
            {0: {'momentum_buffer': tensor([1., 1.])}}
        """
        index: dict[int, int] = {}
        groups = []
        start = 0
        for group in self.param_groups:
            packed = {k: v for k, v in group.items() if k != "params"}
            for i, p in enumerate(group["params"], start):
                index.setdefault(id(p), i)
            packed["params"] = [index[id(p)] for p in group["params"]]
            start += len(group["params"])
            groups.append(packed)
        state = {(index[id(k)] if isinstance(k, Tensor) else k): v for k, v in self.state.items()}
        return {"state": state, "param_groups": groups}

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Restore a :meth:`state_dict`: hyperparameters and (copied) state, matched by position.

        Example:
            >>> import compat as torch
            >>> w = torch.ones(2, requires_grad=True)
            >>> opt = torch.optim.Adam([w], lr=0.1)
            >>> w.sum().backward()
            >>> opt.step()
            >>> other = torch.optim.Adam([w])
            >>> other.load_state_dict(opt.state_dict())
            >>> other.param_groups[0]["lr"], other.state[w]["step"]
            (0.1, tensor(1.))
        """
        groups = self.param_groups
        saved = copy.deepcopy(state_dict["param_groups"])
        if len(groups) != len(saved):
            raise ValueError("loaded state dict has a different number of parameter groups")
        if any(len(g["params"]) != len(s["params"]) for g, s in zip(groups, saved)):
            raise ValueError(
                "loaded state dict contains a parameter group that doesn't match the size of "
                "optimizer's group"
            )
        by_index = dict(
            zip(
                itertools.chain.from_iterable(s["params"] for s in saved),
                itertools.chain.from_iterable(g["params"] for g in groups),
            )
        )
        state: defaultdict[Any, dict[str, Any]] = defaultdict(dict)
        for k, v in state_dict["state"].items():
            if k in by_index:
                p = by_index[k]
                state[p] = {key: _cast_state(p, key, val) for key, val in v.items()}
            else:
                state[k] = copy.deepcopy(v)
        for group, new in zip(groups, saved):
            new["params"] = group["params"]
            if "param_names" in group and "param_names" not in new:
                new["param_names"] = group["param_names"]
            for k, v in self.defaults.items():  # a state dict from an older version
                new.setdefault(k, v)
        self.__setstate__({"state": state, "param_groups": saved})

    def __getstate__(self) -> dict[str, Any]:
        return {"defaults": self.defaults, "state": self.state, "param_groups": self.param_groups}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)

    def __repr__(self) -> str:
        text = type(self).__name__ + " ("
        for i, group in enumerate(self.param_groups):  # groups are separated by a blank line
            text += f"\nParameter Group {i}\n"
            text += "".join(f"    {k}: {group[k]}\n" for k in sorted(group) if k != "params")
        return text + ")"


def _cast_state(p: Tensor, key: str, value: Any) -> Any:
    """A loaded state value as this optimizer's own copy, in the parameter's dtype."""
    if key == "step" and not isinstance(value, Tensor):  # an old-style number
        return wrap(np.array(value, dtype=np.float32))
    if not isinstance(value, Tensor):
        return copy.deepcopy(value)
    a = value._data
    if key != "step" and p.is_floating_point():
        return wrap(a.astype(p._data.dtype))  # astype copies
    return wrap(a.copy())

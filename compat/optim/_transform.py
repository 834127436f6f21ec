"""The bridge from PyTorch's optimizer objects to funcgrad.optim transformations.

:class:`TransformOptimizer` runs a :mod:`funcgrad.optim` chain on the parameters'
arrays and keeps the chain's state in PyTorch's per-parameter layout. The table
``_TORCH_KEYS`` is the one place that says which funcgrad state field is which of
PyTorch's state entries; ``_pack`` and ``_unpack`` convert with it.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np

from compat._grad_mode import enable_grad
from compat._tensor import Tensor, wrap
from compat.optim._optimizer import Optimizer
from funcgrad import optim as fgo

__all__ = ["TransformOptimizer"]

#: Which of PyTorch's per-parameter state entries holds each field of a funcgrad state.
#: A ``count`` field is the number of steps taken (PyTorch's ``step``, a float32 0-d
#: tensor; SGD keeps none: its count is 1 once the momentum buffer exists); a field that
#: is None in the chain's state (``nu_max`` without amsgrad) has no entry.
_TORCH_KEYS: dict[type, dict[str, str]] = {
    fgo.TraceState: {"trace": "momentum_buffer"},
    fgo.ScaleByAdamState: {"mu": "exp_avg", "nu": "exp_avg_sq", "nu_max": "max_exp_avg_sq"},
    fgo.ScaleByRmsState: {"nu": "square_avg", "mu": "grad_avg"},
    fgo.ScaleByRssState: {"sum_of_squares": "sum"},
}


class _Plan(NamedTuple):
    """A group's transformation and the shape of its state (``tx.init([])``)."""

    group: dict
    key: tuple
    tx: fgo.GradientTransformation
    template: tuple
    stateful: bool


def _pack(template: tuple, count: int, states: list[dict], arrays: list) -> tuple:
    """The chain state for parameters (values ``arrays``) whose PyTorch states are ``states``.

    A missing entry (SGD's momentum buffer before the first step) is zeros.
    """
    out = []
    for s in template:
        keys = _TORCH_KEYS.get(type(s))
        if keys is None:  # a stateless block
            out.append(s)
            continue
        fields = []
        for name, value in zip(s._fields, s):
            if name == "count":
                fields.append(count)
            elif value is None:
                fields.append(None)
            else:
                key = keys[name]
                column = [
                    st[key]._data if key in st else np.zeros_like(a)
                    for st, a in zip(states, arrays)
                ]
                fields.append(column)
        out.append(type(s)(*fields))
    return tuple(out)


def _unpack(chain_state: tuple, states: list[dict]) -> None:
    """Write the arrays of a chain state into the PyTorch states, in place."""
    for s in chain_state:
        keys = _TORCH_KEYS.get(type(s))
        if keys is None:
            continue
        for name, key in keys.items():
            arrays = getattr(s, name)
            if arrays is None:
                continue
            for st, a in zip(states, arrays):
                t = st.get(key)
                if t is None:
                    st[key] = wrap(np.array(a))  # writable: later steps update it in place
                else:
                    t._assign(a)


def _step_count(st: dict) -> int:
    step = st.get("step")
    if step is not None:
        return int(step)
    return 1 if st else 0


class TransformOptimizer(Optimizer):
    """An optimizer whose step is a :mod:`funcgrad.optim` chain (compat's SGD, Adam, ...).

    A subclass gives ``_transformation(group)``: the chain of PyTorch's formula *without*
    the learning rate, and ``_HYPERPARAMETERS``: the group keys that chain depends on.
    The chain is built once per group and rebuilt only when one of those keys changes;
    the learning rate is read at every step and applied here (``p += -lr * update``), so
    schedulers and ``param_groups[i]["lr"] = ...`` cost nothing. Parameters whose
    ``.grad`` is None are skipped. Parameters of a group are updated in one call of the
    chain, one call per distinct step count (they differ only when some parameter
    skipped steps).
    """

    _HYPERPARAMETERS: tuple[str, ...] = ()
    _COUNTS_STEPS = True  # PyTorch keeps a ``step`` entry in each parameter's state
    _STATE_ORDER: tuple[str, ...] = ()

    def __init__(self, params, defaults: dict[str, Any]) -> None:
        self._plans: dict[int, _Plan] = {}
        super().__init__(params, defaults)

    def _transformation(self, group: dict[str, Any]) -> fgo.GradientTransformation:
        raise NotImplementedError

    def _learning_rate(self, group: dict[str, Any], count: int) -> float:
        """The learning rate of a step taken after ``count`` steps."""
        return float(group["lr"])

    def _plan(self, group: dict[str, Any]) -> _Plan:
        # the chain leaves out the learning rate (read at each step), so it is rebuilt only
        # when another hyperparameter of the group changes
        key = tuple(group[k] for k in self._HYPERPARAMETERS)
        plan = self._plans.get(id(group))
        if plan is None or plan.group is not group or plan.key != key:
            tx = self._transformation(group)
            template = tx.init([])
            stateful = any(type(s) in _TORCH_KEYS for s in template)
            plan = self._plans[id(group)] = _Plan(group, key, tx, template, stateful)
        return plan

    def _init_state(self, plan: _Plan, p: Tensor, st: dict[str, Any]) -> None:
        """Fill a parameter's empty state (before its first step) from the chain's init."""
        if self._COUNTS_STEPS:
            st["step"] = wrap(np.array(0.0, dtype=np.float32))
        _unpack(plan.tx.init([p._data]), [st])
        for key in self._STATE_ORDER:  # PyTorch's key order, where the chain's differs
            if key in st:
                st[key] = st.pop(key)

    def step(self, closure=None):
        """Take one optimization step; return ``closure()``'s loss (run with grad enabled)."""
        loss = None
        if closure is not None:
            with enable_grad():
                loss = closure()
        for group in self.param_groups:
            self._step_group(group)
        return loss

    def _step_group(self, group: dict[str, Any]) -> None:
        params = [p for p in group["params"] if p.grad is not None]
        if not params:
            return
        plan = self._plan(group)
        buckets: dict[int, list] = {}
        for p in params:
            if plan.stateful:
                st = self.state[p]
                if not st:
                    self._init_state(plan, p, st)
            else:  # PyTorch's SGD without momentum never touches the state
                st = {}
            buckets.setdefault(_step_count(st), []).append((p, st))
        for count, items in buckets.items():
            ps = [p for p, _ in items]
            states = [st for _, st in items]
            arrays = [p._data for p in ps]
            # a transposed gradient (from `x @ w.t()`) would make every elementwise op strided
            grads = [np.asarray(p.grad._data, order="C") for p in ps]  # (0-d stays 0-d)
            chain_state = _pack(plan.template, count, states, arrays)
            updates, new_state = plan.tx.update(grads, chain_state, arrays)
            _unpack(new_state, states)
            if self._COUNTS_STEPS:
                for st in states:
                    t = st["step"]
                    t._assign(t._data + 1)
            step_size = -self._learning_rate(group, count)
            new = fgo.apply_updates(arrays, [u * step_size for u in updates])
            for p, a in zip(ps, new):
                p._assign(a)

    def __setstate__(self, state: dict[str, Any]) -> None:
        super().__setstate__(state)
        self._plans = {}

"""Scaling blocks: scale, learning rates and schedules, momentum (trace).

Each block is written once with the options that make both optax's and PyTorch's
formulas expressible; the docstrings say which setting is which. States are NamedTuples
of read-only arrays; each update builds new ones.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np

from funcgrad import tree
from funcgrad._optim_base import (
    EmptyState,
    GradientTransformation,
    ScalarOrSchedule,
    Schedule,
    _cast,
    _check,
    _check_real,
    _count,
    _dtype,
    _frozen,
    _leafwise,
    _zeros_like,
)


class ScaleByScheduleState(NamedTuple):
    """Step count (0-d int64 array) of a scheduled scaling."""

    count: Any


class TraceState(NamedTuple):
    """Step count and the momentum buffer (params' structure)."""

    count: Any
    trace: Any


def scale(step_size: float) -> GradientTransformation:
    """Multiply the updates by a constant.

    Args:
        step_size: any real number (``scale(-1.0)`` first in a chain is PyTorch's
            ``maximize=True``).

    Returns:
        A stateless GradientTransformation.

    >>> import numpy as np
    >>> from funcgrad import optim
    >>> tx = optim.scale(-2.0)
    >>> tx.update([np.array([1.0, 3.0])], tx.init([np.zeros(2)]))[0]
    [array([-2., -6.])]
    """
    step = _check_real("scale", "step_size", step_size)

    def init(params):
        return EmptyState()

    def update(updates, state, params=None):
        return tree.map(lambda g: _cast(g * step, g), updates), state

    return GradientTransformation(init, update)


def scale_by_schedule(step_size_fn: Schedule) -> GradientTransformation:
    """Multiply the updates by ``step_size_fn(count)``; ``count`` (0, 1, ...) is in the state.

    Args:
        step_size_fn: a function of the step count returning a number.

    Returns:
        A GradientTransformation with a :class:`ScaleByScheduleState`.

    >>> from funcgrad import optim
    >>> tx = optim.scale_by_schedule(lambda n: 10.0 ** -n)
    >>> state = tx.init({"w": 0.0})
    >>> u, state = tx.update({"w": 2.0}, state)
    >>> u2, state = tx.update({"w": 2.0}, state)
    >>> float(u["w"]), float(u2["w"]), int(state.count)
    (2.0, 0.2, 2)
    """
    if not callable(step_size_fn):
        raise TypeError(
            f"scale_by_schedule: expected a function of the step count, got "
            f"{type(step_size_fn).__name__}."
        )

    def init(params):
        return ScaleByScheduleState(count=_count(0))

    def update(updates, state, params=None):
        n = int(state.count)
        step = float(step_size_fn(n))
        new = tree.map(lambda g: _cast(g * step, g), updates)
        return new, ScaleByScheduleState(count=_count(n + 1))

    return GradientTransformation(init, update)


def scale_by_learning_rate(
    learning_rate: ScalarOrSchedule, *, flip_sign: bool = True
) -> GradientTransformation:
    """Multiply the updates by ``-learning_rate`` (a descent step).

    Args:
        learning_rate: a number >= 0, or a schedule ``step -> lr`` (the step count,
            from 0, lives in the state; a negative scheduled value is a ValueError).
        flip_sign: multiply by ``+learning_rate`` instead when False.

    Returns:
        A GradientTransformation: :func:`scale` for a number, :func:`scale_by_schedule`
        for a schedule.

    >>> import numpy as np
    >>> from funcgrad import optim
    >>> tx = optim.scale_by_learning_rate(0.1)
    >>> tx.update(np.array([1.0, -2.0]), tx.init(np.zeros(2)))[0]
    array([-0.1,  0.2])
    >>> tx = optim.scale_by_learning_rate(optim.linear_schedule(1.0, 0.0, 4))
    >>> state = tx.init(np.zeros(1))
    >>> u1, state = tx.update(np.ones(1), state)
    >>> u2, state = tx.update(np.ones(1), state)
    >>> u1, u2
    (array([-1.]), array([-0.75]))
    """
    sign = -1.0 if flip_sign else 1.0
    if not callable(learning_rate):
        lr = _check("scale_by_learning_rate", "learning_rate", learning_rate)
        return scale(sign * lr)

    def step_size(n):
        lr = float(learning_rate(n))
        if not lr >= 0:
            raise ValueError(
                f"scale_by_learning_rate: the schedule gave learning rate {lr!r} at step {n}; "
                "a learning rate must be >= 0 (use flip_sign=False to ascend)."
            )
        return sign * lr

    return scale_by_schedule(step_size)


def trace(decay: float, nesterov: bool = False, dampening: float = 0.0) -> GradientTransformation:
    """Momentum: keep a buffer ``b`` of past updates and return it (or Nesterov's look-ahead).

    With ``dampening == 0`` (optax's ``trace``, and PyTorch's SGD with its default
    ``dampening=0``; the two coincide): ``b = g + decay * b`` from ``b = 0``.
    With ``dampening = d > 0`` (PyTorch's SGD): ``b = g`` at the first step, then
    ``b = decay * b + (1 - d) * g``.
    The output is ``b``, or ``g + decay * b`` when ``nesterov`` (both libraries' form).

    Args:
        decay: momentum coefficient, >= 0.
        nesterov: return the Nesterov look-ahead ``g + decay * b``. Requires
            ``dampening == 0``, as in PyTorch.
        dampening: PyTorch's dampening, in [0, 1].

    Returns:
        A GradientTransformation with a :class:`TraceState`.

    >>> import numpy as np
    >>> from funcgrad import optim
    >>> tx = optim.trace(0.5)
    >>> state = tx.init(np.zeros(1))
    >>> u1, state = tx.update(np.ones(1), state)
    >>> u2, state = tx.update(np.ones(1), state)
    >>> u1, u2
    (array([1.]), array([1.5]))
    """
    decay = _check("trace", "decay", decay)
    dampening = _check("trace", "dampening", dampening, 0.0, 1.0)
    if nesterov and dampening != 0.0:
        raise ValueError(
            f"trace: Nesterov momentum requires zero dampening, got dampening={dampening!r}."
        )

    def init(params):
        return TraceState(count=_count(0), trace=tree.map(_zeros_like, params))

    def update(updates, state, params=None):
        n = int(state.count)
        if dampening == 0.0:  # optax's form; equals PyTorch's when dampening is 0

            def step(g, b):
                return g + decay * b

        elif n == 0:  # PyTorch: the buffer starts as the first gradient, undamped

            def step(g, b):
                return np.array(g, copy=True)

        else:

            def step(g, b):
                return decay * b + (1.0 - dampening) * g

        def leaf(g, b):
            b = _frozen(step(g, b), _dtype(b))
            return _cast(g + decay * b if nesterov else b, g), b

        out, new_trace = _leafwise(leaf, 2, updates, state.trace, names=("state.trace",))
        return out, TraceState(count=_count(n + 1), trace=new_trace)

    return GradientTransformation(init, update)

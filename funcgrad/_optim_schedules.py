"""Schedules: functions ``step -> value``, accepted wherever a learning rate is.

A schedule takes the step count (0 for the first update) and returns a float; given an
array of steps it returns an array (handy for plotting). Formulas follow optax's; invalid
arguments are a ValueError at construction rather than a warning.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np

from funcgrad._optim_base import Schedule, _check


def _out(x: Any) -> Any:
    x = np.asarray(x, dtype=np.float64)
    return float(x) if x.ndim == 0 else x


def _steps(count: Any) -> np.ndarray:
    return np.asarray(count, dtype=np.float64)


def _number(fn: str, name: str, value: Any) -> float:
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise TypeError(f"{fn}: {name} must be a number, got {value!r}.") from None
    if not math.isfinite(v):
        raise ValueError(f"{fn}: {name} must be finite, got {value!r}.")
    return v


def constant_schedule(value: float) -> Schedule:
    """The same value at every step.

    Args:
        value: the value.

    Returns:
        A schedule.

    >>> from funcgrad import optim
    >>> optim.constant_schedule(0.1)(1000)
    0.1
    """
    value = _number("constant_schedule", "value", value)

    def schedule(count):
        return _out(np.full(np.shape(count), value))

    return schedule


def exponential_decay(
    init_value: float,
    transition_steps: int,
    decay_rate: float,
    *,
    staircase: bool = False,
    transition_begin: int = 0,
    end_value: float | None = None,
) -> Schedule:
    """``init_value * decay_rate ** ((step - transition_begin) / transition_steps)``.

    Constant at ``init_value`` up to ``transition_begin``; with ``staircase`` the
    exponent is floored (decay in jumps every ``transition_steps``); ``end_value``
    bounds the value (a floor when decaying, a ceiling when growing).

    Args:
        init_value: the value at the start.
        transition_steps: steps per factor of ``decay_rate``, > 0.
        decay_rate: the factor, > 0 (< 1 decays, > 1 grows).
        staircase: decay in discrete jumps.
        transition_begin: steps to hold ``init_value`` first, >= 0.
        end_value: optional bound.

    Returns:
        A schedule.

    >>> from funcgrad import optim
    >>> s = optim.exponential_decay(1.0, transition_steps=10, decay_rate=0.5)
    >>> s(0), s(10), s(20), s(5)
    (1.0, 0.5, 0.25, 0.7071067811865476)
    >>> s = optim.exponential_decay(1.0, 10, 0.5, staircase=True, end_value=0.3)
    >>> s(9), s(10), s(25)
    (1.0, 0.5, 0.3)
    """
    fn = "exponential_decay"
    init_value = _number(fn, "init_value", init_value)
    steps = _check(fn, "transition_steps", transition_steps)
    if steps == 0:
        raise ValueError(f"{fn}: transition_steps must be > 0, got {transition_steps!r}.")
    rate = _check(fn, "decay_rate", decay_rate)
    if rate == 0:
        raise ValueError(f"{fn}: decay_rate must be > 0, got {decay_rate!r}.")
    begin = _check(fn, "transition_begin", transition_begin)
    end = None if end_value is None else _number(fn, "end_value", end_value)
    bound = np.maximum if rate < 1.0 else np.minimum

    def schedule(count):
        elapsed = _steps(count) - begin
        p = np.maximum(elapsed, 0.0) / steps
        if staircase:
            p = np.floor(p)
        with np.errstate(over="ignore"):
            value = init_value * rate**p
        if end is not None:
            value = bound(value, end)
        return _out(value)

    return schedule


def inverse_time_decay(init_value: float, decay_rate: float) -> Schedule:
    """``init_value / (1 + decay_rate * step)``: PyTorch Adagrad's ``lr_decay``.

    Args:
        init_value: the value at step 0.
        decay_rate: >= 0.

    Returns:
        A schedule.

    >>> from funcgrad import optim
    >>> s = optim.inverse_time_decay(1.0, 0.5)
    >>> s(0), s(1), s(2)
    (1.0, 0.6666666666666666, 0.5)
    """
    init_value = _number("inverse_time_decay", "init_value", init_value)
    rate = _check("inverse_time_decay", "decay_rate", decay_rate)

    def schedule(count):
        return _out(init_value / (1.0 + _steps(count) * rate))

    return schedule


def cosine_decay_schedule(
    init_value: float, decay_steps: int, alpha: float = 0.0, exponent: float = 1.0
) -> Schedule:
    """Cosine decay from ``init_value`` to ``alpha * init_value`` over ``decay_steps``.

    ``init_value * ((1 - alpha) * (0.5 * (1 + cos(pi * min(step, decay_steps) /
    decay_steps))) ** exponent + alpha)``.

    Args:
        init_value: the value at step 0.
        decay_steps: length of the decay, > 0; constant afterwards.
        alpha: the final value as a fraction of ``init_value``.
        exponent: power applied to the cosine factor.

    Returns:
        A schedule.

    >>> from funcgrad import optim
    >>> s = optim.cosine_decay_schedule(1.0, decay_steps=100, alpha=0.1)
    >>> s(0), s(50), s(100), s(500)
    (1.0, 0.55, 0.1, 0.1)
    """
    fn = "cosine_decay_schedule"
    init_value = _number(fn, "init_value", init_value)
    steps = _check(fn, "decay_steps", decay_steps)
    if steps == 0:
        raise ValueError(f"{fn}: decay_steps must be > 0, got {decay_steps!r}.")
    alpha = _number(fn, "alpha", alpha)
    exponent = _number(fn, "exponent", exponent)

    def schedule(count):
        c = np.clip(_steps(count), 0.0, steps)
        cosine = 0.5 * (1.0 + np.cos(np.pi * c / steps))
        return _out(init_value * ((1.0 - alpha) * cosine**exponent + alpha))

    return schedule


def linear_schedule(
    init_value: float, end_value: float, transition_steps: int, transition_begin: int = 0
) -> Schedule:
    """Go linearly from ``init_value`` to ``end_value`` in ``transition_steps`` steps.

    Constant before ``transition_begin`` and after ``transition_begin +
    transition_steps``.

    Args:
        init_value: the start value.
        end_value: the final value.
        transition_steps: length of the ramp, > 0.
        transition_begin: steps to hold ``init_value`` first, >= 0.

    Returns:
        A schedule.

    >>> from funcgrad import optim
    >>> s = optim.linear_schedule(1.0, 0.0, transition_steps=4, transition_begin=2)
    >>> [s(n) for n in range(8)]
    [1.0, 1.0, 1.0, 0.75, 0.5, 0.25, 0.0, 0.0]
    """
    fn = "linear_schedule"
    init_value = _number(fn, "init_value", init_value)
    end_value = _number(fn, "end_value", end_value)
    steps = _check(fn, "transition_steps", transition_steps)
    if steps == 0:
        raise ValueError(f"{fn}: transition_steps must be > 0, got {transition_steps!r}.")
    begin = _check(fn, "transition_begin", transition_begin)

    def schedule(count):
        c = np.clip(_steps(count) - begin, 0.0, steps)
        return _out((init_value - end_value) * (1.0 - c / steps) + end_value)

    return schedule


def warmup_cosine_decay_schedule(
    init_value: float,
    peak_value: float,
    warmup_steps: int,
    decay_steps: int,
    end_value: float = 0.0,
    exponent: float = 1.0,
) -> Schedule:
    """Linear warmup from ``init_value`` to ``peak_value``, then cosine decay to ``end_value``.

    ``decay_steps`` counts the warmup too (as in optax): the cosine part lasts
    ``decay_steps - warmup_steps`` steps and the value is ``end_value`` afterwards.

    Args:
        init_value: the value at step 0.
        peak_value: the value at the end of the warmup.
        warmup_steps: length of the warmup, >= 0.
        decay_steps: total length, > ``warmup_steps``.
        end_value: the final value.
        exponent: power applied to the cosine factor.

    Returns:
        A schedule.

    >>> from funcgrad import optim
    >>> s = optim.warmup_cosine_decay_schedule(0.0, 1.0, warmup_steps=10, decay_steps=110)
    >>> s(0), s(5), s(10), s(60), s(110), s(200)
    (0.0, 0.5, 1.0, 0.5, 0.0, 0.0)
    """
    fn = "warmup_cosine_decay_schedule"
    init_value = _number(fn, "init_value", init_value)
    peak_value = _number(fn, "peak_value", peak_value)
    end_value = _number(fn, "end_value", end_value)
    warmup = _check(fn, "warmup_steps", warmup_steps)
    total = _number(fn, "decay_steps", decay_steps)
    if not total > warmup:
        raise ValueError(
            f"{fn}: decay_steps (the total, warmup included) must be > warmup_steps, got "
            f"decay_steps={decay_steps!r}, warmup_steps={warmup_steps!r}."
        )
    alpha = 0.0 if peak_value == 0.0 else end_value / peak_value
    cosine = cosine_decay_schedule(peak_value, total - warmup, alpha, exponent)

    def schedule(count):
        c = _steps(count)
        if warmup > 0:
            ramp = init_value + (peak_value - init_value) * np.clip(c, 0.0, warmup) / warmup
        else:
            ramp = peak_value
        return _out(np.where(c < warmup, ramp, cosine(c - warmup)))

    return schedule


def piecewise_constant_schedule(
    init_value: float, boundaries_and_scales: Mapping[int, float] | None = None
) -> Schedule:
    """Multiply the value by ``scale`` from each boundary step on.

    Args:
        init_value: the value before the first boundary.
        boundaries_and_scales: ``{step: scale}``; from ``step`` on (inclusive) the value
            is multiplied by ``scale`` (>= 0). Scales accumulate.

    Returns:
        A schedule.

    >>> from funcgrad import optim
    >>> s = optim.piecewise_constant_schedule(1.0, {3: 0.5, 6: 0.1})
    >>> [s(n) for n in (0, 2, 3, 5, 6, 9)]
    [1.0, 1.0, 0.5, 0.5, 0.05, 0.05]
    """
    fn = "piecewise_constant_schedule"
    init_value = _number(fn, "init_value", init_value)
    pairs = []
    for b, s in sorted((boundaries_and_scales or {}).items()):
        pairs.append((_number(fn, "a boundary", b), _check(fn, f"the scale at step {b}", s)))

    def schedule(count):
        c = _steps(count)
        value = np.full(c.shape, init_value)
        for boundary, s in pairs:
            value = np.where(c >= boundary, value * s, value)
        return _out(value)

    return schedule

"""Adaptive scaling blocks: Adam (with AMSGrad), RMS (plain and centered), Adagrad's RSS.

Each block is written once with the options that make both optax's and PyTorch's
formulas expressible; the docstrings say which setting is which. States are NamedTuples
of read-only arrays; each update builds new ones.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np

from funcgrad import tree
from funcgrad._optim_base import (
    GradientTransformation,
    _abs_sq,
    _cast,
    _check,
    _count,
    _dtype,
    _frozen,
    _full_like,
    _leafwise,
    _zeros_like,
)


class ScaleByAdamState(NamedTuple):
    """Step count, first and second moments; ``nu_max`` is None unless amsgrad."""

    count: Any
    mu: Any
    nu: Any
    nu_max: Any


class ScaleByRmsState(NamedTuple):
    """Step count, mean of squares ``nu``; ``mu`` (mean) is None unless centered."""

    count: Any
    nu: Any
    mu: Any


class ScaleByRssState(NamedTuple):
    """Sum of the squared updates so far (Adagrad's accumulator)."""

    sum_of_squares: Any


_AMSGRAD_MAX = ("bias_corrected", "raw")
_ADAM_NAMES = ("state.mu", "state.nu", "state.nu_max")


def scale_by_adam(
    b1: float = 0.9,
    b2: float = 0.999,
    eps: float = 1e-8,
    eps_root: float = 0.0,
    *,
    amsgrad: bool = False,
    amsgrad_max: str = "bias_corrected",
    bias_correction: bool = True,
) -> GradientTransformation:
    """Adam's scaling: ``m_hat / (sqrt(v_hat + eps_root) + eps)``.

    ``m = b1 m + (1-b1) g``, ``v = b2 v + (1-b2) g^2``, ``m_hat = m / (1 - b1^t)``,
    ``v_hat = v / (1 - b2^t)`` at step ``t = 1, 2, ...``. eps is added after the bias
    correction of ``sqrt(v)``, in optax and in PyTorch alike, so the two agree.

    AMSGrad keeps the running maximum of the second moment and uses it for ``v_hat``.
    The libraries take the maximum of different things:
    ``amsgrad_max="bias_corrected"`` (optax's ``scale_by_amsgrad``):
    ``v_max = max(v_max, v / (1 - b2^t))``, used as is;
    ``amsgrad_max="raw"`` (PyTorch's ``Adam(amsgrad=True)``):
    ``v_max = max(v_max, v)``, then divided by ``(1 - b2^t)``.

    Args:
        b1, b2: decay rates of the first and second moments, in [0, 1).
        eps: added to the denominator outside the square root, >= 0.
        eps_root: added inside the square root, >= 0.
        amsgrad: use the running maximum of the second moment.
        amsgrad_max: "bias_corrected" (optax) or "raw" (PyTorch), see above.
        bias_correction: divide the moments by ``1 - b^t`` (both libraries do).

    Returns:
        A GradientTransformation with a :class:`ScaleByAdamState`.

    >>> import numpy as np
    >>> from funcgrad import optim
    >>> tx = optim.scale_by_adam()
    >>> u, state = tx.update(np.array([0.5, -3.0]), tx.init(np.zeros(2)))
    >>> np.round(u, 6)  # the first step is g / |g|
    array([ 1., -1.])
    """
    fn = "scale_by_adam"
    b1 = _check(fn, "b1", b1, 0.0, 1.0, high_open=True)
    b2 = _check(fn, "b2", b2, 0.0, 1.0, high_open=True)
    eps = _check(fn, "eps", eps)
    eps_root = _check(fn, "eps_root", eps_root)
    if amsgrad_max not in _AMSGRAD_MAX:
        raise ValueError(f"{fn}: amsgrad_max must be one of {_AMSGRAD_MAX}, got {amsgrad_max!r}.")

    def init(params):
        return ScaleByAdamState(
            count=_count(0),
            mu=tree.map(_zeros_like, params),
            nu=tree.map(_zeros_like, params),
            nu_max=tree.map(_zeros_like, params) if amsgrad else None,
        )

    def update(updates, state, params=None):
        t = int(state.count) + 1
        c1 = 1.0 - b1**t if bias_correction else 1.0
        c2 = 1.0 - b2**t if bias_correction else 1.0

        def moments(g, m, v):
            m = _frozen((1 - b1) * g + b1 * m, _dtype(m))
            v = _frozen((1 - b2) * _abs_sq(g) + b2 * v, _dtype(v))
            return m, v

        def step(g, m, v_hat):
            return _cast((m / c1) / (np.sqrt(v_hat + eps_root) + eps), g)

        if not amsgrad:

            def leaf(g, m, v):
                m, v = moments(g, m, v)
                return step(g, m, v / c2), m, v

            out, mu, nu = _leafwise(leaf, 3, updates, state.mu, state.nu, names=_ADAM_NAMES)
            return out, ScaleByAdamState(count=_count(t), mu=mu, nu=nu, nu_max=None)

        raw = amsgrad_max == "raw"

        def leaf_ams(g, m, v, vmax):
            m, v = moments(g, m, v)
            if raw:  # PyTorch: the maximum of v, bias-corrected afterwards
                vmax = _frozen(np.maximum(vmax, v), _dtype(vmax))
                v_hat = vmax / c2
            else:  # optax: the maximum of the bias-corrected v
                vmax = _frozen(np.maximum(vmax, v / c2), _dtype(vmax))
                v_hat = vmax
            return step(g, m, v_hat), m, v, vmax

        out, mu, nu, nu_max = _leafwise(
            leaf_ams, 4, updates, state.mu, state.nu, state.nu_max, names=_ADAM_NAMES
        )
        return out, ScaleByAdamState(count=_count(t), mu=mu, nu=nu, nu_max=nu_max)

    return GradientTransformation(init, update)


def scale_by_rms(
    decay: float = 0.9,
    eps: float = 1e-8,
    initial_scale: float = 0.0,
    *,
    eps_in_sqrt: bool = True,
    centered: bool = False,
    bias_correction: bool = False,
) -> GradientTransformation:
    """RMSprop's scaling: divide by the root of a moving average of squared updates.

    ``nu = decay nu + (1-decay) g^2`` (from ``initial_scale``); when centered also
    ``mu = decay mu + (1-decay) g`` and the variance ``nu - mu^2`` replaces ``nu``.
    The update is ``g / sqrt(nu + eps)`` with ``eps_in_sqrt=True`` (optax's default)
    or ``g / (sqrt(nu) + eps)`` with ``eps_in_sqrt=False`` (PyTorch's RMSprop, whose
    ``alpha`` is ``decay``).

    Args:
        decay: moving-average coefficient, in [0, 1].
        eps: stabiliser, >= 0; inside or outside the root per ``eps_in_sqrt``.
        initial_scale: starting value of ``nu``, >= 0 (optax and PyTorch use 0).
        eps_in_sqrt: where eps goes, see above.
        centered: divide by the root of the variance estimate instead.
        bias_correction: divide the averages by ``1 - decay^t`` (optax's option).

    Returns:
        A GradientTransformation with a :class:`ScaleByRmsState`.

    >>> import numpy as np
    >>> from funcgrad import optim
    >>> tx = optim.scale_by_rms(decay=0.75, eps=0.0)
    >>> u, state = tx.update(np.array([2.0]), tx.init(np.zeros(1)))
    >>> u, state.nu  # nu = 0.25 * 4, u = 2 / sqrt(1)
    (array([2.]), array([1.]))
    """
    fn = "scale_by_rms"
    decay = _check(fn, "decay", decay, 0.0, 1.0)
    eps = _check(fn, "eps", eps)
    initial_scale = _check(fn, "initial_scale", initial_scale)
    if bias_correction and decay == 1.0:
        raise ValueError(f"{fn}: bias_correction needs decay < 1, got decay=1.0.")

    def init(params):
        return ScaleByRmsState(
            count=_count(0),
            nu=tree.map(lambda p: _full_like(p, initial_scale), params),
            mu=tree.map(_zeros_like, params) if centered else None,
        )

    def scaled(g, var):
        if eps_in_sqrt:
            return _cast(g / np.sqrt(var + eps), g)
        return _cast(g / (np.sqrt(var) + eps), g)

    def update(updates, state, params=None):
        t = int(state.count) + 1
        c = 1.0 - decay**t if bias_correction else 1.0

        def second(g, v):
            return _frozen((1 - decay) * _abs_sq(g) + decay * v, _dtype(v))

        if not centered:

            def leaf(g, v):
                v = second(g, v)
                return scaled(g, v / c), v

            out, nu = _leafwise(leaf, 2, updates, state.nu, names=("state.nu",))
            return out, ScaleByRmsState(count=_count(t), nu=nu, mu=None)

        def leaf_centered(g, v, m):
            v = second(g, v)
            m = _frozen((1 - decay) * g + decay * m, _dtype(m))
            return scaled(g, np.maximum(v / c - _abs_sq(m / c), 0.0)), v, m

        out, nu, mu = _leafwise(
            leaf_centered, 3, updates, state.nu, state.mu, names=("state.nu", "state.mu")
        )
        return out, ScaleByRmsState(count=_count(t), nu=nu, mu=mu)

    return GradientTransformation(init, update)


def scale_by_stddev(
    decay: float = 0.9,
    eps: float = 1e-8,
    initial_scale: float = 0.0,
    *,
    eps_in_sqrt: bool = True,
    bias_correction: bool = False,
) -> GradientTransformation:
    """Centered RMS scaling: ``scale_by_rms(..., centered=True)`` (optax's name).

    Args:
        decay, eps, initial_scale, eps_in_sqrt, bias_correction: as for
            :func:`scale_by_rms`.

    Returns:
        A GradientTransformation with a :class:`ScaleByRmsState`.

    >>> import numpy as np
    >>> from funcgrad import optim
    >>> tx = optim.scale_by_stddev(decay=0.5, eps=0.0)
    >>> u, state = tx.update(np.array([2.0]), tx.init(np.zeros(1)))
    >>> u  # nu = 2, mu = 1: 2 / sqrt(2 - 1)
    array([2.])
    """
    return scale_by_rms(
        decay,
        eps,
        initial_scale,
        eps_in_sqrt=eps_in_sqrt,
        centered=True,
        bias_correction=bias_correction,
    )


def scale_by_rss(
    initial_accumulator_value: float = 0.1, eps: float = 1e-7, *, eps_in_sqrt: bool = True
) -> GradientTransformation:
    """Adagrad's scaling: divide by the root of the sum of all squared updates so far.

    ``s = s + g^2`` (from ``initial_accumulator_value``); the update is
    ``g / sqrt(s + eps)`` with ``eps_in_sqrt=True`` (optax) or ``g / (sqrt(s) + eps)``
    with ``eps_in_sqrt=False`` (PyTorch's Adagrad); 0 where ``s == 0``.
    PyTorch's ``lr_decay`` is a schedule: ``inverse_time_decay(lr, lr_decay)``.

    Args:
        initial_accumulator_value: starting value of ``s``, >= 0.
        eps: stabiliser, >= 0.
        eps_in_sqrt: where eps goes, see above.

    Returns:
        A GradientTransformation with a :class:`ScaleByRssState`.

    >>> import numpy as np
    >>> from funcgrad import optim
    >>> tx = optim.scale_by_rss(initial_accumulator_value=0.0, eps=0.0)
    >>> u, state = tx.update(np.array([3.0, 0.0]), tx.init(np.zeros(2)))
    >>> u, state.sum_of_squares
    (array([1., 0.]), array([9., 0.]))
    """
    fn = "scale_by_rss"
    initial = _check(fn, "initial_accumulator_value", initial_accumulator_value)
    eps = _check(fn, "eps", eps)

    def init(params):
        return ScaleByRssState(tree.map(lambda p: _full_like(p, initial), params))

    def scaled(g, s):
        pos = s > 0
        root = np.sqrt(s + eps) if eps_in_sqrt else np.sqrt(s) + eps
        return _cast(np.where(pos, g / np.where(pos, root, 1.0), 0.0), g)

    def update(updates, state, params=None):
        def leaf(g, s):
            s = _frozen(_abs_sq(g) + s, _dtype(s))
            return scaled(g, s), s

        out, sums = _leafwise(
            leaf, 2, updates, state.sum_of_squares, names=("state.sum_of_squares",)
        )
        return out, ScaleByRssState(sums)

    return GradientTransformation(init, update)

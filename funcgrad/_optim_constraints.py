"""Blocks that look at params or at the whole tree: weight decay, masks, clipping."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

import numpy as np

from funcgrad import tree
from funcgrad._optim_base import (
    EmptyState,
    GradientTransformation,
    _abs_sq,
    _cast,
    _check,
    _leafwise,
    _need_params,
)

MaskOrFn = Any | Callable[[Any], Any]


class MaskedState(NamedTuple):
    """The inner transformation's state, over the masked-in leaves only (a list)."""

    inner_state: Any


def _flag(x: Any) -> bool:
    if isinstance(x, (bool, np.bool_)):
        return bool(x)
    raise TypeError(f"masked: mask leaves must be booleans, got {tree.describe(x)}.")


def _mask_flags(mask: MaskOrFn, ref: Any) -> list[bool]:
    """One bool per leaf of ``ref``; ``mask`` may be a prefix of ``ref``'s structure."""
    m = mask(ref) if callable(mask) else mask
    try:
        full = tree.map(lambda flag, sub: tree.map(lambda _: _flag(flag), sub), m, ref)
    except ValueError as e:
        raise ValueError(
            f"masked: the mask must have the params' structure (or a prefix of it), with "
            f"a bool per leaf. Mask is the first tree, params the second: {e}"
        ) from None
    return tree.leaves(full)


def masked(inner: GradientTransformation, mask: MaskOrFn) -> GradientTransformation:
    """Apply ``inner`` to the leaves where ``mask`` is True; pass the others through.

    Args:
        inner: the transformation to apply to the masked-in leaves. It sees them (and
            their params) as a flat list, so its state covers only those leaves.
        mask: a pytree of bools with the params' structure (or a prefix of it: one
            bool for a whole subtree), or a function ``params -> such a pytree``.

    Returns:
        A GradientTransformation with a :class:`MaskedState`.

    >>> import numpy as np
    >>> from funcgrad import optim
    >>> tx = optim.masked(optim.scale(10.0), {"w": True, "b": False})
    >>> params = {"w": np.ones(2), "b": np.ones(1)}
    >>> tx.update({"w": np.ones(2), "b": np.ones(1)}, tx.init(params), params)[0]
    {'b': array([1.]), 'w': array([10., 10.])}
    """
    if not isinstance(inner, GradientTransformation):
        raise TypeError(
            f"masked: inner must be a GradientTransformation, got {type(inner).__name__}."
        )

    def init(params):
        flags = _mask_flags(mask, params)
        return MaskedState(inner.init([x for x, f in zip(tree.leaves(params), flags) if f]))

    def update(updates, state, params=None):
        leaves, treedef = tree.flatten(updates)
        if params is None:
            flags, p_leaves = _mask_flags(mask, updates), None
        else:
            tree.assert_same_structure(params, updates, names=("params", "updates"))
            flags, p_leaves = _mask_flags(mask, params), tree.leaves(params)
        idx = [i for i, f in enumerate(flags) if f]
        sub_params = None if p_leaves is None else [p_leaves[i] for i in idx]
        new_sub, inner_state = inner.update([leaves[i] for i in idx], state.inner_state, sub_params)
        out = list(leaves)
        for i, v in zip(idx, new_sub):
            out[i] = v
        return treedef.unflatten(out), MaskedState(inner_state)

    return GradientTransformation(init, update)


def add_decayed_weights(
    weight_decay: float = 0.0, mask: MaskOrFn | None = None
) -> GradientTransformation:
    """Add ``weight_decay * params`` to the updates (L2 regularisation's gradient).

    Where it sits in a chain decides the kind of decay. Before the scaling block it
    is *coupled* (PyTorch's ``SGD``/``Adam``/``RMSprop``/``Adagrad`` ``weight_decay``:
    the decay goes through momentum and Adam's normalisation). After the scaling
    block and before the learning rate it is *decoupled* (AdamW, in optax and in
    PyTorch: ``p -= lr * (adam_update + wd * p)``).

    Args:
        weight_decay: the coefficient, >= 0.
        mask: optional pytree of bools (or function of params giving one) choosing
            the leaves to decay, e.g. weights but not biases.

    Returns:
        A stateless GradientTransformation (a :func:`masked` one with a mask). Its
        ``update`` needs ``params``.

    >>> import numpy as np
    >>> from funcgrad import optim
    >>> params = {"w": np.array([2.0]), "b": np.array([2.0])}
    >>> tx = optim.add_decayed_weights(0.5, mask={"w": True, "b": False})
    >>> tx.update({"w": np.zeros(1), "b": np.zeros(1)}, tx.init(params), params)[0]
    {'b': array([0.]), 'w': array([1.])}
    """
    wd = _check("add_decayed_weights", "weight_decay", weight_decay)

    def init(params):
        return EmptyState()

    def update(updates, state, params=None):
        _need_params("add_decayed_weights", params)
        if wd == 0.0:
            return updates, state
        (out,) = _leafwise(
            lambda g, p: (_cast(g + wd * np.asarray(p), g),), 1, updates, params, names=("params",)
        )
        return out, state

    tx = GradientTransformation(init, update)
    return tx if mask is None else masked(tx, mask)


def clip(max_delta: float) -> GradientTransformation:
    """Clip every update element to ``[-max_delta, max_delta]``.

    Args:
        max_delta: the bound, >= 0.

    Returns:
        A stateless GradientTransformation.

    >>> import numpy as np
    >>> from funcgrad import optim
    >>> tx = optim.clip(1.0)
    >>> tx.update(np.array([-3.0, 0.5, 2.0]), tx.init(np.zeros(3)))[0]
    array([-1. ,  0.5,  1. ])
    """
    d = _check("clip", "max_delta", max_delta)

    def init(params):
        return EmptyState()

    def update(updates, state, params=None):
        return tree.map(lambda g: _cast(np.clip(g, -d, d), g), updates), state

    return GradientTransformation(init, update)


def global_norm(updates: Any) -> float:
    """The l2 norm of all the leaves of a pytree together.

    Args:
        updates: a pytree of arrays.

    Returns:
        ``sqrt(sum of squares of every element)`` as a float.

    >>> import numpy as np
    >>> from funcgrad import optim
    >>> optim.global_norm({"a": np.array([3.0]), "b": [np.array([4.0])]})
    5.0
    """
    return float(np.sqrt(sum(float(np.sum(_abs_sq(x))) for x in tree.leaves(updates))))


def clip_by_global_norm(max_norm: float, *, eps: float = 0.0) -> GradientTransformation:
    """Rescale all updates together so that their global norm is at most ``max_norm``.

    The updates are multiplied by ``max_norm / (norm + eps)`` when that is below 1 and
    left unchanged otherwise. ``eps=0`` is optax's ``clip_by_global_norm``;
    ``eps=1e-6`` is PyTorch's ``clip_grad_norm_``.

    Args:
        max_norm: the largest global norm let through, >= 0.
        eps: added to the norm in the denominator, >= 0.

    Returns:
        A stateless GradientTransformation.

    >>> import numpy as np
    >>> from funcgrad import optim
    >>> tx = optim.clip_by_global_norm(1.0)
    >>> tx.update({"a": np.array([3.0]), "b": np.array([4.0])}, tx.init(None))[0]
    {'a': array([0.6]), 'b': array([0.8])}
    """
    max_norm = _check("clip_by_global_norm", "max_norm", max_norm)
    eps = _check("clip_by_global_norm", "eps", eps)

    def init(params):
        return EmptyState()

    def update(updates, state, params=None):
        norm = global_norm(updates)
        if norm + eps == 0.0:
            return updates, state
        coef = max_norm / (norm + eps)
        if coef >= 1.0:
            return updates, state
        return tree.map(lambda g: _cast(g * coef, g), updates), state

    return GradientTransformation(init, update)

"""Composition: ``Sequential``, ``MLP``, and the small ``Lambda`` and ``Flatten`` layers.

Sequential's calling convention
-------------------------------
``model(x, state=None, *, key=None, training=True)`` applies the layers in order. Each
layer receives only what its ``__call__`` asks for (found once per layer type from its
signature):

- ``key=``: layers with a ``key`` parameter (Dropout) each get their own key, split from
  ``key`` (one split per layer position, so inserting a layer changes later keys).
- ``training=``: layers with a ``training`` parameter (Dropout, BatchNorm) get the flag.
- state: layers with ``has_state = True`` (BatchNorm, and Sequentials containing one) are
  called as ``y, s = layer(y, s)``. The model's state is a tuple with one entry per layer
  (None for stateless ones), made by ``model.init_state()``. When ``state`` is passed the
  call returns ``(y, new_state)``; otherwise just ``y`` (an error if a layer needs state).

So user-defined layers (any callable pytree) compose with the built-in ones: accept
``key``/``training`` keywords, or define ``has_state`` and ``init_state`` to join in.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

import funcgrad.numpy as fnp
from funcgrad import random, tree
from funcgrad.nn._activations import get_activation
from funcgrad.nn._linear import Linear
from funcgrad.nn._module import layer, static

__all__ = ["Flatten", "Lambda", "MLP", "Sequential"]

SEQUENTIAL_NEEDS_STATE = """\
This Sequential contains a layer with running statistics ({names}); pass the state in \
and take the new one back:
    state = model.init_state()                            # once
    y, state = model(x, state, key=key, training=True)    # not: y = model(x)
    y, _ = model(x_test, state, training=False)"""


@layer
class Lambda:
    """A function of one array as a layer (the function is static, not a leaf).

    Sequential wraps plain functions (and other callables that are not pytrees) in it,
    so ``Sequential([Linear(...), F.relu])`` keeps every leaf an array. Keywords given
    to the call are passed on, so a function taking ``key``/``training`` (``F.dropout``)
    receives them in a Sequential.

    Example:
        >>> import numpy as np
        >>> from funcgrad import nn
        >>> nn.Lambda(np.negative)(np.ones(2))
        array([-1., -1.])
    """

    fn: Callable[[Any], Any] = static()

    def __init__(self, fn: Callable[[Any], Any]):
        if not callable(fn):
            raise TypeError(f"Lambda: expected a callable; got {type(fn).__name__}")
        self.__attrs_init__(fn)

    def __call__(self, x, **kwargs):
        return self.fn(x, **kwargs)


@layer
class Flatten:
    """Flatten axes ``start_dim..end_dim`` into one (PyTorch's ``nn.Flatten``).

    Example:
        >>> import numpy as np
        >>> from funcgrad import nn
        >>> nn.Flatten()(np.zeros((2, 3, 4, 5))).shape
        (2, 60)
    """

    start_dim: int = static()
    end_dim: int = static()

    def __init__(self, start_dim: int = 1, end_dim: int = -1):
        self.__attrs_init__(int(start_dim), int(end_dim))

    def __call__(self, x):
        shape = np.shape(x)
        nd = max(len(shape), 1)
        start, end = self.start_dim % nd, self.end_dim % nd
        if start > end:
            raise ValueError(
                f"Flatten: start_dim ({self.start_dim}) comes after end_dim ({self.end_dim}) "
                f"for an input of shape {shape}"
            )
        merged = int(np.prod(shape[start : end + 1]))
        return fnp.reshape(x, shape[:start] + (merged,) + shape[end + 1 :])


_CALL_PARAMS: dict[Any, frozenset] = {}


def _keywords(fn) -> frozenset:
    try:
        params = inspect.signature(fn).parameters
    except (TypeError, ValueError):  # builtins and ufuncs without a signature
        return frozenset()
    return frozenset(
        n
        for n in ("key", "training")
        if n in params and params[n].kind is not inspect.Parameter.POSITIONAL_ONLY
    )


def _call_params(obj) -> frozenset:
    """The keyword parameters ``key``/``training`` that calling ``obj`` accepts."""
    target = obj.fn if isinstance(obj, Lambda) else type(obj).__call__
    try:
        found = _CALL_PARAMS.get(target)
    except TypeError:  # an unhashable callable
        return _keywords(target)
    if found is None:
        found = _CALL_PARAMS[target] = _keywords(target)
    return found


def _has_state(obj) -> bool:
    return bool(getattr(obj, "has_state", False))


def _as_layer(obj, i):
    if not callable(obj):
        raise TypeError(f"Sequential: layer {i} is not callable; got {type(obj).__name__}")
    leaves = tree.leaves(obj)
    if len(leaves) == 1 and leaves[0] is obj:  # a plain function is a pytree leaf: wrap it
        return Lambda(obj)
    return obj


@layer
class Sequential:
    """Layers applied one after another; the calling convention is described above.

    Args:
        *layers: layers, or one list/tuple of them. Plain functions (``F.relu``) are
            wrapped in :class:`Lambda`, so the tree's leaves stay arrays.

    Example:
        >>> import numpy as np
        >>> from funcgrad import nn, random
        >>> k1, k2 = random.split(random.key(0))
        >>> model = nn.Sequential(
        ...     nn.Linear(4, 8, key=k1), nn.functional.relu, nn.Dropout(0.1),
        ...     nn.Linear(8, 2, key=k2))
        >>> model(np.ones((3, 4)), key=random.key(1)).shape      # training: needs a key
        (3, 2)
        >>> model(np.ones((3, 4)), training=False).shape
        (3, 2)
        >>> bn_model = nn.Sequential(nn.Linear(4, 3, key=k1), nn.BatchNorm(3))
        >>> state = bn_model.init_state()
        >>> y, state = bn_model(np.ones((5, 4)), state)
    """

    layers: tuple

    def __init__(self, *layers: Any):
        if len(layers) == 1 and isinstance(layers[0], (list, tuple)):
            layers = tuple(layers[0])
        self.__attrs_init__(tuple(_as_layer(m, i) for i, m in enumerate(layers)))

    @property
    def has_state(self) -> bool:
        """Whether some layer carries running statistics (then state must be passed)."""
        return any(_has_state(m) for m in self.layers)

    def init_state(self) -> tuple:
        """One entry per layer: that layer's ``init_state()``, or None if stateless."""
        return tuple(m.init_state() if _has_state(m) else None for m in self.layers)

    def __call__(self, x, state: tuple | None = None, *, key=None, training: bool = True):
        n = len(self.layers)
        threaded = state is not None
        if not threaded and self.has_state:
            names = ", ".join(type(m).__name__ for m in self.layers if _has_state(m))
            raise TypeError(SEQUENTIAL_NEEDS_STATE.format(names=names))
        if threaded and not (isinstance(state, tuple) and len(state) == n):
            raise ValueError(
                f"Sequential: state must be a tuple with one entry per layer ({n}), as "
                f"init_state() returns; got {type(state).__name__}"
                + (f" of length {len(state)}" if isinstance(state, (tuple, list)) else "")
            )
        wants_key = [("key" in _call_params(m)) for m in self.layers]
        keys: Any = [None] * n
        if key is not None and any(wants_key):
            keys = random.split(key, n)
        new_state = []
        for i, m in enumerate(self.layers):
            params = _call_params(m)
            kw = {}
            if "key" in params:
                kw["key"] = keys[i]
            if "training" in params:
                kw["training"] = training
            if threaded and _has_state(m):
                x, s = m(x, state[i], **kw)
                new_state.append(s)
            else:
                x = m(x, **kw)
                if threaded:
                    new_state.append(state[i])
        return (x, tuple(new_state)) if threaded else x

    def __getitem__(self, i):
        if isinstance(i, slice):
            return Sequential(self.layers[i])
        return self.layers[i]

    def __len__(self) -> int:
        return len(self.layers)

    def __iter__(self):
        return iter(self.layers)


@layer
class MLP:
    """A multilayer perceptron: Linear layers with an activation between them.

    Args:
        in_size: input features.
        hidden_sizes: the hidden layers' widths (a sequence; an int for one layer).
        out_size: output features.
        activation: a function or the name of one in ``funcgrad.nn.functional``
            ("relu", "tanh", "gelu", ...), applied after each hidden layer (static).
        final_activation: applied to the output (default: none).
        use_bias, dtype: as in :class:`Linear`.
        key: a ``funcgrad.random`` key (keyword-only), split across the layers.

    Example:
        >>> import numpy as np
        >>> from funcgrad import nn, random
        >>> mlp = nn.MLP(4, [16, 16], 3, activation="tanh", key=random.key(0))
        >>> mlp(np.ones((10, 4))).shape, len(mlp.layers)
        ((10, 3), 3)
    """

    layers: tuple
    activation: Callable[[Any], Any] = static()
    final_activation: Callable[[Any], Any] = static()

    def __init__(
        self,
        in_size: int,
        hidden_sizes: Sequence[int] | int,
        out_size: int,
        activation: str | Callable[[Any], Any] = "relu",
        final_activation: str | Callable[[Any], Any] | None = None,
        use_bias: bool = True,
        *,
        dtype: Any = np.float64,
        key: Any,
    ):
        if isinstance(hidden_sizes, (int, np.integer)):
            hidden_sizes = (int(hidden_sizes),)
        sizes = (int(in_size), *(int(h) for h in hidden_sizes), int(out_size))
        keys = random.split(key, len(sizes) - 1)
        layers = tuple(
            Linear(a, b, use_bias, dtype=dtype, key=keys[i])
            for i, (a, b) in enumerate(zip(sizes[:-1], sizes[1:]))
        )
        self.__attrs_init__(
            layers, get_activation(activation), get_activation(final_activation or "identity")
        )

    @property
    def in_size(self) -> int:
        return self.layers[0].in_features

    @property
    def out_size(self) -> int:
        return self.layers[-1].out_features

    def __call__(self, x):
        for lin in self.layers[:-1]:
            x = self.activation(lin(x))
        return self.final_activation(self.layers[-1](x))

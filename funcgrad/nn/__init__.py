"""funcgrad.nn: layers as immutable pytrees, functional ops, losses, initialisers.

A layer is an attrs frozen record: its arrays are pytree leaves, its sizes and choices
are static (part of the tree structure), ``__call__`` is pure, and the constructor takes
sizes and a keyword-only ``key`` from :mod:`funcgrad.random`. Differentiating is the
caller's job: ``funcgrad.grad(loss)(model, x, y)`` returns a gradient shaped like the
model, and a training step builds a new model with ``funcgrad.tree.map``.

Randomness and running statistics are explicit arguments:

- ``Dropout`` takes ``key=`` at call time, and ``training=False`` for inference;
- ``BatchNorm`` takes and returns its running statistics:
  ``y, state = bn(x, state, training=True)``;
- ``Sequential(x, state=None, *, key=None, training=True)`` splits the key across its
  layers and threads the state (a tuple with one entry per layer).

>>> import numpy as np, funcgrad as fg
>>> from funcgrad import nn, random, tree
>>> model = nn.MLP(2, [8], 1, key=random.key(0))
>>> x, y = np.ones((4, 2)), np.zeros((4, 1))
>>> grads = fg.grad(lambda m: nn.losses.mse(m(x), y))(model)
>>> model = tree.map(lambda p, g: p - 0.1 * g, model, grads)
>>> [a.shape for a in tree.leaves(model)]
[(8, 2), (8,), (1, 8), (1,)]
"""

from funcgrad.nn import functional as functional, init as init, losses as losses
from funcgrad.nn._containers import (
    MLP as MLP,
    Flatten as Flatten,
    Lambda as Lambda,
    Sequential as Sequential,
)
from funcgrad.nn._conv import Conv1d as Conv1d, Conv2d as Conv2d
from funcgrad.nn._dropout import Dropout as Dropout
from funcgrad.nn._embedding import Embedding as Embedding
from funcgrad.nn._linear import Identity as Identity, Linear as Linear
from funcgrad.nn._module import FrozenLayerError as FrozenLayerError, replace as replace
from funcgrad.nn._norm import (
    BatchNorm as BatchNorm,
    BatchNormState as BatchNormState,
    LayerNorm as LayerNorm,
)
from funcgrad.nn._pool import (
    AdaptiveAvgPool2d as AdaptiveAvgPool2d,
    AvgPool2d as AvgPool2d,
    MaxPool2d as MaxPool2d,
)

__all__ = [
    "AdaptiveAvgPool2d",
    "AvgPool2d",
    "BatchNorm",
    "BatchNormState",
    "Conv1d",
    "Conv2d",
    "Dropout",
    "Embedding",
    "Flatten",
    "FrozenLayerError",
    "Identity",
    "Lambda",
    "LayerNorm",
    "Linear",
    "MLP",
    "MaxPool2d",
    "Sequential",
    "functional",
    "init",
    "losses",
    "replace",
]

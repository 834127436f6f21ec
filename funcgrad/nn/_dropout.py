"""Dropout: ``dropout`` and the ``Dropout`` layer, with the key passed at call time."""

from __future__ import annotations

import numpy as np

import funcgrad.numpy as fnp
from funcgrad import random
from funcgrad.nn._module import layer, static

__all__ = ["DROPOUT_NEEDS_KEY", "Dropout", "dropout"]

DROPOUT_NEEDS_KEY = """\
dropout in training needs a key: each call must draw a fresh mask.
    key, sub = funcgrad.random.split(key)
    y = dropout_layer(x, key=sub)                 # training (the default)
    y = dropout_layer(x, training=False)          # inference: the identity, no key needed
(In a Sequential, pass the key to the Sequential: model(x, key=sub); it splits it.)"""


def _check_rate(rate):
    if not 0.0 <= rate <= 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {rate}")


def dropout(x, rate: float = 0.5, *, key=None, training: bool = True):
    """Zero each element with probability ``rate``; scale the rest by ``1 / (1 - rate)``.

    Args:
        x: any array.
        rate: the probability of dropping an element (PyTorch's ``p``).
        key: a ``funcgrad.random`` key; required in training when ``0 < rate``.
        training: False (inference) returns ``x`` unchanged.

    Example:
        >>> import numpy as np
        >>> from funcgrad import random
        >>> from funcgrad.nn import functional as F
        >>> y = F.dropout(np.ones(1000), 0.5, key=random.key(0))
        >>> sorted(set(y.tolist())), bool(300 < (y == 0).sum() < 700)
        ([0.0, 2.0], True)
        >>> F.dropout(np.ones(2), 0.5, training=False)
        array([1., 1.])
    """
    _check_rate(rate)
    if not training or rate == 0:
        return x
    if key is None:
        raise ValueError(DROPOUT_NEEDS_KEY)
    shape = tuple(np.shape(x))
    if rate == 1:  # everything dropped (zeros; the gradient is zero too)
        return fnp.where(np.zeros(shape, bool), x, 0.0)
    keep = np.asarray(random.bernoulli(key, 1.0 - rate, shape), dtype=bool)
    return fnp.where(keep, x * (1.0 / (1.0 - rate)), 0.0)


@layer
class Dropout:
    """Dropout layer: ``layer(x, key=key)`` in training, ``layer(x, training=False)`` after.

    The key is an argument of the call, not of the constructor, so every step can use a
    fresh one; in a :class:`Sequential` pass the key to the Sequential, which splits it.

    Example:
        >>> import numpy as np
        >>> from funcgrad import nn, random
        >>> drop = nn.Dropout(0.25)
        >>> drop(np.ones(4), key=random.key(1)).shape, drop(np.ones(2), training=False)
        ((4,), array([1., 1.]))
    """

    rate: float = static()

    def __init__(self, rate: float = 0.5):
        _check_rate(rate)
        self.__attrs_init__(float(rate))

    def __call__(self, x, *, key=None, training: bool = True):
        return dropout(x, self.rate, key=key, training=training)

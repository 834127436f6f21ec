"""Initialisers: functions of a key and a shape returning a new read-only array.

They follow ``torch.nn.init``'s formulas (fans, gains, bounds) but are pure: the same
key gives the same array, and nothing is modified in place. Layers' defaults use them
(Linear and Conv: ``uniform(-1/sqrt(fan_in), 1/sqrt(fan_in))``, PyTorch's
``kaiming_uniform(a=sqrt(5))``).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from funcgrad import random


def _readonly(a) -> np.ndarray:
    a = np.array(a)  # our own copy: freezing it cannot affect anyone else's array
    a.setflags(write=False)
    return a


def _shape(shape) -> tuple[int, ...]:
    if isinstance(shape, (int, np.integer)):
        return (int(shape),)
    return tuple(int(s) for s in shape)


def uniform(key, shape: Sequence[int] | int, *, minval=0.0, maxval=1.0, dtype=np.float64):
    """U(minval, maxval) samples, read-only.

    Example:
        >>> from funcgrad import random
        >>> from funcgrad.nn import init
        >>> w = init.uniform(random.key(0), (2, 3), minval=-1.0, maxval=1.0)
        >>> w.shape, bool((abs(w) <= 1).all()), w.flags.writeable
        ((2, 3), True, False)
    """
    out = random.uniform(key, _shape(shape), dtype=dtype, minval=minval, maxval=maxval)
    return _readonly(np.asarray(out, dtype=dtype))


def normal(key, shape: Sequence[int] | int, *, mean=0.0, std=1.0, dtype=np.float64):
    """N(mean, std**2) samples, read-only.

    Example:
        >>> from funcgrad import random
        >>> from funcgrad.nn import init
        >>> round(float(init.normal(random.key(0), (1000,), std=2.0).std()))
        2
    """
    out = np.asarray(random.normal(key, _shape(shape), dtype=dtype), dtype=dtype)
    return _readonly((out * std + mean).astype(dtype, copy=False))


def zeros(shape: Sequence[int] | int, dtype=np.float64):
    """A read-only array of zeros (no key needed)."""
    return _readonly(np.zeros(_shape(shape), dtype))


def ones(shape: Sequence[int] | int, dtype=np.float64):
    """A read-only array of ones (no key needed)."""
    return _readonly(np.ones(_shape(shape), dtype))


def constant(shape: Sequence[int] | int, value, dtype=np.float64):
    """A read-only array filled with ``value`` (no key needed)."""
    return _readonly(np.full(_shape(shape), value, dtype))


def fans(shape: Sequence[int]) -> tuple[int, int]:
    """``(fan_in, fan_out)`` of a weight shaped like PyTorch's: (out, in, *kernel).

    Example:
        >>> from funcgrad.nn import init
        >>> init.fans((8, 3, 3, 3))   # Conv2d(3, 8, 3): fan_in = 3 * 3 * 3
        (27, 72)
    """
    shape = _shape(shape)
    if len(shape) < 2:
        raise ValueError(
            "Fan in and fan out can not be computed for tensor with fewer than 2 dimensions"
            f" (got shape {shape})"
        )
    receptive = math.prod(shape[2:])
    return shape[1] * receptive, shape[0] * receptive


_GAINS = {
    "linear": 1.0,
    "identity": 1.0,
    "conv1d": 1.0,
    "conv2d": 1.0,
    "sigmoid": 1.0,
    "tanh": 5.0 / 3,
    "relu": math.sqrt(2.0),
    "selu": 3.0 / 4,
}


def calculate_gain(nonlinearity: str, param: float | None = None) -> float:
    """The recommended gain for a nonlinearity (``torch.nn.init.calculate_gain``).

    Example:
        >>> from funcgrad.nn import init
        >>> round(init.calculate_gain("leaky_relu", 5 ** 0.5), 4)
        0.5774
    """
    if nonlinearity == "leaky_relu":
        slope = 0.01 if param is None else float(param)
        return math.sqrt(2.0 / (1 + slope**2))
    if nonlinearity not in _GAINS:
        raise ValueError(
            f"calculate_gain: unsupported nonlinearity {nonlinearity!r}; choose one of "
            f"{', '.join(sorted(_GAINS))} or 'leaky_relu'"
        )
    return _GAINS[nonlinearity]


def _fan(shape, mode):
    fan_in, fan_out = fans(shape)
    if mode not in ("fan_in", "fan_out"):
        raise ValueError(f"mode must be 'fan_in' or 'fan_out'; got {mode!r}")
    return fan_in if mode == "fan_in" else fan_out


def xavier_uniform(key, shape, *, gain=1.0, dtype=np.float64):
    """U(-b, b) with ``b = gain * sqrt(6 / (fan_in + fan_out))`` (Glorot)."""
    fan_in, fan_out = fans(shape)
    bound = gain * math.sqrt(6.0 / (fan_in + fan_out))
    return uniform(key, shape, minval=-bound, maxval=bound, dtype=dtype)


def xavier_normal(key, shape, *, gain=1.0, dtype=np.float64):
    """N(0, s**2) with ``s = gain * sqrt(2 / (fan_in + fan_out))`` (Glorot)."""
    fan_in, fan_out = fans(shape)
    return normal(key, shape, std=gain * math.sqrt(2.0 / (fan_in + fan_out)), dtype=dtype)


def kaiming_uniform(
    key, shape, *, a=0.0, mode="fan_in", nonlinearity="leaky_relu", dtype=np.float64
):
    """U(-b, b) with ``b = gain * sqrt(3 / fan)`` (He); ``a`` is leaky_relu's slope.

    Example:
        >>> from funcgrad import random
        >>> from funcgrad.nn import init
        >>> w = init.kaiming_uniform(random.key(0), (4, 9), a=5 ** 0.5)  # Linear's default
        >>> bool(abs(w).max() <= 1 / 3)
        True
    """
    gain = calculate_gain(nonlinearity, a)
    bound = gain * math.sqrt(3.0 / _fan(shape, mode))
    return uniform(key, shape, minval=-bound, maxval=bound, dtype=dtype)


def kaiming_normal(
    key, shape, *, a=0.0, mode="fan_in", nonlinearity="leaky_relu", dtype=np.float64
):
    """N(0, s**2) with ``s = gain / sqrt(fan)`` (He)."""
    gain = calculate_gain(nonlinearity, a)
    return normal(key, shape, std=gain / math.sqrt(_fan(shape, mode)), dtype=dtype)


def fan_in_uniform(key, shape, fan_in: int, dtype=np.float64):
    """PyTorch's default for Linear and Conv weights and biases: U(-1/sqrt(fan_in), ..)."""
    bound = 1.0 / math.sqrt(fan_in) if fan_in > 0 else 0.0
    return uniform(key, shape, minval=-bound, maxval=bound, dtype=dtype)

"""Implementation of :mod:`funcgrad.random`: explicit keys over numpy's Philox.

A key is a read-only ``uint64`` array of shape ``(2,)``: the 128-bit key of a
Philox4x64 bit generator. Every function builds a fresh bit generator from the
key and a fixed counter, so it reads no global state and never advances any:

- sampling uses counter ``(0, 0, 0, 0)`` wrapped in ``np.random.Generator``;
- :func:`split` reads ``2 * num`` raw words from counter ``(0, 0, 0, 1)``;
- :func:`fold_in` reads 2 raw words from counter ``(data, 0, 0, 2)``.

The last counter word separates the three uses, so a child key is never made of
the bits a sampler draws from its parent. Philox is a counter-mode cipher: the
streams of distinct keys are independent, which is what makes split children
independent of each other and of their parent.
"""

from __future__ import annotations

import operator
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, DTypeLike

#: A PRNG key: a read-only numpy array of dtype uint64 and shape (2,).
Key = np.ndarray

Shape = int | tuple[int, ...]

_SAMPLE, _SPLIT, _FOLD = 0, 1, 2
_U64 = 1 << 64

SEED_AS_KEY = (
    "{fn} expects a PRNG key, got the integer {seed!r}. funcgrad.random has no global "
    "state: make a key once with `key = funcgrad.random.key({seed!r})`, then "
    "`key, sub = funcgrad.random.split(key)` and pass `sub` to each call."
)

NOT_A_KEY = (
    "{fn} expects a PRNG key (a uint64 array of shape (2,) made by "
    "funcgrad.random.key, split or fold_in), got {got}."
)

STACKED_KEYS = (
    "{fn} expects a single PRNG key of shape (2,), got an array of {n} keys of shape "
    "{shape} (as split returns). Pick one: `keys[0]`, or unpack `k1, k2 = split(key)`."
)


def _describe(x: Any) -> str:
    if isinstance(x, np.ndarray):
        return f"an ndarray of dtype {x.dtype} and shape {x.shape}"
    return f"a {type(x).__name__}"


def _is_integer(x: Any) -> bool:
    if isinstance(x, (bool, np.bool_)):
        return False
    if isinstance(x, (int, np.integer)):
        return True
    return isinstance(x, np.ndarray) and x.shape == () and x.dtype.kind in "iu"


def _check_key(k: Any, fn: str) -> np.ndarray:
    """Return ``k`` as a uint64 (2,) array, or raise a TypeError saying what to do."""
    if _is_integer(k):
        raise TypeError(SEED_AS_KEY.format(fn=fn, seed=int(k)))
    if not isinstance(k, np.ndarray):
        raise TypeError(NOT_A_KEY.format(fn=fn, got=_describe(k)))
    if k.dtype == np.uint64 and k.ndim >= 2 and k.shape[-1] == 2:
        raise TypeError(STACKED_KEYS.format(fn=fn, n=k.size // 2, shape=k.shape))
    if k.dtype != np.uint64 or k.shape != (2,):
        raise TypeError(NOT_A_KEY.format(fn=fn, got=_describe(k)))
    return k


def _readonly(a: np.ndarray) -> np.ndarray:
    a.flags.writeable = False
    return a


def _u64(x: Any, what: str, fn: str) -> int:
    """An int in [-2**63, 2**64), reduced modulo 2**64."""
    if not _is_integer(x):
        raise TypeError(f"{fn}: {what} must be an int, got {_describe(x)}")
    x = int(x)
    if not -(1 << 63) <= x < _U64:
        raise ValueError(f"{fn}: {what} must be in [-2**63, 2**64), got {x}")
    return x % _U64


def _bits(k: np.ndarray, counter: tuple[int, int, int, int]) -> np.random.Philox:
    return np.random.Philox(key=k, counter=np.array(counter, dtype=np.uint64))


def _generator(k: Any, fn: str) -> np.random.Generator:
    return np.random.Generator(_bits(_check_key(k, fn), (0, 0, 0, _SAMPLE)))


def _shape(shape: Any, fn: str) -> tuple[int, ...]:
    try:
        out = (operator.index(shape),) if not isinstance(shape, tuple) else shape
        out = tuple(operator.index(s) for s in out)
    except TypeError:
        raise TypeError(f"{fn}: shape must be an int or a tuple of ints, got {shape!r}") from None
    if any(s < 0 for s in out):
        raise ValueError(f"{fn}: shape must not have negative sizes, got {out}")
    return out


def _float_dtype(dtype: DTypeLike, fn: str) -> np.dtype:
    dt = np.dtype(dtype)
    if dt not in (np.float16, np.float32, np.float64):
        raise TypeError(f"{fn}: dtype must be float16, float32 or float64, got {dt}")
    return dt


def _work_dtype(dt: np.dtype) -> np.dtype:
    """The dtype numpy samples in for ``dt`` (numpy has no float16 samplers)."""
    return np.dtype(np.float64) if dt == np.float64 else np.dtype(np.float32)


def _broadcast(shape: tuple[int, ...], fn: str, **params: Any) -> None:
    shapes = [np.shape(v) for v in params.values()]
    try:
        joint = np.broadcast_shapes(shape, *shapes)
    except ValueError:
        joint = None
    if joint != shape:
        given = ", ".join(f"{n} {s}" for n, s in zip(params, shapes))
        raise ValueError(f"{fn}: parameter shapes ({given}) do not broadcast to shape {shape}")


# ---------------------------------------------------------------- keys


def key(seed: int) -> Key:
    """Make a PRNG key from an integer seed.

    Args:
        seed: an int in ``[-2**63, 2**64)``; negative seeds wrap modulo ``2**64``.

    Returns:
        A read-only ``uint64`` array of shape ``(2,)``: ``[0, seed]``.

    >>> from funcgrad import random
    >>> k = random.key(42)
    >>> k
    array([ 0, 42], dtype=uint64)
    >>> k.flags.writeable
    False
    """
    if isinstance(seed, np.ndarray) and seed.shape != ():
        raise TypeError(
            f"key: seed must be an int, got {_describe(seed)}. If this is already a key, "
            "use it directly (or derive a new one with split or fold_in)."
        )
    return _readonly(np.array([0, _u64(seed, "seed", "key")], dtype=np.uint64))


def split(key: Key, num: int = 2) -> Key:
    """Derive ``num`` new, independent keys from ``key``.

    Args:
        key: a PRNG key.
        num: how many keys to make (a non-negative int).

    Returns:
        A read-only ``uint64`` array of shape ``(num, 2)``; row ``i`` is a key.
        The first rows do not depend on ``num``.

    >>> from funcgrad import random
    >>> key, sub = random.split(random.key(0))
    >>> keys = random.split(key, 3)
    >>> keys.shape, keys.dtype
    ((3, 2), dtype('uint64'))
    """
    k = _check_key(key, "split")
    if not _is_integer(num) or int(num) < 0:
        raise ValueError(f"split: num must be a non-negative int, got {num!r}")
    num = int(num)
    words = _bits(k, (0, 0, 0, _SPLIT)).random_raw(2 * num) if num else np.empty(0, np.uint64)
    return _readonly(np.asarray(words, dtype=np.uint64).reshape(num, 2))


def fold_in(key: Key, data: int) -> Key:
    """Derive a new key from ``key`` and an integer (a step, a layer index, ...).

    Args:
        key: a PRNG key.
        data: an int in ``[-2**63, 2**64)`` (wraps modulo ``2**64``); distinct
            values give distinct, independent keys.

    Returns:
        A read-only ``uint64`` array of shape ``(2,)``.

    >>> from funcgrad import random
    >>> k = random.key(0)
    >>> bool((random.fold_in(k, 1) != random.fold_in(k, 2)).any())
    True
    """
    k = _check_key(key, "fold_in")
    d = _u64(data, "data", "fold_in")
    words = _bits(k, (d, 0, 0, _FOLD)).random_raw(2)
    return _readonly(np.asarray(words, dtype=np.uint64))


# ---------------------------------------------------------------- samplers


def normal(key: Key, shape: Shape = (), dtype: DTypeLike = np.float64) -> np.ndarray:
    """Draw standard normal samples (mean 0, variance 1).

    Args:
        key: a PRNG key.
        shape: the output shape.
        dtype: float16, float32 or float64.

    Returns:
        A new array of ``shape`` and ``dtype``.

    >>> from funcgrad import random
    >>> x = random.normal(random.key(0), (2, 3), dtype="float32")
    >>> x.shape, x.dtype
    ((2, 3), dtype('float32'))
    """
    dt = _float_dtype(dtype, "normal")
    shape = _shape(shape, "normal")
    gen = _generator(key, "normal")
    return np.asarray(gen.standard_normal(size=shape, dtype=_work_dtype(dt)), dtype=dt)


def uniform(
    key: Key,
    shape: Shape = (),
    dtype: DTypeLike = np.float64,
    minval: ArrayLike = 0.0,
    maxval: ArrayLike = 1.0,
) -> np.ndarray:
    """Draw samples uniformly from ``[minval, maxval)``.

    Args:
        key: a PRNG key.
        shape: the output shape.
        dtype: float16, float32 or float64.
        minval: lower bound (inclusive); broadcasts to ``shape``.
        maxval: upper bound (exclusive); broadcasts to ``shape``; at least ``minval``.

    Returns:
        A new array of ``shape`` and ``dtype``, every value in ``[minval, maxval)``
        (or equal to ``minval`` where ``minval == maxval``).

    >>> from funcgrad import random
    >>> x = random.uniform(random.key(0), (1000,), minval=-1.0, maxval=1.0)
    >>> bool(x.min() >= -1.0 and x.max() < 1.0)
    True
    """
    dt = _float_dtype(dtype, "uniform")
    shape = _shape(shape, "uniform")
    _broadcast(shape, "uniform", minval=minval, maxval=maxval)
    lo, hi = np.asarray(minval, dtype=dt), np.asarray(maxval, dtype=dt)
    if np.any(hi < lo):
        raise ValueError(f"uniform: needs minval <= maxval, got minval={minval}, maxval={maxval}")
    wd = _work_dtype(dt)
    u = _generator(key, "uniform").random(size=shape, dtype=wd)
    out = np.asarray(lo.astype(wd) + (hi.astype(wd) - lo.astype(wd)) * u, dtype=dt)
    top = np.where(hi > lo, np.nextafter(hi, np.asarray(-np.inf, dt)), lo)
    return np.asarray(np.clip(out, lo, top), dtype=dt)


def bernoulli(key: Key, p: ArrayLike = 0.5, shape: Shape | None = None) -> np.ndarray:
    """Draw booleans that are True with probability ``p``.

    Args:
        key: a PRNG key.
        p: probability of True, in ``[0, 1]``; broadcasts to ``shape``.
        shape: the output shape; defaults to ``p``'s shape.

    Returns:
        A new bool array of ``shape``.

    >>> from funcgrad import random
    >>> mask = random.bernoulli(random.key(0), 0.9, (4,))
    >>> mask.dtype, mask.shape
    (dtype('bool'), (4,))
    """
    pa = np.asarray(p, dtype=np.float64)
    shape = pa.shape if shape is None else _shape(shape, "bernoulli")
    _broadcast(shape, "bernoulli", p=pa)
    if not np.all((pa >= 0) & (pa <= 1)):
        raise ValueError(f"bernoulli: p must be in [0, 1], got {p!r}")
    return np.asarray(_generator(key, "bernoulli").random(size=shape) < pa)


def randint(
    key: Key,
    shape: Shape,
    minval: ArrayLike,
    maxval: ArrayLike,
    dtype: DTypeLike = np.int64,
) -> np.ndarray:
    """Draw integers uniformly from ``[minval, maxval)``.

    Args:
        key: a PRNG key.
        shape: the output shape.
        minval: lower bound (inclusive); broadcasts to ``shape``.
        maxval: upper bound (exclusive); broadcasts to ``shape``; above ``minval``.
        dtype: an integer dtype.

    Returns:
        A new integer array of ``shape`` and ``dtype``.

    >>> from funcgrad import random
    >>> x = random.randint(random.key(0), (1000,), 0, 10)
    >>> sorted(set(x.tolist())) == list(range(10))
    True
    """
    dt = np.dtype(dtype)
    if dt.kind not in "iu":
        raise TypeError(f"randint: dtype must be an integer dtype, got {dt}")
    shape = _shape(shape, "randint")
    _broadcast(shape, "randint", minval=minval, maxval=maxval)
    if np.any(np.asarray(maxval) <= np.asarray(minval)):
        raise ValueError(
            f"randint: needs minval < maxval (maxval is exclusive), "
            f"got minval={minval}, maxval={maxval}"
        )
    gen = _generator(key, "randint")
    return np.asarray(gen.integers(minval, maxval, size=shape, dtype=dt))


def permutation(
    key: Key, x: int | ArrayLike, axis: int = 0, independent: bool = False
) -> np.ndarray:
    """Randomly permute ``range(x)``, or the entries of an array along ``axis``.

    Args:
        key: a PRNG key.
        x: an int ``n`` (permute ``arange(n)``) or an array (permuted in a copy;
            the input is never written).
        axis: the axis to shuffle along.
        independent: if true, shuffle each 1-d slice along ``axis`` independently
            instead of moving whole slices.

    Returns:
        A new array.

    >>> from funcgrad import random
    >>> p = random.permutation(random.key(0), 5)
    >>> sorted(p.tolist())
    [0, 1, 2, 3, 4]
    """
    gen = _generator(key, "permutation")
    if _is_integer(x):
        n = int(x)
        if n < 0:
            raise ValueError(f"permutation: n must be non-negative, got {n}")
        return gen.permutation(n)
    arr = np.asarray(x)
    if arr.ndim == 0:
        raise TypeError(f"permutation: x must be an int or an array with an axis, got {x!r}")
    axis = operator.index(axis)
    if not -arr.ndim <= axis < arr.ndim:
        raise ValueError(f"permutation: axis {axis} is out of range for shape {arr.shape}")
    if independent:
        return gen.permuted(arr, axis=axis)
    return gen.permutation(arr, axis=axis)


def choice(
    key: Key,
    a: int | ArrayLike,
    shape: Shape = (),
    replace: bool = True,
    p: ArrayLike | None = None,
    axis: int = 0,
) -> np.ndarray:
    """Draw a random sample of the entries of ``a`` (or of ``range(a)``).

    Args:
        key: a PRNG key.
        a: an int ``n`` (sample from ``arange(n)``) or an array (sample along ``axis``).
        shape: the sample shape.
        replace: whether an entry may be drawn more than once.
        p: probabilities of the entries (sum to 1); uniform if None.
        axis: the axis of ``a`` to sample along.

    Returns:
        A new array of shape ``shape`` (with ``a``'s other axes in place of ``axis``).

    >>> from funcgrad import random
    >>> x = random.choice(random.key(0), 10, (5,), replace=False)
    >>> len(set(x.tolist()))
    5
    """
    gen = _generator(key, "choice")
    shape = _shape(shape, "choice")
    if _is_integer(a):
        a = int(a)
    try:
        return np.asarray(gen.choice(a, size=shape, replace=replace, p=p, axis=axis))
    except ValueError as e:
        raise ValueError(f"choice: {e}") from None

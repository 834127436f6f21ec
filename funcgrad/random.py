"""Pseudo-random numbers with explicit, immutable keys (like ``jax.random``).

There is no global random state. A *key* says which numbers you get: every
function here takes one, and the same key gives the same numbers, in any process
(with the same numpy version). Numbers come from numpy's counter-based Philox bit
generator, keyed by the key and started at a fixed counter.

A key is a read-only numpy array of dtype ``uint64`` and shape ``(2,)``. It is a
plain pytree leaf, so it can sit inside parameters or optimizer state, goes
through :mod:`funcgrad.tree` untouched and round-trips through :mod:`funcgrad.io`
bit-exactly. :func:`split` returns a ``(num, 2)`` array: one key per row.

Key reuse: a key used for two draws gives the *same* numbers both times, which
is rarely what you want (two "independent" layers initialised alike, the same
dropout mask every step). Split before each use and never use a key again once
it has been split:

>>> from funcgrad import random
>>> key = random.key(0)
>>> key, k1, k2 = random.split(key, 3)    # keep key for later splits
>>> w = random.normal(k1, (3, 2))
>>> b = random.uniform(k2, (2,), minval=-1.0, maxval=1.0)
>>> bool((random.normal(k1, (3, 2)) == w).all())   # reuse gives the same numbers
True

In a loop, derive one key per step with :func:`fold_in` (or split):

>>> for step in range(3):
...     step_key = random.fold_in(key, step)
...     noise = random.normal(step_key, (2,))

Passing an int where a key belongs is an error (``random.normal(0, (2,))``
raises a TypeError telling you to call ``random.key(0)``).

Samples are new, writable arrays of the requested dtype (float64 unless asked;
float16 and float32 are sampled in float32). numpy does not promise the same
samples across its feature releases; raw keys from ``key``, ``split`` and
``fold_in`` are stable, as Philox itself is.
"""

from __future__ import annotations

from funcgrad._random import (
    Key as Key,
    bernoulli as bernoulli,
    choice as choice,
    fold_in as fold_in,
    key as key,
    normal as normal,
    permutation as permutation,
    randint as randint,
    split as split,
    uniform as uniform,
)
from funcgrad._random_truncated import truncated_normal as truncated_normal

__all__ = [
    "Key",
    "bernoulli",
    "choice",
    "fold_in",
    "key",
    "normal",
    "permutation",
    "randint",
    "split",
    "truncated_normal",
    "uniform",
]

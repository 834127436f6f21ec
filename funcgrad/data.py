"""Minibatches of pytrees of arrays, shuffled by an explicit key.

A dataset is any pytree whose leaves are arrays sharing their leading length
(the number of examples): ``{"x": x, "y": y}``, a tuple ``(x, y)``, a record.
:func:`batches` slices every leaf along axis 0 and yields trees of the same
structure. Shuffling takes a key from :mod:`funcgrad.random`, so the order is
reproducible; use a new key each epoch (``random.fold_in(key, epoch)``).

>>> import numpy as np
>>> from funcgrad import data, random
>>> ds = {"x": np.arange(10.0).reshape(5, 2), "y": np.arange(5)}
>>> for epoch in range(2):
...     for batch in data.batches(ds, 2, key=random.fold_in(random.key(0), epoch)):
...         pass
>>> batch["x"].shape, batch["y"].shape     # the last batch holds the fifth example
((1, 2), (1,))
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np

from funcgrad import tree as _tree
from funcgrad._random import Key, _check_key, permutation

__all__ = ["Batches", "batches"]


def _name(path: tuple) -> str:
    return _tree.keystr(path) or "the root"


class Batches:
    """An iterable of minibatches over the leading axis of a pytree's leaves.

    Made by :func:`batches`. Iterating it again gives the same batches in the
    same order; ``len()`` is the number of batches. Batches are read-only
    arrays (slices of the data without a key, copies with one).

    >>> import numpy as np
    >>> b = Batches((np.zeros((7, 3)), np.ones(7)), 3)
    >>> len(b), [x.shape for x, y in b]
    (3, [(3, 3), (3, 3), (1, 3)])
    """

    def __init__(
        self, tree: Any, batch_size: int, *, key: Key | None = None, drop_last: bool = False
    ) -> None:
        if isinstance(batch_size, (bool, np.bool_)) or not isinstance(
            batch_size, (int, np.integer)
        ):
            raise TypeError(f"batches: batch_size must be a positive int, got {batch_size!r}")
        if batch_size <= 0:
            raise ValueError(f"batches: batch_size must be a positive int, got {batch_size}")
        pairs, treedef = _tree.flatten_with_path(tree)
        if not pairs:
            raise ValueError(
                f"batches: the tree has no leaves to batch (structure {treedef!r}); "
                "pass a pytree of arrays with one row per example"
            )
        leaves, lengths = [], {}
        for path, leaf in pairs:
            arr = np.asarray(leaf)
            if arr.ndim == 0:
                raise ValueError(
                    f"batches: the leaf at {_name(path)} is a scalar ({_tree.describe(leaf)}); "
                    "every leaf needs a leading axis of examples"
                )
            leaves.append(arr)
            lengths.setdefault(arr.shape[0], []).append(_name(path))
        if len(lengths) > 1:
            parts = [f"{n} at {', '.join(names)}" for n, names in lengths.items()]
            raise ValueError(
                "batches: every leaf needs the same leading length (the number of "
                "examples), got " + "; ".join(parts)
            )
        self._leaves = leaves
        self._treedef = treedef
        self._n = next(iter(lengths))
        self._batch_size = int(batch_size)
        self._drop_last = bool(drop_last)
        self._order = None
        if key is not None:
            self._order = permutation(_check_key(key, "batches"), self._n)

    @property
    def num_examples(self) -> int:
        """The leading length shared by every leaf."""
        return self._n

    def __len__(self) -> int:
        n, b = self._n, self._batch_size
        return n // b if self._drop_last else -(-n // b)

    def __iter__(self) -> Iterator[Any]:
        b = self._batch_size
        for i in range(len(self)):
            idx: Any = slice(i * b, min((i + 1) * b, self._n))
            if self._order is not None:
                idx = self._order[idx]
            out = []
            for leaf in self._leaves:
                part = leaf[idx]
                part.flags.writeable = False
                out.append(part)
            yield self._treedef.unflatten(out)

    def __repr__(self) -> str:
        how = "shuffled" if self._order is not None else "in order"
        last = ", drop_last" if self._drop_last else ""
        return (
            f"Batches({len(self)} batches of {self._batch_size} from {self._n} examples, "
            f"{how}{last})"
        )


def batches(
    tree: Any, batch_size: int, *, key: Key | None = None, drop_last: bool = False
) -> Batches:
    """Iterate over minibatches of a pytree of arrays along their leading axis.

    Args:
        tree: a pytree whose leaves are arrays with the same leading length.
        batch_size: examples per batch (a positive int).
        key: a :mod:`funcgrad.random` key; if given, examples are visited in the
            order of ``random.permutation(key, n)`` (same key, same order).
            Without a key, in their stored order.
        drop_last: drop the last batch when it has fewer than ``batch_size`` examples.

    Returns:
        A :class:`Batches` iterable (with ``len()``) of trees with ``tree``'s
        structure. Raises ValueError naming the key paths when leading lengths differ.

    >>> import numpy as np
    >>> from funcgrad import random
    >>> ds = {"x": np.arange(6.0), "y": np.arange(6) % 2}
    >>> [b["x"].tolist() for b in batches(ds, 4)]
    [[0.0, 1.0, 2.0, 3.0], [4.0, 5.0]]
    >>> len(batches(ds, 4, key=random.key(1), drop_last=True))
    1
    """
    return Batches(tree, batch_size, key=key, drop_last=drop_last)

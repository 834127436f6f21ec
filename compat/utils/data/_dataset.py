"""Datasets: the abstract Dataset, TensorDataset, Subset, ConcatDataset and random_split."""

from __future__ import annotations

import bisect
import math
import warnings
from collections.abc import Sequence
from typing import Generic, TypeVar

T_co = TypeVar("T_co", covariant=True)


class Dataset(Generic[T_co]):
    """A map-style dataset: subclasses define ``__getitem__`` and ``__len__``.

    ``ds1 + ds2`` concatenates two datasets (a :class:`ConcatDataset`).

    Example:
        >>> from compat.utils.data import Dataset
        >>> class Squares(Dataset):
        ...     def __len__(self):
        ...         return 4
        ...     def __getitem__(self, i):
        ...         return i * i
        >>> both = Squares() + Squares()
        >>> len(both), both[5]
        (8, 1)
    """

    def __getitem__(self, index) -> T_co:
        raise NotImplementedError("Subclasses of Dataset should implement __getitem__.")

    def __add__(self, other: Dataset) -> ConcatDataset:
        return ConcatDataset([self, other])


class IterableDataset(Dataset[T_co]):
    """A dataset that is a stream: subclasses define ``__iter__`` (no indexing).

    A DataLoader over it batches consecutive items; it has no sampler and cannot shuffle.

    Example:
        >>> from compat.utils.data import DataLoader, IterableDataset
        >>> class Count(IterableDataset):
        ...     def __iter__(self):
        ...         return iter(range(5))
        >>> [b.tolist() for b in DataLoader(Count(), batch_size=2)]
        [[0, 1], [2, 3], [4]]
    """

    def __iter__(self):
        raise NotImplementedError("Subclasses of IterableDataset should implement __iter__.")

    def __add__(self, other):
        raise TypeError("IterableDatasets cannot be concatenated with +; chain their iterators")


class TensorDataset(Dataset):
    """Samples are the rows of tensors sharing their first dimension.

    Args:
        *tensors: tensors with the same size in dimension 0.

    Example:
        >>> import compat as torch
        >>> from compat.utils.data import TensorDataset
        >>> ds = TensorDataset(torch.arange(6).reshape(3, 2), torch.tensor([0, 1, 0]))
        >>> len(ds), ds[1]
        (3, (tensor([2, 3]), tensor(1)))
    """

    def __init__(self, *tensors) -> None:
        sizes_match = all(tensors[0].size(0) == t.size(0) for t in tensors)
        assert sizes_match, "Size mismatch between tensors"
        self.tensors = tensors

    def __getitem__(self, index):
        return tuple(t[index] for t in self.tensors)

    def __len__(self) -> int:
        return self.tensors[0].size(0)


class Subset(Dataset):
    """The items of ``dataset`` at ``indices``, in that order.

    Example:
        >>> from compat.utils.data import Subset
        >>> s = Subset(["a", "b", "c", "d"], [3, 0])
        >>> len(s), s[0], s.indices
        (2, 'd', [3, 0])
    """

    def __init__(self, dataset, indices: Sequence[int]) -> None:
        self.dataset = dataset
        self.indices = indices

    def __getitem__(self, idx):
        if isinstance(idx, list):
            return self.dataset[[self.indices[i] for i in idx]]
        return self.dataset[self.indices[idx]]

    def __getitems__(self, indices: list[int]) -> list:
        # the DataLoader asks for a whole batch at once when the dataset can give one
        if callable(getattr(self.dataset, "__getitems__", None)):
            return self.dataset.__getitems__([self.indices[i] for i in indices])
        return [self.dataset[self.indices[i]] for i in indices]

    def __len__(self) -> int:
        return len(self.indices)


class ConcatDataset(Dataset):
    """Several datasets, one after the other.

    Example:
        >>> from compat.utils.data import ConcatDataset
        >>> ds = ConcatDataset([range(3), ["x", "y"]])
        >>> len(ds), ds[3], ds[-1], ds.cumulative_sizes
        (5, 'x', 'y', [3, 5])
    """

    def __init__(self, datasets) -> None:
        self.datasets = list(datasets)
        assert len(self.datasets) > 0, "datasets should not be an empty iterable"
        for d in self.datasets:
            assert not isinstance(d, IterableDataset), (
                "ConcatDataset does not support IterableDataset"
            )
        self.cumulative_sizes = list(_accumulate(len(d) for d in self.datasets))

    def __len__(self) -> int:
        return self.cumulative_sizes[-1]

    def __getitem__(self, idx):
        if idx < 0:
            if -idx > len(self):
                raise ValueError("absolute value of index should not exceed dataset length")
            idx = len(self) + idx
        which = bisect.bisect_right(self.cumulative_sizes, idx)  # past the end: IndexError
        start = self.cumulative_sizes[which - 1] if which else 0
        return self.datasets[which][idx - start]


def _accumulate(values):
    total = 0
    for v in values:
        total += v
        yield total


def random_split(dataset, lengths: Sequence[int | float], generator=None) -> list[Subset]:
    """Split ``dataset`` into non-overlapping random :class:`Subset` s.

    Args:
        dataset: any dataset with ``len``.
        lengths: the subsets' lengths, summing to ``len(dataset)``, or fractions summing to 1:
            each gets ``floor(fraction * len)`` items, then the remaining items go one by one
            to the subsets in order, from the first.
        generator: a ``compat.Generator`` for the permutation (default: the global one).

    Example:
        >>> import compat as torch
        >>> from compat.utils.data import random_split
        >>> train, val = random_split(range(10), [0.7, 0.3], torch.Generator().manual_seed(0))
        >>> len(train), len(val), sorted(train.indices + val.indices) == list(range(10))
        (7, 3, True)
    """
    import compat

    n = len(dataset)
    lengths = list(lengths)
    if math.isclose(sum(lengths), 1) and sum(lengths) <= 1:
        counts = []
        for i, frac in enumerate(lengths):
            if frac < 0 or frac > 1:
                raise ValueError(f"Fraction at index {i} is not between 0 and 1")
            counts.append(int(math.floor(n * frac)))
        for i in range(n - sum(counts)):
            counts[i % len(counts)] += 1
        for i, count in enumerate(counts):
            if count == 0:
                warnings.warn(
                    f"Length of split at index {i} is 0. This might result in an empty dataset.",
                    stacklevel=2,
                )
        lengths = counts
    if sum(lengths) != n:
        raise ValueError("Sum of input lengths does not equal the length of the input dataset!")
    indices = compat.randperm(sum(lengths), generator=generator).tolist()
    return [
        Subset(dataset, indices[end - length : end])
        for end, length in zip(_accumulate(lengths), lengths)
    ]

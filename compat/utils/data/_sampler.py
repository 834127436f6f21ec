"""Samplers: which indices a DataLoader reads, in which order, in which batches."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sized
from typing import Generic, TypeVar

T_co = TypeVar("T_co", covariant=True)


class Sampler(Generic[T_co]):
    """Base class of samplers: an iterable of indices (or of lists of indices).

    Subclasses define ``__iter__`` and usually ``__len__``.

    Example:
        >>> from compat.utils.data import DataLoader, Sampler
        >>> class Backwards(Sampler):
        ...     def __init__(self, n):
        ...         self.n = n
        ...     def __iter__(self):
        ...         return iter(range(self.n - 1, -1, -1))
        ...     def __len__(self):
        ...         return self.n
        >>> [b.tolist() for b in DataLoader(range(5), batch_size=2, sampler=Backwards(5))]
        [[4, 3], [2, 1], [0]]
    """

    def __init__(self, data_source: Sized | None = None) -> None:
        pass

    def __iter__(self) -> Iterator[T_co]:
        raise NotImplementedError


class SequentialSampler(Sampler[int]):
    """``0, 1, ..., len(data_source) - 1``.

    Example:
        >>> from compat.utils.data import SequentialSampler
        >>> list(SequentialSampler("abc"))
        [0, 1, 2]
    """

    def __init__(self, data_source: Sized) -> None:
        self.data_source = data_source

    def __iter__(self) -> Iterator[int]:
        return iter(range(len(self.data_source)))

    def __len__(self) -> int:
        return len(self.data_source)


class RandomSampler(Sampler[int]):
    """A random permutation of the indices each time it is iterated.

    Args:
        data_source: the dataset (only its length is used).
        replacement: draw ``num_samples`` indices independently instead of permuting.
        num_samples: how many indices per pass (default ``len(data_source)``); without
            replacement, more than the length repeats whole permutations.
        generator: a ``compat.Generator``; by default each pass seeds a fresh generator from
            the global one, so ``compat.manual_seed`` makes passes reproducible.

    Example:
        >>> import compat as torch
        >>> from compat.utils.data import RandomSampler
        >>> sampler = RandomSampler(range(5), generator=torch.Generator().manual_seed(0))
        >>> sorted(sampler), len(sampler)
        ([0, 1, 2, 3, 4], 5)
    """

    def __init__(
        self, data_source: Sized, replacement: bool = False, num_samples=None, generator=None
    ) -> None:
        self.data_source = data_source
        self.replacement = replacement
        self._num_samples = num_samples
        self.generator = generator
        if not isinstance(self.replacement, bool):
            raise TypeError(
                f"replacement should be a boolean value, but got replacement={self.replacement}"
            )
        if not isinstance(self.num_samples, int) or self.num_samples <= 0:
            raise ValueError(
                "num_samples should be a positive integer value, but got "
                f"num_samples={self.num_samples}"
            )

    @property
    def num_samples(self) -> int:
        """Indices per pass."""
        if self._num_samples is None:
            return len(self.data_source)
        return self._num_samples

    def __iter__(self) -> Iterator[int]:
        import compat

        n = len(self.data_source)
        generator = self.generator
        if generator is None:
            generator = compat.Generator().manual_seed(_draw_seed(None))
        if self.replacement:
            for start in range(0, self.num_samples, 32):
                size = min(32, self.num_samples - start)
                yield from compat.randint(0, n, (size,), generator=generator).tolist()
            return
        for _ in range(self.num_samples // n):
            yield from compat.randperm(n, generator=generator).tolist()
        yield from compat.randperm(n, generator=generator).tolist()[: self.num_samples % n]

    def __len__(self) -> int:
        return self.num_samples


class SubsetRandomSampler(Sampler[int]):
    """The given indices, in a random order each pass.

    Example:
        >>> import compat as torch
        >>> from compat.utils.data import SubsetRandomSampler
        >>> sampler = SubsetRandomSampler([10, 20, 30], torch.Generator().manual_seed(0))
        >>> sorted(sampler), len(sampler)
        ([10, 20, 30], 3)
    """

    def __init__(self, indices, generator=None) -> None:
        self.indices = indices
        self.generator = generator

    def __iter__(self) -> Iterator[int]:
        import compat

        for i in compat.randperm(len(self.indices), generator=self.generator).tolist():
            yield self.indices[i]

    def __len__(self) -> int:
        return len(self.indices)


class BatchSampler(Sampler[list]):
    """Groups another sampler's indices into lists of ``batch_size``.

    Args:
        sampler: any iterable of indices.
        batch_size: indices per batch.
        drop_last: drop the last batch if it is smaller than ``batch_size``.

    Example:
        >>> from compat.utils.data import BatchSampler, SequentialSampler
        >>> list(BatchSampler(SequentialSampler(range(5)), batch_size=2, drop_last=False))
        [[0, 1], [2, 3], [4]]
    """

    def __init__(self, sampler: Iterable[int], batch_size: int, drop_last: bool) -> None:
        if not isinstance(batch_size, int) or isinstance(batch_size, bool) or batch_size <= 0:
            raise ValueError(
                f"batch_size should be a positive integer value, but got batch_size={batch_size}"
            )
        if not isinstance(drop_last, bool):
            raise ValueError(f"drop_last should be a boolean value, but got drop_last={drop_last}")
        self.sampler = sampler
        self.batch_size = batch_size
        self.drop_last = drop_last

    def __iter__(self) -> Iterator[list[int]]:
        batch = []
        for index in self.sampler:
            batch.append(index)
            if len(batch) == self.batch_size:
                yield batch
                batch = []
        if batch and not self.drop_last:
            yield batch

    def __len__(self) -> int:
        if self.drop_last:
            return len(self.sampler) // self.batch_size
        return (len(self.sampler) + self.batch_size - 1) // self.batch_size


def _draw_seed(generator) -> int:
    """A 64-bit seed drawn from ``generator`` (the global one if None), as PyTorch draws it."""
    import compat

    return int(compat.randint(0, 2**63, (), generator=generator).item())

"""DataLoader: batches from a dataset, in order or shuffled, all in this process."""

from __future__ import annotations

import warnings

from compat.utils.data._collate import default_collate, default_convert
from compat.utils.data._dataset import IterableDataset
from compat.utils.data._sampler import (
    BatchSampler,
    RandomSampler,
    SequentialSampler,
    _draw_seed,
)

_FIXED = ("batch_size", "batch_sampler", "sampler", "drop_last", "dataset", "persistent_workers")


class DataLoader:
    """Iterate over a dataset in batches (``torch.utils.data.DataLoader``).

    Any object with ``__getitem__`` and ``__len__`` is a dataset (a list works); an
    :class:`IterableDataset` is read as a stream. ``num_workers > 0`` is accepted and runs in
    this process, so results are the same as with ``num_workers=0``.

    Args:
        dataset: the samples.
        batch_size: samples per batch; None yields single samples (numpy arrays converted to
            tensors, tuples to lists).
        shuffle: a new random order each epoch (each ``iter(loader)``).
        sampler: the indices to read, in order (excludes ``shuffle``).
        batch_sampler: lists of indices, one per batch (excludes ``batch_size``, ``shuffle``,
            ``sampler`` and ``drop_last``).
        num_workers: accepted; loading always happens in this process.
        collate_fn: merges a list of samples into a batch (default :func:`default_collate`).
        pin_memory: accepted (warns as PyTorch does without an accelerator).
        drop_last: drop the last batch when it is incomplete.
        timeout, worker_init_fn, multiprocessing_context, prefetch_factor,
        persistent_workers, pin_memory_device, in_order: accepted for compatibility.
        generator: the ``compat.Generator`` shuffling draws from (default: the global one).

    Example:
        >>> import compat as torch
        >>> from compat.utils.data import DataLoader, TensorDataset
        >>> ds = TensorDataset(torch.arange(5.0), torch.tensor([0, 1, 0, 1, 0]))
        >>> loader = DataLoader(ds, batch_size=2)
        >>> len(loader), [yb.tolist() for xb, yb in loader]
        (3, [[0, 1], [0, 1], [0]])
        >>> g = torch.Generator().manual_seed(0)
        >>> shuffled = DataLoader(range(5), batch_size=2, shuffle=True, generator=g)
        >>> sorted(i for batch in shuffled for i in batch.tolist())
        [0, 1, 2, 3, 4]
    """

    def __init__(
        self,
        dataset,
        batch_size: int | None = 1,
        shuffle: bool | None = None,
        sampler=None,
        batch_sampler=None,
        num_workers: int = 0,
        collate_fn=None,
        pin_memory: bool = False,
        drop_last: bool = False,
        timeout: float = 0,
        worker_init_fn=None,
        multiprocessing_context=None,
        generator=None,
        *,
        prefetch_factor: int | None = None,
        persistent_workers: bool = False,
        pin_memory_device: str = "",
        in_order: bool = True,
    ) -> None:
        if num_workers < 0:
            raise ValueError(
                "num_workers option should be non-negative; use num_workers=0 to disable "
                "multiprocessing."
            )
        if timeout < 0:
            raise ValueError("timeout option should be non-negative")
        if num_workers == 0 and prefetch_factor is not None:
            raise ValueError(
                "prefetch_factor option could only be specified in multiprocessing.let "
                "num_workers > 0 to enable multiprocessing, otherwise set prefetch_factor to "
                "None."
            )
        if persistent_workers and num_workers == 0:
            raise ValueError("persistent_workers option needs num_workers > 0")
        iterable = isinstance(dataset, IterableDataset)
        if iterable:
            for name, value in (
                ("shuffle", shuffle),
                ("sampler", sampler),
                ("batch_sampler", batch_sampler),
            ):
                if value not in (None, False):
                    raise ValueError(
                        f"DataLoader with IterableDataset: expected unspecified {name} option, "
                        f"but got {name}={value}"
                    )
        shuffle = bool(shuffle)
        if sampler is not None and shuffle:
            raise ValueError("sampler option is mutually exclusive with shuffle")
        if batch_sampler is not None:
            if batch_size != 1 or shuffle or sampler is not None or drop_last:
                raise ValueError(
                    "batch_sampler option is mutually exclusive with batch_size, shuffle, "
                    "sampler, and drop_last"
                )
            batch_size, drop_last = None, False
        elif batch_size is None and drop_last:
            raise ValueError(
                "batch_size=None option disables auto-batching and is mutually exclusive with "
                "drop_last"
            )
        if sampler is None and not iterable:
            if shuffle:
                sampler = RandomSampler(dataset, generator=generator)
            else:
                sampler = SequentialSampler(dataset)
        if batch_size is not None and batch_sampler is None and not iterable:
            batch_sampler = BatchSampler(sampler, batch_size, drop_last)
        if collate_fn is None:
            auto = batch_sampler is not None or (iterable and batch_size is not None)
            collate_fn = default_collate if auto else default_convert

        self.dataset = dataset
        self.batch_size = batch_size
        self.drop_last = drop_last
        self.sampler = sampler
        self.batch_sampler = batch_sampler
        self.num_workers = num_workers
        self.collate_fn = collate_fn
        self.pin_memory = pin_memory
        self.pin_memory_device = pin_memory_device
        self.timeout = timeout
        self.worker_init_fn = worker_init_fn
        self.multiprocessing_context = multiprocessing_context
        self.generator = generator
        self.prefetch_factor = prefetch_factor
        self.persistent_workers = persistent_workers
        self.in_order = in_order
        self._initialized = True

    def __setattr__(self, name, value) -> None:
        if getattr(self, "_initialized", False) and name in _FIXED:
            raise ValueError(
                f"{name} attribute should not be set after {type(self).__name__} is initialized"
            )
        super().__setattr__(name, value)

    @property
    def _auto_collation(self) -> bool:
        if isinstance(self.dataset, IterableDataset):
            return self.batch_size is not None
        return self.batch_sampler is not None

    @property
    def _index_sampler(self):
        return self.batch_sampler if self.batch_sampler is not None else self.sampler

    def __len__(self) -> int:
        if isinstance(self.dataset, IterableDataset):
            length = len(self.dataset)
            if self.batch_size is not None:
                if self.drop_last:
                    return length // self.batch_size
                return -(-length // self.batch_size)
            return length
        return len(self._index_sampler)

    def __iter__(self) -> _LoaderIterator:
        return _LoaderIterator(self)


class _LoaderIterator:
    """One pass over a DataLoader (one epoch)."""

    def __init__(self, loader: DataLoader) -> None:
        if loader.pin_memory:
            warnings.warn(
                "'pin_memory' argument is set as true but no accelerator is found, then device "
                "pinned memory won't be used.",
                stacklevel=3,
            )
        self._loader = loader
        self._dataset = loader.dataset
        self._collate_fn = loader.collate_fn
        self._auto_collation = loader._auto_collation
        if isinstance(loader.dataset, IterableDataset):
            self._source = iter(loader.dataset)
            self._indices = None
        else:
            self._source = None
            self._indices = iter(loader._index_sampler)
        # PyTorch draws a base seed for its workers at the start of every epoch; drawing it
        # too keeps the random streams after an epoch where PyTorch's are
        self._base_seed = _draw_seed(loader.generator)
        if loader.num_workers > 0 and loader.worker_init_fn is not None:
            loader.worker_init_fn(0)  # the one "worker" is this process

    def __iter__(self) -> _LoaderIterator:
        return self

    def __len__(self) -> int:
        return len(self._loader)

    def __next__(self):
        if self._indices is not None:
            index = next(self._indices)
            if not self._auto_collation:
                return self._collate_fn(self._dataset[index])
            getitems = getattr(self._dataset, "__getitems__", None)
            if callable(getitems):
                samples = getitems(index)
            else:
                samples = [self._dataset[i] for i in index]
            return self._collate_fn(samples)
        if not self._auto_collation:
            return self._collate_fn(next(self._source))
        samples = []
        for sample in self._source:
            samples.append(sample)
            if len(samples) == self._loader.batch_size:
                break
        if not samples or (self._loader.drop_last and len(samples) < self._loader.batch_size):
            raise StopIteration
        return self._collate_fn(samples)

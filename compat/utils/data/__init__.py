"""compat.utils.data: datasets, samplers and the DataLoader (``torch.utils.data``).

Example:
    >>> import compat as torch
    >>> from compat.utils.data import DataLoader, TensorDataset
    >>> ds = TensorDataset(torch.ones(5, 2), torch.arange(5))
    >>> [xb.shape[0] for xb, yb in DataLoader(ds, batch_size=2)]
    [2, 2, 1]
"""

from compat.utils.data._collate import (
    default_collate as default_collate,
    default_convert as default_convert,
)
from compat.utils.data._dataloader import DataLoader as DataLoader
from compat.utils.data._dataset import (
    ConcatDataset as ConcatDataset,
    Dataset as Dataset,
    IterableDataset as IterableDataset,
    Subset as Subset,
    TensorDataset as TensorDataset,
    random_split as random_split,
)
from compat.utils.data._sampler import (
    BatchSampler as BatchSampler,
    RandomSampler as RandomSampler,
    Sampler as Sampler,
    SequentialSampler as SequentialSampler,
    SubsetRandomSampler as SubsetRandomSampler,
)

__all__ = [
    "BatchSampler",
    "ConcatDataset",
    "DataLoader",
    "Dataset",
    "IterableDataset",
    "RandomSampler",
    "Sampler",
    "SequentialSampler",
    "Subset",
    "SubsetRandomSampler",
    "TensorDataset",
    "default_collate",
    "default_convert",
    "random_split",
]

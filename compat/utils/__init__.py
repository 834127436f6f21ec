"""compat.utils: PyTorch's ``torch.utils`` (the data loading part, :mod:`compat.utils.data`)."""

from compat.utils import data as data

__all__ = ["data"]

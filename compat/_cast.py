"""Copies and conversions: ``clone``, ``contiguous``, ``.to(dtype)``, ``.float()``,
``.type_as``, ``new_zeros`` and friends (dtype changes go through :func:`to_dtype`)."""

from __future__ import annotations

import numpy as np

import funcgrad.numpy as fnp
from compat import _dtypes
from compat._autograd import apply
from compat._tensor import Tensor, wrap
from compat._tensor_types import check_device


def to_dtype(input, dt, copy=False):  # noqa: A002
    """``input`` converted to numpy dtype ``dt`` (itself when it already has it)."""
    if input._s.array.dtype == dt and not copy:
        return input
    if input._rg and dt.kind not in "fc":
        return wrap(input._s.array.astype(dt))
    return apply("ToCopyBackward0", lambda v: fnp.astype(v, dt), input, saves=())


def clone(input, *, memory_format=None):  # noqa: A002
    """A copy that stays in the graph (``CloneBackward0``).

    Example:
        >>> import compat as torch
        >>> x = torch.tensor([1., 2.], requires_grad=True)
        >>> torch.clone(x)
        tensor([1., 2.], grad_fn=<CloneBackward0>)
    """
    if input._rg:
        return apply(
            "CloneBackward0", lambda v: v + 0 if v.dtype.kind != "b" else v, input, saves=()
        )
    return wrap(np.array(input._s.array, order="C"))


def contiguous(self, memory_format=None):
    """Itself when C-contiguous, else a contiguous copy."""
    a = self._s.array
    if a.flags.c_contiguous:
        return self
    if self._rg:
        import funcgrad.numpy as fnp

        shape = a.shape
        return apply("CloneBackward0", lambda v: fnp.reshape(fnp.ravel(v), shape), self, saves=())
    return wrap(np.ascontiguousarray(a))


def is_contiguous(self, memory_format=None) -> bool:
    """Whether the data is laid out in C order (``x.t()`` is not)."""
    return bool(self._s.array.flags.c_contiguous)


def _parse_to(args, kwargs):
    dtype = kwargs.pop("dtype", None)
    device = kwargs.pop("device", None)
    copy = kwargs.pop("copy", False)
    kwargs.pop("non_blocking", None)
    kwargs.pop("memory_format", None)
    for a in args:
        if isinstance(a, _dtypes.dtype):
            dtype = a
        elif isinstance(a, Tensor):
            dtype = a.dtype
        elif isinstance(a, (str,)) or type(a).__name__ == "device":
            device = a
        elif isinstance(a, bool):
            pass
        else:
            raise TypeError(
                f"to() received an invalid combination of arguments - got {type(a).__name__}"
            )
    if kwargs:
        raise TypeError(f"to() got an unexpected keyword argument '{next(iter(kwargs))}'")
    return dtype, device, copy


def to(self, *args, **kwargs):
    """Convert dtype (and device: the CPU only); itself when nothing changes.

    Example:
        >>> import compat as torch
        >>> x = torch.tensor([1.7, 2.0])
        >>> x.to(torch.long), x.to("cpu") is x
        (tensor([1, 2]), True)
    """
    dtype, device, copy = _parse_to(args, dict(kwargs))
    check_device(device)
    if dtype is None:
        return clone(self) if copy else self
    return to_dtype(self, _dtypes.to_numpy(dtype), copy)


def _converter(d, name):
    def op(self, memory_format=None):
        return to_dtype(self, d.np)

    op.__name__ = name
    op.__doc__ = f"``to({d})``."
    return op


def type_(self, dtype=None, non_blocking=False, **_):
    """The type name (``'torch.FloatTensor'``), or a conversion to ``dtype``."""
    if dtype is None:
        return f"torch.{_dtypes.TENSOR_TYPE[self.dtype]}"
    if isinstance(dtype, str):
        names = {f"torch.{v}": k for k, v in _dtypes.TENSOR_TYPE.items()}
        dtype = names[dtype]
    return to_dtype(self, _dtypes.to_numpy(dtype))


def type_as(self, other):
    """Converted to ``other``'s dtype."""
    return to_dtype(self, other._s.array.dtype)


def cpu(self, memory_format=None):
    """Itself (compat tensors live on the CPU)."""
    return self


def cuda(self, device=None, non_blocking=False, memory_format=None):
    """Refused: compat has no CUDA (``torch.cuda.is_available()`` is False)."""
    raise AssertionError("Torch not compiled with CUDA enabled")


def _new(fill):
    def op(self, *size, dtype=None, device=None, requires_grad=False, **_):
        from compat._creation import _size

        shape = _size(size)
        dt = self._s.array.dtype if dtype is None else _dtypes.to_numpy(dtype)
        t = wrap(np.full(shape, fill, dt))
        if requires_grad:
            t.requires_grad_(True)
        return t

    return op


def new_full(self, size, fill_value, *, dtype=None, device=None, requires_grad=False):
    """A tensor of ``fill_value`` with this dtype."""
    dt = self._s.array.dtype if dtype is None else _dtypes.to_numpy(dtype)
    t = wrap(np.full(tuple(size), fill_value, dt))
    return t.requires_grad_(True) if requires_grad else t


def new_tensor(self, data, *, dtype=None, device=None, requires_grad=False):
    """A new tensor from data, with this dtype by default."""
    from compat._creation import tensor

    return tensor(data, dtype=dtype or self.dtype, requires_grad=requires_grad)

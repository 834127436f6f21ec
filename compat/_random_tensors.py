"""Random tensors: rand, randn, randint, randperm, their ``_like`` forms and normal, drawn
from compat's generators (``_random``) so seeded streams match PyTorch's.
"""

from __future__ import annotations

import numpy as np

from compat import _dtypes, _random
from compat._creation import _np_dtype, _size
from compat._tensor import Tensor, wrap
from compat._tensor_types import Size, check_device

__all__ = [
    "rand",
    "randn",
    "randint",
    "randperm",
    "rand_like",
    "randn_like",
    "randint_like",
    "normal",
]


def _random_tensor(values, requires_grad):
    t = wrap(values)
    if requires_grad:
        t.requires_grad_(True)
    return t


def rand(
    *sizes, size=None, generator=None, dtype=None, device=None, requires_grad=False, **_
) -> Tensor:
    """Uniform numbers in [0, 1), PyTorch's stream after ``manual_seed``.

    Example:
        >>> import compat as torch
        >>> _ = torch.manual_seed(0); torch.rand(3)
        tensor([0.4963, 0.7682, 0.0885])
    """
    check_device(device)
    shape = _size(sizes, "rand", size)
    dt = _np_dtype(dtype, _dtypes.default_np())
    n = Size(shape).numel()
    vals = _random.generator(generator).uniform(n, dt).reshape(shape)
    return _random_tensor(vals, requires_grad)


def randn(
    *sizes, size=None, generator=None, dtype=None, device=None, requires_grad=False, **_
) -> Tensor:
    """Standard normal numbers (PyTorch's stream after ``manual_seed``).

    Example:
        >>> import compat as torch
        >>> _ = torch.manual_seed(0); torch.randn(3)
        tensor([ 1.5410, -0.2934, -2.1788])
    """
    check_device(device)
    shape = _size(sizes, "randn", size)
    dt = _np_dtype(dtype, _dtypes.default_np())
    n = Size(shape).numel()
    vals = _random.generator(generator).normal(n, dt).reshape(shape)
    return _random_tensor(vals, requires_grad)


def randint(
    low, high=None, size=None, *, generator=None, dtype=None, device=None, requires_grad=False
) -> Tensor:
    """Integers in [low, high) of shape ``size`` (int64).

    Example:
        >>> import compat as torch
        >>> _ = torch.manual_seed(0); torch.randint(0, 10, (4,))
        tensor([4, 9, 3, 0])
    """
    check_device(device)
    if size is None:
        if isinstance(high, (tuple, list)):
            low, high, size = 0, low, high
        else:
            raise TypeError('randint() missing 1 required positional arguments: "size"')
    if high is None:
        low, high = 0, low
    shape = _size((size,), "randint")
    n = Size(shape).numel()
    vals = _random.generator(generator).integers(low, high, n).reshape(shape)
    return wrap(vals.astype(_np_dtype(dtype, np.dtype(np.int64))))


def randperm(n, *, generator=None, dtype=None, device=None, requires_grad=False) -> Tensor:
    """A random permutation of ``0..n-1`` (int64).

    Example:
        >>> import compat as torch
        >>> _ = torch.manual_seed(0); torch.randperm(6)
        tensor([2, 5, 3, 0, 1, 4])
    """
    check_device(device)
    vals = _random.generator(generator).permutation(int(n))
    return wrap(vals.astype(_np_dtype(dtype, np.dtype(np.int64))))


def rand_like(input, *, dtype=None, generator=None, **_) -> Tensor:  # noqa: A002
    """Uniform numbers with ``input``'s shape and dtype.

    Example:
        >>> import compat as torch
        >>> _ = torch.manual_seed(0)
        >>> torch.rand_like(torch.zeros(3))
        tensor([0.4963, 0.7682, 0.0885])
    """
    return rand(*input.shape, dtype=dtype or input.dtype, generator=generator)


def randn_like(input, *, dtype=None, generator=None, **_) -> Tensor:  # noqa: A002
    """Normal numbers with ``input``'s shape and dtype.

    Example:
        >>> import compat as torch
        >>> _ = torch.manual_seed(0)
        >>> torch.randn_like(torch.zeros(3))
        tensor([ 1.5410, -0.2934, -2.1788])
    """
    return randn(*input.shape, dtype=dtype or input.dtype, generator=generator)


def randint_like(input, low, high=None, *, dtype=None, generator=None, **_) -> Tensor:  # noqa: A002
    """Random integers with ``input``'s shape (and dtype).

    Example:
        >>> import compat as torch
        >>> _ = torch.manual_seed(0)
        >>> torch.randint_like(torch.zeros(3, dtype=torch.int64), 0, 10)
        tensor([4, 9, 3])
    """
    t = randint(low, high, tuple(input.shape), generator=generator)
    return t.to(dtype or input.dtype)


def normal(mean, std, size=None, *, generator=None, dtype=None) -> Tensor:
    """Normal numbers with the given mean and standard deviation.

    Example:
        >>> import compat as torch
        >>> torch.normal(0.0, 1.0, (2, 3)).shape
        torch.Size([2, 3])
    """
    g = _random.generator(generator)
    if isinstance(mean, Tensor) or isinstance(std, Tensor):
        m = mean._s.array if isinstance(mean, Tensor) else mean
        s = std._s.array if isinstance(std, Tensor) else std
        shape = np.broadcast_shapes(np.shape(m), np.shape(s))
        dt = np.result_type(*(x for x in (m, s) if isinstance(x, np.ndarray)))
        z = g.normal(Size(shape).numel(), dt).reshape(shape)
        return wrap((z * s + m).astype(dt))
    shape = _size((size,), "normal")
    dt = _np_dtype(dtype, _dtypes.default_np())
    return wrap(g.normal(Size(shape).numel(), dt, mean, std).reshape(shape))

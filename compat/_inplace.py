"""In-place operations (``add_``, ``mul_``, ``zero_``, ``+=`` ...) with PyTorch's rules.

On a leaf that requires grad they are errors while grad mode is on (optimizers and
manual SGD run them under ``no_grad``). On other tensors they are recorded like the
out-of-place op, and the tensor takes the result, keeping its dtype; its version
counter moves, so a graph that saved the old value refuses to run backward.
"""

from __future__ import annotations

import numpy as np

from compat import _dtypes, _math
from compat._autograd import _MODE
from compat._tensor import Tensor

LEAF = "a leaf Variable that requires grad is being used in an in-place operation."
VIEW_OF_LEAF = (
    "a view of a leaf Variable that requires grad is being used in an in-place operation."
)


def check_inplace(t: Tensor, view: bool = False) -> None:
    """Refuse an in-place op on a leaf that requires grad while grad mode is on."""
    if _MODE[0] and t._rg and t._fn is None:
        raise RuntimeError(VIEW_OF_LEAF if view else LEAF)


def _cast_check(result_dtype, self_dtype):
    if _dtypes.category(result_dtype) > _dtypes.category(self_dtype):
        raise RuntimeError(
            f"result type {_dtypes.SCALAR_NAME[_dtypes.from_numpy(result_dtype)]} can't be "
            f"cast to the desired output type "
            f"{_dtypes.SCALAR_NAME[_dtypes.from_numpy(self_dtype)]}"
        )


def commit(t: Tensor, r: Tensor) -> Tensor:
    """Make ``r`` (the out-of-place result) the new value of ``t``; returns ``t``."""
    _cast_check(r._s.array.dtype, t._s.array.dtype)
    if r.shape != t.shape:
        raise RuntimeError(
            f"output with shape [{', '.join(map(str, t.shape))}] doesn't match the broadcast "
            f"shape [{', '.join(map(str, r.shape))}]"
        )
    if r._rg:
        t._become(r)
    else:
        arr = r._s.array
        t._write(lambda a: np.copyto(a, arr, casting="unsafe"))
    return t


def inplace(fn):
    """The in-place version of an out-of-place op ``fn(self, *args)``."""

    def op(self, *args, **kwargs):
        check_inplace(self)
        return commit(self, fn(self, *args, **kwargs))

    op.__name__ = fn.__name__ + "_"
    op.__doc__ = f"In-place ``{fn.__name__}``: updates this tensor and returns it."
    return op


def zero_(self: Tensor) -> Tensor:
    """Fill with zeros, in place."""
    check_inplace(self)
    return _fill(self, 0)


def fill_(self: Tensor, value) -> Tensor:
    """Fill with ``value``, in place."""
    check_inplace(self)
    if isinstance(value, Tensor):
        if value._rg and _MODE[0]:
            import funcgrad.numpy as fnp
            from compat._autograd import apply

            dt = self._s.array.dtype
            shape = self.shape
            r = apply("FillBackward1", lambda v: fnp.broadcast_to(fnp.astype(v, dt), shape), value)
            return commit(self, r)
        value = value.item()
    return _fill(self, value)


def _fill(self, value):
    if self._rg and self._fn is not None and _MODE[0]:
        # a recorded non-leaf: still in the graph, with a zero gradient (FillBackward0)
        import funcgrad.numpy as fnp
        from compat._autograd import apply

        everywhere = np.ones(self.shape, bool)
        fill = np.asarray(value).astype(self._s.array.dtype)
        self._become(apply("FillBackward0", lambda v: fnp.where(everywhere, fill, v), self))
        return self
    self._write(lambda a: a.fill(value))
    return self


def copy_(self: Tensor, src, non_blocking=False) -> Tensor:
    """Copy ``src``'s values (broadcast, cast to this dtype), in place."""
    check_inplace(self)
    if not isinstance(src, Tensor):
        from compat._creation import tensor

        src = tensor(src)
    if _MODE[0] and src._rg:
        import funcgrad.numpy as fnp
        from compat._autograd import apply

        dt = self._s.array.dtype
        shape = self.shape
        r = apply(
            "CopyBackwards",
            lambda v: fnp.broadcast_to(v if v.dtype == dt else fnp.astype(v, dt), shape),
            src,
        )
        self._become(r)
        return self
    arr = src._s.array
    try:
        np.broadcast_to(arr, self.shape)
    except ValueError:
        raise RuntimeError(
            f"The size of tensor a ({self.shape[-1] if self.ndim else 1}) must match the size "
            f"of tensor b ({arr.shape[-1] if arr.ndim else 1}) at non-singleton dimension "
            f"{max(self.ndim - 1, 0)}"
        ) from None
    self._write(lambda a: np.copyto(a, arr, casting="unsafe"))
    return self


def addcmul_(self: Tensor, tensor1, tensor2, *, value=1) -> Tensor:
    """``self += value * tensor1 * tensor2``, in place."""
    check_inplace(self)
    return commit(self, _math.add(self, _math.mul(_math.mul(tensor1, tensor2), value)))


def addcdiv_(self: Tensor, tensor1, tensor2, *, value=1) -> Tensor:
    """``self += value * tensor1 / tensor2``, in place."""
    check_inplace(self)
    return commit(self, _math.add(self, _math.mul(_math.div(tensor1, tensor2), value)))


def addcmul(input, tensor1, tensor2, *, value=1):  # noqa: A002
    """``input + value * tensor1 * tensor2``.

    Example:
        >>> import compat as torch
        >>> torch.addcmul(torch.ones(2), torch.tensor([1., 2.]), torch.tensor([2., 4.]), value=0.5)
        tensor([2., 5.])
    """
    return _math.add(input, _math.mul(_math.mul(tensor1, tensor2), value))


def addcdiv(input, tensor1, tensor2, *, value=1):  # noqa: A002
    """``input + value * tensor1 / tensor2``.

    Example:
        >>> import compat as torch
        >>> torch.addcdiv(torch.ones(2), torch.tensor([1., 2.]), torch.tensor([2., 4.]), value=2)
        tensor([2., 2.])
    """
    return _math.add(input, _math.mul(_math.div(tensor1, tensor2), value))


def uniform_(self: Tensor, a=0.0, b=1.0, *, generator=None) -> Tensor:
    """Fill with uniform numbers in [a, b), in place (PyTorch's stream)."""
    from compat import _random

    check_inplace(self)
    vals = _random.generator(generator).uniform(self.numel(), self._s.array.dtype, a, b)
    self._write(lambda arr: np.copyto(arr, vals.reshape(arr.shape), casting="unsafe"))
    return self


def normal_(self: Tensor, mean=0.0, std=1.0, *, generator=None) -> Tensor:
    """Fill with normal numbers, in place (PyTorch's stream)."""
    from compat import _random

    check_inplace(self)
    vals = _random.generator(generator).normal(self.numel(), self._s.array.dtype, mean, std)
    self._write(lambda arr: np.copyto(arr, vals.reshape(arr.shape), casting="unsafe"))
    return self


def bernoulli_(self: Tensor, p=0.5, *, generator=None) -> Tensor:
    """Fill with 0/1 draws with probability ``p`` of 1, in place."""
    from compat import _random

    check_inplace(self)
    u = _random.generator(generator).uniform(self.numel(), np.float64)
    vals = (u < p).astype(self._s.array.dtype)
    self._write(lambda arr: np.copyto(arr, vals.reshape(arr.shape), casting="unsafe"))
    return self


def random_(self: Tensor, from_=0, to=None, *, generator=None) -> Tensor:
    """Fill with random integers in [from, to), in place."""
    from compat import _random

    check_inplace(self)
    if to is None:
        from_, to = 0, from_ if from_ else 2**24
    vals = _random.generator(generator).integers(from_, to, self.numel())
    self._write(lambda arr: np.copyto(arr, vals.reshape(arr.shape), casting="unsafe"))
    return self

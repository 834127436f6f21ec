"""``nn.Parameter`` and ``nn.Buffer``: tensors a Module registers when they are assigned."""

from __future__ import annotations

from compat._tensor import Tensor, _init

__all__ = ["Parameter", "Buffer"]


class Parameter(Tensor):
    """A tensor that a :class:`~compat.nn.Module` registers as a parameter when assigned.

    ``Parameter(t)`` shares ``t``'s data (an in-place change of one shows in the other)
    and is a leaf that requires grad; ops on a Parameter give plain tensors.

    Args:
        data: the initial value (a tensor); ``None`` gives an empty float tensor.
        requires_grad: whether the parameter requires grad (default True).

    Example:
        >>> import compat as torch
        >>> w = torch.nn.Parameter(torch.tensor([0.5]))
        >>> w
        Parameter containing:
        tensor([0.5000], requires_grad=True)
        >>> type(w * 2).__name__
        'Tensor'
    """

    def __new__(cls, data=None, requires_grad=True):
        if data is None:
            from compat._filled import empty

            data = empty(0)
        if not isinstance(data, Tensor):
            raise TypeError(
                f"Parameter data must be a Tensor, got {type(data).__name__}; wrap arrays "
                "with torch.tensor(...) or torch.from_numpy(...) first"
            )
        if requires_grad and data._s.array.dtype.kind not in "fc":
            raise RuntimeError(
                "Only Tensors of floating point and complex dtype can require gradients"
            )
        p = Tensor.__new__(cls)
        _init(p, data._s, bool(requires_grad))
        return p

    def __init__(self, data=None, requires_grad=True):
        pass  # everything happens in __new__ (Tensor.__init__ would parse `data` again)


class _BufferMeta(type(Tensor)):
    """``isinstance(t, Buffer)``: a tensor marked by ``Buffer(...)``."""

    def __instancecheck__(cls, instance) -> bool:
        return isinstance(instance, Tensor) and getattr(instance, "_is_buffer", False)


class Buffer(Tensor, metaclass=_BufferMeta):
    """Marks a tensor as a buffer: assigning it to a Module attribute registers it.

    ``Buffer(t)`` returns a detached plain tensor sharing ``t``'s data, flagged so that
    ``module.name = Buffer(t)`` calls ``register_buffer(name, t, persistent)``.

    Args:
        data: the tensor (``None`` gives an empty float tensor).
        persistent: whether the buffer goes into ``state_dict`` (default True).

    Example:
        >>> import compat as torch
        >>> m = torch.nn.Module()
        >>> m.mean = torch.nn.Buffer(torch.zeros(2))
        >>> list(m.state_dict())
        ['mean']
    """

    def __new__(cls, data=None, *, persistent=True):
        if data is None:
            from compat._filled import empty

            data = empty(0)
        t = data.detach()
        t.persistent = persistent
        t._is_buffer = True
        return t

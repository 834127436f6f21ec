"""Module-wide changes: train/eval, requires_grad_, zero_grad, apply, dtype conversion."""

from __future__ import annotations

from typing import TYPE_CHECKING

from compat import _dtypes
from compat._grad_mode import no_grad
from compat._tensor import Tensor
from compat._tensor_types import check_device

if TYPE_CHECKING:
    from compat.nn._module import Module

__all__ = ["ModesMixin"]


class ModesMixin:
    """Changes applied to every submodule (or every parameter) of a Module."""

    def train(self, mode: bool = True) -> Module:
        """Set training mode here and in every child (calling their ``train``); returns self."""
        if not isinstance(mode, bool):
            raise ValueError("training mode is expected to be boolean")
        self.training = mode
        for child in self.children():
            child.train(mode)
        return self

    def eval(self) -> Module:
        """``train(False)``: evaluation mode (Dropout off, BatchNorm uses running stats)."""
        return self.train(False)

    def requires_grad_(self, requires_grad: bool = True) -> Module:
        """Set ``requires_grad`` on every parameter (``False`` freezes); returns self."""
        for p in self.parameters():
            p.requires_grad_(requires_grad)
        return self

    def zero_grad(self, set_to_none: bool = True) -> None:
        """Clear the parameters' gradients: ``None`` by default, else zero-filled."""
        for p in self.parameters():
            g = p._grad
            if g is None:
                continue
            if set_to_none:
                p._grad = None
            else:
                if g.grad_fn is not None:
                    g.detach_()
                else:
                    g.requires_grad_(False)
                g.zero_()

    def apply(self, fn) -> Module:
        """Call ``fn`` on every submodule (children before parents), then self; returns self.

        Example:
            >>> import compat as torch
            >>> m = torch.nn.Module()
            >>> m.add_module("a", torch.nn.Module())
            >>> seen = []
            >>> _ = m.apply(lambda mod: seen.append(mod is m))
            >>> seen
            [False, True]
        """
        for module in _post_order(self):
            fn(module)
        return self

    def _apply(self, fn) -> Module:
        """Convert every parameter (in place: same objects), its grad and every buffer."""
        with no_grad():
            for module in _post_order(self):
                for p in module._parameters.values():
                    if p is None:
                        continue
                    new = fn(p)
                    if new is not p:
                        p.data = new
                    g = p._grad
                    if g is not None:
                        new_g = fn(g)
                        if new_g is not g:
                            g.data = new_g  # the same grad object, converted
                bufs = module._buffers
                for name, b in bufs.items():
                    if b is not None:
                        bufs[name] = fn(b)
        return self

    def to(self, *args, **kwargs) -> Module:
        """Convert floating-point parameters and buffers to a dtype (the CPU only); self.

        Accepts ``to(dtype)``, ``to(device)``, ``to(device, dtype)``, ``to(tensor)`` and
        the keywords ``dtype=``, ``device=``, ``non_blocking=``.

        Example:
            >>> import compat as torch
            >>> m = torch.nn.Module()
            >>> m.w = torch.nn.Parameter(torch.zeros(1))
            >>> w = m.w
            >>> m.to(torch.float64) is m, m.w is w, w.dtype
            (True, True, torch.float64)
        """
        dtype = kwargs.pop("dtype", None)
        device = kwargs.pop("device", None)
        kwargs.pop("non_blocking", None)
        kwargs.pop("memory_format", None)
        if kwargs:
            raise TypeError(f"to() got an unexpected keyword argument '{next(iter(kwargs))}'")
        for a in args:
            if isinstance(a, _dtypes.dtype):
                dtype = a
            elif isinstance(a, Tensor):
                dtype, device = a.dtype, a.device
            elif isinstance(a, bool):
                pass
            else:
                device = a
        check_device(device)
        if dtype is None:
            return self
        if not (dtype.is_floating_point or dtype.is_complex):
            raise TypeError(
                "nn.Module.to only accepts floating point or complex dtypes, but got desired "
                f"dtype={dtype}"
            )
        return self._apply(lambda t: t.to(dtype) if t.is_floating_point() or t.is_complex() else t)

    def float(self) -> Module:
        """Floating-point parameters and buffers to float32; returns self."""
        return self._apply(lambda t: t.float() if t.is_floating_point() else t)

    def double(self) -> Module:
        """Floating-point parameters and buffers to float64; returns self."""
        return self._apply(lambda t: t.double() if t.is_floating_point() else t)

    def half(self) -> Module:
        """Floating-point parameters and buffers to float16; returns self."""
        return self._apply(lambda t: t.half() if t.is_floating_point() else t)

    def type(self, dst_type) -> Module:
        """Every parameter and buffer to ``dst_type``; returns self."""
        return self._apply(lambda t: t.type(dst_type))

    def cpu(self) -> Module:
        """Itself (compat lives on the CPU)."""
        return self

    def cuda(self, device=None) -> Module:
        """Refused for modules holding tensors, as PyTorch without CUDA does."""
        return self._apply(lambda t: t.cuda(device))

    def share_memory(self) -> Module:
        """Itself (compat has one process)."""
        return self


def _post_order(root):
    """Every module of the tree (with repeats, as PyTorch's recursion visits them),
    children before their parent, without recursion."""
    out = []
    stack = [root]
    while stack:
        module = stack.pop()
        out.append(module)
        stack.extend(dict.fromkeys(c for c in module._modules.values() if c is not None))
    out.reverse()
    return out

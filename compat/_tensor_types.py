"""The small types a tensor is described by and made of: ``Size`` (its shape), ``device``
(where it lives: the CPU) and ``Storage`` (its array and version counter).
"""

from __future__ import annotations

from compat import _autograd


class Size(tuple):
    """A tensor's shape: a tuple of ints (``torch.Size``).

    Example:
        >>> import compat as torch
        >>> torch.zeros(2, 3).shape == (2, 3), torch.zeros(2, 3).shape
        (True, torch.Size([2, 3]))
    """

    __slots__ = ()

    def __repr__(self) -> str:
        return f"torch.Size([{', '.join(map(str, self))}])"

    __str__ = __repr__

    def numel(self) -> int:
        """The number of elements of a tensor of this shape."""
        n = 1
        for d in self:
            n *= d
        return n

    def __getitem__(self, i):
        r = tuple.__getitem__(self, i)
        return Size(r) if isinstance(i, slice) else r


class Storage:
    """The array behind one or more tensors, and its version counter.

    In-place ops write into the array (so views of it see the change, as in PyTorch)
    unless a recorded graph may hold its memory: then they replace it (copy on write).
    """

    __slots__ = ("array", "version")

    def __init__(self, array):
        self.array = array
        self.version = 0

    def writable(self) -> bool:
        """Whether the array may be written in place."""
        a = self.array
        return a.flags.writeable and not _autograd.is_held(a)


class _DataAlias:
    """A storage's array under a version counter of its own (what ``.data`` gives)."""

    __slots__ = ("base", "version")

    def __init__(self, base):
        self.base = base
        self.version = 0

    @property
    def array(self):
        return self.base.array

    @array.setter
    def array(self, value):
        self.base.array = value

    def writable(self) -> bool:
        return self.base.writable()


class device:  # noqa: N801 (torch's spelling)
    """Where a tensor lives: compat has the CPU only.

    Example:
        >>> import compat as torch
        >>> torch.device("cpu"), torch.zeros(1).device == torch.device("cpu")
        (device(type='cpu'), True)
    """

    __slots__ = ("type", "index")

    def __init__(self, type="cpu", index=None):  # noqa: A002
        if isinstance(type, device):
            type, index = type.type, type.index  # noqa: A001
        name = str(type)
        if ":" in name:
            name, idx = name.split(":", 1)
            index = int(idx)
        if name not in ("cpu", "cuda", "mps", "meta"):
            raise RuntimeError(
                "Expected one of cpu, cuda, ipu, xpu, mkldnn, opengl, opencl, ideep, hip, ve, "
                f"fpga, maia, xla, lazy, vulkan, mps, meta, hpu, mtia, privateuseone device "
                f"type at start of device string: {type}"
            )
        self.type = name
        self.index = index

    def __repr__(self) -> str:
        if self.index is None:
            return f"device(type='{self.type}')"
        return f"device(type='{self.type}', index={self.index})"

    def __str__(self) -> str:
        return self.type if self.index is None else f"{self.type}:{self.index}"

    def __eq__(self, other) -> bool:
        if isinstance(other, str):
            other = device(other)
        return isinstance(other, device) and (self.type, self.index) == (other.type, other.index)

    def __hash__(self) -> int:
        return hash((self.type, self.index))


CPU = device("cpu")


def check_device(d) -> None:
    """Refuse devices other than the CPU, with the error PyTorch gives without CUDA."""
    if d is None:
        return
    dev = d if isinstance(d, device) else device(d)
    if dev.type != "cpu":
        raise AssertionError("Torch not compiled with CUDA enabled")

"""compat.Tensor: a mutable handle around an array, as PyTorch scripts expect.

A tensor holds a ``Storage`` (the current numpy array and its version counter, shared by
``detach()``, ``.data`` and state dicts, which alias the tensor as in PyTorch; it, ``Size``
and ``device`` live in ``_tensor_types``), ``requires_grad``, ``grad`` and ``grad_fn``.
While grad mode is on, a tensor that requires grad also holds its value traced on compat's
tape (see ``_autograd``). In-place operations write into the array when no recorded graph
can hold it, and otherwise replace it (copy on write), so graphs recorded earlier are never
corrupted.
"""

from __future__ import annotations

import warnings

import numpy as np

from compat import _autograd, _backward, _dtypes
from compat._autograd import TAPE
from compat._tensor_state import TensorState
from compat._tensor_types import CPU, Size, Storage, _DataAlias, device

__all__ = ["Tensor", "Size", "Storage", "wrap", "from_value"]


_CREATE_GRAPH_CYCLE = (
    "Using backward() with create_graph=True will create a reference cycle between the "
    "parameter and its gradient which can cause a memory leak. We recommend using "
    "autograd.grad when creating the graph to avoid this. If you have to use this function, "
    "make sure to reset the .grad fields of your parameters to None after use to break the "
    "cycle and avoid the leak."
)


class Tensor(TensorState):
    """A multi-dimensional array with PyTorch's API, differentiable through compat's tape.

    Make tensors with ``compat.tensor``, ``zeros``, ``randn``... (``Tensor(...)`` also
    works, as ``torch.Tensor`` does: float32 data).

    Example:
        >>> import compat as torch
        >>> w = torch.tensor([1.0, 2.0], requires_grad=True)
        >>> loss = (w * w).sum()
        >>> loss.backward()
        >>> w.grad
        tensor([2., 4.])
    """

    __slots__ = (
        "_s",
        "_v",
        "_vv",
        "_rg",
        "_grad",
        "_fn",
        "_retain",
        "_view_of",
        "__weakref__",
        "__dict__",
    )
    __array_priority__ = 1000

    def __init__(self, *data):
        from compat._creation import _tensor_constructor

        arr = _tensor_constructor(data)
        _init(self, Storage(arr))

    # --- basic attributes ----------------------------------------------------------------

    @property
    def _np_dtype(self):
        return self._s.array.dtype

    @property
    def _data(self):
        return self._s.array

    @property
    def dtype(self) -> _dtypes.dtype:
        return _dtypes.from_numpy(self._s.array.dtype)

    @property
    def shape(self) -> Size:
        return Size(self._s.array.shape)

    def size(self, dim=None):
        """The shape (``torch.Size``), or the length of dimension ``dim``."""
        shape = self._s.array.shape
        if dim is None:
            return Size(shape)
        return shape[_dim(dim, len(shape))]

    @property
    def ndim(self) -> int:
        return self._s.array.ndim

    def dim(self) -> int:
        """The number of dimensions."""
        return self._s.array.ndim

    ndimension = dim

    def numel(self) -> int:
        """The number of elements."""
        return self._s.array.size

    nelement = numel

    def element_size(self) -> int:
        """Bytes per element."""
        return self._s.array.itemsize

    @property
    def device(self) -> device:
        return CPU

    @property
    def is_cuda(self) -> bool:
        return False

    is_leaf = property(lambda self: self._fn is None or not self._rg)
    grad_fn = property(lambda self: self._fn if self._rg else None)

    def is_floating_point(self) -> bool:
        """Whether the dtype is a floating-point type."""
        return self._s.array.dtype.kind == "f"

    def is_complex(self) -> bool:
        """Whether the dtype is complex."""
        return self._s.array.dtype.kind == "c"

    @property
    def _version(self) -> int:
        # a view shares its base's version counter, as in PyTorch
        return self._counter().version

    def _counter(self) -> Storage:
        """The storage whose version counts this tensor's changes (a view's: its base's)."""
        t = self
        while t._view_of is not None:
            t = t._view_of[0]
        return t._s

    def __len__(self) -> int:
        if not self._s.array.ndim:
            raise TypeError("len() of a 0-d tensor")
        return self._s.array.shape[0]

    def __hash__(self) -> int:
        return id(self)

    def __iter__(self):
        if not self._s.array.ndim:
            raise TypeError("iteration over a 0-d tensor")
        return (self[i] for i in range(self._s.array.shape[0]))

    def __bool__(self) -> bool:
        a = self._s.array
        if a.size != 1:
            raise RuntimeError("Boolean value of Tensor with more than one value is ambiguous")
        return bool(a.reshape(()))

    def __float__(self) -> float:
        a = self._s.array
        if a.size != 1:
            raise ValueError("only one element tensors can be converted to Python scalars")
        return float(a.reshape(()))

    def __int__(self) -> int:
        a = self._s.array
        if a.size != 1:
            raise ValueError("only one element tensors can be converted to Python scalars")
        return int(a.reshape(()))

    def __index__(self) -> int:
        a = self._s.array
        if a.size != 1 or a.dtype.kind not in "iub":
            raise TypeError("only integer tensors of a single element can be converted to an index")
        return int(a.reshape(()))

    def __complex__(self) -> complex:
        return complex(self.item())

    def __format__(self, spec: str) -> str:
        if self._s.array.size == 1 and self._s.array.ndim == 0:
            return format(self.item(), spec)
        if not spec:
            return repr(self)
        return object.__format__(self, spec)

    def __array__(self, dtype=None, copy=None):
        if self._rg:
            raise RuntimeError(
                "Can't call numpy() on Tensor that requires grad. Use tensor.detach().numpy() "
                "instead."
            )
        a = self._s.array
        return a if dtype is None else a.astype(dtype)

    def __reduce_ex__(self, protocol):
        return (_rebuild, (self._s.array.copy(), self._rg, type(self)))

    def __deepcopy__(self, memo):
        if not self.is_leaf:
            raise RuntimeError(
                "Only Tensors created explicitly by the user (graph leaves) support the "
                "deepcopy protocol at the moment.  If you were attempting to deepcopy a module, "
                "this may be because of a torch.nn.utils.weight_norm usage, see "
                "https://github.com/pytorch/pytorch/pull/103001"
            )
        new = type(self).__new__(type(self))
        _init(new, Storage(self._s.array.copy()), self._rg)
        if self._grad is not None:
            new._grad = self._grad.__deepcopy__(memo)
        memo[id(self)] = new
        return new

    # --- conversion ------------------------------------------------------------------------

    def item(self):
        """The single element as a Python number."""
        a = self._s.array
        if a.size != 1:
            raise RuntimeError(f"a Tensor with {a.size} elements cannot be converted to Scalar")
        return a.reshape(()).item()

    def tolist(self):
        """The elements as (nested) Python lists; a 0-d tensor gives a number."""
        return self._s.array.tolist()

    def numpy(self, *, force: bool = False) -> np.ndarray:
        """The array itself (shared memory); refused while the tensor requires grad."""
        if self._rg and not force:
            raise RuntimeError(
                "Can't call numpy() on Tensor that requires grad. Use tensor.detach().numpy() "
                "instead."
            )
        return self._s.array

    def detach(self) -> Tensor:
        """The same data (shared, like PyTorch's), cut from the graph."""
        t = Tensor.__new__(Tensor)
        _init(t, self._s)
        return t

    def detach_(self) -> Tensor:
        """Cut this tensor from the graph, in place."""
        self._fn = None
        self._rg = False
        self._v = None
        return self

    @property
    def data(self) -> Tensor:
        """A detached alias of the data (``w.data -= lr * w.grad`` updates ``w``).

        Writes through it are not counted by ``w``'s version counter, as in PyTorch.
        """
        t = Tensor.__new__(Tensor)
        _init(t, _DataAlias(self._s))
        return t

    @data.setter
    def data(self, value) -> None:
        if not isinstance(value, Tensor):
            raise TypeError("data must be a Tensor")
        self._s = value._s
        self._v = None

    # --- autograd ---------------------------------------------------------------------------

    @property
    def requires_grad(self) -> bool:
        return self._rg

    @requires_grad.setter
    def requires_grad(self, flag) -> None:
        self.requires_grad_(flag)

    def requires_grad_(self, requires_grad: bool = True) -> Tensor:
        """Set whether ops on this leaf are recorded; returns self."""
        if self._fn is not None and self._rg:
            if requires_grad:
                return self
            raise RuntimeError(
                "you can only change requires_grad flags of leaf variables. If you want to use "
                "a computed variable in a subgraph that doesn't require differentiation use "
                "var_no_grad = var.detach()."
            )
        if requires_grad and self._s.array.dtype.kind not in "fc":
            raise RuntimeError("only Tensors of floating point dtype can require gradients")
        self._rg = bool(requires_grad)
        self._fn = None
        self._v = None
        return self

    @property
    def grad(self):
        if self._fn is not None and self._rg and not self._retain:
            warnings.warn(
                "The .grad attribute of a Tensor that is not a leaf Tensor is being accessed. "
                "Its .grad attribute won't be populated during autograd.backward(). If you "
                "indeed want the .grad field to be populated for a non-leaf Tensor, use "
                ".retain_grad() on the non-leaf Tensor. If you access the non-leaf Tensor by "
                "mistake, make sure you access the leaf Tensor instead. See "
                "github.com/pytorch/pytorch/pull/30531 for more information.",
                UserWarning,
                stacklevel=2,
            )
        return self._grad

    @grad.setter
    def grad(self, value) -> None:
        if value is not None:
            if not isinstance(value, Tensor):
                raise TypeError(
                    f"assigned grad expected to be a Tensor or None but got grad of type "
                    f"{type(value).__name__}"
                )
            if value.shape != self.shape:
                raise RuntimeError(
                    "attempting to assign a gradient of size "
                    f"'[{', '.join(map(str, value.shape))}]' to a tensor of size "
                    f"'[{', '.join(map(str, self.shape))}]'. Please ensure that the gradient "
                    "and the tensor are the same size"
                )
        self._grad = value

    @grad.deleter
    def grad(self) -> None:
        self._grad = None

    def retain_grad(self) -> None:
        """Have backward fill ``.grad`` of this non-leaf tensor too."""
        if not self._rg:
            raise RuntimeError("can't retain_grad on Tensor that has requires_grad=False")
        if self._fn is not None:
            self._retain = True

    @property
    def retains_grad(self) -> bool:
        return self._retain

    def backward(self, gradient=None, retain_graph=None, create_graph=False, inputs=None):
        """Accumulate the gradient of this tensor into the leaves' ``.grad``.

        Args:
            gradient: the vector of the vector-Jacobian product (required unless the
                tensor has one element).
            retain_graph: keep the graph for another backward (defaults to create_graph).
            create_graph: make the gradients differentiable (higher-order derivatives).
            inputs: only accumulate into these tensors.
        """
        if inputs is not None:
            inputs = [inputs] if isinstance(inputs, Tensor) else list(inputs)
        if create_graph:
            warnings.warn(_CREATE_GRAPH_CYCLE, UserWarning, stacklevel=2)
        _backward.run_backward(
            [self],
            [gradient],
            retain_graph=retain_graph,
            create_graph=create_graph,
            inputs=inputs,
        )

    def register_hook(self, hook):  # pragma: no cover - P2
        raise NotImplementedError("compat does not support tensor hooks yet")

    def __repr__(self) -> str:
        from compat._format import tensor_repr

        return tensor_repr(self)

    __str__ = __repr__


def _rebuild(array, requires_grad, cls):
    t = cls.__new__(cls)
    _init(t, Storage(array), requires_grad)
    return t


def _init(t, storage, requires_grad=False, fn=None, value=None):
    t._s = storage
    t._v = value
    t._vv = None
    t._rg = requires_grad
    t._grad = None
    t._fn = fn
    t._retain = False
    t._view_of = None  # (base tensor, function giving this view of it) for views


def wrap(array, requires_grad: bool = False) -> Tensor:
    """A new tensor around an ndarray (no copy)."""
    t = Tensor.__new__(Tensor)
    _init(t, Storage(array), requires_grad)
    return t


def from_value(value, node=None) -> Tensor:
    """A tensor for what a funcgrad function returned; ``node`` when it was recorded."""
    t = Tensor.__new__(Tensor)
    if node is not None and TAPE.is_recorded(value):
        arr = TAPE.primal(value)
        if type(arr) is not np.ndarray:
            arr = np.asarray(arr)
        _init(t, Storage(arr), True, node, value)
        return t
    if type(value) is not np.ndarray:
        value = np.asarray(value)
    _init(t, Storage(value))
    return t


def _dim(d: int, ndim: int) -> int:
    n = max(ndim, 1)
    if not -n <= d < n:
        raise IndexError(
            f"Dimension out of range (expected to be in range of [{-n}, {n - 1}], but got {d})"
        )
    return d % n if ndim else 0


_autograd.bind_tensor(Tensor, from_value)

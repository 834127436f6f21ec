"""PyTorch's dtype objects, the default dtype, and PyTorch's type promotion.

PyTorch promotes differently from numpy: dimensioned tensors decide among themselves,
0-d tensors and Python numbers only count when they are of a higher category
(bool < integer < floating < complex), and a Python float means the *default* dtype.
"""

from __future__ import annotations

import numpy as np


class dtype:  # noqa: N801 (torch's spelling)
    """A tensor element type, e.g. ``compat.float32``.

    Example:
        >>> import compat as torch
        >>> str(torch.float32), torch.float32 is torch.float, torch.float64.is_floating_point
        ('torch.float32', True, True)
    """

    __slots__ = ("name", "np", "is_floating_point", "is_complex", "is_signed", "itemsize")

    def __init__(self, name: str, np_dtype):
        self.name = name
        self.np = np.dtype(np_dtype)
        self.is_floating_point = self.np.kind == "f"
        self.is_complex = self.np.kind == "c"
        self.is_signed = self.np.kind in "fic"
        self.itemsize = self.np.itemsize

    def __repr__(self) -> str:
        return f"torch.{self.name}"

    __str__ = __repr__

    def __reduce__(self):
        return (_by_name, (self.name,))


float16 = half = dtype("float16", np.float16)
float32 = float = dtype("float32", np.float32)  # noqa: A001
float64 = double = dtype("float64", np.float64)
complex64 = cfloat = dtype("complex64", np.complex64)
complex128 = cdouble = dtype("complex128", np.complex128)
uint8 = dtype("uint8", np.uint8)
int8 = dtype("int8", np.int8)
int16 = short = dtype("int16", np.int16)
int32 = int = dtype("int32", np.int32)  # noqa: A001
int64 = long = dtype("int64", np.int64)
bool = dtype("bool", np.bool_)  # noqa: A001

ALL = (float16, float32, float64, complex64, complex128, uint8, int8, int16, int32, int64, bool)
_FROM_NP = {d.np: d for d in ALL}
_NAMES = {d.name: d for d in ALL}
#: The names PyTorch prints in messages and ``Tensor.type()``.
TENSOR_TYPE = {
    float16: "HalfTensor",
    float32: "FloatTensor",
    float64: "DoubleTensor",
    complex64: "ComplexFloatTensor",
    complex128: "ComplexDoubleTensor",
    uint8: "ByteTensor",
    int8: "CharTensor",
    int16: "ShortTensor",
    int32: "IntTensor",
    int64: "LongTensor",
    bool: "BoolTensor",
}
#: The scalar type names PyTorch uses in error messages ("Float", "Long").
SCALAR_NAME = {
    float16: "Half",
    float32: "Float",
    float64: "Double",
    complex64: "ComplexFloat",
    complex128: "ComplexDouble",
    uint8: "Byte",
    int8: "Char",
    int16: "Short",
    int32: "Int",
    int64: "Long",
    bool: "Bool",
}


def _by_name(name: str) -> dtype:
    return _NAMES[name]


def from_numpy(np_dtype) -> dtype:
    """The compat dtype of a numpy dtype."""
    try:
        return _FROM_NP[np.dtype(np_dtype)]
    except KeyError:
        raise TypeError(
            f"can't convert np.ndarray of type numpy.{np.dtype(np_dtype).name}. The only "
            "supported types are: float64, float32, float16, complex64, complex128, int64, "
            "int32, int16, int8, uint8, and bool."
        ) from None


def to_numpy(d) -> np.dtype:
    """The numpy dtype of a compat dtype (numpy dtypes and Python types pass through)."""
    if isinstance(d, dtype):
        return d.np
    if d is builtins_float:
        return _DEFAULT[0].np
    if d is builtins_int:
        return np.dtype(np.int64)
    if d is builtins_bool:
        return np.dtype(np.bool_)
    return np.dtype(d)


import builtins as _builtins  # noqa: E402

builtins_float, builtins_int, builtins_bool = _builtins.float, _builtins.int, _builtins.bool

_DEFAULT = [float32]


def get_default_dtype() -> dtype:
    """The dtype Python floats and floating creation functions give (float32 at start).

    Example:
        >>> import compat as torch
        >>> torch.get_default_dtype()
        torch.float32
    """
    return _DEFAULT[0]


def set_default_dtype(d: dtype) -> None:
    """Set the default floating dtype (``float32`` or ``float64``).

    Example:
        >>> import compat as torch
        >>> torch.set_default_dtype(torch.float64); torch.tensor(1.).dtype
        torch.float64
        >>> torch.set_default_dtype(torch.float32)
    """
    if not isinstance(d, dtype) or not d.is_floating_point:
        raise TypeError(f"only floating-point types are supported as the default type, got {d}")
    _DEFAULT[0] = d


def default_np() -> np.dtype:
    """The default dtype as a numpy dtype."""
    return _DEFAULT[0].np


# --- promotion -----------------------------------------------------------------------

_CATEGORY = {"b": 0, "u": 1, "i": 1, "f": 2, "c": 3}


def category(np_dtype) -> _builtins.int:
    """0 bool, 1 integer, 2 floating, 3 complex."""
    return _CATEGORY[np_dtype.kind]


def promote_types(a, b) -> np.dtype:
    """PyTorch's promotion of two numpy dtypes (int with float gives that float)."""
    ka, kb = _CATEGORY[a.kind], _CATEGORY[b.kind]
    if ka == kb:
        return np.promote_types(a, b)
    if ka < kb:
        a, b, ka, kb = b, a, kb, ka
    # a is of the higher category
    if ka == 3 and kb == 2:
        return np.promote_types(a, b)
    return a if ka >= 2 else np.promote_types(a, b)


def _promote(a, b):
    if a is None:
        return b
    if b is None:
        return a
    return promote_types(a, b)


def _combine(higher, lower):
    """PyTorch's rule for a higher-priority kind of operand meeting a lower one."""
    if higher is None:
        return lower
    if lower is None:
        return higher
    if higher.kind == "c":
        return higher
    if lower.kind == "c":
        if higher.kind == "f":
            return np.result_type(higher, np.complex64)
        return lower
    if higher.kind == "f":
        return higher
    if higher.kind == "b" or lower.kind == "f":
        return promote_types(higher, lower)
    return higher


def scalar_dtype(x) -> np.dtype:
    """The dtype a Python (or numpy) scalar stands for in PyTorch's promotion."""
    if isinstance(x, (_builtins.bool, np.bool_)):
        return np.dtype(np.bool_)
    if isinstance(x, (_builtins.int, np.integer)):
        return np.dtype(np.int64)
    if isinstance(x, (_builtins.float, np.floating)):
        return _DEFAULT[0].np
    if isinstance(x, (_builtins.complex, np.complexfloating)):
        return np.result_type(_DEFAULT[0].np, np.complex64)
    raise TypeError(f"unsupported operand type {type(x).__name__}")


def result_type(*operands) -> np.dtype:
    """PyTorch's result dtype for tensors (anything with ``dtype`` and ``ndim``) and scalars.

    Example:
        >>> import compat as torch
        >>> from compat._dtypes import result_type
        >>> result_type(torch.tensor([1, 2]), 1.5), result_type(torch.tensor([1.]), 2)
        (dtype('float32'), dtype('float32'))
    """
    dim = zero = wrapped = None
    for x in operands:
        d = getattr(x, "_np_dtype", None)
        if d is not None:
            if x.ndim:
                dim = _promote(dim, d)
            else:
                zero = _promote(zero, d)
        else:
            wrapped = _promote(wrapped, scalar_dtype(x))
    return _combine(dim, _combine(zero, wrapped))


# --- numeric limits --------------------------------------------------------------------


class finfo:  # noqa: N801 (torch's spelling)
    """Limits of a floating dtype (the default dtype when none is given).

    Example:
        >>> import compat as torch
        >>> torch.finfo(torch.float32).eps, torch.finfo(torch.float16).max
        (1.1920928955078125e-07, 65504.0)
    """

    def __init__(self, type=None):  # noqa: A002 (torch's name)
        d = _DEFAULT[0] if type is None else type
        if not isinstance(d, dtype) or not d.is_floating_point:
            raise TypeError(
                "torch.finfo() requires a floating point input type. Use torch.iinfo to "
                "handle 'torch.finfo'"
            )
        info = np.finfo(d.np)
        self.bits = _builtins.int(info.bits)
        self.eps = _builtins.float(info.eps)
        self.max = _builtins.float(info.max)
        self.min = _builtins.float(info.min)
        self.tiny = self.smallest_normal = _builtins.float(info.smallest_normal)
        self.resolution = 10.0 ** -_builtins.int(info.precision)
        self.dtype = d.name

    def __repr__(self) -> str:
        return (
            f"finfo(resolution={self.resolution:g}, min={self.min:g}, max={self.max:g}, "
            f"eps={self.eps:g}, smallest_normal={self.tiny:g}, tiny={self.tiny:g}, "
            f"dtype={self.dtype})"
        )


class iinfo:  # noqa: N801 (torch's spelling)
    """Limits of an integer dtype.

    Example:
        >>> import compat as torch
        >>> torch.iinfo(torch.int8).min, torch.iinfo(torch.uint8).max
        (-128, 255)
    """

    def __init__(self, type):  # noqa: A002 (torch's name)
        if not isinstance(type, dtype) or type.np.kind not in "iub":
            raise TypeError(
                "torch.iinfo() requires an integer input type. Use torch.finfo to handle "
                "'torch.iinfo'"
            )
        info = np.iinfo(np.uint8 if type.np.kind == "b" else type.np)
        self.bits = _builtins.int(info.bits)
        self.max = _builtins.int(info.max)
        self.min = _builtins.int(info.min)
        self.dtype = type.name

    def __repr__(self) -> str:
        lo, hi = _builtins.float(self.min), _builtins.float(self.max)
        return f"iinfo(min={lo:g}, max={hi:g}, dtype={self.dtype})"

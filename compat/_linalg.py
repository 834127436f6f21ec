"""Matrix products with PyTorch's names, shapes and errors (no dtype promotion)."""

from __future__ import annotations

import funcgrad.numpy as fnp
from compat import _dtypes
from compat._autograd import apply
from compat._tensor import Tensor


def _same_dtype(a, b, mm=True):
    da, db = a._s.array.dtype, b._s.array.dtype
    if da != db:
        na = _dtypes.SCALAR_NAME[_dtypes.from_numpy(da)]
        nb = _dtypes.SCALAR_NAME[_dtypes.from_numpy(db)]
        if mm:
            raise RuntimeError(f"mat1 and mat2 must have the same dtype, but got {na} and {nb}")
        raise RuntimeError(
            f"expected m1 and m2 to have the same dtype, but got: {_c_name(da)} != {_c_name(db)}"
        )


def _c_name(dt):
    return {"float32": "float", "float64": "double", "int64": "long int", "int32": "int",
            "float16": "c10::Half", "bool": "bool", "int16": "short int", "int8": "signed char",
            "uint8": "unsigned char"}.get(dt.name, dt.name)


def _mismatch(a, b):
    sa, sb = a.shape, b.shape
    ra = "x".join(map(str, sa if len(sa) == 2 else (1, sa[0]) if len(sa) == 1 else (sa[0], -1)))
    rb = "x".join(map(str, sb if len(sb) == 2 else (sb[0], 1) if len(sb) == 1 else (sb[0], -1)))
    return RuntimeError(f"mat1 and mat2 shapes cannot be multiplied ({ra} and {rb})")


def matmul(input, other):  # noqa: A002
    """Matrix product with numpy's broadcasting (1-D @ 1-D is a 0-d dot product).

    Example:
        >>> import compat as torch
        >>> torch.ones(2, 3) @ torch.ones(3)
        tensor([3., 3.])
    """
    if not isinstance(other, Tensor) or not isinstance(input, Tensor):
        raise TypeError(
            f"matmul(): argument 'other' (position 2) must be Tensor, not "
            f"{type(other).__name__ if isinstance(input, Tensor) else type(input).__name__}"
        )
    _same_dtype(input, other, mm=False)
    na, nb = input.ndim, other.ndim
    if na == 0 or nb == 0:
        raise RuntimeError(
            f"both arguments to matmul need to be at least 1D, but they are {na}D and {nb}D"
        )
    ka = input.shape[-1]
    kb = other.shape[0] if nb == 1 else other.shape[-2]
    if ka != kb:
        if na == 1 and nb == 1:
            raise RuntimeError(
                f"inconsistent tensor size, expected tensor [{ka}] and src [{kb}] to have the "
                "same number of elements, but got "
                f"{ka} and {kb} elements respectively"
            )
        if na <= 2 and nb <= 2:
            raise _mismatch(input, other)
        raise RuntimeError(
            f"Expected size for first two dimensions of batch2 tensor to be: "
            f"[{other.shape[0] if nb > 2 else 1}, {ka}] but got: "
            f"[{other.shape[0] if nb > 2 else 1}, {kb}]."
        )
    if na == 1 and nb == 1:
        name = "DotBackward0"
    elif na == 2 and nb == 1:
        name = "MvBackward0"
    elif na == 2 and nb == 2:
        name = "MmBackward0"
    elif na >= 3 and nb >= 3:
        name = "BmmBackward0" if na == nb == 3 else "UnsafeViewBackward0"
    else:
        name = "UnsafeViewBackward0" if na >= 3 else "MmBackward0"
    return apply(name, fnp.matmul, input, other)


def mm(input, mat2):  # noqa: A002
    """Product of two matrices."""
    if input.ndim != 2:
        raise RuntimeError("self must be a matrix")
    if mat2.ndim != 2:
        raise RuntimeError("mat2 must be a matrix")
    _same_dtype(input, mat2)
    if input.shape[1] != mat2.shape[0]:
        raise _mismatch(input, mat2)
    return apply("MmBackward0", fnp.matmul, input, mat2)


def bmm(input, mat2):  # noqa: A002
    """Batched product of 3-D tensors."""
    if input.ndim != 3 or mat2.ndim != 3:
        raise RuntimeError("batch1 must be a 3D tensor")
    _same_dtype(input, mat2)
    return apply("BmmBackward0", fnp.matmul, input, mat2)


def mv(input, vec):  # noqa: A002
    """Matrix-vector product."""
    _same_dtype(input, vec)
    return apply("MvBackward0", fnp.matmul, input, vec)


def dot(input, other):  # noqa: A002
    """Dot product of two 1-D tensors."""
    if input.ndim != 1 or other.ndim != 1:
        raise RuntimeError(
            f"1D tensors expected, but got {input.ndim}D and {other.ndim}D tensors"
        )
    return matmul(input, other)


inner = dot


def outer(input, vec2):  # noqa: A002
    """Outer product of two vectors."""
    _same_dtype(input, vec2, mm=False)
    return apply("OuterBackward0", fnp.outer, input, vec2)


ger = outer


def addmm(input, mat1, mat2, *, beta=1, alpha=1):  # noqa: A002
    """``beta * input + alpha * mat1 @ mat2``."""
    _same_dtype(mat1, mat2)
    return apply(
        "AddmmBackward0",
        lambda c, a, b: beta * c + alpha * fnp.matmul(a, b) if (beta, alpha) != (1, 1)
        else c + fnp.matmul(a, b),
        input,
        mat1,
        mat2,
    )


def einsum(equation, *operands):
    """Einstein summation (``einsum("ij,jk->ik", a, b)``)."""
    if len(operands) == 1 and isinstance(operands[0], (list, tuple)):
        operands = tuple(operands[0])
    return apply("EinsumBackward0", lambda *vs: fnp.einsum(equation, *vs), *operands)


def tensordot(a, b, dims=2):
    """numpy's tensordot."""
    return apply("TensordotBackward0", lambda u, v: fnp.tensordot(u, v, dims), a, b)


def cross(input, other, dim=None):  # noqa: A002
    """Cross product of 3-vectors."""
    axis = -1 if dim is None else dim
    return apply("LinalgCrossBackward0", lambda u, v: fnp.cross(u, v, axis=axis), input, other)

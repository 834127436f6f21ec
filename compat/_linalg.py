"""Matrix products with PyTorch's names, shapes and errors (no dtype promotion)."""

from __future__ import annotations

import numpy as np

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
    return {
        "float32": "float",
        "float64": "double",
        "int64": "long int",
        "int32": "int",
        "float16": "c10::Half",
        "bool": "bool",
        "int16": "short int",
        "int8": "signed char",
        "uint8": "unsigned char",
    }.get(dt.name, dt.name)


def _mismatch(a, b):
    sa, sb = a.shape, b.shape
    ra = "x".join(map(str, sa if len(sa) == 2 else (1, sa[0]) if len(sa) == 1 else (sa[0], -1)))
    rb = "x".join(map(str, sb if len(sb) == 2 else (sb[0], 1) if len(sb) == 1 else (sb[0], -1)))
    return RuntimeError(f"mat1 and mat2 shapes cannot be multiplied ({ra} and {rb})")


def _prod(shape):
    n = 1
    for d in shape:
        n *= d
    return n


def _matmul_dtype_error(na, nb, da, db):
    """PyTorch's message for operands of different dtypes (it depends on the kernel)."""
    name_a = _dtypes.SCALAR_NAME[_dtypes.from_numpy(da)]
    name_b = _dtypes.SCALAR_NAME[_dtypes.from_numpy(db)]
    if nb == 1 and (na == 1 or (da.kind == "f" and db.kind == "f")):
        return RuntimeError(
            f"dot : expected both vectors to have same dtype, but found {name_a} and {name_b}"
        )
    if nb == 1:
        return _addmv_dtype_error(da, db)
    if nb == 2:
        return RuntimeError(
            f"expected m1 and m2 to have the same dtype, but got: {_c_name(da)} != {_c_name(db)}"
        )
    return RuntimeError(f"expected scalar type {name_a} but found {name_b}")


def _addmv_dtype_error(d_mat, d_vec):
    name_m = _dtypes.SCALAR_NAME[_dtypes.from_numpy(d_mat)]
    name_v = _dtypes.SCALAR_NAME[_dtypes.from_numpy(d_vec)]
    return RuntimeError(
        f"addmv input tensors must have the same dtype, but got {name_v}, {name_m}, and {name_v}"
    )


def _matmul_shape_error(sa, sb):
    """PyTorch's message for inner dimensions that do not match."""
    na, nb = len(sa), len(sb)
    ka, kb = sa[-1], sb[0] if nb == 1 else sb[-2]
    if na == 1 and nb == 1:
        return RuntimeError(
            f"inconsistent tensor size, expected tensor [{ka}] and src [{kb}] to have the "
            f"same number of elements, but got {ka} and {kb} elements respectively"
        )
    if nb == 1:
        rows = _prod(sa[:-1])
        return RuntimeError(f"size mismatch, got input ({rows}), mat ({rows}x{ka}), vec ({kb})")
    if nb == 2:
        rows = _prod(sa[:-1])
        return RuntimeError(
            f"mat1 and mat2 shapes cannot be multiplied ({rows}x{ka} and {sb[0]}x{sb[1]})"
        )
    batch = _prod(np.broadcast_shapes(tuple(sa[:-2]), tuple(sb[:-2])))
    return RuntimeError(
        f"Expected size for first two dimensions of batch2 tensor to be: [{batch}, {ka}] but "
        f"got: [{batch}, {kb}]."
    )


# grad_fn names PyTorch gives ``a @ b`` by the operands' numbers of dimensions (1, 2, 3+)
_MATMUL_NAMES = {
    (1, 1): "DotBackward0",
    (1, 2): "SqueezeBackward4",
    (2, 1): "MvBackward0",
    (2, 2): "MmBackward0",
    (2, 3): "CloneBackward0",
}


def matmul(input, other):  # noqa: A002
    """Matrix product with numpy's broadcasting (1-D @ 1-D is a 0-d dot product).

    Operands must have the same dtype (PyTorch does not promote here).

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
    na, nb = input.ndim, other.ndim
    if na == 0 or nb == 0:
        raise RuntimeError(
            f"both arguments to matmul need to be at least 1D, but they are {na}D and {nb}D"
        )
    da, db = input._s.array.dtype, other._s.array.dtype
    if da != db:
        raise _matmul_dtype_error(na, nb, da, db)
    sa, sb = input.shape, other.shape
    ba, bb = sa[:-2], sb[:-2]
    for i in range(1, min(len(ba), len(bb)) + 1):
        if ba[-i] != bb[-i] and 1 not in (ba[-i], bb[-i]):
            raise RuntimeError(
                f"The size of tensor a ({ba[-i]}) must match the size of tensor b ({bb[-i]}) "
                f"at non-singleton dimension {max(len(ba), len(bb)) - i}"
            )
    if sa[-1] != (sb[0] if nb == 1 else sb[-2]):
        raise _matmul_shape_error(sa, sb)
    name = _MATMUL_NAMES.get((min(na, 3), min(nb, 3)), "UnsafeViewBackward0")
    return apply(name, fnp.matmul, input, other)


def mm(input, mat2):  # noqa: A002
    """Product of two matrices.

    Example:
        >>> import compat as torch
        >>> torch.mm(torch.tensor([[1., 2.], [3., 4.]]), torch.tensor([[1.], [1.]]))
        tensor([[3.],
                [7.]])
    """
    if input.ndim != 2:
        raise RuntimeError("self must be a matrix")
    if mat2.ndim != 2:
        raise RuntimeError("mat2 must be a matrix")
    _same_dtype(input, mat2, mm=False)
    if input.shape[1] != mat2.shape[0]:
        raise _mismatch(input, mat2)
    return apply("MmBackward0", fnp.matmul, input, mat2)


def bmm(input, mat2):  # noqa: A002
    """Batched product of 3-D tensors.

    Example:
        >>> import compat as torch
        >>> torch.bmm(torch.ones(1, 1, 3), torch.ones(1, 3, 2))
        tensor([[[3., 3.]]])
    """
    if input.ndim != 3:
        raise RuntimeError("batch1 must be a 3D tensor")
    if mat2.ndim != 3:
        raise RuntimeError("batch2 must be a 3D tensor")
    da, db = input._s.array.dtype, mat2._s.array.dtype
    if da != db:
        raise _matmul_dtype_error(3, 3, da, db)
    if input.shape[0] != mat2.shape[0] or input.shape[2] != mat2.shape[1]:
        raise RuntimeError(
            f"Expected size for first two dimensions of batch2 tensor to be: "
            f"[{input.shape[0]}, {input.shape[2]}] but got: [{mat2.shape[0]}, {mat2.shape[1]}]."
        )
    return apply("BmmBackward0", fnp.matmul, input, mat2)


def mv(input, vec):  # noqa: A002
    """Matrix-vector product.

    Example:
        >>> import compat as torch
        >>> torch.mv(torch.tensor([[1., 2.], [3., 4.]]), torch.tensor([1., 1.]))
        tensor([3., 7.])
    """
    if input.ndim != 2 or vec.ndim != 1:
        raise RuntimeError(f"vector + matrix @ vector expected, got 1, {input.ndim}, {vec.ndim}")
    da, db = input._s.array.dtype, vec._s.array.dtype
    if da != db:
        raise _addmv_dtype_error(da, db)
    if input.shape[1] != vec.shape[0]:
        raise _matmul_shape_error(input.shape, vec.shape)
    return apply("MvBackward0", fnp.matmul, input, vec)


def dot(input, other):  # noqa: A002
    """Dot product of two 1-D tensors.

    Example:
        >>> import compat as torch
        >>> torch.dot(torch.tensor([1., 2.]), torch.tensor([3., 4.]))
        tensor(11.)
    """
    if input.ndim != 1 or other.ndim != 1:
        raise RuntimeError(f"1D tensors expected, but got {input.ndim}D and {other.ndim}D tensors")
    return matmul(input, other)


def inner(input, other):  # noqa: A002
    """Sum of products over the last dimensions (``dot`` for 1-D tensors).

    Example:
        >>> import compat as torch
        >>> torch.inner(torch.ones(2, 3), torch.ones(4, 3)).shape
        torch.Size([2, 4])
    """
    if input.ndim <= 1 and other.ndim <= 1 and input.ndim == other.ndim == 1:
        return dot(input, other)
    _same_dtype(input, other, mm=False)
    return apply("InnerBackward0", fnp.inner, input, other)


def outer(input, vec2):  # noqa: A002
    """Outer product of two vectors (dtypes promote, as for ``*``).

    Example:
        >>> import compat as torch
        >>> torch.outer(torch.tensor([1, 2]), torch.tensor([1, 10, 100]))
        tensor([[  1,  10, 100],
                [  2,  20, 200]])
    """
    for name, v in (("self", input), ("vec2", vec2)):
        if v.ndim != 1:
            raise RuntimeError(f"outer: Expected 1-D argument {name}, but got {v.ndim}-D")
    rt = _dtypes.result_type(input, vec2)
    return apply(
        "MulBackward0",
        lambda u, v: fnp.outer(
            u if u.dtype == rt else fnp.astype(u, rt), v if v.dtype == rt else fnp.astype(v, rt)
        ),
        input,
        vec2,
    )


ger = outer


def addmm(input, mat1, mat2, *, beta=1, alpha=1):  # noqa: A002
    """``beta * input + alpha * mat1 @ mat2``.

    Example:
        >>> import compat as torch
        >>> torch.addmm(torch.ones(2, 2), torch.eye(2), torch.tensor([[1., 2.], [3., 4.]]), beta=2)
        tensor([[3., 4.],
                [5., 6.]])
    """
    _same_dtype(mat1, mat2)
    return apply(
        "AddmmBackward0",
        lambda c, a, b: (
            beta * c + alpha * fnp.matmul(a, b) if (beta, alpha) != (1, 1) else c + fnp.matmul(a, b)
        ),
        input,
        mat1,
        mat2,
    )


def einsum(equation, *operands):
    """Einstein summation (``einsum("ij,jk->ik", a, b)``).

    Example:
        >>> import compat as torch
        >>> torch.einsum("ij,jk->ik", torch.tensor([[1., 2.]]), torch.tensor([[3.], [4.]]))
        tensor([[11.]])
    """
    if len(operands) == 1 and isinstance(operands[0], (list, tuple)):
        operands = tuple(operands[0])
    return apply("EinsumBackward0", lambda *vs: fnp.einsum(equation, *vs), *operands)


def tensordot(a, b, dims=2):
    """Sum products over the last ``dims`` dims of ``a`` and first of ``b`` (numpy's tensordot).

    Example:
        >>> import compat as torch
        >>> torch.tensordot(torch.ones(2, 3), torch.ones(3, 4), dims=1)
        tensor([[3., 3., 3., 3.],
                [3., 3., 3., 3.]])
    """
    return apply("TensordotBackward0", lambda u, v: fnp.tensordot(u, v, dims), a, b)


def cross(input, other, dim=None):  # noqa: A002
    """Cross product of 3-vectors.

    Example:
        >>> import compat as torch
        >>> torch.cross(torch.tensor([1., 0., 0.]), torch.tensor([0., 1., 0.]), dim=0)
        tensor([0., 0., 1.])
    """
    axis = -1 if dim is None else dim
    return apply("LinalgCrossBackward0", lambda u, v: fnp.cross(u, v, axis=axis), input, other)


def inverse(input):  # noqa: A002
    """The inverse of a square matrix (or of each in a batch).

    Example:
        >>> import compat as torch
        >>> torch.inverse(torch.tensor([[2., 0.], [0., 4.]]))
        tensor([[0.5000, 0.0000],
                [0.0000, 0.2500]])
    """
    _square(input, "linalg.inv")
    return apply("LinalgInvExBackward0", fnp.linalg.inv, input)


def det(input):  # noqa: A002
    """The determinant of a square matrix (or of each in a batch).

    Example:
        >>> import compat as torch
        >>> torch.det(torch.tensor([[2., 1.], [1., 3.]]))
        tensor(5.)
    """
    _square(input, "linalg.det")
    return apply("LinalgDetBackward0", fnp.linalg.det, input)


def _square(input, name):
    if input.ndim < 2 or input.shape[-1] != input.shape[-2]:
        raise RuntimeError(
            f"{name}: A must be batches of square matrices, but they are "
            f"{input.shape[-2] if input.ndim > 1 else 1} by {input.shape[-1]} matrices"
        )

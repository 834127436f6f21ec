"""Comparisons, logic and bitwise ops, elementwise flags (isnan, ...) and closeness tests.

None of these is differentiable: they compute on the arrays and return bool (or integer)
tensors outside the graph, as PyTorch does.
"""

from __future__ import annotations

import numbers

import numpy as np

from compat import _dtypes
from compat._math import _broadcast_check, _named, _scalar
from compat._tensor import Tensor

_DOC = """{summary}

Example:
    >>> import compat as torch
    >>> torch.{call}
    {result}
"""


def _doc(summary, call, result):
    """A docstring: ``summary`` and the example ``torch.<call>`` printing ``result``."""
    return _DOC.format(summary=summary, call=call, result=result)


_T123 = "torch.tensor([1, 2, 3])"
_TTF = "torch.tensor([True, True, False]), torch.tensor([True, False, False])"
_FLAGS_IN = 'torch.tensor([1.0, float("inf"), float("nan")])'


def _compare(fn):
    def op(input, other):  # noqa: A002
        if not isinstance(other, (Tensor, numbers.Number, np.generic, np.ndarray)):
            # ``x == "text"`` and ``x == None`` fall back to Python's comparison (False)
            return NotImplemented
        a = input._s.array if isinstance(input, Tensor) else input
        b = other._s.array if isinstance(other, Tensor) else other
        _broadcast_check(input, other)
        from compat._tensor import wrap

        return wrap(np.asarray(fn(a, b)))

    return op


eq = _named(
    "eq",
    _compare(np.equal),
    _doc(
        "Elementwise ``==`` (a bool tensor).",
        f"eq({_T123}, torch.tensor([1, 0, 3]))",
        "tensor([ True, False,  True])",
    ),
)


ne = _named(
    "ne",
    _compare(np.not_equal),
    _doc("Elementwise ``!=`` (a bool tensor).", f"ne({_T123}, 2)", "tensor([ True, False,  True])"),
)


lt = _named(
    "lt",
    _compare(np.less),
    _doc("Elementwise ``<`` (a bool tensor).", f"lt({_T123}, 2)", "tensor([ True, False, False])"),
)


le = _named(
    "le",
    _compare(np.less_equal),
    _doc("Elementwise ``<=`` (a bool tensor).", f"le({_T123}, 2)", "tensor([ True,  True, False])"),
)


gt = _named(
    "gt",
    _compare(np.greater),
    _doc("Elementwise ``>`` (a bool tensor).", f"gt({_T123}, 2)", "tensor([False, False,  True])"),
)


ge = _named(
    "ge",
    _compare(np.greater_equal),
    _doc("Elementwise ``>=`` (a bool tensor).", f"ge({_T123}, 2)", "tensor([False,  True,  True])"),
)


greater, greater_equal, less, less_equal, not_equal = gt, ge, lt, le, ne


logical_and = _named(
    "logical_and",
    _compare(np.logical_and),
    _doc(
        "Elementwise logical and (a bool tensor).",
        f"logical_and({_TTF})",
        "tensor([ True, False, False])",
    ),
)


logical_or = _named(
    "logical_or",
    _compare(np.logical_or),
    _doc(
        "Elementwise logical or (a bool tensor).",
        f"logical_or({_TTF})",
        "tensor([ True,  True, False])",
    ),
)


logical_xor = _named(
    "logical_xor",
    _compare(np.logical_xor),
    _doc(
        "Elementwise logical xor (a bool tensor).",
        f"logical_xor({_TTF})",
        "tensor([False,  True, False])",
    ),
)


def _bitwise(fn, name):
    def op(input, other):  # noqa: A002
        rt = _dtypes.result_type(input, other)
        if rt.kind not in "biu":
            kind = _dtypes.SCALAR_NAME[_dtypes.from_numpy(rt)]
            raise NotImplementedError(f"\"{name}_cpu\" not implemented for '{kind}'")
        a = input._s.array if isinstance(input, Tensor) else _scalar(input, rt)
        b = other._s.array if isinstance(other, Tensor) else _scalar(other, rt)
        from compat._tensor import wrap

        return wrap(np.asarray(fn(a.astype(rt, copy=False), b.astype(rt, copy=False))))

    return op


bitwise_and = _named(
    "bitwise_and",
    _bitwise(np.bitwise_and, "bitwise_and"),
    _doc(
        "Elementwise ``&`` of integer or bool tensors.",
        "bitwise_and(torch.tensor([12, 10]), torch.tensor([10, 6]))",
        "tensor([8, 2])",
    ),
)


bitwise_or = _named(
    "bitwise_or",
    _bitwise(np.bitwise_or, "bitwise_or"),
    _doc(
        "Elementwise ``|`` of integer or bool tensors.",
        "bitwise_or(torch.tensor([12, 10]), torch.tensor([10, 6]))",
        "tensor([14, 14])",
    ),
)


bitwise_xor = _named(
    "bitwise_xor",
    _bitwise(np.bitwise_xor, "bitwise_xor"),
    _doc(
        "Elementwise ``^`` of integer or bool tensors.",
        "bitwise_xor(torch.tensor([12, 10]), torch.tensor([10, 6]))",
        "tensor([ 6, 12])",
    ),
)


def logical_not(input):  # noqa: A002
    """Elementwise not (a bool tensor).

    Example:
        >>> import compat as torch
        >>> torch.logical_not(torch.tensor([True, False])), torch.logical_not(torch.tensor([0, 2]))
        (tensor([False,  True]), tensor([ True, False]))
    """
    from compat._tensor import wrap

    return wrap(np.logical_not(input._s.array))


def bitwise_not(input):  # noqa: A002
    """``~input`` (logical not for bool tensors).

    Example:
        >>> import compat as torch
        >>> torch.bitwise_not(torch.tensor([0, 5])), torch.bitwise_not(torch.tensor([True, False]))
        (tensor([-1, -6]), tensor([False,  True]))
    """
    from compat._tensor import wrap

    a = input._s.array
    if a.dtype.kind not in "biu":
        raise NotImplementedError(
            f'"bitwise_not_cpu" not implemented for '
            f"'{_dtypes.SCALAR_NAME[_dtypes.from_numpy(a.dtype)]}'"
        )
    return wrap(np.invert(a))


def _flag(fn, name, summary, result, example=_FLAGS_IN):
    def op(input):  # noqa: A002
        from compat._tensor import wrap

        return wrap(np.asarray(fn(input._s.array)))

    return _named(name, op, _doc(summary, f"{name}({example})", result))


isnan = _flag(np.isnan, "isnan", "Where the elements are NaN.", "tensor([False, False,  True])")


isinf = _flag(
    np.isinf, "isinf", "Where the elements are infinite.", "tensor([False,  True, False])"
)


isfinite = _flag(
    np.isfinite, "isfinite", "Where the elements are finite.", "tensor([ True, False, False])"
)


signbit = _flag(
    np.signbit,
    "signbit",
    "Where the sign bit is set (``-0.0`` included).",
    "tensor([ True,  True, False])",
    "torch.tensor([-1.0, -0.0, 2.0])",
)


def equal(input, other) -> bool:  # noqa: A002
    """Whether two tensors have the same shape and elements.

    Example:
        >>> import compat as torch
        >>> torch.equal(torch.tensor([1, 2]), torch.tensor([1, 2]))
        True
        >>> torch.equal(torch.tensor([1, 2]), torch.tensor([1, 2, 3]))
        False
    """
    a, b = input._s.array, other._s.array
    return a.shape == b.shape and bool(np.all(a == b))


def allclose(input, other, rtol=1e-05, atol=1e-08, equal_nan=False) -> bool:  # noqa: A002
    """Whether all elements are close (``|a - b| <= atol + rtol |b|``).

    Example:
        >>> import compat as torch
        >>> torch.allclose(torch.tensor([1.0, 2.0]), torch.tensor([1.0, 2.0 + 1e-7]))
        True
    """
    return bool(np.allclose(input._s.array, other._s.array, rtol, atol, equal_nan))


def isclose(input, other, rtol=1e-05, atol=1e-08, equal_nan=False):  # noqa: A002
    """Elementwise closeness (a bool tensor).

    Example:
        >>> import compat as torch
        >>> torch.isclose(torch.tensor([1.0, 2.0]), torch.tensor([1.0, 2.1]))
        tensor([ True, False])
    """
    from compat._tensor import wrap

    return wrap(np.isclose(input._s.array, other._s.array, rtol, atol, equal_nan))

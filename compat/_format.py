"""PyTorch's tensor printing: ``tensor([1., 2.])``, ``tensor(3.5000)``, suffixes."""

from __future__ import annotations

import numpy as np

from compat import _dtypes


def _float_formatter(a):
    finite = a[np.isfinite(a)]
    if finite.size == 0:
        return lambda x: _special(x) or f"{x:.4f}"
    absf = np.abs(finite)
    nonzero = absf[absf > 0]
    ints = np.all(finite == np.round(finite))
    mx = absf.max()
    mn = nonzero.min() if nonzero.size else 0.0
    sci = mx >= 1e8 or (nonzero.size and (mn < 1e-4 or mx / mn > 1000.0))
    if ints and not (mx >= 1e8):

        def fmt(x):
            return _special(x) or f"{x:.0f}."
    elif sci:

        def fmt(x):
            return _special(x) or f"{x:.4e}"
    else:

        def fmt(x):
            return _special(x) or f"{x:.4f}"

    return fmt


def _special(x):
    if np.isnan(x):
        return "nan"
    if np.isinf(x):
        return "inf" if x > 0 else "-inf"
    return None


def _body(a) -> str:
    if a.dtype.kind == "b":
        fmt = str
    elif a.dtype.kind in "iu":
        fmt = str
    elif a.dtype.kind == "c":

        def fmt(x):
            return f"{x.real:.4f}{x.imag:+.4f}j"
    else:
        fmt = _float_formatter(a.astype(np.float64))
    if a.ndim == 0:
        return fmt(a.item())
    strs = (
        np.vectorize(lambda x: fmt(x), otypes=[object])(a) if a.size else np.empty(a.shape, object)
    )
    width = max((len(s) for s in strs.reshape(-1)), default=0)
    return _nest(strs, width, indent=7)


def _nest(strs, width, indent):
    if strs.ndim == 1:
        return "[" + ", ".join(s.rjust(width) for s in strs) + "]"
    sep = "," + "\n" * (strs.ndim - 1) + " " * (indent + 1)
    return "[" + sep.join(_nest(s, width, indent + 1) for s in strs) + "]"


def tensor_repr(t) -> str:
    """The text PyTorch prints for a tensor."""
    a = t._s.array
    body = _body(a)
    extras = []
    if a.size == 0 and a.ndim != 1:
        extras.append(f"size=({', '.join(map(str, a.shape))}{',' if a.ndim == 1 else ''})")
    d = _dtypes.from_numpy(a.dtype)
    if d not in (_dtypes.get_default_dtype(), _dtypes.int64, _dtypes.bool) or (
        a.size == 0 and d is not _dtypes.get_default_dtype()
    ):
        extras.append(f"dtype={d}")
    if t.grad_fn is not None:
        extras.append(f"grad_fn=<{t.grad_fn.name()}>")
    elif t._rg:
        extras.append("requires_grad=True")
    prefix = "tensor("
    text = prefix + body + "".join(", " + e for e in extras) + ")"
    if type(t).__name__ == "Parameter":
        return "Parameter containing:\n" + text
    return text

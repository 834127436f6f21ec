"""Sliding windows (im2col) and their transpose: the two primitives under conv and pooling.

``patches(x)`` takes an already padded ``(N, C, H, W)`` array and returns every
``kh x kw`` window, ``(C, kh, kw, N, Ho, Wo)``, in one strided copy (no Python loop over
pixels). It is linear, and its VJP is ``patches_transpose``, which adds each window back
where it came from (a loop over the ``kh * kw`` kernel offsets, each a strided slice of
the whole batch). The two are each other's transpose, so every derivative order of
conv and pooling, in both modes, is built from them and is as fast as the forward pass.

The padding, stride and "same"/"valid" arithmetic that conv and pooling share is here too.
"""

from __future__ import annotations

import numpy as np

from funcgrad.extend import LINEAR, defop

__all__ = ["patches", "patches_transpose", "pair", "conv_padding", "out_size"]


def _window_view(x, kernel, stride, dilation):
    """A read-only strided view of every window, laid out (C, kh, kw, N, Ho, Wo)."""
    n, c, h, w = x.shape
    (kh, kw), (sh, sw), (dh, dw) = kernel, stride, dilation
    ho = (h - dh * (kh - 1) - 1) // sh + 1
    wo = (w - dw * (kw - 1) - 1) // sw + 1
    s0, s1, s2, s3 = x.strides
    return np.lib.stride_tricks.as_strided(
        x,
        shape=(c, kh, kw, n, max(ho, 0), max(wo, 0)),
        strides=(s1, s2 * dh, s3 * dw, s0, s2 * sh, s3 * sw),
        writeable=False,
    )


def _patches_impl(x, kernel, stride=(1, 1), dilation=(1, 1)):
    """Every window of a padded NCHW array, laid out ``(C, kh, kw, N, Ho, Wo)``.

    This layout makes conv2d one matmul per group, ``(O, C kh kw) @ (C kh kw, N Ho Wo)``,
    with no copy between this one and BLAS.

    Example:
        >>> import numpy as np
        >>> from funcgrad.nn._windows import patches
        >>> patches(np.arange(9.0).reshape(1, 1, 3, 3), kernel=(2, 2))[0, :, :, 0, 0, 0]
        array([[0., 1.],
               [3., 4.]])
    """
    x = np.asarray(x)
    return np.array(_window_view(x, kernel, stride, dilation))  # the copy is the im2col


def _patches_transpose_impl(g, size, kernel, stride=(1, 1), dilation=(1, 1)):
    g = np.asarray(g)
    c, kh, kw, n, ho, wo = g.shape
    (sh, sw), (dh, dw) = stride, dilation
    out = np.zeros((c, n) + tuple(size), dtype=g.dtype)
    for i in range(kh):
        for j in range(kw):
            rows = slice(i * dh, i * dh + sh * (ho - 1) + 1, sh)
            cols = slice(j * dw, j * dw + sw * (wo - 1) + 1, sw)
            out[:, :, rows, cols] += g[:, i, j]
    return out.transpose(1, 0, 2, 3)


def _patches_vjp(g, ans, x, kernel, stride=(1, 1), dilation=(1, 1)):
    return patches_transpose(
        g, size=tuple(x.shape[2:]), kernel=kernel, stride=stride, dilation=dilation
    )


def _patches_transpose_vjp(g, ans, ct, size, kernel, stride=(1, 1), dilation=(1, 1)):
    return patches(g, kernel=kernel, stride=stride, dilation=dilation)


patches = defop(
    _patches_impl,
    name="nn_patches",
    vjp=_patches_vjp,
    jvp=LINEAR,
    saves="shapes",
    check={
        "cases": [
            (((1, 2, 4, 5),), {"kernel": (2, 3)}),
            (((2, 1, 5, 5),), {"kernel": (2, 2), "stride": (2, 1)}),
            (((1, 1, 6, 5),), {"kernel": (2, 2), "stride": (2, 2), "dilation": (2, 1)}),
            (((1, 3, 3, 3),), {"kernel": (3, 3)}),
        ]
    },
)

patches_transpose = defop(
    _patches_transpose_impl,
    name="nn_patches_transpose",
    vjp=_patches_transpose_vjp,
    jvp=LINEAR,
    saves="shapes",
    check={
        "cases": [
            (((2, 2, 3, 1, 3, 3),), {"size": (4, 5), "kernel": (2, 3)}),
            (((1, 2, 2, 2, 2, 4),), {"size": (5, 5), "kernel": (2, 2), "stride": (2, 1)}),
            (
                ((1, 2, 2, 1, 2, 2),),
                {"size": (6, 5), "kernel": (2, 2), "stride": (2, 2), "dilation": (2, 1)},
            ),
        ]
    },
)


# --- shared arithmetic -------------------------------------------------------------


def pair(v, name: str, what: str = "a positive int or a pair of them") -> tuple[int, int]:
    """``3 -> (3, 3)``; ``(2, 3) -> (2, 3)``; anything else is a clear error."""
    if isinstance(v, (int, np.integer)) and not isinstance(v, bool):
        return (int(v), int(v))
    if (
        isinstance(v, (tuple, list))
        and len(v) == 2
        and all(isinstance(a, (int, np.integer)) and not isinstance(a, bool) for a in v)
    ):
        return (int(v[0]), int(v[1]))
    raise TypeError(f"{name} must be {what}; got {v!r}")


def positive_pair(v, name: str) -> tuple[int, int]:
    p = pair(v, name)
    if min(p) < 1:
        raise ValueError(f"{name} must be positive; got {v!r}")
    return p


def conv_padding(padding, kernel, dilation, stride, who: str):
    """Padding as ``((top, bottom), (left, right))``, from an int, a pair, explicit pairs,
    "valid" or "same" (extra padding at the bottom/right when the total is odd, as
    PyTorch does)."""
    if isinstance(padding, str):
        mode = padding.lower()
        if mode == "valid":
            return ((0, 0), (0, 0))
        if mode == "same":
            if stride != (1, 1):
                raise ValueError(
                    f"{who}: padding='same' is not supported for strided convolutions "
                    f"(stride={stride}); compute the padding yourself, e.g. "
                    "padding=kernel_size // 2."
                )
            out = []
            for k, d in zip(kernel, dilation):
                total = d * (k - 1)
                out.append((total // 2, total - total // 2))
            return tuple(out)
        raise ValueError(f"{who}: padding must be 'same' or 'valid' as a string; got {padding!r}")
    if (
        isinstance(padding, (tuple, list))
        and len(padding) == 2
        and all(isinstance(p, (tuple, list)) for p in padding)
    ):
        pads = tuple(pair(p, f"{who}: padding", "a pair of ints") for p in padding)
    else:
        ph, pw = pair(padding, f"{who}: padding", "an int, a pair, pairs, 'same' or 'valid'")
        pads = ((ph, ph), (pw, pw))
    if min(min(p) for p in pads) < 0:
        raise ValueError(f"{who}: padding must be non-negative; got {padding!r}")
    return pads


def out_size(n: int, k: int, s: int, d: int, pad: tuple, ceil_mode: bool = False) -> int:
    """Output length of a sliding window over ``n`` padded by ``pad = (before, after)``
    (PyTorch's formula, incl. ceil_mode: the last window must start inside the input or
    the left padding)."""
    span = n + pad[0] + pad[1] - d * (k - 1) - 1
    if ceil_mode:
        o = -(-span // s) + 1
        if (o - 1) * s >= n + pad[0]:
            o -= 1
        return o
    return span // s + 1

"""compat.nn.functional against PyTorch 2.13 (COMPAT_SPEC 1.6's conventions, 3.2, 3.3).

Most tests take the module under test as the fixture ``T`` (compat, and torch itself when
installed) and check values and gradients computed here with numpy formulas, PyTorch's
derivatives at kinks and its exact error texts: the torch run shows they are PyTorch's.
``test_matches_torch`` also replays a table of calls on both libraries and compares
values, dtypes, ``grad_fn`` names and gradients. Its helper ``same_as_torch`` is used by
the layer and loss tests too.
"""

import math
import re
import warnings

import numpy as np
import pytest
from test_compat_tensor import check, library, raises

import compat
import compat.nn.functional  # noqa: F401 (torch.nn.functional is there after import torch)


@pytest.fixture(params=["compat", "torch"])
def T(request):  # noqa: N802 (the module stands for ``torch``)
    """The module under test."""
    return library(request.param)


def data(shape, seed=0, dtype=np.float64):
    return np.random.default_rng(seed).standard_normal(shape).astype(dtype)


def leaf(T, a):
    return T.tensor(a).requires_grad_(True)


def grad_fn_name(t):
    return None if t.grad_fn is None else type(t.grad_fn).__name__


# --- comparing a call on compat and on torch ---------------------------------------------


def _run(lib, fn, arrays, grads):
    tensors = [lib.tensor(a) for a in arrays]
    for t, g in zip(tensors, grads):
        if g:
            t.requires_grad_(True)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            out = fn(lib, lib.nn.functional, *tensors)
    except Exception as e:  # noqa: BLE001 (both libraries must fail alike)
        return ("error", type(e).__name__, str(e))
    outs = out if isinstance(out, tuple) else (out,)
    res = {
        "values": [o.detach().numpy().copy() for o in outs],
        "dtypes": [str(o.dtype) for o in outs],
        "grad_fn": [grad_fn_name(o) for o in outs],
    }
    if any(o.requires_grad for o in outs):
        rng = np.random.default_rng(1)
        total = 0
        for o in outs:
            if o.requires_grad:
                ct = rng.standard_normal(tuple(o.shape))
                total = total + (o * lib.tensor(ct).to(o.dtype)).sum()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            total.backward()
        res["grads"] = [
            None if t.grad is None else t.grad.numpy().copy() for t, g in zip(tensors, grads) if g
        ]
    return res


def _close(a, b, rtol):
    finite = np.abs(b[np.isfinite(b)]) if b.dtype.kind == "f" else np.abs(b)
    atol = rtol * max(1.0, float(finite.max(initial=0.0)))
    return a.shape == b.shape and np.allclose(a, b, rtol=rtol, atol=atol, equal_nan=True)


def same_as_torch(fn, *arrays, grads=None, rtol=2e-5):
    """``fn(lib, F, *tensors)`` gives the same on compat as on torch: values, dtypes,
    grad_fn names and the gradients of the inputs in ``grads`` (default: float inputs);
    or the same exception type and message."""
    torch = pytest.importorskip("torch")
    if grads is None:
        grads = [np.asarray(a).dtype.kind == "f" for a in arrays]
    got, want = _run(compat, fn, arrays, grads), _run(torch, fn, arrays, grads)
    if isinstance(want, tuple) or isinstance(got, tuple):  # an error
        assert got == want
        return
    assert got["dtypes"] == want["dtypes"]
    assert got["grad_fn"] == want["grad_fn"]
    for a, b in zip(got["values"], want["values"]):
        assert _close(a, b, rtol), (a, b)
    assert ("grads" in got) == ("grads" in want)
    for a, b in zip(got.get("grads", []), want.get("grads", [])):
        assert (a is None) == (b is None)
        if a is not None:
            assert _close(a, b, rtol), (a, b)


# --- activations: values and gradients from numpy formulas --------------------------------

KINKS = np.array([-4.0, -3.0, -1.5, -1.0, -0.5, 0.0, 0.5, 1.0, 1.5, 3.0, 4.0, 6.0, 7.0])
_erf = np.vectorize(math.erf)
_SELU_A, _SELU_S = 1.6732632423543772, 1.0507009873554805


def _sig(x):
    return 1 / (1 + np.exp(-x))


def _gelu_tanh(x):
    return 0.5 * x * (1 + np.tanh(math.sqrt(2 / math.pi) * (x + 0.044715 * x**3)))


def _gelu_tanh_grad(x):
    u = math.sqrt(2 / math.pi) * (x + 0.044715 * x**3)
    du = math.sqrt(2 / math.pi) * (1 + 3 * 0.044715 * x**2)
    return 0.5 * (1 + np.tanh(u)) + 0.5 * x * (1 - np.tanh(u) ** 2) * du


def _softplus(x, beta=1.0):
    return np.log1p(np.exp(beta * x)) / beta


ACTIVATIONS = [
    # id, call(F, x), value(x), derivative(x) with PyTorch's choice at kinks
    ("relu", lambda F, x: F.relu(x), lambda x: np.maximum(x, 0), lambda x: 1.0 * (x > 0)),
    (
        "relu6",
        lambda F, x: F.relu6(x),
        lambda x: np.clip(x, 0, 6),
        lambda x: 1.0 * ((x > 0) & (x < 6)),
    ),
    (
        "leaky_relu",
        lambda F, x: F.leaky_relu(x, 0.2),
        lambda x: np.where(x > 0, x, 0.2 * x),
        lambda x: np.where(x > 0, 1.0, 0.2),
    ),
    (
        "elu",
        lambda F, x: F.elu(x, 0.5),
        lambda x: np.where(x > 0, x, 0.5 * np.expm1(x)),
        lambda x: np.where(x > 0, 1.0, 0.5 * np.exp(x)),
    ),
    (
        "selu",
        lambda F, x: F.selu(x),
        lambda x: _SELU_S * np.where(x > 0, x, _SELU_A * np.expm1(x)),
        lambda x: _SELU_S * np.where(x > 0, 1.0, _SELU_A * np.exp(x)),
    ),
    (
        "celu",
        lambda F, x: F.celu(x, 0.7),
        lambda x: np.where(x > 0, x, 0.7 * np.expm1(x / 0.7)),
        lambda x: np.where(x > 0, 1.0, np.exp(x / 0.7)),
    ),
    (
        "gelu",
        lambda F, x: F.gelu(x),
        lambda x: 0.5 * x * (1 + _erf(x / math.sqrt(2))),
        lambda x: (
            0.5 * (1 + _erf(x / math.sqrt(2))) + x * np.exp(-x * x / 2) / math.sqrt(2 * math.pi)
        ),
    ),
    ("gelu_tanh", lambda F, x: F.gelu(x, approximate="tanh"), _gelu_tanh, _gelu_tanh_grad),
    (
        "silu",
        lambda F, x: F.silu(x),
        lambda x: x * _sig(x),
        lambda x: _sig(x) * (1 + x * (1 - _sig(x))),
    ),
    (
        "mish",
        lambda F, x: F.mish(x),
        lambda x: x * np.tanh(_softplus(x)),
        lambda x: np.tanh(_softplus(x)) + x * (1 - np.tanh(_softplus(x)) ** 2) * _sig(x),
    ),
    (
        "softplus",
        lambda F, x: F.softplus(x, beta=2.0, threshold=6.0),
        lambda x: np.where(2 * x > 6, x, _softplus(x, 2.0)),
        lambda x: np.where(2 * x > 6, 1.0, _sig(2 * x)),
    ),
    (
        "logsigmoid",
        lambda F, x: F.logsigmoid(x),
        lambda x: -np.log1p(np.exp(-x)),
        lambda x: 1 - _sig(x),
    ),
    ("sigmoid", lambda F, x: F.sigmoid(x), _sig, lambda x: _sig(x) * (1 - _sig(x))),
    ("tanh", lambda F, x: F.tanh(x), np.tanh, lambda x: 1 - np.tanh(x) ** 2),
    (
        "hardtanh",
        lambda F, x: F.hardtanh(x, -0.5, 1.5),
        lambda x: np.clip(x, -0.5, 1.5),
        lambda x: 1.0 * ((x > -0.5) & (x < 1.5)),
    ),
    (
        "hardsigmoid",
        lambda F, x: F.hardsigmoid(x),
        lambda x: np.clip(x / 6 + 0.5, 0, 1),
        lambda x: np.where((x > -3) & (x < 3), 1 / 6, 0.0),
    ),
    (
        "hardswish",
        lambda F, x: F.hardswish(x),
        lambda x: x * np.clip(x + 3, 0, 6) / 6,
        lambda x: np.where(x <= -3, 0.0, np.where(x < 3, (2 * x + 3) / 6, 1.0)),
    ),
    (
        "softsign",
        lambda F, x: F.softsign(x),
        lambda x: x / (1 + np.abs(x)),
        lambda x: 1 / (1 + np.abs(x)) ** 2,
    ),
    (
        "tanhshrink",
        lambda F, x: F.tanhshrink(x),
        lambda x: x - np.tanh(x),
        lambda x: np.tanh(x) ** 2,
    ),
    (
        "threshold",
        lambda F, x: F.threshold(x, 1.0, -7.0),
        lambda x: np.where(x > 1, x, -7.0),
        lambda x: 1.0 * (x > 1),
    ),
]


@pytest.mark.parametrize(
    "call, value, slope", [a[1:] for a in ACTIVATIONS], ids=[a[0] for a in ACTIVATIONS]
)
def test_activation_values_and_gradients(T, call, value, slope):
    x = leaf(T, KINKS)
    y = call(T.nn.functional, x)
    y.backward(T.ones_like(y))
    # PyTorch itself is exact to about 1e-8 here (celu and hardsigmoid use float constants)
    check(y, value(KINKS), "float64", rtol=1e-7, atol=1e-12)
    check(x.grad, slope(KINKS), "float64", rtol=1e-7, atol=1e-12)


@pytest.mark.parametrize("name", [a[0] for a in ACTIVATIONS])
def test_activations_keep_float32(T, name):
    call = dict((a[0], a[1]) for a in ACTIVATIONS)[name]
    assert call(T.nn.functional, T.tensor([-1.0, 2.0])).dtype == T.float32


def test_integer_inputs(T):
    F = T.nn.functional
    check(F.relu(T.tensor([-3, 3])), [0, 3], "int64")
    check(F.relu6(T.tensor([-3, 3, 9])), [0, 3, 6], "int64")
    check(F.hardtanh(T.tensor([-3, 0, 3])), [-1, 0, 1], "int64")
    check(F.sigmoid(T.tensor([0])), [0.5], "float32")
    check(F.tanh(T.tensor([0])), [0.0], "float32")
    for fn, kernel in [
        (F.gelu, "GeluKernelImpl"),
        (F.elu, "elu_cpu"),
        (F.silu, "silu_cpu"),
        (F.leaky_relu, "leaky_relu_cpu"),
        (F.softplus, "softplus_cpu"),
        (F.logsigmoid, "log_sigmoid_cpu"),
    ]:
        raises(
            NotImplementedError,
            f"\"{kernel}\" not implemented for 'Long'",
            lambda fn=fn: fn(T.tensor([1, -2])),
        )


def test_activation_errors(T):
    F = T.nn.functional
    raises(
        RuntimeError,
        "approximate argument must be either none or tanh.",
        lambda: F.gelu(T.zeros(2), approximate="foo"),
    )
    raises(
        ValueError,
        "min_val cannot be greater than max_val",
        lambda: F.hardtanh(T.zeros(2), 2.0, 1.0),
    )


INPLACE = [
    # id, call(F, x), grad_fn name
    ("relu", lambda F, x: F.relu(x, inplace=True), "ReluBackward0"),
    ("leaky_relu", lambda F, x: F.leaky_relu(x, 0.1, inplace=True), "LeakyReluBackward1"),
    ("elu", lambda F, x: F.elu(x, inplace=True), "EluBackward1"),
    ("selu", lambda F, x: F.selu(x, inplace=True), "EluBackward1"),
    ("hardtanh", lambda F, x: F.hardtanh(x, inplace=True), "HardtanhBackward0"),
    ("relu6", lambda F, x: F.relu6(x, inplace=True), "HardtanhBackward0"),
    ("silu", lambda F, x: F.silu(x, inplace=True), "SiluBackward0"),
    ("threshold", lambda F, x: F.threshold(x, 0.0, 0.0, inplace=True), "ThresholdBackward1"),
]


@pytest.mark.parametrize("call, name", [c[1:] for c in INPLACE], ids=[c[0] for c in INPLACE])
def test_inplace_activations(T, call, name):
    F = T.nn.functional
    x = leaf(T, np.array([-1.5, 0.5, 2.0]))
    raises(
        RuntimeError,
        "a leaf Variable that requires grad is being used in an in-place operation.",
        lambda: call(F, x),
    )
    y = x * 1
    out = call(F, y)
    assert out is y and grad_fn_name(y) == name and y._version == 1
    expected = call(F, T.tensor([-1.5, 0.5, 2.0], dtype=T.float64))
    np.testing.assert_allclose(y.detach().numpy(), expected.numpy())
    y.sum().backward()
    assert x.grad is not None
    z = T.tensor([-1.0, 1.0])  # no grad: updated in place
    assert call(F, z) is z


# --- softmax -------------------------------------------------------------------------------


def _np_softmax(x, axis):
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def test_softmax_family_values_and_gradients(T):
    F = T.nn.functional
    a = data((3, 4))
    for dim in (0, 1, -1):
        x = leaf(T, a)
        y = F.softmax(x, dim=dim)
        ct = data((3, 4), seed=1)
        y.backward(T.tensor(ct))
        s = _np_softmax(a, dim)
        check(y, s, "float64", rtol=1e-12)
        check(x.grad, s * (ct - (ct * s).sum(axis=dim, keepdims=True)), "float64", rtol=1e-10)
        assert grad_fn_name(y) == "SoftmaxBackward0"
        x = leaf(T, a)
        y = F.log_softmax(x, dim)
        y.backward(T.tensor(ct))
        check(y, np.log(s), "float64", rtol=1e-12)
        check(x.grad, ct - s * ct.sum(axis=dim, keepdims=True), "float64", rtol=1e-10)
        assert grad_fn_name(y) == "LogSoftmaxBackward0"
        check(F.softmin(T.tensor(a), dim), _np_softmax(-a, dim), "float64", rtol=1e-12)
    check(F.log_softmax(T.tensor([1000.0, 0.0]), 0), [0.0, -1000.0], "float32")
    check(F.softmax(T.tensor([[1000.0, 0.0]]), 1), [[1.0, 0.0]], "float32")
    check(
        F.softmax(T.tensor([1.0, 2.0]), 0, dtype=T.float64),
        _np_softmax(np.array([1, 2.0]), 0),
        "float64",
    )
    check(F.softmax(T.tensor(3.0), 0), 1.0, "float32")
    check(F.log_softmax(T.tensor(3.0), -1), 0.0, "float32")


IMPLICIT = (
    "Implicit dimension choice for softmax has been deprecated. Change the call to include "
    "dim=X as an argument."
)


@pytest.mark.parametrize("shape, dim", [((3,), 0), ((2, 3), 1), ((2, 3, 4), 0), ((2, 3, 4, 5), 1)])
def test_softmax_implicit_dim_warns(T, shape, dim):
    a = data(shape)
    with pytest.warns(UserWarning, match=re.escape(IMPLICIT)) as rec:
        y = T.nn.functional.softmax(T.tensor(a))
    assert rec[0].filename == __file__  # points at the caller, as PyTorch's
    check(y, _np_softmax(a, dim), "float64", rtol=1e-12)
    with pytest.warns(UserWarning, match="Implicit dimension choice for log_softmax"):
        T.nn.functional.log_softmax(T.tensor(a))


def test_softmax_errors(T):
    F = T.nn.functional
    raises(
        IndexError,
        "Dimension out of range (expected to be in range of [-2, 1], but got 2)",
        lambda: F.softmax(T.zeros(2, 3), 2),
    )
    raises(
        NotImplementedError,
        "\"softmax_lastdim_kernel_impl\" not implemented for 'Long'",
        lambda: F.softmax(T.tensor([1, 2]), 0),
    )


# --- dropout ---------------------------------------------------------------------------------


def test_dropout_masks_and_scales(T):
    F = T.nn.functional
    x = leaf(T, np.ones(20000, np.float32))
    y = F.dropout(x, 0.3)
    y.backward(T.ones_like(y))
    v = y.detach().numpy()
    scale = np.float32(1) / np.float32(0.7)
    assert set(np.unique(v)) == {0.0, scale}
    assert abs((v == 0).mean() - 0.3) < 0.02
    np.testing.assert_array_equal(x.grad.numpy(), v)  # the gradient is the mask times scale
    assert grad_fn_name(y) == "MulBackward0"


def test_dropout_identity_cases(T):
    F = T.nn.functional
    x = leaf(T, np.arange(4.0))
    assert F.dropout(x, 0.5, training=False) is x
    assert F.dropout(x, 0.0) is x
    y = F.dropout(x, 1.0)
    y.sum().backward()
    check(y, np.zeros(4), "float64")
    check(x.grad, np.zeros(4), "float64")


def test_dropout_is_reproducible_after_manual_seed(T):
    F = T.nn.functional
    T.manual_seed(3)
    a = F.dropout(T.ones(50), 0.5)
    b = F.dropout(T.ones(50), 0.5)
    T.manual_seed(3)
    assert T.equal(F.dropout(T.ones(50), 0.5), a)
    assert not T.equal(a, b)


def test_dropout_errors_and_inplace(T):
    F = T.nn.functional
    for p in (1.5, -0.1):
        raises(
            ValueError,
            f"dropout probability has to be between 0 and 1, but got {p}",
            lambda p=p: F.dropout(T.ones(2), p),
        )
    x = leaf(T, np.ones(3))
    raises(
        RuntimeError,
        "a leaf Variable that requires grad is being used in an in-place operation.",
        lambda: F.dropout(x, 0.5, inplace=True),
    )
    y = x * 2
    assert F.dropout(y, 0.5, inplace=True) is y
    assert set(y.detach().numpy().tolist()) <= {0.0, 4.0}


def test_channel_dropout(T):
    F = T.nn.functional
    y = F.dropout2d(T.ones(64, 8, 3, 3), 0.5).numpy()
    per_channel = y.reshape(64, 8, 9)
    assert ((per_channel == 0).all(-1) | (per_channel == 2).all(-1)).all()
    assert 0.3 < (per_channel[..., 0] == 0).mean() < 0.7
    y = F.dropout1d(T.ones(5, 20), 0.5).numpy()  # unbatched (C, L)
    assert ((y == 0).all(-1) | (y == 2).all(-1)).all()
    raises(
        RuntimeError,
        "dropout1d: Expected 2D or 3D input, but received a 4D input.",
        lambda: F.dropout1d(T.ones(1, 2, 3, 4)),
        prefix=True,
    )
    with pytest.warns(UserWarning, match="dropout2d: Received a 3D input to dropout2d"):
        F.dropout2d(T.ones(2, 3, 4))


# --- linear ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "shape, bias, name",
    [
        ((4, 3), True, "AddmmBackward0"),
        ((4, 3), False, "MmBackward0"),
        ((3,), True, "ViewBackward0"),
        ((3,), False, "SqueezeBackward4"),
        ((2, 5, 3), True, "ViewBackward0"),
        ((2, 5, 3), False, "UnsafeViewBackward0"),
    ],
)
def test_linear(T, shape, bias, name):
    a, w, b = data(shape), data((2, 3), 1), data(2, 2)
    x, W, B = leaf(T, a), leaf(T, w), leaf(T, b) if bias else None
    y = T.nn.functional.linear(x, W, B)
    ct = data(shape[:-1] + (2,), 3)
    y.backward(T.tensor(ct))
    check(y, a @ w.T + (b if bias else 0), "float64", rtol=1e-12)
    assert grad_fn_name(y) == name
    check(x.grad, ct @ w, "float64", rtol=1e-12)
    check(W.grad, ct.reshape(-1, 2).T @ a.reshape(-1, 3), "float64", rtol=1e-12)
    if bias:
        check(B.grad, ct.reshape(-1, 2).sum(0), "float64", rtol=1e-12)


def test_linear_errors(T):
    F = T.nn.functional
    x, w, b = T.zeros(3, 4), T.zeros(2, 4), T.zeros(2)
    raises(
        RuntimeError,
        "mat1 and mat2 must have the same dtype, but got Double and Float",
        lambda: F.linear(x.double(), w, b),
    )
    raises(
        RuntimeError,
        "expected m1 and m2 to have the same dtype, but got: double != float",
        lambda: F.linear(x.double(), w),
    )
    raises(
        RuntimeError,
        "self and mat2 must have the same dtype, but got Double and Float",
        lambda: F.linear(x, w, b.double()),
    )
    raises(
        RuntimeError,
        "mat1 and mat2 shapes cannot be multiplied (3x4 and 3x2)",
        lambda: F.linear(x, T.zeros(2, 3)),
    )
    raises(
        RuntimeError,
        "mat1 and mat2 shapes cannot be multiplied (6x5 and 4x2)",
        lambda: F.linear(T.zeros(2, 3, 5), w),
    )
    raises(
        RuntimeError,
        "The expanded size of the tensor (2) must match the existing size (3) "
        "at non-singleton dimension 1.  Target sizes: [3, 2].  Tensor sizes: [3]",
        lambda: F.linear(x, w, T.zeros(3)),
    )
    raises(
        RuntimeError,
        "both arguments to linear need to be at least 1D, but they are 0D and 2D",
        lambda: F.linear(T.tensor(1.0), w),
    )


# --- convolution: a naive numpy cross-correlation and its adjoint --------------------------


def np_conv(x, w, b, stride, pad, dil, groups, ct):
    """Output, and the gradients of sum(out * ct) in x, w, b, by explicit loops."""
    n, c, h, wd = x.shape
    o, cg, kh, kw = w.shape
    xp = np.pad(x, ((0, 0), (0, 0), (pad[0], pad[0]), (pad[1], pad[1])))
    ho = (h + 2 * pad[0] - dil[0] * (kh - 1) - 1) // stride[0] + 1
    wo = (wd + 2 * pad[1] - dil[1] * (kw - 1) - 1) // stride[1] + 1
    out = np.zeros((n, o, ho, wo))
    gxp, gw = np.zeros_like(xp), np.zeros_like(w)
    og = o // groups
    for oc in range(o):
        chans = slice((oc // og) * cg, (oc // og + 1) * cg)
        for i in range(ho):
            for j in range(wo):
                rows = slice(i * stride[0], i * stride[0] + dil[0] * (kh - 1) + 1, dil[0])
                cols = slice(j * stride[1], j * stride[1] + dil[1] * (kw - 1) + 1, dil[1])
                patch = xp[:, chans, rows, cols]
                out[:, oc, i, j] = (patch * w[oc]).sum(axis=(1, 2, 3))
                g = ct[:, oc, i, j][:, None, None, None]
                gxp[:, chans, rows, cols] += g * w[oc]
                gw[oc] += (g * patch).sum(0)
    if b is not None:
        out += b[None, :, None, None]
    gx = gxp[:, :, pad[0] : pad[0] + h, pad[1] : pad[1] + wd]
    return out, gx, gw, ct.sum(axis=(0, 2, 3))


@pytest.mark.parametrize(
    "kw",
    [
        dict(),
        dict(stride=2),
        dict(padding=1),
        dict(stride=(2, 1), padding=(1, 2)),
        dict(dilation=2, padding=2),
        dict(groups=2),
        dict(padding="valid"),
    ],
)
def test_conv2d_against_naive_loops(T, kw):
    groups = kw.get("groups", 1)
    a, w, b = data((2, 4, 6, 5)), data((6, 4 // groups, 3, 2), 1), data(6, 2)
    x, W, B = leaf(T, a), leaf(T, w), leaf(T, b)
    y = T.nn.functional.conv2d(x, W, B, **kw)
    pair = lambda v: (v, v) if isinstance(v, int) else v  # noqa: E731
    pad = (0, 0) if kw.get("padding") == "valid" else pair(kw.get("padding", 0))
    ct = data(tuple(y.shape), 3)
    y.backward(T.tensor(ct))
    out, gx, gw, gb = np_conv(
        a, w, b, pair(kw.get("stride", 1)), pad, pair(kw.get("dilation", 1)), groups, ct
    )
    check(y, out, "float64", rtol=1e-10)
    check(x.grad, gx, "float64", rtol=1e-10)
    check(W.grad, gw, "float64", rtol=1e-10)
    check(B.grad, gb, "float64", rtol=1e-10)
    assert grad_fn_name(y) == "ConvolutionBackward0"


def test_conv_same_padding_cross_correlation_and_conv1d(T):
    F = T.nn.functional
    x = T.arange(9.0).reshape(1, 1, 3, 3)
    check(F.conv2d(x, T.tensor([[[[1.0, 0.0], [0.0, 0.0]]]])), [[[[0, 1], [3, 4]]]], "float32")
    a, w = data((1, 2, 5, 6)), data((3, 2, 3, 3), 1)
    y = F.conv2d(T.tensor(a), T.tensor(w), padding="same")
    check(
        y,
        np_conv(a, w, None, (1, 1), (1, 1), (1, 1), 1, np.zeros((1, 3, 5, 6)))[0],
        "float64",
        rtol=1e-10,
    )
    # an even kernel puts the extra padding at the end, as PyTorch
    w2 = data((3, 2, 2, 2), 2)  # (PyTorch warns that this may copy the input)
    ref = np_conv(
        np.pad(a, ((0, 0), (0, 0), (0, 1), (0, 1))),
        w2,
        None,
        (1, 1),
        (0, 0),
        (1, 1),
        1,
        np.zeros((1, 3, 5, 6)),
    )[0]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        even = F.conv2d(T.tensor(a), T.tensor(w2), padding="same")
    check(even, ref, "float64", rtol=1e-10)
    unbatched = F.conv2d(T.tensor(a[0]), T.tensor(w), padding=1)
    check(unbatched, y.numpy()[0], "float64", rtol=1e-12)
    x1, w1 = data((2, 2, 7)), data((4, 2, 3), 1)
    ref1 = np_conv(
        x1[:, :, None], w1[:, :, None], None, (1, 2), (0, 1), (1, 1), 1, np.zeros((2, 4, 1, 4))
    )[0][:, :, 0]
    check(F.conv1d(T.tensor(x1), T.tensor(w1), stride=2, padding=1), ref1, "float64", rtol=1e-10)


def test_conv_errors(T):
    F = T.nn.functional
    w = T.zeros(8, 3, 3, 3)
    raises(
        RuntimeError,
        "Given groups=1, weight of size [8, 3, 3, 3], expected input[1, 4, 10, "
        "10] to have 3 channels, but got 4 channels instead",
        lambda: F.conv2d(T.zeros(1, 4, 10, 10), w),
    )
    raises(
        RuntimeError,
        "Given groups=1, weight of size [8, 3, 3, 3], expected input[1, 4, 10, "
        "10] to have 3 channels, but got 4 channels instead",
        lambda: F.conv2d(T.zeros(4, 10, 10), w),
    )
    raises(
        RuntimeError,
        "Expected 3D (unbatched) or 4D (batched) input to conv2d, but got "
        "input of size: [1, 4, 10, 10, 1]",
        lambda: F.conv2d(T.zeros(1, 4, 10, 10, 1), w),
    )
    raises(
        RuntimeError,
        "expected scalar type Float but found Double",
        lambda: F.conv2d(T.zeros(1, 3, 5, 5), w.double()),
    )
    raises(
        RuntimeError,
        "Input type (float) and bias type (double) should be the same",
        lambda: F.conv2d(T.zeros(1, 3, 5, 5), w, T.zeros(8, dtype=T.float64)),
    )
    raises(
        RuntimeError,
        "Calculated padded input size per channel: (2 x 2). Kernel size: (3 x "
        "3). Kernel size can't be greater than actual input size",
        lambda: F.conv2d(T.zeros(1, 3, 2, 2), w),
    )
    raises(
        RuntimeError,
        "padding='same' is not supported for strided convolutions",
        lambda: F.conv2d(T.zeros(1, 3, 5, 5), w, padding="same", stride=2),
    )
    raises(
        RuntimeError,
        "Invalid padding string: 'foo'",
        lambda: F.conv2d(T.zeros(1, 3, 5, 5), w, padding="foo"),
    )
    raises(
        RuntimeError,
        "Given weight of size [8, 3, 3, 3], expected bias to be 1-dimensional "
        "with 8 elements, but got bias of size [7] instead",
        lambda: F.conv2d(T.zeros(1, 3, 5, 5), w, T.zeros(7)),
    )
    raises(
        RuntimeError,
        "negative padding is not supported",
        lambda: F.conv2d(T.zeros(1, 3, 5, 5), w, padding=-1),
    )
    raises(
        RuntimeError,
        "non-positive stride is not supported",
        lambda: F.conv2d(T.zeros(1, 3, 5, 5), w, stride=0),
    )
    raises(
        RuntimeError,
        "Given groups=1, weight of size [8, 3, 3], expected input[1, 4, 10] to "
        "have 3 channels, but got 4 channels instead",
        lambda: F.conv1d(T.zeros(1, 4, 10), T.zeros(8, 3, 3)),
    )
    raises(
        RuntimeError,
        "Expected 2D (unbatched) or 3D (batched) input to conv1d, but got input "
        "of size: [3, 5, 5, 5]",
        lambda: F.conv1d(T.zeros(3, 5, 5, 5), T.zeros(8, 3, 3)),
    )


# --- pooling -------------------------------------------------------------------------------


def np_max_pool(x, k, s, p, ceil=False):
    """Window maxima, the first maximum's flat index, and the first-max gradient of a sum."""
    n, c, h, w = x.shape

    def size(length):
        span = length + 2 * p - k
        return (-(-span // s) if ceil else span // s) + 1

    ho, wo = size(h), size(w)
    xp = np.pad(x, ((0, 0), (0, 0), (p, p + k), (p, p + k)), constant_values=-np.inf)
    out = np.zeros((n, c, ho, wo))
    idx = np.zeros((n, c, ho, wo), np.int64)
    grad = np.zeros_like(xp)
    for i in range(ho):
        for j in range(wo):
            win = xp[:, :, i * s : i * s + k, j * s : j * s + k].reshape(n, c, -1)
            first = win.argmax(-1)
            out[:, :, i, j] = win.max(-1)
            r, q = i * s + first // k, j * s + first % k
            idx[:, :, i, j] = (r - p) * w + (q - p)
            for a in range(n):
                for b in range(c):
                    grad[a, b, r[a, b], q[a, b]] += 1
    return out, idx, grad[:, :, p : p + h, p : p + w]


@pytest.mark.parametrize(
    "k, s, p, ceil", [(2, 2, 0, False), (3, 2, 1, False), (3, 2, 1, True), (2, 1, 0, False)]
)
def test_max_pool2d(T, k, s, p, ceil):
    a = np.round(data((2, 3, 5, 6)) * 1.5)  # integers: many ties
    x = leaf(T, a)
    y, idx = T.nn.functional.max_pool2d(x, k, s, p, ceil_mode=ceil, return_indices=True)
    y.sum().backward()
    out, ref_idx, grad = np_max_pool(a, k, s, p, ceil)
    check(y, out, "float64")
    check(idx, ref_idx, "int64")
    check(x.grad, grad, "float64")  # each window's gradient goes to its first maximum
    assert grad_fn_name(y) == "MaxPool2DWithIndicesBackward0"


def test_max_pool2d_indices_and_errors(T):
    F = T.nn.functional
    x = T.tensor([[[[1.0, 3, 2, 2], [0, 3, 1, 2], [5, 5, 0, 0]]]])
    y, i = F.max_pool2d(x, 2, stride=1, return_indices=True)
    check(y, [[[[3, 3, 2], [5, 5, 2]]]], "float32")
    check(i, [[[[1, 1, 2], [8, 9, 7]]]], "int64")
    check(F.max_pool2d(T.arange(16).reshape(1, 4, 4), 2), [[[5, 7], [13, 15]]], "int64")
    raises(
        RuntimeError,
        "pad should be at most half of effective kernel size, but got pad=2, "
        "kernel_size=2 and dilation=1",
        lambda: F.max_pool2d(T.zeros(1, 1, 5, 5), 2, padding=2),
    )
    raises(
        RuntimeError,
        "non-empty 3D or 4D (batch mode) tensor expected for input",
        lambda: F.max_pool2d(T.zeros(5, 5), 2),
    )
    raises(
        RuntimeError,
        "Given input size: (1x1x1). Calculated output size: (1x0x0). Output size is too small",
        lambda: F.max_pool2d(T.zeros(1, 1, 1, 1), 2),
    )


def np_avg_pool(x, k, s, p, include_pad=True):
    n, c, h, w = x.shape
    ho, wo = (h + 2 * p - k) // s + 1, (w + 2 * p - k) // s + 1
    xp = np.pad(x, ((0, 0), (0, 0), (p, p), (p, p)))
    ones = np.pad(np.ones((h, w)), p)
    out = np.zeros((n, c, ho, wo))
    for i in range(ho):
        for j in range(wo):
            win = (slice(i * s, i * s + k), slice(j * s, j * s + k))
            div = k * k if include_pad else ones[win].sum()
            out[:, :, i, j] = xp[(slice(None), slice(None)) + win].sum((-1, -2)) / div
    return out


@pytest.mark.parametrize(
    "k, s, p, include", [(2, 2, 0, True), (3, 2, 1, True), (3, 2, 1, False), (3, 1, 1, False)]
)
def test_avg_pool2d(T, k, s, p, include):
    a = data((2, 3, 5, 6))
    x = leaf(T, a)
    y = T.nn.functional.avg_pool2d(x, k, s, p, count_include_pad=include)
    ct = data(tuple(y.shape), 1)
    y.backward(T.tensor(ct))
    check(y, np_avg_pool(a, k, s, p, include), "float64", rtol=1e-12)
    # the pooling is linear: <grad, a> equals <ct, y>
    assert np.isclose((x.grad.numpy() * a).sum(), (ct * y.detach().numpy()).sum())
    assert grad_fn_name(y) == "AvgPool2DBackward0"


def test_avg_pool2d_integers_and_divisor(T):
    F = T.nn.functional
    check(F.avg_pool2d(T.tensor([[[0, 1], [4, 6]]]), 2), [[[2]]], "int64")
    check(F.avg_pool2d(T.tensor([[[0, -1], [-4, -6]]]), 2), [[[-2]]], "int64")
    check(
        F.avg_pool2d(T.ones(1, 4, 4), 2, divisor_override=3), np.full((1, 2, 2), 4 / 3), "float32"
    )


def test_adaptive_avg_pool2d(T):
    F = T.nn.functional
    a = data((2, 3, 7, 5))
    x = leaf(T, a)
    y = F.adaptive_avg_pool2d(x, (3, 2))
    ref = np.zeros((2, 3, 3, 2))
    for i in range(3):
        for j in range(2):
            r = slice(i * 7 // 3, -(-(i + 1) * 7 // 3))
            c = slice(j * 5 // 2, -(-(j + 1) * 5 // 2))
            ref[:, :, i, j] = a[:, :, r, c].mean((-1, -2))
    check(y, ref, "float64", rtol=1e-12)
    assert grad_fn_name(y) == "AdaptiveAvgPool2DBackward0"
    g = F.adaptive_avg_pool2d(x, 1)
    check(g, a.mean((-1, -2), keepdims=True), "float64", rtol=1e-12)
    assert grad_fn_name(g) == "MeanBackward1"
    g.sum().backward()
    check(x.grad, np.full(a.shape, 1 / 35), "float64", rtol=1e-12)
    assert F.adaptive_avg_pool2d(x, (None, 3)).shape == (2, 3, 7, 3)
    raises(
        RuntimeError,
        "adaptive_avg_pool2d(): Expected 3D or 4D tensor, but got [5, 5]",
        lambda: F.adaptive_avg_pool2d(T.zeros(5, 5), 2),
    )


# --- normalisation ------------------------------------------------------------------------------


def test_batch_norm_training_updates_running_stats(T):
    F = T.nn.functional
    a, w, b = data((4, 3, 2)), data(3, 1), data(3, 2)
    x, W, B = leaf(T, a), leaf(T, w), leaf(T, b)
    rm, rv = T.tensor([0.5, -1.0, 0.0], dtype=T.float64), T.tensor([2.0, 1.0, 0.5], dtype=T.float64)
    y = F.batch_norm(x, rm, rv, W, B, training=True, momentum=0.3, eps=1e-3)
    mean, var = a.mean((0, 2)), a.var((0, 2))
    ref = (a - mean[:, None]) / np.sqrt(var[:, None] + 1e-3) * w[:, None] + b[:, None]
    check(y, ref, "float64", rtol=1e-10)
    check(rm, 0.7 * np.array([0.5, -1.0, 0.0]) + 0.3 * mean, "float64", rtol=1e-12)
    check(rv, 0.7 * np.array([2.0, 1.0, 0.5]) + 0.3 * a.var((0, 2), ddof=1), "float64", rtol=1e-12)
    assert grad_fn_name(y) == "NativeBatchNormBackward0"
    y.sum().backward()  # the output's sum does not depend on x
    check(x.grad, np.zeros(a.shape), "float64", atol=1e-10)
    check(B.grad, np.full(3, 8.0), "float64")


def test_batch_norm_evaluation_and_errors(T):
    F = T.nn.functional
    a = data((4, 3))
    rm, rv = np.array([0.1, 0.2, -0.3]), np.array([1.5, 0.5, 2.0])
    y = F.batch_norm(T.tensor(a), T.tensor(rm), T.tensor(rv), eps=0.0)
    check(y, (a - rm) / np.sqrt(rv), "float64", rtol=1e-12)
    nb = F.batch_norm(T.tensor(a), None, None, training=True)
    check(nb, (a - a.mean(0)) / np.sqrt(a.var(0) + 1e-5), "float64", rtol=1e-10)
    raises(
        ValueError,
        "Expected more than 1 value per channel when training, got input size torch.Size([1, 2])",
        lambda: F.batch_norm(T.zeros(1, 2), T.zeros(2), T.ones(2), training=True),
    )
    raises(
        RuntimeError,
        "running_mean must be defined in evaluation mode",
        lambda: F.batch_norm(T.zeros(4, 2), None, None),
    )
    raises(
        RuntimeError,
        "running_mean should contain 2 elements not 3",
        lambda: F.batch_norm(T.zeros(4, 2), T.zeros(3), T.ones(3), training=True),
    )
    raises(
        RuntimeError,
        "weight should contain 2 elements not 3",
        lambda: F.batch_norm(T.zeros(4, 2), T.zeros(2), T.ones(2), weight=T.ones(3)),
    )


def test_layer_norm(T):
    F = T.nn.functional
    a, w, b = data((2, 3, 4)), data((3, 4), 1), data((3, 4), 2)
    x = leaf(T, a)
    y = F.layer_norm(x, (3, 4), T.tensor(w), T.tensor(b), eps=1e-3)
    mu, var = a.mean((1, 2), keepdims=True), a.var((1, 2), keepdims=True)
    check(y, (a - mu) / np.sqrt(var + 1e-3) * w + b, "float64", rtol=1e-10)
    assert grad_fn_name(y) == "NativeLayerNormBackward0"
    check(F.layer_norm(T.tensor([[1.0, 3.0]]), (2,), eps=0.0), [[-1.0, 1.0]], "float32")
    raises(
        RuntimeError,
        "Given normalized_shape=[3], expected input with shape [*, 3], but got input of size[3, 4]",
        lambda: F.layer_norm(T.zeros(3, 4), (3,)),
    )


# --- embedding, one_hot, pad, distances -----------------------------------------------------


def test_embedding(T):
    F = T.nn.functional
    w = data((5, 3))
    idx = np.array([[1, 4, 4], [0, 1, 1]])
    W = leaf(T, w)
    y = F.embedding(T.tensor(idx), W, padding_idx=-1)
    y.backward(T.ones_like(y))
    check(y, w[idx], "float64")
    counts = np.bincount(idx.ravel(), minlength=5).astype(float)
    counts[4] = 0  # the padding row gets no gradient
    check(W.grad, np.repeat(counts[:, None], 3, 1), "float64")
    assert grad_fn_name(y) == "EmbeddingBackward0"
    W = leaf(T, w)
    F.embedding(T.tensor(idx), W, scale_grad_by_freq=True).sum().backward()
    seen = np.bincount(idx.ravel(), minlength=5) > 0  # each row's gradient / its count
    check(W.grad, np.repeat(seen[:, None] * 1.0, 3, 1), "float64")
    check(F.embedding(T.tensor([2], dtype=T.int32), T.tensor(w)), w[[2]], "float64")


def test_embedding_max_norm_renormalises_in_place(T):
    w = np.array([[3.0, 4.0], [0.3, 0.4], [6.0, 8.0]])
    W = T.tensor(w)
    y = T.nn.functional.embedding(T.tensor([0, 1]), W, max_norm=1.0)
    scaled = w[0] / (5.0 + 1e-7)
    check(y, [scaled, w[1]], "float64", rtol=1e-12)
    check(W, [scaled, w[1], w[2]], "float64", rtol=1e-12)  # row 2 was not looked up


def test_embedding_errors(T):
    F = T.nn.functional
    w = T.zeros(5, 3)
    raises(
        RuntimeError,
        "Expected tensor for argument #1 'indices' to have one of the following "
        "scalar types: Long, Int; but got torch.FloatTensor instead (while checking arguments "
        "for embedding)",
        lambda: F.embedding(T.tensor([1.0]), w),
    )
    raises(IndexError, "index out of range in self", lambda: F.embedding(T.tensor([5]), w))
    raises(IndexError, "index out of range in self", lambda: F.embedding(T.tensor([-1]), w))
    raises(
        AssertionError,
        "Padding_idx must be within num_embeddings",
        lambda: F.embedding(T.tensor([1]), w, padding_idx=10),
    )


def test_one_hot(T):
    F = T.nn.functional
    check(F.one_hot(T.tensor([0, 2])), [[1, 0, 0], [0, 0, 1]], "int64")
    check(F.one_hot(T.tensor([[1, 0]]), 3), [[[0, 1, 0], [1, 0, 0]]], "int64")
    assert F.one_hot(T.tensor([], dtype=T.long), 3).shape == (0, 3)
    raises(
        RuntimeError,
        "one_hot is only applicable to index tensor of type LongTensor.",
        lambda: F.one_hot(T.tensor([1, 2], dtype=T.int32)),
    )
    raises(
        RuntimeError,
        "Class values must be smaller than num_classes.",
        lambda: F.one_hot(T.tensor([1, 5]), 3),
    )
    raises(
        RuntimeError, "Class values must be non-negative.", lambda: F.one_hot(T.tensor([1, -1]), 3)
    )
    raises(
        RuntimeError,
        "Can not infer total number of classes from empty tensor.",
        lambda: F.one_hot(T.tensor([], dtype=T.long)),
    )


@pytest.mark.parametrize(
    "pad, mode, np_mode, name",
    [
        ((1, 2), "constant", "constant", "ConstantPadNdBackward0"),
        ((1, 2, 2, 1), "reflect", "reflect", "ReflectionPad2DBackward0"),
        ((1, 2, 2, 1), "replicate", "edge", "ReplicationPad2DBackward0"),
        ((1, 2, 2, 1), "circular", "wrap", "CopySlices"),
    ],
)
def test_pad_modes(T, pad, mode, np_mode, name):
    a = data((2, 3, 4, 4))
    x = leaf(T, a)
    y = T.nn.functional.pad(x, pad, mode=mode)
    pairs = [(pad[i], pad[i + 1]) for i in range(0, len(pad), 2)][::-1]  # last dim first
    widths = [(0, 0)] * (4 - len(pairs)) + pairs
    check(y, np.pad(a, widths, mode=np_mode), "float64")
    assert grad_fn_name(y) == name
    y.sum().backward()
    # every output element comes from one input element (or from the constant)
    assert np.isclose(x.grad.numpy().sum(), a.size if mode == "constant" else y.numel())


def test_pad_constant_values_cropping_and_errors(T):
    F = T.nn.functional
    check(F.pad(T.arange(3.0), (1, 2), value=2.5), [2.5, 0, 1, 2, 2.5, 2.5], "float32")
    check(F.pad(T.arange(5.0), (-1, -2)), [1, 2], "float32")
    check(F.pad(T.arange(5.0), (2, -1)), [0, 0, 0, 1, 2, 3], "float32")
    x = T.zeros(2, 3, 4, 4)
    raises(RuntimeError, "Padding length must be divisible by 2", lambda: F.pad(x, (1, 2, 3)))
    raises(
        RuntimeError,
        "Padding length should be less than or equal to two times the input "
        "dimension but got padding length 10 and input of dimension 4",
        lambda: F.pad(x, (1,) * 10),
    )
    raises(
        NotImplementedError,
        "Padding size 2 is not supported for 4D input tensor.",
        lambda: F.pad(x, (1, 1), mode="reflect"),
        prefix=True,
    )
    raises(
        NotImplementedError, "Unrecognised padding mode foo", lambda: F.pad(x, (1, 1), mode="foo")
    )
    raises(
        RuntimeError,
        'Padding mode "reflect" doesn\'t take in value argument',
        lambda: F.pad(x, (1, 1, 1, 1), mode="reflect", value=1.0),
    )
    raises(
        RuntimeError,
        "Argument #4: Padding size should be less than the corresponding input "
        "dimension, but got: padding (5, 5) at dimension 3 of input [2, 3, 4, 4]",
        lambda: F.pad(x, (5, 5, 1, 1), mode="reflect"),
    )


def test_normalize_and_distances(T):
    F = T.nn.functional
    a, b = data((3, 4)), data((3, 4), 1)
    check(
        F.normalize(T.tensor(a)),
        a / np.linalg.norm(a, axis=1, keepdims=True),
        "float64",
        rtol=1e-12,
    )
    check(F.normalize(T.tensor(a), p=1, dim=0), a / np.abs(a).sum(0), "float64", rtol=1e-12)
    check(F.normalize(T.zeros(2, 2)), np.zeros((2, 2)), "float32")
    cos = (a * b).sum(1) / np.linalg.norm(a, axis=1) / np.linalg.norm(b, axis=1)
    check(F.cosine_similarity(T.tensor(a), T.tensor(b)), cos, "float64", rtol=1e-12)
    check(
        F.pairwise_distance(T.tensor(a), T.tensor(b)),
        np.linalg.norm(a - b + 1e-6, axis=-1),
        "float64",
        rtol=1e-12,
    )
    check(
        F.pairwise_distance(T.tensor(a), T.tensor(b), p=1, keepdim=True),
        np.abs(a - b + 1e-6).sum(-1, keepdims=True),
        "float64",
        rtol=1e-12,
    )
    # below eps the norm is raised to eps, but the gradient sees the true norm (PyTorch's)
    x = T.tensor([[1e-5, 0.0], [3.0, 4.0]], requires_grad=True)
    c = F.cosine_similarity(x, T.tensor([[2e-5, 0.0], [4.0, 3.0]]), eps=1e-3)
    c.sum().backward()
    check(c, [2e-4, 0.96], "float32", rtol=1e-5)
    check(x.grad, [[19.8, 0.0], [0.0448, -0.0336]], "float32", rtol=1e-5)


# --- everything against live torch ----------------------------------------------------------

X = data((3, 4), 10, np.float32)
TIES = np.random.default_rng(11).integers(-2, 3, (3, 4)).astype(np.float32)
X4 = data((2, 3, 6, 5), 12, np.float32)
CW, CB = data((4, 3, 3, 3), 13, np.float32), data(4, 14, np.float32)
LW, LB = data((2, 4), 15, np.float32), data(2, 16, np.float32)
EW = data((6, 3), 17, np.float32)

TORCH_CASES = {
    **{
        f"{name}_ties": (lambda L, F, x, call=call: call(F, x * 1.5), [TIES])
        for name, call, *_ in ACTIVATIONS
    },
    "softmax_none": (lambda L, F, x: F.softmax(x), [X]),
    "softmax_dtype": (lambda L, F, x: F.softmax(x, 1, dtype=L.float64), [X]),
    "log_softmax": (lambda L, F, x: F.log_softmax(x, -1), [X]),
    "relu_int": (lambda L, F, x: F.relu(x), [np.array([-1, 2])]),
    "dropout_p1": (lambda L, F, x: F.dropout(x, 1.0), [X]),
    "linear": (lambda L, F, x, w, b: F.linear(x, w, b), [X, LW, LB]),
    "linear_3d": (lambda L, F, x, w: F.linear(x.reshape(3, 1, 4), w), [X, LW]),
    "linear_f64": (lambda L, F, x, w, b: F.linear(x.double(), w, b), [X, LW, LB]),
    "conv2d": (lambda L, F, x, w, b: F.conv2d(x, w, b), [X4, CW, CB]),
    "conv2d_same_dilated_even": (
        lambda L, F, x, w: F.conv2d(x, w[:, :, :2], padding="same", dilation=2),
        [X4, CW],
    ),
    "conv2d_stride": (
        lambda L, F, x, w, b: F.conv2d(x, w, b, stride=(2, 1), padding=(1, 2), dilation=(1, 2)),
        [X4, CW, CB],
    ),
    "conv2d_groups": (
        lambda L, F, x, w: F.conv2d(x[:, :2].repeat(1, 2, 1, 1), w[:, :2], groups=2),
        [X4, CW],
    ),
    "conv2d_unbatched": (lambda L, F, x, w, b: F.conv2d(x[0], w, b), [X4, CW, CB]),
    "conv1d": (
        lambda L, F, x, w, b: F.conv1d(x[:, :, 0], w[:, :, 0], b, stride=2, padding=1),
        [X4, CW, CB],
    ),
    "conv1d_unbatched": (lambda L, F, x, w: F.conv1d(x[0, :, 0], w[:, :, 0]), [X4, CW]),
    "conv2d_channels": (lambda L, F, x, w: F.conv2d(x[:, :2], w), [X4, CW]),
    "max_pool": (lambda L, F, x: F.max_pool2d(x, 3, 2, 1, ceil_mode=True), [X4]),
    "max_pool_dilation": (
        lambda L, F, x: F.max_pool2d(x, 2, 1, dilation=2, return_indices=True),
        [X4],
    ),
    "max_pool_ties": (
        lambda L, F, x: F.max_pool2d(x, 2, stride=1, return_indices=True),
        [np.round(X4)],
    ),
    "avg_pool": (
        lambda L, F, x: F.avg_pool2d(x, 3, 2, 1, ceil_mode=True, count_include_pad=False),
        [X4],
    ),
    "avg_pool_divisor": (lambda L, F, x: F.avg_pool2d(x, 2, divisor_override=3), [X4]),
    "adaptive": (lambda L, F, x: F.adaptive_avg_pool2d(x, (4, 3)), [X4]),
    "batch_norm_train": (
        lambda L, F, x: (
            F.batch_norm(x, rm := L.zeros(3), rv := L.ones(3), training=True, momentum=0.3),
            rm,
            rv,
        ),
        [X4],
    ),
    "batch_norm_eval": (
        lambda L, F, x, w, b: F.batch_norm(
            x, L.tensor([0.1, 0.2, -0.3]), L.tensor([1.5, 0.5, 2.0]), w, b
        ),
        [X4, CB[:3], CB[1:]],
    ),
    "layer_norm": (
        lambda L, F, x, w, b: F.layer_norm(x, (5,), w, b, eps=1e-3),
        [X4, CW.ravel()[:5], CW.ravel()[5:10]],
    ),
    # mixed dtypes of input and parameters (PyTorch's CPU rule: the first parameter given
    # decides). The rows cast inside, so their float64 replay mixes the same dtypes.
    "batch_norm_eval_f64_weight": (
        lambda L, F, x, w: F.batch_norm(x.float(), L.zeros(3), L.ones(3), w.double()),
        [X4, CB[:3]],
    ),
    "batch_norm_eval_f64_input_f32_stats": (
        lambda L, F, x, w: F.batch_norm(x.double(), L.zeros(3), L.ones(3), w.double()),
        [X4, CB[:3]],
    ),
    "batch_norm_train_f64_input_f32_stats": (
        lambda L, F, x: F.batch_norm(x.double(), L.zeros(3), L.ones(3), training=True),
        [X4],
    ),
    "layer_norm_f64_weight": (
        lambda L, F, x, w, b: F.layer_norm(x.float(), (5,), w.double(), b.double()),
        [X4, CW.ravel()[:5], CW.ravel()[5:10]],
    ),
    "layer_norm_f64_bias": (
        lambda L, F, x, w, b: F.layer_norm(x.float(), (5,), w.float(), b.double()),
        [X4, CW.ravel()[:5], CW.ravel()[5:10]],
    ),
    # a float16 input with float32 parameters gives float16 (running stats stay float32);
    # PyTorch computes in float32 and rounds once, so the data are chosen for results exact
    # in float16 (quarters; per channel / row, two values either side of the mean; no eps)
    "batch_norm_eval_half": (
        lambda L, F, x: F.batch_norm(
            x.half(),
            L.tensor([0.5, -1.0, 0.25]),
            L.tensor([4.0, 1.0, 0.25]),
            L.tensor([1.5, -2.0, 0.5]),
            L.tensor([0.25, 1.0, -0.5]),
            eps=0.0,
        ),
        [np.arange(-12, 12, dtype=np.float32).reshape(2, 3, 2, 2) / 4],
        [False],
    ),
    "batch_norm_train_half": (
        lambda L, F, x: (
            F.batch_norm(
                x.half(),
                rm := L.zeros(3),
                rv := L.ones(3),
                L.tensor([1.5, -2.0, 0.5]),
                L.tensor([0.25, 1.0, -0.5]),
                training=True,
                momentum=0.5,
                eps=1e-9,  # training needs eps > 0; var + 1e-9 rounds to var in float32
            ),
            rm,
            rv,
        ),
        [np.array([[1.0, -1.5, 0.75], [3.0, 0.5, 0.25]], np.float32)],
        [False],
    ),
    "layer_norm_half": (
        lambda L, F, x: F.layer_norm(
            x.half(),
            (4,),
            L.tensor([1.5, -2.0, 0.5, 1.0]),
            L.tensor([0.25, 1.0, -0.5, 0.0]),
            eps=0.0,
        ),
        [np.array([[1.0, 3.0, 3.0, 1.0], [-0.5, -1.5, -0.5, -1.5]], np.float32)],
        [False],
    ),
    "embedding_padding": (
        lambda L, F, w: F.embedding(L.tensor([[1, 0, 5], [5, 5, 2]]), w, padding_idx=5),
        [EW],
    ),
    "embedding_freq": (
        lambda L, F, w: F.embedding(L.tensor([[1, 0, 5], [5, 5, 2]]), w, scale_grad_by_freq=True),
        [EW],
    ),
    "embedding_max_norm": (
        lambda L, F, w: (F.embedding(L.tensor([[1, 0, 5]]), w, max_norm=1.0), w.clone()),
        [EW],
        [False],
    ),
    "pad_negative": (lambda L, F, x: F.pad(x, (1, 2, -1, 1), value=0.5), [X4]),
    "pad_reflect_3d": (lambda L, F, x: F.pad(x, (1, 1, 2, 1, 1, 0), mode="reflect"), [X4]),
    "pad_replicate_1d": (lambda L, F, x: F.pad(x, (1, 2), mode="replicate"), [X4[0, 0]]),
    "normalize": (lambda L, F, x: F.normalize(x, p=1, dim=0), [X]),
    "cosine": (lambda L, F, x, y: F.cosine_similarity(x, y, dim=-1), [X, X[::-1].copy()]),
    "pairwise": (lambda L, F, x, y: F.pairwise_distance(x, y, p=3), [X, X[::-1].copy()]),
}


@pytest.mark.parametrize("case", list(TORCH_CASES))
def test_matches_torch(case):
    fn, arrays, *grads = TORCH_CASES[case]
    same_as_torch(fn, *arrays, grads=grads[0] if grads else None)


def test_norms_of_float16_inputs_with_float32_parameters_compute_in_float32(T):
    """PyTorch's mixed-dtype kernels compute in float32 and round once to float16."""
    rng = np.random.default_rng(0)
    x = rng.standard_normal((2, 3, 6, 5)).astype(np.float16)
    w, b = rng.standard_normal(3).astype(np.float32), rng.standard_normal(3).astype(np.float32)
    F = T.nn.functional
    xt, wt, bt = T.tensor(x), T.tensor(w), T.tensor(b)
    x32 = x.astype(np.float32)
    # eval: running statistics 0 and 1
    got = F.batch_norm(xt, T.zeros(3), T.ones(3), wt, bt, training=False).numpy()
    want = x32 / np.sqrt(np.float32(1 + 1e-5)) * w[:, None, None] + b[:, None, None]
    assert got.dtype == np.float16
    np.testing.assert_array_equal(got, want.astype(np.float16))
    # layer norm over the last two axes, from float32 statistics
    ln = F.layer_norm(xt, (6, 5), T.ones(6, 5), T.zeros(6, 5)).numpy()
    mu = x32.mean(axis=(2, 3), keepdims=True)
    var = x32.var(axis=(2, 3), keepdims=True)
    ref = ((x32 - mu) / np.sqrt(var + 1e-5)).astype(np.float16)
    assert ln.dtype == np.float16
    np.testing.assert_allclose(ln.astype(np.float32), ref.astype(np.float32), rtol=2e-3, atol=2e-3)


def test_batch_norm_checks_eps(T):
    F = T.nn.functional
    x = T.tensor([[1.0, 2.0], [3.0, 5.0]])
    raises(
        ValueError,
        "batch_norm eps must be positive during training, but got 0.0",
        lambda: F.batch_norm(x, T.zeros(2), T.ones(2), training=True, eps=0.0),
    )
    raises(
        ValueError,
        "batch_norm eps must be non-negative, but got -1.0",
        lambda: F.batch_norm(x, T.zeros(2), T.ones(2), training=False, eps=-1.0),
    )
    assert F.batch_norm(x, T.zeros(2), T.ones(2), training=False, eps=0.0).shape == (2, 2)

"""funcgrad.nn.functional: activations, conv, pooling, normalisation, dropout, one_hot.

Values and gradients against PyTorch (when installed: float64, to ~1e-10), derivatives
by central differences (orders 1 and 2, both modes), stability at |x| = 1e4, float32
preservation, and PyTorch's conventions at kinks and ties.
"""

import warnings

import numpy as np
import pytest
from hypothesis import given, strategies as st

import funcgrad as fg
import funcgrad.numpy as fnp
from funcgrad import random
from funcgrad.nn import functional as F
from funcgrad.nn._windows import patches, patches_transpose
from funcgrad.testing import check_grads

# --- activations --------------------------------------------------------------------

# name -> (funcgrad function, torch function name and kwargs)
ACTIVATIONS = {
    "relu": (F.relu, "relu", {}),
    "relu6": (F.relu6, "relu6", {}),
    "leaky_relu": (lambda x: F.leaky_relu(x, 0.2), "leaky_relu", {"negative_slope": 0.2}),
    "elu": (lambda x: F.elu(x, 0.7), "elu", {"alpha": 0.7}),
    "celu": (lambda x: F.celu(x, 1.3), "celu", {"alpha": 1.3}),
    "selu": (F.selu, "selu", {}),
    "gelu": (F.gelu, "gelu", {}),
    "gelu_tanh": (lambda x: F.gelu(x, approximate="tanh"), "gelu", {"approximate": "tanh"}),
    "silu": (F.silu, "silu", {}),
    "sigmoid": (F.sigmoid, "sigmoid", {}),
    "tanh": (F.tanh, "tanh", {}),
    "softplus": (F.softplus, "softplus", {}),
    "softplus_beta": (
        lambda x: F.softplus(x, 2.0, 3.0),
        "softplus",
        {"beta": 2.0, "threshold": 3.0},
    ),
    "log_sigmoid": (F.log_sigmoid, "logsigmoid", {}),
    "softsign": (F.softsign, "softsign", {}),
    "hard_tanh": (
        lambda x: F.hard_tanh(x, -0.5, 1.5),
        "hardtanh",
        {"min_val": -0.5, "max_val": 1.5},
    ),
    "softmax": (lambda x: F.softmax(x, axis=1), "softmax", {"dim": 1}),
    "log_softmax": (lambda x: F.log_softmax(x, axis=0), "log_softmax", {"dim": 0}),
}

SMOOTH = [
    "elu",
    "celu",
    "selu",
    "gelu",
    "gelu_tanh",
    "silu",
    "sigmoid",
    "tanh",
    "softplus",
    "log_sigmoid",
    "softsign",
    "softmax",
    "log_softmax",
    "leaky_relu",
    "relu",
]


def _points():
    # values away from the kinks (0, the thresholds), with both signs
    return np.array([[-2.3, -0.7, 0.4, 1.1], [2.9, -1.6, 0.15, -0.35], [0.8, 1.9, -0.45, -3.1]])


@pytest.mark.parametrize("name", SMOOTH)
def test_activation_gradients(name):
    f = ACTIVATIONS[name][0]
    check_grads(f, (_points(),), order=2)


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_activation_matches_torch(name):
    torch = pytest.importorskip("torch")
    f, tname, kw = ACTIVATIONS[name]
    x = np.concatenate([_points(), [[0.0, 3.0, -0.5, 1.5]]])  # kinks too (0, 1.5, -0.5, 3)
    tx = torch.tensor(x, requires_grad=True)
    ty = getattr(torch.nn.functional, tname)(tx, **kw)
    g = np.arange(1.0, 1.0 + x.size).reshape(x.shape) / 7
    ty.backward(torch.tensor(g))
    np.testing.assert_allclose(f(x), ty.detach().numpy(), rtol=1e-12, atol=1e-14)
    grad = fg.grad(lambda x: fnp.sum(f(x) * g))(x)
    # torch's elu-family backward works from the output (out + alpha): ~1e-8 relative
    np.testing.assert_allclose(grad, tx.grad.numpy(), rtol=1e-7, atol=1e-14)


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_activation_is_stable_at_1e4(name):
    f = ACTIVATIONS[name][0]
    x = np.array([[-1e4, 1e4, 0.5, -3.0], [1e4, 1e4, -1e4, 2.0], [-1e4, -1e4, 1.0, 0.0]])
    y = f(x)
    g = fg.grad(lambda x: fnp.sum(f(x)))(x)
    assert np.all(np.isfinite(y)) and np.all(np.isfinite(g))


def test_stable_values_in_the_tails():
    big = np.array([-1e4, 1e4])
    np.testing.assert_array_equal(F.sigmoid(big), [0.0, 1.0])
    np.testing.assert_array_equal(F.softplus(big), [0.0, 1e4])
    np.testing.assert_array_equal(F.log_sigmoid(big), [-1e4, 0.0])
    np.testing.assert_array_equal(fg.grad(lambda x: F.softplus(x).sum())(big), [0.0, 1.0])
    np.testing.assert_array_equal(fg.grad(lambda x: F.log_sigmoid(x).sum())(big), [1.0, 0.0])
    np.testing.assert_array_equal(F.log_softmax(np.array([1e4, 0.0])), [0.0, -1e4])
    np.testing.assert_allclose(
        fg.grad(lambda x: F.log_softmax(x)[1])(np.array([1e4, 0.0])), [-1, 1]
    )


def test_kink_conventions_match_pytorch():
    zero = np.zeros(3)
    assert np.all(fg.grad(lambda x: F.relu(x).sum())(zero) == 0)
    assert np.all(fg.grad(lambda x: F.leaky_relu(x, 0.1).sum())(zero) == 0.1)
    assert np.all(fg.grad(lambda x: F.elu(x, 2.0).sum())(zero) == 2.0)


def test_activations_keep_float32():
    x = _points().astype(np.float32)
    for name, (f, _, _) in ACTIVATIONS.items():
        assert f(x).dtype == np.float32, name
        assert fg.grad(lambda x, f=f: fnp.sum(f(x)))(x).dtype == np.float32, name


def test_gelu_rejects_unknown_approximation():
    with pytest.raises(ValueError, match="approximate"):
        F.gelu(np.ones(2), approximate="erf")


def test_one_hot():
    np.testing.assert_array_equal(F.one_hot(np.array([1, 0]), 3), [[0, 1, 0], [1, 0, 0]])
    assert F.one_hot(np.array([[2]])).shape == (1, 1, 3)  # inferred: max + 1
    assert F.one_hot(np.array([1]), 2, dtype=np.int64).dtype == np.int64
    with pytest.raises(ValueError, match=r"\[0, 3\)"):
        F.one_hot(np.array([3]), 3)
    with pytest.raises(TypeError, match="integers"):
        F.one_hot(np.array([1.0]), 3)


# --- the windows primitives -------------------------------------------------------


def test_patches_and_transpose_are_adjoint():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(2, 3, 7, 6))
    kw = {"kernel": (3, 2), "stride": (2, 1), "dilation": (1, 2)}
    p = patches(x, **kw)
    u = rng.normal(size=p.shape)
    lhs = np.sum(p * u)
    rhs = np.sum(x * patches_transpose(u, size=(7, 6), **kw))
    assert np.isclose(lhs, rhs)


# --- conv2d / conv1d ---------------------------------------------------------------

# (x shape, weight shape, kwargs)
CONV2D_CASES = [
    ((2, 3, 7, 6), (4, 3, 3, 2), {}),
    ((2, 3, 7, 6), (4, 3, 3, 3), {"stride": 2, "padding": 1}),
    (
        (1, 4, 8, 7),
        (6, 2, 3, 3),
        {"stride": (2, 1), "padding": (1, 2), "dilation": (2, 1), "groups": 2},
    ),
    ((1, 2, 6, 6), (3, 2, 4, 4), {"padding": "same"}),
    ((1, 2, 6, 7), (2, 2, 2, 3), {"padding": "same", "dilation": 2}),
    ((2, 2, 5, 5), (2, 2, 3, 3), {"padding": "valid"}),
    ((2, 4, 5, 5), (4, 1, 3, 3), {"groups": 4, "padding": 1}),  # depthwise
    ((3, 5, 4), (2, 3, 2, 2), {}),  # unbatched
]


@pytest.mark.parametrize("xs, ws, kw", CONV2D_CASES)
def test_conv2d_matches_torch(xs, ws, kw):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(1)
    x, w, b = rng.normal(size=xs), rng.normal(size=ws), rng.normal(size=ws[0])
    tx, tw, tb = (torch.tensor(a, requires_grad=True) for a in (x, w, b))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # torch's note about even kernels with "same"
        ty = torch.nn.functional.conv2d(tx, tw, tb, **kw)
    y = F.conv2d(x, w, b, **kw)
    assert y.shape == tuple(ty.shape)
    np.testing.assert_allclose(y, ty.detach().numpy(), rtol=1e-10, atol=1e-10)
    g = rng.normal(size=y.shape)
    ty.backward(torch.tensor(g))
    grads = fg.grad(lambda x, w, b: fnp.sum(F.conv2d(x, w, b, **kw) * g), argnums=(0, 1, 2))(
        x, w, b
    )
    for ours, t in zip(grads, (tx, tw, tb)):
        np.testing.assert_allclose(ours, t.grad.numpy(), rtol=1e-10, atol=1e-10)


@pytest.mark.parametrize("mode", ["reflect", "replicate", "circular"])
def test_conv2d_padding_modes_match_torch(mode):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(2)
    conv = torch.nn.Conv2d(2, 3, 3, padding=1, padding_mode=mode).double()
    x = rng.normal(size=(2, 2, 5, 4))
    w, b = conv.weight.detach().numpy(), conv.bias.detach().numpy()
    ours = F.conv2d(x, w, b, padding=1, padding_mode=mode)
    np.testing.assert_allclose(ours, conv(torch.tensor(x)).detach().numpy(), atol=1e-12)


CONV1D_CASES = [
    ((2, 3, 9), (4, 3, 3), {}),
    ((2, 4, 9), (2, 2, 2), {"stride": 2, "padding": 1, "dilation": 2, "groups": 2}),
    ((3, 8), (2, 3, 4), {"padding": "same"}),
]


@pytest.mark.parametrize("xs, ws, kw", CONV1D_CASES)
def test_conv1d_matches_torch(xs, ws, kw):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(3)
    x, w, b = rng.normal(size=xs), rng.normal(size=ws), rng.normal(size=ws[0])
    tx, tw, tb = (torch.tensor(a, requires_grad=True) for a in (x, w, b))
    ty = torch.nn.functional.conv1d(tx, tw, tb, **kw)
    y = F.conv1d(x, w, b, **kw)
    np.testing.assert_allclose(y, ty.detach().numpy(), rtol=1e-10, atol=1e-10)
    g = rng.normal(size=y.shape)
    ty.backward(torch.tensor(g))
    grads = fg.grad(lambda x, w, b: fnp.sum(F.conv1d(x, w, b, **kw) * g), argnums=(0, 1, 2))(
        x, w, b
    )
    for ours, t in zip(grads, (tx, tw, tb)):
        np.testing.assert_allclose(ours, t.grad.numpy(), rtol=1e-10, atol=1e-10)


@pytest.mark.parametrize("xs, ws, kw", [CONV2D_CASES[i] for i in (1, 2, 4)])
def test_conv2d_gradients_order_2(xs, ws, kw):
    rng = np.random.default_rng(4)
    x, w, b = rng.normal(size=xs), rng.normal(size=ws), rng.normal(size=ws[0])
    # conv is bilinear: a product with itself makes the second derivative non-trivial
    check_grads(lambda x, w, b: F.conv2d(x, w, b, **kw) ** 2, (x, w, b), order=2)


def test_conv1d_gradients():
    rng = np.random.default_rng(5)
    x, w = rng.normal(size=(2, 2, 7)), rng.normal(size=(3, 2, 3))
    check_grads(lambda x, w: F.conv1d(x, w, stride=2, padding=1), (x, w), order=1)


def test_conv2d_keeps_float32():
    rng = np.random.default_rng(6)
    x = rng.normal(size=(2, 3, 6, 6)).astype(np.float32)
    w = rng.normal(size=(4, 3, 3, 3)).astype(np.float32)
    assert F.conv2d(x, w, padding=1).dtype == np.float32
    gx, gw = fg.grad(lambda x, w: F.conv2d(x, w).sum(), argnums=(0, 1))(x, w)
    assert gx.dtype == gw.dtype == np.float32


def test_conv2d_is_cross_correlation():
    y = F.conv2d(np.arange(9.0).reshape(1, 1, 3, 3), np.array([[[[1.0, 0.0], [0.0, 0.0]]]]))
    np.testing.assert_array_equal(y, [[[[0, 1], [3, 4]]]])


def _naive_conv2d(x, w, stride, pad, dilation):
    x = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    n, c, h, wd = x.shape
    o, _, kh, kw = w.shape
    ho = (h - dilation * (kh - 1) - 1) // stride + 1
    wo = (wd - dilation * (kw - 1) - 1) // stride + 1
    out = np.zeros((n, o, ho, wo))
    for i in range(ho):
        for j in range(wo):
            win = x[
                :,
                :,
                i * stride : i * stride + dilation * (kh - 1) + 1 : dilation,
                j * stride : j * stride + dilation * (kw - 1) + 1 : dilation,
            ]
            out[:, :, i, j] = np.einsum("nchw,ochw->no", win, w)
    return out


@given(
    stride=st.integers(1, 3),
    pad=st.integers(0, 2),
    dilation=st.integers(1, 2),
    k=st.integers(1, 3),
    size=st.integers(5, 8),
    seed=st.integers(0, 2**16),
)
def test_conv2d_matches_a_naive_loop(stride, pad, dilation, k, size, seed):
    rng = np.random.default_rng(seed)
    x, w = rng.normal(size=(2, 2, size, size + 1)), rng.normal(size=(3, 2, k, k))
    expected = _naive_conv2d(x, w, stride, pad, dilation)
    ours = F.conv2d(x, w, stride=stride, padding=pad, dilation=dilation)
    np.testing.assert_allclose(ours, expected, rtol=1e-10, atol=1e-12)


def test_conv2d_errors():
    x, w = np.zeros((1, 4, 10, 10)), np.zeros((8, 3, 3, 3))
    with pytest.raises(ValueError, match=r"expected input\[1, 4, 10, 10\] to have 3 channels"):
        F.conv2d(x, w)
    with pytest.raises(ValueError, match="not supported for strided"):
        F.conv2d(np.zeros((1, 3, 5, 5)), w, stride=2, padding="same")
    with pytest.raises(ValueError, match="smaller than the dilated kernel"):
        F.conv2d(np.zeros((1, 3, 2, 2)), w)
    with pytest.raises(ValueError, match="padding_mode"):
        F.conv2d(np.zeros((1, 3, 5, 5)), w, padding=1, padding_mode="mirror")
    with pytest.raises(ValueError, match="'same' or 'valid'"):
        F.conv2d(np.zeros((1, 3, 5, 5)), w, padding="full")


# --- pooling -----------------------------------------------------------------------

MAXPOOL_CASES = [
    ((2, 3, 6, 6), {"kernel_size": 2}),
    ((1, 2, 7, 5), {"kernel_size": 3, "stride": 2, "padding": 1}),
    ((1, 2, 7, 7), {"kernel_size": (3, 2), "stride": (2, 1), "dilation": (1, 2)}),
    ((1, 1, 7, 6), {"kernel_size": 2, "ceil_mode": True}),
    ((1, 1, 8, 8), {"kernel_size": 3, "stride": 2, "padding": 1, "ceil_mode": True}),
    ((2, 5, 5), {"kernel_size": 2}),  # unbatched
]


@pytest.mark.parametrize("xs, kw", MAXPOOL_CASES)
def test_max_pool2d_matches_torch(xs, kw):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(7)
    x = rng.permutation(np.prod(xs)).reshape(xs) / 10.0  # distinct values
    tx = torch.tensor(x, requires_grad=True)
    ty = torch.nn.functional.max_pool2d(tx, **kw)
    y = F.max_pool2d(x, **kw)
    np.testing.assert_array_equal(y, ty.detach().numpy())
    g = rng.normal(size=y.shape)
    ty.backward(torch.tensor(g))
    np.testing.assert_allclose(
        fg.grad(lambda x: fnp.sum(F.max_pool2d(x, **kw) * g))(x), tx.grad.numpy()
    )


def test_max_pool2d_ties_route_to_the_first_max_like_torch():
    torch = pytest.importorskip("torch")
    x = np.zeros((1, 1, 4, 4))  # e.g. after a ReLU: every window is a tie
    x[0, 0, 3, 3] = -1.0
    tx = torch.tensor(x, requires_grad=True)
    torch.nn.functional.max_pool2d(tx, 2).sum().backward()
    ours = fg.grad(lambda x: F.max_pool2d(x, 2).sum())(x)
    np.testing.assert_array_equal(ours, tx.grad.numpy())


def test_max_pool2d_gradients():
    x = np.random.default_rng(8).permutation(50).reshape(1, 2, 5, 5) / 7.0
    check_grads(lambda x: F.max_pool2d(x, 3, stride=2, padding=1) ** 2, (x,), order=2)


AVGPOOL_CASES = [
    ((2, 3, 6, 6), {"kernel_size": 2}),
    ((1, 2, 7, 5), {"kernel_size": 3, "stride": 2, "padding": 1}),
    ((1, 2, 7, 5), {"kernel_size": 3, "stride": 2, "padding": 1, "count_include_pad": False}),
    ((1, 1, 7, 6), {"kernel_size": 2, "ceil_mode": True}),
    ((1, 1, 8, 8), {"kernel_size": 3, "stride": 2, "padding": 1, "ceil_mode": True}),
    (
        (1, 1, 8, 8),
        {
            "kernel_size": 3,
            "stride": 2,
            "padding": 1,
            "ceil_mode": True,
            "count_include_pad": False,
        },
    ),
    ((1, 2, 6, 6), {"kernel_size": 3, "divisor_override": 5}),
    ((2, 5, 5), {"kernel_size": (2, 3), "stride": 1}),
]


@pytest.mark.parametrize("xs, kw", AVGPOOL_CASES)
def test_avg_pool2d_matches_torch(xs, kw):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(9)
    x = rng.normal(size=xs)
    tx = torch.tensor(x, requires_grad=True)
    ty = torch.nn.functional.avg_pool2d(tx, **kw)
    y = F.avg_pool2d(x, **kw)
    np.testing.assert_allclose(y, ty.detach().numpy(), rtol=1e-12, atol=1e-14)
    g = rng.normal(size=y.shape)
    ty.backward(torch.tensor(g))
    np.testing.assert_allclose(
        fg.grad(lambda x: fnp.sum(F.avg_pool2d(x, **kw) * g))(x), tx.grad.numpy(), atol=1e-14
    )


def test_avg_pool2d_gradients():
    x = np.random.default_rng(10).normal(size=(1, 2, 5, 5))
    check_grads(lambda x: F.avg_pool2d(x, 3, 2, 1, count_include_pad=False), (x,), order=2)


@pytest.mark.parametrize(
    "xs, out",
    [((2, 3, 7, 5), (3, 4)), ((1, 2, 8, 8), 1), ((1, 1, 5, 9), (None, 4)), ((2, 6, 4), (5, 2))],
)
def test_adaptive_avg_pool2d_matches_torch(xs, out):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(11)
    x = rng.normal(size=xs)
    tx = torch.tensor(x, requires_grad=True)
    ty = torch.nn.functional.adaptive_avg_pool2d(tx, out)
    y = F.adaptive_avg_pool2d(x, out)
    np.testing.assert_allclose(y, ty.detach().numpy(), rtol=1e-12, atol=1e-14)
    g = rng.normal(size=y.shape)
    ty.backward(torch.tensor(g))
    np.testing.assert_allclose(
        fg.grad(lambda x: fnp.sum(F.adaptive_avg_pool2d(x, out) * g))(x),
        tx.grad.numpy(),
        atol=1e-14,
    )


def test_adaptive_avg_pool2d_gradients():
    x = np.random.default_rng(12).normal(size=(1, 2, 5, 7))
    check_grads(lambda x: F.adaptive_avg_pool2d(x, (3, 2)), (x,), order=2)


def test_pooling_keeps_float32():
    x = np.random.default_rng(13).normal(size=(1, 2, 6, 6)).astype(np.float32)
    for f in (
        lambda x: F.max_pool2d(x, 2),
        lambda x: F.avg_pool2d(x, 3, 1, 1),
        lambda x: F.adaptive_avg_pool2d(x, 4),
    ):
        assert f(x).dtype == np.float32
        assert fg.grad(lambda x, f=f: fnp.sum(f(x)))(x).dtype == np.float32


def test_pooling_integer_inputs():
    x = np.arange(16).reshape(1, 1, 4, 4)
    np.testing.assert_array_equal(F.max_pool2d(x, 3, padding=1), [[[[5, 7], [13, 15]]]])
    np.testing.assert_allclose(F.avg_pool2d(x, 2), [[[[2.5, 4.5], [10.5, 12.5]]]])


def test_pooling_errors():
    with pytest.raises(ValueError, match="at most half"):
        F.max_pool2d(np.zeros((1, 1, 4, 4)), 2, padding=2)
    with pytest.raises(ValueError, match="3-d"):
        F.avg_pool2d(np.zeros((4, 4)), 2)


# --- normalisation, embedding, dropout ------------------------------------------------


def test_layer_norm_gradients():
    rng = np.random.default_rng(14)
    x, w, b = rng.normal(size=(3, 2, 4)), rng.normal(size=(2, 4)), rng.normal(size=(2, 4))
    check_grads(lambda x, w, b: F.layer_norm(x, (2, 4), w, b), (x, w, b), order=2)


def test_batch_norm_gradients():
    rng = np.random.default_rng(15)
    x, w, b = rng.normal(size=(4, 3, 2)), rng.normal(size=3), rng.normal(size=3)
    check_grads(lambda x, w, b: F.batch_norm(x, None, w, b)[0], (x, w, b), order=2)


def test_embedding_gradient_and_padding_idx():
    w = np.arange(8.0).reshape(4, 2)
    idx = np.array([[1, 1], [3, 0]])
    np.testing.assert_array_equal(F.embedding(idx, w), w[idx])
    g = fg.grad(lambda w: F.embedding(idx, w, padding_idx=0).sum())(w)
    np.testing.assert_array_equal(g, [[0, 0], [2, 2], [0, 0], [1, 1]])
    with pytest.raises(IndexError, match="out of range"):
        F.embedding(np.array([4]), w)
    with pytest.raises(TypeError, match="integers"):
        F.embedding(np.array([1.0]), w)


def test_dropout_functional():
    x = np.ones((200, 50))
    y = F.dropout(x, 0.3, key=random.key(0))
    kept = y != 0
    assert 0.6 < kept.mean() < 0.8
    np.testing.assert_allclose(y[kept], 1 / 0.7)
    g = fg.grad(lambda x: F.dropout(x, 0.3, key=random.key(0)).sum())(x)
    np.testing.assert_array_equal(g, y)  # the same mask, scaled alike
    assert F.dropout(x, 0.3, training=False) is x
    assert F.dropout(x, 0.0, key=None) is x
    np.testing.assert_array_equal(F.dropout(x, 1.0, key=random.key(0)), 0 * x)
    with pytest.raises(ValueError, match="needs a key"):
        F.dropout(x, 0.5)
    with pytest.raises(ValueError, match="between 0 and 1, but got 1.5"):
        F.dropout(x, 1.5, key=random.key(0))


def test_linear_functional():
    rng = np.random.default_rng(16)
    x, w, b = rng.normal(size=(2, 5, 3)), rng.normal(size=(4, 3)), rng.normal(size=4)
    np.testing.assert_allclose(F.linear(x, w, b), x @ w.T + b)
    check_grads(lambda x, w, b: F.linear(x, w, b), (x, w, b), order=1)
    with pytest.raises(ValueError, match="in_features"):
        F.linear(np.ones((2, 4)), w)


def test_linear_weight_gradient_is_laid_out_like_the_weight():
    """g.T @ x, C-ordered like the weight (not the transpose of x.T @ g), so optimizers
    update it with contiguous arithmetic; equal to the matmul formulation's gradient."""
    import funcgrad as fg
    import funcgrad.numpy as fnp
    from funcgrad.nn import functional as F

    rng = np.random.default_rng(0)
    x = rng.standard_normal((2, 5, 4)).astype(np.float32)
    w = rng.standard_normal((3, 4)).astype(np.float32)
    gw = fg.grad(lambda w: fnp.sum(F.linear(x, w) ** 2))(w)
    ref = fg.grad(lambda w: fnp.sum(fnp.matmul(x, fnp.transpose(w)) ** 2))(w)
    assert gw.flags.c_contiguous and gw.dtype == np.float32
    np.testing.assert_allclose(gw, ref, rtol=1e-5)

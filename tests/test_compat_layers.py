"""compat.nn's layers against PyTorch 2.13 (COMPAT_SPEC 3.1 and 3.2).

Tests take the module under test as ``T`` (compat, and torch when installed): parameter
names, shapes and registration order, PyTorch's default initialisation (its bounds, and
the draws themselves, reproduced here from the MT19937 stream with numpy), reprs printed
by torch 2.13, train/eval behaviour, buffers and error texts. ``test_layer_matches_torch``
loads one set of parameters into a compat and a torch module and compares outputs,
gradients and buffers.
"""

import math
import warnings

import numpy as np
import pytest
from test_compat_functional import data as data64, same_as_torch
from test_compat_tensor import check, library, raises

import compat
import compat.nn.functional  # noqa: F401


@pytest.fixture(params=["compat", "torch"])
def T(request):  # noqa: N802 (the module stands for ``torch``)
    """The module under test."""
    return library(request.param)


def data(shape, seed=0, dtype=np.float32):
    return data64(shape, seed, dtype)


def params(m):
    return [(n, tuple(p.shape), str(p.dtype)) for n, p in m.named_parameters()]


# --- parameters and default initialisation ----------------------------------------------------


def test_parameter_names_shapes_and_order(T):
    nn = T.nn
    assert params(nn.Linear(3, 4)) == [
        ("weight", (4, 3), "torch.float32"),
        ("bias", (4,), "torch.float32"),
    ]
    assert params(nn.Linear(3, 4, bias=False, dtype=T.float64)) == [
        ("weight", (4, 3), "torch.float64")
    ]
    assert nn.Linear(3, 4, bias=False).bias is None
    assert params(nn.Conv2d(4, 6, (3, 2), groups=2)) == [
        ("weight", (6, 2, 3, 2), "torch.float32"),
        ("bias", (6,), "torch.float32"),
    ]
    assert params(nn.Conv1d(2, 4, 5, bias=False)) == [("weight", (4, 2, 5), "torch.float32")]
    assert params(nn.BatchNorm1d(3)) == [
        ("weight", (3,), "torch.float32"),
        ("bias", (3,), "torch.float32"),
    ]
    assert params(nn.BatchNorm2d(3, affine=False)) == []
    assert params(nn.LayerNorm((2, 3))) == [
        ("weight", (2, 3), "torch.float32"),
        ("bias", (2, 3), "torch.float32"),
    ]
    assert params(nn.Embedding(10, 3)) == [("weight", (10, 3), "torch.float32")]
    for m in (nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(), nn.Dropout(), nn.Softmax(1)):
        assert params(m) == []
    assert all(p.requires_grad and p.is_leaf for p in nn.Linear(2, 2).parameters())


def _bound(p):
    return float(np.abs(p.detach().numpy()).max())


@pytest.mark.parametrize(
    "make, fan_in",
    [
        (lambda nn: nn.Linear(50, 30), 50),
        (lambda nn: nn.Conv2d(3, 8, 3), 27),
        (lambda nn: nn.Conv2d(4, 6, 3, groups=2), 18),
        (lambda nn: nn.Conv1d(5, 7, 4), 20),
    ],
)
def test_default_init_bounds(T, make, fan_in):
    T.manual_seed(1)
    m = make(T.nn)
    bound = 1 / math.sqrt(fan_in)  # kaiming_uniform_(a=sqrt(5)) gives the bias's bound
    for p in (m.weight, m.bias):
        assert _bound(p) <= bound
    assert _bound(m.weight) > 0.9 * bound  # the draws fill the interval
    w = m.weight.detach().numpy()
    assert abs(w.mean()) < 0.2 * bound and 0.4 < w.std() / bound < 0.75  # U(-b, b): std b/√3


def test_default_init_constant_and_normal(T):
    nn = T.nn
    bn, ln = nn.BatchNorm1d(3), nn.LayerNorm(4)
    for m in (bn, ln):
        check(m.weight.detach(), np.ones(m.weight.shape), "float32")
        check(m.bias.detach(), np.zeros(m.bias.shape), "float32")
    check(bn.running_mean, np.zeros(3), "float32")
    check(bn.running_var, np.ones(3), "float32")
    check(bn.num_batches_tracked, 0, "int64")
    assert bn.num_batches_tracked.dim() == 0
    T.manual_seed(0)
    w = nn.Embedding(1000, 8, padding_idx=3).weight.detach().numpy()
    assert (w[3] == 0).all()
    assert abs(w.mean()) < 0.05 and abs(w.std() - 1) < 0.05


def mt_uniform(seed, n, lo, hi, skip=0):
    """PyTorch's float32 ``uniform_`` after ``manual_seed(seed)`` (COMPAT_SPEC 3.1): one
    MT19937 draw per element, 24 bits, bounds rounded to float32 first."""
    r = np.random.RandomState(seed).randint(0, 2**32, size=skip + n, dtype=np.uint32)[skip:]
    lo32, hi32 = np.float32(lo), np.float32(hi)
    span = np.float64(np.float32(hi32 - lo32))
    return ((r & 0xFFFFFF).astype(np.float64) / 2**24 * span + np.float64(lo32)).astype(np.float32)


def _kaiming_bound(fan_in):
    return math.sqrt(3.0) * (math.sqrt(2.0 / (1 + 5)) / math.sqrt(fan_in))


def test_default_init_is_pytorchs_stream_bit_for_bit(T):
    T.manual_seed(7)
    lin = T.nn.Linear(5, 3)
    conv = T.nn.Conv2d(2, 4, 3)
    wb, bb = _kaiming_bound(5), 1 / math.sqrt(5)
    np.testing.assert_array_equal(
        lin.weight.detach().numpy(), mt_uniform(7, 15, -wb, wb).reshape(3, 5)
    )
    np.testing.assert_array_equal(lin.bias.detach().numpy(), mt_uniform(7, 3, -bb, bb, 15))
    cb = _kaiming_bound(18)
    np.testing.assert_array_equal(
        conv.weight.detach().numpy(), mt_uniform(7, 72, -cb, cb, 18).reshape(4, 2, 3, 3)
    )
    np.testing.assert_array_equal(
        conv.bias.detach().numpy(), mt_uniform(7, 4, -1 / math.sqrt(18), 1 / math.sqrt(18), 90)
    )


@pytest.mark.parametrize(
    "name, args, kwargs",
    [
        ("Linear", (5, 3), {}),
        ("Linear", (784, 128), {}),
        ("Linear", (3, 4), {"bias": False}),
        ("Conv2d", (3, 8, 3), {}),
        ("Conv2d", (4, 6, (3, 2)), {"groups": 2, "stride": 2}),
        ("Conv1d", (2, 4, 5), {}),
        ("Embedding", (3, 4), {}),
        ("Embedding", (4, 3), {"padding_idx": 1}),
    ],
)
def test_default_init_equals_torch_bit_for_bit(name, args, kwargs):
    torch = pytest.importorskip("torch")
    torch.manual_seed(0)
    want = dict(getattr(torch.nn, name)(*args, **kwargs).named_parameters())
    compat.manual_seed(0)
    got = dict(getattr(compat.nn, name)(*args, **kwargs).named_parameters())
    assert list(got) == list(want)
    for k in want:
        np.testing.assert_array_equal(got[k].detach().numpy(), want[k].detach().numpy())
    assert np.array_equal(compat.rand(4).numpy(), torch.rand(4).numpy())  # same draws used


def test_large_embedding_init_agrees_with_torch_to_the_last_ulps():
    torch = pytest.importorskip("torch")
    torch.manual_seed(0)
    want = torch.nn.Embedding(40, 4).weight.detach().numpy()
    compat.manual_seed(0)
    got = compat.nn.Embedding(40, 4).weight.detach().numpy()
    # 16 or more normal draws: PyTorch's vectorised float32 path (COMPAT_SPEC 3.1)
    np.testing.assert_array_max_ulp(got, want, maxulp=4)


# --- reprs ---------------------------------------------------------------------------------------

REPRS = [
    (lambda nn: nn.Linear(3, 4), "Linear(in_features=3, out_features=4, bias=True)"),
    (lambda nn: nn.Linear(3, 4, bias=False), "Linear(in_features=3, out_features=4, bias=False)"),
    (lambda nn: nn.Conv2d(3, 8, 3), "Conv2d(3, 8, kernel_size=(3, 3), stride=(1, 1))"),
    (
        lambda nn: nn.Conv2d(
            2, 4, 3, padding="same", padding_mode="reflect", groups=2, dilation=2, bias=False
        ),
        "Conv2d(2, 4, kernel_size=(3, 3), stride=(1, 1), padding=same, dilation=(2, 2), groups=2, "
        "bias=False, padding_mode=reflect)",
    ),
    (
        lambda nn: nn.Conv2d(2, 4, (3, 1), padding=(1, 0)),
        "Conv2d(2, 4, kernel_size=(3, 1), stride=(1, 1), padding=(1, 0))",
    ),
    (
        lambda nn: nn.Conv1d(2, 4, 3, stride=2, padding=1),
        "Conv1d(2, 4, kernel_size=(3,), stride=(2,), padding=(1,))",
    ),
    (
        lambda nn: nn.MaxPool2d(2),
        "MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False)",
    ),
    (
        lambda nn: nn.MaxPool2d((2, 3), return_indices=True),
        "MaxPool2d(kernel_size=(2, 3), stride=(2, 3), padding=0, dilation=1, ceil_mode=False)",
    ),
    (
        lambda nn: nn.AvgPool2d(3, 1, 1, True, False, 2),
        "AvgPool2d(kernel_size=3, stride=1, padding=1)",
    ),
    (lambda nn: nn.AdaptiveAvgPool2d((None, 3)), "AdaptiveAvgPool2d(output_size=(None, 3))"),
    (lambda nn: nn.ReLU(), "ReLU()"),
    (lambda nn: nn.ReLU(inplace=True), "ReLU(inplace=True)"),
    (lambda nn: nn.ReLU6(True), "ReLU6(inplace=True)"),
    (lambda nn: nn.LeakyReLU(0.2, True), "LeakyReLU(negative_slope=0.2, inplace=True)"),
    (lambda nn: nn.LeakyReLU(), "LeakyReLU(negative_slope=0.01)"),
    (lambda nn: nn.ELU(), "ELU(alpha=1.0)"),
    (lambda nn: nn.CELU(0.5, True), "CELU(alpha=0.5, inplace=True)"),
    (lambda nn: nn.SELU(True), "SELU(inplace=True)"),
    (lambda nn: nn.GELU(), "GELU(approximate='none')"),
    (lambda nn: nn.GELU("tanh"), "GELU(approximate='tanh')"),
    (lambda nn: nn.SiLU(True), "SiLU(inplace=True)"),
    (lambda nn: nn.Mish(), "Mish()"),
    (lambda nn: nn.Hardsigmoid(), "Hardsigmoid()"),
    (lambda nn: nn.Hardswish(True), "Hardswish()"),
    (lambda nn: nn.Hardtanh(-2, 2), "Hardtanh(min_val=-2, max_val=2)"),
    (lambda nn: nn.Threshold(0.1, 20), "Threshold(threshold=0.1, value=20)"),
    (lambda nn: nn.Softplus(), "Softplus(beta=1.0, threshold=20.0)"),
    (lambda nn: nn.Sigmoid(), "Sigmoid()"),
    (lambda nn: nn.Tanh(), "Tanh()"),
    (lambda nn: nn.LogSigmoid(), "LogSigmoid()"),
    (lambda nn: nn.Softsign(), "Softsign()"),
    (lambda nn: nn.Tanhshrink(), "Tanhshrink()"),
    (lambda nn: nn.Softmax(dim=1), "Softmax(dim=1)"),
    (lambda nn: nn.Softmax(), "Softmax(dim=None)"),
    (lambda nn: nn.Softmin(1), "Softmin(dim=1)"),
    (lambda nn: nn.LogSoftmax(dim=1), "LogSoftmax(dim=1)"),
    (lambda nn: nn.Flatten(), "Flatten(start_dim=1, end_dim=-1)"),
    (lambda nn: nn.Unflatten(1, (2, 3)), "Unflatten(dim=1, unflattened_size=(2, 3))"),
    (lambda nn: nn.Identity(3, x=4), "Identity()"),
    (lambda nn: nn.Dropout(), "Dropout(p=0.5, inplace=False)"),
    (lambda nn: nn.Dropout1d(), "Dropout1d(p=0.5, inplace=False)"),
    (lambda nn: nn.Dropout2d(0.2, True), "Dropout2d(p=0.2, inplace=True)"),
    (
        lambda nn: nn.BatchNorm1d(3),
        "BatchNorm1d(3, eps=1e-05, momentum=0.1, affine=True, bias=True, track_running_stats=True)",
    ),
    (
        lambda nn: nn.BatchNorm2d(3, momentum=None, affine=False, track_running_stats=False),
        "BatchNorm2d(3, eps=1e-05, momentum=None, affine=False, bias=False, "
        "track_running_stats=False)",
    ),
    (lambda nn: nn.LayerNorm(4), "LayerNorm((4,), eps=1e-05, elementwise_affine=True, bias=True)"),
    (
        lambda nn: nn.LayerNorm((3, 4), elementwise_affine=False, bias=False),
        "LayerNorm((3, 4), eps=1e-05, elementwise_affine=False, bias=False)",
    ),
    (lambda nn: nn.Embedding(5, 3), "Embedding(5, 3)"),
    (
        lambda nn: nn.Embedding(
            5, 3, padding_idx=-1, max_norm=1.0, norm_type=1.0, scale_grad_by_freq=True, sparse=True
        ),
        "Embedding(5, 3, padding_idx=4, max_norm=1.0, norm_type=1.0, scale_grad_by_freq=True, "
        "sparse=True)",
    ),
    (lambda nn: nn.CosineSimilarity(), "CosineSimilarity()"),
    (lambda nn: nn.PairwiseDistance(), "PairwiseDistance()"),
]


@pytest.mark.parametrize(
    "make, text", REPRS, ids=[t.split("(")[0] + str(i) for i, (_, t) in enumerate(REPRS)]
)
def test_repr(T, make, text):
    assert repr(make(T.nn)) == text


def test_nested_repr(T):
    nn = T.nn
    m = nn.Sequential(
        nn.Conv2d(1, 2, 3),
        nn.ReLU(),
        nn.MaxPool2d(2),
        nn.Flatten(),
        nn.Linear(8, 3),
        nn.Dropout(0.2),
        nn.BatchNorm1d(3),
        nn.Softmax(dim=1),
    )
    assert repr(m) == (
        "Sequential(\n"
        "  (0): Conv2d(1, 2, kernel_size=(3, 3), stride=(1, 1))\n"
        "  (1): ReLU()\n"
        "  (2): MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False)\n"
        "  (3): Flatten(start_dim=1, end_dim=-1)\n"
        "  (4): Linear(in_features=8, out_features=3, bias=True)\n"
        "  (5): Dropout(p=0.2, inplace=False)\n"
        "  (6): BatchNorm1d(3, eps=1e-05, momentum=0.1, affine=True, bias=True, "
        "track_running_stats=True)\n"
        "  (7): Softmax(dim=1)\n"
        ")"
    )


# --- forward passes --------------------------------------------------------------------------


def test_linear_forward_and_gradients(T):
    m = T.nn.Linear(3, 2)
    w, b = m.weight.detach().numpy().copy(), m.bias.detach().numpy().copy()
    a = data((4, 3))
    y = m(T.tensor(a))
    check(y, a @ w.T + b, "float32", rtol=1e-5)
    y.sum().backward()
    check(m.weight.grad, np.tile(a.sum(0), (2, 1)), "float32", rtol=1e-5)
    check(m.bias.grad, [4.0, 4.0], "float32")
    assert type(y.grad_fn).__name__ == "AddmmBackward0"
    raises(
        RuntimeError,
        "mat1 and mat2 must have the same dtype, but got Double and Float",
        lambda: m(T.tensor(a.astype(np.float64))),
    )


def test_conv_modules_use_their_options(T):
    nn, F = T.nn, T.nn.functional
    x = T.tensor(data((2, 2, 6, 5)))
    conv = nn.Conv2d(2, 4, 3, stride=(2, 1), padding=1, dilation=(1, 2), groups=2)
    want = F.conv2d(x, conv.weight, conv.bias, (2, 1), 1, (1, 2), 2)
    assert T.equal(conv(x), want)
    for mode, np_mode in [("reflect", "reflect"), ("replicate", "edge"), ("circular", "wrap")]:
        conv = nn.Conv2d(2, 3, 3, padding=(1, 2), padding_mode=mode)
        padded = np.pad(x.numpy(), ((0, 0), (0, 0), (1, 1), (2, 2)), mode=np_mode)
        check(
            conv(x).detach(),
            F.conv2d(T.tensor(padded), conv.weight, conv.bias).detach(),
            "float32",
            rtol=1e-5,
            atol=1e-6,
        )
    same = nn.Conv2d(2, 3, 4, padding="same")
    with warnings.catch_warnings():  # PyTorch warns that an even kernel may copy the input
        warnings.simplefilter("ignore")
        assert same(x).shape == (2, 3, 6, 5)
    conv1 = nn.Conv1d(2, 3, 3, padding=2, dilation=2)
    x1 = T.tensor(data((2, 2, 7)))
    assert T.equal(conv1(x1), F.conv1d(x1, conv1.weight, conv1.bias, 1, 2, 2))
    assert conv1(x1[0]).shape == (3, 7)


def test_conv_constructor_errors(T):
    nn = T.nn
    raises(
        ValueError, "in_channels must be divisible by groups", lambda: nn.Conv2d(3, 4, 3, groups=2)
    )
    raises(
        ValueError, "out_channels must be divisible by groups", lambda: nn.Conv2d(4, 3, 3, groups=2)
    )
    raises(
        ValueError,
        "Invalid padding string 'foo', should be one of ",
        lambda: nn.Conv2d(4, 4, 3, padding="foo"),
        prefix=True,
    )
    raises(
        ValueError,
        "padding_mode must be one of ",
        lambda: nn.Conv2d(4, 4, 3, padding_mode="foo"),
        prefix=True,
    )
    raises(
        ValueError,
        "padding='same' is not supported for strided convolutions",
        lambda: nn.Conv2d(4, 4, 3, stride=2, padding="same"),
    )


def test_pooling_modules(T):
    nn = T.nn
    x = T.arange(32.0).reshape(1, 2, 4, 4)
    check(nn.MaxPool2d(2)(x)[0, 0], [[5, 7], [13, 15]], "float32")
    y, idx = nn.MaxPool2d(2, return_indices=True)(x)
    check(idx[0, 1], [[5, 7], [13, 15]], "int64")
    check(nn.AvgPool2d(2)(x)[0, 0], [[2.5, 4.5], [10.5, 12.5]], "float32")
    check(
        nn.AvgPool2d(3, stride=1, padding=1, count_include_pad=False)(x)[0, 0, 0, 0],
        (0 + 1 + 4 + 5) / 4,
        "float32",
    )
    check(nn.AdaptiveAvgPool2d((1, 1))(x), [[[[7.5]], [[23.5]]]], "float32")
    check(nn.AdaptiveAvgPool2d(2)(x)[0, 0], [[2.5, 4.5], [10.5, 12.5]], "float32")


def test_shape_modules(T):
    nn = T.nn
    x = T.zeros(2, 3, 4, 5)
    assert nn.Flatten()(x).shape == (2, 60)
    assert nn.Flatten(0, 2)(x).shape == (24, 5)
    assert nn.Unflatten(1, (3, 1))(T.zeros(2, 3)).shape == (2, 3, 1)
    assert nn.Identity(54, unused=True)(x) is x


ACTIVATION_MODULES = [
    # module(nn), the same with F
    (lambda nn: nn.ReLU(), lambda F, x: F.relu(x)),
    (lambda nn: nn.ReLU6(), lambda F, x: F.relu6(x)),
    (lambda nn: nn.LeakyReLU(0.3), lambda F, x: F.leaky_relu(x, 0.3)),
    (lambda nn: nn.ELU(0.5), lambda F, x: F.elu(x, 0.5)),
    (lambda nn: nn.CELU(0.5), lambda F, x: F.celu(x, 0.5)),
    (lambda nn: nn.SELU(), lambda F, x: F.selu(x)),
    (lambda nn: nn.GELU("tanh"), lambda F, x: F.gelu(x, approximate="tanh")),
    (lambda nn: nn.SiLU(), lambda F, x: F.silu(x)),
    (lambda nn: nn.Mish(), lambda F, x: F.mish(x)),
    (lambda nn: nn.Hardsigmoid(), lambda F, x: F.hardsigmoid(x)),
    (lambda nn: nn.Hardswish(), lambda F, x: F.hardswish(x)),
    (lambda nn: nn.Hardtanh(-2, 1), lambda F, x: F.hardtanh(x, -2, 1)),
    (lambda nn: nn.Threshold(0.5, -1.0), lambda F, x: F.threshold(x, 0.5, -1.0)),
    (lambda nn: nn.Softplus(2, 3), lambda F, x: F.softplus(x, 2, 3)),
    (lambda nn: nn.Sigmoid(), lambda F, x: F.sigmoid(x)),
    (lambda nn: nn.Tanh(), lambda F, x: F.tanh(x)),
    (lambda nn: nn.LogSigmoid(), lambda F, x: F.logsigmoid(x)),
    (lambda nn: nn.Softsign(), lambda F, x: F.softsign(x)),
    (lambda nn: nn.Tanhshrink(), lambda F, x: F.tanhshrink(x)),
    (lambda nn: nn.Softmax(1), lambda F, x: F.softmax(x, 1)),
    (lambda nn: nn.Softmin(0), lambda F, x: F.softmin(x, 0)),
    (lambda nn: nn.LogSoftmax(1), lambda F, x: F.log_softmax(x, 1)),
]


@pytest.mark.parametrize("make, call", ACTIVATION_MODULES)
def test_activation_modules_are_their_functions(T, make, call):
    x = T.tensor(data((3, 4)) * 3)
    check(make(T.nn)(x), call(T.nn.functional, x).numpy(), "float32", rtol=0, atol=0)


def test_inplace_activation_modules(T):
    nn = T.nn
    x = T.tensor([-1.0, 2.0], requires_grad=True)
    for m in (
        nn.ReLU(True),
        nn.LeakyReLU(0.1, True),
        nn.ELU(inplace=True),
        nn.Hardtanh(inplace=True),
        nn.SiLU(True),
        nn.Dropout(0.5, True),
    ):
        y = x * 1
        assert m(y) is y and y._version == 1


def test_softmax_module_without_dim_warns(T):
    x = T.tensor(data((2, 3)))
    with pytest.warns(UserWarning, match="Implicit dimension choice for softmax"):
        y = T.nn.Softmax()(x)
    check(y.sum(1), [1.0, 1.0], "float32")


# --- train / eval ------------------------------------------------------------------------------


def test_dropout_train_and_eval(T):
    m = T.nn.Dropout(0.25)
    x = T.ones(4000)
    v = m(x).numpy()
    assert set(np.unique(v)) == {0.0, np.float32(1) / np.float32(0.75)}
    assert 0.2 < (v == 0).mean() < 0.3
    assert m.eval()(x) is x
    assert T.nn.Dropout(0.0)(x) is x
    check(T.nn.Dropout(1.0)(x), np.zeros(4000), "float32")
    raises(
        ValueError,
        "dropout probability has to be between 0 and 1, but got 2",
        lambda: T.nn.Dropout(2),
    )
    T.manual_seed(5)
    a = T.nn.Dropout2d()(T.ones(8, 4, 2, 2))
    T.manual_seed(5)
    assert T.equal(T.nn.Dropout2d()(T.ones(8, 4, 2, 2)), a)


def test_batch_norm_training_and_evaluation(T):
    bn = T.nn.BatchNorm1d(3)
    with T.no_grad():
        bn.weight.copy_(T.tensor([1.0, 2.0, 0.5]))
        bn.bias.copy_(T.tensor([0.0, -1.0, 1.0]))
    a, b = data((6, 3)), data((6, 3), 1) * 2 + 1
    y = bn(T.tensor(a))
    ref = (a - a.mean(0)) / np.sqrt(a.var(0) + 1e-5) * [1.0, 2.0, 0.5] + [0.0, -1.0, 1.0]
    check(y, ref, "float32", rtol=1e-5, atol=1e-6)
    bn(T.tensor(b))
    rm = 0.9 * (0.1 * a.mean(0)) + 0.1 * b.mean(0)
    rv = 0.9 * (0.9 + 0.1 * a.var(0, ddof=1)) + 0.1 * b.var(0, ddof=1)
    check(bn.running_mean, rm, "float32", rtol=1e-5)
    check(bn.running_var, rv, "float32", rtol=1e-5)
    check(bn.num_batches_tracked, 2, "int64")
    bn.eval()
    c = data((2, 3), 2)
    check(
        bn(T.tensor(c)),
        (c - rm) / np.sqrt(rv + 1e-5) * [1.0, 2.0, 0.5] + [0.0, -1.0, 1.0],
        "float32",
        rtol=1e-5,
        atol=1e-6,
    )
    check(bn.num_batches_tracked, 2, "int64")  # eval does not count
    assert list(bn.state_dict()) == [
        "weight",
        "bias",
        "running_mean",
        "running_var",
        "num_batches_tracked",
    ]


def test_batch_norm_momentum_none_is_a_cumulative_average(T):
    bn = T.nn.BatchNorm1d(2, momentum=None, affine=False)
    batches = [data((5, 2), s) for s in range(3)]
    for x in batches:
        bn(T.tensor(x))
    check(bn.running_mean, np.mean([x.mean(0) for x in batches], 0), "float32", rtol=1e-5)
    check(bn.running_var, np.mean([x.var(0, ddof=1) for x in batches], 0), "float32", rtol=1e-5)
    check(bn.num_batches_tracked, 3, "int64")


def test_batch_norm_variants(T):
    nn = T.nn
    x = data((3, 2, 4, 4))
    bn = nn.BatchNorm2d(2)
    y = bn(T.tensor(x))
    check(
        y,
        (x - x.mean((0, 2, 3), keepdims=True)) / np.sqrt(x.var((0, 2, 3), keepdims=True) + 1e-5),
        "float32",
        rtol=1e-4,
        atol=1e-5,
    )
    check(bn.running_mean, 0.1 * x.mean((0, 2, 3)), "float32", rtol=1e-5, atol=1e-7)
    free = nn.BatchNorm1d(2, track_running_stats=False)
    assert free.running_mean is None and list(free.state_dict()) == ["weight", "bias"]
    z = data((4, 2, 3))
    check(
        free.eval()(T.tensor(z)),
        (z - z.mean((0, 2), keepdims=True)) / np.sqrt(z.var((0, 2), keepdims=True) + 1e-5),
        "float32",
        rtol=1e-4,
        atol=1e-5,
    )
    raises(
        ValueError,
        "expected 2D or 3D input (got 4D input)",
        lambda: nn.BatchNorm1d(3)(T.zeros(2, 3, 4, 5)),
    )
    raises(ValueError, "expected 4D input (got 2D input)", lambda: nn.BatchNorm2d(3)(T.zeros(2, 3)))
    one = nn.BatchNorm1d(2)
    raises(
        ValueError,
        "Expected more than 1 value per channel when training, got input size torch.Size([1, 2])",
        lambda: one(T.zeros(1, 2)),
    )
    check(one.num_batches_tracked, 1, "int64")  # counted before the check, as in PyTorch
    check(one.eval()(T.zeros(1, 2)), np.zeros((1, 2)), "float32")
    d = nn.BatchNorm1d(2).double()
    assert d(T.tensor(data((3, 2), dtype=np.float64))).dtype == T.float64
    assert d.num_batches_tracked.dtype == T.int64


def test_layer_norm_module(T):
    x = data((2, 3, 4))
    ln = T.nn.LayerNorm((3, 4), eps=1e-3)
    y = ln(T.tensor(x))
    mu, var = x.mean((1, 2), keepdims=True), x.var((1, 2), keepdims=True)
    check(y, (x - mu) / np.sqrt(var + 1e-3), "float32", rtol=1e-4, atol=1e-5)
    y.sum().backward()
    check(ln.bias.grad, np.full((3, 4), 2.0), "float32")
    plain = T.nn.LayerNorm(4, elementwise_affine=False)
    assert plain.weight is None and list(plain.parameters()) == []


def test_embedding_module(T):
    nn = T.nn
    emb = nn.Embedding(5, 2, padding_idx=-2)
    assert emb.padding_idx == 3
    check(emb.weight[3].detach(), [0.0, 0.0], "float32")
    idx = T.tensor([[3, 1], [1, 4]])
    y = emb(idx)
    check(y, emb.weight.detach().numpy()[[[3, 1], [1, 4]]], "float32")
    y.sum().backward()
    check(emb.weight.grad, [[0, 0], [2, 2], [0, 0], [0, 0], [1, 1]], "float32")
    pre = nn.Embedding.from_pretrained(T.tensor([[1.0, 2.0], [3.0, 4.0]]))
    assert not pre.weight.requires_grad
    check(pre(T.tensor([1])), [[3.0, 4.0]], "float32")
    assert nn.Embedding.from_pretrained(T.eye(2), freeze=False).weight.requires_grad
    raises(
        AssertionError,
        "Padding_idx must be within num_embeddings",
        lambda: nn.Embedding(3, 2, padding_idx=3),
    )
    raises(
        AssertionError,
        "Shape of weight does not match num_embeddings and embedding_dim",
        lambda: nn.Embedding(3, 2, _weight=T.zeros(2, 2)),
    )
    raises(IndexError, "index out of range in self", lambda: emb(T.tensor([5])))


def test_distance_modules(T):
    a, b = T.tensor([[3.0, 4.0]]), T.tensor([[4.0, 3.0]])
    check(T.nn.CosineSimilarity()(a, b), [0.96], "float32")
    check(T.nn.PairwiseDistance(eps=0.0)(a, b), [math.sqrt(2)], "float32")


# --- against live torch: one set of parameters in both ------------------------------------------


def _load_same(tm, cm):
    cm.load_state_dict({k: compat.tensor(v.detach().numpy()) for k, v in tm.state_dict().items()})


LAYER_CASES = {
    "Linear": ("Linear", (3, 2), {}, (4, 3)),
    "Linear_3d": ("Linear", (3, 2), {}, (2, 5, 3)),
    "Conv2d": ("Conv2d", (3, 4, 3), {"stride": 2, "padding": 1}, (2, 3, 7, 6)),
    "Conv2d_same_reflect": (
        "Conv2d",
        (2, 2, 3),
        {"padding": "same", "padding_mode": "reflect"},
        (1, 2, 5, 6),
    ),
    "Conv2d_circular": (
        "Conv2d",
        (2, 4, (3, 2)),
        {"padding": (1, 2), "groups": 2, "padding_mode": "circular"},
        (1, 2, 5, 6),
    ),
    "Conv1d_replicate": (
        "Conv1d",
        (2, 3, 3),
        {"padding": 2, "padding_mode": "replicate", "dilation": 2},
        (2, 2, 9),
    ),
    "MaxPool2d": ("MaxPool2d", (3,), {"stride": 2, "padding": 1, "ceil_mode": True}, (2, 3, 7, 6)),
    "AvgPool2d": (
        "AvgPool2d",
        (3,),
        {"stride": 2, "padding": 1, "count_include_pad": False},
        (2, 3, 7, 6),
    ),
    "AdaptiveAvgPool2d": ("AdaptiveAvgPool2d", ((3, 2),), {}, (2, 3, 7, 5)),
    "BatchNorm1d": ("BatchNorm1d", (3,), {}, (6, 3)),
    "BatchNorm1d_3d": ("BatchNorm1d", (3,), {"momentum": None}, (4, 3, 5)),
    "BatchNorm2d": ("BatchNorm2d", (2,), {"momentum": 0.3}, (3, 2, 4, 4)),
    "BatchNorm2d_untracked": ("BatchNorm2d", (2,), {"track_running_stats": False}, (3, 2, 3, 3)),
    "LayerNorm": ("LayerNorm", ((3, 4),), {"eps": 1e-3}, (2, 3, 4)),
    "Flatten": ("Flatten", (0, 1), {}, (2, 3, 4)),
    "GELU": ("GELU", (), {}, (3, 4)),
    "Softmax_none": ("Softmax", (), {}, (2, 3, 4)),
}


def run_layer(lib, m, mode, shape, dtype=np.float32):
    """Output, input gradient, parameter gradients and buffers (in registration order) of
    module ``m`` of library ``lib`` in ``mode`` on seeded data of ``shape`` and ``dtype``,
    after a backward pass with a seeded cotangent."""
    m.train(mode == "train")
    xt = lib.tensor(data(shape, 3, dtype), requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        y = m(xt)
    ct = lib.tensor(data(tuple(y.shape), 4))
    (y * ct).sum().backward()
    return {
        "out": y.detach(),
        "grad.x": xt.grad,
        **{f"grad.{n}": p.grad for n, p in m.named_parameters()},
        **{f"buf.{n}": b for n, b in m.named_buffers()},
    }


@pytest.mark.parametrize("case", list(LAYER_CASES))
@pytest.mark.parametrize("mode", ["train", "eval"])
def test_layer_matches_torch(case, mode):
    torch = pytest.importorskip("torch")
    name, args, kwargs, shape = LAYER_CASES[case]
    torch.manual_seed(0)
    tm = getattr(torch.nn, name)(*args, **kwargs)
    cm = getattr(compat.nn, name)(*args, **kwargs)
    _load_same(tm, cm)
    got, want = run_layer(compat, cm, mode, shape), run_layer(torch, tm, mode, shape)
    assert list(got) == list(want)
    for q in want:
        a, b = got[q].numpy(), want[q].numpy()
        assert a.dtype == b.dtype and a.shape == b.shape, q
        np.testing.assert_allclose(a, b, rtol=2e-5, atol=2e-6 * max(1, np.abs(b).max()), err_msg=q)


# calls compared with ``same_as_torch`` (id: (fn(lib, F, *tensors), arrays, grads))
LAYER_CALLS = {
    "Embedding_from_pretrained": (
        lambda L, F, w: L.nn.Embedding.from_pretrained(w, freeze=False, padding_idx=1)(
            L.tensor([[1, 0], [2, 1]])
        ),
        [data((3, 2))],
        [False],
    ),
}


@pytest.mark.parametrize("case", list(LAYER_CALLS))
def test_layer_call_matches_torch(case):
    fn, arrays, grads = LAYER_CALLS[case]
    same_as_torch(fn, *arrays, grads=grads)

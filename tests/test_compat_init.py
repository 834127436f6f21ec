"""compat.nn.init: gains, fans, bounds and distributions, and PyTorch's random draws.

The RECORDED table holds numbers printed by torch 2.13.0 (CPU) for
``torch.manual_seed(0); t = torch.empty(*shape); torch.nn.init.<name>(t, **kwargs)``;
compat must give them after ``compat.manual_seed(0)`` (bit for bit: uniform draws,
and normal draws of fewer than 16 elements, follow PyTorch's generator).
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest

import compat as torch
from compat.nn import init

RECORDED = [
    ("kaiming_uniform_", (3, 2), {"a": math.sqrt(5)}, [
        -0.005293981172144413, 0.37932288646698, -0.5819807648658752, -0.5203874707221985,
        -0.27234524488449097, 0.1896158903837204]),
    ("kaiming_uniform_", (2, 1, 2), {"mode": "fan_out", "nonlinearity": "relu"}, [
        -0.009169445373117924, 0.657006561756134, -1.0080204010009766, -0.9013375639915466]),
    ("xavier_uniform_", (2, 3), {"gain": 2.0}, [
        -0.016402801498770714, 1.1752890348434448, -1.8032015562057495, -1.6123616695404053,
        -0.843830943107605, 0.5875033736228943]),
    ("uniform_", (4,), {"a": -1.0, "b": 2.0}, [
        0.4887697696685791, 1.3046653270721436, -0.7345677018165588, -0.6039085388183594]),
    ("kaiming_normal_", (2, 3), {}, [
        1.2582180500030518, -0.23958370089530945, -1.7789740562438965, 0.4641222059726715,
        -0.8855087757110596, -1.1419483423233032]),
    ("xavier_normal_", (3, 2), {}, [
        0.9746115207672119, -0.18558073043823242, -1.3779873847961426, 0.3595075011253357,
        -0.6859121322631836, -0.8845493793487549]),
    ("normal_", (5,), {"mean": 1.0, "std": 0.5}, [
        1.7704980373382568, 0.853285551071167, -0.08939468860626221, 1.2842156887054443,
        0.45773881673812866]),
    # [a, b] holds > 30% of the mass: normal draws, redrawn outside
    ("trunc_normal_", (6,), {"std": 1.0, "a": -0.5, "b": 0.5}, [
        0.40334683656692505, -0.293428897857666, 0.3703935444355011, -0.40334352850914,
        -0.02087947353720665, 0.18203648924827576]),
    # far in the tail: uniform candidates accepted by pdf ratio (PyTorch warns here)
    ("trunc_normal_", (5,), {"mean": 0.0, "std": 0.1, "a": 1.0, "b": 2.0}, [
        1.032073974609375, 1.0006400346755981, 1.00007963180542, 1.0012359619140625,
        1.0051324367523193]),
]  # fmt: skip


def run(lib_init, manual_seed, empty, name, shape, kwargs):
    manual_seed(0)
    t = empty(*shape)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # trunc_normal_'s "mean is more than 2 std" case
        out = getattr(lib_init, name)(t, **kwargs)
    assert out is t
    return np.asarray(t.detach().numpy(), dtype=np.float32).reshape(-1)


@pytest.mark.parametrize(("name", "shape", "kwargs", "expected"), RECORDED)
def test_draws_match_numbers_recorded_from_torch(name, shape, kwargs, expected):
    got = run(init, torch.manual_seed, torch.empty, name, shape, kwargs)
    np.testing.assert_array_equal(got, np.array(expected, np.float32))


LIVE = [
    ("kaiming_uniform_", (784, 128), {"a": math.sqrt(5)}, True),
    ("kaiming_uniform_", (8, 3, 3, 3), {}, True),
    ("kaiming_uniform_", (6, 4, 5), {"mode": "fan_out", "nonlinearity": "relu"}, True),
    ("xavier_uniform_", (30, 20), {"gain": init.calculate_gain("tanh")}, True),
    ("uniform_", (5, 7), {"a": -2.0, "b": 3.0}, True),
    ("trunc_normal_", (50, 40), {"a": -0.2, "b": 0.2}, True),  # uniform candidates
    ("kaiming_normal_", (30, 40), {"mode": "fan_out"}, False),  # >= 16 normal draws: ulps
    ("xavier_normal_", (20, 20), {}, False),
    ("trunc_normal_", (300, 40), {"std": 0.02}, False),
    ("orthogonal_", (30, 20), {"gain": 2.0}, False),
    ("orthogonal_", (6, 2, 2, 2), {}, False),
    ("dirac_", (4, 2, 3, 3), {"groups": 2}, True),
    ("eye_", (3, 5), {}, True),
]


@pytest.mark.parametrize(("name", "shape", "kwargs", "exact"), LIVE)
def test_draws_match_live_torch(name, shape, kwargs, exact):
    real = pytest.importorskip("torch")
    theirs = run(real.nn.init, real.manual_seed, real.empty, name, shape, kwargs)
    ours = run(init, torch.manual_seed, torch.empty, name, shape, kwargs)
    if exact:
        np.testing.assert_array_equal(ours, theirs)
    else:
        np.testing.assert_allclose(ours, theirs, rtol=1e-5, atol=1e-6)
    # the generator stays in step with PyTorch's afterwards
    np.testing.assert_array_equal(torch.rand(3).numpy(), real.rand(3).numpy())


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("linear",), 1),
        (("conv2d",), 1),
        (("conv_transpose1d",), 1),
        (("sigmoid",), 1),
        (("tanh",), 5 / 3),
        (("relu",), math.sqrt(2)),
        (("selu",), 3 / 4),
        (("leaky_relu",), math.sqrt(2 / (1 + 0.01**2))),
        (("leaky_relu", 0.2), math.sqrt(2 / 1.04)),
        (("leaky_relu", 0), math.sqrt(2)),
        (("leaky_relu", math.sqrt(5)), math.sqrt(1 / 3)),
    ],
)
def test_calculate_gain(args, expected):
    assert init.calculate_gain(*args) == pytest.approx(expected, rel=1e-12)


def test_calculate_gain_of_leaky_relu_sqrt5_is_the_linear_layer_gain():
    assert round(init.calculate_gain("leaky_relu", math.sqrt(5)), 4) == 0.5774


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("foo",), "Unsupported nonlinearity foo"),
        (("leaky_relu", "x"), "negative_slope x not a valid number"),
        (("leaky_relu", True), "negative_slope True not a valid number"),
    ],
)
def test_calculate_gain_errors(args, message):
    with pytest.raises(ValueError) as err:
        init.calculate_gain(*args)
    assert str(err.value) == message


FAN_MESSAGE = "Fan in and fan out can not be computed for tensor with fewer than 2 dimensions"


@pytest.mark.parametrize(
    "fn", [init.kaiming_uniform_, init.kaiming_normal_, init.xavier_uniform_, init.xavier_normal_]
)
def test_fewer_than_two_dims_has_no_fans(fn):
    with pytest.raises(ValueError) as err:
        fn(torch.empty(3))
    assert str(err.value) == FAN_MESSAGE


def test_bad_mode():
    with pytest.raises(ValueError) as err:
        init.kaiming_uniform_(torch.empty(3, 3), mode="fan_x")
    assert str(err.value) == "Mode fan_x not supported, please use one of ['fan_in', 'fan_out']"


@pytest.mark.parametrize(
    ("fn", "shape", "message"),
    [
        (init.eye_, (3,), "Only tensors with 2 dimensions are supported"),
        (init.orthogonal_, (3,), "Only tensors with 2 or more dimensions are supported"),
        (init.dirac_, (3, 3), "Only tensors with 3, 4, or 5 dimensions are supported"),
    ],
)
def test_dimension_errors(fn, shape, message):
    with pytest.raises(ValueError) as err:
        fn(torch.empty(*shape))
    assert str(err.value) == message


@pytest.mark.parametrize("fn", [init.kaiming_uniform_, init.kaiming_normal_])
def test_zero_element_tensors_warn_and_stay(fn):
    t = torch.empty(0, 3)
    with pytest.warns(UserWarning, match="Initializing zero-element tensors is a no-op"):
        assert fn(t) is t


def test_trunc_normal_warns_when_the_mean_is_far_from_the_interval():
    with pytest.warns(UserWarning, match="mean is more than 2 std from"):
        init.trunc_normal_(torch.empty(4), mean=10.0)


def _big(*shape):
    torch.manual_seed(1)
    return torch.empty(*shape)


@pytest.mark.parametrize(
    ("fn", "kwargs", "fan_in", "fan_out", "bound"),
    [
        # Linear(in=500, out=200): U(-1/sqrt(in), 1/sqrt(in))
        (init.kaiming_uniform_, {"a": math.sqrt(5)}, 500, 200, lambda i, o: 1 / math.sqrt(i)),
        (init.kaiming_uniform_, {}, 500, 200, lambda i, o: math.sqrt(6 / i)),
        (
            init.kaiming_uniform_,
            {"mode": "fan_out"},
            500,
            200,
            lambda i, o: math.sqrt(6 / o),
        ),
        (init.xavier_uniform_, {}, 500, 200, lambda i, o: math.sqrt(6 / (i + o))),
        (init.xavier_uniform_, {"gain": 3.0}, 500, 200, lambda i, o: 3 * math.sqrt(6 / (i + o))),
    ],
)
def test_uniform_initialisers_fill_their_interval(fn, kwargs, fan_in, fan_out, bound):
    w = fn(_big(fan_out, fan_in), **kwargs)
    b = bound(fan_in, fan_out)
    a = w.numpy()
    assert a.dtype == np.float32
    assert np.abs(a).max() <= np.float32(b)
    assert np.abs(a).max() > 0.999 * b  # the whole interval is used
    assert abs(a.mean()) < 0.01 * b
    assert a.std() == pytest.approx(b / math.sqrt(3), rel=0.02)


def test_conv_weight_fans_use_the_receptive_field():
    # Conv2d(3, 8, 3): fan_in = 3 * 3 * 3 = 27, fan_out = 8 * 9 = 72
    w = init.kaiming_uniform_(_big(8, 3, 3, 3), a=math.sqrt(5)).numpy()
    assert np.abs(w).max() <= np.float32(1 / math.sqrt(27))
    w = init.kaiming_normal_(_big(64, 30, 5, 5), mode="fan_out", nonlinearity="relu").numpy()
    assert w.std() == pytest.approx(math.sqrt(2 / (64 * 25)), rel=0.02)


@pytest.mark.parametrize(
    ("fn", "kwargs", "std"),
    [
        (init.kaiming_normal_, {}, math.sqrt(2 / 400)),
        (init.kaiming_normal_, {"a": 0.5, "mode": "fan_out"}, math.sqrt(2 / 1.25 / 300)),
        (init.kaiming_normal_, {"nonlinearity": "tanh"}, 5 / 3 / math.sqrt(400)),
        (init.xavier_normal_, {}, math.sqrt(2 / 700)),
        (init.xavier_normal_, {"gain": 2.0}, 2 * math.sqrt(2 / 700)),
        (init.normal_, {"std": 0.02}, 0.02),
    ],
)
def test_normal_initialisers_have_their_std(fn, kwargs, std):
    a = fn(_big(300, 400), **kwargs).numpy()
    assert a.std() == pytest.approx(std, rel=0.02)
    assert abs(a.mean()) < 0.02 * std


def test_uniform_and_normal_parameters():
    a = init.uniform_(_big(20000), -3.0, 5.0).numpy()
    assert a.min() >= -3 and a.max() < 5 and a.mean() == pytest.approx(1.0, abs=0.05)
    a = init.normal_(_big(20000), mean=3.0, std=2.0).numpy()
    assert a.mean() == pytest.approx(3.0, abs=0.05) and a.std() == pytest.approx(2.0, rel=0.03)


def truncated_moments(a, b):
    """Mean and std of N(0, 1) restricted to [a, b] (textbook formulas)."""

    def pdf(x):
        return math.exp(-x * x / 2) / math.sqrt(2 * math.pi)

    def cdf(x):
        return (1 + math.erf(x / math.sqrt(2))) / 2

    z = cdf(b) - cdf(a)
    mean = (pdf(a) - pdf(b)) / z
    var = 1 + (a * pdf(a) - b * pdf(b)) / z - mean**2
    return mean, math.sqrt(var)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (-2.0, 2.0),  # 95% of the mass: normal draws, redrawn outside
        (1.0, 3.0),  # 16% of the mass: uniform candidates accepted by pdf ratio
    ],
)
def test_trunc_normal_stays_in_bounds_with_the_truncated_moments(a, b):
    x = init.trunc_normal_(_big(40000), a=a, b=b).numpy()
    mean, std = truncated_moments(a, b)
    assert x.min() >= a and x.max() <= b
    assert x.mean() == pytest.approx(mean, abs=0.02)
    assert x.std() == pytest.approx(std, abs=0.02)


def test_constant_zeros_ones_eye_dirac():
    t = torch.empty(2, 3)
    assert init.constant_(t, 0.25) is t and t.tolist() == [[0.25] * 3] * 2
    assert init.zeros_(t) is t and t.tolist() == [[0.0] * 3] * 2
    assert init.ones_(t) is t and t.tolist() == [[1.0] * 3] * 2
    assert init.eye_(t) is t and t.tolist() == [[1.0, 0, 0], [0, 1.0, 0]]
    w = init.dirac_(torch.empty(4, 2, 3), groups=2).numpy()
    expected = np.zeros((4, 2, 3), np.float32)
    for out_ch, in_ch in [(0, 0), (1, 1), (2, 0), (3, 1)]:
        expected[out_ch, in_ch, 1] = 1
    np.testing.assert_array_equal(w, expected)


@pytest.mark.parametrize("shape", [(5, 3), (3, 5), (4, 2, 3)])
def test_orthogonal_rows_or_columns_are_orthonormal(shape):
    w = init.orthogonal_(_big(*shape), gain=2.0).numpy().reshape(shape[0], -1).astype(np.float64)
    small = min(w.shape)
    gram = w @ w.T if w.shape[0] == small else w.T @ w
    np.testing.assert_allclose(gram, 4 * np.eye(small), atol=1e-5)


def test_initialisers_work_on_parameters_and_keep_them_leaves():
    w = torch.nn.Parameter(torch.empty(4, 3))
    for fn in [init.kaiming_uniform_, init.xavier_normal_, init.zeros_, init.orthogonal_]:
        assert fn(w) is w
        assert w.is_leaf and w.requires_grad and w.grad_fn is None
    assert torch.is_grad_enabled()
    init.trunc_normal_(w, std=0.1, a=-0.2, b=0.2)  # a, b are absolute bounds
    assert w.is_leaf and float(w.detach().abs().max()) <= 0.2


def test_in_place_fill_shows_through_aliases():
    w = torch.nn.Parameter(torch.zeros(2, 2))
    alias = w.detach()
    init.ones_(w)
    assert alias.tolist() == [[1.0, 1.0], [1.0, 1.0]]


def test_deprecated_spellings_warn():
    with pytest.warns(FutureWarning, match=r"`nn.init.uniform` is now deprecated in favor of"):
        init.uniform(torch.empty(2))


def test_float64_tensors_keep_their_dtype():
    t = torch.empty(3, 4, dtype=torch.float64)
    init.kaiming_uniform_(t)
    init.trunc_normal_(t)
    assert t.dtype == torch.float64

"""compat.Tensor against PyTorch 2.13 (COMPAT_SPEC sections 0 and 1.1-1.4).

Every test takes the module under test as the fixture ``T`` and runs twice: on compat,
and on torch itself when it is installed. The expected values, dtypes and error texts
written here are PyTorch's (COMPAT_SPEC rows, or numbers printed by torch 2.13); the torch
run shows that they are, so a number that came from compat could not pass unnoticed.
"""

import contextlib
import warnings

import numpy as np
import pytest

import compat


def library(name):
    """compat, or torch (the test is skipped when torch is not installed)."""
    return pytest.importorskip("torch") if name == "torch" else compat


@pytest.fixture(params=["compat", "torch"])
def T(request):  # noqa: N802 (the module stands for ``torch``)
    """The module under test."""
    return library(request.param)


def values(t):
    """(dtype name, shape, numpy values) of a tensor, for comparisons across libraries."""
    return str(t.dtype), tuple(t.shape), np.asarray(t.detach().tolist())


def check(t, expected, dtype, rtol=1e-6, atol=1e-7):
    """``t`` has ``dtype`` ("float32"...), the shape of ``expected`` and its values."""
    name, shape, got = values(t)
    want = np.asarray(expected)
    assert name == f"torch.{dtype}"
    assert shape == want.shape
    if want.dtype.kind == "f" or got.dtype.kind == "f":
        np.testing.assert_allclose(got, want, rtol=rtol, atol=atol)
    else:
        np.testing.assert_array_equal(got, want)


def raises(exc, text, fn, *, prefix=False):
    """``fn()`` raises ``exc`` whose message is ``text`` (or starts with it)."""
    with pytest.raises(exc) as info:
        fn()
    msg = str(info.value)
    if prefix:
        assert msg.startswith(text), msg
    else:
        assert msg == text


@contextlib.contextmanager
def default_dtype(T, d):
    old = T.get_default_dtype()
    T.set_default_dtype(d)
    try:
        yield
    finally:
        T.set_default_dtype(old)


# --- 1.1 creation ----------------------------------------------------------------------

CREATION = [
    # id, make(T), expected values, dtype
    ("int", lambda T: T.tensor(1), 1, "int64"),
    ("float", lambda T: T.tensor(1.0), 1.0, "float32"),
    ("bool", lambda T: T.tensor(True), True, "bool"),
    ("mixed_list", lambda T: T.tensor([1, 2.0]), [1.0, 2.0], "float32"),
    ("np_f64_array", lambda T: T.tensor(np.array([1.0, 2.0])), [1.0, 2.0], "float64"),
    ("np_f64_scalar_list", lambda T: T.tensor([np.float64(1.0)]), [1.0], "float64"),
    ("np_f32_scalar", lambda T: T.tensor(np.float32(1.0)), 1.0, "float32"),
    ("np_i32_array", lambda T: T.tensor(np.array([1, 2], np.int32)), [1, 2], "int32"),
    ("np_i32_scalar_list", lambda T: T.tensor([np.int32(3)]), [3], "int32"),
    ("np_f32_with_int", lambda T: T.tensor([np.float32(1.0), 2]), [1.0, 2.0], "float32"),
    ("np_i32_with_int", lambda T: T.tensor([np.int32(3), 5]), [3, 5], "int64"),
    ("empty", lambda T: T.tensor([]), np.zeros(0), "float32"),
    ("nested", lambda T: T.tensor([[1, 2], [3, 4]]), [[1, 2], [3, 4]], "int64"),
    ("bools", lambda T: T.tensor([True, False]), [True, False], "bool"),
    ("int_and_bool", lambda T: T.tensor([1, True]), [1, 1], "int64"),
    ("dtype_arg", lambda T: T.tensor([1, 2], dtype=T.float64), [1.0, 2.0], "float64"),
    ("zero_d_tensors", lambda T: T.tensor([T.tensor(1.0), T.tensor(2.0)]), [1.0, 2.0], "float32"),
    ("zeros", lambda T: T.zeros(2, 3), np.zeros((2, 3)), "float32"),
    ("zeros_tuple", lambda T: T.zeros((2, 3)), np.zeros((2, 3)), "float32"),
    ("zeros_list", lambda T: T.zeros([2, 3]), np.zeros((2, 3)), "float32"),
    ("zeros_size", lambda T: T.zeros(T.Size([2, 3])), np.zeros((2, 3)), "float32"),
    ("zeros_size_kw", lambda T: T.zeros(size=(2, 3)), np.zeros((2, 3)), "float32"),
    ("zeros_0d", lambda T: T.zeros(()), 0.0, "float32"),
    ("ones_size_kw", lambda T: T.ones(size=(2,)), [1.0, 1.0], "float32"),
    ("zeros_long", lambda T: T.zeros(2, dtype=T.long), [0, 0], "int64"),
    ("empty_shape", lambda T: T.empty(2, 3).zero_(), np.zeros((2, 3)), "float32"),
    ("zeros_like_int", lambda T: T.zeros_like(T.tensor([1, 2])), [0, 0], "int64"),
    ("ones_like_f64", lambda T: T.ones_like(T.zeros(2, dtype=T.float64)), [1.0, 1.0], "float64"),
    ("ones_like_dtype", lambda T: T.ones_like(T.zeros(2), dtype=T.int32), [1, 1], "int32"),
    ("full_like", lambda T: T.full_like(T.zeros(2), 7), [7.0, 7.0], "float32"),
    ("full_int", lambda T: T.full((2,), 3), [3, 3], "int64"),
    ("full_float", lambda T: T.full((2,), 3.0), [3.0, 3.0], "float32"),
    ("full_bool", lambda T: T.full((2,), True), [True, True], "bool"),
    ("full_dtype", lambda T: T.full([2], 3, dtype=T.float64), [3.0, 3.0], "float64"),
    ("eye", lambda T: T.eye(3), np.eye(3), "float32"),
    ("eye_rect", lambda T: T.eye(2, 3), np.eye(2, 3), "float32"),
    ("eye_long", lambda T: T.eye(2, dtype=T.long), [[1, 0], [0, 1]], "int64"),
    ("arange", lambda T: T.arange(5), [0, 1, 2, 3, 4], "int64"),
    ("arange_float", lambda T: T.arange(0.0, 5), [0.0, 1.0, 2.0, 3.0, 4.0], "float32"),
    ("arange_step", lambda T: T.arange(0, 1, 0.25), [0.0, 0.25, 0.5, 0.75], "float32"),
    ("arange_ints", lambda T: T.arange(1, 10, 3), [1, 4, 7], "int64"),
    ("arange_down", lambda T: T.arange(5, 0, -2), [5, 3, 1], "int64"),
    ("arange_dtype", lambda T: T.arange(3, dtype=T.float64), [0.0, 1.0, 2.0], "float64"),
    ("linspace", lambda T: T.linspace(0, 1, 5), [0.0, 0.25, 0.5, 0.75, 1.0], "float32"),
    ("linspace_steps_kw", lambda T: T.linspace(0, 1, steps=3), [0.0, 0.5, 1.0], "float32"),
    ("linspace_one", lambda T: T.linspace(-1, 1, 1), [-1.0], "float32"),
    ("linspace_none", lambda T: T.linspace(0, 1, 0), np.zeros(0), "float32"),
    (
        "linspace_long",
        lambda T: T.linspace(0, 10, 7, dtype=T.int64),
        [0, 1, 3, 5, 6, 8, 10],
        "int64",
    ),
    ("linspace_f64", lambda T: T.linspace(0, 1, 3, dtype=T.float64), [0.0, 0.5, 1.0], "float64"),
    ("logspace", lambda T: T.logspace(0, 2, 3), [1.0, 10.0, 100.0], "float32"),
    ("Tensor_data", lambda T: T.Tensor([1, 2]), [1.0, 2.0], "float32"),
    ("Tensor_sizes", lambda T: T.Tensor(2, 3).zero_(), np.zeros((2, 3)), "float32"),
    ("FloatTensor", lambda T: T.FloatTensor([1, 2]), [1.0, 2.0], "float32"),
    ("LongTensor", lambda T: T.LongTensor([1, 2]), [1, 2], "int64"),
    ("as_tensor_list", lambda T: T.as_tensor([1, 2]), [1, 2], "int64"),
    ("as_tensor_dtype", lambda T: T.as_tensor([1, 2], dtype=T.float64), [1.0, 2.0], "float64"),
]


@pytest.mark.parametrize(
    "make, expected, dtype", [c[1:] for c in CREATION], ids=[c[0] for c in CREATION]
)
def test_creation(T, make, expected, dtype):
    check(make(T), expected, dtype)


def test_creation_errors(T):
    raises(
        ValueError,
        "expected sequence of length 2 at dim 1 (got 1)",
        lambda: T.tensor([[1, 2], [3]]),
    )
    raises(
        RuntimeError,
        "Only Tensors of floating point and complex dtype can require gradients",
        lambda: T.tensor([1, 2], requires_grad=True),
    )
    raises(TypeError, "expected np.ndarray (got list)", lambda: T.from_numpy([1, 2]))
    raises(
        ValueError,
        "At least one stride in the given numpy array is negative",
        lambda: T.from_numpy(np.zeros(3)[::-1]),
        prefix=True,
    )
    raises(TypeError, "linspace()", lambda: T.linspace(0, 1), prefix=True)
    raises(
        RuntimeError,
        "upper bound and lower bound inconsistent with step sign",
        lambda: T.arange(0, 5, -1),
    )
    raises(
        RuntimeError, "Trying to create tensor with negative dimension -1: [-1]", lambda: T.ones(-1)
    )
    raises(
        TypeError,
        "ones(): argument 'size' (position 1) must be tuple of ints, not float",
        lambda: T.ones(2.5),
    )


def test_tensor_of_a_tensor_warns_and_copies(T):
    src = T.tensor([1.0, 2.0])
    with pytest.warns(
        UserWarning,
        match="To copy construct from a tensor, it is recommended to "
        r"use sourceTensor.detach\(\).clone\(\)",
    ):
        t = T.tensor(src)
    src.add_(1)
    check(t, [1.0, 2.0], "float32")


def test_requires_grad_at_creation(T):
    for t in (
        T.tensor([1.0], requires_grad=True),
        T.zeros(2, requires_grad=True),
        T.ones(1, requires_grad=True),
        T.randn(2, requires_grad=True),
        T.full((2,), 1.0, requires_grad=True),
        T.eye(2, requires_grad=True),
        T.arange(2.0, requires_grad=True),
        T.linspace(0, 1, 2, requires_grad=True),
    ):
        assert t.requires_grad and t.is_leaf and t.grad is None and t.grad_fn is None


def test_from_numpy_shares_memory_and_tensor_copies(T):
    a = np.zeros(3, np.float32)
    shared, copied, alias = T.from_numpy(a), T.tensor(a), T.as_tensor(a)
    a[0] = 7.0
    check(shared, [7.0, 0.0, 0.0], "float32")
    check(alias, [7.0, 0.0, 0.0], "float32")
    check(copied, [0.0, 0.0, 0.0], "float32")
    shared.add_(1)  # and writes through the tensor show in the array
    np.testing.assert_array_equal(a, [8.0, 1.0, 1.0])
    check(T.from_numpy(np.arange(3)), [0, 1, 2], "int64")
    as_f64 = T.as_tensor(a, dtype=T.float64)  # another dtype: a copy
    a[1] = 5.0
    check(as_f64, [8.0, 1.0, 1.0], "float64")
    x = T.ones(2)
    assert T.as_tensor(x) is x


def test_numpy_shares_memory(T):
    # PyTorch's tutorials print this: the array follows the tensor's in-place changes
    t = T.ones(5)
    n = t.numpy()
    t.add_(1)
    np.testing.assert_array_equal(n, [2.0] * 5)
    n[0] = 9.0
    check(t, [9.0, 2.0, 2.0, 2.0, 2.0], "float32")
    assert n.dtype == np.float32
    w = T.ones(2, requires_grad=True)
    raises(
        RuntimeError,
        "Can't call numpy() on Tensor that requires grad. Use tensor.detach().numpy() instead.",
        w.numpy,
    )
    d = w.detach().numpy()
    with T.no_grad():
        w.mul_(3)
    np.testing.assert_array_equal(d, [3.0, 3.0])


# --- random streams (PyTorch's numbers after manual_seed) --------------------------------

RANDN_20 = [
    -1.1258398294448853,
    -1.152360200881958,
    -0.2505785822868347,
    -0.4338788092136383,
    0.5988394618034363,
    -1.5550950765609741,
    -0.3413603901863098,
    1.85300612449646,
    0.46809640526771545,
    -0.1577124446630478,
    1.4436601400375366,
    0.26604941487312317,
    1.3893661499023438,
    1.586334228515625,
    0.946298360824585,
    -0.843676745891571,
    0.9318265914916992,
    1.2590092420578003,
    2.0049805641174316,
    0.05373690277338028,
]


def test_manual_seed_streams(T):
    g = T.manual_seed(0)
    assert isinstance(g, T.Generator)
    check(T.randn(3), [1.5410, -0.2934, -2.1788], "float32", atol=1e-4)
    T.manual_seed(0)
    check(T.rand(3), [0.4963, 0.7682, 0.0885], "float32", atol=1e-4)
    T.manual_seed(0)  # 16 or more normals: PyTorch's batched Box-Muller, float32 arithmetic
    check(T.randn(20), RANDN_20, "float32", rtol=0, atol=3e-7)
    T.manual_seed(0)
    check(
        T.randn(3, dtype=T.float64),
        [1.5409961082440433, -0.2934289057609464, -2.1787893820745574],
        "float64",
        rtol=1e-15,
    )
    check(
        T.rand(2, dtype=T.float64), [0.6450241201227648, 0.7911478921803037], "float64", rtol=1e-15
    )
    T.manual_seed(0)
    check(T.randint(0, 10, (6,)), [4, 9, 3, 0, 3, 9], "int64")
    check(T.randint(5, (2, 2)), [[2, 3], [2, 3]], "int64")
    check(T.randint(-3, 3, (4,)), [2, -1, -3, 0], "int64")
    T.manual_seed(0)
    check(T.randperm(8), [4, 0, 7, 3, 2, 5, 1, 6], "int64")
    T.manual_seed(7)
    check(
        T.randn(2, 3),
        [
            [-0.1467950940132141, 0.7861412763595581, 0.9468216300010681],
            [-1.1143440008163452, 1.6907901763916016, -0.8948279023170471],
        ],
        "float32",
    )


def test_streams_continue_across_calls(T):
    T.manual_seed(0)
    T.randn(3)
    check(T.rand(2), [0.455627977848053, 0.6323062777519226], "float32")
    check(
        T.randn(17)[:3],
        [0.4913049638271332, 0.26604941487312317, 0.16645534336566925],
        "float32",
        atol=3e-7,
    )


def test_generator_argument_and_inplace_fills(T):
    g = T.Generator().manual_seed(42)
    check(
        T.rand(3, generator=g),
        [0.8822692632675171, 0.9150039553642273, 0.38286375999450684],
        "float32",
    )
    check(T.randn(2, generator=g), [-0.829319179058075, -1.6137069463729858], "float32")
    check(T.randperm(5, generator=g), [4, 3, 0, 1, 2], "int64")
    check(T.randint(0, 10, (3,), generator=T.Generator().manual_seed(0)), [4, 9, 3], "int64")
    T.manual_seed(0)
    u = T.empty(4).uniform_(-1, 1)
    check(
        u,
        [-0.007486820220947266, 0.5364435911178589, -0.8230451345443726, -0.7359390258789062],
        "float32",
    )
    check(
        T.empty(3).normal_(2, 0.5),
        [0.9106053113937378, 2.2842156887054443, 1.4577388763427734],
        "float32",
    )


def test_random_dtypes_and_likes(T):
    assert str(T.rand(2).dtype) == "torch.float32"
    assert str(T.randn(2, dtype=T.float64).dtype) == "torch.float64"
    assert str(T.randint(0, 3, (2,)).dtype) == "torch.int64"
    assert str(T.randperm(3).dtype) == "torch.int64"
    assert str(T.randn_like(T.zeros(2, dtype=T.float64)).dtype) == "torch.float64"
    assert T.rand_like(T.zeros(2, 3)).shape == (2, 3)
    assert T.rand(size=(2, 2)).shape == (2, 2)
    T.manual_seed(1)
    a = T.rand(100)
    assert 0 <= a.min().item() and a.max().item() < 1
    assert sorted(T.randperm(10).tolist()) == list(range(10))


def test_default_dtype(T):
    assert T.get_default_dtype() is T.float32
    with default_dtype(T, T.float64):
        assert T.get_default_dtype() is T.float64
        for t in (
            T.tensor(1.0),
            T.zeros(1),
            T.tensor([1, 2]) + 1.5,
            T.arange(0.0, 2),
            T.rand(1),
            T.tensor([1, 2]) / 2,
        ):
            assert str(t.dtype) == "torch.float64"
    assert str(T.tensor(1.0).dtype) == "torch.float32"


# --- dtypes, devices, conversions --------------------------------------------------------


def test_dtype_objects(T):
    assert T.float32 is T.float and T.float64 is T.double and T.int64 is T.long
    assert T.int32 is T.int and T.float16 is T.half
    assert str(T.float32) == "torch.float32" and repr(T.int64) == "torch.int64"
    assert T.float32.is_floating_point and not T.int64.is_floating_point
    assert T.tensor([1.0]).dtype is T.float32
    assert T.tensor([1.0]).dtype == T.float32 != T.float64
    assert T.tensor([1.0]).is_floating_point() and not T.tensor([1]).is_floating_point()


def test_conversions(T):
    x = T.tensor([1.7, 2.0])
    check(x.long(), [1, 2], "int64")
    check(T.tensor([1.7, -1.7]).int(), [1, -1], "int32")
    check(x.double(), [1.7, 2.0], "float64")
    check(T.tensor([1, 0]).float(), [1.0, 0.0], "float32")
    check(T.tensor([2.0, 0.0]).bool(), [True, False], "bool")
    check(x.to(T.float64), [1.7, 2.0], "float64")
    check(x.to(dtype=T.int64), [1, 2], "int64")
    check(x.type(T.float64), [1.7, 2.0], "float64")
    check(T.tensor([1, 2]).to(T.zeros(1)), [1.0, 2.0], "float32")
    assert x.to(T.float32) is x and x.float() is x
    assert x.to("cpu") is x and x.cpu() is x and x.to(T.device("cpu")) is x
    assert x.type() == "torch.FloatTensor"
    assert T.tensor([1]).type() == "torch.LongTensor"
    assert T.tensor([1.0], dtype=T.float64).type() == "torch.DoubleTensor"
    assert T.tensor([True]).type() == "torch.BoolTensor"


def test_device_and_cuda(T):
    x = T.ones(2)
    assert repr(x.device) == "device(type='cpu')" and str(x.device) == "cpu"
    assert x.device == T.device("cpu") and x.device.type == "cpu"
    assert T.cuda.is_available() is False
    # the tutorial idiom
    device = T.device("cuda" if T.cuda.is_available() else "cpu")
    assert x.to(device) is x and not x.is_cuda
    assert str(T.zeros(1, device="cpu").device) == "cpu"


# --- 1.2 type promotion ----------------------------------------------------------------

PROMOTION = [
    # id, expression on (T, i64 1-d, f32 1-d, bool 1-d), dtype, values
    ("int_plus_float", lambda T, i, f, b: i + 1.5, "float32", [2.5, 3.5, 4.5]),
    ("int_times_true", lambda T, i, f, b: i * True, "int64", [1, 2, 3]),
    ("bool_plus_int", lambda T, i, f, b: b + 1, "int64", [2, 1, 2]),
    ("bool_times_float", lambda T, i, f, b: b * 2.5, "float32", [2.5, 0.0, 2.5]),
    ("bool_plus_true", lambda T, i, f, b: b + True, "bool", [True, True, True]),
    ("int_true_div_int", lambda T, i, f, b: i / 2, "float32", [0.5, 1.0, 1.5]),
    ("int_div_int_tensor", lambda T, i, f, b: i / i, "float32", [1.0, 1.0, 1.0]),
    ("int_floordiv", lambda T, i, f, b: i // 2, "int64", [0, 1, 1]),
    ("f32_np_f64", lambda T, i, f, b: f + np.float64(1.5), "float32", [2.0, 3.5, 1.5]),
    (
        "f32_0d_f64",
        lambda T, i, f, b: f + T.tensor(1.5, dtype=T.float64),
        "float32",
        [2.0, 3.5, 1.5],
    ),
    (
        "f32_1d_f64",
        lambda T, i, f, b: f + T.tensor([1.0, 1, 1], dtype=T.float64),
        "float64",
        [1.5, 3.0, 1.0],
    ),
    (
        "int_0d_f64",
        lambda T, i, f, b: i + T.tensor(1.0, dtype=T.float64),
        "float64",
        [2.0, 3.0, 4.0],
    ),
    (
        "i32_0d_i64",
        lambda T, i, f, b: T.tensor([1, 2], dtype=T.int32) + T.tensor(1),
        "int32",
        [2, 3],
    ),
    (
        "i32_1d_i64",
        lambda T, i, f, b: T.tensor([1, 2], dtype=T.int32) + T.tensor([1, 1]),
        "int64",
        [2, 3],
    ),
    (
        "f16_0d_f32",
        lambda T, i, f, b: T.tensor([1.0], dtype=T.float16) + T.tensor(1.0),
        "float16",
        [2.0],
    ),
    (
        "0d_f64_0d_f32",
        lambda T, i, f, b: T.tensor(1.0, dtype=T.float64) + T.tensor(2.0),
        "float64",
        3.0,
    ),
    ("int8_wraps", lambda T, i, f, b: T.tensor([1], dtype=T.int8) + 1000, "int8", [-23]),
    ("uint8_wraps", lambda T, i, f, b: T.tensor([1], dtype=T.uint8) - 2, "uint8", [255]),
    ("int_square", lambda T, i, f, b: i**2, "int64", [1, 4, 9]),
    ("int_sqrt_pow", lambda T, i, f, b: T.tensor([1, 4]) ** 0.5, "float32", [1.0, 2.0]),
    ("int_sqrt", lambda T, i, f, b: T.tensor([1, 4]).sqrt(), "float32", [1.0, 2.0]),
    ("int_exp", lambda T, i, f, b: T.tensor([0]).exp(), "float32", [1.0]),
    ("int_times_float_tensor", lambda T, i, f, b: i * f, "float32", [0.5, 4.0, 0.0]),
    ("int_div_zero", lambda T, i, f, b: i / 0, "float32", [np.inf] * 3),
    (
        "float_floordiv_zero",
        lambda T, i, f, b: T.tensor([1.0, -2.0]) // 0,
        "float32",
        [np.inf, -np.inf],
    ),
    ("python_modulo", lambda T, i, f, b: T.tensor([-3.0]) % 2, "float32", [1.0]),
    ("python_int_modulo", lambda T, i, f, b: T.tensor([-3]) % 2, "int64", [1]),
    ("modulo_negative", lambda T, i, f, b: T.tensor([3.0]) % -2, "float32", [-1.0]),
    ("where_int_float", lambda T, i, f, b: T.where(b, i, 0.5), "float32", [1.0, 0.5, 3.0]),
    ("clamp_int_float", lambda T, i, f, b: i.clamp(min=1.5), "float32", [1.5, 2.0, 3.0]),
    ("cat_promotes", lambda T, i, f, b: T.cat([i, f]), "float32", [1.0, 2.0, 3.0, 0.5, 2.0, 0.0]),
    ("int_sum", lambda T, i, f, b: i.sum(), "int64", 6),
    ("bool_sum", lambda T, i, f, b: b.sum(), "int64", 2),
    ("i32_sum", lambda T, i, f, b: T.tensor([1, 2], dtype=T.int32).sum(), "int64", 3),
    ("neg_int", lambda T, i, f, b: -i, "int64", [-1, -2, -3]),
    ("reflected_sub", lambda T, i, f, b: 1 - i, "int64", [0, -1, -2]),
    ("reflected_div", lambda T, i, f, b: 3 / i, "float32", [3.0, 1.5, 1.0]),
    ("reflected_pow", lambda T, i, f, b: 2**i, "int64", [2, 4, 8]),
    ("reflected_pow_float", lambda T, i, f, b: 2.0**i, "float32", [2.0, 4.0, 8.0]),
    ("compare", lambda T, i, f, b: i > f, "bool", [True, False, True]),
]


@pytest.mark.parametrize(
    "expr, dtype, expected", [c[1:] for c in PROMOTION], ids=[c[0] for c in PROMOTION]
)
def test_promotion(T, expr, dtype, expected):
    i, f, b = T.tensor([1, 2, 3]), T.tensor([0.5, 2.0, 0.0]), T.tensor([True, False, True])
    check(expr(T, i, f, b), expected, dtype)


def test_inplace_keeps_dtype(T):
    f = T.tensor([1.0, 2.0])
    f.add_(T.tensor([1.0, 2.0], dtype=T.float64))
    check(f, [2.0, 4.0], "float32")
    i = T.tensor([1, 2])
    i *= 2
    i += True
    check(i, [3, 5], "int64")


def test_promotion_errors(T):
    i = T.tensor([1, 2, 3])
    raises(RuntimeError, "Integers to negative integer powers are not allowed.", lambda: i**-1)
    raises(
        RuntimeError,
        "result type Float can't be cast to the desired output type Long",
        lambda: i.add_(1.5),
    )
    raises(
        RuntimeError,
        "result type Float can't be cast to the desired output type Long",
        lambda: i.__itruediv__(2),
    )
    raises(
        RuntimeError,
        "mean(): could not infer output dtype. Input dtype must be either a "
        "floating point or complex dtype. Got: Long",
        i.mean,
    )
    raises(RuntimeError, "ZeroDivisionError", lambda: i // 0)
    raises(RuntimeError, "ZeroDivisionError", lambda: i % 0)


def test_matmul_does_not_promote(T):
    raises(
        RuntimeError,
        "expected m1 and m2 to have the same dtype, but got: long int != float",
        lambda: T.ones(2, 2, dtype=T.long) @ T.ones(2, 2),
    )
    raises(
        RuntimeError,
        "expected m1 and m2 to have the same dtype, but got: double != float",
        lambda: T.ones(2, 3, dtype=T.float64) @ T.ones(3, 2),
    )
    raises(
        RuntimeError,
        "dot : expected both vectors to have same dtype, but found Long and Float",
        lambda: T.tensor([1, 2]) @ T.tensor([1.0, 2.0]),
    )
    raises(
        RuntimeError,
        "mat1 and mat2 must have the same dtype, but got Double and Float",  # as nn.Linear
        lambda: T.addmm(T.ones(2), T.ones(2, 2, dtype=T.float64), T.ones(2, 2)),
    )
    raises(
        RuntimeError,
        "expected scalar type Double but found Float",
        lambda: T.ones(2, 2, 2, dtype=T.float64) @ T.ones(2, 2, 2),
    )


# --- 1.3 attributes, conversion to Python, repr ---------------------------------------------


def test_shape_and_size(T):
    x = T.zeros(2, 3)
    assert isinstance(x.shape, tuple) and isinstance(x.shape, T.Size)
    assert x.shape == (2, 3) and x.size() == (2, 3) and x.shape == T.Size([2, 3])
    assert repr(x.shape) == "torch.Size([2, 3])"
    assert x.size(1) == 3 and x.size(-1) == 3 and x.size(0) == 2
    assert x.dim() == 2 and x.ndim == 2 and x.numel() == 6 and len(x) == 2
    assert x.shape[1:] == (3,) and isinstance(x.shape[1:], T.Size)
    assert T.Size([2, 3]).numel() == 6 and tuple(T.zeros(()).shape) == ()
    raises(TypeError, "len() of a 0-d tensor", lambda: len(T.tensor(1.0)))
    raises(
        IndexError,
        "Dimension out of range (expected to be in range of [-2, 1], but got 2)",
        lambda: x.size(2),
    )


def test_python_scalars(T):
    assert T.tensor(2.5).item() == 2.5 and isinstance(T.tensor(2.5).item(), float)
    assert T.tensor(3).item() == 3 and isinstance(T.tensor(3).item(), int)
    assert T.tensor(True).item() is True
    assert T.tensor([[7]]).item() == 7
    raises(
        RuntimeError,
        "a Tensor with 6 elements cannot be converted to Scalar",
        lambda: T.ones(2, 3).item(),
    )
    assert float(T.tensor([2.5])) == 2.5 and int(T.tensor(-2.7)) == -2
    assert bool(T.tensor([0.0])) is False and bool(T.tensor(3))
    raises(
        ValueError,
        "only one element tensors can be converted to Python scalars",
        lambda: float(T.ones(2)),
    )
    raises(
        RuntimeError,
        "Boolean value of Tensor with more than one value is ambiguous",
        lambda: bool(T.ones(2)),
    )
    assert f"{T.tensor(3.14159):.3f}" == "3.142" and f"{T.tensor(2):>3}" == "  2"
    for t in (T.tensor([3.14159]), T.ones(2)):  # 0-d tensors only
        raises(
            TypeError,
            "unsupported format string passed to Tensor.__format__",
            lambda t=t: f"{t:.3f}",
        )
    acc = (T.tensor([1, 2, 3]) == T.tensor([1, 0, 3])).sum().item()
    assert acc == 2 and isinstance(acc, int)
    assert [1, 2, 3][T.tensor(1)] == 2  # __index__
    assert T.tensor(2.0).tolist() == 2.0 and T.tensor([[1, 2]]).tolist() == [[1, 2]]
    assert isinstance(T.tensor([1.5]).tolist()[0], float)


def test_identity_hash_and_isinstance(T):
    a, b = T.ones(1), T.ones(1)
    assert {a: 1, b: 2}[a] == 1 and len({a, b}) == 2
    assert isinstance(a, T.Tensor) and T.is_tensor(a) and not T.is_tensor([1.0])
    assert not T.is_tensor(np.ones(1))
    raises(
        TypeError,
        "exp(): argument 'input' (position 1) must be Tensor, not float",
        lambda: T.exp(1.0),
    )


REPRS = [
    (lambda T: T.tensor([[1.0, 2.0], [3.0, 4.0]]), "tensor([[1., 2.],\n        [3., 4.]])"),
    (lambda T: T.tensor(3.5), "tensor(3.5000)"),
    (lambda T: T.tensor([1.0, 2.0], dtype=T.float64), "tensor([1., 2.], dtype=torch.float64)"),
    (lambda T: T.tensor([1, 2]), "tensor([1, 2])"),
    (lambda T: T.tensor([1, 2], dtype=T.int32), "tensor([1, 2], dtype=torch.int32)"),
    (lambda T: T.tensor([True, False]), "tensor([ True, False])"),
    (lambda T: T.zeros(2, requires_grad=True), "tensor([0., 0.], requires_grad=True)"),
    (lambda T: T.tensor([0.123456, 123456.0]), "tensor([1.2346e-01, 1.2346e+05])"),
    (lambda T: T.tensor([1.5, -2.0]), "tensor([ 1.5000, -2.0000])"),
    (lambda T: T.tensor([]), "tensor([])"),
    (lambda T: T.tensor([-1, 20]), "tensor([-1, 20])"),
    (lambda T: T.tensor(2.0), "tensor(2.)"),
    (lambda T: T.tensor([1.5, float("nan"), float("inf")]), "tensor([1.5000,    nan,    inf])"),
    (
        lambda T: T.tensor([1.0, 2.0], requires_grad=True) * 2,
        "tensor([2., 4.], grad_fn=<MulBackward0>)",
    ),
    (
        lambda T: T.zeros(2, 2, 2),
        "tensor([[[0., 0.],\n         [0., 0.]],\n\n        [[0., 0.],\n         [0., 0.]]])",
    ),
]


@pytest.mark.parametrize("make, text", REPRS, ids=[r[1] for r in REPRS])
def test_repr(T, make, text):
    t = make(T)
    assert repr(t) == text and str(t) == text


# --- shape ops ----------------------------------------------------------------------------


def test_view_and_reshape(T):
    x = T.arange(6)
    check(x.view(2, 3), [[0, 1, 2], [3, 4, 5]], "int64")
    check(x.view((3, 2)), [[0, 1], [2, 3], [4, 5]], "int64")
    check(x.view(-1, 2), [[0, 1], [2, 3], [4, 5]], "int64")
    check(x.view(T.Size([6])), [0, 1, 2, 3, 4, 5], "int64")
    raises(RuntimeError, "shape '[4, 2]' is invalid for input of size 6", lambda: x.view(4, 2))
    raises(RuntimeError, "only one dimension can be inferred", lambda: x.view(-1, -1))
    m = x.view(2, 3)
    raises(
        RuntimeError,
        "view size is not compatible with input tensor's size and stride (at "
        "least one dimension spans across two contiguous subspaces). Use .reshape(...) "
        "instead.",
        lambda: m.t().view(6),
    )
    check(m.t().reshape(6), [0, 3, 1, 4, 2, 5], "int64")
    check(m.reshape(-1), [0, 1, 2, 3, 4, 5], "int64")
    assert m.is_contiguous() and not m.t().is_contiguous()
    assert m.t().contiguous().is_contiguous()
    check(m.t().contiguous().view(6), [0, 3, 1, 4, 2, 5], "int64")
    assert x.view_as(T.zeros(3, 2)).shape == (3, 2)


def test_view_shares_data(T):
    x = T.zeros(2, 3)
    v = x.view(6)
    v[0] = 1.0
    x[1, 2] = 5.0
    x[0][1] = 2.0  # chained indexing writes through the view x[0]
    check(x, [[1, 2, 0], [0, 0, 5]], "float32")
    check(v, [1, 2, 0, 0, 0, 5], "float32")


VIEW_WRITES = [
    # id, write through something derived from x (2x3 zeros), x afterwards
    ("view_add_", lambda T, x: x.view(6).add_(1), [[1, 1, 1], [1, 1, 1]]),
    ("t_setitem", lambda T, x: x.t().__setitem__(0, 5.0), [[5, 0, 0], [5, 0, 0]]),
    ("row_zero_fill", lambda T, x: (x[0].fill_(1), x[1].zero_()), [[1, 1, 1], [0, 0, 0]]),
    (
        "unsqueeze_setitem",
        lambda T, x: x.unsqueeze(0).__setitem__((0, 1), 5.0),
        [[0, 0, 0], [5, 5, 5]],
    ),
    ("column_add_", lambda T, x: x[:, 1].add_(3), [[0, 3, 0], [0, 3, 0]]),
    ("chained_setitem", lambda T, x: x[0].__setitem__(1, 5.0), [[0, 5, 0], [0, 0, 0]]),
    ("reshape_is_a_view", lambda T, x: x.reshape(6).__setitem__(0, 1.0), [[1, 0, 0], [0, 0, 0]]),
    ("flatten_is_a_view", lambda T, x: x.flatten().__setitem__(5, 1.0), [[0, 0, 0], [0, 0, 1]]),
    ("permute", lambda T, x: x.permute(1, 0).__setitem__((2, 0), 7.0), [[0, 0, 7], [0, 0, 0]]),
    ("detach", lambda T, x: x.detach().__setitem__((1, 1), 7.0), [[0, 0, 0], [0, 7, 0]]),
    ("squeeze", lambda T, x: x.squeeze().__setitem__((0, 0), 7.0), [[7, 0, 0], [0, 0, 0]]),
    ("narrow", lambda T, x: x.narrow(1, 1, 2).fill_(4), [[0, 4, 4], [0, 4, 4]]),
    ("split", lambda T, x: x.split(1)[1].fill_(4), [[0, 0, 0], [4, 4, 4]]),
    ("unbind", lambda T, x: x.unbind(1)[2].fill_(4), [[0, 0, 4], [0, 0, 4]]),
    ("diagonal", lambda T, x: x.diagonal().fill_(1), [[1, 0, 0], [0, 1, 0]]),
    ("diagonal_offset", lambda T, x: x.diagonal(1).add_(2), [[0, 2, 0], [0, 0, 2]]),
    # copies: x is unchanged
    ("reshape_of_transpose", lambda T, x: x.t().reshape(6).fill_(1), [[0, 0, 0], [0, 0, 0]]),
    ("clone", lambda T, x: x.clone().fill_(1), [[0, 0, 0], [0, 0, 0]]),
    ("advanced_index", lambda T, x: x[[0, 1]].fill_(1), [[0, 0, 0], [0, 0, 0]]),
    ("mask", lambda T, x: x[x == 0].fill_(1), [[0, 0, 0], [0, 0, 0]]),
    ("contiguous_of_t", lambda T, x: x.t().contiguous().fill_(1), [[0, 0, 0], [0, 0, 0]]),
]


@pytest.mark.parametrize(
    "write, expected", [w[1:] for w in VIEW_WRITES], ids=[w[0] for w in VIEW_WRITES]
)
def test_writes_through_views_reach_the_base(T, write, expected):
    x = T.zeros(2, 3)
    write(T, x)
    check(x, expected, "float32")


def test_views_of_arrays(T):
    a = np.zeros(3, np.float32)
    T.from_numpy(a)[1:].fill_(2)
    np.testing.assert_array_equal(a, [0.0, 2.0, 2.0])
    t = T.zeros(3)
    n = t.numpy()
    t[0] = 4.0
    t.mul_(2)
    np.testing.assert_array_equal(n, [8.0, 0.0, 0.0])


def test_views_share_the_version_counter(T):
    x = T.zeros(2, 3)
    v = x[0]
    v.add_(1)
    assert (x._version, v._version) == (1, 1)
    w = x.view(6)
    x.add_(1)
    assert w._version == 2
    p = T.ones(3, requires_grad=True)
    y = (p * 1) * 1
    z = (y * y).sum()
    y[0:2].mul_(3)  # y was saved by y * y
    raises(
        RuntimeError,
        "one of the variables needed for gradient computation has been "
        "modified by an inplace operation",
        z.backward,
        prefix=True,
    )


def test_inplace_through_a_view_of_a_non_leaf(T):
    x = T.ones(3, requires_grad=True)
    y = x * 2
    y[0:2].mul_(3)
    check(y.detach(), [6.0, 6.0, 2.0], "float32")
    assert type(y.grad_fn).__name__ == "CopySlices"
    (y * y).sum().backward()
    check(x.grad, [72.0, 72.0, 8.0], "float32")
    m = T.ones(2, 2, requires_grad=True)
    n = m + 0
    n.t()[0].mul_(5)
    n.sum().backward()
    check(m.grad, [[5.0, 1.0], [5.0, 1.0]], "float32")


def test_transposes(T):
    x = T.zeros(2, 3, 4)
    assert x.permute(2, 0, 1).shape == (4, 2, 3) and x.permute((2, 0, 1)).shape == (4, 2, 3)
    assert x.transpose(0, 2).shape == (4, 3, 2) and x.mT.shape == (2, 4, 3)
    assert T.zeros(2, 3).t().shape == (3, 2) and T.zeros(3).t().shape == (3,)
    assert T.zeros(2, 3).T.shape == (3, 2)
    raises(RuntimeError, "t() expects a tensor with <= 2 dimensions, but self is 3D", x.t)
    m = T.arange(6).view(2, 3)
    check(m.t(), [[0, 3], [1, 4], [2, 5]], "int64")
    check(m.T, [[0, 3], [1, 4], [2, 5]], "int64")
    check(T.transpose(m, 0, 1), [[0, 3], [1, 4], [2, 5]], "int64")


def test_T_on_other_than_2d_warns(T):
    # PyTorch warns once per process, so its run only checks the result
    ctx = (
        pytest.warns(
            UserWarning,
            match="The use of `x.T` on tensors of dimension other "
            "than 2 to reverse their shape is deprecated",
        )
        if T is compat
        else warnings.catch_warnings()
    )
    with ctx:
        warnings.simplefilter("ignore") if T is not compat else None
        assert T.zeros(2, 3, 4).T.shape == (4, 3, 2)


def test_flatten_unsqueeze_squeeze(T):
    x = T.zeros(2, 3, 4)
    assert x.flatten().shape == (24,) and x.flatten(1).shape == (2, 12)
    assert x.flatten(0, 1).shape == (6, 4) and T.flatten(x, 1).shape == (2, 12)
    assert T.tensor(1.0).flatten().shape == (1,)
    assert T.zeros(3).unsqueeze(0).shape == (1, 3) and T.zeros(3).unsqueeze(-1).shape == (3, 1)
    y = T.zeros(1, 3, 1)
    assert y.squeeze().shape == (3,) and y.squeeze(1).shape == (1, 3, 1)
    assert y.squeeze(0).shape == (3, 1) and y.squeeze((0, 2)).shape == (3,)
    assert y.squeeze(-1).shape == (1, 3)
    raises(
        IndexError,
        "Dimension out of range (expected to be in range of [-2, 1], but got 2)",
        lambda: T.zeros(3).unsqueeze(2),
    )


def test_expand_and_repeat(T):
    x = T.tensor([[1], [2]])
    check(x.expand(2, 3), [[1, 1, 1], [2, 2, 2]], "int64")
    check(x.expand(-1, 2), [[1, 1], [2, 2]], "int64")
    assert x.expand(4, 2, 3).shape == (4, 2, 3)
    check(T.tensor([1, 2]).repeat(2), [1, 2, 1, 2], "int64")
    check(T.tensor([1, 2]).repeat(2, 2), [[1, 2, 1, 2], [1, 2, 1, 2]], "int64")
    raises(
        RuntimeError,
        "The expanded size of the tensor (4) must match the existing size (2) "
        "at non-singleton dimension 1.  Target sizes: [3, 4].  Tensor sizes: [3, 2]",
        lambda: T.zeros(3, 2).expand(3, 4),
    )
    raises(
        RuntimeError,
        "Number of dimensions of repeat dims can not be smaller than number of "
        "dimensions of tensor",
        lambda: T.tensor([[1, 2]]).repeat(2),
    )


def test_cat_and_stack(T):
    a, b = T.tensor([[1, 2]]), T.tensor([[3, 4]])
    check(T.cat([a, b]), [[1, 2], [3, 4]], "int64")
    check(T.cat((a, b), dim=1), [[1, 2, 3, 4]], "int64")
    check(T.stack([a[0], b[0]]), [[1, 2], [3, 4]], "int64")
    check(T.stack([a[0], b[0]], 1), [[1, 3], [2, 4]], "int64")
    check(T.cat([T.ones(1), T.ones(1, dtype=T.float64)]), [1.0, 1.0], "float64")
    raises(
        RuntimeError,
        "stack expects each tensor to be equal size, but got [2] at entry 0 and [3] at entry 1",
        lambda: T.stack([T.ones(2), T.ones(3)]),
    )
    raises(
        RuntimeError,
        "Sizes of tensors must match except in dimension 0. Expected size 1 but "
        "got size 2 for tensor number 1 in the list.",
        lambda: T.cat([T.ones(2, 1), T.zeros(3, 2)]),
    )
    raises(
        TypeError,
        "cat(): argument 'tensors' (position 1) must be tuple of Tensors, not Tensor",
        lambda: T.cat(a),
    )


# --- indexing --------------------------------------------------------------------------------


def test_getitem(T):
    x = T.arange(12).view(3, 4)
    check(x[0], [0, 1, 2, 3], "int64")
    check(x[-1, 1], 9, "int64")
    check(x[:, 1], [1, 5, 9], "int64")
    check(x[1:, ::2], [[4, 6], [8, 10]], "int64")
    assert x[None].shape == (1, 3, 4) and x[0, None].shape == (1, 4)
    check(x[..., 1], [1, 5, 9], "int64")
    check(x[[0, 2]], [[0, 1, 2, 3], [8, 9, 10, 11]], "int64")
    check(x[T.tensor([0, 2])], [[0, 1, 2, 3], [8, 9, 10, 11]], "int64")
    check(x[x > 8], [9, 10, 11], "int64")
    check(x[[0, 1], [1, 2]], [1, 6], "int64")
    check(x[1:, T.tensor([0, 3])], [[4, 7], [8, 11]], "int64")
    check(x[T.tensor([True, False, True])], [[0, 1, 2, 3], [8, 9, 10, 11]], "int64")
    check(x[x.sum(1) > 10], [[4, 5, 6, 7], [8, 9, 10, 11]], "int64")
    check(T.arange(4)[T.tensor(2)], 2, "int64")


def test_getitem_errors(T):
    x = T.arange(5)
    raises(ValueError, "step must be greater than zero", lambda: x[::-1])
    raises(IndexError, "index 10 is out of bounds for dimension 0 with size 5", lambda: x[10])
    raises(
        IndexError,
        "invalid index of a 0-dim tensor. Use `tensor.item()` in Python or "
        "`tensor.item<T>()` in C++ to convert a 0-dim tensor to a number",
        lambda: T.tensor(1.0)[0],
    )
    raises(
        IndexError,
        "tensors used as indices must be long, int, byte or bool tensors",
        lambda: x[T.tensor([0.5])],
    )


def test_setitem(T):
    x = T.arange(6.0).view(2, 3)
    x[0, :] = 1
    x[:, -1] = T.tensor([7.0, 8.0])
    x[x > 7] = -1
    x[[1], [0]] = 4
    check(x, [[1, 1, 7], [4, 4, -1]], "float32")
    y = T.zeros(4, dtype=T.int64)
    y[1:3] = T.tensor([1.7, 2.2])  # cast to the tensor's dtype
    y[T.tensor([0])] = 5
    y[...] += 1
    check(y, [6, 2, 3, 1], "int64")
    z = T.zeros(2, 3)
    z[0] = T.ones(1, 3)  # leading ones of the value are dropped
    check(z, [[1, 1, 1], [0, 0, 0]], "float32")


def test_setitem_errors(T):
    x = T.zeros(2, 2)
    raises(
        RuntimeError,
        "The expanded size of the tensor (2) must match the existing size (3) "
        "at non-singleton dimension 0.  Target sizes: [2].  Tensor sizes: [3]",
        lambda: x.__setitem__(0, T.tensor([1.0, 2.0, 3.0])),
    )
    raises(
        RuntimeError,
        "shape mismatch: value tensor of shape [3] cannot be broadcast to "
        "indexing result of shape [2]",
        lambda: T.zeros(4).__setitem__([0, 1], T.ones(3)),
    )
    raises(
        RuntimeError,
        "expand(torch.FloatTensor{[2, 2]}, size=[2]): the number of sizes "
        "provided (1) must be greater or equal to the number of dimensions in the tensor (2)",
        lambda: T.zeros(4).__setitem__(slice(1, 3), T.ones(2, 2)),
    )
    raises(
        IndexError,
        "index 5 is out of bounds for dimension 0 with size 3",
        lambda: T.zeros(3).__setitem__(5, 1.0),
    )


def test_setitem_on_leaf_requiring_grad(T):
    w = T.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    view = "a view of a leaf Variable that requires grad is being used in an in-place operation."
    leaf = "a leaf Variable that requires grad is being used in an in-place operation."
    for idx, text in [
        (0, view),
        ((slice(None), 0), view),
        (slice(0, 1), view),
        (None, view),
        (slice(None), leaf),
        (Ellipsis, leaf),
        (w > 1, leaf),
        ([0, 1], leaf),
    ]:
        raises(RuntimeError, text, lambda idx=idx: w.__setitem__(idx, 5.0))
    with T.no_grad():
        w[0] = 5.0
        w[w > 4] = 0.0
    assert w.is_leaf and w.requires_grad and w.grad_fn is None
    check(w, [[0.0, 0.0], [3.0, 4.0]], "float32")


# --- reductions --------------------------------------------------------------------------------


def test_reductions(T):
    x = T.arange(12.0).view(3, 4)
    check(x.sum(), 66.0, "float32")
    check(x.sum(0), [12.0, 15.0, 18.0, 21.0], "float32")
    check(x.sum(dim=1, keepdim=True), [[6.0], [22.0], [38.0]], "float32")
    check(x.sum(dim=(0, 1)), 66.0, "float32")
    check(T.sum(x, -1), [6.0, 22.0, 38.0], "float32")
    check(x.mean(), 5.5, "float32")
    check(x.mean(1), [1.5, 5.5, 9.5], "float32")
    check(x.mean((0, 1), keepdim=True), [[5.5]], "float32")
    check(x.prod(1), [0.0, 840.0, 7920.0], "float32")
    check(T.tensor([1, 2, 3]).prod(), 6, "int64")
    check(x.sum(dtype=T.float64), 66.0, "float64")
    check(x.max(), 11.0, "float32")
    check(x.min(), 0.0, "float32")
    check(T.max(x), 11.0, "float32")
    check(x.norm(), np.sqrt(506.0), "float32")
    check(x.norm(2, dim=1), np.sqrt([14.0, 126.0, 366.0]), "float32")
    check(x.norm(1), 66.0, "float32")
    check(T.tensor([3.0, 4.0]).norm(), 5.0, "float32")


def test_reduction_and_shape_errors(T):
    x = T.zeros(2, 3)
    raises(
        RuntimeError,
        "std and var only support floating point and complex dtypes",
        lambda: T.tensor([1, 2]).var(),
    )
    raises(
        RuntimeError,
        "std and var only support floating point and complex dtypes",
        lambda: T.tensor([True]).std(),
    )
    raises(
        RuntimeError, "dim 0 appears multiple times in the list of dims", lambda: x.mean((0, -2))
    )
    raises(RuntimeError, "permute(): duplicate dims are not allowed.", lambda: x.permute(0, 0))
    raises(
        RuntimeError,
        "expand(torch.FloatTensor{[2, 3]}, size=[3]): the number of sizes "
        "provided (1) must be greater or equal to the number of dimensions in the tensor (2)",
        lambda: x.expand(3),
    )
    raises(
        RuntimeError,
        "The expanded size of the tensor (3) must match the existing size (2) "
        "at non-singleton dimension 1.  Target sizes: [-1, 3, 3].  Tensor sizes: [2, 3]",
        lambda: x.expand(-1, 3, 3),
    )
    raises(
        RuntimeError,
        "The expanded size of the tensor (-1) isn't allowed in a leading, non-existing dimension 0",
        lambda: T.zeros(2, 1).expand(-1, -1, 3),
    )
    assert x.expand(3, 2, -1).shape == (3, 2, 3)
    raises(ValueError, "torch.cat(): expected a non-empty list of Tensors", lambda: T.cat([]))
    raises(RuntimeError, "stack expects a non-empty TensorList", lambda: T.stack([]))
    raises(
        NotImplementedError,
        "\"bitwise_and_cpu\" not implemented for 'Float'",
        lambda: T.tensor([1, 2]) & 1.5,
    )
    raises(
        NotImplementedError,
        "\"bitwise_or_cpu\" not implemented for 'Double'",
        lambda: T.ones(1, dtype=T.float64) | T.ones(1, dtype=T.float64),
    )
    raises(
        NotImplementedError,
        "\"bitwise_not_cpu\" not implemented for 'Float'",
        lambda: T.bitwise_not(T.ones(1)),
    )
    check(T.zeros(0).mean(), np.nan, "float32")  # silently, as PyTorch
    check(T.zeros(2, 0).mean(1), [np.nan, np.nan], "float32")


def test_softmax_method_requires_dim(T):
    raises(
        TypeError,
        'softmax() missing 1 required positional arguments: "dim"',
        lambda: T.ones(2, 2).softmax(),
    )


def test_invert_operator_on_floats(T):
    raises(
        TypeError,
        "~ (operator.invert) is only implemented on integer and Boolean-type tensors",
        lambda: ~T.ones(2),
    )


def test_logic_and_bits(T):
    a, b = T.tensor([True, False]), T.tensor([True, True])
    check(a & b, [True, False], "bool")
    check(a | False, [True, False], "bool")
    check(~a, [False, True], "bool")
    check(a ^ b, [False, True], "bool")
    check(T.tensor([5, 3]) & 1, [1, 1], "int64")
    check(~T.tensor([0, 5]), [-1, -6], "int64")
    check(T.logical_not(T.tensor([0, 1])), [True, False], "bool")
    check(T.logical_and(T.tensor([1.0, 0.0]), T.tensor([1.0, 1.0])), [True, False], "bool")
    x = T.tensor([1.0, -2.0, 3.0])
    check(x.any(), True, "bool")
    check((x > 0).all(), False, "bool")
    check(T.tensor([[1, 0], [1, 1]]).all(dim=1), [False, True], "bool")
    check(x.count_nonzero(), 3, "int64")
    check(T.tensor([1.0, np.nan]).isnan(), [False, True], "bool")
    check(T.tensor([np.nan, np.inf]).nan_to_num(posinf=5.0), [0.0, 5.0], "float32")


def test_std_var_unbiased_by_default(T):
    x = T.tensor([1.0, 2.0, 3.0, 4.0])
    check(x.var(), 5.0 / 3.0, "float32")
    check(x.std(), np.sqrt(5.0 / 3.0), "float32")
    check(x.var(unbiased=False), 1.25, "float32")
    check(x.var(correction=0), 1.25, "float32")
    check(x.std(unbiased=False), np.sqrt(1.25), "float32")
    m = T.tensor([[1.0, 2.0], [3.0, 5.0]])
    check(m.var(1, keepdim=True), [[0.5], [2.0]], "float32")
    check(m.std(0), [np.sqrt(2.0), np.sqrt(4.5)], "float32")
    check(T.tensor([1, 2, 3]).float().mean(), 2.0, "float32")


def test_max_min_along_dim(T):
    x = T.tensor([[1.0, 5.0], [7.0, 2.0]])
    r = x.max(1)
    assert type(r).__name__ == "max" and isinstance(r, tuple) and len(r) == 2
    check(r.values, [5.0, 7.0], "float32")
    check(r.indices, [1, 0], "int64")
    v, i = T.max(x, 1)
    check(v, [5.0, 7.0], "float32")
    check(i, [1, 0], "int64")
    check(r[0], [5.0, 7.0], "float32")
    kd = x.max(dim=0, keepdim=True)
    check(kd.values, [[7.0, 5.0]], "float32")
    check(kd.indices, [[1, 0]], "int64")
    m = x.min(0)
    assert type(m).__name__ == "min"
    check(m.values, [1.0, 2.0], "float32")
    check(m.indices, [0, 1], "int64")
    check(T.min(x, -1).indices, [0, 1], "int64")
    assert repr(r) == ("torch.return_types.max(\nvalues=tensor([5., 7.]),\nindices=tensor([1, 0]))")
    # ties: the first index
    check(T.tensor([[3.0, 3.0, 1.0]]).max(1).indices, [0], "int64")


def test_max_min_elementwise_and_argmax(T):
    x = T.tensor([[1.0, 5.0], [7.0, 2.0]])
    check(x.max(T.full((2, 2), 3.0)), [[3.0, 5.0], [7.0, 3.0]], "float32")
    check(T.min(x, T.ones(2, 2)), [[1.0, 1.0], [1.0, 1.0]], "float32")
    check(T.maximum(x, T.full((2, 2), 3.0)), [[3.0, 5.0], [7.0, 3.0]], "float32")
    check(T.tensor([1, 3, 3]).argmax(), 1, "int64")
    y = T.tensor([[1, 3], [4, 0]])
    check(y.argmax(), 2, "int64")
    check(y.argmax(1), [1, 0], "int64")
    check(y.argmax(1, keepdim=True), [[1], [0]], "int64")
    check(T.argmax(y, dim=0), [1, 0], "int64")
    check(y.argmin(), 3, "int64")


def test_comparisons(T):
    a, b = T.tensor([1.0, 2.0]), T.tensor([1.0, 3.0])
    check(a == b, [True, False], "bool")
    check(a != b, [False, True], "bool")
    check(a < b, [False, True], "bool")
    check(a >= 1, [True, True], "bool")
    check(2 > a, [True, False], "bool")
    check((a == b).float().mean(), 0.5, "float32")
    assert T.equal(a, a.clone()) and not T.equal(a, b)
    assert T.allclose(a, a + 1e-9) and not T.allclose(a, b)
    assert (a == "text") is False and (a != None) is True  # noqa: E711 (Python's fallback)
    raises(
        TypeError, "'<' not supported between instances of 'Tensor' and 'str'", lambda: a < "text"
    )


# --- arithmetic ---------------------------------------------------------------------------------


def test_arithmetic(T):
    x = T.tensor([1.0, 4.0])
    check(x + x, [2.0, 8.0], "float32")
    check(x - 1, [0.0, 3.0], "float32")
    check(x * 2, [2.0, 8.0], "float32")
    check(x / 2, [0.5, 2.0], "float32")
    check(x // 3, [0.0, 1.0], "float32")
    check(x % 3, [1.0, 1.0], "float32")
    check(x**2, [1.0, 16.0], "float32")
    check(-x, [-1.0, -4.0], "float32")
    check(1 - x, [0.0, -3.0], "float32")
    check(1 / x, [1.0, 0.25], "float32")
    check(2**x, [2.0, 16.0], "float32")
    check(3 % x, [0.0, 3.0], "float32")
    check(5 // x, [5.0, 1.0], "float32")
    check(x**x, [1.0, 256.0], "float32")
    check(T.add(x, 1, alpha=2), [3.0, 6.0], "float32")
    check(T.sub(x, x, alpha=0.5), [0.5, 2.0], "float32")
    check(abs(T.tensor([-1.5])), [1.5], "float32")
    check(
        T.tensor([[1.0], [2.0]]) + T.tensor([10.0, 20.0]), [[11.0, 21.0], [12.0, 22.0]], "float32"
    )
    raises(
        RuntimeError,
        "The size of tensor a (3) must match the size of tensor b (2) at non-singleton dimension 1",
        lambda: T.ones(2, 3) + T.ones(2, 2),
    )
    raises(
        RuntimeError,
        "Subtraction, the `-` operator, with two bool tensors is not supported. "
        "Use the `^` or `logical_xor()` operator instead.",
        lambda: T.tensor([True]) - T.tensor([False]),
    )


def test_matmul(T):
    a, m = T.tensor([1.0, 2.0]), T.tensor([[1.0, 2.0], [3.0, 4.0]])
    check(a @ a, 5.0, "float32")
    check(m @ a, [5.0, 11.0], "float32")
    check(a @ m, [7.0, 10.0], "float32")
    check(m @ m, [[7.0, 10.0], [15.0, 22.0]], "float32")
    check(T.mm(m, m), [[7.0, 10.0], [15.0, 22.0]], "float32")
    check(m.matmul(a), [5.0, 11.0], "float32")
    check(T.matmul(T.ones(4, 2, 3), T.ones(3, 5)), np.full((4, 2, 5), 3.0), "float32")
    check(T.ones(5, 1, 2, 3) @ T.ones(4, 3, 2), np.full((5, 4, 2, 2), 3.0), "float32")
    check(T.bmm(T.ones(2, 1, 3), T.ones(2, 3, 1)), np.full((2, 1, 1), 3.0), "float32")
    check(T.mv(m, a), [5.0, 11.0], "float32")
    check(T.dot(a, a), 5.0, "float32")
    check(T.outer(a, a), [[1.0, 2.0], [2.0, 4.0]], "float32")
    raises(
        RuntimeError,
        "mat1 and mat2 shapes cannot be multiplied (2x3 and 2x3)",
        lambda: T.ones(2, 3) @ T.ones(2, 3),
    )
    raises(
        RuntimeError,
        "mat1 and mat2 shapes cannot be multiplied (2x3 and 2x3)",
        lambda: T.mm(T.ones(2, 3), T.ones(2, 3)),
    )
    raises(
        RuntimeError,
        "inconsistent tensor size, expected tensor [3] and src [2] to have the "
        "same number of elements, but got 3 and 2 elements respectively",
        lambda: T.ones(3) @ T.ones(2),
    )
    raises(
        RuntimeError,
        "size mismatch, got input (2), mat (2x3), vec (2)",
        lambda: T.ones(2, 3) @ T.ones(2),
    )
    raises(
        RuntimeError,
        "both arguments to matmul need to be at least 1D, but they are 1D and 0D",
        lambda: T.ones(2) @ T.tensor(1.0),
    )


FREE_FUNCTIONS = [
    # name, extra arguments: torch.name(x, *args) is x.name(*args)
    ("sum", ()),
    ("sum", (1,)),
    ("mean", ()),
    ("mean", (0,)),
    ("max", ()),
    ("min", ()),
    ("argmax", ()),
    ("argmax", (1,)),
    ("argmin", (0,)),
    ("exp", ()),
    ("log", ()),
    ("sin", ()),
    ("cos", ()),
    ("tanh", ()),
    ("sigmoid", ()),
    ("sqrt", ()),
    ("abs", ()),
    ("clamp", (0.5, 1.5)),
    ("flatten", ()),
    ("prod", (1,)),
    ("std", ()),
    ("var", (0,)),
    ("norm", ()),
    ("relu", ()),
    ("softmax", (1,)),
    ("log_softmax", (0,)),
    ("neg", ()),
    ("reshape", ((3, 2),)),
    ("transpose", (0, 1)),
    ("t", ()),
    ("unsqueeze", (0,)),
    ("squeeze", ()),
    ("matmul", (None,)),
    ("mm", (None,)),
    ("permute", ((1, 0),)),
    ("cumsum", (1,)),
    ("logsumexp", (1,)),
]


@pytest.mark.parametrize(
    "name, args", FREE_FUNCTIONS, ids=[f"{n}{len(a) and a or ''}" for n, a in FREE_FUNCTIONS]
)
def test_free_functions_mirror_methods(T, name, args):
    x = T.tensor([[0.5, 1.0, 2.0], [3.0, 0.25, 1.5]])
    args = tuple(x.t() if a is None else a for a in args)
    free, method = getattr(T, name)(x, *args), getattr(x, name)(*args)
    np.testing.assert_array_equal(values(free)[2], values(method)[2])
    assert values(free)[:2] == values(method)[:2]


def test_more_free_functions(T):
    x = T.tensor([1.0, -2.0])
    check(T.zeros_like(x), [0.0, 0.0], "float32")
    check(T.ones_like(x), [1.0, 1.0], "float32")
    assert T.randn_like(x).shape == (2,)
    check(T.where(x > 0, x, T.tensor([9.0, 9.0])), [1.0, 9.0], "float32")
    check(T.stack([x, x]).sum(0), [2.0, -4.0], "float32")
    assert T.equal(T.cat([x, x]), T.tensor([1.0, -2.0, 1.0, -2.0]))
    assert T.allclose(T.exp(T.log(T.abs(x))), T.abs(x))
    assert T.numel(T.zeros(2, 3)) == 6 and T.is_floating_point(x)


def test_elementwise_functions(T):
    x = T.tensor([-1.0, 0.5, 2.0])
    check(T.where(x > 0, x, 0.0), [0.0, 0.5, 2.0], "float32")
    check(T.where(x > 0, x, T.zeros(3)), [0.0, 0.5, 2.0], "float32")
    check(x.clamp(min=0), [0.0, 0.5, 2.0], "float32")
    check(x.clamp(max=1), [-1.0, 0.5, 1.0], "float32")
    check(x.clamp(-0.5, 0.5), [-0.5, 0.5, 0.5], "float32")
    check(T.clamp(x, min=0.0), [0.0, 0.5, 2.0], "float32")
    check(T.tensor([-1, 5, 2]).clamp(0, 3), [0, 3, 2], "int64")
    check(x.exp(), np.exp([-1.0, 0.5, 2.0]), "float32")
    check(x.abs().log(), np.log([1.0, 0.5, 2.0]), "float32")
    check(x.sigmoid(), 1 / (1 + np.exp([1.0, -0.5, -2.0])), "float32")
    check(x.relu(), [0.0, 0.5, 2.0], "float32")
    check(x.tanh(), np.tanh([-1.0, 0.5, 2.0]), "float32")
    check(x.abs().sqrt(), np.sqrt([1.0, 0.5, 2.0]), "float32")
    check(T.sin(x), np.sin([-1.0, 0.5, 2.0]), "float32")
    e = np.exp([-1.0, 0.5, 2.0])
    check(x.softmax(0), e / e.sum(), "float32")
    check(T.softmax(x, dim=0), e / e.sum(), "float32")
    check(x.log_softmax(-1), np.log(e / e.sum()), "float32")
    check(T.tensor([0.0]).log(), [-np.inf], "float32")
    raises(RuntimeError, "torch.clamp: At least one of 'min' or 'max' must not be None", x.clamp)
    raises(
        RuntimeError,
        "where expected condition to be a boolean tensor, but got a tensor with dtype Long",
        lambda: T.where(T.tensor([1, 0]), T.ones(2), T.zeros(2)),
    )


# --- 1.4 in-place ops and leaves -------------------------------------------------------------


def test_inplace_ops(T):
    x = T.tensor([1.0, 2.0])
    assert x.add_(T.ones(2), alpha=2) is x
    check(x, [3.0, 4.0], "float32")
    x.sub_(T.ones(2), alpha=0.5)
    x.mul_(2)
    x.div_(4)
    check(x, [1.25, 1.75], "float32")
    x.addcmul_(T.tensor([1.0, 2.0]), T.tensor([3.0, 4.0]), value=0.5)
    x.addcdiv_(T.tensor([1.0, 2.0]), T.tensor([4.0, 4.0]), value=2)
    check(x, [3.25, 6.75], "float32")
    x.clamp_(0, 5)
    check(x, [3.25, 5.0], "float32")
    x.copy_(T.tensor([5, 6]))
    check(x, [5.0, 6.0], "float32")
    x.fill_(3)
    check(x, [3.0, 3.0], "float32")
    assert x.zero_() is x
    check(x, [0.0, 0.0], "float32")
    y = x
    y += 1
    y -= 0.5
    y *= 2
    y /= 4
    assert y is x
    check(x, [0.25, 0.25], "float32")
    z = T.zeros(2, 2)
    z.copy_(T.tensor([5.0, 6.0]))  # broadcast
    check(z, [[5.0, 6.0], [5.0, 6.0]], "float32")
    x.exp_()
    check(x, np.exp([0.25, 0.25]), "float32")


def test_inplace_errors(T):
    raises(
        RuntimeError,
        "output with shape [2] doesn't match the broadcast shape [2, 2]",
        lambda: T.tensor([1.0, 2.0]).add_(T.ones(2, 2)),
    )
    w = T.tensor([1.0, 2.0], requires_grad=True)
    leaf = "a leaf Variable that requires grad is being used in an in-place operation."
    for op in (
        lambda: w.add_(1),
        lambda: w.__isub__(1),
        lambda: w.__imul__(2),
        lambda: w.__itruediv__(2),
        lambda: w.__iadd__(2),
        w.zero_,
        lambda: w.copy_(T.ones(2)),
        lambda: w.fill_(1),
        lambda: w.clamp_(0, 1),
        lambda: w.addcmul_(w, w),
        lambda: w.uniform_(),
        lambda: w.normal_(),
    ):
        raises(RuntimeError, leaf, op)
    check(w, [1.0, 2.0], "float32")


def test_inplace_under_no_grad_keeps_the_leaf(T):
    w = T.tensor([1.0, 2.0], requires_grad=True)
    w.grad = T.tensor([0.5, 0.5])
    with T.no_grad():
        w -= 0.1 * w.grad
        w.add_(1)
        w.mul_(2)
        w.grad.zero_()
    assert w.is_leaf and w.requires_grad and w.grad_fn is None
    check(w, [3.9, 5.9], "float32")
    check(w.grad, [0.0, 0.0], "float32")
    assert w._version == 3


def test_data_is_a_detached_alias(T):
    w = T.tensor([1.0, 2.0], requires_grad=True)
    d = w.data
    assert not d.requires_grad and w.requires_grad and d.is_leaf
    w.grad = T.tensor([1.0, 1.0])
    w.data -= 0.5 * w.grad  # the pre-1.0 idiom
    check(w.detach(), [0.5, 1.5], "float32")
    assert w.requires_grad and w.is_leaf
    w.data = T.tensor([7.0, 8.0])  # assigning .data replaces the values
    check(w.detach(), [7.0, 8.0], "float32")
    assert w.requires_grad


def test_changes_through_data_are_not_tracked(T):
    w = T.tensor([1.0, 2.0], requires_grad=True)
    w.data.add_(1)
    w.data[0] = 5.0
    assert w._version == 0


def test_inplace_on_non_leaf_is_recorded(T):
    x = T.tensor([1.0, 2.0], requires_grad=True)
    y = x * 2
    assert y.add_(1) is y
    assert y._version == 1 and type(y.grad_fn).__name__ == "AddBackward0"
    check(y.detach(), [3.0, 5.0], "float32")


def test_requires_grad_flags(T):
    x = T.tensor([1.0, 2.0])
    assert x.requires_grad_() is x and x.requires_grad and x.is_leaf
    x.requires_grad = False
    assert not x.requires_grad
    x.requires_grad = True
    y = x * 2
    msg = (
        "you can only change requires_grad flags of leaf variables. If you want to use a "
        "computed variable in a subgraph that doesn't require differentiation use "
        "var_no_grad = var.detach()."
    )
    raises(RuntimeError, msg, lambda: y.requires_grad_(False))
    raises(RuntimeError, msg, lambda: setattr(y, "requires_grad", False))
    assert y.requires_grad_(True) is y
    raises(
        RuntimeError,
        "attempting to assign a gradient of size '[3]' to a tensor of size "
        "'[2]'. Please ensure that the gradient and the tensor are the same size",
        lambda: setattr(x, "grad", T.ones(3)),
    )


def test_requires_grad_on_integer_tensor(T):
    raises(
        RuntimeError,
        "only Tensors of floating point dtype can require gradients",
        lambda: T.tensor([1, 2]).requires_grad_(),
    )


def test_detach_and_clone(T):
    x = T.tensor([1.0, 2.0], requires_grad=True)
    d = x.detach()
    assert not d.requires_grad and d.is_leaf and d.grad_fn is None
    d.zero_()  # shares the data
    check(x.detach(), [0.0, 0.0], "float32")
    c = x.clone()
    assert c.requires_grad and not c.is_leaf
    assert type(c.grad_fn).__name__ == "CloneBackward0"
    p = T.tensor([1.0, 2.0])
    q = p.clone()
    q.add_(1)
    check(p, [1.0, 2.0], "float32")
    r = x.detach().clone().requires_grad_()
    assert r.is_leaf and r.requires_grad


# --- functions tutorials use: unique, bincount, diff, meshgrid, index_fill, inverse, det, finfo


def test_unique_and_bincount(T):
    unique, bincount = T.unique, T.bincount
    x = T.tensor([3, 1, 3, 2, 1, 3])
    check(unique(x), [1, 2, 3], "int64")
    vals, inverse, counts = unique(x, return_inverse=True, return_counts=True)
    check(inverse, [2, 0, 2, 1, 0, 2], "int64")
    check(counts, [2, 1, 3], "int64")
    check(unique(T.tensor([[2.0, 1.0], [2.0, 5.0]])), [1.0, 2.0, 5.0], "float32")
    check(bincount(x), [0, 2, 1, 3], "int64")
    check(bincount(x, minlength=6), [0, 2, 1, 3, 0, 0], "int64")
    check(bincount(x, weights=T.full((6,), 0.5)), [0.0, 1.0, 0.5, 1.5], "float32")
    check(bincount(T.tensor([], dtype=T.int64)), np.zeros(0, np.int64), "int64")
    raises(
        RuntimeError,
        "bincount only supports 1-d non-negative integral inputs.",
        lambda: bincount(T.tensor([-1])),
    )


def test_diff_meshgrid_index_fill(T):
    diff, meshgrid, index_fill = T.diff, T.meshgrid, T.index_fill
    y = T.tensor([[3.0, 1.0, 3.0, 2.0], [0.0, 0.0, 5.0, 5.0]], requires_grad=True)
    d = diff(y)
    check(d, [[-2.0, 2.0, -1.0], [0.0, 5.0, 0.0]], "float32")
    assert type(d.grad_fn).__name__ == "SubBackward0"
    check(diff(y, n=2, dim=1), [[4.0, -3.0], [5.0, -5.0]], "float32")
    check(diff(y, dim=0), [[-3.0, -1.0, 2.0, 3.0]], "float32")
    check(diff(y, prepend=T.zeros(2, 1)), [[3.0, -2.0, 2.0, -1.0], [0.0, 0.0, 5.0, 0.0]], "float32")
    diff(y, n=2).sum().backward()
    check(y.grad, [[1.0, -1.0, -1.0, 1.0]] * 2, "float32")
    a, b = T.tensor([1, 2]), T.tensor([3, 4, 5])
    xs, ys = meshgrid(a, b, indexing="ij")
    check(xs, [[1, 1, 1], [2, 2, 2]], "int64")
    check(ys, [[3, 4, 5], [3, 4, 5]], "int64")
    xs, ys = meshgrid([a, b], indexing="xy")
    check(xs, [[1, 2]] * 3, "int64")
    check(ys, [[3, 3], [4, 4], [5, 5]], "int64")
    with pytest.warns(
        UserWarning,
        match="torch.meshgrid: in an upcoming release, it will be "
        "required to pass the indexing argument.",
    ):
        assert meshgrid(a, b)[0].shape == (2, 3)
    filled = index_fill(y, 1, T.tensor([0, 2]), -1.0)
    check(filled, [[-1.0, 1.0, -1.0, 2.0], [-1.0, 0.0, -1.0, 5.0]], "float32")
    assert type(filled.grad_fn).__name__ == "IndexFillBackward0"


def test_inverse_and_det(T):
    inverse, det = T.inverse, T.det
    m = T.tensor([[2.0, 1.0], [1.0, 3.0]], requires_grad=True)
    inv = inverse(m)
    check(inv, [[0.6, -0.2], [-0.2, 0.4]], "float32")
    assert type(inv.grad_fn).__name__ == "LinalgInvExBackward0"
    dm = det(m)
    check(dm, 5.0, "float32")
    assert type(dm.grad_fn).__name__ == "LinalgDetBackward0"
    dm.backward()
    check(m.grad, [[3.0, -1.0], [-1.0, 2.0]], "float32")  # det(m) * inverse(m).T
    check(det(T.eye(3).expand(2, 3, 3) * 2), [8.0, 8.0], "float32")


def test_finfo_and_iinfo(T):
    finfo, iinfo = T.finfo, T.iinfo
    f = finfo(T.float32)
    assert (f.eps, f.max, f.tiny, f.bits) == (
        1.1920928955078125e-07,
        3.4028234663852886e38,
        1.1754943508222875e-38,
        32,
    )
    assert f.min == -f.max and f.resolution == 1e-06 and f.dtype == "float32"
    assert finfo().eps == f.eps and finfo(T.float64).eps == 2.220446049250313e-16
    assert finfo(T.float16).eps == 0.0009765625
    assert repr(f) == (
        "finfo(resolution=1e-06, min=-3.40282e+38, max=3.40282e+38, "
        "eps=1.19209e-07, smallest_normal=1.17549e-38, tiny=1.17549e-38, "
        "dtype=float32)"
    )
    i = iinfo(T.int64)
    assert (i.bits, i.max, i.min, i.dtype) == (64, 2**63 - 1, -(2**63), "int64")
    assert iinfo(T.uint8).max == 255 and iinfo(T.int8).min == -128
    raises(
        TypeError,
        "torch.finfo() requires a floating point input type. Use torch.iinfo to "
        "handle 'torch.finfo'",
        lambda: finfo(T.int64),
    )
    raises(
        TypeError,
        "torch.iinfo() requires an integer input type. Use torch.finfo to handle 'torch.iinfo'",
        lambda: iinfo(T.float32),
    )


def test_added_functions_are_methods(T):
    x = T.tensor([2, 1, 2])
    check(x.unique(), [1, 2], "int64")
    check(x.bincount(), [0, 1, 2], "int64")
    check(x.diff(), [-1, 1], "int64")
    check(T.zeros(2).index_fill(0, T.tensor([1]), 3.0), [0.0, 3.0], "float32")
    m = T.tensor([[2.0, 0.0], [0.0, 4.0]])
    check(m.inverse(), [[0.5, 0.0], [0.0, 0.25]], "float32")
    check(m.det(), 8.0, "float32")


def test_fmax_fmin_ignore_nan_inner_and_aminmax(T):
    nan = float("nan")
    check(T.fmax(T.tensor([1.0, nan]), T.tensor([3.0, 2.0])), [3.0, 2.0], "float32")
    check(T.fmin(T.tensor([1.0, nan]), T.tensor([3.0, 2.0])), [1.0, 2.0], "float32")
    check(T.maximum(T.tensor([1.0, nan]), T.tensor([3.0, 2.0])), [3.0, nan], "float32")
    a, b = T.arange(6.0).reshape(2, 3), T.arange(12.0).reshape(4, 3)
    check(
        T.inner(a, b),
        np.inner(np.arange(6.0).reshape(2, 3), np.arange(12.0).reshape(4, 3)),
        "float32",
    )
    r = T.aminmax(T.tensor([3, 1, 4]))
    assert type(r).__name__ == "aminmax" and (r.min.item(), r.max.item()) == (1, 4)


def test_typed_constructors_keep_their_precision(T):
    check(T.LongTensor([16777217]), [16777217], "int64")
    assert T.DoubleTensor([0.1]).item() == 0.1


def test_generator_state_restores_the_stream_in_another_generator():
    """get_state carries the Mersenne Twister and a waiting Box-Muller number with it."""
    g = compat.Generator().manual_seed(3)
    compat.randn(3, generator=g)  # an odd count leaves the pair's second number waiting
    state = g.get_state()
    want = compat.randn(5, generator=g).tolist() + compat.rand(4, generator=g).tolist()
    other = compat.Generator().manual_seed(99).set_state(state)
    got = compat.randn(5, generator=other).tolist() + compat.rand(4, generator=other).tolist()
    assert got == want
    before = compat.get_rng_state()
    a = compat.randn(7)
    compat.set_rng_state(before)
    assert compat.randn(7).tolist() == a.tolist()

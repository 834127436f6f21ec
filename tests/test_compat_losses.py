"""compat's losses (functional and Modules) against PyTorch 2.13 (COMPAT_SPEC section 4).

Tests take the module under test as ``T`` (compat, and torch when installed) and check
values and gradients computed here with numpy formulas, the spec's example numbers,
PyTorch's dtypes and its exact error and warning texts; the torch run shows they are
PyTorch's. ``test_loss_matches_torch`` replays a table of calls on both libraries.
"""

import re

import numpy as np
import pytest
from test_compat_functional import data, leaf, same_as_torch
from test_compat_tensor import check, library, raises

import compat
import compat.nn.functional  # noqa: F401


@pytest.fixture(params=["compat", "torch"])
def T(request):  # noqa: N802 (the module stands for ``torch``)
    """The module under test."""
    return library(request.param)


def reduce(v, reduction):
    return {"mean": np.mean, "sum": np.sum, "none": lambda a: a}[reduction](v)


def _softmax(x, axis=1):
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


LOGITS = [[2.0, 1.0, 0.1], [0.5, 2.5, 0.3]]

# --- the spec's example values -----------------------------------------------------------------


def test_spec_examples(T):
    nn, F = T.nn, T.nn.functional
    x, y = T.tensor(LOGITS), T.tensor([0, 1])
    check(nn.CrossEntropyLoss()(x, y), 0.3185, "float32", rtol=2e-4)
    check(nn.CrossEntropyLoss(reduction="sum")(x, y), 0.6371, "float32", rtol=2e-4)
    check(nn.CrossEntropyLoss(reduction="none")(x, y), [0.4170, 0.2200], "float32", atol=5e-5)
    check(nn.CrossEntropyLoss(label_smoothing=0.1)(x, y), 0.4369, "float32", rtol=2e-4)
    check(nn.CrossEntropyLoss(weight=T.tensor([1.0, 2.0, 3.0]))(x, y), 0.2857, "float32", rtol=2e-4)
    p, t = T.tensor([0.9, 0.2, 0.6]), T.tensor([1.0, 0.0, 1.0])
    check(nn.BCELoss()(p, t), 0.2798, "float32", rtol=2e-4)
    z = T.tensor([2.0, -1.0, 0.5])
    check(nn.BCEWithLogitsLoss()(z, t), 0.3048, "float32", rtol=2e-4)
    check(nn.BCEWithLogitsLoss(pos_weight=T.tensor(3.0))(z, t), 0.7054, "float32", rtol=2e-4)
    check(F.mse_loss(T.tensor([1.0, 2.0]), T.tensor([1.0, 4.0])), 2.0, "float32")


# --- regression losses: values and gradients from numpy ----------------------------------------


def _smooth_l1(d, beta):
    a = np.abs(d)
    return np.where(a < beta, 0.5 * d * d / beta, a - 0.5 * beta)


def _huber(d, delta):
    a = np.abs(d)
    return np.where(a < delta, 0.5 * d * d, delta * (a - 0.5 * delta))


REGRESSION = [
    # id, call(F, x, y, reduction), loss(d = x - y), derivative in x
    ("mse", lambda F, x, y, r: F.mse_loss(x, y, reduction=r), lambda d: d * d, lambda d: 2 * d),
    ("l1", lambda F, x, y, r: F.l1_loss(x, y, reduction=r), np.abs, np.sign),
    (
        "smooth_l1",
        lambda F, x, y, r: F.smooth_l1_loss(x, y, reduction=r, beta=0.7),
        lambda d: _smooth_l1(d, 0.7),
        lambda d: np.where(np.abs(d) < 0.7, d / 0.7, np.sign(d)),
    ),
    (
        "smooth_l1_beta0",
        lambda F, x, y, r: F.smooth_l1_loss(x, y, reduction=r, beta=0.0),
        np.abs,
        np.sign,
    ),
    (
        "huber",
        lambda F, x, y, r: F.huber_loss(x, y, reduction=r, delta=0.6),
        lambda d: _huber(d, 0.6),
        lambda d: np.clip(d, -0.6, 0.6),
    ),
]


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize(
    "call, loss, slope", [r[1:] for r in REGRESSION], ids=[r[0] for r in REGRESSION]
)
def test_regression_losses(T, call, loss, slope, reduction):
    a = data((4, 3))
    b = np.round(a * 2) / 2  # some differences are exactly 0
    b[0, 0] = a[0, 0]
    x, y = leaf(T, a), leaf(T, b)
    out = call(T.nn.functional, x, y, reduction)
    out.backward(T.ones_like(out))
    d = a - b
    n = d.size if reduction == "mean" else 1
    check(out, reduce(loss(d), reduction), "float64", rtol=1e-12)
    check(x.grad, slope(d) / n, "float64", rtol=1e-12)
    check(y.grad, -slope(d) / n, "float64", rtol=1e-12)


def test_weighted_regression_losses(T):
    F = T.nn.functional
    a, b, w = data(5), data(5, 1), np.abs(data(5, 2))
    x, y, W = T.tensor(a), T.tensor(b), T.tensor(w)
    check(F.mse_loss(x, y, weight=W), (w * (a - b) ** 2).sum() / w.sum(), "float64", rtol=1e-12)
    check(
        F.l1_loss(x, y, weight=W, reduction="sum"), (w * np.abs(a - b)).sum(), "float64", rtol=1e-12
    )
    check(F.huber_loss(x, y, weight=W), (w * _huber(a - b, 1.0)).mean(), "float64", rtol=1e-12)
    raises(
        ValueError,
        "Weights and input must have the same size.",
        lambda: F.mse_loss(x, y, weight=T.ones(3)),
    )


SIZE_WARNING = (
    "Using a target size (torch.Size([3])) that is different to the input size "
    "(torch.Size([3, 1])). This will likely lead to incorrect results due to broadcasting. "
    "Please ensure they have the same size."
)


@pytest.mark.parametrize(
    "loss, value",
    [
        ("MSELoss", 12 / 9),
        ("L1Loss", 8 / 9),
        ("SmoothL1Loss", (4 * 0.5 + 2 * 1.5) / 9),
        ("HuberLoss", (4 * 0.5 + 2 * 1.5) / 9),
    ],
)
def test_shape_mismatch_warns_and_broadcasts(T, loss, value):
    pred, target = T.tensor([[1.0], [2.0], [3.0]]), T.tensor([1.0, 2.0, 3.0])
    with pytest.warns(UserWarning, match=re.escape(SIZE_WARNING)):
        out = getattr(T.nn, loss)()(pred, target)
    check(out, value, "float32")


def test_regression_dtypes(T):
    F = T.nn.functional
    x = T.tensor([1.0, 2.0])
    assert F.mse_loss(x, T.tensor([1.0, 4.0], dtype=T.float64)).dtype == T.float64
    assert F.mse_loss(x, T.tensor([1, 4])).dtype == T.float32
    assert F.l1_loss(x, T.tensor([1.0, 4.0], dtype=T.float64)).dtype == T.float64
    assert F.smooth_l1_loss(x, T.tensor([1.0, 4.0], dtype=T.float64)).dtype == T.float64
    assert F.huber_loss(x, T.tensor([1.0, 4.0], dtype=T.float64)).dtype == T.float32
    check(F.l1_loss(T.tensor([1, 5]), T.tensor([2, 2]), reduction="sum"), 4, "int64")
    raises(
        NotImplementedError,
        "\"mse_cpu\" not implemented for 'Long'",
        lambda: F.mse_loss(T.tensor([1]), T.tensor([2])),
    )
    raises(
        RuntimeError,
        "mean(): could not infer output dtype. Input dtype must be either a "
        "floating point or complex dtype. Got: Long",
        lambda: F.l1_loss(T.tensor([1]), T.tensor([2])),
    )
    raises(
        RuntimeError,
        "result type Float can't be cast to the desired output type Long",
        lambda: F.huber_loss(T.tensor([1]), T.tensor([2.0])),
    )


def test_regression_errors(T):
    F = T.nn.functional
    x = T.zeros(2, 3)
    raises(
        ValueError,
        "avg is not a valid value for reduction",
        lambda: F.mse_loss(x, x, reduction="avg"),
    )
    raises(
        ValueError,
        "avg is not a valid value for reduction",
        lambda: F.smooth_l1_loss(x, x, reduction="avg"),
    )
    raises(
        ValueError,
        "avg is not a valid value for reduction",
        lambda: T.nn.HuberLoss(reduction="avg")(x, x),
    )
    raises(
        RuntimeError,
        "smooth_l1_loss does not support negative values for beta.",
        lambda: F.smooth_l1_loss(x, x, beta=-1.0),
    )
    raises(
        RuntimeError,
        "huber_loss does not support non-positive values for delta.",
        lambda: F.huber_loss(x, x, delta=0.0),
    )
    with pytest.warns(UserWarning, match="Using a target size"):
        raises(
            RuntimeError,
            "The size of tensor a (3) must match the size of tensor b (4) at "
            "non-singleton dimension 1",
            lambda: F.mse_loss(x, T.zeros(4)),
        )


def test_legacy_reduction_arguments(T):
    F, nn = T.nn.functional, T.nn
    a, b = T.tensor([1.0, 3.0]), T.tensor([0.0, 0.0])
    for kwargs, reduction, value in [
        ({"size_average": False}, "sum", 10.0),
        ({"reduce": False}, "none", [1.0, 9.0]),
        ({"size_average": True, "reduce": True}, "mean", 5.0),
    ]:
        text = (
            f"size_average and reduce args will be deprecated, please use "
            f"reduction='{reduction}' instead."
        )
        with pytest.warns(UserWarning, match=re.escape(text)):
            check(F.mse_loss(a, b, **kwargs), value, "float32")
        with pytest.warns(UserWarning, match=re.escape(text)):
            m = nn.MSELoss(**kwargs)
        assert m.reduction == reduction
    with pytest.warns(UserWarning, match="reduction='elementwise_mean' is deprecated"):
        check(F.mse_loss(a, b, reduction="elementwise_mean"), 5.0, "float32")


# --- classification ------------------------------------------------------------------------------


def _ce(x, y, w=None, ignore=-100, eps=0.0):
    """PyTorch's cross-entropy of class indices: per-sample losses and the mean's divisor."""
    c = x.shape[1]
    logp = np.log(_softmax(x))
    w = np.ones(c) if w is None else w
    keep = y != ignore
    safe = np.where(keep, y, 0)
    nll = -logp[np.arange(len(y)), safe] * w[safe] * keep
    smooth = -(logp * w).sum(1) / c * keep
    return (1 - eps) * nll + eps * smooth, (w[safe] * keep).sum()


@pytest.mark.parametrize(
    "kwargs",
    [
        {},
        {"weight": [1.0, 2.0, 0.5, 3.0]},
        {"ignore_index": 2},
        {"label_smoothing": 0.2},
        {"weight": [1.0, 2.0, 0.5, 3.0], "label_smoothing": 0.3, "ignore_index": 1},
    ],
)
@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_cross_entropy_with_class_indices(T, kwargs, reduction):
    a, y = data((6, 4)), np.array([0, 3, 2, 1, 2, 1])
    x = leaf(T, a)
    kw = dict(kwargs)
    if "weight" in kw:
        kw["weight"] = T.tensor(kw["weight"], dtype=T.float64)
    out = T.nn.functional.cross_entropy(x, T.tensor(y), reduction=reduction, **kw)
    weight = np.array(kwargs["weight"]) if "weight" in kwargs else None
    per, denom = _ce(
        a, y, weight, kwargs.get("ignore_index", -100), kwargs.get("label_smoothing", 0.0)
    )
    want = {"none": per, "sum": per.sum(), "mean": per.sum() / denom}[reduction]
    check(out, want, "float64", rtol=1e-12)
    out.sum().backward()
    if not kwargs:  # the gradient of the mean: (softmax - onehot) / N
        g = (_softmax(a) - np.eye(4)[y]) / (6 if reduction == "mean" else 1)
        check(x.grad, g, "float64", rtol=1e-10)
    assert np.isfinite(x.grad.numpy()).all()


def test_cross_entropy_with_probabilities(T):
    F = T.nn.functional
    a, q = data((5, 4)), _softmax(data((5, 4), 1))
    x = leaf(T, a)
    out = F.cross_entropy(x, T.tensor(q))
    logp = np.log(_softmax(a))
    check(out, -(q * logp).sum(1).mean(), "float64", rtol=1e-12)
    out.backward()
    check(x.grad, (_softmax(a) - q) / 5, "float64", rtol=1e-10)
    assert type(out.grad_fn).__name__ == "DivBackward1"
    smooth = q * 0.8 + 0.2 / 4
    check(
        F.cross_entropy(T.tensor(a), T.tensor(q), label_smoothing=0.2),
        -(smooth * logp).sum(1).mean(),
        "float64",
        rtol=1e-12,
    )
    check(
        F.cross_entropy(T.tensor(a), T.tensor(q), reduction="none"),
        -(q * logp).sum(1),
        "float64",
        rtol=1e-12,
    )
    out32 = F.cross_entropy(T.tensor(a, dtype=T.float32), T.tensor(q))
    assert out32.dtype == T.float64  # a float64 target promotes


def test_cross_entropy_shapes(T):
    F = T.nn.functional
    a = data((2, 3, 4))
    y = np.array([[0, 1, 2, 0], [2, 2, 1, 0]])
    logp = np.log(_softmax(a))
    picked = -np.take_along_axis(logp, y[:, None], 1)[:, 0]
    check(
        F.cross_entropy(T.tensor(a), T.tensor(y), reduction="none"), picked, "float64", rtol=1e-12
    )
    check(
        F.cross_entropy(T.tensor(a[:, :, 0]), T.tensor([2, 1])),
        -(logp[[0, 1], [2, 1], 0]).mean(),
        "float64",
        rtol=1e-12,
    )
    check(F.cross_entropy(T.tensor(a[0, :, 0]), T.tensor(1)), -logp[0, 1, 0], "float64", rtol=1e-12)
    check(F.cross_entropy(T.tensor(a[:, :, 0]), T.tensor([-100, -100])), np.nan, "float64")
    check(
        F.cross_entropy(T.tensor(a[:, :, 0]), T.tensor([1, 2], dtype=T.uint8)),
        -(logp[[0, 1], [1, 2], 0]).mean(),
        "float64",
        rtol=1e-12,
    )


def test_cross_entropy_errors(T):
    F = T.nn.functional
    x = T.zeros(2, 3)
    raises(
        RuntimeError,
        "expected target dtype to be Long or Byte, but got Int",
        lambda: F.cross_entropy(x, T.tensor([0, 1], dtype=T.int32)),
    )
    raises(
        RuntimeError,
        "expected target dtype to be Long or Byte, but got Float",
        lambda: F.cross_entropy(x, T.tensor([0.0, 1.0])),
    )
    raises(
        ValueError,
        "avg is not a valid value for reduction",
        lambda: F.cross_entropy(x, T.tensor([0, 1]), reduction="avg"),
    )
    raises(
        ValueError,
        "Expected input batch_size (2) to match target batch_size (3).",
        lambda: F.cross_entropy(x, T.tensor([0, 1, 2])),
    )
    raises(IndexError, "Target 3 is out of bounds.", lambda: F.cross_entropy(x, T.tensor([0, 3])))
    raises(IndexError, "Target -1 is out of bounds.", lambda: F.cross_entropy(x, T.tensor([0, -1])))
    raises(
        RuntimeError,
        "0D or 1D target tensor expected, multi-target not supported",
        lambda: F.cross_entropy(x, T.tensor([[0], [1]])),
    )
    raises(
        RuntimeError,
        "Expected target size [2, 4], got [2, 3]",
        lambda: F.cross_entropy(T.zeros(2, 3, 4), T.zeros(2, 3, dtype=T.long)),
    )
    raises(
        RuntimeError,
        "weight tensor should be defined either for all 3 classes or no "
        "classes but got weight tensor of shape: [4]",
        lambda: F.cross_entropy(x, T.tensor([0, 1]), weight=T.ones(4)),
    )
    raises(
        RuntimeError,
        "expected scalar type Float but found Double",
        lambda: F.cross_entropy(x, T.tensor([0, 1]), weight=T.ones(3, dtype=T.float64)),
    )
    raises(
        RuntimeError,
        "label_smoothing must be between 0.0 and 1.0. Got: 1.5",
        lambda: F.cross_entropy(x, T.tensor([0, 1]), label_smoothing=1.5),
    )
    raises(
        RuntimeError,
        "Expected floating point type for target with class probabilities, got Long",
        lambda: F.cross_entropy(x, T.zeros(2, 3, dtype=T.long)),
    )
    raises(
        RuntimeError,
        "ignore_index is not supported for floating point target",
        lambda: F.cross_entropy(x, T.zeros(2, 3), ignore_index=1),
    )
    raises(
        RuntimeError,
        "The function 'nll_loss_forward' is not differentiable with respect "
        "to argument 'weight'. This input cannot have requires_grad True.",
        lambda: F.cross_entropy(x, T.tensor([0, 1]), weight=T.ones(3, requires_grad=True)),
    )


def test_nll_loss(T):
    F = T.nn.functional
    a, y, w = data((5, 4)), np.array([1, 3, 3, 0, 2]), np.array([1.0, 2.0, 0.5, 3.0])
    x = leaf(T, a)
    out = F.nll_loss(x, T.tensor(y), weight=T.tensor(w), ignore_index=3)
    keep = y != 3
    picked = a[np.arange(5), y]
    check(out, -(picked * w[y] * keep).sum() / (w[y] * keep).sum(), "float64", rtol=1e-12)
    out.backward()
    g = np.zeros((5, 4))
    g[np.arange(5), y] = -w[y] * keep / (w[y] * keep).sum()
    check(x.grad, g, "float64", rtol=1e-12)
    check(
        F.nll_loss(T.tensor(a), T.tensor(y), ignore_index=3, reduction="none"),
        -picked * keep,
        "float64",
        rtol=1e-12,
    )
    assert type(out.grad_fn).__name__ == "NllLossBackward0"
    raises(
        ValueError,
        "For 1D input, 1D target must have size 1, but got target size: 2",
        lambda: F.nll_loss(T.zeros(3), T.tensor([1, 2])),
    )


def _bce(p, y):
    return -(y * np.maximum(np.log(p), -100) + (1 - y) * np.maximum(np.log(1 - p), -100))


def test_binary_cross_entropy(T):
    F = T.nn.functional
    p, y, w = np.array([0.9, 0.2, 0.6, 0.35]), np.array([1.0, 0.0, 1.0, 0.5]), data(4)
    x = leaf(T, p)
    out = F.binary_cross_entropy(x, T.tensor(y), weight=T.tensor(w))
    check(out, (w * _bce(p, y)).mean(), "float64", rtol=1e-12)
    out.backward()
    check(x.grad, w * (p - y) / (p * (1 - p)) / 4, "float64", rtol=1e-12)
    assert type(out.grad_fn).__name__ == "BinaryCrossEntropyBackward0"


def test_binary_cross_entropy_clamps_logs_and_gradients(T):
    p = T.tensor([0.0, 1.0, 0.5, 1e-30], requires_grad=True)
    y = T.tensor([1.0, 0.0, 1.0, 1.0], requires_grad=True)
    out = T.nn.BCELoss(reduction="none")(p, y)
    out.backward(T.ones_like(out))
    check(out, [100.0, 100.0, 0.6931472, 69.07755], "float32", rtol=1e-6)
    # PyTorch's (p - y) / max(p (1 - p), 1e-12), and log(1 - p) - log(p) for the target
    check(p.grad, [-1e12, 1e12, -2.0, -1e12], "float32", rtol=1e-6)
    check(y.grad, [np.inf, -np.inf, 0.0, 69.07755], "float32", rtol=1e-6)


def test_binary_cross_entropy_errors(T):
    F = T.nn.functional
    p = T.tensor([0.5, 0.5, 0.5])
    raises(
        ValueError,
        "Using a target size (torch.Size([3])) that is different to the input "
        "size (torch.Size([3, 1])) is deprecated. Please ensure they have the same size.",
        lambda: F.binary_cross_entropy(p.reshape(3, 1), p),
    )
    raises(
        RuntimeError,
        "all elements of input should be between 0 and 1",
        lambda: F.binary_cross_entropy(p + 1, p),
    )
    raises(
        RuntimeError,
        "Found dtype Double but expected Float",
        lambda: F.binary_cross_entropy(p, p.double()),
    )
    raises(
        RuntimeError,
        "Found dtype Long but expected Float",
        lambda: F.binary_cross_entropy(p, T.ones(3, dtype=T.long)),
    )
    raises(
        ValueError,
        "avg is not a valid value for reduction",
        lambda: F.binary_cross_entropy(p, p, reduction="avg"),
    )


def test_binary_cross_entropy_with_logits(T):
    F = T.nn.functional
    a, y = data((3, 4)), np.abs(data((3, 4), 1)) % 1
    pw, w = np.abs(data(4, 2)) + 0.5, np.abs(data((3, 1), 3))
    x = leaf(T, a)
    out = F.binary_cross_entropy_with_logits(x, T.tensor(y), T.tensor(w), pos_weight=T.tensor(pw))
    sig = 1 / (1 + np.exp(-a))
    per = -(pw * y * np.log(sig) + (1 - y) * np.log(1 - sig)) * w
    check(out, per.mean(), "float64", rtol=1e-12)
    out.backward()
    check(x.grad, w * (-pw * y * (1 - sig) + (1 - y) * sig) / 12, "float64", rtol=1e-10)
    extreme = F.binary_cross_entropy_with_logits(
        T.tensor([100.0, -100.0, 0.0, 30.0]), T.tensor([0.0, 1.0, 1.0, 1.0]), reduction="none"
    )
    check(extreme, [100.0, 100.0, 0.6931472, 9.357623e-14], "float32", rtol=1e-6)
    assert (
        F.binary_cross_entropy_with_logits(T.tensor([0.5]), T.tensor([1.0], dtype=T.float64)).dtype
        == T.float64
    )
    assert type(out.grad_fn).__name__ == "BinaryCrossEntropyWithLogitsBackward0"


def test_binary_cross_entropy_with_logits_errors(T):
    F = T.nn.functional
    x = T.zeros(3)
    raises(
        ValueError,
        "Target size (torch.Size([3])) must be the same as input size (torch.Size([3, 1]))",
        lambda: F.binary_cross_entropy_with_logits(x.reshape(3, 1), x),
    )
    raises(
        RuntimeError,
        "result type Float can't be cast to the desired output type Long",
        lambda: F.binary_cross_entropy_with_logits(x, T.ones(3, dtype=T.long)),
    )
    raises(
        ValueError,
        "avg is not a valid value for reduction",
        lambda: F.binary_cross_entropy_with_logits(x, x, reduction="avg"),
    )
    raises(
        RuntimeError,
        "The size of tensor a (3) must match the size of tensor b (2) at non-singleton dimension 0",
        lambda: F.binary_cross_entropy_with_logits(x, x, weight=T.ones(2)),
    )
    raises(
        RuntimeError,
        "The function 'binary_cross_entropy_with_logits' is not differentiable "
        "with respect to argument 'pos_weight'. This input cannot have requires_grad True.",
        lambda: F.binary_cross_entropy_with_logits(x, x, pos_weight=T.ones(3, requires_grad=True)),
    )


KL_MEAN = (
    "reduction: 'mean' divides the total loss by both the batch size and the support size."
    "'batchmean' divides only by the batch size, and aligns with the KL div math definition."
    "'mean' will be changed to behave the same as 'batchmean' in the next major release."
)


def test_kl_div(T):
    F = T.nn.functional
    q, p = _softmax(data((3, 4))), _softmax(data((3, 4), 1))
    logq = T.tensor(np.log(q))
    kl = p * (np.log(p) - np.log(q))
    check(F.kl_div(logq, T.tensor(p), reduction="batchmean"), kl.sum() / 3, "float64", rtol=1e-12)
    check(
        F.kl_div(logq, T.tensor(np.log(p)), reduction="sum", log_target=True),
        kl.sum(),
        "float64",
        rtol=1e-12,
    )
    with pytest.warns(UserWarning, match=re.escape(KL_MEAN)):
        check(F.kl_div(logq, T.tensor(p)), kl.mean(), "float64", rtol=1e-12)
    check(T.nn.KLDivLoss(reduction="none")(logq, T.tensor(p)), kl, "float64", rtol=1e-12)


# --- the Modules ---------------------------------------------------------------------------------


def test_loss_modules_reprs_attributes_and_buffers(T):
    nn = T.nn
    for name in (
        "MSELoss",
        "L1Loss",
        "SmoothL1Loss",
        "HuberLoss",
        "CrossEntropyLoss",
        "NLLLoss",
        "BCELoss",
        "BCEWithLogitsLoss",
        "KLDivLoss",
    ):
        m = getattr(nn, name)()
        assert repr(m) == f"{name}()" and m.reduction == "mean"
        assert list(m.parameters()) == []
    ce = nn.CrossEntropyLoss(weight=T.tensor([1.0, 2.0]), ignore_index=3, label_smoothing=0.1)
    assert (ce.ignore_index, ce.label_smoothing) == (3, 0.1)
    assert [n for n, _ in ce.named_buffers()] == ["weight"] and list(ce.state_dict()) == ["weight"]
    assert list(nn.CrossEntropyLoss().state_dict()) == []
    bce = nn.BCEWithLogitsLoss(weight=T.ones(2), pos_weight=T.ones(2))
    assert list(bce.state_dict()) == ["weight", "pos_weight"]
    assert bce.double().pos_weight.dtype == T.float64
    assert (nn.SmoothL1Loss(beta=0.5).beta, nn.HuberLoss(delta=2.0).delta) == (0.5, 2.0)
    assert nn.KLDivLoss(log_target=True).log_target


def test_loss_modules_compute_their_functions(T):
    nn, F = T.nn, T.nn.functional
    x, y = T.tensor(data((4, 3), dtype=np.float32)), T.tensor(data((4, 3), 1, np.float32))
    idx, w = T.tensor([0, 2, 1, 1]), T.tensor([1.0, 2.0, 3.0])
    p, t = x.sigmoid(), (y > 0).float()
    pairs = [
        (nn.MSELoss(reduction="sum")(x, y), F.mse_loss(x, y, reduction="sum")),
        (nn.L1Loss()(x, y), F.l1_loss(x, y)),
        (nn.SmoothL1Loss(beta=0.5)(x, y), F.smooth_l1_loss(x, y, beta=0.5)),
        (nn.HuberLoss(delta=0.5)(x, y), F.huber_loss(x, y, delta=0.5)),
        (
            nn.CrossEntropyLoss(w, ignore_index=2, label_smoothing=0.1)(x, idx),
            F.cross_entropy(x, idx, w, ignore_index=2, label_smoothing=0.1),
        ),
        (nn.NLLLoss(w, reduction="none")(x, idx), F.nll_loss(x, idx, w, reduction="none")),
        (nn.BCELoss(w)(p, t), F.binary_cross_entropy(p, t, w)),
        (
            nn.BCEWithLogitsLoss(pos_weight=w)(x, t),
            F.binary_cross_entropy_with_logits(x, t, pos_weight=w),
        ),
    ]
    for got, want in pairs:
        assert T.equal(got, want)


# --- against live torch ----------------------------------------------------------------------

X = data((5, 4), 20, np.float32)
Y = data((5, 4), 21, np.float32)
IDX = np.array([0, 3, 1, 1, 2])
W4 = np.array([1.0, 2.0, 0.5, 3.0], np.float32)
TGT = (Y > 0).astype(np.float32)
# logits whose float32 log_softmax is exact in any library (the other classes lie 144 or
# more below each row's maximum: exp underflows to 0), and probabilities as given
SATURATED = (np.round(X * 4) / 4 - 150 * (np.arange(4) != IDX[:, None])).astype(np.float32)
PROBS = _softmax(Y.astype(np.float64)).astype(np.float32)

LOSS_CASES = {
    **{
        f"{loss}_{r}": (
            lambda L, F, x, y, loss=loss, r=r: getattr(L.nn, loss)(reduction=r)(x, y),
            [X, np.round(X)],
        )
        for loss in ("MSELoss", "L1Loss", "SmoothL1Loss", "HuberLoss")
        for r in ("mean", "sum", "none")
    },
    "mse_target_grad_f64": (lambda L, F, x, y: F.mse_loss(x.double(), y.double()), [X, Y]),
    "mse_broadcast": (lambda L, F, x, y: F.mse_loss(x[:, :1], y[:, 0]), [X, Y]),
    "mse_int_target": (lambda L, F, x, y: F.mse_loss(x, y.long()), [X, Y]),
    "mse_weight": (
        lambda L, F, x, y, w: F.mse_loss(x, y, weight=w),
        [X, Y, np.abs(Y)],
        [True, True, False],
    ),
    "smooth_l1_f64_target": (lambda L, F, x, y: F.smooth_l1_loss(x, y.double(), beta=0.3), [X, Y]),
    **{
        f"ce_{r}_{i}": (
            lambda L, F, x, y, r=r, kw=kw: F.cross_entropy(x, y, reduction=r, **kw),
            [X, IDX],
        )
        for r in ("mean", "sum", "none")
        for i, kw in enumerate([{}, {"ignore_index": 1}, {"label_smoothing": 0.2}])
    },
    **{
        f"ce_weight_{r}": (
            lambda L, F, x, y, w, r=r: F.cross_entropy(
                x, y, w, reduction=r, label_smoothing=0.3, ignore_index=3
            ),
            [X, IDX, W4],
            [True, False, False],
        )
        for r in ("mean", "sum", "none")
    },
    "ce_probs": (
        lambda L, F, x, p, w: F.cross_entropy(x, p.softmax(1), w, label_smoothing=0.2),
        [X, Y, W4],
        [True, False, False],
    ),
    "ce_probs_f64": (
        lambda L, F, x, p: F.cross_entropy(x, p.double().softmax(1)),
        [X, Y],
        [True, False],
    ),
    # log_softmax runs in the input's dtype, the float64 weight promotes the loss afterwards
    # (float32 kernels round differently, so the logits are ones float32 computes exactly)
    **{
        f"ce_probs_f64_weight_{r}": (
            lambda L, F, x, p, w, r=r: F.cross_entropy(
                x.float(), p.float(), w.double(), reduction=r, label_smoothing=0.1
            ),
            [SATURATED, PROBS, W4],
            [True, False, False],
        )
        for r in ("mean", "none")
    },
    "ce_probs_int_input": (
        lambda L, F, x, p: F.cross_entropy((x * 3).long(), p.softmax(1)),
        [X, Y],
        [False, False],
    ),
    "ce_probs_int_input_3d": (
        lambda L, F, x, p: F.cross_entropy((x * 3).long()[None], p.softmax(1)[None]),
        [X, Y],
        [False, False],
    ),
    "ce_int_input_3d": (
        lambda L, F, x, y: F.cross_entropy((x * 3).long().reshape(1, 5, 4), y),
        [X, np.array([[0, 1, 4, 2]])],
        [False, False],
    ),
    "ce_probs_bad_weight": (
        lambda L, F, x, p, w: F.cross_entropy(x, p.softmax(1), w[:3]),
        [X, Y, W4],
        [False, False, False],
    ),
    "ce_probs_2d_weight": (
        lambda L, F, x, p, w: F.cross_entropy(x, p.softmax(1), w.reshape(2, 2)),
        [X, Y, W4],
        [False, False, False],
    ),
    "ce_spatial": (
        lambda L, F, x, y: F.cross_entropy(x.reshape(1, 5, 4), y),
        [X, np.array([[0, 1, 4, 2]])],
    ),
    "ce_unbatched": (lambda L, F, x, y: F.cross_entropy(x[0], y), [X, np.array(2)]),
    "ce_all_ignored": (lambda L, F, x, y: F.cross_entropy(x, y), [X, np.full(5, -100)]),
    "ce_f64_smoothing": (
        lambda L, F, x, y: F.cross_entropy(x.double(), y, label_smoothing=0.3),
        [X, IDX],
    ),
    "ce_int32": (lambda L, F, x, y: F.cross_entropy(x, y), [X, IDX.astype(np.int32)]),
    "ce_bad_batch": (lambda L, F, x, y: F.cross_entropy(x, y), [X, IDX[:4]]),
    "nll": (
        lambda L, F, x, y, w: F.nll_loss(x.log_softmax(1), y, w, ignore_index=3),
        [X, IDX, W4],
        [True, False, False],
    ),
    "bce": (
        lambda L, F, x, t, w: F.binary_cross_entropy(x.sigmoid(), t, w[:4]),
        [X, TGT, W4],
        [True, True, False],
    ),
    "bce_none": (
        lambda L, F, x, t: F.binary_cross_entropy(x.sigmoid(), t, reduction="none"),
        [X, TGT],
    ),
    "bce_clamped": (
        lambda L, F, p, y: F.binary_cross_entropy(p, y, reduction="sum"),
        [
            np.array([0.0, 1.0, 0.5, 1e-30, 1 - 1e-7], np.float32),
            np.array([1.0, 0.0, 1.0, 1.0, 0.3], np.float32),
        ],
        [True, False],
    ),
    "bce_logits": (
        lambda L, F, x, t, w, pw: F.binary_cross_entropy_with_logits(x, t, w, pos_weight=pw),
        [X, np.abs(Y) % 1, W4, W4[::-1].copy()],
        [True, True, False, False],
    ),
    "bce_logits_none": (
        lambda L, F, x, t: F.binary_cross_entropy_with_logits(x * 30, t, reduction="none"),
        [X, TGT],
    ),
    "bce_logits_f64_target": (
        lambda L, F, x, t: F.binary_cross_entropy_with_logits(x, t.double()),
        [X, TGT],
    ),
    "kl_batchmean": (
        lambda L, F, x, t: F.kl_div(
            x.log_softmax(1), t.log_softmax(1), reduction="batchmean", log_target=True
        ),
        [X, Y],
    ),
    "kl_sum": (
        lambda L, F, x, t: F.kl_div(x.log_softmax(1), t.softmax(1), reduction="sum"),
        [X, Y],
    ),
}


@pytest.mark.parametrize("case", list(LOSS_CASES))
def test_loss_matches_torch(case):
    fn, arrays, *grads = LOSS_CASES[case]
    same_as_torch(fn, *arrays, grads=grads[0] if grads else None)

"""funcgrad.nn.losses: PyTorch's exact semantics, gradients, stability at logits of 1e4.

One table line per loss configuration: each is compared with torch.nn.functional
(values and gradients, float64) when torch is installed, and gradient-checked by
central differences.
"""

import warnings

import numpy as np
import pytest

import funcgrad as fg
import funcgrad.numpy as fnp
from funcgrad.nn import functional as F, losses
from funcgrad.scipy.special import log_softmax, softmax
from funcgrad.testing import check_grads

RNG = np.random.default_rng(0)
LOGITS = RNG.normal(size=(5, 4)) * 2
LABELS = np.array([0, 3, 1, 3, 2])
LABELS_IGNORED = np.array([0, -100, 1, 3, -100])
WEIGHT = np.array([0.5, 2.0, 1.0, 3.0])
PROBS = softmax(RNG.normal(size=(5, 4)), axis=1)
LOGITS_3D = RNG.normal(size=(2, 3, 4))
LABELS_3D = np.array([[0, 2, 1, 1], [2, 2, 0, 1]])
PRED, TARGET = RNG.normal(size=(3, 4)), RNG.normal(size=(3, 4)) * 1.5
P01 = np.array([[0.9, 0.2, 0.6], [0.3, 0.75, 0.05]])
Y01 = np.array([[1.0, 0.0, 1.0], [0.0, 0.4, 1.0]])
X_LOGITS = RNG.normal(size=(2, 3)) * 3

# name -> (our loss, torch function name, args, kwargs, name of the differentiated argument)
# args are (input, target, ...); the first is differentiated.
CASES = {
    "mse": (losses.mse, "mse_loss", (PRED, TARGET), {}),
    "mse_sum": (losses.mse, "mse_loss", (PRED, TARGET), {"reduction": "sum"}),
    "mse_none": (losses.mse, "mse_loss", (PRED, TARGET), {"reduction": "none"}),
    "l1": (losses.l1, "l1_loss", (PRED, TARGET), {}),
    "huber": (losses.huber, "huber_loss", (PRED, TARGET), {"delta": 0.8}),
    "huber_none": (losses.huber, "huber_loss", (PRED, TARGET), {"reduction": "none"}),
    "smooth_l1": (losses.smooth_l1, "smooth_l1_loss", (PRED, TARGET), {"beta": 0.7}),
    "smooth_l1_beta0": (losses.smooth_l1, "smooth_l1_loss", (PRED, TARGET), {"beta": 0.0}),
    "ce": (losses.cross_entropy, "cross_entropy", (LOGITS, LABELS), {}),
    "ce_sum": (losses.cross_entropy, "cross_entropy", (LOGITS, LABELS), {"reduction": "sum"}),
    "ce_none": (losses.cross_entropy, "cross_entropy", (LOGITS, LABELS), {"reduction": "none"}),
    "ce_weight": (losses.cross_entropy, "cross_entropy", (LOGITS, LABELS), {"weight": WEIGHT}),
    "ce_ignore": (losses.cross_entropy, "cross_entropy", (LOGITS, LABELS_IGNORED), {}),
    "ce_ignore_none": (
        losses.cross_entropy,
        "cross_entropy",
        (LOGITS, LABELS_IGNORED),
        {"reduction": "none"},
    ),
    "ce_weight_ignore": (
        losses.cross_entropy,
        "cross_entropy",
        (LOGITS, LABELS_IGNORED),
        {"weight": WEIGHT},
    ),
    "ce_custom_ignore": (
        losses.cross_entropy,
        "cross_entropy",
        (LOGITS, LABELS),
        {"ignore_index": 3},
    ),
    "ce_smooth": (
        losses.cross_entropy,
        "cross_entropy",
        (LOGITS, LABELS),
        {"label_smoothing": 0.2},
    ),
    "ce_smooth_weight_ignore": (
        losses.cross_entropy,
        "cross_entropy",
        (LOGITS, LABELS_IGNORED),
        {"label_smoothing": 0.15, "weight": WEIGHT},
    ),
    "ce_smooth_ignore_sum": (
        losses.cross_entropy,
        "cross_entropy",
        (LOGITS, LABELS_IGNORED),
        {"label_smoothing": 0.3, "reduction": "sum"},
    ),
    "ce_smooth_weight_none": (
        losses.cross_entropy,
        "cross_entropy",
        (LOGITS, LABELS_IGNORED),
        {"label_smoothing": 0.3, "weight": WEIGHT, "reduction": "none"},
    ),
    "ce_probs": (losses.cross_entropy, "cross_entropy", (LOGITS, PROBS), {}),
    "ce_probs_weight_smooth": (
        losses.cross_entropy,
        "cross_entropy",
        (LOGITS, PROBS),
        {"weight": WEIGHT, "label_smoothing": 0.1},
    ),
    "ce_probs_none": (
        losses.cross_entropy,
        "cross_entropy",
        (LOGITS, PROBS),
        {"reduction": "none"},
    ),
    "ce_3d": (losses.cross_entropy, "cross_entropy", (LOGITS_3D, LABELS_3D), {}),
    "ce_3d_weight_smooth": (
        losses.cross_entropy,
        "cross_entropy",
        (LOGITS_3D, LABELS_3D),
        {"weight": WEIGHT[:3], "label_smoothing": 0.1},
    ),
    "ce_unbatched": (losses.cross_entropy, "cross_entropy", (LOGITS[0], np.array(2)), {}),
    "nll": (losses.nll, "nll_loss", (log_softmax(LOGITS, axis=1), LABELS), {}),
    "nll_weight_ignore": (
        losses.nll,
        "nll_loss",
        (log_softmax(LOGITS, axis=1), LABELS_IGNORED),
        {"weight": WEIGHT},
    ),
    "nll_none": (
        losses.nll,
        "nll_loss",
        (log_softmax(LOGITS, axis=1), LABELS_IGNORED),
        {"reduction": "none"},
    ),
    "bce": (losses.binary_cross_entropy, "binary_cross_entropy", (P01, Y01), {}),
    "bce_weight_sum": (
        losses.binary_cross_entropy,
        "binary_cross_entropy",
        (P01, Y01),
        {"weight": np.array([1.0, 2.0, 0.5]), "reduction": "sum"},
    ),
    "bce_logits": (
        losses.binary_cross_entropy_with_logits,
        "binary_cross_entropy_with_logits",
        (X_LOGITS, Y01),
        {},
    ),
    "bce_logits_pos_weight": (
        losses.binary_cross_entropy_with_logits,
        "binary_cross_entropy_with_logits",
        (X_LOGITS, Y01),
        {"pos_weight": np.array([3.0, 0.5, 1.5]), "weight": np.array([2.0, 1.0, 1.0])},
    ),
    "bce_logits_none": (
        losses.binary_cross_entropy_with_logits,
        "binary_cross_entropy_with_logits",
        (X_LOGITS, Y01),
        {"reduction": "none"},
    ),
    "kl_div": (losses.kl_div, "kl_div", (log_softmax(LOGITS, axis=1), PROBS), {}),
    "kl_div_batchmean": (
        losses.kl_div,
        "kl_div",
        (log_softmax(LOGITS, axis=1), PROBS),
        {"reduction": "batchmean"},
    ),
    "kl_div_log_target": (
        losses.kl_div,
        "kl_div",
        (log_softmax(LOGITS, axis=1), np.log(PROBS)),
        {"reduction": "sum", "log_target": True},
    ),
    "kl_div_zero_target": (
        losses.kl_div,
        "kl_div",
        (log_softmax(LOGITS[:2], axis=1), np.array([[0.0, 0.5, 0.5, 0.0], [1.0, 0.0, 0.0, 0.0]])),
        {"reduction": "none"},
    ),
}


def _torch_kwargs(torch, kwargs):
    return {k: torch.tensor(v) if isinstance(v, np.ndarray) else v for k, v in kwargs.items()}


@pytest.mark.parametrize("name", sorted(CASES))
def test_matches_torch(name):
    torch = pytest.importorskip("torch")
    ours, tname, (x, target), kwargs = CASES[name]
    tx = torch.tensor(x, requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # kl_div's note that "mean" is not the KL divergence
        ty = getattr(torch.nn.functional, tname)(
            tx, torch.tensor(target), **_torch_kwargs(torch, kwargs)
        )
    y = ours(x, target, **kwargs)
    assert np.shape(y) == tuple(ty.shape)
    np.testing.assert_allclose(y, ty.detach().numpy(), rtol=1e-12, atol=1e-14)
    g = RNG.normal(size=np.shape(y))
    ty.backward(torch.tensor(g))
    grad = fg.grad(lambda x: fnp.sum(ours(x, target, **kwargs) * g))(x)
    np.testing.assert_allclose(grad, tx.grad.numpy(), rtol=1e-10, atol=1e-14)


@pytest.mark.parametrize("name", sorted(CASES))
def test_gradients(name):
    ours, _, (x, target), kwargs = CASES[name]
    order = 1 if name.startswith(("l1", "smooth_l1_beta0")) else 2  # |x|'' is 0 a.e.
    check_grads(lambda x: ours(x, target, **kwargs), (x,), order=order)


def test_cross_entropy_gradient_wrt_weights_and_probabilities():
    check_grads(
        lambda w, p: losses.cross_entropy(LOGITS, p, weight=w, label_smoothing=0.1),
        (WEIGHT, PROBS),
        order=2,
    )
    check_grads(
        lambda w: losses.cross_entropy(LOGITS, LABELS_IGNORED, weight=w), (WEIGHT,), order=2
    )


# --- numbers recorded from PyTorch (COMPAT_SPEC, section 4), no torch needed -----------


def test_values_recorded_from_pytorch():
    logits = np.array([[2.0, 1.0, 0.1], [0.5, 2.5, 0.3]])
    t = np.array([0, 1])
    assert round(float(losses.cross_entropy(logits, t)), 4) == 0.3185
    assert round(float(losses.cross_entropy(logits, t, reduction="sum")), 4) == 0.6371
    np.testing.assert_allclose(
        losses.cross_entropy(logits, t, reduction="none"), [0.4170, 0.2200], atol=1e-4
    )
    assert round(float(losses.cross_entropy(logits, t, label_smoothing=0.1)), 4) == 0.4369
    assert round(float(losses.cross_entropy(logits, t, weight=np.array([1.0, 2, 3]))), 4) == 0.2857
    p, y = np.array([0.9, 0.2, 0.6]), np.array([1.0, 0.0, 1.0])
    assert round(float(losses.binary_cross_entropy(p, y)), 4) == 0.2798
    x = np.array([2.0, -1.0, 0.5])
    assert round(float(losses.binary_cross_entropy_with_logits(x, y)), 4) == 0.3048
    assert round(float(losses.binary_cross_entropy_with_logits(x, y, pos_weight=3.0)), 4) == 0.7054
    # gradient of the mean cross-entropy: (softmax - onehot) / N
    g = fg.grad(losses.cross_entropy)(logits, t)
    np.testing.assert_allclose(g, (softmax(logits, axis=1) - np.eye(3)[t]) / 2)


# --- stability ------------------------------------------------------------------------


@pytest.mark.parametrize("smoothing", [0.0, 0.1])
def test_cross_entropy_logits_1e4(smoothing):
    logits = np.array([[1e4, -1e4, 0.0], [-1e4, 1e4, 1e4], [5e3, -5e3, 1e4]])
    t = np.array([2, 1, 0])
    value = losses.cross_entropy(logits, t, label_smoothing=smoothing)
    g = fg.grad(losses.cross_entropy)(logits, t, label_smoothing=smoothing)
    assert np.isfinite(value) and np.all(np.isfinite(g))
    expected = (softmax(logits, axis=1) - (1 - smoothing) * np.eye(3)[t] - smoothing / 3) / 3
    np.testing.assert_allclose(g, expected, atol=1e-15)
    if smoothing == 0:
        assert float(value) == pytest.approx((1e4 + np.log(2) + 5e3) / 3, rel=1e-15)


def test_cross_entropy_with_probabilities_logits_1e4():
    logits = np.array([[1e4, -1e4, 0.0]])
    p = np.array([[0.5, 0.0, 0.5]])
    g = fg.grad(losses.cross_entropy)(logits, p)
    np.testing.assert_allclose(g, softmax(logits, axis=1) - p)


def test_binary_losses_logits_1e4():
    x = np.array([1e4, -1e4, 1e4, -1e4])
    y = np.array([1.0, 0.0, 0.0, 1.0])
    v = losses.binary_cross_entropy_with_logits(x, y, reduction="none")
    np.testing.assert_array_equal(v, [0.0, 0.0, 1e4, 1e4])
    g = fg.grad(lambda x: losses.binary_cross_entropy_with_logits(x, y, reduction="sum"))(x)
    np.testing.assert_array_equal(g, [0.0, 0.0, 1.0, -1.0])  # sigmoid(x) - y
    g = fg.grad(
        lambda x: losses.binary_cross_entropy_with_logits(x, y, pos_weight=2.0, reduction="sum")
    )(x)
    np.testing.assert_array_equal(g, [0.0, 0.0, 1.0, -2.0])


def test_nll_of_log_softmax_at_1e4():
    logits = np.array([[1e4, 0.0]])
    g = fg.grad(lambda z: losses.nll(F.log_softmax(z, axis=1), np.array([1])))(logits)
    np.testing.assert_allclose(g, [[1.0, -1.0]])


def test_binary_cross_entropy_clamps_logs_at_minus_100():
    p, y = np.array([0.0, 1.0, 0.5]), np.array([1.0, 0.0, 0.5])
    np.testing.assert_allclose(
        losses.binary_cross_entropy(p, y, reduction="none"), [100.0, 100.0, np.log(2)]
    )


# --- PyTorch's edge cases -------------------------------------------------------------


def test_all_ignored_mean_is_nan_with_zero_gradient():
    t = np.array([-100, -100])
    assert np.isnan(losses.cross_entropy(LOGITS[:2], t))
    g = fg.grad(losses.cross_entropy)(LOGITS[:2], t)
    np.testing.assert_array_equal(g, np.zeros((2, 4)))
    assert float(losses.cross_entropy(LOGITS[:2], t, reduction="sum")) == 0.0


def test_all_ignored_matches_torch():
    torch = pytest.importorskip("torch")
    t = np.array([-100, -100])
    tx = torch.tensor(LOGITS[:2], requires_grad=True)
    ty = torch.nn.functional.cross_entropy(tx, torch.tensor(t))
    ty.backward()
    assert np.isnan(ty.item())
    np.testing.assert_array_equal(fg.grad(losses.cross_entropy)(LOGITS[:2], t), tx.grad.numpy())


def test_loss_errors():
    with pytest.raises(ValueError, match="avg is not a valid value for reduction"):
        losses.mse(PRED, TARGET, reduction="avg")
    with pytest.raises(ValueError, match="batchmean"):
        losses.cross_entropy(LOGITS, LABELS, reduction="batchmean")
    with pytest.raises(IndexError, match="Target 4 is out of bounds."):
        losses.cross_entropy(LOGITS, np.array([0, 4, 1, 1, 1]))
    with pytest.raises(
        ValueError, match=r"Expected input batch_size \(5\) to match target batch_size \(3\)"
    ):
        losses.cross_entropy(LOGITS, np.array([0, 1, 1]))
    with pytest.raises(ValueError, match="probability targets"):
        losses.cross_entropy(LOGITS, PROBS[:, :3])
    with pytest.raises(TypeError, match="class indices or float probabilities"):
        losses.cross_entropy(LOGITS, LABELS.astype(bool))
    with pytest.raises(ValueError, match="label_smoothing"):
        losses.cross_entropy(LOGITS, LABELS, label_smoothing=1.5)
    with pytest.raises(ValueError, match="between 0 and 1"):
        losses.binary_cross_entropy(np.array([1.5]), np.array([1.0]))
    with pytest.raises(ValueError, match="different to the input size"):
        losses.binary_cross_entropy(np.array([[0.5]]), np.array([1.0]))
    with pytest.raises(ValueError, match=r"Target size \(\[3\]\) must be the same as input size"):
        losses.binary_cross_entropy_with_logits(np.zeros((3, 1)), np.zeros(3))


def test_regression_losses_warn_on_broadcasting_like_torch():
    with pytest.warns(UserWarning, match="different to the input size"):
        v = losses.mse(np.zeros((3, 1)), np.array([0.0, 1.0, 2.0]))
    assert float(v) == pytest.approx(5 / 3)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        losses.mse(np.zeros(3), np.zeros(3))


def test_functional_has_the_losses_under_both_names():
    assert F.mse_loss is F.mse is losses.mse
    assert F.nll_loss is losses.nll and F.huber_loss is losses.huber
    assert F.smooth_l1_loss is losses.smooth_l1 and F.l1_loss is losses.l1
    assert F.cross_entropy is losses.cross_entropy


def test_losses_keep_float32():
    x = LOGITS.astype(np.float32)
    for f in (
        lambda x: losses.cross_entropy(x, LABELS, label_smoothing=0.1),
        lambda x: losses.mse(x, np.zeros((5, 4), np.float32)),
        lambda x: losses.binary_cross_entropy_with_logits(x, np.ones((5, 4), np.float32)),
        lambda x: losses.huber(x, np.zeros((5, 4), np.float32)),
    ):
        assert f(x).dtype == np.float32
        assert fg.grad(f)(x).dtype == np.float32

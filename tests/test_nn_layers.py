"""funcgrad.nn layers: pytrees, immutability, initialisation, shapes, the Sequential
convention (key, training, state), gradients, and PyTorch's modules with copied weights."""

import ast
import pathlib
import warnings

import attrs
import numpy as np
import pytest

import funcgrad as fg
import funcgrad.numpy as fnp
from funcgrad import nn, random, tree
from funcgrad.nn import functional as F
from funcgrad.testing import check_grads


@pytest.fixture
def key():
    """A fresh key for each test."""
    return random.key(0)


# name -> (constructor of a key, an input)
LAYERS = {
    "Linear": (lambda k: nn.Linear(3, 4, key=k), np.ones((2, 3))),
    "Linear_nobias": (lambda k: nn.Linear(3, 4, use_bias=False, key=k), np.ones((2, 3))),
    "Conv2d": (lambda k: nn.Conv2d(2, 3, 3, padding=1, key=k), np.ones((2, 2, 5, 5))),
    "Conv1d": (lambda k: nn.Conv1d(2, 3, 3, stride=2, key=k), np.ones((2, 2, 7))),
    "MaxPool2d": (lambda k: nn.MaxPool2d(2), np.ones((1, 2, 4, 4))),
    "AvgPool2d": (lambda k: nn.AvgPool2d(3, stride=1, padding=1), np.ones((1, 2, 4, 4))),
    "AdaptiveAvgPool2d": (lambda k: nn.AdaptiveAvgPool2d((2, 3)), np.ones((1, 2, 5, 7))),
    "Embedding": (lambda k: nn.Embedding(6, 3, key=k), np.array([[1, 5], [0, 2]])),
    "LayerNorm": (lambda k: nn.LayerNorm((2, 3)), np.arange(12.0).reshape(2, 2, 3)),
    "Dropout": (lambda k: nn.Dropout(0.5), np.ones((2, 3))),
    "Identity": (lambda k: nn.Identity(), np.ones(2)),
    "Flatten": (lambda k: nn.Flatten(), np.ones((2, 3, 4))),
    "Lambda": (lambda k: nn.Lambda(F.tanh), np.ones(2)),
    "MLP": (lambda k: nn.MLP(3, [5, 4], 2, activation="tanh", key=k), np.ones((2, 3))),
    "Sequential": (
        lambda k: nn.Sequential(nn.Linear(3, 4, key=k), F.relu, nn.Linear(4, 1, key=k)),
        np.ones((2, 3)),
    ),
    "BatchNorm": (lambda k: nn.BatchNorm(3), np.arange(6.0).reshape(2, 3)),
}


def _apply(layer, x):
    if isinstance(layer, nn.BatchNorm):
        return layer(x, layer.init_state())[0]
    if isinstance(layer, nn.Dropout):
        return layer(x, training=False)
    return layer(x)


# --- pytrees and immutability ------------------------------------------------------


@pytest.mark.parametrize("name", sorted(LAYERS))
def test_leaves_are_arrays_and_config_is_structure(name, key):
    make, x = LAYERS[name]
    layer = make(key)
    for leaf in tree.leaves(layer):
        assert isinstance(leaf, np.ndarray) and leaf.dtype.kind == "f"
    statics = [f.name for f in attrs.fields(type(layer)) if f.metadata.get("static")]
    rebuilt = tree.unflatten(tree.structure(layer), tree.leaves(layer))
    assert type(rebuilt) is type(layer)
    for s in statics:
        assert getattr(rebuilt, s) == getattr(layer, s)
    np.testing.assert_allclose(_apply(rebuilt, x), _apply(layer, x))


@pytest.mark.parametrize("name", sorted(LAYERS))
def test_layers_survive_tree_map(name, key):
    make, x = LAYERS[name]
    layer = make(key)
    doubled = tree.map(lambda a: a * 2, layer)
    assert type(doubled) is type(layer)
    assert tree.structure(doubled) == tree.structure(layer)
    for a, b in zip(tree.leaves(doubled), tree.leaves(layer)):
        np.testing.assert_array_equal(a, 2 * b)


@pytest.mark.parametrize("name", sorted(LAYERS))
def test_layers_are_frozen_and_compare_by_identity(name, key):
    layer = LAYERS[name][0](key)
    fields = attrs.fields(type(layer))
    field = fields[0].name if fields else "anything"
    with pytest.raises(AttributeError, match="immutable") as err:
        setattr(layer, field, None)
    assert "nn.replace" in str(err.value)
    assert isinstance(err.value, attrs.exceptions.FrozenInstanceError)
    with pytest.raises(AttributeError, match="cannot be deleted"):
        delattr(layer, field)
    twin = tree.map(lambda a: a, layer)
    assert layer == layer and layer != twin  # eq=False: identity, never elementwise
    hash(layer)


def test_structure_differs_with_static_config(key):
    a, b = nn.Conv2d(2, 3, 3, key=key), nn.Conv2d(2, 3, 3, stride=2, key=key)
    assert tree.leaves(a)[0].shape == tree.leaves(b)[0].shape
    assert tree.structure(a) != tree.structure(b)


def test_parameters_are_read_only(key):
    lin = nn.Linear(3, 2, key=key)
    with pytest.raises(ValueError, match="read-only"):
        lin.weight[0, 0] = 1.0
    assert not nn.BatchNorm(2).init_state().running_mean.flags.writeable


def test_replace(key):
    lin = nn.Linear(3, 2, key=key)
    new = nn.replace(lin, bias=np.zeros(2))
    np.testing.assert_array_equal(new.bias, 0)
    assert new.weight is lin.weight and lin.bias is not new.bias
    with pytest.raises(TypeError, match="no field"):
        nn.replace(lin, weights=None)


def test_repr_is_short(key):
    assert repr(nn.Linear(3, 2, key=key)) == (
        "Linear(weight=float64[2, 3], bias=float64[2], in_features=3, out_features=2)"
    )
    assert "fn=relu" in repr(nn.Sequential(F.relu))


# --- initialisation ------------------------------------------------------------------


def test_linear_init_matches_pytorch_distribution():
    lin = nn.Linear(100, 300, key=random.key(1))
    bound = 1 / np.sqrt(100)
    for a in (lin.weight, lin.bias):
        assert np.abs(a).max() <= bound and np.abs(a).max() > 0.95 * bound
    assert lin.weight.std() == pytest.approx(bound / np.sqrt(3), rel=0.03)  # U(-b, b)
    assert abs(lin.weight.mean()) < 0.01 * bound * 10


def test_conv_init_uses_fan_in():
    conv = nn.Conv2d(6, 40, (3, 2), groups=2, key=random.key(2))
    assert conv.weight.shape == (40, 3, 3, 2)
    bound = 1 / np.sqrt(3 * 3 * 2)
    assert np.abs(conv.weight).max() <= bound and np.abs(conv.weight).max() > 0.95 * bound
    assert np.abs(conv.bias).max() <= bound
    c1 = nn.Conv1d(4, 50, 5, key=random.key(3))
    assert 0.95 / np.sqrt(20) < np.abs(c1.weight).max() <= 1 / np.sqrt(20)


def test_embedding_init_is_standard_normal():
    emb = nn.Embedding(200, 50, key=random.key(4))
    assert emb.weight.mean() == pytest.approx(0, abs=0.02)
    assert emb.weight.std() == pytest.approx(1, rel=0.02)
    padded = nn.Embedding(5, 3, padding_idx=-1, key=random.key(4))
    assert padded.padding_idx == 4 and np.all(padded.weight[4] == 0)


def test_init_is_determined_by_the_key():
    a, b = nn.Linear(3, 2, key=random.key(5)), nn.Linear(3, 2, key=random.key(5))
    c = nn.Linear(3, 2, key=random.key(6))
    np.testing.assert_array_equal(a.weight, b.weight)
    assert not np.array_equal(a.weight, c.weight)
    assert not np.array_equal(a.weight.ravel()[:2], a.bias)  # weight and bias use two keys
    with pytest.raises(TypeError, match="key"):
        nn.Linear(3, 2, key=0)
    with pytest.raises(TypeError):
        nn.Linear(3, 2)  # the key is required


def test_norm_layers_start_at_identity():
    ln, bn = nn.LayerNorm(3), nn.BatchNorm(3)
    for w, b in ((ln.weight, ln.bias), (bn.weight, bn.bias)):
        np.testing.assert_array_equal(w, 1)
        np.testing.assert_array_equal(b, 0)
    s = bn.init_state()
    np.testing.assert_array_equal(s.running_mean, 0)
    np.testing.assert_array_equal(s.running_var, 1)
    assert s.num_batches_tracked == 0 and s.num_batches_tracked.dtype == np.int64


def test_dtype_option(key):
    for layer in (
        nn.Linear(3, 2, dtype=np.float32, key=key),
        nn.Conv2d(1, 2, 2, dtype=np.float32, key=key),
        nn.Embedding(3, 2, dtype=np.float32, key=key),
        nn.LayerNorm(2, dtype=np.float32),
        nn.BatchNorm(2, dtype=np.float32),
    ):
        assert all(a.dtype == np.float32 for a in tree.leaves(layer))
    lin = nn.Linear(3, 2, dtype=np.float32, key=key)
    assert lin(np.ones(3, np.float32)).dtype == np.float32


# --- shapes ----------------------------------------------------------------------------


def test_shapes(key):
    lin = nn.Linear(3, 4, key=key)
    assert lin(np.ones(3)).shape == (4,)
    assert lin(np.ones((2, 5, 3))).shape == (2, 5, 4)
    conv = nn.Conv2d(3, 8, 3, stride=2, padding=1, key=key)
    assert conv(np.ones((2, 3, 9, 9))).shape == (2, 8, 5, 5)
    assert conv(np.ones((3, 9, 9))).shape == (8, 5, 5)
    assert nn.Conv2d(3, 4, (3, 2), padding="same", key=key)(np.ones((1, 3, 6, 7))).shape == (
        1,
        4,
        6,
        7,
    )
    assert nn.Conv1d(2, 4, 3, padding="same", key=key)(np.ones((5, 2, 8))).shape == (5, 4, 8)
    assert nn.MaxPool2d(3, 2, 1)(np.ones((1, 1, 7, 7))).shape == (1, 1, 4, 4)
    assert nn.AdaptiveAvgPool2d(1)(np.ones((4, 3, 5, 6))).shape == (4, 3, 1, 1)
    assert nn.Embedding(5, 2, key=key)(np.array([0, 4, 4])).shape == (3, 2)
    assert nn.Flatten(0, 1)(np.ones((2, 3, 4))).shape == (6, 4)


def test_layer_errors(key):
    with pytest.raises(ValueError, match="divisible by groups"):
        nn.Conv2d(3, 4, 3, groups=2, key=key)
    with pytest.raises(ValueError, match="in_features"):
        nn.Linear(3, 2, key=key)(np.ones((2, 4)))
    with pytest.raises(ValueError, match="between 0 and 1"):
        nn.Dropout(-0.1)
    with pytest.raises(ValueError, match="trailing axes"):
        nn.LayerNorm(3)(np.ones((2, 4)))
    with pytest.raises(ValueError, match="unknown activation"):
        nn.MLP(2, [3], 1, activation="swishy", key=key)


# --- Dropout ---------------------------------------------------------------------------


def test_dropout_layer(key):
    drop = nn.Dropout(0.25)
    x = np.ones((100, 40))
    y = drop(x, key=key)
    assert set(np.unique(y)) == {0.0, 4 / 3}
    assert 0.7 < (y != 0).mean() < 0.8
    np.testing.assert_array_equal(drop(x, key=key), y)  # same key, same mask
    assert not np.array_equal(drop(x, key=random.key(1)), y)
    assert drop(x, training=False) is x
    assert nn.Dropout(0.0)(x) is x
    with pytest.raises(ValueError, match="needs a key") as err:
        drop(x)
    assert "training=False" in str(err.value)


# --- BatchNorm ---------------------------------------------------------------------------


def test_batch_norm_state_is_explicit():
    bn = nn.BatchNorm(2, momentum=0.5)
    x = np.array([[1.0, 2.0], [3.0, 6.0], [5.0, 10.0]])
    state = bn.init_state()
    y, new = bn(x, state, training=True)
    np.testing.assert_allclose(y.mean(axis=0), 0, atol=1e-12)
    np.testing.assert_allclose(y.var(axis=0), 1, rtol=1e-4)  # biased var, eps = 1e-5
    np.testing.assert_allclose(new.running_mean, 0.5 * np.array([3.0, 6.0]))
    np.testing.assert_allclose(new.running_var, 0.5 + 0.5 * x.var(axis=0, ddof=1))  # unbiased
    assert new.num_batches_tracked == 1
    np.testing.assert_array_equal(state.running_mean, 0)  # the old state is unchanged
    y_eval, same = bn(x, new, training=False)
    assert same is new
    np.testing.assert_allclose(y_eval, (x - new.running_mean) / np.sqrt(new.running_var + 1e-5))


def test_batch_norm_cumulative_average_and_no_tracking():
    bn = nn.BatchNorm(1, momentum=None)
    state = bn.init_state()
    for batch in (np.array([[0.0], [2.0]]), np.array([[4.0], [6.0]])):
        _, state = bn(batch, state)
    np.testing.assert_allclose(state.running_mean, [3.0])  # (1 + 5) / 2
    free = nn.BatchNorm(1, track_running_stats=False)
    assert free.init_state() is None
    y, s = free(np.array([[0.0], [2.0]]), None, training=False)
    assert s is None
    np.testing.assert_allclose(y.ravel(), [-1, 1], rtol=1e-4)


def test_batch_norm_errors():
    bn = nn.BatchNorm(2)
    with pytest.raises(ValueError, match="Expected more than 1 value per channel"):
        bn(np.ones((1, 2)), bn.init_state())
    with pytest.raises(TypeError, match="init_state"):
        bn(np.ones((3, 2)), None)


def test_running_stats_carry_no_gradient():
    bn = nn.BatchNorm(3)
    x = np.random.default_rng(0).normal(size=(4, 3, 2))

    def loss(model, x):
        y, state = model(x, model.init_state(), training=True)
        return fnp.sum(y**3), state

    (value, state), grads = fg.value_and_grad(loss, argnums=(0, 1), has_aux=True)(bn, x)
    assert all(type(a) is np.ndarray for a in tree.leaves(state))
    assert isinstance(grads[0], nn.BatchNorm) and grads[1].shape == x.shape


# --- Sequential and MLP ---------------------------------------------------------------


class Scale:
    """A user's callable that is not a pytree, taking the key and the flag (wrapped in
    a Lambda by Sequential, which passes them on)."""

    def __init__(self):
        self.seen = []

    def __call__(self, x, *, key=None, training=True):
        self.seen.append((None if key is None else tuple(key), training))
        return x


def test_sequential_wraps_functions_and_indexes(key):
    k1, k2 = random.split(key)
    model = nn.Sequential([nn.Linear(3, 4, key=k1), F.relu, nn.Linear(4, 2, key=k2)])
    assert isinstance(model[1], nn.Lambda) and model[1].fn is F.relu
    assert len(model) == 3 and len(tree.leaves(model)) == 4
    assert isinstance(model[:2], nn.Sequential) and len(model[:2]) == 2
    assert [type(m).__name__ for m in model] == ["Linear", "Lambda", "Linear"]
    x = np.ones((5, 3))
    np.testing.assert_allclose(model(x), model[2](F.relu(model[0](x))))
    with pytest.raises(TypeError, match="not callable"):
        nn.Sequential(3)


def test_sequential_splits_the_key_and_passes_training(key):
    a, b = Scale(), Scale()
    model = nn.Sequential(a, nn.Identity(), b)
    model(np.ones(2), key=key, training=False)
    keys = random.split(key, 3)
    assert a.seen == [(tuple(keys[0]), False)] and b.seen == [(tuple(keys[2]), False)]
    model(np.ones(2))
    assert a.seen[-1] == (None, True)


def test_sequential_dropout_needs_key_in_training(key):
    model = nn.Sequential(nn.Linear(2, 2, key=key), nn.Dropout(0.5), nn.Dropout(0.5))
    x = np.ones((50, 2))
    with pytest.raises(ValueError, match="pass the key to the Sequential"):
        model(x)
    np.testing.assert_array_equal(model(x, training=False), model[0](x))
    y1, y2 = model(x, key=key), model(x, key=random.key(9))
    assert not np.array_equal(y1, y2)
    # the two dropouts got different keys: masks are not identical
    drop_a = model[1](model[0](x), key=random.split(key, 3)[1])
    np.testing.assert_array_equal(y1, model[2](drop_a, key=random.split(key, 3)[2]))


def test_sequential_passes_keywords_to_wrapped_functions(key):
    model = nn.Sequential(F.dropout)  # F.dropout(x, rate=0.5, *, key, training)
    x = np.ones((10, 10))
    np.testing.assert_array_equal(model(x, key=key), F.dropout(x, key=random.split(key, 1)[0]))
    assert model(x, training=False) is x


def test_sequential_threads_state(key):
    inner = nn.Sequential(nn.Linear(3, 2, key=key), nn.BatchNorm(2))
    model = nn.Sequential(inner, F.relu, nn.Sequential(F.tanh), nn.BatchNorm(2, momentum=1.0))
    state = model.init_state()
    assert model.has_state and not model[2].has_state
    assert state[1] is None and state[2] is None and isinstance(state[3], nn.BatchNormState)
    assert tree.structure(state) == tree.structure(model.init_state())
    x = np.random.default_rng(0).normal(size=(6, 3))
    y, new = model(x, state, training=True)
    assert tree.structure(new) == tree.structure(state)
    h = F.tanh(F.relu(inner(x, state[0])[0]))
    np.testing.assert_allclose(new[3].running_mean, h.mean(axis=0))  # momentum 1
    y_eval, same = model(x, new, training=False)
    assert tree.structure(same) == tree.structure(new)
    with pytest.raises(TypeError, match="init_state"):
        model(x)
    with pytest.raises(ValueError, match="one entry per layer"):
        model(x, state[:2])
    # a Sequential without stateful layers returns (y, state) when given a state
    plain = nn.Sequential(F.relu)
    y, s = plain(np.ones(2), plain.init_state())
    assert s == (None,)


def test_mlp(key):
    mlp = nn.MLP(3, 8, 2, activation=F.gelu, final_activation="sigmoid", key=key)
    assert [lin.weight.shape for lin in mlp.layers] == [(8, 3), (2, 8)]
    assert mlp.in_size == 3 and mlp.out_size == 2
    x = np.ones((4, 3))
    expected = F.sigmoid(mlp.layers[1](F.gelu(mlp.layers[0](x))))
    np.testing.assert_allclose(mlp(x), expected)
    k0, k1 = random.split(key)
    assert not np.array_equal(mlp.layers[0].weight[:2, :2], mlp.layers[1].weight[:, :2])
    assert tree.structure(mlp) != tree.structure(nn.MLP(3, 8, 2, key=key))  # activation is static


# --- gradients through layers (the layer itself is the differentiated pytree) -----------


@pytest.mark.parametrize(
    "make, x",
    [
        (lambda k: nn.Linear(3, 2, key=k), np.linspace(-1, 1, 6).reshape(2, 3)),
        (
            lambda k: nn.Conv2d(2, 2, 2, stride=1, padding=1, key=k),
            np.linspace(-1, 1, 32).reshape(1, 2, 4, 4),
        ),
        (lambda k: nn.Conv1d(2, 2, 3, key=k), np.linspace(-1, 1, 12).reshape(1, 2, 6)),
        (lambda k: nn.LayerNorm(3), np.linspace(-1, 2, 6).reshape(2, 3) ** 2),
        (
            lambda k: nn.MLP(2, [3], 1, activation="tanh", key=k),
            np.linspace(-1, 1, 4).reshape(2, 2),
        ),
        (lambda k: nn.Embedding(4, 2, key=k), np.array([[0, 3], [3, 1]])),
    ],
)
def test_gradients_wrt_layers(make, x, key):
    layer = make(key)
    layer = tree.map(lambda a: a + 0.1 * np.arange(a.size).reshape(a.shape) / a.size, layer)
    check_grads(lambda m: m(x) ** 2, (layer,), order=2)
    if x.dtype.kind == "f":
        check_grads(lambda x: layer(x) ** 2, (x,), order=1)


def test_gradients_wrt_batch_norm_in_training():
    bn = tree.map(lambda a: a + np.array([0.1, -0.2]), nn.BatchNorm(2))
    x = np.random.default_rng(1).normal(size=(4, 2, 3))
    state = bn.init_state()
    check_grads(lambda m, x: m(x, state, training=True)[0] ** 2, (bn, x), order=2)


def test_training_step_returns_a_new_model(key):
    model = nn.Sequential(
        nn.Conv2d(1, 2, 3, padding=1, key=key),
        F.relu,
        nn.MaxPool2d(2),
        nn.Flatten(),
        nn.Linear(8, 3, key=key),
    )
    x = np.random.default_rng(2).normal(size=(4, 1, 4, 4))
    y = np.array([0, 1, 2, 1])

    def loss(m):
        return nn.losses.cross_entropy(m(x), y)

    before = float(loss(model))
    for _ in range(5):
        grads = fg.grad(loss)(model)
        model = tree.map(lambda p, g: p - 0.5 * g, model, grads)
    assert float(loss(model)) < before


# --- against PyTorch's modules, with copied weights ----------------------------------------


def _t(torch, a):
    return torch.tensor(np.asarray(a), dtype=torch.float64)


def _copy(torch, module, **arrays):
    with torch.no_grad():
        for name, value in arrays.items():
            getattr(module, name).copy_(_t(torch, value))
    return module


def _compare_module(torch, ours, theirs, x, params):
    """Outputs and gradients (input and each named parameter) to ~1e-10."""
    tx = _t(torch, x).requires_grad_(True)
    ty = theirs(tx)
    y = ours(x)
    np.testing.assert_allclose(y, ty.detach().numpy(), rtol=1e-10, atol=1e-12)
    g = np.random.default_rng(3).normal(size=y.shape)
    ty.backward(_t(torch, g))
    gx, gm = fg.grad(lambda x, m: fnp.sum(m(x) * g), argnums=(0, 1))(x, ours)
    np.testing.assert_allclose(gx, tx.grad.numpy(), rtol=1e-10, atol=1e-12)
    for name in params:
        np.testing.assert_allclose(
            getattr(gm, name), getattr(theirs, name).grad.numpy(), rtol=1e-10, atol=1e-12
        )


def test_linear_matches_torch(key):
    torch = pytest.importorskip("torch")
    ours = nn.Linear(4, 3, key=key)
    theirs = _copy(torch, torch.nn.Linear(4, 3).double(), weight=ours.weight, bias=ours.bias)
    _compare_module(
        torch, ours, theirs, np.random.default_rng(0).normal(size=(5, 2, 4)), ["weight", "bias"]
    )


@pytest.mark.parametrize(
    "kw",
    [
        {},
        {"stride": 2, "padding": 1},
        {"stride": (1, 2), "padding": "same", "dilation": 2, "groups": 2},
        {"padding": 2, "padding_mode": "reflect", "use_bias": False},
    ],
)
def test_conv2d_matches_torch(kw, key):
    torch = pytest.importorskip("torch")
    kw = dict(kw)
    if kw.get("padding") == "same":
        kw["stride"] = 1
    ours = nn.Conv2d(4, 6, (3, 2), **kw, key=key)
    tkw = {k: v for k, v in kw.items() if k != "use_bias"}
    theirs = torch.nn.Conv2d(4, 6, (3, 2), bias=kw.get("use_bias", True), **tkw).double()
    params = {"weight": ours.weight} | ({"bias": ours.bias} if ours.bias is not None else {})
    _copy(torch, theirs, **params)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # torch's note about even kernels with "same"
        _compare_module(
            torch, ours, theirs, np.random.default_rng(1).normal(size=(2, 4, 7, 6)), list(params)
        )


def test_conv1d_matches_torch(key):
    torch = pytest.importorskip("torch")
    ours = nn.Conv1d(3, 4, 3, stride=2, padding=1, dilation=2, key=key)
    theirs = torch.nn.Conv1d(3, 4, 3, stride=2, padding=1, dilation=2).double()
    _copy(torch, theirs, weight=ours.weight, bias=ours.bias)
    _compare_module(
        torch, ours, theirs, np.random.default_rng(2).normal(size=(2, 3, 11)), ["weight", "bias"]
    )


def test_pooling_layers_match_torch():
    torch = pytest.importorskip("torch")
    x = np.random.default_rng(3).permutation(2 * 3 * 7 * 6).reshape(2, 3, 7, 6) / 9.0
    for ours, theirs in [
        (nn.MaxPool2d(3, 2, 1, ceil_mode=True), torch.nn.MaxPool2d(3, 2, 1, ceil_mode=True)),
        (
            nn.AvgPool2d(2, 1, 1, count_include_pad=False),
            torch.nn.AvgPool2d(2, 1, 1, count_include_pad=False),
        ),
        (nn.AdaptiveAvgPool2d((4, 4)), torch.nn.AdaptiveAvgPool2d((4, 4))),
    ]:
        _compare_module(torch, ours, theirs, x, [])


def test_embedding_matches_torch(key):
    torch = pytest.importorskip("torch")
    ours = nn.Embedding(6, 3, padding_idx=2, key=key)
    theirs = torch.nn.Embedding(6, 3, padding_idx=2).double()
    _copy(torch, theirs, weight=ours.weight)
    idx = np.array([[2, 0, 5], [2, 2, 1]])
    y = ours(idx)
    ty = theirs(torch.tensor(idx))
    np.testing.assert_allclose(y, ty.detach().numpy())
    g = np.random.default_rng(4).normal(size=y.shape)
    ty.backward(_t(torch, g))
    gm = fg.grad(lambda m: fnp.sum(m(idx) * g))(ours)
    np.testing.assert_allclose(gm.weight, theirs.weight.grad.numpy(), rtol=1e-12)


def test_layer_norm_matches_torch():
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(5)
    ours = tree.map(lambda a: a + rng.normal(size=a.shape) * 0.3, nn.LayerNorm((3, 4)))
    theirs = _copy(torch, torch.nn.LayerNorm((3, 4)).double(), weight=ours.weight, bias=ours.bias)
    _compare_module(torch, ours, theirs, rng.normal(size=(2, 3, 4)), ["weight", "bias"])


@pytest.mark.parametrize(
    "shape, module",
    [((6, 3), "BatchNorm1d"), ((4, 3, 5), "BatchNorm1d"), ((3, 3, 2, 4), "BatchNorm2d")],
)
def test_batch_norm_matches_torch(shape, module):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(6)
    ours = tree.map(lambda a: a + rng.normal(size=a.shape) * 0.3, nn.BatchNorm(3, momentum=0.2))
    theirs = getattr(torch.nn, module)(3, momentum=0.2).double()
    _copy(torch, theirs, weight=ours.weight, bias=ours.bias)
    state = ours.init_state()
    for step in range(3):
        x = rng.normal(size=shape) * (step + 1) + step
        tx = _t(torch, x).requires_grad_(True)
        ty = theirs(tx)
        g = rng.normal(size=shape)
        ty.backward(_t(torch, g))

        def loss(m, x, state=state, g=g):
            y, new = m(x, state, training=True)
            return fnp.sum(y * g), (y, new)

        (_, (y, state)), (gm, gx) = fg.value_and_grad(loss, argnums=(0, 1), has_aux=True)(ours, x)
        np.testing.assert_allclose(y, ty.detach().numpy(), rtol=1e-10, atol=1e-12)
        np.testing.assert_allclose(gx, tx.grad.numpy(), rtol=1e-9, atol=1e-12)
        np.testing.assert_allclose(gm.weight, theirs.weight.grad.numpy(), rtol=1e-9, atol=1e-12)
        np.testing.assert_allclose(gm.bias, theirs.bias.grad.numpy(), rtol=1e-9, atol=1e-12)
        theirs.zero_grad()
        np.testing.assert_allclose(state.running_mean, theirs.running_mean.numpy(), rtol=1e-12)
        np.testing.assert_allclose(state.running_var, theirs.running_var.numpy(), rtol=1e-12)
        assert int(state.num_batches_tracked) == int(theirs.num_batches_tracked)
    theirs.eval()
    x = rng.normal(size=shape)
    np.testing.assert_allclose(
        ours(x, state, training=False)[0],
        theirs(_t(torch, x)).detach().numpy(),
        rtol=1e-10,
        atol=1e-12,
    )


def test_small_cnn_matches_torch(key):
    torch = pytest.importorskip("torch")
    k1, k2 = random.split(key)
    ours = nn.Sequential(
        nn.Conv2d(1, 4, 3, padding=1, key=k1),
        F.relu,
        nn.MaxPool2d(2),
        nn.Flatten(),
        nn.Linear(16, 3, key=k2),
    )
    theirs = torch.nn.Sequential(
        torch.nn.Conv2d(1, 4, 3, padding=1),
        torch.nn.ReLU(),
        torch.nn.MaxPool2d(2),
        torch.nn.Flatten(),
        torch.nn.Linear(16, 3),
    ).double()
    _copy(torch, theirs[0], weight=ours[0].weight, bias=ours[0].bias)
    _copy(torch, theirs[4], weight=ours[4].weight, bias=ours[4].bias)
    x = np.random.default_rng(7).normal(size=(5, 1, 4, 4))
    y = np.array([0, 2, 1, 1, 0])
    loss = torch.nn.functional.cross_entropy(theirs(_t(torch, x)), torch.tensor(y))
    loss.backward()
    value, grads = fg.value_and_grad(lambda m: nn.losses.cross_entropy(m(x), y))(ours)
    assert float(value) == pytest.approx(loss.item(), rel=1e-12)
    for i, name in [(0, "weight"), (0, "bias"), (4, "weight"), (4, "bias")]:
        np.testing.assert_allclose(
            getattr(grads[i], name), getattr(theirs[i], name).grad.numpy(), rtol=1e-9, atol=1e-12
        )


# --- the import arrows --------------------------------------------------------------------


def test_nn_does_not_import_the_transforms():
    root = pathlib.Path(nn.__file__).parent
    for path in root.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom):
                names = {a.name for a in node.names}
                assert node.module != "funcgrad._transforms", path
                if node.module == "funcgrad":
                    assert not names & {"grad", "value_and_grad", "vjp", "jvp"}, path
            elif isinstance(node, ast.Import):
                assert all(a.name != "funcgrad._transforms" for a in node.names), path

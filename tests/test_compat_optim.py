"""compat.optim: PyTorch's optimizers step for step.

Each configuration runs 20 steps of a small tanh regression (a 3x2 weight and a bias, in
float32 and float64) on compat. The gradients compat computed are then replayed, in the
same order, through (a) an independent numpy implementation of COMPAT_SPEC section 5's
formulas written below, and (b) live torch when it is installed; the trajectories must
agree to 1e-6 (float32) / 1e-12 (float64) relative. Replaying compat's gradients keeps
the comparison about the optimizer: both sides take the same gradient at every step.
"""

import copy
import math

import numpy as np
import pytest

import compat
from compat import optim

STEPS = 20
RTOL = {np.float32: 1e-6, np.float64: 1e-12}

# --- the reference: COMPAT_SPEC section 5's formulas, per parameter ------------------------

#: Each optimizer's defaults as the spec lists them.
SPEC_DEFAULTS = {
    "SGD": dict(lr=1e-3, momentum=0, dampening=0, weight_decay=0, nesterov=False, maximize=False),
    "Adam": dict(
        lr=1e-3,
        betas=(0.9, 0.999),
        eps=1e-8,
        weight_decay=0,
        amsgrad=False,
        maximize=False,
        decoupled_weight_decay=False,
    ),
    "AdamW": dict(
        lr=1e-3,
        betas=(0.9, 0.999),
        eps=1e-8,
        weight_decay=1e-2,
        amsgrad=False,
        maximize=False,
        decoupled_weight_decay=True,
    ),
    "RMSprop": dict(
        lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0, momentum=0, centered=False, maximize=False
    ),
    "Adagrad": dict(
        lr=1e-2, lr_decay=0, weight_decay=0, initial_accumulator_value=0, eps=1e-10, maximize=False
    ),
}


def ref_sgd(p, g, st, h):
    if h["weight_decay"]:
        g = g + h["weight_decay"] * p
    if h["momentum"]:
        if "momentum_buffer" not in st:
            buf = g.copy()
        else:
            buf = h["momentum"] * st["momentum_buffer"] + (1 - h["dampening"]) * g
        st["momentum_buffer"] = buf
        g = g + h["momentum"] * buf if h["nesterov"] else buf
    return p - h["lr"] * g


def ref_adam(p, g, st, h):
    b1, b2 = h["betas"]
    if not st:
        st.update(step=0, exp_avg=0 * p, exp_avg_sq=0 * p)
        if h["amsgrad"]:
            st["max_exp_avg_sq"] = 0 * p
    t = st["step"] = st["step"] + 1
    if h["decoupled_weight_decay"]:
        p = p * (1 - h["lr"] * h["weight_decay"])
    elif h["weight_decay"]:
        g = g + h["weight_decay"] * p
    m = st["exp_avg"] = b1 * st["exp_avg"] + (1 - b1) * g
    v = st["exp_avg_sq"] = b2 * st["exp_avg_sq"] + (1 - b2) * g * g
    if h["amsgrad"]:
        v = st["max_exp_avg_sq"] = np.maximum(st["max_exp_avg_sq"], v)
    denom = np.sqrt(v) / math.sqrt(1 - b2**t) + h["eps"]
    return p - (h["lr"] / (1 - b1**t)) * m / denom


def ref_rmsprop(p, g, st, h):
    a = h["alpha"]
    if not st:
        st.update(step=0, square_avg=0 * p)
        if h["momentum"] > 0:
            st["momentum_buffer"] = 0 * p
        if h["centered"]:
            st["grad_avg"] = 0 * p
    st["step"] += 1
    if h["weight_decay"]:
        g = g + h["weight_decay"] * p
    s = st["square_avg"] = a * st["square_avg"] + (1 - a) * g * g
    if h["centered"]:
        mean = st["grad_avg"] = a * st["grad_avg"] + (1 - a) * g
        avg = np.sqrt(s - mean * mean) + h["eps"]
    else:
        avg = np.sqrt(s) + h["eps"]
    if h["momentum"] > 0:
        buf = st["momentum_buffer"] = h["momentum"] * st["momentum_buffer"] + g / avg
        return p - h["lr"] * buf
    return p - h["lr"] * g / avg


def ref_adagrad(p, g, st, h):
    # the state exists from construction: see ref_init_state
    t = st["step"] = st["step"] + 1
    if h["weight_decay"]:
        g = g + h["weight_decay"] * p
    clr = h["lr"] / (1 + (t - 1) * h["lr_decay"])
    s = st["sum"] = st["sum"] + g * g
    return p - clr * g / (np.sqrt(s) + h["eps"])


REF_STEP = {
    "SGD": ref_sgd,
    "Adam": ref_adam,
    "AdamW": ref_adam,
    "RMSprop": ref_rmsprop,
    "Adagrad": ref_adagrad,
}


def ref_init_state(name, p, h):
    if name == "Adagrad":
        return {"step": 0, "sum": np.full_like(p, h["initial_accumulator_value"])}
    return {}


class Reference:
    """The spec's optimizer on numpy arrays, with PyTorch-like ``param_groups``."""

    def __init__(self, name, params, kwargs, groups=None):
        self.name, self.params = name, list(params)
        if groups is None:
            groups = [{"params": list(range(len(self.params)))}]
        self.param_groups = [{**SPEC_DEFAULTS[name], **kwargs, **g} for g in groups]
        self.state = {}
        for group in self.param_groups:
            for i in group["params"]:
                self.state[i] = ref_init_state(name, self.params[i], group)

    def step(self, grads):
        for group in self.param_groups:
            for i in group["params"]:
                g = grads[i]
                if g is None:
                    continue
                g = -g if group["maximize"] else g
                new = REF_STEP[self.name](self.params[i], g, self.state[i], group)
                assert new.dtype == self.params[i].dtype
                self.params[i] = new


# --- the problem and the runs ------------------------------------------------------------


def problem(dtype, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((8, 3)).astype(dtype)
    y = rng.uniform(-0.9, 0.9, (8, 2)).astype(dtype)
    w = (0.5 * rng.standard_normal((3, 2))).astype(dtype)
    b = (0.1 * rng.standard_normal(2)).astype(dtype)
    return x, y, w, b


def make_groups(params, groups):
    """``groups`` names parameters by index; give them the tensors."""
    if groups is None:
        return list(params)
    return [{**g, "params": [params[i] for i in g["params"]]} for g in groups]


def run_compat(name, kwargs, dtype, groups=None, skip=(), on_step=None, steps=STEPS):
    """``steps`` steps on compat: the parameters after each step, the gradients it took,
    and the optimizer. ``skip`` holds (step, index) pairs whose gradient is set to None;
    ``on_step(k, param_groups)`` may change the groups before step k."""
    x, y, w0, b0 = problem(dtype)
    params = [compat.tensor(w0, requires_grad=True), compat.tensor(b0, requires_grad=True)]
    opt = getattr(optim, name)(make_groups(params, groups), **kwargs)
    xt, yt = compat.tensor(x), compat.tensor(y)
    trajectory, grads = [], []
    for k in range(steps):
        opt.zero_grad()
        ((compat.tanh(xt @ params[0] + params[1]) - yt) ** 2).mean().backward()
        for i in range(len(params)):
            if (k, i) in skip:
                params[i].grad = None
        grads.append([None if p.grad is None else p.grad.numpy().copy() for p in params])
        if on_step is not None:
            on_step(k, opt.param_groups)
        opt.step()
        trajectory.append([p.detach().numpy().copy() for p in params])
    return trajectory, grads, opt


def replay_reference(name, kwargs, dtype, grads, groups=None, on_step=None):
    _, _, w0, b0 = problem(dtype)
    ref = Reference(name, [w0, b0], kwargs, groups)
    trajectory = []
    for k, g in enumerate(grads):
        if on_step is not None:
            on_step(k, ref.param_groups)
        ref.step(g)
        trajectory.append([p.copy() for p in ref.params])
    return trajectory, ref


def replay_torch(name, kwargs, dtype, grads, groups=None, on_step=None):
    torch = pytest.importorskip("torch")
    _, _, w0, b0 = problem(dtype)
    params = [torch.tensor(w0, requires_grad=True), torch.tensor(b0, requires_grad=True)]
    opt = getattr(torch.optim, name)(make_groups(params, groups), **kwargs)
    trajectory = []
    for k, g in enumerate(grads):
        for p, gi in zip(params, g):
            p.grad = None if gi is None else torch.tensor(gi)
        if on_step is not None:
            on_step(k, opt.param_groups)
        opt.step()
        trajectory.append([p.detach().numpy().copy() for p in params])
    return trajectory, opt


def assert_trajectories_close(got, want, dtype, what):
    rtol = RTOL[dtype]
    for k, (g_step, w_step) in enumerate(zip(got, want)):
        for i, (g, w) in enumerate(zip(g_step, w_step)):
            assert g.dtype == w.dtype == dtype
            np.testing.assert_allclose(
                g, w, rtol=rtol, atol=rtol * np.abs(w).max(), err_msg=f"{what}: step {k}, param {i}"
            )


def state_arrays(opt_state):
    """``{index: {key: ndarray}}`` of a state dict's ``state`` (compat or torch tensors)."""
    return {i: {k: np.asarray(v.numpy()) for k, v in st.items()} for i, st in opt_state.items()}


CONFIGS = {
    "SGD": ("SGD", dict(lr=0.1)),
    "SGD_defaults": ("SGD", {}),
    "SGD_momentum": ("SGD", dict(lr=0.1, momentum=0.9)),
    "SGD_dampening": ("SGD", dict(lr=0.1, momentum=0.8, dampening=0.5)),
    "SGD_nesterov": ("SGD", dict(lr=0.1, momentum=0.9, nesterov=True)),
    "SGD_weight_decay": ("SGD", dict(lr=0.1, momentum=0.5, weight_decay=0.1)),
    "SGD_weight_decay_only": ("SGD", dict(lr=0.1, weight_decay=0.2)),
    "SGD_maximize": ("SGD", dict(lr=0.05, momentum=0.5, maximize=True)),
    "Adam": ("Adam", dict(lr=0.05)),
    "Adam_defaults": ("Adam", {}),
    "Adam_amsgrad": ("Adam", dict(lr=0.05, amsgrad=True)),
    "Adam_weight_decay": ("Adam", dict(lr=0.05, betas=(0.8, 0.99), weight_decay=0.1)),
    "Adam_maximize": ("Adam", dict(lr=0.01, maximize=True, eps=1e-3)),
    "Adam_decoupled": ("Adam", dict(lr=0.05, weight_decay=0.1, decoupled_weight_decay=True)),
    "AdamW": ("AdamW", dict(lr=0.05)),
    "AdamW_defaults": ("AdamW", {}),
    "AdamW_amsgrad": ("AdamW", dict(lr=0.05, weight_decay=0.1, amsgrad=True)),
    "RMSprop": ("RMSprop", dict(lr=0.01)),
    "RMSprop_defaults": ("RMSprop", {}),
    "RMSprop_momentum": ("RMSprop", dict(lr=0.01, momentum=0.9)),
    "RMSprop_centered": ("RMSprop", dict(lr=0.01, centered=True)),
    "RMSprop_centered_momentum": (
        "RMSprop",
        dict(lr=0.01, alpha=0.9, momentum=0.5, centered=True, weight_decay=0.1, eps=1e-4),
    ),
    "RMSprop_maximize": ("RMSprop", dict(lr=0.01, maximize=True)),
    "Adagrad": ("Adagrad", dict(lr=0.1)),
    "Adagrad_defaults": ("Adagrad", {}),
    "Adagrad_lr_decay": ("Adagrad", dict(lr=0.1, lr_decay=0.1)),
    "Adagrad_initial_accumulator": (
        "Adagrad",
        dict(lr=0.1, initial_accumulator_value=0.5, weight_decay=0.1, eps=1e-3),
    ),
    "Adagrad_maximize": ("Adagrad", dict(lr=0.1, maximize=True)),
}
DTYPES = [np.float32, np.float64]


@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: d.__name__)
@pytest.mark.parametrize("config", list(CONFIGS))
def test_matches_the_spec_formulas(config, dtype):
    name, kwargs = CONFIGS[config]
    got, grads, opt = run_compat(name, kwargs, dtype)
    want, ref = replay_reference(name, kwargs, dtype, grads)
    assert not np.array_equal(got[0][0], got[-1][0])  # the run moved
    assert_trajectories_close(got, want, dtype, config)
    state = state_arrays(opt.state_dict()["state"])
    assert sorted(state) == sorted(i for i, st in ref.state.items() if st)
    for i, ref_st in ref.state.items():
        if not ref_st:
            continue
        assert list(state[i]) == list(ref_st), "state keys in PyTorch's order"
        for key, value in ref_st.items():
            if key == "step":
                assert state[i][key] == value and state[i][key].dtype == np.float32
            else:
                np.testing.assert_allclose(
                    state[i][key], value, rtol=RTOL[dtype], atol=RTOL[dtype] * np.abs(value).max()
                )


@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: d.__name__)
@pytest.mark.parametrize("config", list(CONFIGS))
def test_matches_torch(config, dtype):
    name, kwargs = CONFIGS[config]
    got, grads, opt = run_compat(name, kwargs, dtype)
    want, torch_opt = replay_torch(name, kwargs, dtype, grads)
    assert_trajectories_close(got, want, dtype, config)
    ours, theirs = opt.state_dict(), torch_opt.state_dict()
    assert ours["param_groups"] == theirs["param_groups"]
    got_state, want_state = state_arrays(ours["state"]), state_arrays(theirs["state"])
    assert {i: list(s) for i, s in got_state.items()} == {i: list(s) for i, s in want_state.items()}
    for i, st in want_state.items():
        for key, value in st.items():
            assert got_state[i][key].dtype == value.dtype, (i, key)
            np.testing.assert_allclose(
                got_state[i][key], value, rtol=RTOL[dtype], atol=RTOL[dtype] * np.abs(value).max()
            )


def test_defaults_are_the_specs():
    w = compat.zeros(2, requires_grad=True)
    for name, spec in SPEC_DEFAULTS.items():
        defaults = getattr(optim, name)([w]).defaults
        assert {k: defaults[k] for k in spec} == spec, name
        assert {"foreach", "differentiable"} <= set(defaults)


# --- changing param_groups between steps --------------------------------------------------


def decay_lr_at_10(k, groups):
    if k == 10:
        for g in groups:
            g["lr"] = g["lr"] * 0.3


def change_hyperparameters_at_8(k, groups):
    if k == 8:
        g = groups[0]
        for key, value in [("momentum", 0.5), ("betas", (0.5, 0.9)), ("eps", 1e-3)]:
            if key in g:
                g[key] = value
        if "weight_decay" in g:
            g["weight_decay"] = 0.05


CHANGE_CASES = {
    "lr": (
        decay_lr_at_10,
        ["SGD_momentum", "Adam", "AdamW", "RMSprop_momentum", "Adagrad_lr_decay"],
    ),
    "hyper": (
        change_hyperparameters_at_8,
        ["SGD_weight_decay", "Adam_amsgrad", "RMSprop_momentum"],
    ),
}
CHANGES = [(change, c) for change, (_, configs) in CHANGE_CASES.items() for c in configs]


@pytest.mark.parametrize("change, config", CHANGES)
def test_param_group_changes_apply_at_the_next_step(change, config):
    name, kwargs = CONFIGS[config]
    on_step = CHANGE_CASES[change][0]
    got, grads, _ = run_compat(name, kwargs, np.float64, on_step=on_step)
    unchanged, _, _ = run_compat(name, kwargs, np.float64)
    at = 10 if change == "lr" else 8
    np.testing.assert_array_equal(got[at - 1][0], unchanged[at - 1][0])
    assert not np.allclose(got[at][0], unchanged[at][0])
    want, _ = replay_reference(name, kwargs, np.float64, grads, on_step=on_step)
    assert_trajectories_close(got, want, np.float64, f"{config} with a {change} change")


@pytest.mark.parametrize("change, config", CHANGES)
def test_param_group_changes_match_torch(change, config):
    name, kwargs = CONFIGS[config]
    on_step = CHANGE_CASES[change][0]
    got, grads, _ = run_compat(name, kwargs, np.float32, on_step=on_step)
    want, _ = replay_torch(name, kwargs, np.float32, grads, on_step=on_step)
    assert_trajectories_close(got, want, np.float32, f"{config} with a {change} change")


# --- parameters without a gradient, several groups -----------------------------------------

SKIP = {(k, 1) for k in (0, 1, 4, 5, 6, 11)} | {(15, 0)}
GROUPS = [{"params": [0]}, {"params": [1], "lr": 0.02, "weight_decay": 0.01}]
SKIP_CONFIGS = ["SGD_dampening", "Adam_amsgrad", "AdamW", "RMSprop_centered_momentum", "Adagrad"]


@pytest.mark.parametrize("config", SKIP_CONFIGS)
def test_parameters_without_grad_are_skipped(config):
    # the bias skips steps, so its step count lags the weight's: its bias corrections,
    # SGD's first-step buffer and Adagrad's decay follow its own count
    name, kwargs = CONFIGS[config]
    got, grads, opt = run_compat(name, kwargs, np.float64, skip=SKIP)
    np.testing.assert_array_equal(got[1][1], problem(np.float64)[3])  # untouched
    want, ref = replay_reference(name, kwargs, np.float64, grads)
    assert_trajectories_close(got, want, np.float64, config)
    if name != "SGD":
        assert [int(opt.state[p]["step"]) for p in opt.param_groups[0]["params"]] == [19, 14]


@pytest.mark.parametrize("config", SKIP_CONFIGS)
def test_parameters_without_grad_and_groups_match_torch(config):
    name, kwargs = CONFIGS[config]
    for groups in (None, GROUPS):
        got, grads, _ = run_compat(name, kwargs, np.float32, groups=groups, skip=SKIP)
        want, _ = replay_torch(name, kwargs, np.float32, grads, groups=groups)
        assert_trajectories_close(got, want, np.float32, f"{config}, groups {groups}")


@pytest.mark.parametrize("config", ["SGD_momentum", "Adam", "RMSprop", "Adagrad_lr_decay"])
def test_groups_have_their_own_hyperparameters(config):
    name, kwargs = CONFIGS[config]
    got, grads, opt = run_compat(name, kwargs, np.float64, groups=GROUPS)
    first, second = opt.param_groups
    assert (
        first["lr"] == opt.defaults["lr"] and first["weight_decay"] == opt.defaults["weight_decay"]
    )
    assert (second["lr"], second["weight_decay"]) == (0.02, 0.01)
    want, _ = replay_reference(name, kwargs, np.float64, grads, groups=GROUPS)
    assert_trajectories_close(got, want, np.float64, config)


# --- state: lazy creation, state_dict, load_state_dict ---------------------------------------


def test_state_is_created_at_the_first_step_except_adagrads():
    w = compat.tensor([1.0, -2.0], requires_grad=True)
    opts = {name: getattr(optim, name)([w], lr=0.1) for name in SPEC_DEFAULTS}
    for name, opt in opts.items():
        if name == "Adagrad":
            assert list(opt.state[w]) == ["step", "sum"]
            assert opt.state[w]["step"].dtype == compat.float32
            assert float(opt.state[w]["step"]) == 0 and opt.state[w]["sum"].tolist() == [0, 0]
        else:
            assert opt.state_dict()["state"] == {}, name
    sum0 = optim.Adagrad([w], initial_accumulator_value=0.25).state[w]["sum"]
    assert sum0.tolist() == [0.25, 0.25] and sum0.dtype == w.dtype


def test_sgd_without_momentum_keeps_no_state():
    w = compat.tensor([1.0, -2.0], requires_grad=True)
    plain, heavy = optim.SGD([w], lr=0.1), optim.SGD([w], lr=0.1, momentum=0.9)
    (w * w).sum().backward()
    plain.step()
    heavy.step()
    assert plain.state_dict()["state"] == {} and len(plain.state) == 0
    assert list(heavy.state_dict()["state"][0]) == ["momentum_buffer"]


STATE_KEYS = {
    "SGD_momentum": ["momentum_buffer"],
    "Adam": ["step", "exp_avg", "exp_avg_sq"],
    "Adam_amsgrad": ["step", "exp_avg", "exp_avg_sq", "max_exp_avg_sq"],
    "AdamW": ["step", "exp_avg", "exp_avg_sq"],
    "RMSprop": ["step", "square_avg"],
    "RMSprop_centered_momentum": ["step", "square_avg", "momentum_buffer", "grad_avg"],
    "Adagrad": ["step", "sum"],
}


@pytest.mark.parametrize("config", list(STATE_KEYS))
def test_state_dict_format(config):
    name, kwargs = CONFIGS[config]
    _, _, opt = run_compat(name, kwargs, np.float32, steps=3)
    sd = opt.state_dict()
    assert list(sd) == ["state", "param_groups"]
    assert list(sd["state"]) == [0, 1]
    for i, p in enumerate(opt.param_groups[0]["params"]):
        st = sd["state"][i]
        assert st is opt.state[p]  # the optimizer's own state, as PyTorch returns it
        assert list(st) == STATE_KEYS[config]
        for key, value in st.items():
            assert isinstance(value, compat.Tensor) and not value.requires_grad
            if key == "step":
                assert value.shape == () and value.dtype == compat.float32 and float(value) == 3
            else:
                assert value.shape == p.shape and value.dtype == p.dtype
    (group,) = sd["param_groups"]
    assert list(group)[-1] == "params" and group["params"] == [0, 1]
    assert {k: v for k, v in group.items() if k != "params"} == opt.defaults


def test_state_tensors_are_updated_in_place():
    w = compat.tensor([1.0, -2.0], requires_grad=True)
    opt = optim.Adam([w], lr=0.1)
    (w * w).sum().backward()
    opt.step()
    exp_avg, step = opt.state[w]["exp_avg"], opt.state[w]["step"]
    before = exp_avg.tolist()
    opt.step()
    assert opt.state[w]["exp_avg"] is exp_avg and opt.state[w]["step"] is step
    assert exp_avg.tolist() != before and float(step) == 2


def test_parameters_keep_their_identity_and_bump_their_version():
    w = compat.tensor([1.0, -2.0], requires_grad=True)
    opt = optim.SGD([w], lr=0.1)
    (w * w).sum().backward()
    version = w._version
    opt.step()
    assert opt.param_groups[0]["params"][0] is w and w._version > version
    assert w.requires_grad and w.is_leaf and w.grad_fn is None
    assert w.tolist() == pytest.approx([0.8, -1.6])


def train(opt, params, steps, x, y):
    out = []
    for _ in range(steps):
        opt.zero_grad()
        ((compat.tanh(x @ params[0] + params[1]) - y) ** 2).mean().backward()
        opt.step()
        out.append(np.concatenate([p.detach().numpy().ravel() for p in params]))
    return np.array(out)


@pytest.mark.parametrize(
    "config",
    ["SGD_nesterov", "Adam_amsgrad", "AdamW", "RMSprop_centered_momentum", "Adagrad_lr_decay"],
)
def test_state_dict_round_trip_continues_the_same_trajectory(config):
    name, kwargs = CONFIGS[config]
    x, y, w0, b0 = (compat.tensor(a) for a in problem(np.float64))
    params = [w0.clone().requires_grad_(), b0.clone().requires_grad_()]
    opt = getattr(optim, name)(params, **kwargs)
    train(opt, params, 6, x, y)
    saved = copy.deepcopy(opt.state_dict())
    resumed_params = [p.detach().clone().requires_grad_() for p in params]
    straight = train(opt, params, 8, x, y)

    other = getattr(optim, name)(resumed_params, lr=0.5)  # a different lr, overwritten
    other.load_state_dict(saved)
    assert other.param_groups[0]["lr"] == opt.param_groups[0]["lr"]
    assert other.param_groups[0]["params"][0] is resumed_params[0]
    resumed = train(other, resumed_params, 8, x, y)
    np.testing.assert_array_equal(resumed, straight)


def test_load_state_dict_copies_and_casts_the_state():
    w = compat.tensor([1.0, -2.0], dtype=compat.float64, requires_grad=True)
    src = compat.tensor([1.0, -2.0], requires_grad=True)  # float32
    opt = optim.Adam([src], lr=0.1)
    (src * src).sum().backward()
    opt.step()
    sd = opt.state_dict()
    dst = optim.Adam([w])
    dst.load_state_dict(sd)
    st = dst.state[w]
    assert st["exp_avg"].dtype == compat.float64 and st["step"].dtype == compat.float32
    assert st["exp_avg"] is not sd["state"][0]["exp_avg"]
    np.testing.assert_allclose(st["exp_avg"].numpy(), sd["state"][0]["exp_avg"].numpy())
    assert dst.param_groups[0] is not sd["param_groups"][0]
    assert dst.param_groups[0]["params"][0] is w and sd["param_groups"][0]["params"] == [0]


def test_load_state_dict_accepts_plain_number_steps_and_keeps_names():
    w = compat.tensor([1.0, 2.0], requires_grad=True)
    opt = optim.Adam([("weight", w)], lr=0.1)
    sd = {
        "state": {0: {"step": 3, "exp_avg": compat.ones(2), "exp_avg_sq": compat.ones(2)}},
        "param_groups": [{**opt.defaults, "lr": 0.2, "params": [0]}],
    }
    opt.load_state_dict(sd)
    assert opt.param_groups[0]["param_names"] == ["weight"] and opt.param_groups[0]["lr"] == 0.2
    assert opt.state[w]["step"].dtype == compat.float32 and float(opt.state[w]["step"]) == 3
    w.grad = compat.ones(2)
    opt.step()
    assert float(opt.state[w]["step"]) == 4


def test_load_state_dict_errors():
    w, b = compat.zeros(2, requires_grad=True), compat.zeros(1, requires_grad=True)
    opt = optim.SGD([w, b], lr=0.1)
    two_groups = optim.SGD([{"params": [w]}, {"params": [b]}], lr=0.1).state_dict()
    with pytest.raises(
        ValueError, match="^loaded state dict has a different number of parameter groups$"
    ):
        opt.load_state_dict(two_groups)
    one = optim.SGD([w], lr=0.1).state_dict()
    with pytest.raises(ValueError) as info:
        opt.load_state_dict(one)
    assert str(info.value) == (
        "loaded state dict contains a parameter group that doesn't match the size of "
        "optimizer's group"
    )


def test_adamw_stays_decoupled_after_loading_an_adam_state():
    w = compat.tensor([1.0, 2.0], requires_grad=True)
    sd = optim.Adam([w], weight_decay=0.1).state_dict()
    opt = optim.AdamW([w])
    opt.load_state_dict(sd)
    assert opt.param_groups[0]["decoupled_weight_decay"] is True
    assert opt.param_groups[0]["weight_decay"] == 0.1


def test_named_parameters_give_param_names():
    w, b = compat.zeros(2, requires_grad=True), compat.zeros(1, requires_grad=True)
    opt = optim.SGD([("w", w), ("b", b)], lr=0.1)
    group = opt.param_groups[0]
    assert list(group)[:2] == ["params", "param_names"] and group["param_names"] == ["w", "b"]
    assert group["params"][0] is w
    assert opt.state_dict()["param_groups"][0]["param_names"] == ["w", "b"]
    assert "    param_names: ['w', 'b']\n" in repr(opt)


# --- construction: groups, errors, warnings, repr ---------------------------------------------


def test_param_groups_take_defaults_and_add_param_group():
    w, b, c = (compat.zeros(2, requires_grad=True) for _ in range(3))
    opt = optim.SGD([{"params": w}, {"params": (b,), "lr": 0.5}], lr=0.1, momentum=0.9)
    assert [g["lr"] for g in opt.param_groups] == [0.1, 0.5]
    assert [g["momentum"] for g in opt.param_groups] == [0.9, 0.9]
    assert opt.param_groups[0]["params"][0] is w
    opt.add_param_group({"params": [c], "momentum": 0.0})
    assert opt.param_groups[2]["lr"] == 0.1 and opt.param_groups[2]["momentum"] == 0.0
    for p in (w, b, c):
        p.grad = compat.ones(2)
    opt.step()
    assert c.tolist() == pytest.approx([-0.1, -0.1]) and b.tolist() == pytest.approx([-0.5, -0.5])
    assert list(opt.state_dict()["state"]) == [0, 1]  # no momentum, no state for c
    assert opt.state_dict()["param_groups"][2]["params"] == [2]


def test_adagrad_initialises_the_state_of_groups_added_later_at_their_first_step():
    w, b = compat.zeros(2, requires_grad=True), compat.zeros(2, requires_grad=True)
    opt = optim.Adagrad([w], lr=0.1, initial_accumulator_value=0.5)
    opt.add_param_group({"params": [b]})
    assert b not in opt.state
    b.grad = compat.ones(2)
    opt.step()
    assert opt.state[b]["sum"].tolist() == [1.5, 1.5] and float(opt.state[b]["step"]) == 1


def _consumed(m):
    gen = (p for p in [m.zeros(1, requires_grad=True)])
    list(gen)
    return gen


def _leaf(m):
    return m.zeros(2, requires_grad=True)


#: (construction with the module set ``m`` (compat or torch), error type, PyTorch's text)
ERRORS = [
    (lambda m: m.optim.SGD([], lr=0.1), ValueError, "optimizer got an empty parameter list"),
    (lambda m: m.optim.Adam(_consumed(m)), ValueError, "optimizer got an empty parameter list"),
    (
        lambda m: m.optim.SGD(m.zeros(2), lr=0.1),
        TypeError,
        "params argument given to the optimizer should be an iterable of Tensors or dicts, but "
        "got torch.FloatTensor",
    ),
    (
        lambda m: m.optim.Adam(m.zeros(2, dtype=m.float64)),
        TypeError,
        "params argument given to the optimizer should be an iterable of Tensors or dicts, but "
        "got torch.DoubleTensor",
    ),
    (lambda m: m.optim.SGD([_leaf(m) * 2]), ValueError, "can't optimize a non-leaf Tensor"),
    (lambda m: m.optim.SGD([_leaf(m)], lr=-1), ValueError, "Invalid learning rate: -1"),
    (lambda m: m.optim.Adam([_leaf(m)], lr=-0.5), ValueError, "Invalid learning rate: -0.5"),
    (lambda m: m.optim.RMSprop([_leaf(m)], lr=-1), ValueError, "Invalid learning rate: -1"),
    (lambda m: m.optim.Adagrad([_leaf(m)], lr=-1), ValueError, "Invalid learning rate: -1"),
    (
        lambda m: m.optim.SGD([_leaf(m)], lr=0.1, nesterov=True),
        ValueError,
        "Nesterov momentum requires a momentum and zero dampening",
    ),
    (
        lambda m: m.optim.SGD([_leaf(m)], lr=0.1, momentum=0.9, dampening=0.1, nesterov=True),
        ValueError,
        "Nesterov momentum requires a momentum and zero dampening",
    ),
    (lambda m: m.optim.SGD([_leaf(m)], momentum=-1), ValueError, "Invalid momentum value: -1"),
    (
        lambda m: m.optim.SGD([_leaf(m)], weight_decay=-1),
        ValueError,
        "Invalid weight_decay value: -1",
    ),
    (lambda m: m.optim.Adam([_leaf(m)], eps=-1), ValueError, "Invalid epsilon value: -1"),
    (
        lambda m: m.optim.Adam([_leaf(m)], betas=(1.0, 0.9)),
        ValueError,
        "Invalid beta parameter at index 0: 1.0",
    ),
    (
        lambda m: m.optim.Adam([_leaf(m)], betas=(0.9, 1)),
        ValueError,
        "Invalid beta parameter at index 1: 1",
    ),
    (
        lambda m: m.optim.Adam([_leaf(m)], betas=(0, 0.9)),
        ValueError,
        "betas must be either both floats or both Tensors",
    ),
    (
        lambda m: m.optim.AdamW([_leaf(m)], weight_decay=-1),
        ValueError,
        "Invalid weight_decay value: -1",
    ),
    (lambda m: m.optim.RMSprop([_leaf(m)], alpha=-1), ValueError, "Invalid alpha value: -1"),
    (lambda m: m.optim.RMSprop([_leaf(m)], momentum=-1), ValueError, "Invalid momentum value: -1"),
    (lambda m: m.optim.Adagrad([_leaf(m)], lr_decay=-1), ValueError, "Invalid lr_decay value: -1"),
    (
        lambda m: m.optim.Adagrad([_leaf(m)], initial_accumulator_value=-1),
        ValueError,
        "Invalid initial_accumulator_value value: -1",
    ),
    (
        lambda m: m.optim.SGD([1.0], lr=0.1),
        TypeError,
        "optimizer can only optimize Tensors, but one of the params is float",
    ),
    (
        lambda m: m.optim.SGD([np.zeros(2)], lr=0.1),
        TypeError,
        "optimizer can only optimize Tensors, but one of the params is numpy.ndarray",
    ),
    (
        lambda m: m.optim.SGD([{"params": (w := _leaf(m))}, {"params": [w]}], lr=0.1),
        ValueError,
        "some parameters appear in more than one parameter group",
    ),
    (
        lambda m: m.optim.SGD([{"params": _leaf(m)}, [_leaf(m)]], lr=0.1),
        TypeError,
        "param_group must be a dict, but got <class 'list'>",
    ),
    (
        lambda m: m.optim.SGD([{"params": {_leaf(m)}}], lr=0.1),
        TypeError,
        "optimizer parameters need to be organized in ordered collections, but the ordering of "
        "tensors in sets will change between runs. Please use a list instead.",
    ),
    (
        lambda m: m.optim.SGD([("a", _leaf(m)), _leaf(m)], lr=0.1),
        ValueError,
        "all optimizer params should be with/without names. Some param names are missing",
    ),
    (
        lambda m: m.optim.SGD([_leaf(m)]).add_param_group({"params": [("b", _leaf(m))]}),
        ValueError,
        "all optimizer param groups should be with/without names. cannot add param group with "
        "names to the optimizer",
    ),
]


@pytest.mark.parametrize("make, kind, message", ERRORS)
def test_errors(make, kind, message):
    with pytest.raises(kind) as info:
        make(compat)
    assert str(info.value) == message


@pytest.mark.parametrize("make, kind, message", ERRORS)
def test_error_texts_are_torchs(make, kind, message):
    torch = pytest.importorskip("torch")
    with pytest.raises(kind) as info:
        make(torch)
    assert str(info.value) == message


def test_duplicate_parameters_warn():
    w = compat.zeros(2, requires_grad=True)
    with pytest.warns(UserWarning) as record:
        opt = optim.SGD([w, w], lr=0.1)
    assert str(record[0].message) == (
        "optimizer contains a parameter group with duplicate parameters; in future, this will "
        "cause an error; see github.com/pytorch/pytorch/issues/40967 for more information"
    )
    assert opt.state_dict()["param_groups"][0]["params"] == [0, 0]


def test_a_set_of_parameters_is_accepted_at_top_level_as_in_torch():
    w = compat.zeros(2, requires_grad=True)
    assert optim.SGD({w}, lr=0.1).param_groups[0]["params"][0] is w


SGD_REPR = """SGD (
Parameter Group 0
    dampening: 0
    differentiable: False
    foreach: None
    fused: None
    lr: 0.001
    maximize: False
    momentum: 0
    nesterov: False
    weight_decay: 0
)"""
ADAM_REPR = """Adam (
Parameter Group 0
    amsgrad: False
    betas: (0.9, 0.999)
    capturable: False
    decoupled_weight_decay: False
    differentiable: False
    eps: 1e-08
    foreach: None
    fused: None
    lr: 0.001
    maximize: False
    weight_decay: 0

Parameter Group 1
    amsgrad: False
    betas: (0.9, 0.999)
    capturable: False
    decoupled_weight_decay: False
    differentiable: False
    eps: 1e-08
    foreach: None
    fused: None
    lr: 0.5
    maximize: False
    weight_decay: 0
)"""


def test_repr_is_torchs():
    # the texts above are what torch 2.13 prints for the same constructions
    w, b = compat.zeros(2, requires_grad=True), compat.zeros(1, requires_grad=True)
    assert repr(optim.SGD([w])) == SGD_REPR
    assert repr(optim.Adam([{"params": [w]}, {"params": [b], "lr": 0.5}])) == ADAM_REPR
    assert repr(optim.AdamW([w])).startswith("AdamW (\nParameter Group 0\n    amsgrad: False")


def test_repr_texts_come_from_torch():
    torch = pytest.importorskip("torch")
    w, b = torch.zeros(2, requires_grad=True), torch.zeros(1, requires_grad=True)
    assert repr(torch.optim.SGD([w])) == SGD_REPR
    assert repr(torch.optim.Adam([{"params": [w]}, {"params": [b], "lr": 0.5}])) == ADAM_REPR


# --- zero_grad, closures, custom optimizers -------------------------------------------------


def test_zero_grad():
    w = compat.tensor([1.0, 2.0], requires_grad=True)
    b = compat.tensor([1.0], requires_grad=True)
    opt = optim.SGD([w, b], lr=0.1)
    (w * w).sum().backward()
    grad = w.grad
    opt.zero_grad(set_to_none=False)
    assert w.grad is grad and w.grad.tolist() == [0.0, 0.0] and b.grad is None
    opt.zero_grad()
    assert w.grad is None and b.grad is None


def test_zero_grad_detaches_a_grad_that_has_a_graph():
    w = compat.tensor([1.0, 2.0], requires_grad=True)
    opt = optim.SGD([w], lr=0.1)
    with pytest.warns(UserWarning, match="create_graph=True will create a reference cycle"):
        (w**3).sum().backward(create_graph=True)
    assert w.grad.requires_grad
    opt.zero_grad(set_to_none=False)
    assert not w.grad.requires_grad and w.grad.grad_fn is None and w.grad.tolist() == [0.0, 0.0]


def test_step_returns_the_closures_loss_computed_with_grad_enabled():
    w = compat.tensor([1.0, -2.0], requires_grad=True)
    opt = optim.SGD([w], lr=0.1)
    seen = []

    def closure():
        seen.append(compat.is_grad_enabled())
        opt.zero_grad()
        loss = (w * w).sum()
        loss.backward()
        return loss

    with compat.no_grad():
        loss = opt.step(closure)
    assert seen == [True] and loss.item() == 5.0
    assert w.tolist() == pytest.approx([0.8, -1.6])
    assert opt.step() is None


def test_steps_without_any_gradient_change_nothing():
    w = compat.tensor([1.0, -2.0], requires_grad=True)
    for name in SPEC_DEFAULTS:
        opt = getattr(optim, name)([w], lr=0.1)
        opt.step()
        assert w.tolist() == [1.0, -2.0]
        assert name == "Adagrad" or len(opt.state) == 0


def test_a_pytorch_style_subclass_uses_the_base_bookkeeping():
    class PlainSGD(optim.Optimizer):
        def __init__(self, params, lr=0.1):
            super().__init__(params, {"lr": lr})

        def step(self, closure=None):
            with compat.no_grad():
                for group in self.param_groups:
                    for p in group["params"]:
                        if p.grad is not None:
                            p.sub_(group["lr"] * p.grad)
                            self.state[p]["calls"] = self.state[p].get("calls", 0) + 1

    w = compat.tensor([1.0, -2.0], requires_grad=True)
    opt = PlainSGD([w])
    (w * w).sum().backward()
    opt.step()
    assert w.tolist() == pytest.approx([0.8, -1.6])
    assert opt.state_dict() == {
        "state": {0: {"calls": 1}},
        "param_groups": [{"lr": 0.1, "params": [0]}],
    }
    assert repr(opt) == "PlainSGD (\nParameter Group 0\n    lr: 0.1\n)"
    with pytest.raises(NotImplementedError):
        optim.Optimizer([w], {}).step()


def test_required_hyperparameters():
    w = compat.zeros(1, requires_grad=True)
    with pytest.raises(ValueError) as info:
        optim.Optimizer([w], {"lr": optim._optimizer.required})
    assert str(info.value) == (
        "parameter group didn't specify a value of required optimization parameter lr"
    )
    assert repr(optim._optimizer.required) == "<required parameter>"


def test_deepcopy_of_an_optimizer_is_independent():
    w = compat.tensor([1.0, -2.0], requires_grad=True)
    opt = optim.Adam([w], lr=0.1)
    (w * w).sum().backward()
    opt.step()
    twin = copy.deepcopy(opt)
    (p,) = twin.param_groups[0]["params"]
    assert p is not w and p.tolist() == w.tolist()
    assert float(twin.state[p]["step"]) == 1
    p.grad = w.grad.clone()
    twin.step()
    assert float(opt.state[w]["step"]) == 1 and float(twin.state[p]["step"]) == 2


def test_works_with_nn_parameters():
    from compat.nn import Parameter

    w = Parameter(compat.tensor([1.0, -2.0]))
    opt = optim.Adam([w], lr=0.1)
    (w * w).sum().backward()
    opt.step()
    assert isinstance(opt.param_groups[0]["params"][0], Parameter)
    assert opt.param_groups[0]["params"][0] is w
    assert w.tolist() == pytest.approx([0.9, -1.9])


def test_hyperparameter_flags_are_accepted():
    w = compat.zeros(2, requires_grad=True)
    for name in ("SGD", "Adam", "AdamW", "Adagrad"):
        opt = getattr(optim, name)([w], foreach=False, fused=False, differentiable=False)
        assert opt.defaults["fused"] is False
    assert optim.RMSprop([w], capturable=False, foreach=True).defaults["foreach"] is True


def test_the_chain_is_built_once_and_rebuilt_only_when_a_hyperparameter_changes(monkeypatch):
    w = compat.tensor([1.0, -2.0], requires_grad=True)
    opt = optim.Adam([w], lr=0.1)
    built = []
    original = optim.Adam._transformation
    monkeypatch.setattr(
        optim.Adam, "_transformation", lambda self, g: built.append(1) or original(self, g)
    )
    for k in range(6):
        w.grad = compat.tensor([1.0, 1.0])
        opt.param_groups[0]["lr"] = 0.1 / (k + 1)  # as a scheduler does
        opt.step()
    assert len(built) == 1
    opt.param_groups[0]["betas"] = (0.5, 0.9)
    opt.step()
    opt.step()
    assert len(built) == 2


def test_loads_a_state_dict_written_by_torch_and_continues_from_it():
    # tests/fixtures/torch_files/adam_state_dict.pt: torch 2.13's Adam(lr=0.01) after one
    # step on a 2x3 weight and a bias (see tests/fixtures/record_torch_files.py)
    import pathlib

    path = pathlib.Path(__file__).parent / "fixtures" / "torch_files" / "adam_state_dict.pt"
    saved = compat.load(path)
    w, b = compat.zeros(2, 3, requires_grad=True), compat.zeros(2, requires_grad=True)
    opt = optim.Adam([w, b])
    opt.load_state_dict(saved)
    assert opt.param_groups[0]["lr"] == 0.01
    assert {k: v for k, v in opt.param_groups[0].items() if k not in ("params", "lr")} == {
        k: v for k, v in optim.Adam([w]).defaults.items() if k != "lr"
    }
    m0, v0 = saved["state"][0]["exp_avg"].numpy(), saved["state"][0]["exp_avg_sq"].numpy()
    g = np.linspace(-1, 1, 6, dtype=np.float32).reshape(2, 3)
    w.grad = compat.tensor(g)
    opt.step()
    st = opt.state[w]
    assert float(st["step"]) == 2 and float(opt.state[b]["step"]) == 1  # b had no grad
    np.testing.assert_allclose(st["exp_avg"].numpy(), 0.9 * m0 + 0.1 * g, rtol=1e-6)
    np.testing.assert_allclose(st["exp_avg_sq"].numpy(), 0.999 * v0 + 0.001 * g * g, rtol=1e-6)
    want = (
        -0.01
        / (1 - 0.9**2)
        * st["exp_avg"].numpy()
        / (np.sqrt(st["exp_avg_sq"].numpy()) / math.sqrt(1 - 0.999**2) + 1e-8)
    )
    np.testing.assert_allclose(w.detach().numpy(), want, rtol=1e-5)


def test_state_dicts_go_through_compat_save_and_load(tmp_path):
    name, kwargs = CONFIGS["Adam_amsgrad"]
    x, y, w0, b0 = (compat.tensor(a) for a in problem(np.float32))
    params = [w0.clone().requires_grad_(), b0.clone().requires_grad_()]
    opt = getattr(optim, name)(params, **kwargs)
    train(opt, params, 4, x, y)
    compat.save(opt.state_dict(), tmp_path / "opt.pt")
    resumed_params = [p.detach().clone().requires_grad_() for p in params]
    straight = train(opt, params, 5, x, y)
    other = getattr(optim, name)(resumed_params)
    other.load_state_dict(compat.load(tmp_path / "opt.pt"))
    np.testing.assert_array_equal(train(other, resumed_params, 5, x, y), straight)

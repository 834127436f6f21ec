"""compat.optim.lr_scheduler: PyTorch's learning-rate sequences to the last bit.

``SEQUENCES`` was recorded from torch 2.13 (the lr after construction, then after each of
12 ``optimizer.step(); scheduler.step()``, starting from lr 0.1); a test re-records it
when torch is installed. Without torch, the sequences are also checked against the
closed-form formulas of COMPAT_SPEC section 5 (to rounding: the recursive form drifts
by a few ulps, which is why the exact values are PyTorch's).
"""

import math
import warnings

import pytest

import compat
from compat import optim
from compat.optim import lr_scheduler

CASES = {
    "StepLR": lambda L, opt: L.StepLR(opt, step_size=3),
    "StepLR_gamma": lambda L, opt: L.StepLR(opt, step_size=2, gamma=0.7),
    "MultiStepLR": lambda L, opt: L.MultiStepLR(opt, milestones=[2, 5, 5, 9], gamma=0.3),
    "ExponentialLR": lambda L, opt: L.ExponentialLR(opt, gamma=0.9),
    "CosineAnnealingLR": lambda L, opt: L.CosineAnnealingLR(opt, T_max=4),
    "CosineAnnealingLR_eta_min": lambda L, opt: L.CosineAnnealingLR(opt, T_max=5, eta_min=0.01),
    "LambdaLR": lambda L, opt: L.LambdaLR(opt, lambda e: 1 / (1 + e)),
    "MultiplicativeLR": lambda L, opt: L.MultiplicativeLR(opt, lambda e: 0.95),
    "ConstantLR": lambda L, opt: L.ConstantLR(opt, factor=0.5, total_iters=4),
    "LinearLR": lambda L, opt: L.LinearLR(opt, start_factor=0.25, total_iters=6),
    "LinearLR_down": lambda L, opt: L.LinearLR(
        opt, start_factor=1.0, end_factor=0.1, total_iters=7
    ),
}

# fmt: off
SEQUENCES = {
    "StepLR": [0.1, 0.1, 0.1, 0.010000000000000002, 0.010000000000000002, 0.010000000000000002, 0.0010000000000000002, 0.0010000000000000002, 0.0010000000000000002, 0.00010000000000000003, 0.00010000000000000003, 0.00010000000000000003, 1.0000000000000004e-05],  # noqa: E501
    "StepLR_gamma": [0.1, 0.1, 0.06999999999999999, 0.06999999999999999, 0.048999999999999995, 0.048999999999999995, 0.0343, 0.0343, 0.024009999999999997, 0.024009999999999997, 0.016806999999999996, 0.016806999999999996, 0.011764899999999997],  # noqa: E501
    "MultiStepLR": [0.1, 0.1, 0.03, 0.03, 0.03, 0.0026999999999999997, 0.0026999999999999997, 0.0026999999999999997, 0.0026999999999999997, 0.0008099999999999998, 0.0008099999999999998, 0.0008099999999999998, 0.0008099999999999998],  # noqa: E501
    "ExponentialLR": [0.1, 0.09000000000000001, 0.08100000000000002, 0.07290000000000002, 0.06561000000000002, 0.05904900000000002, 0.05314410000000002, 0.04782969000000002, 0.043046721000000024, 0.03874204890000002, 0.03486784401000002, 0.03138105960900001, 0.028242953648100012],  # noqa: E501
    "CosineAnnealingLR": [0.1, 0.08535533905932738, 0.05, 0.014644660940672627, 0.0, 0.014644660940672622, 0.05000000000000001, 0.0853553390593274, 0.10000000000000003, 0.0853553390593274, 0.05000000000000003, 0.014644660940672672, 0.0],  # noqa: E501
    "CosineAnnealingLR_eta_min": [0.1, 0.09140576474687263, 0.06890576474687263, 0.04109423525312736, 0.018594235253127367, 0.01, 0.018594235253127367, 0.04109423525312739, 0.06890576474687267, 0.09140576474687269, 0.10000000000000006, 0.09140576474687272, 0.06890576474687268],  # noqa: E501
    "LambdaLR": [0.1, 0.05, 0.03333333333333333, 0.025, 0.020000000000000004, 0.016666666666666666, 0.014285714285714285, 0.0125, 0.011111111111111112, 0.010000000000000002, 0.009090909090909092, 0.008333333333333333, 0.007692307692307693],  # noqa: E501
    "MultiplicativeLR": [0.1, 0.095, 0.09025, 0.0857375, 0.08145062499999998, 0.07737809374999999, 0.07350918906249998, 0.06983372960937498, 0.06634204312890622, 0.0630249409724609, 0.05987369392383786, 0.05688000922764597, 0.05403600876626367],  # noqa: E501
    "ConstantLR": [0.05, 0.05, 0.05, 0.05, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1],
    "LinearLR": [0.025, 0.037500000000000006, 0.05, 0.0625, 0.075, 0.08750000000000001, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1],  # noqa: E501
    "LinearLR_down": [0.1, 0.08714285714285715, 0.07428571428571429, 0.06142857142857143, 0.04857142857142857, 0.03571428571428572, 0.02285714285714286, 0.009999999999999998, 0.009999999999999998, 0.009999999999999998, 0.009999999999999998, 0.009999999999999998, 0.009999999999999998],  # noqa: E501
}
# fmt: on

#: The spec's closed forms, as functions of the epoch e (initial lr 0.1).
CLOSED_FORMS = {
    "StepLR": lambda e: 0.1 * 0.1 ** (e // 3),
    "StepLR_gamma": lambda e: 0.1 * 0.7 ** (e // 2),
    "MultiStepLR": lambda e: 0.1 * 0.3 ** sum(e >= m for m in [2, 5, 5, 9]),
    "ExponentialLR": lambda e: 0.1 * 0.9**e,
    "CosineAnnealingLR": lambda e: 0.1 * (1 + math.cos(math.pi * e / 4)) / 2,
    "CosineAnnealingLR_eta_min": lambda e: 0.01 + 0.09 * (1 + math.cos(math.pi * e / 5)) / 2,
    "LambdaLR": lambda e: 0.1 / (1 + e),
    "MultiplicativeLR": lambda e: 0.1 * 0.95**e,
    "ConstantLR": lambda e: 0.05 if e < 4 else 0.1,
    "LinearLR": lambda e: 0.1 * (0.25 + 0.75 * min(e, 6) / 6),
    "LinearLR_down": lambda e: 0.1 * (1.0 - 0.9 * min(e, 7) / 7),
}


def sequence(module, name, steps=12, lr=0.1):
    """The lr after construction and after each ``optimizer.step(); scheduler.step()``."""
    w = module.zeros(1, requires_grad=True)
    opt = module.optim.SGD([w], lr=lr)
    sched = CASES[name](module.optim.lr_scheduler, opt)
    lrs = [sched.get_last_lr()[0]]
    for _ in range(steps):
        opt.step()
        sched.step()
        lrs.append(sched.get_last_lr()[0])
        assert opt.param_groups[0]["lr"] == lrs[-1]
    return lrs


@pytest.mark.parametrize("name", list(CASES))
def test_sequences_are_pytorchs_to_the_last_bit(name):
    got = sequence(compat, name)
    assert got == SEQUENCES[name]
    assert all(type(v) is float for v in got)


@pytest.mark.parametrize("name", list(CASES))
def test_recorded_sequences_are_torchs(name):
    torch = pytest.importorskip("torch")
    assert sequence(torch, name) == SEQUENCES[name]


@pytest.mark.parametrize("name", list(CASES))
def test_sequences_follow_the_closed_forms(name):
    got = sequence(compat, name, steps=30)
    want = [CLOSED_FORMS[name](e) for e in range(31)]
    assert got == pytest.approx(want, rel=1e-12, abs=1e-15)


def test_the_specs_examples():
    assert sequence(compat, "StepLR", steps=6) == [0.1, 0.1, 0.1] + [0.010000000000000002] * 3 + [
        0.0010000000000000002
    ]
    cosine = sequence(compat, "CosineAnnealingLR", steps=6)
    assert [round(v, 4) for v in cosine] == [0.1, 0.0854, 0.05, 0.0146, 0.0, 0.0146, 0.05]


def test_the_optimizer_steps_with_the_scheduled_rate():
    w = compat.tensor([0.0], requires_grad=True)
    opt = optim.SGD([w], lr=1.0)
    sched = lr_scheduler.ExponentialLR(opt, gamma=0.5)
    moves = []
    for _ in range(3):
        before = w.item()
        w.grad = compat.tensor([1.0])
        opt.step()
        sched.step()
        moves.append(before - w.item())
    assert moves == [1.0, 0.5, 0.25]


def test_groups_initial_lr_and_base_lrs():
    w, b = compat.zeros(1, requires_grad=True), compat.zeros(1, requires_grad=True)
    opt = optim.SGD([{"params": [w]}, {"params": [b], "lr": 1.0}], lr=0.1)
    sched = lr_scheduler.LambdaLR(opt, [lambda e: 0.5**e, lambda e: 1.0 / (e + 1)])
    assert [g["initial_lr"] for g in opt.param_groups] == [0.1, 1.0]
    assert sched.base_lrs == [0.1, 1.0] and sched.last_epoch == 0
    opt.step()
    sched.step()
    opt.step()
    sched.step()
    assert sched.get_last_lr() == [0.025, 1.0 / 3] and sched.last_epoch == 2
    assert isinstance(sched.get_last_lr(), list)
    # a second scheduler keeps the first initial_lr
    other = lr_scheduler.StepLR(opt, step_size=1)
    assert other.base_lrs == [0.1, 1.0]


def test_constructor_errors():
    w = compat.zeros(1, requires_grad=True)
    opt = optim.SGD([w, compat.zeros(1, requires_grad=True)], lr=0.1)
    two = optim.SGD([{"params": [w]}, {"params": [compat.zeros(1, requires_grad=True)]}], lr=0.1)
    cases = [
        (lambda: lr_scheduler.StepLR("sgd", 2), TypeError, "str is not an Optimizer"),
        (
            lambda: lr_scheduler.LambdaLR(two, [lambda e: 1.0]),
            ValueError,
            "Expected 2 lr_lambdas, but got 1",
        ),
        (
            lambda: lr_scheduler.MultiplicativeLR(opt, 0.5),
            TypeError,
            "lr_lambda should be a function, but got float",
        ),
        (
            lambda: lr_scheduler.ConstantLR(opt, factor=1.5),
            ValueError,
            "Constant multiplicative factor expected to be between 0 and 1.",
        ),
        (
            lambda: lr_scheduler.LinearLR(opt, start_factor=0),
            ValueError,
            "Starting multiplicative factor expected to be greater than 0 and less or equal to 1.",
        ),
        (
            lambda: lr_scheduler.LinearLR(opt, end_factor=2),
            ValueError,
            "Ending multiplicative factor expected to be between 0 and 1.",
        ),
        (
            lambda: lr_scheduler.ReduceLROnPlateau(opt, factor=1.0),
            ValueError,
            "Factor should be < 1.0.",
        ),
        (lambda: lr_scheduler.ReduceLROnPlateau(opt, mode="up"), ValueError, "mode up is unknown!"),
        (
            lambda: lr_scheduler.ReduceLROnPlateau(opt, threshold_mode="x"),
            ValueError,
            "threshold mode x is unknown!",
        ),
        (
            lambda: lr_scheduler.ReduceLROnPlateau(two, min_lr=[0.1]),
            ValueError,
            "expected 2 min_lrs, got 1",
        ),
    ]
    for make, kind, message in cases:
        with pytest.raises(kind) as info:
            make()
        assert str(info.value) == message


def test_resuming_needs_initial_lr():
    opt = optim.SGD([compat.zeros(1, requires_grad=True)], lr=0.1)
    with pytest.raises(KeyError) as info:
        lr_scheduler.StepLR(opt, step_size=2, last_epoch=3)
    assert info.value.args[0].startswith(
        "param 'initial_lr' is not specified in param_groups[0] when resuming scheduler with "
        "last_epoch >= 0.\nThis typically happens when:\n1. You're trying to resume"
    )
    opt.param_groups[0]["initial_lr"] = 1.0
    sched = lr_scheduler.StepLR(opt, step_size=2, last_epoch=3)
    assert sched.base_lrs == [1.0] and sched.last_epoch == 4


# --- warnings ------------------------------------------------------------------------------

ORDER_WARNING = (
    "Detected call of `lr_scheduler.step()` before `optimizer.step()`. In PyTorch 1.1.0 and "
    "later, you should call them in the opposite order: `optimizer.step()` before "
    "`lr_scheduler.step()`.  Failure to do this will result in PyTorch skipping the first value "
    "of the learning rate schedule. See more details at "
    "https://pytorch.org/docs/stable/optim.html#how-to-adjust-learning-rate"
)


def scheduler_then_optimizer(module):
    w = module.zeros(1, requires_grad=True)
    opt = module.optim.SGD([w], lr=0.1)
    sched = module.optim.lr_scheduler.StepLR(opt, step_size=1)
    with pytest.warns(UserWarning) as record:
        sched.step()
    opt.step()
    sched.step()  # warns once only
    return [str(r.message) for r in record]


def test_scheduler_step_before_optimizer_step_warns():
    assert scheduler_then_optimizer(compat) == [ORDER_WARNING]


def test_the_order_warning_is_torchs():
    torch = pytest.importorskip("torch")
    assert scheduler_then_optimizer(torch) == [ORDER_WARNING]


def test_the_right_order_does_not_warn_and_the_optimizer_still_steps():
    w = compat.tensor([1.0], requires_grad=True)
    opt = optim.Adam([w], lr=0.1)
    sched = lr_scheduler.StepLR(opt, step_size=1)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        w.grad = compat.tensor([1.0])
        assert opt.step() is None
        sched.step()
    assert w.item() == pytest.approx(0.9)
    assert opt.step(lambda: 7.0) == 7.0  # the wrapped step still returns the closure's loss
    wrapped = opt.step
    lr_scheduler.ExponentialLR(opt, gamma=0.5)  # a second scheduler does not wrap it again
    assert opt.step is wrapped


def test_replacing_optimizer_step_after_construction_warns():
    opt = optim.SGD([compat.zeros(1, requires_grad=True)], lr=0.1)
    sched = lr_scheduler.StepLR(opt, step_size=1)
    opt.step = lambda closure=None: None
    with pytest.warns(UserWarning, match="Seems like `optimizer.step\\(\\)` has been overridden"):
        sched.step()


def test_get_lr_outside_step_warns():
    opt = optim.SGD([compat.zeros(1, requires_grad=True)], lr=0.1)
    sched = lr_scheduler.StepLR(opt, step_size=1)
    with pytest.warns(UserWarning) as record:
        sched.get_lr()
    assert str(record[0].message) == (
        "To get the last learning rate computed by the scheduler, please use `get_last_lr()`."
    )


def test_step_with_an_epoch_warns_and_uses_the_closed_form():
    opt = optim.SGD([compat.zeros(1, requires_grad=True)], lr=0.1)
    sched = lr_scheduler.StepLR(opt, step_size=2)
    opt.step()
    with pytest.warns(UserWarning, match="^The epoch parameter in `scheduler.step\\(\\)`"):
        sched.step(5)
    assert sched.last_epoch == 5 and sched.get_last_lr() == [0.1 * 0.1**2]


# --- state dicts ---------------------------------------------------------------------------


def test_state_dict_holds_the_attributes_but_the_optimizer():
    opt = optim.SGD([compat.zeros(1, requires_grad=True)], lr=0.1)
    sched = lr_scheduler.StepLR(opt, step_size=3)
    assert sched.state_dict() == {
        "step_size": 3,
        "gamma": 0.1,
        "base_lrs": [0.1],
        "last_epoch": 0,
        "_step_count": 1,
        "_is_initial": False,
        "_get_lr_called_within_step": False,
        "_last_lr": [0.1],
    }
    assert list(sched.state_dict())[:4] == ["step_size", "gamma", "base_lrs", "last_epoch"]


@pytest.mark.parametrize("name", ["StepLR", "CosineAnnealingLR", "LinearLR", "MultiStepLR"])
def test_state_dict_keys_are_torchs(name):
    torch = pytest.importorskip("torch")
    ours = CASES[name](lr_scheduler, optim.SGD([compat.zeros(1, requires_grad=True)], lr=0.1))
    theirs = CASES[name](
        torch.optim.lr_scheduler, torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=0.1)
    )
    assert list(ours.state_dict()) == list(theirs.state_dict())
    assert ours.state_dict() == theirs.state_dict()


@pytest.mark.parametrize("name", ["StepLR", "CosineAnnealingLR", "LinearLR", "MultiplicativeLR"])
def test_load_state_dict_resumes_the_sequence(name):
    w = compat.zeros(1, requires_grad=True)
    opt = optim.SGD([w], lr=0.1)
    sched = CASES[name](lr_scheduler, opt)
    for _ in range(5):
        opt.step()
        sched.step()
    saved_opt, saved = opt.state_dict(), sched.state_dict()
    rest = []
    for _ in range(6):
        opt.step()
        sched.step()
        rest.append(sched.get_last_lr()[0])

    opt2 = optim.SGD([compat.zeros(1, requires_grad=True)], lr=0.1)
    sched2 = CASES[name](lr_scheduler, opt2)
    opt2.load_state_dict(saved_opt)
    sched2.load_state_dict(saved)
    resumed = []
    for _ in range(6):
        opt2.step()
        sched2.step()
        resumed.append(sched2.get_last_lr()[0])
    assert resumed == rest == SEQUENCES[name][6:12]


def test_lambda_lr_saves_callable_objects_but_not_functions():
    class Halving:
        def __init__(self):
            self.base = 0.5

        def __call__(self, epoch):
            return self.base**epoch

    opt = optim.SGD([{"params": [compat.zeros(1, requires_grad=True)]},
                     {"params": [compat.zeros(1, requires_grad=True)]}], lr=0.1)  # fmt: skip
    obj = Halving()
    sched = lr_scheduler.LambdaLR(opt, [lambda e: 1.0, obj])
    sd = sched.state_dict()
    assert sd["lr_lambdas"] == [None, {"base": 0.5}]
    obj.base = 0.9
    sched.load_state_dict(sd)
    assert obj.base == 0.5 and "lr_lambdas" in sd


# --- ReduceLROnPlateau ---------------------------------------------------------------------

PLATEAU_CASES = {
    # kwargs, metrics, the learning rates after each step (worked out by hand from the rules)
    "min_rel": (
        dict(factor=0.5, patience=2),
        [5.0, 4.0, 4.0, 3.9999, 4.1, 3.0, 3.0, 3.0, 3.0, 3.0, 3.0, 3.0],
        [1.0, 1.0, 1.0, 1.0, 0.5, 0.5, 0.5, 0.5, 0.25, 0.25, 0.25, 0.125],
    ),
    "cooldown_min_lr": (
        dict(factor=0.1, patience=0, cooldown=2, min_lr=0.005),
        [1.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0],
        [1.0, 0.1, 0.1, 0.1, 0.01, 0.01, 0.01, 0.005],
    ),
    "max_abs": (
        dict(mode="max", threshold=0.5, threshold_mode="abs", patience=1, factor=0.5),
        [1.0, 1.4, 1.3, 2.0, 2.6, 2.6, 2.7],
        [1.0, 1.0, 0.5, 0.5, 0.5, 0.5, 0.25],
    ),
}


def plateau_lrs(module, kwargs, metrics):
    opt = module.optim.SGD([module.zeros(1, requires_grad=True)], lr=1.0)
    sched = module.optim.lr_scheduler.ReduceLROnPlateau(opt, **kwargs)
    lrs = []
    for m in metrics:
        sched.step(module.tensor(m) if len(lrs) % 2 else m)  # numbers and 0-d tensors
        lrs.append(sched.get_last_lr()[0])
    return lrs


@pytest.mark.parametrize("case", list(PLATEAU_CASES))
def test_reduce_lr_on_plateau(case):
    kwargs, metrics, want = PLATEAU_CASES[case]
    assert plateau_lrs(compat, kwargs, metrics) == pytest.approx(want, rel=1e-12)


@pytest.mark.parametrize("case", list(PLATEAU_CASES))
def test_reduce_lr_on_plateau_matches_torch(case):
    torch = pytest.importorskip("torch")
    kwargs, metrics, _ = PLATEAU_CASES[case]
    assert plateau_lrs(compat, kwargs, metrics) == plateau_lrs(torch, kwargs, metrics)


def test_reduce_lr_on_plateau_state_dict_round_trip():
    opt = optim.SGD([compat.zeros(1, requires_grad=True)], lr=1.0)
    sched = lr_scheduler.ReduceLROnPlateau(opt, factor=0.5, patience=1)
    for m in [3.0, 2.0, 2.5]:
        sched.step(m)
    sd = sched.state_dict()
    assert sd["num_bad_epochs"] == 1 and sd["best"] == 2.0 and "optimizer" not in sd
    other = lr_scheduler.ReduceLROnPlateau(opt)
    other.load_state_dict(sd)
    other.step(2.5)
    assert other.get_last_lr() == [0.5] and other.last_epoch == 4


def test_old_style_subclass_of_lr_scheduler():
    class Halve(lr_scheduler._LRScheduler):
        def get_lr(self):
            return [base * 0.5**self.last_epoch for base in self.base_lrs]

    opt = optim.SGD([compat.zeros(1, requires_grad=True)], lr=1.0)
    sched = Halve(opt)
    opt.step()
    sched.step()
    sched.step()
    assert sched.get_last_lr() == [0.25] and opt.param_groups[0]["lr"] == 0.25
    assert isinstance(sched, lr_scheduler.LRScheduler)

"""compat.nn.Module, Parameter, containers and nn.utils against PyTorch's behaviour.

Expected names, orders, reprs and error texts are PyTorch 2.13's (COMPAT_SPEC section 2,
and torch's output for the same code); where torch is installed, the same scripts also
run on it and the results are compared live. The modules are built here from
Parameters (``Lin``), so these tests do not depend on compat's layer library.
"""

from __future__ import annotations

import copy
import pickle
from collections import OrderedDict

import numpy as np
import pytest

import compat
import compat.nn as nn


def make_classes(torch):
    """Test modules written against ``torch`` (compat or the real one)."""
    tnn = torch.nn

    class Lin(tnn.Module):
        def __init__(self, i, o, bias=True):
            super().__init__()
            self.in_features, self.out_features = i, o
            self.weight = tnn.Parameter(torch.arange(o * i, dtype=torch.float32).reshape(o, i))
            self.bias = tnn.Parameter(torch.ones(o)) if bias else None

        def forward(self, x):
            y = x @ self.weight.t()
            return y if self.bias is None else y + self.bias

        def extra_repr(self):
            return (
                f"in_features={self.in_features}, out_features={self.out_features}, "
                f"bias={self.bias is not None}"
            )

    class Act(tnn.Module):
        def forward(self, x):
            return x.clamp(min=0)

    class Net(tnn.Module):
        def __init__(self):
            super().__init__()
            self.fc1 = Lin(4, 8)
            self.scale = tnn.Parameter(torch.ones(1))
            self.act = Act()
            self.block = tnn.Sequential(Lin(8, 8), Act())
            self.ml = tnn.ModuleList([Lin(2, 2), Lin(2, 2)])
            self.md = tnn.ModuleDict({"b": Lin(1, 1), "a": Lin(1, 2, bias=False)})
            self.register_buffer("steps", torch.tensor(0))
            self.register_buffer("cache", torch.zeros(2), persistent=False)
            self.register_buffer("nothing", None)
            self.plain = torch.zeros(3)  # not registered
            self.pylist = [Lin(1, 1)]  # not registered

        def forward(self, x):
            return self.block(self.act(self.fc1(x))) * self.scale

    class Shared(tnn.Module):
        def __init__(self):
            super().__init__()
            self.a = Lin(2, 2)
            self.b = self.a
            self.p = tnn.Parameter(torch.zeros(1))
            self.q = self.p
            self.seq = tnn.Sequential(self.a, Lin(1, 1))

    class LinearRegression(tnn.Module):
        def __init__(self):
            super().__init__()
            self.linear = Lin(1, 1)

        def forward(self, x):
            return self.linear(x)

    return Lin, Act, Net, Shared, LinearRegression


Lin, Act, Net, Shared, LinearRegression = make_classes(compat)
for _cls in (Lin, Act, Net, Shared, LinearRegression):
    _cls.__qualname__ = _cls.__name__  # found at module level: picklable


def names(pairs):
    return [name for name, _ in pairs]


def error_of(fn):
    """(type name, message) of what ``fn()`` raises (KeyError: its argument)."""
    try:
        fn()
    except Exception as err:  # noqa: BLE001
        msg = err.args[0] if isinstance(err, KeyError) else str(err)
        return type(err).__name__, msg
    raise AssertionError("no error raised")


# --- registration ---------------------------------------------------------------------------


def test_assigning_before_init_is_refused():
    class NoInit(nn.Module):
        def __init__(self, what):
            self.ok = compat.zeros(1)  # plain attributes (even tensors) are fine
            if what == "module":
                self.m = Lin(1, 1)
            elif what == "param":
                self.p = nn.Parameter(compat.zeros(1))
            elif what == "buffer":
                self.register_buffer("b", compat.zeros(1))
            else:
                self.register_parameter("p", None)

    expected = {
        "module": "cannot assign module before Module.__init__() call",
        "param": "cannot assign parameters before Module.__init__() call",
        "buffer": "cannot assign buffer before Module.__init__() call",
        "register_parameter": "cannot assign parameter before Module.__init__() call",
    }
    for what, message in expected.items():
        assert error_of(lambda w=what: NoInit(w)) == ("AttributeError", message)


def test_setattr_routes_by_type():
    net = Net()
    assert list(net._parameters) == ["scale"]
    assert list(net._modules) == ["fc1", "act", "block", "ml", "md"]
    assert list(net._buffers) == ["steps", "cache", "nothing"]
    # registered members live in the tables, not in __dict__
    for name in ["fc1", "scale", "steps"]:
        assert name not in net.__dict__
    assert net.fc1 is net._modules["fc1"] and net.scale is net._parameters["scale"]
    # a plain tensor or a list of modules is an ordinary attribute
    assert "plain" in net.__dict__ and "pylist" in net.__dict__
    assert len(list(net.parameters())) == 1 + 2 + 2 + 4 + 3


def test_assigning_a_tensor_to_a_buffer_name_updates_the_buffer():
    net = Net()
    net.steps = compat.tensor(5)
    assert net.state_dict()["steps"].item() == 5 and "steps" not in net.__dict__
    net.cache = compat.ones(2)  # stays non-persistent
    assert "cache" not in net.state_dict() and net.cache.tolist() == [1.0, 1.0]


def test_assignment_errors():
    net = Net()
    cases = [
        (
            lambda: setattr(net, "scale", compat.zeros(1)),
            "TypeError",
            "cannot assign 'torch.FloatTensor' as parameter 'scale' "
            "(torch.nn.Parameter or None expected)",
        ),
        (
            lambda: setattr(net, "scale", 3),
            "TypeError",
            "cannot assign 'int' as parameter 'scale' (torch.nn.Parameter or None expected)",
        ),
        (
            lambda: setattr(net, "fc1", 3),
            "TypeError",
            "cannot assign 'int' as child module 'fc1' (torch.nn.Module or None expected)",
        ),
        (
            lambda: setattr(net, "steps", 3),
            "TypeError",
            "cannot assign 'int' as buffer 'steps' (torch.nn.Buffer, torch.Tensor or None "
            "expected)",
        ),
        (lambda: net.nope, "AttributeError", "'Net' object has no attribute 'nope'"),
    ]
    for fn, kind, message in cases:
        assert error_of(fn) == (kind, message)


def test_none_keeps_the_slot_and_del_unregisters():
    net = Net()
    net.scale = None
    assert "scale" in net._parameters and net.scale is None
    assert "scale" not in names(net.named_parameters()) and "scale" not in net.state_dict()
    net.fc1 = None
    assert net.fc1 is None and "fc1.weight" not in net.state_dict()
    del net.block
    assert "block" not in net._modules
    assert error_of(lambda: net.block) == (
        "AttributeError",
        "'Net' object has no attribute 'block'",
    )
    del net.steps, net.plain
    assert "steps" not in net.state_dict() and not hasattr(net, "plain")


def test_reassignment_moves_a_name_between_tables_in_place():
    net = Net()
    net.scale = nn.Parameter(compat.zeros(1))  # same slot, same position
    assert list(net._parameters) == ["scale"]
    net.block = Act()  # a module replaced keeps its position
    assert list(net._modules) == ["fc1", "act", "block", "ml", "md"]
    net.extra = compat.zeros(1)
    net.extra = nn.Parameter(compat.zeros(1))  # an attribute becomes a parameter
    assert "extra" not in net.__dict__ and "extra" in net._parameters
    net.other = nn.Parameter(compat.zeros(1))
    net.other_mod = Lin(1, 1)
    assert "other" in net._parameters and "other_mod" in net._modules


REGISTRATION_ERRORS = [
    (lambda m, lib: m.register_buffer("a.b", None), "KeyError", 'buffer name can\'t contain "."'),
    (
        lambda m, lib: m.register_buffer("", None),
        "KeyError",
        'buffer name can\'t be empty string ""',
    ),
    (lambda m, lib: m.register_buffer("fc1", None), "KeyError", "attribute 'fc1' already exists"),
    (
        lambda m, lib: m.register_buffer("plain", None),
        "KeyError",
        "attribute 'plain' already exists",
    ),
    (
        lambda m, lib: m.register_buffer(1, None),
        "TypeError",
        "buffer name should be a string. Got int",
    ),
    (
        lambda m, lib: m.register_buffer("zz", 3),
        "TypeError",
        "cannot assign 'int' object to buffer 'zz' (torch Tensor or None required)",
    ),
    (
        lambda m, lib: m.register_parameter("p", lib.zeros(1)),
        "TypeError",
        "cannot assign 'torch.FloatTensor' object to parameter 'p' "
        "(torch.nn.Parameter or None required)",
    ),
    (
        lambda m, lib: m.register_parameter("a.b", None),
        "KeyError",
        'parameter name can\'t contain "."',
    ),
    (
        lambda m, lib: m.register_parameter("", None),
        "KeyError",
        'parameter name can\'t be empty string ""',
    ),
    (
        lambda m, lib: m.register_parameter("fc1", None),
        "KeyError",
        "attribute 'fc1' already exists",
    ),
    (
        lambda m, lib: m.register_parameter(3, None),
        "TypeError",
        "parameter name should be a string. Got int",
    ),
    (lambda m, lib: m.add_module("x", 3), "TypeError", "int is not a Module subclass"),
    (
        lambda m, lib: m.add_module("a.b", lib.nn.Module()),
        "KeyError",
        'module name can\'t contain ".", got: a.b',
    ),
    (
        lambda m, lib: m.add_module("", lib.nn.Module()),
        "KeyError",
        'module name can\'t be empty string ""',
    ),
    (
        lambda m, lib: m.add_module("scale", lib.nn.Module()),
        "KeyError",
        "attribute 'scale' already exists",
    ),
    (
        lambda m, lib: m.add_module(1, lib.nn.Module()),
        "TypeError",
        "module name should be a string. Got int",
    ),
    (
        lambda m, lib: m.get_submodule("fc1.weight"),
        "AttributeError",
        "`weight` is not an nn.Module",
    ),
    (lambda m, lib: m.get_submodule("nope"), "AttributeError", "Net has no attribute `nope`"),
    (lambda m, lib: m.get_parameter("fc1.nope"), "AttributeError", "Lin has no attribute `nope`"),
    (lambda m, lib: m.get_parameter("fc1"), "AttributeError", "`fc1` is not an nn.Parameter"),
    (lambda m, lib: m.get_parameter("steps"), "AttributeError", "`steps` is not an nn.Parameter"),
    (lambda m, lib: m.get_buffer("scale"), "AttributeError", "`scale` is not a buffer"),
    (
        lambda m, lib: m.to(m.steps.dtype),
        "TypeError",
        "nn.Module.to only accepts floating point or complex dtypes, but got desired "
        "dtype=torch.int64",
    ),
    (lambda m, lib: m.train(1), "ValueError", "training mode is expected to be boolean"),
    (lambda m, lib: m.cuda(), "AssertionError", "Torch not compiled with CUDA enabled"),
    (
        lambda m, lib: m.load_state_dict([1]),
        "TypeError",
        "Expected state_dict to be dict-like, got <class 'list'>.",
    ),
]


@pytest.mark.parametrize(("fn", "kind", "message"), REGISTRATION_ERRORS)
def test_registration_errors(fn, kind, message):
    assert error_of(lambda: fn(Net(), compat)) == (kind, message)


@pytest.mark.parametrize(("fn", "kind", "message"), REGISTRATION_ERRORS)
def test_registration_errors_match_live_torch(fn, kind, message):
    torch = pytest.importorskip("torch")
    theirs = make_classes(torch)[2]()
    assert error_of(lambda: fn(theirs, torch)) == (kind, message)


def test_register_and_get():
    net = Net()
    net.register_parameter("w", nn.Parameter(compat.ones(2)))
    net.register_module("extra", Act())
    assert net.get_parameter("w") is net.w and net.get_submodule("extra") is net.extra
    assert net.get_submodule("block.0") is net.block[0]
    assert net.get_parameter("block.0.weight") is net.block[0].weight
    assert net.get_buffer("steps") is net.steps and net.get_submodule("") is net


def test_register_parameter_refuses_results_of_ops():
    m = nn.Module()
    p = nn.Parameter(compat.ones(1))
    assert error_of(lambda: m.register_parameter("w", p * 2)) == (
        "TypeError",
        "cannot assign 'torch.FloatTensor' object to parameter 'w' "
        "(torch.nn.Parameter or None required)",
    )
    assert "w" not in m._parameters


def test_module_init_arguments():
    assert error_of(lambda: nn.Module(3)) == (
        "TypeError",
        "Module.__init__() takes 1 positional argument but 2 were given",
    )
    assert error_of(lambda: nn.Module(a=3)) == (
        "TypeError",
        "Module.__init__() got an unexpected keyword argument 'a'",
    )


# --- traversal ------------------------------------------------------------------------------

NET_PARAMS = [
    "scale",
    "fc1.weight",
    "fc1.bias",
    "block.0.weight",
    "block.0.bias",
    "ml.0.weight",
    "ml.0.bias",
    "ml.1.weight",
    "ml.1.bias",
    "md.b.weight",
    "md.b.bias",
    "md.a.weight",
]
NET_MODULES = ["", "fc1", "act", "block", "block.0", "block.1", "ml", "ml.0", "ml.1", "md",
               "md.b", "md.a"]  # fmt: skip


def test_order_and_names():
    net = Net()
    # own parameters first (registration order), then children in registration order
    assert names(net.named_parameters()) == NET_PARAMS
    assert names(net.named_buffers()) == ["steps", "cache"]
    assert names(net.named_modules()) == NET_MODULES
    assert names(net.named_children()) == ["fc1", "act", "block", "ml", "md"]
    assert list(net.children()) == [net.fc1, net.act, net.block, net.ml, net.md]
    assert list(net.modules())[0] is net and len(list(net.modules())) == len(NET_MODULES)
    assert list(net.state_dict()) == ["scale", "steps"] + NET_PARAMS[1:]
    assert names(net.named_parameters(recurse=False)) == ["scale"]
    assert names(net.named_parameters(prefix="model"))[:2] == ["model.scale", "model.fc1.weight"]
    assert names(net.block.named_modules(prefix="block")) == ["block", "block.0", "block.1"]
    assert [p is q for p, q in zip(net.parameters(), dict(net.named_parameters()).values())]
    assert list(net.buffers(recurse=False))[0] is net.steps


def test_parameters_is_a_generator():
    net = Net()
    gen = net.parameters()
    assert iter(gen) is gen
    assert len(list(gen)) == len(NET_PARAMS)
    assert list(gen) == []  # a second optimizer given the same generator gets nothing


def test_shared_members_are_listed_once_but_saved_under_each_name():
    s = Shared()
    assert names(s.named_parameters()) == ["p", "a.weight", "a.bias", "seq.1.weight",
                                           "seq.1.bias"]  # fmt: skip
    assert names(s.named_modules()) == ["", "a", "seq", "seq.1"]
    assert names(s.named_modules(remove_duplicate=False)) == ["", "a", "b", "seq", "seq.0",
                                                             "seq.1"]  # fmt: skip
    assert names(s.named_parameters(remove_duplicate=False))[:4] == ["p", "q", "a.weight",
                                                                     "a.bias"]  # fmt: skip
    assert list(s.state_dict()) == ["p", "q", "a.weight", "a.bias", "b.weight", "b.bias",
                                    "seq.0.weight", "seq.0.bias", "seq.1.weight",
                                    "seq.1.bias"]  # fmt: skip
    assert names(s.named_children()) == ["a", "seq"]


def test_deep_nesting_needs_no_recursion():
    root = seq = nn.Sequential()
    for _ in range(3000):
        inner = nn.Sequential()
        seq.append(inner)
        seq = inner
    seq.append(Lin(1, 1))
    assert len(list(root.modules())) == 3002
    assert len(root.state_dict()) == 2
    assert root.load_state_dict(root.state_dict()).missing_keys == []
    assert root.double() is root and next(root.parameters()).dtype == compat.float64


def traversal_report(torch):
    """What a script sees of a nested model's structure, as plain Python data."""
    _, _, net_cls, shared_cls, _ = make_classes(torch)
    report = {}
    for label, model in [("net", net_cls()), ("shared", shared_cls())]:
        sd = model.state_dict()
        report[label] = {
            "parameters": names(model.named_parameters()),
            "parameters_dup": names(model.named_parameters(remove_duplicate=False)),
            "buffers": names(model.named_buffers()),
            "modules": names(model.named_modules()),
            "modules_dup": names(model.named_modules(remove_duplicate=False)),
            "children": names(model.named_children()),
            "state_dict": list(sd),
            "metadata": dict(sd._metadata),
            "prefixed": list(model.state_dict(prefix="pre.")._metadata),
            "shapes": [list(v.shape) for v in sd.values()],
            "repr": repr(model),
            "apply": [],
        }
        model.apply(lambda m, r=report[label]: r["apply"].append(type(m).__name__))
    return report


def test_traversal_matches_live_torch():
    torch = pytest.importorskip("torch")
    assert traversal_report(compat) == traversal_report(torch)


# --- state_dict / load_state_dict -----------------------------------------------------------


def test_state_dict_values_are_detached_aliases():
    net = Net()
    sd = net.state_dict()
    assert type(sd) is OrderedDict
    w = sd["fc1.weight"]
    assert type(w) is compat.Tensor and not w.requires_grad
    with compat.no_grad():
        net.fc1.weight.sub_(1.0)  # what an optimizer step does
        net.steps.add_(1)
    np.testing.assert_array_equal(w.numpy(), net.fc1.weight.detach().numpy())
    assert sd["steps"].item() == 1
    snapshot = copy.deepcopy(net.state_dict())
    with compat.no_grad():
        net.fc1.weight.mul_(0)
    assert snapshot["fc1.weight"].abs().sum().item() > 0 and w.abs().sum().item() == 0


def test_state_dict_keep_vars_prefix_destination_and_metadata():
    net = Net()
    sd = net.state_dict(keep_vars=True)
    assert sd["fc1.weight"] is net.fc1.weight and sd["steps"] is net.steps
    sd = net.state_dict(prefix="model.")
    assert list(sd)[:3] == ["model.scale", "model.steps", "model.fc1.weight"]
    assert list(sd._metadata)[:3] == ["model", "model.fc1", "model.act"]
    assert net.state_dict()._metadata[""] == {"version": 1}
    dest = {}
    assert net.block.state_dict(destination=dest) is dest and list(dest) == ["0.weight", "0.bias"]


def test_load_state_dict_copies_into_the_same_tensors_with_a_dtype_cast():
    net = Net()
    weight = net.fc1.weight
    alias = net.state_dict()["fc1.weight"]
    sd = {
        k: v.double() + 1 if v.is_floating_point() else v + 1 for k, v in net.state_dict().items()
    }
    result = net.load_state_dict(sd)
    assert repr(result) == "<All keys matched successfully>" and str(result) == repr(result)
    assert result.missing_keys == [] and result.unexpected_keys == []
    assert net.fc1.weight is weight and weight.dtype == compat.float32  # identity, dtype kept
    assert weight.requires_grad and weight.is_leaf
    np.testing.assert_array_equal(weight.detach().numpy(), sd["fc1.weight"].float().numpy())
    np.testing.assert_array_equal(alias.numpy(), weight.detach().numpy())  # aliases see it
    assert net.steps.item() == 1 and "cache" not in sd


def test_load_state_dict_error_texts():
    model = LinearRegression()
    good = model.state_dict()
    sd = {"linear.weight": good["linear.weight"], "extra": compat.zeros(1), "extra2": 1}
    assert error_of(lambda: model.load_state_dict(sd)) == (
        "RuntimeError",
        "Error(s) in loading state_dict for LinearRegression:\n\tMissing key(s) in state_dict: "
        '"linear.bias". \n\tUnexpected key(s) in state_dict: "extra", "extra2". ',
    )
    mismatch = dict(good, **{"linear.weight": compat.zeros(2, 1)})
    size_error = (
        "RuntimeError",
        "Error(s) in loading state_dict for LinearRegression:\n\tsize mismatch for "
        "linear.weight: copying a param with shape torch.Size([2, 1]) from checkpoint, the "
        "shape in current model is torch.Size([1, 1]).",
    )
    assert error_of(lambda: model.load_state_dict(mismatch)) == size_error
    assert error_of(lambda: model.load_state_dict(mismatch, strict=False)) == size_error
    listed = dict(good, **{"linear.weight": [[1.0]]})
    assert error_of(lambda: model.load_state_dict(listed)) == (
        "RuntimeError",
        "Error(s) in loading state_dict for LinearRegression:\n\tWhile copying the parameter "
        'named "linear.weight", expected torch.Tensor or Tensor-like object from checkpoint '
        "but received <class 'list'>",
    )


def test_load_state_dict_non_strict_reports_the_keys():
    model = LinearRegression()
    bias = model.linear.bias
    sd = {"linear.bias": compat.tensor([7.0]), "x.y": compat.zeros(1), "q": compat.zeros(1),
          "linear.z": compat.zeros(1)}  # fmt: skip
    result = model.load_state_dict(sd, strict=False)
    assert result.missing_keys == ["linear.weight"]
    assert result.unexpected_keys == ["x.y", "q", "linear.z"]
    assert repr(result) == (
        "_IncompatibleKeys(missing_keys=['linear.weight'], unexpected_keys=['x.y', 'q', "
        "'linear.z'])"
    )
    assert model.linear.bias is bias and bias.tolist() == [7.0]


def test_load_state_dict_accepts_numpy_and_zero_dim_from_one():
    model = LinearRegression()
    model.load_state_dict({"linear.weight": np.array([[3.0]]), "linear.bias": np.array([2.0])})
    assert model.linear.weight.tolist() == [[3.0]] and model.linear.weight.dtype == compat.float32
    m = nn.Module()
    m.register_buffer("n", compat.tensor(0))
    m.load_state_dict({"n": compat.tensor([5])})  # PyTorch 0.3 checkpoints stored 0-d as (1,)
    assert m.n.item() == 5 and m.n.shape == ()


def test_load_state_dict_assign_puts_the_given_tensors_in():
    model = LinearRegression()
    old = model.linear.weight
    new = compat.tensor([[4.0]], dtype=compat.float64)
    model.load_state_dict({"linear.weight": new, "linear.bias": compat.zeros(1)}, assign=True)
    w = model.linear.weight
    assert w is not old and isinstance(w, nn.Parameter) and w.requires_grad
    assert w.dtype == compat.float64 and w.tolist() == [[4.0]]


def test_state_dict_round_trip_between_models():
    a, b = Net(), Net()
    with compat.no_grad():
        for p in a.parameters():
            p.add_(compat.randn(p.shape))
    b.load_state_dict(a.state_dict())
    x = compat.randn(3, 4)
    np.testing.assert_array_equal(a(x).detach().numpy(), b(x).detach().numpy())


def load_report(torch):
    """Results of load_state_dict calls (good and bad) on a small model."""
    lin_cls, _, _, _, lr_cls = make_classes(torch)
    model = lr_cls()
    out = []
    for sd, strict in [
        ({"linear.weight": torch.ones(1, 1)}, False),
        ({"linear.weight": torch.ones(1, 1), "linear.bias": torch.ones(1), "a.b.c": 1}, False),
        ({"linear.weight": torch.ones(1, 1), "extra": torch.ones(1)}, True),
        ({"linear.weight": torch.ones(3), "linear.bias": torch.ones(1)}, True),
        ({"linear.weight": torch.ones(1, 1, dtype=torch.float64), "linear.bias": torch.ones(1)},
         True),
    ]:  # fmt: skip
        try:
            out.append(repr(model.load_state_dict(sd, strict=strict)))
        except RuntimeError as err:
            out.append(str(err))
    return out


def test_load_state_dict_matches_live_torch():
    torch = pytest.importorskip("torch")
    assert load_report(compat) == load_report(torch)


# --- modes, grads, conversions --------------------------------------------------------------


def test_train_eval_recursive_and_return_self():
    net = Net()
    assert net.training and all(m.training for m in net.modules())
    assert net.eval() is net
    assert not any(m.training for m in net.modules())
    assert net.train() is net and all(m.training for m in net.modules())
    assert net.train(False) is net and not net.block[1].training


def test_train_calls_the_childrens_overrides():
    class FrozenBN(nn.Module):
        def train(self, mode=True):
            return super().train(False)

    m = nn.Sequential(FrozenBN(), Act())
    m.train()
    assert m.training and not m[0].training and m[1].training


def test_zero_grad():
    net = Net()
    net(compat.randn(2, 4)).sum().backward()
    assert net.fc1.weight.grad is not None
    net.zero_grad(set_to_none=False)
    assert net.fc1.weight.grad.abs().sum().item() == 0 and net.fc1.weight.grad.shape == (8, 4)
    net.zero_grad()  # default since 2.0: set to None
    assert all(p.grad is None for p in net.parameters())


def test_grads_accumulate_until_zero_grad():
    lin = Lin(3, 1)
    x = compat.tensor([[1.0, 2.0, 3.0]])
    lin(x).sum().backward()
    lin(x).sum().backward()
    assert lin.weight.grad.tolist() == [[2.0, 4.0, 6.0]]
    lin.zero_grad()
    lin(x).sum().backward()
    assert lin.weight.grad.tolist() == [[1.0, 2.0, 3.0]]


def test_requires_grad_freezes():
    net = Net()
    assert net.requires_grad_(False) is net
    assert not any(p.requires_grad for p in net.parameters())
    out = net(compat.randn(1, 4))
    assert not out.requires_grad
    net.requires_grad_()
    assert all(p.requires_grad for p in net.parameters())


def test_apply_is_post_order_and_returns_self():
    net = Net()
    seen = []
    assert net.apply(lambda m: seen.append(m)) is net
    expected = [net.fc1, net.act, net.block[0], net.block[1], net.block, net.ml[0], net.ml[1],
                net.ml, net.md["b"], net.md["a"], net.md, net]  # fmt: skip
    assert len(seen) == len(expected) and all(a is b for a, b in zip(seen, expected))

    def init_lin(m):
        if isinstance(m, Lin):
            nn.init.zeros_(m.weight)

    net.apply(init_lin)
    assert all(p.abs().sum().item() == 0 for n, p in net.named_parameters() if "weight" in n)


F64, I64 = compat.float64, compat.int64


@pytest.mark.parametrize(
    ("convert", "dtype", "int_buffer"),
    [
        (lambda m: m.double(), F64, I64),
        (lambda m: m.to(compat.float64), F64, I64),
        (lambda m: m.to(dtype=compat.float64), F64, I64),
        (lambda m: m.to("cpu", compat.float64), F64, I64),
        (lambda m: m.to(compat.zeros(1, dtype=compat.float64)), F64, I64),
        (lambda m: m.half(), compat.float16, I64),
        (lambda m: m.type(compat.float64), F64, F64),  # type() converts every tensor
    ],
)
def test_dtype_conversion_in_place(convert, dtype, int_buffer):
    net = Net()
    net(compat.randn(2, 4)).sum().backward()
    weight, grad = net.fc1.weight, net.fc1.weight.grad
    assert convert(net) is net
    assert net.fc1.weight is weight and weight.dtype == dtype and weight.requires_grad
    assert weight.grad is grad and grad.dtype == dtype
    assert net.cache.dtype == dtype and net.steps.dtype == int_buffer
    assert net.float() is net and weight.dtype == compat.float32


def test_converted_model_trains():
    lin = Lin(2, 1).double()
    out = lin(compat.ones(1, 2, dtype=compat.float64))
    assert out.dtype == compat.float64
    out.sum().backward()
    assert lin.weight.grad.dtype == compat.float64


def test_device_moves():
    net = Net()
    assert net.to("cpu") is net and net.cpu() is net and net.to(compat.device("cpu")) is net
    assert error_of(lambda: net.to("cuda")) == (
        "AssertionError",
        "Torch not compiled with CUDA enabled",
    )
    assert nn.Module().cuda() is not None  # no tensors: nothing to move


def test_call_runs_forward_and_hooks():
    lin = Lin(1, 1)
    calls = []

    def pre(module, args):
        calls.append("pre")
        return (args[0] * 2,)

    def post(module, args, out):
        calls.append("post")
        return out + 100

    h1 = lin.register_forward_pre_hook(pre)
    h2 = lin.register_forward_hook(post)
    # weight [[0]], bias [1]
    assert lin(compat.ones(1, 1)).tolist() == [[101.0]] and calls == ["pre", "post"]
    h1.remove()
    h2.remove()
    assert lin(compat.ones(1, 1)).tolist() == [[1.0]]


def test_missing_forward():
    cases = [(nn.Module(), "Module"), (nn.ModuleList(), "ModuleList"), (Net().md, "ModuleDict")]
    for module, name in cases:
        assert error_of(lambda m=module: m(compat.zeros(1))) == (
            "NotImplementedError",
            f'Module [{name}] is missing the required "forward" function',
        )


def test_dir_lists_members_without_numbered_children():
    keys = dir(Net())
    for name in ["fc1", "scale", "steps", "forward", "training", "plain"]:
        assert name in keys
    seq = nn.Sequential(Act(), Act())
    assert not any(k[0].isdigit() for k in dir(seq))


def test_deepcopy_and_pickle_give_independent_models():
    s = Shared()
    for clone in [copy.deepcopy(s), pickle.loads(pickle.dumps(s))]:
        assert clone.a.weight is not s.a.weight and clone.b is clone.a and clone.q is clone.p
        assert isinstance(clone.p, nn.Parameter) and clone.p.requires_grad
        with compat.no_grad():
            clone.a.weight.add_(1)
        assert not compat.equal(clone.a.weight, s.a.weight)
        assert names(clone.named_parameters()) == names(s.named_parameters())


# --- repr -----------------------------------------------------------------------------------

SPEC_REPR = """Net(
  (fc1): Lin(in_features=4, out_features=8, bias=True)
  (act): Act()
  (block): Sequential(
    (0): Lin(in_features=8, out_features=8, bias=True)
    (1): Act()
  )
  (ml): ModuleList(
    (0-1): 2 x Lin(in_features=2, out_features=2, bias=True)
  )
  (md): ModuleDict(
    (b): Lin(in_features=1, out_features=1, bias=True)
    (a): Lin(in_features=1, out_features=2, bias=False)
  )
)"""


def test_repr():
    assert repr(Net()) == SPEC_REPR
    ml = nn.ModuleList([Act(), Act(), Lin(1, 1), Act(), Act(), Act()])
    assert repr(ml) == (
        "ModuleList(\n  (0-1): 2 x Act()\n  (2): Lin(in_features=1, out_features=1, bias=True)"
        "\n  (3-5): 3 x Act()\n)"
    )
    nested = nn.ModuleList([nn.Sequential(Act()), nn.Sequential(Act())])
    assert repr(nested) == "ModuleList(\n  (0-1): 2 x Sequential(\n    (0): Act()\n  )\n)"
    assert repr(nn.ModuleList()) == "ModuleList()" and repr(nn.Sequential()) == "Sequential()"
    seq = nn.Sequential(Act())
    seq.add_module("gone", None)
    assert repr(seq) == "Sequential(\n  (0): Act()\n  (gone): None\n)"

    class Multi(nn.Module):
        def __init__(self):
            super().__init__()
            self.inner = Act()

        def extra_repr(self):
            return "a=1\nb=2"

    assert repr(Multi()) == "Multi(\n  a=1\n  b=2\n  (inner): Act()\n)"


# --- Parameter and Buffer -------------------------------------------------------------------


def test_parameter_basics():
    data = compat.tensor([-0.5346])
    p = nn.Parameter(data)
    assert repr(p) == "Parameter containing:\ntensor([-0.5346], requires_grad=True)"
    assert isinstance(p, compat.Tensor) and p.is_leaf and p.requires_grad and p.grad_fn is None
    assert type(p * 2) is compat.Tensor and type(p.detach()) is compat.Tensor
    with compat.no_grad():
        data.add_(1.0)  # Parameter(t) shares t's data
    assert p.tolist() == pytest.approx([0.4654])
    q = nn.Parameter(compat.ones(2, requires_grad=True) * 2)  # a non-leaf becomes a leaf
    assert q.is_leaf and q.requires_grad and q.tolist() == [2.0, 2.0]
    frozen = nn.Parameter(compat.ones(1), requires_grad=False)
    assert repr(frozen) == "Parameter containing:\ntensor([1.])"
    empty = nn.Parameter()
    assert empty.shape == (0,) and empty.dtype == compat.float32 and empty.requires_grad
    assert error_of(lambda: nn.Parameter(compat.tensor([1, 2]))) == (
        "RuntimeError",
        "Only Tensors of floating point and complex dtype can require gradients",
    )
    ints = nn.Parameter(compat.tensor([1, 2]), requires_grad=False)
    assert ints.dtype == compat.int64 and not ints.requires_grad


def test_parameter_deepcopy_and_pickle():
    p = nn.Parameter(compat.ones(2))
    p.grad = compat.ones(2)
    for c in [copy.deepcopy(p), pickle.loads(pickle.dumps(p))]:
        assert type(c) is nn.Parameter and c.requires_grad and c is not p
        with compat.no_grad():
            c.mul_(3)
        assert p.tolist() == [1.0, 1.0]
    assert copy.deepcopy(p).grad.tolist() == [1.0, 1.0]


def test_buffer_marker():
    m = nn.Module()
    m.mean = nn.Buffer(compat.zeros(2))
    m.tmp = nn.Buffer(compat.ones(1), persistent=False)
    assert names(m.named_buffers()) == ["mean", "tmp"] and list(m.state_dict()) == ["mean"]
    assert isinstance(m.mean, nn.Buffer) and not isinstance(compat.zeros(1), nn.Buffer)
    assert type(m.mean) is compat.Tensor
    m.mean = compat.ones(2)
    assert list(m.state_dict()) == ["mean"] and m.mean.tolist() == [1.0, 1.0]


# --- containers -----------------------------------------------------------------------------


def test_sequential():
    a, b, c = Lin(1, 2), Act(), Lin(2, 1)
    seq = nn.Sequential(a, b, c)
    assert len(seq) == 3 and seq[0] is a and seq[-1] is c and list(seq) == [a, b, c]
    sub = seq[1:]
    assert type(sub) is nn.Sequential and list(sub) == [b, c] and list(sub._modules) == ["1", "2"]
    # a: [0, 1] x + 1 = [1, 2]; b: clamp; c: [0, 1] . [1, 2] + 1 = 3
    assert seq(compat.ones(1, 1)).tolist() == [[3.0]]
    named = nn.Sequential(OrderedDict([("fc", a), ("act", b)]))
    assert list(named.state_dict()) == ["fc.weight", "fc.bias"] and named.fc is a
    assert seq.append(Act()) is seq and len(seq) == 4
    assert seq.pop(-1) is not None and len(seq) == 3
    seq.insert(0, Act())
    seq.insert(-1, Act())
    assert list(seq._modules) == ["0", "1", "2", "3", "4"] and seq[4] is c and seq[1] is a
    seq[1] = Lin(3, 3)
    assert seq[1].in_features == 3 and list(seq._modules) == ["0", "1", "2", "3", "4"]
    del seq[0]
    assert list(seq._modules) == ["0", "1", "2", "3"] and seq[-1] is c
    del seq[1:3]
    assert len(seq) == 2 and seq[1] is c
    both = seq + nn.Sequential(Act())
    assert type(both) is nn.Sequential and len(both) == 3 and len(seq) == 2
    seq += nn.Sequential(Act())
    assert len(seq) == 3
    assert len(seq.extend([Act(), Act()])) == 5
    assert len(nn.Sequential(Act()) * 3) == 3
    errors = [
        (lambda: seq[7], ("IndexError", "index 7 is out of range")),
        (lambda: seq + 3, ("ValueError", "add operator supports only objects of Sequential "
                           "class, but <class 'int'> is given.")),
        (lambda: seq.insert(9, Act()), ("IndexError", "Index out of range: 9")),
        (lambda: seq.append(3), ("TypeError", "int is not a Module subclass")),
    ]  # fmt: skip
    for fn, expected in errors:
        assert error_of(fn) == expected
    kind, message = error_of(lambda: seq.insert(0, 3))
    assert kind == "AssertionError" and message.startswith("module should be of type: <class")


def test_module_list():
    mods = [Lin(1, 1), Act(), Lin(2, 2)]
    ml = nn.ModuleList(mods)
    assert len(ml) == 3 and list(ml) == mods and ml[-1] is mods[2]
    assert type(ml[1:]) is nn.ModuleList and list(ml[1:]) == mods[1:]
    ml.append(Act())
    ml += [Act()]
    ml.extend([Lin(3, 3)])
    assert len(ml) == 6 and names(ml.named_parameters())[-2:] == ["5.weight", "5.bias"]
    ml.insert(1, Lin(9, 9))
    assert ml[1].in_features == 9 and ml[2] is mods[1] and len(ml) == 7
    ml[0] = Act()
    del ml[0]
    assert ml[0].in_features == 9 and list(ml._modules) == [str(i) for i in range(6)]
    del ml[1:3]
    assert len(ml) == 4 and list(ml._modules) == ["0", "1", "2", "3"]
    assert ml.pop(0).in_features == 9 and len(ml) == 3
    combined = ml + [Act()]
    assert type(combined) is nn.ModuleList and len(combined) == 4 and len(ml) == 3
    assert error_of(lambda: ml[3]) == ("IndexError", "index 3 is out of range")
    assert error_of(lambda: ml.extend(3)) == (
        "TypeError",
        "ModuleList.extend should be called with an iterable, but got int",
    )
    assert error_of(lambda: ml.append(3)) == ("TypeError", "int is not a Module subclass")
    # registered: the parent sees the parameters
    holder = nn.Module()
    holder.layers = nn.ModuleList([Lin(1, 1), Lin(1, 1)])
    assert names(holder.named_parameters()) == ["layers.0.weight", "layers.0.bias",
                                                "layers.1.weight", "layers.1.bias"]  # fmt: skip


def test_module_dict():
    md = nn.ModuleDict({"b": Lin(1, 1), "a": Act()})
    assert list(md) == ["b", "a"] and list(md.keys()) == ["b", "a"] and len(md) == 2
    md["c"] = Lin(2, 2)
    assert "c" in md and md["c"].in_features == 2 and [k for k, _ in md.items()][-1] == "c"
    assert isinstance(md.pop("a"), Act) and list(md) == ["b", "c"]
    md.update([("z", Act())])
    md.update(nn.ModuleDict({"y": Act()}))
    assert list(md) == ["b", "c", "z", "y"] and len(list(md.values())) == 4
    del md["z"]
    assert names(md.named_parameters()) == ["b.weight", "b.bias", "c.weight", "c.bias"]
    md.clear()
    assert len(md) == 0
    errors = [
        (lambda: md.update(3), ("TypeError", "ModuleDict.update should be called with an "
                                "iterable of key/value pairs, but got int")),
        (lambda: md.update([3]), ("TypeError", "ModuleDict update sequence element #0 should "
                                  "be Iterable; isint")),
        (lambda: md.update([(1, 2, 3)]), ("ValueError", "ModuleDict update sequence element "
                                          "#0 has length 3; 2 is required")),
        (lambda: md["x"], ("KeyError", "x")),
    ]  # fmt: skip
    for fn, expected in errors:
        assert error_of(fn) == expected


def test_parameter_list_and_dict():
    pl = nn.ParameterList([nn.Parameter(compat.zeros(2, 3)), compat.zeros(3)])
    assert (
        type(pl[1]) is nn.Parameter
        and len(pl) == 2
        and names(pl.named_parameters())
        == [
            "0",
            "1",
        ]
    )
    pl.append(compat.zeros(1, dtype=compat.float64))
    assert repr(pl) == (
        "ParameterList(\n"
        "    (0): Parameter containing: [torch.float32 of size 2x3]\n"
        "    (1): Parameter containing: [torch.float32 of size 3]\n"
        "    (2): Parameter containing: [torch.float64 of size 1]\n"
        ")"
    )
    assert len(pl[1:]) == 2 and pl[-1].dtype == compat.float64
    pd = nn.ParameterDict({"b": nn.Parameter(compat.zeros(2, 3)), "a": compat.zeros(1)})
    assert list(pd) == ["a", "b"] and type(pd["a"]) is nn.Parameter  # a plain dict is sorted
    assert repr(pd) == (
        "ParameterDict(\n"
        "    (a): Parameter containing: [torch.FloatTensor of size 1]\n"
        "    (b): Parameter containing: [torch.FloatTensor of size 2x3]\n"
        ")"
    )
    assert repr(nn.ParameterDict({"b": compat.zeros(2)})) == (
        "ParameterDict(  (b): Parameter containing: [torch.FloatTensor of size 2])"
    )
    holder = nn.Module()
    holder.pl, holder.pd = pl, pd
    assert names(holder.named_parameters()) == ["pl.0", "pl.1", "pl.2", "pd.a", "pd.b"]
    assert error_of(lambda: pl(1)) == ("RuntimeError", "ParameterList should not be called.")


def container_report(torch):
    """Reprs and names after a series of container edits."""
    lin_cls, act_cls, _, _, _ = make_classes(torch)
    tnn = torch.nn
    seq = tnn.Sequential(lin_cls(1, 1), lin_cls(1, 2), lin_cls(2, 2))
    out = [repr(seq[-1]), repr(seq[0:2]), repr(seq[::2])]
    del seq[0]
    seq.insert(0, lin_cls(3, 3))
    seq.insert(-1, lin_cls(4, 4))
    seq[1] = lin_cls(5, 5)
    out += [repr(seq), repr(seq.pop(1)), repr(seq + tnn.Sequential(act_cls()))]
    ml = tnn.ModuleList([lin_cls(1, 1), lin_cls(1, 1), act_cls(), act_cls()])
    ml += [lin_cls(3, 3)]
    ml.insert(1, lin_cls(1, 1))
    out.append(repr(ml))
    del ml[0]
    del ml[1:3]
    out += [repr(ml), repr(ml + ml), repr(ml.pop(0)), repr(ml)]
    md = tnn.ModuleDict({"b": lin_cls(1, 1), "a": act_cls()})
    md["c"] = lin_cls(3, 3)
    md.update([("z", act_cls())])
    out += [repr(md), str(names(md.named_parameters()))]
    pl = tnn.ParameterList([torch.zeros(2), tnn.Parameter(torch.zeros(1, 2))])
    pd = tnn.ParameterDict({"y": torch.zeros(2), "x": torch.zeros(1, dtype=torch.float64)})
    out += [repr(pl), repr(pd), repr(pl[1:])]
    return out


def test_containers_match_live_torch():
    torch = pytest.importorskip("torch")
    assert container_report(compat) == container_report(torch)


# --- nn.utils -------------------------------------------------------------------------------


def params_with_grads(*grads, dtype=compat.float32):
    out = []
    for g in grads:
        p = nn.Parameter(compat.zeros(len(g), dtype=dtype))
        p.grad = compat.tensor(g, dtype=dtype)
        out.append(p)
    return out


def test_clip_grad_norm_scales_by_the_total_norm():
    ps = params_with_grads([3.0, 0.0], [4.0])
    total = nn.utils.clip_grad_norm_(ps, max_norm=1.0)
    assert total.shape == () and total.item() == 5.0 and total.dtype == compat.float32
    scale = np.float32(1.0) / (np.float32(5.0) + np.float32(1e-6))
    np.testing.assert_array_equal(ps[0].grad.numpy(), np.array([3, 0], np.float32) * scale)
    np.testing.assert_array_equal(ps[1].grad.numpy(), np.array([4], np.float32) * scale)


def test_clip_grad_norm_leaves_small_grads_and_takes_generators_and_tensors():
    ps = params_with_grads([0.3], [0.4])
    assert nn.utils.clip_grad_norm_(iter(ps), 1.0).item() == pytest.approx(0.5)
    assert ps[0].grad.tolist() == pytest.approx([0.3]) and ps[1].grad.tolist() == pytest.approx(
        [0.4]
    )
    single = params_with_grads([6.0, 8.0])[0]
    assert nn.utils.clip_grad_norm_(single, 5.0).item() == 10.0
    assert single.grad.tolist() == pytest.approx([3.0, 4.0])


@pytest.mark.parametrize(
    ("norm_type", "expected"),
    [
        (float("inf"), 4.0),
        (1, 9.0),
        (3.0, (27 + 64 + 8) ** (1 / 3)),
        (0, 2.0),  # the 0-"norm" of the per-tensor counts [2, 1]: two nonzero
        (-float("inf"), 2.0),
    ],
)
def test_clip_grad_norm_other_norms(norm_type, expected):
    ps = params_with_grads([3.0, -4.0], [2.0])
    total = nn.utils.clip_grad_norm_(ps, 100.0, norm_type=norm_type)
    assert total.item() == pytest.approx(expected, rel=1e-6)


def test_clip_grad_norm_edge_cases():
    no_grads = [nn.Parameter(compat.zeros(2))]
    assert nn.utils.clip_grad_norm_(no_grads, 1.0).item() == 0.0
    with pytest.warns(UserWarning, match="`parameters` is an empty generator"):
        nn.utils.clip_grad_norm_((p for p in []), 1.0)
    ps = params_with_grads([float("inf"), 1.0])
    with pytest.raises(RuntimeError) as err:
        nn.utils.clip_grad_norm_(ps, 1.0, error_if_nonfinite=True)
    assert str(err.value) == (
        "The total norm of order 2.0 for gradients from `parameters` is non-finite, so it "
        "cannot be clipped. To disable this error and scale the gradients by the non-finite "
        "norm anyway, set `error_if_nonfinite=False`"
    )
    mixed = params_with_grads([3.0]) + params_with_grads([4.0], dtype=compat.float64)
    assert nn.utils.clip_grad_norm_(mixed, 1.0).dtype == compat.float64


def test_clip_grad_value_and_vector_conversion():
    ps = params_with_grads([3.0, -0.5], [-2.0])
    assert nn.utils.clip_grad_value_(ps, 1.0) is None
    assert ps[0].grad.tolist() == [1.0, -0.5] and ps[1].grad.tolist() == [-1.0]
    a = nn.Parameter(compat.ones(2, 2, requires_grad=True))
    b = nn.Parameter(compat.zeros(3))
    vec = nn.utils.parameters_to_vector([a, b])
    assert vec.tolist() == [1.0] * 4 + [0.0] * 3 and vec.requires_grad
    nn.utils.vector_to_parameters(compat.arange(7.0), [a, b])
    assert a.tolist() == [[0.0, 1.0], [2.0, 3.0]] and b.tolist() == [4.0, 5.0, 6.0]
    assert a.requires_grad and a.is_leaf
    assert error_of(lambda: nn.utils.vector_to_parameters([1.0], [a])) == (
        "TypeError",
        "expected torch.Tensor, but got: list",
    )


def clip_report(torch):
    rng = np.random.default_rng(0)
    out = []
    for norm_type, max_norm in [(2.0, 0.5), (float("inf"), 0.1), (1.0, 100.0), (3.0, 1.0)]:
        ps = []
        for shape in [(5, 3), (7,)]:
            p = torch.nn.Parameter(torch.zeros(*shape))
            p.grad = torch.tensor(rng.standard_normal(shape).astype(np.float32))
            ps.append(p)
        total = torch.nn.utils.clip_grad_norm_(ps, max_norm, norm_type)
        out.append((total.item(), [p.grad.numpy().copy() for p in ps]))
    return out


def test_clip_grad_norm_matches_live_torch():
    torch = pytest.importorskip("torch")
    for (ours, our_grads), (theirs, their_grads) in zip(clip_report(compat), clip_report(torch)):
        assert ours == pytest.approx(theirs, rel=1e-6)
        for a, b in zip(our_grads, their_grads):
            np.testing.assert_allclose(a, b, rtol=1e-6)


# --- with compat's layer library --------------------------------------------------------------

SPEC_LAYER_REPR = """Net(
  (fc1): Linear(in_features=4, out_features=8, bias=True)
  (act): ReLU()
  (block): Sequential(
    (0): Linear(in_features=8, out_features=8, bias=True)
    (1): ReLU()
  )
  (ml): ModuleList(
    (0-1): 2 x Linear(in_features=2, out_features=2, bias=True)
  )
)"""


def layer_net(torch):
    tnn = torch.nn

    class Net(tnn.Module):
        def __init__(self):
            super().__init__()
            self.fc1 = tnn.Linear(4, 8)
            self.act = tnn.ReLU()
            self.block = tnn.Sequential(tnn.Linear(8, 8), tnn.ReLU())
            self.ml = tnn.ModuleList([tnn.Linear(2, 2), tnn.Linear(2, 2)])
            self.bn = tnn.BatchNorm1d(8)

        def forward(self, x):
            return self.block(self.bn(self.act(self.fc1(x))))

    return Net()


def test_model_of_library_layers():
    compat.manual_seed(0)
    net = layer_net(compat)
    bn_line = f"  (bn): {net.bn!r}\n"
    assert bn_line in repr(net)
    assert repr(net).replace(bn_line, "") == SPEC_LAYER_REPR
    sd = net.state_dict()
    assert list(sd)[-5:] == ["bn.weight", "bn.bias", "bn.running_mean", "bn.running_var",
                             "bn.num_batches_tracked"]  # fmt: skip
    steps = sd["bn.num_batches_tracked"]
    assert steps.dtype == compat.int64 and steps.ndim == 0
    net(compat.randn(5, 4))
    assert steps.item() == 1  # the state dict aliases the buffer
    fresh = layer_net(compat)
    assert repr(fresh.load_state_dict(net.state_dict())) == "<All keys matched successfully>"
    x = compat.randn(3, 4)
    with compat.no_grad():
        np.testing.assert_array_equal(net.eval()(x).numpy(), fresh.eval()(x).numpy())


def test_model_of_library_layers_matches_live_torch():
    torch = pytest.importorskip("torch")
    reports = []
    for lib in (compat, torch):
        lib.manual_seed(0)
        net = layer_net(lib)
        sd = net.state_dict()
        reports.append(
            (
                repr(net),
                names(net.named_parameters()),
                names(net.named_buffers()),
                names(net.named_modules()),
                [(k, str(v.dtype), list(v.shape)) for k, v in sd.items()],
                [np.array(v.tolist()) for v in sd.values()],  # default init after manual_seed
            )
        )
    ours, theirs = reports
    assert ours[:5] == theirs[:5]
    for a, b in zip(ours[5], theirs[5]):
        np.testing.assert_array_equal(a, b)

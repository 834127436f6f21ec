"""compat's autograd against PyTorch 2.13 (COMPAT_SPEC sections 0 and 1.3-1.7).

As in test_compat_tensor.py, each test runs on compat and on torch (when installed), with
PyTorch's numbers and error texts written out, so the torch run shows they are PyTorch's.
"""

import inspect
import warnings

import numpy as np
import pytest
from test_compat_tensor import check, library, raises

import compat


@pytest.fixture(params=["compat", "torch"])
def T(request):  # noqa: N802 (the module stands for ``torch``)
    """The module under test (see test_compat_tensor.py)."""
    return library(request.param)


FREED = (
    "Trying to backward through the graph a second time (or directly access saved tensors "
    "after they have already been freed). Saved intermediate values of the graph are freed "
    "when you call .backward() or autograd.grad(). Specify retain_graph=True if you need to "
    "backward through the graph a second time or if you need to access saved tensors after "
    "calling backward."
)
NO_GRAD_FN = "element 0 of tensors does not require grad and does not have a grad_fn"
SCALAR_ONLY = "grad can be implicitly created only for scalar outputs"
NON_LEAF_GRAD = (
    "The .grad attribute of a Tensor that is not a leaf Tensor is being accessed. Its .grad "
    "attribute won't be populated during autograd.backward(). If you indeed want the .grad "
    "field to be populated for a non-leaf Tensor, use .retain_grad() on the non-leaf Tensor. "
    "If you access the non-leaf Tensor by mistake, make sure you access the leaf Tensor "
    "instead. See github.com/pytorch/pytorch/pull/30531 for more information."
)
MODIFIED = (
    "one of the variables needed for gradient computation has been modified by an inplace "
    "operation: "
)


def name(t):
    """The class name of ``t.grad_fn`` (None for leaves)."""
    return None if t.grad_fn is None else type(t.grad_fn).__name__


# --- backward -------------------------------------------------------------------------------


def test_backward_fills_leaf_grads(T):
    x = T.tensor([1.0, 2.0, 3.0], requires_grad=True)
    w = T.tensor(2.0, requires_grad=True)
    c = T.tensor([1.0, 1.0, 1.0])  # does not require grad
    assert x.grad is None
    y = (w * x * x + c).sum()
    assert y.backward() is None
    check(x.grad, [4.0, 8.0, 12.0], "float32")
    check(w.grad, 14.0, "float32")
    assert c.grad is None and x.grad.grad_fn is None and not x.grad.requires_grad


def test_backward_signature(T):
    params = list(inspect.signature(T.Tensor.backward).parameters)
    assert params == ["self", "gradient", "retain_graph", "create_graph", "inputs"]
    params = list(inspect.signature(T.autograd.grad).parameters)
    assert params[:7] == [
        "outputs",
        "inputs",
        "grad_outputs",
        "retain_graph",
        "create_graph",
        "only_inputs",
        "allow_unused",
    ]


def test_backward_of_a_zero_d_leaf(T):
    x = T.tensor(3.0, requires_grad=True)
    x.backward()
    check(x.grad, 1.0, "float32")


def test_backward_with_gradient(T):
    x = T.tensor([1.0, 2.0, 3.0], requires_grad=True)
    (x * x).backward(T.tensor([1.0, 0.5, 2.0]))
    check(x.grad, [2.0, 2.0, 12.0], "float32")
    y = T.tensor([1.0, 2.0], requires_grad=True)
    (y * 3).backward(gradient=T.ones(2))
    check(y.grad, [3.0, 3.0], "float32")
    z = T.tensor([1.0, 2.0], requires_grad=True)
    z.sum().backward(gradient=T.tensor(2.0))
    check(z.grad, [2.0, 2.0], "float32")


def test_backward_errors(T):
    x = T.tensor([1.0, 2.0, 3.0], requires_grad=True)
    raises(RuntimeError, SCALAR_ONLY, lambda: (x * 2).backward())
    raises(
        RuntimeError,
        "Mismatch in shape: grad_output[0] has a shape of torch.Size([2]) and "
        "output[0] has a shape of torch.Size([3]).",
        lambda: (x * 2).backward(T.ones(2)),
    )
    raises(RuntimeError, NO_GRAD_FN, lambda: (T.ones(2) * 2).sum().backward())
    with T.no_grad():
        y = (x * 2).sum()
    raises(RuntimeError, NO_GRAD_FN, y.backward)
    raises(RuntimeError, SCALAR_ONLY, lambda: T.autograd.grad(x * 2, x))


def test_backward_twice(T):
    x = T.tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = (x * x).sum()
    y.backward()
    raises(RuntimeError, FREED, y.backward)
    z = x.exp().sum()
    T.autograd.grad(z, x)
    raises(RuntimeError, FREED, z.backward)  # autograd.grad frees the graph too
    check(x.grad, [2.0, 4.0, 6.0], "float32")


def test_backward_twice_through_a_graph_without_saved_tensors(T):
    x = T.tensor([1.0, 2.0], requires_grad=True)
    y = (x + 2).sum()
    y.backward()
    y.backward()
    check(x.grad, [2.0, 2.0], "float32")


def test_retain_graph_and_accumulation(T):
    # COMPAT_SPEC 0: grad [3, 5, 7] after one backward, [9, 15, 21] after two more
    x = T.tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = (x * x + x).sum()
    y.backward(retain_graph=True)
    check(x.grad, [3.0, 5.0, 7.0], "float32")
    grad = x.grad
    y.backward(retain_graph=True)
    y.backward()
    check(x.grad, [9.0, 15.0, 21.0], "float32")
    assert x.grad is grad  # accumulated in place, as PyTorch does
    (x * 10).sum().backward()  # a new graph accumulates as well
    check(x.grad, [19.0, 25.0, 31.0], "float32")


def test_zeroing_grads(T):
    x = T.tensor([1.0, 2.0], requires_grad=True)
    (x * x).sum().backward()
    x.grad.zero_()
    (x * 3).sum().backward()
    check(x.grad, [3.0, 3.0], "float32")
    x.grad = None
    (x * 5).sum().backward()
    check(x.grad, [5.0, 5.0], "float32")


def test_backward_inputs(T):
    x = T.tensor([1.0, 2.0], requires_grad=True)
    z = T.tensor([3.0], requires_grad=True)
    (x * z).sum().backward(inputs=[z])
    assert x.grad is None
    check(z.grad, [3.0], "float32")
    (x * z).sum().backward(inputs=x)
    check(x.grad, [3.0, 3.0], "float32")


def test_autograd_backward(T):
    x = T.tensor([1.0, 2.0], requires_grad=True)
    T.autograd.backward((x * x).sum())
    check(x.grad, [2.0, 4.0], "float32")
    T.autograd.backward([x * x], [T.ones(2)])
    check(x.grad, [4.0, 8.0], "float32")


def test_backward_does_not_rerun_the_forward_pass(T):
    calls = []

    def model(x, w):
        calls.append(1)
        return ((x @ w).tanh() ** 2).mean()

    x = T.tensor([[1.0, 2.0], [3.0, 4.0]])
    w = T.tensor([[0.1], [0.2]], requires_grad=True)
    loss = model(x, w)
    assert len(calls) == 1
    loss.backward(retain_graph=True)
    T.autograd.grad(loss, w, create_graph=True)
    loss.backward()
    assert len(calls) == 1
    h = np.tanh(np.array([[0.5], [1.1]]))
    expected = 2 * (np.array([[1.0, 2.0], [3.0, 4.0]]).T @ (h * (1 - h**2) / 2))
    check(w.grad, 2 * expected, "float32")


def test_gradient_through_in_place_ops_on_non_leaves(T):
    x = T.tensor([1.0, 2.0], requires_grad=True)
    y = x * 2
    y.add_(1)
    y.mul_(3)
    y.sum().backward()
    check(x.grad, [6.0, 6.0], "float32")
    a = T.tensor([1.0, 2.0], requires_grad=True)
    b = a * 1
    b[0] = 5.0
    (b * b).sum().backward()
    check(a.grad, [0.0, 4.0], "float32")
    assert name(b) == "CopySlices"
    c = T.tensor([1.0, 2.0], requires_grad=True)
    z = T.zeros(3)
    z[1:] = c
    assert z.requires_grad and name(z) == "CopySlices" and not z.is_leaf
    (z * z).sum().backward()
    check(c.grad, [2.0, 4.0], "float32")


# --- create_graph and autograd.grad -----------------------------------------------------------


def test_autograd_grad_returns_a_tuple_and_leaves_grad_alone(T):
    x = T.tensor(2.0, requires_grad=True)
    r = T.autograd.grad(x**3, x)
    assert type(r) is tuple and len(r) == 1
    check(r[0], 12.0, "float32")
    assert x.grad is None and not r[0].requires_grad
    a, b = T.tensor([1.0, 2.0], requires_grad=True), T.tensor(3.0, requires_grad=True)
    ga, gb = T.autograd.grad((a * b).sum(), [a, b])
    check(ga, [3.0, 3.0], "float32")
    check(gb, 3.0, "float32")


def test_autograd_grad_frees_the_graph_unless_retained(T):
    x = T.tensor([2.0, 3.0], requires_grad=True)
    y = (x * x).sum()
    T.autograd.grad(y, x, retain_graph=True)
    (g,) = T.autograd.grad(y, x)
    check(g, [4.0, 6.0], "float32")
    raises(RuntimeError, FREED, lambda: T.autograd.grad(y, x))


def test_autograd_grad_outputs(T):
    x = T.tensor([2.0, 3.0], requires_grad=True)
    (g,) = T.autograd.grad(x * x, x, grad_outputs=T.tensor([1.0, 10.0]))
    check(g, [4.0, 60.0], "float32")
    (g,) = T.autograd.grad([x * 2], [x], [T.ones(2)])
    check(g, [2.0, 2.0], "float32")
    (g,) = T.autograd.grad([(x * 2).sum(), (x * 3).sum()], x)  # outputs' gradients add up
    check(g, [5.0, 5.0], "float32")
    raises(
        RuntimeError,
        "Mismatch in shape: grad_output[0] has a shape of torch.Size([3]) and "
        "output[0] has a shape of torch.Size([2]).",
        lambda: T.autograd.grad(x * 2, x, T.ones(3)),
    )


def test_autograd_grad_allow_unused(T):
    x = T.tensor(2.0, requires_grad=True)
    y = T.tensor(1.0, requires_grad=True)
    raises(
        RuntimeError,
        "The differentiated Tensor at index 1 appears to not have been used in "
        "the graph. Set allow_unused=True if this is the desired behavior.",
        lambda: T.autograd.grad(x * 2, [x, y]),
    )
    gx, gy = T.autograd.grad(x * 2, [x, y], allow_unused=True)
    check(gx, 2.0, "float32")
    assert gy is None
    gx, gy = T.autograd.grad(x * 2, [x, y], materialize_grads=True)
    check(gy, 0.0, "float32")
    raises(
        RuntimeError,
        "One of the differentiated Tensors does not require grad",
        lambda: T.autograd.grad(x * 2, [x, T.tensor(1.0)]),
    )


def test_create_graph_to_third_order(T):
    # COMPAT_SPEC 1.6: x = 2, d(x^3) = 12, d2 = 12; and d3 = 6
    x = T.tensor(2.0, requires_grad=True)
    (g,) = T.autograd.grad(x**3, x, create_graph=True)
    assert g.requires_grad and g.grad_fn is not None and not g.is_leaf
    check(g, 12.0, "float32")
    (h,) = T.autograd.grad(g, x, create_graph=True)
    check(h, 12.0, "float32")
    (k,) = T.autograd.grad(h, x)
    check(k, 6.0, "float32")
    assert not k.requires_grad


def test_higher_order_of_sin_and_of_products(T):
    x = T.tensor(1.5, dtype=T.float64, requires_grad=True)
    g = x.sin()
    got = []
    for _ in range(4):
        (g,) = T.autograd.grad(g, x, create_graph=True)
        got.append(g.item())
    np.testing.assert_allclose(
        got, [np.cos(1.5), -np.sin(1.5), -np.cos(1.5), np.sin(1.5)], rtol=1e-14
    )
    # the Hessian of f(a, b) = a^2 b^3, row by row
    ab = T.tensor([1.0, 2.0], dtype=T.float64, requires_grad=True)
    f = ab[0] ** 2 * ab[1] ** 3
    (grad,) = T.autograd.grad(f, ab, create_graph=True)
    check(grad, [16.0, 12.0], "float64")
    rows = [T.autograd.grad(grad[i], ab, retain_graph=True)[0] for i in range(2)]
    check(T.stack(rows), [[16.0, 24.0], [24.0, 12.0]], "float64")


def test_create_graph_through_backward(T):
    x = T.tensor([1.0, 2.0], requires_grad=True)
    w = T.tensor([3.0, 4.0], requires_grad=True)
    (gx,) = T.autograd.grad((x * w).sum(), x, create_graph=True)
    gx.sum().backward()  # d/dw of sum(w) is one; x is not used by gx
    check(w.grad, [1.0, 1.0], "float32")
    assert x.grad is None
    y = (x**3).sum()
    (g,) = T.autograd.grad(y, x, create_graph=True)
    (h,) = T.autograd.grad(g.sum(), x)
    check(h, [6.0, 12.0], "float32")
    (g2,) = T.autograd.grad((x * 2).sum(), x, create_graph=True)
    assert g2.grad_fn is None and not g2.requires_grad  # constant gradient: nothing to record
    raises(RuntimeError, NO_GRAD_FN, lambda: T.autograd.grad(g2.sum(), x))


def test_backward_create_graph(T):
    x = T.tensor(2.0, requires_grad=True)
    with warnings.catch_warnings():
        # PyTorch warns about a reference cycle once per process (tested on compat below)
        warnings.simplefilter("ignore", UserWarning)
        (x**3).backward(create_graph=True)
    g = x.grad
    check(g, 12.0, "float32")
    assert g.requires_grad
    (h,) = T.autograd.grad(g, x)
    check(h, 12.0, "float32")


def test_backward_create_graph_warns():
    # compat only: PyTorch warns once per process, so a second run of it would not warn
    x = compat.tensor(2.0, requires_grad=True)
    with pytest.warns(
        UserWarning,
        match="Using backward\\(\\) with create_graph=True will create a reference cycle",
    ):
        (x**3).backward(create_graph=True)


# --- leaves, grad_fn, retain_grad ----------------------------------------------------------------


def test_is_leaf(T):
    x = T.tensor([1.0, 2.0], requires_grad=True)
    assert x.is_leaf and x.grad_fn is None
    assert T.tensor([1.0]).is_leaf and (T.ones(1) * 2).is_leaf  # ops on constants: leaves
    y = x * 2
    assert not y.is_leaf and y.requires_grad
    assert x.detach().is_leaf and (x * 2).detach().is_leaf
    with T.no_grad():
        z = x * 2
    assert z.is_leaf and not z.requires_grad and z.grad_fn is None
    assert (T.ones(2) * x).requires_grad  # one input requiring grad is enough


GRAD_FN_NAMES = [
    # expression on x (a leaf of shape (2,)) and m (a leaf of shape (2, 2)), PyTorch's name
    ("x + 1", "AddBackward0"),
    ("x - 1", "SubBackward0"),
    ("1 - x", "RsubBackward1"),
    ("x * 2", "MulBackward0"),
    ("x / 2", "DivBackward0"),
    ("1 / x", "MulBackward0"),
    ("x ** 2", "PowBackward0"),
    ("x ** x", "PowBackward1"),
    ("2 ** x", "PowBackward2"),
    ("-x", "NegBackward0"),
    ("x.exp()", "ExpBackward0"),
    ("x.log()", "LogBackward0"),
    ("x.log1p()", "Log1PBackward0"),
    ("x.sqrt()", "SqrtBackward0"),
    ("x.sin()", "SinBackward0"),
    ("x.sum()", "SumBackward0"),
    ("x.sum(0)", "SumBackward1"),
    ("x.mean()", "MeanBackward0"),
    ("x.mean(0)", "MeanBackward1"),
    ("x.view(2, 1)", "ViewBackward0"),
    ("x.reshape(2, 1)", "ViewBackward0"),
    ("m.flatten()", "ViewBackward0"),
    ("x.t()", "TBackward0"),
    ("m.T", "PermuteBackward0"),
    ("m.mT", "TransposeBackward0"),
    ("m.transpose(0, 1)", "TransposeBackward0"),
    ("m.permute(1, 0)", "PermuteBackward0"),
    ("x.unsqueeze(0)", "UnsqueezeBackward0"),
    ("x[None]", "UnsqueezeBackward0"),
    ("x.unsqueeze(0).squeeze()", "SqueezeBackward0"),
    ("x.unsqueeze(0).squeeze(0)", "SqueezeBackward1"),
    ("x.expand(2, 2)", "ExpandBackward0"),
    ("x.repeat(2)", "RepeatBackward0"),
    ("x[0]", "SelectBackward0"),
    ("m[0, 1]", "SelectBackward0"),
    ("m[:, 0]", "SelectBackward0"),
    ("x[:1]", "SliceBackward0"),
    ("x[[0, 1]]", "IndexBackward0"),
    ("x[x > 1]", "IndexBackward0"),
    ("torch.cat([x, x])", "CatBackward0"),
    ("torch.stack([x, x])", "StackBackward0"),
    ("x.clone()", "CloneBackward0"),
    ("x.abs()", "AbsBackward0"),
    ("x.relu()", "ReluBackward0"),
    ("x.sigmoid()", "SigmoidBackward0"),
    ("x.tanh()", "TanhBackward0"),
    ("x.softmax(0)", "SoftmaxBackward0"),
    ("x.log_softmax(0)", "LogSoftmaxBackward0"),
    ("x.clamp(0, 1)", "ClampBackward1"),
    ("x.clamp(min=0)", "ClampBackward1"),
    ("x.clamp_min(0)", "ClampMinBackward0"),
    ("torch.where(x > 1, x, 0.)", "WhereBackward0"),
    ("x.max()", "MaxBackward1"),
    ("x.max(0)[0]", "MaxBackward0"),
    ("x.min()", "MinBackward1"),
    ("x.norm()", "LinalgVectorNormBackward0"),
    ("x.std()", "StdBackward0"),
    ("x.var()", "VarBackward0"),
    ("x.prod()", "ProdBackward0"),
    ("x @ x", "DotBackward0"),
    ("m @ x", "MvBackward0"),
    ("m @ m", "MmBackward0"),
    ("x @ m", "SqueezeBackward4"),
    ("torch.mm(m, m)", "MmBackward0"),
    ("torch.ones(3, 2, 2) @ m", "UnsafeViewBackward0"),
    ("torch.addmm(x, m, m)", "AddmmBackward0"),
    ("x.double()", "ToCopyBackward0"),
    ("x.sign()", "SignBackward0"),
    ("x.round()", "RoundBackward0"),
    ("x.floor()", "FloorBackward0"),
    ("x.lerp(x * 2, 0.5)", "LerpBackward0"),
    ("torch.outer(x, x)", "MulBackward0"),
    ("x.cumsum(0)", "CumsumBackward0"),
    ("x.logsumexp(0)", "LogsumexpBackward0"),
    ("x.maximum(x * 2)", "MaximumBackward0"),
    ("x.movedim(0, 0)", "PermuteBackward0"),
]


@pytest.mark.parametrize("expr, expected", GRAD_FN_NAMES, ids=[e for e, _ in GRAD_FN_NAMES])
def test_grad_fn_names(T, expr, expected):
    x = T.tensor([1.0, 2.0], requires_grad=True)
    m = T.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    y = eval(expr, {"torch": T, "x": x, "m": m})
    assert name(y) == expected
    assert repr(y.grad_fn).startswith(f"<{expected} object at 0x")


def test_next_functions(T):
    x = T.tensor([1.0, 2.0], requires_grad=True)
    y = (x * 2).sum()
    ((mul, k),) = y.grad_fn.next_functions
    assert type(mul).__name__ == "MulBackward0" and k == 0
    acc = mul.next_functions[0][0]
    assert type(acc).__name__ == "AccumulateGrad" and acc.variable is x
    z = x * x + x.exp()
    assert [type(f).__name__ for f, _ in z.grad_fn.next_functions] == [
        "MulBackward0",
        "ExpBackward0",
    ]


def test_next_functions_list_constant_inputs(T):
    x = T.tensor([1.0, 2.0], requires_grad=True)
    y = x * T.tensor([1.0, 2.0])
    got = [(None if f is None else type(f).__name__, k) for f, k in y.grad_fn.next_functions]
    assert got == [("AccumulateGrad", 0), (None, 0)]


def test_retain_grad_and_non_leaf_grad_warning(T):
    x = T.tensor([1.0, 2.0], requires_grad=True)
    y = x * 2
    with pytest.warns(UserWarning) as record:
        assert y.grad is None
    assert str(record[0].message).startswith(NON_LEAF_GRAD)
    y.retain_grad()
    assert y.retains_grad and not x.retains_grad
    (y * y).sum().backward()
    check(y.grad, [4.0, 8.0], "float32")
    check(x.grad, [8.0, 16.0], "float32")
    z = x * 3
    (g,) = T.autograd.grad(z.sum(), z)  # a non-leaf as an input of autograd.grad
    check(g, [1.0, 1.0], "float32")


# --- grad mode --------------------------------------------------------------------------------


def test_no_grad_context(T):
    x = T.ones(2, requires_grad=True)
    with T.no_grad():
        assert not T.is_grad_enabled()
        y = x * 2
        with T.enable_grad():
            assert T.is_grad_enabled()
            z = x * 2
        w = x * 2
    assert T.is_grad_enabled()
    assert not y.requires_grad and y.grad_fn is None and y.is_leaf
    assert z.requires_grad and name(z) == "MulBackward0"
    assert not w.requires_grad


def test_grad_mode_is_restored_after_an_exception(T):
    with pytest.raises(ValueError), T.no_grad():
        raise ValueError
    assert T.is_grad_enabled()
    with pytest.raises(ValueError), T.set_grad_enabled(False):
        raise ValueError
    assert T.is_grad_enabled()


def test_grad_mode_decorators(T):
    x = T.ones(2, requires_grad=True)

    @T.no_grad()
    def frozen(x):
        """Doc."""
        return x * 2, T.is_grad_enabled()

    @T.enable_grad()
    def recorded(x):
        return x * 2

    @T.set_grad_enabled(False)
    def off(x):
        return x * 2

    y, mode = frozen(x)
    assert not y.requires_grad and mode is False and T.is_grad_enabled()
    assert frozen.__name__ == "frozen" and frozen.__doc__ == "Doc."
    with T.no_grad():
        assert recorded(x).requires_grad
    assert T.is_grad_enabled()  # decorating does not change the mode
    assert not off(x).requires_grad and T.is_grad_enabled()


def test_no_grad_decorator_without_call(T):
    @T.no_grad
    def frozen(x):
        return x * 2

    assert not frozen(T.ones(2, requires_grad=True)).requires_grad and T.is_grad_enabled()


def test_set_grad_enabled_function_and_context(T):
    x = T.ones(2, requires_grad=True)
    T.set_grad_enabled(False)
    try:
        assert not T.is_grad_enabled() and not (x * 2).requires_grad
    finally:
        T.set_grad_enabled(True)
    assert T.is_grad_enabled() and (x * 2).requires_grad
    with T.set_grad_enabled(False):
        assert not T.is_grad_enabled()
        with T.set_grad_enabled(True):
            assert (x * 2).requires_grad
        assert not (x * 2).requires_grad
    assert T.is_grad_enabled()
    is_train = False
    with T.set_grad_enabled(is_train):  # the tutorials' train/eval idiom
        assert not (x * 2).requires_grad


def test_inference_mode(T):
    x = T.ones(2, requires_grad=True)
    with T.inference_mode():
        y = x * 2
    assert not y.requires_grad and T.is_grad_enabled()


# --- in-place changes and the version counter (1.4, 1.7) -------------------------------------


def test_version_counter_counts_in_place_changes(T):
    x = T.zeros(3)
    assert x._version == 0
    x.add_(1)
    x[0] = 2.0
    x.mul_(2)
    assert x._version == 3
    y = x.detach()  # detach() shares the version counter
    y.zero_()
    assert x._version == 4 and y._version == 4
    assert x.clone()._version == 0


def test_leaf_changed_under_no_grad_after_use(T):
    # COMPAT_SPEC 1.7, second example
    w = T.tensor([1.0, 2.0], requires_grad=True)
    y = (w * w).sum()
    with T.no_grad():
        w.add_(1)
    raises(
        RuntimeError,
        MODIFIED + "[torch.FloatTensor [2]] is at version 1; expected version 0 "
        "instead. Hint: enable anomaly detection to find the operation that failed to compute "
        "its gradient, with torch.autograd.set_detect_anomaly(True, check_nan=False).",
        y.backward,
    )


def test_saved_tensor_changed_through_detach(T):
    x = T.tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = (x * x).sum()
    x.detach().add_(1)
    raises(
        RuntimeError,
        MODIFIED + "[torch.FloatTensor [3]] is at version 1; expected version 0 instead.",
        y.backward,
        prefix=True,
    )


def test_saved_non_leaf_changed(T):
    x = T.tensor([1.0, 2.0, 3.0], requires_grad=True)
    a = x * 1
    b = a * a
    a.add_(1)
    raises(
        RuntimeError,
        MODIFIED + "[torch.FloatTensor [3]], which is output 0 of Add, is at "
        "version 1; expected version 0 instead.",
        lambda: b.sum().backward(),
        prefix=True,
    )


def test_unsaved_tensors_may_change(T):
    # ops that saved nothing (add, mul by a number) keep working, as in PyTorch
    x = T.tensor([1.0, 2.0], requires_grad=True)
    z = T.tensor([1.0, 1.0])
    y = (x + z).sum()
    z.add_(1)
    y.backward()
    check(x.grad, [1.0, 1.0], "float32")
    a = x * 2
    b = a.exp()  # exp saves its result, not a
    a.mul_(3)
    b.sum().backward()
    check(x.grad, 1.0 + 2 * np.exp([2.0, 4.0]), "float32")
    w = T.tensor([1.0, 2.0], requires_grad=True)
    y = (w * 3).sum()
    with T.no_grad():
        w.add_(1)
    y.backward()
    check(w.grad, [3.0, 3.0], "float32")


SAVES_RESULT = [
    "exp",
    "exp2",
    "expm1",
    "sqrt",
    "rsqrt",
    "tan",
    "tanh",
    "sigmoid",
    "relu",
    "reciprocal",
    "softmax",
    "log_softmax",
]


@pytest.mark.parametrize("op", SAVES_RESULT)
def test_ops_that_save_their_result(T, op):
    x = T.tensor([0.5, 1.0, 0.25], requires_grad=True)
    y = getattr(x, op)(0) if "softmax" in op else getattr(x, op)()
    y.mul_(2)
    raises(
        RuntimeError,
        MODIFIED + "[torch.FloatTensor [3]], which is output 0 of ",
        y.sum().backward,
        prefix=True,
    )
    x2 = T.tensor([0.5, 1.0, 0.25], requires_grad=True)
    y2 = getattr(x2, op)(0) if "softmax" in op else getattr(x2, op)()
    with T.no_grad():
        x2.add_(1)  # the input was not saved: backward still works
    (y2 * T.tensor([1.0, 2.0, 3.0])).sum().backward()
    assert x2.grad.shape == (3,)


def test_saved_result_changed(T):
    # COMPAT_SPEC 1.7, first example
    x = T.tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = x.exp()
    y.add_(1)
    raises(
        RuntimeError,
        MODIFIED + "[torch.FloatTensor [3]], which is output 0 of Exp, is at "
        "version 1; expected version 0 instead.",
        lambda: y.sum().backward(),
        prefix=True,
    )


# --- detach, .data, numpy ---------------------------------------------------------------


def test_detach_and_data_alias_the_values(T):
    w = T.tensor([1.0, 2.0], requires_grad=True)
    d, data = w.detach(), w.data
    with T.no_grad():
        w.mul_(10)
    check(d, [10.0, 20.0], "float32")
    check(data, [10.0, 20.0], "float32")
    data.add_(1)
    check(w.detach(), [11.0, 21.0], "float32")
    y = w * 2
    y.detach_()
    assert y.is_leaf and not y.requires_grad and y.grad_fn is None


def _numpy_sgd(steps):
    """The losses of the loop below, computed with numpy in float64 by hand."""
    x = np.linspace(-1, 1, 5)
    target, w, b, losses = 3 * x + 1, 0.0, 0.0, []
    for _ in range(steps):
        r = w * x + b - target
        losses.append(np.mean(r**2))
        w, b = w - 0.1 * np.mean(2 * r * x), b - 0.1 * np.mean(2 * r)
    return losses


def test_manual_sgd_loop(T):
    # the training loop of PyTorch's autograd tutorials, reproduced to the digit
    x = T.linspace(-1, 1, 5)
    target = 3 * x + 1
    w = T.zeros(1, requires_grad=True)
    b = T.zeros(1, requires_grad=True)
    history = []
    for _ in range(3):
        loss = ((w * x + b - target) ** 2).mean()
        loss.backward()
        with T.no_grad():
            w -= 0.1 * w.grad
            b -= 0.1 * b.grad
            w.grad.zero_()
            b.grad.zero_()
        history.append(loss.item())
    np.testing.assert_allclose(history, _numpy_sgd(3), rtol=1e-6)
    assert w.is_leaf and b.is_leaf and w.grad_fn is None
    weights = w.detach().numpy()
    with T.no_grad():
        w.add_(1)
    np.testing.assert_allclose(weights, w.detach().numpy())  # the array shares memory


def test_module_style_outputs_require_grad(T):
    # 1.5: an output requires grad if a parameter does, even when the input does not
    w = T.ones(2, 2, requires_grad=True)
    out = T.ones(3, 2) @ w
    assert out.requires_grad and name(out) == "MmBackward0"
    with T.no_grad():
        assert not (T.ones(3, 2) @ w).requires_grad

"""Gradients of compat's ops: a table, checked three ways.

Each row of ``OPS`` is an op applied to inputs drawn from a domain (seeded by the row's
name). The row is checked

* numerically (no torch needed): in float64, the gradient of ``sum(op(x) * c)`` for a
  fixed random ``c`` agrees with central differences; rows marked ``smooth`` also check
  the second derivative (``create_graph=True``) against differences of the gradient;
* against torch (skipped without it): values, dtypes and gradients (with their dtypes)
  in float32 and float64.

``CONVENTIONS`` holds PyTorch's choices where the derivative is undefined or special
(relu'(0) = 0, abs'(0) = 0, clamp at its bounds, ties in max, sqrt'(0) = inf, the norm
at zero; COMPAT_SPEC 1.6), written out and run on compat and on torch.
"""

import zlib

import numpy as np
import pytest
from test_compat_tensor import check, library

import compat

# --- inputs --------------------------------------------------------------------------------


def _grid(rng, n):
    """Distinct values (no ties), none within 0.01 of -1, -0.5, 0, 0.5 or 1."""
    return (rng.permutation(n) - n / 2) * 0.37 + 0.11


DOMAINS = {
    "normal": lambda rng, n: rng.standard_normal(n),
    "pos": lambda rng, n: rng.uniform(0.5, 2.0, n),
    "unit": lambda rng, n: rng.uniform(-0.9, 0.9, n),
    "big": lambda rng, n: rng.uniform(1.2, 3.0, n),
    "nz": lambda rng, n: rng.choice([-1.0, 1.0], n) * rng.uniform(0.2, 2.0, n),
    "grid": _grid,
}


def make_inputs(name, specs):
    """numpy float64 arrays for specs like ``"3x4"``, ``"4:pos"`` or ``"-"`` (0-d)."""
    rng = np.random.default_rng(zlib.crc32(name.encode()))
    arrays = []
    for spec in specs:
        shape, _, domain = spec.partition(":")
        shape = () if shape == "-" else tuple(int(d) for d in shape.split("x"))
        n = int(np.prod(shape, dtype=int))
        arrays.append(np.asarray(DOMAINS[domain or "normal"](rng, n), np.float64).reshape(shape))
    return arrays


# --- the table -------------------------------------------------------------------------------

# (id, f(torch_module, *tensors) -> tensor, input specs, flags); flags: "smooth" adds the
# second-order check
OPS = [
    # unary
    ("exp", lambda T, x: x.exp(), ["3x4"], "smooth"),
    ("exp2", lambda T, x: T.exp2(x), ["5"], "smooth"),
    ("expm1", lambda T, x: x.expm1(), ["5"], "smooth"),
    ("log", lambda T, x: x.log(), ["3x4:pos"], "smooth"),
    ("log2", lambda T, x: x.log2(), ["5:pos"], "smooth"),
    ("log10", lambda T, x: T.log10(x), ["5:pos"], "smooth"),
    ("log1p", lambda T, x: x.log1p(), ["5:pos"], "smooth"),
    ("sqrt", lambda T, x: x.sqrt(), ["3x4:pos"], "smooth"),
    ("rsqrt", lambda T, x: x.rsqrt(), ["5:pos"], "smooth"),
    ("sin", lambda T, x: x.sin(), ["3x4"], "smooth"),
    ("cos", lambda T, x: T.cos(x), ["5"], "smooth"),
    ("tan", lambda T, x: x.tan(), ["5:unit"], "smooth"),
    ("asin", lambda T, x: x.asin(), ["5:unit"], "smooth"),
    ("acos", lambda T, x: T.acos(x), ["5:unit"], "smooth"),
    ("atan", lambda T, x: x.atan(), ["5"], "smooth"),
    ("sinh", lambda T, x: x.sinh(), ["5"], "smooth"),
    ("cosh", lambda T, x: x.cosh(), ["5"], "smooth"),
    ("tanh", lambda T, x: x.tanh(), ["3x4"], "smooth"),
    ("asinh", lambda T, x: x.asinh(), ["5"], "smooth"),
    ("acosh", lambda T, x: x.acosh(), ["5:big"], "smooth"),
    ("atanh", lambda T, x: x.atanh(), ["5:unit"], "smooth"),
    ("sigmoid", lambda T, x: x.sigmoid(), ["3x4"], "smooth"),
    ("erf", lambda T, x: T.erf(x), ["5"], "smooth"),
    ("erfc", lambda T, x: x.erfc(), ["5"], "smooth"),
    ("lgamma", lambda T, x: x.lgamma(), ["5:pos"], "smooth"),
    ("reciprocal", lambda T, x: x.reciprocal(), ["5:pos"], "smooth"),
    ("neg", lambda T, x: -x, ["5"], "smooth"),
    ("square", lambda T, x: x.square(), ["5"], "smooth"),
    ("abs", lambda T, x: x.abs(), ["3x4:nz"], ""),
    ("relu", lambda T, x: x.relu(), ["3x4:nz"], ""),
    ("torch.relu", lambda T, x: T.relu(x), ["5:nz"], ""),
    ("sign", lambda T, x: x.sign(), ["5:nz"], ""),
    ("floor", lambda T, x: x.floor(), ["5:grid"], ""),
    ("ceil", lambda T, x: x.ceil(), ["5:grid"], ""),
    ("round", lambda T, x: x.round(), ["5:grid"], ""),
    ("trunc", lambda T, x: x.trunc(), ["5:grid"], ""),
    ("frac", lambda T, x: x.frac(), ["5:grid"], ""),
    ("pow_2", lambda T, x: x**2, ["3x4"], "smooth"),
    ("pow_3", lambda T, x: x.pow(3), ["5"], "smooth"),
    ("pow_half", lambda T, x: x**0.5, ["5:pos"], "smooth"),
    ("pow_neg", lambda T, x: x**-1.5, ["5:pos"], "smooth"),
    ("clamp", lambda T, x: x.clamp(-0.5, 0.5), ["3x4:grid"], ""),
    ("clamp_min", lambda T, x: x.clamp(min=0.0), ["5:grid"], ""),
    ("clamp_max", lambda T, x: T.clamp(x, max=0.5), ["5:grid"], ""),
    ("clamp_tensor_bounds", lambda T, x, lo: T.clamp(x, lo, lo + 1), ["3x4:grid", "4:nz"], ""),
    ("softmax", lambda T, x: x.softmax(1), ["3x4"], "smooth"),
    ("softmax_dim0", lambda T, x: T.softmax(x, dim=0), ["3x4"], "smooth"),
    ("log_softmax", lambda T, x: x.log_softmax(-1), ["3x4"], "smooth"),
    ("log_softmax_3d", lambda T, x: T.log_softmax(x, 1), ["2x3x2"], "smooth"),
    # binary, with broadcasting and numbers
    ("add", lambda T, x, y: x + y, ["3x4", "4"], "smooth"),
    ("add_alpha", lambda T, x, y: T.add(x, y, alpha=2.5), ["3x4", "3x1"], "smooth"),
    ("sub", lambda T, x, y: x - y, ["3x1", "1x4"], "smooth"),
    ("mul", lambda T, x, y: x * y, ["3x4", "3x1"], "smooth"),
    ("mul_0d", lambda T, x, y: x * y, ["3x4", "-"], "smooth"),
    ("div", lambda T, x, y: x / y, ["3x4", "4:pos"], "smooth"),
    ("pow_tensors", lambda T, x, y: x**y, ["3x4:pos", "4"], "smooth"),
    ("atan2", lambda T, x, y: T.atan2(x, y), ["5:nz", "5:nz"], "smooth"),
    ("hypot", lambda T, x, y: T.hypot(x, y), ["5:nz", "5:nz"], "smooth"),
    ("logaddexp", lambda T, x, y: T.logaddexp(x, y), ["3x4", "4"], "smooth"),
    ("maximum", lambda T, x, y: T.maximum(x, y), ["3x4:grid", "4:grid"], ""),
    ("minimum", lambda T, x, y: x.minimum(y), ["3x4:grid", "4:grid"], ""),
    ("max_binary", lambda T, x, y: T.max(x, y), ["5:grid", "5:grid"], ""),
    ("remainder", lambda T, x, y: x % y, ["5:grid", "5:pos"], ""),
    ("fmod", lambda T, x, y: T.fmod(x, y), ["5:grid", "5:pos"], ""),
    ("lerp", lambda T, x, y: T.lerp(x, y, 0.3), ["3x4", "4"], "smooth"),
    ("lerp_tensor", lambda T, x, y, w: x.lerp(y, w), ["4", "4", "4"], "smooth"),
    ("where", lambda T, x, y: T.where(x > 0, x, y), ["3x4:nz", "4"], ""),
    ("where_scalar", lambda T, x: T.where(x > 0, x * 2, 0.5), ["3x4:nz"], ""),
    ("radd", lambda T, x: 2 + x, ["5"], "smooth"),
    ("rsub", lambda T, x: 2 - x, ["5"], "smooth"),
    ("rdiv", lambda T, x: 2 / x, ["5:pos"], "smooth"),
    ("rpow", lambda T, x: 2**x, ["5"], "smooth"),
    ("self_pow", lambda T, x: x**x, ["5:pos"], "smooth"),
    ("addcmul", lambda T, x, y, z: T.addcmul(x, y, z, value=0.5), ["4", "4", "4"], "smooth"),
    ("addcdiv", lambda T, x, y, z: T.addcdiv(x, y, z, value=2), ["4", "4", "4:pos"], "smooth"),
    # reductions
    ("sum", lambda T, x: x.sum(), ["3x4"], "smooth"),
    ("sum_dim", lambda T, x: x.sum(1), ["3x4"], "smooth"),
    ("sum_dims_keepdim", lambda T, x: x.sum((0, 2), keepdim=True), ["2x3x4"], "smooth"),
    ("mean", lambda T, x: x.mean(), ["3x4"], "smooth"),
    ("mean_dim_keepdim", lambda T, x: T.mean(x, -1, keepdim=True), ["3x4"], "smooth"),
    ("prod", lambda T, x: x.prod(), ["5:pos"], "smooth"),
    ("prod_dim", lambda T, x: x.prod(0), ["3x4:pos"], "smooth"),
    ("var", lambda T, x: x.var(), ["3x4"], "smooth"),
    ("var_dim_pop", lambda T, x: x.var(1, correction=0), ["3x4"], "smooth"),
    ("std", lambda T, x: x.std(), ["3x4"], "smooth"),
    ("std_dim_keepdim", lambda T, x: x.std(0, keepdim=True), ["3x4"], "smooth"),
    ("std_unbiased_false", lambda T, x: T.std(x, 1, unbiased=False), ["3x4"], "smooth"),
    ("norm", lambda T, x: x.norm(), ["3x4"], "smooth"),
    ("norm_dim", lambda T, x: x.norm(2, dim=1), ["3x4"], "smooth"),
    ("norm_p1", lambda T, x: x.norm(1), ["3x4:nz"], ""),
    ("norm_p3_dim", lambda T, x: x.norm(p=3, dim=0), ["3x4:nz"], ""),
    ("max", lambda T, x: x.max(), ["3x4:grid"], ""),
    ("min", lambda T, x: T.min(x), ["3x4:grid"], ""),
    ("max_dim", lambda T, x: x.max(1).values, ["3x4:grid"], ""),
    ("max_dim_keepdim", lambda T, x: T.max(x, 0, keepdim=True)[0], ["3x4:grid"], ""),
    ("min_dim", lambda T, x: x.min(dim=-1).values, ["3x4:grid"], ""),
    ("amax", lambda T, x: x.amax(1), ["3x4:grid"], ""),
    ("logsumexp", lambda T, x: x.logsumexp(1), ["3x4"], "smooth"),
    ("cumsum", lambda T, x: x.cumsum(1), ["3x4"], "smooth"),
    ("cumprod", lambda T, x: x.cumprod(0), ["3x4:pos"], "smooth"),
    ("sort_values", lambda T, x: x.sort(1).values, ["3x4:grid"], ""),
    ("topk_values", lambda T, x: x.topk(2).values, ["3x4:grid"], ""),
    # shapes
    ("view", lambda T, x: x.view(4, 3), ["3x4"], "smooth"),
    ("reshape_neg", lambda T, x: x.reshape(-1, 2), ["3x4"], "smooth"),
    ("permute", lambda T, x: x.permute(2, 0, 1), ["2x3x4"], "smooth"),
    ("transpose", lambda T, x: x.transpose(0, 2), ["2x3x4"], "smooth"),
    ("t", lambda T, x: x.t(), ["3x4"], "smooth"),
    ("T", lambda T, x: x.T, ["3x4"], "smooth"),
    ("mT", lambda T, x: x.mT, ["2x3x4"], "smooth"),
    ("unsqueeze", lambda T, x: x.unsqueeze(1), ["3x4"], "smooth"),
    ("squeeze", lambda T, x: x.squeeze(), ["3x1x4"], "smooth"),
    ("squeeze_dim", lambda T, x: x.squeeze(1), ["3x1x4"], "smooth"),
    ("flatten", lambda T, x: x.flatten(1), ["2x3x4"], "smooth"),
    ("expand", lambda T, x: x.expand(2, 3, 4), ["3x1"], "smooth"),
    ("expand_as", lambda T, x, y: x.expand_as(y) * y, ["4", "3x4"], "smooth"),
    ("repeat", lambda T, x: x.repeat(2, 3), ["3x4"], "smooth"),
    ("cat", lambda T, x, y: T.cat([x, y], dim=1), ["3x4", "3x2"], "smooth"),
    ("cat_dtype", lambda T, x, y: T.cat([x, y * 2]), ["4", "3"], "smooth"),
    ("stack", lambda T, x, y: T.stack([x, y], dim=1), ["3x4", "3x4"], "smooth"),
    ("flip", lambda T, x: x.flip(0), ["3x4"], "smooth"),
    ("roll", lambda T, x: x.roll(1, 1), ["3x4"], "smooth"),
    ("split", lambda T, x: x.split(2, dim=1)[1], ["3x4"], "smooth"),
    ("chunk", lambda T, x: x.chunk(3)[2], ["3x4"], "smooth"),
    ("unbind", lambda T, x: x.unbind(1)[3], ["3x4"], "smooth"),
    ("narrow", lambda T, x: x.narrow(1, 1, 2), ["3x4"], "smooth"),
    ("tril", lambda T, x: x.tril(), ["4x4"], "smooth"),
    ("triu", lambda T, x: x.triu(1), ["4x4"], "smooth"),
    ("diag", lambda T, x: x.diag(), ["4"], "smooth"),
    ("diagonal", lambda T, x: x.diagonal(), ["4x4"], "smooth"),
    ("trace", lambda T, x: x.trace(), ["4x4"], "smooth"),
    ("movedim", lambda T, x: x.movedim(0, 2), ["2x3x4"], "smooth"),
    ("clone", lambda T, x: x.clone() * x, ["5"], "smooth"),
    ("contiguous", lambda T, x: x.t().contiguous(), ["3x4"], "smooth"),
    ("to_float64", lambda T, x: x.double() * x.double(), ["5"], "smooth"),
    # indexing
    ("index_int", lambda T, x: x[1], ["3x4"], "smooth"),
    ("index_slice", lambda T, x: x[:, 1:3], ["3x4"], "smooth"),
    ("index_step", lambda T, x: x[..., ::2], ["3x4"], "smooth"),
    ("index_none", lambda T, x: x[None, 0], ["3x4"], "smooth"),
    ("index_list_repeats", lambda T, x: x[[0, 2, 0]], ["3x4"], "smooth"),
    ("index_tensor", lambda T, x: x[:, T.tensor([3, 0, 3])], ["3x4"], "smooth"),
    ("index_pairs", lambda T, x: x[[0, 1, 1], [1, 2, 2]], ["3x4"], "smooth"),
    ("index_mask", lambda T, x: x[x > 0], ["3x4:nz"], ""),
    ("gather", lambda T, x: x.gather(1, T.tensor([[0, 0], [3, 1], [2, 2]])), ["3x4"], "smooth"),
    ("index_select", lambda T, x: x.index_select(0, T.tensor([2, 0, 2])), ["3x4"], "smooth"),
    ("take", lambda T, x: T.take(x, T.tensor([0, 5, 5])), ["3x4"], "smooth"),
    ("masked_fill", lambda T, x: x.masked_fill(x < 0, 0.5), ["3x4:nz"], ""),
    ("masked_select", lambda T, x: x.masked_select(x > 0), ["3x4:nz"], ""),
    ("setitem_clone", lambda T, x, y: _setitem(x, y), ["3x4", "4"], "smooth"),
    # products
    ("matmul_1_1", lambda T, x, y: x @ y, ["4", "4"], "smooth"),
    ("matmul_2_1", lambda T, x, y: x @ y, ["3x4", "4"], "smooth"),
    ("matmul_1_2", lambda T, x, y: x @ y, ["3", "3x4"], "smooth"),
    ("matmul_2_2", lambda T, x, y: x @ y, ["3x4", "4x2"], "smooth"),
    ("matmul_3_2", lambda T, x, y: x @ y, ["2x3x4", "4x2"], "smooth"),
    ("matmul_2_3", lambda T, x, y: T.matmul(x, y), ["3x4", "2x4x2"], "smooth"),
    ("matmul_3_3_broadcast", lambda T, x, y: x @ y, ["2x1x3x4", "3x4x2"], "smooth"),
    ("matmul_3_1", lambda T, x, y: x @ y, ["2x3x4", "4"], "smooth"),
    ("mm", lambda T, x, y: T.mm(x, y), ["3x4", "4x2"], "smooth"),
    ("bmm", lambda T, x, y: T.bmm(x, y), ["2x3x4", "2x4x2"], "smooth"),
    ("mv", lambda T, x, y: T.mv(x, y), ["3x4", "4"], "smooth"),
    ("dot", lambda T, x, y: T.dot(x, y), ["4", "4"], "smooth"),
    ("outer", lambda T, x, y: T.outer(x, y), ["3", "4"], "smooth"),
    ("addmm", lambda T, b, x, y: T.addmm(b, x, y), ["2", "3x4", "4x2"], "smooth"),
    ("einsum", lambda T, x, y: T.einsum("ij,kj->ik", x, y), ["3x4", "2x4"], "smooth"),
    (
        "inverse",
        lambda T, x: T.inverse(x + 3 * T.eye(3, dtype=x.dtype)),
        ["3x3"],
        "smooth",
    ),
    (
        "det_batched",
        lambda T, x: T.det(x + 2 * T.eye(3, dtype=x.dtype)),
        ["2x3x3"],
        "smooth",
    ),
    ("diff", lambda T, x: T.diff(x, n=2, dim=0), ["4x3"], "smooth"),
    (
        "index_fill",
        lambda T, x: T.index_fill(x, 1, T.tensor([0, 2]), 0.5),
        ["3x4"],
        "smooth",
    ),
    ("linear_layer", lambda T, x, w, b: (x @ w.t() + b).relu(), ["3x4", "2x4", "2"], ""),
]


def _setitem(x, y):
    z = x.clone()
    z[1] = y
    z[0, :2] = 0.0
    return z * z


def run(T, case, arrays, dtype, create_graph=False):
    """Output and input gradients of ``sum(op(*xs) * c)`` on module ``T`` in ``dtype``."""
    name, fn, _, _ = case
    xs = [T.tensor(a, dtype=dtype, requires_grad=True) for a in arrays]
    out = fn(T, *xs)
    rng = np.random.default_rng(zlib.crc32(b"cotangent " + name.encode()))
    c = T.tensor(rng.standard_normal(tuple(out.shape)), dtype=out.dtype)
    grads = T.autograd.grad((out * c).sum(), xs, create_graph=create_graph, allow_unused=True)
    return out, xs, grads


def run_plain(case, arrays):
    """``sum(op(*xs) * c)`` as a float, computed in float64 without recording."""
    name, fn, _, _ = case
    xs = [compat.tensor(a, dtype=compat.float64) for a in arrays]
    out = fn(compat, *xs)
    rng = np.random.default_rng(zlib.crc32(b"cotangent " + name.encode()))
    c = rng.standard_normal(tuple(out.shape))
    return float((out.numpy().astype(np.float64) * c).sum()), out, c


def numeric_gradient(f, arrays, h=1e-6):
    """Central differences of the scalar ``f(arrays)`` with respect to every element."""
    grads = []
    for k, a in enumerate(arrays):
        g = np.zeros_like(a)
        for i in np.ndindex(a.shape):
            up = [b.copy() for b in arrays]
            down = [b.copy() for b in arrays]
            up[k][i] += h
            down[k][i] -= h
            g[i] = (f(up) - f(down)) / (2 * h)
        grads.append(g)
    return grads


IDS = [case[0] for case in OPS]


@pytest.mark.parametrize("case", OPS, ids=IDS)
def test_gradient_matches_central_differences(case):
    arrays = make_inputs(case[0], case[2])
    _, _, grads = run(compat, case, arrays, compat.float64)
    expected = numeric_gradient(lambda xs: run_plain(case, xs)[0], arrays)
    for k, (g, e) in enumerate(zip(grads, expected)):
        got = np.zeros_like(e) if g is None else g.numpy()
        assert g is None or str(g.dtype) == "torch.float64"
        np.testing.assert_allclose(got, e, rtol=1e-6, atol=1e-7, err_msg=f"input {k}")


SMOOTH = [case for case in OPS if "smooth" in case[3]]


@pytest.mark.parametrize("case", SMOOTH, ids=[c[0] for c in SMOOTH])
def test_second_derivative_matches_differences_of_the_gradient(case):
    arrays = make_inputs(case[0], case[2])
    rng = np.random.default_rng(zlib.crc32(b"direction " + case[0].encode()))
    directions = [rng.standard_normal(a.shape) for a in arrays]

    def first(xs):
        _, _, grads = run(compat, case, xs, compat.float64)
        return [np.zeros_like(x) if g is None else g.numpy() for g, x in zip(grads, xs)]

    def along(xs):  # <gradient(xs), directions>
        return float(sum((g * d).sum() for g, d in zip(first(xs), directions)))

    _, xs, grads = run(compat, case, arrays, compat.float64, create_graph=True)
    terms = [(g * compat.tensor(d)).sum() for g, d in zip(grads, directions) if g is not None]
    recorded = [t for t in terms if t.requires_grad]
    if not recorded:  # a linear op: the gradient is constant, so the Hessian is zero
        expected = numeric_gradient(along, arrays, h=1e-4)
        for e in expected:
            np.testing.assert_allclose(e, 0.0, atol=1e-6)
        return
    hv = compat.autograd.grad(sum(recorded), xs, allow_unused=True)
    expected = numeric_gradient(along, arrays, h=1e-5)
    for k, (g, e) in enumerate(zip(hv, expected)):
        got = np.zeros_like(e) if g is None else g.numpy()
        np.testing.assert_allclose(got, e, rtol=1e-5, atol=1e-6, err_msg=f"input {k}")


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("case", OPS, ids=IDS)
def test_values_and_gradients_match_torch(case, dtype):
    torch = library("torch")
    arrays = make_inputs(case[0], case[2])
    tol = {"float32": dict(rtol=2e-5, atol=2e-6), "float64": dict(rtol=1e-12, atol=1e-13)}[dtype]
    out_c, _, grads_c = run(compat, case, arrays, getattr(compat, dtype))
    out_t, _, grads_t = run(torch, case, arrays, getattr(torch, dtype))
    assert str(out_c.dtype) == str(out_t.dtype)
    assert tuple(out_c.shape) == tuple(out_t.shape)
    scale = max(1.0, float(np.abs(out_t.detach().numpy()).max(initial=0.0)))
    np.testing.assert_allclose(
        out_c.detach().numpy(), out_t.detach().numpy(), rtol=tol["rtol"], atol=tol["atol"] * scale
    )
    for k, (gc, gt) in enumerate(zip(grads_c, grads_t)):
        assert (gc is None) == (gt is None), f"input {k}"
        if gt is None:
            continue
        assert str(gc.dtype) == str(gt.dtype)
        scale = max(1.0, float(np.abs(gt.numpy()).max(initial=0.0)))
        np.testing.assert_allclose(
            gc.numpy(), gt.numpy(), rtol=tol["rtol"], atol=tol["atol"] * scale, err_msg=f"input {k}"
        )


# --- mixed dtypes: each gradient has its input's dtype -------------------------------------

MIXED = [
    # id, f(T, a, b), (dtype of a, dtype of b), result dtype
    ("f32_times_f64", lambda T, a, b: a * b, ("float32", "float64"), "float64"),
    ("f32_plus_0d_f64", lambda T, a, b: a + b[0], ("float32", "float64"), "float32"),
    ("f64_div_f32", lambda T, a, b: a / b, ("float64", "float32"), "float64"),
    ("f16_times_f32_0d", lambda T, a, b: a * b.sum(), ("float16", "float32"), "float16"),
    ("where_mixed", lambda T, a, b: T.where(a > 0, a, b), ("float32", "float64"), "float64"),
    ("cat_mixed", lambda T, a, b: T.cat([a, b]), ("float32", "float64"), "float64"),
]


@pytest.fixture(params=["compat", "torch"])
def T(request):  # noqa: N802 (the module stands for ``torch``)
    """The module under test (see test_compat_tensor.py)."""
    return library(request.param)


@pytest.mark.parametrize("fn, dtypes, result", [m[1:] for m in MIXED], ids=[m[0] for m in MIXED])
def test_gradient_dtypes_follow_inputs(T, fn, dtypes, result):
    a = T.tensor([0.5, -1.0, 2.0], dtype=getattr(T, dtypes[0]), requires_grad=True)
    b = T.tensor([2.0, 3.0, -0.5], dtype=getattr(T, dtypes[1]), requires_grad=True)
    out = fn(T, a, b)
    assert str(out.dtype) == f"torch.{result}"
    out.sum().backward()
    assert str(a.grad.dtype) == f"torch.{dtypes[0]}"
    assert str(b.grad.dtype) == f"torch.{dtypes[1]}"


# --- PyTorch's conventions at kinks and ties (COMPAT_SPEC 1.6) ------------------------------------

INF = float("inf")
CONVENTIONS = [
    # id, f(T, x), x, expected x.grad of f(x).sum()
    ("relu_at_0", lambda T, x: x.relu(), [-1.0, 0.0, 1.0], [0.0, 0.0, 1.0]),
    ("abs_at_0", lambda T, x: x.abs(), [-1.0, 0.0, 1.0], [-1.0, 0.0, 1.0]),
    ("sign", lambda T, x: x.sign(), [-1.0, 0.0, 1.0], [0.0, 0.0, 0.0]),
    ("round", lambda T, x: x.round(), [-1.5, 0.5, 1.2], [0.0, 0.0, 0.0]),
    (
        "clamp_bounds",
        lambda T, x: x.clamp(-1, 1),
        [-2.0, -1.0, 0.0, 1.0, 2.0],
        [0.0, 1.0, 1.0, 1.0, 0.0],
    ),
    (
        "clamp_min_bound",
        lambda T, x: x.clamp(min=-1),
        [-2.0, -1.0, 0.0, 1.0, 2.0],
        [0.0, 1.0, 1.0, 1.0, 1.0],
    ),
    (
        "clamp_max_bound",
        lambda T, x: T.clamp(x, max=1),
        [-2.0, -1.0, 0.0, 1.0, 2.0],
        [1.0, 1.0, 1.0, 1.0, 0.0],
    ),
    (
        "clamp_tensor_bounds",
        lambda T, x: T.clamp(x, T.tensor(-1.0), T.tensor(1.0)),
        [-2.0, -1.0, 0.0, 1.0, 2.0],
        [0.0, 1.0, 1.0, 1.0, 0.0],
    ),
    ("clamp_empty_interval", lambda T, x: x.clamp(1, -1), [-2.0, 0.0, 2.0], [0.0, 0.0, 0.0]),
    ("max_ties_split", lambda T, x: x.max(), [1.0, 5.0, 5.0], [0.0, 0.5, 0.5]),
    ("min_ties_split", lambda T, x: x.min(), [1.0, 1.0, 5.0], [0.5, 0.5, 0.0]),
    (
        "amax_ties_split",
        lambda T, x: x.amax(1),
        [[1.0, 5.0, 5.0], [2.0, 2.0, 0.0]],
        [[0.0, 0.5, 0.5], [0.5, 0.5, 0.0]],
    ),
    (
        "max_dim_first_index",
        lambda T, x: x.max(1).values,
        [[1.0, 5.0, 5.0], [2.0, 2.0, 0.0]],
        [[0.0, 1.0, 0.0], [1.0, 0.0, 0.0]],
    ),
    (
        "min_dim_first_index",
        lambda T, x: T.min(x, 0)[0],
        [[3.0, 1.0], [3.0, 2.0]],
        [[1.0, 1.0], [0.0, 0.0]],
    ),
    ("maximum_ties_halve", lambda T, x: T.maximum(x, T.tensor([1.0, 3.0])), [1.0, 2.0], [0.5, 0.0]),
    ("sqrt_at_0", lambda T, x: x.sqrt(), [0.0, 4.0], [INF, 0.25]),
    ("pow_half_at_0", lambda T, x: x**0.5, [0.0, 1.0], [INF, 0.5]),
    ("rsqrt_at_0", lambda T, x: x.rsqrt(), [0.0], [-INF]),
    ("log_at_0", lambda T, x: x.log(), [0.0], [INF]),
    ("pow_0", lambda T, x: x**0, [0.0, 1.0], [0.0, 0.0]),
    ("pow_2_at_0", lambda T, x: x**2, [0.0, 1.0], [0.0, 2.0]),
    ("pow_1_5_at_0", lambda T, x: x**1.5, [0.0, 1.0], [0.0, 1.5]),
    ("self_pow_at_0", lambda T, x: x**x, [0.0, 1.0], [0.0, 1.0]),
    ("norm_at_0", lambda T, x: x.norm(), [0.0, 0.0, 0.0], [0.0, 0.0, 0.0]),
    (
        "norm_dim_at_0",
        lambda T, x: x.norm(dim=1),
        [[0.0, 0.0], [3.0, 4.0]],
        [[0.0, 0.0], [0.6, 0.8]],
    ),
    ("norm_p1_at_0", lambda T, x: x.norm(p=1), [0.0, 1.0, -2.0], [0.0, 1.0, -1.0]),
    ("mean", lambda T, x: x.mean(), [1.0, 2.0, 3.0, 4.0], [0.25] * 4),
    ("prod_one_zero", lambda T, x: x.prod(), [1.0, 0.0, 3.0], [0.0, 3.0, 0.0]),
    ("prod_two_zeros", lambda T, x: x.prod(), [0.0, 0.0, 3.0], [0.0, 0.0, 0.0]),
    ("std_of_constant", lambda T, x: x.std(), [1.0, 1.0, 1.0], [0.0, 0.0, 0.0]),
    ("where_masks", lambda T, x: T.where(x > 0, x, T.zeros(3)), [-1.0, 0.0, 1.0], [0.0, 0.0, 1.0]),
    ("div_by_0", lambda T, x: x / 0, [1.0], [INF]),
    ("cumprod_with_zero", lambda T, x: x.cumprod(0), [2.0, 0.0, 3.0], [1.0, 8.0, 0.0]),
]


@pytest.mark.parametrize(
    "fn, x, expected", [c[1:] for c in CONVENTIONS], ids=[c[0] for c in CONVENTIONS]
)
def test_pytorch_gradient_conventions(T, fn, x, expected):
    t = T.tensor(x, requires_grad=True)
    fn(T, t).sum().backward()
    check(t.grad, expected, "float32")


def test_max_dim_routes_the_whole_gradient_to_one_index(T):
    # max(dim) and argmax agree on the first maximal index (COMPAT_SPEC 1.3, 1.6)
    x = T.tensor([[2.0, 7.0, 7.0, 1.0], [4.0, 4.0, 4.0, 4.0]], requires_grad=True)
    r = x.max(1)
    check(r.indices, [1, 0], "int64")
    check(x.argmax(1), [1, 0], "int64")
    (r.values * T.tensor([10.0, 20.0])).sum().backward()
    check(x.grad, [[0.0, 10.0, 0.0, 0.0], [20.0, 0.0, 0.0, 0.0]], "float32")

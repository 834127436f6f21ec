"""compat.autograd.Function: custom ops with a backward of their own, as in PyTorch."""

import numpy as np
import pytest

import compat


def _lib(name):
    if name == "torch":
        return pytest.importorskip("torch")
    return compat


@pytest.fixture(params=["compat", "torch"])
def T(request):
    return _lib(request.param)


def _legendre(T):
    class LegendrePolynomial3(T.autograd.Function):
        # PyTorch's tutorial example: P3(x) = (5 x^3 - 3 x) / 2
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return 0.5 * (5 * x**3 - 3 * x)

        @staticmethod
        def backward(ctx, grad_output):
            (x,) = ctx.saved_tensors
            return grad_output * 1.5 * (5 * x**2 - 1)

    return LegendrePolynomial3


def test_forward_and_backward_use_the_users_rules(T):
    P3 = _legendre(T)
    x = T.tensor([-0.5, 0.25, 2.0], requires_grad=True)
    y = P3.apply(x)
    np.testing.assert_allclose(
        y.detach().numpy(), 0.5 * (5 * x.detach().numpy() ** 3 - 3 * x.detach().numpy()), rtol=1e-6
    )
    assert type(y.grad_fn).__name__ == "LegendrePolynomial3Backward"
    (y * T.tensor([1.0, 2.0, 3.0])).sum().backward()
    xv = np.array([-0.5, 0.25, 2.0])
    np.testing.assert_allclose(
        x.grad.numpy(), np.array([1, 2, 3]) * 1.5 * (5 * xv**2 - 1), rtol=1e-6
    )


def test_the_users_backward_is_what_runs(T):
    class WrongOnPurpose(T.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x * 2

        @staticmethod
        def backward(ctx, g):
            return g * 100  # not the derivative of forward: must still be used

    x = T.tensor([1.0, 2.0], requires_grad=True)
    WrongOnPurpose.apply(x).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), [100.0, 100.0])


def test_several_outputs_and_non_tensor_arguments(T):
    class ScaleBoth(T.autograd.Function):
        @staticmethod
        def forward(ctx, a, b, k):
            ctx.k = k
            return a * k, a * b

        @staticmethod
        def backward(ctx, ga, gb):
            return None, None, None  # overwritten below

    class Pair(T.autograd.Function):
        @staticmethod
        def forward(ctx, a, b, k):
            ctx.save_for_backward(a, b)
            ctx.k = k
            return a * k, a * b

        @staticmethod
        def backward(ctx, ga, gb):
            a, b = ctx.saved_tensors
            return ga * ctx.k + gb * b, gb * a, None

    a = T.tensor([1.0, 2.0], requires_grad=True)
    b = T.tensor([3.0, 4.0], requires_grad=True)
    u, v = Pair.apply(a, b, 5.0)
    (u.sum() + (v * 2).sum()).backward()
    np.testing.assert_allclose(a.grad.numpy(), [5 + 2 * 3, 5 + 2 * 4])
    np.testing.assert_allclose(b.grad.numpy(), [2 * 1, 2 * 2])
    assert ScaleBoth.apply(a.detach(), b.detach(), 1.0)[0].grad_fn is None  # nothing to record


def test_no_graph_without_grad(T):
    P3 = _legendre(T)
    y = P3.apply(T.tensor([1.0, 2.0]))
    assert not y.requires_grad and y.grad_fn is None
    with T.no_grad():
        assert not P3.apply(T.tensor([1.0], requires_grad=True)).requires_grad


def test_a_saved_tensor_changed_in_place_breaks_backward(T):
    P3 = _legendre(T)
    w = T.tensor([1.0, 2.0], requires_grad=True)
    x = w * 1
    y = P3.apply(x).sum()
    with T.no_grad():
        x.add_(1)
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        y.backward()


def test_wrong_number_of_gradients_is_an_error(T):
    class TooMany(T.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x + 1

        @staticmethod
        def backward(ctx, g):
            return g, g

    x = T.tensor([1.0], requires_grad=True)
    with pytest.raises(RuntimeError, match="returned an incorrect number of gradients"):
        TooMany.apply(x).sum().backward()


def test_double_backward_goes_through_the_users_backward(T):
    P3 = _legendre(T)
    x = T.tensor([0.5, -1.5], requires_grad=True)
    (g,) = T.autograd.grad(P3.apply(x).sum(), x, create_graph=True)
    xv = np.array([0.5, -1.5])
    np.testing.assert_allclose(g.detach().numpy(), 1.5 * (5 * xv**2 - 1), rtol=1e-6)
    assert g.requires_grad
    (h,) = T.autograd.grad(g.sum(), x)
    np.testing.assert_allclose(h.numpy(), 15 * xv, rtol=1e-6)

"""The Tape: the public recording mechanism, reused without re-running the forward pass,
and differentiable backward passes (create_graph) for an imperative shell."""

import numpy as np
import pytest

import funcgrad as fg
import funcgrad.numpy as fnp


def _f(x):
    return fnp.sum(fnp.sin(x) * x**2)


def test_gradient_twice_without_rerunning_the_forward_pass(rng):
    calls = []
    tape = fg.Tape()
    x = tape.watch(rng.normal(size=3))
    calls.append(1)
    y = _f(x)
    g1, g2 = tape.gradient(y, x), tape.gradient(y, x)
    assert len(calls) == 1
    np.testing.assert_array_equal(g1, g2)
    np.testing.assert_allclose(g1, fg.grad(_f)(tape.primal(x)))


def test_create_graph_gives_differentiable_gradients_to_any_order(rng):
    x0 = rng.normal(size=4)
    tape = fg.Tape()
    x = tape.watch(x0)
    g = tape.gradient(_f(x), x, create_graph=True)
    assert tape.is_recorded(g)
    h = tape.gradient(fnp.sum(g), x, create_graph=True)
    third = tape.gradient(fnp.sum(h), x)
    ref_g = fg.grad(_f)(x0)
    ref_h = fg.grad(lambda x: fnp.sum(fg.grad(_f)(x)))(x0)
    ref_3 = fg.grad(lambda x: fnp.sum(fg.grad(lambda z: fnp.sum(fg.grad(_f)(z)))(x)))(x0)
    np.testing.assert_allclose(tape.primal(g), ref_g, rtol=1e-13)
    np.testing.assert_allclose(tape.primal(h), ref_h, rtol=1e-13)
    np.testing.assert_allclose(third, ref_3, rtol=1e-12)


def test_create_graph_through_several_outputs_and_stand_ins():
    a0 = np.array([[2.0, 0.3], [0.3, 1.0]])

    def loss(a):
        w, v = fnp.linalg.eigh(a)
        return fnp.sum(w**2) + fnp.sum(v[:, 0] ** 3) + fnp.sum(fnp.tanh(a @ a))

    tape = fg.Tape()
    a = tape.watch(a0)
    g = tape.gradient(loss(a), a, create_graph=True)
    h = tape.gradient(fnp.sum(g * g), a)
    ref = fg.grad(lambda a: fnp.sum(fg.grad(loss)(a) ** 2))(a0)
    np.testing.assert_allclose(h, ref, rtol=1e-10)


def test_create_graph_needs_an_open_tape():
    with fg.Tape() as tape:
        x = tape.watch(1.5)
        y = x * x
    assert float(tape.gradient(y, x)) == 3.0  # a closed tape still differentiates
    with pytest.raises(RuntimeError, match="create_graph=True records"):
        tape.gradient(y, x, create_graph=True)


def test_intermediate_inputs_and_unused_inputs():
    tape = fg.Tape()
    x = tape.watch(np.array([1.0, 2.0]))
    u = tape.watch(3.0)
    h = x * 2.0
    y = fnp.sum(h**2)
    gh, gx, gu = tape.gradient(y, [h, x, u], unused="none")
    np.testing.assert_allclose(gh, 2 * tape.primal(h))
    np.testing.assert_allclose(gx, 8 * tape.primal(x))
    assert gu is None
    assert float(tape.gradient(y, u)) == 0.0


def test_cotangents_for_non_scalar_outputs_are_required_and_checked():
    tape = fg.Tape()
    x = tape.watch(np.array([1.0, 2.0]))
    y = x**2
    with pytest.raises(ValueError, match="cotangent cannot be implied"):
        tape.gradient(y, x)
    with pytest.raises(ValueError, match="must match its output's shape"):
        tape.gradient(y, x, [np.ones(3)])
    np.testing.assert_allclose(tape.gradient(y, x, [np.array([1.0, 0.5])]), [2.0, 2.0])


def test_retain_graph_false_frees_values_and_a_second_pass_is_an_error():
    tape = fg.Tape()
    w = tape.watch(np.array([1.0, 2.0]))
    y = fnp.sum(fnp.exp(w) * 2.0)
    g = tape.gradient(y, w, retain_graph=False)
    np.testing.assert_allclose(g, 2 * np.exp([1.0, 2.0]))
    with pytest.raises(RuntimeError, match="retain_graph=True"):
        tape.gradient(y, w)


def test_watched_values_feed_new_graphs_after_a_freed_one():
    # a long-lived parameter used in one graph per training step, each freed after use
    tape = fg.Tape()
    w = tape.watch(np.array([1.0, 2.0]))
    for _ in range(3):
        g = tape.gradient(fnp.sum(w * w), w, retain_graph=False)
        np.testing.assert_allclose(g, [2.0, 4.0])


def test_producer_names_the_primitive():
    tape = fg.Tape()
    x = tape.watch(np.array([[2.0, 0.5], [0.5, 1.0]]))
    assert tape.producer(x) is None  # a leaf
    assert tape.producer(fnp.exp(x)) == "exp"
    assert tape.producer(fnp.sum(x)) == "sum"
    assert tape.producer(fnp.linalg.eigh(x)[0]) == "linalg.eigh"  # one of several outputs
    assert tape.producer(np.ones(2)) is None  # not recorded at all

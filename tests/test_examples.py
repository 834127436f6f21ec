"""The examples run, learn, and agree with closed-form gradients."""

import importlib.util
import pathlib

import numpy as np

import funcgrad as fg

EXAMPLES = pathlib.Path(__file__).resolve().parent.parent / "examples"


def _load(name):
    spec = importlib.util.spec_from_file_location(name, EXAMPLES / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_linear_regression_gradient_is_the_closed_form():
    lr = _load("linear_regression")
    x, y = lr.make_data(seed=1, n=20)
    params = {"w": np.float32(0.5), "b": np.float32(-0.25)}
    grads = fg.grad(lr.loss_fn)(params, x, y)
    r = (0.5 * x - 0.25 - y).astype(np.float64)
    np.testing.assert_allclose(grads["w"], 2 * np.mean(r * x), rtol=1e-5)
    np.testing.assert_allclose(grads["b"], 2 * np.mean(r), rtol=1e-5)
    assert grads["w"].dtype == np.float32


def test_linear_regression_learns_the_line(capsys):
    lr = _load("linear_regression")
    params = lr.main(["--epochs", "600", "--lr", "0.1", "--seed", "3"])
    out = capsys.readouterr().out
    assert out.count("loss") == 60 and "learned w" in out
    assert abs(float(params["w"]) - 2.0) < 0.1 and abs(float(params["b"]) - 1.0) < 0.1


def test_linear_regression_default_run_reduces_the_loss():
    lr = _load("linear_regression")
    x, y = lr.make_data()
    logged = []
    _, history = lr.train(x, y, log=logged.append)
    assert len(history) == 100 and len(logged) == 10
    assert all(b < a for a, b in zip(history, history[1:]))

"""The examples run, learn, and agree with closed-form results, each with a small setting."""

import importlib.util
import os
import pathlib
import subprocess
import sys

import numpy as np
import pytest

import funcgrad as fg
import funcgrad.numpy as fnp
from funcgrad.testing import check_grads

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


# --- linear regression: the plot ------------------------------------------------------


def test_linear_regression_writes_the_plot(tmp_path, capsys):
    pytest.importorskip("matplotlib")
    lr = _load("linear_regression")
    path = tmp_path / "fit.png"
    lr.main(["--epochs", "20", "--plot", str(path)])
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and path.stat().st_size > 5000
    assert f"saved the plot to {path}" in capsys.readouterr().out


def test_linear_regression_without_matplotlib_says_so_and_goes_on(tmp_path, capsys, monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # makes `import matplotlib` fail
    monkeypatch.setitem(sys.modules, "matplotlib.figure", None)
    lr = _load("linear_regression")
    path = tmp_path / "fit.png"
    params = lr.main(["--epochs", "20", "--plot", str(path)])
    lines = capsys.readouterr().out.splitlines()
    assert not path.exists() and "w" in params
    assert [line for line in lines if "matplotlib" in line] == [
        "matplotlib is not installed; skipping the plot (pip install matplotlib)"
    ]
    assert lines[-2].startswith("learned w")


# --- digits: MLP and CNN ----------------------------------------------------------------


@pytest.fixture
def sklearn():
    return pytest.importorskip("sklearn")


def test_mlp_classifier_learns_and_reloads_bit_exactly(sklearn, tmp_path, capsys):
    mlp = _load("mlp_classifier")
    path = tmp_path / "params.npz"
    result = mlp.main(["--epochs", "3", "--save", str(path), "--seed", "1"])
    out = capsys.readouterr().out
    history = result["history"]
    assert len(history) == 3 and history[-1] < 0.5 * history[0]
    assert result["test_accuracy"] > 0.85
    assert f"test accuracy {result['test_accuracy']:.1%}" in out
    # the saved file loads into the model's structure, every array bit-identical
    assert result["identical"] and "are identical" in out
    loaded = fg.io.load(path, like=result["model"])
    for a, b in zip(fg.tree.leaves(loaded), fg.tree.leaves(result["model"])):
        assert a.dtype == b.dtype == np.float32 and np.array_equal(a, b)
    (x_train, _), (x_test, _) = mlp.load_digits_split(fg.random.key(0))
    x_all = np.concatenate([x_train, x_test])
    assert np.array_equal(loaded(x_all), result["model"](x_all))


@pytest.mark.parametrize("tqdm_installed", [True, False])
def test_mlp_classifier_progress(sklearn, tqdm_installed, capsys, monkeypatch):
    if tqdm_installed:
        pytest.importorskip("tqdm")
    else:
        monkeypatch.setitem(sys.modules, "tqdm", None)
        monkeypatch.setitem(sys.modules, "tqdm.auto", None)
    mlp = _load("mlp_classifier")
    mlp.main(["--epochs", "2"])
    out, err = capsys.readouterr()
    epoch_lines = [line for line in out.splitlines() if line.startswith("epoch")]
    if tqdm_installed:  # the bar (on stderr), then the last epoch's line
        assert "training" in err and "step" in err
        assert [line[:12] for line in epoch_lines] == ["epoch   2/2 "]
    else:  # a plain line per epoch
        assert [line[:12] for line in epoch_lines] == ["epoch   1/2 ", "epoch   2/2 "]
        assert err == ""


def test_cnn_learns_the_digits(sklearn, capsys):
    cnn = _load("cnn")
    result = cnn.main(["--epochs", "3"])
    losses, accuracies = zip(*result["history"])
    assert losses[0] > losses[1] > losses[2] and accuracies[-1] == result["test_accuracy"] > 0.8
    assert "Conv2d     float32[16, 1, 3, 3]  float32[16]" in capsys.readouterr().out


# --- Newton's method --------------------------------------------------------------------


def test_newton_finds_rosenbrocks_minimum_quadratically(capsys):
    newton = _load("newton")
    iterates = newton.main(["--problem", "rosenbrock"])["rosenbrock"]
    errors = [np.linalg.norm(x - 1.0) for x in iterates]
    assert errors[-1] < 1e-12 and len(iterates) <= 10
    tail = [e for e in errors if 0 < e < 0.1]  # once close: e_next <= e^2 (C < 1 here)
    assert len(tail) >= 2 and all(b <= a**2 for a, b in zip(tail, tail[1:]))
    assert "minimum found: [1. 1.]" in capsys.readouterr().out


def test_newton_solves_the_logistic_regression(capsys):
    newton = _load("newton")
    iterates = newton.main(["--problem", "logistic", "--points", "300", "--seed", "2"])["logistic"]
    theta = iterates[-1]
    assert len(iterates) <= 10
    # the optimality condition, written out by hand: X^T (sigmoid(logits) - y) / n + l w = 0
    _, (x, y), _ = newton.logistic_problem(fg.random.key(2), n=300)
    residual = 1.0 / (1.0 + np.exp(-(x @ theta[:3] + theta[3]))) - y
    gradient_w = x.T @ residual / len(y) + newton.PENALTY * theta[:3]
    np.testing.assert_allclose(gradient_w, 0.0, atol=1e-10)
    np.testing.assert_allclose(np.mean(residual), 0.0, atol=1e-10)
    errors = [np.linalg.norm(t - theta) for t in iterates[:-1]]
    assert all(b < 0.5 * a**2 for a, b in zip(errors[-3:], errors[-2:]))
    assert "all positive" in capsys.readouterr().out


# --- property tests of a user's own function --------------------------------------------


def test_property_test_passes_as_a_script(capsys):
    module = _load("property_test")
    assert module.main([]) == {}
    out = capsys.readouterr().out
    assert out.count("ok    test_") == 3 and "all properties hold" in out


def test_property_test_catches_a_wrong_derivative_rule(capsys):
    module = _load("property_test")
    stable = module.log_cosh.fun

    @fg.custom_jvp
    def log_cosh(x):
        return stable(x)

    @log_cosh.defjvp
    def _wrong_rule(primals, tangents):  # the derivative of tanh, not of log cosh
        (x,), (t,) = primals, tangents
        return log_cosh(x), (1.0 - fnp.tanh(x) ** 2) * t

    with pytest.raises(AssertionError, match="check_grads .*central differences"):
        check_grads(log_cosh, (np.array([0.5, -1.5]),), order=1)
    module.log_cosh = log_cosh  # the properties (and robust_loss) now use the wrong rule
    failures = module.main(["-k", "derivatives"])
    assert list(failures) == ["test_log_cosh_derivatives_match_finite_differences"]
    assert "check_grads" in str(failures["test_log_cosh_derivatives_match_finite_differences"])
    assert "FAIL  test_log_cosh_derivatives" in capsys.readouterr().out


def test_property_test_runs_under_pytest():
    root = str(EXAMPLES.parent)
    path = os.pathsep.join(p for p in (root, os.environ.get("PYTHONPATH")) if p)
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", str(EXAMPLES / "property_test.py")],
        cwd=root,
        env={**os.environ, "PYTHONPATH": path},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "3 passed" in done.stdout


def test_compat_digits_trains_and_saves_a_file_pytorch_reads(tmp_path, capsys):
    """The PyTorch-style script learns on compat; real torch loads its state dict and,
    running the same architecture, gives the same logits."""
    ex = _load("compat_digits")
    path = tmp_path / "cnn.pt"
    result = ex.main(["--epochs", "3", "--save", str(path)])
    assert result["accuracy"] > 0.85 and result["reloaded_same"]
    assert "epoch 3: loss" in capsys.readouterr().out

    import compat

    x = compat.tensor(np.random.default_rng(0).uniform(0, 1, (5, 1, 8, 8)), dtype=compat.float32)
    model = result["model"].eval()
    with compat.no_grad():
        ours = model(x).numpy()
    torch = pytest.importorskip("torch")
    state = torch.load(path)  # weights_only=True: only tensors and containers
    theirs = _load_with_torch(ex, torch)
    theirs.load_state_dict(state)
    theirs.eval()
    with torch.no_grad():
        np.testing.assert_allclose(
            theirs(torch.from_numpy(x.numpy())).numpy(), ours, rtol=1e-4, atol=1e-5
        )


def _load_with_torch(ex, torch):
    """The example's Net class, built against real torch (same source, torch's modules)."""
    import ast

    source = (EXAMPLES / "compat_digits.py").read_text()
    node = next(
        n for n in ast.parse(source).body if isinstance(n, ast.ClassDef) and n.name == "Net"
    )
    ns = {"nn": torch.nn, "F": torch.nn.functional, "torch": torch}
    exec(ast.get_source_segment(source, node), ns)
    return ns["Net"]()


def test_compat_polynomial_prints_pytorchs_numbers(capsys):
    """The four cubic-fit lessons on compat end where PyTorch 2.13 ends (recorded by
    tests/fixtures/record_compat_polynomial.py), to float32 rounding over thousands of steps."""
    import json

    want = json.loads((EXAMPLES.parent / "tests/fixtures/compat_polynomial.json").read_text())
    got = _load("compat_polynomial").main()
    assert set(got) == set(want["results"])
    for name, values in want["results"].items():
        np.testing.assert_allclose(got[name], values, rtol=1e-4, atol=1e-6, err_msg=name)
    assert "1599 23.15" in capsys.readouterr().out  # the loss PyTorch prints at step 1599

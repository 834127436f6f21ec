"""The generated coverage page is up to date, and the README's examples run."""

import importlib.util
import pathlib

ROOT = pathlib.Path(__file__).resolve().parent.parent


def test_ops_page_is_current():
    spec = importlib.util.spec_from_file_location("ops_table", ROOT / "docs" / "ops_table.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    expected = module.render()
    actual = (ROOT / "docs" / "ops.md").read_text()
    assert actual == expected, "docs/ops.md is stale: run `python docs/ops_table.py`"


def _python_blocks(text):
    blocks, inside, current = [], False, []
    for line in text.splitlines():
        if line.strip() == "```python":
            inside, current = True, []
        elif line.strip() == "```" and inside:
            inside = False
            blocks.append("\n".join(current))
        elif inside:
            current.append(line)
    return blocks


def test_readme_examples_run():
    import numpy as np

    blocks = _python_blocks((ROOT / "README.md").read_text())
    intro = next(b for b in blocks if "def loss(params, x, y)" in b)
    tape = next(b for b in blocks if "fg.Tape()" in b)
    ns: dict = {}
    exec(intro, ns)
    assert set(ns["grads"]) == {"w", "b"} and np.shape(ns["grads"]["w"]) == (3,)
    exec(tape, ns)
    x = ns["tape"].primal(ns["x"])
    np.testing.assert_allclose(ns["dx_again"], np.sin(x) + x * np.cos(x))
    np.testing.assert_allclose(ns["d2x"], 2 * np.cos(x) - x * np.sin(x))


def test_readme_compat_example_runs():
    import compat

    blocks = _python_blocks((ROOT / "README.md").read_text())
    block = next(b for b in blocks if "import compat as torch" in b)
    ns: dict = {}
    exec(block, ns)
    model, x, y = ns["model"], ns["x"], ns["y"]
    # training lowered the loss, and every parameter got a gradient
    with compat.no_grad():
        start = ((x @ x.new_zeros(3, 1)) - y).pow(2).mean().item()
        final = ns["nn"].MSELoss()(model(x), y).item()
    assert final < start
    assert all(p.grad is not None for p in model.parameters())

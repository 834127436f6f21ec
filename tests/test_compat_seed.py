"""The seed example (examples/seed_linear_regression.py) on compat equals PyTorch's run.

tests/fixtures/record_compat.py ran the example with its two compat imports replaced by
torch's and stored the per-epoch losses, the final weight and bias, and the seed's code
block (section 5.1 of the seed text) in seed_golden.json; this test needs no torch.
"""

import glob
import importlib.util
import json
import pathlib
import sys

import numpy as np
import pytest

HERE = pathlib.Path(__file__).resolve().parent / "fixtures"
sys.path.insert(0, str(HERE))
from compat_cases import SEED_IMPORTS, SEED_TEXTS, seed_code  # noqa: E402

EXAMPLE = HERE.parent.parent / "examples" / "seed_linear_regression.py"
GOLDEN = json.loads((HERE / "seed_golden.json").read_text())


def _run_example(capsys):
    spec = importlib.util.spec_from_file_location("seed_linear_regression", EXAMPLE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    result = module.main()
    return result, capsys.readouterr().out


def _relative_errors(got, want):
    got, want = np.asarray(got, np.float64), np.asarray(want, np.float64)
    return np.abs(got - want) / np.abs(want)


def test_seed_example_on_compat_matches_pytorch(capsys):
    (losses, weight, bias), printed = _run_example(capsys)
    assert len(losses) == len(GOLDEN["losses"]) == 100
    assert all(type(v) is float for v in [*losses, weight, bias])  # loss.item() etc.
    rel = _relative_errors(losses, GOLDEN["losses"])
    worst = int(np.argmax(rel))
    assert rel[worst] <= 1e-6, (
        f"epoch {worst}: loss {losses[worst]!r}, PyTorch {GOLDEN['losses'][worst]!r} "
        f"(relative error {rel[worst]:.2g}; {int(np.sum(rel > 1e-6))} epochs beyond 1e-6)"
    )
    for label, got in [("weight", weight), ("bias", bias)]:
        err = _relative_errors(got, GOLDEN[label])
        assert err <= 1e-6, f"final {label} {got!r}, PyTorch {GOLDEN[label]!r}"
    assert printed.count("loss") == 10 and "weight" in printed and "bias" in printed


def _code_lines(text):
    return [s.strip() for s in text.splitlines() if s.strip()]


def test_example_is_the_seed_code_but_for_its_imports():
    seed = [s for s in _code_lines(GOLDEN["seed_code"]) if s not in SEED_IMPORTS.values()]
    assert len(seed) > 20 and "loss.backward()" in seed
    example = _code_lines(EXAMPLE.read_text())
    position = 0
    for line in seed:
        assert line in example[position:], (
            f"the seed's line {line!r} is missing from {EXAMPLE.name} (or out of order)"
        )
        position = example.index(line, position) + 1
    for ours, theirs in SEED_IMPORTS.items():
        assert theirs in _code_lines(GOLDEN["seed_code"])
        assert example.count(ours) == 1, f"{EXAMPLE.name} should say {ours!r} once"
    assert not [s for s in example if s.startswith(("import torch", "from torch"))]


def test_stored_seed_code_is_section_5_1_of_the_seed():
    texts = sorted(glob.glob(SEED_TEXTS))
    if not texts:
        pytest.skip(f"the seed text ({SEED_TEXTS}) is not on this machine")
    codes = [c for c in (seed_code(pathlib.Path(p).read_text()) for p in texts) if c]
    assert codes == [GOLDEN["seed_code"]]


def test_seed_code_extraction():
    text = "### 5.1 title\n\ntext\n\n```python\nimport torch\nx = 1\n```\n\n```python\ny\n```"
    assert seed_code(text) == "import torch\nx = 1\n"
    assert seed_code("### 5.2\n```python\nz\n```") is None


def test_fixture_was_recorded_with_torch_2_13():
    assert GOLDEN["torch_version"].startswith("2.13.")
    losses = GOLDEN["losses"]
    assert losses[-1] < losses[0] / 5 and all(b < a for a, b in zip(losses, losses[1:]))


def test_seed_example_on_torch_matches_fixture(capsys):
    pytest.importorskip("torch")
    from record_compat import run_seed_on_torch

    (losses, weight, bias), printed = run_seed_on_torch(), capsys.readouterr().out
    assert _relative_errors(losses, GOLDEN["losses"]).max() <= 1e-6
    assert _relative_errors([weight, bias], [GOLDEN["weight"], GOLDEN["bias"]]).max() <= 1e-6
    assert printed.count("loss") == 10

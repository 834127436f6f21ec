"""compat against numbers recorded from PyTorch 2.13: values, dtypes and gradients of every
op, layer and loss, and 20 steps of every optimizer and scheduler.

The cases (snippets that run unchanged on both libraries) are in
tests/fixtures/compat_cases.py; tests/fixtures/record_compat.py ran them on torch and
wrote compat_golden.npz. ``check_case`` replays a case on a module set and compares it
with the recording: float32 to 1e-5 relative, float64 to 1e-10 (each with an absolute
floor a tenth of that times the largest expected magnitude), everything else exactly,
dtypes equal. The same function replays the cases on torch itself when it is installed,
which shows that the harness and the fixture agree.
"""

import importlib
import json
import pathlib
import sys

import numpy as np
import pytest

HERE = pathlib.Path(__file__).resolve().parent / "fixtures"
sys.path.insert(0, str(HERE))
from compat_cases import CASES, input_digest, run_case  # noqa: E402

GOLDEN_PATH = HERE / "compat_golden.npz"
GOLDEN = np.load(GOLDEN_PATH)
META = json.loads(str(GOLDEN["__meta__"]))
# dtype string -> (rtol, absolute floor as a fraction of the largest expected magnitude)
TOLERANCES = {"torch.float64": (1e-10, 1e-11), "torch.float16": (1e-3, 1e-4)}
FLOAT32_TOLERANCE = (1e-5, 1e-6)  # float32 tensors and Python floats


def module_set(root):
    """``{torch, nn, F, optim, lr_scheduler}`` of ``root`` ("torch" or "compat"); a part
    that cannot be imported yet stands in as an object whose attributes say why."""
    mods = {"torch": importlib.import_module(root)}
    for key, sub in [
        ("nn", "nn"),
        ("F", "nn.functional"),
        ("optim", "optim"),
        ("lr_scheduler", "optim.lr_scheduler"),
    ]:
        try:
            mods[key] = importlib.import_module(f"{root}.{sub}")
        except ImportError as err:
            mods[key] = _Missing(f"{root}.{sub}", err)
    return mods


class _Missing:
    def __init__(self, path, err):
        self._why = f"{path} could not be imported ({type(err).__name__}: {err})"

    def __getattr__(self, attr):
        raise AttributeError(f"{attr}: {self._why}")


def expected(name):
    """The recorded ``{quantity: (array, dtype string)}`` of a case."""
    dtypes = META["cases"][name]["dtypes"]
    return {q: (GOLDEN[f"{name}|{q}"], dtype) for q, dtype in dtypes.items()}


def compare(name, got, want, computed_in=None):
    """Every difference between two results of case ``name``, one line each.

    ``computed_in="torch.float32"`` compares float64 results with float32's tolerance: for
    results PyTorch computes in float32 and only then promotes (their float64 digits carry
    float32 kernels' rounding).
    """
    problems = []
    for q in sorted(set(got) | set(want)):
        if q not in got:
            a, dtype = want[q]
            problems.append(f"{q}: missing (PyTorch gives {dtype} of shape {a.shape})")
            continue
        if q not in want:
            a, dtype = got[q]
            problems.append(f"{q}: PyTorch has no such quantity (got {dtype} of shape {a.shape})")
            continue
        (a, dtype), (e, edtype) = got[q], want[q]
        if dtype != edtype:
            problems.append(f"{q}: dtype {dtype}, PyTorch gives {edtype}")
        if a.shape != e.shape:
            problems.append(f"{q}: shape {a.shape}, PyTorch gives {e.shape}")
            continue
        problem = _value_problem(a, e, computed_in or edtype)
        if problem:
            problems.append(f"{q}: {problem}")
    return [f"case {name!r}, {p}" for p in problems]


def _value_problem(a, e, dtype):
    if e.dtype.kind not in "fc":
        if a.dtype.kind in "fcbiu" and e.dtype.kind in "biu":
            same = np.array_equal(a, e)
        else:
            same = a.dtype.kind == e.dtype.kind and np.array_equal(a, e)
        return None if same else f"values differ (exact comparison)\n  got {a!r}\n  PyTorch {e!r}"
    if a.dtype.kind not in "fciub":
        return f"values of kind {a.dtype.kind!r} where PyTorch has numbers"
    rtol, floor = TOLERANCES.get(dtype, FLOAT32_TOLERANCE)
    g, w = a.astype(np.float64), e.astype(np.float64)
    finite = np.abs(w[np.isfinite(w)])
    atol = floor * (finite.max() if finite.size else 0.0)
    bad = ~np.isclose(g, w, rtol=rtol, atol=atol, equal_nan=True)
    if not bad.any():
        return None
    first = tuple(int(i) for i in np.argwhere(bad)[0]) if bad.ndim else ()
    with np.errstate(invalid="ignore"):
        err = np.where(bad, np.abs(g - w), 0.0)
    return (
        f"{int(bad.sum())} of {bad.size} values differ beyond rtol={rtol:g}, atol={atol:.3g}; "
        f"first at index {first}: got {g[first]!r}, PyTorch {w[first]!r}; "
        f"largest abs error {np.nanmax(err):.3g}"
    )


def check_case(name, mods):
    """Replay case ``name`` on the module set ``mods``; fail naming each differing quantity."""
    assert META["cases"][name]["digest"] == pytest.approx(input_digest(name), rel=1e-12), (
        f"case {name!r}: the inputs differ from the recorded ones (numpy's random stream "
        f"changed?); re-record with tests/fixtures/record_compat.py"
    )
    problems = compare(name, run_case(name, mods), expected(name))
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("name", list(CASES))
def test_compat_matches_pytorch(name):
    check_case(name, module_set("compat"))


@pytest.mark.parametrize("name", list(CASES))
def test_harness_replays_the_fixture_on_torch(name):
    pytest.importorskip("torch")
    check_case(name, module_set("torch"))


def test_fixture_holds_every_case_recorded_with_torch_2_13():
    assert META["torch_version"].startswith("2.13.")
    assert sorted(META["cases"]) == sorted(CASES), "re-record with tests/fixtures/record_compat.py"
    stored = {k for k in GOLDEN.files if k != "__meta__"}
    listed = {f"{c}|{q}" for c, m in META["cases"].items() for q in m["dtypes"]}
    assert stored == listed
    assert GOLDEN_PATH.stat().st_size < 1_000_000


def test_fixture_has_gradients_optimizer_states_and_scheduled_rates():
    # the recording is not vacuous: these quantities exist and hold non-zero numbers
    for name, q in [
        ("Conv2d_dilation_groups", "grad.m.weight"),
        ("BatchNorm1d_train", "buf.m.running_var"),
        ("autograd_grad_create_graph", "grad.x"),
        ("optim_Adam_amsgrad", "out.state.0.max_exp_avg_sq"),
        ("sched_CosineAnnealingLR", "out.lr"),
    ]:
        a, dtype = expected(name)[q]
        assert dtype.startswith("torch.float") and np.abs(a).max() > 0, (name, q)
    params, _ = expected("optim_SGD")["out.params"]
    assert params.shape == (20, 8) and np.all(np.diff(params, axis=0) != 0)


def test_compare_names_the_case_and_the_quantity():
    want = expected("Linear")
    got = dict(want)
    bumped = want["grad.m.weight"][0].copy()
    bumped[1, 2] += 1e-4 * np.abs(bumped).max()  # ten times the float32 tolerance
    got["grad.m.weight"] = (bumped, "torch.float32")
    got["out"] = (want["out"][0].astype(np.float64), "torch.float64")
    del got["grad.m.bias"]
    problems = compare("Linear", got, want)
    assert len(problems) == 3
    assert problems[0].startswith("case 'Linear', grad.m.bias: missing")
    assert "grad.m.weight: 1 of 6 values differ" in problems[1] and "index (1, 2)" in problems[1]
    assert problems[2] == "case 'Linear', out: dtype torch.float64, PyTorch gives torch.float32"


def test_compare_tolerances():
    e = np.array([1.0, -2.0, 0.0, np.nan, np.inf], np.float32)
    close = e * (1 + 5e-6)
    close[2] = 1e-6  # within the floor, 1e-6 * max finite abs(e) = 2e-6
    assert _value_problem(close, e, "torch.float32") is None
    assert _value_problem(e * (1 + 3e-5), e, "torch.float32") is not None
    assert _value_problem(np.array([1 + 1e-9]), np.array([1.0]), "torch.float64") is not None
    assert _value_problem(np.array([1 + 1e-11]), np.array([1.0]), "torch.float64") is None
    assert _value_problem(np.array([1, 3]), np.array([1, 2]), "torch.int64") is not None
    assert _value_problem(np.array(-np.inf), np.array(np.inf), "torch.float32") is not None

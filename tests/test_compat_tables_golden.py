"""compat's op, functional, layer and loss tables against numbers recorded from PyTorch 2.13.

The tables live beside their live-torch tests: ``OPS``, ``CONVENTIONS`` and ``MIXED`` in
test_compat_gradients.py, ``TORCH_CASES`` in test_compat_functional.py, ``LAYER_CASES`` and
``LAYER_CALLS`` in test_compat_layers.py, ``LOSS_CASES`` in test_compat_losses.py. Those
tests compare compat with torch only when torch is installed. tests/fixtures/
record_compat_tables.py ran every row on torch 2.13 with the same helpers (``run``,
``_run``, ``run_layer``) and wrote compat_tables.npz; here each row is replayed on compat
and compared with that recording, so the comparison also runs without torch.

A row is named ``table:id[:mode]:dtype`` (the MIXED rows name their two input dtypes).
The op rows run in float32 and float64 as their live test does; the functional, loss and
layer rows run as written (float32 inputs, with the casts the rows make) and once more
with every float input, and each layer, in float64. Quantities are compared as
test_compat_golden.py compares its cases (float32 to 1e-5 relative, float64 to 1e-10,
each with an absolute floor a tenth of that times the largest expected magnitude;
integers and booleans exactly; dtype strings equal), and the rest of a row's record
(error type and text, ``grad_fn`` names, which inputs get no gradient, a digest of the
inputs) must be equal.
"""

import functools
import json
import pathlib

import numpy as np
import pytest
from test_compat_functional import TORCH_CASES, _run
from test_compat_golden import compare
from test_compat_gradients import CONVENTIONS, MIXED, OPS, make_inputs, run
from test_compat_layers import LAYER_CALLS, LAYER_CASES, run_layer
from test_compat_losses import LOSS_CASES

import compat
import compat.nn.functional  # noqa: F401 (the rows call lib.nn.functional)

FIXTURE = pathlib.Path(__file__).resolve().parent / "fixtures" / "compat_tables.npz"
RECORD = "run tests/fixtures/record_compat_tables.py (needs torch 2.13) to record it"
DTYPES = ("float32", "float64")


# --- what a row records ----------------------------------------------------------------------


def _tensor(t):
    return t.detach().numpy().copy(), str(t.dtype)


def _array(a):
    """A numpy result of the live helpers, with the dtype string torch gives its tensor."""
    return a, f"torch.{a.dtype.name}"


def _digest(arrays):
    """Dtype, shape and a weighted sum of each input: changes when a row's inputs do."""
    out = []
    for a in map(np.asarray, arrays):
        w = np.arange(1, a.size + 1).reshape(a.shape)
        out.append([a.dtype.name, list(a.shape), float(f"{(a.astype(np.float64) * w).sum():.10g}")])
    return out


def _op_row(case, dtype):
    def replay(lib, _recorded):
        arrays = make_inputs(case[0], case[2])
        out, _, grads = run(lib, case, arrays, getattr(lib, dtype))
        got = {"out": _tensor(out)}
        got.update({f"grad.{k}": _tensor(g) for k, g in enumerate(grads) if g is not None})
        no_grad = [k for k, g in enumerate(grads) if g is None]
        return got, {"inputs": _digest(arrays), "no_grad": no_grad}

    return replay


def _convention_row(fn, x):
    def replay(lib, _recorded):
        t = lib.tensor(x, requires_grad=True)
        y = fn(lib, t)
        y.sum().backward()
        return {"out": _tensor(y), "grad.x": _tensor(t.grad)}, {"inputs": _digest([x])}

    return replay


def _mixed_row(fn, dtypes):
    def replay(lib, _recorded):
        a = lib.tensor([0.5, -1.0, 2.0], dtype=getattr(lib, dtypes[0]), requires_grad=True)
        b = lib.tensor([2.0, 3.0, -0.5], dtype=getattr(lib, dtypes[1]), requires_grad=True)
        y = fn(lib, a, b)
        y.sum().backward()
        return {"out": _tensor(y), "grad.a": _tensor(a.grad), "grad.b": _tensor(b.grad)}, {}

    return replay


def _call_row(row, dtype):
    """A ``same_as_torch`` row ``(fn, arrays[, grads])``; float64 casts every float input."""
    fn, arrays, *grads = row
    arrays = [np.asarray(a) for a in arrays]
    grads = grads[0] if grads else [a.dtype.kind == "f" for a in arrays]
    if dtype == "float64":
        arrays = [a.astype(np.float64) if a.dtype.kind == "f" else a for a in arrays]

    def replay(lib, _recorded):
        res = _run(lib, fn, arrays, grads)
        info = {"inputs": _digest(arrays)}
        if isinstance(res, tuple):  # ("error", type name, message)
            return {}, {**info, "error": list(res[1:])}
        got = {f"out.{i}": (v, d) for i, (v, d) in enumerate(zip(res["values"], res["dtypes"]))}
        grads_ = res.get("grads", [])
        got.update({f"grad.{k}": _array(g) for k, g in enumerate(grads_) if g is not None})
        info["grad_fn"] = res["grad_fn"]
        info["backward"] = "grads" in res
        info["no_grad"] = [k for k, g in enumerate(grads_) if g is None]
        return got, info

    return replay


def _layer_row(case, mode, dtype):
    """A ``LAYER_CASES`` row: torch's seeded initial state is recorded and loaded."""
    name, args, kwargs, shape = LAYER_CASES[case]

    def replay(lib, recorded):
        lib.manual_seed(0)
        m = getattr(lib.nn, name)(*args, **kwargs)
        if dtype == "float64":
            m.double()
        if recorded is not None:
            state = {q[6:]: a for q, (a, _) in recorded.items() if q.startswith("state.")}
            m.load_state_dict({k: lib.tensor(a) for k, a in state.items()})
        got = {f"state.{k}": _tensor(v) for k, v in m.state_dict().items()}
        res = run_layer(lib, m, mode, shape, getattr(np, dtype))
        got.update({q: _tensor(t) for q, t in res.items()})
        return got, {"layer": repr((name, args, kwargs, shape)), "order": list(got)}

    return replay


def _rows():
    rows = {}
    for case in OPS:
        for dtype in DTYPES:
            rows[f"ops:{case[0]}:{dtype}"] = _op_row(case, dtype)
    for name, fn, x, _ in CONVENTIONS:
        rows[f"conventions:{name}:float32"] = _convention_row(fn, x)
    for name, fn, dtypes, _ in MIXED:
        rows[f"mixed:{name}:{'+'.join(dtypes)}"] = _mixed_row(fn, dtypes)
    for table, cases in [
        ("functional", TORCH_CASES),
        ("losses", LOSS_CASES),
        ("layer_calls", LAYER_CALLS),
    ]:
        for name, row in cases.items():
            for dtype in DTYPES:
                rows[f"{table}:{name}:{dtype}"] = _call_row(row, dtype)
    for case in LAYER_CASES:
        for mode in ("train", "eval"):
            for dtype in DTYPES:
                rows[f"layers:{case}:{mode}:{dtype}"] = _layer_row(case, mode, dtype)
    return rows


ROWS = _rows()


# --- the recording ---------------------------------------------------------------------------


@functools.cache
def fixture():
    """``(meta, arrays)`` of compat_tables.npz (read once)."""
    with np.load(FIXTURE) as npz:
        arrays = {k: npz[k] for k in npz.files}
    return json.loads(str(arrays.pop("__meta__"))), arrays


def recorded(row):
    """``({quantity: (array, dtype string)}, info)`` recorded for ``row``."""
    meta, arrays = fixture()
    assert row in meta["rows"], f"no recording of row {row!r}: {RECORD}"
    entry = meta["rows"][row]
    return {q: (arrays[f"{row}|{q}"], d) for q, d in entry["dtypes"].items()}, entry["info"]


def record(lib):
    """Every row run on ``lib`` (torch): the npz entries, with a JSON ``__meta__``."""
    arrays, meta = {}, {"torch_version": lib.__version__, "rows": {}}
    for row, replay in ROWS.items():
        got, info = replay(lib, None)
        meta["rows"][row] = {"dtypes": {q: d for q, (_, d) in got.items()}, "info": info}
        arrays.update({f"{row}|{q}": a for q, (a, _) in got.items()})
    arrays["__meta__"] = np.array(json.dumps(meta, sort_keys=True))
    return arrays


def problems(row, lib):
    """Every difference between ``row`` replayed on ``lib`` and its recording, one a line."""
    want, want_info = recorded(row)
    got, info = ROWS[row](lib, want)
    found = compare(
        row, got, want, computed_in="torch.float32" if row in COMPUTED_IN_FLOAT32 else None
    )
    for key in sorted(set(info) | set(want_info)):
        if info.get(key) != want_info.get(key):
            hint = f" ({RECORD} if the row changed)" if key in ("inputs", "layer") else ""
            found.append(
                f"case {row!r}, {key}: {info.get(key)!r}, PyTorch gives "
                f"{want_info.get(key)!r}{hint}"
            )
    return found


# --- the tests -------------------------------------------------------------------------------


# Rows whose float64 results PyTorch computes in float32 and promotes afterwards (a float32
# input with a float64 target: log_softmax / log_sigmoid run in the input's dtype, as compat
# now does too). Their float64 digits carry the rounding of float32 kernels (PyTorch's
# vectorised exp/log round some elements one ulp away from numpy's), so they are held to
# float32's tolerance: with torch's own float32 intermediates compat's formula reproduces the
# recording to 1e-16.
COMPUTED_IN_FLOAT32 = {"losses:ce_probs_f64:float32", "losses:bce_logits_f64_target:float32"}


@pytest.mark.parametrize("row", list(ROWS))
def test_compat_matches_the_recording(row):
    found = problems(row, compat)
    assert not found, "\n".join(found)


def coverage_problems(rows, meta):
    """Rows of the tables without a recording, and recorded rows no table has."""
    found = []
    missing = sorted(set(rows) - set(meta["rows"]))
    if missing:
        found.append(f"rows without a recording: {missing}; {RECORD}")
    stale = sorted(set(meta["rows"]) - set(rows))
    if stale:
        found.append(f"recorded rows no table has: {stale}; {RECORD}")
    return found


def test_fixture_covers_every_row():
    meta, arrays = fixture()
    assert meta["torch_version"].startswith("2.13.")
    found = coverage_problems(ROWS, meta)
    assert not found, "\n".join(found)
    assert COMPUTED_IN_FLOAT32 <= set(ROWS)
    listed = {f"{r}|{q}" for r, e in meta["rows"].items() for q in e["dtypes"]}
    assert set(arrays) == listed
    assert FIXTURE.stat().st_size < 1_500_000


def test_a_new_row_asks_for_a_recording():
    rows = {**ROWS, "ops:new_op:float32": None}
    [found] = coverage_problems(rows, fixture()[0])
    assert "'ops:new_op:float32'" in found
    assert "run tests/fixtures/record_compat_tables.py" in found


def test_recording_holds_values_gradients_states_and_errors():
    # not vacuous: gradients are recorded, layers carry torch's state, errors their text
    for row, q in [
        ("ops:lgamma:float64", "grad.0"),
        ("ops:matmul_3_3_broadcast:float32", "grad.1"),
        ("functional:conv2d:float64", "grad.1"),
        ("losses:ce_weight_mean:float32", "grad.0"),
        ("layers:Conv2d:train:float32", "state.weight"),
        ("layers:BatchNorm2d:train:float64", "buf.running_var"),
    ]:
        a, dtype = recorded(row)[0][q]
        assert dtype.startswith("torch.float") and np.abs(a).max() > 0, (row, q)
        assert dtype.endswith(row.rsplit(":", 1)[1]), (row, q, dtype)
    errors = [r for r, e in fixture()[0]["rows"].items() if "error" in e["info"]]
    assert "losses:ce_bad_batch:float32" in errors
    assert recorded("functional:conv2d:float32")[1]["grad_fn"] == ["ConvolutionBackward0"]


@pytest.mark.parametrize("row", ["ops:sin:float32", "functional:linear:float64"])
def test_differences_name_the_row_dtype_and_quantity(row):
    want, info = recorded(row)
    got = dict(want)
    q = sorted(q for q in want if q.startswith("grad."))[0]
    bumped = want[q][0].copy()
    bumped.flat[0] += 1e-3 * max(1.0, np.abs(bumped).max())
    got[q] = (bumped, want[q][1])
    found = compare(
        row, got, want, computed_in="torch.float32" if row in COMPUTED_IN_FLOAT32 else None
    )
    assert len(found) == 1 and found[0].startswith(f"case {row!r}, {q}: 1 of")
    assert row.endswith(want[q][1].removeprefix("torch."))  # the row's name holds the dtype


def test_a_changed_input_asks_for_a_new_recording(monkeypatch):
    row = "conventions:relu_at_0:float32"
    want, info = recorded(row)
    monkeypatch.setitem(ROWS, row, _convention_row(lambda T, x: x.relu(), [-1.0, 0.5, 1.0]))
    found = problems(row, compat)
    assert any("inputs" in p and "record_compat_tables.py" in p for p in found), found


@pytest.mark.parametrize("row", list(ROWS))
def test_harness_replays_the_recording_on_torch(row):
    torch = pytest.importorskip("torch")
    found = problems(row, torch)
    assert not found, "\n".join(found)

"""The benchmark suite runs end to end at tiny sizes, so it cannot rot. No timing is checked."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORKLOADS = ["W1", "W2", "W3-f32", "W3-f64", "W4", "W5", "W6", "W7", "W8"]


def test_quick_suite_runs_and_agrees(tmp_path):
    out = tmp_path / "bench.json"
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "benchmarks",
            "--quick",
            "--frameworks",
            "numpy,funcgrad",
            "--json",
            str(out),
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    results = json.loads(out.read_text())["results"]
    assert sorted(results) == sorted(WORKLOADS)
    for workload in WORKLOADS:
        for framework in ("numpy", "funcgrad"):
            entry = results[workload][framework]
            where = f"{workload} {framework}: {entry}"
            if workload == "W7" and framework == "funcgrad" and entry["status"] == "n/a":
                continue  # funcgrad.hessian does not exist yet
            assert entry["status"] == "ok", where
            assert entry["agrees"] is True, where
            assert isinstance(entry["ratio"], float) and entry["ratio"] > 0, where
    for framework in ("numpy", "funcgrad"):
        memory = results["W6"][framework]["memory"]
        assert len(memory) == 2 and all(m["bytes_per_op"] > 0 for m in memory)


def test_compat_step_benchmark_runs_and_both_steps_agree():
    """The compat-vs-funcgrad training-step benchmark at tiny sizes: same trajectory."""
    from benchmarks import compat_step

    result = compat_step.main(["--quick"])
    assert result["steps"] == 2
    assert result["compat_ms"] > 0 and result["funcgrad_ms"] > 0
    # the two spellings of one Adam step give the same weights (to float32 rounding)
    assert result["max_relative_weight_difference"] < 1e-6

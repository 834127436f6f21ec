"""Run the suite: ``python -m benchmarks [--quick] [--rounds N] [--only W1,W3] ...``.

Every (framework, workload) pair runs in a fresh worker process (``benchmarks.worker``),
with BLAS pinned to one thread. Rounds are interleaved: round 1 runs every workload
on every framework once, then round 2 does it again, and so on (the framework order
rotates each round), so a slow minute on a shared machine spreads over all of them.
The figures are the median and minimum over all timed calls of all rounds, each also
as a ratio to the numpy baseline measured in the same run.
"""

from __future__ import annotations

import argparse
import datetime
import importlib.metadata
import importlib.util
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

from benchmarks import PINNED_THREADS, RECORDED_ENV, report
from benchmarks.workloads import FRAMEWORKS, WORKLOADS, expand

ROOT = Path(__file__).resolve().parent.parent  # the repository: funcgrad/ and benchmarks/
DEFAULT_JSON = Path(__file__).resolve().parent / "results" / "latest.json"
MAX_SAMPLES_KEPT = 300  # per result in the JSON; beyond that only median, min, p10, p90
WORKER_TIMEOUT = 1800  # seconds; a worker that hangs is reported as an error


def parse_args(argv=None):
    p = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.split("\n")[0])
    p.add_argument(
        "--quick", action="store_true", help="tiny sizes, one round, one call each (the smoke test)"
    )
    p.add_argument("--rounds", type=int, default=5, help="interleaved rounds (default 5)")
    p.add_argument("--only", default="", help="workloads, e.g. W1,W3 (W3 = W3-f32 and W3-f64)")
    p.add_argument(
        "--frameworks",
        default=",".join(FRAMEWORKS),
        help=f"comma-separated, from {','.join(FRAMEWORKS)} (numpy is always run)",
    )
    p.add_argument("--json", type=Path, default=DEFAULT_JSON, help=f"default {DEFAULT_JSON}")
    p.add_argument("--markdown", action="store_true", help="also print a Markdown table")
    p.add_argument(
        "--budget",
        type=float,
        default=None,
        help="seconds of timed calls per worker (default 0.3; 0 with --quick)",
    )
    args = p.parse_args(argv)
    frameworks = [f.strip() for f in args.frameworks.split(",") if f.strip()]
    unknown = [f for f in frameworks if f not in FRAMEWORKS]
    if unknown:
        p.error(f"unknown framework(s) {unknown}; choose from {', '.join(FRAMEWORKS)}")
    if "numpy" not in frameworks:  # every ratio needs the baseline
        frameworks.insert(0, "numpy")
    args.frameworks = frameworks
    try:
        args.workloads = expand(args.only.split(",")) if args.only else list(WORKLOADS)
    except ValueError as e:
        p.error(str(e))
    if args.quick:
        args.rounds = 1
    if args.rounds < 1:
        p.error("--rounds must be at least 1")
    if args.budget is None:
        args.budget = 0.0 if args.quick else 0.3
    return args


def worker_env() -> dict:
    """This process's environment with BLAS pinned and the repository importable.

    OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE, when set, are passed on unchanged.
    """
    env = dict(os.environ)
    env.update(PINNED_THREADS)
    path = env.get("PYTHONPATH")
    env["PYTHONPATH"] = str(ROOT) + (os.pathsep + path if path else "")
    return env


def run_worker(args: list[str], env: dict) -> dict:
    """Run ``python -m benchmarks.worker ARGS`` and parse the JSON it prints."""
    cmd = [sys.executable, "-m", "benchmarks.worker", *args]
    try:
        proc = subprocess.run(
            cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=WORKER_TIMEOUT
        )
    except subprocess.TimeoutExpired:
        return {"status": "error", "note": f"timed out after {WORKER_TIMEOUT} s"}
    lines = proc.stdout.strip().splitlines()
    try:
        return json.loads(lines[-1])
    except (IndexError, json.JSONDecodeError):
        tail = (proc.stderr or proc.stdout).strip().splitlines()[-5:]
        return {"status": "error", "note": f"worker exited {proc.returncode}: " + " | ".join(tail)}


def installed(framework: str) -> bool:
    return importlib.util.find_spec(FRAMEWORKS[framework]) is not None


def _version(dist: str) -> str | None:
    try:
        return importlib.metadata.version(dist)
    except importlib.metadata.PackageNotFoundError:
        return None


def _git(*cmd: str) -> str | None:
    try:
        out = subprocess.run(["git", *cmd], cwd=ROOT, capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return out.stdout.strip() if out.returncode == 0 else None


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def machine(env: dict) -> dict:
    """Where and with what the suite ran."""
    probe = run_worker(["--info"], env)
    dirty = _git("status", "--porcelain", "--", "funcgrad")
    return {
        "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "cpu": _cpu_model(),
        "cores": os.cpu_count(),
        "cores_usable": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None,
        "load_average_start": list(os.getloadavg()) if hasattr(os, "getloadavg") else None,
        "platform": platform.platform(),
        "python": platform.python_version(),
        "versions": {d: _version(d) for d in ("numpy", "torch", "autograd", "threadpoolctl")},
        "funcgrad_commit": _git("rev-parse", "--short", "HEAD"),
        "funcgrad_uncommitted_changes": bool(dirty) if dirty is not None else None,
        "env_parent": {k: os.environ.get(k) for k in RECORDED_ENV},
        "env_workers": {k: env.get(k) for k in RECORDED_ENV},
        "workers_see": probe,
    }


def collect(args, env, log) -> dict:
    """Run the rounds; return {workload: {framework: [worker records, one per round]}}."""
    runs: dict[str, dict[str, list[dict]]] = {
        w: {f: [] for f in args.frameworks} for w in args.workloads
    }
    present = {f: installed(f) for f in args.frameworks}
    for r in range(args.rounds):
        k = r % len(args.frameworks)
        order = args.frameworks[k:] + args.frameworks[:k]
        for w in args.workloads:
            for f in order:
                if not present[f]:
                    if r == 0:
                        runs[w][f].append({"status": "not installed"})
                    continue
                flags = ["--budget", str(args.budget)]
                flags += ["--min-calls", "1" if args.quick else "3"]
                flags += ["--quick"] * args.quick + ["--memory"] * (r == 0)
                t0 = time.perf_counter()
                rec = run_worker([f, w, *flags], env)
                runs[w][f].append(rec)
                log(
                    f"round {r + 1}/{args.rounds}  {w:7s} {f:9s} "
                    f"{report.progress(rec)}  ({time.perf_counter() - t0:.1f} s)"
                )
    return runs


def summarize(runs: dict) -> dict:
    """Per workload and framework: status, samples, median, min, ratios to numpy, memory."""
    results: dict[str, dict[str, dict]] = {}
    for w, by_fw in runs.items():
        results[w] = {}
        for f, recs in by_fw.items():
            ok = [r for r in recs if r.get("status") == "ok"]
            first = recs[0] if recs else {"status": "not run"}
            if not ok:
                entry = {k: first[k] for k in ("status", "note", "traceback") if k in first}
                results[w][f] = entry
                continue
            samples = [s for r in ok for s in r["samples"]]
            entry = {
                "status": "ok" if len(ok) == len(recs) else "partly failed",
                "unit": WORKLOADS[w].unit,
                "median": statistics.median(samples),
                "min": min(samples),
                "calls": len(samples),
                "rounds": len(ok),
                "agrees": all(r["agrees"] for r in ok),
                "max_err": max(r["max_err"] for r in ok),
            }
            if len(samples) >= 2:
                deciles = statistics.quantiles(samples, n=10)
                entry["p10"], entry["p90"] = deciles[0], deciles[-1]
            if len(samples) <= MAX_SAMPLES_KEPT:
                entry["samples"] = samples
            faults = [r["page_faults_per_call"] for r in ok if "page_faults_per_call" in r]
            if faults:
                entry["page_faults_per_call"] = statistics.median(faults)
            for key in ("disagreement", "peak_bytes", "memory", "memory_note", "torch_threads"):
                for r in ok:
                    if key in r:
                        entry[key] = r[key]
                        break
            errors = [r.get("note") for r in recs if r.get("status") != "ok"]
            if errors:
                entry["note"] = errors[0]
            results[w][f] = entry
        add_ratios(results[w])
    return results


def add_ratios(by_fw: dict) -> None:
    """Each framework's median and min, and memory, over numpy's, in place."""
    base = by_fw.get("numpy", {})
    if base.get("status") not in ("ok", "partly failed"):
        return
    base_mem = {m["n_ops"]: m["bytes_per_op"] for m in base.get("memory", [])}
    for entry in by_fw.values():
        if "median" not in entry:
            continue
        entry["ratio"] = entry["median"] / base["median"]
        entry["ratio_min"] = entry["min"] / base["min"]
        for m in entry.get("memory", []):
            if base_mem.get(m["n_ops"]):
                m["ratio"] = m["bytes_per_op"] / base_mem[m["n_ops"]]


def main(argv=None) -> int:
    args = parse_args(argv)
    env = worker_env()

    def log(msg):
        print(msg, file=sys.stderr, flush=True)

    started = time.perf_counter()
    meta = machine(env)
    runs = collect(args, env, log)
    meta["load_average_end"] = list(os.getloadavg()) if hasattr(os, "getloadavg") else None
    meta["seconds"] = round(time.perf_counter() - started, 1)
    results = summarize(runs)
    targets = report.targets(results)
    doc = {
        "command": "python -m benchmarks " + " ".join(sys.argv[1:] if argv is None else argv),
        "config": {
            "quick": args.quick,
            "rounds": args.rounds,
            "budget_s": args.budget,
            "frameworks": args.frameworks,
            "workloads": args.workloads,
        },
        "machine": meta,
        "workloads": {
            w: {"title": WORKLOADS[w].title, "unit": WORKLOADS[w].unit} for w in args.workloads
        },
        "results": results,
        "targets": targets,
    }
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(doc, indent=1) + "\n")

    print(report.text_table(results, args.frameworks))
    print()
    for t in targets:
        print(t["text"])
    if args.markdown:
        print()
        print(report.markdown(doc))
    print(f"\nJSON: {args.json}  ({meta['seconds']} s)")
    failed = [
        (w, f)
        for w, by in results.items()
        for f, e in by.items()
        if e.get("status") in ("error", "partly failed")
    ]
    for w, f in failed:
        print(f"ERROR: {w} {f}: {results[w][f].get('note')}", file=sys.stderr)
    return 1 if failed else 0

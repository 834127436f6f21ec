"""One measurement in a fresh process: ``python -m benchmarks.worker FRAMEWORK WORKLOAD``.

Prints one JSON object on stdout. The orchestrator (``run.py``) starts one worker per
(framework, workload) and round; a worker can also be run by hand to look at a single
figure. ``python -m benchmarks.worker --info`` prints what the workers see of the
machine (BLAS and its thread count, versions).

In a worker: BLAS threads are pinned to one before numpy is imported; the result is
computed once and checked against the numpy baseline (``agrees``); then warm-up
calls, then timed calls until ``--budget`` seconds have passed and at least
``--min-calls`` were made. Peak memory is measured with tracemalloc (numpy reports its
array allocations to it; torch does not).
"""

import os

from benchmarks import PINNED_THREADS

os.environ.update(PINNED_THREADS)  # before numpy is imported, here or by a framework

import argparse  # noqa: E402
import gc  # noqa: E402
import importlib  # noqa: E402
import json  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
import traceback  # noqa: E402
import tracemalloc  # noqa: E402

import numpy as np  # noqa: E402

from benchmarks.workloads import IMPL_MODULES, WORKLOADS, NotAvailable, data  # noqa: E402


def time_calls(fn, budget: float, min_calls: int, warmup: float) -> tuple[list[float], float]:
    """Seconds of each call of ``fn``, after untimed warm-up calls for ``warmup`` seconds.

    Also returns the minor page faults per timed call (fresh memory pages the process
    touched): a diagnostic, since memory handed back to the OS and taken again shows
    up as time.
    """
    start = time.perf_counter()
    while time.perf_counter() - start < warmup:
        fn()
    gc.collect()
    times: list[float] = []
    faults = _minor_faults()
    start = time.perf_counter()
    while len(times) < min_calls or time.perf_counter() - start < budget:
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return times, (_minor_faults() - faults) / len(times)


def _minor_faults() -> int:
    try:
        import resource
    except ImportError:  # not on this platform: report zero
        return 0
    return resource.getrusage(resource.RUSAGE_SELF).ru_minflt


def peak_bytes(fn) -> int:
    """Peak traced memory allocated during one call of ``fn`` (its result included)."""
    gc.collect()
    tracemalloc.start()
    try:
        base = tracemalloc.get_traced_memory()[0]
        out = fn()
        peak = tracemalloc.get_traced_memory()[1] - base
    finally:
        tracemalloc.stop()
    del out
    return peak


def _leaves(tree, path=""):
    """(path, array) pairs of nested dicts (sorted keys), tuples and lists."""
    if isinstance(tree, dict):
        for k in sorted(tree):
            yield from _leaves(tree[k], f"{path}[{k!r}]")
    elif isinstance(tree, (tuple, list)):
        for i, v in enumerate(tree):
            yield from _leaves(v, f"{path}[{i}]")
    else:
        yield path, np.asarray(tree)


def compare(got, ref, rtol: float) -> tuple[bool, float, str]:
    """Whether ``got`` matches ``ref`` leaf by leaf, the worst error, and a reason.

    Each leaf must have the reference's shape and dtype (float32 stays float32) and satisfy
    ``|got - ref| <= rtol * (|ref| + max |ref|)``, which is a relative check on each
    element with an absolute floor at the leaf's scale. The error reported is
    ``max |got - ref| / max |ref|`` over all leaves.
    """
    got_leaves, ref_leaves = list(_leaves(got)), list(_leaves(ref))
    if [p for p, _ in got_leaves] != [p for p, _ in ref_leaves]:
        return False, float("inf"), "structure differs from the numpy baseline's"
    worst, ok, why = 0.0, True, ""
    for (path, g), (_, r) in zip(got_leaves, ref_leaves):
        if g.shape != r.shape:
            return False, float("inf"), f"{path}: shape {g.shape}, numpy baseline {r.shape}"
        if g.dtype != r.dtype:
            ok, why = False, why or f"{path}: dtype {g.dtype}, numpy baseline {r.dtype}"
        r64, g64 = r.astype(np.float64), g.astype(np.float64)
        scale = float(np.max(np.abs(r64))) if r64.size else 0.0
        err = float(np.max(np.abs(g64 - r64))) if r64.size else 0.0
        rel = err / scale if scale > 0 else err
        worst = max(worst, rel)
        if not np.all(np.abs(g64 - r64) <= rtol * (np.abs(r64) + scale)):
            ok, why = False, why or f"{path}: max error {rel:.3g} of scale (rtol {rtol:g})"
    return ok, worst, why


def _per_call(workload, d, seconds: list[float]) -> list[float]:
    """Seconds per call in the workload's unit (per op for the chains)."""
    div = d["n_ops"] if workload.per_op else 1
    return [s * workload.scale / div for s in seconds]


def measure(
    framework: str, workload_id: str, *, quick: bool, memory: bool, budget: float, min_calls: int
) -> dict:
    """Run one (framework, workload) and return the JSON-ready record."""
    workload = WORKLOADS[workload_id]
    out = {"framework": framework, "workload": workload_id, "unit": workload.unit}
    try:
        impl = importlib.import_module(IMPL_MODULES[framework])
    except ImportError as e:
        missing = getattr(e, "name", None)
        if missing and missing.split(".")[0] == framework:
            return {**out, "status": "not installed"}
        raise
    from benchmarks.workloads import numpy_impl

    d = data.make(workload.data_id, quick)
    build = getattr(impl, f"build_{workload.kind}")
    try:
        fn = build(d)
    except NotAvailable as e:
        return {**out, "status": "n/a", "note": str(e)}
    if workload.memory_only and framework == "torch":
        return {
            **out,
            "status": "skipped",
            "note": "torch's allocations are not reported to tracemalloc",
        }

    ref = getattr(numpy_impl, f"build_{workload.kind}")(d)()
    t0 = time.perf_counter()
    got = impl.to_numpy(fn())
    first = time.perf_counter() - t0
    agrees, err, why = compare(got, ref, workload.rtol)
    out.update(status="ok", agrees=agrees, max_err=err)
    if why:
        out["disagreement"] = why
    del got, ref

    if workload.memory_only:
        peak = peak_bytes(fn)
        out.update(samples=[peak / 1e6], peak_bytes=peak)
        return out
    # warm up (the check above was the first call) unless one call outlasts the budget
    warmup = budget / 3 if first < budget else 0.0
    seconds, faults = time_calls(fn, budget, min_calls, warmup)
    out["samples"] = _per_call(workload, d, seconds)
    out["page_faults_per_call"] = faults
    if memory and "memory_ops" in d and framework != "torch":
        rows = []
        for n in d["memory_ops"]:
            peak = peak_bytes(build({**d, "n_ops": n}))
            rows.append({"n_ops": n, "peak_bytes": peak, "bytes_per_op": peak / n})
        out["memory"] = rows
    elif memory and "memory_ops" in d:
        out["memory_note"] = "torch's allocations are not reported to tracemalloc"
    if framework == "torch":
        import torch

        out["torch_threads"] = torch.get_num_threads()
    return out


def machine_info() -> dict:
    """What a worker sees: BLAS libraries and their thread counts, numpy's build."""
    info = {"numpy": np.__version__, "python": sys.version.split()[0]}
    try:
        from threadpoolctl import threadpool_info

        info["threadpools"] = threadpool_info()
    except ImportError:
        try:
            blas = np.show_config(mode="dicts")["Build Dependencies"]["blas"]
            info["blas"] = {k: blas.get(k) for k in ("name", "version", "openblas configuration")}
        except Exception as e:  # older numpy: no dict mode
            info["blas"] = f"unknown ({type(e).__name__})"
    return info


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="One benchmark measurement; prints JSON.")
    parser.add_argument("framework", nargs="?", choices=sorted(IMPL_MODULES))
    parser.add_argument("workload", nargs="?", choices=list(WORKLOADS))
    parser.add_argument("--quick", action="store_true", help="tiny sizes")
    parser.add_argument("--memory", action="store_true", help="also W6's memory at 2 lengths")
    parser.add_argument("--budget", type=float, default=0.3, help="seconds of timed calls")
    parser.add_argument("--min-calls", type=int, default=3)
    parser.add_argument("--info", action="store_true", help="print machine info and exit")
    args = parser.parse_args(argv)
    if args.info:
        print(json.dumps(machine_info()))
        return 0
    if not (args.framework and args.workload):
        parser.error("give FRAMEWORK and WORKLOAD, or --info")
    try:
        result = measure(
            args.framework,
            args.workload,
            quick=args.quick,
            memory=args.memory,
            budget=args.budget,
            min_calls=args.min_calls,
        )
    except Exception as e:
        result = {
            "framework": args.framework,
            "workload": args.workload,
            "status": "error",
            "note": f"{type(e).__name__}: {e}",
            "traceback": traceback.format_exc(),
        }
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())

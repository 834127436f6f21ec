"""Turning results into a plain-text table, a Markdown table, and issue 3's target checks."""

from __future__ import annotations

from benchmarks.workloads import WORKLOADS

#: Issue 3's targets: (workload, framework, compared with, limit, strict, what).
#: ratio = median of ``framework`` / median of ``compared with``, measured in one run.
TARGETS = [
    ("W1", "funcgrad", "autograd", 0.25, False, "per op"),
    ("W1", "funcgrad", "torch", 1.0, True, "per op"),
    ("W2", "funcgrad", "autograd", 0.25, False, "per op"),
    ("W2", "funcgrad", "torch", 1.0, True, "per op"),
    ("W3-f64", "funcgrad", "numpy", 1.15, False, "time"),
    ("W4", "funcgrad", "numpy", 1.05, False, "time"),
    ("W5", "funcgrad", "torch", 1.0, True, "total time"),
    ("W6", "funcgrad", "autograd", 0.25, True, "time"),
    ("W8", "funcgrad", "numpy", 1.2, False, "peak memory"),
]

#: bytes/op at the longest W6 chain over bytes/op at the shortest: at most this is linear.
LINEAR_MEMORY_SLACK = 1.1


def fmt(v: float) -> str:
    """A figure with about three significant digits, without exponents."""
    a = abs(v)
    if a >= 100:
        return f"{v:,.0f}"
    if a >= 10:
        return f"{v:.1f}"
    if a >= 1:
        return f"{v:.2f}"
    if a >= 0.01:
        return f"{v:.3f}"
    return f"{v:.2g}"


def progress(rec: dict) -> str:
    """One worker's result in a few words, for the progress log."""
    if rec.get("status") != "ok":
        return rec.get("note") or rec.get("status", "?")
    med = sorted(rec["samples"])[len(rec["samples"]) // 2]
    calls = "peak" if "peak_bytes" in rec else f"{len(rec['samples'])} calls"
    flag = "" if rec["agrees"] else "  DISAGREES with numpy"
    return f"{fmt(med)} {rec['unit']} ({calls}){flag}"


def _status_text(e: dict) -> str:
    if e.get("status") == "not installed":
        return "not installed"
    if e.get("status") == "skipped":
        return "skipped (not traced)"
    return e.get("note") if e.get("status") == "n/a" else e.get("status", "?")


def _rows(results: dict, frameworks: list[str]):
    """(label, unit, {framework: entry-like dict}) for every table row, memory rows included."""
    for w, by_fw in results.items():
        yield w, WORKLOADS[w].unit, {f: by_fw.get(f, {"status": "not run"}) for f in frameworks}
        lengths = sorted({m["n_ops"] for e in by_fw.values() for m in e.get("memory", [])})
        for n in lengths:
            cells = {}
            for f in frameworks:
                e = by_fw.get(f, {})
                m = next((m for m in e.get("memory", []) if m["n_ops"] == n), None)
                if m is not None:
                    cells[f] = {
                        "status": "ok",
                        "median": m["bytes_per_op"],
                        "ratio": m.get("ratio"),
                        "agrees": e.get("agrees", True),
                    }
                elif e.get("status") == "ok":
                    cells[f] = {"status": "skipped"}
                else:
                    cells[f] = e
            yield f"{w} mem {n:,}", "B/op", cells


def _cell(e: dict, markdown: bool) -> str:
    if e.get("status") not in ("ok", "partly failed"):
        return _status_text(e)
    s = fmt(e["median"])
    if not markdown and "min" in e:
        s += f" [{fmt(e['min'])}]"
    if e.get("ratio") is not None:
        s += f" ({e['ratio']:.2f}x)" if markdown else f" {e['ratio']:.2f}x"
    if not e.get("agrees", True):
        s += " !"
    return s


def text_table(results: dict, frameworks: list[str]) -> str:
    """Workloads down, frameworks across; each cell: median [min] ratio-to-numpy."""
    header = ["workload", "unit", *frameworks]
    rows = [
        [label, unit, *(_cell(cells[f], False) for f in frameworks)]
        for label, unit, cells in _rows(results, frameworks)
    ]
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    lines = ["  ".join(h.ljust(n) for h, n in zip(header, widths))]
    lines.append("  ".join("-" * n for n in widths))
    lines += ["  ".join(c.ljust(n) for c, n in zip(r, widths)) for r in rows]
    lines.append("cells: median [min] and median / numpy's median; '!' = gradient disagrees")
    for w, by_fw in results.items():
        for f, e in by_fw.items():
            if e.get("status") == "ok" and not e.get("agrees", True):
                lines.append(
                    f"WARNING: {w} {f} does not agree with the numpy baseline: "
                    f"{e.get('disagreement', '')}"
                )
    return "\n".join(lines)


def _ratio(results, w, f, g, key="median"):
    a, b = results.get(w, {}).get(f, {}), results.get(w, {}).get(g, {})
    if key not in a or key not in b:
        missing = f if key not in a else g
        why = results.get(w, {}).get(missing, {}).get("status", "not run")
        return None, f"{missing} {why}"
    return a[key] / b[key], None


def targets(results: dict) -> list[dict]:
    """Issue 3's targets, each with its measured ratio and whether it is met."""
    out = []
    for w, f, g, limit, strict, what in TARGETS:
        if w not in results:
            continue
        ratio, why = _ratio(results, w, f, g)
        op = "<" if strict else "<="
        name = f"{w} {f}/{g} {what}"
        if ratio is None:
            met, text = None, f"{name}: not measured ({why})"
        else:
            met = ratio < limit if strict else ratio <= limit
            text = f"{name} = {ratio:.2f} (target {op} {limit:g}): {'met' if met else 'NOT met'}"
        out.append(
            {
                "workload": w,
                "framework": f,
                "against": g,
                "ratio": ratio,
                "limit": limit,
                "op": op,
                "met": met,
                "text": text,
            }
        )
    mem = results.get("W6", {}).get("funcgrad", {}).get("memory", [])
    if len(mem) >= 2:
        short, long = mem[0], mem[-1]
        growth = long["bytes_per_op"] / short["bytes_per_op"]
        met = growth <= LINEAR_MEMORY_SLACK
        text = (
            f"W6 funcgrad memory: {fmt(short['bytes_per_op'])} B/op at {short['n_ops']:,} "
            f"ops, {fmt(long['bytes_per_op'])} B/op at {long['n_ops']:,}, ratio "
            f"{growth:.2f} (target <= {LINEAR_MEMORY_SLACK:g}, linear): "
            f"{'met' if met else 'NOT met'}"
        )
        out.append(
            {
                "workload": "W6",
                "framework": "funcgrad",
                "against": "itself",
                "ratio": growth,
                "limit": LINEAR_MEMORY_SLACK,
                "op": "<=",
                "met": met,
                "text": text,
            }
        )
    return out


def _blas(machine: dict) -> str:
    pools = machine.get("workers_see", {}).get("threadpools") or []
    blas = [p for p in pools if p.get("user_api") == "blas"]
    if blas:
        p = blas[0]
        return (
            f"{p.get('internal_api')} {p.get('version')} ({p.get('architecture')}), "
            f"{p.get('num_threads')} thread"
        )
    info = machine.get("workers_see", {}).get("blas")
    return info.get("name", "?") if isinstance(info, dict) else str(info or "?")


def markdown(doc: dict) -> str:
    """The table for the README's Performance section, with the machine and the command."""
    results, frameworks = doc["results"], doc["config"]["frameworks"]
    m = doc["machine"]
    lines = [
        "| workload | unit | " + " | ".join(frameworks) + " |",
        "|---|---|" + "---:|" * len(frameworks),
    ]
    for label, unit, cells in _rows(results, frameworks):
        title = WORKLOADS[label].title if label in WORKLOADS else "peak memory per op"
        row = [f"{label}: {title}", unit, *(_cell(cells[f], True) for f in frameworks)]
        lines.append("| " + " | ".join(row) + " |")
    v = m.get("versions", {})
    tools = ", ".join(f"{k} {v[k]}" for k in ("numpy", "autograd", "torch") if v.get(k))
    lines += [
        "",
        f"Median over all timed calls of {doc['config']['rounds']} interleaved rounds; "
        "the ratio (x) is the median over hand-written numpy's in the same run. "
        f"{m.get('cpu')}, {m.get('cores')} cores; Python {m.get('python')}, {tools}; "
        f"BLAS {_blas(m)}. funcgrad at {m.get('funcgrad_commit')}"
        f"{' with uncommitted changes' if m.get('funcgrad_uncommitted_changes') else ''}. "
        f"Command: `{doc['command'].strip()}`.",
    ]
    return "\n".join(lines)

"""The workload table: what each benchmark measures, its unit, and its implementations.

Each framework module (``numpy_impl``, ``funcgrad_impl``, ``autograd_impl``,
``torch_impl``) exposes one builder per *kind*: ``build_<kind>(data)`` returns a
function of no arguments that does the work once and returns its result (gradients,
final parameters, a Hessian). ``to_numpy(result)`` turns that result into numpy
arrays, so every framework can be checked against the numpy baseline.

This module imports nothing heavy: the orchestrator reads it without numpy.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["FRAMEWORKS", "IMPL_MODULES", "NotAvailable", "WORKLOADS", "Workload", "expand"]


class NotAvailable(Exception):
    """A framework cannot run a workload (e.g. funcgrad has no ``hessian`` yet)."""


@dataclass(frozen=True)
class Workload:
    """One benchmark: a kind of computation on a fixed data set, and how to report it.

    Attributes:
        id: the name used on the command line and in the results (``"W3-f64"``).
        kind: which builder runs it (``build_<kind>`` in every framework module).
        title: one line for the README and the table legend.
        unit: the unit of the reported figure.
        scale: factor from seconds per call to ``unit``.
        per_op: divide each call's time by the chain length (``data["n_ops"]``).
        memory_only: report peak traced memory (MB) of one call instead of time.
        rtol: tolerance of the agreement check against the numpy baseline.
        data: the data set (another workload's id when shared, else ``id``).
    """

    id: str
    kind: str
    title: str
    unit: str
    scale: float = 1.0
    per_op: bool = False
    memory_only: bool = False
    rtol: float = 1e-6
    data: str = ""

    @property
    def data_id(self) -> str:
        return self.data or self.id


WORKLOADS: dict[str, Workload] = {
    w.id: w
    for w in [
        Workload(
            "W1",
            "chain",
            "grad of a 1,000-op scalar chain, 0-d float64",
            "us/op",
            scale=1e6,
            per_op=True,
        ),
        Workload(
            "W2", "chain", "the same chain on float64[100], summed", "us/op", scale=1e6, per_op=True
        ),
        Workload(
            "W3-f32",
            "mlp",
            "value_and_grad, 784-512-512-10 tanh MLP, batch 128, f32",
            "ms",
            scale=1e3,
            rtol=2e-3,
        ),
        Workload("W3-f64", "mlp", "the same MLP step in float64", "ms", scale=1e3),
        Workload(
            "W4",
            "tanh_matmul",
            "grad of sum(tanh(A@B)@C) wrt A, B, C, 1024^2 f32",
            "ms",
            scale=1e3,
            rtol=2e-3,
        ),
        Workload(
            "W5",
            "linreg",
            "linear regression: 100 epochs of full-batch GD",
            "ms",
            scale=1e3,
            rtol=1e-4,
        ),
        Workload("W6", "chain", "grad through a 100,000-op scalar chain", "s"),
        Workload("W7", "hessian", "hessian of sum(tanh(W@x)), x of 50", "ms", scale=1e3),
        Workload(
            "W8",
            "mlp",
            "peak traced memory of the W3-f64 step",
            "MB",
            memory_only=True,
            data="W3-f64",
        ),
    ]
}

#: Framework name -> the module that must be importable for it to run.
FRAMEWORKS = {"numpy": "numpy", "funcgrad": "funcgrad", "autograd": "autograd", "torch": "torch"}

#: Framework name -> its implementation module in this package.
IMPL_MODULES = {name: f"benchmarks.workloads.{name}_impl" for name in FRAMEWORKS}


def expand(names: list[str]) -> list[str]:
    """Workload ids from user names; ``W3`` stands for both ``W3-f32`` and ``W3-f64``."""
    out = []
    for name in names:
        name = name.strip().upper().replace("F32", "f32").replace("F64", "f64")
        matches = [w for w in WORKLOADS if w == name or w.split("-")[0] == name]
        if not matches:
            raise ValueError(f"unknown workload {name!r}; choose from {', '.join(WORKLOADS)}")
        out.extend(m for m in matches if m not in out)
    return [w for w in WORKLOADS if w in out]

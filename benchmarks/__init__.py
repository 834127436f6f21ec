"""funcgrad's benchmark suite: ``python -m benchmarks`` (see benchmarks/README.md).

This package imports nothing heavy: the orchestrator (``run.py``) stays free of numpy,
and each measurement runs in a fresh ``python -m benchmarks.worker`` process.
"""

#: Set in every worker's environment before numpy (or torch) is imported, so BLAS and
#: OpenMP run one thread: every framework gets the same single core.
PINNED_THREADS = {
    "OPENBLAS_NUM_THREADS": "1",
    "OMP_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
}

#: Environment variables recorded in the results (set or not) but never changed.
RECORDED_ENV = (
    *PINNED_THREADS,
    "OPENBLAS_CORETYPE",
    "OPENBLAS_L2_SIZE",
    "OPENBLAS_VERBOSE",
    "NUMEXPR_NUM_THREADS",
)

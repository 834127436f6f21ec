"""Shared test setup: hypothesis profiles (few examples in CI, more locally)."""

import os
import uuid

import numpy as np
import pytest
from hypothesis import HealthCheck, settings

from funcgrad import _primitive
from funcgrad.extend import defop

# The recorder needs torch (an optional extra); its output is committed beside it.
collect_ignore = ["fixtures/record_torch.py", "fixtures/record_compat.py"]
collect_ignore.append("fixtures/record_torch_files.py")  # compat.load's fixture files
collect_ignore.append("fixtures/record_compat_tables.py")  # the op/layer/loss tables
collect_ignore.append("fixtures/record_compat_polynomial.py")  # the cubic-fit lessons

settings.register_profile(
    "ci", max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile(
    "dev", max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile("thorough", max_examples=400, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))


@pytest.fixture
def rng():
    """A fresh, seeded random generator for each test."""
    return np.random.default_rng(0)


@pytest.fixture
def scratch_defop():
    """``defop`` under a unique name; the op is taken out of the registry afterwards.

    Deliberately broken (or counting) ops must not stay registered: the gradient-check
    table reads the registry at run time and would pick them up.
    """
    made = []

    def make(impl, **kwargs):
        name = f"scratch_{kwargs.pop('name')}_{uuid.uuid4().hex[:8]}"
        fn = defop(impl, name=name, **kwargs)
        made.append((name, fn))
        return name, fn

    yield make
    for name, fn in made:
        _primitive._REGISTRY.pop(name, None)
        _primitive._BY_FUNCTION.pop(id(fn), None)

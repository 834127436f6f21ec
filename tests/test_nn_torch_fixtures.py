"""funcgrad's conv and pooling against numbers recorded from PyTorch 2.13.

The numbers come from tests/fixtures/record_torch.py (inputs from a fixed generator,
outputs and gradients of sum(out * cotangent)); this test needs no torch.
"""

import pathlib
import sys

import numpy as np
import pytest

import funcgrad as fg
import funcgrad.nn.functional as F

HERE = pathlib.Path(__file__).resolve().parent / "fixtures"
sys.path.insert(0, str(HERE))
from torch_cases import CASES, inputs  # noqa: E402

RECORDED = np.load(HERE / "torch_conv_pool.npz")


@pytest.mark.parametrize("name", sorted(CASES))
def test_matches_recorded_pytorch(name):
    fn_name, _, kwargs = CASES[name]
    arrays, _ = inputs(name)
    fn = getattr(F, fn_name)
    out = fn(*arrays, **kwargs)
    np.testing.assert_allclose(out, RECORDED[f"{name}/out"], rtol=1e-10, atol=1e-12)
    ct = RECORDED[f"{name}/ct"]
    grads = fg.grad(
        lambda *xs: fg.numpy.sum(fn(*xs, **kwargs) * ct), argnums=tuple(range(len(arrays)))
    )(*arrays)
    for i, g in enumerate(grads):
        np.testing.assert_allclose(g, RECORDED[f"{name}/grad{i}"], rtol=1e-10, atol=1e-12)


def test_fixture_was_recorded_with_the_specified_torch():
    assert str(RECORDED["torch_version"]).startswith("2.13.")

"""The gradient-check table: every registered op, from its declaration alone.

A new op declared with ``defop`` (domain and ``check`` data beside its rules) is
checked here at orders 1 and 2, on hypothesis-drawn shapes and values, with no edit
to this file.
"""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import funcgrad as fg
import funcgrad.numpy as fnp
from funcgrad.extend import ZERO, primitive_of, registry
from funcgrad.testing import check_grads
from funcgrad.testing import strategies as fst

DIFFERENTIABLE = sorted(n for n, p in registry().items() if not p.nondiff)


def _split(prim, args, kwargs):
    """The differentiable arguments, and f of those alone (the rest held fixed)."""
    diff = [i for i in range(len(args)) if prim.variadic or prim.vjps[i] is not ZERO]

    def f(*xs):
        full = list(args)
        for i, x in zip(diff, xs):
            full[i] = x
        return prim.fn(*full, **kwargs)

    return f, tuple(args[i] for i in diff)


@pytest.mark.parametrize("name", DIFFERENTIABLE)
@given(data=st.data())
def test_gradients_orders_1_and_2(name, data):
    prim = registry()[name]
    args, kwargs = data.draw(fst.op_inputs(prim), label="args, kwargs")
    f, xs = _split(prim, args, kwargs)
    check_grads(f, xs, order=2)


@pytest.mark.parametrize("name", DIFFERENTIABLE)
@given(data=st.data())
def test_float32_stays_float32(name, data):
    prim = registry()[name]
    args, kwargs = data.draw(fst.op_inputs(prim, dtype=np.float32), label="args, kwargs")
    f, xs = _split(prim, args, kwargs)
    out, pullback = fg.vjp(f, *xs)
    if "dtype" not in kwargs:
        assert out.dtype == np.float32, f"{name} returned {out.dtype} for float32 inputs"
    grads = pullback(fnp.ones_like(out))
    for x, g in zip(xs, grads):
        assert g.dtype == np.float32 and g.shape == x.shape


def test_every_export_is_registered():
    missing = []
    for name in fnp.__all__:
        obj = getattr(fnp, name)
        if callable(obj) and not isinstance(obj, type) and primitive_of(obj) is None:
            missing.append(name)
    assert not missing, f"funcgrad.numpy exports functions with no registry entry: {missing}"


def test_registry_declarations_are_complete():
    for name, prim in registry().items():
        if prim.nondiff:
            continue
        assert prim.variadic or len(prim.vjps) >= 1, name
        domains = prim.domain if isinstance(prim.domain, tuple) else (prim.domain,)
        assert all(d in fst.DOMAINS for d in domains), (name, prim.domain)


def test_missing_numpy_function_is_an_attribute_error():
    with pytest.raises(AttributeError):
        fnp.this_function_does_not_exist  # noqa: B018

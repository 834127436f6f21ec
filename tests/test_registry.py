"""The gradient-check table: every registered op, from its declaration alone.

A new op declared with ``defop`` (domain and ``check`` data beside its rules) is
checked here at orders 1 and 2, on hypothesis-drawn shapes and values, with no edit
to this file.
"""

import numpy as np
import pytest
from hypothesis import given, strategies as st

import funcgrad as fg
import funcgrad.numpy as fnp
from funcgrad.extend import ZERO, primitive_of, registry
from funcgrad.testing import check_grads, strategies as fst
from funcgrad.testing._table import supports_complex

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
    outs = out if isinstance(out, tuple) else (out,)  # ops with several results
    if "dtype" not in kwargs:
        for o in outs:  # complex64 is float32's complex counterpart (fft)
            assert o.dtype in (np.float32, np.complex64), f"{name} returned {o.dtype}"
    grads = pullback(tuple(map(fnp.ones_like, outs)) if outs is out else fnp.ones_like(out))
    for x, g in zip(xs, grads):
        assert g.dtype == np.float32 and g.shape == x.shape


COMPLEX = sorted(n for n in DIFFERENTIABLE if supports_complex(registry()[n]))


@pytest.mark.parametrize("name", COMPLEX)
@given(data=st.data())
def test_complex_gradients_orders_1_and_2(name, data):
    prim = registry()[name]
    args, kwargs = data.draw(fst.op_inputs(prim, dtype=np.complex128), label="args, kwargs")
    f, xs = _split(prim, args, kwargs)
    check_grads(f, xs, order=2)


def test_complex_table_is_not_empty_and_excludes_orderings():
    assert {"sin", "exp", "matmul", "sum", "getitem", "log"} <= set(COMPLEX)
    assert not {"maximum", "minimum", "max", "min", "clip"} & set(COMPLEX)


def test_every_export_is_registered():
    missing = []
    for prefix, module in (("", fnp), ("linalg.", fnp.linalg), ("fft.", fnp.fft)):
        for name in module.__all__:
            obj = getattr(module, name)
            if callable(obj) and not isinstance(obj, type) and primitive_of(obj) is None:
                missing.append(prefix + name)
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

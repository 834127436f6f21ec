"""Every user error of the core transforms; each message says the rule, what came, what to do."""

import numpy as np
import pytest

import funcgrad as fg
import funcgrad.numpy as fnp
from funcgrad.extend import unbroadcast

# --- what a differentiated function must return ---------------------------------------


def test_non_scalar_output_names_shape_and_suggests_jacrev():
    with pytest.raises(TypeError) as err:
        fg.grad(lambda x: x * 2.0)(np.ones((3, 2)))
    msg = str(err.value)
    assert "scalar output" in msg
    assert "(3, 2)" in msg
    assert "jacrev" in msg and ".sum()" in msg


def test_value_and_grad_non_scalar_output_names_value_and_grad():
    with pytest.raises(TypeError, match=r"^value_and_grad needs .* shape \(4,\)"):
        fg.value_and_grad(lambda x: x)(np.ones(4))


def test_tuple_output_without_has_aux_suggests_has_aux():
    with pytest.raises(TypeError) as err:
        fg.grad(lambda x: (x**2, x))(1.0)
    msg = str(err.value)
    assert "scalar output" in msg and "tuple of length 2" in msg
    assert "has_aux=True" in msg


def test_list_output_suggests_vjp():
    with pytest.raises(TypeError, match=r"list of length 1.*vjp"):
        fg.grad(lambda x: [x])(1.0)


@pytest.mark.parametrize(
    "out, described",
    [
        (lambda x: x * 2.0, "an array of shape ()"),
        (lambda x: (x, 1.0, 2.0), "a tuple of length 3"),
        (lambda x: [x], "a list of length 1"),
    ],
)
def test_has_aux_with_a_non_pair(out, described):
    with pytest.raises(TypeError) as err:
        fg.grad(out, has_aux=True)(1.0)
    msg = str(err.value)
    assert msg.startswith("grad:")
    assert "pair (output, aux)" in msg
    assert described in msg


def test_integer_output_has_no_gradient():
    with pytest.raises(TypeError, match=r"floating-point output.*int64.*no gradient"):
        fg.grad(lambda x: fnp.sum(x > 0))(np.ones(2))


def test_non_array_output_says_what_arrived():
    with pytest.raises(TypeError, match=r"returned a str.*has_aux=True"):
        fg.grad(lambda x: "loss")(1.0)


# --- what may be differentiated -------------------------------------------------------


@pytest.mark.parametrize(
    "arg, dtype",
    [
        (np.array([1, 2], dtype=np.int32), "int32"),
        (np.int64(3), "int64"),
        (np.array([True, False]), "bool"),
        (True, "bool"),
    ],
)
def test_integer_and_bool_inputs_name_argument_and_dtype(arg, dtype):
    with pytest.raises(TypeError) as err:
        fg.grad(lambda x: fnp.sum(x * 2.0))(arg)
    msg = str(err.value)
    assert msg.startswith("grad: argument 0 ")
    assert f"dtype {dtype}" in msg
    assert "floating-point" in msg
    assert "astype(float)" in msg and "argnums" in msg  # the ways out


def test_python_int_input_suggests_a_float_literal():
    with pytest.raises(TypeError, match=r"argument 0 has dtype int\d+.*3\.0 instead of 3"):
        fg.grad(lambda x: x * 2.0)(3)


def test_integer_leaf_in_a_pytree_names_its_key_path():
    params = {"w": np.array([1, 2], dtype=np.int32), "b": 0.5}
    with pytest.raises(TypeError) as err:
        fg.grad(lambda p: fnp.sum(p["w"] * p["b"]))(params)
    assert "argument 0 ['w'] has dtype int32" in str(err.value)


def test_key_path_counts_arguments_by_position_under_argnums():
    params = {"layers": [{"w": np.ones(2)}, {"w": np.array([True])}]}
    with pytest.raises(TypeError) as err:
        fg.grad(lambda x, p: x * 2.0, argnums=(0, 1))(1.0, params)
    assert "argument 1 ['layers'][1]['w'] has dtype bool" in str(err.value)


def test_value_and_grad_integer_input_names_value_and_grad():
    with pytest.raises(TypeError, match=r"^value_and_grad: argument 1 has dtype int32"):
        fg.value_and_grad(lambda a, b: a * b, argnums=1)(1.0, np.int32(2))


@pytest.mark.parametrize("argnums", [2, -3, (0, 2), (5,)])
def test_argnums_out_of_range(argnums):
    with pytest.raises(ValueError) as err:
        fg.grad(lambda a, b: a * b, argnums=argnums)(1.0, 2.0)
    msg = str(err.value)
    assert f"argnums={argnums!r}" in msg
    assert "2 positional argument" in msg
    assert "change argnums" in msg


def test_argnums_empty_tuple():
    with pytest.raises(TypeError, match=r"argnums must be an int or a non-empty tuple of ints"):
        fg.grad(lambda a: a, argnums=())(1.0)


@pytest.mark.parametrize("argnums", [0.5, "0", [0, None]])
def test_argnums_of_the_wrong_type(argnums):
    with pytest.raises(TypeError) as err:
        fg.grad(lambda a: a, argnums=argnums)(1.0)
    assert "argnums must be an int or a non-empty tuple of ints" in str(err.value)


def test_string_argument_is_not_differentiable():
    with pytest.raises(TypeError) as err:
        fg.grad(lambda s: 1.0)("hello")
    msg = str(err.value)
    assert "grad: argument 0 is a str" in msg
    assert "cannot differentiate" in msg
    assert "arrays" in msg and "pytrees" in msg  # what is accepted
    assert "closure" in msg and "argnums" in msg  # what to do


def test_object_leaf_names_its_key_path():
    with pytest.raises(TypeError) as err:
        fg.grad(lambda t: t["a"][0] * 2.0)({"a": [1.0, object()]})
    msg = str(err.value)
    assert "argument 0 ['a'][1]" in msg
    assert "object" in msg and "cannot differentiate" in msg


def test_vjp_names_vjp_for_bad_primals():
    with pytest.raises(TypeError, match=r"^vjp: argument 1 is a str"):
        fg.vjp(lambda x, s: x, 1.0, "s")


def test_vjp_needs_a_callable():
    with pytest.raises(TypeError, match=r"vjp needs a callable.*got int"):
        fg.vjp(5, 1.0)


# --- escapes from the trace -----------------------------------------------------------


def test_np_asarray_on_traced_value():
    with pytest.raises(TypeError) as err:
        fg.grad(lambda x: np.asarray(x).sum())(np.ones(3))
    msg = str(err.value)
    assert "grad" in msg and "plain numpy array" in msg and "drop its gradient" in msg
    assert "funcgrad.numpy" in msg and "stop_gradient" in msg


def test_np_array_of_list_with_traced_value():
    with pytest.raises(TypeError, match="plain numpy array"):
        fg.grad(lambda x: np.array([x, 1.0]).sum())(1.0)


@pytest.mark.parametrize("convert", [float, int, complex])
def test_python_number_conversion_of_traced_value(convert):
    with pytest.raises(TypeError) as err:
        fg.grad(lambda x: convert(x) * x)(2.0)
    msg = str(err.value)
    name = convert.__name__
    assert msg.startswith(f"{name}() of a traced value (traced by grad)")
    assert f"{name}(funcgrad.stop_gradient(x))" in msg
    assert "if x > 0" in msg


def test_item_on_traced_value_refuses_like_float():
    with pytest.raises(TypeError, match=r"float\(\) of a traced value"):
        fg.grad(lambda x: x.sum().item())(np.ones(2))


def test_float_after_stop_gradient_is_allowed():
    seen = []

    def f(x):
        seen.append(float(fg.stop_gradient(x)))
        return x * 2.0

    np.testing.assert_allclose(fg.grad(f)(1.5), 2.0)
    assert seen == [1.5]


def test_numpy_function_without_rule_says_none_exists():
    with pytest.raises(TypeError) as err:
        fg.grad(lambda x: fnp.sum(np.histogram(x)[1]))(np.ones(3))
    msg = str(err.value)
    assert "numpy.histogram" in msg and "no differentiation rule" in msg
    assert "funcgrad.numpy has no histogram" in msg
    assert "funcgrad.extend.defop" in msg


def test_numpy_ufunc_without_rule():
    with pytest.raises(TypeError, match=r"numpy\.spacing .*funcgrad\.numpy has no spacing"):
        fg.grad(lambda x: fnp.sum(np.spacing(x)))(np.ones(3))


def test_ufunc_reduce_points_at_the_reduction():
    with pytest.raises(TypeError) as err:
        fg.grad(lambda x: np.add.reduce(x))(np.ones(3))
    msg = str(err.value)
    assert "numpy.add.reduce" in msg
    assert "funcgrad.numpy.sum" in msg
    assert "funcgrad.numpy.add instead" not in msg  # fnp.add does not reduce


def test_ufunc_at_is_an_in_place_write():
    def f(x):
        np.add.at(x, [0], 1.0)
        return fnp.sum(x)

    with pytest.raises(TypeError, match=r"numpy\.add\.at.*in place"):
        fg.grad(f)(np.ones(3))


def test_numpy_function_with_rule_works_and_gives_the_gradient(rng):
    x = rng.standard_normal(4)
    g = fg.grad(lambda x: fnp.sum(np.sin(x) * np.exp(x)))(x)
    np.testing.assert_allclose(g, np.cos(x) * np.exp(x) + np.sin(x) * np.exp(x), rtol=1e-12)


def test_setitem_on_traced_value():
    def f(x):
        x[0] = 1.0
        return fnp.sum(x)

    with pytest.raises(TypeError) as err:
        fg.grad(f)(np.ones(3))
    msg = str(err.value)
    assert "immutable" in msg and "x[i] = v" in msg
    assert "fnp.where" in msg


def test_out_argument_on_ufunc():
    buf = np.zeros(3)

    def f(x):
        np.sin(x, out=buf)
        return fnp.sum(x)

    with pytest.raises(TypeError) as err:
        fg.grad(f)(np.ones(3))
    msg = str(err.value)
    assert "numpy.sin(..., out=...)" in msg and "in place" in msg and "Drop out=" in msg
    np.testing.assert_array_equal(buf, np.zeros(3))  # and nothing was written


@pytest.mark.parametrize(
    "transform, call",
    [
        ("grad", lambda f: fg.grad(f)(1.0)),
        ("value_and_grad", lambda f: fg.value_and_grad(f)(1.0)),
        ("vjp", lambda f: fg.vjp(f, 1.0)),
    ],
)
def test_leaked_tracer_names_its_transform(transform, call):
    leaked = []

    def f(x):
        leaked.append(x)
        return x * 2.0

    call(f)
    for use in (lambda t: t * 2.0, lambda t: fnp.sin(t), lambda t: t[None]):
        with pytest.raises(fg.UnexpectedTracerError) as err:
            use(leaked[0])
        msg = str(err.value)
        assert f"created by {transform} " in msg and f"after {transform} returned" in msg
        assert "stop_gradient" in msg and "Return the value" in msg


def test_leaked_tracer_mixed_with_a_live_one():
    leaked = []
    fg.grad(lambda x: leaked.append(x) or x * 1.0)(1.0)
    with pytest.raises(fg.UnexpectedTracerError, match="created by grad"):
        fg.grad(lambda y: y * leaked[0])(2.0)


# --- broken rules and bad cotangents --------------------------------------------------


def test_rule_with_wrong_cotangent_shape_names_primitive_and_argument(scratch_defop):
    name, op = scratch_defop(
        lambda x: x * 2.0, name="shape", vjp=lambda g, ans, x: fnp.sum(g) * 2.0
    )
    with pytest.raises(fg.RuleError) as err:
        fg.grad(lambda x: fnp.sum(op(x)))(np.ones(3))
    msg = str(err.value)
    assert f"primitive '{name}'" in msg and "argument 0" in msg
    assert "shape ()" in msg and "shape (3,)" in msg
    assert "unbroadcast" in msg


def test_rule_with_wrong_cotangent_dtype(scratch_defop):
    name, op = scratch_defop(
        lambda x: x * 2.0, name="dtype", vjp=lambda g, ans, x: fnp.astype(g * 2.0, np.float32)
    )
    with pytest.raises(fg.RuleError) as err:
        fg.grad(lambda x: fnp.sum(op(x)))(np.ones(3))
    msg = str(err.value)
    assert f"primitive '{name}'" in msg and "argument 0" in msg
    assert "float32 array of shape (3,)" in msg and "float64 array of shape (3,)" in msg


def test_rule_forgetting_unbroadcast_names_the_second_argument(scratch_defop):
    name, op = scratch_defop(
        lambda x, y: x * y,
        name="nounbroadcast",
        vjp=(lambda g, ans, x, y: unbroadcast(g * y, x), lambda g, ans, x, y: g * x),
    )
    # the correct first rule passes; the second returns shape (3,) for a (1,) argument
    with pytest.raises(fg.RuleError) as err:
        fg.grad(lambda x, y: fnp.sum(op(x, y)), argnums=(0, 1))(np.ones(3), np.ones(1))
    msg = str(err.value)
    assert f"primitive '{name}' for argument 1" in msg
    assert "shape (3,)" in msg and "shape (1,)" in msg


def test_rule_returning_a_non_array(scratch_defop):
    name, op = scratch_defop(lambda x: x * 2.0, name="type", vjp=lambda g, ans, x: [1.0, 2.0])
    with pytest.raises(fg.RuleError) as err:
        fg.grad(lambda x: fnp.sum(op(x)))(np.ones(2))
    msg = str(err.value)
    assert f"primitive '{name}'" in msg and "a list" in msg and "shape (2,)" in msg


def test_correct_scratch_rule_passes(scratch_defop):
    # the control: the same machinery with a correct rule gives the gradient
    _, op = scratch_defop(lambda x: x**3, name="control", vjp=lambda g, ans, x: g * 3.0 * x**2)
    np.testing.assert_allclose(fg.grad(lambda x: fnp.sum(op(x)))(np.arange(3.0)), [0, 3, 12])


@pytest.mark.parametrize(
    "cotangent, fragment",
    [
        (np.ones(2), "float64 array of shape (2,), but its output is float64 of shape (3,)"),
        (np.ones(3, np.float32), "float32 array of shape (3,), but its output is float64"),
        (np.ones((3, 1)), "shape (3, 1)"),
        (1.0, "shape (), but its output is float64 of shape (3,)"),
    ],
)
def test_vjp_fn_with_wrong_cotangent_shape_or_dtype(cotangent, fragment):
    _, pullback = fg.vjp(lambda x: x * 2.0, np.ones(3))
    with pytest.raises(ValueError) as err:
        pullback(cotangent)
    msg = str(err.value)
    assert msg.startswith("vjp: cotangent 0 ")
    assert fragment in msg
    assert "must match its output's shape and dtype" in msg


def test_vjp_fn_with_wrong_cotangent_type():
    _, pullback = fg.vjp(lambda x: x * 2.0, np.ones(3))
    with pytest.raises(TypeError, match=r"cotangent 0 is a str; expected an array"):
        pullback("one")


def test_vjp_fn_with_wrong_cotangent_structure():
    _, pullback = fg.vjp(lambda x: {"a": x, "b": x}, np.ones(3))
    with pytest.raises(ValueError, match=r"structure .* does not match the output's"):
        pullback([np.ones(3), np.ones(3)])
    # after the errors the pullback still works
    np.testing.assert_array_equal(pullback({"a": np.ones(3), "b": np.ones(3)})[0], 2 * np.ones(3))


# --- funcgrad.numpy surface -----------------------------------------------------------


def test_missing_fnp_name_is_attribute_error():
    with pytest.raises(AttributeError, match="missing_name"):
        fnp.missing_name  # noqa: B018
    assert not hasattr(fnp, "histogram")  # a real numpy name without a rule is absent too


def test_traced_value_is_unhashable_like_ndarray():
    def f(x):
        with pytest.raises(TypeError, match="unhashable"):
            hash(x)
        return x * 1.0

    fg.grad(f)(1.0)


def test_traced_index_must_be_integer_or_bool():
    with pytest.raises(IndexError, match="traced float64"):
        fg.grad(lambda x: fnp.sum(x[x]))(np.ones(3))


def test_len_of_0d_traced_value():
    with pytest.raises(TypeError, match="0-d traced value"):
        fg.grad(lambda x: len(x) * x)(1.0)

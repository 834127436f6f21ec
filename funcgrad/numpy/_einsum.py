"""einsum: any subscripts, ellipsis, implicit mode, repeated indices, any number of operands.

The public function rewrites numpy's subscripts into one explicit form (every
ellipsis spelled out with unused letters, the output always given), and the
primitive works on that form alone.

The cotangent of operand k is itself one einsum: the output's cotangent times the
other operands, summed to operand k's letters. Three things need care:

* a letter repeated in operand k (``"ii->i"``) takes the cotangent on the diagonal
  only: each repeat gets a fresh letter tied to the first by an identity matrix;
* a letter of length 1 in operand k but longer elsewhere (broadcasting) sums the
  cotangent over that letter: the position gets a fresh letter of length 1;
* a letter found in operand k alone (summed out right away), or of length 1 in
  every other operand, spreads the cotangent over it: a vector of ones carries it.
"""

from __future__ import annotations

import string
from collections import Counter
from itertools import chain

import numpy as np

import funcgrad.numpy as fnp
from funcgrad._core import concrete
from funcgrad._primitive import defop, export, primitive_of

#: Letters einsum accepts, in the order numpy sorts them (and sublist integers map to).
_LETTERS = string.ascii_uppercase + string.ascii_lowercase


def _einsum_impl(*operands, subscripts, optimize=False):
    return np.einsum(subscripts, *operands, optimize=optimize)


class _EachArgument(tuple):
    """The JVP rules of a variadic op: ``rules[i]`` is ``rule`` for argument i.

    A tuple, so that ``defop`` keeps it as the rule table; callable as
    ``rule(i, t, ans, *args)`` too, for a ``defop`` that wraps variadic rules itself.
    """

    def __new__(cls, rule):
        self = super().__new__(cls)
        self.rule = rule
        return self

    def __getitem__(self, i):
        rule = self.rule
        return lambda t, ans, *args, **kw: rule(i, t, ans, *args, **kw)

    def __call__(self, i, t, ans, *args, **kw):
        return self.rule(i, t, ans, *args, **kw)


def _split(subscripts):
    inputs, output = subscripts.split("->")
    return inputs.split(","), output


def _sizes(terms, shapes):
    """Each letter's length: the longest among the operands (length 1 broadcasts)."""
    sizes: dict[str, int] = {}
    for term, shape in zip(terms, shapes):
        for c, n in zip(term, shape):
            if sizes.get(c, 1) == 1:
                sizes[c] = n
    return sizes


def _einsum_vjp(k, g, ans, *operands, subscripts, optimize=False):
    terms, output = _split(subscripts)
    shapes = [np.shape(op) for op in operands]
    sizes = _sizes(terms, shapes)
    x = operands[k]
    fresh = iter(c for c in _LETTERS if c not in subscripts)
    dtype = g.dtype
    inputs = [output] + [t for j, t in enumerate(terms) if j != k]
    args = [g] + [op for j, op in enumerate(operands) if j != k]
    target = []
    seen = set()
    for c, n in zip(terms[k], shapes[k]):
        if n == 1 and sizes[c] != 1:  # broadcast here: sum the cotangent over c
            f = next(fresh)
            inputs.append(f)
            args.append(np.ones(1, dtype))
            target.append(f)
        elif c in seen:  # a repeat: the diagonal only
            f = next(fresh)
            inputs.append(c + f)
            args.append(np.eye(n, dtype=dtype))
            target.append(f)
        else:
            seen.add(c)
            target.append(c)
    longest: dict[str, int] = {}  # each letter's length among the einsum's inputs
    for term, arg in zip(inputs, args):
        for c, n in zip(term, np.shape(arg)):
            longest[c] = max(longest.get(c, 1), n)
    for c in sorted(seen):
        n = shapes[k][terms[k].index(c)]
        if longest.get(c, 0) < n:
            # summed out in operand k alone, or broadcast in all the others: the
            # cotangent spreads along c
            inputs.append(c)
            args.append(np.ones(n, dtype))
    spec = ",".join(inputs) + "->" + "".join(target)
    out = _einsum(*args, subscripts=spec, optimize=optimize)
    return out if out.dtype == x.dtype else fnp.astype(out, x.dtype)


def _einsum_jvp(k, t, ans, *operands, subscripts, optimize=False):
    args = list(operands)
    args[k] = t
    return _einsum(*args, subscripts=subscripts, optimize=optimize)


_einsum = defop(
    _einsum_impl,
    name="einsum",
    vjp=_einsum_vjp,
    jvp=_EachArgument(_einsum_jvp),
    variadic=True,
    saves="args",
    check={
        "cases": [
            (((2, 3), (3, 4)), {"subscripts": "ij,jk->ik"}),
            (((3, 3),), {"subscripts": "ii->i"}),
            (((3, 3),), {"subscripts": "ii->"}),
            (((2, 3),), {"subscripts": "ij->ji"}),
            (((2, 3, 2),), {"subscripts": "iji->j"}),
            (((2, 2, 3), (3, 2)), {"subscripts": "iij,jk->ik"}),
            (((3, 3), (3,)), {"subscripts": "ii,i->i"}),
            (((2, 3), (3,), (2,)), {"subscripts": "ij,j,i->"}),
            (((2, 1), (3,)), {"subscripts": "ij,j->ij"}),
            (((2, 3), (2,)), {"subscripts": "ij,k->ik"}),
            (((), (2, 3)), {"subscripts": ",ij->ji"}),
            (((2, 1, 3), (4, 3), (2, 4)), {"subscripts": "abc,dc,ad->ab"}),
        ]
    },
)


def _sublist(sub) -> str:
    out = []
    for s in sub:
        if s is Ellipsis:
            out.append("...")
        elif isinstance(s, (int, np.integer)) and 0 <= int(s) < len(_LETTERS):
            out.append(_LETTERS[int(s)])
        else:
            raise ValueError(
                "einsum: subscripts in a sublist must be integers in [0, 52) or "
                f"Ellipsis; got {s!r}"
            )
    return "".join(out)


def _from_sublists(args):
    """numpy's other calling form ``einsum(op0, sub0, op1, sub1, ..., [out])``."""
    args = list(args)
    out = _sublist(args.pop()) if len(args) % 2 else None
    operands, terms = args[0::2], [_sublist(s) for s in args[1::2]]
    subscripts = ",".join(terms) + ("" if out is None else "->" + out)
    return subscripts, operands


def _explicit(subscripts: str, shapes) -> str:
    """numpy subscripts in the explicit form: no ellipsis, the output spelled out."""
    subscripts = subscripts.replace(" ", "")
    inputs, arrow, output = subscripts.partition("->")
    terms = inputs.split(",")
    if len(terms) != len(shapes):
        raise ValueError(
            f"einsum: the subscripts {subscripts!r} name {len(terms)} operands; "
            f"{len(shapes)} were given"
        )
    for part in terms + [output]:
        bad = set(part.replace("...", "")) - set(_LETTERS)
        if bad or part.count("...") > 1:
            raise ValueError(
                f"einsum: invalid subscripts {subscripts!r}: only letters, ',', '->' "
                "and one '...' per operand are allowed"
            )
    spare = [c for c in _LETTERS if c not in subscripts]
    ellipsis = 0
    for term, shape in zip(terms, shapes):
        letters = len(term.replace("...", ""))
        if "..." in term:
            if letters > len(shape):
                raise ValueError(
                    f"einsum: operand with subscripts {term!r} has {len(shape)} dimensions"
                )
            ellipsis = max(ellipsis, len(shape) - letters)
        elif letters != len(shape):
            raise ValueError(
                f"einsum: subscripts {term!r} name {letters} dimensions; the operand "
                f"has {len(shape)} (shape {shape})"
            )
    if ellipsis > len(spare):
        raise ValueError("einsum: too many dimensions for the letters left by the subscripts")
    dims = "".join(spare[:ellipsis])

    def spell(term, n):
        return term.replace("...", dims[ellipsis - n :] if n else "")

    terms = [spell(t, len(s) - len(t.replace("...", ""))) for t, s in zip(terms, shapes)]
    if not arrow:
        counts = Counter(chain.from_iterable(terms))
        output = dims + "".join(sorted(c for c, n in counts.items() if n == 1 and c not in dims))
    elif "..." in output:
        output = output.replace("...", dims)
    elif ellipsis:
        raise ValueError(
            "einsum: the operands' '...' stands for dimensions the output does not "
            "name; add '...' to the output"
        )
    return ",".join(terms) + "->" + output


def einsum(*operands, optimize=False):
    """Einstein summation, as ``numpy.einsum``: ``einsum("ij,jk->ik", a, b)``.

    Any subscripts: ellipsis, implicit mode (no ``->``: the output is the letters
    seen once, sorted), repeated letters (``"ii->i"`` the diagonal, ``"ii"`` the
    trace), broadcasting of length-1 dimensions, any number of operands, and numpy's
    sublist form ``einsum(a, [0, 1], b, [1, 2])``. ``optimize`` is passed to numpy.

    Example:
        >>> import numpy as np, funcgrad as fg, funcgrad.numpy as fnp
        >>> fnp.einsum("ii", np.array([[1.0, 2.0], [3.0, 4.0]]))
        np.float64(5.0)
        >>> fg.grad(lambda a: fnp.einsum("ij,ij->", a, a))(np.array([[1.0, 2.0]]))
        array([[2., 4.]])
    """
    if not operands:
        raise TypeError("einsum needs subscripts and at least one operand")
    if isinstance(operands[0], str):
        subscripts, ops = operands[0], list(operands[1:])
    else:
        subscripts, ops = _from_sublists(operands)
    shapes = [np.shape(concrete(op)) for op in ops]
    return _einsum(*ops, subscripts=_explicit(subscripts, shapes), optimize=optimize)


export(einsum, primitive_of(_einsum))

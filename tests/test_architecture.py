"""The arrows of DESIGN.md hold: funcgrad never imports compat; nn, optim and data never
import the transforms (differentiating is the caller's job)."""

import ast
import pathlib
import re

ROOT = pathlib.Path(__file__).resolve().parent.parent / "funcgrad"
TRANSFORMS = {"funcgrad._transforms", "funcgrad._jacobian", "funcgrad._custom"}
TRANSFORM_NAMES = {"grad", "value_and_grad", "vjp", "jvp", "jacrev", "jacfwd", "hessian", "hvp"}


def _imports(path):
    """(module, names) for every import statement in a file."""
    tree = ast.parse(path.read_text(), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, ()
        elif isinstance(node, ast.ImportFrom) and node.module:
            yield node.module, tuple(a.name for a in node.names)


def _modules():
    return sorted(ROOT.rglob("*.py"))


def test_funcgrad_never_imports_compat():
    bad = [
        (str(p.relative_to(ROOT)), m)
        for p in _modules()
        for m, _ in _imports(p)
        if m == "compat" or m.startswith("compat.")
    ]
    assert not bad, f"funcgrad imports compat: {bad}"


def _training_modules():
    for p in _modules():
        rel = p.relative_to(ROOT).as_posix()
        top = rel.split("/")[0].removesuffix(".py").lstrip("_")
        if top in ("nn", "optim", "data") or top.startswith(("optim", "data")):
            yield p


def test_training_modules_do_not_differentiate():
    bad = []
    for p in _training_modules():
        for module, names in _imports(p):
            if module in TRANSFORMS or (module == "funcgrad" and TRANSFORM_NAMES & set(names)):
                bad.append((str(p.relative_to(ROOT)), module, names))
    assert not bad, f"nn/optim/data import a transform: {bad}"


def test_the_check_sees_the_training_modules():
    names = {p.relative_to(ROOT).as_posix() for p in _training_modules()}
    assert any(n.startswith("nn/") for n in names) or not (ROOT / "nn").exists()


COMPAT = ROOT.parent / "compat"


def _compat_modules():
    return sorted(COMPAT.rglob("*.py"))


def test_compat_never_imports_torch():
    bad = [
        (str(p.relative_to(COMPAT)), m)
        for p in _compat_modules()
        for m, _ in _imports(p)
        if m == "torch" or m.startswith("torch.")
    ]
    assert _compat_modules(), "compat has no modules"
    assert not bad, f"compat imports torch: {bad}"


def test_compat_uses_only_funcgrads_public_api():
    """compat is built on what any user can import: no funcgrad._private module or name."""
    bad = []
    for p in _compat_modules():
        for module, names in _imports(p):
            if not (module == "funcgrad" or module.startswith("funcgrad.")):
                continue
            private = [part for part in module.split(".") if part.startswith("_")]
            private += [n for n in names if n.startswith("_")]
            if private:
                bad.append((str(p.relative_to(COMPAT)), module, names))
        # attributes of funcgrad's traced values (Traced._value, ._node, ._trace)
        for token in re.findall(r"\._(?:value|node|trace)\b", p.read_text()):
            bad.append((str(p.relative_to(COMPAT)), "uses funcgrad internals", token))
    assert not bad, f"compat reaches into funcgrad's private API: {bad}"

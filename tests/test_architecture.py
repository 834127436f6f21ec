"""The arrows of DESIGN.md hold: funcgrad never imports compat; nn, optim and data never
import the transforms (differentiating is the caller's job)."""

import ast
import pathlib

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

"""The generated coverage page is up to date, and the README's examples run."""

import importlib.util
import pathlib

ROOT = pathlib.Path(__file__).resolve().parent.parent


def test_ops_page_is_current():
    spec = importlib.util.spec_from_file_location("ops_table", ROOT / "docs" / "ops_table.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    expected = module.render()
    actual = (ROOT / "docs" / "ops.md").read_text()
    assert actual == expected, "docs/ops.md is stale: run `python docs/ops_table.py`"

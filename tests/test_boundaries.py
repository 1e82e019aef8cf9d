"""Architecture rules that reviews forget: the core/UI boundary and where SQL lives."""

from __future__ import annotations

import ast
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
GLUE_PACKAGE = ("kora", "web")


def _imports(path: Path) -> set[str]:
    """Every module a file imports, in full ('kora.db.adapter', 'streamlit.runtime', …)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{a.name}" for a in node.names)
    return names


def _touches(imported: set[str], forbidden: set[str]) -> set[str]:
    return {name for name in imported for f in forbidden if name == f or name.startswith(f + ".")}


def test_only_the_glue_package_imports_streamlit() -> None:
    offenders = [
        str(p.relative_to(ROOT))
        for p in (ROOT / "kora").rglob("*.py")
        if p.relative_to(ROOT).parts[:2] != GLUE_PACKAGE and _touches(_imports(p), {"streamlit"})
    ]
    assert offenders == []


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("from kora.db import status_store", {"kora.db"}),
        ("from kora import db", {"kora.db"}),
        ("import duckdb", {"duckdb"}),
        ("import streamlit as st", {"streamlit"}),
        ("from streamlit.runtime import x", {"streamlit"}),
        ("from kora import fmt, labels", set()),
        ("import numpy as np", set()),
    ],
)
def test_the_purity_check_sees_every_import_form(tmp_path: Path, source: str, expected: set[str]) -> None:
    """The old check kept only the first part of a module name and so never saw `from kora.db import …`."""
    module = tmp_path / "m.py"
    module.write_text(source + "\n", encoding="utf-8")
    found = _touches(_imports(module), PURE_FORBIDDEN)
    assert {f for f in PURE_FORBIDDEN if any(n == f or n.startswith(f + ".") for n in found)} == expected


PURE_FORBIDDEN = {"duckdb", "streamlit", "kora.db", "kora.web", "os", "pathlib"}


def test_metrics_is_pure() -> None:
    assert _touches(_imports(ROOT / "kora" / "metrics.py"), PURE_FORBIDDEN) == set()


SQL = re.compile(r"\b(SELECT|INSERT|UPDATE|DELETE)\b\s+(\*|[a-z_]+|INTO|FROM)", re.IGNORECASE)


def test_sql_lives_only_in_the_db_package() -> None:
    offenders = []
    for p in [ROOT / "app.py", *(ROOT / "pages").rglob("*.py"), *(ROOT / "kora").rglob("*.py")]:
        rel = p.relative_to(ROOT)
        if rel.parts[:2] == ("kora", "db"):
            continue
        for node in ast.walk(ast.parse(p.read_text(encoding="utf-8"))):
            is_sql = isinstance(node, ast.Constant) and isinstance(node.value, str) and SQL.search(node.value)
            if is_sql and re.search(r"\bFROM\b|\bINTO\b|\bSET\b", node.value):
                offenders.append(f"{rel}:{node.lineno}")
    assert offenders == []


def test_pages_do_not_touch_the_driver_or_pandas() -> None:
    offenders = [
        str(p.relative_to(ROOT))
        for p in [ROOT / "app.py", *(ROOT / "pages").rglob("*.py")]
        if _imports(p) & {"duckdb", "pandas"}
    ]
    assert offenders == []


def test_no_page_script_directly_in_pages() -> None:
    """Streamlit's MPA v1 would serve such a file on a deep link without app.py (pages/README.md)."""
    assert sorted(p.name for p in (ROOT / "pages").glob("*.py")) == []


def test_every_page_file_is_registered_in_app() -> None:
    app = (ROOT / "app.py").read_text(encoding="utf-8")
    files = sorted(str(p.relative_to(ROOT)) for p in (ROOT / "pages").rglob("*.py") if p.name != "__init__.py")
    assert [f for f in files if f'"{f}"' not in app] == []


MAX_MODULE_LINES = 500
MAX_FUNCTION_LINES = 60


def _functions(tree: ast.AST) -> list[ast.FunctionDef | ast.AsyncFunctionDef]:
    return [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)]


def test_modules_and_functions_stay_small() -> None:
    """A maintainer reads a module in one sitting and a function on one screen."""
    long_modules, long_functions = [], []
    for p in sorted((ROOT / "kora").rglob("*.py")):
        text = p.read_text(encoding="utf-8")
        rel = p.relative_to(ROOT)
        if len(text.splitlines()) > MAX_MODULE_LINES:
            long_modules.append(f"{rel} ({len(text.splitlines())})")
        for fn in _functions(ast.parse(text)):
            start = min([fn.lineno, *(d.lineno for d in fn.decorator_list)])
            length = (fn.end_lineno or fn.lineno) - start + 1
            if length > MAX_FUNCTION_LINES:
                long_functions.append(f"{rel}:{fn.lineno} {fn.name} ({length})")
    assert long_modules == []
    assert long_functions == []


def _lint_imports(root: Path) -> subprocess.CompletedProcess[str]:
    exe = Path(sys.executable).with_name("lint-imports")
    env = {**os.environ, "PYTHONPATH": str(root)}
    return subprocess.run(
        [str(exe), "--config", str(ROOT / "pyproject.toml"), "--no-cache"],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


@pytest.mark.skipif(not Path(sys.executable).with_name("lint-imports").exists(), reason="import-linter not installed")
def test_import_contracts_catch_a_broken_boundary(tmp_path: Path) -> None:
    """The contracts in pyproject.toml hold for the tree, and a forbidden import breaks them."""
    shutil.copytree(ROOT / "kora", tmp_path / "kora", ignore=shutil.ignore_patterns("__pycache__"))
    assert _lint_imports(tmp_path).returncode == 0
    metrics = tmp_path / "kora" / "metrics.py"
    metrics.write_text(
        metrics.read_text(encoding="utf-8") + "\nfrom kora.db import adapter  # noqa\n", encoding="utf-8"
    )
    broken = _lint_imports(tmp_path)
    assert broken.returncode != 0
    assert "kora.metrics" in broken.stdout and "kora.db" in broken.stdout


# The own Kommune is decided at the edges (pages: gate.own_kommune(), CLI: kommunen.own_kommune()
# or --kommune); a library default of "aachen" would silently file another city's data under Aachen.
OWN_KOMMUNE_RESOLUTION = {"kora.kommunen"}  # reads env/secrets and falls back to its configured default


def _callables(module: object) -> list[tuple[str, object]]:
    """Functions and methods defined in `module` itself (decorators unwrapped by inspect.signature)."""
    import inspect

    name = getattr(module, "__name__", "")
    found: list[tuple[str, object]] = []
    for attr, value in vars(module).items():
        if inspect.isclass(value) and value.__module__ == name:
            found += [(f"{attr}.{m}", f) for m, f in vars(value).items() if callable(getattr(f, "__func__", f))]
        elif callable(value) and getattr(value, "__module__", None) == name:
            found.append((attr, value))
    return found


def _kommune_defaults(module: object) -> list[str]:
    import inspect

    from kora.plan.model import DEFAULT_KOMMUNE

    bad = []
    for qualname, func in _callables(module):
        try:
            params = inspect.signature(getattr(func, "__func__", func)).parameters.values()
        except (TypeError, ValueError):
            continue
        bad += [
            f"{qualname}({p.name}=…)"
            for p in params
            if isinstance(p.default, str) and p.default in {DEFAULT_KOMMUNE, "aachen"}
        ]
    return bad


def test_no_library_function_defaults_to_aachen() -> None:
    import importlib
    import pkgutil

    import kora

    offenders = []
    for info in pkgutil.walk_packages(kora.__path__, "kora."):
        if info.name in OWN_KOMMUNE_RESOLUTION or info.name.endswith("__main__"):
            continue
        module = importlib.import_module(info.name)
        offenders += [f"{info.name}.{where}" for where in _kommune_defaults(module)]
    assert not offenders, f"kommune must be a required keyword, no default: {offenders}"


def test_the_aachen_default_check_sees_functions_and_methods(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib

    (tmp_path / "bad_defaults.py").write_text(
        "DEFAULT_KOMMUNE = 'aachen'\n"
        "def f(db, *, kommune=DEFAULT_KOMMUNE): ...\n"
        "def ok(db, *, kommune): ...\n"
        "class C:\n"
        "    @classmethod\n"
        "    def from_db(cls, db, kommune='aachen'): ...\n"
        "    def g(self, own='aachen'): ...\n",
        encoding="utf-8",
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    module = importlib.import_module("bad_defaults")
    assert sorted(_kommune_defaults(module)) == ["C.from_db(kommune=…)", "C.g(own=…)", "f(kommune=…)"]

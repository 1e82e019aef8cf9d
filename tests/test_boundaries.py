"""Architecture rules that reviews forget: the core/UI boundary and where SQL lives."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GLUE_PACKAGE = ("kora", "web")


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(a.name.split(".")[0] for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module.split(".")[0])
    return names


def test_only_the_glue_module_imports_streamlit() -> None:
    offenders = [
        str(p.relative_to(ROOT))
        for p in (ROOT / "kora").rglob("*.py")
        if p.relative_to(ROOT).parts[:2] != GLUE_PACKAGE and "streamlit" in _imports(p)
    ]
    assert offenders == []


def test_metrics_is_pure() -> None:
    path = ROOT / "kora" / "metrics.py"
    if path.exists():
        assert _imports(path) & {"duckdb", "streamlit", "kora.db", "os", "pathlib"} == set()


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

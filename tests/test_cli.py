"""`python -m kora` as city IT and automation use it: real subprocesses, real files."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT


def kora(*args: str, db: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kora", *args, "--db", str(db)], capture_output=True, text=True, cwd=ROOT, timeout=120
    )


def test_init_then_plan_json(tmp_path: Path) -> None:
    db = tmp_path / "x.duckdb"
    first = kora("init", db=db)
    assert first.returncode == 0, first.stderr
    assert "Plan geladen" in first.stdout
    second = kora("init", db=db)
    assert "nichts geändert" in second.stdout
    out = kora("plan", "--json", db=db)
    assert out.returncode == 0, out.stderr
    plan = json.loads(out.stdout)
    assert [f["code"] for f in plan["aktionsfelder"]] == ["A", "B", "C", "D"]
    assert len(plan["vorhaben"]) == 7
    v2 = plan["vorhaben"][1]
    assert v2["aktionsfeld"] == "A" and v2["umsetzungsideen"][0]["teilvorhaben"] == 1
    ids = {i["id"] for i in plan["indicators"]}
    assert {"km_umgesetzt", "abstimmungsschleifen", "steckbriefe_anteil"} <= ids


def test_broken_file_gives_german_message_and_exit_2(tmp_path: Path) -> None:
    broken = tmp_path / "indikatoren.toml"
    broken.write_text(
        (ROOT / "data" / "indikatoren.toml").read_text("utf-8").replace('richtung = "yesno"', 'richtung = "x"')
    )
    out = kora("init", "--catalogue", str(broken), db=tmp_path / "y.duckdb")
    assert out.returncode == 2
    assert "Fehler in indikatoren.toml, Eintrag Indikator koordination_besetzt, Feld „richtung“" in out.stderr
    assert "Traceback" not in out.stderr


def test_demo_and_remove(tmp_path: Path) -> None:
    db = tmp_path / "z.duckdb"
    assert "Beispieldaten geladen" in kora("demo", db=db).stdout
    again = kora("demo", db=db)
    assert again.returncode == 2 and "bereits geladen" in again.stderr
    assert "entfernt" in kora("demo", "--remove", db=db).stdout


def test_help_and_usage_errors_are_german(tmp_path: Path) -> None:
    out = subprocess.run([sys.executable, "-m", "kora", "--help"], capture_output=True, text=True, cwd=ROOT)
    assert out.stdout.startswith("Aufruf: python -m kora")
    assert "diese Hilfe zeigen und beenden" in out.stdout
    bad = kora("status", "--as-of", db=tmp_path / "x.duckdb")
    assert bad.returncode == 2
    assert "Fehler: Argument --as-of" in bad.stderr


def test_user_text_reaches_the_terminal_inert(tmp_path: Path) -> None:
    """Issue 15: a file name with an ESC sequence or a bidi override is printed as visible codes."""
    assert kora("init", db=tmp_path / "k.duckdb").returncode == 0
    name = tmp_path / "rechnung\u202ecsv\x1b[31m.csv"
    name.write_bytes(b"Indikator;Monat;Wert\r\nkm_umgesetzt;2026-03;0,5\r\n")
    assert kora("import", str(name), db=tmp_path / "k.duckdb").returncode == 0
    out = kora("history", db=tmp_path / "k.duckdb")
    assert "rechnung‹U+202E›csv‹0x1B›[31m.csv" in out.stdout, out.stdout
    assert "\x1b" not in out.stdout and "\u202e" not in out.stdout

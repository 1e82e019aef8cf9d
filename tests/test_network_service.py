"""Benchmark packages between two real database files, versions, `known_at`, CLI shapes."""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from kora.cli.main import main as cli
from kora.db import Database, open_database, readings_store
from kora.errors import KoraError
from kora.network import package, service
from kora.plan import setup as ops
from kora.plan.files import PLAN_FILE
from kora.readings.commit import import_file
from kora.samples.beispieldaten import load_demo
from tests.conftest import KOMMUNE, OPERATOR, TODAY

HEADER = "Indikator;Monat;Wert\r\n"


def readings_csv(rows: list[tuple[str, str, str]]) -> bytes:
    return (HEADER + "".join(f"{i};{m};{v}\r\n" for i, m, v in rows)).encode()


AACHEN_ROWS = [("km_umgesetzt", f"{m:02d}.2026", f"{m / 10:.1f}".replace(".", ",")) for m in range(1, 11)] + [
    ("projekte_umgesetzt", "01.2026", "2"),
    ("planungsdauer_monate", "03.2026", "27,5"),
]
MUENCHEN_ROWS = [("km_umgesetzt", f"{m:02d}.2026", str(m)) for m in range(1, 11)] + [
    ("planungsdauer_monate", "03.2026", "22"),
]


def installation(path: Path, kommune: str, monkeypatch: pytest.MonkeyPatch, rows: list) -> Database:
    """A database as city `kommune` runs it: its own plan file, its own uploaded readings."""
    monkeypatch.setenv("KORA_KOMMUNE", kommune)
    plan_file = path.with_suffix(".toml")
    text = PLAN_FILE.read_text(encoding="utf-8").replace('kommune = "aachen"', f'kommune = "{kommune}"', 1)
    plan_file.write_text(text, encoding="utf-8")
    db = open_database(path)
    ops.init(db, plan_path=plan_file, actor=OPERATOR)
    outcome = import_file(
        db, readings_csv(rows), filename=f"{kommune}.csv", actor=OPERATOR, today=TODAY, kommune=kommune
    )
    assert outcome.ok, outcome.preview.errors
    return db


@pytest.fixture
def two(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Database, Database]]:
    a = installation(tmp_path / "aachen.duckdb", "aachen", monkeypatch, AACHEN_ROWS)
    m = installation(tmp_path / "muenchen.duckdb", "muenchen", monkeypatch, MUENCHEN_ROWS)
    yield a, m
    a.close()
    m.close()


def as_city(monkeypatch: pytest.MonkeyPatch, kommune: str) -> None:
    monkeypatch.setenv("KORA_KOMMUNE", kommune)


def exchange(two: tuple[Database, Database], monkeypatch: pytest.MonkeyPatch) -> None:
    a, m = two
    as_city(monkeypatch, "aachen")
    from_aachen = service.export_package(a, actor=OPERATOR, today=TODAY).data
    as_city(monkeypatch, "muenchen")
    from_muenchen = service.export_package(m, actor=OPERATOR, today=TODAY).data
    assert service.import_package(m, from_aachen, filename="a.zip", actor=OPERATOR, today=TODAY).ok
    as_city(monkeypatch, "aachen")
    assert service.import_package(a, from_muenchen, filename="m.zip", actor=OPERATOR, today=TODAY).ok


@pytest.mark.parametrize("indicator", ["km_umgesetzt", "planungsdauer_monate", "projekte_umgesetzt"])
def test_round_trip_two_installations_show_the_same_comparison(
    two: tuple[Database, Database], monkeypatch: pytest.MonkeyPatch, indicator: str
) -> None:
    exchange(two, monkeypatch)
    a, m = two
    as_city(monkeypatch, "aachen")
    seen_in_aachen = service.comparison(a, indicator_id=indicator, year=2026, today=TODAY)
    as_city(monkeypatch, "muenchen")
    seen_in_muenchen = service.comparison(m, indicator_id=indicator, year=2026, today=TODAY)
    assert seen_in_aachen.as_dict() == seen_in_muenchen.as_dict()
    assert seen_in_aachen.own == "aachen" and seen_in_muenchen.own == "muenchen"


def test_round_trip_numbers(two: tuple[Database, Database], monkeypatch: pytest.MonkeyPatch) -> None:
    exchange(two, monkeypatch)
    as_city(monkeypatch, "aachen")
    result = service.comparison(two[0], indicator_id="km_umgesetzt", year=2026, today=TODAY).as_dict()
    by = {r["kommune"]: r for r in result["kommunen"]}
    assert by["aachen"]["value"] == pytest.approx(5.5)  # 0.1 + … + 1.0
    assert by["muenchen"]["value"] == pytest.approx(55.0)
    assert by["aachen"]["per_100k"] == pytest.approx(5.5 / 252_769 * 100_000, rel=1e-6)
    assert [r["kommune"] for r in result["kommunen"]] == ["muenchen", "aachen"]  # 3,72 > 2,18 km je 100 000
    assert result["median"] == pytest.approx((by["aachen"]["per_100k"] + by["muenchen"]["per_100k"]) / 2)
    mean = service.comparison(two[0], indicator_id="planungsdauer_monate", year=2026, today=TODAY).as_dict()
    assert {r["kommune"]: (r["rank"], r["per_100k"]) for r in mean["kommunen"]} == {
        "muenchen": (1, None),  # 22 Monate: less is better
        "aachen": (2, None),
    }


def test_corrected_package_is_a_new_version_and_known_at_shows_the_old_comparison(
    two: tuple[Database, Database], monkeypatch: pytest.MonkeyPatch
) -> None:
    a, m = two
    as_city(monkeypatch, "muenchen")
    first = service.export_package(m, actor=OPERATOR, today=TODAY).data
    as_city(monkeypatch, "aachen")
    service.import_package(a, first, filename="m1.zip", actor=OPERATOR, today=TODAY)
    between = readings_store.current_readings_df(a, kommune="muenchen")["recorded_at"].max()
    before = service.comparison(a, indicator_id="km_umgesetzt", year=2026, today=TODAY).as_dict()
    as_city(monkeypatch, "muenchen")
    fix = readings_csv([("km_umgesetzt", "10.2026", "1")])
    import_file(m, fix, filename="fix.csv", actor=OPERATOR, today=TODAY, kommune="muenchen", reason="Doppelt")
    second = service.export_package(m, actor=OPERATOR, today=TODAY).data
    as_city(monkeypatch, "aachen")
    outcome = service.import_package(a, second, filename="m2.zip", actor=OPERATOR, today=TODAY)
    assert (outcome.new, outcome.changed, outcome.unchanged) == (0, 1, 10)
    now = service.comparison(a, indicator_id="km_umgesetzt", year=2026, today=TODAY).as_dict()
    then = service.comparison(a, indicator_id="km_umgesetzt", year=2026, today=TODAY, known_at=between).as_dict()
    assert then == before
    muc = {r["kommune"]: r["value"] for r in now["kommunen"]}["muenchen"]
    assert muc == pytest.approx(46.0)
    versions = readings_store.reading_versions_df(a, kommune="muenchen", indicator_id="km_umgesetzt")
    assert len(versions) == 11  # nothing overwritten: the October value has two versions


def test_same_package_twice_stores_no_new_versions(two: tuple[Database, Database], monkeypatch) -> None:
    a, m = two
    as_city(monkeypatch, "muenchen")
    data = service.export_package(m, actor=OPERATOR, today=TODAY).data
    as_city(monkeypatch, "aachen")
    service.import_package(a, data, filename="m.zip", actor=OPERATOR, today=TODAY)
    n = readings_store.count_readings(a, kommune="muenchen")
    again = service.import_package(a, data, filename="m.zip", actor=OPERATOR, today=TODAY)
    assert (again.new, again.changed, again.unchanged) == (0, 0, 11)
    assert readings_store.count_readings(a, kommune="muenchen") == n


def test_dry_run_stores_nothing(two: tuple[Database, Database], monkeypatch: pytest.MonkeyPatch) -> None:
    a, m = two
    as_city(monkeypatch, "muenchen")
    data = service.export_package(m, actor=OPERATOR, today=TODAY).data
    as_city(monkeypatch, "aachen")
    outcome = service.import_package(a, data, filename="m.zip", actor=OPERATOR, today=TODAY, dry_run=True)
    assert outcome.ok and outcome.new == 11
    assert readings_store.count_readings(a, kommune="muenchen") == 0


def test_a_city_that_enters_its_numbers_here_cannot_be_overwritten_by_a_package(
    two: tuple[Database, Database], monkeypatch: pytest.MonkeyPatch
) -> None:
    a, m = two
    as_city(monkeypatch, "muenchen")
    data = service.export_package(m, actor=OPERATOR, today=TODAY).data
    as_city(monkeypatch, "aachen")
    ops.init(a, plan_path=Path(m.path).with_suffix(".toml"), actor=OPERATOR)  # shared: München's plan here too
    import_file(
        a,
        readings_csv([("km_umgesetzt", "01.2026", "3")]),
        filename="x.csv",
        actor=OPERATOR,
        today=TODAY,
        kommune="muenchen",
    )  # a shared installation: München uploads here
    outcome = service.import_package(a, data, filename="m.zip", actor=OPERATOR, today=TODAY)
    assert not outcome.ok and "pflegt ihre Werte in dieser Installation selbst" in outcome.errors[0].message


def test_export_contains_only_shared_indicators_as_specified(two: tuple[Database, Database], monkeypatch) -> None:
    as_city(monkeypatch, "aachen")
    result = service.export_package(two[0], actor=OPERATOR, as_of=dt.date(2026, 6, 1), today=TODAY)
    zf = zipfile.ZipFile(io.BytesIO(result.data))
    assert sorted(zf.namelist()) == ["datapackage.json", "werte.csv"]
    desc = json.loads(zf.read("datapackage.json"))
    assert desc["name"] == "kora-benchmark" and desc["version"] == "1" and desc["as_of"] == "2026-06"
    assert desc["kommune"] == {"id": "aachen", "name": "Aachen", "einwohner": 252769}
    assert {i["id"] for i in desc["indikatoren"]} == {"km_umgesetzt", "projekte_umgesetzt", "planungsdauer_monate"}
    res = desc["resources"][0]
    csv_bytes = zf.read("werte.csv")
    assert res["hash"] == "sha256:" + __import__("hashlib").sha256(csv_bytes).hexdigest()
    lines = csv_bytes.decode().splitlines()
    assert lines[0] == "indikator,monat,wert"
    assert "km_umgesetzt,2026-06,0.6" in lines and "km_umgesetzt,2026-07,0.7" not in lines  # as_of
    dt.datetime.fromisoformat(desc["created"])


def test_export_validates_with_frictionless(two: tuple[Database, Database], monkeypatch, tmp_path: Path) -> None:
    """Any city's IT can check the package with the standard tool (frictionless, dev dependency)."""
    frictionless = pytest.importorskip("frictionless")
    as_city(monkeypatch, "aachen")
    data = service.export_package(two[0], actor=OPERATOR, today=TODAY).data
    folder = tmp_path / "pkg"
    zipfile.ZipFile(io.BytesIO(data)).extractall(folder)
    report = frictionless.validate(str(folder / "datapackage.json"))
    assert report.valid, report.flatten(["type", "note"])


def test_beispieldaten_are_never_exported(db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("KORA_KOMMUNE", raising=False)
    load_demo(db, actor=OPERATOR, today=TODAY, kommune=KOMMUNE)
    with pytest.raises(KoraError, match="Beispieldaten werden nie exportiert"):
        service.export_package(db, actor=OPERATOR, today=TODAY)


def test_export_refuses_a_future_stand(two: tuple[Database, Database], monkeypatch) -> None:
    as_city(monkeypatch, "aachen")
    with pytest.raises(KoraError, match="Zukunft"):
        service.export_package(two[0], actor=OPERATOR, as_of=dt.date(2026, 11, 1), today=TODAY)


def test_size_limit_is_checked_before_unzipping(db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("KORA_KOMMUNE", raising=False)
    big = b"PK" + bytes(package.MAX_PACKAGE_BYTES)
    outcome = service.import_package(db, big, filename="big.zip", actor=OPERATOR, today=TODAY)
    assert "zu groß" in outcome.errors[0].message


# --- CLI --------------------------------------------------------------------------------------


def test_cli_export_import_vergleich_json(
    two: tuple[Database, Database], monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    a, m = two
    paths = {"aachen": Path(a.path), "muenchen": Path(m.path)}
    a.close()
    m.close()
    out = tmp_path / "muenchen.zip"
    as_city(monkeypatch, "muenchen")
    assert cli(["netzwerk", "export", "--out", str(out), "--as-of", "2026-10", "--db", str(paths["muenchen"])]) == 0
    assert "Benchmark-Paket geschrieben" in capsys.readouterr().out
    as_city(monkeypatch, "aachen")
    args = ["netzwerk", "import", str(out), "--json", "--db", str(paths["aachen"])]
    assert cli([*args, "--dry-run"]) == 0
    assert json.loads(capsys.readouterr().out) == {
        "kommune": "muenchen",
        "new": 11,
        "changed": 0,
        "unchanged": 0,
        "errors": [],
    }
    assert cli(args) == 0
    capsys.readouterr()
    broken = Path(__file__).parent / "data" / "network_broken" / "text_in_number.zip"
    assert cli(["netzwerk", "import", str(broken), "--json", "--db", str(paths["aachen"])]) == 2
    rejected = json.loads(capsys.readouterr().out)
    assert rejected["kommune"] is None and rejected["new"] == 0
    assert set(rejected["errors"][0]) == {"line", "column", "value", "message"}
    assert (
        cli(
            [
                "netzwerk",
                "vergleich",
                "--indicator",
                "km_umgesetzt",
                "--year",
                "2026",
                "--as-of",
                "2026-10",
                "--json",
                "--db",
                str(paths["aachen"]),
            ]
        )
        == 0
    )
    shown = json.loads(capsys.readouterr().out)
    assert set(shown) == {"indicator", "year", "kommunen", "median"}
    assert [set(r) for r in shown["kommunen"]] == [{"kommune", "name", "value", "per_100k", "rank"}] * 2
    assert (
        cli(
            [
                "netzwerk",
                "vergleich",
                "--indicator",
                "km_umgesetzt",
                "--year",
                "2026",
                "--as-of",
                "2026-10",
                "--db",
                str(paths["aachen"]),
            ]
        )
        == 0
    )
    text = capsys.readouterr().out
    assert "► " in text and "Median des Netzwerks" in text


def test_cli_rejects_unknown_indicator(db: Database, capsys: pytest.CaptureFixture) -> None:
    path = str(db.path)
    db.close()
    assert cli(["netzwerk", "vergleich", "--indicator", "kritik_extern", "--year", "2026", "--db", path]) == 2
    assert "kein gemeinsamer Indikator" in capsys.readouterr().err

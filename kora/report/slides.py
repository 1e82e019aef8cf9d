"""The Brownbag slide deck as plain data: the Präsentationsmodus page, PPTX and HTML draw it.

One deck, several renderers: every title, number and list item is decided here, once, so the
slides on the projector, the PowerPoint file and the e-mailed HTML report always agree (and
agree with `python -m kora status --json`, because the numbers come from the same
`StatusReport`). Everything is plain text — renderers escape it for their format; nothing
here is Markdown or HTML, since reading comments are typed by users.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from kora import fmt, periods
from kora.fmt import as_date, is_missing, status_text
from kora.labels import STATUS_COLORS, STATUS_ICONS
from kora.metrics import STATUS_ORDER
from kora.tracking.compare import local_time, reached_in_year
from kora.tracking.results import Changes, StatusReport

MAX_ITEMS = 6  # list items per section on a slide; the rest is counted ("… und 4 weitere")
MAX_CHANGE_ITEMS = 4  # the Änderungen slide has four sections next to a chart
DETAIL_WIDTH = 120  # comments are cut on slides; the Excel export has them in full
MAX_CHART_BARS = 10
LABEL_WIDTH = 46


@dataclass(frozen=True)
class Metric:
    label: str
    value: str
    note: str = ""


@dataclass(frozen=True)
class Series:
    name: str
    values: tuple[float | None, ...]
    color: str = "#0072B2"


@dataclass(frozen=True)
class Chart:
    """Horizontal bars of attainment (0..1): one series coloured per bar by status, or several
    series side by side (then and now)."""

    title: str
    categories: tuple[str, ...]
    series: tuple[Series, ...]
    colors: tuple[str, ...] = ()  # per category; only for single-series charts
    keys: tuple[str, ...] = ()  # indicator id / Aktionsfeld code per category (tests, links)
    value_title: str = "Zielerreichung"
    number_format: str = "0 %"  # Excel/PowerPoint number format of the values


@dataclass(frozen=True)
class Item:
    text: str
    detail: str = ""
    status: str | None = None


@dataclass(frozen=True)
class Section:
    heading: str
    items: tuple[Item, ...] = ()
    more: int = 0  # items left out to fit the slide
    empty: str = "–"


@dataclass(frozen=True)
class Table:
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    widths: tuple[float, ...] = ()  # relative column widths


@dataclass(frozen=True)
class Slide:
    key: str
    title: str
    subtitle: str = ""
    metrics: tuple[Metric, ...] = ()
    chart: Chart | None = None
    table: Table | None = None
    sections: tuple[Section, ...] = ()
    notes: str = ""


@dataclass(frozen=True)
class Deck:
    kommune: str
    kommune_name: str
    plan_title: str
    as_of: dt.date
    known_at: dt.datetime | None  # naive UTC, as in StatusReport
    since: dt.date
    made_on: dt.date
    demo: bool
    filters: tuple[tuple[str, str], ...]
    slides: tuple[Slide, ...] = field(default_factory=tuple)

    @property
    def title(self) -> str:
        return f"KoRa-Monitor {self.kommune_name}"

    @property
    def footer(self) -> str:
        """'Stand Oktober 2026 · Datenstand: aktuell · …' — printed on every slide and sheet."""
        return " · ".join(f"{label}: {value}" for label, value in self.filters)

    def slide(self, key: str) -> Slide:
        for s in self.slides:
            if s.key == key:
                return s
        raise KeyError(key)


# --- small text helpers ---------------------------------------------------------------------


def _float(value: Any) -> float | None:
    return None if is_missing(value) else float(value)


def short(text: str, width: int = LABEL_WIDTH) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


def value_text(value: Any, unit: str, direction: str) -> str:
    return fmt.value_with_unit(_float(value), unit, direction=direction)


def datenstand_text(known_at: dt.datetime | None) -> str:
    if known_at is None:
        return "aktuell (alle gespeicherten Korrekturen)"
    local = local_time(known_at)
    assert local is not None
    return f"wie bekannt am {fmt.date(local.date())}"


def _capped(items: list[Item], limit: int = MAX_ITEMS) -> tuple[tuple[Item, ...], int]:
    return tuple(items[:limit]), max(0, len(items) - limit)


def _section(heading: str, items: list[Item], empty: str, limit: int = MAX_ITEMS) -> Section:
    shown, more = _capped(items, limit)
    return Section(heading=heading, items=shown, more=more, empty=empty)


def _attainment_chart(title: str, frame: pd.DataFrame, labels: list[str], keys: list[str]) -> Chart:
    return Chart(
        title=title,
        categories=tuple(labels),
        series=(Series("Zielerreichung", tuple(_float(a) for a in frame["attainment"])),),
        colors=tuple(STATUS_COLORS.get(str(s), STATUS_COLORS["no_data"]) for s in frame["status"]),
        keys=tuple(keys),
    )


def _then_and_now_chart(
    title: str,
    categories: list[str],
    keys: list[str],
    frame: pd.DataFrame,
    *,
    then: str,
    now: str,
    now_color: str,
) -> Chart:
    """Two series side by side: attainment at the last Termin and today (columns
    attainment_before / attainment_after of `frame`)."""
    return Chart(
        title=title,
        categories=tuple(categories),
        series=(
            Series(then, tuple(_float(a) for a in frame["attainment_before"]), "#56B4E9"),
            Series(now, tuple(_float(a) for a in frame["attainment_after"]), now_color),
        ),
        keys=tuple(keys),
    )


# --- the slides -------------------------------------------------------------------------------


def _indicator_ids(report: StatusReport, nrs: set[int]) -> list[str]:
    links = report.indicator_vorhaben
    wanted = set(links.loc[links["nr"].isin(nrs), "indicator_id"])
    return [i for i in report.indicators["id"] if i in wanted]


def _title_slide(report: StatusReport, changes: Changes, deck: dict[str, Any]) -> Slide:
    plan = report.plan
    ind = report.indicators
    ms = report.milestones
    felder = report.aktionsfelder
    n_on = int((ind["status"] == "on_track").sum())
    on_time = f"{ms['reached_on_time']} von {ms['due']}" if ms.get("due") else "–"
    return Slide(
        key="titel",
        title=f"KoRa-Monitor {deck['kommune_name']}",
        subtitle=f"{deck['plan_title']} · Stand {fmt.month_name(report.as_of)} · Brownbag Lunch am {fmt.date(deck['made_on'])}",
        metrics=(
            Metric("Zielerreichung gesamt", fmt.percent(plan["attainment"]), status_text(plan["status"])),
            Metric("Indikatoren im Plan", f"{n_on} von {len(ind)}"),
            Metric(
                "Meilensteine fristgerecht",
                on_time,
                f"{fmt.percent(ms.get('share_on_time'))} der fälligen" if ms.get("due") else "",
            ),
            Metric("Meilensteine überfällig", str(ms.get("overdue", 0))),
        ),
        chart=_attainment_chart(
            "Zielerreichung je Aktionsfeld",
            felder,
            [
                short(f"{STATUS_ICONS.get(s, '')} {c} · {t}")
                for c, t, s in zip(felder["code"], felder["title"], felder["status"], strict=True)
            ],
            list(felder["code"]),
        ),
        notes=(
            "Zielerreichung = (Wert − Start) / (Jahresziel − Start), begrenzt auf 0–100 %. "
            f"Status: {', '.join(status_text(s) for s in STATUS_ORDER)}."
            + (" Achtung: enthält Beispieldaten, keine echten Messwerte." if report.demo else "")
        ),
    )


def _field_slide(report: StatusReport, changes: Changes, row: Any, milestones: pd.DataFrame) -> Slide:
    vorhaben = report.vorhaben[report.vorhaben["aktionsfeld"] == row.code]
    ids = _indicator_ids(report, set(vorhaben["nr"]))
    ind = report.indicators.set_index("id").loc[ids].reset_index()
    n_on = int((ind["status"] == "on_track").sum())
    cmp = changes.aktionsfelder.set_index("code")
    delta = cmp["delta"].get(row.code) if row.code in cmp.index else None
    ms = milestones[milestones["aktionsfeld"] == row.code] if len(milestones) else milestones
    n_ms_reached = int((ms["status"] == "erreicht").sum()) if len(ms) else 0
    rows = [
        (
            r.name,
            status_text(r.status),
            value_text(r.value, r.unit, r.direction),
            "–" if r.direction == "yesno" else value_text(r.expected, r.unit, r.direction),
            value_text(r.target, r.unit, r.direction),
        )
        for r in ind.itertuples(index=False)
    ]
    return Slide(
        key=f"feld-{row.code}",
        title=f"Aktionsfeld {row.code}: {row.title}",
        subtitle="Vorhaben: " + " · ".join(f"{v.nr}. {short(v.title, 60)}" for v in vorhaben.itertuples(index=False)),
        metrics=(
            Metric(
                "Zielerreichung",
                fmt.percent(row.attainment),
                "" if is_missing(delta) else f"{fmt.signed_points(delta)} seit {fmt.date(changes.since)}",
            ),
            Metric("Status", status_text(row.status)),
            Metric("Indikatoren im Plan", f"{n_on} von {len(ind)}"),
            Metric("Meilensteine erreicht", f"{n_ms_reached} von {len(ms)}"),
        ),
        chart=_attainment_chart(
            "Zielerreichung je Indikator",
            ind,
            [short(f"{STATUS_ICONS.get(s, '')} {n}") for n, s in zip(ind["name"], ind["status"], strict=True)],
            list(ind["id"]),
        ),
        table=Table(
            columns=("Indikator", "Status", "Wert", "Soll heute", "Jahresziel"),
            rows=tuple(rows),
            widths=(3.0, 1.9, 1.4, 1.4, 1.4),
        ),
        notes=f"Werte seit Jahresbeginn {report.as_of.year} (Summe, Mittel oder letzter Stand je Indikator). "
        "Soll heute = Zielpfad zum Stand.",
    )


def _successes_slide(report: StatusReport, changes: Changes) -> Slide:
    better = changes.improved
    ind = report.indicators
    on_track = ind[ind["status"] == "on_track"]
    reached = reached_in_year(changes.milestone_state, report.as_of)
    new_ids = set(changes.milestones_reached["id"])
    since = fmt.date(changes.since)
    better_items = []
    for r in better.itertuples(index=False):
        if is_missing(r.delta):
            text = f"{r.name}: {status_text(r.status_before)} → {status_text(r.status_after)}"
        else:
            text = (
                f"{r.name}: {fmt.percent(r.attainment_before)} → {fmt.percent(r.attainment_after)} "
                f"({fmt.signed_points(r.delta)})"
            )
        better_items.append(Item(text, status=r.status_after))
    on_items = [
        Item(
            f"{r.name}: {value_text(r.value, r.unit, r.direction)}",
            f"Jahresziel {value_text(r.target, r.unit, r.direction)}",
            status="on_track",
        )
        for r in on_track.itertuples(index=False)
    ]
    ms_items = [
        Item(
            f"{r.id} erreicht am {fmt.date(as_date(r.reached_on))}" + (" (neu)" if r.id in new_ids else ""),
            short(r.text, 110),
        )
        for r in reached.itertuples(index=False)
    ]
    chart = None
    top = better[better["delta"].notna()].head(MAX_CHART_BARS) if len(better) else better
    if len(top):
        chart = _then_and_now_chart(
            f"Zielerreichung am {since} und heute",
            [short(n) for n in top["name"]],
            list(top["id"]),
            top,
            then=f"Stand {fmt.month_name(changes.previous_as_of)} (am {since})",
            now=f"Stand {fmt.month_name(report.as_of)} (heute)",
            now_color="#009E73",
        )
    elif len(on_track):
        chart = _attainment_chart(
            "Indikatoren im Plan",
            on_track.head(MAX_CHART_BARS),
            [short(n) for n in on_track["name"].head(MAX_CHART_BARS)],
            list(on_track["id"].head(MAX_CHART_BARS)),
        )
    return Slide(
        key="erfolge",
        title="Erfolge",
        subtitle=f"Was gut läuft · Stand {fmt.month_name(report.as_of)}",
        metrics=(
            Metric(f"Verbessert seit {since}", str(len(better)), "Indikatoren"),
            Metric("Im Plan", f"{len(on_track)} von {len(ind)}", "Indikatoren"),
            Metric(
                f"Meilensteine erreicht {report.as_of.year}",
                str(len(reached)),
                f"davon {len(new_ids)} neu" if new_ids else "",
            ),
        ),
        chart=chart,
        sections=(
            _section(f"Besser geworden seit {since}", better_items, "Seitdem hat sich kein Indikator verbessert."),
            _section("Im Plan", on_items, "Noch kein Indikator ist im Plan."),
            _section(
                f"Meilensteine erreicht {report.as_of.year}",
                ms_items,
                f"{report.as_of.year} wurde bis {fmt.month_name(report.as_of)} noch kein Meilenstein erreicht.",
            ),
        ),
        notes=(
            "Verbessert = besserer Status oder mindestens +0,5 Prozentpunkte Zielerreichung "
            f"(Stand {fmt.month_name(changes.previous_as_of)} wie am {since} bekannt, gegen heute)."
            if changes.comparable
            else "Der letzte Termin lag im Vorjahr: Zielerreichungen beziehen sich auf verschiedene Jahresziele, "
            "verglichen wird daher nur der Status."
        ),
    )


def _new_reading_items(new: pd.DataFrame) -> list[Item]:
    items = []
    for (name, unit, direction), part in new.groupby(["name", "unit", "direction"], sort=False):
        values = " · ".join(
            f"{fmt.month_short(as_date(m))}: {value_text(v, unit, direction)}"
            for m, v in zip(part["month"], part["value"], strict=True)
        )
        comments = [str(c) for c in part["comment"] if not is_missing(c)]
        items.append(
            Item(f"{name} — {values}", short("Kommentar: " + " | ".join(comments), DETAIL_WIDTH) if comments else "")
        )
    return items


def _changes_slide(report: StatusReport, changes: Changes) -> Slide:
    since = fmt.date(changes.since)
    counts = changes.counts()
    status_items = [
        Item(
            f"{r.name}: {status_text(r.status_before)} → {status_text(r.status_after)}",
            ""
            if is_missing(r.attainment_after)
            else f"Zielerreichung {fmt.percent(r.attainment_before)} → {fmt.percent(r.attainment_after)}",
            status=r.status_after,
        )
        for r in changes.status_changes.itertuples(index=False)
    ]
    ms_items = []
    for r in changes.milestones.itertuples(index=False):
        if r.status_after == "erreicht":
            when = as_date(r.reached_on)
            head = f"{r.id} erreicht" + (f" am {fmt.date(when)}" if when else "")
        elif r.status_after == "verschoben":
            head = f"{r.id} verschoben" + (f" auf {fmt.date(as_date(r.due_after))}" if as_date(r.due_after) else "")
        else:
            head = f"{r.id}: {r.status_before} → {r.status_after}"
        ms_items.append(Item(head, short(r.text, 110)))
    corr_items = []
    for r in changes.corrections.itertuples(index=False):
        month = fmt.month_short(as_date(r.month))
        if r.withdrawn:
            text = f"{r.name}, {month}: {value_text(r.value_before, r.unit, r.direction)} zurückgezogen"
        elif r.value_changed:
            text = (
                f"{r.name}, {month}: {value_text(r.value_before, r.unit, r.direction)} → "
                f"{value_text(r.value_after, r.unit, r.direction)}"
            )
        else:
            text = f"{r.name}, {month}: Kommentar geändert"
        note = r.comment if not is_missing(r.comment) else r.reason
        corr_items.append(Item(text, "" if is_missing(note) else short(f"Kommentar: {note}", DETAIL_WIDTH)))
    chart = None
    felder = changes.aktionsfelder
    if changes.comparable and len(felder):
        chart = _then_and_now_chart(
            "Zielerreichung je Aktionsfeld: damals und heute",
            [short(f"{c} · {t}") for c, t in zip(felder["code"], felder["title"], strict=True)],
            list(felder["code"]),
            felder,
            then=f"am {since} (Stand {fmt.month_name(changes.previous_as_of)})",
            now=f"heute (Stand {fmt.month_name(changes.as_of)})",
            now_color="#0072B2",
        )
    plan_line = (
        f"Gesamt {fmt.percent(changes.plan_before.get('attainment'))} → {fmt.percent(changes.plan_after.get('attainment'))}"
        if changes.comparable
        else f"Gesamt {status_text(changes.plan_before.get('status'))} → {status_text(changes.plan_after.get('status'))}"
    )
    return Slide(
        key="aenderungen",
        title="Was hat sich seit dem letzten Termin geändert?",
        subtitle=(
            f"Seit dem {since}: damals Stand {fmt.month_name(changes.previous_as_of)}, "
            f"heute Stand {fmt.month_name(changes.as_of)} · {plan_line}"
        ),
        metrics=(
            Metric("Neue Messwerte", str(counts["new_readings"])),
            Metric("Statusänderungen", str(counts["status_changes"])),
            Metric("Meilensteine erreicht", str(counts["milestones_reached"])),
            Metric("Korrekturen", str(counts["corrections"])),
        ),
        chart=chart,
        sections=(
            _section(
                "Neue Messwerte", _new_reading_items(changes.new_readings), f"Seit dem {since} keine neuen Messwerte."
            ),
            _section("Statusänderungen", status_items, "Kein Indikator hat seinen Status geändert."),
            _section("Meilensteine", ms_items, "Keine Meilensteine erreicht oder verschoben."),
            _section("Korrekturen", corr_items, "Keine Korrekturen bereits gemeldeter Werte."),
        ),
        notes=(
            f"Verglichen wird der Datenstand am Ende des {since} mit dem Datenstand "
            f"{datenstand_text(changes.until)}. Neue Messwerte und Korrekturen: Monate bis "
            f"{fmt.month_name(changes.as_of)}. Vollständige Liste: Excel-Export, Blatt „Änderungen“."
        ),
    )


def _support_slide(report: StatusReport, plan: dict[str, Any]) -> Slide:
    ind = report.indicators
    off = ind[ind["status"] == "off_track"]
    links = report.indicator_vorhaben
    rows = []
    warnings = 0
    for v in plan["vorhaben"]:
        ids = set(links.loc[links["nr"] == v["nr"], "indicator_id"])
        mine = off[off["id"].isin(ids)]
        if mine.empty:
            continue
        texts = []
        for r in mine.itertuples(index=False):
            soll = (
                f"Ziel {value_text(r.target, r.unit, r.direction)}"
                if r.direction == "yesno"
                else f"Soll {value_text(r.expected, r.unit, r.direction)}"
            )
            texts.append(f"{r.name}: {value_text(r.value, r.unit, r.direction)} ({soll})")
        cities = ", ".join(v["partner_cities"]) or "keine genannt"
        rows.append((f"{v['nr']}. {short(v['title'], 70)}", "\n".join(texts), cities))
    warnings = int(off["warning_since"].map(lambda w: not is_missing(w)).sum())
    return Slide(
        key="unterstuetzung",
        title="Wo wir Unterstützung brauchen",
        subtitle="Indikatoren nicht im Plan – und welche Partnerstädte laut Aktionsplan Erfahrung damit haben",
        metrics=(
            Metric("Nicht im Plan", f"{len(off)} von {len(ind)}", "Indikatoren"),
            Metric("mit Frühwarnung", str(warnings), "Zielverfehlung absehbar"),
            Metric("Vorhaben betroffen", f"{len(rows)} von {len(plan['vorhaben'])}"),
        ),
        table=Table(
            columns=("Vorhaben", "Nicht im Plan (Wert seit Jahresbeginn, Soll heute)", "Partnerstädte fragen"),
            rows=tuple(rows),
            widths=(3.0, 4.6, 2.6),
        )
        if rows
        else None,
        sections=() if rows else (Section("Alles im Plan", (), empty="Kein Indikator ist derzeit nicht im Plan."),),
        notes="Partnerstädte: die Städte, die der Aktionsplan beim jeweiligen Vorhaben für einen Erfahrungstransfer nennt.",
    )


def build_deck(
    report: StatusReport,
    changes: Changes,
    plan: dict[str, Any],
    *,
    made_on: dt.date | None = None,
) -> Deck:
    """The deck for one Stand: title, one slide per Aktionsfeld, Erfolge, Änderungen, Unterstützung.

    `report` is `build_status(...)` for the Stand (as_of, known_at); `changes` the matching
    `build_changes(...)`; `plan` is `ops.plan_dict` (titles, partner cities).
    """
    made_on = made_on or periods.today_local()
    filters = [
        ("Kommune", plan["kommune_name"]),
        ("Stand", fmt.month_name(report.as_of)),
        ("Datenstand", datenstand_text(report.known_at)),
        ("Letzter Termin", fmt.date(changes.since)),
        ("Erstellt", fmt.date(made_on)),
    ]
    if report.demo:
        filters.append(("Daten", "Beispieldaten, keine echten Messwerte"))
    info = {"kommune_name": plan["kommune_name"], "plan_title": plan["title"], "made_on": made_on}
    milestones = changes.milestone_state
    slides = [_title_slide(report, changes, info)]
    slides += [_field_slide(report, changes, row, milestones) for row in report.aktionsfelder.itertuples(index=False)]
    slides += [_successes_slide(report, changes), _changes_slide(report, changes), _support_slide(report, plan)]
    return Deck(
        kommune=plan["kommune"],
        kommune_name=plan["kommune_name"],
        plan_title=plan["title"],
        as_of=report.as_of,
        known_at=report.known_at,
        since=changes.since,
        made_on=made_on,
        demo=bool(report.demo),
        filters=tuple(filters),
        slides=tuple(slides),
    )


# --- navigation (used by the page; pure so it is tested without Streamlit) ------------------


def step(index: int, n: int, delta: int, *, wrap: bool = False) -> int:
    """Next slide index: clamped to [0, n-1], or wrapping around (autoplay loops)."""
    if n <= 0:
        return 0
    if wrap:
        return (index + delta) % n
    return max(0, min(n - 1, index + delta))


def slide_label(deck: Deck, index: int) -> str:
    return f"{index + 1}. {deck.slides[index].title}"

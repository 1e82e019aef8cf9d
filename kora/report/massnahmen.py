"""The Maßnahmenliste in the Brownbag deck and the Excel export (pure: lists in, slides out).

"Erfolge" names the Maßnahmen finished since the last Termin, "Was hat sich geändert" lists
planned dates that moved, and a slide plus an Excel sheet carry the list itself. "Since the last
Termin" compares the list as known at the end of that day with the list as known at the
Datenstand — versions are append-only, so this is exact, like the readings' changes. Both lists
are fetched by kora.tracking.stand.gather; nothing here touches the database.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

import pandas as pd

from kora import fmt
from kora.massnahmen import rules
from kora.massnahmen.rules import show
from kora.report.deck import Deck, Item, Section, Slide, Table

MAX_SLIDE_ROWS = 14
SHEET_COLUMNS = (
    ("Nr", 12), ("Maßnahme", 44), ("Art", 24), ("Länge km", 10), ("Priorität Verwaltung", 12),
    ("Priorität Politik", 12), ("Phase", 18), ("Projektleitung", 20), ("Steckbrief", 10), ("Planungsbeginn", 13),
    ("Beschluss geplant", 13), ("Beschluss", 13), ("Fertigstellung geplant", 13), ("Fertigstellung", 13),
)  # fmt: skip


def _label(r: dict[str, Any]) -> str:
    km = (
        f", {show('laenge_km', r['laenge_km'])} km"
        if r.get("laenge_km") is not None and not pd.isna(r["laenge_km"])
        else ""
    )
    return f"{r['nr']} · {r['massnahme']}{km}"


def finished_since(before: pd.DataFrame, now: pd.DataFrame) -> list[Item]:
    """Maßnahmen with a Fertigstellung now that had none at the last Termin."""
    done_before = set(before.loc[before["fertigstellung"].notna(), "nr"]) if len(before) else set()
    rows = now[now["fertigstellung"].notna() & ~now["nr"].isin(done_before)] if len(now) else now
    return [Item(_label(r), f"fertiggestellt {rules.show_date(r['fertigstellung'])}") for r in rows.to_dict("records")]


def moved_since(before: pd.DataFrame, now: pd.DataFrame) -> list[Item]:
    """Planned dates (Beschluss, Fertigstellung) that differ from the last Termin's list."""
    if before.empty or now.empty:
        return []
    old = before.set_index("nr")
    items = []
    for r in now.to_dict("records"):
        if r["nr"] not in old.index:
            continue
        for name in ("beschluss_geplant", "fertigstellung_geplant"):
            a, b = old.at[r["nr"], name], r[name]
            if a and b and a != b:
                word = "verschoben" if b > a else "vorgezogen"
                items.append(Item(f"{r['nr']} · {r['massnahme']}: {rules.LABELS[name]} {rules.show_date(a)} → "
                                  f"{rules.show_date(b)} ({word})"))  # fmt: skip
    return items


def _add(slide: Slide, section: Section) -> Slide:
    return dataclasses.replace(slide, sections=(*slide.sections, section))


def _list_slide(now: pd.DataFrame, as_of: dt.date) -> Slide:
    open_first = now.sort_values(["prio_verwaltung", "nr"], na_position="last")
    rows = tuple(
        (r["nr"], r["massnahme"], r["phase"], rules.show_date(r["beschluss"] or r["beschluss_geplant"]),
         rules.show_date(r["fertigstellung"] or r["fertigstellung_geplant"]))
        for r in open_first.head(MAX_SLIDE_ROWS).to_dict("records")
    )  # fmt: skip
    more = len(now) - len(rows)
    return Slide(
        key="massnahmen",
        title="Maßnahmenliste",
        subtitle=f"{len(now)} Maßnahmen · Stand {fmt.month_name(as_of)}"
        + (f" · die ersten {len(rows)} nach Priorität" if more else ""),
        table=Table(
            columns=("Nr", "Maßnahme", "Phase", "Beschluss", "Fertigstellung"),
            rows=rows,
            widths=(1.0, 4.0, 1.6, 1.3, 1.3),
        ),
        notes="Termine: erreicht, sonst geplant. Vollständige Liste: Excel-Export, Blatt „Maßnahmen“.",
    )


def extend(deck: Deck, *, now: pd.DataFrame, before: pd.DataFrame) -> Deck:
    """The deck with the Maßnahmen sections and slide: `now` is the list as known at the Datenstand,
    `before` as known at the last Termin (kora.tracking.stand.gather fetches both)."""
    if now.empty:
        return deck
    since = fmt.date(deck.since)
    slides = []
    for slide in deck.slides:
        if slide.key == "erfolge":
            slide = _add(slide, Section(f"Maßnahmen fertiggestellt seit {since}", tuple(finished_since(before, now)),
                                        empty="Seitdem wurde keine Maßnahme fertiggestellt."))  # fmt: skip
        elif slide.key == "aenderungen":
            slide = _add(slide, Section("Verschobene Termine (Maßnahmen)", tuple(moved_since(before, now)),
                                        empty="Keine geplanten Termine verschoben."))  # fmt: skip
        slides.append(slide)
        if slide.key == "aenderungen":
            slides.append(_list_slide(now, deck.as_of))
    return dataclasses.replace(deck, slides=tuple(slides))


def sheet_rows(frame: pd.DataFrame) -> list[list[Any]]:
    """The list for the Excel sheet: numbers numeric, dates as written (text), text as text."""
    out = []
    for r in frame.to_dict("records"):
        row: list[Any] = []
        for f in rules.LIST_FIELDS:
            value = r[f]
            if f in ("laenge_km", "prio_verwaltung", "prio_politik"):
                row.append(
                    None if value is None or pd.isna(value) else float(value) if f == "laenge_km" else int(value)
                )
            else:
                row.append(show(f, value) or None)
        out.append(row)
    return out

"""Display-ready tables and texts for the pages (pure: DataFrames and dicts in, out).

Pages must read like a description of the UI, so every reshaping, German column name and
formatted cell is prepared here, where it is tested without Streamlit.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd

from kora import fmt
from kora.fmt import as_date, is_missing, status_text
from kora.labels import AGGREGATION_LABELS, DIRECTION_LABELS, STATUS_LABELS
from kora.milestones import milestone_flags
from kora.tracking.results import StatusReport

# --- Übersicht -------------------------------------------------------------------------------


def _delta_text(delta: float | None, as_of: dt.date) -> str | None:
    if delta is not None:
        return f"{fmt.signed_points(delta)} zum Vormonat"
    return "neues Berichtsjahr: kein Vormonatsvergleich" if as_of.month == 1 else None


def _best_worst(mine: pd.DataFrame) -> tuple[str | None, str | None]:
    """'Bester'/'Schwächster' only where they differ; a 'Bester' at 0 % or below is no best."""
    if len(mine) < 2:
        return None, None
    raw = mine["attainment_raw"] if "attainment_raw" in mine else mine["attainment"]
    order = mine.assign(_raw=raw).sort_values("_raw")
    lo, hi = order.iloc[0], order.iloc[-1]
    if round(float(hi["_raw"]) * 100) == round(float(lo["_raw"]) * 100):
        return None, None
    best = (
        None if round(float(hi["_raw"]) * 100) <= 0 else f"{hi['name']}: {fmt.attainment(hi['attainment'], hi['_raw'])}"
    )  # "Name: −6 % (unter Startwert)", not nested brackets
    return best, f"{lo['name']}: {fmt.attainment(lo['attainment'], lo['_raw'])}"


def field_cards(report: StatusReport, previous: StatusReport | None) -> list[dict[str, Any]]:
    """One card per Aktionsfeld: attainment (raw below the start), Soll and the gap to the Zielpfad,
    status, change to the previous month (neutral colour when it rounds to ±0), best/worst."""
    fields = report.aktionsfelder
    prev = (
        {}
        if previous is None
        else dict(zip(previous.aktionsfelder["code"], previous.aktionsfelder["attainment"], strict=True))
    )
    ind = report.indicators
    vorhaben = report.vorhaben
    cards = []
    for row in fields.to_dict("records"):
        nrs = set(vorhaben.loc[vorhaben["aktionsfeld"] == row["code"], "nr"])
        ids = _indicator_ids_for(report, nrs)
        of_field = ind[ind["id"].isin(ids)]  # once per field, not once per status (it was 57 % of an Übersicht run)
        mine = of_field[of_field["attainment"].notna()]
        before = prev.get(row["code"])
        delta = (
            None
            if before is None or is_missing(before) or is_missing(row["attainment"])
            else float(row["attainment"]) - float(before)
        )
        per_status = of_field["status"].value_counts()
        counts = {s: int(per_status.get(s, 0)) for s in STATUS_LABELS}
        best, worst = _best_worst(mine)
        raw = row.get("attainment_raw")
        shown = fmt.shown_attainment(row["attainment"], raw)
        flat = delta is None or round(delta * 100) == 0  # no change worth an arrow ("±0 Pp." in grey)
        cards.append(
            {
                "code": row["code"],
                "title": row["title"],
                "attainment": None if is_missing(row["attainment"]) else float(row["attainment"]),
                "attainment_text": fmt.signed_percent(shown),  # the metric box is narrow: the word goes below
                "below_start": shown is not None and shown < 0,
                "soll_text": fmt.soll_text(row["attainment"], raw, row.get("soll")),
                "status": row["status"],
                "status_text": status_text(row["status"]),
                "delta": delta,
                "delta_text": _delta_text(delta, report.as_of),
                "delta_color": "off" if flat else "normal",
                "delta_arrow": "off" if flat else "auto",
                "counts_text": " · ".join(f"{n} {STATUS_LABELS[s]}" for s, n in counts.items() if n),
                "best": best,
                "worst": worst,
            }
        )
    return cards


def _indicator_ids_for(report: StatusReport, nrs: set[int]) -> set[str]:
    links = report.indicator_vorhaben
    return set(links.loc[links["nr"].isin(nrs), "indicator_id"])


def _field_detail(r: dict[str, Any]) -> str:
    total = sum(int(r.get(f"n_{s}", 0) or 0) for s in STATUS_LABELS)
    behind = [
        f"{int(r.get(f'n_{s}', 0) or 0)} {STATUS_LABELS[s]}"
        for s in ("off_track", "at_risk")
        if int(r.get(f"n_{s}", 0) or 0)
    ]
    detail = f"; von {total} Indikatoren {' und '.join(behind)}" if behind else ""
    return f"**{r['code']}** ({fmt.attainment(r['attainment'], r.get('attainment_raw'))}{detail})"


def headline(report: StatusReport) -> str:
    """One sentence that answers 'which Aktionsfeld is off track, and by how much'.

    "By how much" is the gap to the Zielpfad (attainment − Soll, see `kora.metrics`), so 42 % in
    March reads as ahead of the path. "im Plan: alle Aktionsfelder" is said only when every
    Aktionsfeld has data and is on track; fields without data and overdue milestones are named.
    """
    fields = report.aktionsfelder.to_dict("records")
    plan = report.plan
    total = f"Gesamt **{fmt.attainment(plan['attainment'], plan.get('attainment_raw'))}** Zielerreichung"
    soll = fmt.soll_text(plan["attainment"], plan.get("attainment_raw"), plan.get("soll"))
    if soll:
        total += f" ({soll.replace(' · ', ': ')})"
    parts = [total]
    for status in ("off_track", "at_risk"):
        hit = [_field_detail(r) for r in fields if r["status"] == status]
        if hit:
            parts.append(f"{status_text(status)}: " + ", ".join(hit))
    on = [f"**{r['code']}**" for r in fields if r["status"] == "on_track"]
    empty = [f"**{r['code']}**" for r in fields if r["status"] not in ("on_track", "at_risk", "off_track")]
    if on:
        parts.append(
            f"{status_text('on_track')}: " + ("alle Aktionsfelder" if len(on) == len(fields) else ", ".join(on))
        )
    if empty:
        what = "alle Aktionsfelder" if len(empty) == len(fields) else ", ".join(empty)
        parts.append(f"{status_text('no_data')} für {report.as_of.year}: {what}")
    overdue = int((report.milestones or {}).get("overdue", 0) or 0)
    if overdue:
        parts.append(f"⛔ {overdue} Meilenstein{'e' if overdue != 1 else ''} überfällig")
    return " · ".join(parts)


def labelled(frame: pd.DataFrame, key_col: str, title_col: str, width: int = 400) -> pd.DataFrame:
    """Adds a `label` column 'A · Umgang mit …' for charts: the whole title (the chart wraps it, issue 11)."""
    labels = [
        vorhaben_label(k, t, width).replace(". ", " · ", 1)
        for k, t in zip(frame[key_col], frame[title_col], strict=True)
    ]
    return frame.assign(label=labels)


def missing_for_month(report: StatusReport) -> pd.DataFrame:
    """Indicators whose latest due reading is missing at the Stand (data freshness).

    Monthly indicators are due every month, quarterly ones (catalogue `meldung`) at quarter end.
    """
    ind = report.indicators
    last = ind["last_month"].map(as_date)
    due = ind["due_month"].map(as_date) if "due_month" in ind else pd.Series([report.as_of] * len(ind), index=ind.index)
    mask = [d is not None and (m is None or m < d) for m, d in zip(last, due, strict=True)]
    out = ind[mask]
    return pd.DataFrame(
        {
            "Indikator": out["name"],
            "Fällig für": [fmt.month_name(d) for d in due[mask]],
            "Letzte Meldung": [fmt.month_name(m) if m else "noch nie" for m in last[mask]],
        }
    ).reset_index(drop=True)


# --- Aktionsfeld / Vorhaben ------------------------------------------------------------------


def field_row(report: StatusReport, code: str) -> pd.Series:
    return report.aktionsfelder.set_index("code").loc[code]


def vorhaben_in_field(report: StatusReport, code: str) -> pd.DataFrame:
    return report.vorhaben[report.vorhaben["aktionsfeld"] == code]


def vorhaben_row(report: StatusReport, nr: int) -> pd.Series:
    return report.vorhaben.set_index("nr").loc[nr]


def milestones_of(frame: pd.DataFrame, nr: int) -> pd.DataFrame:
    return frame[frame["nr"] == nr]


def indicators_of(report: StatusReport, nr: int) -> pd.DataFrame:
    """Status rows of the indicators serving Vorhaben `nr`, in catalogue order."""
    ids = _indicator_ids_for(report, {nr})
    return report.indicators[report.indicators["id"].isin(ids)]


COMPACT_INDICATOR_COLUMNS = ["Indikator", "Status", "Wert", "Jahresziel", "Zielerreichung"]
COMPACT_MILESTONE_COLUMNS = ["ID", "Meilenstein", "Fällig", "Status"]


def indicator_table(indicators: pd.DataFrame, *, compact: bool = False) -> pd.DataFrame:
    """German table of indicator status: one row per indicator (`compact` for half-width)."""
    rows = []
    for r in indicators.itertuples(index=False):
        unit = r.unit
        rows.append(
            {
                "Indikator": r.name,
                "Status": status_text(r.status),
                "Wert": fmt.value_with_unit(r.value, unit, direction=r.direction),
                "Jahresziel": fmt.value_with_unit(r.target, unit, direction=r.direction),
                "Zielerreichung": fmt.attainment(r.attainment, getattr(r, "attainment_raw", None)),
                "Soll heute": fmt.value_with_unit(r.expected, unit, direction=r.direction),
                "Nötig je Monat": "–"
                if is_missing(r.needed_per_month)
                else fmt.value_with_unit(r.needed_per_month, unit),
                "Prognose Jahresende": fmt.value_with_unit(r.forecast, unit, direction=r.direction),
                "Meldungen": f"{int(r.months_reported)} von {int(r.months_due)}",
            }
        )
    table = pd.DataFrame(rows, columns=None if rows else ["Indikator", "Status", "Wert"])
    return table[COMPACT_INDICATOR_COLUMNS] if compact and rows else table


def indicator_list_markdown(indicators: pd.DataFrame) -> str:
    """The Vorhaben's Kennzahlen as a list: name, then status, value, Jahresziel and Zielerreichung.

    In a half-width column a five-column table cut the value ("3,91 kı") and hid Jahresziel and
    Zielerreichung behind a horizontal scroll (issue 11); a list wraps at any width, down to a phone.
    """
    if indicators.empty:
        return "_keine Indikatoren_"
    lines = []
    for r in indicators.itertuples(index=False):
        numbers = " · ".join(
            [
                f"Wert {fmt.value_with_unit(r.value, r.unit, direction=r.direction)}",
                f"Jahresziel {fmt.value_with_unit(r.target, r.unit, direction=r.direction)}",
                f"Zielerreichung {fmt.attainment(r.attainment, getattr(r, 'attainment_raw', None))}",
            ]
        )
        lines.append(f"- **{fmt.markdown(r.name)}**  \n  {status_text(r.status)} · {fmt.markdown(numbers)}")
    return "\n".join(lines)


def indicator_facts(row: pd.Series, as_of: dt.date) -> list[tuple[str, str]]:
    """Key figures beside an indicator chart, as short (label, value) pairs."""
    unit, direction = row["unit"], row["direction"]
    budget = direction == "down" and row["aggregation"] == "sum"
    facts = [
        ("Status", status_text(row["status"])),
        ("Wert bisher", fmt.value_with_unit(row["value"], unit, direction=direction)),
        (
            f"{'Obergrenze' if budget else 'Jahresziel'} {int(row['year'])}",
            fmt.value_with_unit(row["target"], unit, direction=direction),
        ),
        ("Start", start_text(row)),
        ("Zielerreichung", fmt.attainment(row["attainment"], row.get("attainment_raw"))),
        (f"Soll {fmt.month_short(as_of)}", fmt.value_with_unit(row["expected"], unit, direction=direction)),
    ]
    if not is_missing(row.get("needed_per_month")):
        label = "Noch erlaubt je Monat" if direction == "down" else "Nötig je Monat"
        facts.append((label, fmt.value_with_unit(row["needed_per_month"], unit)))
    facts.append(("Prognose Dez.", fmt.value_with_unit(row["forecast"], unit, direction=direction)))
    warning = as_date(row.get("warning_since"))
    if warning:
        facts.append(("Frühwarnung", f"seit {fmt.month_short(warning)}"))
    facts.append(("Meldungen", f"{int(row['months_reported'])} von {int(row['months_due'])}"))
    facts.append(
        ("Wertung", f"{AGGREGATION_LABELS.get(row['aggregation'], '')}, {DIRECTION_LABELS.get(direction, direction)}")
    )
    return facts


def start_text(row: pd.Series) -> str:
    """Where the year's Zielpfad starts, and why (Summe ab 0, Ausgangswert or Vorjahresziel)."""
    if is_missing(row.get("start")):
        return "–"
    value = fmt.value_with_unit(row["start"], row["unit"], direction=row["direction"])
    if row["aggregation"] == "sum" and row["direction"] == "up":
        return f"{value} (Summe ab Jahresbeginn)"
    if not is_missing(row.get("baseline")) and float(row["baseline"]) == float(row["start"]):
        return f"{value} (Ausgangswert)"
    return f"{value} (Ziel des Vorjahres)"


def facts_markdown(row: pd.Series, as_of: dt.date) -> str:
    """The key figures as a compact two-column Markdown table (beside a chart)."""
    lines = ["| Kennzahl | Wert |", "| --- | --- |"]
    lines += [f"| {label} | {fmt.markdown(value)} |" for label, value in indicator_facts(row, as_of)]
    return "\n".join(lines)


def vorhaben_label(nr: int, title: str, width: int = 60) -> str:
    short = title if len(title) <= width else title[: width - 1].rstrip() + "…"
    return f"{nr}. {short}"


def ideas_markdown(ideas: list[dict[str, Any]]) -> str:
    """Umsetzungsideen as a Markdown list; Teilvorhaben with their points nested."""
    lines = []
    for idea in ideas:
        prefix = f"**Teilvorhaben {idea['teilvorhaben']}:** " if idea.get("teilvorhaben") else ""
        lines.append(f"- {prefix}{fmt.markdown(idea['text'])}")
        lines.extend(f"    - {fmt.markdown(p)}" for p in idea.get("punkte", []))
    return "\n".join(lines)


def bullet_markdown(items: list[str]) -> str:
    return "\n".join(f"- {fmt.markdown(x)}" for x in items) if items else "_keine Angaben_"


# --- Meilensteine, Städtenetzwerk -----------------------------------------------------------


def milestone_frame(milestones: pd.DataFrame, as_of: dt.date) -> pd.DataFrame:
    """Milestones with the flags of `metrics.milestone_flags` (reached/overdue at the Stand)."""
    return milestone_flags(milestones, as_of=as_of)


def milestone_table(frame: pd.DataFrame, *, compact: bool = False) -> pd.DataFrame:
    labels = {"offen": "🕒 offen", "erreicht": "✅ erreicht", "verschoben": "↪️ verschoben"}
    table = pd.DataFrame(
        {
            "ID": frame["id"],
            "Vorhaben": frame["nr"].astype(int),
            "Aktionsfeld": frame["aktionsfeld"],
            "Meilenstein": frame["text"],
            "Fällig": [fmt.date(as_date(d)) for d in frame["due"]],
            "Status": [
                "⛔ überfällig"
                if o
                else labels["erreicht"]
                if r
                else labels.get(s, s).replace(labels["erreicht"], labels["offen"])
                for s, o, r in zip(frame["status"], frame["overdue"], frame["reached"], strict=True)
            ],
            "Erreicht am": [
                fmt.date(as_date(d)) if r else "–" for d, r in zip(frame["reached_on"], frame["reached"], strict=True)
            ],
        }
    )
    return table[COMPACT_MILESTONE_COLUMNS] if compact else table


def _milestone_status(status: str, overdue: bool, reached: bool) -> str:
    if overdue:
        return "⛔ überfällig"
    if reached:
        return "✅ erreicht"
    return "↪️ verschoben" if status == "verschoben" else "🕒 offen"


def milestone_list_markdown(frame: pd.DataFrame, *, by_vorhaben: bool = False) -> str:
    """Milestones as a list with their whole text: status, ID, due (or reached) date, text.

    A table cut the texts even at 1920 px (issue 11); a list wraps them. `by_vorhaben` puts a
    heading above each Vorhaben's milestones (the Meilensteine page lists all of them).
    """
    if frame.empty:
        return "_keine Meilensteine_"
    lines: list[str] = []
    current = None
    for r in frame.sort_values(["nr", "id"], kind="stable").itertuples(index=False):
        if by_vorhaben and r.nr != current:
            current = r.nr
            lines.append(f"\n**Vorhaben {int(r.nr)} (Aktionsfeld {fmt.markdown(r.aktionsfeld)})**\n")
        when = (
            f"erreicht am {fmt.date(as_date(r.reached_on))}"
            if r.reached and not r.overdue
            else f"fällig {fmt.date(as_date(r.due))}"
        )
        state = _milestone_status(r.status, bool(r.overdue), bool(r.reached))
        lines.append(f"- {state} · **{fmt.markdown(r.id)}** · {fmt.markdown(when)}: {fmt.markdown(r.text)}")
    return "\n".join(lines).strip("\n")


def partner_matrix(plan: dict[str, Any]) -> pd.DataFrame:
    """Städtenetzwerk: rows = partner cities, columns = Vorhaben; '●' where the seed names the city."""
    vorhaben = plan["vorhaben"]
    cities = sorted({c for v in vorhaben for c in v["partner_cities"]})
    data = {
        f"{v['nr']} ({v['aktionsfeld']})": ["●" if c in v["partner_cities"] else "" for c in cities] for v in vorhaben
    }
    frame = pd.DataFrame(data, index=pd.Index(cities, name="Partnerstadt"))
    frame["Anzahl Vorhaben"] = [sum(c in v["partner_cities"] for v in vorhaben) for c in cities]
    return frame.sort_values(["Anzahl Vorhaben"], ascending=False, kind="stable")


def partners_for(plan: dict[str, Any], city: str) -> list[str]:
    return [vorhaben_label(v["nr"], v["title"], 80) for v in plan["vorhaben"] if city in v["partner_cities"]]


def partner_cities(plan: dict[str, Any]) -> list[str]:
    return list(partner_matrix(plan).index)


def milestones_in(frame: pd.DataFrame, codes: list[str]) -> pd.DataFrame:
    return frame[frame["aktionsfeld"].isin(codes)]


def milestone_counts(frame: pd.DataFrame) -> dict[str, int]:
    return {
        "total": len(frame),
        "erreicht": int(frame["reached"].sum()),
        "verschoben": int((frame["status"] == "verschoben").sum()),
        "overdue": int(frame["overdue"].sum()),
    }

"""How the deck words "then and now": the last Termin against today.

When the last Termin and today share the same Stand month (the usual case a month after the last
Brownbag, when late values and corrections arrived), "damals Stand Oktober, heute Stand Oktober"
reads like a mistake; these helpers say plainly what differs instead (issue 11).
"""

from __future__ import annotations

from kora import fmt, periods
from kora.fmt import status_text
from kora.tracking.results import Changes


def same_stand(changes: Changes) -> bool:
    return periods.month_start(changes.previous_as_of) == periods.month_start(changes.as_of)


def since_line(changes: Changes) -> str:
    """'Seit dem 01.11.2026: damals Stand September 2026, heute Stand Oktober 2026', or — when both
    Stände are the same month — say plainly that only late and corrected values differ."""
    since = fmt.date(changes.since)
    if same_stand(changes):
        return (
            f"Seit dem {since} · Stand weiterhin {fmt.month_name(changes.as_of)}: nachgemeldete und korrigierte Werte"
        )
    return f"Seit dem {since}: damals Stand {fmt.month_name(changes.previous_as_of)}, heute Stand {fmt.month_name(changes.as_of)}"


def then_label(changes: Changes) -> str:
    """Legend of the 'damals' bars; the Stand only when it differs from today's (else both read alike)."""
    since = fmt.date(changes.since)
    return f"am {since}" if same_stand(changes) else f"am {since} (Stand {fmt.month_name(changes.previous_as_of)})"


def now_label(changes: Changes) -> str:
    return "heute" if same_stand(changes) else f"heute (Stand {fmt.month_name(changes.as_of)})"


def plan_line(changes: Changes) -> str:
    """The whole plan then → now: attainment within a year (as the Übersicht shows it: the raw mean
    when a part lies below its start, so slide and dashboard never say 65 % and 40 %), else the status."""
    before, after = changes.plan_before, changes.plan_after
    if changes.comparable:
        then = fmt.attainment(before.get("attainment"), before.get("attainment_raw"))
        now = fmt.attainment(after.get("attainment"), after.get("attainment_raw"))
        return f"Gesamt {then} → {now}"
    return f"Gesamt {status_text(before.get('status'))} → {status_text(after.get('status'))}"

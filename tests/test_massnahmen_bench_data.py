"""Generator of big, valid Maßnahmenlisten for the kill test and bench/bench_massnahmen.py."""

from __future__ import annotations

import random

HEADER = (
    "Nr;Maßnahme;Art;Länge km;Priorität Verwaltung;Priorität Politik;Phase;Projektleitung;Steckbrief;"
    "Planungsbeginn;Beschluss geplant;Beschluss;Fertigstellung geplant;Fertigstellung"
)
ARTEN = ("geschützter Radfahrstreifen", "Fahrradstraße", "Radweg", "Knotenpunkt", "sonstige")


def _m(index: int) -> str:
    return f"{index % 12 + 1:02d}.{index // 12}"


def big_rows(n: int, *, seed: int, shift: int = 0) -> list[str]:
    """n Maßnahmen with plausible dates between 2023 and 10/2026; `shift` moves planned dates."""
    rng = random.Random(seed)
    rows = []
    for i in range(n):
        start = 2023 * 12 + rng.randrange(0, 36)
        decided = start + rng.randrange(3, 24)
        done = decided + rng.randrange(2, 18)
        last = 2026 * 12 + 9
        b = _m(decided) if decided <= last else ""
        f = _m(done) if done <= last and b else ""
        rows.append(
            f"M-{i:05d};Maßnahme {i};{ARTEN[i % 5]};{rng.randrange(0, 3000) / 1000:.3f}".replace(".", ",", 1)
            + f";{i + 1};{'' if i % 3 else i // 3 + 1};;PL {i % 40};{'ja' if i % 4 else 'nein'};{_m(start)};"
            f"{_m(decided + shift)};{b};{_m(done + shift)};{f}"
        )
    return rows


def big_files(*, n: int, n_events: int, seed: int, shift: int = 0) -> tuple[bytes, bytes]:
    rng = random.Random(seed + 1)
    liste = ("\r\n".join([HEADER, *big_rows(n, seed=seed, shift=shift)]) + "\r\n").encode("cp1252")
    events = ["Nr;Datum;Ereignis;Anlass"]
    for _ in range(n_events):
        kind = "Abstimmungsschleife" if rng.random() < 0.8 else "Richtungsänderung"
        events.append(f"M-{rng.randrange(n):05d};{_m(2023 * 12 + rng.randrange(0, 45))};{kind};Anlass")
    return liste, ("\r\n".join(events) + "\r\n").encode("cp1252")

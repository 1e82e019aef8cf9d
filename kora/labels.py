"""German words, icons and colours for the project's codes — one home, so a status reads the same
on the dashboard, in the CLI, on a slide and in an Excel export.

Codes (``on_track``, ``upload`` …) are what the library computes and stores; these tables are
only how people see them. Status is never shown by colour alone: icon + word + colour.
"""

from __future__ import annotations

STATUS_LABELS = {"on_track": "im Plan", "at_risk": "gefährdet", "off_track": "nicht im Plan", "no_data": "keine Daten"}
STATUS_ICONS = {"on_track": "✅", "at_risk": "⚠️", "off_track": "⛔", "no_data": "⚪"}
# Okabe–Ito: distinguishable with the common colour-vision deficiencies; always shown with icon + word.
STATUS_COLORS = {"on_track": "#009E73", "at_risk": "#E69F00", "off_track": "#D55E00", "no_data": "#999999"}

# How an upload (a set of reading versions) came about.
KIND_LABELS = {"upload": "Upload", "revert": "Rücknahme", "demo": "Beispieldaten"}

# A cell of an upload compared with what is stored.
CHANGE_LABELS = {"new": "neu", "changed": "geändert", "unchanged": "unverändert"}
CHANGE_ICONS = {"new": "🟢", "changed": "🟠", "unchanged": "⚪"}  # the preview's status: icon (colour) + word

# Catalogue vocabulary.
AGGREGATION_LABELS = {"sum": "Summe seit Jahresbeginn", "mean": "Mittel der Monate", "last": "letzter Stand"}
DIRECTION_LABELS = {"up": "mehr ist besser", "down": "weniger ist besser", "yesno": "ja/nein"}

# Where an indicator's values come from (kora.plan.quellen).
QUELLE_LABELS = {"meldung": "Meldung (getippt)", "massnahmen": "Maßnahmenliste", "meilensteine": "Meilensteine"}

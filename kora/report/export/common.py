"""Helpers every export format shares: XML-safe text, file names, MIME types."""

from __future__ import annotations

import re
from dataclasses import dataclass

from kora import fmt

# Characters XML 1.0 forbids (PowerPoint/Excel files are XML): a stray control character in a
# pasted comment must not make the whole export fail.
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def xml_safe(text: object) -> str:
    """Text for PPTX/XLSX/HTML: XML-illegal characters dropped, bidi controls shown (`kora.fmt.visible_text`)."""
    return _XML_ILLEGAL.sub("", fmt.visible_text(text))


@dataclass(frozen=True)
class Format:
    key: str
    label: str
    extension: str
    mime: str


FORMATS: dict[str, Format] = {
    "pptx": Format(
        "pptx",
        "PowerPoint (PPTX)",
        "pptx",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ),
    "html": Format("html", "HTML-Bericht", "html", "text/html"),
    "xlsx": Format("xlsx", "Excel (XLSX)", "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
}


def file_name(kommune: str, as_of_iso: str, key: str) -> str:
    """'KoRa_aachen_Stand_2026-10.pptx' — ASCII only, safe on every file system and in mail."""
    slug = re.sub(r"[^A-Za-z0-9_-]+", "-", kommune).strip("-") or "kommune"
    return f"KoRa_{slug}_Stand_{as_of_iso}.{FORMATS[key].extension}"

"""Exports people keep after a Brownbag: PowerPoint, a self-contained HTML report, Excel.

`kora.tracking.stand.gather` collects one Stand's data, `make_bundle` adds the deck, and
`render(format, bundle)` turns it into file bytes.
None of the renderers needs a browser or other system software at run time: PowerPoint charts
are native chart parts (python-pptx), the HTML report draws its own SVG, Excel is openpyxl.
PDF is left out on purpose (README: "Export"): the HTML report prints to PDF from any browser.
"""

from __future__ import annotations

from kora.report.export.bundle import Bundle, make_bundle
from kora.report.export.common import FORMATS, Format, file_name


def render(key: str, bundle: Bundle) -> bytes:
    """File contents for format `key` ('pptx', 'html' or 'xlsx')."""
    if key == "pptx":
        from kora.report.export.pptx import build_pptx

        return build_pptx(bundle.deck)
    if key == "html":
        from kora.report.export.html import build_html

        return build_html(bundle.deck).encode("utf-8")
    if key == "xlsx":
        from kora.report.export.xlsx import build_xlsx

        return build_xlsx(bundle)
    raise ValueError(key)


def bundle_file_name(key: str, bundle: Bundle) -> str:
    return file_name(bundle.deck.kommune, bundle.deck.as_of.strftime("%Y-%m"), key)


__all__ = ["FORMATS", "Bundle", "Format", "bundle_file_name", "file_name", "make_bundle", "render"]

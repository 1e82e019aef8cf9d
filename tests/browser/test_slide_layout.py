"""Präsentationsmodus on a projector: every slide fits, is large enough, and shows nothing but itself.

Opens `/praesentation?vollbild=1` (the bookmark for the meeting-room PC) on the Beispieldaten and
walks through every slide with the keys a presenter uses (→, and PageDown/PageUp as presenter remotes
send them), at 1920 × 1080 and 1280 × 720. Each slide is measured with the checks of
tests/browser/layout.py (`slide_fit`, `slide_font_sizes` at 1080p, `slide_chrome`, `chart_text`)
and photographed into test-artifacts/layout/slides/<size>/ for people to look at.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.browser import layout
from tests.browser.conftest import WAIT_MS, Server, wait_for_app
from tests.conftest import ROOT

pytestmark = pytest.mark.browser

SHOTS = ROOT / "test-artifacts" / "layout" / "slides"
FOOTER = re.compile(r"Folie (\d+) / (\d+)")


def open_fullscreen(page: Any, server: Server, size: str) -> None:
    width, height = layout.SIZES[size]
    page.set_viewport_size({"width": width, "height": height})
    page.goto(f"{server.url}/praesentation?vollbild=1")
    wait_for_app(page)
    page.wait_for_selector(layout.SLIDE_BODY)
    layout.settle(page)


def slide_number(page: Any) -> tuple[int, int]:
    """('Folie 3 / 12' in the slide's footer) → (3, 12)."""
    match = FOOTER.search(page.locator(layout.SLIDE_BODY).inner_text())
    assert match, "Fußzeile „Folie n / m“ fehlt"
    return int(match[1]), int(match[2])


def press(page: Any, key: str, expected: int) -> None:
    """A key as the presenter presses it; waits until slide `expected` is drawn."""
    page.mouse.move(5, 5)  # the mouse away from the strip: the audience view
    page.keyboard.press(key)
    page.wait_for_function(
        "([sel, n]) => (document.querySelector(sel)?.innerText || '').includes(`Folie ${n} /`)",
        arg=[layout.SLIDE_BODY, expected],
        timeout=WAIT_MS,
    )
    layout.settle(page)


def measure(page: Any, *, fonts: bool) -> dict[str, list[str]]:
    checks = {"slide_fit": layout.slide_fit, "slide_chrome": layout.slide_chrome, "chart_text": layout.chart_text}
    if fonts:
        checks["slide_font_sizes"] = layout.slide_font_sizes
    found = layout.stable(lambda: {name: check(page) for name, check in checks.items()}, page)
    return {name: problems for name, problems in found.items() if problems}


@pytest.mark.parametrize("size", ["1920x1080", "1280x720"])
def test_every_slide_fits_the_projector(demo_server: Server, page: Any, size: str) -> None:
    open_fullscreen(page, demo_server, size)
    first, total = slide_number(page)
    assert first == 1 and total >= 9
    problems: dict[str, dict[str, list[str]]] = {}
    for number in range(1, total + 1):
        if number > 1:
            press(page, "ArrowRight" if number % 2 else "PageDown", number)
        found = measure(page, fonts=size == "1920x1080")
        if found:
            problems[f"Folie {number}"] = found
        page.screenshot(path=str(SHOTS / size / f"folie-{number:02d}.png"))
    assert not problems, problems


def test_keys_walk_back_and_forth_and_the_strip_appears_under_the_mouse(demo_server: Server, page: Any) -> None:
    open_fullscreen(page, demo_server, "1920x1080")
    press(page, "PageDown", 2)
    press(page, "ArrowRight", 3)
    press(page, "PageUp", 2)
    press(page, "ArrowLeft", 1)
    assert layout.slide_chrome(page) == []  # the audience sees the slide only ...
    page.mouse.move(960, 1075)  # ... until the presenter moves the mouse to the bottom edge
    page.wait_for_timeout(300)
    assert page.get_by_role("button", name="Weiter ▶").is_visible()
    shown = layout.slide_chrome(page)
    assert any("Weiter" in p for p in shown), shown
    page.screenshot(path=str(SHOTS / "1920x1080" / "steuerleiste.png"))

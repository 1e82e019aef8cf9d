"""Präsentationsmodus: the Brownbag deck on the projector, one slide at a time, in large type.

The slides are `kora.report.slides` data — the same deck the PPTX, HTML and Excel downloads are made
from, so what the audience sees is what they get to keep. Navigation: buttons, the arrow keys
(native button shortcuts) or autoplay. All texts are escaped: comments are typed by users.
"""

from __future__ import annotations

import time

import streamlit as st

from kora import fmt, periods
from kora.report import export, slides
from kora.report.export.figures import plotly_figure
from kora.tracking.compare import default_since
from kora.tracking.stand import gather
from kora.web import gate, state, style

SLIDE = "praes_slide"
MOVED = "praes_moved_at"
AUTOPLAY = "praes_autoplay"
SECONDS = "praes_seconds"


def esc(text: str) -> str:
    return fmt.markdown(text)


def move(delta: int, n: int, *, wrap: bool = False) -> None:
    st.session_state[SLIDE] = slides.step(int(st.session_state.get(SLIDE, 0)), n, delta, wrap=wrap)
    st.session_state[MOVED] = time.monotonic()


def touched() -> None:
    st.session_state[MOVED] = time.monotonic()


def show_section(section: slides.Section) -> None:
    st.markdown(f"### {esc(section.heading)}", anchors=False)
    if not section.items:
        st.markdown(f"_{esc(section.empty)}_")
    lines = [
        f"- {esc(item.text)}" + (f"  \n  :gray[{esc(item.detail)}]" if item.detail else "") for item in section.items
    ]
    if lines:
        st.markdown("\n".join(lines))
    if section.more:
        st.caption(f"… und {section.more} weitere (alle im Excel-Export)")


def show_slide(deck: slides.Deck, index: int) -> None:
    s = deck.slides[index]
    st.markdown(f"# {esc(s.title)}", anchors=False)
    if s.subtitle:
        st.markdown(f"#### {esc(s.subtitle)}", anchors=False)
    if s.metrics:
        for column, m in zip(st.columns(len(s.metrics)), s.metrics, strict=True):
            column.metric(esc(m.label), m.value, m.note or None, delta_color="off", delta_arrow="off", border=True)
    if s.chart is not None:
        style.chart(plotly_figure(s.chart), key=f"praes_chart_{s.key}")
    if s.table is not None:
        st.table(
            [{esc(c): esc(v) for c, v in zip(s.table.columns, row, strict=True)} for row in s.table.rows],
            hide_index=True,
        )
    per_row = 2 if len(s.sections) in (2, 4) else 3
    for start in range(0, len(s.sections), per_row):
        row = s.sections[start : start + per_row]
        for column, section in zip(st.columns(per_row), row, strict=False):
            with column:
                show_section(section)
    st.caption(f"{esc(deck.footer)} · Folie {index + 1} / {len(deck.slides)}")
    if s.notes:
        with st.expander("Hinweise zu dieser Folie"):
            st.markdown(esc(s.notes))


as_of = state.stand()
today = periods.today_local()

with st.popover("⚙️ Einstellungen", key="praes_settings"):
    since = st.date_input(
        "Letzter Termin (für „Was hat sich geändert?“)",
        value=default_since(today),
        max_value=today,
        format="DD.MM.YYYY",
        key="praes_since",
    )
    autoplay = st.toggle("Automatisch weiterblättern", key=AUTOPLAY, on_change=touched)
    seconds = st.number_input("Sekunden je Folie", min_value=5, max_value=600, value=30, step=5, key=SECONDS)
    fullscreen = st.toggle(
        "Vollbild (Seitenleiste ausblenden)",
        value=st.query_params.get("vollbild", "1") != "0",  # a bookmark: /praesentation?vollbild=1 (or =0)
        key="praes_fullscreen",
        help="Für den Beamer; mit F11 zusätzlich den Browser im Vollbild zeigen. Ausschalten, um zu anderen Seiten zu wechseln.",
    )

style.projector_style(fullscreen=fullscreen)

if not state.has_readings():
    st.info("Es sind noch keine Messwerte erfasst: die Folien zeigen den Plan ohne Zahlen.")

bundle = export.make_bundle(
    gather(
        state.database(),
        kommune=gate.own_kommune(),
        as_of=as_of,
        since=since,
        report=state.status(as_of),
        made_on=today,
    )
)
deck = bundle.deck
n = len(deck.slides)
if int(st.session_state.get(SLIDE, 0)) >= n:
    st.session_state[SLIDE] = 0


@st.fragment(run_every=float(seconds) if autoplay else None)
def presenter() -> None:
    """Only this part reruns when blättern: the deck is not recomputed for every slide."""
    if autoplay and time.monotonic() - st.session_state.get(MOVED, 0.0) >= float(seconds) - 0.5:
        move(+1, n, wrap=True)
    back, pick, forward = st.columns([1, 4, 1], vertical_alignment="center")
    back.button(
        "◀ Zurück", key="praes_back", on_click=move, args=(-1, n), shortcut="Left", width="stretch", help="Taste ←"
    )
    pick.selectbox(
        "Folie",
        list(range(n)),
        format_func=lambda i: slides.slide_label(deck, i),
        key=SLIDE,
        on_change=touched,
        label_visibility="collapsed",
    )
    forward.button(
        "Weiter ▶",
        key="praes_next",
        on_click=move,
        args=(+1, n),
        shortcut="Right",
        width="stretch",
        type="primary",
        help="Taste →",
    )
    with st.container(key="praes_body"):  # CSS class st-key-praes_body: hook for projector styling
        show_slide(deck, int(st.session_state.get(SLIDE, 0)))


presenter()

st.divider()
st.markdown("##### Dateien zum Mitnehmen", anchors=False)
st.caption(
    f"Dieselben Folien mit Stand {fmt.month_name(as_of)}, Änderungen seit {fmt.date(since)}. "
    "PowerPoint mit bearbeitbaren Diagrammen; der HTML-Bericht öffnet ohne Internet und lässt sich "
    "im Browser als PDF drucken; Excel mit Plan, Indikatoren, Messwerten mit Versionen und Zielerreichung."
)
for column, key in zip(st.columns(3), ("pptx", "html", "xlsx"), strict=True):
    column.download_button(
        f"⬇️ {export.FORMATS[key].label}",
        data=lambda key=key: export.render(key, bundle),
        file_name=export.bundle_file_name(key, bundle),
        mime=export.FORMATS[key].mime,
        key=f"praes_download_{key}",
        on_click="ignore",
        width="stretch",
    )

"""Präsentationsmodus: the Brownbag deck on the projector, one slide at a time, in large type.

The slides are `kora.report.slides` data — the same deck the PPTX, HTML and Excel downloads are made
from, so what the audience sees is what they get to keep; long slides are carried onto "Fortsetzung"
slides (`kora.report.continuation`) so that each fits the screen. Navigation: buttons, the arrow keys
and PageUp/PageDown (what presenter remotes send; native button shortcuts) or autoplay. In Vollbild
(`/praesentation?vollbild=1`, a bookmark for the meeting-room PC) the audience sees the slide only:
the controls sit in strips at the bottom edge that appear under the mouse. All texts are escaped:
comments are typed by users.
"""

from __future__ import annotations

import time

import streamlit as st

from kora import fmt, periods
from kora.report import continuation, export, slides
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
    show_body(s)
    per_row = continuation.per_row(len(s.sections))
    for start in range(0, len(s.sections), per_row):
        row = s.sections[start : start + per_row]
        for column, section in zip(st.columns(per_row), row, strict=False):
            with column:
                show_section(section)
    st.caption(f"{esc(deck.footer)} · Folie {index + 1} / {len(deck.slides)}")


def show_body(s: slides.Slide) -> None:
    """Chart and table side by side (Aktionsfeld slides) or one below the other, as
    `kora.report.continuation` measured them."""
    if continuation.beside(s):
        left, right = st.columns([continuation.CHART_SIDE, 1 - continuation.CHART_SIDE], gap="medium")
        with left:
            show_chart(s)
        with right:
            show_table(s)
    else:
        show_chart(s)
        show_table(s)


def show_chart(s: slides.Slide) -> None:
    if s.chart is not None:
        style.chart(
            plotly_figure(s.chart), key=f"praes_chart_{s.key}"
        )  # its own pixel height; PROJECTOR_CSS scales the text


def show_table(s: slides.Slide) -> None:
    if s.table is not None:
        st.table(
            [{esc(c): esc(v) for c, v in zip(s.table.columns, row, strict=True)} for row in s.table.rows],
            hide_index=True,
        )


def show_notes(s: slides.Slide) -> None:
    """Speaker notes: for the presenter, in a popover of the hidden strip in Vollbild."""
    if not s.notes:
        return
    if fullscreen:
        with st.popover("Hinweise", help="Hinweise zu dieser Folie"):
            st.markdown(esc(s.notes))
    else:
        with st.expander("Hinweise zu dieser Folie"):
            st.markdown(esc(s.notes))


as_of = state.stand()
today = periods.today_local()

fullscreen = st.session_state.get("praes_fullscreen", st.query_params.get("vollbild", "1") != "0")
settings = st.container(key="praes_strip_settings")  # in Vollbild: a hidden strip at the bottom left
with settings.popover("⚙️ Einstellungen", key="praes_settings"):
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
        "Vollbild (nur die Folie zeigen)",
        value=fullscreen,  # a bookmark: /praesentation?vollbild=1 (or =0)
        key="praes_fullscreen",
        help="Für den Beamer: das Publikum sieht nur die Folie. Blättern mit ← → oder Bild↑/Bild↓ "
        "(Presenter); die Steuerung erscheint, wenn die Maus an den unteren Rand fährt. "
        "Mit F11 zusätzlich den Browser im Vollbild zeigen. Ausschalten, um zu anderen Seiten zu wechseln.",
    )
st.query_params["vollbild"] = "1" if fullscreen else "0"  # the address bar is the bookmark of this view

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
deck = continuation.for_projector(bundle.deck)  # the downloads keep the deck; the screen gets Fortsetzungen
n = len(deck.slides)
if int(st.session_state.get(SLIDE, 0)) >= n:
    st.session_state[SLIDE] = 0


@st.fragment(run_every=float(seconds) if autoplay else None)
def presenter() -> None:
    """Only this part reruns when blättern: the deck is not recomputed for every slide."""
    if autoplay and time.monotonic() - st.session_state.get(MOVED, 0.0) >= float(seconds) - 0.5:
        move(+1, n, wrap=True)
    index = int(st.session_state.get(SLIDE, 0))
    with st.container(key="praes_strip_nav"):  # in Vollbild: a hidden strip at the bottom edge
        navigation(index)
    with st.container(key="praes_body"):  # CSS class st-key-praes_body: hook for projector styling
        show_slide(deck, index)
    if not fullscreen:
        show_notes(deck.slides[index])


def navigation(index: int) -> None:
    """Zurück, slide picker, Weiter; presenter remotes send PageUp/PageDown, so two more
    buttons carry those shortcuts (hidden by CSS: a button takes only one shortcut)."""
    back, pick, forward, notes = st.columns([1, 4, 1, 1], vertical_alignment="center")
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
    if fullscreen:
        with notes:
            show_notes(deck.slides[index])
    with st.container(key="praes_keys"):
        st.button("Bild ↑", key="praes_page_up", on_click=move, args=(-1, n), shortcut="PageUp")
        st.button("Bild ↓", key="praes_page_down", on_click=move, args=(+1, n), shortcut="PageDown")


presenter()


def downloads() -> None:
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


files = st.container(key="praes_strip_files")  # in Vollbild: a hidden strip at the bottom right
if fullscreen:
    with files.popover("⬇️ Dateien", key="praes_files"):
        downloads()
else:
    with files:
        st.divider()
        downloads()

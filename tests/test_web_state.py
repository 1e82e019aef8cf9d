"""kora.web.state's figure cache: keyed by the figure's whole input, so a changed input is rebuilt."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from kora.report import charts
from kora.web import state


def bars(values: list[float]) -> pd.DataFrame:
    return pd.DataFrame({"label": ["A", "B"], "attainment": values, "status": ["on_track", "off_track"]})


def test_figure_is_built_once_per_input_and_rebuilt_when_the_input_changes() -> None:
    st.cache_resource.clear()
    first = state.figure(charts.attainment_bars, bars([0.5, 0.2]), label_col="label", title="T")
    again = state.figure(charts.attainment_bars, bars([0.5, 0.2]), label_col="label", title="T")
    assert again is first  # shared, not rebuilt
    changed = state.figure(charts.attainment_bars, bars([0.5, 0.3]), label_col="label", title="T")
    retitled = state.figure(charts.attainment_bars, bars([0.5, 0.2]), label_col="label", title="U")
    assert changed is not first and retitled is not first
    fresh = charts.attainment_bars(bars([0.5, 0.3]), label_col="label", title="T")
    assert changed.to_dict() == fresh.to_dict()  # the same figure the builder makes
    frame = bars([0.5, 0.2])
    frame.attrs["as_of"] = "2025-06"
    assert state.figure(charts.attainment_bars, frame, label_col="label", title="T") is not first  # attrs count
    st.cache_resource.clear()

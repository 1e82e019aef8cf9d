"""kora.web steps that carry logic without a running app: option parsing, the Stand from a link,
and the one Streamlit switch the server sets (see pages/README.md for why)."""

from __future__ import annotations

import datetime as dt
import inspect

import pytest

from kora.web import serve, state

D = dt.date


@pytest.mark.parametrize(
    ("args", "env", "expected"),
    [
        ([], {}, {}),
        (["--server.address", "localhost"], {}, {"server.address": "localhost"}),
        (["--server.address=0.0.0.0", "--server.port", "8502"], {}, {"server.address": "0.0.0.0"}),
        (
            ["--secrets.files", "a.toml", "--secrets.files=b.toml"],
            {},
            {"secrets.files": ["a.toml", "b.toml"]},
        ),
        (["--server.address"], {}, {"server.address": ""}),
        (["run", "-v", "--server.address", "::1"], {}, {"server.address": "::1"}),
        ([], {"STREAMLIT_SERVER_ADDRESS": "127.0.0.1"}, {"server.address": "127.0.0.1"}),
        (
            ["--server.address", "localhost"],
            {"STREAMLIT_SERVER_ADDRESS": "0.0.0.0", "STREAMLIT_SECRETS_FILES": "x.toml y.toml"},
            {"server.address": "localhost", "secrets.files": ["x.toml", "y.toml"]},
        ),
    ],
)
def test_flag_options(args: list[str], env: dict[str, str], expected: dict, monkeypatch: pytest.MonkeyPatch) -> None:
    for key in ("STREAMLIT_SERVER_ADDRESS", "STREAMLIT_SECRETS_FILES"):
        monkeypatch.delenv(key, raising=False)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    assert serve.flag_options(args) == expected


OPTIONS = [D(2026, 1, 1), D(2026, 2, 1), D(2026, 3, 1)]


@pytest.mark.parametrize(
    ("wanted", "chosen"),
    [
        (None, D(2026, 3, 1)),
        ("", D(2026, 3, 1)),
        ("2026-02", D(2026, 2, 1)),
        ("02.2026", D(2026, 2, 1)),
        ("2025-12", D(2026, 3, 1)),  # before the plan: newest instead
        ("2026-13", D(2026, 3, 1)),  # not a month: newest instead, no error
        ("<script>", D(2026, 3, 1)),
    ],
)
def test_stand_from_link(wanted: str | None, chosen: dt.date) -> None:
    assert state.stand_from_link(wanted, OPTIONS) == chosen


def test_the_v1_switch_is_the_one_st_navigation_sets_itself() -> None:
    """If a Streamlit upgrade drops or renames the flag, fail here (then rename pages/, see its README)."""
    from streamlit.commands import navigation
    from streamlit.runtime.pages_manager import PagesManager

    assert "uses_pages_directory" in vars(PagesManager)
    assert "PagesManager.uses_pages_directory = False" in inspect.getsource(navigation.navigation)
    before = PagesManager.uses_pages_directory
    try:
        serve.route_through_app()
        assert PagesManager.uses_pages_directory is False
    finally:
        PagesManager.uses_pages_directory = before

"""Starting the dashboard: the access preflight, `streamlit run app.py` in-process, and routing.

`kora serve` refuses to start a server that would fail closed anyway (e.g. Einzelplatz mode on a
public address), so city IT reads the German reason in the terminal instead of in a browser.
Routing: every URL is served through app.py's `st.navigation` (see `route_through_app` and
pages/README.md for why that needs one switch of Streamlit's).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

from kora.access import accounts, modes
from kora.db import open_database, resolve_db_path

PREFLIGHT_OPTIONS = ("server.address", "secrets.files")


def route_through_app() -> None:
    """Serve every URL through app.py's `st.navigation`, never as a Streamlit "MPA v1" page.

    Streamlit 1.67 decides per server process whether a folder called `pages/` next to the
    main script means v1 multipage mode; in that mode a deep link runs a page script without
    app.py (no page config, sidebar or error guard). Page scripts live in sub-folders of
    pages/ (so v1 finds none) and this switch keeps later sessions on the plain v2 path.
    """
    from streamlit.runtime.pages_manager import PagesManager

    PagesManager.uses_pages_directory = False


def _option_value(args: list[str], i: int) -> tuple[str, str, int]:
    """`--key=value` or `--key value` at position i: (key, value, index of the next argument)."""
    arg = args[i]
    if "=" in arg:
        key, value = arg[2:].split("=", 1)
        return key, value, i + 1
    value = args[i + 1] if i + 1 < len(args) else ""
    return arg[2:], value, i + 2


def flag_options(streamlit_args: list[str]) -> dict[str, Any]:
    """The options the access check needs, as Streamlit will see them: `--key value`,
    `--key=value` (secrets.files may repeat), else the STREAMLIT_* environment variable."""
    out: dict[str, Any] = {}
    i = 0
    while i < len(streamlit_args):
        if not (streamlit_args[i].startswith("--") and "." in streamlit_args[i]):
            i += 1
            continue
        key, value, i = _option_value(streamlit_args, i)
        if key == "secrets.files":
            out.setdefault(key, []).append(value)
        elif key in PREFLIGHT_OPTIONS:
            out[key] = value
    for key in PREFLIGHT_OPTIONS:
        env = os.environ.get("STREAMLIT_" + key.upper().replace(".", "_"))
        if key not in out and env:
            out[key] = env.split() if key == "secrets.files" else env
    return out


def preflight(streamlit_args: list[str]) -> str | None:
    """The access problem the dashboard would show, checked before the server starts (or None)."""
    from streamlit import config
    from streamlit.runtime.secrets import secrets_singleton

    config.get_config_options(force_reparse=True, options_from_flags=flag_options(streamlit_args))
    section = None
    if secrets_singleton.load_if_toml_exists():
        raw = secrets_singleton.get("auth")
        section = dict(raw) if raw else None
    db = open_database(str(resolve_db_path()))
    try:
        logins = accounts.login_accounts(db)
    finally:
        db.close()
    access_config = modes.resolve_access(
        os.environ, auth_section=section, login_accounts=logins, address=config.get_option("server.address")
    )
    _forget_preflight_config(config)
    return access_config.problem


def _forget_preflight_config(config: Any) -> None:
    """Drop the options parsed for the preflight, so Streamlit's own parse is the first one.

    Ours sees only the access options; Streamlit's sees every flag (e.g. `--server.port 8502`)
    and would log the English "An update to the [server] config option section was detected"
    for the difference. There is no public reset: the private module global is the only switch.
    """
    config._config_options = None


def serve(streamlit_args: list[str]) -> int:
    """Run the dashboard (`streamlit run asgi.py …`: app.py plus the cookie routes) with v1 routing off.

    Setting the switch before the first session means even the very first request after a
    start may be a deep link (`/aktionsfeld?feld=B`) without Streamlit's "Page not found".
    """
    from streamlit.web import cli as streamlit_cli

    problem = preflight(streamlit_args)
    if problem:
        print(f"Fehler: {problem}", file=sys.stderr)
        return 2
    route_through_app()
    app = Path(__file__).resolve().parents[2] / "asgi.py"  # app.py plus the session-cookie routes
    sys.argv = ["streamlit", "run", str(app), *streamlit_args]
    try:
        streamlit_cli.main()
    except SystemExit as done:
        return int(done.code or 0)
    return 0

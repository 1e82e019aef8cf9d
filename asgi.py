"""KoRa-Monitor's server entry: the Streamlit app (app.py) plus the session-cookie routes.

`python -m kora serve` (and `./dev.sh run`) runs this file with `streamlit run`; Streamlit 1.67
recognises the `st.App` below and serves app.py with two extra routes that set and clear the
HttpOnly login cookie (kora/web/session_routes.py). `streamlit run app.py` still works, but then a
local login lasts only as long as the browser tab.
"""

import streamlit as st

from kora.web.serve import route_through_app
from kora.web.session_routes import routes

route_through_app()
app = st.App("app.py", routes=routes())

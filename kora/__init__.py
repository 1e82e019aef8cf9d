"""KoRa-Monitor: tracks the Aachen KoRa Aktionsplan (plan, monthly readings, goal attainment).

The package is the library; `app.py` and `pages/` are a thin Streamlit UI over it and
`python -m kora` is a thin command line over it.
"""

from __future__ import annotations

__version__ = "0.1.0"

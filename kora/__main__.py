"""Entry point for `python -m kora`."""

from __future__ import annotations

from kora.cli.main import main

raise SystemExit(main())

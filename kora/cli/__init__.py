"""Sub-commands of `python -m kora`; each module defines `register(subparsers)`.

A command parses arguments, calls `kora.plan.setup` (or another library module) and prints: German
text for people, `--json` for automation. No logic lives here.
"""

from __future__ import annotations

# Order = order in `python -m kora --help`.
COMMAND_MODULES = (
    "kora.cli.setup",
    "kora.cli.serve",
    "kora.cli.status",
    "kora.cli.importing",
    "kora.cli.export",
    "kora.cli.users",
    "kora.cli.netzwerk",
    "kora.cli.massnahmen",
    "kora.cli.backup",
)

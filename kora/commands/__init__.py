"""Sub-commands of `python -m kora`; each module defines `register(subparsers)`.

A command parses arguments, calls `kora.ops` (or another library module) and prints: German
text for people, `--json` for automation. No logic lives here.
"""

from __future__ import annotations

# Order = order in `python -m kora --help`.
COMMAND_MODULES = (
    "kora.commands.setup",
    "kora.commands.serve",
    "kora.commands.status",
    "kora.commands.importing",
    "kora.commands.export",
    "kora.commands.users",
)

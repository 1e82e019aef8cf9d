"""What the benchmarks print about the machine they ran on (shared and noisy: say which)."""

from __future__ import annotations

import os
import platform
from pathlib import Path


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unbekannt"


def describe() -> str:
    """'2 Kerne (nproc) · Intel(R) Xeon(R) Processor · Python 3.11.7'"""
    return f"{os.cpu_count()} Kerne (nproc) · {cpu_model()} · Python {platform.python_version()}"

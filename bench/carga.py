"""The machine's load average, printed with every figure: the machine may be shared, and a
ratio means little without the load it ran at."""

from __future__ import annotations

import os


def carga() -> str:
    """«carga» and the load average over 1, 5 and 15 minutes."""
    return "carga " + " ".join(f"{x:.2f}" for x in os.getloadavg())

"""Peak memory of this process, for the benches that measure a child process.

VmHWM, not ``ru_maxrss``: Linux keeps ``ru_maxrss`` across exec, so a child started from a big
bench process would report its parent's peak (the export measured 165-194 MB that way; 60 MB
alone).
"""

from __future__ import annotations

import resource
from pathlib import Path


def peak_rss_mb() -> float:
    status = Path("/proc/self/status")
    if status.exists():
        line = next(x for x in status.read_text().splitlines() if x.startswith("VmHWM:"))
        return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

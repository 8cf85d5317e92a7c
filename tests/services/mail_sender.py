"""One mail sender of ``test_mail_once``, as its own process: it opens the data dir, waits for
the go file (so that both senders really overlap), sends what is pending and prints how many
mails it sent and how many failed. ``python -m tests.services.mail_sender DATA_DIR GO READY``.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path


def main(argv: list[str]) -> int:
    from icsoe_desktop.services.container import open_services

    data_dir, go, ready = (Path(a) for a in argv)
    services = open_services(data_dir)
    ready.touch()
    while not go.exists():
        time.sleep(0.005)
    report = services.mail.send_pending(force=True)
    services.close()
    print(report.sent, report.failed)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""The process that writes while ``test_backup_while_another_process_writes_is_consistent``
backs up: it commits ten mails a group until the stop file appears, touches the writing file
after its first group and prints how many groups it committed.
``python -m tests.services.backup_writer DATA_DIR STOP WRITING``.
"""

from __future__ import annotations

import sys
from pathlib import Path


def main(argv: list[str]) -> int:
    from icsoe_desktop.services.container import open_services

    data_dir, stop, writing = (Path(a) for a in argv)
    services = open_services(data_dir)
    group = 0
    while not stop.exists():
        with services.store.session() as session:
            for _n in range(10):
                services.mail.enqueue(session, "a@b.mx", f"grupo {group}", "x" * 500)
        group += 1
        if group == 1:
            writing.touch()
    services.close()
    print(group)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""`python -m icsoe_desktop` opens the application; with a command it runs the CLI."""

from __future__ import annotations

import sys

# services/aparte/obra.py's ORDEN: this module imports nothing before the window.
ORDEN_APARTE = "--trabajo-aparte"


def _is_link(text: str) -> bool:
    """``activation_link.is_link``, its module imported only for a text with a scheme's colon:
    a plain start (no argument, or a data dir) imports no domain module before its window."""
    if ":" not in text:
        return False
    from icsoe_desktop.domain.activation_link import is_link

    return is_link(text)


def gui_arguments(argv: list[str]) -> tuple[str | None, list[str]] | None:
    """``(data dir, icsoe:// links)`` of a plain GUI start, ``[--data-dir DIR] [link…]``, read
    without building the CLI's parser (argparse and every command: ~40 ms before the first
    window, bench/startup.py). None for anything else, which the CLI reads (commands, help,
    errors)."""
    data_dir: str | None = None
    links: list[str] = []
    args = iter(argv)
    for arg in args:
        if _is_link(arg):
            links.append(arg)
        elif arg == "--data-dir":
            data_dir = next(args, None)
            if data_dir is None or _is_link(data_dir):
                return None
        elif arg.startswith("--data-dir="):
            data_dir = arg.partition("=")[2]
        else:
            return None
    return data_dir, links


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == [ORDEN_APARTE]:  # a heavy job, done by a process of its own
        from icsoe_desktop.services import trabajos_aparte

        return trabajos_aparte.proceso(argv[1:])
    from icsoe_desktop.console import prepare_streams

    # Redirected on Windows, output is cp1252: what it lacks is written as a look-alike.
    prepare_streams()
    gui = gui_arguments(argv)
    if gui is not None:
        from icsoe_desktop.app import run_gui

        data_dir, links = gui
        return run_gui(data_dir, links=links)
    from icsoe_desktop.cli import main as cli_main

    return cli_main(argv)


if __name__ == "__main__":
    sys.exit(main())

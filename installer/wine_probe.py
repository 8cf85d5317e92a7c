"""Looks at the Windows desktop from inside a Wine prefix; run by the prefix's Windows Python.

    python.exe wine_probe.py titulos          # JSON list of the visible top-level window titles
    python.exe wine_probe.py captura FILE.png # the whole screen as PNG

installer/windows_wine.py uses it to tell that the app's first window and the dialog an
``icsoe://`` link opens are on screen (as Windows sees them, not as the app reports), and to keep
screenshots of them. Only the standard library and the prefix's PySide6.
"""

from __future__ import annotations

import ctypes
import json
import sys
from ctypes import wintypes


def visible_titles() -> list[str]:
    user32 = ctypes.windll.user32
    titles: list[str] = []

    @ctypes.WINFUNCTYPE(wintypes.BOOL, wintypes.HWND, wintypes.LPARAM)
    def each(hwnd: int, _lparam: int) -> bool:
        if user32.IsWindowVisible(hwnd):
            length = user32.GetWindowTextLengthW(hwnd)
            if length:
                buffer = ctypes.create_unicode_buffer(length + 1)
                user32.GetWindowTextW(hwnd, buffer, length + 1)
                titles.append(buffer.value)
        return True

    user32.EnumWindows(each, 0)
    return titles


def screenshot(path: str) -> None:
    from PySide6.QtGui import QGuiApplication

    app = QGuiApplication([sys.argv[0]])
    image = app.primaryScreen().grabWindow(0)
    if image.isNull() or not image.save(path, "PNG"):
        raise SystemExit(f"No se pudo capturar la pantalla en {path}")


def main(argv: list[str]) -> int:
    if argv[:1] == ["titulos"]:
        # ASCII JSON: the pipe to the caller is in the ANSI code page.
        print(json.dumps(visible_titles()))
        return 0
    if argv[:1] == ["captura"] and len(argv) == 2:
        screenshot(argv[1])
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""Generate resources/icsoe.ico (16–256 px) from resources/icsoe.svg with Qt.

Windows wants an .ico for the executable, the shortcuts and the installer. Each size is drawn
from the SVG itself (a 16 px icon scaled down from 256 px looks blurred). Qt's ICO writer puts one
image in a file, so the per-size files it writes are joined into one icon directory here:
sizes up to 128 as classic bitmaps (every Windows tool reads them), 256 as PNG, which is how
Windows stores its own large icons (a 256 px bitmap would weigh 256 KiB).

Run it after changing the SVG, then commit the .ico:

    python installer/make_icon.py
"""

from __future__ import annotations

import os
import struct
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SVG = ROOT / "resources" / "icsoe.svg"
ICO = ROOT / "resources" / "icsoe.ico"
SIZES = (16, 20, 24, 32, 40, 48, 64, 128, 256)
PNG_FROM = 256

_HEADER = struct.Struct("<HHH")  # reserved, type (1 = icon), count
_ENTRY = struct.Struct("<BBBBHHII")  # width, height, colours, reserved, planes, bpp, size, offset


def _render(size: int):
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    renderer = QSvgRenderer(str(SVG))
    if not renderer.isValid():
        raise SystemExit(f"No se pudo leer {SVG}")
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter)
    painter.end()
    return image


def _encode(image, fmt: str) -> bytes:
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice

    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    if not image.save(buffer, fmt):
        raise SystemExit(f"Qt no pudo escribir el formato {fmt}")
    buffer.close()
    return bytes(data.data())


def build_ico() -> bytes:
    entries: list[tuple[tuple, bytes]] = []
    for size in SIZES:
        image = _render(size)
        if size >= PNG_FROM:
            payload = _encode(image, "PNG")
            fields = (0, 0, 0, 0, 1, 32)  # 0 means 256 in the one-byte width/height
        else:
            single = _encode(image, "ICO")  # a whole one-image .ico: take its entry and data
            width, height, colours, reserved, planes, bpp, size_, offset = _ENTRY.unpack_from(
                single, _HEADER.size
            )
            payload = single[offset : offset + size_]
            fields = (width, height, colours, reserved, planes, bpp)
        entries.append((fields, payload))
    offset = _HEADER.size + _ENTRY.size * len(entries)
    directory = [_HEADER.pack(0, 1, len(entries))]
    for fields, payload in entries:
        directory.append(_ENTRY.pack(*fields, len(payload), offset))
        offset += len(payload)
    return b"".join(directory) + b"".join(payload for _, payload in entries)


def main() -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtGui import QGuiApplication

    _app = QGuiApplication(sys.argv[:1])  # the SVG renderer and image writers need one
    ICO.write_bytes(build_ico())
    print(f"{ICO.relative_to(ROOT)}: {ICO.stat().st_size} bytes, sizes {SIZES}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

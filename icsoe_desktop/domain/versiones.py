"""The app's versions (``X.Y.Z``, pyproject's and the installer's): read and ordered."""

from __future__ import annotations

import re

from icsoe_desktop.domain.errors import ValidationError

_VERSION = re.compile(r"(\d{1,6})\.(\d{1,6})\.(\d{1,6})")
# The installer's file name as installer/icsoe-desktop.iss writes it.
_INSTALADOR = re.compile(r"icsoe-desktop-(\d{1,6}\.\d{1,6}\.\d{1,6})-instalador\.exe", re.I)


def revisar(texto: str) -> str:
    """``texto`` as a version, or a Spanish ValidationError."""
    texto = texto.strip()
    if not _VERSION.fullmatch(texto):
        raise ValidationError(
            "version_invalida",
            f"«{texto}» no es una versión de icsoe-desktop: se escribe como 0.2.1 (tres números "
            "separados por puntos).",
            "version",
        )
    return texto


def orden(version: str) -> tuple[int, int, int]:
    """Its place in time: 0.10.0 comes after 0.9.3."""
    found = _VERSION.fullmatch(revisar(version))
    assert found is not None
    return int(found[1]), int(found[2]), int(found[3])


def es_mas_nueva(version: str, que: str) -> bool:
    return orden(version) > orden(que)


def de_nombre_de_instalador(nombre: str) -> str | None:
    """The version in an installer's file name (icsoe-desktop-0.2.1-instalador.exe), if any."""
    found = _INSTALADOR.fullmatch(nombre.strip())
    return found[1] if found else None

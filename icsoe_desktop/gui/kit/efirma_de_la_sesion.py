"""The e.firma files (.cer and .key; never the password) a contratista entered with, offered
again at Firmar… while its window is open: the clerk does not look for them twice."""

from __future__ import annotations

from pathlib import Path

_archivos: dict[str, tuple[Path, Path]] = {}  # RFC → (.cer, .key), this run only


def recordar(rfc: str, certificado: Path, llave: Path) -> None:
    _archivos[rfc.upper()] = (certificado, llave)


def de(rfc: str) -> tuple[Path, Path] | None:
    """The files ``rfc`` entered with in this session, if it did with its e.firma."""
    return _archivos.get(rfc.upper())


def olvidar(rfc: str) -> None:
    """Its session ended (its window closed)."""
    _archivos.pop(rfc.upper(), None)


def olvidar_todo() -> None:
    """Back at the login: no ICSOE session is open."""
    _archivos.clear()

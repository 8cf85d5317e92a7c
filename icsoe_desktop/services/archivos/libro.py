"""An .xlsx workbook's sheets as Excel shows them: name, the zip member holding each, whether it
is hidden, and the sheet the workbook opens on (its active tab). Read from xl/workbook.xml and
its relationships, as calamine and openpyxl find the sheets (check_zip has refused DTDs and
bounded these parts before)."""

from __future__ import annotations

import posixpath
import zipfile
from dataclasses import dataclass
from xml.etree import ElementTree

_RELACION = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
_RELACION_ESTRICTA = "{http://purl.oclc.org/ooxml/officeDocument/relationships}id"


@dataclass(frozen=True)
class Hoja:
    nombre: str
    parte: str | None  # the zip member of its XML (None: not an .xlsx, or not found)
    visible: bool


@dataclass(frozen=True)
class Libro:
    hojas: tuple[Hoja, ...]  # worksheets only, in the workbook's order
    activa: str | None  # the sheet the workbook opens on


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


def _miembro(miembros: dict[str, str], destino: str) -> str | None:
    destino = destino.lstrip("/") if destino.startswith("/") else f"xl/{destino}"
    destino = posixpath.normpath(destino)
    return miembros.get(destino.lower())


def _destinos(
    archive: zipfile.ZipFile, miembros: dict[str, str], rels: str
) -> dict[str, tuple[str, str]]:
    """Relationship id → (its kind, its target) of the workbook's relationships part."""
    destinos: dict[str, tuple[str, str]] = {}
    if rels in miembros:
        for rel in ElementTree.fromstring(archive.read(miembros[rels])):
            tipo = rel.get("Type", "").rpartition("/")[2]
            destinos[rel.get("Id", "")] = (tipo, rel.get("Target", ""))
    return destinos


def libro_xlsb(archive: zipfile.ZipFile) -> Libro:
    """The worksheets of an .xlsb (xl/workbook.bin's sheet records and its relationships)."""
    from icsoe_desktop.services.archivos.biff import hojas_xlsb

    miembros = {n.lower(): n for n in archive.namelist()}
    destinos = _destinos(archive, miembros, "xl/_rels/workbook.bin.rels")
    hojas = []
    for nombre, rid, visible in hojas_xlsb(archive.read(miembros["xl/workbook.bin"])):
        tipo, destino = destinos.get(rid, ("", ""))
        if tipo == "worksheet":
            hojas.append(Hoja(nombre, _miembro(miembros, destino), visible))
    return Libro(tuple(hojas), None)


def libro_xlsx(archive: zipfile.ZipFile) -> Libro:
    """The worksheets of an .xlsx; raises KeyError/ElementTree.ParseError when its parts are
    missing or broken (the caller refuses the file as damaged)."""
    miembros = {n.lower(): n for n in archive.namelist()}
    workbook = ElementTree.fromstring(archive.read(miembros["xl/workbook.xml"]))
    destinos = _destinos(archive, miembros, "xl/_rels/workbook.xml.rels")
    activa_indice = 0
    todas: list[tuple[str, str, str | None, bool]] = []  # name, kind, member, visible
    for elemento in workbook.iter():
        local = _local(elemento.tag)
        if local == "workbookView" and not todas:
            texto = elemento.get("activeTab", "0")
            activa_indice = int(texto) if texto.isdigit() and texto.isascii() else 0
        elif local == "sheet":
            rid = elemento.get(_RELACION) or elemento.get(_RELACION_ESTRICTA) or ""
            tipo, destino = destinos.get(rid, ("", ""))
            parte = _miembro(miembros, destino) if destino else None
            visible = elemento.get("state", "visible") == "visible"
            todas.append((elemento.get("name", ""), tipo, parte, visible))
    activa = todas[activa_indice][0] if activa_indice < len(todas) else None
    hojas = tuple(Hoja(n, p, v) for n, tipo, p, v in todas if tipo == "worksheet")
    return Libro(hojas, activa)

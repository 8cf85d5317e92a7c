"""A client's pack of a month: one ZIP with the receipts' XML, the month's documents, the REPSE
registration and an index workbook (what, period, file, SHA-256, source), written under a
temporary name and put in place only whole (``files.atomic_write``): a kill while writing leaves
no file by the pack's name. Against the client's previous pack of the month, what changed is
listed in ``cambios.txt`` and returned."""

from __future__ import annotations

import hashlib
import tempfile
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from icsoe_desktop.domain.clock import hora_del_centro
from icsoe_desktop.domain.errors import OperacionCancelada, ValidationError
from icsoe_desktop.domain.evidencias import (
    DOCUMENTOS,
    RECIBOS,
    REGISTRO_REPSE,
    Mes,
    nombre_paquete,
)
from icsoe_desktop.files import atomic_write
from icsoe_desktop.services.archivos.excel import TEXT, SheetColumn, no_guardado, write_sheet
from icsoe_desktop.services.evidencias.archivo import ArchivoEvidencias

INDICE = "indice.xlsx"
CAMBIOS = "cambios.txt"
COLUMNAS = (
    SheetColumn("Qué", TEXT, 40),
    SheetColumn("Periodo", TEXT, 10),
    SheetColumn("Archivo", TEXT, 50),
    SheetColumn("SHA-256", TEXT, 68),
    SheetColumn("Origen", TEXT, 50),
)
_CADA = 200  # members between progress reports


@dataclass(frozen=True)
class Contenido:
    contratista: str
    contratante: str
    mes: Mes
    recibos: dict[str, str]  # timbre UUID → SHA-256 of its XML
    documentos: list[tuple[str, str, str, datetime]]  # (tipo, name, SHA-256, attached)
    repse: tuple[str, str, bytes] | None  # (aviso, the PDF's name, the PDF)
    anterior: dict[str, str] | None  # the previous pack's members: name → SHA-256
    # What each document's index line says besides where it came from (what its text says,
    # the warnings it was kept with): by «tipo SHA-256» of a document, «repse» for the
    # registration.
    avisos: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Paquete:
    ruta: Path
    sha256: str
    miembros: dict[str, str] = field(default_factory=dict)  # name in the ZIP → SHA-256
    cambios: list[str] = field(default_factory=list)


def _filas(c: Contenido) -> list[tuple[str, str, str, str]]:
    """(name in the ZIP, what, source, SHA-256) of every member but the index, in order."""
    filas = [
        (f"recibos/{uuid}.xml", RECIBOS, f"CFDI de nómina importado, UUID {uuid}", huella)
        for uuid, huella in sorted((u.upper(), h) for u, h in c.recibos.items())
    ]
    vistos: dict[str, int] = {}
    for tipo, nombre, huella, cuando in c.documentos:
        extension = Path(nombre).suffix.lower() or ".pdf"
        origen = f"Adjuntado el {hora_del_centro(cuando):%d/%m/%Y}: {nombre}"
        origen = _con_aviso(origen, c, f"{tipo} {huella}")
        # A slot of several files: «sua.pdf», «sua_2.pdf»… in the order attached.
        n = vistos[tipo] = vistos.get(tipo, 0) + 1
        miembro = f"documentos/{tipo}{'' if n == 1 else f'_{n}'}{extension}"
        filas.append((miembro, DOCUMENTOS[tipo], origen, huella))
    if c.repse is not None:
        aviso, nombre, pdf = c.repse
        filas.append(
            (
                "repse/registro_repse.pdf",
                REGISTRO_REPSE,
                _con_aviso(f"Aviso {aviso}: {nombre}", c, "repse"),
                hashlib.sha256(pdf).hexdigest(),
            )
        )
    return filas


def _con_aviso(origen: str, c: Contenido, clave: str) -> str:
    nota = c.avisos.get(clave)
    return f"{origen}. {nota}" if nota else origen


def cambios(anterior: dict[str, str] | None, ahora: dict[str, str]) -> list[str]:
    """What the new pack adds, changes and no longer holds, by member."""
    if anterior is None:
        return []
    lineas = [f"Nuevo: {n}" for n in sorted(ahora.keys() - anterior.keys())]
    lineas += [
        f"Cambió: {n}" for n in sorted(ahora.keys() & anterior.keys()) if ahora[n] != anterior[n]
    ]
    lineas += [f"Ya no está: {n}" for n in sorted(anterior.keys() - ahora.keys())]
    return lineas or ["Sin cambios desde el paquete anterior."]


def destino(salida: Path, c: Contenido) -> Path:
    """``salida``, or the portal's name inside it when it is a folder."""
    return (
        salida / nombre_paquete(c.contratista, c.contratante, c.mes) if salida.is_dir() else salida
    )


def escribir(
    c: Contenido,
    archivo: ArchivoEvidencias,
    salida: Path,
    progreso: Callable[[int, int], None] | None = None,
    cancelado: Callable[[], bool] | None = None,
) -> Paquete:
    ruta = destino(Path(salida), c)
    if not ruta.parent.is_dir():
        raise ValidationError(
            "carpeta_inexistente", f"No existe la carpeta «{ruta.parent}» para guardar el archivo."
        )
    filas = _filas(c)
    miembros = {nombre: huella for nombre, _, _, huella in filas}
    lista = cambios(c.anterior, miembros)
    total = len(filas)
    try:
        with tempfile.TemporaryDirectory() as carpeta, atomic_write(ruta) as temporal:
            indice = Path(carpeta) / INDICE
            write_sheet(
                indice,
                "Índice",
                COLUMNAS,
                [
                    (que, c.mes.clave, nombre, huella, origen)
                    for nombre, que, origen, huella in filas
                ],
                total,
            )
            with zipfile.ZipFile(temporal, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as zf:
                for hechos, (nombre, datos) in enumerate(_contenidos(c, archivo, filas), 1):
                    # A PDF is already compressed: stored as it is.
                    tipo = zipfile.ZIP_STORED if nombre.endswith(".pdf") else zipfile.ZIP_DEFLATED
                    zf.writestr(nombre, datos, compress_type=tipo)
                    if cancelado is not None and cancelado():
                        raise OperacionCancelada
                    if progreso is not None and hechos % _CADA == 0:
                        progreso(hechos, total)
                zf.write(indice, INDICE)
                if lista:
                    zf.writestr(CAMBIOS, "\n".join(lista) + "\n")
    except OSError as exc:
        raise no_guardado("paquete_no_guardado", ruta, exc) from exc
    if progreso is not None:
        progreso(total, total)
    return Paquete(ruta, _sha256_de(ruta), miembros, lista)


def _contenidos(
    c: Contenido, archivo: ArchivoEvidencias, filas: list[tuple[str, str, str, str]]
) -> Iterator[tuple[str, bytes]]:
    """Each member's bytes, checked against its SHA-256 (a blob altered or gone stops it)."""
    guardados = [f for f in filas if not f[0].startswith("repse/")]
    leidos = archivo.leer_varios(huella for _, _, _, huella in guardados)
    for (nombre, _que, _origen, _huella), datos in zip(guardados, leidos, strict=True):
        if datos is None:
            raise ValidationError(
                "evidencia_sin_archivo",
                f"«{nombre}» no está en el archivo de evidencias o cambió desde que se guardó: "
                "adjúntalo o impórtalo de nuevo.",
            )
        yield nombre, datos
    if c.repse is not None:
        yield "repse/registro_repse.pdf", c.repse[2]


def _sha256_de(ruta: Path) -> str:
    huella = hashlib.sha256()
    with ruta.open("rb") as f:
        for bloque in iter(lambda: f.read(1 << 20), b""):
            huella.update(bloque)
    return huella.hexdigest()


__all__ = ["CAMBIOS", "COLUMNAS", "INDICE", "Contenido", "Paquete", "cambios", "escribir"]

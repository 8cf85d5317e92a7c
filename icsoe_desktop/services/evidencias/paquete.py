"""A client's pack of a month: one ZIP with the receipts' XML, the month's documents, the REPSE
registration and an index workbook (what, period, file, SHA-256, source, the SAT's seal of each
receipt; then what is missing and the warnings), written under a temporary name and put in place
only whole (``files.atomic_write``): a kill while writing leaves no file by the pack's name.
Against the client's previous pack of the month, what changed is listed in ``cambios.txt`` and
returned.

Each receipt's stored XML is checked as it is packed (``revisar``, revisar.py: its bytes
against the SHA-256 the import recorded when it verified its seals): one that fails is left
out and listed as missing, never shipped as good evidence. ``huellas.sha256`` lists every
member with its SHA-256 (the index too) and the pack's contratista, client, month and what it
lacks; signed with the contratista's e.firma (``huellas.sha256.p7s``, firma_paquete.py) the
client can check it all (``evidencias verificar``, verificar.py)."""

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
from icsoe_desktop.domain.texts import plural
from icsoe_desktop.files import atomic_write
from icsoe_desktop.services.archivos.excel import TEXT, SheetColumn, no_guardado, write_sheet
from icsoe_desktop.services.evidencias.archivo import ArchivoEvidencias

INDICE = "indice.xlsx"
CAMBIOS = "cambios.txt"
HUELLAS = "huellas.sha256"
FIRMA = "huellas.sha256.p7s"
COLUMNAS = (
    SheetColumn("Qué", TEXT, 40),
    SheetColumn("Periodo", TEXT, 10),
    SheetColumn("Archivo", TEXT, 50),
    SheetColumn("SHA-256", TEXT, 68),
    SheetColumn("Origen", TEXT, 50),
    SheetColumn("Sello del SAT", TEXT, 16),
)
SAT_VERIFICADO = "verificado"
SAT_SIN_VERIFICAR = "sin verificar"
FALTA = "Falta"
AVISO = "Aviso"
SIN_FIRMA = "Firma del paquete con la e.firma del contratista"
_CADA = 200  # members between progress reports
_RECIBOS = "recibos/"  # the receipts' folder in the ZIP


@dataclass(frozen=True)
class Contenido:
    contratista: str
    contratante: str
    mes: Mes
    recibos: dict[str, str]  # timbre UUID → SHA-256 of its XML
    documentos: list[tuple[str, str, str, datetime]]  # (tipo, name, SHA-256, attached)
    repse: tuple[str, str, bytes] | None  # (aviso, the PDF's name, the PDF)
    anterior: dict[str, str] | None  # the previous pack's members: name → SHA-256
    faltan: list[str] = field(default_factory=list)  # what the client lacks (``estado``'s)
    avisos: list[str] = field(default_factory=list)
    # What each document's index line says besides where it came from (what its text says,
    # the warnings it was kept with): by «tipo SHA-256» of a document, «repse» for the
    # registration.
    notas: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Revision:
    """A receipt's XML checked: ``problema`` keeps it out of the pack; ``sello_sat`` is
    SAT_VERIFICADO or SAT_SIN_VERIFICAR."""

    problema: str | None
    sello_sat: str = SAT_SIN_VERIFICAR


# (the receipt's UUID, the SHA-256 its stored XML was read back against, the XML) → what
# checking it finds.
Revisar = Callable[[str, str, bytes], Revision]
# The list of SHA-256's bytes → its detached signature (DER).
Firmar = Callable[[bytes], bytes]


@dataclass(frozen=True)
class Paquete:
    ruta: Path
    sha256: str
    miembros: dict[str, str] = field(default_factory=dict)  # name in the ZIP → SHA-256
    cambios: list[str] = field(default_factory=list)
    faltan: list[str] = field(default_factory=list)  # what it lacks, receipts left out too
    avisos: list[str] = field(default_factory=list)
    firmado: bool = False


def _filas(c: Contenido) -> list[tuple[str, str, str, str]]:
    """(name in the ZIP, what, source, SHA-256) of every member but the index, in order."""
    filas = [
        (f"{_RECIBOS}{uuid}.xml", RECIBOS, f"CFDI de nómina importado, UUID {uuid}", huella)
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
    nota = c.notas.get(clave)
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
    revisar: Revisar | None = None,
    firmar: Firmar | None = None,
) -> Paquete:
    ruta = destino(Path(salida), c)
    if not ruta.parent.is_dir():
        raise ValidationError(
            "carpeta_inexistente", f"No existe la carpeta «{ruta.parent}» para guardar el archivo."
        )
    filas = _filas(c)
    total = len(filas)
    faltan = list(c.faltan)
    avisos = list(c.avisos)
    sellos: dict[str, str] = {}  # receipt's member → the state of its SAT seal
    miembros: dict[str, str] = {}
    try:
        with (
            tempfile.TemporaryDirectory() as carpeta,
            atomic_write(ruta) as temporal,
            zipfile.ZipFile(temporal, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as zf,
        ):
            for hechos, (nombre, huella, datos) in enumerate(_contenidos(c, archivo, filas), 1):
                if revisar is not None and nombre.startswith(_RECIBOS):
                    revision = revisar(nombre[len(_RECIBOS) : -len(".xml")], huella, datos)
                    if revision.problema is not None:
                        faltan.append(f"{nombre}: {revision.problema}")
                        continue
                    sellos[nombre] = revision.sello_sat
                # A PDF is already compressed: stored as it is.
                tipo = zipfile.ZIP_STORED if nombre.endswith(".pdf") else zipfile.ZIP_DEFLATED
                zf.writestr(nombre, datos, compress_type=tipo)
                miembros[nombre] = huella
                if cancelado is not None and cancelado():
                    raise OperacionCancelada
                if progreso is not None and hechos % _CADA == 0:
                    progreso(hechos, total)
            sin_sat = sum(1 for e in sellos.values() if e != SAT_VERIFICADO)
            if sin_sat:
                avisos.append(
                    f"En {plural(sin_sat, 'recibo')} el sello del SAT del timbre no se "
                    "verificó: falta en este equipo el certificado del SAT que lo selló."
                )
            if firmar is None:
                faltan.append(SIN_FIRMA)
            lista = cambios(c.anterior, miembros)
            indice = Path(carpeta) / INDICE
            renglones: list[tuple[str, ...]] = [
                (que, c.mes.clave, nombre, huella, origen, sellos.get(nombre, ""))
                for nombre, que, origen, huella in filas
                if nombre in miembros
            ]
            renglones += [(f"{FALTA}: {f}", c.mes.clave, "", "", "", "") for f in faltan]
            renglones += [(f"{AVISO}: {a}", c.mes.clave, "", "", "", "") for a in avisos]
            write_sheet(indice, "Índice", COLUMNAS, renglones, len(renglones))
            zf.write(indice, INDICE)
            todos = dict(miembros)
            todos[INDICE] = _sha256_de(indice)
            if lista:
                texto = ("\n".join(lista) + "\n").encode("utf-8")
                zf.writestr(CAMBIOS, texto)
                todos[CAMBIOS] = hashlib.sha256(texto).hexdigest()
            huellas = lista_de_huellas(c, todos, faltan, avisos)
            zf.writestr(HUELLAS, huellas)
            if firmar is not None:
                zf.writestr(FIRMA, firmar(huellas))
    except OSError as exc:
        raise no_guardado("paquete_no_guardado", ruta, exc) from exc
    if progreso is not None:
        progreso(total, total)
    return Paquete(ruta, _sha256_de(ruta), miembros, lista, faltan, avisos, firmar is not None)


def lista_de_huellas(
    c: Contenido, miembros: dict[str, str], faltan: list[str], avisos: list[str]
) -> bytes:
    """``huellas.sha256``: what the pack is (its lines «# clave: valor») and each member with
    its SHA-256 as ``sha256sum`` writes them (``sha256sum -c`` checks it)."""
    lineas = [
        "# Paquete de evidencias ICSOE",
        f"# contratista: {c.contratista}",
        f"# cliente: {c.contratante}",
        f"# mes: {c.mes.clave}",
    ]
    lineas += [f"# falta: {_una_linea(f)}" for f in faltan]
    lineas += [f"# aviso: {_una_linea(a)}" for a in avisos]
    lineas += [f"{huella}  {nombre}" for nombre, huella in sorted(miembros.items())]
    return ("\n".join(lineas) + "\n").encode("utf-8")


def _una_linea(texto: str) -> str:
    return " ".join(texto.split())


def _contenidos(
    c: Contenido, archivo: ArchivoEvidencias, filas: list[tuple[str, str, str, str]]
) -> Iterator[tuple[str, str, bytes]]:
    """Each member's name, SHA-256 and bytes, checked against its SHA-256 (a blob altered or
    gone stops it)."""
    guardados = [f for f in filas if not f[0].startswith("repse/")]
    leidos = archivo.leer_varios(huella for _, _, _, huella in guardados)
    for (nombre, _que, _origen, huella), datos in zip(guardados, leidos, strict=True):
        if datos is None:
            raise ValidationError(
                "evidencia_sin_archivo",
                f"«{nombre}» no está en el archivo de evidencias o cambió desde que se guardó: "
                "adjúntalo o impórtalo de nuevo.",
            )
        yield nombre, huella, datos
    if c.repse is not None:
        yield "repse/registro_repse.pdf", hashlib.sha256(c.repse[2]).hexdigest(), c.repse[2]


def _sha256_de(ruta: Path) -> str:
    huella = hashlib.sha256()
    with ruta.open("rb") as f:
        for bloque in iter(lambda: f.read(1 << 20), b""):
            huella.update(bloque)
    return huella.hexdigest()


__all__ = [
    "AVISO",
    "CAMBIOS",
    "COLUMNAS",
    "FALTA",
    "FIRMA",
    "HUELLAS",
    "INDICE",
    "SAT_SIN_VERIFICAR",
    "SAT_VERIFICADO",
    "Contenido",
    "Firmar",
    "Paquete",
    "Revisar",
    "Revision",
    "cambios",
    "escribir",
    "lista_de_huellas",
]

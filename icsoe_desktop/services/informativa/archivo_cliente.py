"""The archive a contratante (the contratista's client) asks for every cuatrimestre: the IMSS
acuse de presentación, the constancia de firma (the contratista's signed approval), an Excel
of its contracts with their workers and, once the period's SISUB is filed, the INFONAVIT's
acuse of it with that client's rows of the SISUB (Contratos and DetalleTrab, as the export
writes them) and its contracts' PDFs, into a folder or one .zip."""

from __future__ import annotations

import tempfile
import zipfile
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from icsoe_desktop.domain.clock import HORA_DEL_CENTRO
from icsoe_desktop.domain.errors import ValidationError
from icsoe_desktop.domain.informativa.modelo import Contrato, Informativa
from icsoe_desktop.domain.informativa.presentacion import texto_presentada
from icsoe_desktop.files import atomic_write, write_bytes_atomic
from icsoe_desktop.services.archivos.excel import DATE, MONEY, TEXT, SheetColumn, write_sheet
from icsoe_desktop.services.informativa.exportar import seguro

COLUMNAS = (
    SheetColumn("RFC del contratista", TEXT, 16),
    SheetColumn("Periodo", TEXT, 24),
    SheetColumn("Folio de presentación", TEXT, 16),
    SheetColumn("RFC del contratante", TEXT, 16),
    SheetColumn("Contratante", TEXT, 36),
    SheetColumn("Folio IMSS del contrato", TEXT, 16),
    SheetColumn("Objeto del contrato", TEXT, 36),
    SheetColumn("Folio REPSE y descripción del servicio u obra", TEXT, 40),
    SheetColumn("Fecha inicial", DATE, 12),
    SheetColumn("Fecha final", DATE, 12),
    SheetColumn("NSS", TEXT, 13),
    SheetColumn("CURP", TEXT, 20),
    SheetColumn("Nombre", TEXT, 30),
    SheetColumn("SBC", MONEY, 12),
    SheetColumn("Fecha de presentación (hora del centro)", TEXT, 20),
    SheetColumn("Presentación", TEXT, 30),
)


@dataclass(frozen=True)
class Archivo:
    """What goes to the client: the informativa as signed, its contracts with ``contratante``,
    the IMSS acuse and folios, the constancia."""

    informativa: Informativa
    contratante: str  # RFC
    folio: str
    folios_contratos: dict[str, str]
    acuse_imss: bytes
    constancia: bytes
    presentada: datetime  # aware: the workbook's creation time (the same bytes every time)
    dias_tarde: int = 0  # filed after the fecha límite
    acuse_sisub: bytes = b""  # the INFONAVIT's acuse of the period's SISUB, once filed
    # Then too the client's part of it, by the guide's names: its Contratos and DetalleTrab
    # rows, its contracts' PDFs in one (SisubArchivosService.del_cliente).
    sisub: dict[str, bytes] = field(default_factory=dict)
    # A time-stamp trusted here proves when the constancia was signed; else the sheet says
    # «fecha de firma no probada» beside the filing, never just «Presentada».
    firma_probada: bool = False

    @property
    def contratos(self) -> list[Contrato]:
        return [c for c in self.informativa.contratos if c.contratante.rfc == self.contratante]

    @property
    def base(self) -> str:
        inf = self.informativa
        return f"ICSOE_{seguro(inf.contratista.rfc)}_{inf.periodo.clave}_{seguro(self.contratante)}"


def nombres(archivo: Archivo) -> tuple[str, str, str]:
    """The acuse's, the constancia's and the Excel's file names."""
    base = archivo.base
    return (
        f"{base}_acuse_presentacion.pdf",
        f"{base}_constancia_firma.pdf",
        f"{base}_contratos_trabajadores.xlsx",
    )


def nombre_sisub(archivo: Archivo) -> str:
    return f"{archivo.base}_acuse_sisub_infonavit.pdf"


def escribir(archivo: Archivo, salida: Path) -> list[Path]:
    """Into the folder ``salida`` (it must exist), or the .zip ``salida``: the written paths
    (the .zip alone, for a .zip). A file of the same name is replaced. The Excel only when
    the informativa has contracts with the client (a client with only continuing contracts
    has its SISUB files instead)."""
    acuse, constancia, excel = nombres(archivo)
    pdfs = {acuse: archivo.acuse_imss, constancia: archivo.constancia}
    if archivo.acuse_sisub:
        pdfs[nombre_sisub(archivo)] = archivo.acuse_sisub
    pdfs |= {f"{archivo.base}_{nombre}": datos for nombre, datos in archivo.sisub.items()}
    con_hoja = bool(archivo.contratos)
    if salida.suffix.lower() == ".zip":
        if not salida.parent.is_dir():
            raise ValidationError(
                "carpeta_inexistente", f"No existe la carpeta «{salida.parent}» para el archivo."
            )
        with tempfile.TemporaryDirectory() as temporal:
            hoja = Path(temporal) / excel
            if con_hoja:
                _hoja(archivo, hoja)
            with (
                atomic_write(salida) as destino,
                zipfile.ZipFile(destino, "w", zipfile.ZIP_DEFLATED) as zf,
            ):
                for nombre, datos in pdfs.items():
                    zf.writestr(nombre, datos)
                if con_hoja:
                    zf.write(hoja, excel)
        return [salida]
    if not salida.is_dir():
        raise ValidationError(
            "carpeta_inexistente", f"No existe la carpeta «{salida}» para guardar los archivos."
        )
    # The workers' sheet first: the long part, where a stop (Cancelar, the session's gate)
    # leaves no file at all.
    if con_hoja:
        _hoja(archivo, salida / excel)
    for nombre, datos in pdfs.items():
        write_bytes_atomic(salida / nombre, datos)
    return [*(salida / nombre for nombre in pdfs), *([salida / excel] if con_hoja else [])]


def _hoja(archivo: Archivo, path: Path) -> None:
    inf = archivo.informativa
    renglones: list[list[object]] = []
    presentacion = [
        f"{archivo.presentada.astimezone(HORA_DEL_CENTRO):%d/%m/%Y %H:%M}",
        texto_presentada(archivo.dias_tarde, archivo.firma_probada),
    ]
    for c in archivo.contratos:
        contrato: list[object] = [
            inf.contratista.rfc,
            inf.periodo.texto,
            archivo.folio,
            c.contratante.rfc,
            c.contratante.nombre,
            archivo.folios_contratos.get(c.uuid, ""),
            c.objeto,
            " ".join(x for x in (c.folio_repse, c.descripcion_servicio) if x),
            c.fecha_inicial,
            c.fecha_final,
        ]
        for t in c.trabajadores or ():
            renglones.append([*contrato, t.nss, t.curp, t.nombre, t.sbc / 100, *presentacion])
        if not c.trabajadores:
            renglones.append([*contrato, "", "", "", None, *presentacion])
    write_sheet(
        path, "Contratos y trabajadores", COLUMNAS, renglones, len(renglones),
        created=archivo.presentada,
    )  # fmt: skip


__all__ = ["COLUMNAS", "Archivo", "escribir", "nombre_sisub", "nombres"]

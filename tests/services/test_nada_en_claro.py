"""What a thief of the data folder or of a backup reads: an empresa with a payroll imported
(its CFDI XML archived), the SISUB's PDFs attached, the movimientos' find box with its copy
and its columns' orders kept on disk (built by a process apart), a backup, the log: no file
under the data folder, nor the backup, nor the keyring's folder holds a worker's NSS, CURP or
name in clear (UTF-8 or UTF-16, as written or in lowercase). The export the clerk asks for
stays readable."""

from __future__ import annotations

import logging
import os
import zipfile
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest

from icsoe_desktop.domain.roles import CLI_ACTOR
from icsoe_desktop.logging_setup import configure_logging
from icsoe_desktop.paths import LOG_FILE
from icsoe_desktop.services.informativa.repse import Pdf
from icsoe_desktop.services.movimientos import (
    columnas_guardadas,
    columnas_tramos,
    copia_aparte,
    espejo,
    espejo_guardado,
)
from icsoe_desktop.services.movimientos.fuentes import tramos
from icsoe_desktop.services.movimientos.servicio import COLUMNS
from icsoe_desktop.store import plain
from tests import sisub_fixtures as fx
from tests.services.test_movimientos_espejo import _construida, _store
from tests.services.test_movimientos_espejo_columnas import _columna_leida
from tests.services.test_repse import registro_pdf

_quien_una_vez, services, quien, reporte = fx._quien_una_vez, fx.services, fx.quien, fx.reporte

NSS = next(i for i, c in enumerate(COLUMNS) if c.attr == "nss")
# Columns whose values are a worker's: searched for in every file.
# Apellido Materno and CURP: their parts begin with a surname and a CURP.
_EN_TRAMOS = tuple(i for i, c in enumerate(COLUMNS) if c.attr in ("segundo_apellido", "curp"))
_PERSONALES = {"nss", "curp", "nombre", "primer_apellido", "segundo_apellido", "rfc"}
# Shorter values (a name «ANA») could turn up by chance in megabytes of ciphertext.
_LARGO_MINIMO = 6


@pytest.fixture(autouse=True)
def _copia_aparte_con_pocos(monkeypatch):
    monkeypatch.setattr(espejo, "MINIMO", 1)
    monkeypatch.setattr(copia_aparte, "APARTE", 1)
    # Two of the columns cut into parts after the copy (the 17 take a process each).
    monkeypatch.setattr(tramos, "COLUMNAS", _EN_TRAMOS)


@pytest.fixture
def bitacora(data_dir) -> Iterator[Path]:
    """The app's log file in the data folder, as the app writes it (everything logged)."""
    raiz = logging.getLogger()
    antes = raiz.level
    configure_logging(data_dir / LOG_FILE, logging.DEBUG)
    yield data_dir / LOG_FILE
    for handler in [h for h in raiz.handlers if getattr(h, "_icsoe", False)]:
        raiz.removeHandler(handler)
        handler.close()
    raiz.setLevel(antes)


def _de_personas(store: Path) -> set[str]:
    """Every worker's NSS, CURP, RFC and name the store holds (tables with an NSS or a CURP;
    of the movements, the first 40)."""
    valores: set[str] = set()
    with closing(plain.connect(store)) as conn:
        tablas = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        for tabla in tablas:
            columnas = {r[1] for r in conn.execute(f'PRAGMA table_info("{tabla}")')}
            if not columnas & {"nss", "curp"}:
                continue
            elegidas = ", ".join(f'"{c}"' for c in sorted(columnas & _PERSONALES))
            limite = " ORDER BY rowid LIMIT 40" if tabla == "movimientos" else ""
            for fila in conn.execute(f'SELECT {elegidas} FROM "{tabla}"{limite}'):
                valores.update(v for v in fila if isinstance(v, str))
    return {v for v in valores if len(v.strip()) >= _LARGO_MINIMO}


def _formas(valor: str) -> set[bytes]:
    return {
        forma.encode(codec)
        for forma in (valor, valor.lower())
        for codec in ("utf-8", "utf-16-le", "utf-16-be")
    }


def _en_claro(archivos: list[Path], valores: set[str]) -> list[tuple[str, str]]:
    """(file, value) of each value found in clear in a file."""
    formas = {forma: valor for valor in valores for forma in _formas(valor)}
    hallados = []
    for archivo in archivos:
        contenido = archivo.read_bytes()
        hallados += [(archivo.name, v) for f, v in formas.items() if f in contenido]
    return sorted(set(hallados))


def _archivos(*carpetas: Path) -> list[Path]:
    return [
        Path(raiz) / nombre
        for carpeta in carpetas
        for raiz, _, nombres in os.walk(carpeta)
        for nombre in nombres
    ]


def test_no_file_of_the_data_folder_nor_the_backup_holds_a_worker_in_clear(
    services, reporte, data_dir, tmp_path, bitacora
):
    rfc, _ana, uuid = reporte
    pdfs = services.sisub_pdfs
    pdfs.adjuntar_escritura(rfc, rfc, Pdf(registro_pdf("Escritura constitutiva"), "e.pdf"))
    contrato = pdfs.contrato_por_numero(rfc, rfc, "SISUB-2026-001")
    pdfs.adjuntar_contrato(rfc, rfc, contrato, Pdf(registro_pdf("Contrato"), "contrato.pdf"))

    # The movimientos' find box: its copy built by a process apart and kept on disk, a column's
    # order read and kept.
    _store(services, 600)
    movimientos = services.movimientos
    _construida(movimientos)
    _columna_leida(movimientos, NSS)
    movimientos.buscador.tramos.cortador.esperar()  # and the other columns' parts, with their first values
    store = services.store.path
    assert espejo_guardado.ruta(store).is_file()
    assert columnas_guardadas.ruta(store, NSS).is_file()
    assert all(columnas_tramos.ruta(store, c).is_file() for c in _EN_TRAMOS)

    respaldo = services.backup.backup(tmp_path / "r.icsoe-respaldo", actor=CLI_ACTOR)
    exportado = services.sisub_archivos.exportar(uuid, rfc, tmp_path / "sisub", como_zip=True)
    valores = _de_personas(store)
    services.close()
    logging.getLogger("icsoe_desktop").info("Fin de la prueba")

    # The people the payroll, the SISUB report and the movements name, all searched for.
    assert len(valores) > 100
    archivos = _archivos(data_dir, Path(os.environ["XDG_DATA_HOME"]))
    assert bitacora in archivos and bitacora.stat().st_size > 0
    assert _en_claro([*archivos, respaldo], valores) == []

    # What the clerk exported for the SISUB is readable, and names its workers.
    with zipfile.ZipFile(exportado.ruta) as archivo:
        leido = [archivo.read(n) for n in archivo.namelist()]
    assert any(f in datos for datos in leido for v in valores for f in _formas(v))

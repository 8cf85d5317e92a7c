"""The documents a store keeps, each checked against what it is stored as: the IMSS acuse de
presentación (its bytes against the SHA-256 registered with it, and its text read again as this
informativa's acuse, of the folio and date registered: services/informativa/acuse_guardado.py),
and the constancia de firma (its PDF signature intact, over this
informativa's cadena and sello, and naming the SHA-256 of the frozen copies kept; a presentada's
verified as filing verifies it: ``primera_constancia_refutada``). The frozen
copies themselves are checked with the sello (``firmada.problema_firmada``: restore's
``_check_firmadas``). A restore refuses a backup naming the first document that differs; a
backup marks a copy whose acuses differ (the cheap check).

Read with the standard library's sqlite3, on a file that is not open as a store."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from icsoe_desktop.domain.errors import ValidationError
from icsoe_desktop.domain.informativa.acuse_corregido import leer as leer_corregido
from icsoe_desktop.domain.informativa.modelo import FIRMADAS, PRESENTADA
from icsoe_desktop.services.informativa.acuse_guardado import Registrada, acuse_ajeno, contratantes
from icsoe_desktop.services.informativa.constancia_refutada import Verificar
from icsoe_desktop.store import cifrado, plain

if TYPE_CHECKING:
    import sqlite3

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class _Fila:
    rfc: str
    periodo: str
    cadena: str
    sello: str
    constancia: bytes | None
    congelada: bytes | None
    cabecera: bytes | None
    folio: str
    acuse: bytes | None
    acuse_sha256: str
    tipo: str
    presentada: str | None  # as SQLite keeps it
    declarado: int | None
    copia_cabecera: bytes | None  # the header copy, read for the contratantes
    id: int
    contratista: str  # its name
    corregido: str | None  # what the acuse states of what the clerk corrected (JSON)
    regla: int | None  # the acuse's reading its registro passed (acuse_imss.REGLA)

    @property
    def nombre(self) -> str:
        return f"la informativa del periodo {self.periodo} de {self.rfc}"


def _filas(conn: sqlite3.Connection, con_constancia: bool) -> Iterator[_Fila]:
    columnas = (
        "i.acuse_pdf, i.congelada, i.congelada_cabecera" if con_constancia else "NULL, NULL, NULL"
    )
    # A backup of before the column: every registro of it passed the old reading.
    tiene_regla = any(
        fila[1] == "acuse_imss_regla"
        for fila in conn.execute("PRAGMA table_info(icsoe_informativas)")
    )
    regla = "i.acuse_imss_regla" if tiene_regla else "0"
    yield from (
        _Fila(*row)
        for row in conn.execute(
            "SELECT c.rfc, i.periodo, i.cadena, i.sello, "
            f"{columnas}, i.folio_imss, i.acuse_imss_pdf, i.acuse_imss_sha256, i.tipo, "
            "i.presentada_at, i.acuse_imss_declarado, i.congelada_cabecera, i.id, c.nombre, "
            f"i.acuse_imss_corregido, {regla} "
            "FROM icsoe_informativas i JOIN icsoe_contratistas c ON c.id = i.contratista_id "
            "WHERE i.estado IN (?, ?) AND i.deleted = 0 ORDER BY i.id",
            tuple(sorted(FIRMADAS)),
        )
    )


def acuse_distinto(conn: sqlite3.Connection, fila: _Fila) -> str:
    """Why a stored IMSS acuse is not the one registered for its informativa ("" when it is)."""
    if fila.acuse is None and not fila.acuse_sha256:
        return ""  # not presented, or presented before the acuse was kept
    cabecera = fila.copia_cabecera
    # The whole copy (MBs) only for a row signed before the header copy was kept.
    congelada = None if cabecera else _congelada(conn, fila)
    registrada = Registrada(
        fila.rfc,
        fila.periodo,
        fila.tipo,
        contratantes(cabecera, congelada),
        fila.folio,
        plain.from_text(fila.presentada) if fila.presentada else None,
        bool(fila.declarado),
        fila.contratista,
        leer_corregido(fila.corregido),
        fila.regla or 0,
    )
    return acuse_ajeno(fila.acuse, fila.acuse_sha256, registrada)


def _congelada(conn: sqlite3.Connection, fila: _Fila) -> bytes | None:
    row = conn.execute(
        "SELECT congelada FROM icsoe_informativas WHERE id = ?", (fila.id,)
    ).fetchone()
    return None if row is None else row[0]


def _constancia_distinta(fila: _Fila) -> str:
    from icsoe_desktop.services.informativa.constancia import leer_constancia

    if not fila.constancia:
        return ""  # signed where no constancia was kept
    try:
        leida = leer_constancia(fila.constancia)
    except ValidationError as exc:
        return f"su constancia de firma no es válida ({exc.message})"
    if (leida.cadena, leida.sello) != (fila.cadena, fila.sello):
        return "su constancia de firma es de otra informativa o de otra firma"
    if leida.huellas is not None and fila.congelada:
        congelada, cabecera = leida.huellas
        if hashlib.sha256(fila.congelada).hexdigest() != congelada or (
            fila.cabecera is not None and hashlib.sha256(fila.cabecera).hexdigest() != cabecera
        ):
            return "su copia congelada no es la que firma su constancia de firma"
    return ""


def primer_documento_distinto(conn: sqlite3.Connection, constancias: bool = True) -> str:
    """The first stored document that is not what it is stored as, named («la informativa del
    periodo 2026-1 de RFC: su acuse …»), or "". ``constancias`` False: the acuses only."""
    for fila in _filas(conn, constancias):
        problema = acuse_distinto(conn, fila)
        if not problema and constancias:
            problema = _constancia_distinta(fila)
        if problema:
            log.error("Documento alterado: %s, %s", fila.nombre, problema)
            return f"{fila.nombre}: {problema}"
    return ""


def primera_constancia_refutada(
    conn: sqlite3.Connection, verificar: Verificar, vigente: Path | None
) -> str:
    """The first presentada informativa whose constancia de firma its verification refuses
    (as filing does: services/informativa/constancia_refutada.py), named with why, or "".
    Verification takes seconds on a big constancia: a row the store in use (``vigente``)
    already holds presentada with the same constancia is not verified again."""
    from icsoe_desktop.services.informativa.constancia_refutada import refutada

    tenidas: set[tuple[str, str]] = set()
    if vigente is not None and vigente.is_file():
        try:
            with closing(cifrado.conectar(f"{vigente.resolve().as_uri()}?mode=ro", uri=True)) as v:
                tenidas = {
                    (uuid, hashlib.sha256(pdf).hexdigest())
                    for uuid, pdf in v.execute(
                        "SELECT uuid, acuse_pdf FROM icsoe_informativas WHERE estado = ? "
                        "AND deleted = 0 AND acuse_pdf IS NOT NULL",
                        (PRESENTADA,),
                    )
                }
        except cifrado.Error:  # unreadable: every constancia is verified
            log.warning("No se pudo leer la base en uso %s", vigente, exc_info=True)
    filas = conn.execute(
        "SELECT c.rfc, i.periodo, i.uuid, i.cadena, i.acuse_pdf FROM icsoe_informativas i "
        "JOIN icsoe_contratistas c ON c.id = i.contratista_id WHERE i.estado = ? "
        "AND i.deleted = 0 AND i.acuse_pdf IS NOT NULL AND length(i.acuse_pdf) > 0 ORDER BY i.id",
        (PRESENTADA,),
    )
    for rfc, periodo, uuid, cadena, pdf in filas:
        if (uuid, hashlib.sha256(pdf).hexdigest()) in tenidas:
            continue
        if motivos := refutada(verificar, pdf, uuid, cadena)[0]:
            nombre = f"la informativa del periodo {periodo} de {rfc}"
            log.error("Constancia de firma no válida: %s", nombre)
            return f"{nombre}: su constancia de firma no es válida ({' '.join(motivos)})"
    return ""


__all__ = ["primer_documento_distinto", "primera_constancia_refutada"]

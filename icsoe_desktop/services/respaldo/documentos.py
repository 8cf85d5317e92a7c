"""The documents a store keeps, each checked against what it is stored as: the IMSS acuse de
presentación (its bytes against the SHA-256 registered with it, and its text read again as this
informativa's acuse, of the folio and date registered: services/informativa/acuse_guardado.py),
and the constancia de firma (its PDF signature intact, over this
informativa's cadena and sello, and naming the SHA-256 of the frozen copies kept; a presentada's
verified as filing verifies it: ``constancias_del_respaldo``; one whose e.firma's authority
is not among this PC's emisores confiables, and nothing else, is not called altered: the
restore names the emisor to add). The frozen
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
from icsoe_desktop.services.informativa.constancia_motivos import NO_CONFIABLE
from icsoe_desktop.services.informativa.constancia_refutada import Verificar
from icsoe_desktop.store import cifrado, plain

if TYPE_CHECKING:
    import sqlite3

    from icsoe_desktop.services.informativa.constancia import Verificacion

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


@dataclass(frozen=True)
class SinEmisor:
    """A constancia whose only fault is that its e.firma's authority is not trusted here: a
    backup of a PC that added that emisor. Nothing says it was altered."""

    informativa: str  # «la informativa del periodo 2026-2 de RFC»
    emisor: str  # the authority that issued the e.firma, as its certificate names it


@dataclass(frozen=True)
class Constancias:
    """What the verification of a backup's constancias found: the first refused, named with
    why ("" when none was), and those this PC cannot check for lack of an emisor."""

    refutada: str = ""
    sin_emisor: tuple[SinEmisor, ...] = ()


MSG_SIN_EMISOR = (
    "{informativas}: su constancia de firma la firmó una e.firma emitida por «{emisor}», una "
    "autoridad certificadora que no está entre los emisores confiables de este equipo, así que "
    "aquí no se puede comprobar; nada indica que esté alterada. Para comprobarla, un "
    "administrador agrega esa autoridad en Configuración › Emisores confiables… (guía de "
    "administración, «Emisores confiables»)."
)


def aviso_sin_emisor(sin_emisor: tuple[SinEmisor, ...]) -> list[str]:
    """One warning per emisor missing, naming its informativas."""
    por_emisor: dict[str, list[str]] = {}
    for cada in sin_emisor:
        por_emisor.setdefault(cada.emisor, []).append(cada.informativa)
    return [
        _mayuscula(MSG_SIN_EMISOR.format(informativas=_enumeracion(nombres), emisor=emisor))
        for emisor, nombres in por_emisor.items()
    ]


def _enumeracion(nombres: list[str]) -> str:
    return nombres[0] if len(nombres) == 1 else ", ".join(nombres[:-1]) + " y " + nombres[-1]


def _mayuscula(texto: str) -> str:
    return texto[:1].upper() + texto[1:]


def _solo_sin_emisor(resultado: Verificacion, uuid: str, cadena: str | None) -> str | None:
    """The emisor to add when the one fault of a constancia of this very informativa is that
    its e.firma's authority is not trusted here (None otherwise)."""
    leida = resultado.constancia
    if (
        resultado.ok
        or resultado.motivo != (NO_CONFIABLE,)
        or leida is None
        # Another informativa's: refused as such.
        or (leida.informativa.uuid, leida.cadena) != (uuid, cadena)
    ):
        return None
    return leida.info.emisor or "(sin nombre)"


def constancias_del_respaldo(
    conn: sqlite3.Connection, verificar: Verificar, vigente: Path | None
) -> Constancias:
    """Every presentada informativa's constancia de firma verified (as filing does:
    services/informativa/constancia_refutada.py): the first refused, named with why, and
    those only an emisor missing here keeps from being checked. Verification takes seconds
    on a big constancia: a row the store in use (``vigente``) already holds presentada with
    the same constancia is not verified again."""
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
    sin_emisor: list[SinEmisor] = []
    for rfc, periodo, uuid, cadena, pdf in filas:
        if (uuid, hashlib.sha256(pdf).hexdigest()) in tenidas:
            continue
        nombre = f"la informativa del periodo {periodo} de {rfc}"
        motivos, resultado = refutada(verificar, pdf, uuid, cadena)
        if (emisor := _solo_sin_emisor(resultado, uuid, cadena)) is not None:
            log.warning("Constancia de firma de %s: falta el emisor %s", nombre, emisor)
            sin_emisor.append(SinEmisor(nombre, emisor))
        elif motivos:
            log.error("Constancia de firma no válida: %s", nombre)
            return Constancias(
                f"{nombre}: su constancia de firma no es válida ({' '.join(motivos)})",
                tuple(sin_emisor),
            )
    return Constancias("", tuple(sin_emisor))


__all__ = [
    "MSG_SIN_EMISOR",
    "Constancias",
    "SinEmisor",
    "aviso_sin_emisor",
    "constancias_del_respaldo",
    "primer_documento_distinto",
]

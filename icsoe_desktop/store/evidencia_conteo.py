"""The board of Evidencias del cliente's counts (``evidencia_conteo``): per client (a receipt's
``RfcLabora``) and month paid, the receipts in force that name it and how many of them have
their XML in this desktop's evidence archive (``nomina_xml``). Kept by triggers on whatever
changes them — a client of a receipt written or removed, a receipt deleted or paid in another
month, a substitution read or undone, an XML kept — so that an import, a sync pull and a
substitution all keep them, and the board reads a few hundred rows instead of every receipt
(services/evidencias/tablero.py).

A receipt is in force as ``services/nomina/consulta.py`` ``vigente`` says: not deleted, and no
substitution names it. Written by migration 0048; ``recontar`` builds them again whole (after
a restore brought another archive)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import sqlite3

# A receipt row ``{r}`` in force.
_VIGENTE = (
    "{r}.deleted = 0 AND NOT EXISTS (SELECT 1 FROM nomina_sustituidos x WHERE x.uuid = {r}.uuid)"
)
_CON_XML = "EXISTS (SELECT 1 FROM nomina_xml x WHERE x.uuid = q.uuid)"


def _sumar(filas: str, recibos: str, con_xml: str) -> str:
    """Add to each (client, month) of ``filas`` (a SELECT of rfc, mes, uuid, one row per
    receipt and client) ``recibos`` and ``con_xml`` (aggregates over them)."""
    return (
        "INSERT INTO evidencia_conteo (contratante, mes, recibos, con_xml) "
        f"SELECT rfc, mes, {recibos}, {con_xml} FROM ({filas}) q WHERE true GROUP BY rfc, mes "
        "ON CONFLICT (contratante, mes) DO UPDATE SET "
        "recibos = recibos + excluded.recibos, con_xml = con_xml + excluded.con_xml"
    )


def _del_recibo(rfc: str, recibo: str, signo: str) -> str:
    """±1 for the client ``rfc`` of the receipt whose id is ``recibo``, when it is in force."""
    filas = (
        f"SELECT {rfc} AS rfc, substr(r.fecha_pago, 1, 7) AS mes, r.uuid AS uuid "
        f"FROM nomina_recibos r WHERE r.id = {recibo} AND {_VIGENTE.format(r='r')}"
    )
    return _sumar(filas, f"{signo}count(*)", f"{signo}sum({_CON_XML})")


def _de_la_fila(fila: str, signo: str) -> str:
    """±1 for each client of the receipt row ``fila`` (OLD or NEW), when it is in force."""
    filas = (
        f"SELECT s.rfc AS rfc, substr({fila}.fecha_pago, 1, 7) AS mes, {fila}.uuid AS uuid "
        f"FROM nomina_subcontrataciones s WHERE s.recibo_id = {fila}.id "
        f"AND {_VIGENTE.format(r=fila)}"
    )
    return _sumar(filas, f"{signo}count(*)", f"{signo}sum({_CON_XML})")


def _del_timbre(uuid: str, signo: str, recibos: bool, vigente: str) -> str:
    """±1 for each client of the receipts whose timbre is ``uuid`` and that meet ``vigente``:
    in their count (``recibos``) and in the XML count, or in the XML count alone."""
    filas = (
        "SELECT s.rfc AS rfc, substr(r.fecha_pago, 1, 7) AS mes, r.uuid AS uuid "
        "FROM nomina_recibos r JOIN nomina_subcontrataciones s ON s.recibo_id = r.id "
        f"WHERE r.uuid = {uuid} AND {vigente}"
    )
    con_xml = f"{signo}sum({_CON_XML})" if recibos else f"{signo}count(*)"
    return _sumar(filas, f"{signo}count(*)" if recibos else "0", con_xml)


def _disparador(nombre: str, cuando: str, *sentencias: str) -> str:
    cuerpo = "".join(f"  {s};\n" for s in sentencias)
    return f"CREATE TRIGGER {nombre} {cuando} BEGIN\n{cuerpo}END"


_SIN_SUSTITUIR = "NOT EXISTS (SELECT 1 FROM nomina_sustituidos x WHERE x.uuid = r.uuid)"

CLIENTE_ALTA = "evidencia_conteo_cliente_alta"  # dropped by a bulk insert: sumar_desde

DISPARADORES: tuple[str, ...] = (
    _disparador(
        CLIENTE_ALTA,
        "AFTER INSERT ON nomina_subcontrataciones",
        _del_recibo("NEW.rfc", "NEW.recibo_id", "+"),
    ),
    _disparador(
        "evidencia_conteo_cliente_baja",
        "AFTER DELETE ON nomina_subcontrataciones",
        _del_recibo("OLD.rfc", "OLD.recibo_id", "-"),
    ),
    _disparador(
        "evidencia_conteo_cliente_cambio",
        "AFTER UPDATE OF rfc, recibo_id ON nomina_subcontrataciones",
        _del_recibo("OLD.rfc", "OLD.recibo_id", "-"),
        _del_recibo("NEW.rfc", "NEW.recibo_id", "+"),
    ),
    _disparador(
        "evidencia_conteo_recibo_cambio",
        "AFTER UPDATE OF deleted, fecha_pago, uuid ON nomina_recibos WHEN "
        "OLD.deleted IS NOT NEW.deleted OR OLD.fecha_pago IS NOT NEW.fecha_pago "
        "OR OLD.uuid IS NOT NEW.uuid",
        _de_la_fila("OLD", "-"),
        _de_la_fila("NEW", "+"),
    ),
    # A receipt removed: its clients go with it (ON DELETE CASCADE, after it is gone: the
    # trigger of each client then finds no receipt and counts nothing).
    _disparador(
        "evidencia_conteo_recibo_baja",
        "BEFORE DELETE ON nomina_recibos",
        _de_la_fila("OLD", "-"),
    ),
    _disparador(
        "evidencia_conteo_sustituido_alta",
        "AFTER INSERT ON nomina_sustituidos",
        # (its uuid is unique: no other substitution named the receipt before this one)
        _del_timbre("NEW.uuid", "-", True, "r.deleted = 0"),
    ),
    _disparador(
        "evidencia_conteo_sustituido_baja",
        "AFTER DELETE ON nomina_sustituidos",
        _del_timbre("OLD.uuid", "+", True, f"r.deleted = 0 AND {_SIN_SUSTITUIR}"),
    ),
    _disparador(
        "evidencia_conteo_xml_alta",
        "AFTER INSERT ON nomina_xml",
        _del_timbre("NEW.uuid", "+", False, _VIGENTE.format(r="r")),
    ),
    _disparador(
        "evidencia_conteo_xml_baja",
        "AFTER DELETE ON nomina_xml",
        _del_timbre("OLD.uuid", "-", False, _VIGENTE.format(r="r")),
    ),
)

# The counts from the receipts as they are (the migration's first fill, ``recontar``).
CONTAR = (
    "INSERT INTO evidencia_conteo (contratante, mes, recibos, con_xml) "
    "SELECT s.rfc, substr(r.fecha_pago, 1, 7), count(*), "
    "sum(EXISTS (SELECT 1 FROM nomina_xml x WHERE x.uuid = r.uuid)) "
    "FROM nomina_recibos r CROSS JOIN nomina_subcontrataciones s ON s.recibo_id = r.id "
    f"WHERE {_VIGENTE.format(r='r')} GROUP BY 1, 2"
)


# What CLIENTE_ALTA adds for each client of the receipts whose id is above ``?``, added at once.
_SUMAR_DESDE = _sumar(
    "SELECT s.rfc AS rfc, substr(r.fecha_pago, 1, 7) AS mes, r.uuid AS uuid "
    "FROM nomina_recibos r CROSS JOIN nomina_subcontrataciones s ON s.recibo_id = r.id "
    f"WHERE r.id > ? AND {_VIGENTE.format(r='r')}",
    "count(*)",
    f"sum({_CON_XML})",
)


def sumar_desde(conn: sqlite3.Connection, recibo_id: int) -> None:
    """The counts of the receipts whose id is above ``recibo_id`` and of their clients,
    written in bulk with ``CLIENTE_ALTA`` dropped (services/nomina/importar.py)."""
    conn.execute(_SUMAR_DESDE, (recibo_id,))


def recontar(conn: sqlite3.Connection, con_xml: Iterable[str] | None = None) -> None:
    """The counts built again whole, in the caller's transaction; with ``con_xml``, the
    receipts whose XML the archive keeps are those first (the archive's timbres)."""
    if con_xml is not None:
        conn.execute("DELETE FROM nomina_xml")
        conn.executemany(
            "INSERT OR IGNORE INTO nomina_xml (uuid) VALUES (?)", ((u,) for u in con_xml)
        )
    conn.execute("DELETE FROM evidencia_conteo")
    conn.execute(CONTAR)


__all__ = ["CLIENTE_ALTA", "CONTAR", "DISPARADORES", "recontar", "sumar_desde"]

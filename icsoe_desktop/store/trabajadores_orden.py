"""The orders of a contract's worker list (a header click) as SQL: each column the list shows,
ascending or descending, read from an index of the contract's workers, (contrato_id, deleted,
the column) with the row's id after them as in every index of a rowid table. A page of any
order is then one index range walked, and a count of the live workers reads an index alone.

A name is ordered as a clerk reads it, without case or accents (Ñ as N): an expression of the
stored column, never stored itself, then the name as stored (its index holds it too, so that
the find box's test of a name, over 100,000 workers, reads that index alone, not each row). An
expression index is matched by the same expression only: the queries name this very text.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, literal_column

# Accented letters as their plain capitals, then upper(): SQLite's upper() knows ASCII only.
_SIN_ACENTOS = (
    ("á", "a"), ("é", "e"), ("í", "i"), ("ó", "o"), ("ú", "u"), ("ü", "u"), ("ñ", "n"),
    ("Á", "A"), ("É", "E"), ("Í", "I"), ("Ó", "O"), ("Ú", "U"), ("Ü", "U"), ("Ñ", "N"),
)  # fmt: skip


def _nombre() -> str:
    term = "nombre"
    for letra, llana in _SIN_ACENTOS:
        term = f"replace({term}, '{letra}', '{llana}')"
    return f"upper({term})"


NSS, CURP, SBC, NOMBRE, RECHAZO = "nss", "curp", "sbc", "nombre", "rechazo"
# Each order: (index name, the terms it orders by), in the order of the list's columns.
INDEXES: dict[str, tuple[str, tuple[str, ...]]] = {
    NSS: ("ix_contrato_trabajadores_nss", ("nss",)),
    CURP: ("ix_contrato_trabajadores_curp", ("curp",)),
    SBC: ("ix_contrato_trabajadores_sbc", ("sbc",)),
    NOMBRE: ("ix_contrato_trabajadores_nombre", (_nombre(), "nombre")),
    RECHAZO: ("ix_contrato_trabajadores_rechazo", ("rechazo_portal",)),
}
ORDENES = tuple(INDEXES)


def claves(orden: str) -> list[ColumnElement[object]]:
    """The terms ``orden`` sorts by, as its index holds them."""
    return [literal_column(term) for term in INDEXES[orden][1]]


__all__ = ["CURP", "INDEXES", "NOMBRE", "NSS", "ORDENES", "RECHAZO", "SBC", "claves"]

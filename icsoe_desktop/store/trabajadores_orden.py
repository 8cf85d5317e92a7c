"""The orders of a contract's worker list (a header click) as SQL: each column the list shows,
ascending or descending, read from an index of the contract's workers, (contrato_id, deleted,
the column) with the row's id after them as in every index of a rowid table. A page of any
order is then one index range walked, and a count of the live workers reads an index alone.

A name is ordered as a clerk reads it, without case or accents (Ñ as N): an expression of the
stored column, never stored itself, then the name as stored (its index holds it too, so that
the find box's test of a name, over 100,000 workers, reads that index alone, not each row). An
expression index is matched by the same expression only: the queries name this very text.

The find box finds a name by the beginning of any of its words in that same form, two ways
that find the same rows: read from the name's index (``en_el_indice``: its beginning a range,
a later word ``instr``, never the expression computed again), or tested on the stored name of
each row another order walks (``en_el_renglon``: GLOB, each capital as the stored letters that
become it). The count and the list sorted by name walk that index (~12 ms for 100,000 names,
~20 ms with the GLOB); the other orders, whose indexes have no name, test the row they read.
Other accents than these (À, Ç…) are letters of their own, as in the order.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, and_, func, literal_column, or_

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


# Each plain capital a typed text may hold → the stored letters that become it in the name's
# index: itself, its small letter (upper() knows ASCII only) and the accented ones above.
_LETRAS: dict[str, str] = {}
for _letra, _llana in _SIN_ACENTOS:
    _LETRAS[_llana.upper()] = _LETRAS.get(_llana.upper(), "") + _letra


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


def en_el_indice(texto: str, siguiente: str) -> ColumnElement[bool]:
    """A name one of whose words begins with ``texto`` (normalised: domain/buscar.py), read
    from the name's index; ``siguiente``: the first text after every one ``texto`` begins."""
    clave: ColumnElement[str] = literal_column(_nombre())
    return or_(and_(clave >= texto, clave < siguiente), func.instr(clave, " " + texto) > 0)


def _glob(texto: str) -> str:
    partes = []
    for c in texto:
        letras = c + (c.lower() if c.isascii() and c.isalpha() else "") + _LETRAS.get(c, "")
        if len(letras) > 1 or c in "*?[]":
            partes.append(f"[{letras}]")
        else:
            partes.append(c)
    return "".join(partes) + "*"


def en_el_renglon(texto: str) -> ColumnElement[bool]:
    """The same names as ``en_el_indice``, tested on the stored name of each row read."""
    nombre: ColumnElement[str] = literal_column("nombre")
    patron = _glob(texto)
    return or_(nombre.op("GLOB")(patron), nombre.op("GLOB")(f"* {patron}"))


__all__ = [
    "CURP",
    "INDEXES",
    "NOMBRE",
    "NSS",
    "ORDENES",
    "RECHAZO",
    "SBC",
    "claves",
    "en_el_indice",
    "en_el_renglon",
]

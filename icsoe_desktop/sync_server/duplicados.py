"""Keys the server holds twice (``exclusivas.py``): rows of one key stored before the server
refused a second one (two contratistas of one RFC, two contratantes of one RFC of a
contratista, two Normals of a period, a worker twice in a contract). The server keeps each,
free to change, and never merges them itself: which one stays, and under which the other's
children go, is the company's to decide; ``sync_server verificar`` lists them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, case, func, select

from icsoe_desktop.domain.texts import plural
from icsoe_desktop.sync_server.exclusivas import CLAVES, SIN_CLAVE, SPECS
from icsoe_desktop.sync_server.models import ROWS_TABLE, Empresa


@dataclass(frozen=True)
class Duplicada:
    """A company's key held by two live rows or more of one table."""

    rfc: str
    tabla: str
    clave: tuple[str, ...]
    uuids: tuple[str, ...]

    def texto(self) -> str:
        return (
            f"{self.rfc}\t{self.tabla}\t{' / '.join(self.clave)}\t{plural(len(self.uuids), 'renglón', 'renglones')} "
            f"con la misma clave: {', '.join(self.uuids)}"
        )


def hallar(engine: Engine, rfc: str | None = None) -> list[Duplicada]:
    """The keys held twice (of one company, or all), table by table, in their order."""
    found: list[Duplicada] = []
    with engine.connect() as conn:
        for table in CLAVES:
            grupos: dict[tuple[str, ...], list[str]] = {}
            for row in conn.execute(_query(table, rfc)):
                grupos.setdefault(tuple(row[:-1]), []).append(row[-1])
            found += [
                Duplicada(key[0], table, key[1:], tuple(sorted(uuids)))
                for key, uuids in grupos.items()
            ]
    return found


def _query(table: str, rfc: str | None) -> Any:
    """The live rows of ``table`` whose key another live row of their company holds: the
    company's RFC, the key's columns as text (as ``exclusivas`` compares them) and the uuid."""
    rows = ROWS_TABLE.c
    spec = SPECS[table]
    columns = []
    for k, name in enumerate(CLAVES[table]):
        value: Any = func.coalesce(rows.data[name].as_string(), "")
        for column, grupo in spec.iguales:  # (a Sin información as the Normal of its period)
            if column == name:
                value = case((value.in_(sorted(grupo)), min(grupo)), else_=value)
        columns.append(value.label(f"k{k}"))
    where = [rows.tabla == table, rows.deleted.is_(False)]
    if table in SIN_CLAVE:  # (complementarias hold no key)
        name, values = SIN_CLAVE[table]
        where.append(func.coalesce(rows.data[name].as_string(), "").not_in(sorted(values)))
    if rfc is not None:
        where.append(Empresa.rfc == rfc)
    keyed = (
        select(
            Empresa.rfc.label("empresa"),
            *columns,
            rows.uuid,
            func.count().over(partition_by=[rows.empresa_id, *columns]).label("veces"),
        )
        .join(Empresa, Empresa.id == rows.empresa_id)
        .where(*where)
        .subquery()
    )
    names = [keyed.c.empresa, *(keyed.c[f"k{k}"] for k in range(len(columns))), keyed.c.uuid]
    return select(*names).where(keyed.c.veces > 1).order_by(*names)


__all__ = ["Duplicada", "hallar"]

"""Every synced table unique by a key on the desktop has that key on the server: a walk over the
sync registry, the models' unique constraints and indexes, and the unique indexes the
migrations left in a real store. A table added with a local unique index and no server
identity (``TableSpec.identidad``) fails it, as a synced column without its migration fails
its own checks."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from sqlalchemy import Column, Index, Integer, MetaData, String, Table, UniqueConstraint

from icsoe_desktop.domain.sync_registry import SIN_IDENTIDAD, SYNCED, TableSpec
from icsoe_desktop.store.models import Base

Key = frozenset[str]


def unicas_del_modelo(metadata: MetaData, names: Iterable[str]) -> dict[str, set[Key]]:
    """Per table, the sets of columns its model holds unique (a unique column, constraint or
    index), the uuid and the primary key aside."""
    found: dict[str, set[Key]] = {}
    for name in names:
        table = metadata.tables[name]
        keys = {frozenset({c.name}) for c in table.columns if c.unique}
        keys |= {
            frozenset(c.name for c in constraint.columns)
            for constraint in table.constraints
            if isinstance(constraint, UniqueConstraint)
        }
        keys |= {frozenset(c.name for c in ix.columns) for ix in table.indexes if ix.unique}
        found[name] = keys - {frozenset({"uuid"}), frozenset({"id"})}
    return found


def unicas_de_la_base(connection, names: Iterable[str]) -> dict[str, set[Key]]:
    """The same, as the migrations left them in a store (an index made by SQL alone too)."""
    found: dict[str, set[Key]] = {}
    for name in names:
        keys: set[Key] = set()
        for _seq, index, unique, origin, _partial in connection.exec_driver_sql(
            f'PRAGMA index_list("{name}")'
        ):
            if unique and origin != "pk":
                info = connection.exec_driver_sql(f'PRAGMA index_info("{index}")').all()
                keys.add(frozenset(row[2] for row in info))
        found[name] = keys - {frozenset({"uuid"}), frozenset({"id"})}
    return found


def sin_identidad(
    specs: Iterable[TableSpec], unicas: Mapping[str, set[Key]], exentas: Mapping[str, str]
) -> list[tuple[str, list[str]]]:
    """The tables with a local unique key the server does not hold once: no ``identidad`` of
    theirs within it (a server key of fewer columns holds it too), and not declared in
    ``SIN_IDENTIDAD`` with why."""
    missing = []
    for spec in specs:
        if spec.append_only or spec.name in exentas:
            continue
        server = frozenset(spec.identidad)
        for key in unicas.get(spec.name, set()):
            if not server or not server <= key:
                missing.append((spec.name, sorted(key)))
    return sorted(missing)


def test_every_local_unique_key_of_a_synced_table_is_held_once_on_the_server(services) -> None:
    names = [spec.name for spec in SYNCED]
    with services.store.session() as session:
        en_la_base = unicas_de_la_base(session.connection(), names)
    del_modelo = unicas_del_modelo(Base.metadata, names)
    for name in names:  # (the walk reads both: an index only one of them has counts)
        en_la_base[name] |= del_modelo[name]
    assert sin_identidad(SYNCED, en_la_base, SIN_IDENTIDAD) == []
    # The tables this walk covers, among them those two desktops used to split.
    keyed = {name for name, keys in en_la_base.items() if keys}
    assert {"repse_registros", "repse_servicios", "evidencia_documentos"} <= keyed
    assert {"evidencia_entregas", "sisub_pdfs", "icsoe_contratistas"} <= keyed
    assert set(SIN_IDENTIDAD) <= {spec.name for spec in SYNCED}
    # Those unique by a rule of the services only (no index) declare their identity too.
    for name in ("sisub_reportes", "sisub_contratos", "sisub_trabajadores", "icsoe_informativas"):
        assert next(s for s in SYNCED if s.name == name).identidad, name

    # A table added with a unique index and no identity: the walk names it, by its index, by
    # its unique constraint, and by a unique index of more columns than its identity's.
    metadata = MetaData()
    Table(
        "evidencia_notas",
        metadata,
        Column("id", Integer, primary_key=True),
        Column("uuid", String(36), unique=True),
        Column("mes", String(7)),
        Column("contratante", String(13)),
        Index("ux_evidencia_notas", "mes", "contratante", unique=True),
    )
    Table(
        "evidencia_avisos",
        metadata,
        Column("id", Integer, primary_key=True),
        Column("mes", String(7)),
        Column("correo", String(254)),
        UniqueConstraint("mes", "correo"),
    )
    nuevas = [
        TableSpec("evidencia_notas", titulo="Nota"),
        TableSpec(
            "evidencia_avisos", titulo="Aviso", claves=(("mes", "correo", "x"),), exclusiva=True
        ),
    ]
    unicas = unicas_del_modelo(metadata, ["evidencia_notas", "evidencia_avisos"])
    assert sin_identidad(nuevas, unicas, SIN_IDENTIDAD) == [
        ("evidencia_avisos", ["correo", "mes"]),
        ("evidencia_notas", ["contratante", "mes"]),
    ]
    # Declared, each passes: its identity, or a reason to keep both rows.
    nuevas = [
        TableSpec("evidencia_notas", claves=(("mes", "contratante"),), exclusiva=True),
        TableSpec("evidencia_avisos", claves=(("mes",),), unica=True),
    ]
    assert sin_identidad(nuevas, unicas, SIN_IDENTIDAD) == []
    assert sin_identidad(nuevas[:1], unicas, {"evidencia_notas": "por qué"}) == []

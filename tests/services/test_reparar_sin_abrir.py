"""``reparar`` of a store whose damage is in what the ordinary opening reads: its schema
revision (``alembic_version``), the empresa's row, its audit chain. The file is read with the
standard library alone, its readable rows written into a copy of the app's migrated template,
and the empresa opens afterwards; the clerk is told what did not read. (A file that is not an
SQLite database at all: tests/test_cli_reparar.py.)"""

from __future__ import annotations

from contextlib import closing
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import text

from icsoe_desktop.demo.movimientos import create_demo_movimientos
from icsoe_desktop.domain.errors import DomainError
from icsoe_desktop.domain.roles import CLI_ACTOR
from icsoe_desktop.services.acceso.permisos import PermisoDenegado
from icsoe_desktop.services.container import open_services
from icsoe_desktop.services.empresas.servicio import CATALOGO_FILE
from icsoe_desktop.services.movimientos.servicio import Filtro
from icsoe_desktop.store import cifrado, rescate
from icsoe_desktop.store.migrations import HEAD_REVISION
from tests.paginas_danadas import zero_leaf_pages

ROWS = 300
RFC = "AAA010101AAA"


def empresa_con_movimientos(data_dir: Path, clock) -> Path:
    """An empresa whose Configuración inicial is done, with ``ROWS`` movimientos: its file."""
    services = open_services(data_dir, clock)
    try:
        create_demo_movimientos(services.store, ROWS, date(2026, 11, 22))
        with services.store.session() as session:
            session.execute(
                text(
                    "INSERT INTO empresa (rfc, razon_social, pasos_omitidos, updated_at) "
                    "VALUES (:rfc, 'Servicios Limpios', '', :at)"
                ),
                {"rfc": RFC, "at": clock()},
            )
        services.empresas.nombrar(services.empresa, services.store)  # as its next opening
        return services.store.path
    finally:
        services.close()


def reparar(data_dir: Path, clock) -> str:
    services = open_services(data_dir, clock, reparar=CLI_ACTOR)
    try:
        return services.reparacion.reparar(CLI_ACTOR, services.rescatado).texto
    finally:
        services.close()


def test_a_store_whose_schema_revision_does_not_read_takes_the_templates(
    data_dir: Path, clock
) -> None:
    path = empresa_con_movimientos(data_dir, clock)
    assert zero_leaf_pages(path, "alembic_version", 1) == 1
    with pytest.raises(DomainError) as refused:  # the ordinary opening cannot read it
        open_services(data_dir, clock).close()
    assert refused.value.code == "base_datos_danada"

    texto = reparar(data_dir, clock)

    assert texto.startswith("La base de datos estaba dañada (1 problema). Se rescataron del ")
    assert texto.endswith(
        "La versión de su esquema no se pudo leer: se tomó la de esta versión de la aplicación "
        f"({HEAD_REVISION})."
    )
    assert rescate.revisar(path) == [] and rescate.revision(path) == HEAD_REVISION
    services = open_services(data_dir, clock)
    try:
        assert services.bitacora_alterada == ""
        assert services.movimientos.count(Filtro()) == ROWS
        assert services.primer_uso.empresa().rfc == RFC
        with services.store.session() as session:  # writable, its audit chain linked
            services.audit.record(session, CLI_ACTOR, "prueba", RFC, "después de reparar")
    finally:
        services.close()
    again = open_services(data_dir, clock)
    try:
        assert again.bitacora_alterada == ""
        assert [r.action for r in again.audit.recent()][:2] == ["prueba", "base_reparada"]
    finally:
        again.close()


def test_a_store_whose_empresa_row_does_not_read_opens_and_asks_for_it_again(
    data_dir: Path, clock
) -> None:
    path = empresa_con_movimientos(data_dir, clock)
    assert zero_leaf_pages(path, "empresa", 1) == 1
    with pytest.raises(DomainError) as refused:
        open_services(data_dir, clock).close()
    assert refused.value.code == "base_datos_falla"

    texto = reparar(data_dir, clock)

    assert (
        "Los datos de la empresa (RFC y razón social) no se pudieron leer: vuelve a capturarlos "
        "en la Configuración inicial." in texto
    )
    services = open_services(data_dir, clock)
    try:
        assert services.bitacora_alterada == ""
        assert services.movimientos.count(Filtro()) == ROWS
        assert services.empresa.rfc == RFC  # the catalog keeps its name meanwhile
        assert services.primer_uso.empresa().rfc == ""  # Configuración inicial asks again
    finally:
        services.close()


def test_a_store_opened_read_only_for_an_unreadable_audit_log_is_rescued_and_says_what_it_lost(
    data_dir: Path, clock
) -> None:
    """From the open empresa (Archivo › Reparar la base de datos…): its audit log's page does
    not read, so it opened read-only. Every other row is rescued; the entries lost leave the
    chain broken, which the clerk reads, and the empresa stays read-only."""
    path = empresa_con_movimientos(data_dir, clock)
    services = open_services(data_dir, clock)
    with services.store.session() as session:
        services.audit.record(session, CLI_ACTOR, "prueba", RFC, "antes del daño")
    services.close()
    assert zero_leaf_pages(path, "audit_log", 1) >= 1
    services = open_services(data_dir, clock)
    try:
        assert "no se pudo leer para revisarla" in services.bitacora_alterada

        result = services.reparacion.reparar(CLI_ACTOR)

        assert result.rescate is not None and result.aparte is not None
        assert "no se pudieron leer 1 (Bitácora: 1)" in result.texto
        assert "la bitácora se rompe: falta la entrada 1 (se borró)" in result.texto
        assert "La empresa se abrió en sólo lectura" in result.texto
        assert services.movimientos.count(Filtro()) == ROWS
    finally:
        services.close()
    assert rescate.revisar(path) == []


def test_only_an_administrator_rescues_a_store_before_it_opens(data_dir: Path, clock) -> None:
    path = empresa_con_movimientos(data_dir, clock)
    zero_leaf_pages(path, "alembic_version", 1)
    damaged = path.read_bytes()

    with pytest.raises(PermisoDenegado):
        open_services(data_dir, clock, reparar="ana.lopez@empresa.com")

    assert path.read_bytes() == damaged
    with closing(cifrado.conectar(data_dir / CATALOGO_FILE)) as catalogo:
        denied = catalogo.execute(
            "SELECT target, detail FROM audit_log WHERE action = 'permiso_denegado'"
        ).fetchall()
    assert [(target, "reparar" in detail) for target, detail in denied] == [("RESTAURAR", True)]
    assert sorted(p.name for p in data_dir.iterdir() if p.name.startswith(path.name)) == [path.name]

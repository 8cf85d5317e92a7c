"""ICSOE › Vencimientos and the clients' evidence board read a store of every released schema
that changed what they read: each store is first brought to this version's schema, as opening
it would (store/al_dia.py), and shows the rows the same data shows at head. A store whose
upgrade fails is named with its reason and left as it was; the other empresas are still shown.

The stores of the earlier schemas are the head store taken down by its own migrations
(Alembic's downgrade keeps what the older schema can hold)."""

from __future__ import annotations

import shutil
from contextlib import closing
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from icsoe_desktop.demo.nomina import create_demo_recibos
from icsoe_desktop.domain.evidencias import Mes
from icsoe_desktop.domain.roles import CLI_ACTOR
from icsoe_desktop.services.evidencias import tablero as evidencias_tablero
from icsoe_desktop.store import cifrado, plain
from icsoe_desktop.store.migrations import HEAD_REVISION
from tests import credentials_factory as cf
from tests.conftest import made_once, services_copying
from tests.services.test_vencimientos import ANA, RFC_OTRO, _despacho
from tests.store.test_nomina_sincronizada import _downgrade

SERVICIO = ["Servicios de limpieza industrial especializada"]
MESES = evidencias_tablero.meses_hasta(Mes(2026, 10), 2)
# The last release before the REPSE registrations, the SISUB and the clients' evidence: the
# board read its contratistas and informativas only.
ANTES_DEL_REPSE = "0037_acuse_corregido"
# The releases after them whose schema changed what the boards read, each the last before it:
# the receipts' counts per client (0048), the change record the evidence section's count of
# missing receipts is kept by (0057).
CON_TODO = ("0047_sisub_contratos_presentados", "0056_recibos_en_solo_consulta")


@pytest.fixture(scope="module")
def _despacho_una_vez(tmp_path_factory):
    return made_once(tmp_path_factory, _despacho)


services = services_copying(despacho="_despacho_una_vez")


@pytest.fixture
def despacho(_despacho_una_vez, services) -> dict:
    """test_vencimientos' two empresas, the first open."""
    return _despacho_una_vez[1]


def _vista(services) -> tuple[Any, ...]:
    """All the board shows: each section's rows, the empresas not read and why."""
    t = services.vencimientos.tablero(ANA)
    return t.filas, t.repse, t.sisub, t.evidencias, t.sin_leer, dict(t.motivos), t.contratistas


def _abrir_otra(services, hecho: dict, path: Path) -> None:
    """The second empresa opened: the first's store closed, its file free to be replaced."""
    services.abrir_empresa(hecho["segunda"])
    for sobrante in path.parent.glob(path.name + "-*"):  # its WAL and shared memory, if any
        sobrante.unlink()


def _poner(cabeza: Path, path: Path, revision: str) -> None:
    shutil.copy2(cabeza, path)
    _downgrade(path, revision)
    assert plain.revision(path) == revision


def test_a_store_of_every_released_schema_shows_what_it_shows_at_head(services, despacho):
    hecho = despacho
    path = services.empresas.ruta(services.empresa)
    archivo = services.empresa.archivo

    # Contratistas and informativas only: a store of the release before the REPSE.
    en_cabeza = _vista(services)
    assert en_cabeza[0] and en_cabeza[4] == []
    _abrir_otra(services, hecho, path)
    _downgrade(path, ANTES_DEL_REPSE)
    assert plain.revision(path) == ANTES_DEL_REPSE
    assert _vista(services) == en_cabeza
    assert plain.revision(path) == HEAD_REVISION  # brought to this version, as its opening does

    # Then a REPSE registration, a SISUB prepared, receipts naming clients and a client's own
    # due day: every section has rows.
    services.abrir_empresa(hecho["primera"])
    services.repse.registrar(cf.RFC_MORAL, ANA, "AR100/2024", date(2024, 1, 10), SERVICIO)
    services.sisub.preparar(cf.RFC_MORAL, CLI_ACTOR, "2026-2")
    assert create_demo_recibos(services.store, date(2026, 9, 21), 3, 4) > 0
    cliente = evidencias_tablero.leer(path, MESES)[0].contratante
    services.evidencias.fijar_entrega(ANA, cliente, 20)
    en_cabeza = _vista(services)
    filas, repse, sisub, evidencias = en_cabeza[:4]
    assert filas and repse and sisub and evidencias and en_cabeza[4] == []
    clientes = evidencias_tablero.leer(path, MESES)
    assert any(c.recibos for f in clientes for c in f.celdas)
    assert {f.dia for f in clientes if f.contratante == cliente} == {20}
    _abrir_otra(services, hecho, path)
    cabeza = path.parent / "cabeza.sqlite3"
    shutil.copy2(path, cabeza)

    for revision in CON_TODO:
        _poner(cabeza, path, revision)
        assert _vista(services) == en_cabeza, revision
        assert evidencias_tablero.leer(path, MESES) == clientes, revision
        assert plain.revision(path) == HEAD_REVISION

    # An upgrade that fails (a table in the way of the one it creates): that empresa named with
    # its reason, its file as it was, the second empresa still shown.
    _poner(cabeza, path, CON_TODO[0])
    with closing(cifrado.conectar(path)) as conn:
        conn.execute("CREATE TABLE evidencia_conteo (x)")
        conn.commit()
        antes = conn.execute("SELECT count(*) FROM icsoe_informativas").fetchone()
    tablero = services.vencimientos.tablero(ANA)
    assert [e.archivo for e in tablero.sin_leer] == [archivo]
    assert tablero.motivos[archivo].startswith(
        f"No se pudo leer la base de datos «{path.name}»: el archivo está dañado o no se pudo "
        "poner al día con esta versión de icsoe-desktop; no se cambió nada en él."
    )
    assert {f.contratista_rfc for f in tablero.filas} == {RFC_OTRO}
    assert [r.contratista_rfc for r in tablero.repse] == []
    assert plain.revision(path) == CON_TODO[0]
    with closing(cifrado.conectar(path)) as conn:
        assert conn.execute("SELECT count(*) FROM icsoe_informativas").fetchone() == antes

    # A store of a newer version: not changed, and said so.
    _poner(cabeza, path, CON_TODO[-1])
    with closing(cifrado.conectar(path)) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '9999_futura'")
        conn.commit()
    tablero = services.vencimientos.tablero(ANA)
    assert tablero.motivos == {
        archivo: "La base de datos fue creada por una versión más reciente de la aplicación. "
        "Actualiza icsoe-desktop para abrirla."
    }
    assert {f.contratista_rfc for f in tablero.filas} == {RFC_OTRO}
    assert plain.revision(path) == "9999_futura"

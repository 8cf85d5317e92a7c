"""No raw database error reaches a caller. Every file of the installation is made to refuse
every write, as a violated constraint refuses it (a trigger aborting each insert, update and
delete: SQLite reports it as a constraint failure), and the services' public operations that
write are called with arguments that succeed once the files accept writes again: each is
refused with a typed, Spanish ``DomainError``, nothing changes in either file, and then the same
call goes through (so the refusal came from the database, not from the arguments)."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

import pytest

from icsoe_desktop.config import SmtpSettings
from icsoe_desktop.domain.errors import DomainError
from icsoe_desktop.domain.roles import CLI_ACTOR
from icsoe_desktop.services.acceso.permisos import PermisoDenegado
from icsoe_desktop.services.contratistas import DatosGenerales
from icsoe_desktop.store import cifrado
from tests.icsoe_helpers import CURP_BETO, enter_contratista
from tests.icsoe_helpers import form as capturista
from tests.informativa_servicios import PERIODO
from tests.services.movimientos_data import (
    REGISTRO_A,
    REGISTRO_B,
    RFC,
    known_rows,
    load_known,
    nss,
    write_csv,
)
from tests.services.test_accounts import PASSWORD
from tests.services.test_accounts import form as registro

ADMIN = "admin@empresa.com"
ANA = "ana.lopez@empresa.com"
_TRIGGER = "prueba_rechazo"


def _files(services) -> list[Path]:
    return [services.store.path, services.catalogo.path]


def _refuse_writes(path: Path) -> None:
    with closing(cifrado.conectar(path)) as conn:
        tables = [
            row[0]
            for row in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            )
        ]
        for table in tables:
            for op in ("INSERT", "UPDATE", "DELETE"):
                conn.execute(
                    f'CREATE TRIGGER "{_TRIGGER}_{table}_{op}" BEFORE {op} ON "{table}" '
                    "BEGIN SELECT RAISE(ABORT, 'rechazado por la prueba'); END"
                )
        conn.commit()


def _accept_writes(path: Path) -> None:
    with closing(cifrado.conectar(path)) as conn:
        names = conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE ?",
            (f"{_TRIGGER}_%",),
        ).fetchall()
        for (name,) in names:
            conn.execute(f'DROP TRIGGER "{name}"')
        conn.commit()


def _contents(path: Path) -> str:
    """Every row of every table, in order (SQLCipher's connections have no ``iterdump``)."""
    digest = hashlib.sha256()
    with closing(cifrado.conectar(path)) as conn:
        tables = conn.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'table' ORDER BY name"
        ).fetchall()
        for name, sql in tables:
            digest.update(f"{name}\n{sql}\n".encode())
            for row in sorted(map(repr, conn.execute(f'SELECT * FROM "{name}"'))):
                digest.update(row.encode())
    return digest.hexdigest()


@dataclass(frozen=True)
class Escritura:
    nombre: str
    call: Callable[[], object]


def _escrituras(services, tmp_path: Path, rfc: str) -> list[Escritura]:
    pendientes = [p.id for p in services.lotes.pendientes(REGISTRO_B)]
    lote = services.lotes.lotes()[0]
    resultado = tmp_path / "resultado.csv"
    resultado.write_text(f"NSS,Resultado\n{nss(2)},Aprobado\n{nss(4)},Aprobado\n", encoding="utf-8")
    nuevo = dict(known_rows()[0], NSS=nss(9), Nombre="MARTA")
    importar = write_csv(tmp_path / "nuevo.csv", [nuevo])
    rechazado_id, rechazado = next(
        (i, m)
        for i in range(1, 7)
        if (m := services.movimientos.movimiento(i)).estado == "rechazado"
    )
    lotes_dir = tmp_path / "lotes_b"
    lotes_dir.mkdir()
    return [
        Escritura("registro patronal", lambda: services.registros.save(
            "C1234567104", RFC, "OTRA EMPRESA SA DE CV", CLI_ACTOR
        )),
        Escritura("datos de la empresa", lambda: services.primer_uso.guardar_empresa(
            RFC, "EMPRESA DEMO SA DE CV", ADMIN
        )),
        Escritura("importar movimientos", lambda: services.importador.import_file(
            importar, ADMIN
        )),
        Escritura("corregir movimiento", lambda: services.movimientos.corregir(
            rechazado_id, rechazado, ADMIN
        )),
        Escritura("generar lote", lambda: services.lotes.generar(
            REGISTRO_B, pendientes, lotes_dir, ADMIN
        )),
        Escritura("resultado de lote", lambda: services.lotes.importar_resultado(
            lote.id, resultado, ADMIN
        )),
        Escritura("registrar usuario", lambda: services.accounts.register(
            registro(usuario="nuevo@empresa.com")
        )),
        Escritura("deshabilitar usuario", lambda: services.accounts.set_enabled(
            ANA, False, ADMIN
        )),
        Escritura("recuperar contraseña IDSE", lambda: services.accounts.request_password_reset(
            ANA
        )),
        Escritura("iniciar sesión", lambda: services.accounts.authenticate(ADMIN, PASSWORD)),
        Escritura("correo saliente", lambda: services.settings.save_smtp(
            SmtpSettings(host="127.0.0.1", port=2525, remitente="nominas@empresa.com"), None,
            ADMIN,
        )),
        Escritura("sólo consulta", lambda: services.empresas.permitir_solo_consulta(
            services.empresa.id, False, ADMIN
        )),
        Escritura("crear empresa", lambda: services.empresas.crear(
            "BBB020202BB2", "Bodegas Dos SA de CV", ADMIN
        )),
        Escritura("alta de capturista", lambda: services.capturistas.alta(
            rfc, capturista(CURP_BETO, "Beto", "García", "Ruiz", correo="beto@capturas.mx")
        )),
        Escritura("datos generales", lambda: services.contratistas.guardar_datos_generales(
            rfc, DatosGenerales("otro@empresa.com.mx", "5587654321", "", domicilio_igual_fiscal=True)
        )),
        Escritura("informativa nueva", lambda: services.informativas.crear(rfc, rfc, PERIODO)),
        Escritura("retirar empresa", lambda: services.accesos.retirar(
            ANA, services.empresa.id, ADMIN
        )),
    ]  # fmt: skip


@pytest.fixture
def instalacion(services, data_dir, tmp_path):
    services.accounts.register(registro(usuario=ADMIN))
    services.accounts.register(registro(usuario=ANA))
    load_known(services, tmp_path)
    out = tmp_path / "lotes"
    out.mkdir()
    ids = [p.id for p in services.lotes.pendientes(REGISTRO_A)]
    services.lotes.generar(REGISTRO_A, ids, out, ADMIN)
    rfc = enter_contratista(services, data_dir, tmp_path)
    return services, rfc


@pytest.mark.slow
def test_every_write_refused_by_the_database_is_a_spanish_domain_error(
    instalacion, tmp_path: Path
) -> None:
    services, rfc = instalacion
    untyped: list[str] = []
    for escritura in _escrituras(services, tmp_path, rfc):
        for path in _files(services):
            _refuse_writes(path)
        before = [_contents(p) for p in _files(services)]
        try:
            escritura.call()
        except PermisoDenegado as exc:  # pragma: no cover - the failure message
            pytest.fail(f"{escritura.nombre}: rechazada por permisos: {exc.message}")
        except DomainError as exc:
            assert exc.message and exc.message[0].isupper(), escritura.nombre
            assert "rechazado por la prueba" not in exc.message  # no driver text
            assert "IntegrityError" not in exc.message
        except Exception as exc:  # what the test looks for
            untyped.append(f"{escritura.nombre}: {type(exc).__module__}.{type(exc).__name__}")
        else:  # pragma: no cover - the failure message
            pytest.fail(f"{escritura.nombre}: se guardó con la base rechazando toda escritura")
        assert [_contents(p) for p in _files(services)] == before, escritura.nombre
        for path in _files(services):
            _accept_writes(path)
        escritura.call()  # the same arguments, accepted: the database refused, not the input
    assert untyped == []


def test_a_refused_unit_of_work_names_no_table_nor_constraint(services) -> None:
    from icsoe_desktop.store.plain import MSG_RECHAZADO

    services.accounts.register(registro(usuario=ADMIN))
    _refuse_writes(services.store.path)
    with pytest.raises(DomainError) as refused:
        services.registros.save(REGISTRO_A, RFC, "EMPRESA DEMO SA DE CV", CLI_ACTOR)
    assert (refused.value.code, refused.value.message) == ("cambio_rechazado", MSG_RECHAZADO)
    _accept_writes(services.store.path)
    assert services.registros.listar() == []

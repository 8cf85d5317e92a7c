"""The role matrix (domain/roles.py) held by the services themselves: every protected action
called as every role, on a real store. A refused cell raises a Spanish refusal and leaves a
«permiso_denegado» entry in the installation's audit log; an allowed cell is never refused for
its role (it may still fail for its arguments, as a real call with those arguments would)."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import pytest

from icsoe_desktop.config import SmtpSettings
from icsoe_desktop.domain.errors import DomainError, ValidationError
from icsoe_desktop.domain.evidencias import Mes
from icsoe_desktop.domain.informativa.modelo import Periodo
from icsoe_desktop.domain.movimientos import Movimiento
from icsoe_desktop.domain.roles import CLI_ACTOR, PERMISOS, Accion, Rol, tabla_markdown
from icsoe_desktop.services import capacitacion
from icsoe_desktop.services.acceso.permisos import PermisoDenegado
from icsoe_desktop.services.sync.actualizacion import VersionNueva
from tests.conftest import made_once, services_copying
from tests.services.test_accounts import PASSWORD
from tests.services.test_accounts import form as registro

ADMIN = "admin@empresa.com"
ANA = "ana.lopez@empresa.com"
BETO = "beto@empresa.com"  # registered, then disabled
NEW_PASSWORD = "Nueva#Clave2026x"

ACTORS: dict[Rol, str | None] = {
    Rol.ADMINISTRADOR: ADMIN,
    Rol.USUARIO_IDSE: ANA,
    Rol.SOLO_CONSULTA: None,
    Rol.CONTRATISTA: "EDE0101018A2",  # the ICSOE services' actor: the contratista's RFC
    Rol.CAPTURISTA: "BOXW310820HNERXN09",  # and the capturista's CURP
    Rol.LINEA_DE_COMANDOS: CLI_ACTOR,
}


def _movimiento() -> Movimiento:
    from datetime import date

    return Movimiento(
        registro_patronal="Y5412345106",
        nss="12345678903",
        primer_apellido="GOMEZ",
        segundo_apellido="",
        nombre="ANA",
        fecha=date(2026, 1, 5),
        tipo="08",
    )


def _calls(services, tmp_path: Path) -> dict[Accion, Callable[[str | None], object]]:
    """One real call per protected action, with harmless arguments."""
    empresa = services.empresa.id
    missing = tmp_path / "no-existe.csv"
    archivo = tmp_path / "archivo.txt"
    archivo.write_text("no es una carpeta", encoding="utf-8")
    return {
        Accion.HABILITAR_USUARIOS: lambda a: services.accounts.set_enabled(ANA, True, a),
        Accion.ADMINISTRADORES: lambda a: services.accounts.set_administrador(ANA, False, a),
        Accion.CONTRASENA_DE_OTRO: lambda a: services.accounts.set_password(
            ANA, NEW_PASSWORD, NEW_PASSWORD, a
        ),
        Accion.CORREO_SALIENTE: lambda a: services.settings.save_smtp(
            SmtpSettings(host="127.0.0.1", port=2525, remitente="nominas@empresa.com"), None, a
        ),
        Accion.EMISORES_CONFIABLES: lambda a: services.certificates.emisores.quitar("00ff", a),
        Accion.SINCRONIZACION: lambda a: services.sync.configure("", None, True, 0, a),
        Accion.RESPALDAR: lambda a: services.backup.backup(tmp_path / f"r{id(a)}.bak", a),
        Accion.RESTAURAR: lambda a: services.backup.restore(missing, a),
        Accion.CREAR_EMPRESAS: lambda a: services.empresas.crear("", "", a),
        Accion.CONCEDER_EMPRESAS: lambda a: services.accesos.conceder(ANA, empresa, a),
        Accion.PERMITIR_SOLO_CONSULTA: lambda a: services.empresas.permitir_solo_consulta(
            empresa, True, a
        ),
        Accion.MODO_CAPACITACION: lambda a: services.settings.save_capacitacion(False, a),
        Accion.SELLO_DE_TIEMPO: lambda a: services.settings.save_sello_tiempo("", a),
        # A file where the folder goes: refused for its argument before anything is made.
        Accion.PREPARAR_CAPACITACION: lambda a: capacitacion.preparar(services, archivo, a),
        Accion.CODIGOS_POSTALES: lambda a: services.codigos_postales.cargar(missing, actor=a),
        Accion.REGISTROS_PATRONALES: lambda a: services.registros.delete("Y5412345106", a),
        Accion.CERTIFICADOS: lambda a: services.certificates.remove("Y5412345106", a),
        Accion.IMPORTAR_MOVIMIENTOS: lambda a: services.importador.import_file(missing, a),
        Accion.CORREGIR_MOVIMIENTOS: lambda a: services.movimientos.corregir(
            987654, _movimiento(), a
        ),
        Accion.GENERAR_LOTES: lambda a: services.lotes.generar(
            "Y5412345106", [987654], tmp_path, a
        ),
        Accion.RESULTADO_LOTES: lambda a: services.lotes.importar_resultado(987654, missing, a),
        Accion.CONFLICTOS: lambda a: services.conflictos.resolve(987654, "actual", a),
        Accion.DATOS_EMPRESA: lambda a: services.primer_uso.guardar_empresa("", "", a),
        Accion.CAPTURAR_INFORMATIVA: lambda a: services.informativas.tablero("EDE0101018A2", a),
        Accion.FIRMAR_INFORMATIVA: lambda a: services.informativa_firma.firmar(
            "no-existe", a, None, None, ""
        ),
        Accion.RECHAZOS_PORTAL: lambda a: services.informativa_rechazos.importar(
            "no-existe", a, missing
        ),
        Accion.REGISTRAR_PRESENTACION: lambda a: services.informativa_presentacion.registrar(
            "no-existe", a, b"", "a.pdf", "N1", datetime(2026, 1, 1), {}
        ),
        Accion.ARCHIVO_CLIENTE: lambda a: services.informativa_presentacion.archivo(
            "no-existe", a, "XAXX010101000", tmp_path
        ),
        # Run from source: refused for the platform (nothing downloaded) after the role.
        Accion.ACTUALIZAR: lambda a: services.actualizacion.instalar(
            VersionNueva("9.9.9", "0" * 64, 1), a
        ),
        Accion.IMPORTAR_NOMINA: lambda a: services.nomina.importar([missing], a),
        Accion.RECIBOS_NOMINA: lambda a: services.nomina_consulta.listar(a, Periodo(2026, 1)),
        Accion.IMPORTES_NOMINA: lambda a: services.nomina_consulta.listar(
            a, Periodo(2026, 1), con_importes=True
        ),
        Accion.REGISTRO_REPSE: lambda a: services.repse.registrar(
            "EDE0101018A2", a, "AR1/2024", datetime(2024, 1, 1).date(), ["Limpieza"]
        ),
        Accion.PREPARAR_SISUB: lambda a: services.sisub.preparar("EDE0101018A2", a, "2026-1"),
        Accion.PRESENTAR_SISUB: lambda a: services.sisub_archivos.leer_guia(missing, a),
        Accion.EVIDENCIAS: lambda a: services.evidencias.adjuntar(a, Mes(2026, 10), "iva", missing),
        Accion.CODIGO_RECUPERACION: lambda a: services.codigo_recuperacion.mostrar(a),
        Accion.CONSULTAR: lambda a: _consultar(services, a),
    }


def _consultar(services, actor: str | None) -> int:
    """A read of the grid (no actor of its own) in a session signed in as ``actor``: the gate
    in front of the empresa's services asks for every call."""
    from icsoe_desktop.services.movimientos.servicio import Filtro

    services.puerta.abrir(actor)
    try:
        return services.movimientos.count(Filtro())
    finally:
        services.puerta.cerrar()


def _staff(services, *_) -> None:
    services.accounts.register(registro(usuario=ADMIN))  # the first user administers
    services.accounts.register(registro(usuario=ANA))
    services.accounts.register(registro(usuario=BETO))
    services.accounts.set_enabled(BETO, False, ADMIN)


@pytest.fixture(scope="module")
def _staffed_once(tmp_path_factory: pytest.TempPathFactory):
    return made_once(tmp_path_factory, _staff)


services = services_copying(staffed="_staffed_once", en_otra_empresa="_en_otra_empresa_once")


@pytest.fixture
def staffed(_staffed_once, services):
    """The administrator, Ana and Beto (registered, then disabled) in the first empresa. Each
    case writes (its refusals are audited): each has its own copy of the store."""
    return services


def _refusals(services) -> list[tuple[str, str, str]]:
    return [
        (r.actor, r.target, r.detail)
        for r in services.audit_instalacion.recent()
        if r.action == "permiso_denegado"
    ]


def test_every_action_has_a_call_here(staffed, tmp_path: Path) -> None:
    assert set(_calls(staffed, tmp_path)) == set(Accion)


@pytest.mark.parametrize("accion", list(Accion), ids=lambda a: a.name)
def test_every_cell_of_the_matrix_is_enforced_by_the_service(
    staffed, tmp_path: Path, accion: Accion
) -> None:
    call = _calls(staffed, tmp_path)[accion]
    for rol, actor in ACTORS.items():
        before = len(_refusals(staffed))
        if rol in PERMISOS[accion]:
            try:
                call(actor)
            except PermisoDenegado as exc:  # pragma: no cover - the failure message
                pytest.fail(f"{rol} fue rechazado en {accion.name}: {exc.message}")
            except DomainError:
                pass  # refused for its arguments, not for its role
            assert len(_refusals(staffed)) == before, (rol, accion)
            continue
        with pytest.raises(PermisoDenegado) as refused:
            call(actor)
        assert str(accion) in refused.value.message, (rol, refused.value.message)
        refusals = _refusals(staffed)
        assert len(refusals) == before + 1, (rol, accion)
        assert refusals[0][:2] == (actor or "sólo consulta", accion.name)
        assert refusals[0][2].startswith(f"rol: {rol}")


OTRA = ("BBB020202BB2", "Bodegas Dos SA de CV")


def _otra(services, *_) -> int:
    _staff(services)
    return services.empresas.crear(*OTRA, ADMIN).id


@pytest.fixture(scope="module")
def _en_otra_empresa_once(tmp_path_factory: pytest.TempPathFactory):
    return made_once(tmp_path_factory, _otra)


@pytest.fixture
def en_otra_empresa(_en_otra_empresa_once, services):
    """A second empresa, opened: Ana keeps the first one only (creating the second turned
    «everybody» into grants), the administrator who created it holds both."""
    otra = _en_otra_empresa_once[1]
    services.abrir_empresa(otra)
    assert services.accesos.accesos(ANA) == {
        e.id for e in services.empresas.listar() if e.id != otra
    }
    return services


def _refused_for_the_grant(services, call, accion: Accion) -> None:
    """Ana's call is refused in Spanish and audited: by the grant where her role may, by the
    role elsewhere."""
    before = len(_refusals(services))
    with pytest.raises(PermisoDenegado) as refused:
        call(ANA)
    assert str(accion) in refused.value.message
    refusals = _refusals(services)
    assert len(refusals) == before + 1 and refusals[0][:2] == (ANA, accion.name)
    if Rol.USUARIO_IDSE in PERMISOS[accion]:
        assert refused.value.code == "empresa_sin_acceso"
        assert refused.value.message.startswith(
            f"No se puede {accion}: el usuario {ANA} no tiene acceso a la empresa "
            f"{OTRA[1]} ({OTRA[0]}), y su sesión en ella terminó."
        )
        assert refusals[0][2].endswith(f"sin acceso a la empresa {OTRA[1]} ({OTRA[0]})")


@pytest.mark.parametrize("accion", list(Accion), ids=lambda a: a.name)
def test_every_action_is_refused_in_an_empresa_not_granted(
    en_otra_empresa, tmp_path: Path, accion: Accion
) -> None:
    calls = _calls(en_otra_empresa, tmp_path)
    _refused_for_the_grant(en_otra_empresa, calls[accion], accion)
    for actor in (ADMIN, CLI_ACTOR):  # the administrator and the machine's operator work there
        if accion in (
            Accion.CAPTURAR_INFORMATIVA,
            Accion.FIRMAR_INFORMATIVA,
            Accion.RECHAZOS_PORTAL,
            Accion.PREPARAR_SISUB,
        ):
            continue  # ICSOE's: no IDSE role's (the matrix above)
        before = len(_refusals(en_otra_empresa))
        with contextlib.suppress(DomainError):
            calls[accion](actor)
        assert len(_refusals(en_otra_empresa)) == before, (actor, accion)


@pytest.mark.parametrize("accion", list(Accion), ids=lambda a: a.name)
def test_a_grant_withdrawn_mid_session_ends_it_at_the_next_action(
    en_otra_empresa, tmp_path: Path, accion: Accion
) -> None:
    services = en_otra_empresa
    services.accesos.conceder(ANA, services.empresa.id, ADMIN)
    call = _calls(services, tmp_path)[accion]
    before = len(_refusals(services))
    try:
        call(ANA)
    except PermisoDenegado:
        assert Rol.USUARIO_IDSE not in PERMISOS[accion]
    except DomainError:
        pass  # refused for its arguments, not for her grant
    assert len(_refusals(services)) == before + (Rol.USUARIO_IDSE not in PERMISOS[accion])
    services.accesos.retirar(ANA, services.empresa.id, ADMIN)  # the services stay open
    _refused_for_the_grant(services, call, accion)


def test_the_refusals_that_end_a_session_are_heard_by_who_runs_it(
    en_otra_empresa, tmp_path: Path
) -> None:
    """The GUI closes the session's windows on hearing them (tests/gui/test_sesion_terminada.py);
    a refusal for the role alone leaves the session as it is."""
    services = en_otra_empresa
    oidos: list[tuple[str, str]] = []
    services.permisos.al_terminar_sesion(lambda actor, exc: oidos.append((actor, exc.code)))
    calls = _calls(services, tmp_path)
    for accion, actor in (
        (Accion.REGISTROS_PATRONALES, ANA),  # not granted this empresa
        (Accion.HABILITAR_USUARIOS, ANA),  # not an administrator: the session goes on
        (Accion.RESPALDAR, BETO),  # disabled
        (Accion.REGISTROS_PATRONALES, None),  # sólo consulta
    ):
        with pytest.raises(PermisoDenegado):
            calls[accion](actor)
    assert oidos == [(ANA, "empresa_sin_acceso"), (BETO, "usuario_no_habilitado")]


def test_a_grant_restored_lets_the_user_work_again(en_otra_empresa) -> None:
    services = en_otra_empresa
    with pytest.raises(PermisoDenegado):
        services.registros.delete("Y5412345106", ANA)
    services.accesos.conceder(ANA, services.empresa.id, ADMIN)
    with pytest.raises(DomainError) as not_found:
        services.registros.delete("Y5412345106", ANA)
    assert not isinstance(not_found.value, PermisoDenegado)


def test_refusals_are_worded_for_the_role(staffed, tmp_path: Path) -> None:
    calls = _calls(staffed, tmp_path)
    with pytest.raises(PermisoDenegado) as solo_admin:
        calls[Accion.HABILITAR_USUARIOS](ANA)
    assert solo_admin.value.message == (
        "Sólo un administrador de icsoe-desktop puede habilitar o deshabilitar usuarios."
    )
    with pytest.raises(PermisoDenegado) as consulta:
        calls[Accion.REGISTROS_PATRONALES](None)
    assert consulta.value.message == (
        "En modo sólo consulta no se puede dar de alta, modificar o eliminar registros "
        "patronales. Cierra la sesión e ingresa con un usuario y contraseña."
    )
    with pytest.raises(PermisoDenegado) as contratista:
        calls[Accion.IMPORTAR_MOVIMIENTOS](ACTORS[Rol.CONTRATISTA])
    assert contratista.value.message == "Una sesión de contratista no puede importar movimientos."


def test_a_user_disabled_since_signing_in_may_do_nothing_protected(staffed, tmp_path: Path) -> None:
    calls = _calls(staffed, tmp_path)
    for accion in (Accion.REGISTROS_PATRONALES, Accion.RESPALDAR):
        with pytest.raises(PermisoDenegado) as refused:
            calls[accion](BETO)
        assert refused.value.code == "usuario_no_habilitado"
        assert "el usuario de la sesión está deshabilitado" in refused.value.message
    assert [r[:2] for r in _refusals(staffed)[:2]] == [
        (BETO, "RESPALDAR"),
        (BETO, "REGISTROS_PATRONALES"),
    ]


def test_an_administrator_disabled_is_no_administrator(staffed) -> None:
    staffed.accounts.set_administrador(ANA, True, ADMIN)
    staffed.accounts.set_enabled(ANA, False, ADMIN)
    with pytest.raises(PermisoDenegado):
        staffed.accounts.set_enabled(ANA, True, ANA)


def test_a_non_administrator_cannot_disable_the_only_administrator(staffed) -> None:
    with pytest.raises(PermisoDenegado):
        staffed.accounts.set_enabled(ADMIN, False, ANA)
    admin = next(u for u in staffed.accounts.listar() if u.usuario == ADMIN)
    assert admin.habilitado and admin.administrador


@pytest.mark.parametrize("actor", [ADMIN, CLI_ACTOR])
def test_the_last_enabled_administrator_can_be_neither_disabled_nor_demoted(
    staffed, actor: str
) -> None:
    with pytest.raises(DomainError) as disabled:
        staffed.accounts.set_enabled(ADMIN, False, actor)
    assert disabled.value.message == (
        f"No se puede deshabilitar a {ADMIN}: es el único administrador habilitado. Haz "
        "administrador a otro usuario primero."
    )
    with pytest.raises(DomainError) as demoted:
        staffed.accounts.set_administrador(ADMIN, False, actor)
    assert "quitarle la función de administrador" in demoted.value.message
    admin = next(u for u in staffed.accounts.listar() if u.usuario == ADMIN)
    assert admin.habilitado and admin.administrador
    # With a second administrator, the first may go.
    staffed.accounts.set_administrador(ANA, True, actor)
    assert not staffed.accounts.set_enabled(ADMIN, False, actor).habilitado
    with pytest.raises(DomainError):  # and now Ana is the last one
        staffed.accounts.set_administrador(ANA, False, CLI_ACTOR)


def test_a_disabled_administrator_does_not_count_as_the_other_one(staffed) -> None:
    staffed.accounts.set_administrador(BETO, True, ADMIN)  # Beto is disabled
    with pytest.raises(DomainError) as refused:
        staffed.accounts.set_administrador(ADMIN, False, ADMIN)
    assert refused.value.code == "ultimo_administrador"


def test_sign_in_still_works_for_a_user_refused_an_action(staffed) -> None:
    with pytest.raises(PermisoDenegado):
        staffed.accounts.set_enabled(BETO, True, ANA)
    assert staffed.accounts.authenticate(ANA, PASSWORD).usuario == ANA


def test_architecture_document_shows_the_matrix_of_the_code() -> None:
    doc = Path(__file__).parents[2] / "docs" / "ARCHITECTURE.md"
    assert tabla_markdown() in doc.read_text(encoding="utf-8")


@pytest.mark.parametrize("metodo", ["resolve_all", "undo"])
def test_resolver_todos_and_deshacer_are_conflictos_actions(staffed, metodo: str) -> None:
    """«Resolver todos así» and its «Deshacer» hold to the conflicts' cell of the matrix."""
    llamar = {
        "resolve_all": lambda a: staffed.conflictos.resolve_all("otra", a),
        "undo": lambda a: staffed.conflictos.undo(a),
    }[metodo]
    for rol, actor in ACTORS.items():
        before = len(_refusals(staffed))
        if rol in PERMISOS[Accion.CONFLICTOS]:
            with contextlib.suppress(DomainError):  # nothing to undo: refused for that only
                llamar(actor)
            assert len(_refusals(staffed)) == before, rol
            continue
        with pytest.raises(PermisoDenegado):
            llamar(actor)
        assert _refusals(staffed)[0][:2] == (actor or "sólo consulta", "CONFLICTOS")


def test_the_receipts_withheld_from_solo_consulta_by_the_empresa(staffed) -> None:
    """An administrator turns the receipts off for sólo consulta in this empresa: its listing
    is refused in Spanish and audited, the windows' reason says the same; the staff still list
    them; an IDSE user may not change it; turned on again, sólo consulta lists them."""
    empresa = staffed.empresa.id
    assert staffed.nomina_consulta.listar(None, Periodo(2026, 1)) == []
    with pytest.raises(PermisoDenegado):
        staffed.empresas.recibos_en_solo_consulta(empresa, False, ANA)
    staffed.empresas.recibos_en_solo_consulta(empresa, False, ADMIN)
    assert not staffed.empresas.obtener(empresa).solo_consulta_recibos
    before = len(_refusals(staffed))
    with pytest.raises(PermisoDenegado) as refused:
        staffed.nomina_consulta.listar(None, Periodo(2026, 1))
    assert refused.value.code == "retenido_por_la_empresa"
    assert refused.value.message.startswith("En la empresa ")
    assert "no deja consultar los recibos de nómina en modo sólo consulta" in refused.value.message
    refusals = _refusals(staffed)
    assert len(refusals) == before + 1 and refusals[0][:2] == ("sólo consulta", "RECIBOS_NOMINA")
    permisos = staffed.permisos_empresa
    assert not permisos.puede(None, Accion.RECIBOS_NOMINA)
    assert permisos.motivo(None, Accion.RECIBOS_NOMINA) == refused.value.message
    assert staffed.nomina_consulta.listar(ANA, Periodo(2026, 1)) == []  # the staff, as before
    acciones = [e.action for e in staffed.audit_instalacion.recent()]
    assert "solo_consulta_recibos_ocultos" in acciones
    staffed.empresas.recibos_en_solo_consulta(empresa, True, ADMIN)
    assert staffed.nomina_consulta.listar(None, Periodo(2026, 1)) == []
    # The same again changes nothing (no entry); an empresa that is gone is said so.
    staffed.empresas.recibos_en_solo_consulta(empresa, True, ADMIN)
    assert [e.action for e in staffed.audit_instalacion.recent()].count(
        "solo_consulta_recibos_mostrados"
    ) == 1
    with pytest.raises(ValidationError) as gone:
        staffed.empresas.recibos_en_solo_consulta(9999, False, ADMIN)
    assert gone.value.message == "La empresa ya no existe."

"""Three empresas side by side: nothing of one is visible from another, in the services, the
GUI (Movimientos con IDSE, Registros patronales) and the CLI."""

from __future__ import annotations

import subprocess
import sys

import pytest

from icsoe_desktop.services.movimientos.servicio import Filtro
from tests import preloaded
from tests.empresas.tres import ANA, BETO, CLIENTES, build


@pytest.fixture
def ids(data_dir):
    return build(data_dir)


@pytest.mark.slow
def test_each_empresa_sees_only_its_registros_movimientos_and_audit(data_dir, ids) -> None:
    from icsoe_desktop.services.container import open_services

    services = open_services(data_dir)
    try:
        for cliente in CLIENTES:
            services.abrir_empresa(ids[cliente.rfc])
            assert services.empresa.rfc == cliente.rfc
            assert [r.registro for r in services.registros.listar()] == [cliente.registro]
            assert services.movimientos.registros() == [cliente.registro]
            assert services.movimientos.count(Filtro()) == cliente.movimientos
            targets = {r.target for r in services.audit.recent()}
            others = {c.registro for c in CLIENTES if c is not cliente}
            assert cliente.registro in targets and not targets & others
            assert services.store.path.name != "catalogo.sqlite3"
        # Each store file is its own: the three are different files.
        paths = {services.empresas.ruta(services.empresas.obtener(i)) for i in ids.values()}
        assert len(paths) == 3 and all(p.is_file() for p in paths)
    finally:
        services.close()


def test_a_user_lists_only_the_empresas_granted_and_cannot_open_another(data_dir, ids) -> None:
    from icsoe_desktop.domain.errors import AuthenticationError
    from icsoe_desktop.services.container import open_services

    services = open_services(data_dir)
    try:
        assert [e.rfc for e in services.empresas.listar(BETO)] == [CLIENTES[1].rfc]
        assert len(services.empresas.listar(ANA)) == 3  # the administrator
        with pytest.raises(AuthenticationError) as refused:
            services.accesos.comprobar_acceso(BETO, ids[CLIENTES[2].rfc])
        assert CLIENTES[2].razon_social in refused.value.message
        actions = [(r.action, r.target) for r in services.audit_instalacion.recent()]
        assert ("empresa_acceso_rechazado", CLIENTES[2].rfc) in actions
        assert ("empresa_concedida", BETO) in actions and ("empresa_retirada", BETO) in actions
    finally:
        services.close()


def test_only_an_administrator_grants_or_creates(data_dir, ids) -> None:
    from icsoe_desktop.domain.errors import AuthenticationError
    from icsoe_desktop.services.container import open_services

    services = open_services(data_dir)
    try:
        with pytest.raises(AuthenticationError):
            services.accesos.conceder(BETO, ids[CLIENTES[2].rfc], BETO)
        with pytest.raises(AuthenticationError):
            services.empresas.crear("DDD040404DD4", "Distribuidora Cuatro", BETO)
        assert [e.rfc for e in services.empresas.listar(BETO)] == [CLIENTES[1].rfc]
    finally:
        services.close()


def test_an_rfc_already_there_or_a_file_left_behind_is_never_made_a_new_empresa(
    data_dir, ids
) -> None:
    """Nueva empresa with an RFC the catalog has: refused, the catalog as it was. With a store
    file left in its folder by an empresa removed from the catalog: refused, the file kept."""
    from icsoe_desktop.domain.errors import ValidationError
    from icsoe_desktop.paths import DATABASE_FILE
    from icsoe_desktop.services.container import open_services
    from icsoe_desktop.services.empresas.servicio import EMPRESAS_DIR

    services = open_services(data_dir)
    try:
        antes = services.empresas.listar(ANA)
        with pytest.raises(ValidationError) as repetida:
            services.empresas.crear(CLIENTES[1].rfc, "Otra Razón Social", ANA)
        assert repetida.value.code == "empresa_duplicada"
        assert repetida.value.message == f"La empresa con RFC {CLIENTES[1].rfc} ya existe."
        dejado = data_dir / EMPRESAS_DIR / "DDD040404DD4" / DATABASE_FILE
        dejado.parent.mkdir(parents=True)
        dejado.write_bytes(b"la base de una empresa que se quito del catalogo")
        with pytest.raises(ValidationError) as encima:
            services.empresas.crear("DDD040404DD4", "Distribuidora Cuatro", ANA)
        assert encima.value.code == "archivo_existente"
        assert "Muévelo a otra carpeta o bórralo antes de crear la empresa." in encima.value.message
        assert dejado.read_bytes() == b"la base de una empresa que se quito del catalogo"
        assert services.empresas.listar(ANA) == antes
    finally:
        services.close()


def _cli(data_dir, *args: str) -> subprocess.CompletedProcess:
    return preloaded.run(
        [sys.executable, "-m", "icsoe_desktop", "--data-dir", str(data_dir), *args],
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.slow
@pytest.mark.end2end
def test_cli_needs_empresa_when_there_are_several_and_names_the_choices(
    data_dir, ids, tmp_path
) -> None:
    out = tmp_path / "mov.xlsx"
    missing = _cli(data_dir, "movimientos", "exportar", str(out))
    assert missing.returncode == 2 and not out.exists()
    for cliente in CLIENTES:
        assert cliente.rfc in missing.stderr and cliente.razon_social in missing.stderr
    assert "--empresa" in missing.stderr
    for cliente in CLIENTES:
        done = _cli(data_dir, "--empresa", cliente.rfc, "movimientos", "exportar", str(out))
        assert done.returncode == 0, done.stderr
        assert f"{cliente.movimientos:,} movimientos exportados" in done.stdout
    unknown = _cli(data_dir, "--empresa", "ZZZ090909ZZ9", "respaldar", str(tmp_path / "r.db"))
    assert unknown.returncode == 2 and "ZZZ090909ZZ9" in unknown.stderr


@pytest.mark.slow
@pytest.mark.end2end
def test_self_check_has_one_line_per_empresa_store_and_names_a_damaged_one(data_dir, ids) -> None:
    from icsoe_desktop.services.empresas.servicio import EMPRESAS_DIR

    done = _cli(data_dir, "--self-check")
    lines = [line for line in done.stdout.splitlines() if " Empresa " in line]
    assert len(lines) == 3, done.stdout
    for cliente in CLIENTES:
        [line] = [line for line in lines if f"Empresa {cliente.rfc}:" in line]
        assert line.startswith("OK") and cliente.razon_social in line
    (data_dir / EMPRESAS_DIR / CLIENTES[2].rfc / "icsoe.sqlite3").write_bytes(b"no es sqlite" * 100)
    damaged = _cli(data_dir, "--self-check")
    [line] = [line for line in damaged.stdout.splitlines() if f"Empresa {CLIENTES[2].rfc}:" in line]
    assert line.startswith("FALLA") and damaged.returncode == 1
    assert all(
        line.startswith("OK")
        for line in damaged.stdout.splitlines()
        if any(f"Empresa {c.rfc}:" in line for c in CLIENTES[:2])
    )


@pytest.mark.slow
def test_a_damaged_empresa_store_is_named_and_the_open_empresa_stays(data_dir, ids) -> None:
    from icsoe_desktop.services.container import open_services
    from icsoe_desktop.services.empresas.servicio import EMPRESAS_DIR
    from icsoe_desktop.store.db import StoreError

    damaged = data_dir / EMPRESAS_DIR / CLIENTES[2].rfc / "icsoe.sqlite3"
    damaged.write_bytes(b"no es sqlite" * 100)
    services = open_services(data_dir)
    try:
        services.abrir_empresa(ids[CLIENTES[1].rfc])
        with pytest.raises(StoreError) as refused:
            services.abrir_empresa(ids[CLIENTES[2].rfc])
        assert str(damaged) in refused.value.message
        assert services.empresa.rfc == CLIENTES[1].rfc
        assert [r.registro for r in services.registros.listar()] == [CLIENTES[1].registro]
    finally:
        services.close()


# --- entries without an IDSE user (sólo consulta, ICSOE) -----------------------------------------


@pytest.mark.slow
def test_solo_consulta_opens_only_the_empresas_an_administrator_allowed(data_dir, ids) -> None:
    """Before: sólo consulta (no credentials) opened whichever empresa the login showed."""
    from icsoe_desktop.domain.errors import AuthenticationError
    from icsoe_desktop.services.container import open_services

    services = open_services(data_dir)
    try:
        uno, dos, tres = (ids[c.rfc] for c in CLIENTES)
        # The upgrade's first empresa keeps sólo consulta; the ones created after do not.
        assert [e.rfc for e in services.empresas.listar_solo_consulta()] == [CLIENTES[0].rfc]
        services.empresas.comprobar_solo_consulta(uno)
        with pytest.raises(AuthenticationError) as refused:
            services.empresas.comprobar_solo_consulta(dos)
        assert CLIENTES[1].razon_social in refused.value.message
        assert "administrador" in refused.value.message
        with pytest.raises(AuthenticationError):  # only an administrator decides
            services.empresas.permitir_solo_consulta(tres, True, BETO)
        services.empresas.permitir_solo_consulta(tres, True, ANA)
        services.empresas.permitir_solo_consulta(uno, False, ANA)
        assert [e.rfc for e in services.empresas.listar_solo_consulta()] == [CLIENTES[2].rfc]
        services.empresas.permitir_solo_consulta(tres, False, ANA)
        with pytest.raises(AuthenticationError) as none:
            services.empresas.comprobar_solo_consulta(tres)
        assert "Ninguna empresa" in none.value.message
        audit = [(r.actor, r.action, r.target) for r in services.audit_instalacion.recent()]
        assert (ANA, "solo_consulta_permitida", CLIENTES[2].rfc) in audit
        assert (ANA, "solo_consulta_retirada", CLIENTES[0].rfc) in audit
        assert ("sin sesión", "solo_consulta_rechazada", CLIENTES[1].rfc) in audit
    finally:
        services.close()


@pytest.mark.slow
@pytest.mark.end2end
def test_cli_allows_solo_consulta_and_lists_it(data_dir, ids) -> None:
    done = _cli(data_dir, "empresas", "solo-consulta", CLIENTES[1].rfc, "si")
    assert done.returncode == 0, done.stderr
    assert "puede abrirse en modo sólo consulta" in done.stdout
    listed = _cli(data_dir, "empresas", "listar").stdout.splitlines()
    flags = {line.split("\t")[0]: line.split("\t")[-1] for line in listed}
    assert flags == {
        CLIENTES[0].rfc: "sólo consulta: sí",
        CLIENTES[1].rfc: "sólo consulta: sí",
        CLIENTES[2].rfc: "sólo consulta: no",
    }


@pytest.mark.slow
def test_a_contratista_enters_the_empresa_of_its_efirmas_rfc_not_the_open_one(
    data_dir, ids, tmp_path
) -> None:
    """Before: the e.firma registered the contratista in whichever empresa was open."""
    from icsoe_desktop.domain.errors import AuthenticationError, ValidationError
    from icsoe_desktop.services.container import open_services
    from tests import credentials_factory as cf
    from tests.icsoe_helpers import trust_sat

    trust_sat(data_dir)
    tres = CLIENTES[2]
    services = open_services(data_dir)
    try:
        assert services.empresa.rfc == CLIENTES[0].rfc  # what the login would show
        cer, key = cf.fiel_moral(rfc=tres.rfc).write(tmp_path / "tres")
        fiel = services.contratistas.validar_fiel(tres.rfc, cer, key, cf.PASSWORD)
        [empresa] = services.entrada.empresas_de_contratista(fiel.rfc)
        assert empresa.rfc == tres.rfc
        sesion = services.entrada.ingresar_contratista(fiel, empresa)
        assert services.empresa.rfc == tres.rfc and sesion.rfc == tres.rfc
        # It cannot be steered into another empresa either.
        with pytest.raises(AuthenticationError, match="no corresponde"):
            services.entrada.ingresar_contratista(
                fiel, services.empresas.obtener(ids[CLIENTES[1].rfc])
            )
        cer, key = cf.fiel_moral().write(tmp_path / "ajena")
        ajena = services.contratistas.validar_fiel(cf.RFC_MORAL, cer, key, cf.PASSWORD)
        with pytest.raises(ValidationError) as refused:
            services.entrada.empresas_de_contratista(ajena.rfc)
        assert f"no hay una empresa con el RFC {cf.RFC_MORAL}" in refused.value.message
        assert services.empresa.rfc == tres.rfc  # the refused attempt changed nothing
        # Registered in its own empresa only.
        for cliente in CLIENTES[:2]:
            services.abrir_empresa(ids[cliente.rfc])
            with pytest.raises(ValidationError):
                services.contratistas.sesion(tres.rfc)
        services.abrir_empresa(ids[tres.rfc])
        assert services.contratistas.sesion(tres.rfc).terminos_aceptados is False
        # A contratista registered, before this rule, in two empresas' stores enters only those.
        services.abrir_empresa(ids[CLIENTES[0].rfc])
        services.contratistas.ingresar(ajena)
        services.abrir_empresa(ids[CLIENTES[1].rfc])
        services.contratistas.ingresar(ajena)
        assert sorted(e.rfc for e in services.entrada.empresas_de_contratista(ajena.rfc)) == [
            CLIENTES[0].rfc,
            CLIENTES[1].rfc,
        ]
    finally:
        services.close()


@pytest.mark.slow
def test_a_capturista_enters_only_the_empresas_where_its_curp_and_password_are_right(
    data_dir, ids, tmp_path, smtp_server
) -> None:
    """Before: the CURP was looked up only in the empresa the login showed, and the activation
    code only there; now each is found in its own empresa, whatever is open."""
    from icsoe_desktop.domain.errors import AuthenticationError
    from icsoe_desktop.services.container import open_services
    from tests.empresas.tres import capturista_en
    from tests.icsoe_helpers import CURP_ANA, NEW_PASSWORD

    uno, dos, tres = (ids[c.rfc] for c in CLIENTES)
    services = open_services(data_dir)
    try:
        services.settings.save_smtp(smtp_server.settings(), None, ANA)
        code_dos = capturista_en(services, dos, tmp_path, smtp_server, "ana@dos.mx")
        code_tres = capturista_en(services, tres, tmp_path, smtp_server, "ana@tres.mx")
        services.abrir_empresa(uno)  # the login shows the first client
        # Each code works from the first client, in the empresa that issued it.
        assert services.entrada.crear_contrasena(code_dos, NEW_PASSWORD, NEW_PASSWORD) == CURP_ANA
        assert services.empresa.id == uno
        other = NEW_PASSWORD + "9"
        assert services.entrada.crear_contrasena(code_tres, other, other) == CURP_ANA

        [entrada] = services.entrada.capturista(CURP_ANA, NEW_PASSWORD)
        assert entrada.empresa.id == dos and services.empresa.id == uno
        [entrada] = services.entrada.capturista(CURP_ANA, other)
        assert entrada.empresa.id == tres
        with pytest.raises(AuthenticationError, match="incorrectos"):
            services.entrada.capturista(CURP_ANA, "Otra$Clave123")
        assert _fallidos(services, CURP_ANA) == {dos: 1, tres: 1}  # none in the first client
        # ¿Olvidaste tu contraseña? from the first client: a code from each empresa, mailed by
        # the sender of the first client (the others are not open).
        services.entrada.solicitar_recuperacion(CURP_ANA)
        services.mail.send_pending(force=True)
        [code] = [
            m.get_content().split("Tu código es: ")[1].split()[0]
            for m in smtp_server.to("ana@tres.mx")
            if m["Subject"] == "Recuperación de contraseña - ICSOE"
        ]
        assert services.entrada.crear_contrasena(code, NEW_PASSWORD, NEW_PASSWORD) == CURP_ANA
        # The same password in both: the capturista chooses among those two only.
        entradas = services.entrada.capturista(CURP_ANA, NEW_PASSWORD)
        assert sorted(e.empresa.id for e in entradas) == sorted([dos, tres])
        assert services.empresa.id == uno
        [en_tres] = [e for e in entradas if e.empresa.id == tres]
        services.entrada.abrir_capturista(en_tres, entradas)
        assert services.empresa.id == tres
        assert [o.rfc for o in services.acceso_capturista.contratistas_de(CURP_ANA)]
    finally:
        services.close()


@pytest.mark.slow
def test_a_capturista_of_one_empresa_waits_for_one_password_check_only(
    data_dir, ids, tmp_path, smtp_server, monkeypatch
) -> None:
    """Each check is a scrypt (the sign-in's wait): the search across empresas checked the
    password once, then the empresa's own sign-in again: twice the wait for a capturista
    registered in one empresa, right or wrong."""
    from icsoe_desktop.domain import passwords
    from icsoe_desktop.domain.errors import AuthenticationError
    from icsoe_desktop.services.container import open_services
    from tests.empresas.tres import capturista_en
    from tests.icsoe_helpers import CURP_ANA, NEW_PASSWORD

    uno, dos, _tres = (ids[c.rfc] for c in CLIENTES)
    services = open_services(data_dir)
    try:
        services.settings.save_smtp(smtp_server.settings(), None, ANA)
        code = capturista_en(services, dos, tmp_path, smtp_server, "ana@dos.mx")
        services.abrir_empresa(uno)
        services.entrada.crear_contrasena(code, NEW_PASSWORD, NEW_PASSWORD)
        checks = []
        real = passwords.verify_password
        monkeypatch.setattr(passwords, "verify_password", lambda *a: checks.append(a) or real(*a))
        [entrada] = services.entrada.capturista(CURP_ANA, NEW_PASSWORD)
        assert entrada.empresa.id == dos and len(checks) == 1
        checks.clear()
        with pytest.raises(AuthenticationError, match="incorrectos"):
            services.entrada.capturista(CURP_ANA, "Otra$Clave123")
        assert len(checks) == 1 and _fallidos(services, CURP_ANA) == {dos: 1}
        checks.clear()
        with pytest.raises(AuthenticationError, match="incorrectos"):  # a CURP nobody has
            services.entrada.capturista("PEPJ800101HDFRRN09", NEW_PASSWORD)
        assert len(checks) == 1  # the same wait: the time tells nothing
    finally:
        services.close()


def _fallidos(services, curp: str) -> dict[int, int]:
    """Failed capturista sign-ins counted per empresa store (its login_throttle)."""
    from icsoe_desktop.services.capturistas.common import THROTTLE_PREFIX
    from icsoe_desktop.store import plain

    counted = {}
    for empresa in services.empresas.listar():
        conn = plain.connect(services.empresas.ruta(empresa))
        row = conn.execute(
            "SELECT failures FROM login_throttle WHERE usuario = ?", (THROTTLE_PREFIX + curp,)
        ).fetchone()
        conn.close()
        if row:
            counted[empresa.id] = row[0]
    return counted

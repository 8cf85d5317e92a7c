"""A backup keyed from the recovery code (services/respaldo/llave.py): restored on a fresh
installation (its own data folder and keyring) with the code of the one that made it, a wrong
code refused with nothing replaced, no worker's data nor the code in the file, and the backups
of before (in clear, or in the installation's key) restored as they were."""

from __future__ import annotations

import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import NamedTuple

import pytest

from icsoe_desktop.demo.movimientos import create_demo_movimientos
from icsoe_desktop.domain.bitacora import LLAVE_RESTAURADA, huella
from icsoe_desktop.domain.roles import CLI_ACTOR
from icsoe_desktop.services import llave_bitacora, recuperacion_almacen
from icsoe_desktop.services.audit import verificar_bitacora
from icsoe_desktop.services.container import open_services
from icsoe_desktop.services.movimientos.servicio import Filtro
from icsoe_desktop.services.respaldo import bitacora as bitacora_respaldo
from icsoe_desktop.services.respaldo import llave as llave_respaldo
from icsoe_desktop.services.respaldo.backup import (
    MSG_CODIGO_INCORRECTO,
    MSG_EN_CLARO,
    BackupError,
    RespaldoPideCodigo,
    codigo_equivocado,
)
from icsoe_desktop.services.respaldo.cortado import con_llave as cortado_con_llave
from icsoe_desktop.services.respaldo.cortado import por_tamano as cortado_por_tamano
from icsoe_desktop.services.secrets import SecretsService
from icsoe_desktop.store import cifrado
from tests import preloaded, respaldos
from tests.conftest import build_isolated
from tests.en_claro import copia_en_claro
from tests.llaves import cuenta
from tests.services.movimientos_data import REGISTRO_A, RFC
from tests.services.test_accounts import ANA, PASSWORD
from tests.services.test_accounts import form as registro
from tests.services.test_cifrado_almacen import _una_persona

TODAY = date(2026, 11, 22)
FILAS = 40


def _otra_instalacion(tmp_path: Path, auditada: bool = False) -> tuple[Path, str, list[bytes]]:
    """Another PC: its own data folder and keyring; a backup of its empresa, its code and one
    worker's NSS, CURP and name. ``auditada``: the empresa's log holds entries, linked with
    that PC's audit key."""
    otra = _otro_equipo(tmp_path, auditada)
    return otra.respaldo, otra.codigo, otra.persona


class OtroEquipo(NamedTuple):
    respaldo: Path
    codigo: str
    persona: list[bytes]
    llave_bitacora: bytes  # its audit key, from its keyring


def _otro_equipo(tmp_path: Path, auditada: bool = True) -> OtroEquipo:
    folder = tmp_path / "otro-equipo"
    folder.mkdir()
    respaldo = tmp_path / "otro-equipo.icsoe-respaldo"

    def build(data_dir: Path) -> OtroEquipo:
        services = open_services(data_dir)
        try:
            services.accounts.register(registro())
            create_demo_movimientos(services.store, FILAS, TODAY)
            if auditada:
                services.registros.save(REGISTRO_A, RFC, "EMPRESA DEMO SA DE CV", CLI_ACTOR)
            services.backup.backup(respaldo, actor=CLI_ACTOR)
            codigo = recuperacion_almacen.codigo_guardado()
            llave = SecretsService().get(
                llave_bitacora.KEYRING_SCOPE, cuenta(llave_bitacora.CUENTA)
            )
            assert codigo is not None and llave is not None
            return OtroEquipo(respaldo, codigo, _una_persona(services), bytes.fromhex(llave))
        finally:
            services.close()

    return build_isolated(folder, build)


def _asides(data_dir: Path) -> list[Path]:
    return sorted(data_dir.glob("*antes-de-restaurar*"))


def test_a_backup_restores_on_a_fresh_installation_with_its_code(
    tmp_path: Path, data_dir: Path
) -> None:
    respaldo, codigo, persona = _otra_instalacion(tmp_path)
    services = open_services(data_dir)  # this PC: a new installation, its own keyring
    try:
        propio = recuperacion_almacen.codigo_guardado()
        assert propio is not None and propio != codigo
        with pytest.raises(RespaldoPideCodigo) as pide:
            services.backup.restore(respaldo, actor=CLI_ACTOR)
        assert "Escribe ese código de recuperación" in pide.value.message
        assert "No se restauró nada" in pide.value.message

        restaurado = services.backup.restore(respaldo, actor=CLI_ACTOR, codigo=codigo.lower())

        assert restaurado.aparte in _asides(data_dir) and restaurado.avisos == ()
        assert services.movimientos.count(Filtro()) == FILAS
        assert _una_persona(services) == persona
        store = services.store.path.read_bytes()
        assert not store.startswith(cifrado.CABECERA_PLANA)
        assert not store.startswith(llave_respaldo.MARCA)  # in this installation's key now
        for dato in persona:
            assert dato not in store
        assert services.accounts.authenticate(ANA, PASSWORD).usuario == ANA
        assert recuperacion_almacen.codigo_guardado() == propio  # this installation's code kept
    finally:
        services.close()
    again = open_services(data_dir)  # and it opens again with this keyring's key alone
    try:
        assert again.movimientos.count(Filtro()) == FILAS
    finally:
        again.close()


def test_a_used_empresas_backup_restores_on_another_installation_and_its_log_goes_on(
    tmp_path: Path, data_dir: Path
) -> None:
    """Its log is linked with the other PC's audit key, which the backup carries: the chain is
    checked with it, then goes on with this installation's own key, which stays as it was."""
    otro = _otro_equipo(tmp_path)
    services = open_services(data_dir)
    try:
        create_demo_movimientos(services.store, 3, TODAY)
        propia = SecretsService().get(llave_bitacora.KEYRING_SCOPE, cuenta(llave_bitacora.CUENTA))
        assert propia is not None and bytes.fromhex(propia) != otro.llave_bitacora

        services.backup.restore(otro.respaldo, actor=CLI_ACTOR, codigo=otro.codigo)

        assert services.movimientos.count(Filtro()) == FILAS
        assert REGISTRO_A in [r.registro for r in services.registros.listar()]
        restaurado, cambio = services.audit.recent()[:2]
        assert restaurado.action == "respaldo_restaurado"
        assert cambio.action == LLAVE_RESTAURADA
        assert cambio.target == otro.respaldo.name
        assert huella(bytes.fromhex(propia)) in cambio.detail
        assert huella(otro.llave_bitacora) in cambio.detail
        integridad = verificar_bitacora(services.store.path)
        assert integridad.integra, integridad.problema
        assert "se comprobaron con ella al restaurarlo" in integridad.texto()
        assert (
            SecretsService().get(llave_bitacora.KEYRING_SCOPE, cuenta(llave_bitacora.CUENTA))
            == propia
        )
        antes = integridad.entradas
        services.registros.save(REGISTRO_A, RFC, "EMPRESA DEMO DOS SA DE CV", CLI_ACTOR)
    finally:
        services.close()
    again = open_services(data_dir)  # its opening checks the chain against the catalog's link
    try:
        integridad = verificar_bitacora(again.store.path)
        assert integridad.integra, integridad.problema
        assert integridad.entradas > antes
        assert REGISTRO_A in again.audit.recent()[0].target
    finally:
        again.close()
    for archivo in data_dir.rglob("*"):  # the carried key is kept nowhere here
        if archivo.is_file():
            contenido = archivo.read_bytes()
            assert otro.llave_bitacora not in contenido, archivo
            assert otro.llave_bitacora.hex().encode() not in contenido, archivo


def _reescrito(respaldo: Path, codigo: str, cambio: str) -> None:
    """The backup opened with its code and rewritten so (what only whoever has the code can
    do), its pages encrypted with its key again."""
    llave = llave_respaldo.de_archivo(respaldo, codigo)
    assert llave is not None
    conn = cifrado.conectar(respaldo, isolation_level=None, llave=llave)
    try:
        conn.execute(cambio)
    finally:
        conn.close()


def test_an_entry_edited_in_the_log_of_another_pcs_backup_is_refused_as_altered(
    tmp_path: Path, data_dir: Path
) -> None:
    otro = _otro_equipo(tmp_path)
    llave = llave_respaldo.de_archivo(otro.respaldo, otro.codigo)
    conn = cifrado.conectar(otro.respaldo, isolation_level=None, llave=llave)
    try:
        (disparador,) = conn.execute(
            "SELECT sql FROM sqlite_master WHERE name = 'audit_log_no_update'"
        ).fetchone()
        conn.execute("DROP TRIGGER audit_log_no_update")
        conn.execute("UPDATE audit_log SET actor = 'otra persona' WHERE id = 1")
        conn.execute(disparador)  # the schema as it was: only the entry differs
    finally:
        conn.close()
    services = open_services(data_dir)
    try:
        create_demo_movimientos(services.store, 3, TODAY)
        with pytest.raises(BackupError) as refused:
            services.backup.restore(otro.respaldo, actor=CLI_ACTOR, codigo=otro.codigo)
        assert refused.value.code == "respaldo_bitacora_alterada"
        assert refused.value.message.startswith(
            f"El respaldo «{otro.respaldo.name}» no tiene la bitácora íntegra: la bitácora se "
            "rompe en la entrada 1 ("
        )
        assert refused.value.message.endswith("No se restauró nada.")
        assert _asides(data_dir) == []
        assert services.movimientos.count(Filtro()) == 3
        assert all(e.action != LLAVE_RESTAURADA for e in services.audit.recent())
    finally:
        services.close()


def test_a_chain_linked_again_without_the_key_it_carries_is_refused_as_altered(
    tmp_path: Path, data_dir: Path
) -> None:
    """Another key put in its place (all 32 bytes): the chain no longer checks with it."""
    otro = _otro_equipo(tmp_path)
    _reescrito(
        otro.respaldo,
        otro.codigo,
        f"UPDATE {bitacora_respaldo.TABLA} SET llave = randomblob(32)",
    )
    services = open_services(data_dir)
    try:
        with pytest.raises(BackupError) as refused:
            services.backup.restore(otro.respaldo, actor=CLI_ACTOR, codigo=otro.codigo)
        assert refused.value.code == "respaldo_bitacora_alterada"
        assert _asides(data_dir) == []
    finally:
        services.close()


@pytest.mark.parametrize(
    "cambio",
    [
        f"DROP TABLE {bitacora_respaldo.TABLA}",
        f"UPDATE {bitacora_respaldo.TABLA} SET llave = randomblob(16)",
        f"ALTER TABLE {bitacora_respaldo.TABLA} RENAME COLUMN llave TO otra",
    ],
    ids=["de_antes", "llave_corta", "otra_tabla"],
)
def test_another_pcs_backup_of_before_says_its_audit_key_is_needed_not_that_it_was_altered(
    tmp_path: Path, data_dir: Path, cambio: str
) -> None:
    """A backup that carries no audit key (made before it did, or what it carries is no key):
    its log, linked with the other PC's key, cannot be checked here; the restore says what to
    bring, not «no tiene la bitácora íntegra»."""
    otro = _otro_equipo(tmp_path)
    _reescrito(otro.respaldo, otro.codigo, cambio)
    services = open_services(data_dir)
    try:
        create_demo_movimientos(services.store, 3, TODAY)
        with pytest.raises(BackupError) as refused:
            services.backup.restore(otro.respaldo, actor=CLI_ACTOR, codigo=otro.codigo)
        assert refused.value.code == "respaldo_bitacora_otra_llave"
        assert refused.value.message.startswith(
            f"El respaldo «{otro.respaldo.name}» es de otra instalación y su bitácora se encadenó"
        )
        assert "«icsoe-desktop/bitacora»" in refused.value.message
        assert "íntegra" not in refused.value.message
        assert _asides(data_dir) == []
        assert services.movimientos.count(Filtro()) == 3
    finally:
        services.close()


def test_with_the_other_pcs_audit_key_in_this_keyring_its_chain_goes_on_as_it_was(
    tmp_path: Path, data_dir: Path
) -> None:
    """The key brought in the Credential Manager (the same key here): nothing changes keys."""
    otro = _otro_equipo(tmp_path)
    SecretsService().set(
        llave_bitacora.KEYRING_SCOPE, cuenta(llave_bitacora.CUENTA), otro.llave_bitacora.hex()
    )
    services = open_services(data_dir)
    try:
        services.backup.restore(otro.respaldo, actor=CLI_ACTOR, codigo=otro.codigo)
        assert all(e.action != LLAVE_RESTAURADA for e in services.audit.recent())
        assert verificar_bitacora(services.store.path).integra
    finally:
        services.close()


def test_a_wrong_code_is_refused_in_spanish_and_nothing_is_replaced(
    tmp_path: Path, data_dir: Path
) -> None:
    respaldo, codigo, _persona = _otra_instalacion(tmp_path, auditada=True)
    services = open_services(data_dir)
    try:
        create_demo_movimientos(services.store, 3, TODAY)
        otro = recuperacion_almacen.codigo_nuevo()
        with pytest.raises(BackupError) as mal:
            services.backup.restore(respaldo, actor=CLI_ACTOR, codigo=otro)
        assert mal.value.code == "respaldo_codigo_incorrecto"
        assert mal.value.message == MSG_CODIGO_INCORRECTO.format(nombre=respaldo.name)
        with pytest.raises(BackupError) as corto:
            services.backup.restore(respaldo, actor=CLI_ACTOR, codigo=codigo[:-5])
        assert corto.value.code == "codigo_mal_escrito"
        assert "Escribe el código de recuperación completo" in corto.value.message

        assert _asides(data_dir) == []
        assert sorted(p.name for p in data_dir.glob("*restaurando*")) == []
        assert services.movimientos.count(Filtro()) == 3
        rechazos = [
            (e.action, e.detail) for e in services.audit.recent() if e.target == respaldo.name
        ]
        assert ("restauracion_rechazada", "respaldo_codigo_incorrecto") in rechazos
        for entrada in services.audit.recent():
            assert otro not in f"{entrada.target} {entrada.detail}"
    finally:
        services.close()


def test_the_backup_holds_no_nss_curp_name_nor_its_code_nor_its_audit_key(
    tmp_path: Path,
) -> None:
    respaldo, codigo, persona, auditoria = _otro_equipo(tmp_path)
    contenido = respaldo.read_bytes()
    for forma in (auditoria, auditoria.hex().encode(), auditoria.hex().upper().encode()):
        assert forma not in contenido
    assert contenido.startswith(llave_respaldo.MARCA)
    assert not contenido.startswith(cifrado.CABECERA_PLANA)
    for dato in persona:
        assert dato not in contenido, dato
    for forma in (codigo, codigo.replace("-", "")):
        assert forma.encode() not in contenido


def test_a_backup_of_this_installation_restores_without_asking(services, tmp_path) -> None:
    create_demo_movimientos(services.store, 7, TODAY)
    respaldo = services.backup.backup(tmp_path / "propio.icsoe-respaldo", actor=CLI_ACTOR)
    assert llave_respaldo.es_portable(respaldo)
    create_demo_movimientos(services.store, 5, TODAY)

    services.backup.restore(respaldo, actor=CLI_ACTOR)

    assert services.movimientos.count(Filtro()) == 7


@pytest.mark.parametrize("como", ["en_claro", "llave_de_la_instalacion"])
def test_backups_of_before_are_restored(services, tmp_path, como: str) -> None:
    """A backup in clear (of a version before encryption) and one in the installation's key
    (before backups had a key of their own)."""
    create_demo_movimientos(services.store, 9, TODAY)
    persona = _una_persona(services)
    respaldo = services.backup.backup(tmp_path / "antes.icsoe-respaldo", actor=CLI_ACTOR)
    respaldos.en_llave_de_la_instalacion(respaldo)
    if como == "en_claro":
        plano = copia_en_claro(respaldo, tmp_path / "plano.icsoe-respaldo")
        assert plano.read_bytes().startswith(cifrado.CABECERA_PLANA)
        respaldo = plano
    create_demo_movimientos(services.store, 4, TODAY)

    hecha = services.backup.restore(respaldo, actor=CLI_ACTOR)

    assert services.movimientos.count(Filtro()) == 9
    assert _una_persona(services) == persona
    assert not cifrado.es_plano(services.store.path)
    if como == "en_claro":  # the clerk is told it was readable by anyone; it is no longer
        assert hecha.avisos == (MSG_EN_CLARO.format(nombre=respaldo.name),)
        assert "no estaba cifrado" in hecha.avisos[0]
        assert "Lo restaurado quedó cifrado en este equipo" in hecha.avisos[0]
        store = services.store.path.read_bytes()
        for dato in persona:
            assert dato not in store
        assert services.audit.recent()[0].detail.endswith("; el respaldo estaba sin cifrar")
    else:
        assert hecha.avisos == ()
    assert not list(services.store.path.parent.glob("*.restaurando*"))


def test_without_a_code_in_the_keyring_the_backup_is_in_the_installations_key(
    services, tmp_path
) -> None:
    """A key put back in the keyring without its code: no portable backup can be made; it is
    written as before, in the installation's key, and restores here."""
    create_demo_movimientos(services.store, 6, TODAY)
    SecretsService().delete(
        recuperacion_almacen.KEYRING_SCOPE, cuenta(recuperacion_almacen.CUENTA_CODIGO)
    )
    respaldo = services.backup.backup(tmp_path / "sin-codigo.icsoe-respaldo", actor=CLI_ACTOR)
    assert not llave_respaldo.es_portable(respaldo)
    assert not respaldo.read_bytes().startswith(cifrado.CABECERA_PLANA)
    create_demo_movimientos(services.store, 2, TODAY)

    services.backup.restore(respaldo, actor=CLI_ACTOR)

    assert services.movimientos.count(Filtro()) == 6


@pytest.mark.end2end
def test_the_command_line_asks_for_the_code_and_reads_it_from_stdin(
    tmp_path: Path, data_dir: Path
) -> None:
    respaldo, codigo, _persona = _otra_instalacion(tmp_path, auditada=True)

    def restaurar(*opciones: str, entrada: str | None = None) -> subprocess.CompletedProcess:
        return preloaded.run(
            [sys.executable, "-m", "icsoe_desktop", "restaurar", *opciones, str(respaldo)],
            capture_output=True,
            text=True,
            timeout=120,
            input=entrada,
        )

    sin = restaurar()
    assert sin.returncode == 2 and "Traceback" not in sin.stderr
    assert "Escribe ese código de recuperación" in sin.stderr
    assert "--codigo-stdin" in sin.stderr
    mal = restaurar("--codigo-stdin", entrada=recuperacion_almacen.codigo_nuevo() + "\n")
    assert mal.returncode == 2
    assert mal.stderr.strip() == MSG_CODIGO_INCORRECTO.format(nombre=respaldo.name)
    assert _asides(data_dir) == []

    bien = restaurar("--codigo-stdin", entrada=codigo + "\n")

    assert bien.returncode == 0, bien.stderr
    assert bien.stdout.startswith("Respaldo restaurado.")
    services = open_services(data_dir)
    try:
        assert services.movimientos.count(Filtro()) == FILAS
        integridad = verificar_bitacora(services.store.path)  # its log, checked here
        assert integridad.integra and integridad.llave_restaurada, integridad.problema
    finally:
        services.close()


def test_a_damaged_backup_of_another_installation_is_refused_after_its_code(
    tmp_path: Path, data_dir: Path
) -> None:
    """The code opens its first page; pages further on were overwritten (a bad sector, a
    truncated copy): refused in Spanish, nothing replaced, nothing left beside the store."""
    respaldo, codigo, _persona = _otra_instalacion(tmp_path)
    datos = bytearray(respaldo.read_bytes())
    pagina = 4096
    for posicion in range(3 * pagina, min(len(datos), 8 * pagina)):
        datos[posicion] = 0x5A
    respaldo.write_bytes(bytes(datos))
    services = open_services(data_dir)
    try:
        with pytest.raises(BackupError) as danado:
            services.backup.restore(respaldo, actor=CLI_ACTOR, codigo=codigo)
        assert danado.value.code == "respaldo_danado"
        assert danado.value.message.startswith(
            f"No se pudo descifrar el respaldo «{respaldo.name}»: está dañado"
        )
        assert _asides(data_dir) == []
        assert sorted(p.name for p in data_dir.glob("*restaurando*")) == []
    finally:
        services.close()


def test_without_an_os_keyring_a_backup_is_in_clear_and_restores(
    data_dir: Path, tmp_path: Path, monkeypatch
) -> None:
    """No keyring: no key, no code; the stores are plain (the guide says so), so is the
    backup, and it restores."""
    import keyring.core

    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
    keyring.core._keyring_backend = None
    services = open_services(data_dir)
    try:
        create_demo_movimientos(services.store, 5, TODAY)
        respaldo = services.backup.backup(tmp_path / "claro.icsoe-respaldo", actor=CLI_ACTOR)
        assert respaldo.read_bytes().startswith(cifrado.CABECERA_PLANA)
        create_demo_movimientos(services.store, 2, TODAY)

        services.backup.restore(respaldo, actor=CLI_ACTOR)

        assert services.movimientos.count(Filtro()) == 5
    finally:
        services.close()


def _cortado(respaldo: Path, nombre: str, largo: int) -> Path:
    copia = respaldo.with_name(nombre)
    copia.write_bytes(respaldo.read_bytes()[:largo])
    return copia


def test_a_truncated_backup_is_called_incomplete_not_another_pcs_code(
    tmp_path: Path, data_dir: Path
) -> None:
    """A copy that did not finish: cut inside its first page, at a page's end (the first page
    decrypts, the rest is missing) or in the middle of one; a plain backup of before cut too.
    Each is refused as cut short, never as another installation's or a wrong code."""
    respaldo, codigo, _persona = _otra_instalacion(tmp_path)
    services = open_services(data_dir)
    try:
        create_demo_movimientos(services.store, 3, TODAY)
        propio = services.backup.backup(tmp_path / "propio.icsoe-respaldo", actor=CLI_ACTOR)
        pagina = 4096
        paginas = propio.stat().st_size // pagina
        assert paginas > 4
        plano = copia_en_claro(services.store.path, tmp_path / "plano.sqlite3")
        # A backup of before, in the installation's key (no size of its own tells it is cut).
        de_antes = respaldos.en_llave_de_la_instalacion(
            services.backup.backup(tmp_path / "de-antes.icsoe-respaldo", actor=CLI_ACTOR)
        )
        cortados = [
            (_cortado(propio, "primera.icsoe-respaldo", 1000), None),
            (_cortado(propio, "en-pagina.icsoe-respaldo", paginas // 2 * pagina), None),
            (_cortado(propio, "a-media.icsoe-respaldo", paginas // 2 * pagina + 700), None),
            # A plain one cut at a page's end and in the middle of one (its pages: 4096 bytes).
            (_cortado(plano, "plano.icsoe-respaldo", plano.stat().st_size // 8192 * 4096), None),
            (_cortado(plano, "plano-a-media.icsoe-respaldo", plano.stat().st_size // 2 + 9), None),
            (_cortado(de_antes, "antes-en-pagina.icsoe-respaldo", 3 * pagina), None),
            (_cortado(de_antes, "antes-a-media.icsoe-respaldo", 3 * pagina + 10), None),
            # Another installation's, with its code typed: that code opens its first page.
            (_cortado(respaldo, "ajeno.icsoe-respaldo", 3 * pagina), codigo),
        ]
        # What the window's code dialog asks: a cut file is not a wrong code.
        ajeno = cortados[-1][0]
        assert not codigo_equivocado(ajeno, codigo)
        assert codigo_equivocado(ajeno, recuperacion_almacen.codigo_nuevo())
        assert not codigo_equivocado(respaldo, codigo)
        assert codigo_equivocado(respaldo, codigo[:-5])
        for cortado, con_codigo in cortados:
            with pytest.raises(BackupError) as refused:
                services.backup.restore(cortado, actor=CLI_ACTOR, codigo=con_codigo)
            mensaje = refused.value.message
            assert refused.value.code == "respaldo_cortado", (cortado.name, mensaje)
            assert mensaje.startswith(
                f"El respaldo «{cortado.name}» está incompleto: el archivo se cortó antes de "
                f"terminar (mide {cortado.stat().st_size:,} bytes)"
            )
            assert mensaje.endswith("No se restauró nada.")
            assert "código de recuperación de la instalación donde" not in mensaje
            assert mensaje != MSG_CODIGO_INCORRECTO.format(nombre=cortado.name)
        # A plain header whose page size SQLite never writes is damage, not a cut.
        raro = tmp_path / "raro.icsoe-respaldo"
        raro.write_bytes(cifrado.CABECERA_PLANA + b"\x00\x03" + plano.read_bytes()[18:])
        with pytest.raises(BackupError) as danado:
            services.backup.restore(raro, actor=CLI_ACTOR)
        assert danado.value.code == "respaldo_danado"
        assert _asides(data_dir) == []
        assert services.movimientos.count(Filtro()) == 3
        # A file gone between the restore's steps tells nothing of a cut: its own message stands.
        ido = tmp_path / "ido.icsoe-respaldo"
        assert not cortado_por_tamano(ido, True)
        assert not cortado_con_llave(ido, cifrado.INSTALACION)
    finally:
        services.close()


@pytest.mark.end2end
def test_the_command_line_says_a_backup_was_in_clear(tmp_path: Path, data_dir: Path) -> None:
    services = open_services(data_dir)
    try:
        create_demo_movimientos(services.store, 4, TODAY)
        plano = copia_en_claro(services.store.path, tmp_path / "de-antes.icsoe-respaldo")
        create_demo_movimientos(services.store, 2, TODAY)
    finally:
        services.close()

    hecha = preloaded.run(
        [sys.executable, "-m", "icsoe_desktop", "restaurar", str(plano)],
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert hecha.returncode == 0, hecha.stderr
    primera, aviso = hecha.stdout.strip().splitlines()
    assert primera.startswith("Respaldo restaurado. La base de datos anterior quedó en ")
    assert aviso == MSG_EN_CLARO.format(nombre=plano.name)
    services = open_services(data_dir)
    try:
        assert services.movimientos.count(Filtro()) == 4
        assert not cifrado.es_plano(services.store.path)
    finally:
        services.close()

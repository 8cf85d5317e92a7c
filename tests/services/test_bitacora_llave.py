"""The audit chain keyed by the installation's key (domain/bitacora.py, services/llave_bitacora.py):
whoever can write a store's file but not read the user's keyring cannot append an entry nor
rewrite a chain, in the store or in a backup; a chain made before the key keeps its history; a
keyring copy that cannot be read, and a key missing from the keyring, are said as such."""

from __future__ import annotations

from contextlib import closing
from pathlib import Path

import pytest

from icsoe_desktop import cli
from icsoe_desktop.domain.bitacora import con_llave
from icsoe_desktop.domain.roles import CLI_ACTOR
from icsoe_desktop.self_check import check_empresas
from icsoe_desktop.services import llave_bitacora
from icsoe_desktop.services.audit import Cabeza, verificar_bitacora
from icsoe_desktop.services.container import open_services
from icsoe_desktop.services.empresas.abrir import AUDIT_CON_LLAVE
from icsoe_desktop.services.empresas.bitacora import AUDIT_COPIA_ILEGIBLE, KEYRING_SCOPE
from icsoe_desktop.services.llave_bitacora import LlaveFaltante
from icsoe_desktop.services.respaldo.backup import BackupError
from icsoe_desktop.services.secrets import ALMACEN, SecretsService
from icsoe_desktop.store import cifrado
from tests import respaldos
from tests.llaves import cuenta
from tests.paginas_danadas import zero_leaf_pages
from tests.services.movimientos_data import REGISTRO_A, REGISTRO_B, RFC
from tests.services.test_bitacora import _editar, _entradas, _rechain
from tests.services.test_bitacora_cabeza import _anexar, _preparar
from tests.services.test_reparar_sin_abrir import empresa_con_movimientos, reparar

RAZON = "EMPRESA DEMO SA DE CV"


def _links(path: Path) -> list[str]:
    with closing(respaldos.abrir(path)) as conn:
        return [r[0] for r in conn.execute("SELECT hash FROM audit_cadena ORDER BY audit_id")]


def test_every_link_is_keyed_and_an_appended_one_is_found_by_reparar_too(
    data_dir: Path, clock, capsys
) -> None:
    store = _preparar(data_dir, clock)
    links = _links(store)
    assert links and all(con_llave(link) for link in links)
    id_ = _anexar(store)  # the link the public eslabon() computes
    # reparar (a store whose file is whole: its sums recounted) does not take it either.
    assert cli.main(["--data-dir", str(data_dir), "reparar"]) != 0
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert (
        f"la bitácora se rompe en la entrada {id_} (2026-11-27 10:00, respaldo_creado): no está "
        "encadenada con la llave de esta instalación, como las entradas desde la 1 (se agregó o "
        "se reescribió por fuera de la aplicación)"
    ) in err
    services = open_services(data_dir, clock)
    try:
        assert "no está encadenada con la llave de esta instalación" in (services.bitacora_alterada)
    finally:
        services.close()


def test_a_rewritten_backup_is_refused_after_the_live_store_moved_on(
    services, tmp_path: Path
) -> None:
    """The backup's last link against the live chain's at that entry: three audited actions
    later (the installation's recorded link past the backup's end), a backup whose chain was
    rewritten without the key is still refused; the genuine one is restored."""
    services.registros.save(REGISTRO_A, RFC, RAZON, CLI_ACTOR)
    services.registros.save(REGISTRO_B, RFC, RAZON, CLI_ACTOR)
    genuino = services.backup.backup(tmp_path / "genuino.icsoe-respaldo", CLI_ACTOR)
    reescrito = services.backup.backup(tmp_path / "reescrito.icsoe-respaldo", CLI_ACTOR)
    id_, _action, _at = _entradas(reescrito)[0]
    _editar(reescrito, f"UPDATE audit_log SET actor = 'otro' WHERE id = {id_}")
    _rechain(reescrito)  # every link recomputed with the public eslabon()
    assert verificar_bitacora(
        reescrito, llave_archivo=respaldos.llave(reescrito)
    ).integra  # whole by itself
    ultima = _entradas(reescrito)[-1][0]
    # The live store moves on: three audited actions, its last link recorded.
    services.registros.delete(REGISTRO_B, CLI_ACTOR)
    services.registros.save(REGISTRO_B, RFC, RAZON, CLI_ACTOR)
    services.registros.delete(REGISTRO_A, CLI_ACTOR)
    services.abrir_empresa(services.empresa.id)
    assert services.empresas.cabeza_bitacora(services.empresa.id).id > ultima
    antes = _entradas(services.store.path)

    with pytest.raises(BackupError) as rechazado:
        services.backup.restore(reescrito, CLI_ACTOR)
    assert rechazado.value.code == "respaldo_bitacora_alterada"
    assert rechazado.value.message == (
        f"El respaldo «{reescrito.name}» no tiene la bitácora íntegra: su última entrada, la "
        f"{ultima}, no tiene el eslabón que tiene esa entrada en la bitácora de esta empresa (la "
        "bitácora del respaldo se reescribió, o es el respaldo de otro equipo, que encadena su "
        "bitácora en su propio orden). No se restauró nada."
    )
    assert _entradas(services.store.path)[:-1] == antes  # only the refusal was added
    [linea] = [r for r in check_empresas(services) if r.name.startswith("Bitácora de emp")]
    assert linea.ok and "bitácora íntegra" in linea.detail
    assert all(con_llave(link) for link in _links(services.store.path))

    services.backup.restore(genuino, CLI_ACTOR)  # the genuine older one still is
    assert services.audit.recent()[0].action == "respaldo_restaurado"


def test_a_keyring_copy_that_does_not_parse_is_said_not_blamed_on_the_store(
    data_dir: Path, clock
) -> None:
    _preparar(data_dir, clock)
    services = open_services(data_dir, clock)
    try:
        clave = services.cabezas._clave(services.empresa.id)
        cabeza = services.cabezas.registradas(services.empresa.id)[0]
    finally:
        services.close()
    SecretsService().set(KEYRING_SCOPE, clave, "basura que no es un eslabón")
    services = open_services(data_dir, clock)
    try:
        assert services.bitacora_alterada == ""  # writable: the store is not to blame
        aviso = (
            f"La bitácora de la empresa {services.empresa.etiqueta}: no se pudo leer la copia del "
            "llavero de su última entrada registrada («basura que no es un eslabón» no es un "
            "eslabón de la bitácora; el llavero la guardó dañada o se cambió por fuera de la "
            "aplicación): se comprobó con la copia del catálogo."
        )
        assert services.avisos == [aviso]
        [auditada] = [
            r for r in services.audit_instalacion.recent() if r.action == AUDIT_COPIA_ILEGIBLE
        ]
        assert "no se pudo leer la copia del llavero" in auditada.detail
        assert "se le quitaron entradas" not in aviso
        services.registros.delete(REGISTRO_A, CLI_ACTOR)
    finally:
        services.close()
    # Written again once the store was found whole.
    id_, _, hash_ = SecretsService().get(KEYRING_SCOPE, clave).partition(":")
    assert int(id_) > cabeza.id and con_llave(hash_)


def test_the_key_missing_from_the_keyring_stops_and_says_how_to_get_it_back(
    data_dir: Path, clock, capsys
) -> None:
    store = _preparar(data_dir, clock)
    secrets = SecretsService()
    llave = secrets.get(llave_bitacora.KEYRING_SCOPE, cuenta(llave_bitacora.CUENTA))
    assert llave
    secrets.delete(llave_bitacora.KEYRING_SCOPE, cuenta(llave_bitacora.CUENTA))
    antes = _entradas(store)

    with pytest.raises(LlaveFaltante) as falta:
        open_services(data_dir, clock)
    assert falta.value.code == "sin_llave_bitacora"
    assert falta.value.message == (
        f"No está en el llavero del sistema ({ALMACEN}) la llave de la bitácora de esta "
        "instalación, con la que ya se encadenó su bitácora: sin ella no se puede comprobar ni "
        "continuar, así que no se abrió nada. Pasa cuando se restableció el perfil de Windows o "
        "se copió la carpeta de datos a otro equipo o usuario: restaura la credencial "
        "«icsoe-desktop/bitacora» (usuario «llave») desde el respaldo del Administrador de "
        "credenciales del equipo o usuario anterior y abre de nuevo; sin respaldo, "
        "`icsoe-desktop-consola bitacora llave-nueva --se-perdio` crea otra (guía de "
        "administración, «La llave de la bitácora»)."
    )
    # The command line says the same, without a traceback; no new key was made in its place.
    assert cli.main(["--data-dir", str(data_dir), "empresas", "listar"]) != 0
    err = capsys.readouterr().err
    assert "la llave de la bitácora de esta instalación" in err and "Traceback" not in err
    assert secrets.get(llave_bitacora.KEYRING_SCOPE, cuenta(llave_bitacora.CUENTA)) is None
    assert _entradas(store) == antes

    # A key that is not one (the credential changed by hand): said as such.
    secrets.set(llave_bitacora.KEYRING_SCOPE, cuenta(llave_bitacora.CUENTA), "no es una llave")
    with pytest.raises(LlaveFaltante) as ilegible:
        open_services(data_dir, clock)
    assert ilegible.value.code == "llave_bitacora_ilegible"
    assert ilegible.value.message.startswith(
        f"No se pudo leer la llave de la bitácora en el llavero del sistema ({ALMACEN})"
    )

    # The credential restored: everything verifies and goes on, as before.
    secrets.set(llave_bitacora.KEYRING_SCOPE, cuenta(llave_bitacora.CUENTA), llave)
    services = open_services(data_dir, clock)
    try:
        assert services.bitacora_alterada == ""
        services.registros.delete(REGISTRO_A, CLI_ACTOR)
    finally:
        services.close()
    assert verificar_bitacora(store).integra


def test_a_chain_made_before_the_key_keeps_its_history_and_goes_on_keyed(
    data_dir: Path, clock
) -> None:
    """A store upgraded: its keyless chain, its last link recorded keyless by the catalog and
    the keyring, opens whole; a first keyed entry marks the switch; from it on, a keyless link
    is one made without the key."""
    store = _preparar(data_dir, clock)
    _rechain(store)  # every link keyless, as the app linked them before the key
    sin_llave = verificar_bitacora(store).cabeza
    assert sin_llave is not None and not con_llave(sin_llave.hash)
    services = open_services(data_dir, clock)
    try:
        empresa = services.empresa.id
        clave = services.cabezas._clave(empresa)
    finally:
        services.close()
    with closing(cifrado.conectar(data_dir / "catalogo.sqlite3")) as conn:
        conn.execute(
            "UPDATE empresas SET bitacora_id = ?, bitacora_hash = ? WHERE id = ?",
            (sin_llave.id, sin_llave.hash, empresa),
        )
        conn.commit()
    SecretsService().set(KEYRING_SCOPE, clave, f"{sin_llave.id}:{sin_llave.hash}")

    services = open_services(data_dir, clock)
    try:
        assert services.bitacora_alterada == ""
        marca = services.audit.recent()[0]
        assert (marca.action, marca.detail) == (
            AUDIT_CON_LLAVE,
            "desde esta entrada la bitácora se encadena con la llave de esta instalación (en el "
            "llavero del sistema)",
        )
        registrada = services.cabezas.registradas(empresa)
        assert registrada == [Cabeza(sin_llave.id + 1, registrada[0].hash)]
        assert con_llave(registrada[0].hash)
    finally:
        services.close()
    links = _links(store)
    assert not any(con_llave(link) for link in links[:-1]) and con_llave(links[-1])
    assert verificar_bitacora(store, registrada).integra  # the history verifies, as it was

    id_ = _anexar(store)  # keyless, after the first keyed link
    integridad = verificar_bitacora(store, registrada)
    assert integridad.problema == (
        f"la bitácora se rompe en la entrada {id_} (2026-11-27 10:00, respaldo_creado): no está "
        f"encadenada con la llave de esta instalación, como las entradas desde la {id_ - 1} (se "
        "agregó o se reescribió por fuera de la aplicación)"
    )


def test_a_repair_does_not_launder_a_chain_rewritten_before_the_damage(
    data_dir: Path, clock
) -> None:
    """A chain rewritten without the key in a file that is then damaged: `reparar` rescues
    every row, but the rescued chain is not the one the installation recorded, so it is not
    taken and the empresa stays read-only."""
    path = empresa_con_movimientos(data_dir, clock)
    services = open_services(data_dir, clock)
    try:
        services.registros.save(REGISTRO_A, RFC, RAZON, CLI_ACTOR)
        services.registros.save(REGISTRO_B, RFC, RAZON, CLI_ACTOR)
    finally:
        services.close()  # its last link recorded
    _editar(path, "UPDATE audit_log SET detail = 'nada' WHERE id = 1")
    _rechain(path)  # whole by itself, every link keyless
    assert verificar_bitacora(path).integra
    assert zero_leaf_pages(path, "movimientos", 1) >= 1

    texto = reparar(data_dir, clock)

    assert texto.startswith("La base de datos estaba dañada (")
    services = open_services(data_dir, clock)
    try:
        assert "(la bitácora se reescribió)" in services.bitacora_alterada
    finally:
        services.close()


def test_a_reinstall_that_keeps_the_keyring_verifies_the_chains_it_made(
    data_dir: Path, clock, tmp_path: Path
) -> None:
    """The key is the keyring's, not the data folder's: a new installation of the same Windows
    user (another data folder) restores a backup of the old one, and its keyed chain verifies
    (opening, self-check) and goes on."""
    services = open_services(data_dir, clock)
    try:
        services.primer_uso.guardar_empresa("AAA010101AAA", RAZON, CLI_ACTOR)
        services.registros.save(REGISTRO_A, RFC, RAZON, CLI_ACTOR)
        respaldo = services.backup.backup(tmp_path / "anterior.icsoe-respaldo", CLI_ACTOR)
    finally:
        services.close()
    assert all(con_llave(link) for link in _links(respaldo))

    nueva = tmp_path / "reinstalada"
    nueva.mkdir()
    services = open_services(nueva, clock)
    try:
        services.backup.restore(respaldo, CLI_ACTOR)
        assert services.bitacora_alterada == ""
        services.registros.delete(REGISTRO_A, CLI_ACTOR)
    finally:
        services.close()
    services = open_services(nueva, clock)
    try:
        assert services.bitacora_alterada == ""
        [linea] = [r for r in check_empresas(services) if r.name.startswith("Bitácora de emp")]
        assert linea.ok, linea
    finally:
        services.close()


def test_a_key_lost_for_good_is_replaced_only_on_purpose_and_the_chains_go_on(
    data_dir: Path, clock, capsys
) -> None:
    """No backup of the credential: `bitacora llave-nueva --se-perdio` makes another key and
    marks each chain with an entry linked with it; the entries before it are taken as they
    are (said by the self-check), those after it are checked with the new key."""
    store = _preparar(data_dir, clock)
    secrets = SecretsService()
    secrets.delete(llave_bitacora.KEYRING_SCOPE, cuenta(llave_bitacora.CUENTA))
    with pytest.raises(LlaveFaltante):
        open_services(data_dir, clock)
    ultima = _entradas(store)[-1][0]

    assert cli.main(["--data-dir", str(data_dir), "bitacora", "llave-nueva", "--se-perdio"]) == 0
    salida = capsys.readouterr().out
    assert f"{store}: sigue con la llave nueva" in salida
    assert f"{data_dir / 'catalogo.sqlite3'}: sigue con la llave nueva" in salida
    marca = _entradas(store)[-1]
    assert marca[0] == ultima + 1 and marca[1] == "bitacora_llave_nueva"

    services = open_services(data_dir, clock)
    try:
        assert services.bitacora_alterada == ""
        [linea] = [r for r in check_empresas(services) if r.name.startswith("Bitácora de emp")]
        assert linea.ok and linea.detail.endswith(
            f"; las entradas anteriores a la {ultima + 1} se encadenaron con una llave que se "
            "perdió y no se pudieron comprobar"
        )
        services.registros.delete(REGISTRO_A, CLI_ACTOR)  # writable, linked with the new key
        registradas = services.cabezas.registradas(services.empresa.id)
    finally:
        services.close()
    assert verificar_bitacora(store, registradas).integra
    # Only on purpose: with a key in the keyring it refuses, and nothing changes.
    antes = _entradas(store)
    assert cli.main(["--data-dir", str(data_dir), "bitacora", "llave-nueva", "--se-perdio"]) == 2
    assert capsys.readouterr().err.startswith("No hace falta una llave nueva")
    assert _entradas(store) == antes
    # After the new key, a link made without it is found as ever.
    id_ = _anexar(store)
    assert f"la bitácora se rompe en la entrada {id_}" in verificar_bitacora(store).problema

"""The offer follows the check: the Windows installation downloads a newer version in the
background, checks its SHA-256 and publisher's signature, and only then says «Hay una versión
nueva» in the main window's status bar; a refused one is remembered (never downloaded again),
audited once, and shown as a short notice to an administrator alone. Real executables signed
by osslsigncode, published to the real server on 127.0.0.1, the real main window."""

from __future__ import annotations

from pathlib import Path

import pytest

import icsoe_desktop
from icsoe_desktop.services.sync import autenticode
from icsoe_desktop.services.sync.actualizacion import (
    SOLO_WINDOWS,
    ActualizacionError,
    ActualizacionService,
    DescargaPausada,
    VersionRechazada,
)
from tests.sync.firmados import ejecutable, firma_codigo, firmado, herramientas
from tests.sync.test_actualizacion import mayor, publicar
from tests.sync.test_actualizacion_firmada import actualizacion, pinned

pytestmark = herramientas

NUEVA = mayor(icsoe_desktop.__version__)
AVISO = (
    f"El servidor ofrece la versión {NUEVA}, pero no está firmada por el editor que esta "
    "instalación reconoce; no se instalará."
)


@pytest.fixture(scope="module")
def editor(tmp_path_factory):
    return firma_codigo.editor_de_prueba(tmp_path_factory.mktemp("editor"))


def como_instalacion(escritorio, editores: list) -> ActualizacionService:
    """The desktop's update service as the Windows installation's (its program folder pinning
    ``editores``): what the main window uses from now on."""
    escritorio.actualizacion = actualizacion(escritorio, editores)
    return escritorio.actualizacion


def rechazos_auditados(escritorio) -> list[str]:
    return [
        r.detail
        for r in escritorio.audit_instalacion.recent()
        if r.action == "actualizacion_rechazada"
    ]


def danar_servidor(sync_server) -> None:
    """The server's stored copy zeroed, its announcement kept: a second download would now be
    a different refusal (not the file announced)."""
    with sync_server.engine.begin() as conn:
        conn.exec_driver_sql(
            "UPDATE instalador_trozos SET datos = decode(repeat('00', length(datos)), 'hex')"
        )


def sincronizar(qtbot, window) -> None:
    from tests.gui.helpers import wait_operations

    window.barra_sincronizacion.sync_now()
    wait_operations(qtbot, 60_000)


def test_only_the_signed_installer_is_offered_in_the_status_bar(
    qtbot, modals, sync_server, escritorio, editor, tmp_path: Path
) -> None:
    from icsoe_desktop.gui.ventana_principal import VentanaPrincipal
    from tests.gui.helpers import click, wait_operations
    from tests.sync.test_gui_sincronizacion import ADMIN, _administrador

    servicio = como_instalacion(escritorio, pinned(editor))
    _administrador(escritorio)
    window = VentanaPrincipal(escritorio, ADMIN, "Admin")
    qtbot.addWidget(window)
    window.show()
    aviso = window.version_nueva

    sin_firma = ejecutable(tmp_path / "sin-firma", NUEVA)
    assert publicar(sync_server.database_url, str(sin_firma)).returncode == 0
    sincronizar(qtbot, window)
    assert aviso.widget.isVisible() and aviso.label.text() == AVISO
    assert not aviso.instalar.isVisible()  # nothing to install
    assert "no está firmado (no trae firma Authenticode)" in aviso.label.toolTip()
    assert len(rechazos_auditados(escritorio)) == 1
    assert not list((servicio.carpeta).rglob("*.exe"))  # nothing kept to run

    # Remembered: the next syncs neither download it again (the server's copy is zeroed: a
    # download would be refused as another file) nor audit it again.
    danar_servidor(sync_server)
    sincronizar(qtbot, window)
    assert aviso.label.text() == AVISO
    assert "no está firmado (no trae firma Authenticode)" in aviso.label.toolTip()
    assert len(rechazos_auditados(escritorio)) == 1

    autofirmado = firmado(
        tmp_path / "autofirmado",
        NUEVA,
        firma_codigo.autofirmado(tmp_path / "ca-propia", "icsoe-desktop pruebas"),
    )
    assert publicar(sync_server.database_url, str(autofirmado)).returncode == 0
    sincronizar(qtbot, window)
    assert aviso.label.text() == AVISO and not aviso.instalar.isVisible()
    assert "está firmado por «icsoe-desktop pruebas»" in aviso.label.toolTip()
    assert len(rechazos_auditados(escritorio)) == 2

    bueno = firmado(tmp_path / "firmado", NUEVA, editor)
    assert publicar(sync_server.database_url, str(bueno)).returncode == 0
    sincronizar(qtbot, window)
    assert aviso.label.text() == f"Hay una versión nueva ({NUEVA})"
    assert aviso.instalar.isVisible() and aviso.instalar.isEnabled()
    (guardado,) = servicio.carpeta.rglob("*.exe")
    assert guardado.read_bytes() == bueno.read_bytes()
    assert len(rechazos_auditados(escritorio)) == 2

    # «Instalar» checks the kept file again: changed on this disk, it is deleted, not run.
    guardado.write_bytes(guardado.read_bytes() + b"\0")
    click(qtbot, aviso.instalar)
    qtbot.waitUntil(lambda: bool(modals.messages), timeout=30_000)
    assert modals.messages[-1].text == (
        f"El instalador de la versión {NUEVA} guardado en este equipo cambió después de "
        "revisarse. Se borró y no se instaló nada; se descargará otra vez después de la "
        "próxima sincronización."
    )
    wait_operations(qtbot)
    assert not aviso.widget.isVisible() and not guardado.exists()
    sincronizar(qtbot, window)  # downloaded and checked again, offered again
    assert aviso.label.text() == f"Hay una versión nueva ({NUEVA})" and guardado.exists()
    before = len(modals.messages)
    click(qtbot, aviso.instalar)
    qtbot.waitUntil(lambda: len(modals.messages) > before, timeout=30_000)
    # It passed its check again; this desktop runs from the source code, so it stops there.
    assert modals.messages[-1].text == SOLO_WINDOWS
    assert window.isVisible()


def test_a_non_administrator_sees_nothing_of_a_refused_version(
    qtbot, sync_server, escritorio, editor, tmp_path: Path
) -> None:
    from icsoe_desktop.gui.ventana_principal import VentanaPrincipal

    como_instalacion(escritorio, pinned(editor))
    window = VentanaPrincipal(escritorio, None)  # a consultation
    qtbot.addWidget(window)
    window.show()
    sin_firma = ejecutable(tmp_path, NUEVA)
    assert publicar(sync_server.database_url, str(sin_firma)).returncode == 0
    sincronizar(qtbot, window)
    assert not window.version_nueva.widget.isVisible()
    assert len(rechazos_auditados(escritorio)) == 1  # audited all the same


def test_a_refusal_is_judged_again_once_it_pins_another_publisher(
    sync_server, escritorio, editor, tmp_path: Path
) -> None:
    """IT sets the company's code-signing certificate after a refusal: the same installer,
    signed by the company, is downloaded and checked again, and kept."""
    empresa = firma_codigo.editor_de_prueba(tmp_path / "empresa", "Empresa ABC firma de código")
    archivo = firmado(tmp_path / "exe", NUEVA, empresa)
    assert publicar(sync_server.database_url, str(archivo)).returncode == 0
    vendedor = pinned(editor)
    servicio = como_instalacion(escritorio, vendedor)
    nueva = servicio.buscar()
    with pytest.raises(VersionRechazada) as rechazada:
        servicio.preparar(nueva)
    assert rechazada.value.code == "firma_de_otro_editor" and rechazada.value.aviso == AVISO
    with pytest.raises(VersionRechazada):
        servicio.preparar(nueva)  # remembered
    assert len(rechazos_auditados(escritorio)) == 1

    ambos = vendedor + autenticode.leer_certificados(empresa.raiz.read_bytes())
    guardado = como_instalacion(escritorio, ambos).preparar(nueva)
    assert guardado.read_bytes() == archivo.read_bytes()


def test_a_download_stopped_for_a_sync_resumes_where_it_stopped(
    sync_server, escritorio, editor, tmp_path: Path
) -> None:
    archivo = firmado(tmp_path, NUEVA, editor, relleno=3 * 1024 * 1024 + 7)
    assert publicar(sync_server.database_url, str(archivo)).returncode == 0
    servicio = como_instalacion(escritorio, pinned(editor))
    nueva = servicio.buscar()
    antes: list[int] = []
    with pytest.raises(DescargaPausada):  # a sync starts once the first piece arrived
        servicio.preparar(nueva, lambda d, _t: antes.append(d), pausa=lambda: bool(antes))
    (parcial,) = servicio.carpeta.rglob("*.parcial")
    assert parcial.stat().st_size == antes[-1] < nueva.tamano
    assert not list(servicio.carpeta.rglob("*.exe"))  # nothing to offer yet
    assert rechazos_auditados(escritorio) == []  # a pause is no refusal

    despues: list[int] = []
    guardado = servicio.preparar(nueva, lambda d, _t: despues.append(d))
    assert despues[0] > antes[-1]  # from where it stopped, not from the start
    assert despues[-1] == nueva.tamano and guardado.read_bytes() == archivo.read_bytes()
    assert not parcial.exists()


def test_an_announcement_that_would_write_outside_its_folder_is_refused(
    sync_server, escritorio, editor, tmp_path: Path
) -> None:
    """A server that announces a «SHA-256» that is a path (or an absurd size): nothing is
    downloaded nor written, the announcement is refused in Spanish."""
    archivo = firmado(tmp_path, NUEVA, editor)
    servicio = como_instalacion(escritorio, pinned(editor))
    for columna, valor in (("sha256", "../" * 21 + "x"), ("tamano", str(2**40))):
        assert publicar(sync_server.database_url, str(archivo)).returncode == 0
        assert servicio.buscar() is not None  # as published: offered
        with sync_server.engine.begin() as conn:
            conn.exec_driver_sql(f"UPDATE instaladores SET {columna} = '{valor}'")
        with pytest.raises(ActualizacionError) as rechazado:
            servicio.buscar()
        assert rechazado.value.message == (
            "El servidor anunció una versión nueva que no se puede leer; avisa al administrador "
            "del servidor."
        )
    assert not servicio.carpeta.exists()

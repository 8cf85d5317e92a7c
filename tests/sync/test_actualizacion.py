"""New versions through the company's sync server: IT publishes an installer (the server's CLI,
or over HTTP with an administrator's token), a desktop of an older version finds it, downloads
it and checks it against the announced SHA-256 — the real server on 127.0.0.1 and PostgreSQL,
the real desktop services, CLI and main window."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pytest
import requests

import icsoe_desktop
from icsoe_desktop.__main__ import main as desktop_cli
from icsoe_desktop.services.sync.actualizacion import (
    SOLO_WINDOWS,
    ActualizacionError,
    VersionNueva,
)

ACTUAL = icsoe_desktop.__version__


def instalador(folder: Path, version: str, size: int = 3 * 1024 * 1024 + 17) -> Path:
    """A stand-in installer: a Windows executable's header and a few MiB (more than one of
    the server's pieces)."""
    path = folder / f"icsoe-desktop-{version}-instalador.exe"
    path.write_bytes(b"MZ" + os.urandom(size - 2))
    return path


def publicar(database_url: str, *args: str) -> subprocess.CompletedProcess[str]:
    """``python -m icsoe_desktop.sync_server instalador publicar …``, as IT runs it."""
    return subprocess.run(
        [sys.executable, "-m", "icsoe_desktop.sync_server", "instalador", "publicar", *args],
        env={**os.environ, "ICSOE_SYNC_DATABASE_URL": database_url},
        capture_output=True,
        text=True,
        timeout=120,
    )


def mayor(version: str) -> str:
    x, y, z = (int(n) for n in version.split("."))
    return f"{x}.{y}.{z + 1}"


def test_a_published_newer_installer_is_announced_and_downloaded_then_its_signature_checked(
    sync_server, escritorio, tmp_path: Path
) -> None:
    nueva = mayor(ACTUAL)
    archivo = instalador(tmp_path, nueva)
    done = publicar(sync_server.database_url, str(archivo))
    sha = hashlib.sha256(archivo.read_bytes()).hexdigest()
    assert done.returncode == 0, done.stderr
    assert f"versión {nueva}" in done.stdout and sha in done.stdout

    encontrada = escritorio.actualizacion.buscar()
    assert encontrada == VersionNueva(nueva, sha, archivo.stat().st_size)
    assert encontrada.texto == f"Hay una versión nueva ({nueva})"

    destino = tmp_path / "descargas"
    destino.mkdir()
    avance: list[tuple[int, int]] = []
    with pytest.raises(ActualizacionError) as refused:
        escritorio.actualizacion.descargar(encontrada, destino, lambda d, t: avance.append((d, t)))
    # Downloaded whole, as published; then refused: run from the source code, this desktop
    # pins no publisher, so no signature can be trusted (tests/sync/test_actualizacion_firmada.py
    # signs them).
    assert avance[-1] == (archivo.stat().st_size, archivo.stat().st_size) and len(avance) > 1
    assert refused.value.code == "sin_editor_fijado"
    assert list(destino.iterdir()) == []


@pytest.mark.parametrize(
    ("publicada", "ofrecida"),
    [("0.1.9", False), (ACTUAL, False), (mayor(ACTUAL), True), ("0.10.0", True)],
)
def test_only_a_newer_version_is_offered(
    sync_server, escritorio, tmp_path: Path, publicada: str, ofrecida: bool
) -> None:
    assert escritorio.actualizacion.buscar() is None  # nothing published yet
    archivo = instalador(tmp_path, publicada, 4096)
    assert publicar(sync_server.database_url, str(archivo)).returncode == 0
    encontrada = escritorio.actualizacion.buscar()
    if ofrecida:
        assert encontrada is not None and encontrada.version == publicada
    else:
        assert encontrada is None


def test_an_installer_that_is_not_what_was_announced_is_deleted_and_refused(
    sync_server, escritorio, tmp_path: Path
) -> None:
    archivo = instalador(tmp_path, mayor(ACTUAL))
    assert publicar(sync_server.database_url, str(archivo)).returncode == 0
    encontrada = escritorio.actualizacion.buscar()
    # The server's stored copy damaged (a disk, a hand in the database): same size, one piece
    # changed; the server still announces the SHA-256 of what was published.
    with sync_server.engine.begin() as conn:
        conn.exec_driver_sql(
            "UPDATE instalador_trozos SET datos = decode(repeat('00', length(datos)), 'hex') "
            "WHERE n = 1"
        )
    destino = tmp_path / "descargas"
    destino.mkdir()
    with pytest.raises(ActualizacionError) as refused:
        escritorio.actualizacion.descargar(encontrada, destino)
    assert refused.value.code == "sha256_distinto"
    assert refused.value.message.startswith(
        f"El instalador descargado de la versión {encontrada.version} no es el que anunció el "
        "servidor (su SHA-256 no coincide"
    )
    assert "Se borró y no se instaló nada" in refused.value.message
    assert list(destino.iterdir()) == []


def test_an_installer_replaced_meanwhile_is_not_downloaded(
    sync_server, escritorio, tmp_path: Path
) -> None:
    assert (
        publicar(sync_server.database_url, str(instalador(tmp_path, "7.0.0", 4096))).returncode == 0
    )
    anunciada = escritorio.actualizacion.buscar()
    otra = tmp_path / "otra"
    otra.mkdir()
    assert publicar(sync_server.database_url, str(instalador(otra, "7.0.1", 4096))).returncode == 0
    descargas = tmp_path / "descargas"
    descargas.mkdir()
    with pytest.raises(ActualizacionError) as refused:
        escritorio.actualizacion.descargar(anunciada, descargas)
    assert "Ese instalador ya no está publicado en el servidor" in refused.value.message
    assert list(descargas.iterdir()) == []
    assert escritorio.actualizacion.buscar().version == "7.0.1"


def test_the_server_resumes_a_download_from_the_byte_asked(sync_server, tmp_path: Path) -> None:
    archivo = instalador(tmp_path, "7.1.0", 2 * 1024 * 1024 + 11)
    assert publicar(sync_server.database_url, str(archivo)).returncode == 0
    datos = archivo.read_bytes()
    url = f"{sync_server.url}/v1/instalador/{hashlib.sha256(datos).hexdigest()}"
    auth = {"Authorization": f"Bearer {sync_server.token()}"}
    desde = 1024 * 1024 + 5  # inside the second of the server's pieces
    parte = requests.get(url, headers={**auth, "Range": f"bytes={desde}-"}, timeout=30)
    assert parte.status_code == 206 and parte.content == datos[desde:]
    assert parte.headers["Content-Range"] == f"bytes {desde}-{len(datos) - 1}/{len(datos)}"
    # Any other range (closed, past the end, not bytes, not a number): the whole file.
    for rango in ("bytes=0-10", f"bytes={len(datos)}-", "items=5-", "bytes=x-", "bytes=²-"):
        entero = requests.get(url, headers={**auth, "Range": rango}, timeout=30)
        assert (entero.status_code, entero.content) == (200, datos), rango


def test_publishing_over_http_takes_the_administrators_token_only(
    sync_server, escritorio, tmp_path: Path
) -> None:
    from icsoe_desktop.sync_server.db import create_admin_token

    archivo = instalador(tmp_path, "9.1.0", 200_000)
    url = f"{sync_server.url}/v1/instalador"
    params = {"nombre": archivo.name}
    escritorio_token = sync_server.token(nombre="Escritorio de captura")
    for headers, status in (
        ({"Authorization": f"Bearer {escritorio_token}"}, 403),
        ({"Authorization": "Bearer inventado"}, 401),
        ({}, 401),
    ):
        with archivo.open("rb") as body:
            answer = requests.put(url, params=params, data=body, headers=headers, timeout=30)
        assert answer.status_code == status, answer.text
    assert answer.json()["mensaje"].startswith("El token de sincronización no es válido")
    refused = requests.put(
        url,
        params=params,
        data=b"MZ",
        headers={"Authorization": f"Bearer {escritorio_token}"},
        timeout=30,
    ).json()
    assert refused["mensaje"].startswith(
        "Publicar un instalador requiere un token de administrador del servidor"
    )
    assert escritorio.actualizacion.buscar() is None  # nothing was published

    admin = {"Authorization": f"Bearer {create_admin_token(sync_server.engine, 'TI').token}"}
    with archivo.open("rb") as body:  # streamed from the file, as curl -T sends it
        answer = requests.put(url, params=params, data=body, headers=admin, timeout=30)
    assert answer.status_code == 200, answer.text
    sha = hashlib.sha256(archivo.read_bytes()).hexdigest()
    assert answer.json()["instalador"]["sha256"] == sha
    assert escritorio.actualizacion.buscar() == VersionNueva("9.1.0", sha, 200_000)
    # An administrator's token reads no company's rows.
    assert (
        requests.get(f"{sync_server.url}/v1/estado", headers=admin, timeout=30).status_code == 401
    )

    bad = requests.put(
        url, params={"version": "9.2"}, data=b"MZ hola", headers=admin, timeout=30
    ).json()
    assert bad["mensaje"].startswith("«9.2» no es una versión de icsoe-desktop")
    not_exe = requests.put(
        url, params={"version": "9.2.0"}, data=b"hola", headers=admin, timeout=30
    ).json()
    assert "no es un instalador de Windows" in not_exe["mensaje"]
    assert escritorio.actualizacion.buscar().version == "9.1.0"  # still the one published


def test_the_cli_explains_a_file_it_cannot_publish(sync_server, tmp_path: Path) -> None:
    sin_version = tmp_path / "instalador.exe"
    sin_version.write_bytes(b"MZ")
    done = publicar(sync_server.database_url, str(sin_version))
    assert done.returncode == 2
    assert done.stderr.strip() == (
        "No se sabe la versión de instalador.exe: indícala con --version X.Y.Z."
    )
    texto = tmp_path / "notas.txt"
    texto.write_text("no soy un instalador", encoding="utf-8")
    done = publicar(sync_server.database_url, str(texto), "--version", "1.0.0")
    assert done.returncode == 2 and "«notas.txt» no es un instalador de Windows" in done.stderr
    done = publicar(sync_server.database_url, str(tmp_path / "no-existe.exe"), "--version", "1.0.0")
    assert done.returncode == 2 and done.stderr.startswith("No se pudo leer")


def test_from_source_the_desktop_says_updates_are_for_the_windows_installation(
    sync_server, escritorio, tmp_path: Path, capsys
) -> None:
    nueva = mayor(ACTUAL)
    assert publicar(sync_server.database_url, str(instalador(tmp_path, nueva))).returncode == 0
    data_dir = str(escritorio.data_dir)
    assert desktop_cli(["--data-dir", data_dir, "actualizar"]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"Hay una versión nueva ({nueva}); esta instalación tiene la {ACTUAL}.")
    temporales = set(Path(os.environ.get("TMPDIR", "/tmp")).glob("icsoe-desktop-actualizacion-*"))
    assert desktop_cli(["--data-dir", data_dir, "actualizar", "--aceptar"]) == 2
    assert capsys.readouterr().err.strip() == SOLO_WINDOWS
    # Nothing downloaded.
    assert set(Path(os.environ.get("TMPDIR", "/tmp")).glob("icsoe-desktop-actualizacion-*")) == (
        temporales
    )


def test_main_window_offers_the_new_version_after_a_sync(
    qtbot, modals, sync_server, escritorio, tmp_path: Path
) -> None:
    from icsoe_desktop.gui.ventana_principal import VentanaPrincipal
    from tests.gui.helpers import click
    from tests.sync.test_gui_sincronizacion import ADMIN, _administrador

    nueva = mayor(ACTUAL)
    assert publicar(sync_server.database_url, str(instalador(tmp_path, nueva))).returncode == 0
    _administrador(escritorio)
    window = VentanaPrincipal(escritorio, ADMIN, "Admin")
    qtbot.addWidget(window)
    window.show()
    aviso = window.version_nueva
    assert not aviso.widget.isVisible()  # asked after a sync, not before
    window.barra_sincronizacion.sync_now()
    qtbot.waitUntil(aviso.widget.isVisible, timeout=30_000)
    assert aviso.label.text() == f"Hay una versión nueva ({nueva})"
    assert aviso.instalar.isVisible() and aviso.instalar.text().replace("&", "") == "Instalar"
    assert aviso.instalar.isEnabled()
    window.grab().save(str(tmp_path / "version-nueva.png"))
    before = len(modals.messages)
    click(qtbot, aviso.instalar)
    qtbot.waitUntil(lambda: len(modals.messages) > before, timeout=30_000)
    assert modals.messages[-1].text == SOLO_WINDOWS
    assert window.isVisible()  # nothing was installed: the app goes on


def test_a_consultation_without_credentials_sees_the_notice_with_instalar_greyed(
    qtbot, sync_server, escritorio, tmp_path: Path
) -> None:
    from icsoe_desktop.gui.ventana_principal import VentanaPrincipal

    assert (
        publicar(sync_server.database_url, str(instalador(tmp_path, "8.0.0", 4096))).returncode == 0
    )
    window = VentanaPrincipal(escritorio, None)
    qtbot.addWidget(window)
    window.show()
    window.barra_sincronizacion.sync_now()
    qtbot.waitUntil(window.version_nueva.widget.isVisible, timeout=30_000)
    assert window.version_nueva.label.text() == "Hay una versión nueva (8.0.0)"
    instalar = window.version_nueva.instalar
    assert not instalar.isEnabled()
    assert instalar.toolTip().startswith(
        "En modo sólo consulta no se puede instalar la versión nueva de icsoe-desktop."
    )


def test_the_desktop_cli_configures_sync_with_the_token_from_standard_input(
    sync_server, desktops, monkeypatch, capsys
) -> None:
    import io

    a, _ = desktops
    data_dir = str(a.data_dir)
    a.close()  # the command opens the data dir as its own process would
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"")))
    assert (
        desktop_cli(["--data-dir", data_dir, "sincronizacion", "configurar", sync_server.url]) == 2
    )
    assert capsys.readouterr().err.strip() == "No se recibió el token en la entrada estándar."
    token = sync_server.token(nombre="Escritorio por script")
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(token.encode() + b"\r\n")))
    args = ["--data-dir", data_dir, "sincronizacion", "configurar", sync_server.url]
    assert desktop_cli([*args, "--intervalo", "0"]) == 0
    assert capsys.readouterr().out.strip() == (
        "Conexión correcta con el servidor de sincronización: empresa ABC010101AB1, escritorio "
        "«Escritorio por script»."
    )
    assert desktop_cli(["--data-dir", data_dir, "sincronizacion", "ahora"]) == 0
    assert capsys.readouterr().out.startswith("Sincronización terminada:")
    assert desktop_cli(["--data-dir", data_dir, "actualizar"]) == 0
    assert capsys.readouterr().out.strip() == (
        f"Esta instalación tiene la versión más reciente ({ACTUAL})."
    )

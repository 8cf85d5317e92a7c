"""`python -m icsoe_desktop` as a user starts it: a real process, offscreen."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from icsoe_desktop.paths import DATABASE_FILE, LOG_FILE
from tests import preloaded


def run(args: list[str], data_dir: Path, **env: str) -> subprocess.CompletedProcess[str]:
    environ = dict(os.environ, QT_QPA_PLATFORM="offscreen", **env)
    # A command runs in a preloaded process (tests/preloaded.py); the app's start as a user
    # starts it, in a fresh interpreter.
    start = preloaded.run if args else subprocess.run
    return start(
        [sys.executable, "-m", "icsoe_desktop", "--data-dir", str(data_dir), *args],
        capture_output=True,
        text=True,
        # Only a bound on a hang: the screenshots command draws every window, minutes of wall
        # time on a machine at load 15-20.
        timeout=600,
        env=environ,
    )


@pytest.mark.slow
@pytest.mark.end2end
def test_the_app_starts_on_a_new_data_dir_creates_the_store_and_logs(tmp_path):
    data_dir = tmp_path / "nuevo"
    # «services»: the probe quits once the store is open too (at «ready» it may not be yet).
    result = run([], data_dir, ICSOE_STARTUP_PROBE="services")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["first-window", "ready", "services"]
    assert (data_dir / DATABASE_FILE).is_file()
    log = (data_dir / LOG_FILE).read_text(encoding="utf-8")
    # Logged before the file existed (start-up buffer) and after (the store, created from the
    # migrated template): both kept, in order.
    assert log.index("Inicio de icsoe-desktop") < log.index("creada desde la plantilla migrada")


@pytest.mark.slow
@pytest.mark.end2end
def test_cli_lists_users_and_sends_queued_mail(tmp_path):
    from icsoe_desktop.services.acceso.accounts import Registration
    from icsoe_desktop.services.container import open_services

    services = open_services(tmp_path)
    services.accounts.register(
        Registration("Ana", "Ruiz", "", "ana@nominas.com", "Nom1na$Segura", "Nom1na$Segura", True)
    )
    services.accounts.request_password_reset("ana@nominas.com")
    services.close()

    listed = run(["usuarios"], tmp_path)
    assert listed.returncode == 0
    assert listed.stdout.strip() == "ana@nominas.com\tHabilitado\tAna Ruiz\tadministrador"

    mail = run(["correo"], tmp_path)
    assert mail.returncode == 1  # SMTP not configured: nothing sent, nothing lost
    assert "En espera: 1" in mail.stdout
    assert "no está configurado" in mail.stdout


@pytest.mark.slow
@pytest.mark.end2end
def test_screenshots_command_renders_every_window(tmp_path):
    out = tmp_path / "capturas"
    llavero = Path(os.environ["XDG_DATA_HOME"]) / "keyring-de-prueba.json"  # the user's
    antes = llavero.read_bytes() if llavero.exists() else None
    result = run(["screenshots", str(out)], tmp_path / "datos")
    assert result.returncode == 0, result.stderr
    names = sorted(p.name for p in out.glob("*.png"))
    for expected in (
        "01_acceso_idse_un_usuario.png",
        "03_acceso_idse_solo_consulta.png",
        "04_alerta_solo_consulta.png",
        "06_usuarios_conexion_idse.png",
        "08_recuperar_contrasena_vacio.png",
        "10_restablecer_contrasena.png",
        "11_ventana_principal.png",
        "12_ventana_principal_solo_consulta.png",
        "13_configuracion_correo.png",
        "15_registros_patronales.png",
        "16_certificados_imss_vacio.png",
        "17_certificados_imss_efirma_elegida.png",
        "18_certificados_imss_asignado.png",
        "20_acceso_idse_vigencias.png",
        "21_actualizando_movimientos.png",
        "22_movimientos_solo_consulta.png",
        "23_movimientos_todos.png",
        "24_movimientos_lotes.png",
        "25_lineas_rechazadas.png",
        "26_corregir_movimiento.png",
        "32_hoja_movimientos_con_titulo.png",
        "60_sincronizacion.png",
        "61_conflictos_sincronizacion.png",
        "62_ventana_principal_sin_conexion.png",
        "77a_registrar_presentacion.png",
        "77b_informativa_presentada.png",
        "77c_exportar_para_el_cliente.png",
        # The pictures of the first screens and the informativa, at the laptop's size.
        "00_primer_arranque.png",
        "63_acceso_idse_varias_empresas.png",
        "74_contratante.png",
        "78_vencimientos.png",
    ):
        assert expected in names
    from PySide6.QtGui import QImage

    # Plain «offscreen» (as the tests and CI set it) still draws on a 1366×768 screen, not on
    # Qt's 800×600 one, where Vencimientos would be squeezed to fit.
    assert QImage(str(out / "78_vencimientos.png")).width() > 800

    for path in out.glob("*.png"):
        image = QImage(str(path))
        assert image.width() > 200 and image.height() > 80, path.name
    # The login and the main window with the whole screen scaled: at 200 %, within 1366 px.
    from icsoe_desktop.demo import escala

    for nombre in escala.PICTURES:
        assert 200 < QImage(str(out / f"{nombre}.png")).width() <= 1366, nombre
    # Demo data lives in a throw-away dir and a keyring in memory: the user's data dir and
    # keyring are untouched (the demo's certificates and store keys never reach them).
    assert not (tmp_path / "datos" / DATABASE_FILE).exists()
    assert (llavero.read_bytes() if llavero.exists() else None) == antes


@pytest.mark.slow
@pytest.mark.end2end
def test_a_mistyped_command_line_is_answered_in_spanish(tmp_path):
    """An IT admin's typo: the usage line and the reason in Spanish, exit 2, nothing opened."""
    cases = {
        ("respaldar",): "faltan estos argumentos: ARCHIVO",
        ("--nada",): "argumentos no reconocidos: --nada",
        ("cert", "inspect"): "falta uno de estos argumentos: --cer --pfx",
        ("cert", "firmar"): "argumento acción: opción no válida: 'firmar'",
        ("demo", "movimientos", "--count", "muchos"): "valor no válido: 'muchos'",
    }
    for args, reason in cases.items():
        result = run(list(args), tmp_path / "datos")
        assert result.returncode == 2, (args, result.stderr)
        assert result.stderr.startswith("uso: python -m icsoe_desktop"), result.stderr
        assert reason in result.stderr, result.stderr
        assert "usage" not in result.stderr and "the following" not in result.stderr
    helped = run(["respaldar", "--help"], tmp_path / "datos")
    assert "muestra esta ayuda y termina" in helped.stdout and "opciones:" in helped.stdout
    assert not (tmp_path / "datos" / DATABASE_FILE).exists()

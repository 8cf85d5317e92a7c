"""`python -m icsoe_desktop --self-check` as IT runs it after an install: a real process."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from icsoe_desktop.domain.roles import CLI_ACTOR
from icsoe_desktop.paths import DATABASE_FILE, SETTINGS_FILE, asset_dir
from icsoe_desktop.self_check import NO_KEYRING, check_forms, check_smtp
from icsoe_desktop.store.migrations import HEAD_REVISION
from tests import preloaded

CHECKS = (
    "Carpeta de datos",
    "Migraciones",
    "Base de datos",
    "Archivos en claro",
    "Formularios",
    "Recursos",
    "Manual de usuario",
    "Emisores confiables",
    "Traducción de Qt",
    "Ventana",
    *(["Datos de ICU (Qt)"] if sys.platform.startswith("linux") else []),
    "Libros de Excel",
    "Constancia de firma (PDF)",
    "Proceso aparte",
    "Llavero",
    "Correo (SMTP)",
)


def self_check(data_dir: Path, **env: str | None) -> subprocess.CompletedProcess[str]:
    environ = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONIOENCODING": "utf-8", **env}
    environ = {name: value for name, value in environ.items() if value is not None}  # None: unset
    return preloaded.run(
        [sys.executable, "-m", "icsoe_desktop", "--self-check", "--data-dir", str(data_dir)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
        env=environ,
    )


@pytest.mark.slow
@pytest.mark.end2end
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="a Linux machine's displays")
def test_on_a_linux_machine_without_a_display_it_still_runs_every_check(tmp_path):
    """An IT admin over SSH on a Linux box: no display and no QT_QPA_PLATFORM. Qt's default
    platform aborted the process (no line, a core dump) before the forms check."""
    result = self_check(
        tmp_path / "datos", QT_QPA_PLATFORM=None, DISPLAY=None, WAYLAND_DISPLAY=None
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert set(lines_by_check(result.stdout)) == set(CHECKS)


def lines_by_check(stdout: str) -> dict[str, str]:
    """``{"Base de datos": "OK    Base de datos: …", …}`` from the printed lines."""
    found = {}
    for line in stdout.splitlines():
        for name in CHECKS:
            if line.split(" ", 1)[-1].lstrip().startswith(name + ":"):
                found[name] = line
    return found


def assert_no_traceback(result: subprocess.CompletedProcess[str]) -> None:
    assert "Traceback" not in result.stdout + result.stderr


@pytest.mark.slow
@pytest.mark.end2end
def test_a_new_data_dir_passes_every_check_and_gets_a_migrated_store(tmp_path):
    data_dir = tmp_path / "nueva"
    result = self_check(data_dir)

    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.splitlines()[0].startswith("icsoe-desktop ")
    lines = lines_by_check(result.stdout)
    assert list(lines) == list(CHECKS)  # one line per check, in order
    assert all(line.startswith("OK    ") for line in lines.values()), result.stdout
    assert lines["Base de datos"] == (
        f"OK    Base de datos: {data_dir / DATABASE_FILE} (creada y migrada a {HEAD_REVISION})"
    )
    ui_count = len(list(asset_dir("ui").glob("*.ui")))
    assert f"Formularios: {ui_count} archivos .ui cargados" in lines["Formularios"]
    assert lines["Llavero"] == (
        "OK    Llavero: keyring de prueba KeyringDePrueba (nombrado en PYTHON_KEYRING_BACKEND: "
        "sólo para pruebas) (guardar, leer y borrar)"
    )
    assert "sin configurar" in lines["Correo (SMTP)"]
    assert lines["Emisores confiables"] == (
        "OK    Emisores confiables: 13 instalados (13 incluidos del SAT, 0 agregados)"
    )
    assert (data_dir / DATABASE_FILE).is_file()

    again = self_check(data_dir)  # an existing, up-to-date store
    assert again.returncode == 0
    assert f"(migrada a {HEAD_REVISION})" in lines_by_check(again.stdout)["Base de datos"]


@pytest.mark.slow
@pytest.mark.end2end
def test_a_data_dir_that_is_a_file_fails_clearly(tmp_path):
    not_a_dir = tmp_path / "datos"
    not_a_dir.write_text("no soy una carpeta", encoding="utf-8")

    result = self_check(not_a_dir)

    assert result.returncode == 1
    assert_no_traceback(result)
    lines = lines_by_check(result.stdout)
    assert lines["Carpeta de datos"] == (
        f"FALLA Carpeta de datos: «{not_a_dir}» existe pero no es una carpeta"
    )
    assert lines["Base de datos"].startswith("FALLA Base de datos: no se revisó")
    # What does not depend on the data dir is still checked and reported.
    assert lines["Formularios"].startswith("OK    ")
    assert lines["Llavero"].startswith("OK    ")
    assert not_a_dir.read_text(encoding="utf-8") == "no soy una carpeta"


@pytest.mark.slow
@pytest.mark.end2end
def test_a_damaged_database_fails_and_is_left_untouched(tmp_path):
    data_dir = tmp_path / "datos"
    data_dir.mkdir()
    damaged = b"esto no es SQLite" * 400
    (data_dir / DATABASE_FILE).write_bytes(damaged)

    result = self_check(data_dir)

    assert result.returncode == 1
    assert_no_traceback(result)
    line = lines_by_check(result.stdout)["Base de datos"]
    assert line.startswith("FALLA Base de datos: No se pudo abrir la base de datos")
    assert "El archivo está dañado" in line
    assert (data_dir / DATABASE_FILE).read_bytes() == damaged  # never "repaired" away


@pytest.mark.slow
@pytest.mark.end2end
def test_without_a_system_keyring_the_keyring_check_fails_in_spanish(tmp_path):
    """As .ci/run checks the bundle: no backend named and no desktop session's D-Bus (neither
    its address nor its socket), so no OS keyring, and none of keyring's others taken. Windows
    always has its Credential Manager: there keyring's failing backend stands for none."""
    sin_sesion = tmp_path / "sesion"
    sin_sesion.mkdir()
    sin_llavero: dict[str, str | None] = (
        {"PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"}
        if sys.platform == "win32"
        else {
            "PYTHON_KEYRING_BACKEND": None,
            "DBUS_SESSION_BUS_ADDRESS": None,
            "XDG_RUNTIME_DIR": str(sin_sesion),
        }
    )
    result = self_check(tmp_path / "datos", **sin_llavero)

    assert result.returncode == 1
    assert_no_traceback(result)
    assert lines_by_check(result.stdout)["Llavero"] == f"FALLA Llavero: {NO_KEYRING}"
    assert sum(line.startswith("FALLA") for line in result.stdout.splitlines()) == 1


@pytest.mark.slow
@pytest.mark.end2end
def test_a_damaged_settings_file_fails_the_mail_check(tmp_path):
    data_dir = tmp_path / "datos"
    data_dir.mkdir()
    (data_dir / SETTINGS_FILE).write_text("[smtp\nhost = ", encoding="utf-8")

    result = self_check(data_dir)

    assert result.returncode == 1
    assert_no_traceback(result)
    line = lines_by_check(result.stdout)["Correo (SMTP)"]
    assert line.startswith(f"FALLA Correo (SMTP): «{data_dir / SETTINGS_FILE}» está dañado")


def test_mail_check_reports_the_configured_server_or_what_is_wrong(services, data_dir):
    from icsoe_desktop.config import SmtpSettings

    services.settings.save_smtp(
        SmtpSettings(host="smtp.empresa.com", port=465, seguridad="ssl", remitente="n@empresa.com"),
        None,
        actor=CLI_ACTOR,
    )
    result = check_smtp(data_dir)
    assert result.ok
    assert result.detail == "smtp.empresa.com:465 (ssl), remitente n@empresa.com"

    (data_dir / SETTINGS_FILE).write_text(
        '[smtp]\nhost = "smtp.empresa.com"\nremitente = "sin-arroba"\n', encoding="utf-8"
    )
    result = check_smtp(data_dir)
    assert not result.ok
    assert result.detail == "El remitente debe ser un correo electrónico válido."


def test_forms_check_finds_new_forms_and_names_a_broken_one(qapp, tmp_path):
    ui_dir = tmp_path / "ui"
    shutil.copytree(asset_dir("ui"), ui_dir)
    count = len(list(ui_dir.glob("*.ui")))
    # A form another engineer adds later is checked without being listed anywhere.
    (ui_dir / "nueva_ventana.ui").write_text(
        '<?xml version="1.0" encoding="UTF-8"?><ui version="4.0"><class>Nueva</class>'
        '<widget class="QWidget" name="Nueva"/></ui>',
        encoding="utf-8",
    )
    result = check_forms(ui_dir)
    assert result.ok, result.detail
    assert result.detail.startswith(f"{count + 1} archivos .ui cargados")

    (ui_dir / "dañada.ui").write_text("<ui version='4.0'><widget class=", encoding="utf-8")
    result = check_forms(ui_dir)
    assert not result.ok
    assert result.detail.startswith("no se pudo cargar dañada.ui (")
    (ui_dir / "dañada.ui").unlink()

    # A widget class the loader does not know: Qt only warns and puts a plain QWidget there.
    (ui_dir / "desconocido.ui").write_text(
        '<?xml version="1.0" encoding="UTF-8"?><ui version="4.0"><class>X</class>'
        '<widget class="QWidget" name="X"><widget class="CalendarioNomina" name="c"/></widget>'
        "</ui>",
        encoding="utf-8",
    )
    result = check_forms(ui_dir)
    assert not result.ok
    assert result.detail.startswith("no se pudo cargar desconocido.ui (")
    assert "CalendarioNomina" in result.detail


@pytest.mark.parametrize("missing", ["aviso_privacidad.html", "icsoe.ico"])
def test_resources_check_names_a_missing_file(qapp, tmp_path, missing):
    from icsoe_desktop.self_check import check_resources

    resources = tmp_path / "resources"
    shutil.copytree(asset_dir("resources"), resources)
    assert check_resources(resources).ok
    (resources / missing).unlink()
    result = check_resources(resources)
    assert not result.ok
    assert result.detail == f"falta {missing}"


def test_manual_check_names_each_screenshot_that_is_cut_damaged_or_not_an_image(qapp, tmp_path):
    from icsoe_desktop.self_check import check_manual

    docs = tmp_path / "docs"
    shutil.copytree(asset_dir("docs") / "manual", docs / "manual")
    shutil.copytree(asset_dir("docs") / "screenshots", docs / "screenshots")
    assert check_manual(docs / "manual").ok
    shots = docs / "screenshots"
    cut, flipped, text, gone = (
        shots / name
        for name in (
            "11_ventana_principal.png",
            "23_movimientos_todos.png",
            "49_icsoe_consulta.png",
            "64_cambiar_empresa.png",
        )
    )
    data = cut.read_bytes()
    cut.write_bytes(data[: len(data) * 2 // 3])  # a copy that stopped midway
    data = bytearray(flipped.read_bytes())
    data[len(data) // 2] ^= 0x10  # one bit of the picture changed on the disk
    flipped.write_bytes(bytes(data))
    text.write_text("no es una imagen", encoding="utf-8")
    gone.unlink()

    result = check_manual(docs / "manual")
    assert not result.ok
    named = {
        part.split(" de ")[0].removeprefix("no se pudo dibujar ../screenshots/")
        for part in result.detail.split("; ")
    }
    assert named == {p.name for p in (cut, flipped, text, gone)}, result.detail


def test_emisores_check_counts_the_added_ones_and_fails_without_the_shipped(tmp_path, monkeypatch):
    from icsoe_desktop.self_check import check_emisores
    from tests import credentials_factory as cf

    (tmp_path / "emisores_confiables").mkdir()
    (tmp_path / "emisores_confiables" / "imss.cer").write_bytes(cf.imss_ca().certificate_der)
    result = check_emisores(tmp_path)
    assert result.ok and result.detail == "14 instalados (13 incluidos del SAT, 1 agregado)"
    import icsoe_desktop.paths as paths

    monkeypatch.setattr(paths, "asset_dir", lambda name: tmp_path / "sin_recursos")
    result = check_emisores(tmp_path)
    assert not result.ok and "faltan los del SAT" in result.detail


# The library a check runs through, made unimportable as a bundle that left it out would be.
SIN_BIBLIOTECA = """
import importlib.abc, sys
falta = sys.argv[1]

class LeftOut(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name == falta or name.startswith(falta + "."):
            raise ModuleNotFoundError(f"{name} is not in the bundle", name=name)
        return None

sys.meta_path.insert(0, LeftOut())
from PySide6.QtWidgets import QApplication
from icsoe_desktop.self_check import _guarded
from icsoe_desktop.self_check_funciones import checks

app = QApplication([])
for name, check in checks():
    print(_guarded(name, check).line())
"""


@pytest.mark.slow  # two processes, each signs a constancia (~2 s of CPU each)
@pytest.mark.parametrize(
    ("biblioteca", "falla"),
    [("python_calamine", "Libros de Excel"), ("pyhanko", "Constancia de firma (PDF)")],
)
def test_a_bundle_without_a_library_a_feature_needs_fails_that_check(biblioteca, falla):
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONIOENCODING": "utf-8"}
    done = subprocess.run(
        [sys.executable, "-c", SIN_BIBLIOTECA, biblioteca],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=300,
        env=env,
        check=True,
    )
    fallas = [line for line in done.stdout.splitlines() if line.startswith("FALLA")]
    assert [line.split(":")[0] for line in fallas] == [f"FALLA {falla}"]
    assert biblioteca in fallas[0]

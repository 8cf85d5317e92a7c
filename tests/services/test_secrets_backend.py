"""Which keyring the app keeps secrets in: the OS's, whatever else is installed. With the test
extras (keyrings.alt) in the environment and no OS keyring, keyring itself would pick
PlaintextKeyring and write secrets to keyring_pass.cfg; the app refuses it and says so."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from icsoe_desktop.services import importacion_diferida
from icsoe_desktop.services.secrets import NO_KEYRING_MESSAGE, SecretsService

APP = textwrap.dedent(
    """
    import json, keyring
    from icsoe_desktop.domain.errors import DomainError
    from icsoe_desktop.services.secrets import SecretsService

    secrets = SecretsService()
    report = {"keyring_elige": type(keyring.get_keyring()).__name__}
    try:
        secrets.set("certificados-imss", "llave-de-datos", "secreto-del-certificado")
        report["guardado"] = True
    except DomainError as exc:
        report["guardado"], report["codigo"], report["mensaje"] = False, exc.code, exc.message
    report["disponible"] = secrets.available()
    report["leido"] = secrets.get("certificados-imss", "llave-de-datos")
    print(json.dumps(report))
    """
)


def sin_llavero(home: Path, **env: str) -> dict[str, str]:
    """This environment in ``home``, with no OS keyring: no test backend named, no desktop
    session bus (Secret Service, KWallet); ``env`` added."""
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in ("PYTHON_KEYRING_BACKEND", "DBUS_SESSION_BUS_ADDRESS")
    }
    clean.update(HOME=str(home), XDG_DATA_HOME=str(home / "datos"), **env)
    clean["XDG_CONFIG_HOME"] = str(home / "config")
    return clean


def run_app(home: Path, **env: str) -> dict:
    """The app's SecretsService in a process of its own, in a home with no OS keyring."""
    clean = sin_llavero(home, **env)
    done = subprocess.run(
        [sys.executable, "-c", APP], capture_output=True, text=True, env=clean, timeout=120
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_with_keyrings_alt_installed_and_no_os_keyring_nothing_is_written_in_clear(
    tmp_path: Path,
) -> None:
    home = tmp_path / "casa"
    home.mkdir()
    report = run_app(home)
    # What this environment is: keyring on its own would use the plaintext file...
    assert report["keyring_elige"] == "PlaintextKeyring"
    # ...the app does not: no secret saved, a Spanish message, no file anywhere.
    assert report == {
        "keyring_elige": "PlaintextKeyring",
        "guardado": False,
        "codigo": "sin_llavero",
        "mensaje": NO_KEYRING_MESSAGE,
        "disponible": False,
        "leido": None,
    }
    assert [p.name for p in home.rglob("*") if p.is_file()] == []


@pytest.mark.parametrize(
    "backend", ["keyrings.alt.file.PlaintextKeyring", "keyring.backends.null.Keyring"]
)
def test_a_plaintext_or_null_backend_named_explicitly_is_refused_too(
    tmp_path: Path, backend: str
) -> None:
    home = tmp_path / "casa"
    home.mkdir()
    report = run_app(home, PYTHON_KEYRING_BACKEND=backend)
    assert (report["guardado"], report.get("mensaje"), report["disponible"]) == (
        False,
        NO_KEYRING_MESSAGE,
        False,
    )
    assert [p.name for p in home.rglob("*") if p.is_file()] == []


def test_the_tests_own_backend_is_only_the_tests(tmp_path: Path) -> None:
    """The isolated backend of the test suite (tests/conftest.py) works in the tests' process
    and is one the app would never pick on its own."""
    secrets = SecretsService()
    secrets.set("prueba", "clave", "valor")
    assert secrets.get("prueba", "clave") == "valor"
    import keyring

    backend = type(keyring.get_keyring())
    assert backend.__module__ == "tests.keyring_de_prueba"
    assert backend.priority < 0  # never chosen by keyring's own look-up


NATIVO = textwrap.dedent(
    """
    import json, sys, keyring.core
    from icsoe_desktop.services import secrets

    OTROS = ("keyring.backends.Windows", "keyring.backends.macOS")

    servicio = secrets.SecretsService()
    servicio.set("certificados-imss", "llave-de-datos", "secreto-del-certificado")
    print(json.dumps({
        "llavero": type(secrets.choose_backend()).__module__,
        "leido": servicio.get("certificados-imss", "llave-de-datos"),
        "keyring_busco": keyring.core._keyring_backend is not None,
        "otros_sistemas": [m for m in sys.modules if m.startswith(OTROS)],
    }))
    """
)


def test_the_systems_own_keyring_is_taken_without_keyrings_walk_of_every_backend(
    tmp_path: Path,
) -> None:
    """A desktop session with its Secret Service (GNOME Keyring on a private D-Bus session, as
    a Linux desktop has): the app keeps and reads the secret there, chosen by one probe of the
    system's own keyring — keyring's look through every installed backend (on the sign-in's
    path) never ran, nor a probe of another system's keyring."""
    home = tmp_path / "casa"
    (home / "datos").mkdir(parents=True)
    clean = sin_llavero(home)
    script = (
        "printf prueba | gnome-keyring-daemon --unlock --components=secrets >/dev/null "
        '&& exec "$0" -c "$1"'
    )
    done = subprocess.run(
        ["dbus-run-session", "--", "sh", "-c", script, sys.executable, NATIVO],
        capture_output=True,
        text=True,
        env=clean,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout.splitlines()[-1]) == {
        "llavero": "keyring.backends.SecretService",
        "leido": "secreto-del-certificado",
        "keyring_busco": False,
        "otros_sistemas": [],  # Windows' and macOS's keyrings never probed on Linux
    }


@pytest.mark.parametrize(
    ("nombrado", "bus"),
    [(None, False), ("keyrings.alt.file.PlaintextKeyring", False), (None, True)],
)
def test_in_the_apps_own_process_no_os_keyring_means_nothing_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, nombrado: str | None, bus: bool
) -> None:
    """No desktop session bus (or one named that nobody answers on), no keyring configuration,
    and no backend named (or a plaintext one): no OS keyring answers, so nothing is saved, the
    user is told, and no file is written."""
    from icsoe_desktop.domain.errors import DomainError

    if bus:  # this system's keyrings are probed there, and none answers
        sin_nadie = tmp_path / "nadie-escucha"
        monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", f"unix:path={sin_nadie}")
    else:
        monkeypatch.delenv("DBUS_SESSION_BUS_ADDRESS", raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "datos"))
    if nombrado is None:
        monkeypatch.delenv("PYTHON_KEYRING_BACKEND", raising=False)
    else:
        monkeypatch.setenv("PYTHON_KEYRING_BACKEND", nombrado)
    secrets = SecretsService()
    assert not secrets.available()
    with pytest.raises(DomainError) as refused:
        secrets.set("certificados-imss", "llave-de-datos", "secreto")
    assert (refused.value.code, refused.value.message) == ("sin_llavero", NO_KEYRING_MESSAGE)
    assert secrets.get("certificados-imss", "llave-de-datos") is None
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []


SIN_SESION = textwrap.dedent(
    """
    import json, sys
    from pathlib import Path
    from icsoe_desktop.domain.errors import DomainError
    from icsoe_desktop.services.secrets import SecretsService

    def intento():
        secrets = SecretsService()
        try:
            secrets.set("certificados-imss", "llave-de-datos", "secreto")
            mensaje = None
        except DomainError as exc:
            mensaje = exc.message
        return [secrets.available(), mensaje, "keyring" in sys.modules]

    sin_bus = intento()
    (Path(sys.argv[1]) / "bus").touch()  # a session's socket appears (no Secret Service on it)
    print(json.dumps([sin_bus, intento()]))
    """
)


def test_without_a_session_bus_there_is_no_keyring_and_keyring_is_not_even_loaded(
    tmp_path: Path,
) -> None:
    """No desktop session's D-Bus, which every Linux keyring talks over: nothing is saved, the
    user is told, and keyring (~100 ms of CPU beside the login window) is never imported. Once
    a session's socket is there, its keyrings are probed (none answers on it here)."""
    runtime = tmp_path / "sesion"
    runtime.mkdir()
    clean = sin_llavero(tmp_path, XDG_RUNTIME_DIR=str(runtime))
    done = subprocess.run(
        [sys.executable, "-c", SIN_SESION, str(runtime)],
        capture_output=True,
        text=True,
        env=clean,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == [
        [False, NO_KEYRING_MESSAGE, False],
        [False, NO_KEYRING_MESSAGE, True],
    ]
    assert [p.name for p in tmp_path.rglob("*") if p.is_file()] == ["bus"]


DIFERIDOS = textwrap.dedent(
    """
    import json, os, sys
    from icsoe_desktop.services import importacion_diferida, secrets

    antes = [m for m in importacion_diferida.DE_KEYRING if m in sys.modules]
    servicio = secrets.SecretsService()
    if sys.argv[1] == "escribir":  # a keyring of the test's own session
        servicio.set("almacen", "llave:prueba", "ab" * 32)
    leido = servicio.get("almacen", "llave:prueba")
    sin_cargar = [m for m in importacion_diferida.DE_KEYRING if m not in sys.modules]
    llavero = type(secrets.choose_backend()).__name__
    win32 = sys.modules.get("win32ctypes.core")
    # What keyring's own modules hold works when used: the real module, loaded then.
    import jaraco.context
    with jaraco.context.temp_dir() as carpeta:  # tempfile, through keyring's reference
        hecha = os.path.isdir(carpeta)
    import urllib.request
    print(json.dumps({
        "antes": antes,
        "llavero": llavero,
        "leido": leido,
        "sin_cargar": sin_cargar,
        "credenciales_de_windows": win32 and [win32._backend, "pycparser" in sys.modules],
        "carpeta_temporal": [hecha, os.path.exists(carpeta)],
        "urllib_request": [
            jaraco.context.urllib.request is urllib.request, callable(urllib.request.urlopen)
        ],
        "importlib_metadata": callable(sys.modules["keyring.backend"].metadata.entry_points),
    }))
    """
)


def test_reading_the_keyring_leaves_unloaded_what_keyring_imports_for_what_the_app_never_calls(
    tmp_path: Path,
) -> None:
    """The store key is read beside the login window (on Windows, always): keyring imports
    ``urllib.request`` (with http.client, email and ssl), ``importlib_metadata``,
    ``inspect``… for functions the app never calls, and on Windows its Credential Manager's
    module would have cffi parse C declarations. Reading the system's keyring leaves those
    modules unloaded, Windows' through ctypes, and keyring's own references to them still work
    when used. On Linux GNOME Keyring on a private D-Bus session (a secret kept and read); on
    Windows its Credential Manager, only read (it is the user's, outside the test's folder)."""
    if sys.platform == "win32":
        env = {**os.environ, "TMPDIR": str(tmp_path), "TEMP": str(tmp_path)}
        env.pop("PYTHON_KEYRING_BACKEND", None)  # the system's own
        comando = [sys.executable, "-c", DIFERIDOS, "leer"]
        esperado = {"llavero": "WinVaultKeyring", "leido": None}
        windows = ["ctypes", False]
    else:
        home = tmp_path / "casa"
        (home / "datos").mkdir(parents=True)
        env = sin_llavero(home, TMPDIR=str(tmp_path))
        script = (
            "printf prueba | gnome-keyring-daemon --unlock --components=secrets >/dev/null "
            '&& exec "$0" -c "$1" escribir'
        )
        comando = ["dbus-run-session", "--", "sh", "-c", script, sys.executable, DIFERIDOS]
        esperado = {"llavero": "Keyring", "leido": "ab" * 32}
        windows = None
    done = subprocess.run(comando, capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout.splitlines()[-1])
    # Whatever the interpreter loaded before (a site .pth may load urllib.request) is its own;
    # everything else is still unloaded after the keyring was used.
    antes = report.pop("antes")
    assert report == {
        **esperado,
        "sin_cargar": [m for m in importacion_diferida.DE_KEYRING if m not in antes],
        "credenciales_de_windows": windows,
        "carpeta_temporal": [True, False],
        "urllib_request": [True, True],
        "importlib_metadata": True,
    }
    assert "importlib_metadata" in report["sin_cargar"]

"""CI: the Windows installer compiled, installed, upgraded and uninstalled under Wine.

    python installer/wine_check.py                 (after installer/windows_wine.py)
    python installer/wine_check.py --paquete DIR   (another Windows bundle folder)

What a user gets is checked in a throw-away Wine prefix (a user's Windows: no Python, only the
system DLLs Wine lacks, installer/windows_wine.py SYSTEM_DLLS), each step failing loudly with what
is wrong:

1. The installer of pyproject's version is compiled from the real Windows bundle that
   installer/windows_wine.py built under Wine (dist/windows/icsoe-desktop; compressed
   zip/1 to save CI minutes), and an older one (0.0.1) from a small stand-in bundle. A
   publisher made for this run (installer/firma_codigo.py) signs both executables of the
   bundle and the installer with osslsigncode, ``osslsigncode verify`` checks them against
   its root, and the installer pins that root (firma-editor.pem).
2. 0.0.1 installs silently (/VERYSILENT /CURRENTUSER): files in
   %LOCALAPPDATA%\\Programs\\icsoe-desktop, Start-menu shortcut, no desktop shortcut, the
   uninstaller registered under HKCU (Spanish, publisher, version), nothing under HKLM, no
   administrator rights asked (asInvoker manifest, non-administrative install mode), and the
   icsoe:// URL protocol under HKCU\\Software\\Classes\\icsoe.
3. The current version installs over it: one entry in Programs, the files replaced (what only
   0.0.1 had is gone), the data dir %LOCALAPPDATA%\\icsoe-desktop untouched. The installed app
   passes its --self-check, starts to its first window, and an icsoe:// link reaches it, from a
   second start and through the shell with the protocol as the installer registered it.
4. The installed app updates itself from a company sync server (this checkout's, on
   127.0.0.1, SQLite): the installer of the next version (the same bundle, stamped X.Y.Z+1) is
   published there (``instalador publicar``); the installed app, its sync configured
   (``sincronizacion configurar``), finds it (``actualizar``), downloads it, checks its SHA-256
   and its signature with its own code and runs it silently (``actualizar --aceptar``, what
   «Instalar» runs). Before it, an unsigned installer of that version and one signed by a
   self-signed certificate of the same name go through the same publish, offer and download,
   and are refused with the app's Spanish message, nothing run. Then the installed version is
   the signed one (Programs, and the app's own answer), and the data dir is byte for byte
   what it was.
5. A silent uninstall removes program, shortcut, uninstall entry and URL protocol; the data dir
   stays.
6. /FIRMAEMPRESA naming a file that is not a PEM certificate: Setup stops, nothing installed.
   Installed again with the desktop-shortcut task and a company's certificate
   (/FIRMAEMPRESA, pinned as firma-empresa.pem), then uninstalled with /BORRARDATOS: the
   shortcut appears, then program, pinned certificate and data dir are gone.

Runs under Xvfb (xvfb-run, started here when there is no DISPLAY): the installer's wizard
window is created even in silent mode.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
# installer/ is not a package: its folder is on sys.path
from firma_codigo import Editor, autofirmado, editor_de_prueba, firmar, verificar
from windows_wine import (
    BUNDLE,
    PROTOCOL_KEY,
    ROOT,
    WindowsMachine,
    install_system_dlls,
    link_handover,
    startup_probe,
)
from wine_build import (
    WineError,
    WinePrefix,
    compile_installer,
    fetch_iscc,
    project_version,
    windows_path,
)

APP = "icsoe-desktop"
UNINSTALL_KEY = r"software\microsoft\windows\currentversion\uninstall"
APP_KEY = UNINSTALL_KEY + r"\{f424b6a4-486b-49f9-84bc-36db21d4d3cd}_is1"
URL_KEY = r"software\classes\icsoe"
OLD_VERSION = "0.0.1"
OLD_ONLY = "_internal/solo-en-0.0.1.txt"


class CheckFailed(AssertionError):
    pass


def check(condition: object, message: str) -> None:
    if not condition:
        raise CheckFailed(message)


def check_windows_bundle(bundle: Path) -> Path:
    """The folder PyInstaller built on Windows (or under Wine): both executables and _internal."""
    for name in (f"{APP}.exe", f"{APP}-consola.exe", "_internal"):
        check(
            (bundle / name).exists(),
            f"No está {bundle / name}: construye antes el paquete de Windows "
            "(python installer/windows_wine.py)",
        )
    return bundle


def stage_old_bundle(dest: Path) -> Path:
    (dest / "_internal").mkdir(parents=True)
    (dest / f"{APP}.exe").write_bytes(b"icsoe-desktop 0.0.1 (prueba de actualizacion)\n")
    (dest / OLD_ONLY).write_text("Sólo la versión 0.0.1 trae este archivo.\n", encoding="utf-8")
    return dest


def signed_bundle(bundle: Path, dest: Path, editor: Editor) -> Path:
    """A copy of ``bundle`` with both executables signed by ``editor`` (the bundle built by
    installer/windows_wine.py is left as it was)."""
    shutil.copytree(bundle, dest)
    for name in (f"{APP}.exe", f"{APP}-consola.exe"):
        firmar(dest / name, editor)
        check_signed(dest / name, editor)
    return dest


def check_signed(exe: Path, editor: Editor, signed: bool = True) -> None:
    """``osslsigncode verify`` with the publisher's root as the only one trusted."""
    said = verificar(exe, editor.raiz)
    check(
        (said.returncode == 0) == signed,
        f"osslsigncode verify {exe.name}: se esperaba {'firma válida' if signed else 'rechazo'}, "
        f"código {said.returncode}:\n{said.stdout[-2000:]}{said.stderr[-2000:]}",
    )


def _unescape(text: str) -> str:
    return re.sub(
        r"\\(x\{([0-9a-fA-F]+)\}|.)", lambda m: chr(int(m[2], 16)) if m[2] else m[1], text
    )


def read_registry(reg_file: Path) -> dict[str, dict[str, str]]:
    """A Wine hive file (user.reg, system.reg): lower-cased key path → value name → text.
    Only string and dword values are decoded; "" names the default value."""
    keys: dict[str, dict[str, str]] = {}
    values: dict[str, str] | None = None
    value_line = re.compile(r'^(@|"((?:[^"\\]|\\.)*)")=(?:str\(\d\):)?(.*)$')
    for line in reg_file.read_text(encoding="utf-8", errors="replace").splitlines():
        if line.startswith("["):
            path = _unescape(line[1 : line.rindex("]")])
            values = keys.setdefault(path.lower(), {})
        elif values is not None and (match := value_line.match(line)):
            name = "" if match[1] == "@" else _unescape(match[2])
            raw = match[3]
            values[name] = _unescape(raw[1:-1]) if raw.startswith('"') else raw
    return keys


class Machine:
    """The Wine prefix seen as a user's Windows: their folders, their registry."""

    def __init__(self, prefix: WinePrefix, logs: Path) -> None:
        self.prefix = prefix
        self.logs = logs
        users = [p for p in (prefix.drive_c() / "users").iterdir() if p.name != "Public"]
        check(len(users) == 1, f"Se esperaba un usuario en el prefijo de Wine: {users}")
        self.profile = users[0]
        self.windows_profile = f"C:\\users\\{self.profile.name}"
        self.local = self.profile / "AppData" / "Local"
        self.app_dir = self.local / "Programs" / APP
        self.data_dir = self.local / APP
        self.start_menu_link = (
            self.profile / "AppData/Roaming/Microsoft/Windows/Start Menu/Programs" / f"{APP}.lnk"
        )
        self.desktop_links = [
            self.profile / "Desktop" / f"{APP}.lnk",
            prefix.drive_c() / "users" / "Public" / "Desktop" / f"{APP}.lnk",
        ]

    def run_logged(self, exe: Path, args: list[str], log_name: str) -> str:
        log = self.logs / log_name
        result = self.prefix.run(
            [
                "wine",
                str(exe),
                "/VERYSILENT",
                "/SUPPRESSMSGBOXES",
                "/NORESTART",
                *args,
                f"/LOG={windows_path(log)}",
            ],
            check=False,
        )
        # The uninstaller re-runs itself from %TEMP% and returns at once: wait for all of Wine.
        self.prefix.wait()
        text = log.read_text(encoding="utf-8-sig", errors="replace") if log.is_file() else ""
        check(
            result.returncode == 0,
            f"{exe.name} {' '.join(args)} terminó con código {result.returncode}.\n"
            f"Su registro ({log}):\n{text[-3000:]}",
        )
        return text

    def install(self, installer: Path, *args: str) -> str:
        return self.run_logged(installer, ["/CURRENTUSER", *args], f"{installer.stem}.log")

    def uninstall(self, *args: str) -> str:
        uninstaller = self.app_dir / "unins000.exe"
        check(uninstaller.is_file(), f"No está el desinstalador {uninstaller}")
        name = f"desinstalar-{int(time.time() * 1000)}.log"
        return self.run_logged(uninstaller, list(args), name)

    def hkcu(self) -> dict[str, dict[str, str]]:
        return read_registry(self.prefix.path / "user.reg")

    def hklm(self) -> dict[str, dict[str, str]]:
        return read_registry(self.prefix.path / "system.reg")

    def app_entries(self) -> list[str]:
        """Uninstall entries (the list in Programs) naming icsoe-desktop, in HKCU."""
        return [
            path
            for path, values in self.hkcu().items()
            if path.startswith(UNINSTALL_KEY + "\\") and values.get("DisplayName") == APP
        ]


def files_of(folder: Path) -> dict[str, int]:
    return {
        str(path.relative_to(folder)): path.stat().st_size
        for path in folder.rglob("*")
        if path.is_file() and not path.is_symlink()
    }


def check_installed(m: Machine, installer: Path, version: str, bundle: Path, log: str) -> None:
    exe = m.app_dir / f"{APP}.exe"
    check(m.app_dir.is_dir(), f"No se instaló en %LOCALAPPDATA%\\Programs\\{APP} ({m.app_dir})")
    check(
        exe.is_file() and exe.read_bytes() == (bundle / f"{APP}.exe").read_bytes(),
        f"{exe} no es el {APP}.exe del paquete {version}",
    )
    installed = files_of(m.app_dir)
    missing = [f for f, size in files_of(bundle).items() if installed.get(f) != size]
    check(not missing, f"Faltan o difieren archivos del paquete {version}: {missing[:10]}")
    check(
        m.start_menu_link.is_file()
        and f"{APP}.exe".encode("utf-16-le") in m.start_menu_link.read_bytes(),
        f"No hay acceso en el menú Inicio a {APP}.exe ({m.start_menu_link})",
    )
    desktop = [link for link in m.desktop_links if link.exists()]
    check(not desktop, f"Sin pedirlo se creó un acceso en el escritorio: {desktop}")

    # No administrator rights: the manifest asks for none and Setup ran in per-user mode.
    check(
        b'level="asInvoker"' in installer.read_bytes(),
        f"El manifiesto de {installer.name} no es asInvoker: Windows pediría permisos de administrador",
    )
    check(
        "Administrative install mode: No" in log
        and "Install mode root key: HKEY_CURRENT_USER" in log,
        "El instalador no corrió en modo por usuario (HKCU, sin administrador)",
    )

    hkcu = m.hkcu()
    entry = hkcu.get(APP_KEY)
    check(entry is not None, f"No se registró el desinstalador en HKCU\\{APP_KEY}")
    expected = {
        "DisplayName": APP,
        "DisplayVersion": version,
        "Publisher": APP,
        "Inno Setup: Language": "spanish",
        "InstallLocation": f"{m.windows_profile}\\AppData\\Local\\Programs\\{APP}\\",
    }
    wrong = {k: entry.get(k) for k, v in expected.items() if entry.get(k) != v}
    check(not wrong, f"Valores del desinstalador en HKCU: esperaba {expected}, hay {wrong}")
    check("unins000.exe" in entry.get("UninstallString", ""), f"UninstallString: {entry}")
    check(
        not [k for k in m.hklm() if "f424b6a4-486b-49f9-84bc-36db21d4d3cd" in k],
        "El instalador escribió en HKLM (sólo debe tocar HKCU)",
    )

    windows_exe = f"{m.windows_profile}\\AppData\\Local\\Programs\\{APP}\\{APP}.exe"
    url = {
        URL_KEY: {"": f"URL:Enlace de {APP}", "URL Protocol": ""},
        URL_KEY + r"\defaulticon": {"": f'"{windows_exe}",0'},
        URL_KEY + r"\shell\open\command": {"": f'"{windows_exe}" "%1"'},
    }
    for key, values in url.items():
        got = {name: hkcu.get(key, {}).get(name) for name in values}
        check(got == values, f"Protocolo icsoe:// en HKCU\\{key}: esperaba {values}, hay {got}")


def check_uninstalled(m: Machine) -> None:
    check(not (m.app_dir / f"{APP}.exe").exists(), f"La desinstalación dejó {m.app_dir}")
    check(not m.start_menu_link.exists(), f"La desinstalación dejó {m.start_menu_link}")
    check(not [link for link in m.desktop_links if link.exists()], "Quedó el acceso del escritorio")
    hkcu = m.hkcu()
    check(APP_KEY not in hkcu, f"La desinstalación dejó HKCU\\{APP_KEY}")
    left = [k for k in hkcu if k == URL_KEY or k.startswith(URL_KEY + "\\")]
    check(not left, f"La desinstalación dejó el protocolo icsoe:// en HKCU: {left}")


def check_installed_app(m: Machine, scratch: Path) -> None:
    """The installed program runs on this Windows: its self-check, its first window, and an
    icsoe:// link from a second start and through the shell, with the installer's registration.
    The user's data dir is set aside meanwhile (the app would open the made-up store in it)."""
    windows = WindowsMachine(scratch)  # this prefix, as its user's programs see it
    exe, console = m.app_dir / f"{APP}.exe", m.app_dir / f"{APP}-consola.exe"
    code, output = windows.run([str(console), "--self-check", "--data-dir", "C:\\autodiagnostico"])
    check(
        code == 0 and "FALLA" not in output,
        f"El autodiagnóstico de la aplicación instalada falló (código {code}):\n{output}",
    )
    print("OK autodiagnóstico de la aplicación instalada")
    aside = m.data_dir.with_name(m.data_dir.name + ".aparte")
    m.data_dir.rename(aside)
    try:
        startup_probe(windows, console, m.data_dir)
        # Wine, unlike Windows, does not merge HKCU's classes into HKEY_CLASSES_ROOT: the
        # installer's own keys, copied to HKLM in this throw-away prefix, for the shell to find.
        hkcu = m.hkcu()
        for key, values in hkcu.items():
            if key == URL_KEY or key.startswith(URL_KEY + "\\"):
                target = "HKLM\\" + PROTOCOL_KEY + key[len(URL_KEY) :]
                for name, value in values.items():
                    which = ["/ve"] if name == "" else ["/v", name]
                    windows.check(["reg", "add", target, *which, "/d", value, "/f"], "reg add")
        link_handover(windows, exe, m.data_dir, desktop=None)
    finally:
        shutil.rmtree(m.data_dir, ignore_errors=True)
        aside.rename(m.data_dir)


def next_version(version: str) -> str:
    major, minor, patch = (int(n) for n in version.split("."))
    return f"{major}.{minor}.{patch + 1}"


class SyncServer:
    """This checkout's sync server (``python -m icsoe_desktop.sync_server``) on 127.0.0.1 with
    a SQLite database in ``folder``: the company's server the installed app updates from."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.database = f"sqlite:///{folder / 'servidor.sqlite3'}"
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen[bytes] | None = None

    def command(self, *args: str) -> str:
        result = subprocess.run(
            [sys.executable, "-m", "icsoe_desktop.sync_server", *args],
            env={**os.environ, "PYTHONPATH": str(ROOT), "ICSOE_SYNC_DATABASE_URL": self.database},
            capture_output=True,
            text=True,
            timeout=300,
        )
        check(
            result.returncode == 0,
            f"python -m icsoe_desktop.sync_server {' '.join(args)}: código {result.returncode}\n"
            f"{result.stdout}{result.stderr}",
        )
        return result.stdout

    def start(self) -> None:
        serve = ["serve", "--listen", f"127.0.0.1:{self.port}", "--database-url", self.database]
        with (self.folder / "servidor.log").open("wb") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "icsoe_desktop.sync_server", *serve],
                env={**os.environ, "PYTHONPATH": str(ROOT)},
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"{self.url}/v1/instalador", timeout=5)
            except urllib.error.HTTPError:
                return  # it answers (401: no token)
            except OSError:
                check(
                    self.process.poll() is None and time.monotonic() < deadline,
                    "El servidor de sincronización no arrancó:\n"
                    + (self.folder / "servidor.log").read_text(errors="replace")[-3000:],
                )
                time.sleep(0.5)

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=30)


# The data dir's folder where the app keeps the installers it downloaded and checked
# (services/sync/actualizacion.py CARPETA): its own, not the user's data.
UPDATES = "actualizaciones"


def data_files(folder: Path) -> dict[str, str]:
    """Every file of the data dir but the kept installers, and its SHA-256."""
    return {
        str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file() and path.relative_to(folder).parts[0] != UPDATES
    }


def update_folders(m: Machine) -> list[Path]:
    """The app's folders holding a downloaded installer (one per SHA-256, in its data dir)."""
    return sorted({p.parent for p in (m.data_dir / UPDATES).glob("*/*.exe")})


def check_refused_updates(
    m: Machine, windows: WindowsMachine, server: SyncServer, impostors: dict[str, Path]
) -> None:
    """Each impostor installer is published, offered and downloaded, then refused by the
    installed app's own signature check: its message, nothing run, nothing left."""
    console = m.app_dir / f"{APP}-consola.exe"
    version = m.hkcu()[APP_KEY]["DisplayVersion"]
    for expected, impostor in impostors.items():
        started = time.monotonic()
        server.command("instalador", "publicar", str(impostor))
        code, output = windows.run([str(console), "actualizar", "--aceptar"])
        check(
            code == 2 and expected in output and "Se borró y no se instaló nada" in output,
            f"actualizar --aceptar de {impostor.parent.name}: se esperaba «{expected}» "
            f"(código {code}):\n{output}",
        )
        m.prefix.wait()
        check(
            m.hkcu()[APP_KEY]["DisplayVersion"] == version,
            f"Se instaló {impostor.parent.name}: la versión instalada cambió",
        )
        check(not update_folders(m), f"Quedaron descargas: {update_folders(m)}")
        print(
            f"OK {impostor.parent.name}: publicado, ofrecido, descargado y rechazado "
            f"({time.monotonic() - started:.0f} s)"
        )


def check_self_update(
    m: Machine,
    scratch: Path,
    new_installer: Path,
    new_version: str,
    bundle: Path,
    editor: Editor,
    impostors: dict[str, Path],
) -> None:
    """The installed app updates itself from the company's sync server (step 4 above), after
    refusing the impostors. The made-up data dir is set aside meanwhile: the app makes its
    own, real one."""
    windows = WindowsMachine(scratch)
    console = m.app_dir / f"{APP}-consola.exe"
    old_version = m.hkcu()[APP_KEY]["DisplayVersion"]
    server = SyncServer(scratch)
    aside = m.data_dir.with_name(m.data_dir.name + ".aparte")
    m.data_dir.rename(aside)
    try:
        token = server.command(
            "token", "create", "--empresa", "ABC010101AB1", "--nombre", "Escritorio Wine"
        ).splitlines()[-1]
        server.start()
        code, output = windows.run(
            [str(console), "sincronizacion", "configurar", server.url, "--intervalo", "0"],
            stdin=token.encode() + b"\r\n",
        )
        check(
            code == 0 and "Conexión correcta" in output,
            f"sincronizacion configurar (código {code}):\n{output}",
        )
        check_refused_updates(m, windows, server, impostors)

        firmar(new_installer, editor)
        check_signed(new_installer, editor)
        said = server.command("instalador", "publicar", str(new_installer))
        sha256 = hashlib.sha256(new_installer.read_bytes()).hexdigest()
        check(sha256 in said, f"instalador publicar no anunció el SHA-256 {sha256}:\n{said}")
        code, output = windows.run([str(console), "actualizar"])
        expected = (
            f"Hay una versión nueva ({new_version}); esta instalación tiene la {old_version}."
        )
        check(code == 0 and expected in output, f"actualizar (código {code}):\n{output}")
        code, output = windows.run([str(console), "actualizar", "--aceptar"])
        check(
            code == 0 and f"SHA-256 {sha256}" in output,
            f"actualizar --aceptar (código {code}):\n{output}",
        )
        before = data_files(m.data_dir)
        started = time.monotonic()
        m.prefix.wait()  # the installer the app started, silent, to its end
        logs = [folder / "instalacion.log" for folder in update_folders(m)]
        check(len(logs) == 1, f"No hay un registro del instalador que inició la app: {logs}")
        log = logs[0].read_text(encoding="utf-8-sig", errors="replace")
        check("Installation process succeeded" in log, f"El instalador falló:\n{log[-3000:]}")
        check_installed(m, new_installer, new_version, bundle, log)
        check(m.app_entries() == [APP_KEY], f"Una entrada en Programas: {m.app_entries()}")
        after = data_files(m.data_dir)
        changed = sorted(n for n in before.keys() | after.keys() if before.get(n) != after.get(n))
        check(not changed, f"La actualización cambió la carpeta de datos: {changed}")
        code, output = windows.run([str(console), "actualizar"])
        check(
            code == 0 and f"tiene la versión más reciente ({new_version})" in output,
            f"actualizar tras la actualización (código {code}):\n{output}",
        )
        print(
            f"OK actualización desde el servidor de la empresa {old_version} → {new_version}: "
            f"firma y SHA-256 revisados, instalada en {time.monotonic() - started:.0f} s, datos intactos"
        )
    finally:
        server.stop()
        windows.stop_all()
        shutil.rmtree(m.data_dir, ignore_errors=True)
        aside.rename(m.data_dir)


def check_company_publisher(m: Machine, installer: Path, scratch: Path) -> None:
    """/FIRMAEMPRESA with a file that is not a PEM certificate: Setup stops, nothing installed.
    (A company's real one, scratch/empresa/raiz.pem, is pinned by the install that follows.)"""
    editor_de_prueba(scratch / "empresa", "Empresa de prueba firma de código")
    not_pem = scratch / "no-es-certificado.pem"
    not_pem.write_text("hola\n", encoding="ascii")
    result = m.prefix.run(
        [
            "wine",
            str(installer),
            "/VERYSILENT",
            "/SUPPRESSMSGBOXES",
            "/NORESTART",
            "/CURRENTUSER",
            f"/FIRMAEMPRESA={windows_path(not_pem)}",
        ],
        check=False,
    )
    m.prefix.wait()
    check(
        result.returncode != 0 and not (m.app_dir / f"{APP}.exe").exists(),
        f"/FIRMAEMPRESA con un archivo que no es un certificado: código {result.returncode}, "
        f"instalado: {(m.app_dir / f'{APP}.exe').exists()}",
    )
    print("OK /FIRMAEMPRESA sin un certificado PEM: no se instaló nada")


def run_checks(scratch: Path, bundle: Path) -> Path:
    version = project_version()
    check(version != OLD_VERSION, f"La versión del proyecto no puede ser {OLD_VERSION}")
    iscc = fetch_iscc()
    prefix = WinePrefix(scratch / "prefix")
    started = time.monotonic()
    prefix.create()
    print(f"Prefijo de Wine listo en {time.monotonic() - started:.0f} s", flush=True)

    install_system_dlls(prefix.drive_c() / "windows" / "system32")
    # The publisher of this run: what the vendor's certificate is to a release.
    editor = editor_de_prueba(scratch / "editor", "icsoe-desktop pruebas de CI")
    started = time.monotonic()
    new_bundle = signed_bundle(check_windows_bundle(bundle), scratch / "paquete", editor)
    old_bundle = stage_old_bundle(scratch / "paquete-viejo")
    print(f"Paquete firmado en {time.monotonic() - started:.0f} s", flush=True)
    started = time.monotonic()
    # zip/1: ~20 s against ~45 s for lzma2/fast and minutes for the release's lzma2 on CI's 2
    # cores, and quicker to unpack; what is checked does not depend on the compression (the
    # release's own is what windows.yml installs on a real Windows).
    installer = compile_installer(
        prefix,
        iscc,
        version,
        new_bundle,
        scratch / "salida",
        compression="zip/1",
        editor_cert=editor.raiz,
    )
    firmar(installer, editor)
    check_signed(installer, editor)
    print(
        f"Compilado y firmado {installer.name}: {installer.stat().st_size / 2**20:.1f} MiB "
        f"en {time.monotonic() - started:.0f} s",
        flush=True,
    )
    old_installer = compile_installer(prefix, iscc, OLD_VERSION, old_bundle, scratch / "salida")
    # The next version, for the app's own update: the same bundle, stamped one patch later
    # (signed just before it is published), and two impostors of that version from the
    # stand-in bundle: unsigned, and signed by a self-signed certificate of the same name.
    new_version = next_version(version)
    new_installer = compile_installer(
        prefix,
        iscc,
        new_version,
        new_bundle,
        scratch / "siguiente",
        compression="zip/1",
        editor_cert=editor.raiz,
    )
    unsigned = compile_installer(prefix, iscc, new_version, old_bundle, scratch / "sin-firma")
    self_signed = scratch / "autofirmado" / unsigned.name
    self_signed.parent.mkdir()
    shutil.copyfile(unsigned, self_signed)
    firmar(self_signed, autofirmado(scratch / "editor-falso", "icsoe-desktop pruebas de CI"))
    check_signed(unsigned, editor, signed=False)
    check_signed(self_signed, editor, signed=False)
    impostors = {
        "no está firmado": unsigned,
        "está firmado por «icsoe-desktop pruebas de CI», que no es el editor": self_signed,
    }

    logs = scratch / "registros"
    logs.mkdir()
    m = Machine(prefix, logs)

    log = m.install(old_installer)
    check_installed(m, old_installer, OLD_VERSION, old_bundle, log)
    print(f"OK instalación {OLD_VERSION}: archivos, menú Inicio, HKCU, icsoe://, sin administrador")

    # The user's data, as the app leaves it: the upgrade and a plain uninstall must not touch it.
    (m.data_dir / "registro").mkdir(parents=True)
    data = {"icsoe.sqlite3": b"SQLite format 3\x00 datos de prueba", "registro/icsoe.log": b"log\n"}
    for name, content in data.items():
        (m.data_dir / name).write_bytes(content)

    def data_intact() -> bool:
        return all(
            (m.data_dir / n).is_file() and (m.data_dir / n).read_bytes() == c
            for n, c in data.items()
        )

    log = m.install(installer)
    check_installed(m, installer, version, new_bundle, log)
    entries = m.app_entries()
    check(entries == [APP_KEY], f"Tras actualizar debe haber una entrada en Programas: {entries}")
    check(not (m.app_dir / OLD_ONLY).exists(), f"La actualización dejó {OLD_ONLY} de {OLD_VERSION}")
    check(data_intact(), f"La actualización tocó la carpeta de datos {m.data_dir}")
    print(
        f"OK actualización {OLD_VERSION} → {version}: una entrada, archivos reemplazados, datos intactos"
    )
    check_installed_app(m, scratch)
    check(data_intact(), f"La aplicación instalada tocó la carpeta de datos {m.data_dir}")
    check(
        (m.app_dir / "firma-editor.pem").read_bytes() == editor.raiz.read_bytes(),
        "El instalador no fijó el certificado del editor (firma-editor.pem)",
    )
    check_self_update(m, scratch, new_installer, new_version, new_bundle, editor, impostors)
    check(data_intact(), f"La actualización desde el servidor tocó {m.data_dir}")

    m.uninstall()
    check_uninstalled(m)
    check(data_intact(), f"La desinstalación por omisión borró o cambió {m.data_dir}")
    print("OK desinstalación: programa, accesos, HKCU e icsoe:// quitados; datos conservados")

    check_company_publisher(m, installer, scratch)
    m.install(
        installer,
        "/MERGETASKS=desktopicon",
        f"/FIRMAEMPRESA={windows_path(scratch / 'empresa' / 'raiz.pem')}",
    )
    check(
        m.desktop_links[0].is_file(),
        f"La tarea desktopicon no creó {m.desktop_links[0]}",
    )
    pinned = m.app_dir / "firma-empresa.pem"
    check(
        pinned.read_bytes() == (scratch / "empresa" / "raiz.pem").read_bytes(),
        f"/FIRMAEMPRESA no fijó el certificado de la empresa en {pinned}",
    )
    m.uninstall("/BORRARDATOS")
    check_uninstalled(m)
    check(not pinned.exists(), f"La desinstalación dejó {pinned}")
    check(not m.data_dir.exists(), f"/BORRARDATOS no borró la carpeta de datos {m.data_dir}")
    print("OK acceso de escritorio opcional; desinstalación con /BORRARDATOS borra los datos")
    return installer


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--paquete", type=Path, default=BUNDLE, help="carpeta del paquete")
    args = parser.parse_args(argv)
    if not os.environ.get("DISPLAY"):
        xvfb_run = shutil.which("xvfb-run")
        if xvfb_run is None:
            print("Falló: no hay DISPLAY ni xvfb-run (apt-get install xvfb xauth)", file=sys.stderr)
            return 1
        os.execv(xvfb_run, [xvfb_run, "-a", sys.executable, *sys.argv])
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="icsoe-instalador-") as scratch:
        try:
            installer = run_checks(Path(scratch), args.paquete.resolve())
            size = installer.stat().st_size
        except (CheckFailed, WineError, subprocess.TimeoutExpired) as exc:
            print(f"FALLA instalador de Windows bajo Wine: {exc}", file=sys.stderr)
            return 1
    print(
        f"Instalador de Windows bajo Wine: OK ({size / 2**20:.1f} MiB, "
        f"{time.monotonic() - started:.0f} s)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

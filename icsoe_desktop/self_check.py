"""`python -m icsoe_desktop --self-check`: is this installation usable on this machine?

For IT after an install and for CI on the built bundle. Each check prints one line, ``OK`` or
``FALLA`` with the reason in Spanish, and the exit code is 0 only when every check passes. It
goes through the same code the app uses (data-dir resolution, services container, migrations,
the forms loader, the keyring service), so a file missing from a bundle fails here first.
Technical detail goes to the log file of the data dir, never a traceback on the screen.

Kept out of the start-up path: cli.py imports this module only when the flag is given.
"""

from __future__ import annotations

import logging
import os
import secrets as random_tokens
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from icsoe_desktop import APP_NAME, __version__
from icsoe_desktop.domain.motivo_os import motivo_os
from icsoe_desktop.domain.texts import plural
from icsoe_desktop.self_check_funciones import CheckResult, checks

if TYPE_CHECKING:
    from PySide6.QtGui import QImageReader

    from icsoe_desktop.services.audit import Cabeza
    from icsoe_desktop.services.container import Services
    from icsoe_desktop.services.empresas.servicio import EmpresaInfo

log = logging.getLogger(__name__)

KEYRING_SCOPE = "autodiagnostico"
NO_KEYRING = (
    "no hay un llavero del sistema (Administrador de credenciales de Windows) en este equipo; "
    "la aplicación no podrá guardar la contraseña SMTP ni las llaves de los certificados"
)


def _guarded(name: str, check: Callable[[], CheckResult]) -> CheckResult:
    """An unexpected error is a failed check with a short reason, logged in full."""
    try:
        return check()
    except Exception as exc:
        log.exception("Autodiagnóstico: falló la revisión %r", name)
        return CheckResult(False, name, f"error inesperado ({type(exc).__name__}: {exc})")


# --- the checks ---------------------------------------------------------------------------------


def check_data_dir(cli_value: str | None) -> tuple[CheckResult, Path | None]:
    """The data dir resolves (``--data-dir`` / ICSOE_DATA_DIR / the user's), exists, is writable."""
    import tempfile

    from icsoe_desktop.paths import resolve_data_dir

    name = "Carpeta de datos"
    try:
        data_dir = resolve_data_dir(cli_value)
    except FileExistsError as exc:
        return CheckResult(False, name, f"«{exc.filename}» existe pero no es una carpeta"), None
    except OSError as exc:
        where = exc.filename or cli_value or ""
        return CheckResult(False, name, f"no se pudo crear «{where}» ({motivo_os(exc)})"), None
    try:
        handle, probe = tempfile.mkstemp(prefix=".autodiagnostico-", dir=data_dir)
        os.close(handle)
        os.unlink(probe)
    except OSError as exc:
        reason = f"no se puede escribir en «{data_dir}» ({motivo_os(exc)})"
        return CheckResult(False, name, reason), None
    return CheckResult(True, name, f"{data_dir} (se puede escribir)"), data_dir


def check_migrations() -> CheckResult:
    """The Alembic scripts are on disk (Alembic reads them as files) and end at HEAD_REVISION."""
    from alembic.script import ScriptDirectory

    from icsoe_desktop.store.migrations import HEAD_REVISION, MIGRATIONS_DIR

    name = "Migraciones"
    if not (MIGRATIONS_DIR / "env.py").is_file():
        return CheckResult(False, name, f"faltan los archivos de migración en «{MIGRATIONS_DIR}»")
    script = ScriptDirectory(str(MIGRATIONS_DIR))
    count = sum(1 for _ in script.walk_revisions())  # imports every versions/*.py
    heads = script.get_heads()
    if heads != [HEAD_REVISION]:
        return CheckResult(
            False, name, f"la última migración es {', '.join(heads)}; se esperaba {HEAD_REVISION}"
        )
    return CheckResult(True, name, f"{count} en {MIGRATIONS_DIR}, la última es {HEAD_REVISION}")


def check_store(data_dir: Path) -> tuple[CheckResult, Services | None]:
    """Open the store as the app does (creating or migrating it). Returns (result, services)."""
    from icsoe_desktop.domain.errors import DomainError
    from icsoe_desktop.paths import DATABASE_FILE
    from icsoe_desktop.services.container import open_services
    from icsoe_desktop.store.db import current_revision

    name = "Base de datos"
    existed = (data_dir / DATABASE_FILE).exists()
    try:
        services = open_services(data_dir)
    except DomainError as exc:
        return CheckResult(False, name, exc.message), None
    revision = current_revision(services.store.engine)
    done = "migrada" if existed else "creada y migrada"
    detail = f"{services.store.path} ({done} a {revision})"
    return CheckResult(True, name, detail), services


def check_empresas(services: Services) -> list[CheckResult]:
    """Varias empresas: one line per empresa store of the catalog, opened (and migrated) as
    the app opens it; a missing or damaged file fails its own line only."""
    from icsoe_desktop.domain.errors import DomainError
    from icsoe_desktop.store.db import Store, current_revision

    results = []
    for empresa in services.empresas.listar():
        name = f"Empresa {empresa.rfc}" if empresa.rfc else "Empresa (sin configurar)"
        path = services.empresas.ruta(empresa)
        if not path.is_file():
            results.append(CheckResult(False, name, f"no se encontró su base de datos «{path}»"))
            continue
        try:
            store = Store(path)
        except DomainError as exc:
            results.append(CheckResult(False, name, exc.message))
            continue
        try:
            revision = current_revision(store.engine)
        finally:
            store.close()
        named = f"{empresa.razon_social}: " if empresa.rfc else ""
        results.append(CheckResult(True, name, f"{named}{path} ({revision})"))

        def bitacora(e: EmpresaInfo = empresa, p: Path = path, n: str = name) -> CheckResult:
            # Against the links the installation recorded (catalog and keyring), as its
            # opening checks; a keyring copy that cannot be read is said, not blamed on it.
            integridad = services.cabezas.verificar(e.id, p)
            return CheckResult(integridad.integra, f"Bitácora de {n.lower()}", integridad.texto())

        results.append(_guarded(f"Bitácora de {name.lower()}", bitacora))
    results.append(
        _guarded(
            "Bitácora del catálogo",
            lambda: _bitacora("Bitácora del catálogo", services.catalogo.path, []),
        )
    )
    return results


EN_CLARO = "Archivos en claro"


def check_en_claro(data_dir: Path) -> CheckResult:
    """No company data anyone can read in the data folder: the backups kept there that were
    made in clear (before encryption), and a file the opening could not encrypt
    (store/en_claro.py), named with what to do. Run once the installation opened (its key)."""
    from icsoe_desktop.store import cifrado, en_claro

    if cifrado.llave_instalacion() is None:
        return CheckResult(
            True, EN_CLARO, "sin llave de cifrado: las bases de datos no se cifran (ver «Llavero»)"
        )
    respaldos = en_claro.respaldos_en_claro(data_dir)
    planos = en_claro.sin_cifrar(data_dir)
    if not respaldos and not planos:
        return CheckResult(True, EN_CLARO, "ninguno en la carpeta de datos")

    def nombres(paths: list[Path]) -> str:
        return ", ".join(f"«{p.relative_to(data_dir)}»" for p in paths)

    partes = []
    if respaldos:
        partes.append(
            f"en claro: {nombres(respaldos)} (respaldos hechos antes del cifrado de las bases "
            "de datos: quien copie uno lee los datos de la empresa). Haz un respaldo nuevo "
            "(Archivo › Respaldar), que va cifrado, y bórralos o guárdalos fuera de este equipo, "
            "donde sólo los lea quien deba"
        )
    if planos:
        partes.append(
            f"sin cifrar: {nombres(planos)} (bases de datos que no se pudieron cifrar al abrir "
            "la aplicación: están dañadas, o las tenía abiertas otro programa; el registro dice "
            "por qué). Cierra ese programa y abre la aplicación otra vez; si es una copia que no "
            "necesitas, bórrala"
        )
    return CheckResult(False, EN_CLARO, "; ".join(partes) + ".")


def _bitacora(name: str, path: Path, registrada: list[Cabeza]) -> CheckResult:
    """«bitácora íntegra», or where the audit chain breaks (services/audit.py), checked with
    the installation's audit key (services/llave_bitacora.py)."""
    from icsoe_desktop.services.audit import verificar_bitacora

    integridad = verificar_bitacora(path, registrada)
    return CheckResult(integridad.integra, name, integridad.texto())


def check_forms(ui_dir: Path) -> CheckResult:
    """Every ui/*.ui builds with the app's loader, without a Qt warning."""
    from PySide6.QtCore import qInstallMessageHandler
    from PySide6.QtWidgets import QWidget

    from icsoe_desktop.gui.kit.forms import FormError, load_ui

    name = "Formularios"
    files = sorted(ui_dir.glob("*.ui"))
    if not files:
        return CheckResult(False, name, f"no hay archivos .ui en «{ui_dir}»")
    failures: list[str] = []
    for path in files:
        warnings: list[str] = []

        # Qt reports unknown widgets or bad properties as warnings, not errors: catch them too.
        def collect(_kind: object, _context: object, text: str, sink: list[str] = warnings) -> None:
            sink.append(text)

        previous = qInstallMessageHandler(collect)
        try:
            load_ui(path, QWidget())
        except FormError as exc:
            warnings.insert(0, str(exc))
        finally:
            qInstallMessageHandler(previous)
        if warnings:
            log.error("Formulario %s: %s", path, " | ".join(warnings))
            failures.append(f"{path.name} ({warnings[0]})")
    if failures:
        return CheckResult(False, name, "no se pudo cargar " + "; ".join(failures))
    return CheckResult(
        True,
        name,
        f"{plural(len(files), 'archivo .ui cargado', 'archivos .ui cargados')} de {ui_dir}",
    )


def _required_resources() -> list[str]:
    from icsoe_desktop.gui.aviso_privacidad import DOCUMENTS

    # The documents the app shows, its window icon, the Windows icon of the exe and shortcuts.
    return [file for _title, file in DOCUMENTS] + ["icsoe.svg", "icsoe.ico"]


def check_resources(resources_dir: Path) -> CheckResult:
    """The files the app names exist; every file reads; texts decode; images decode (which
    also proves the Qt image-format plugins for SVG and ICO are there)."""
    from PySide6.QtGui import QIcon, QImageReader

    name = "Recursos"
    problems = [
        f"falta {file}" for file in _required_resources() if not (resources_dir / file).is_file()
    ]
    files = [p for p in sorted(resources_dir.rglob("*")) if p.is_file()]
    for path in files:
        relative = path.relative_to(resources_dir).as_posix()
        try:
            data = path.read_bytes()
            if path.suffix in (".html", ".txt"):
                data.decode("utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            problems.append(f"no se pudo leer {relative} ({exc})")
            continue
        if path.suffix in (".svg", ".ico", ".png"):
            reader = QImageReader(str(path))
            if reader.read().isNull():
                problems.append(f"no se pudo dibujar {relative} ({reader.errorString()})")
    icon = resources_dir / "icsoe.svg"
    if icon.is_file() and QIcon(str(icon)).pixmap(32, 32).isNull():
        problems.append("el ícono SVG de las ventanas no se dibuja (falta el plugin SVG de Qt)")
    if problems:
        return CheckResult(False, name, "; ".join(problems))
    return CheckResult(True, name, f"{plural(len(files), 'archivo')} en {resources_dir}")


def check_manual(manual_dir: Path) -> CheckResult:
    """The Manual de usuario (F1): every chapter a window opens, and every screenshot the
    chapters show, is there and reads."""
    from PySide6.QtGui import QImageReader

    from icsoe_desktop.gui.capitulos import CAPITULOS, INDICE, SI_ALGO_SALE_MAL
    from icsoe_desktop.gui.manual import imagenes

    name = "Manual de usuario"
    wanted = {INDICE, SI_ALGO_SALE_MAL} | {c.archivo for c in CAPITULOS.values()}
    problems = [f"falta {file}" for file in sorted(wanted) if not (manual_dir / file).is_file()]
    chapters = sorted(manual_dir.glob("*.md"))
    images = 0
    for chapter in chapters:
        try:
            text = chapter.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            problems.append(f"no se pudo leer {chapter.name} ({exc})")
            continue
        for image in imagenes(text):
            images += 1
            if not _imagen_legible(QImageReader(str(manual_dir / image))):
                problems.append(f"no se pudo dibujar {image} de {chapter.name}")
    if problems:
        return CheckResult(False, name, "; ".join(problems))
    return CheckResult(
        True,
        name,
        f"{plural(len(chapters), 'capítulo')}, {plural(images, 'imagen', 'imágenes')}, en {manual_dir}",
    )


_PNG_FIRMA = b"\x89PNG\r\n\x1a\n"


def _imagen_legible(reader: QImageReader) -> bool:
    """Qt knows the image's format and the file is whole. A PNG (every screenshot) is checked
    chunk by chunk against its CRCs, which finds a cut or damaged file as decoding it would,
    without decoding the manual's ~70 screenshots (~0.2 s of each self-check)."""
    if not reader.canRead():
        return False
    if bytes(reader.format().data()) != b"png":
        return not reader.read().isNull()
    try:
        data = Path(reader.fileName()).read_bytes()
    except OSError:
        return False
    return _png_entero(data)


def _png_entero(data: bytes) -> bool:
    """Every chunk of the PNG ``data`` matches its CRC, and the image ends (IEND)."""
    import zlib

    if not data.startswith(_PNG_FIRMA):
        return False
    pos = len(_PNG_FIRMA)
    while pos + 12 <= len(data):
        size = int.from_bytes(data[pos : pos + 4], "big")
        end = pos + 8 + size
        if end + 4 > len(data):
            return False
        if zlib.crc32(data[pos + 4 : end]) != int.from_bytes(data[end : end + 4], "big"):
            return False
        if data[pos + 4 : pos + 8] == b"IEND":
            return True
        pos = end + 4
    return False


def check_emisores(data_dir: Path | None) -> CheckResult:
    """How many certificate authorities are installed: without the shipped SAT ones, every
    real e.firma would be refused."""
    from icsoe_desktop.domain.trust import TrustStore
    from icsoe_desktop.services.certificados.emisores import read_folders, trusted_folders

    name = "Emisores confiables"
    # Without a data dir only the shipped folder can be read.
    folders = trusted_folders(data_dir) if data_dir is not None else trusted_folders(Path())[:1]
    emisores = TrustStore(read_folders(folders)).emisores
    incluidos = sum(1 for e in emisores if e.incluido)
    agregados = len(emisores) - incluidos
    plural = "" if agregados == 1 else "s"
    text = (
        f"{len(emisores)} instalados ({incluidos} incluidos del SAT, {agregados} agregado{plural})"
    )
    if incluidos == 0:
        return CheckResult(False, name, f"{text}: faltan los del SAT en {folders[0]}")
    return CheckResult(True, name, text)


def check_translation() -> CheckResult:
    from PySide6.QtCore import QLibraryInfo
    from PySide6.QtWidgets import QApplication

    from icsoe_desktop.gui.style import spanish_qt_translator

    name = "Traducción de Qt"
    translator = spanish_qt_translator(QApplication.instance())
    if translator is None:
        folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
        return CheckResult(False, name, f"no se encontró qtbase_es.qm en «{Path(folder)}»")
    # Qt writes «/»; shown as the system writes paths (C:\…\qtbase_es.qm on Windows).
    return CheckResult(True, name, f"español ({Path(translator.filePath())})")


def _keyring_backend() -> str:
    """The backend the app keeps secrets in (services/secrets.py), e.g. "Windows WinVaultKeyring"."""
    from icsoe_desktop.services.secrets import choose_backend

    backend = choose_backend()
    if backend is None:
        return "ninguno"
    if not type(backend).__module__.startswith("keyring.backends."):
        # Only one named in PYTHON_KEYRING_BACKEND gets here: the test suite's.
        return f"{backend.name} (nombrado en PYTHON_KEYRING_BACKEND: sólo para pruebas)"
    return backend.name


def check_keyring() -> CheckResult:
    """Write, read back and delete a throw-away secret through the app's secrets service."""
    from icsoe_desktop.domain.errors import DomainError
    from icsoe_desktop.services.secrets import SecretsService

    name = "Llavero"
    service = SecretsService()
    if not service.available():
        return CheckResult(False, name, NO_KEYRING)
    key = f"prueba-{random_tokens.token_hex(4)}"
    value = random_tokens.token_urlsafe(16)
    try:
        service.set(KEYRING_SCOPE, key, value)
    except DomainError:
        return CheckResult(
            False,
            name,
            f"el llavero del sistema ({_keyring_backend()}) no permitió guardar una contraseña de "
            "prueba (¿está bloqueado?); revisa el registro de la aplicación",
        )
    read_back = service.get(KEYRING_SCOPE, key)
    service.delete(KEYRING_SCOPE, key)
    if read_back != value:
        return CheckResult(False, name, f"{_keyring_backend()} no devolvió lo que se guardó")
    if service.get(KEYRING_SCOPE, key) is not None:
        return CheckResult(False, name, f"{_keyring_backend()} no borró la entrada de prueba")
    return CheckResult(True, name, f"{_keyring_backend()} (guardar, leer y borrar)")


def check_smtp(data_dir: Path) -> CheckResult:
    """settings.toml parses and, when mail is configured, the configuration is valid."""
    from icsoe_desktop.config import (
        SETTINGS_FILE,
        SettingsFileError,
        load_settings,
        read_settings_file,
    )
    from icsoe_desktop.domain.errors import ValidationError
    from icsoe_desktop.services.settings import validate_smtp

    name = "Correo (SMTP)"
    try:
        read_settings_file(data_dir)
    except SettingsFileError:
        log.exception("Autodiagnóstico: %s", SETTINGS_FILE)
        return CheckResult(
            False,
            name,
            f"«{data_dir / SETTINGS_FILE}» está dañado; la aplicación usa valores por omisión "
            "(vuelve a guardar la configuración del correo)",
        )
    smtp = load_settings(data_dir).smtp
    if not smtp.host and not smtp.remitente:
        return CheckResult(True, name, "sin configurar (Configuración ▸ Correo saliente)")
    try:
        smtp = validate_smtp(smtp)
    except ValidationError as exc:
        return CheckResult(False, name, exc.message)
    detail = f"{smtp.host}:{smtp.port} ({smtp.seguridad}), remitente {smtp.remitente}"
    return CheckResult(True, name, detail)


# --- running them -------------------------------------------------------------------------------


def _skipped(name: str) -> CheckResult:
    return CheckResult(False, name, "no se revisó: la carpeta de datos no se puede usar")


def _without_display() -> bool:
    """A Linux machine with no display to open (a server, CI over SSH) and no Qt platform
    chosen: Qt's default one would abort the process before the first check."""
    return (
        sys.platform.startswith("linux")
        and not os.environ.get("QT_QPA_PLATFORM")
        and not os.environ.get("DISPLAY")
        and not os.environ.get("WAYLAND_DISPLAY")
    )


def run_checks(cli_value: str | None, emit: Callable[[CheckResult], None]) -> bool:
    from PySide6.QtWidgets import QApplication

    from icsoe_desktop.paths import LOG_FILE, asset_dir

    results: list[CheckResult] = []

    def record(result: CheckResult) -> None:
        results.append(result)
        emit(result)

    data_result, data_dir = check_data_dir(cli_value)
    record(data_result)
    services: Services | None = None
    if data_dir is not None:
        from icsoe_desktop.logging_setup import configure_logging

        configure_logging(data_dir / LOG_FILE)
        log.info("Autodiagnóstico de %s %s", APP_NAME, __version__)
    record(_guarded("Migraciones", check_migrations))
    try:
        if data_dir is None:
            record(_skipped("Base de datos"))
        else:

            def store() -> CheckResult:
                nonlocal services
                result, services = check_store(data_dir)
                return result

            record(_guarded("Base de datos", store))
            for result in check_empresas(services) if services is not None else ():
                record(result)
            if services is not None:
                record(_guarded(EN_CLARO, lambda: check_en_claro(data_dir)))
        if _without_display():
            # The checks show no window: Qt's offscreen platform loads the same forms.
            os.environ["QT_QPA_PLATFORM"] = "offscreen"
        _app = QApplication.instance() or QApplication(sys.argv[:1])
        record(_guarded("Formularios", lambda: check_forms(asset_dir("ui"))))
        record(_guarded("Recursos", lambda: check_resources(asset_dir("resources"))))
        record(_guarded("Manual de usuario", lambda: check_manual(asset_dir("docs") / "manual")))
        record(_guarded("Emisores confiables", lambda: check_emisores(data_dir)))
        record(_guarded("Traducción de Qt", check_translation))
        for name, check in checks():
            record(_guarded(name, check))
        record(_guarded("Llavero", check_keyring))
        if data_dir is None:
            record(_skipped("Correo (SMTP)"))
        else:
            record(_guarded("Correo (SMTP)", lambda: check_smtp(data_dir)))
    finally:
        if services is not None:
            services.close()
    return all(result.ok for result in results)


def header() -> str:
    from PySide6 import __version__ as pyside_version

    frozen = " (instalada)" if getattr(sys, "frozen", False) else ""
    python = ".".join(map(str, sys.version_info[:3]))
    return f"{APP_NAME} {__version__}{frozen} — Python {python}, PySide6 {pyside_version}"


def _show_in_dialog(lines: list[str], ok: bool) -> None:
    """The windowed Windows executable has no console: show the same lines in a box."""
    import html

    from PySide6.QtCore import Qt

    from icsoe_desktop.gui.kit.msgbox import make_box

    verdict = "Todo está en orden." if ok else "Hay problemas: revisa las líneas con FALLA."
    box, _ = make_box(
        None,
        "Information" if ok else "Critical",
        "Autodiagnóstico de icsoe-desktop",
        f"<p>{html.escape(verdict)}</p><pre style='white-space: pre-wrap'>"
        f"{html.escape(chr(10).join(lines))}</pre>",
        [("Aceptar", "accept")],
    )
    # One check per line and aligned, as in the console; wide enough that most lines (paths)
    # fit, wrapped when they do not.
    box.setTextFormat(Qt.TextFormat.RichText)
    box.setStyleSheet("QLabel#qt_msgbox_label { min-width: 720px; }")
    box.exec()


def main(cli_value: str | None) -> int:
    """Print one line per check; 0 when all pass, 1 otherwise."""
    from icsoe_desktop.console import prepare_streams

    console = sys.stdout is not None
    # A Windows console redirected to a file writes cp1252: never a crash, nor a bare «?».
    prepare_streams()
    lines = [header()]
    if console:
        print(lines[0], flush=True)

    def emit(result: CheckResult) -> None:
        lines.append(result.line())
        if console:
            print(lines[-1], flush=True)

    ok = run_checks(cli_value, emit)
    if not console:
        _show_in_dialog(lines, ok)
    return 0 if ok else 1

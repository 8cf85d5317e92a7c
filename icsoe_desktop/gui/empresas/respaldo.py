"""Archivo › Respaldar…, Restaurar… and Reparar la base de datos…: choose the file, run the work
behind a progress dialog, say what happened in Spanish. The checks and the copy are in
services/respaldo/backup.py; the repair in services/respaldo/reparacion.py."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QDialog, QFileDialog, QWidget

from icsoe_desktop.domain.errors import DomainError
from icsoe_desktop.gui.ayuda import en_capitulo
from icsoe_desktop.gui.capitulos import Capitulo
from icsoe_desktop.gui.kit import msgbox
from icsoe_desktop.gui.kit.elegir_archivo import abrir_archivo, guardar_archivo
from icsoe_desktop.services.respaldo.backup import (
    BACKUP_SUFFIX,
    Restaurado,
    default_backup_name,
)

if TYPE_CHECKING:
    from icsoe_desktop.services.container import Services

# F1 in their file dialogs and questions: the backups chapter. Qt's own file dialog, since a
# native one never hands the key to the application.
RESPALDAR = Capitulo("10_respaldo.md", "Respaldar")
RESTAURAR = Capitulo("10_respaldo.md", "Restaurar")
_QT = QFileDialog.Option.DontUseNativeDialog
FILTER = f"Respaldo de icsoe-desktop (*{BACKUP_SUFFIX});;Todos los archivos (*)"
TITLE_RESPALDAR = "Respaldar la base de datos"
TITLE_RESTAURAR = "Restaurar un respaldo"
TITLE_REPARAR = "Reparar la base de datos"


def respaldar(parent: QWidget, services: Services, usuario: str | None) -> None:
    """Ask where, copy with a progress bar; the app keeps running meanwhile."""
    from icsoe_desktop.gui.kit.operaciones import ejecutar_con_barra

    start = str(Path.home() / services.empresa.nombre_de_archivo(default_backup_name()))
    with en_capitulo(parent.window(), RESPALDAR):
        path, _ = guardar_archivo(parent, TITLE_RESPALDAR, start, FILTER, options=_QT)
    if not path:
        return
    ejecutar_con_barra(
        parent,
        "Respaldando la base de datos…",
        lambda progress, _cancelled: services.backup.backup(Path(path), usuario, progress),
        lambda written: _respaldado(parent, written),
        cancelable=False,
        titulo=TITLE_RESPALDAR,
    )


def _respaldado(parent: QWidget, written: Path) -> None:
    with en_capitulo(parent.window(), RESPALDAR):
        msgbox.information(
            parent,
            f"El respaldo se guardó en «{written}».\n\nGuárdalo en otro disco o equipo, en un lugar "
            "seguro: contiene los datos de los trabajadores (NSS, CURP, salarios) y las huellas de "
            "las contraseñas de los usuarios que pueden abrir la empresa. No contiene las llaves de "
            "los certificados ni la contraseña del correo: ésas quedan en el almacén de credenciales "
            "de Windows de este equipo.",
            TITLE_RESPALDAR,
        )


def restaurar(
    parent: QWidget, services: Services, usuario: str | None, restaurado: Callable[[], None]
) -> None:
    """Choose a backup, confirm, check and put it in place in the background; once the store
    was replaced, ``restaurado()`` (the caller signs out: the restored store has its own
    users)."""
    with en_capitulo(parent.window(), RESTAURAR):
        path, _ = abrir_archivo(parent, TITLE_RESTAURAR, str(Path.home()), FILTER, options=_QT)
        if not path or not msgbox.question(
            parent,
            f"Se reemplazará la base de datos actual por el respaldo «{Path(path).name}». La base "
            "de datos actual se conserva a un lado, en la carpeta de datos. Después tendrás que "
            "iniciar sesión de nuevo. ¿Deseas continuar?",
            yes="Restaurar",
            title=TITLE_RESTAURAR,
        ):
            return

    def hecho(hecha: Restaurado) -> None:
        texto = (
            f"Se restauró el respaldo «{Path(path).name}». La base de datos anterior quedó "
            f"en «{hecha.aparte}».\n\n"
            + "".join(f"{aviso}\n\n" for aviso in hecha.avisos)
            + "Inicia sesión de nuevo."
        )
        with en_capitulo(parent.window(), RESTAURAR):
            # What the clerk must act on (a backup in clear, an emisor to add) as a warning.
            mostrar = msgbox.warning if hecha.avisos else msgbox.information
            mostrar(parent, texto, TITLE_RESTAURAR)
        restaurado()

    _restaurar_con(parent, services, usuario, Path(path), None, hecho)


def _restaurar_con(
    parent: QWidget,
    services: Services,
    usuario: str | None,
    path: Path,
    codigo: str | None,
    hecho: Callable[[Restaurado], None],
) -> None:
    """The restore in the background; ``codigo``: the one typed for a backup of another
    installation. (Module functions, not closures of each other: no cycle keeps the window.)"""
    from icsoe_desktop.gui.kit.operaciones import ejecutar

    ejecutar(
        parent,
        "Revisando y restaurando el respaldo…",
        lambda: services.backup.restore(path, usuario, codigo),
        hecho,
        al_fallar=lambda exc: _no_restaurado(parent, services, usuario, path, codigo, hecho, exc),
        titulo=TITLE_RESTAURAR,
    )


def _no_restaurado(
    parent: QWidget,
    services: Services,
    usuario: str | None,
    path: Path,
    codigo: str | None,
    hecho: Callable[[Restaurado], None],
    exc: DomainError,
) -> None:
    """The refusal said; a backup of another installation: its code asked for, then the
    restore again."""
    if exc.code != "respaldo_pide_codigo" or codigo is not None:
        with en_capitulo(parent.window(), RESTAURAR):
            msgbox.warning(parent, exc.message, TITLE_RESTAURAR)
        return
    from icsoe_desktop.gui.empresas.codigo_respaldo import CodigoRespaldoDialog
    from icsoe_desktop.gui.kit.modal import ejecutar_modal

    dialogo = CodigoRespaldoDialog(path, parent)
    with en_capitulo(parent.window(), RESTAURAR):
        aceptado = ejecutar_modal(dialogo) == QDialog.DialogCode.Accepted.value
    if aceptado:
        _restaurar_con(parent, services, usuario, path, dialogo.codigo_aceptado, hecho)


def reparar(
    parent: QWidget,
    services: Services,
    usuario: str | None,
    hecho: Callable[[], None] | None = None,
) -> None:
    """Confirm, then check the store, rescue its readable rows when it is damaged, recount
    its sums and sync, in the background; say how many rows came from where. ``hecho``: once
    said (the window shows the store as it is now)."""
    from icsoe_desktop.gui.kit.operaciones import ejecutar

    if not msgbox.question(
        parent,
        "Se revisará la base de datos de la empresa. Si está dañada, cada renglón que todavía se "
        "lee se copia a un archivo nuevo que toma su lugar (la dañada se conserva a un lado, en "
        "la carpeta de datos) y, con sincronización, se recibe del servidor lo que se perdió. "
        "¿Deseas continuar?",
        yes="Reparar",
        title=TITLE_REPARAR,
    ):
        return
    ejecutar(
        parent,
        "Revisando y reparando la base de datos…",
        lambda: services.reparacion.reparar(usuario),
        lambda hecha: _reparada(parent, hecha.texto, hecho),
        titulo=TITLE_REPARAR,
    )


def _reparada(parent: QWidget, texto: str, hecho: Callable[[], None] | None) -> None:
    msgbox.information(parent, texto, TITLE_REPARAR)
    if hecho is not None:
        hecho()


def avisar(parent: QWidget | None, services: Services) -> None:
    """Tell, once, what opening the empresa did: a restore interrupted earlier (the app closed,
    the machine went off) was finished or undone (services/respaldo/restauracion.py)."""
    avisos = list(services.avisos)
    services.avisos.clear()
    for aviso in avisos:
        msgbox.information(parent, aviso, TITLE_RESTAURAR)

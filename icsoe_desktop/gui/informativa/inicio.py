"""The pantalla de inicio of the informativas (guía Ingreso del capturista, paso 11): the
contratista's informativas by cuatrimestre with their deadlines, and the ways to start, open or
discard one. Once shown, the stored constancias of its Presentada ones not yet verified by the
current checks are verified in the background, as a sync does; a refused one is told under
the list. A lapsed REPSE registration is told in red above it, one whose renewal is due
as a notice, read again whenever the store changes. The capturista's window and the
contratista's show this same widget; only the contratista may sign (``puede_firmar``)."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QModelIndex, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QBrush, QFont, QKeyEvent
from PySide6.QtWidgets import QHeaderView, QLabel, QPushButton, QTableView, QWidget

from icsoe_desktop.domain.cambios import ICSOE, Cambios
from icsoe_desktop.domain.errors import DomainError
from icsoe_desktop.domain.informativa import repse
from icsoe_desktop.domain.informativa.modelo import (
    EN_CAPTURA,
    FIRMADA,
    LISTA_PARA_FIRMA,
    SIN_INFORMACION,
)
from icsoe_desktop.domain.texts import plural
from icsoe_desktop.gui.kit import colores, lector, msgbox
from icsoe_desktop.gui.kit.colores import BASE
from icsoe_desktop.gui.kit.forms import child, load_form
from icsoe_desktop.gui.kit.lector import describir_lista
from icsoe_desktop.gui.kit.modal import ejecutar_modal
from icsoe_desktop.gui.kit.notificador import suscribir
from icsoe_desktop.gui.kit.operaciones import en_segundo_plano
from icsoe_desktop.gui.kit.rows_derecha import RowsDerechaModel
from icsoe_desktop.gui.kit.rows_model import Index

log = logging.getLogger(__name__)

if TYPE_CHECKING:
    from icsoe_desktop.gui.informativa.ventana import InformativaWindow
    from icsoe_desktop.services.container import Services
    from icsoe_desktop.services.informativa.captura import FilaInformativa
    from icsoe_desktop.services.informativa.repse import Registro

TITLE = "Informativas"
HEADERS = (
    "Periodo",
    "Tipo",
    "Estado",
    "Contratos",
    "Trabajadores",
    "Fecha límite",
    "Días restantes",
    "Folio IMSS",
)
ESTADO, CONTRATOS, TRABAJADORES, DIAS = 2, 3, 4, 6
ELIMINABLES = (EN_CAPTURA, LISTA_PARA_FIRMA)
OPEN_KEYS = (Qt.Key.Key_Return, Qt.Key.Key_Enter)
MSG_ELIMINAR = (
    "Se eliminará la informativa {tipo} del periodo {periodo}, con {contratos} y {trabajadores}. "
    "¿Deseas continuar?"
)
MSG_ELIMINADA = "Se eliminó la informativa {tipo} del periodo {periodo}."
MSG_SIN_INFORMACION = (
    "Se registró la informativa Sin información del periodo {periodo}: queda lista para firma."
)


def _cells(fila: FilaInformativa) -> tuple[str, ...]:
    con_informativa = fila.uuid is not None
    return (
        fila.periodo.texto,
        fila.tipo_texto,
        fila.estado_texto,
        str(fila.contratos) if con_informativa else "",
        f"{fila.trabajadores:,}" if con_informativa else "",
        f"{fila.fecha_limite:%d/%m/%Y}",
        fila.dias_texto,
        fila.folio_imss,
    )


class InformativasModel(RowsDerechaModel["FilaInformativa"]):
    """The rows of the pantalla de inicio; a past-due period not filed reads in red, and a
    signed one not filed yet («Firmada, sin presentar») in bold."""

    def __init__(self) -> None:
        super().__init__(HEADERS, _cells, derecha={CONTRATOS, TRABAJADORES})

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return super().data(index, role)
        fila = self.rows[index.row()]
        if role == Qt.ItemDataRole.ForegroundRole and index.column() in (ESTADO, DIAS):
            return QBrush(colores.color(colores.ERROR, BASE)) if fila.vencida else None
        if role == Qt.ItemDataRole.FontRole and index.column() == ESTADO and fila.estado == FIRMADA:
            fuente = QFont()
            fuente.setBold(True)
            return fuente
        return super().data(index, role)


class InformativasInicio(QWidget):
    """``actor``: the capturista's CURP or the contratista's RFC. Its buttons carry their own
    letters (the form's), free in both windows: the capturista's (Seleccionar, Cerrar sesión)
    and the contratista's menus (Administración, Informativas, Sesión)."""

    changed = Signal()

    def __init__(
        self,
        services: Services,
        actor: str,
        contratista_rfc: str,
        puede_firmar: bool = False,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("InformativasInicio")
        self._services = services
        self.actor = actor
        self.rfc = contratista_rfc
        self.puede_firmar = puede_firmar
        self.ventanas: dict[str, InformativaWindow] = {}
        form = load_form("informativas_inicio.ui", self)
        self.tabla = child(form, QTableView, "informativasTable")
        describir_lista(self.tabla, "Las informativas del contratista, una por periodo")
        self.nueva = child(form, QPushButton, "nuevaButton")
        self.sin_informacion = child(form, QPushButton, "sinInformacionButton")
        self.abrir = child(form, QPushButton, "abrirButton")
        self.eliminar = child(form, QPushButton, "eliminarButton")
        self.constancias = child(form, QLabel, "constanciasLabel")
        self.constancias.hide()
        colores.pintar(self.constancias, colores.ERROR)
        self.repse = child(form, QLabel, "repseLabel")
        self.repse.hide()
        self._repse_leido = 0  # the newest read asked: an older one answering late is dropped
        self.model = InformativasModel()
        self.tabla.setModel(self.model)
        self.tabla.verticalHeader().setVisible(False)
        header = self.tabla.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.tabla.selectionModel().currentRowChanged.connect(self._update_buttons)
        self.tabla.doubleClicked.connect(lambda _index: self.abrir_seleccionada())
        self.tabla.installEventFilter(self)
        self.nueva.clicked.connect(lambda: self.nueva_informativa())
        self.sin_informacion.clicked.connect(lambda: self.nueva_informativa(sin_informacion=True))
        self.abrir.clicked.connect(self.abrir_seleccionada)
        self.eliminar.clicked.connect(self.eliminar_seleccionada)
        self.recargar()
        self._leer_repse()
        suscribir(self, services, {ICSOE}, self._on_cambios)  # a signature, an import, a sync
        # Once its window is up: never in the way of the first one.
        QTimer.singleShot(0, self, self._comprobar_constancias)

    def _on_cambios(self, _cambios: Cambios) -> None:
        self.recargar()
        self._leer_repse()

    def _leer_repse(self) -> None:
        """The contratista's REPSE registration read off the window's thread."""
        self._repse_leido += 1
        pedido, servicio, rfc, actor = self._repse_leido, self._services.repse, self.rfc, self.actor
        en_segundo_plano(
            lambda: servicio.ver(rfc, actor),
            lambda registro: self._mostrar_repse(pedido, registro),
            lambda exc: log.warning("No se leyó el registro REPSE: %r", exc),
            self,
        )

    def _mostrar_repse(self, pedido: int, registro: Registro | None) -> None:
        if pedido != self._repse_leido:
            return
        texto = (
            repse.aviso_registro(registro.estado, registro.aviso, registro.vence)
            if registro is not None
            else None
        )
        if texto is None:
            self.repse.hide()
            self.repse.clear()
            return
        self.repse.show()
        if texto == self.repse.text():
            return  # said once, not again at every change of the store
        vencido = registro is not None and registro.estado in repse.EN_ROJO
        colores.pintar(self.repse, colores.ERROR if vencido else colores.AVISO)
        lector.estado(self.repse, texto, urgente=vencido)

    def _comprobar_constancias(self) -> None:
        """The stored constancias of the Presentada ones verified off the window's thread
        (services/informativa/constancias_guardadas.py, as a sync verifies them)."""
        servicio, rfc, actor = self._services.informativas, self.rfc, self.actor
        en_segundo_plano(
            lambda: servicio.constancias_guardadas(rfc, actor),
            self._constancias_refutadas,
            lambda exc: log.warning("No se verificaron las constancias guardadas: %r", exc),
            self,
        )

    def _constancias_refutadas(self, mensajes: tuple[str, ...]) -> None:
        """Each refused constancia told under the list, as the sync tells it; the list read
        again, as each verified one's signing date is now noted proven or not."""
        self.recargar()
        if mensajes:
            self.constancias.show()
            lector.estado(self.constancias, "\n".join(mensajes), urgente=True)

    # --- the grid ------------------------------------------------------------------------------

    def recargar(self, seleccionar: str | None = None) -> None:
        """Read the tablero again, keeping the selected informativa (or ``seleccionar``)."""
        actual = self.seleccionada()
        elegida = seleccionar or (actual.uuid if actual else None)
        elegido_periodo = actual.periodo if actual and not seleccionar else None
        try:
            filas = self._services.informativas.tablero(self.rfc, self.actor)
        except DomainError as exc:
            msgbox.warning(self, exc.message, TITLE)
            filas = []
        self.model.set_rows(filas)
        fila_elegida = 0
        for position, fila in enumerate(filas):
            if (elegida and fila.uuid == elegida) or (
                not elegida and elegido_periodo is not None and fila.periodo == elegido_periodo
            ):
                fila_elegida = position
                break
        if filas:
            self.tabla.setCurrentIndex(self.model.index(fila_elegida, 0))
        self._update_buttons()

    def seleccionada(self) -> FilaInformativa | None:
        index = self.tabla.currentIndex()
        return self.model.rows[index.row()] if index.isValid() else None

    def seleccionar(self, uuid: str) -> None:
        for position, fila in enumerate(self.model.rows):
            if fila.uuid == uuid:
                self.tabla.setCurrentIndex(self.model.index(position, 0))

    def _update_buttons(self, *_args: object) -> None:
        fila = self.seleccionada()
        self.abrir.setEnabled(fila is not None)
        self.eliminar.setEnabled(fila is not None and fila.estado in ELIMINABLES)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        pressed = watched is self.tabla and event.type() == QEvent.Type.KeyPress
        if pressed and isinstance(event, QKeyEvent) and event.key() in OPEN_KEYS:
            self.abrir_seleccionada()
            return True
        if pressed and isinstance(event, QKeyEvent) and event.key() == Qt.Key.Key_Delete:
            self.eliminar_seleccionada()
            return True
        return super().eventFilter(watched, event)

    # --- actions -------------------------------------------------------------------------------

    def nueva_informativa(self, sin_informacion: bool = False, periodo=None) -> str | None:
        from icsoe_desktop.gui.informativa.nueva import NuevaInformativaDialog

        if periodo is None and (fila := self.seleccionada()) is not None:
            periodo = fila.periodo  # the period chosen in the list is the one meant
        try:
            dialog = NuevaInformativaDialog(
                self._services, self.actor, self.rfc, self, periodo, sin_informacion
            )
        except DomainError as exc:
            msgbox.warning(self, exc.message, TITLE)
            return None
        if not ejecutar_modal(dialog) or dialog.uuid is None:
            return None
        self.recargar(seleccionar=dialog.uuid)
        self.changed.emit()
        if dialog.tipo == SIN_INFORMACION:
            texto = MSG_SIN_INFORMACION.format(periodo=dialog.periodo_elegido().texto)
            msgbox.information(self, texto, TITLE)
        if dialog.tipo != SIN_INFORMACION or self.puede_firmar:  # the contratista signs it now
            self.abrir_informativa(dialog.uuid)
        return dialog.uuid

    def abrir_seleccionada(self) -> None:
        fila = self.seleccionada()
        if fila is None:
            return
        if fila.uuid is None:  # a period still without one: start it
            self.nueva_informativa(periodo=fila.periodo)
        else:
            self.abrir_informativa(fila.uuid)

    def abrir_informativa(self, uuid: str) -> InformativaWindow | None:
        from icsoe_desktop.gui.informativa.ventana import InformativaWindow

        ventana = self.ventanas.get(uuid)
        if ventana is None:
            try:
                ventana = InformativaWindow(
                    self._services, self.actor, self.rfc, uuid, self.puede_firmar, self.window()
                )
            except DomainError as exc:
                msgbox.warning(self, exc.message, TITLE)
                self.recargar()
                return None
            self.ventanas[uuid] = ventana
            ventana.changed.connect(self._on_ventana_changed)
            ventana.closed.connect(lambda u=uuid: self._on_ventana_closed(u))
        ventana.show()
        ventana.raise_()
        ventana.activateWindow()
        return ventana

    def _on_ventana_changed(self) -> None:
        self.recargar()
        self.changed.emit()

    def _on_ventana_closed(self, uuid: str) -> None:
        self.ventanas.pop(uuid, None)
        self.recargar()
        self.tabla.setFocus()

    def eliminar_seleccionada(self) -> None:
        fila = self.seleccionada()
        if fila is None or fila.uuid is None or fila.estado not in ELIMINABLES:
            return
        datos = {
            "tipo": fila.tipo_texto,
            "periodo": fila.periodo.texto,
            "contratos": plural(fila.contratos, "contrato"),
            "trabajadores": plural(fila.trabajadores, "trabajador", "trabajadores"),
        }
        if not msgbox.question(
            self, MSG_ELIMINAR.format(**datos), yes="Eliminar", title="Eliminar informativa"
        ):
            return
        ventana = self.ventanas.pop(fila.uuid, None)
        if ventana is not None:
            ventana.close()
        try:
            self._services.informativas.eliminar(fila.uuid, self.actor)
        except DomainError as exc:
            msgbox.warning(self, exc.message, TITLE)
        else:
            msgbox.information(self, MSG_ELIMINADA.format(**datos), TITLE)
        self.recargar()
        self.changed.emit()

    def cerrar_ventanas(self) -> None:
        """Close every informativa this screen opened (the session ends, the contratista
        changes)."""
        for ventana in list(self.ventanas.values()):
            ventana.close()
        self.ventanas.clear()

    def index_of_periodo(self, texto: str) -> QModelIndex:
        """The row of a period by its text (tests and keyboard users find rows by period)."""
        for position, fila in enumerate(self.model.rows):
            if fila.periodo.texto == texto:
                return self.model.index(position, 0)
        return QModelIndex()

"""ICSOE › Vencimientos: every contratista's informativas still to file (a signed one until its
IMSS acuse is registered: «Firmada, sin presentar», in bold), in every empresa the user may
open, with their deadlines: past due first, in red; below, the REPSE registrations to renew and
the SISUB of the INFONAVIT still to file (its own deadlines)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QFont
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from icsoe_desktop.domain.cambios import (
    CERTIFICADOS,
    EVIDENCIAS,
    ICSOE,
    NOMINA,
    REGISTROS,
    Cambios,
)
from icsoe_desktop.domain.errors import DomainError
from icsoe_desktop.domain.informativa.modelo import FIRMADA
from icsoe_desktop.domain.texts import plural
from icsoe_desktop.gui.informativa.vencimientos_evidencias import EvidenciasPendientes
from icsoe_desktop.gui.informativa.vencimientos_repse import RegistrosRepse
from icsoe_desktop.gui.informativa.vencimientos_sisub import SisubPendientes
from icsoe_desktop.gui.kit import colores, mnemonics, msgbox
from icsoe_desktop.gui.kit.colores import BASE
from icsoe_desktop.gui.kit.geometria import centrar
from icsoe_desktop.gui.kit.notificador import suscribir
from icsoe_desktop.gui.kit.rows_derecha import RowsDerechaModel
from icsoe_desktop.gui.kit.rows_model import Index
from icsoe_desktop.gui.kit.tabla_lectura import tabla_de_lectura
from icsoe_desktop.services.evidencias import vencimientos as plazos_evidencias
from icsoe_desktop.services.informativa.captura import texto_dias
from icsoe_desktop.services.informativa.vencimientos import Tablero, Vencimiento
from icsoe_desktop.services.sisub import vencimientos as plazos_sisub

if TYPE_CHECKING:
    from icsoe_desktop.services.container import Services

TITLE = "Vencimientos de informativas ICSOE"
CABECERAS = (
    "Empresa",
    "Contratista RFC",
    "Contratista",
    "Periodo",
    "Estado",
    "Fecha límite",
    "Días restantes",
)
SIN_PLAZO = "Sin plazo (complementaria)"
MSG_NADA = (
    "No hay informativas pendientes: cada contratista de tus empresas tiene presentados sus "
    "periodos vencidos y el periodo en curso."
)
MSG_SIN_CONTRATISTAS = "Ninguna de tus empresas tiene contratistas ICSOE registrados."
MSG_SIN_LEER = "No se pudo leer la base de datos de: {empresas}."


def _celdas(f: Vencimiento) -> tuple[str, ...]:
    return (
        f.empresa.marcada(f.empresa.nombre),
        f.contratista_rfc,
        f.contratista_nombre,
        f.periodo.texto,
        f.estado_texto,
        "—" if f.complementaria else f.fecha_limite.strftime("%d/%m/%Y"),
        SIN_PLAZO if f.complementaria else texto_dias(f.dias_restantes),  # as the list says
    )


class VencimientosModel(RowsDerechaModel[Vencimiento]):
    """Past-due rows in red; a signed period not filed yet in bold. The days left are words
    («Faltan 54 días»), aligned as the informativas list aligns them: left."""

    def __init__(self) -> None:
        super().__init__(CABECERAS, _celdas, derecha=())

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if index.isValid() and role == Qt.ItemDataRole.ForegroundRole:
            return (
                QBrush(colores.color(colores.ERROR, BASE))
                if self.rows[index.row()].vencida
                else None
            )
        if index.isValid() and role == Qt.ItemDataRole.FontRole:
            if self.rows[index.row()].estado != FIRMADA:
                return None
            fuente = QFont()
            fuente.setBold(True)
            return fuente
        if index.isValid() and role == Qt.ItemDataRole.ToolTipRole:
            fila = self.rows[index.row()]
            empresa = fila.empresa.marcada(fila.empresa.etiqueta)
            return f"{empresa}: {fila.contratista_nombre} ({fila.contratista_rfc})"
        return super().data(index, role)


class VencimientosDialog(QDialog):
    """``usuario``: who signed in (None: sólo consulta), whose empresas are looked through."""

    def __init__(
        self, services: Services, usuario: str | None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("VencimientosDialog")
        self.setWindowTitle(TITLE)
        self._services, self._usuario = services, usuario
        layout = QVBoxLayout(self)
        self.resumen = QLabel()
        self.resumen.setObjectName("resumenLabel")
        self.resumen.setWordWrap(True)
        layout.addWidget(self.resumen)
        self.model = VencimientosModel()
        self.tabla = tabla_de_lectura(
            "vencimientosTable",
            "Vencimientos",
            "Las informativas de cada contratista y su fecha límite, una por fila",
            self.model,
        )
        layout.addWidget(self.tabla, 1)
        self.repse = RegistrosRepse()
        layout.addWidget(self.repse)
        self.sisub = SisubPendientes()
        layout.addWidget(self.sisub)
        self.evidencias = EvidenciasPendientes()
        layout.addWidget(self.evidencias)
        self.aviso = QLabel()
        self.aviso.setObjectName("avisoLabel")
        self.aviso.setWordWrap(True)
        colores.pintar(self.aviso, colores.ERROR)
        layout.addWidget(self.aviso)
        buttons = QDialogButtonBox()
        self.actualizar = QPushButton("Actualizar")
        self.actualizar.setObjectName("actualizarButton")
        self.actualizar.setAutoDefault(False)
        self.cerrar = QPushButton("Cerrar")
        self.cerrar.setObjectName("cerrarButton")
        self.cerrar.setDefault(True)
        buttons.addButton(self.actualizar, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.cerrar, QDialogButtonBox.ButtonRole.RejectRole)
        layout.addWidget(buttons)
        self.actualizar.clicked.connect(self.refresh)
        self.cerrar.clicked.connect(self.reject)
        # Qt makes the box's default button (Cerrar) its focus proxy: Tab would enter the box
        # there and leave it after, never reaching Actualizar.
        buttons.setFocusProxy(None)  # type: ignore[arg-type]  # None: no proxy (Qt's API)
        self.resize(1240, 520)  # fits a 1366×768 screen with its frame
        centrar(self, parent)  # fits the screen, centred on its window
        self.tablero: Tablero | None = None  # read by refresh
        self.refresh()
        suscribir(
            self, services, {CERTIFICADOS, REGISTROS, ICSOE, NOMINA, EVIDENCIAS}, self._on_cambios
        )
        # High contrast switched on or off while open: the summary's red and its «en rojo».
        colores.aviso().cambio.connect(self._escribir_resumen)
        mnemonics.assign(self)  # Alt-letters for every button and labelled field
        self.tabla.setFocus()

    def _on_cambios(self, _cambios: Cambios) -> None:
        self.refresh()

    def _escribir_resumen(self) -> None:
        if self.tablero is not None:
            colores.texto(self.resumen, _resumen(self.tablero))

    def refresh(self) -> None:
        try:
            tablero = self._services.vencimientos.tablero(self._usuario)
        except DomainError as exc:
            msgbox.warning(self, exc.message, TITLE)
            return
        self.tablero = tablero
        self.model.set_rows(tablero.filas)
        self.repse.mostrar(tablero.repse)
        self.sisub.mostrar(tablero.secciones.de(plazos_sisub.FUENTE))
        self.evidencias.mostrar(tablero.secciones.de(plazos_evidencias.FUENTE))
        for column in range(len(CABECERAS)):
            if column != 2:
                self.tabla.resizeColumnToContents(column)
        header = self.tabla.horizontalHeader()
        header.resizeSection(0, min(header.sectionSize(0), 260))
        self._escribir_resumen()
        self.aviso.setText(_sin_leer(tablero))
        self.aviso.setVisible(bool(tablero.sin_leer))


def _sin_leer(tablero: Tablero) -> str:
    """The empresas not read, named; each whose store said why, with its reason beneath."""
    if not tablero.sin_leer:
        return ""
    nombres = ", ".join(e.etiqueta for e in tablero.sin_leer)
    motivos = [
        f"{e.etiqueta}: {tablero.motivos[e.archivo]}"
        for e in tablero.sin_leer
        if e.archivo in tablero.motivos
    ]
    return "\n".join([MSG_SIN_LEER.format(empresas=nombres), *motivos])


def _resumen(tablero: Tablero) -> str:
    if not tablero.filas:
        return MSG_NADA if tablero.contratistas else MSG_SIN_CONTRATISTAS
    pendientes = plural(len(tablero.filas), "periodo pendiente", "periodos pendientes")
    vencidos = tablero.vencidas
    if not vencidos:
        return f"{pendientes} de presentar; ninguno vencido."
    # Under high contrast the past-due rows are in the system's text colour: the words of
    # their Días restantes mark them, the red only where it is shown.
    rojo = "en rojo, " if colores.se_ve(colores.ERROR, BASE) else ""
    return (
        f"{pendientes} de presentar; <span style='color:{colores.PROPIO[colores.ERROR]}'><b>"
        f"{plural(vencidos, 'vencido')}</b></span> ({rojo}los que dicen «Vencida hace…»): "
        "preséntalos cuanto antes."
    )

"""ICSOE › Evidencias del cliente: clients × the twelve months up to the one chosen, each cell
saying whether the month's evidence is complete, what is missing («Faltan 2») or that no receipt
names the client; past its due day and incomplete, in red. Under the list, what the client and
month of the current cell lack, item by item with the due day, as text a screen reader and the
keyboard reach (not only a tooltip), then what was kept with a warning. A cell also counts the
receipts the client's workers lack against their pay periodicity, as ``estado`` names them
(counted off the window's thread once the board is shown). The due day of the client chosen is
set beside the list (its portal's day; the 17th of the next month when never set);
*Adjuntar…* attaches the month's documents (gui/evidencias/adjuntar.py); *Paquete…* writes that
client's pack of that month (``evidencias paquete``'s service) with a progress bar and
Cancelar, and offers its index to open."""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QBrush, QDesktopServices
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from icsoe_desktop.domain.cambios import EVIDENCIAS, ICSOE, NOMINA, Cambios
from icsoe_desktop.domain.clock import hora_del_centro
from icsoe_desktop.domain.errors import DomainError
from icsoe_desktop.domain.evidencias import DOCUMENTOS, Mes
from icsoe_desktop.domain.roles import Accion
from icsoe_desktop.domain.texts import plural
from icsoe_desktop.gui.evidencias.adjuntar import AdjuntarEvidenciaDialog
from icsoe_desktop.gui.kit import colores, mnemonics, msgbox
from icsoe_desktop.gui.kit.colores import BASE
from icsoe_desktop.gui.kit.elegir_archivo import elegir_carpeta
from icsoe_desktop.gui.kit.geometria import centrar
from icsoe_desktop.gui.kit.modal import abrir_modal
from icsoe_desktop.gui.kit.notificador import suscribir
from icsoe_desktop.gui.kit.operaciones import (
    PRIORIDAD_ESPERADA,
    ejecutar_con_barra,
    en_segundo_plano,
)
from icsoe_desktop.gui.kit.permisos import reflejar
from icsoe_desktop.gui.kit.rows_model import Index, RowsModel
from icsoe_desktop.gui.kit.tabla_lectura import tabla_de_lectura
from icsoe_desktop.services.evidencias.indice import extraer_indice
from icsoe_desktop.services.evidencias.tablero import FilaCliente

if TYPE_CHECKING:
    from icsoe_desktop.services.container import Services
    from icsoe_desktop.services.evidencias.paquete import Paquete
    from icsoe_desktop.services.evidencias.servicio import EstadoCliente

TITLE = "Evidencias del cliente"
FIJAS = ("Cliente RFC", "Cliente", "Entrega")
MESES = ("ene", "feb", "mar", "abr", "may", "jun", "jul", "ago", "sep", "oct", "nov", "dic")
CUANTOS = 12
log = logging.getLogger(__name__)
MSG_ELIGE = "Elige un cliente en la lista: aquí se dice qué le falta del mes de la celda elegida."
MSG_ELIGE_PAQUETE = "Elige en la lista el cliente (y en su fila, el mes) cuyo paquete armas."
MSG_ARMANDO = "Armando el paquete de {cliente} de {mes}…"
MSG_CANCELADO = "Se canceló: no se escribió el paquete."
MSG_HECHO = "Se escribió el paquete «{nombre}» ({archivos}) en {carpeta}."
MSG_ABRIR = "¿Abrir su índice (el mismo que lleva el paquete)?"
MSG_NO_ABRE = "No se pudo abrir «{nombre}»: ábrelo desde {carpeta}."
MSG_NO_LEIDO = "No se pudo leer lo que falta de este mes: pulsa Actualizar."


def _celdas(f: FilaCliente) -> tuple[str, ...]:
    return (f.contratante, f.nombre, f"día {f.dia}", *(c.texto for c in f.celdas))


def _encabezado(mes: Mes) -> str:
    return f"{MESES[mes.mes - 1]} {mes.anio}"


class TableroModel(RowsModel[FilaCliente]):
    """An incomplete month past its due day in red; each cell's tooltip says its due day."""

    def __init__(self) -> None:
        super().__init__((*FIJAS, *([""] * CUANTOS)), _celdas)
        self.hoy = date.today()

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        columna = index.column() - len(FIJAS)
        if not index.isValid() or columna < 0:
            return super().data(index, role)
        celda = self.rows[index.row()].celdas[columna]
        if role == Qt.ItemDataRole.ForegroundRole:
            vencida = celda.pendiente and celda.entrega < self.hoy
            return QBrush(colores.color(colores.ERROR, BASE)) if vencida else None
        if role == Qt.ItemDataRole.ToolTipRole:
            texto = f"Entrega: {celda.entrega:%d/%m/%Y}. {plural(celda.recibos, 'recibo')}"
            if celda.sin_xml:
                texto += f", {celda.sin_xml:,} sin su XML"
            texto += f"; faltan {celda.faltan} de {len(DOCUMENTOS) + 1} documentos"
            if celda.recibos_faltan:
                texto += f" y {plural(celda.recibos_faltan, 'recibo')} de los periodos de pago"
            return texto + "."
        return super().data(index, role)


def resumen(filas: list[FilaCliente], mes: str) -> str:
    """What the board says of the last month, as its cells do: a month «Sin recibos» owes no
    evidence and is not counted as incomplete."""
    ultimas = [f.celdas[-1] for f in filas if f.celdas]
    pendientes = sum(1 for c in ultimas if c.pendiente)
    sin_recibos = sum(1 for c in ultimas if c.recibos == 0)
    partes = [f"{plural(pendientes, 'cliente')} sin la evidencia completa"]
    if sin_recibos:
        partes.append(f"{plural(sin_recibos, 'cliente')} sin recibos (nada que entregar)")
    return (
        f"{plural(len(filas), 'cliente')} en {mes}: {'; '.join(partes)}. En rojo, los meses "
        "ya vencidos."
    )


class EvidenciasTableroDialog(QDialog):
    def __init__(
        self, services: Services, usuario: str | None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("EvidenciasTableroDialog")
        self.setWindowTitle(TITLE)
        self._services, self._usuario = services, usuario
        hoy = hora_del_centro(services.clock()).date()
        layout = QVBoxLayout(self)
        arriba = QHBoxLayout()
        self.mes = QComboBox()
        self.mes.setObjectName("mesCombo")
        ultimo = Mes(hoy.year, hoy.month)
        for n in range(24):  # this month and the 23 before it
            mes = ultimo
            for _ in range(n):
                mes = Mes(mes.anio - (mes.mes == 1), 12 if mes.mes == 1 else mes.mes - 1)
            self.mes.addItem(_encabezado(mes), mes.clave)
        self.mes.setCurrentIndex(1)  # the month whose evidence is due now
        etiqueta = QLabel("Hasta el &mes:")
        etiqueta.setBuddy(self.mes)
        arriba.addWidget(etiqueta)
        arriba.addWidget(self.mes)
        arriba.addStretch(1)
        layout.addLayout(arriba)
        self.resumen = QLabel()
        self.resumen.setObjectName("resumenLabel")
        self.resumen.setWordWrap(True)
        layout.addWidget(self.resumen)
        self.model = TableroModel()
        self.model.hoy = hoy
        self.tabla = tabla_de_lectura(
            "tableroTable",
            "Evidencias por cliente y mes",
            "Cada cliente con lo que le falta de cada mes y su día de entrega",
            self.model,
            estirada=None,
        )
        layout.addWidget(self.tabla, 1)
        # What the current cell lacks, as text: read by the keyboard and a screen reader.
        faltan = QLabel("Lo que &falta:")
        layout.addWidget(faltan)
        self.faltan = QPlainTextEdit()
        self.faltan.setObjectName("faltanText")
        self.faltan.setReadOnly(True)
        self.faltan.setTabChangesFocus(True)
        self.faltan.setAccessibleDescription(
            "Del cliente y el mes de la celda elegida: la fecha de entrega y cada cosa que falta"
        )
        self.faltan.setFixedHeight(self.fontMetrics().lineSpacing() * 7)
        faltan.setBuddy(self.faltan)
        layout.addWidget(self.faltan)
        self._estados: dict[str, list[EstadoCliente]] = {}  # by month, until the next refresh
        self._pedido_faltan = 0  # the newest cell asked: an older read answering late is dropped
        self._lectura = 0  # the board's reads: a month read before the last one is not kept
        self.ultimo_paquete: Path | None = None
        abajo = QHBoxLayout()
        self.dia = QSpinBox()
        self.dia.setObjectName("diaSpin")
        self.dia.setRange(1, 31)
        self.dia.setValue(17)
        dia = QLabel("&Día de entrega del cliente (del mes siguiente):")
        dia.setBuddy(self.dia)
        self.guardar_dia = QPushButton("&Guardar día")
        self.guardar_dia.setObjectName("guardarDiaButton")
        self.guardar_dia.setAutoDefault(False)
        abajo.addWidget(dia)
        abajo.addWidget(self.dia)
        abajo.addWidget(self.guardar_dia)
        abajo.addStretch(1)
        layout.addLayout(abajo)
        buttons = QDialogButtonBox()
        self.actualizar = QPushButton("&Actualizar")
        self.actualizar.setObjectName("actualizarButton")
        self.actualizar.setAutoDefault(False)
        self.adjuntar = QPushButton("Adj&untar…")
        self.adjuntar.setObjectName("adjuntarButton")
        self.adjuntar.setAutoDefault(False)
        self.adjuntar.setToolTip(
            "Los documentos del mes para todos los clientes o para uno (declaraciones, acuses, "
            "pagos, opiniones)"
        )
        self.paquete = QPushButton("&Paquete…")
        self.paquete.setObjectName("paqueteButton")
        self.paquete.setAutoDefault(False)
        self.paquete.setToolTip("El paquete del cliente y el mes de la celda elegida")
        self.cerrar = QPushButton("Cerrar")
        self.cerrar.setObjectName("cerrarButton")
        self.cerrar.setAutoDefault(False)  # Enter in the due day never closes the board
        buttons.addButton(self.adjuntar, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.paquete, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.actualizar, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.cerrar, QDialogButtonBox.ButtonRole.RejectRole)
        buttons.setFocusProxy(None)  # type: ignore[arg-type]  # None: no proxy (Qt's API)
        layout.addWidget(buttons)
        self.mes.currentIndexChanged.connect(lambda _i: self.refresh())
        self.actualizar.clicked.connect(self.refresh)
        self.cerrar.clicked.connect(self.reject)
        self.guardar_dia.clicked.connect(self._guardar_dia)
        self.tabla.selectionModel().currentRowChanged.connect(lambda *_: self._dia_elegido())
        self.tabla.selectionModel().currentChanged.connect(lambda *_: self._mostrar_faltan())
        self.paquete.clicked.connect(self._pedir_paquete)
        self.adjuntar.clicked.connect(self.abrir_adjuntar)
        self._puede = reflejar(self.guardar_dia, services.permisos, usuario, Accion.EVIDENCIAS)
        reflejar(self.paquete, services.permisos, usuario, Accion.EVIDENCIAS)
        reflejar(self.adjuntar, services.permisos, usuario, Accion.EVIDENCIAS)
        self.dia.setEnabled(self._puede)
        self.resize(1240, 520)
        centrar(self, parent)
        self.refresh()
        suscribir(self, services, {EVIDENCIAS, NOMINA, ICSOE}, self._on_cambios)
        mnemonics.assign(self)
        self.tabla.setFocus()

    def _on_cambios(self, _cambios: Cambios) -> None:
        self.refresh()

    def _ultimo(self) -> Mes:
        return Mes.de_texto(str(self.mes.currentData()))

    def refresh(self) -> None:
        elegido = self._elegido()
        try:
            filas = self._services.evidencias.tablero(self._usuario, self._ultimo(), CUANTOS)
        except DomainError as exc:
            msgbox.warning(self, exc.message, TITLE)
            return
        meses = filas[0].celdas if filas else ()
        encabezados = [_encabezado(c.mes) for c in meses] or [""] * CUANTOS
        self.model.headers = (*FIJAS, *encabezados)
        self.model.set_rows(filas)
        self.model.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(self.model.headers) - 1)
        for columna in range(len(self.model.headers)):
            self.tabla.resizeColumnToContents(columna)
        self.resumen.setText(
            resumen(filas, _encabezado(self._ultimo()))
            if filas
            else "Sin clientes: captura contratantes o importa los recibos de nómina."
        )
        self._estados.clear()
        self._lectura += 1
        self._contar_semanas(filas)
        for fila, f in enumerate(filas):
            if f.contratante == elegido:
                self.tabla.selectRow(fila)
        self._dia_elegido()
        self._mostrar_faltan()

    def _contar_semanas(self, filas: list[FilaCliente]) -> None:
        """The receipts each client's workers lack against their pay periodicity, counted off
        the window's thread (they read every receipt of each month) and added to the cells
        when read: the months with receipts only."""
        meses = sorted({c.mes for f in filas for c in f.celdas if c.recibos}, key=lambda m: m.clave)
        if not meses:
            return
        servicio, usuario, lectura = self._services.evidencias, self._usuario, self._lectura
        en_segundo_plano(
            lambda: servicio.semanas(usuario, meses),
            lambda cuantos: self._poner_semanas(lectura, cuantos),
            lambda exc: log.warning("No se contaron los recibos que faltan: %r", exc),
            self,
            prioridad=PRIORIDAD_ESPERADA,
        )

    def _poner_semanas(self, lectura: int, cuantos: dict[tuple[str, str], int]) -> None:
        if lectura != self._lectura or not cuantos:
            return  # a refresh since: its own count is on its way
        self.model.rows = [
            replace(
                f,
                celdas=tuple(
                    replace(c, recibos_faltan=cuantos.get((f.contratante, c.mes.clave), 0))
                    for c in f.celdas
                ),
            )
            for f in self.model.rows
        ]
        if self.model.rows:
            self.model.dataChanged.emit(
                self.model.index(0, len(FIJAS)),
                self.model.index(len(self.model.rows) - 1, self.model.columnCount() - 1),
            )
        self.resumen.setText(resumen(self.model.rows, _encabezado(self._ultimo())))
        for columna in range(len(FIJAS), self.model.columnCount()):
            self.tabla.resizeColumnToContents(columna)

    # --- attaching -----------------------------------------------------------------------------

    def abrir_adjuntar(self) -> AdjuntarEvidenciaDialog:
        """*Adjuntar…*: the month and client of the current cell chosen first; the board is
        read again once something is kept (its service announces it)."""
        meses = [
            (Mes.de_texto(str(self.mes.itemData(i))), self.mes.itemText(i))
            for i in range(self.mes.count())
        ]
        clientes = [(f.contratante, f.nombre) for f in self.model.rows]
        dialogo = AdjuntarEvidenciaDialog(
            self._services,
            self._usuario,
            meses,
            clientes,
            self._mes_elegido(),
            self._elegido(),
            self,
        )
        abrir_modal(dialogo)  # the board's keyboard back once it closes
        return dialogo

    def _elegido(self) -> str:
        fila = self.tabla.currentIndex().row()
        return self.model.rows[fila].contratante if 0 <= fila < len(self.model.rows) else ""

    def _dia_elegido(self) -> None:
        fila = self.tabla.currentIndex().row()
        if 0 <= fila < len(self.model.rows):
            self.dia.setValue(self.model.rows[fila].dia)

    def _guardar_dia(self) -> None:
        cliente = self._elegido()
        if not cliente:
            msgbox.warning(self, "Elige en la lista el cliente cuyo día de entrega cambia.", TITLE)
            self.tabla.setFocus()
            return
        try:
            self._services.evidencias.fijar_entrega(self._usuario, cliente, self.dia.value())
        except DomainError as exc:
            msgbox.warning(self, exc.message, TITLE)

    # --- what is missing -----------------------------------------------------------------------

    def _mes_elegido(self) -> Mes:
        """The month of the current cell; on the client's own columns, the last one shown."""
        indice = self.tabla.currentIndex()
        fila, columna = indice.row(), indice.column() - len(FIJAS)
        if 0 <= fila < len(self.model.rows) and 0 <= columna < len(self.model.rows[fila].celdas):
            return self.model.rows[fila].celdas[columna].mes
        return self._ultimo()

    def _mostrar_faltan(self) -> None:
        """The current cell's client and month told: the month read off the window's thread
        the first time (every client's at once), from memory after, until the next refresh."""
        self._pedido_faltan += 1
        pedido, cliente = self._pedido_faltan, self._elegido()
        if not cliente:
            self.faltan.setPlainText(MSG_ELIGE)
            return
        mes = self._mes_elegido()
        if mes.clave in self._estados:
            self._poner_faltan(pedido, cliente, mes, self._estados[mes.clave])
            return
        servicio, usuario, lectura = self._services.evidencias, self._usuario, self._lectura
        en_segundo_plano(
            lambda: servicio.estado(usuario, mes),
            lambda estados: self._poner_faltan(pedido, cliente, mes, estados, lectura),
            lambda exc: self._faltan_fallido(pedido, exc),
            self,
            prioridad=PRIORIDAD_ESPERADA,
        )

    def _poner_faltan(
        self,
        pedido: int,
        cliente: str,
        mes: Mes,
        estados: list[EstadoCliente],
        lectura: int | None = None,
    ) -> None:
        if lectura is None or lectura == self._lectura:  # not from before a refresh
            self._estados[mes.clave] = estados
        if pedido != self._pedido_faltan:
            return  # the clerk moved on meanwhile: the newer cell is told
        estado = next((e for e in estados if e.contratante == cliente), None)
        self.faltan.setPlainText(texto_faltan(cliente, mes, estado, self.model.hoy))

    def _faltan_fallido(self, pedido: int, exc: BaseException) -> None:
        if pedido != self._pedido_faltan:
            return
        if not isinstance(exc, DomainError):
            log.warning("No se leyó lo que falta del mes: %r", exc)
        self.faltan.setPlainText(exc.message if isinstance(exc, DomainError) else MSG_NO_LEIDO)

    # --- the pack ------------------------------------------------------------------------------

    def _pedir_paquete(self) -> None:
        cliente = self._elegido()
        if not cliente:
            msgbox.warning(self, MSG_ELIGE_PAQUETE, TITLE)
            self.tabla.setFocus()
            return
        carpeta = elegir_carpeta(
            self, f"Carpeta del paquete de {cliente} ({_encabezado(self._mes_elegido())})"
        )
        if carpeta:
            self.armar_paquete(Path(carpeta))

    def armar_paquete(self, salida: Path) -> None:
        """The pack of the current cell's client and month written in ``salida`` (a folder:
        the portals' name), behind a progress bar with Cancelar."""
        cliente, mes = self._elegido(), self._mes_elegido()
        servicio, usuario = self._services.evidencias, self._usuario
        ejecutar_con_barra(
            self,
            MSG_ARMANDO.format(cliente=cliente, mes=_encabezado(mes)),
            lambda progreso, cancelado: servicio.paquete(
                usuario, mes, cliente, salida, progreso, cancelado
            ),
            self._paquete_hecho,
            al_fallar=lambda exc: msgbox.warning(self, exc.message, TITLE),
            al_cancelar=lambda: msgbox.information(self, MSG_CANCELADO, TITLE),
            titulo=TITLE,
        )

    def _paquete_hecho(self, hecho: Paquete) -> None:
        self.ultimo_paquete = hecho.ruta
        texto = MSG_HECHO.format(
            nombre=hecho.ruta.name,
            archivos=plural(len(hecho.miembros), "archivo"),
            carpeta=hecho.ruta.parent,
        )
        if hecho.cambios:
            texto += f" Desde el paquete anterior: {plural(len(hecho.cambios), 'cambio')}."
        if msgbox.question(
            self, f"{texto}<br><br>{MSG_ABRIR}", yes="Abrir índice", no="Cerrar", title=TITLE
        ):
            self.abrir_indice(hecho.ruta)

    def abrir_indice(self, paquete: Path) -> None:
        """The pack's index written beside it and opened by the system (Excel)."""
        try:
            ruta = extraer_indice(paquete)
        except DomainError as exc:
            msgbox.warning(self, exc.message, TITLE)
            return
        if not QDesktopServices.openUrl(QUrl.fromLocalFile(str(ruta))):
            msgbox.warning(self, MSG_NO_ABRE.format(nombre=ruta.name, carpeta=ruta.parent), TITLE)


def texto_faltan(cliente: str, mes: Mes, estado: EstadoCliente | None, hoy: date) -> str:
    """What ``cliente`` lacks of ``mes``, one item a line, with its due day; a client no receipt
    of the month names (captured, or paid in other months) owes nothing, as its cell says."""
    if estado is None or estado.sin_recibos:
        return (
            f"{cliente}, {_encabezado(mes)}: sin recibos de nómina que lo nombren. Si le "
            "prestaste el servicio ese mes, importa sus recibos."
        )
    nombre = f" {estado.nombre}" if estado.nombre else ""
    vencida = " (ya pasó)" if not estado.completo and estado.entrega < hoy else ""
    cabeza = (
        f"{cliente}{nombre}, {_encabezado(mes)}: entrega el {estado.entrega:%d/%m/%Y}{vencida}."
    )
    # What is there but kept with a warning, after what is missing: the client's portal may
    # refuse it.
    avisos = (
        f"\nCon aviso ({len(estado.avisos)}):\n" + "\n".join(f"• {a}" for a in estado.avisos)
        if estado.avisos
        else ""
    )
    if estado.completo:
        return (
            f"{cabeza}\nCompleta: recibos con su XML, documentos del mes y registro REPSE.{avisos}"
        )
    faltan = estado.faltan
    lineas = "\n".join(f"• {f}" for f in faltan)
    return f"{cabeza}\n{'Falta' if len(faltan) == 1 else 'Faltan'} {len(faltan)}:\n{lineas}{avisos}"

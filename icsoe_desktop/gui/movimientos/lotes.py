"""The Lotes tab (full login only): choose pending movements of one registro patronal, generate
the IDSE batch file, follow each lote's movements and states, import IDSE's result, and correct
a rejected movement to resend it in a new lote."""

from __future__ import annotations

from itertools import pairwise
from pathlib import Path
from typing import TYPE_CHECKING, cast

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTableView,
    QWidget,
)

from icsoe_desktop.domain.cambios import LOTES, MOVIMIENTOS, REGISTROS, Cambios
from icsoe_desktop.domain.clock import texto_del_centro
from icsoe_desktop.domain.errors import DomainError
from icsoe_desktop.domain.movimientos import ESTADOS, RECHAZADO, TIPOS_MOVIMIENTO
from icsoe_desktop.domain.roles import Accion
from icsoe_desktop.domain.texts import plural, verb
from icsoe_desktop.gui.kit import msgbox
from icsoe_desktop.gui.kit.asistente_importacion import (
    Cancelada,
    boton_revisar,
    guia_de_importacion,
)
from icsoe_desktop.gui.kit.caja_buscar import CajaBuscar
from icsoe_desktop.gui.kit.dos_filas import en_dos_filas_si_no_cabe
from icsoe_desktop.gui.kit.elegir_archivo import abrir_archivo, elegir_carpeta
from icsoe_desktop.gui.kit.forms import child, load_form
from icsoe_desktop.gui.kit.lector import describir_lista
from icsoe_desktop.gui.kit.modal import ejecutar_modal
from icsoe_desktop.gui.kit.notificador import suscribir
from icsoe_desktop.gui.kit.operaciones import ejecutar_con_barra
from icsoe_desktop.gui.kit.permisos import reflejar_varios
from icsoe_desktop.gui.kit.rows_model import RowsModel
from icsoe_desktop.gui.kit.widgets import TABLAS

if TYPE_CHECKING:
    from PySide6.QtWidgets import QBoxLayout, QLayout

    from icsoe_desktop.services.container import Services
    from icsoe_desktop.services.movimientos.lotes import (
        LoteDetalle,
        LoteResumen,
        Pendiente,
        ResultadoReport,
    )

TITLE = "Lotes"
MSG_SIN_SELECCION = "Selecciona al menos un movimiento pendiente para generar el lote."
MSG_GENERADO = (
    "Se generó el lote {numero} con {movimientos} en «{archivo}». Los movimientos quedaron "
    "como enviados. Carga el archivo en IDSE y después importa aquí su resultado."
)
MSG_CONFIRMAR_LOTE = (
    "Se generará el lote con {movimientos} del registro patronal {registro} y "
    "{se_marcaran} como enviados. ¿Continuar?"
)
MSG_ELIGE_LOTE = "Selecciona un lote en la lista de lotes generados."
MSG_ELIGE_RECHAZADO = "Selecciona en el detalle del lote un movimiento rechazado."
MSG_RESULTADO = "Resultado del lote {numero}: {cuentas}."
MSG_RESULTADO_CANCELADO = (
    "Se canceló la importación de «{archivo}»; el lote {numero} quedó como estaba."
)


def _cuentas(report) -> str:
    """«1 aprobado, 2 rechazados y 3 recibidos»: the counts that are not zero."""
    partes = [
        plural(n, palabra)
        for n, palabra in (
            (report.aprobados, "aprobado"),
            (report.rechazados, "rechazado"),
            (report.recibidos, "recibido"),
        )
        if n
    ] or ["ningún movimiento"]
    return partes[0] if len(partes) == 1 else ", ".join(partes[:-1]) + " y " + partes[-1]


def _fecha(value) -> str:
    return value.strftime("%d/%m/%Y")


def _resultados(lote: LoteResumen) -> str:
    return ", ".join(f"{ESTADOS[k]}: {v}" for k, v in sorted(lote.por_resultado.items()))


class LotesPanel(QWidget):
    """Its lists are read again when movements or lotes change (here or elsewhere: a sync, an
    import, a correction), or when it next shows if it was hidden then."""

    def __init__(
        self,
        services: Services,
        usuario: str,
        parent: QWidget | None = None,
        cargar: bool = True,
    ) -> None:
        """``cargar`` False: the lists are read when the panel first shows (a hidden tab's)."""
        super().__init__(parent)
        self.setObjectName("LotesPanel")
        self._services = services
        self._usuario = usuario
        form = load_form("lotes_idse.ui", self)
        self.registro = child(form, QComboBox, "lotesRegistroCombo")
        self.todos = child(form, QCheckBox, "seleccionarTodosCheck")
        self.generar = child(form, QPushButton, "generarButton")
        self.pendientes_tabla = child(form, QTableView, "pendientesTable")
        self.pendientes_label = child(form, QLabel, "pendientesLabel")
        self.lotes_tabla = child(form, QTableView, "lotesTable")
        self.detalle_tabla = child(form, QTableView, "detalleTable")
        for tabla, filas in (
            (self.pendientes_tabla, "Los movimientos pendientes de enviar, uno por fila"),
            (self.lotes_tabla, "Los lotes generados, uno por fila"),
            (self.detalle_tabla, "Los movimientos del lote elegido, uno por fila"),
        ):
            describir_lista(tabla, filas)
        self.importar_resultado = child(form, QPushButton, "importarResultadoButton")
        self.corregir = child(form, QPushButton, "corregirButton")
        # One worker's movements, pending and in the chosen lote.
        self.buscar = CajaBuscar(self)
        acciones = child(form, QHBoxLayout, "generarAccionesLayout")
        acciones.insertWidget(acciones.indexOf(self.todos) + 1, self.buscar)

        self.pendientes: RowsModel[Pendiente] = RowsModel(
            ("NSS", "Nombre", "Movimiento", "Fecha"),
            lambda p: (p.nss, p.nombre, TIPOS_MOVIMIENTO[p.tipo], _fecha(p.fecha)),
            checkable=True,
        )
        self.lotes: RowsModel[LoteResumen] = RowsModel(
            ("Lote", "Registro patronal", "Generado", "Movimientos", "Resultados"),
            lambda lote: (
                lote.numero,
                lote.registro_patronal,
                texto_del_centro(lote.generado_at),
                lote.movimientos,
                _resultados(lote),
            ),
        )
        self.detalle: RowsModel[LoteDetalle] = RowsModel(
            ("NSS", "Nombre", "Movimiento", "Fecha", "Resultado", "Causa de rechazo", "Estado"),
            lambda d: (
                d.nss,
                d.nombre,
                TIPOS_MOVIMIENTO[d.tipo],
                _fecha(d.fecha),
                ESTADOS[d.resultado],
                d.causa_rechazo,
                ESTADOS[d.estado_actual],
            ),
        )
        for table, model in (
            (self.pendientes_tabla, self.pendientes),
            (self.lotes_tabla, self.lotes),
            (self.detalle_tabla, self.detalle),
        ):
            table.setModel(model)
            table.verticalHeader().setVisible(False)
            # Compact rows: a screen holds more pending movements (the style's default is tall).
            row_height = table.fontMetrics().height() + 8
            table.verticalHeader().setDefaultSectionSize(row_height)
            table.setMinimumHeight(row_height * 3)
            table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.lotes_tabla.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        # Lotes above their detail, not beside it: side by side their 12 columns do not fit the
        # window and «Causa de rechazo», what a clerk reads there, was cut. The lote's actions
        # stand in a column beside the list, and the count of pending movements beside
        # «Generar lote…»: rows that would cost the tables their height at 1366×768.
        self.lotes_tabla.horizontalHeader().setStretchLastSection(True)
        self.detalle_tabla.horizontalHeader().setSectionResizeMode(
            5, QHeaderView.ResizeMode.Stretch
        )
        # The pending movements (often hundreds) above, the lotes and the chosen one's detail
        # below, in splitters the clerk can move; the spare height goes to the pending list
        # and to the detail, the lotes list keeps its least height.
        generar, lotes = (
            child(form, QGroupBox, "generarGroup"),
            child(form, QGroupBox, "lotesGroup"),
        )
        fila = child(form, QHBoxLayout, "lotesFilaLayout")
        fila.setStretch(0, 1)  # the list is as wide as its actions leave
        splitter = child(form, QSplitter, "lotesSplitter")
        splitter.setStretchFactor(0, 0)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([0, 1000])  # the list at its least, the detail the rest
        self.grupos = QSplitter(Qt.Orientation.Vertical, form)
        self.grupos.setObjectName("lotesGruposSplitter")
        self.grupos.setChildrenCollapsible(False)
        cast("QLayout", form.layout()).addWidget(self.grupos)  # the .ui gives it one
        self.grupos.addWidget(generar)
        self.grupos.addWidget(lotes)
        self.grupos.setSizes([450, 550])
        self.registro.currentIndexChanged.connect(self.refresh_pendientes)
        self.buscar.buscar.connect(self._on_buscar)
        self.todos.toggled.connect(self.pendientes.set_all_checked)
        self.pendientes.dataChanged.connect(self._update_pendientes_label)
        self.pendientes.modelReset.connect(self._update_pendientes_label)
        self.generar.clicked.connect(self._ask_generar)
        self.lotes_tabla.selectionModel().selectionChanged.connect(self._show_detalle)
        self.importar_resultado.clicked.connect(self._ask_resultado)
        # Beside the grid's own «Revisar columnas…»: named apart, with a letter of its own.
        self.revisar_columnas = boton_revisar(
            self.importar_resultado,
            lambda: self._ask_resultado(revisar=True),
            "Revisar columnas del resultado…",
        )
        self.corregir.clicked.connect(self.corregir_seleccionado)
        # Windows' text at 200 %: the rows of actions wrap rather than widen the window past
        # a 1366×768 screen.
        en_dos_filas_si_no_cabe(acciones, self.pendientes_label)
        resultado = child(form, QHBoxLayout, "resultadoLayout")
        en_dos_filas_si_no_cabe(resultado, self.revisar_columnas)
        # Tab goes as the eye reads: the pending list and its actions, the lotes and theirs, the
        # detail (the find box and «Revisar columnas…» are added after the .ui's order).
        orden = (
            self.registro,
            self.todos,
            self.buscar,
            self.generar,
            self.pendientes_tabla,
            self.lotes_tabla,
            self.importar_resultado,
            self.revisar_columnas,
            self.corregir,
            self.detalle_tabla,
        )
        for antes, despues in pairwise(orden):
            QWidget.setTabOrder(antes, despues)
        reflejar_varios(
            services.permisos,
            usuario,
            (
                (self.generar, Accion.GENERAR_LOTES),
                (self.importar_resultado, Accion.RESULTADO_LOTES),
                (self.corregir, Accion.CORREGIR_MOVIMIENTOS),
            ),
        )
        self.suscripcion = suscribir(
            self, services, {MOVIMIENTOS, LOTES, REGISTROS}, self._on_cambios
        )
        if cargar:
            self.refresh()
        else:
            self.suscripcion.pendiente_de({LOTES})

    def en_pestanas(self) -> None:
        """The main window folded to fit its screen (Windows at 200 % on 1366×768): the page's
        two parts one at a time, chosen on a tab bar in their titles' place, rather than three
        lists squeezed under the screen's edge. Tab reaches the bar before the parts."""
        from PySide6.QtWidgets import QTabBar

        if self.findChild(QTabBar, "lotesPartesTabs") is not None:
            return
        partes = [cast("QGroupBox", self.grupos.widget(i)) for i in range(self.grupos.count())]
        barra = QTabBar(self)
        barra.setObjectName("lotesPartesTabs")
        barra.setAccessibleName("Partes de Lotes")
        barra.setDrawBase(False)
        barra.setExpanding(False)
        for parte in partes:
            barra.addTab(parte.title())
            parte.setAccessibleName(parte.title())
            parte.setTitle("")
        columna = self.grupos.parentWidget()
        assert columna is not None  # the .ui's form, whose column holds the splitter
        layout = cast("QBoxLayout", columna.layout())
        layout.insertWidget(layout.indexOf(self.grupos), barra)

        def mostrar(indice: int) -> None:
            for numero, parte in enumerate(partes):
                parte.setVisible(numero == indice)

        barra.currentChanged.connect(mostrar)
        mostrar(0)
        # Right after what Tab reaches before the first part's first field.
        antes = self.registro.previousInFocusChain()
        while antes is not None and not antes.focusPolicy() & Qt.FocusPolicy.TabFocus:
            antes = antes.previousInFocusChain()
        if antes is not None:
            QWidget.setTabOrder(antes, barra)

    def _on_cambios(self, _cambios: Cambios) -> None:
        self.refresh()

    # --- lists ---------------------------------------------------------------------------------

    def refresh(self) -> None:
        current = self.registro.currentText()
        self.registro.blockSignals(True)
        self.registro.clear()
        self.registro.addItems(self._services.movimientos.registros())
        self.registro.setCurrentIndex(max(self.registro.findText(current), 0))
        self.registro.blockSignals(False)
        self.refresh_pendientes()
        self.refresh_lotes()

    def _on_buscar(self, _texto: str) -> None:
        self.refresh_pendientes()
        self._show_detalle()

    def refresh_pendientes(self) -> None:
        registro = self.registro.currentText()
        buscar = self.buscar.text()
        rows = self._services.lotes.pendientes(registro, buscar) if registro else []
        self.todos.blockSignals(True)
        self.todos.setChecked(False)
        self.todos.blockSignals(False)
        self.pendientes.set_rows(rows)

    def _update_pendientes_label(self) -> None:
        self.pendientes_label.setText(
            f"Pendientes: {len(self.pendientes.rows):,}. "
            f"Seleccionados: {len(self.pendientes.checked_rows()):,}."
        )

    def refresh_lotes(self, select_id: int | None = None) -> None:
        """``select_id``'s lote chosen, else the one chosen before, else the newest: its detail
        shows, and a clerk arriving by Tab finds a lote chosen (the arrows choose another)."""
        if select_id is None and (chosen := self.selected_lote()) is not None:
            select_id = chosen.id
        self.lotes.set_rows(self._services.lotes.lotes())
        self.detalle.set_rows([])
        rows = [row for row, lote in enumerate(self.lotes.rows) if lote.id == select_id]
        if self.lotes.rows:
            self.lotes_tabla.selectRow(rows[0] if rows else 0)

    def selected_lote(self) -> LoteResumen | None:
        rows = self.lotes_tabla.selectionModel().selectedRows()
        return self.lotes.rows[rows[0].row()] if rows else None

    def _show_detalle(self) -> None:
        lote = self.selected_lote()
        found = self._services.lotes.detalle(lote.id, self.buscar.text()) if lote else []
        self.detalle.set_rows(found)

    # --- generate ------------------------------------------------------------------------------

    def _ask_generar(self) -> None:
        if not self.pendientes.checked_rows():
            msgbox.warning(self, MSG_SIN_SELECCION, TITLE)
            return
        folder = elegir_carpeta(self, "Carpeta donde se guarda el lote", str(Path.home()))
        if folder:
            self.generar_en(Path(folder))

    def generar_en(self, folder: Path) -> LoteResumen | None:
        chosen = self.pendientes.checked_rows()
        if not chosen:
            msgbox.warning(self, MSG_SIN_SELECCION, TITLE)
            return None
        # The movements leave the pending list for good (enviados): asked first; Enter cancels.
        pregunta = MSG_CONFIRMAR_LOTE.format(
            movimientos=f"{len(chosen):,} {'movimiento' if len(chosen) == 1 else 'movimientos'}",
            registro=self.registro.currentText(),
            se_marcaran=verb(len(chosen), "se marcará", "se marcarán"),
        )
        if not msgbox.question(self, pregunta, title=TITLE):
            return None
        try:
            lote = self._services.lotes.generar(
                self.registro.currentText(), [p.id for p in chosen], folder, self._usuario
            )
        except DomainError as exc:
            msgbox.warning(self, exc.message, TITLE)
            return None
        self.refresh_lotes(lote.id)
        msgbox.ofrecer_carpeta(
            self,
            MSG_GENERADO.format(
                numero=lote.numero,
                movimientos=plural(lote.movimientos, "movimiento"),
                archivo=Path(lote.archivo).name,
            ),
            folder,
            TITLE,
        )
        return lote

    # --- IDSE's answer -------------------------------------------------------------------------

    def _ask_resultado(self, revisar: bool = False) -> None:
        if self.selected_lote() is None:
            msgbox.warning(self, MSG_ELIGE_LOTE, TITLE)
            return
        path, _ = abrir_archivo(
            self,
            "Resultado IDSE del lote",
            str(Path.home()),
            f"Resultado ({TABLAS});;Todos los archivos (*)",
        )
        if path:
            self.importar_resultado_de(Path(path), revisar)

    def importar_resultado_de(self, path: Path, revisar: bool = False) -> None:
        """Apply the file in the background, with Cancelar (nothing changed)."""
        from icsoe_desktop.services.movimientos.lotes import IMPORTACION

        lote = self.selected_lote()
        if lote is None:
            msgbox.warning(self, MSG_ELIGE_LOTE, TITLE)
            return
        try:
            guia = guia_de_importacion(
                self, self._services, self._usuario, IMPORTACION, path, revisar
            )
        except Cancelada:
            return
        lotes, usuario = self._services.lotes, self._usuario
        ejecutar_con_barra(
            self,
            f"Importando el resultado «{path.name}»…",
            lambda progreso, cancelado: lotes.importar_resultado(
                lote.id, path, usuario, guia, progreso, cancelado
            ),
            lambda report: self._resultado_importado(lote, report),
            al_cancelar=lambda: msgbox.information(
                self, MSG_RESULTADO_CANCELADO.format(archivo=path.name, numero=lote.numero), TITLE
            ),
            titulo=TITLE,
        )

    def _resultado_importado(self, lote: LoteResumen, report: ResultadoReport) -> None:
        if not report.aplicado:
            from icsoe_desktop.gui.movimientos.rechazos import RechazosDialog

            n = len(report.rechazadas)
            ejecutar_modal(
                RechazosDialog(
                    f"No se aplicó el resultado de «{report.archivo}» al lote {lote.numero}: "
                    f"{plural(n, 'fila')} {verb(n, 'tiene', 'tienen')} errores. Corrige el "
                    "archivo e impórtalo de nuevo.",
                    report.rechazadas,
                    self,
                )
            )
            return
        self.refresh_lotes(lote.id)
        msgbox.information(
            self,
            MSG_RESULTADO.format(numero=lote.numero, cuentas=_cuentas(report)),
            TITLE,
        )

    def corregir_seleccionado(self) -> None:
        rows = self.detalle_tabla.selectionModel().selectedRows()
        detalle = self.detalle.rows[rows[0].row()] if rows else None
        if detalle is None or detalle.estado_actual != RECHAZADO:
            msgbox.warning(self, MSG_ELIGE_RECHAZADO, TITLE)
            return
        from icsoe_desktop.gui.movimientos.corregir import CorregirMovimientoDialog

        lote = self.selected_lote()
        dialog = CorregirMovimientoDialog(
            self._services, detalle.movimiento_id, detalle.causa_rechazo, self._usuario, self
        )
        # The dialog announces the correction itself; the same lote stays chosen.
        if ejecutar_modal(dialog):
            self.refresh_lotes(lote.id if lote else None)

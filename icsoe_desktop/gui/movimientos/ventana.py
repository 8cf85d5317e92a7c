"""Movimientos con IDSE: parámetros de búsqueda, the tabs Reingresos / Mod Salarios / Bajas /
Todos (and Lotes with a full login), the grid, Exportar Excel and Acceso a IDSE.

In modo sólo consulta (``usuario`` None) only what the guide lists is offered: Exportar Excel,
Acceso a IDSE, the search parameters and the four tabs.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING, cast

from PySide6.QtCore import QDate, Qt, QTimer, QUrl
from PySide6.QtGui import QDesktopServices, QHideEvent, QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSizePolicy,
    QStackedWidget,
    QTabBar,
    QTableView,
    QWidget,
)

from icsoe_desktop.domain.cambios import MOVIMIENTOS, REGISTROS, Cambios
from icsoe_desktop.domain.errors import DomainError, ValidationError
from icsoe_desktop.domain.movimientos import ESTADOS
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
from icsoe_desktop.gui.kit.elegir_archivo import abrir_archivo, guardar_archivo
from icsoe_desktop.gui.kit.forms import child, load_form
from icsoe_desktop.gui.kit.lector import describir_lista
from icsoe_desktop.gui.kit.modal import ejecutar_modal
from icsoe_desktop.gui.kit.notificador import suscribir
from icsoe_desktop.gui.kit.operaciones import ejecutar_con_barra, en_segundo_plano
from icsoe_desktop.gui.kit.permisos import reflejar
from icsoe_desktop.gui.kit.sesion import a_salvo, fin_de_sesion
from icsoe_desktop.gui.kit.tabulador import en_orden, sin_trampa
from icsoe_desktop.gui.kit.widgets import TABLAS
from icsoe_desktop.gui.movimientos.model import ID_ROLE, MovimientosModel
from icsoe_desktop.services.archivos.salida import FILTRO_DIALOGO, con_terminacion, formato
from icsoe_desktop.services.movimientos.servicio import COLUMNS, FECHA_COLUMN, TABS, Filtro, Orden

if TYPE_CHECKING:
    from PySide6.QtWidgets import QLayout

    from icsoe_desktop.services.container import Services

TITLE = "Movimientos con IDSE"
REINTENTAR = "Reintentar"
IDSE_URL = "https://idse.imss.gob.mx/imss/"
TODOS = "Todos"
LOTES_TAB = "Lotes"
SIN_FECHA = QDate(2000, 1, 1)  # the minimum of the date fields, shown as "(sin fecha)"
log = logging.getLogger(__name__)
MSG_PREPARANDO_ORDEN = "Preparando el orden por {columna}…"
MSG_TOTAL = "Movimientos encontrados: {total:,}"
MSG_CONTANDO = "Movimientos encontrados: contando…"
MSG_EXPORTADO = "Se {exportaron} {movimientos} a «{archivo}»."
MSG_EXPORT_CANCELADA = "Se canceló la exportación; no se guardó ningún archivo."
MSG_SIN_NAVEGADOR = "No se pudo abrir el navegador. Visita {url} para entrar a IDSE."
MSG_IMPORTADO = "Se {importaron} {nuevos} ({existentes:,} ya {existian})."
MSG_IMPORT_CANCELADA = "Se canceló la importación de «{archivo}»; no se guardó ningún movimiento."
MSG_EXPORTAR = "Exporta a Excel® los movimientos de la búsqueda actual."
MSG_EXPORTAR_EN_LOTES = (
    "Exportar Excel® exporta la búsqueda de Reingresos, Mod Salarios, Bajas o Todos; en Lotes no "
    "hay búsqueda. Para IDSE usa «Generar lote…»."
)
MSG_NADA_QUE_EXPORTAR = "No hay movimientos en la búsqueda actual para exportar."


# The columns' widths are measured on the rows on screen after each search, never on the whole
# search (a million rows): a screenful, within the first page the search reads anyway.
FILAS_MEDIDAS = 20
ANCHO_MAXIMO = 240  # px: a long name or causa de rechazo does not push NSS, CURP and Fecha away
VISTA = "movimientos"  # the widths each user gives the columns, kept under this name
GUARDAR_ANCHOS_MS = 500  # once the user stops dragging a column's edge


class MovimientosIdse(QWidget):
    def __init__(
        self, services: Services, usuario: str | None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("MovimientosIdse")
        self._services = services
        self._usuario = usuario
        self.read_only = usuario is None
        form = load_form("movimientos_idse.ui", self)
        self.exportar = child(form, QPushButton, "exportarButton")
        self.exportar.setToolTip(MSG_EXPORTAR)
        self.acceso_idse = child(form, QPushButton, "accesoIdseButton")
        self.importar = child(form, QPushButton, "importarButton")
        self.registro = child(form, QComboBox, "registroCombo")
        self.fecha_inicial = child(form, QDateEdit, "fechaInicialEdit")
        self.fecha_final = child(form, QDateEdit, "fechaFinalEdit")
        self.estado = child(form, QComboBox, "estadoCombo")
        self.buscar_button = child(form, QPushButton, "buscarButton")
        self.tabla = child(form, QTableView, "movimientosTable")
        describir_lista(self.tabla, "Los movimientos que coinciden con la búsqueda, uno por fila")
        self.total = child(form, QLabel, "totalLabel")
        self._total_arriba = False  # beside the tabs (``total_junto_a_pestanas``)
        self.vistas = child(form, QStackedWidget, "vistasStack")

        self.tabs = QTabBar(self)
        self.tabs.setObjectName("movimientosTabs")
        self.tabs.setExpanding(False)
        for title, _tipo in TABS:
            self.tabs.addTab(title)
        self.lotes = None
        if not self.read_only:
            from icsoe_desktop.gui.movimientos.lotes import LotesPanel

            self.tabs.addTab(LOTES_TAB)
            # Its lists (every pending movement) are read when its tab is shown, not with the
            # window: a sign-in or a switch of empresa does not wait for them.
            self.lotes = LotesPanel(services, str(usuario), self, cargar=False)
            cast("QLayout", child(form, QWidget, "lotesPage").layout()).addWidget(self.lotes)
        tabs_layout = child(form, QHBoxLayout, "tabsLayout")
        tabs_layout.addWidget(self.tabs)
        # «Preparando el orden por …» while a sort index is built in the background.
        self.preparando = QLabel(self)
        self.preparando.setObjectName("preparandoLabel")
        self.preparando.hide()
        tabs_layout.addWidget(self.preparando)
        self.importar.setVisible(not self.read_only)
        reflejar(self.importar, services.permisos, usuario, Accion.IMPORTAR_MOVIMIENTOS)
        self._mostrar_vista(0)

        for edit in (self.fecha_inicial, self.fecha_final):
            edit.setMinimumDate(SIN_FECHA)
            edit.setSpecialValueText("(sin fecha)")
            edit.setDate(SIN_FECHA)
            sin_trampa(edit)  # Tab leaves «(sin fecha)»
        self.estado.addItem(TODOS, None)
        for code, text in ESTADOS.items():
            self.estado.addItem(text, code)
        for column in COLUMNS:  # the searches a column offers: «Por vencer», «Vencidos» (Vence)
            for key, text in (column.filters or {}).items():
                self.estado.addItem(text, (column.attr, key))
        self.refresh_registros()
        # The find box: one worker's movements within the search, as the clerk types.
        self.buscar_edit = CajaBuscar(self, child(form, QWidget, "parametrosGroup"))
        parametros = child(form, QHBoxLayout, "parametrosLayout")
        parametros.insertWidget(parametros.indexOf(self.buscar_button), self.buscar_edit)
        self.buscar_edit.buscar.connect(lambda _texto: self.buscar())
        en_dos_filas_si_no_cabe(parametros, child(form, QLabel, "estadoLabel"))

        self.model = MovimientosModel(services.movimientos)
        self._preparando: set[str] = set()  # columns whose sort index is being built
        self.model.counted.connect(lambda total: self.total.setText(MSG_TOTAL.format(total=total)))
        self.model.por_contar.connect(lambda: self.total.setText(MSG_CONTANDO))
        # Queued: a read that fails while the grid paints is told after the paint.
        self.model.lectura_fallida.connect(
            self._lectura_fallida, Qt.ConnectionType.QueuedConnection
        )
        self.model.shown.connect(self._mostrada)
        self._ajustar_al_mostrar = False  # a find's rows on their way: columns fitted to them
        self.tabla.setModel(self.model)
        header = self.tabla.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSortIndicatorShown(True)
        header.setSectionsClickable(True)
        header.setSortIndicator(FECHA_COLUMN, Qt.SortOrder.DescendingOrder)
        header.sortIndicatorChanged.connect(self._on_sort)
        self.tabla.verticalHeader().setVisible(False)
        barra = self.tabla.verticalScrollBar()  # dragged: its pages not waited for (model.py)
        barra.sliderPressed.connect(lambda: self.model.arrastrando(True))
        barra.sliderReleased.connect(lambda: self.model.arrastrando(False))
        # The widths this user gave columns by hand (by column name): kept, never refitted.
        self._anchos_usuario: dict[str, int] = (
            services.preferencias.anchos(usuario, VISTA) if usuario else {}
        )
        self._ajustando = False  # the widths being set here, not by the user
        self._guardar_timer = QTimer(self)
        self._guardar_timer.setSingleShot(True)
        self._guardar_timer.setInterval(GUARDAR_ANCHOS_MS)
        self._guardar_timer.timeout.connect(self._guardar_anchos)
        header.sectionResized.connect(self._on_ancho_cambiado)

        self.buscar_button.clicked.connect(self.buscar)
        self.tabs.currentChanged.connect(self._on_tab)
        # Windows' keys for the next and previous tab, from anywhere in the window: the tabs
        # are otherwise a dozen Tabs away from the buttons.
        for teclas, slot in (
            (("Ctrl+Tab", "Ctrl+PgDown"), self._pestana_siguiente),
            (("Ctrl+Shift+Backtab", "Ctrl+PgUp"), self._pestana_anterior),
        ):
            for tecla in teclas:
                # The window's: from its band and Salir too, outside this widget.
                QShortcut(QKeySequence(tecla), self).activated.connect(slot)
        self.exportar.clicked.connect(self._ask_export)
        self.acceso_idse.clicked.connect(self.open_idse)
        self.importar.clicked.connect(self._ask_import)
        self.revisar_columnas = boton_revisar(self.importar, lambda: self._ask_import(revisar=True))
        # Reading order: the buttons, the search's parameters (the find box before Buscar), the
        # tabs, then the grid or Lotes.
        en_orden(
            self.exportar,
            self.acceso_idse,
            self.importar,
            self.revisar_columnas,
            self.registro,
            self.fecha_inicial,
            self.fecha_final,
            self.estado,
            self.buscar_edit,
            self.buscar_button,
            self.tabs,
            self.tabla,
            self.lotes,
        )
        # Data changed elsewhere (a sync, an import, a lote, a correction): the same search
        # read again, where the clerk is. Heard while the grid is hidden: when it shows.
        self.suscripcion = suscribir(
            self.tabla, services, {MOVIMIENTOS, REGISTROS}, self._on_cambios
        )
        self.buscar()

    # --- search --------------------------------------------------------------------------------

    def refresh_registros(self) -> None:
        current = self.registro.currentData()
        self.registro.clear()
        self.registro.addItem(TODOS, None)
        for registro in self._services.movimientos.registros():
            self.registro.addItem(registro, registro)
        index = self.registro.findData(current)
        self.registro.setCurrentIndex(max(index, 0))

    def filtro(self) -> Filtro:
        def day(edit: QDateEdit):
            return None if edit.date() == SIN_FECHA else edit.date().toPython()

        tab = self.tabs.currentIndex()
        estado = self.estado.currentData()
        condicion = tuple(estado) if isinstance(estado, (tuple, list)) else None
        return Filtro(
            registro_patronal=self.registro.currentData(),
            fecha_inicial=day(self.fecha_inicial),
            fecha_final=day(self.fecha_final),
            estado=None if condicion else estado,
            tipo=TABS[tab][1] if tab < len(TABS) else None,
            condicion=condicion,
            buscar=self.buscar_edit.text(),
        )

    def mostrar(self, filtro: Filtro, orden: Orden | None = None) -> None:
        """Show a search (or a new order of it) from its first rows. The view would otherwise
        keep its scroll position: row 40,000 of the new search, read by position."""
        self.model.load(filtro, orden)
        self.tabla.scrollToTop()

    def buscar(self) -> None:
        self.total.setText(MSG_CONTANDO)
        # No sort index to build for a search: in fecha's order (until a header is clicked)
        # every search reads an index of the schema (store/movimientos_paging.py
        # FECHA_INDEXES); another order's was built on its header's click.
        self._buscar(self.filtro())

    def _buscar(self, filtro: Filtro) -> None:
        try:
            self.mostrar(filtro)
        except ValidationError as exc:
            msgbox.field_error(
                self, exc, {"fecha_inicial": self.fecha_inicial}, TITLE, self.fecha_final
            )
            return
        except DomainError as exc:  # the database busy or failing: said, and offered again
            if not fin_de_sesion(exc) and msgbox.question(
                self, exc.message, yes=REINTENTAR, no="Cerrar", title=TITLE
            ):
                self._buscar(filtro)
            return
        self.suscripcion.olvidar()  # read now: a change heard while hidden is shown
        # To the rows found (a sort keeps the widths: the same rows); a find's, once they come.
        self._ajustar_al_mostrar = self.model.loading()
        if not self._ajustar_al_mostrar:
            self.ajustar_columnas()

    def _mostrada(self) -> None:
        """A search's first rows are shown: from the top (a find's may arrive from the pool
        after the view scrolled), fitted if they were on their way."""
        self.tabla.scrollToTop()
        if self._ajustar_al_mostrar:
            self._ajustar_al_mostrar = False
            self.ajustar_columnas()

    def _lectura_fallida(self, mensaje: str) -> None:
        """A read of the grid failed (the database busy with another program's write, a
        driver's error): the app's Spanish message, and «Reintentar»."""
        if not self.isVisible():
            self.model.descartar()
            return
        if msgbox.question(self, mensaje, yes=REINTENTAR, no="Cerrar", title=TITLE):
            self.model.reintentar()
            return
        self.model.descartar()
        # The header shows the order the rows are in (a sort left undone keeps the previous).
        header = self.tabla.horizontalHeader()
        orden = self.model.orden
        descendente = (
            Qt.SortOrder.DescendingOrder if orden.descending else Qt.SortOrder.AscendingOrder
        )
        header.blockSignals(True)
        try:
            header.setSortIndicator(orden.column, descendente)
        finally:
            header.blockSignals(False)

    def _on_cambios(self, cambios: Cambios) -> None:
        try:
            self.refresh_registros()
        except DomainError as exc:  # the database busy or failing: said, and offered again
            if not fin_de_sesion(exc) and msgbox.question(
                self, exc.message, yes=REINTENTAR, no="Cerrar", title=TITLE
            ):
                self._on_cambios(cambios)
            return
        if MOVIMIENTOS not in cambios:
            return
        current = self.tabla.currentIndex()
        row = current.row() if current.isValid() else None
        chosen = current.data(ID_ROLE) if row is not None else None
        vacia = self.model.rowCount() == 0
        self.model.refrescar()
        if vacia:  # columns sized on an empty grid (the first import): fitted to the rows now
            self.ajustar_columnas()
        if chosen is not None and row is not None and row < self.model.rowCount():
            # The same movement stays chosen if the change moved it a few rows.
            found = self.model.fila_de(chosen, row)
            if found is not None and found != row:
                self.tabla.selectRow(found)

    def _on_tab(self, index: int) -> None:
        lotes = index >= len(TABS)
        if not lotes:
            self.suscripcion.olvidar()  # searched again below: no refresh of the old search
        self._mostrar_vista(1 if lotes else 0)
        self.exportar.setEnabled(not lotes)
        # A greyed button says why; Lotes has no search, so its parameters give way to its lists.
        self.exportar.setToolTip(MSG_EXPORTAR_EN_LOTES if lotes else MSG_EXPORTAR)
        child(self, QWidget, "parametrosGroup").setVisible(not lotes)
        if self._total_arriba:
            self.total.setVisible(not lotes)
        if not lotes:  # Lotes reads its lists when it shows, if anything changed
            self.buscar()

    def total_junto_a_pestanas(self) -> None:
        """The count found beside the tabs rather than under the grid (the main window folded
        to fit its screen): a row less. Shown with the grid only, as under it."""
        if self._total_arriba:
            return
        self._total_arriba = True
        debajo = self.total.parentWidget()
        if debajo is not None and (layout := debajo.layout()) is not None:
            layout.removeWidget(self.total)
        tabs_layout = self.findChild(QHBoxLayout, "tabsLayout")
        assert tabs_layout is not None
        tabs_layout.addWidget(self.total)
        self.total.setVisible(self.vistas.currentIndex() == 0)

    def sin_titulo_de_busqueda(self) -> None:
        """The search's box without its title line (the main window folded to fit its screen):
        its fields say what they are; a screen reader still names the box."""
        grupo = child(self, QGroupBox, "parametrosGroup")
        grupo.setAccessibleName(grupo.title())
        grupo.setTitle("")

    def _pestana_siguiente(self) -> None:
        self.tabs.setCurrentIndex((self.tabs.currentIndex() + 1) % self.tabs.count())

    def _pestana_anterior(self) -> None:
        self.tabs.setCurrentIndex((self.tabs.currentIndex() - 1) % self.tabs.count())

    # --- column widths -------------------------------------------------------------------------

    def ajustar_columnas(self) -> None:
        """Each column as wide as its header and the rows on screen ask (the search's first
        rows, already read), up to ANCHO_MAXIMO; a column the user sized keeps its width."""
        header = self.tabla.horizontalHeader()
        filas = self.tabla.viewport().height() // self.tabla.verticalHeader().defaultSectionSize()
        header.setResizeContentsPrecision(max(FILAS_MEDIDAS, filas))  # rows measured
        self._ajustando = True
        try:
            for column, spec in enumerate(COLUMNS):
                ancho = self._anchos_usuario.get(spec.attr)
                if ancho is None:
                    contenido = min(self.tabla.sizeHintForColumn(column), ANCHO_MAXIMO)
                    ancho = max(contenido, header.sectionSizeHint(column))
                header.resizeSection(column, ancho)
        finally:
            self._ajustando = False

    def _on_ancho_cambiado(self, column: int, _antes: int, ancho: int) -> None:
        if self._ajustando or ancho <= 0:  # a hidden column reports 0
            return
        self._anchos_usuario[COLUMNS[column].attr] = ancho
        if self._usuario is not None:
            self._guardar_timer.start()  # restarted while the edge is dragged

    def _guardar_anchos(self) -> None:
        if self._usuario is None:
            return
        try:
            self._services.preferencias.guardar_anchos(
                self._usuario, VISTA, dict(self._anchos_usuario)
            )
        except (DomainError, OSError) as exc:  # the widths stay for this session anyway
            log.warning("No se guardaron los anchos de las columnas: %s", exc)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Enter in a search parameter (registro patronal, a date, Estado aviso), which Qt's
        combos and date edits pass on, is Buscar: as a form's default button takes it."""
        parametros = child(self, QWidget, "parametrosGroup")
        foco = self.focusWidget()
        if (
            event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
            and foco is not None
            and parametros.isAncestorOf(foco)
        ):
            self.buscar_button.click()
            return
        super().keyPressEvent(event)

    def hideEvent(self, event: QHideEvent) -> None:
        if self._guardar_timer.isActive():  # the window closes right after a drag
            self._guardar_timer.stop()
            self._guardar_anchos()
        super().hideEvent(event)

    def _mostrar_vista(self, index: int) -> None:
        """The grid or Lotes. A stack is as tall as its tallest page, hidden ones included: the
        window would be held taller than a 1366×768 screen by the page not shown."""
        self.vistas.setCurrentIndex(index)
        for page in range(self.vistas.count()):
            policy = QSizePolicy.Policy.Preferred if page == index else QSizePolicy.Policy.Ignored
            if (vista := self.vistas.widget(page)) is not None:
                vista.setSizePolicy(policy, policy)
        self.vistas.updateGeometry()

    def _prepare(self, orden: Orden) -> None:
        """The order's sort index is built on its first use, in the background (seconds at a
        million rows): meanwhile its pages come from a pass over the table (the first one in
        about a second) in the same order, and a line beside the tabs says why scrolling is
        slower."""
        service = self._services.movimientos
        attr = COLUMNS[orden.column].attr
        if attr in self._preparando or service.sort_ready(orden):
            return
        self._preparando.add(attr)
        self.preparando.setText(MSG_PREPARANDO_ORDEN.format(columna=COLUMNS[orden.column].header))
        self.preparando.show()

        def finished() -> None:
            self._preparando.discard(attr)
            if not self._preparando:
                self.preparando.hide()

        def built(_result: object) -> None:
            finished()
            self.model.sort_built(orden)

        def failed(exc: BaseException) -> None:  # still sorted without it, only slower
            finished()
            log.warning("No se pudo crear el índice del orden", exc_info=exc)

        en_segundo_plano(lambda: service.prepare_sort(orden), built, failed, dueno=self)

    def _on_sort(self, column: int, order: Qt.SortOrder) -> None:
        orden = Orden(column, order == Qt.SortOrder.DescendingOrder)
        # The only sort on a header click: the view's own sorting (sortingEnabled) is off, or it
        # would sort once more, first, before the index is built.
        self._prepare(orden)
        self.model.ordenar(orden)
        self.tabla.scrollToTop()

    # --- actions -------------------------------------------------------------------------------

    def open_idse(self) -> None:
        if not QDesktopServices.openUrl(QUrl(IDSE_URL)):
            msgbox.warning(self, MSG_SIN_NAVEGADOR.format(url=IDSE_URL), TITLE)

    def _ask_export(self) -> None:
        from icsoe_desktop.services.movimientos.exportar import default_name

        name = self._services.empresa.nombre_de_archivo(
            default_name(self._services.movimientos.now())
        )
        path, filtro = guardar_archivo(
            self, "Exportar Excel", str(Path.home() / name), FILTRO_DIALOGO
        )
        if path:
            self.export_to(con_terminacion(Path(path), filtro))

    def export_to(self, path: Path) -> None:
        """Export what the current search and tab show, in the background, as an .xlsx or a
        CSV as the name says; the clerk hears how many rows were written (or that nothing was)
        when it ends."""
        try:
            formato(path)
        except DomainError as exc:
            msgbox.warning(self, exc.message, TITLE)
            return
        if self.model.rowCount() == 0:
            msgbox.information(self, MSG_NADA_QUE_EXPORTAR, TITLE)
            return
        filtro, orden = self.model.filtro, self.model.orden
        service = self._services.exportador

        def exported(written: int) -> None:
            if msgbox.question(
                self,
                MSG_EXPORTADO.format(
                    exportaron=verb(written, "exportó", "exportaron"),
                    movimientos=plural(written, "movimiento"),
                    archivo=path.name,
                ),
                yes="Abrir archivo",
                no="Cerrar",
                title=TITLE,
                informa=True,
            ):
                QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))

        ejecutar_con_barra(
            self,
            f"Exportando los movimientos de la búsqueda a «{path.name}»…",
            lambda progress, cancelled: service.exportar(
                filtro, orden, path, self._usuario, progress, cancelled
            ),
            exported,
            al_cancelar=lambda: msgbox.information(self, MSG_EXPORT_CANCELADA, TITLE),
            titulo=TITLE,
        )

    def _ask_import(self, revisar: bool = False) -> None:
        path, _ = abrir_archivo(
            self,
            "Importar movimientos",
            str(Path.home()),
            f"Movimientos (*.txt {TABLAS});;Todos los archivos (*)",
        )
        if path:
            self.import_from(Path(path), revisar)

    @a_salvo  # the assistant reads the empresa's mappings: a refusal ends the session
    def import_from(self, path: Path, revisar: bool = False) -> None:
        """Import in the background, with Cancelar (nothing saved); every open window hears of
        the new movements. A table the intake cannot read by itself (or ``revisar``) goes
        through the import assistant."""
        from icsoe_desktop.services.movimientos.importar import IMPORTACION

        importer = self._services.importador
        actor = str(self._usuario)
        try:
            guia = guia_de_importacion(self, self._services, actor, IMPORTACION, path, revisar)
        except Cancelada:
            return

        def imported(report) -> None:
            if not report.aplicado:
                from icsoe_desktop.gui.movimientos.rechazos import RechazosDialog

                unidades = "líneas" if report.unidad == "Línea" else "filas"
                ejecutar_modal(
                    RechazosDialog(
                        "\n".join(
                            [
                                f"No se importó ningún movimiento de «{report.archivo}»: "
                                f"{report.lineas_rechazadas:,} de {report.leidas:,} {unidades} "
                                "tienen errores. Corrige el archivo e impórtalo de nuevo.",
                                *report.notas,
                            ]
                        ),
                        report.rechazadas,
                        self,
                        unidad=report.unidad,
                    )
                )
                return
            texto = MSG_IMPORTADO.format(
                importaron=verb(report.importados, "importó", "importaron"),
                nuevos=plural(report.importados, "movimiento nuevo", "movimientos nuevos"),
                existentes=report.existentes,
                existian=verb(report.existentes, "existía", "existían"),
            )
            msgbox.information(self, "\n\n".join([texto, *report.notas]), TITLE)

        ejecutar_con_barra(
            self,
            f"Importando «{path.name}»…",
            lambda progress, cancelled: importer.import_file(
                path, actor, progress, guia, cancelled
            ),
            imported,
            al_cancelar=lambda: msgbox.information(
                self, MSG_IMPORT_CANCELADA.format(archivo=path.name), TITLE
            ),
            titulo=TITLE,
        )

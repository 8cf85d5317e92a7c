"""The workers of the contract chosen in the informativa window: the virtual grid (a header
click sorts it by that column; the find box keeps the order), the add row (NSS, CURP, SBC;
Enter adds), *De la empresa…*, *Importar…*, *Corregir…* and *Quitar* (Supr);
the IMSS portal's rejections in their own column, and «Rechazados por el portal» to list only
those."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from icsoe_desktop.domain.errors import DomainError
from icsoe_desktop.domain.texts import plural, verb
from icsoe_desktop.gui.informativa.trabajadores_model import RECHAZO_COLUMN, TrabajadoresModel
from icsoe_desktop.gui.kit import msgbox
from icsoe_desktop.gui.kit.asistente_importacion import (
    Cancelada,
    boton_revisar,
    guia_de_importacion,
)
from icsoe_desktop.gui.kit.caja_buscar import CajaBuscar
from icsoe_desktop.gui.kit.dos_filas import en_dos_filas_si_no_cabe
from icsoe_desktop.gui.kit.elegir_archivo import abrir_archivo
from icsoe_desktop.gui.kit.forms import child
from icsoe_desktop.gui.kit.lector import describir_lista
from icsoe_desktop.gui.kit.modal import ejecutar_modal
from icsoe_desktop.gui.kit.operaciones import ejecutar_con_barra
from icsoe_desktop.gui.kit.tabulador import en_orden
from icsoe_desktop.gui.kit.widgets import TABLAS

if TYPE_CHECKING:
    from icsoe_desktop.services.container import Services
    from icsoe_desktop.services.informativa.asignaciones import ResultadoImportacion
    from icsoe_desktop.services.informativa.captura import ContratoResumen

TITLE = "Trabajadores del contrato"
IMPORT_FILTER = f"Trabajadores ({TABLAS} *.txt);;Todos los archivos (*)"
MSG_ENCONTRADOS = "Trabajadores encontrados: {total:,}"
MSG_SIN_CONTRATO = "Primero elige un contrato (o crea uno con «Nuevo contrato…»)."
MSG_QUITAR = "Se {verbo} {cuantos} del contrato. ¿Deseas continuar?"
MSG_IMPORTADOS = "Se {verbo} {cuantos} de «{archivo}» al contrato."
MSG_IMPORT_CANCELADA = "Se canceló la importación de «{archivo}»; no se agregó ningún trabajador."
MSG_IMPORT_PROBLEMAS = (
    "No se agregó ningún trabajador de «{archivo}»: {cuantos}. Corrige el archivo e impórtalo "
    "de nuevo."
)
MSG_SBC_PROPUESTO = "El último SBC registrado en los movimientos de la empresa en el periodo."
ROW_HEIGHT = 22


def _trabajadores(n: int) -> str:
    """«1 trabajador», «12,000 trabajadores» (thousands as the grids show them)."""
    return f"{n:,} {'trabajador' if n == 1 else 'trabajadores'}"


def _problemas(n: int) -> str:
    return plural(n, "renglón tiene un problema", "renglones tienen problemas")


class TrabajadoresPanel(QObject):
    """``changed`` after workers were added or removed (the contract's count and the
    informativa's estado may have changed)."""

    changed = Signal()

    def __init__(self, services: Services, actor: str, form: QWidget) -> None:
        super().__init__(form)
        self._services = services
        self._actor = actor
        self.contrato: ContratoResumen | None = None
        self.group = child(form, QGroupBox, "trabajadoresGroup")
        self.tabla = child(form, QTableView, "trabajadoresTable")
        describir_lista(self.tabla, "Los trabajadores del contrato elegido, uno por fila")
        self.nss = child(form, QLineEdit, "nssEdit")
        self.curp = child(form, QLineEdit, "curpEdit")
        self.sbc = child(form, QLineEdit, "sbcEdit")
        self.agregar = child(form, QPushButton, "agregarButton")
        self.empresa = child(form, QPushButton, "empresaButton")
        self.importar = child(form, QPushButton, "importarButton")
        # The payroll's receipts of the period that name this contract's contratante.
        self.recibos = QPushButton("De los recibos…", form)
        self.recibos.setObjectName("recibosButton")
        self.recibos.setAccessibleName("Proponer trabajadores desde los recibos")
        self.recibos.setToolTip(
            "Proponer trabajadores desde los recibos de nómina del periodo que nombran al "
            "contratante de este contrato"
        )
        # The selected worker's receipts of the period (Recibos de nómina, filtered to him).
        self.ver_recibos = QPushButton("Ver recibos…", form)
        self.ver_recibos.setObjectName("verRecibosButton")
        self.ver_recibos.setAccessibleName("Ver los recibos de nómina del trabajador")
        self.ver_recibos.setToolTip(
            "Los recibos de nómina del trabajador elegido en el periodo de la informativa"
        )
        self.quitar = child(form, QPushButton, "quitarButton")
        self.corregir = child(form, QPushButton, "corregirButton")
        self.rechazados = child(form, QCheckBox, "rechazadosCheck")
        self.total = child(form, QLabel, "totalTrabajadoresLabel")
        self.model = TrabajadoresModel()
        self.tabla.setModel(self.model)
        # One worker of the contract: the list shows those the find box finds.
        self.buscar = CajaBuscar(self.group)
        layout = self.group.layout()
        assert isinstance(layout, QVBoxLayout)
        fila = QHBoxLayout()
        fila.addWidget(self.buscar, 1)
        fila.addStretch(1)
        # The buttons that bring workers in or act on the list's selection go on this row:
        # beside NSS, CURP and SBC they squeezed those boxes to a few letters when the
        # Inconsistencias panel takes its part of the window.
        for boton in (
            self.empresa,
            self.recibos,
            self.importar,
            self.ver_recibos,
            self.corregir,
            self.quitar,
        ):
            fila.addWidget(boton)
        layout.insertLayout(layout.indexOf(self.tabla), fila)
        en_dos_filas_si_no_cabe(fila, self.empresa)
        # Wide enough for what they hold, however narrow the window's part for the list.
        for edit, muestra in ((self.nss, "00000000000"), (self.curp, "GARB850101HJCRZT07")):
            edit.setMinimumWidth(edit.fontMetrics().horizontalAdvance(muestra) + 16)
        self.sbc.setMinimumWidth(self.sbc.fontMetrics().horizontalAdvance("99,999.99") + 16)
        self.buscar.buscar.connect(lambda _texto: self._buscar())
        # Fixed row heights and widths: the view never measures rows it does not show.
        vertical = self.tabla.verticalHeader()
        vertical.setVisible(False)
        vertical.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        vertical.setDefaultSectionSize(ROW_HEIGHT)
        header = self.tabla.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        metrics = self.tabla.fontMetrics()
        samples = ("00000000000", "GARB850101HJCRZT07", "$ 99,999.99", "X" * 24)
        for column, sample in enumerate(samples):
            header.resizeSection(column, metrics.horizontalAdvance(sample) + 24)
        header.setStretchLastSection(True)
        # A header click sorts (the store reads each order from an index); at first none: the
        # workers in the order they were added, which Revisar's row numbers count.
        header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.tabla.setSortingEnabled(True)
        self.tabla.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.curp.textEdited.connect(lambda text: _upper(self.curp, text))
        self.nss.textEdited.connect(self._proponer_sbc)
        self._sbc_propuesto = ""  # what _proponer_sbc wrote (replaced when the NSS changes)
        for edit in (self.nss, self.curp, self.sbc):
            edit.returnPressed.connect(self.agregar_tecleado)
        self.agregar.clicked.connect(self.agregar_tecleado)
        self.empresa.clicked.connect(self.de_la_empresa)
        self.importar.clicked.connect(self._pedir_archivo)
        self.recibos.clicked.connect(self.de_los_recibos)
        self.ver_recibos.clicked.connect(self.recibos_del_trabajador)
        self.revisar_columnas = boton_revisar(
            self.importar, lambda: self._pedir_archivo(revisar=True)
        )
        # Tab in reading order: the row of NSS, CURP and SBC, the find box at the left of the
        # buttons' row (both made after the form's), the list, what is under it.
        en_orden(
            self.agregar, self.buscar, self.empresa, self.recibos, self.importar,
            self.revisar_columnas, self.ver_recibos, self.corregir, self.quitar, self.tabla,
            self.rechazados,
        )  # fmt: skip
        self.quitar.clicked.connect(self.quitar_seleccionados)
        self.corregir.clicked.connect(self.corregir_seleccionado)
        self.tabla.doubleClicked.connect(lambda _index: self.corregir_seleccionado())
        self.rechazados.toggled.connect(lambda _on: self.mostrar(self.contrato))
        self.tabla.installEventFilter(self)
        self.model.modelReset.connect(self._update)
        self.tabla.selectionModel().selectionChanged.connect(self._update)
        self._fila_captura = (
            *(child(form, QLabel, name) for name in ("nssLabel", "curpLabel", "sbcLabel")),
            self.nss,
            self.curp,
            self.sbc,
            self.agregar,
            self.empresa,
            self.recibos,
            self.importar,
            self.revisar_columnas,
            self.corregir,
            self.quitar,
        )
        self.editable = True
        self.mostrar(None)

    # --- the contract shown --------------------------------------------------------------------

    def mostrar(self, contrato: ContratoResumen | None) -> None:
        """Show ``contrato``'s workers (a new one from its first row)."""
        self.contrato = contrato
        if contrato is None:
            self.model.set_source(None, None)
            self.group.setTitle(TITLE)
        else:
            svc, actor, uuid = self._services.informativa_trabajadores, self._actor, contrato.uuid
            solo = self.rechazados.isChecked()
            self.model.set_source(
                lambda: svc.contar(uuid, actor, self.buscar.text(), solo),
                lambda offset, limite, orden, descendente: svc.pagina(
                    uuid, actor, offset, limite, self.buscar.text(), solo, orden, descendente
                ),
            )
            self.group.setTitle(f"{TITLE}: {contrato.contratante_nombre}")
        self.tabla.scrollToTop()

    def con_rechazos(self, hay: bool) -> None:
        """The portal's rejections (their column and filter) only where there are some."""
        self.tabla.setColumnHidden(RECHAZO_COLUMN, not hay)
        self.rechazados.setVisible(hay)
        if not hay and self.rechazados.isChecked():
            self.rechazados.setChecked(False)

    @property
    def fila_captura(self) -> tuple[QWidget, ...]:
        """The controls shown only while the informativa is captured."""
        return self._fila_captura

    def set_editable(self, editable: bool, captura: bool = True) -> None:
        """``captura`` False (a signed informativa): the row that adds, imports, corrects and
        removes workers is hidden, not greyed."""
        self.editable = editable
        for widget in self._fila_captura:
            widget.setVisible(captura)
        self._update()

    def _update(self, *_args: object) -> None:
        hay_contrato = self.contrato is not None
        puede = self.editable and hay_contrato
        for widget in (
            self.nss,
            self.curp,
            self.sbc,
            self.agregar,
            self.empresa,
            self.recibos,
            self.importar,
            self.revisar_columnas,
        ):
            widget.setEnabled(puede)
        seleccion = self.tabla.selectionModel().hasSelection()
        self.quitar.setEnabled(puede and seleccion)
        self.corregir.setEnabled(puede and self._una_fila() is not None)
        # Reading receipts changes nothing: a signed informativa's workers too.
        self.ver_recibos.setEnabled(hay_contrato and self._una_fila() is not None)
        if not hay_contrato:
            self.total.setText("")
            return
        total = self.model.total
        rechazados = self.rechazados.isChecked()
        if self.buscar.text().strip():
            texto = MSG_ENCONTRADOS.format(total=total)
            texto += " entre los rechazados por el portal" if rechazados else ""
        else:
            texto = _trabajadores(total)
            if rechazados:
                texto += " rechazado por el portal" if total == 1 else " rechazados por el portal"
        self.total.setText(texto)

    def _buscar(self) -> None:
        self.model.reload()
        self.tabla.scrollToTop()

    def como_se_agregaron(self) -> None:
        """The list in the order the workers were added (no column sorted)."""
        self.tabla.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)

    def _recargar(self, mostrar_ultimo: bool = False) -> None:
        if mostrar_ultimo:
            self.como_se_agregaron()
        self.model.reload()
        if mostrar_ultimo and self.model.total:
            # In the order they were added, the new one is the last.
            index = self.model.index(self.model.total - 1, 0)
            self.tabla.scrollTo(index)
            selection = self.tabla.selectionModel()
            selection.select(
                index,
                selection.SelectionFlag.ClearAndSelect | selection.SelectionFlag.Rows,
            )
        self.changed.emit()

    def seleccionar_renglon(self, renglon: int) -> None:
        """Select the worker at ``renglon`` (1 = the first of the contract) and focus the grid."""
        # Numbered in the whole contract as added: every worker shown, in that order.
        self.como_se_agregaron()
        if self.buscar.text():
            self.buscar.vaciar()
        if not 1 <= renglon <= self.model.total:
            return
        index = self.model.index(renglon - 1, 0)
        self.tabla.setCurrentIndex(index)
        self.tabla.scrollTo(index, QAbstractItemView.ScrollHint.PositionAtCenter)
        self.tabla.setFocus()

    # --- adding --------------------------------------------------------------------------------

    def tecleado(self) -> bool:
        """A worker typed in Agregar and not added yet."""
        return self.editable and any(e.text().strip() for e in (self.nss, self.curp, self.sbc))

    def agregar_tecleado(self) -> bool:
        """True once the typed worker was added."""
        if self.contrato is None:
            msgbox.warning(self.tabla, MSG_SIN_CONTRATO, TITLE)
            return False
        if not self.editable:
            return False
        try:
            self._services.informativa_trabajadores.agregar(
                self.contrato.uuid, self._actor, self.nss.text(), self.curp.text(), self.sbc.text()
            )
        except DomainError as exc:
            # Nothing typed is lost: the field at fault takes the cursor.
            fields = {"nss": self.nss, "curp": self.curp, "sbc": self.sbc}
            msgbox.field_error(self.tabla, exc, fields, TITLE, self.nss)
            return False
        for edit in (self.nss, self.curp, self.sbc):
            edit.clear()
        self._sbc_propuesto = ""
        self.nss.setFocus()
        self._recargar(mostrar_ultimo=True)
        return True

    def _proponer_sbc(self, nss: str) -> None:
        """A complete NSS proposes, in an empty SBC field, the last SBC the empresa's
        movimientos registered for it in the period (the one the IMSS checks against)."""
        if self.contrato is None or self.sbc.text() not in ("", self._sbc_propuesto):
            return  # the clerk typed an SBC: it stays
        sbc = None
        if len(nss.strip()) == 11:
            try:
                sbc = self._services.informativa_trabajadores.sbc_registrado(
                    self.contrato.uuid, self._actor, nss
                )
            except DomainError:
                sbc = None  # nothing to propose; Agregar says what is wrong
        self._sbc_propuesto = "" if sbc is None else f"{sbc // 100}.{sbc % 100:02d}"
        self.sbc.setText(self._sbc_propuesto)
        self.sbc.setToolTip(MSG_SBC_PROPUESTO if sbc is not None else "")

    def de_la_empresa(self) -> None:
        if self.contrato is None or not self.editable:
            return
        from icsoe_desktop.gui.informativa.trabajadores_empresa import TrabajadoresEmpresaDialog

        dialog = TrabajadoresEmpresaDialog(
            self._services, self._actor, self.contrato.uuid, self.tabla.window()
        )
        if ejecutar_modal(dialog):
            self._recargar()

    def de_los_recibos(self) -> None:
        """*Proponer trabajadores desde los recibos* for the contract shown."""
        if self.contrato is None or not self.editable:
            return
        from icsoe_desktop.gui.informativa.proponer_recibos import proponer

        proponer(
            self.tabla.window(), self._services, self._actor, self.contrato.uuid, self._recargar
        )

    def recibos_del_trabajador(self) -> None:
        """*Ver recibos…*: Recibos de nómina of the informativa's period, only the selected
        worker's (by his NSS; by CURP when the row has no NSS)."""
        row = self._una_fila()
        fila = self.model.fila(row) if row is not None else None
        if self.contrato is None or fila is None:
            return
        from icsoe_desktop.gui.nomina.recibos import RecibosNominaDialog

        dialog = RecibosNominaDialog(
            self._services,
            self._actor,
            self.tabla.window(),
            periodo=self.contrato.periodo,
            trabajador=fila.nss or fila.curp,
        )
        ejecutar_modal(dialog)
        self.tabla.setFocus()

    def _pedir_archivo(self, revisar: bool = False) -> None:
        if self.contrato is None or not self.editable:
            return
        path, _ = abrir_archivo(
            self.tabla.window(), "Importar trabajadores", str(Path.home()), IMPORT_FILTER
        )
        if path:
            self.importar_de(Path(path), revisar)

    def importar_de(self, path: Path, revisar: bool = False) -> None:
        """What the file dialog does with the chosen file (tests call it directly): the import
        runs in the background, then the list shows the workers added or the problems. A file
        the intake cannot read by itself (or ``revisar``) goes through the import assistant."""
        from icsoe_desktop.services.informativa.trabajadores_archivo import IMPORTACION

        if self.contrato is None or not self.editable:
            return
        svc, actor, uuid = self._services.informativa_trabajadores, self._actor, self.contrato.uuid
        try:
            guia = guia_de_importacion(
                self.tabla.window(),
                self._services,
                actor,
                IMPORTACION,
                path,
                revisar,
            )
        except Cancelada:
            return
        ejecutar_con_barra(
            self.tabla.window(),
            f"Importando los trabajadores de «{path.name}»…",
            lambda progreso, cancelado: svc.importar(uuid, actor, path, progreso, guia, cancelado),
            lambda resultado: self._importado(path, resultado),
            al_cancelar=lambda: msgbox.information(
                self.tabla.window(), MSG_IMPORT_CANCELADA.format(archivo=path.name), TITLE
            ),
            titulo=TITLE,
        )

    def _importado(self, path: Path, resultado: ResultadoImportacion) -> None:
        parent = self.tabla.window()
        if resultado.problemas:
            from icsoe_desktop.gui.informativa.problemas import ProblemasImportacionDialog

            mensaje = MSG_IMPORT_PROBLEMAS.format(
                archivo=path.name, cuantos=_problemas(len(resultado.problemas))
            )
            mensaje = "\n".join([mensaje, *resultado.notas])
            ejecutar_modal(ProblemasImportacionDialog(mensaje, resultado.problemas, parent))
            return
        self._recargar()
        msgbox.information(
            parent,
            "\n".join(
                [
                    MSG_IMPORTADOS.format(
                        verbo=verb(resultado.agregados, "agregó", "agregaron"),
                        cuantos=_trabajadores(resultado.agregados),
                        archivo=path.name,
                    ),
                    *resultado.notas,
                ]
            ),
            TITLE,
        )

    # --- correcting ----------------------------------------------------------------------------

    def _una_fila(self) -> int | None:
        """The one row selected (None: none or several), read from the selection's ranges:
        Ctrl+A over 12,000 rows is one range, not 12,000 indexes."""
        selection = self.tabla.selectionModel().selection()
        if selection.count() != 1:
            return None
        only = selection.at(0)
        return only.top() if only.top() == only.bottom() else None

    def corregir_seleccionado(self) -> None:
        """*Corregir…* the selected worker (a rejected one is then marked corregido)."""
        if self.contrato is None or not self.editable:
            return
        row = self._una_fila()
        fila = self.model.fila(row) if row is not None else None
        if fila is None:
            return
        from icsoe_desktop.gui.informativa.corregir_trabajador import CorregirTrabajadorDialog

        dialog = CorregirTrabajadorDialog(
            self._services, self._actor, self.contrato.uuid, fila, self.tabla.window()
        )
        if ejecutar_modal(dialog):
            self._recargar()
            self.tabla.setFocus()

    # --- removing ------------------------------------------------------------------------------

    def quitar_seleccionados(self) -> None:
        if self.contrato is None or not self.editable:
            return
        ids = self.model.ids(self.tabla.selectionModel().selection())
        if not ids:
            return
        parent = self.tabla.window()
        if not msgbox.question(
            parent,
            MSG_QUITAR.format(
                verbo=verb(len(ids), "quitará", "quitarán"), cuantos=_trabajadores(len(ids))
            ),
            yes="Quitar",
            title=TITLE,
        ):
            return
        try:
            self._services.informativa_trabajadores.quitar(self.contrato.uuid, self._actor, ids)
        except DomainError as exc:
            msgbox.warning(parent, exc.message, TITLE)
        self.tabla.clearSelection()
        self._recargar()
        self.tabla.setFocus()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            watched is self.tabla
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() == Qt.Key.Key_Delete
        ):
            self.quitar_seleccionados()
            return True
        return super().eventFilter(watched, event)


def _upper(edit: QLineEdit, text: str) -> None:
    """A CURP is typed in capitals whatever the keyboard's state; the cursor stays put."""
    if text != text.upper():
        position = edit.cursorPosition()
        edit.setText(text.upper())
        edit.setCursorPosition(position)

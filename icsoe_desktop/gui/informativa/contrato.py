"""A contract of the informativa: its contratante, objeto, the REPSE folio with the service or
work it authorised, its dates and (optionally) the workers the capture sheet declares.

Saved as typed: what is missing or inconsistent is for Revisar to say, so a half-captured
contract is never lost; only what cannot be stored (a date that is not one) is refused here."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from icsoe_desktop.domain.errors import DomainError, ValidationError
from icsoe_desktop.domain.informativa import repse
from icsoe_desktop.domain.informativa.modelo import FIRMADAS
from icsoe_desktop.gui.kit import colores, mnemonics, msgbox
from icsoe_desktop.gui.kit.cambios import PreguntaAlCerrar
from icsoe_desktop.gui.kit.fecha_edit import FechaEdit
from icsoe_desktop.gui.kit.modal import ejecutar_modal
from icsoe_desktop.services.informativa.captura import ContratoDatos

if TYPE_CHECKING:
    from PySide6.QtWidgets import QLayout

    from icsoe_desktop.services.container import Services
    from icsoe_desktop.services.informativa.repse import Registro

TITLE = "Contrato"
TITLE_NUEVO = "Nuevo contrato"
ELIGE_CONTRATANTE = "Elige el contratante…"
# The portal's one field «folio seguido de la descripción» is two boxes here (the folio has
# its own): the export joins them.
GUIA_REPSE = (
    "Sólo la descripción del servicio u obra especializado que fue autorizado en el REPSE; el "
    "folio va en su propio campo (la exportación los une como los pide el portal)."
)
NOTA_FECHAS = (
    "La fecha final es opcional: captúrala sólo si se conoce. La inicial puede quedar vacía "
    "mientras capturas: Revisar te recordará completarla."
)
MSG_FIRMADA = "firmada: sólo consulta"
ELIGE_SERVICIO = "Elige el servicio autorizado en el registro REPSE…"
MSG_DEL_REGISTRO = "Del registro REPSE del contratista: elige el servicio autorizado."


class _TextoCorrido(QPlainTextEdit):
    """Multi-line text whose line breaks mean nothing (the service joins the lines): Enter
    goes to the dialog, which saves, and Tab moves to the next field."""

    def __init__(self, name: str, max_length: int) -> None:
        super().__init__()
        self.setObjectName(name)
        self.setTabChangesFocus(True)
        self._max = max_length
        self.textChanged.connect(self._limitar)
        lines = 3
        self.setFixedHeight(self.fontMetrics().lineSpacing() * lines + 14)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            event.ignore()  # the dialog's default button (Guardar) takes it
            return
        super().keyPressEvent(event)

    def _limitar(self) -> None:
        text = self.toPlainText()
        if len(text) > self._max:
            self.setPlainText(text[: self._max])
            cursor = self.textCursor()
            cursor.movePosition(cursor.MoveOperation.End)
            self.setTextCursor(cursor)

    def text(self) -> str:
        return self.toPlainText()


class ContratoDialog(PreguntaAlCerrar, QDialog):
    """``contrato_uuid``: the contract edited (None: a new one); after Guardar, the one saved.
    ``campo`` names the field to focus on opening (Revisar takes the clerk to a problem)."""

    def __init__(
        self,
        services: Services,
        actor: str | None,
        contratista_rfc: str,
        informativa_uuid: str,
        contrato_uuid: str | None = None,
        parent: QWidget | None = None,
        campo: str | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("ContratoDialog")
        self._services, self._actor, self._rfc = services, actor, contratista_rfc
        self._informativa = informativa_uuid
        self.contrato_uuid = contrato_uuid
        self.setWindowTitle(TITLE if contrato_uuid else TITLE_NUEVO)
        self.solo_lectura = False
        self._registro: Registro | None = None  # the contratista's REPSE registration
        self._build()
        self._fields: dict[str, QWidget] = {
            "contratante": self.contratante,
            "objeto": self.objeto,
            "folio_repse": self.folio_repse,
            "descripcion_servicio": self.descripcion,
            "servicio": self.servicio,
            "fecha_inicial": self.fecha_inicial,
            "fecha_final": self.fecha_final,
            # The service names a field too long by its label.
            "Objeto del contrato": self.objeto,
            "Folio REPSE": self.folio_repse,
            "Descripción del servicio": self.descripcion,
        }
        self._periodo()
        self._cargar_contratantes()
        self._cargar_registro()
        if contrato_uuid is not None:
            self._load(contrato_uuid)
        self._avisar_vencimiento()
        self._guardado = self._valores()
        mnemonics.assign(self)  # Alt-letters for every button and labelled field
        self.enfocar(campo)

    # --- the form ------------------------------------------------------------------------------

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        self.periodo = QLabel()
        self.periodo.setObjectName("periodoLabel")
        layout.addWidget(self.periodo)
        grid = QGridLayout()
        grid.setColumnStretch(1, 1)
        layout.addLayout(grid)

        self.contratante = QComboBox()
        self.contratante.setObjectName("contratanteCombo")
        self.contratante.setMinimumContentsLength(40)
        self.contratante.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.nuevo_contratante = QPushButton("Nuevo contratante…")
        self.nuevo_contratante.setObjectName("nuevoContratanteButton")
        self.nuevo_contratante.setAutoDefault(False)
        self.editar_contratante = QPushButton("Editar contratante…")
        self.editar_contratante.setObjectName("editarContratanteButton")
        self.editar_contratante.setAutoDefault(False)
        fila = QHBoxLayout()
        fila.addWidget(self.contratante, 1)
        fila.addWidget(self.nuevo_contratante)
        fila.addWidget(self.editar_contratante)
        _row(grid, 0, "Contratante*:", self.contratante, fila)

        self.objeto = _TextoCorrido("objetoEdit", 1000)
        _row(grid, 1, "Objeto del contrato:", self.objeto)

        self.folio_repse = QLineEdit()
        self.folio_repse.setObjectName("folioRepseEdit")
        self.folio_repse.setMaxLength(40)
        self.folio_repse.setMaximumWidth(220)
        _row(grid, 2, "Folio REPSE:", self.folio_repse)

        # Shown when the contratista's REPSE registration is recorded: the service is chosen
        # from those it authorised, never typed.
        self.servicio = QComboBox()
        self.servicio.setObjectName("servicioRepseCombo")
        self.servicio.setMinimumContentsLength(40)
        self.servicio.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.servicio_label = _row(grid, 3, "Servicio autori&zado:", self.servicio)

        self.descripcion = _TextoCorrido("descripcionServicioEdit", 1000)
        etiqueta = _row(
            grid,
            4,
            "Descripción del servicio u obra especializado autorizado en el REPSE:",
            self.descripcion,
        )
        etiqueta.setWordWrap(True)
        guia = _nota(GUIA_REPSE)
        guia.setObjectName("guiaRepseLabel")
        grid.addWidget(guia, 5, 1)

        self.fecha_inicial = FechaEdit()
        self.fecha_inicial.setObjectName("fechaInicialEdit")
        self.fecha_final = FechaEdit()
        self.fecha_final.setObjectName("fechaFinalEdit")
        self.fecha_inicial.setAccessibleName("Fecha inicial")
        self.fecha_final.setAccessibleName("Fecha final")
        fechas = QHBoxLayout()
        fechas.addWidget(self.fecha_inicial)
        final = QLabel("Fecha final:")
        final.setBuddy(self.fecha_final.edit)
        fechas.addSpacing(16)
        fechas.addWidget(final)
        fechas.addWidget(self.fecha_final)
        fechas.addStretch(1)
        inicial = _row(grid, 6, "Fecha inicial:", self.fecha_inicial, fechas)
        inicial.setBuddy(self.fecha_inicial.edit)
        grid.addWidget(_nota(NOTA_FECHAS), 7, 1)
        self.aviso_repse = QLabel()
        self.aviso_repse.setObjectName("avisoRepseLabel")
        self.aviso_repse.setWordWrap(True)
        colores.pintar(self.aviso_repse, colores.ERROR)
        self.aviso_repse.hide()
        grid.addWidget(self.aviso_repse, 8, 1)

        obligatorios = QLabel("* Campo obligatorio")
        obligatorios.setObjectName("obligatoriosLabel")
        layout.addWidget(obligatorios)
        layout.addStretch(1)
        buttons = QDialogButtonBox()
        self.guardar = QPushButton("Guardar")
        self.guardar.setObjectName("guardarButton")
        self.guardar.setDefault(True)
        self.cancelar = QPushButton("Cancelar")
        self.cancelar.setObjectName("cancelarButton")
        self.cancelar.setAutoDefault(False)
        buttons.addButton(self.guardar, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(self.cancelar, QDialogButtonBox.ButtonRole.RejectRole)
        layout.addWidget(buttons)

        self.guardar.clicked.connect(self._guardar)
        self.cancelar.clicked.connect(self.reject)
        self.nuevo_contratante.clicked.connect(self._nuevo_contratante)
        self.editar_contratante.clicked.connect(self._editar_contratante)
        self.contratante.currentIndexChanged.connect(lambda _i: self._refresh_editar())
        self.servicio.activated.connect(self._servicio_elegido)
        self.fecha_final.changed.connect(self._avisar_vencimiento)
        self.setMinimumWidth(880)

    def _periodo(self) -> None:
        try:
            fila = self._services.informativas.fila(self._informativa, self._actor)
        except DomainError as exc:
            msgbox.warning(self, exc.message, TITLE)
            return
        texto = f"<b>Informativa {fila.tipo_texto}</b> del periodo <b>{fila.periodo.texto}</b>"
        if fila.estado in FIRMADAS:
            texto += f" — {MSG_FIRMADA}"
            self._solo_lectura()
        self.periodo.setText(texto)

    def _solo_lectura(self) -> None:
        """A signed informativa is shown, never changed (a complementaria corrects it)."""
        self.solo_lectura = True
        for edit in (self.objeto, self.descripcion):
            edit.setReadOnly(True)
        for line in (
            self.folio_repse,
            self.fecha_inicial.edit,
            self.fecha_final.edit,
        ):
            line.setReadOnly(True)
        for widget in (
            self.contratante,
            self.servicio,
            self.nuevo_contratante,
            self.editar_contratante,
            self.fecha_inicial.calendario_button,
            self.fecha_final.calendario_button,
            self.guardar,
        ):
            widget.setEnabled(False)
        self.cancelar.setText("Cerrar")

    def _cargar_contratantes(self, elegir: str | None = None) -> None:
        """The contratista's contratantes, «RFC — nombre»; ``elegir``: the one to select."""
        elegido = elegir if elegir is not None else self._contratante_uuid()
        self.contratante.blockSignals(True)
        self.contratante.clear()
        self.contratante.addItem(ELIGE_CONTRATANTE, "")
        try:
            filas = self._services.informativas.contratantes(self._rfc, self._actor)
        except DomainError as exc:
            msgbox.warning(self, exc.message, TITLE)
            filas = []
        for fila in filas:
            self.contratante.addItem(f"{fila.parte.rfc} — {fila.parte.nombre}", fila.uuid)
        self.contratante.setCurrentIndex(max(0, self.contratante.findData(elegido or "")))
        self.contratante.blockSignals(False)
        self._refresh_editar()

    def _cargar_registro(self) -> None:
        """The services the contratista's REPSE registration authorised: with them the
        description and the folio come from the registration (the combo), not the keyboard."""
        try:
            self._registro = self._services.repse.ver(self._rfc, self._actor)
        except DomainError as exc:
            msgbox.warning(self, exc.message, TITLE)
            self._registro = None
        con_registro = self._registro is not None
        self.servicio.setVisible(con_registro)
        self.servicio_label.setVisible(con_registro)
        if self._registro is None:
            return
        self.servicio.addItem(ELIGE_SERVICIO, "")
        for texto in self._registro.servicios:
            self.servicio.addItem(texto, texto)
        self.descripcion.setReadOnly(True)
        self.folio_repse.setReadOnly(True)
        self._fields["descripcion_servicio"] = self.servicio
        self.descripcion.setToolTip(MSG_DEL_REGISTRO)
        self.folio_repse.setToolTip(MSG_DEL_REGISTRO)

    def _servicio_elegido(self, _indice: int = 0) -> None:
        texto = str(self.servicio.currentData() or "")
        if self._registro is None or not texto:
            return
        self.descripcion.setPlainText(texto)
        self.folio_repse.setText(self._registro.aviso)

    def _avisar_vencimiento(self) -> None:
        """A contract that runs past the registration's end is warned as it is typed."""
        aviso = None
        if self._registro is not None:
            try:
                final = self.fecha_final.fecha("fecha final", "fecha_final")
            except ValidationError:
                final = None  # Guardar says what is wrong with it
            else:
                aviso = repse.aviso_contrato(final, self._registro.vence, self._registro.aviso)
        self.aviso_repse.setText(aviso or "")
        self.aviso_repse.setVisible(bool(aviso))

    def _contratante_uuid(self) -> str:
        return str(self.contratante.currentData() or "")

    def _refresh_editar(self) -> None:
        self.editar_contratante.setEnabled(bool(self._contratante_uuid()) and not self.solo_lectura)

    def _load(self, uuid: str) -> None:
        try:
            datos = self._services.informativas.contrato(uuid, self._actor)
        except DomainError as exc:
            msgbox.warning(self, exc.message, TITLE)
            return
        self.contratante.setCurrentIndex(max(0, self.contratante.findData(datos.contratante)))
        self.objeto.setPlainText(datos.objeto)
        self.folio_repse.setText(datos.folio_repse)
        self.descripcion.setPlainText(datos.descripcion_servicio)
        self.servicio.setCurrentIndex(max(0, self.servicio.findData(datos.descripcion_servicio)))
        self.fecha_inicial.set_fecha(datos.fecha_inicial)
        self.fecha_final.set_fecha(datos.fecha_final)
        if self.solo_lectura:
            self._contratante_firmado(uuid)

    def _contratante_firmado(self, uuid: str) -> None:
        """A signed contract names its contratante as it was signed, not as edited since."""
        try:
            resumenes = self._services.informativas.contratos(self._informativa, self._actor)
        except DomainError as exc:
            msgbox.warning(self, exc.message, TITLE)
            return
        for r in resumenes:
            if r.uuid == uuid:
                texto = f"{r.contratante_rfc} — {r.contratante_nombre}"
                self.contratante.setItemText(self.contratante.currentIndex(), texto)

    def enfocar(self, campo: str | None) -> None:
        """Put the cursor in the field named ``campo`` (a Problema's), else the first one."""
        widget = self._fields.get(campo or "") or (
            self.objeto if self._contratante_uuid() else self.contratante
        )
        widget.setFocus()
        if isinstance(widget, QLineEdit):
            widget.selectAll()

    # --- contratantes --------------------------------------------------------------------------

    def _nuevo_contratante(self) -> None:
        self._abrir_contratante(None)

    def _editar_contratante(self) -> None:
        if uuid := self._contratante_uuid():
            self._abrir_contratante(uuid)

    def _abrir_contratante(self, uuid: str | None) -> None:
        from icsoe_desktop.gui.informativa.contratante import ContratanteDialog

        dialog = ContratanteDialog(self._services, self._actor, self._rfc, uuid, self)
        if ejecutar_modal(dialog) and dialog.contratante_uuid:
            self._cargar_contratantes(dialog.contratante_uuid)
        else:
            self._cargar_contratantes()  # it may have been renamed elsewhere meanwhile
        self.contratante.setFocus()

    # --- Guardar, closing ----------------------------------------------------------------------

    def _valores(self) -> tuple[str, ...]:
        return (
            self._contratante_uuid(),
            self.objeto.text(),
            self.folio_repse.text(),
            self.descripcion.text(),
            self.fecha_inicial.text().strip(),
            self.fecha_final.text().strip(),
        )

    def cambios(self) -> bool:
        return not self.solo_lectura and self._valores() != self._guardado

    def datos(self) -> ContratoDatos:
        """What the form holds; a date that is not one is refused (ValidationError)."""
        return ContratoDatos(
            contratante=self._contratante_uuid(),
            objeto=self.objeto.text(),
            folio_repse=self.folio_repse.text(),
            descripcion_servicio=self.descripcion.text(),
            fecha_inicial=self.fecha_inicial.fecha("fecha inicial", "fecha_inicial"),
            fecha_final=self.fecha_final.fecha("fecha final", "fecha_final"),
        )

    def _guardar(self) -> bool:
        try:
            uuid = self._services.informativas.guardar_contrato(
                self._informativa, self._actor, self.datos(), self.contrato_uuid
            )
        except ValidationError as exc:
            msgbox.field_error(self, exc, self._fields, self.windowTitle())
            return False
        except DomainError as exc:
            msgbox.warning(self, exc.message, self.windowTitle())
            return False
        self.contrato_uuid = uuid
        self._guardado = self._valores()
        self.accept()
        return True

    def guardar_cambios(self) -> bool:
        return self._guardar()


def _row(
    grid: QGridLayout, row: int, text: str, field: QWidget, content: QLayout | None = None
) -> QLabel:
    """A label (the field's buddy: its Alt-letter focuses it) and the field, or ``content``
    (a layout holding the field with what goes beside it)."""
    label = QLabel(text)
    label.setBuddy(field)
    # Beside a multi-line field the label stays at its first line.
    alto = isinstance(field, QPlainTextEdit)
    vertical = Qt.AlignmentFlag.AlignTop if alto else Qt.AlignmentFlag.AlignVCenter
    label.setAlignment(Qt.AlignmentFlag.AlignLeft | vertical)
    grid.addWidget(label, row, 0, vertical)
    if content is None:
        grid.addWidget(field, row, 1)
    else:
        grid.addLayout(content, row, 1)
    return label


def _nota(text: str) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    colores.pintar(label, colores.NOTA)
    return label

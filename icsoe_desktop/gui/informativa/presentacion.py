"""Registrar presentación: the IMSS acuse de presentación (the PDF downloaded from the portal)
chosen, its folio, date and time of filing (hora del centro) and each contract's IMSS folio
filled from its text when recognised, typed otherwise, and always confirmed by the clerk
before the informativa becomes «Presentada».

Opened from an informativa (that one), or from ICSOE › Registrar presentación… (a list of the
signed informativas not filed yet)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QDateTime, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDateTimeEdit,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from icsoe_desktop.domain.clock import HORA_DEL_CENTRO, hora_del_centro
from icsoe_desktop.domain.errors import DomainError
from icsoe_desktop.domain.texts import plural
from icsoe_desktop.gui.informativa.elegir_informativa import combo_de_informativas
from icsoe_desktop.gui.kit import mnemonics, msgbox
from icsoe_desktop.gui.kit.geometria import centrar

if TYPE_CHECKING:
    from icsoe_desktop.services.container import Services
    from icsoe_desktop.services.informativa.presentacion import ContratoPresentado

TITLE = "Registrar presentación"
FORMATO_FECHA = "dd/MM/yyyy HH:mm:ss"
MSG_INTRO = (
    "Presenta la informativa firmada en el portal del IMSS y descarga su acuse de presentación. "
    "Elige aquí ese PDF: el folio, la fecha y hora y los folios IMSS de los contratos se "
    "leen de él cuando se reconocen. Revisa cada dato antes de registrar."
)
MSG_LEIDO = "Del acuse se {verbo}: {que}. Confírmalos o corrígelos."
MSG_NADA_LEIDO = (
    "No se reconocieron datos en el acuse (por ejemplo, si es una imagen escaneada): escribe "
    "el folio, la fecha y hora y los folios de los contratos como aparecen en él."
)
MSG_SIN_ACUSE = "Elige el acuse de presentación (PDF) que descargaste del portal del IMSS."
MSG_SIN_PENDIENTES = "No hay informativas firmadas pendientes de presentar."
MSG_CONFIRMAR = (
    "¿Registrar la presentación de la informativa con el folio <b>{folio}</b>, presentada el "
    "<b>{fecha}</b> (hora del centro){contratos}? Después no se puede cambiar."
)
MSG_REGISTRADA = "La informativa quedó presentada con el folio {folio}."
CABECERAS = ("Contratante RFC", "Contratante", "Folio IMSS del contrato")
FOLIO_COL = 2


class RegistrarPresentacionDialog(QDialog):
    """``informativa``: the one to register; None: chosen from the list of those pending.
    Accepted once registered."""

    def __init__(
        self,
        services: Services,
        actor: str | None,
        informativa: str | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("RegistrarPresentacionDialog")
        self.setWindowTitle(TITLE)
        self._services = services
        self._actor = actor
        self._pdf: bytes | None = None
        self._nombre = ""
        self._contratos: list[ContratoPresentado] = []
        servicio = services.informativa_presentacion

        layout = QVBoxLayout(self)
        intro = QLabel(MSG_INTRO)
        intro.setWordWrap(True)
        layout.addWidget(intro)
        form = QFormLayout()
        layout.addLayout(form)
        self.informativa = combo_de_informativas(
            parent,
            services,
            actor,
            informativa,
            lambda: servicio.por_presentar(actor),
            lambda fila: f"{fila.periodo.texto} · {fila.tipo_texto}",
            TITLE,
        )
        form.addRow("&Informativa:", self.informativa)

        self.archivo = QLineEdit()
        self.archivo.setObjectName("acuseEdit")
        self.archivo.setReadOnly(True)
        self.archivo.setPlaceholderText("El PDF descargado del portal del IMSS")
        self.elegir = QPushButton("&Elegir…")
        self.elegir.setObjectName("elegirButton")
        fila_archivo = QHBoxLayout()
        fila_archivo.addWidget(self.archivo, 1)
        fila_archivo.addWidget(self.elegir)
        acuse_label = QLabel("&Acuse de presentación:")
        acuse_label.setBuddy(self.elegir)
        form.addRow(acuse_label, fila_archivo)
        self.folio = QLineEdit()
        self.folio.setObjectName("folioEdit")
        self.folio.setMaxLength(20)
        self.folio.setPlaceholderText("N… (Normal) o SI… (Sin información)")
        form.addRow("&Folio de presentación:", self.folio)
        self.fecha = QDateTimeEdit()
        self.fecha.setObjectName("fechaEdit")
        self.fecha.setDisplayFormat(FORMATO_FECHA)
        self.fecha.setCalendarPopup(True)
        self.fecha.setDateTime(_qt(hora_del_centro(services.clock())))
        form.addRow("Fecha y &hora (hora del centro):", self.fecha)

        # What was read from the acuse, or that nothing was: under the fields it filled.
        self.leido = QLabel("")
        self.leido.setObjectName("leidoLabel")
        self.leido.setWordWrap(True)
        self.leido.setStyleSheet("color: #13322b;")
        layout.addWidget(self.leido)

        self.tabla = QTableWidget(0, len(CABECERAS))
        self.tabla.setObjectName("contratosTable")
        self.tabla.setHorizontalHeaderLabels(CABECERAS)
        self.tabla.verticalHeader().setVisible(False)
        self.tabla.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.tabla.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        contratos_label = QLabel("&Contratos y sus folios IMSS:")
        contratos_label.setBuddy(self.tabla)
        layout.addWidget(contratos_label)
        layout.addWidget(self.tabla, 1)

        botones = QHBoxLayout()
        botones.addStretch(1)
        self.registrar = QPushButton("&Registrar")
        self.registrar.setObjectName("registrarButton")
        self.cancelar = QPushButton("Cancelar")
        self.cancelar.setObjectName("cancelarButton")
        botones.addWidget(self.registrar)
        botones.addWidget(self.cancelar)
        layout.addLayout(botones)

        self.elegir.clicked.connect(self._pedir_acuse)
        self.registrar.clicked.connect(self.registrar_presentacion)
        self.cancelar.clicked.connect(self.reject)
        self.informativa.currentIndexChanged.connect(lambda _i: self._cargar_contratos())
        self._cargar_contratos()
        if self.informativa.count() == 0:
            self.leido.setText(MSG_SIN_PENDIENTES)
        for widget in (self.elegir, self.folio, self.fecha, self.tabla, self.registrar):
            widget.setEnabled(self.informativa.count() > 0)
        mnemonics.assign(self)
        self.resize(760, 520)
        centrar(self, parent)

    @property
    def uuid(self) -> str | None:
        return self.informativa.currentData()

    def _cargar_contratos(self) -> None:
        self._contratos = []
        if self.uuid is not None:
            try:
                self._contratos = self._services.informativa_presentacion.contratos(
                    self.uuid, self._actor
                )
            except DomainError as exc:
                msgbox.warning(self, exc.message, TITLE)
        self.tabla.setRowCount(len(self._contratos))
        for fila, contrato in enumerate(self._contratos):
            for columna, texto in enumerate(
                (contrato.contratante_rfc, contrato.contratante_nombre, contrato.folio_imss)
            ):
                item = QTableWidgetItem(texto)
                if columna != FOLIO_COL:
                    item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
                self.tabla.setItem(fila, columna, item)
        self.tabla.resizeColumnToContents(0)
        self.tabla.setColumnWidth(FOLIO_COL, 180)

    # --- the acuse -----------------------------------------------------------------------------

    def _pedir_acuse(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, "Acuse de presentación del IMSS", str(Path.home()), "Documento PDF (*.pdf)"
        )
        if path:
            self.elegir_acuse(Path(path))

    def elegir_acuse(self, path: Path) -> bool:
        """What the file dialog does with the chosen file (tests call it directly): read it,
        fill what is recognised; a wrong file is said and nothing changes."""
        if self.uuid is None:
            return False
        try:
            datos = path.read_bytes()
        except OSError as exc:
            msgbox.warning(self, f"No se pudo leer «{path.name}»: {exc.strerror or exc}.", TITLE)
            return False
        try:
            propuesta = self._services.informativa_presentacion.proponer(
                self.uuid, self._actor, datos, path.name
            )
        except DomainError as exc:
            msgbox.warning(self, exc.message, TITLE)
            return False
        self._pdf, self._nombre = datos, path.name
        self.archivo.setText(str(path))
        leido = []
        if propuesta.folio:
            self.folio.setText(propuesta.folio)
            leido.append(f"el folio {propuesta.folio}")
        if propuesta.presentada:
            self.fecha.setDateTime(_qt(propuesta.presentada))
            leido.append("la fecha y hora")
        for fila, contrato in enumerate(self._contratos):
            folio = propuesta.folios_contratos.get(contrato.uuid)
            if folio:
                self.tabla.setItem(fila, FOLIO_COL, QTableWidgetItem(folio))
        if propuesta.folios_contratos:
            leido.append(
                plural(len(propuesta.folios_contratos), "folio de contrato", "folios de contratos")
            )
        self.leido.setText(
            MSG_LEIDO.format(verbo="leyó" if len(leido) == 1 else "leyeron", que=_enumerar(leido))
            if leido
            else MSG_NADA_LEIDO
        )
        self.folio.setFocus()
        return True

    def folios_contratos(self) -> dict[str, str]:
        folios = {}
        for fila, contrato in enumerate(self._contratos):
            item = self.tabla.item(fila, FOLIO_COL)
            folios[contrato.uuid] = item.text() if item is not None else ""
        return folios

    def fecha_elegida(self) -> datetime:
        """The date and time typed, in Central Mexico time whatever this computer's zone."""
        d = self.fecha.dateTime()
        fecha, hora = d.date(), d.time()
        return datetime(
            fecha.year(), fecha.month(), fecha.day(), hora.hour(), hora.minute(), hora.second(),
            tzinfo=HORA_DEL_CENTRO,
        )  # fmt: skip

    # --- Registrar -----------------------------------------------------------------------------

    def registrar_presentacion(self) -> None:
        if self.uuid is None:
            return
        if self._pdf is None:
            msgbox.warning(self, MSG_SIN_ACUSE, TITLE)
            self.elegir.setFocus()
            return
        folios = self.folios_contratos()
        con_folio = sum(1 for f in folios.values() if f.strip())
        contratos = (
            f" y {plural(con_folio, 'folio de contrato', 'folios de contratos')}" if folios else ""
        )
        fecha = self.fecha_elegida()
        texto = MSG_CONFIRMAR.format(
            folio=self.folio.text().strip().upper() or "(sin folio)",
            fecha=f"{fecha:%d/%m/%Y %H:%M:%S}",
            contratos=contratos,
        )
        if not msgbox.question(self, texto, yes="Registrar", no="Revisar", title=TITLE):
            return
        campos = {"folio": self.folio, "fecha": self.fecha, "folios": self.tabla}
        try:
            hecha = self._services.informativa_presentacion.registrar(
                self.uuid, self._actor, self._pdf, self._nombre, self.folio.text(), fecha, folios
            )
        except DomainError as exc:
            msgbox.field_error(self, exc, campos, TITLE, self.folio)
            return
        msgbox.information(self, MSG_REGISTRADA.format(folio=hecha.folio), TITLE)
        self.accept()


def _qt(valor: datetime) -> QDateTime:
    """An aware time as the edit shows it: its wall-clock in Central Mexico, no zone."""
    centro = valor.astimezone(HORA_DEL_CENTRO)
    return QDateTime(
        centro.year, centro.month, centro.day, centro.hour, centro.minute, centro.second
    )


def _enumerar(partes: list[str]) -> str:
    return partes[0] if len(partes) == 1 else ", ".join(partes[:-1]) + " y " + partes[-1]


__all__ = ["RegistrarPresentacionDialog"]

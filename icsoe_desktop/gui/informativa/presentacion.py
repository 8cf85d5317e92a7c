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

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
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

from icsoe_desktop.domain.clock import HORA_DEL_CENTRO
from icsoe_desktop.domain.errors import DomainError, ValidationError
from icsoe_desktop.domain.informativa.acuse_corregido import Corregido, corregido
from icsoe_desktop.domain.motivo_os import motivo_os
from icsoe_desktop.domain.texts import enumerar, plural
from icsoe_desktop.gui.informativa.elegir_informativa import combo_de_informativas
from icsoe_desktop.gui.kit import colores, mnemonics, msgbox
from icsoe_desktop.gui.kit.elegir_archivo import abrir_archivo
from icsoe_desktop.gui.kit.geometria import centrar
from icsoe_desktop.gui.kit.operaciones import ejecutar, ejecutar_con_barra

if TYPE_CHECKING:
    from icsoe_desktop.domain.informativa.presentacion import Presentacion, Propuesta
    from icsoe_desktop.services.container import Services
    from icsoe_desktop.services.informativa.presentacion import ContratoPresentado

TITLE = "Registrar presentación"
FORMATO_FECHA = "%d/%m/%Y %H:%M:%S"
MASCARA_FECHA = "99/99/9999 99:99:99;_"
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
MSG_FALTAN = (
    "El acuse no dice {faltan}: marca la casilla de abajo sólo si es el acuse del IMSS de esta "
    "informativa; el registro dirá que lo declaraste tú."
)
MSG_CONFIRMO = "Confirmo que este PDF es el acuse de presentación del IMSS de esta informativa."
MSG_LEYENDO = "Leyendo el acuse «{nombre}»…"
MSG_REGISTRANDO = "Registrando la presentación…"
MSG_SIN_FECHA = (
    "Escribe la fecha y hora de presentación como aparecen en el acuse del IMSS "
    "(DD/MM/AAAA HH:MM:SS, hora del centro)."
)
MSG_FECHA_INVALIDA = "La fecha y hora «{texto}» no es válida: usa DD/MM/AAAA HH:MM:SS."
MSG_SIN_ACUSE = "Elige el acuse de presentación (PDF) que descargaste del portal del IMSS."
MSG_SIN_PENDIENTES = "No hay informativas firmadas pendientes de presentar."
MSG_CONFIRMAR = (
    "¿Registrar la presentación de la informativa con el folio <b>{folio}</b>, presentada el "
    "<b>{fecha}</b> (hora del centro){contratos}? Después no se puede cambiar."
)
MSG_REGISTRADA = "La informativa quedó presentada con el folio {folio}."
MSG_REGISTRADA_NO_PROBADA = (
    "La informativa quedó presentada con el folio {folio}, fecha de firma no probada: su "
    "constancia no tiene un sello de tiempo confiable en este equipo, así que su fecha de firma "
    "es sólo la del reloj de la computadora donde se firmó."
)
MSG_CORREGIDO = "Se registrará con {que}."
MSG_CONFIRMAR_CORREGIDO = "<br><br>Se registrará con <b>{que}</b>."
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
        # Named apart from its button (the label names the button, which Alt+A reaches).
        self.archivo.setAccessibleName("Archivo del acuse de presentación")
        self.archivo.setReadOnly(True)
        self.archivo.setPlaceholderText("El PDF descargado del portal del IMSS")
        self.elegir = QPushButton("&Elegir…")
        self.elegir.setObjectName("elegirButton")
        self.elegir.setAccessibleName("Elegir el acuse de presentación…")
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
        # Empty until read from the acuse or typed: a date the clerk did not give is never
        # assumed (the filing time is the legal proof).
        self.fecha = QLineEdit()
        self.fecha.setObjectName("fechaEdit")
        self.fecha.setInputMask(MASCARA_FECHA)
        self.fecha.setToolTip(
            "DD/MM/AAAA HH:MM:SS, hora del centro, como dice el acuse; si se leyó mal, "
            "corrígela: se registra como corregida por el usuario"
        )
        form.addRow("Fecha y &hora (hora del centro):", self.fecha)

        # What was read from the acuse, or that nothing was: under the fields it filled.
        self.leido = QLabel("")
        self.leido.setObjectName("leidoLabel")
        self.leido.setWordWrap(True)
        colores.pintar(self.leido, colores.TITULO)
        layout.addWidget(self.leido)
        # A folio or date read from the acuse and then changed: said as it is typed, and
        # recorded with the registro.
        self.corregido = QLabel("")
        self.corregido.setObjectName("corregidoLabel")
        self.corregido.setWordWrap(True)
        self.corregido.setVisible(False)
        colores.pintar(self.corregido, colores.AVISO)
        layout.addWidget(self.corregido)
        self.confirmo = QCheckBox(MSG_CONFIRMO)
        self.confirmo.setObjectName("confirmoCheck")
        self.confirmo.setVisible(False)
        layout.addWidget(self.confirmo)
        self._faltan: tuple[str, ...] = ()
        self._leida: Propuesta | None = None

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
        self.folio.textChanged.connect(lambda _t: self._mostrar_correccion())
        self.fecha.textChanged.connect(lambda _t: self._mostrar_correccion())
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
        path, _ = abrir_archivo(
            self, "Acuse de presentación del IMSS", str(Path.home()), "Documento PDF (*.pdf)"
        )
        if path:
            self.elegir_acuse(Path(path))

    def elegir_acuse(self, path: Path) -> bool:
        """What the file dialog does with the chosen file (tests call it directly): what the
        previous file filled is cleared, and the PDF is read off the window's thread (busy,
        with Cancelar); what it says fills the form when it arrives, a wrong file is said.
        False when the file cannot even be opened."""
        if self.uuid is None:
            return False
        self._limpiar()
        try:
            datos = path.read_bytes()
        except OSError as exc:
            msgbox.warning(self, f"No se pudo leer «{path.name}»: {motivo_os(exc)}.", TITLE)
            return False
        servicio, uuid, actor = self._services.informativa_presentacion, self.uuid, self._actor
        ejecutar_con_barra(
            self,
            MSG_LEYENDO.format(nombre=path.name),
            lambda _progreso, cancelado: servicio.proponer(
                uuid, actor, datos, path.name, cancelado
            ),
            lambda propuesta: self._leido(path, datos, propuesta),
            al_fallar=lambda exc: msgbox.warning(self, exc.message, TITLE),
            titulo=TITLE,
        )
        return True

    def _limpiar(self) -> None:
        """Nothing of a previous PDF stays when another is chosen."""
        self._pdf, self._nombre, self._faltan, self._leida = None, "", (), None
        self.archivo.clear()
        for campo in (self.folio, self.fecha):
            campo.clear()
        self.leido.clear()
        self.confirmo.setChecked(False)
        self.confirmo.setVisible(False)
        for fila, contrato in enumerate(self._contratos):
            self.tabla.setItem(fila, FOLIO_COL, QTableWidgetItem(contrato.folio_imss))

    def _leido(self, path: Path, datos: bytes, propuesta: Propuesta) -> None:
        self._pdf, self._nombre, self._faltan = datos, path.name, propuesta.faltan
        self.archivo.setText(str(path))
        leido = []
        # What the acuse states fills the fields, editable: a misread folio or date is
        # corrected there, and the registro records it as corrected by the user. A scanned
        # acuse's (one that does not say whose it is) are typed.
        if propuesta.folio and not propuesta.faltan:
            self.folio.setText(propuesta.folio)
            leido.append(f"el folio {propuesta.folio}")
        if propuesta.presentada and not propuesta.faltan:
            self.fecha.setText(
                f"{propuesta.presentada.astimezone(HORA_DEL_CENTRO):{FORMATO_FECHA}}"
            )
            leido.append("la fecha y hora")
        self._leida = propuesta
        self._mostrar_correccion()
        for fila, contrato in enumerate(self._contratos):
            folio = propuesta.folios_contratos.get(contrato.uuid)
            if folio:
                self.tabla.setItem(fila, FOLIO_COL, QTableWidgetItem(folio))
        if propuesta.folios_contratos:
            leido.append(
                plural(len(propuesta.folios_contratos), "folio de contrato", "folios de contratos")
            )
        if propuesta.faltan:
            self.leido.setText(MSG_FALTAN.format(faltan=enumerar(list(propuesta.faltan), "ni")))
            self.confirmo.setVisible(True)
            mnemonics.assign(self)  # shown now: its letter, unique among the dialog's
        elif leido:
            verbo = "leyó" if len(leido) == 1 else "leyeron"
            self.leido.setText(MSG_LEIDO.format(verbo=verbo, que=enumerar(leido)))
        else:
            self.leido.setText(MSG_NADA_LEIDO)
        leidos = propuesta.folio and propuesta.presentada and not propuesta.faltan
        (self.registrar if leidos else self.folio).setFocus()

    def correccion(self) -> Corregido:
        """What the acuse states of the folio and date typed otherwise (empty: as read, or a
        date not complete yet)."""
        if self._leida is None:
            return Corregido()
        try:
            fecha = self.fecha_elegida()
        except ValidationError:
            fecha = None
        return corregido(self._leida.folio, self._leida.presentada, self.folio.text(), fecha)

    def _mostrar_correccion(self) -> None:
        que = self.correccion().texto()
        self.corregido.setText(MSG_CORREGIDO.format(que=que) if que else "")
        self.corregido.setVisible(bool(que))

    def folios_contratos(self) -> dict[str, str]:
        folios = {}
        for fila, contrato in enumerate(self._contratos):
            item = self.tabla.item(fila, FOLIO_COL)
            folios[contrato.uuid] = item.text() if item is not None else ""
        return folios

    def fecha_elegida(self) -> datetime:
        """The date and time typed, in Central Mexico time whatever this computer's zone."""
        texto = self.fecha.text().strip()
        if not texto.replace("/", "").replace(":", "").strip():
            raise ValidationError("fecha_vacia", MSG_SIN_FECHA, "fecha")
        try:
            return datetime.strptime(texto, FORMATO_FECHA).replace(tzinfo=HORA_DEL_CENTRO)
        except ValueError:
            raise ValidationError(
                "fecha_invalida", MSG_FECHA_INVALIDA.format(texto=texto), "fecha"
            ) from None

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
        campos = {
            "folio": self.folio,
            "fecha": self.fecha,
            "folios": self.tabla,
            "confirmo": self.confirmo,
        }
        try:
            fecha = self.fecha_elegida()
        except DomainError as exc:
            msgbox.field_error(self, exc, campos, TITLE, self.fecha)
            return
        correccion = self.correccion()
        texto = MSG_CONFIRMAR.format(
            folio=self.folio.text().strip().upper() or "(sin folio)",
            fecha=f"{fecha:%d/%m/%Y %H:%M:%S}",
            contratos=contratos,
        ) + (MSG_CONFIRMAR_CORREGIDO.format(que=correccion.texto()) if correccion else "")
        if not msgbox.question(self, texto, yes="Registrar", no="Revisar", title=TITLE):
            return
        servicio, uuid, actor = self._services.informativa_presentacion, self.uuid, self._actor
        pdf, nombre, folio = self._pdf, self._nombre, self.folio.text()
        confirmo = self.confirmo.isChecked()
        # The acuse is read again to be registered: off the window's thread, as when chosen.
        ejecutar(
            self,
            MSG_REGISTRANDO,
            lambda: servicio.registrar(
                uuid,
                actor,
                pdf,
                nombre,
                folio,
                fecha,
                folios,
                confirmo_acuse=confirmo,
                corregir=bool(correccion),
            ),
            self._registrada,
            al_fallar=lambda exc: msgbox.field_error(self, exc, campos, TITLE, self.folio),
            titulo=TITLE,
        )

    def _registrada(self, hecha: Presentacion) -> None:
        # As `informativa presentar` says it: never «presentada» alone of an unproven date.
        servicio, uuid = self._services.informativa_presentacion, self.uuid
        registro = servicio.registro(uuid, self._actor) if uuid is not None else None
        probada = registro is not None and registro.firma_probada
        texto = MSG_REGISTRADA if probada else MSG_REGISTRADA_NO_PROBADA
        msgbox.information(self, texto.format(folio=hecha.folio), TITLE)
        self.accept()


__all__ = ["RegistrarPresentacionDialog"]

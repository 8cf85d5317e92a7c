"""Administración › Registro REPSE… in the contratista's window: its REPSE registration (the
aviso, the date granted, each authorised service, the STPS's PDF) and its renewal (the request's
date and folio, then the new registration that continues it), as `repse registrar|renovar` do it
and through the same service, whose role matrix decides who may. Above them, the registration's
state and its renewal window (the STPS's calendar, DOF 21/02/2024), in red once the window has
closed unasked or the registration has lapsed."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from icsoe_desktop.domain.cambios import ICSOE, Cambios
from icsoe_desktop.domain.errors import DomainError, ValidationError
from icsoe_desktop.domain.informativa import repse
from icsoe_desktop.domain.roles import Accion
from icsoe_desktop.gui.kit import colores, lector, mnemonics, msgbox
from icsoe_desktop.gui.kit.elegir_archivo import abrir_archivo
from icsoe_desktop.gui.kit.fecha_edit import FechaEdit
from icsoe_desktop.gui.kit.geometria import centrar
from icsoe_desktop.gui.kit.notificador import suscribir
from icsoe_desktop.gui.kit.operaciones import ejecutar, en_segundo_plano
from icsoe_desktop.gui.kit.permisos import reflejar_varios

if TYPE_CHECKING:
    from icsoe_desktop.services.container import Services
    from icsoe_desktop.services.informativa.repse import Pdf, Registro

log = logging.getLogger(__name__)

TITLE = "Registro REPSE"
MSG_SIN_REGISTRO = (
    "Sin registro REPSE capturado: escribe el aviso, la fecha en que se otorgó y cada servicio "
    "u obra autorizado como los dice el PDF de la STPS, elige ese PDF y guárdalo."
)
MSG_ESTADO = (
    "<b>{estado}.</b> Aviso {aviso}, otorgado el {otorgado:%d/%m/%Y}; vence el {vence:%d/%m/%Y}."
)
MSG_VENTANA = (
    " La renovación se solicita {ventana} (los tres meses previos al mes en que se otorgó, "
    "calendario de la STPS, DOF 21/02/2024)."
)
MSG_SOLICITADA = " Solicitud de renovación {folio} del {fecha:%d/%m/%Y}."
MSG_FALTA_FECHA = "Escribe la {etiqueta} (dd/mm/aaaa)."
MSG_GUARDADO = "Se guardó el registro REPSE {aviso}: vence el {vence:%d/%m/%Y}."
MSG_SOLICITUD = "Se registró la solicitud de renovación {folio} del {fecha:%d/%m/%Y}."
MSG_RENOVADO = (
    "Se registró el registro nuevo {aviso}, que renueva el {anterior}: vence el {vence:%d/%m/%Y}."
)
MSG_LEYENDO = "Guardando el registro REPSE…"


def _fecha(campo: FechaEdit, etiqueta: str, nombre: str) -> date:
    valor = campo.fecha(etiqueta, nombre)
    if valor is None:
        raise ValidationError(
            "campo_obligatorio", MSG_FALTA_FECHA.format(etiqueta=etiqueta), nombre
        )
    return valor


def _fecha_en(form: QFormLayout, texto: str, nombre: str) -> FechaEdit:
    """A date's row: its label's letter goes to the date's own field (the calendar's button
    is reached by mouse only, as in the contract), which a screen reader names as the label."""
    fecha = FechaEdit()
    fecha.setObjectName(nombre)
    fecha.setAccessibleName(texto)
    etiqueta = QLabel(f"{texto}:")
    etiqueta.setBuddy(fecha.edit)
    form.addRow(etiqueta, fecha)
    return fecha


class _ElegirPdf(QWidget):
    """The PDF's name (read only) and the button that chooses it; its bytes, once chosen."""

    def __init__(self, nombre: str, titulo: str) -> None:
        super().__init__()
        self._titulo = titulo
        self.pdf: Pdf | None = None
        fila = QHBoxLayout(self)
        fila.setContentsMargins(0, 0, 0, 0)
        self.archivo = QLineEdit()
        self.archivo.setObjectName(f"{nombre}Edit")
        self.archivo.setReadOnly(True)
        self.archivo.setAccessibleName(titulo)
        self.archivo.setPlaceholderText("El PDF que descargaste de la STPS (opcional)")
        self.boton = QPushButton("Elegir PDF…")
        self.boton.setObjectName(f"{nombre}Button")
        self.boton.setAccessibleName(f"Elegir el {titulo}")
        fila.addWidget(self.archivo, 1)
        fila.addWidget(self.boton)
        self.boton.clicked.connect(self._pedir)

    def _pedir(self) -> None:
        path, _ = abrir_archivo(self, self._titulo, str(Path.home()), "Documento PDF (*.pdf)")
        if path:
            self.elegir(Path(path))

    def elegir(self, path: Path) -> None:
        """The file read no further than a PDF may weigh (the service reads it whole, bounded,
        when the registration is saved: a wrong file is said then, and nothing is kept)."""
        from icsoe_desktop.services.informativa.repse import pdf_de_archivo

        try:
            self.pdf = pdf_de_archivo(path)
        except DomainError as exc:
            msgbox.warning(self, exc.message, TITLE)
            return
        self.archivo.setText(str(path))

    def limpiar(self, nombre: str = "") -> None:
        self.pdf = None
        self.archivo.setText(nombre)


class RegistroRepseDialog(QDialog):
    """``rfc``: the contratista; ``actor``: who acts (the contratista, or an administrator)."""

    def __init__(
        self, services: Services, rfc: str, actor: str | None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("RegistroRepseDialog")
        self.setWindowTitle(f"{TITLE} — {rfc}")
        self._services, self._rfc, self._actor = services, rfc, actor
        self._leido = 0  # the newest read asked: an older one answering late is dropped
        self.registro: Registro | None = None

        layout = QVBoxLayout(self)
        self.estado = QLabel("Leyendo el registro…")
        self.estado.setObjectName("estadoLabel")
        self.estado.setWordWrap(True)
        # Room for the longest state (three lines) from the start: the read arrives after the
        # window is laid out.
        self.estado.setMinimumHeight(self.fontMetrics().lineSpacing() * 4)
        layout.addWidget(self.estado)

        caja = QGroupBox("Registro")
        caja.setObjectName("registroGroup")
        form = QFormLayout(caja)
        self.aviso = QLineEdit()
        self.aviso.setObjectName("avisoEdit")
        self.aviso.setMaxLength(repse.MAX_AVISO)
        self.aviso.setPlaceholderText("Como lo escribe la STPS, por ejemplo AR12345/2024")
        form.addRow("Aviso de registro:", self.aviso)
        self.otorgado = _fecha_en(form, "Fecha en que se otorgó", "otorgadoFecha")
        self.servicios = QPlainTextEdit()
        self.servicios.setObjectName("serviciosEdit")
        self.servicios.setTabChangesFocus(True)  # Tab goes on to the next field
        self.servicios.setAccessibleDescription(
            "Un servicio u obra especializado autorizado por renglón, con su descripción"
        )
        self.servicios.setMinimumHeight(self.fontMetrics().lineSpacing() * 4)
        form.addRow("Servicios autorizados (uno por renglón):", self.servicios)
        self.pdf = _ElegirPdf("pdf", "PDF del registro")
        form.addRow(self._etiqueta("PDF del registro:", self.pdf.boton), self.pdf)
        self.guardar = QPushButton("Guardar registro")
        self.guardar.setObjectName("guardarButton")
        form.addRow("", self.guardar)
        layout.addWidget(caja)

        renovacion = QGroupBox("Renovación")
        renovacion.setObjectName("renovacionGroup")
        form = QFormLayout(renovacion)
        self.solicitada = _fecha_en(form, "Fecha de la solicitud", "solicitadaFecha")
        self.folio = QLineEdit()
        self.folio.setObjectName("folioEdit")
        self.folio.setMaxLength(repse.MAX_AVISO)
        form.addRow("Folio de la solicitud:", self.folio)
        self.solicitar = QPushButton("Registrar solicitud")
        self.solicitar.setObjectName("solicitarButton")
        form.addRow("", self.solicitar)
        self.aviso_nuevo = QLineEdit()
        self.aviso_nuevo.setObjectName("avisoNuevoEdit")
        self.aviso_nuevo.setMaxLength(repse.MAX_AVISO)
        form.addRow("Aviso del registro nuevo:", self.aviso_nuevo)
        self.otorgado_nuevo = _fecha_en(form, "Otorgado el", "otorgadoNuevoFecha")
        self.pdf_nuevo = _ElegirPdf("pdfNuevo", "PDF del registro nuevo")
        form.addRow(self._etiqueta("PDF del registro nuevo:", self.pdf_nuevo.boton), self.pdf_nuevo)
        nota = QLabel(
            "El registro nuevo conserva los servicios autorizados de arriba; si la STPS "
            "autorizó otros, corrígelos y guarda el registro."
        )
        nota.setWordWrap(True)
        form.addRow(nota)
        self.renovar = QPushButton("Registrar renovación")
        self.renovar.setObjectName("renovarButton")
        form.addRow("", self.renovar)
        layout.addWidget(renovacion)

        abajo = QHBoxLayout()
        abajo.addStretch(1)
        self.cerrar = QPushButton("Cerrar")
        self.cerrar.setObjectName("cerrarButton")
        abajo.addWidget(self.cerrar)
        layout.addLayout(abajo)

        # Three actions, none the window's: Enter in a field presses none of them (the first
        # button would otherwise be the default, and Enter in the Aviso open the file chooser),
        # as in the SISUB's window.
        for boton in self.findChildren(QPushButton):
            boton.setAutoDefault(False)
        self.guardar.clicked.connect(self.guardar_registro)
        self.solicitar.clicked.connect(self.solicitar_renovacion)
        self.renovar.clicked.connect(self.registrar_renovacion)
        self.cerrar.clicked.connect(self.reject)
        reflejar_varios(
            services.permisos,
            actor,
            [(b, Accion.REGISTRO_REPSE) for b in (self.guardar, self.solicitar, self.renovar)],
        )
        suscribir(self, services, {ICSOE}, self._on_cambios)  # a sync, another window
        mnemonics.assign(self)
        self.resize(760, 700)
        centrar(self, parent)
        self.leer(llenar=True)

    @staticmethod
    def _etiqueta(texto: str, buddy: QWidget) -> QLabel:
        etiqueta = QLabel(texto)
        etiqueta.setBuddy(buddy)
        return etiqueta

    # --- reading -------------------------------------------------------------------------------

    def _on_cambios(self, _cambios: Cambios) -> None:
        self.leer()

    def leer(self, llenar: bool = False) -> None:
        """The registration read off the window's thread; ``llenar``: its fields filled too
        (on opening; a change made elsewhere never overwrites what is being typed)."""
        self._leido += 1
        pedido, servicio, rfc, actor = self._leido, self._services.repse, self._rfc, self._actor
        en_segundo_plano(
            lambda: servicio.ver(rfc, actor),
            lambda registro: self._mostrar(pedido, registro, llenar),
            lambda exc: log.warning("No se leyó el registro REPSE: %r", exc),
            self,
        )

    def _mostrar(self, pedido: int, registro: Registro | None, llenar: bool) -> None:
        if pedido != self._leido:
            return
        self.registro = registro
        if llenar:
            self._llenar(registro)
        if registro is None:
            texto, rol, urgente = MSG_SIN_REGISTRO, colores.TITULO, False
        else:
            texto = MSG_ESTADO.format(
                estado=registro.estado_texto,
                aviso=registro.aviso,
                otorgado=registro.otorgado,
                vence=registro.vence,
            )
            if registro.renovacion_solicitada is not None:
                texto += MSG_SOLICITADA.format(
                    folio=registro.renovacion_folio, fecha=registro.renovacion_solicitada
                )
            # What is due, with the window's dates; else the window alone.
            texto += (
                f"<br>{registro.aviso_texto}"
                if registro.aviso_texto
                else MSG_VENTANA.format(ventana=repse.texto_ventana(registro.vence))
            )
            urgente = registro.en_rojo
            rol = (
                colores.ERROR
                if urgente
                else colores.AVISO
                if registro.estado == repse.EN_RENOVACION
                else colores.TITULO
            )
        colores.pintar(self.estado, rol)
        lector.estado(self.estado, texto, urgente=urgente)
        # A renewal is noted on a registration: none until one is saved (nor for whom the
        # matrix refuses it, whose Guardar is grey with the reason).
        renovable = registro is not None and self.guardar.isEnabled()
        campos: tuple[QWidget, ...] = (
            self.solicitada,
            self.folio,
            self.solicitar,
            self.aviso_nuevo,
            self.otorgado_nuevo,
            self.pdf_nuevo,
            self.renovar,
        )
        for campo in campos:
            campo.setEnabled(renovable)

    def _llenar(self, registro: Registro | None) -> None:
        if registro is None:
            return
        self.aviso.setText(registro.aviso)
        self.otorgado.set_fecha(registro.otorgado)
        self.servicios.setPlainText("\n".join(registro.servicios))
        self.pdf.limpiar(registro.pdf_nombre)
        self.solicitada.set_fecha(registro.renovacion_solicitada)
        self.folio.setText(registro.renovacion_folio)
        self.aviso_nuevo.clear()
        self.otorgado_nuevo.set_fecha(None)
        self.pdf_nuevo.limpiar()

    # --- the three actions ---------------------------------------------------------------------

    def _hacer(
        self,
        trabajo: Callable[[], Registro],
        hecho: Callable[[Registro], None],
        campos: dict[str, QWidget],
        primero: QWidget,
        declarado: Callable[[], Registro] | None = None,
    ) -> None:
        """``trabajo`` off the window's thread; ``declarado``: the same with the PDF declared
        by the clerk, offered when the PDF does not say whose registration it is (a scan)."""

        def fallo(exc: DomainError) -> None:
            if (
                declarado is not None
                and exc.code == "repse_sin_datos"
                and msgbox.question(self, exc.message, "Es este &registro", "Cancelar", TITLE)
            ):
                self._hacer(declarado, hecho, campos, primero)
                return
            msgbox.field_error(self, exc, campos, TITLE, primero)

        ejecutar(self, MSG_LEYENDO, trabajo, hecho, al_fallar=fallo, titulo=TITLE)

    def guardar_registro(self) -> None:
        campos: dict[str, QWidget] = {
            "aviso": self.aviso,
            "otorgado": self.otorgado,
            "servicios": self.servicios,
            "pdf": self.pdf.boton,
        }
        try:
            otorgado = _fecha(self.otorgado, "fecha en que se otorgó", "otorgado")
        except DomainError as exc:
            msgbox.field_error(self, exc, campos, TITLE, self.otorgado)
            return
        servicio, rfc, actor = self._services.repse, self._rfc, self._actor
        aviso, pdf = self.aviso.text(), self.pdf.pdf
        servicios = self.servicios.toPlainText().splitlines()
        self._hacer(
            lambda: servicio.registrar(rfc, actor, aviso, otorgado, servicios, pdf),
            lambda r: self._hecho(r, MSG_GUARDADO.format(aviso=r.aviso, vence=r.vence)),
            campos,
            self.aviso,
            lambda: servicio.registrar(rfc, actor, aviso, otorgado, servicios, pdf, True),
        )

    def solicitar_renovacion(self) -> None:
        campos: dict[str, QWidget] = {"solicitada": self.solicitada, "aviso": self.folio}
        try:
            solicitada = _fecha(self.solicitada, "fecha de la solicitud", "solicitada")
        except DomainError as exc:
            msgbox.field_error(self, exc, campos, TITLE, self.solicitada)
            return
        servicio, rfc, actor, folio = (
            self._services.repse,
            self._rfc,
            self._actor,
            self.folio.text(),
        )
        self._hacer(
            lambda: servicio.solicitar_renovacion(rfc, actor, solicitada, folio),
            lambda r: self._hecho(
                r,
                MSG_SOLICITUD.format(
                    folio=r.renovacion_folio, fecha=r.renovacion_solicitada or solicitada
                ),
            ),
            campos,
            self.solicitada,
        )

    def registrar_renovacion(self) -> None:
        campos: dict[str, QWidget] = {
            "aviso": self.aviso_nuevo,
            "otorgado": self.otorgado_nuevo,
            "pdf": self.pdf_nuevo.boton,
        }
        try:
            otorgado = _fecha(
                self.otorgado_nuevo, "fecha en que se otorgó el registro nuevo", "otorgado"
            )
        except DomainError as exc:
            msgbox.field_error(self, exc, campos, TITLE, self.otorgado_nuevo)
            return
        servicio, rfc, actor = self._services.repse, self._rfc, self._actor
        aviso, pdf = self.aviso_nuevo.text(), self.pdf_nuevo.pdf
        self._hacer(
            lambda: servicio.renovar(rfc, actor, aviso, otorgado, None, pdf),
            lambda r: self._hecho(
                r, MSG_RENOVADO.format(aviso=r.aviso, anterior=r.anterior, vence=r.vence)
            ),
            campos,
            self.aviso_nuevo,
            lambda: servicio.renovar(rfc, actor, aviso, otorgado, None, pdf, True),
        )

    def _hecho(self, registro: Registro, texto: str) -> None:
        self._leido += 1  # a read asked before this write answers late: dropped
        self._mostrar(self._leido, registro, llenar=True)
        msgbox.information(self, texto, TITLE)


__all__ = ["RegistroRepseDialog"]

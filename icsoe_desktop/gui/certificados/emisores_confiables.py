"""Configuración > Emisores confiables…: the certificate authorities whose certificates are
verified on this desktop (the SAT's, shipped) and those IT adds (the IMSS CA, a test CA, the
CA of a time-stamp server); the modo de capacitación; the time-stamp server that seals the time
of every constancia de firma signed here. Each authority is trusted for one purpose, chosen
when it is added and shown in its own column (domain.trust ``USOS``)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
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
from icsoe_desktop.domain.roles import Accion
from icsoe_desktop.domain.trust import USO_EFIRMA, USO_SELLO, USOS
from icsoe_desktop.gui.kit import mnemonics, msgbox
from icsoe_desktop.gui.kit.elegir_archivo import abrir_archivo, elegir_carpeta
from icsoe_desktop.gui.kit.geometria import centrar
from icsoe_desktop.gui.kit.lector import describir_lista
from icsoe_desktop.gui.kit.nombres import nombrar_por_etiquetas
from icsoe_desktop.gui.kit.permisos import reflejar
from icsoe_desktop.gui.kit.rows_model import RowsModel

if TYPE_CHECKING:
    from icsoe_desktop.domain.trust import Emisor
    from icsoe_desktop.services.container import Services

TITLE = "Emisores confiables"
INTRO = (
    "Un certificado se acepta como emitido por una autoridad de esta lista cuando su firma se "
    "verifica con la llave pública de la autoridad (no por su nombre). Las del SAT vienen "
    "incluidas; agrega la del IMSS u otra que te entregue el área de sistemas. Cada autoridad "
    "se acepta sólo para su uso: como emisor de e.firma o como autoridad de sellos de tiempo."
)
CA_FILTER = "Certificado de la autoridad (*.cer *.crt *.pem *.der)"
# Six SAT authorities share one name: the file (AC0…AC6), the serial and the validity tell them
# apart.
HEADERS = (
    "Emisor",
    "Origen",
    "Uso",
    "Archivo",
    "Vigente desde",
    "Vigente hasta",
    "Número de serie",
    "Huella SHA-256",
)
MSG_CONFIRMAR = (
    "¿Deseas agregar esta autoridad certificadora a los emisores confiables de este equipo?\n\n"
    "Sujeto: {sujeto}\nVigencia: del {desde:%d/%m/%Y} al {hasta:%d/%m/%Y}\n"
    "Huella SHA-256: {huella}\n\n"
    "Compara la huella con la que publica la autoridad antes de continuar.\n\n"
    "¿Para qué se confía en ella?\n"
    "• Emisor de e.firma: las e.firmas que emite se aceptan. Sólo para una autoridad que emite "
    "e.firmas (la del IMSS, una de pruebas del SAT).\n"
    "• Autoridad de sellos de tiempo: la raíz de un servidor de sellos de tiempo (DigiCert, "
    "FreeTSA…). Sólo prueba la hora de las constancias; un certificado que emita no se acepta "
    "como e.firma."
)
# The buttons of MSG_CONFIRMAR, in this order: the purposes' own names.
USOS_AL_AGREGAR = (USO_EFIRMA, USO_SELLO)
MSG_SUPLANTA = (
    "ATENCIÓN: este certificado tiene el mismo sujeto que «{nombre}», una autoridad "
    "certificadora del SAT incluida con la aplicación, pero no es ese certificado. Una autoridad "
    "así puede hacer pasar certificados falsos como emitidos por el SAT. Agrégalo sólo si sabes "
    "de dónde viene.\n\n"
)
MSG_AGREGADO = "El emisor {nombre} se agregó a los emisores confiables como «{uso}»."
MSG_QUITAR = "¿Deseas quitar el emisor {nombre} de los emisores confiables de este equipo?"
MSG_QUITADO = "El emisor {nombre} se quitó de los emisores confiables."
CAPACITACION_TEXT = (
    "Modo de ca&pacitación: aceptar las e.firmas de práctica y las de prueba del SAT (emisor "
    "«AC UAT»)"
)
MSG_CAPACITACION_ACTIVAR = (
    "Con el modo de capacitación activo, icsoe-desktop acepta en este equipo las e.firmas de "
    "práctica (Preparar práctica…) y las de prueba que publica el SAT (emisor «AC UAT») en "
    "Certificados IMSS, en el ingreso de contratistas a ICSOE y al firmar informativas de la "
    "empresa de práctica. Úsalo sólo para capacitar: lo que se hace en la empresa de práctica se "
    "marca «CAPACITACIÓN — SIN VALIDEZ», y esas e.firmas no firman la informativa de otra "
    "empresa; el trabajo de las demás empresas sigue siendo real.\n\n¿Deseas activarlo?"
)
MSG_CAPACITACION_ACTIVADO = (
    "El modo de capacitación está activo. Los certificados de las autoridades de prueba del SAT "
    "se buscan en «{carpeta}»."
)
MSG_PRACTICA_PREPARADA = (
    "La práctica de capacitación está lista. Entrega a los participantes la carpeta con la "
    "e.firma de práctica y su contraseña.\n\n{resumen}"
)
MSG_CAPACITACION_DESACTIVADO = (
    "El modo de capacitación está desactivado: sólo se aceptan las e.firmas de las autoridades "
    "del SAT y las agregadas aquí."
)

SELLO_TIEMPO_TEXT = "Servidor de &sellos de tiempo (TSA):"
SELLO_TIEMPO_AYUDA = (
    "Con un servidor de sellos de tiempo (RFC 3161), cada constancia de firma lleva la hora "
    "sellada por ese servidor. Vacío: sin sello de tiempo."
)
EXIGIR_SELLO_TEXT = "E&xigir sello de tiempo para firmas reales"
EXIGIR_SELLO_AYUDA = (
    "Marcado, si el servidor de sellos de tiempo no responde al firmar, la informativa de una "
    "empresa real no se firma. Sin marcar, se firma sin sello de tiempo y su fecha de firma "
    "queda sin probar. Las de la empresa de práctica nunca lo esperan."
)
MSG_EXIGIR_SELLO = (
    "Se exige el sello de tiempo: si el servidor no responde al firmar, la informativa de una "
    "empresa real no se firma."
)
MSG_NO_EXIGIR_SELLO = (
    "Ya no se exige el sello de tiempo: si el servidor no responde al firmar, la informativa se "
    "firma sin él y su constancia dirá que su fecha de firma no está probada."
)
MSG_SELLO_TIEMPO = (
    "Las constancias de firma llevarán el sello de tiempo de {url}. Para que quien las verifique "
    "en este equipo lo tenga por confiable, agrega aquí la autoridad certificadora del servidor "
    "como «Autoridad de sellos de tiempo»."
)
MSG_SIN_SELLO_TIEMPO = "Las constancias de firma se firmarán sin sello de tiempo."


def _origen(emisor: Emisor) -> str:
    if emisor.capacitacion:
        return "Capacitación"
    return "Incluido" if emisor.incluido else "Agregado"


def _cells(emisor: Emisor) -> tuple[object, ...]:
    return (
        emisor.nombre,
        _origen(emisor),
        USOS[emisor.uso],
        Path(emisor.archivo).stem,
        f"{emisor.valido_desde:%d/%m/%Y}",
        f"{emisor.valido_hasta:%d/%m/%Y}",
        emisor.serie,
        emisor.huella,
    )


class EmisoresConfiablesDialog(QDialog):
    def __init__(
        self, services: Services, actor: str | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("EmisoresConfiablesDialog")
        self.setWindowTitle(TITLE)
        self._services = services
        self._emisores = services.certificates.emisores
        self._actor = actor
        intro = QLabel(INTRO)
        intro.setWordWrap(True)
        self.tabla = QTableView()
        self.tabla.setObjectName("emisoresTable")
        self.tabla.setAccessibleName("Emisores confiables")
        describir_lista(self.tabla, "Los emisores confiables de este equipo, uno por fila")
        self.tabla.setTabKeyNavigation(False)  # the arrows move in a list, Tab leaves it
        self.model: RowsModel[Emisor] = RowsModel(HEADERS, _cells)
        self.tabla.setModel(self.model)
        self.tabla.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.tabla.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        self.tabla.verticalHeader().setVisible(False)
        header = self.tabla.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        # The 40-digit serial of one shipped root would push the fingerprint, what IT compares,
        # out of view: that column is cut at the width of the SAT's 20 digits.
        serie = HEADERS.index("Número de serie")
        header.setSectionResizeMode(serie, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(serie, 180)
        self.agregar = QPushButton("&Agregar…")
        self.agregar.setObjectName("agregarButton")
        self.quitar = QPushButton("&Quitar")
        self.quitar.setObjectName("quitarButton")
        self.cerrar = QPushButton("&Cerrar")
        self.cerrar.setObjectName("cerrarButton")
        # Only an administrator turns it on or off (the role matrix; the service refuses too).
        self.capacitacion = QCheckBox(CAPACITACION_TEXT)
        self.capacitacion.setObjectName("capacitacionCheck")
        self.capacitacion.setChecked(services.settings.current.capacitacion.activo)
        reflejar(self.capacitacion, services.permisos, actor, Accion.MODO_CAPACITACION)
        self.capacitacion.toggled.connect(self._on_capacitacion)
        # The practice e.firma and empresa: an administrator, with the mode on (the service
        # checks the role too, and audits a refusal).
        self.preparar = QPushButton("Pr&eparar práctica…")
        self.preparar.setObjectName("prepararPracticaButton")
        self.preparar.setToolTip(
            "Escribe una e.firma de práctica (capacitacion.cer y capacitacion.key) en la carpeta "
            "que elijas y prepara la empresa de práctica."
        )
        self.preparar.clicked.connect(self._elegir_carpeta)
        capacitacion = QHBoxLayout()
        capacitacion.addWidget(self.capacitacion, 1)
        capacitacion.addWidget(self.preparar)
        # The installation's time-stamp server: an administrator's (the service checks too).
        self.sello_tiempo = QLineEdit(services.settings.current.sello_tiempo.url)
        self.sello_tiempo.setObjectName("selloTiempoEdit")
        self.sello_tiempo.setPlaceholderText("http://sellos.ejemplo.com/tsa")
        self.sello_tiempo.setToolTip(SELLO_TIEMPO_AYUDA)
        self.guardar_sello = QPushButton("&Guardar servidor")
        self.guardar_sello.setObjectName("guardarSelloTiempoButton")
        self.guardar_sello.clicked.connect(self._on_sello_tiempo)
        self.exigir_sello = QCheckBox(EXIGIR_SELLO_TEXT)
        self.exigir_sello.setObjectName("exigirSelloTiempoCheck")
        self.exigir_sello.setToolTip(EXIGIR_SELLO_AYUDA)
        self.exigir_sello.setChecked(services.settings.current.sello_tiempo.exigir)
        self.exigir_sello.toggled.connect(self._on_exigir_sello)
        for control in (self.sello_tiempo, self.guardar_sello):
            reflejar(control, services.permisos, actor, Accion.SELLO_DE_TIEMPO)
        etiqueta = QLabel(SELLO_TIEMPO_TEXT)
        etiqueta.setBuddy(self.sello_tiempo)
        nombrar_por_etiquetas([etiqueta])
        sello_tiempo = QHBoxLayout()
        sello_tiempo.addWidget(etiqueta)
        sello_tiempo.addWidget(self.sello_tiempo, 1)
        sello_tiempo.addWidget(self.guardar_sello)
        buttons = QHBoxLayout()
        buttons.addWidget(self.agregar)
        buttons.addWidget(self.quitar)
        buttons.addStretch(1)
        buttons.addWidget(self.cerrar)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.tabla, 1)
        layout.addLayout(capacitacion)
        layout.addLayout(sello_tiempo)
        layout.addWidget(self.exigir_sello)
        layout.addLayout(buttons)
        self.agregar.clicked.connect(self._choose)
        self.quitar.clicked.connect(self._on_quitar)
        self.cerrar.clicked.connect(self.reject)
        self.tabla.selectionModel().selectionChanged.connect(self._update_buttons)
        self.resize(1290, 460)  # the columns that tell the authorities apart in view
        centrar(self, parent)  # fits the screen, centred on its window
        mnemonics.decir_letras(self)  # the letters written here, said to a screen reader too
        self.refresh()

    def refresh(self) -> None:
        self.model.set_rows(self._emisores.listar())
        self._update_buttons()

    def selected(self) -> Emisor | None:
        rows = self.tabla.selectionModel().selectedRows()
        return self.model.rows[rows[0].row()] if rows else None

    def _update_buttons(self) -> None:
        emisor = self.selected()
        # The shipped ones stay: removing the SAT's would refuse every real e.firma.
        permisos, actor = self._services.permisos, self._actor
        reflejar(
            self.quitar,
            permisos,
            actor,
            Accion.EMISORES_CONFIABLES,
            ademas=emisor is not None and not emisor.incluido,
        )
        reflejar(self.agregar, permisos, actor, Accion.EMISORES_CONFIABLES)
        reflejar(
            self.preparar,
            permisos,
            actor,
            Accion.PREPARAR_CAPACITACION,
            ademas=self._services.settings.current.capacitacion.activo,
        )
        # Only meaningful with a server to wait for.
        reflejar(
            self.exigir_sello,
            permisos,
            actor,
            Accion.SELLO_DE_TIEMPO,
            ademas=self._services.settings.current.sello_tiempo.configured,
        )

    def _choose(self) -> None:
        path, _ = abrir_archivo(self, "Certificado de la autoridad", "", CA_FILTER)
        if path:
            self.agregar_archivo(path)

    def agregar_archivo(self, path: str) -> None:
        """What choosing a file does (tests call it to bypass the native file dialog)."""
        try:
            emisor = self._emisores.leer(Path(path))
        except DomainError as exc:
            msgbox.error(self, exc.message, TITLE)
            return
        text = MSG_CONFIRMAR.format(
            sujeto=emisor.sujeto or emisor.nombre,
            desde=emisor.valido_desde,
            hasta=emisor.valido_hasta,
            huella=emisor.huella,
        )
        suplantado = self._emisores.suplanta(emisor)
        if suplantado is not None:
            text = MSG_SUPLANTA.format(nombre=suplantado.nombre) + text
        opciones = [USOS[uso] for uso in USOS_AL_AGREGAR]
        elegido = msgbox.choose(self, text, opciones, title=TITLE)
        if elegido is None:
            return
        try:
            added = self._emisores.agregar(Path(path), self._actor, USOS_AL_AGREGAR[elegido])
        except DomainError as exc:
            msgbox.error(self, exc.message, TITLE)
            return
        mensaje = MSG_AGREGADO.format(nombre=added.nombre, uso=USOS[added.uso])
        msgbox.information(self, mensaje, TITLE)
        self.refresh()

    def _on_capacitacion(self, activo: bool) -> None:
        if activo and not msgbox.question(
            self, MSG_CAPACITACION_ACTIVAR, yes="Activar", title=TITLE
        ):
            self._set_checked(False)
            return
        try:
            self._services.settings.save_capacitacion(activo, self._actor)
        except DomainError as exc:
            msgbox.error(self, exc.message, TITLE)
            self._set_checked(not activo)
            return
        if activo:
            carpeta = self._emisores.capacitacion_dirs[-1]
            msgbox.information(self, MSG_CAPACITACION_ACTIVADO.format(carpeta=carpeta), TITLE)
        else:
            msgbox.information(self, MSG_CAPACITACION_DESACTIVADO, TITLE)
        self.refresh()

    def _on_sello_tiempo(self) -> None:
        try:
            self._services.settings.save_sello_tiempo(self.sello_tiempo.text(), self._actor)
        except DomainError as exc:
            msgbox.error(self, exc.message, TITLE)
            return
        url = self._services.settings.current.sello_tiempo.url
        self.sello_tiempo.setText(url)
        texto = MSG_SELLO_TIEMPO.format(url=url) if url else MSG_SIN_SELLO_TIEMPO
        self._update_buttons()
        msgbox.information(self, texto, TITLE)

    def _on_exigir_sello(self, exigir: bool) -> None:
        try:
            self._services.settings.save_exigir_sello(exigir, self._actor)
        except DomainError as exc:
            msgbox.error(self, exc.message, TITLE)
            self.exigir_sello.blockSignals(True)
            self.exigir_sello.setChecked(not exigir)
            self.exigir_sello.blockSignals(False)
            return
        msgbox.information(self, MSG_EXIGIR_SELLO if exigir else MSG_NO_EXIGIR_SELLO, TITLE)

    def _elegir_carpeta(self) -> None:
        carpeta = elegir_carpeta(self, "Carpeta para la e.firma de práctica")
        if carpeta:
            self.preparar_en(carpeta)

    def preparar_en(self, carpeta: str) -> None:
        """What choosing the folder does (tests call it to bypass the native dialog)."""
        from PySide6.QtCore import Qt
        from PySide6.QtWidgets import QApplication

        from icsoe_desktop.services.capacitacion import preparar

        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)  # a second or two: keys
        try:
            practica = preparar(self._services, Path(carpeta), self._actor)
        except DomainError as exc:
            QApplication.restoreOverrideCursor()
            msgbox.error(self, exc.message, TITLE)
            return
        QApplication.restoreOverrideCursor()
        resumen = "\n".join(practica.resumen())
        msgbox.information(self, MSG_PRACTICA_PREPARADA.format(resumen=resumen), TITLE)
        self.refresh()

    def _set_checked(self, checked: bool) -> None:
        self.capacitacion.blockSignals(True)
        self.capacitacion.setChecked(checked)
        self.capacitacion.blockSignals(False)

    def _on_quitar(self) -> None:
        emisor = self.selected()
        if emisor is None or emisor.incluido:
            return
        if not msgbox.question(
            self, MSG_QUITAR.format(nombre=emisor.nombre), "Quitar", title=TITLE
        ):
            return
        try:
            self._emisores.quitar(emisor.sha256, self._actor)
        except DomainError as exc:
            msgbox.error(self, exc.message, TITLE)
            return
        msgbox.information(self, MSG_QUITADO.format(nombre=emisor.nombre), TITLE)
        self.refresh()

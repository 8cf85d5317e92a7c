"""One informativa: its header (contratista, periodo, tipo, estado, fecha límite), its contracts
and, below them, the chosen contract's workers; *Revisar* lists the inconsistencies the IMSS
flags (each one leads to its contract, field or worker), *Firmar…* (the contratista only) signs
it with the e.firma, *Exportar…* writes the worker files and the capture sheet. A signed
informativa opens read-only and offers its constancia de firma, *Registrar presentación…* (the
IMSS acuse once filed on the portal) and the IMSS portal's file of rejected workers
(gui/informativa/rechazos.py); a filed one, *Exportar para el cliente…*."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QCloseEvent, QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QPushButton,
    QSplitter,
    QTableView,
    QWidget,
)

from icsoe_desktop.domain.errors import DomainError
from icsoe_desktop.domain.informativa.modelo import (
    COMPLEMENTARIAS,
    FIRMADA,
    FIRMADAS,
    LISTA_PARA_FIRMA,
    PRESENTADA,
    SIN_INFORMACION,
    Problema,
)
from icsoe_desktop.domain.motivo_os import motivo_os
from icsoe_desktop.domain.roles import Accion
from icsoe_desktop.domain.texts import plural, verb
from icsoe_desktop.gui.capacitacion import poner_banda, titulo
from icsoe_desktop.gui.informativa.rechazos import RechazosPortal
from icsoe_desktop.gui.informativa.trabajadores import TrabajadoresPanel
from icsoe_desktop.gui.kit import colores, lector, mnemonics, msgbox
from icsoe_desktop.gui.kit.cambios import puede_cerrar
from icsoe_desktop.gui.kit.dos_filas import en_dos_filas_si_no_cabe
from icsoe_desktop.gui.kit.elegir_archivo import elegir_carpeta, guardar_archivo
from icsoe_desktop.gui.kit.forms import child, load_form
from icsoe_desktop.gui.kit.geometria import centrar
from icsoe_desktop.gui.kit.lector import describir_lista
from icsoe_desktop.gui.kit.modal import ejecutar_modal
from icsoe_desktop.gui.kit.operaciones import ejecutar
from icsoe_desktop.gui.kit.permisos import reflejar
from icsoe_desktop.gui.kit.rows_derecha import RowsDerechaModel

if TYPE_CHECKING:
    from collections.abc import Callable

    from icsoe_desktop.services.container import Services
    from icsoe_desktop.services.informativa.captura import ContratoResumen, FilaInformativa

TITLE = "Informativa"
CONTRATO_HEADERS = (
    "Contratante RFC",
    "Contratante",
    "Objeto",
    "Folio REPSE",
    "Fecha inicial",
    "Fecha final",
    "Trabajadores",
)
OBJETO, TRABAJADORES = 2, 6
# Revisar's fields that live in the contract form: a problem there opens it at that field.
CAMPOS_CONTRATO = frozenset(
    {
        "contratante",
        "objeto",
        "folio_repse",
        "descripcion_servicio",
        "fecha_inicial",
        "fecha_final",
    }
)
PROBLEMA_ROLE = Qt.ItemDataRole.UserRole
EDIT_KEYS = (Qt.Key.Key_Return, Qt.Key.Key_Enter)
MSG_SIN_INCONSISTENCIAS = "Sin inconsistencias: la informativa está lista para firma."
MSG_LISTA_CON_AVISOS = (
    "Sin inconsistencias: la informativa está lista para firma. Revisa los avisos: {cuantos}."
)
MSG_PROBLEMAS = (
    "{cuantos}. Elige una (doble clic o Intro) para ir al contrato, al campo o al trabajador."
)
MSG_SOLO_AVISOS = (
    "Sin inconsistencias: la informativa está lista para firma. {cuantos} que no {impide} "
    "firmar: elige uno para revisarlo."
)
AVISO = "Aviso: "
MSG_CORRIGE_ANTES = "Corrige las inconsistencias antes de firmar: {cuantos}."
MSG_FIRMADA = (
    "La informativa quedó firmada. ¿Deseas guardar su constancia de firma? Preséntala después "
    "en el portal del IMSS: el acuse de presentación lo emite ese portal."
)
MSG_SOLO_LECTURA = "Firmada: sólo consulta"
MSG_PRESENTADA = "Presentada el {fecha}, folio {folio}{declarado}: sólo consulta"
MSG_DECLARADO = " (acuse declarado por el usuario)"
MSG_ACUSE_IMSS_GUARDADO = "Se guardó el acuse de presentación del IMSS en «{archivo}»."
MSG_VER_CONTRATO = "La informativa está firmada: el contrato se muestra sin cambios."
MSG_ELIMINAR_CONTRATO = (
    "Se eliminará el contrato con {contratante}{trabajadores}. ¿Deseas continuar?"
)
MSG_EXPORTADO = "Se {verbo} {cuantos} en «{carpeta}»:\n{archivos}"
MSG_ACUSE_GUARDADO = "Se guardó la constancia de firma en «{archivo}»."
MSG_SIN_CONTRATOS = "Una informativa «Sin información» no lleva contratos."


def _fecha(value) -> str:
    return f"{value:%d/%m/%Y}" if value else ""


def _contrato_cells(c: ContratoResumen) -> tuple[str, ...]:
    return (
        c.contratante_rfc,
        c.contratante_nombre,
        c.objeto,
        c.folio_repse,
        _fecha(c.fecha_inicial),
        _fecha(c.fecha_final),
        f"{c.trabajadores:,}",
    )


class InformativaWindow(QMainWindow):
    """``actor``: the capturista's CURP or the contratista's RFC; ``puede_firmar``: the
    contratista's own window."""

    changed = Signal()  # the estado or the counts the pantalla de inicio shows
    closed = Signal()

    def __init__(
        self,
        services: Services,
        actor: str,
        contratista_rfc: str,
        informativa_uuid: str,
        puede_firmar: bool,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("InformativaWindow")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self._services = services
        self.actor = actor
        self.rfc = contratista_rfc
        self.uuid = informativa_uuid
        self.puede_firmar = puede_firmar
        informativa = services.informativas.cabecera(informativa_uuid, actor)
        self._contratista = f"{informativa.contratista.nombre} (RFC {informativa.contratista.rfc})"
        self._complementa = informativa.complementa
        self.fila: FilaInformativa = services.informativas.fila(informativa_uuid, actor)
        central = QWidget(self)
        form = load_form("informativa.ui", central)
        self.setCentralWidget(central)
        self.banda_capacitacion = poner_banda(central, services, contratista_rfc)
        self.contratista_label = child(form, QLabel, "contratistaLabel")
        self.periodo_label = child(form, QLabel, "periodoLabel")
        self.tipo_label = child(form, QLabel, "tipoLabel")
        self.estado_label = child(form, QLabel, "estadoLabel")
        datos = child(form, QHBoxLayout, "datosLayout")
        en_dos_filas_si_no_cabe(datos, child(form, QLabel, "fechaLimiteTituloLabel"))
        self.fecha_limite_label = child(form, QLabel, "fechaLimiteLabel")
        self.solo_lectura = child(form, QLabel, "soloLecturaLabel")
        self.solo_lectura.setWordWrap(True)  # two lines rather than a window wider than the screen
        self.revisar = child(form, QPushButton, "revisarButton")
        self.firmar = child(form, QPushButton, "firmarButton")
        self.exportar = child(form, QPushButton, "exportarButton")
        self.acuse = child(form, QPushButton, "acuseButton")
        self.presentacion = child(form, QPushButton, "presentacionButton")
        self.cliente = child(form, QPushButton, "clienteButton")
        self.acuse_imss = child(form, QPushButton, "acuseImssButton")
        self.cerrar = child(form, QPushButton, "cerrarButton")
        self.contratos = child(form, QTableView, "contratosTable")
        describir_lista(self.contratos, "Los contratos de la informativa, uno por fila")
        self.nuevo_contrato = child(form, QPushButton, "nuevoContratoButton")
        self.editar_contrato = child(form, QPushButton, "editarContratoButton")
        self.copiar_contrato = child(form, QPushButton, "copiarContratoButton")
        self.eliminar_contrato = child(form, QPushButton, "eliminarContratoButton")
        self.problemas_group = child(form, QGroupBox, "problemasGroup")
        self.problemas_label = child(form, QLabel, "problemasLabel")
        self.problemas = child(form, QListWidget, "problemasList")
        self.principal = child(form, QSplitter, "principalSplitter")
        self.captura = child(form, QSplitter, "capturaSplitter")
        self.trabajadores = TrabajadoresPanel(services, actor, form)
        self.trabajadores.changed.connect(self._on_trabajadores_changed)

        self.contratos_model: RowsDerechaModel[ContratoResumen] = RowsDerechaModel(
            CONTRATO_HEADERS, _contrato_cells, derecha={TRABAJADORES}
        )
        self.contratos.setModel(self.contratos_model)
        # The contract on screen, read through the view and its model: a callable that held
        # the window would keep its wrapper alive past the window's deletion.
        vista, modelo = self.contratos, self.contratos_model
        self.rechazos = RechazosPortal(
            services,
            actor,
            informativa_uuid,
            form,
            lambda: modelo.rows[i.row()].uuid if (i := vista.currentIndex()).isValid() else None,
        )
        self.rechazos.marcados.connect(self._rechazos_marcados)
        self.contratos.verticalHeader().setVisible(False)
        self.contratos.setWordWrap(False)  # a long objeto is cut with «…», rows stay one line
        header = self.contratos.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(OBJETO, QHeaderView.ResizeMode.Stretch)
        self.contratos.selectionModel().currentRowChanged.connect(self._on_contrato)
        self.contratos.doubleClicked.connect(lambda _index: self.editar())
        self.contratos.installEventFilter(self)

        self.problemas_group.setVisible(False)
        self.problemas.setSpacing(3)
        self.problemas.itemActivated.connect(self._on_problema)
        self.revisar.clicked.connect(self._on_revisar)
        self.firmar.clicked.connect(self.firmar_informativa)
        self.exportar.clicked.connect(self._pedir_carpeta)
        self.acuse.clicked.connect(self._pedir_ruta_acuse)
        self.presentacion.clicked.connect(self.registrar_presentacion)
        self.cliente.clicked.connect(self.exportar_para_el_cliente)
        self.acuse_imss.clicked.connect(self._pedir_ruta_acuse_imss)
        self.cerrar.clicked.connect(self.close)
        self.nuevo_contrato.clicked.connect(self.nuevo)
        self.editar_contrato.clicked.connect(lambda: self.editar())
        self.copiar_contrato.clicked.connect(self.copiar)
        self.eliminar_contrato.clicked.connect(self.eliminar)
        # Escape never closes this window (its contracts and workers are on screen; Cerrar
        # does): from anywhere in it, it empties the workers' search, as in the box itself.
        QShortcut(QKeySequence(Qt.Key.Key_Escape), self, self._escape)

        # Letters first for every estado's controls: each keeps its letter in every estado,
        # so a clerk's habitual Alt+C is Cerrar whether the informativa was filed in this
        # window or opened filed (Alt+A once pressed «Guardar acuse del IMSS» instead). The
        # capture's, the busiest, first; then those of a signed informativa, from the letters
        # the capture's own controls leave (they are never on screen together).
        solo_en_captura = (
            self.revisar, self.firmar, self.nuevo_contrato, self.copiar_contrato,
            self.eliminar_contrato, *self.trabajadores.fila_captura,
        )  # fmt: skip
        solo_firmada = (self.acuse, self.presentacion, self.acuse_imss, self.cliente)
        mnemonics.assign(self, todos=True, salvo=solo_firmada)
        mnemonics.assign(self, todos=True, salvo=solo_en_captura)
        self.recargar_contratos()
        self._mostrar_fila()
        mnemonics.assign(self)
        self.principal.setStretchFactor(0, 3)
        self.principal.setStretchFactor(1, 1)
        self.captura.setSizes([260, 340])
        self.resize(1300, 700)
        centrar(self, parent)
        self.contratos.setFocus()

    # --- header and state ----------------------------------------------------------------------

    @property
    def editable(self) -> bool:
        return self.fila.estado not in FIRMADAS

    def recargar_encabezado(self) -> None:
        try:
            self.fila = self._services.informativas.fila(self.uuid, self.actor)
        except DomainError as exc:
            msgbox.warning(self, exc.message, TITLE)
            return
        self._mostrar_fila()

    def _mostrar_fila(self) -> None:
        fila = self.fila
        tipo = fila.tipo_texto
        if fila.tipo in COMPLEMENTARIAS and self._complementa:
            tipo += " (corrige una informativa firmada)"
        self.setWindowTitle(
            titulo(
                f"Informativa {fila.periodo.texto} · {fila.tipo_texto}", self._services, self.rfc
            )
        )
        self.contratista_label.setText(f"<b>{self._contratista}</b>")
        self.periodo_label.setText(f"<b>{fila.periodo.texto}</b>")
        self.tipo_label.setText(f"<b>{tipo}</b>")
        estado = f"<b>{fila.estado_texto}</b>"
        if self.estado_label.text() not in ("", estado):  # signed, filed: said as it changes
            lector.decir(self.estado_label, f"Informativa {fila.estado_texto}")
        self.estado_label.setText(estado)
        restantes = fila.dias_texto
        color = colores.PROPIO[colores.ERROR if fila.vencida else colores.TITULO]
        colores.texto(
            self.fecha_limite_label,
            f'<b>{fila.fecha_limite:%d/%m/%Y}</b> <span style="color:{color};">({restantes})</span>'
            if fila.estado != PRESENTADA
            else f"<b>{fila.fecha_limite:%d/%m/%Y}</b>",
        )
        self._aplicar_estado()

    def _aplicar_estado(self) -> None:
        """A signed informativa is only consulted; Sin información has no contracts."""
        editable = self.editable
        con_contratos = editable and self.fila.tipo != SIN_INFORMACION
        hay = self.contrato_actual() is not None
        self.nuevo_contrato.setEnabled(con_contratos)
        self.copiar_contrato.setEnabled(con_contratos)
        # A signed informativa's contract still opens, read-only, to be consulted.
        self.editar_contrato.setEnabled(hay)
        self.editar_contrato.setToolTip("" if editable else MSG_VER_CONTRATO)
        self.eliminar_contrato.setEnabled(con_contratos and hay)
        self.revisar.setEnabled(editable)
        reflejar(
            self.firmar,
            self._services.permisos,
            self.actor,
            Accion.FIRMAR_INFORMATIVA,
            ademas=editable,
        )
        # Signed, it is only consulted: what captures is hidden, not greyed, and leaves its
        # Alt-letters to what this estado offers (the portal's rejections, the acuse…).
        for control in (self.nuevo_contrato, self.copiar_contrato, self.eliminar_contrato):
            control.setVisible(editable)
        self.revisar.setVisible(editable)
        self.firmar.setVisible(self.puede_firmar and editable)
        self.acuse.setVisible(not editable)
        # Signed: filed on the portal, then its acuse registered here; filed: for the client.
        firmada, presentada = self.fila.estado == FIRMADA, self.fila.estado == PRESENTADA
        self.presentacion.setVisible(firmada)
        self.cliente.setVisible(presentada)
        self.acuse_imss.setVisible(presentada)
        permisos = self._services.permisos
        reflejar(self.presentacion, permisos, self.actor, Accion.REGISTRAR_PRESENTACION)
        reflejar(self.cliente, permisos, self.actor, Accion.ARCHIVO_CLIENTE)
        reflejar(self.acuse_imss, permisos, self.actor, Accion.ARCHIVO_CLIENTE)
        self.solo_lectura.setText(
            self._texto_presentada() if presentada else MSG_SOLO_LECTURA if firmada else ""
        )
        self.trabajadores.set_editable(con_contratos, captura=editable)
        self.trabajadores.con_rechazos(self.rechazos.aplicar_estado(self.fila.estado))
        mnemonics.assign(self)  # the buttons this estado shows take their letters

    def _cambio(self) -> None:
        """After any change: the estado goes back to En captura, the inicio's counts move."""
        self.recargar_encabezado()
        self.changed.emit()

    # --- contracts -----------------------------------------------------------------------------

    def contrato_actual(self) -> ContratoResumen | None:
        index = self.contratos.currentIndex()
        return self.contratos_model.rows[index.row()] if index.isValid() else None

    def recargar_contratos(self, seleccionar: str | None = None) -> None:
        actual = self.contrato_actual()
        elegido = seleccionar or (actual.uuid if actual else None)
        try:
            contratos = self._services.informativas.contratos(self.uuid, self.actor)
        except DomainError as exc:
            msgbox.warning(self, exc.message, TITLE)
            contratos = []
        mismo = actual is not None and actual.uuid == elegido
        self.contratos.selectionModel().blockSignals(True)  # one worker reload at most
        self.contratos_model.set_rows(contratos)
        position = next((i for i, c in enumerate(contratos) if c.uuid == elegido), 0)
        if contratos:
            self.contratos.setCurrentIndex(self.contratos_model.index(position, 0))
        self.contratos.selectionModel().blockSignals(False)
        self.contratos.resizeColumnsToContents()
        nuevo = self.contrato_actual()
        if mismo and nuevo is not None:
            self.trabajadores.contrato = nuevo  # same contract: its grid and scroll stay
        else:
            self.trabajadores.mostrar(nuevo)
        self._aplicar_estado()

    def seleccionar_contrato(self, uuid: str) -> bool:
        for position, contrato in enumerate(self.contratos_model.rows):
            if contrato.uuid == uuid:
                self.contratos.setCurrentIndex(self.contratos_model.index(position, 0))
                return True
        return False

    def _on_contrato(self, *_args: object) -> None:
        self.trabajadores.mostrar(self.contrato_actual())
        self._aplicar_estado()

    def _rechazos_marcados(self) -> None:
        """The portal's rejections marked: the contract's list shows them."""
        self.trabajadores.rechazados.setChecked(False)
        self.trabajadores.model.reload()
        self._aplicar_estado()

    def _on_trabajadores_changed(self) -> None:
        self.recargar_contratos()  # its Trabajadores count
        self._cambio()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.contratos and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            if event.key() in EDIT_KEYS:
                self.editar()
                return True
            if event.key() == Qt.Key.Key_Delete:
                self.eliminar()
                return True
        return super().eventFilter(watched, event)

    def nuevo(self) -> None:
        if not self.nuevo_contrato.isEnabled():
            return
        from icsoe_desktop.gui.informativa.contrato import ContratoDialog

        dialog = ContratoDialog(self._services, self.actor, self.rfc, self.uuid, None, self)
        if ejecutar_modal(dialog):
            self.recargar_contratos(seleccionar=dialog.contrato_uuid)
            self._cambio()

    def editar(self, campo: str | None = None) -> None:
        contrato = self.contrato_actual()
        if contrato is None or not self.editar_contrato.isEnabled():
            return
        from icsoe_desktop.gui.informativa.contrato import ContratoDialog

        dialog = ContratoDialog(
            self._services, self.actor, self.rfc, self.uuid, contrato.uuid, self, campo=campo
        )
        if ejecutar_modal(dialog):
            self.recargar_contratos(seleccionar=contrato.uuid)
            self._cambio()

    def copiar(self) -> None:
        if not self.copiar_contrato.isEnabled():
            return
        from icsoe_desktop.gui.informativa.copiar_contrato import CopiarContratoDialog

        dialog = CopiarContratoDialog(self._services, self.actor, self.rfc, self.uuid, self)
        if ejecutar_modal(dialog):
            self.recargar_contratos()
            self._cambio()

    def eliminar(self) -> None:
        contrato = self.contrato_actual()
        if contrato is None or not self.eliminar_contrato.isEnabled():
            return
        texto = MSG_ELIMINAR_CONTRATO.format(
            contratante=contrato.contratante_nombre,
            trabajadores=(
                " junto con "
                + plural(contrato.trabajadores, "trabajador asignado", "trabajadores asignados")
                if contrato.trabajadores
                else ""
            ),
        )
        if not msgbox.question(self, texto, yes="Eliminar", title="Eliminar contrato"):
            return
        try:
            self._services.informativas.eliminar_contrato(contrato.uuid, self.actor)
        except DomainError as exc:
            msgbox.warning(self, exc.message, TITLE)
        self.recargar_contratos()
        self._cambio()

    # --- Revisar -------------------------------------------------------------------------------

    def _on_revisar(self) -> None:
        self.revisar_informativa()

    def revisar_informativa(self, despues: Callable[[list[Problema]], None] | None = None) -> None:
        """Run the checks in the background; list the problems (or say there are none), then
        ``despues(problemas)``. A refusal is said and nothing follows."""
        if not self.editable:
            return
        firma, uuid, actor = self._services.informativa_firma, self.uuid, self.actor

        def revisada(problemas: list[Problema]) -> None:
            self.mostrar_problemas(problemas)
            self.recargar_encabezado()
            self.changed.emit()
            if not _inconsistencias(problemas):
                texto = (
                    MSG_LISTA_CON_AVISOS.format(cuantos=plural(len(problemas), "aviso"))
                    if problemas
                    else MSG_SIN_INCONSISTENCIAS
                )
                msgbox.information(self, texto, TITLE)
            if despues is not None:
                despues(problemas)

        ejecutar(
            self,
            "Revisando la informativa…",
            lambda: firma.revisar(uuid, actor),
            revisada,
            titulo=TITLE,
        )

    def mostrar_problemas(self, problemas: list[Problema]) -> None:
        self.problemas.clear()
        for problema in problemas:
            texto = (AVISO if problema.aviso else "") + problema.mensaje
            item = QListWidgetItem(texto)
            item.setData(PROBLEMA_ROLE, problema)
            item.setToolTip(texto)
            self.problemas.addItem(item)
        self.problemas_group.setVisible(bool(problemas))
        if problemas:
            bloquean = _inconsistencias(problemas)
            avisos = len(problemas) - len(bloquean)
            cuantos = plural(len(bloquean), "inconsistencia") + (
                f" y {plural(avisos, 'aviso')}" if avisos else ""
            )
            self.problemas_label.setText(
                MSG_PROBLEMAS.format(cuantos=cuantos)
                if bloquean
                else MSG_SOLO_AVISOS.format(
                    cuantos=plural(avisos, "aviso"), impide=verb(avisos, "impide", "impiden")
                )
            )
            self.principal.setSizes([self.width() * 7 // 10, self.width() * 3 // 10])
            self.problemas.setCurrentRow(0)
            self.problemas.setFocus()

    def _on_problema(self, item: QListWidgetItem) -> None:
        self.ir_al_problema(item.data(PROBLEMA_ROLE))

    def ir_al_problema(self, problema: Problema) -> None:
        """Its contract selected, then its worker's row, its field in the contract form, or
        the place to fix it."""
        if problema.contrato and not self.seleccionar_contrato(problema.contrato):
            self.recargar_contratos()
            self.seleccionar_contrato(problema.contrato)
        if problema.contrato and problema.renglon is not None:
            self.trabajadores.seleccionar_renglon(problema.renglon)
        elif problema.contrato and problema.campo in CAMPOS_CONTRATO:
            self.editar(campo=problema.campo)
        elif problema.campo == "trabajadores" and self.trabajadores.nss.isEnabled():
            self.trabajadores.nss.setFocus()
        elif problema.campo == "contratos" and self.nuevo_contrato.isEnabled():
            self.nuevo_contrato.setFocus()
        else:
            self.contratos.setFocus()

    # --- Firmar, acuse, Exportar ---------------------------------------------------------------

    def firmar_informativa(self) -> None:
        """Revisar first unless it is ready (in the background); then the e.firma dialog."""
        if not (self.puede_firmar and self.editable):
            return
        if self.fila.estado != LISTA_PARA_FIRMA:
            self.revisar_informativa(self._revisada_para_firmar)
            return
        self._pedir_firma()

    def _revisada_para_firmar(self, problemas: list[Problema]) -> None:
        if bloquean := _inconsistencias(problemas):
            cuantos = plural(len(bloquean), "inconsistencia")
            msgbox.warning(self, MSG_CORRIGE_ANTES.format(cuantos=cuantos), TITLE)
            return
        self._pedir_firma()

    def _pedir_firma(self) -> bool:
        """The e.firma dialog; True once signed."""
        from icsoe_desktop.gui.informativa.firmar import FirmarInformativaDialog

        resumen = (
            f"Vas a firmar la informativa <b>{self.fila.tipo_texto}</b> del periodo "
            f"<b>{self.fila.periodo.texto}</b> del contratista {self._contratista}, con "
            f"{plural(self.fila.contratos, 'contrato')} y "
            f"{plural(self.fila.trabajadores, 'trabajador', 'trabajadores')}."
        )
        dialog = FirmarInformativaDialog(self._services, self.rfc, self.uuid, resumen, self)
        if not ejecutar_modal(dialog) or dialog.acuse is None:
            return False
        self.mostrar_problemas([])
        self.recargar_encabezado()
        self.changed.emit()
        if msgbox.question(
            self, MSG_FIRMADA, yes="Guardar constancia…", no="Ahora no", title=TITLE, informa=True
        ):
            self._pedir_ruta_acuse()
        return True

    def registrar_presentacion(self) -> bool:
        """*Registrar presentación…*: True once the IMSS acuse is registered."""
        if not (self.presentacion.isVisible() and self.presentacion.isEnabled()):
            return False
        from icsoe_desktop.gui.informativa.presentacion import RegistrarPresentacionDialog

        dialog = RegistrarPresentacionDialog(self._services, self.actor, self.uuid, self)
        if not ejecutar_modal(dialog):
            return False
        self.recargar_encabezado()
        self.changed.emit()
        return True

    def exportar_para_el_cliente(self) -> None:
        if not (self.cliente.isVisible() and self.cliente.isEnabled()):
            return
        from icsoe_desktop.gui.informativa.archivo_cliente import ArchivoClienteDialog

        ejecutar_modal(ArchivoClienteDialog(self._services, self.actor, self.uuid, self))

    def _texto_presentada(self) -> str:
        """«Presentada el 22/11/2026 10:15, folio N…: sólo consulta», the filing as registered
        (the estado above says whether it was late)."""
        fila = self.fila
        fecha = f"{fila.presentada_at:%d/%m/%Y %H:%M}" if fila.presentada_at else "—"
        return MSG_PRESENTADA.format(
            fecha=fecha,
            folio=fila.folio_imss,
            declarado=(MSG_DECLARADO if fila.acuse_declarado else "")
            + (f" ({fila.acuse_corregido})" if fila.acuse_corregido else ""),
        )

    def _pedir_ruta_acuse_imss(self) -> None:
        nombre = f"Acuse_IMSS_{self.rfc}_{self.fila.periodo.clave}_{self.fila.folio_imss}.pdf"
        path, _ = guardar_archivo(
            self, "Guardar acuse del IMSS", str(Path.home() / nombre), "Documento PDF (*.pdf)"
        )
        if path:
            self.guardar_acuse_imss_en(Path(path))

    def guardar_acuse_imss_en(self, path: Path) -> Path | None:
        """The IMSS acuse as registered (its SHA-256 checked) to ``path``: what the save
        dialog does with the chosen path (tests call it directly)."""
        return self._guardar_pdf(
            path,
            lambda p: self._services.informativa_presentacion.guardar_acuse_imss(
                self.uuid, self.actor, p
            ),
            "el acuse del IMSS",
            MSG_ACUSE_IMSS_GUARDADO,
        )

    def nombre_acuse(self) -> str:
        return self._services.informativa_firma.nombre_constancia(self.rfc, self.fila.periodo.clave)

    def _pedir_ruta_acuse(self) -> None:
        path, _ = guardar_archivo(
            self,
            "Guardar constancia de firma",
            str(Path.home() / self.nombre_acuse()),
            "Documento PDF (*.pdf)",
        )
        if path:
            self.guardar_acuse_en(Path(path))

    def guardar_acuse_en(self, path: Path) -> Path | None:
        """What the save dialog does with the chosen path (tests call it directly): the stored
        constancia written there, audited."""
        return self._guardar_pdf(
            path,
            lambda p: self._services.informativa_firma.guardar_constancia(self.uuid, self.actor, p),
            "la constancia de firma",
            MSG_ACUSE_GUARDADO,
        )

    def _guardar_pdf(
        self, path: Path, guardar: Callable[[Path], object], que: str, guardado: str
    ) -> Path | None:
        """``guardar(path)`` (a .pdf), what went wrong said; the path, or None."""
        if path.suffix.lower() != ".pdf":
            path = path.with_name(path.name + ".pdf")
        try:
            guardar(path)
        except DomainError as exc:
            msgbox.warning(self, exc.message, TITLE)
            return None
        except OSError as exc:
            msgbox.warning(self, f"No se pudo guardar {que} en «{path}»: {motivo_os(exc)}.", TITLE)
            return None
        msgbox.information(self, guardado.format(archivo=path), TITLE)
        return path

    def _pedir_carpeta(self) -> None:
        carpeta = elegir_carpeta(self, "Exportar a la carpeta", str(Path.home()))
        if carpeta:
            self.exportar_a(Path(carpeta))

    def exportar_a(self, carpeta: Path) -> None:
        """What the folder dialog does with the chosen folder (tests call it directly): the
        files are written in the background, then listed."""
        firma, uuid, actor = self._services.informativa_firma, self.uuid, self.actor
        ejecutar(
            self,
            "Exportando la informativa…",
            lambda: firma.exportar(uuid, actor, carpeta),
            lambda archivos: self._exportada(carpeta, archivos),
            titulo=TITLE,
        )

    def _exportada(self, carpeta: Path, archivos: list[Path]) -> None:
        texto = MSG_EXPORTADO.format(
            verbo=verb(len(archivos), "guardó", "guardaron"),
            cuantos=plural(len(archivos), "archivo"),
            carpeta=carpeta,
            archivos="\n".join(p.name for p in archivos),
        )
        msgbox.ofrecer_carpeta(self, texto, carpeta, TITLE)

    def _escape(self) -> None:
        if self.trabajadores.buscar.text():
            self.trabajadores.buscar.vaciar()

    def closeEvent(self, event: QCloseEvent) -> None:
        # A worker half typed in Agregar: «¿Guardar los cambios?» (Sí adds it, if it can).
        if self.trabajadores.tecleado() and not puede_cerrar(
            self, True, self.trabajadores.agregar_tecleado
        ):
            event.ignore()
            return
        self.closed.emit()
        event.accept()


def _inconsistencias(problemas: list[Problema]) -> list[Problema]:
    """What keeps the informativa from being signed (the avisos do not)."""
    return [p for p in problemas if not p.aviso]

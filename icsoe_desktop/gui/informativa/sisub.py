"""Informativas › SISUB del INFONAVIT (the contratista's and the capturista's windows): the
report of a period — its contracts in force with their SISUB number and work site, the workers
of the contract chosen per bimestre with their amounts and where they came from — and its steps:
Preparar, Revisar, Exportar… (the three CSVs and the PDFs in a folder or a ZIP) and Registrar
presentación… (the INFONAVIT's acuse); once filed, Preparar complementario… (its motivo asked by
sisub_complementario) starts the report that corrects it; Anotar el motivo… (sisub_motivo) says
why the ICSOE informativa differs; the escritura and each contract's PDF attached once. A
capturista prepares; the steps that file are greyed by the role matrix. Everything through
services/sisub; keyboard only works (Tab in reading order, Alt-letters)."""

from __future__ import annotations

import threading
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from icsoe_desktop.domain.cambios import ICSOE, Cambios
from icsoe_desktop.domain.clock import hora_del_centro
from icsoe_desktop.domain.contacto import ENTIDADES_FEDERATIVAS
from icsoe_desktop.domain.errors import DomainError, ValidationError
from icsoe_desktop.domain.informativa.modelo import Domicilio, Periodo
from icsoe_desktop.domain.informativa.periodos import periodos_entre
from icsoe_desktop.domain.roles import Accion
from icsoe_desktop.domain.sisub.archivos import pesos
from icsoe_desktop.domain.sisub.modelo import (
    COMPLEMENTARIO,
    MOTIVOS_COMPLEMENTARIO,
    PRESENTADO,
    ContratoSisub,
    Importes,
    ReporteSisub,
    TrabajadorSisub,
)
from icsoe_desktop.gui.capacitacion import poner_banda, titulo
from icsoe_desktop.gui.informativa import sisub_sitio, sisub_trabajador
from icsoe_desktop.gui.informativa.sisub_trabajador import centavos as _centavos
from icsoe_desktop.gui.informativa.sisub_trabajador import dias as _dias
from icsoe_desktop.gui.kit import mnemonics, msgbox
from icsoe_desktop.gui.kit.elegir_archivo import abrir_archivo, abrir_archivos, elegir_carpeta
from icsoe_desktop.gui.kit.geometria import centrar
from icsoe_desktop.gui.kit.lector import describir_lista
from icsoe_desktop.gui.kit.modal import ejecutar_modal
from icsoe_desktop.gui.kit.notificador import suscribir
from icsoe_desktop.gui.kit.operaciones import (
    PRIORIDAD_ESPERADA,
    REINTENTABLES,
    ejecutar,
    ejecutar_con_barra,
    en_segundo_plano,
    lectura_fallida,
)
from icsoe_desktop.gui.kit.permisos import reflejar
from icsoe_desktop.gui.kit.rows_derecha import RowsDerechaModel

if TYPE_CHECKING:
    from collections.abc import Callable

    from PySide6.QtGui import QShowEvent

    from icsoe_desktop.domain.informativa.modelo import Problema
    from icsoe_desktop.services.container import Services
    from icsoe_desktop.services.sisub.exportar import Exportado
    from icsoe_desktop.services.sisub.pdfs import Guardado
    from icsoe_desktop.services.sisub.reporte import SisubService, Vista

T = TypeVar("T")
# A column fits the rows in view and a few more, not all of a contract's hundreds of workers;
# the margin is a cell's padding on both sides of its text.
_MEDIDAS = 60
_MARGEN = 14
TITLE = "SISUB del INFONAVIT"
CONTRATOS = ("Beneficiario RFC", "Beneficiario", "Objeto", "Inicio", "Fin", "Número SISUB",
             "Trabajadores")  # fmt: skip
TRABAJADORES = ("Bimestre", "NSS", "Nombre", "Registro patronal", "Fijas", "Variables",
                "Días incap.", "No integradas", "No excedente", "Origen")  # fmt: skip
SITIO = (
    ("calle", "Calle"),
    ("numero_exterior", "Número exterior"),
    ("numero_interior", "Número interior"),
    ("colonia", "Colonia"),
    ("codigo_postal", "Código postal"),
    ("municipio", "Municipio o alcaldía"),
)
IMPORTES = (
    ("fijas", "Percepciones fijas"),
    ("variables", "Percepciones variables"),
    ("no_integradas", "No integradas"),
    ("no_excedente", "Salario no excedente"),
    ("aportacion", "Aportación INFONAVIT"),
    ("amortizacion", "Amortización del crédito"),
)


def _celdas_contrato(c: ContratoSisub, trabajadores: int) -> tuple[str, ...]:
    return (
        c.contratante.rfc,
        c.contratante.nombre,
        c.objeto,
        c.fecha_inicial.strftime("%d/%m/%Y") if c.fecha_inicial else "",
        c.fecha_final.strftime("%d/%m/%Y") if c.fecha_final else "",
        c.numero,
        f"{trabajadores:,}",
    )


def _celdas_trabajador(t: TrabajadorSisub) -> tuple[str, ...]:
    i = t.importes
    return (
        str(t.bimestre), t.nss, t.nombre, t.registro_patronal, pesos(i.fijas),
        pesos(i.variables), str(i.dias_incapacidad), pesos(i.no_integradas),
        pesos(i.no_excedente), t.origen,
    )  # fmt: skip


def _guardadas(
    celdas: Callable[[T], tuple[str, ...]], guardadas: dict[int, tuple[str, ...]]
) -> Callable[[T], tuple[str, ...]]:
    """``celdas`` worked out once a row: a grid asks a row's cells once per cell and role
    painted or measured, and working them out each time froze the window on each report shown.
    ``guardadas`` is emptied when the grid gets other rows."""

    def celdas_de(fila: T) -> tuple[str, ...]:
        clave = id(fila)
        hechas = guardadas.get(clave)
        if hechas is None:
            hechas = guardadas[clave] = celdas(fila)
        return hechas

    return celdas_de


def _ajustar(tabla: QTableView, filas: list[tuple[str, ...]], columnas: tuple[int, ...]) -> None:
    """Each of ``columnas`` as wide as its title and its longest text among ``filas`` (those in
    view and a few more), measured here: Qt's own measure asks the model for every cell and role,
    thousands of calls into Python, each waiting its turn while a report is being prepared."""
    metricas = tabla.fontMetrics()
    cabecera = tabla.horizontalHeader()
    for columna in columnas:
        textos = [fila[columna] for fila in filas[:_MEDIDAS]]
        largo = max(textos, key=len, default="")
        ancho = metricas.horizontalAdvance(largo) + _MARGEN
        tabla.setColumnWidth(columna, max(ancho, cabecera.sectionSizeHint(columna)))


def _tabla(nombre: str, accesible: str) -> QTableView:
    tabla = QTableView()
    tabla.setObjectName(nombre)
    tabla.setAccessibleName(accesible)
    tabla.setTabKeyNavigation(False)  # the arrows move in a list, Tab leaves it
    tabla.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    tabla.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    tabla.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    tabla.verticalHeader().hide()
    tabla.setWordWrap(False)
    return tabla


def _edits(campos: tuple[tuple[str, str], ...]) -> dict[str, QLineEdit]:
    """A line edit per (key, label), named after its key."""
    edits = {}
    for clave, _texto in campos:
        edit = QLineEdit()
        edit.setObjectName(f"{clave}Edit")
        edits[clave] = edit
    return edits


def _rejilla(caja: QGroupBox, campos: list[tuple[str, QWidget]]) -> QGridLayout:
    """The fields with their labels (their buddies: Alt-letters and names), four a row."""
    grid = QGridLayout(caja)
    for n, (texto, widget) in enumerate(campos):
        etiqueta = QLabel(texto + ":")
        etiqueta.setBuddy(widget)
        widget.setAccessibleName(texto)
        grid.addWidget(etiqueta, n // 4, (n % 4) * 2)
        grid.addWidget(widget, n // 4, (n % 4) * 2 + 1)
    return grid


def _leer(
    sisub: SisubService, rfc: str, actor: str, clave: str, contrato: str | None
) -> Vista | None:
    """The period's report (the one in preparation, else the last filed) with the workers of
    ``contrato`` (or of the first), None before any."""
    uuid = sisub.del_periodo(rfc, actor, clave)
    return sisub.vista(uuid, actor, contrato) if uuid else None


def _boton(texto: str, nombre: str) -> QPushButton:
    boton = QPushButton(texto)
    boton.setObjectName(nombre)
    boton.setAutoDefault(False)
    return boton


class SisubDialog(QDialog):
    """``rfc``: the contratista whose SISUB it is; ``actor``: who acts (the contratista, or
    one of its capturistas by CURP)."""

    def __init__(
        self, services: Services, rfc: str, actor: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("SisubDialog")
        self.setWindowTitle(titulo(f"{TITLE} · {rfc}", services, rfc))
        self._services, self._rfc, self._actor = services, rfc, actor
        self.reporte: ReporteSisub | None = None
        layout = QVBoxLayout(self)
        self.banda_capacitacion = poner_banda(self, services, rfc, "al INFONAVIT")
        layout.addLayout(self._barra())
        layout.addLayout(self._estado_y_motivo())
        # Each contract's distinct workers, counted once per report shown (the grid's column).
        self._cuentas: dict[str, int] = {}
        # The PDFs kept (their names), read with the report; None: to be read.
        self._guardados: dict[str, Guardado] | None = None
        # Each contract's workers once read (the chosen one's come with the report).
        self._leidos: dict[str, tuple[TrabajadorSisub, ...]] = {}
        cuentas = self._cuentas  # the closures hold the dicts, not the window (no cycle)
        self._celdas_c: dict[int, tuple[str, ...]] = {}
        self._celdas_t: dict[int, tuple[str, ...]] = {}

        def celdas_contrato(c: ContratoSisub) -> tuple[str, ...]:
            return _celdas_contrato(c, cuentas.get(c.uuid, 0))

        self._celdas_de_contrato = _guardadas(celdas_contrato, self._celdas_c)
        self._celdas_de_trabajador = _guardadas(_celdas_trabajador, self._celdas_t)
        self.contratos_model: RowsDerechaModel[ContratoSisub] = RowsDerechaModel(
            CONTRATOS, self._celdas_de_contrato, derecha=(6,)
        )
        self.contratos = _tabla("contratosTable", "Contratos en vigor")
        self.contratos.setModel(self.contratos_model)
        describir_lista(
            self.contratos,
            "Los contratos en vigor en el periodo, con su número SISUB, uno por fila",
        )
        self.contratos.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        layout.addWidget(QLabel("<b>Contratos en vigor en el periodo</b>"))
        layout.addWidget(self.contratos, 1)
        self.trabajadores_model = RowsDerechaModel(
            TRABAJADORES, self._celdas_de_trabajador, derecha=(4, 5, 6, 7, 8)
        )
        self.trabajadores = _tabla("trabajadoresTable", "Trabajadores del contrato por bimestre")
        self.trabajadores.setModel(self.trabajadores_model)
        describir_lista(
            self.trabajadores,
            "Los trabajadores del contrato elegido por bimestre, con sus importes y su origen",
        )
        self.trabajadores.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        layout.addWidget(self.trabajadores, 1)
        # Workers typed by hand (no receipts imported for them), and a row taken out.
        fila, self.agregar_trabajador, self.quitar_trabajador = sisub_trabajador.botones()
        self.agregar_trabajador.clicked.connect(self._agregar_trabajador)
        self.quitar_trabajador.clicked.connect(self._quitar_trabajador)
        layout.addLayout(fila)
        # Two pages, one at a time: each gets its own Alt-letters (a window has 26).
        self.editores = QTabWidget()
        self.editores.setObjectName("editoresTabs")
        self.editores.setAccessibleName("Datos del contrato y del trabajador elegidos")
        self.editores.addTab(self._contrato_form(), "Número y centro de trabajo")
        self.editores.addTab(self._importes_form(), "Importes del trabajador")
        self.editores.addTab(self._pdfs_form(), "PDFs del SISUB")
        layout.addWidget(self.editores)
        cerrar = QDialogButtonBox()
        self.cerrar = _boton("&Cerrar", "cerrarButton")
        cerrar.addButton(self.cerrar, QDialogButtonBox.ButtonRole.RejectRole)
        cerrar.setFocusProxy(None)  # type: ignore[arg-type]  # None: no proxy (Qt's API)
        self.cerrar.clicked.connect(self.reject)
        layout.addWidget(cerrar)
        self.contratos.selectionModel().currentRowChanged.connect(self._contrato_elegido)
        self.trabajadores.selectionModel().currentRowChanged.connect(self._trabajador_elegido)
        self.resize(1240, 740)
        centrar(self, parent)
        self._lecturas = 0  # the reads started: only the last one's report is shown
        self._trabajando = False  # Preparar, Revisar or Exportar running (services/sisub/aparte)
        self._cerrada = threading.Event()  # closed: what runs apart stops
        # Built (its modules imported) as the window opens, not on the first click.
        self._aparte_de = services.sisub_aparte
        try:  # opened with the report in view; later reads run off the window's thread
            self._mostrar(_leer(services.sisub, rfc, actor, self._clave(), None))
        except DomainError as exc:
            msgbox.warning(self, exc.message, TITLE)
        suscribir(self, services, {ICSOE}, self._on_cambios)
        mnemonics.assign(self)
        # Enter presses none of its buttons: each says its Alt-letter as every window's do.
        mnemonics.decir_letras(self, siempre=True)
        self.periodo.setFocus()

    # --- layout --------------------------------------------------------------------------------

    def _barra(self) -> QHBoxLayout:
        barra = QHBoxLayout()
        etiqueta = QLabel("&Periodo:")
        self.periodo = QComboBox()
        self.periodo.setObjectName("periodoCombo")
        etiqueta.setBuddy(self.periodo)
        hoy = Periodo.de_fecha(hora_del_centro(self._services.clock()).date())
        for p in reversed([p for p in periodos_entre(2021, hoy.anio) if p <= hoy]):
            self.periodo.addItem(p.texto, p.clave)
        # The last one due, unless it is filed already: then the one in course.
        try:
            presentados = self._services.sisub.periodos_presentados(self._rfc, self._actor)
        except DomainError:  # not this actor's: the report's read says why
            presentados = set()
        vencido = min(1, self.periodo.count() - 1)
        en_curso = vencido if self.periodo.itemData(vencido) not in presentados else 0
        self.periodo.setCurrentIndex(en_curso)
        self.periodo.currentIndexChanged.connect(self.refresh)
        barra.addWidget(etiqueta)
        barra.addWidget(self.periodo)
        barra.addStretch(1)
        self.preparar = _boton("Preparar", "prepararButton")
        self.complementario = _boton("Preparar complementario…", "complementarioButton")
        self.revisar = _boton("Revisar", "revisarButton")
        self.exportar = _boton("Exportar…", "exportarButton")
        self.guia = _boton("Guía del INFONAVIT…", "guiaButton")
        self.guia.setToolTip(
            "Lee el archivo de guía (.xls) del Portal Empresarial: los CSV se escriben con sus "
            "columnas, en su orden, desde ahora para esta empresa"
        )
        self.presentar = _boton("Registrar presentación…", "presentarButton")
        self.zip = QCheckBox("En un ZIP")
        self.zip.setObjectName("zipCheck")
        for boton, slot in (
            (self.preparar, self._preparar),
            (self.complementario, self._complementario),
            (self.revisar, self._revisar),
            (self.guia, self._guia),
            (self.exportar, self._exportar),
            (self.presentar, self._presentar),
        ):
            boton.clicked.connect(slot)
            barra.addWidget(boton)
            if boton is self.exportar:
                barra.addWidget(self.zip)
        return barra

    def _estado_y_motivo(self) -> QHBoxLayout:
        """The report's kind and state; beside it, why the ICSOE informativa differs."""
        fila = QHBoxLayout()
        textos = QVBoxLayout()
        self.estado = QLabel()
        self.estado.setObjectName("estadoLabel")
        self.estado.setWordWrap(True)
        self.nota = QLabel()
        self.nota.setObjectName("notaIcsoeLabel")
        self.nota.setWordWrap(True)
        textos.addWidget(self.estado)
        textos.addWidget(self.nota)
        fila.addLayout(textos, 1)
        self.anotar = _boton("Anotar el motivo…", "anotarButton")
        self.anotar.setToolTip(
            "Por qué la informativa ICSOE del periodo dice distinto: con el motivo anotado, "
            "Revisar avisa de la diferencia y deja exportar"
        )
        self.anotar.clicked.connect(self._anotar)
        fila.addWidget(self.anotar)
        return fila

    def _contrato_form(self) -> QGroupBox:
        caja = QGroupBox("Contrato elegido")
        self.numero = QLineEdit()
        self.numero.setObjectName("numeroEdit")
        self.sitio = _edits(SITIO)
        self.entidad = QComboBox()
        self.entidad.setObjectName("entidadCombo")
        self.entidad.addItem("", "")
        for entidad in ENTIDADES_FEDERATIVAS:
            self.entidad.addItem(entidad, entidad)
        # SEPOMEX as the datos generales: the CP fills municipio and entidad, lists colonias.
        self.colonia_lista = sisub_sitio.lista_de_colonias(self.sitio["colonia"])
        en_rejilla = {**self.sitio, "colonia": self.colonia_lista}
        grid = _rejilla(
            caja,
            [
                ("Número de contrato SISUB", self.numero),
                *((texto, en_rejilla[clave]) for clave, texto in SITIO),
                ("Entidad federativa", self.entidad),
            ],
        )
        self.codigo_postal_aviso = sisub_sitio.aviso_del_codigo_postal()
        grid.addWidget(self.codigo_postal_aviso, 2, 0, 1, 6)
        self.codigo_postal_vinculo = sisub_sitio.vincular(
            self._services.codigos_postales,
            self.sitio,
            self.entidad,
            self.colonia_lista,
            self.codigo_postal_aviso,
        )
        self.guardar_contrato = _boton("Guardar contrato", "guardarContratoButton")
        self.guardar_contrato.clicked.connect(self._guardar_contrato)
        grid.addWidget(self.guardar_contrato, 2, 7)
        return caja

    def _importes_form(self) -> QGroupBox:
        caja = QGroupBox("Trabajador elegido: su registro patronal e importes del bimestre")
        self.registro = QLineEdit()
        self.registro.setObjectName("registroEdit")
        self.dias = QLineEdit()
        self.dias.setObjectName("diasEdit")
        self.importes = _edits(IMPORTES)
        campos: list[tuple[str, QWidget]] = [
            ("Registro patronal", self.registro),
            *((texto, self.importes[clave]) for clave, texto in IMPORTES),
        ]
        campos.insert(3, ("Días de incapacidad", self.dias))
        grid = _rejilla(caja, campos)
        self.guardar_importes = _boton("Guardar i&mportes", "guardarImportesButton")
        self.guardar_importes.clicked.connect(self._guardar_importes)
        grid.addWidget(self.guardar_importes, 2, 7)
        return caja

    def _pdfs_form(self) -> QGroupBox:
        caja = QGroupBox("PDFs que lleva cada exportación (se guardan una vez)")
        grid = QGridLayout(caja)
        self.escritura_label = QLabel()
        self.escritura_label.setObjectName("escrituraLabel")
        self.contrato_pdf_label = QLabel()
        self.contrato_pdf_label.setObjectName("contratoPdfLabel")
        self.adjuntar_escritura = _boton("Adjuntar escritura constitutiva…", "escrituraButton")
        self.adjuntar_contrato = _boton("Adjuntar PDF del contrato elegido…", "contratoPdfButton")
        self.adjuntar_escritura.clicked.connect(self._adjuntar_escritura)
        self.adjuntar_contrato.clicked.connect(self._adjuntar_contrato)
        for fila, (texto, etiqueta, boton) in enumerate(
            (
                ("Escritura constitutiva:", self.escritura_label, self.adjuntar_escritura),
                ("PDF del contrato elegido:", self.contrato_pdf_label, self.adjuntar_contrato),
            )
        ):
            grid.addWidget(QLabel(texto), fila, 0)
            grid.addWidget(etiqueta, fila, 1)
            grid.addWidget(boton, fila, 2)
        # What the sujeto obligado's file asks beyond the datos generales, kept once.
        self.sujeto = _boton("Datos del sujeto obligado…", "sujetoButton")
        self.sujeto.clicked.connect(self._datos_sujeto)
        grid.addWidget(QLabel("Escritura, representante, entre calles:"), 2, 0)
        grid.addWidget(self.sujeto, 2, 2)
        grid.setColumnStretch(1, 1)
        return caja

    # --- reading -------------------------------------------------------------------------------

    def _puede(self, control: QWidget, accion: Accion, ademas: bool = True) -> bool:
        return reflejar(control, self._services.permisos, self._actor, accion, ademas=ademas)

    def _pdfs(self) -> None:
        """What is kept: the escritura and the chosen contract's PDF."""
        c = self._contrato()
        self._puede(self.sujeto, Accion.PRESENTAR_SISUB)
        if not self._puede(self.adjuntar_escritura, Accion.PRESENTAR_SISUB):
            # Who only prepares neither attaches nor reads what is kept (the service refuses).
            self._puede(self.adjuntar_contrato, Accion.PRESENTAR_SISUB)
            self.escritura_label.setText("—")
            self.contrato_pdf_label.setText("—")
            return
        guardados = self._guardados
        if guardados is None:  # read with the report but for the first time and after attaching
            try:
                guardados = self._guardados = self._services.sisub_pdfs.guardados(
                    self._rfc, self._actor
                )
            except DomainError as exc:
                msgbox.warning(self, exc.message, TITLE)
                return
        for etiqueta, clave in (
            (self.escritura_label, ""),
            (self.contrato_pdf_label, c.uuid if c else None),
        ):
            g = guardados.get(clave) if clave is not None else None
            etiqueta.setText(f"«{g.nombre}» guardado" if g else "sin adjuntar")
        self._puede(self.adjuntar_contrato, Accion.PRESENTAR_SISUB, c is not None)

    def _on_cambios(self, _cambios: Cambios) -> None:
        self.refresh()

    def _clave(self) -> str:
        return str(self.periodo.currentData())

    def refresh(self) -> None:
        """The period's report read off the window's thread (tens of thousands of rows take
        seconds), shown once read; a read a later one overtook is dropped."""
        self._lecturas += 1
        numero = self._lecturas
        sisub, rfc, actor, clave = self._services.sisub, self._rfc, self._actor, self._clave()
        c = self._contrato()
        contrato = c.uuid if c else None
        # The kept PDFs' names too, for who may read them: not read again at each contract.
        pdfs = self._services.sisub_pdfs
        con_pdfs = not self._services.permisos.motivo(actor, Accion.PRESENTAR_SISUB)

        def leer() -> tuple[Vista | None, dict[str, Guardado] | None]:
            return _leer(sisub, rfc, actor, clave, contrato), (
                pdfs.guardados(rfc, actor) if con_pdfs else None
            )

        def mostrar(leido: tuple[Vista | None, dict[str, Guardado] | None]) -> None:
            if numero == self._lecturas:
                self._guardados = leido[1]
                self._mostrar(leido[0])

        en_segundo_plano(
            leer,
            mostrar,
            lectura_fallida(self, TITLE, self.refresh),
            self,
            prioridad=PRIORIDAD_ESPERADA,
        )

    def _mostrar(self, vista: Vista | None) -> None:
        self.reporte = r = vista.reporte if vista else None
        self._cuentas.clear()
        self._leidos.clear()
        elegida = 0
        if vista is not None:
            self._cuentas.update(vista.cuentas)
            for fila, c in enumerate(vista.reporte.contratos):
                if c.uuid == vista.elegido:
                    self._leidos[c.uuid], elegida = c.trabajadores, fila
        self._celdas_c.clear()  # keyed by id(): a row freed may lend its id to a new one
        self.contratos_model.set_rows(list(r.contratos) if r else [])
        if r is None:
            self.estado.setText(
                "Sin preparar: <b>Preparar</b> toma los contratos en vigor de las informativas y "
                "los importes de los recibos de nómina."
            )
        else:
            self.estado.setText(_texto_estado(r))
        self.nota.setText(_texto_nota(r))
        self._estado_botones()
        _ajustar(
            self.contratos,
            [self._celdas_de_contrato(c) for c in self.contratos_model.rows[:_MEDIDAS]],
            (0, 1, 3, 4, 5, 6),
        )
        if r and r.contratos:
            self.contratos.selectRow(elegida)
        else:
            self._celdas_t.clear()
            self.trabajadores_model.set_rows([])
            self._pdfs()

    def _estado_botones(self) -> None:
        """Each action by the role matrix and the report's state; none of the long ones while
        one runs (``_trabajando``)."""
        r = self.reporte
        editable = r is None or r.estado != PRESENTADO
        libre = not self._trabajando
        for widget in (self.guardar_contrato, self.guardar_importes):
            self._puede(widget, Accion.PREPARAR_SISUB, editable)
        self._puede(self.preparar, Accion.PREPARAR_SISUB, editable and libre)
        self._puede(self.anotar, Accion.PREPARAR_SISUB, r is not None and editable and libre)
        presentado = r is not None and r.estado == PRESENTADO
        puede = self._puede(self.complementario, Accion.PREPARAR_SISUB, presentado and libre)
        if puede and not presentado:  # greyed by the report's state: the service's reason
            self.complementario.setToolTip(_sin_presentar(r, self.periodo.currentText()))
        self._puede(self.revisar, Accion.PREPARAR_SISUB, r is not None and editable and libre)
        self._puede(self.exportar, Accion.PRESENTAR_SISUB, r is not None and libre)
        self._puede(self.guia, Accion.PRESENTAR_SISUB, r is not None)
        self._puede(self.presentar, Accion.PRESENTAR_SISUB, r is not None and editable)
        self.zip.setEnabled(self.exportar.isEnabled())
        self._estado_captura()

    def _estado_captura(self) -> None:
        """Agregar with a contract chosen, Quitar with a worker; never on a filed report."""
        r = self.reporte
        editable = r is not None and r.estado != PRESENTADO
        self._puede(
            self.agregar_trabajador,
            Accion.PREPARAR_SISUB,
            editable and self._contrato() is not None,
        )
        self._puede(
            self.quitar_trabajador,
            Accion.PREPARAR_SISUB,
            editable and self._trabajador() is not None,
        )

    def showEvent(self, event: QShowEvent) -> None:
        """Shown (again): its actions run until it is closed."""
        if self._cerrada.is_set():
            self._cerrada = threading.Event()
        super().showEvent(event)

    def done(self, resultado: int) -> None:
        """Closed: an action still running by its process is stopped (nothing of it stays)."""
        self._cerrada.set()
        super().done(resultado)

    def _contrato(self) -> ContratoSisub | None:
        fila = self.contratos.currentIndex().row()
        return (
            self.contratos_model.rows[fila] if 0 <= fila < self.contratos_model.rowCount() else None
        )

    def _contrato_elegido(self, *_args: object) -> None:
        c = self._contrato()
        self._celdas_t.clear()
        trabajadores = self._leidos.get(c.uuid) if c else ()
        if trabajadores is None and c is not None and self.reporte is not None:
            self._leer_trabajadores(self.reporte.uuid, c.uuid)
        self.trabajadores_model.set_rows(list(trabajadores or ()))
        _ajustar(
            self.trabajadores,
            [self._celdas_de_trabajador(t) for t in self.trabajadores_model.rows[:_MEDIDAS]],
            (0, 1, 3, 4, 5, 6, 7, 8, 9),
        )
        self.numero.setText(c.numero if c else "")
        sisub_sitio.mostrar_sitio(
            self.codigo_postal_vinculo, self.sitio, self.entidad, c.sitio if c else Domicilio()
        )
        if trabajadores:
            self.trabajadores.selectRow(0)
        self._estado_captura()
        self._pdfs()

    def _leer_trabajadores(self, reporte: str, contrato: str) -> None:
        """A contract's workers read off the window's thread, shown if it is still chosen."""
        sisub, actor, numero = self._services.sisub, self._actor, self._lecturas

        def mostrar(trabajadores: tuple[TrabajadorSisub, ...]) -> None:
            if numero != self._lecturas:  # another report read meanwhile
                return
            self._leidos[contrato] = trabajadores
            c = self._contrato()
            if c is not None and c.uuid == contrato:
                self._contrato_elegido()

        en_segundo_plano(
            lambda: sisub.trabajadores(reporte, actor, contrato),
            mostrar,
            lectura_fallida(self, TITLE, self.refresh),
            self,
            prioridad=PRIORIDAD_ESPERADA,
        )

    def _trabajador(self) -> TrabajadorSisub | None:
        fila = self.trabajadores.currentIndex().row()
        filas = self.trabajadores_model.rows
        return filas[fila] if 0 <= fila < len(filas) else None

    def _trabajador_elegido(self, *_args: object) -> None:
        t = self._trabajador()
        self.registro.setText(t.registro_patronal if t else "")
        for clave, edit in self.importes.items():
            edit.setText(pesos(getattr(t.importes, clave)) if t else "")
        self.dias.setText(str(t.importes.dias_incapacidad) if t else "")
        self._estado_captura()

    # --- actions -------------------------------------------------------------------------------

    def _aparte(
        self,
        texto: str,
        trabajo: Callable[[Callable[[], bool], Callable[[int, int], None]], T],
        hecho: Callable[[T], None],
    ) -> None:
        """``trabajo(seguir, avance)`` by a process of its own (services/sisub/aparte.py)
        behind a bar with Cancelar, moved by ``avance``; the window's actions greyed meanwhile
        (one at a time); Cancelar or the window closed stops it, leaving nothing of it."""
        cerrada = self._cerrada

        def correr(progreso: Callable[[int, int], None], cancelado: Callable[[], bool]) -> T:
            return trabajo(lambda: not cancelado() and not cerrada.is_set(), progreso)

        def fin() -> None:
            self._trabajando = False
            self._estado_botones()

        def terminado(valor: T) -> None:
            fin()
            hecho(valor)

        def fallido(exc: DomainError) -> None:
            fin()
            if exc.code not in REINTENTABLES:
                msgbox.warning(self, exc.message, TITLE)
            elif msgbox.question(self, exc.message, yes="Reintentar", no="Cerrar", title=TITLE):
                self._aparte(texto, trabajo, hecho)  # the database answers again: once more

        self._trabajando = True
        self._estado_botones()
        ejecutar_con_barra(
            self, texto, correr, terminado, al_fallar=fallido, al_cancelar=fin, titulo=TITLE
        )

    def _preparar(self) -> None:
        if self._trabajando:
            return
        aparte, rfc, actor, clave = self._aparte_de, self._rfc, self._actor, self._clave()

        # What it prepared is read back by the announcement it makes (_on_cambios).
        self._aparte(
            "Preparando el SISUB: contratos en vigor y recibos de nómina…",
            lambda seguir, avance: aparte.preparar(rfc, actor, clave, seguir, avance),
            _nada,
        )

    def _complementario(self) -> None:
        """Once the period's SISUB is filed: its motivo asked, then prepared as Preparar."""
        from icsoe_desktop.gui.informativa.sisub_complementario import ComplementarioDialog

        r = self.reporte
        if r is None or r.estado != PRESENTADO or self._trabajando:
            return
        dialogo = ComplementarioDialog(r, self)
        if not ejecutar_modal(dialogo):
            return
        aparte, rfc, actor, clave = self._aparte_de, self._rfc, self._actor, r.periodo.clave
        motivo = dialogo.motivo
        self._aparte(
            "Preparando el SISUB complementario: contratos en vigor y recibos de nómina…",
            lambda seguir, avance: aparte.preparar(
                rfc, actor, clave, seguir, avance, complementario=True, motivo=motivo
            ),
            _nada,
        )

    def _anotar(self) -> None:
        """Why the ICSOE informativa differs, saved by its dialog; the window reads the report
        again by the change it announces."""
        from icsoe_desktop.gui.informativa.sisub_motivo import MotivoIcsoeDialog

        if self.reporte is None or self._trabajando:
            return
        ejecutar_modal(MotivoIcsoeDialog(self._services, self._actor, self.reporte, self))

    def _revisar(self) -> None:
        if self.reporte is None or self._trabajando:
            return
        aparte, uuid, actor = self._aparte_de, self.reporte.uuid, self._actor
        self._aparte(
            "Revisando el SISUB…",
            lambda seguir, _avance: aparte.revisar(uuid, actor, seguir),
            self._revisado,
        )

    def _revisado(self, problemas: list[Problema]) -> None:
        lineas = [f"{p.etiqueta}: {p.mensaje}" for p in problemas[:20]]
        if len(problemas) > 20:
            lineas.append(f"… y {len(problemas) - 20:,} más.")
        if all(p.nota for p in problemas):  # notes only: nothing to correct nor to look at
            lineas.insert(0, "Revisar no encontró nada que corregir.")
            msgbox.information(self, "\n".join(lineas), TITLE)
            return
        msgbox.warning(self, "\n".join(lineas), TITLE)

    def _guardar_contrato(self) -> None:
        c = self._contrato()
        if self.reporte is None or c is None:
            return
        sitio = Domicilio(
            **{clave: edit.text() for clave, edit in self.sitio.items()},
            entidad=str(self.entidad.currentData() or ""),
        )
        try:
            self._services.sisub.guardar_contrato(
                self.reporte.uuid, c.uuid, self._actor, self.numero.text(), sitio
            )
        except DomainError as exc:
            msgbox.warning(self, exc.message, TITLE)

    def _guardar_importes(self) -> None:
        t = self._trabajador()
        if t is None:
            return
        try:
            valores = {
                clave: _centavos(edit.text(), texto)
                for (clave, texto), edit in zip(IMPORTES, self.importes.values(), strict=True)
            }
            dias = _dias(self.dias.text())
            importes = replace(Importes(**valores), dias_incapacidad=dias)
            self._services.sisub.editar_trabajador(
                t.uuid, self._actor, importes, self.registro.text()
            )
        except DomainError as exc:
            msgbox.warning(self, exc.message, TITLE)

    def _agregar_trabajador(self) -> None:
        c = self._contrato()
        if self.reporte is None or c is None:
            return
        dialogo = sisub_trabajador.AgregarTrabajadorSisubDialog(
            self._services, self._actor, self.reporte, c, self
        )
        ejecutar_modal(dialogo)  # the row saved is read back by the announcement it makes

    def _quitar_trabajador(self) -> None:
        t = self._trabajador()
        if self.reporte is not None and t is not None:
            sisub_trabajador.quitar(
                self, self._services, self._actor, t, self.reporte.periodo.anio, TITLE
            )

    def _guia(self) -> None:
        paths, _ = abrir_archivos(
            self,
            "Archivos de guía del INFONAVIT (los tres, o un libro con las tres hojas)",
            str(Path.home()),
            "Excel (*.xls *.xlsx)",
        )
        if not paths:
            return
        archivos = self._services.sisub_archivos
        try:
            hojas = archivos.reconocer_guias([Path(p) for p in paths], self._actor)
        except DomainError as exc:
            msgbox.warning(self, exc.message, TITLE)
            return
        # The match shown first: nothing is remembered unless the clerk takes it.
        from icsoe_desktop.services.sisub.guia import texto_sin_llenar

        vistas = "\n".join(f"• {h.texto}" for h in hojas.values())
        sin_llenar = "\n".join(texto_sin_llenar({a: h.layout for a, h in hojas.items()}))
        texto = (
            f"Se reconocieron estas guías:\n{vistas}\n\n"
            f"{sin_llenar or 'Todas sus columnas se pueden llenar.'}\n\n"
            "¿Escribir los CSV con sus columnas desde ahora?"
        )
        if not msgbox.question(self, texto, "Usar estas guías", title=TITLE):
            return
        try:
            archivos.recordar_guias(hojas, self._actor)
        except DomainError as exc:
            msgbox.warning(self, exc.message, TITLE)
            return
        msgbox.information(self, "Los CSV se escribirán con las columnas de esas guías.", TITLE)

    def _datos_sujeto(self) -> None:
        from icsoe_desktop.gui.informativa.sisub_sujeto import DatosSujetoDialog

        try:
            dialogo = DatosSujetoDialog(self._services, self._rfc, self._actor, self)
        except DomainError as exc:
            msgbox.warning(self, exc.message, TITLE)
            return
        ejecutar_modal(dialogo)

    def _adjuntar_escritura(self) -> None:
        self._adjuntar("Escritura constitutiva", None)

    def _adjuntar_contrato(self) -> None:
        c = self._contrato()
        if c is not None:
            self._adjuntar(f"PDF del contrato {c.numero or c.contratante.nombre}", c.uuid)

    def _adjuntar(self, titulo: str, contrato: str | None) -> None:
        path, _ = abrir_archivo(self, titulo, str(Path.home()), "PDF (*.pdf)")
        if not path:
            return
        from icsoe_desktop.services.informativa.repse import pdf_de_archivo
        from icsoe_desktop.services.sisub.pdfs import MAX_BYTES

        pdfs, rfc, actor = self._services.sisub_pdfs, self._rfc, self._actor

        def trabajo() -> Guardado:
            # Read off the window's thread: a long escritura takes its time.
            pdf = pdf_de_archivo(Path(path), MAX_BYTES)
            if contrato is None:
                return pdfs.adjuntar_escritura(rfc, actor, pdf)
            return pdfs.adjuntar_contrato(rfc, actor, contrato, pdf)

        def hecho(guardado: Guardado) -> None:
            self._guardados = None  # read again
            self._pdfs()
            estado = "Se guardó" if guardado.nuevo else "Ya estaba guardado"
            msgbox.information(
                self, f"{estado} «{guardado.nombre}»: cada exportación del SISUB lo lleva.", TITLE
            )

        ejecutar(self, f"Leyendo «{Path(path).name}»…", trabajo, hecho, titulo=TITLE)

    def _exportar(self) -> None:
        if self.reporte is None or self._trabajando:
            return
        carpeta = elegir_carpeta(self, "Exportar el SISUB", str(Path.home()))
        if not carpeta:
            return
        aparte, uuid, actor = self._aparte_de, self.reporte.uuid, self._actor
        como_zip = self.zip.isChecked()

        def hecho(resultado: Exportado) -> None:
            avisos = "\n".join(resultado.avisos)
            msgbox.information(self, f"Se escribió «{resultado.ruta}».\n\n{avisos}", TITLE)

        self._aparte(
            "Exportando el SISUB: revisión y archivos…",
            lambda seguir, avance: aparte.exportar(
                uuid, actor, Path(carpeta), como_zip, seguir, avance
            ),
            hecho,
        )

    def _presentar(self) -> None:
        if self.reporte is None:
            return
        path, _ = abrir_archivo(self, "Acuse del INFONAVIT", str(Path.home()), "PDF (*.pdf)")
        if not path:
            return
        from icsoe_desktop.domain.sisub.acuse import MSG_SIN_FECHA
        from icsoe_desktop.services.informativa.repse import pdf_de_archivo

        servicio = self._services.sisub_presentacion
        try:
            pdf = pdf_de_archivo(Path(path))
            leido = servicio.leer(self.reporte.uuid, self._actor, pdf.datos, pdf.nombre)
            if leido.faltan:
                raise ValidationError(
                    "acuse_sin_datos",
                    f"El acuse no dice {' ni '.join(leido.faltan)}: si es el acuse del SISUB de "
                    "este contratista y periodo (un escaneo), regístralo desde la línea de "
                    "comandos con --declarado, --folio y --fecha como aparecen en él.",
                )
            if not leido.folio:
                raise ValidationError(
                    "folio_invalido",
                    "El acuse no dice su folio: regístralo desde la línea de comandos con --folio.",
                )
            if leido.fecha is None:
                raise ValidationError("acuse_sin_fecha", MSG_SIN_FECHA)
            cuando = leido.fecha.strftime("%d/%m/%Y %H:%M")
            if not msgbox.question(
                self,
                f"¿Registrar el SISUB como presentado con el folio «{leido.folio}», {cuando}?",
                "Registrar",
                "Cancelar",
                TITLE,
            ):
                return
            hecho = servicio.registrar(
                self.reporte.uuid, self._actor, pdf.datos, pdf.nombre, leido.folio, leido.fecha
            )
        except DomainError as exc:
            msgbox.warning(self, exc.message, TITLE)
            return
        msgbox.information(self, f"{hecho.texto}: folio {hecho.folio}.", TITLE)


def _nada(_valor: object) -> None:
    pass


def _texto_estado(r: ReporteSisub) -> str:
    """«Complementario (Cambio de un contrato) · En preparación», «… · Presentado · folio …»."""
    motivo = MOTIVOS_COMPLEMENTARIO.get(r.motivo, r.motivo)
    tipo = f"{r.tipo_texto} ({motivo})" if r.tipo == COMPLEMENTARIO and motivo else r.tipo_texto
    folio = f" · folio {r.folio}" if r.folio else ""
    return f"<b>{tipo}</b> · {r.estado_texto}{folio}"


def _texto_nota(r: ReporteSisub | None) -> str:
    if r is None:
        return ""
    if not r.nota_icsoe:
        return "Diferencia con la informativa ICSOE: sin motivo anotado."
    nota = r.nota_icsoe if len(r.nota_icsoe) <= 300 else r.nota_icsoe[:299] + "…"
    return f"Diferencia con la informativa ICSOE, motivo anotado: «{nota}»"


def _sin_presentar(r: ReporteSisub | None, periodo: str) -> str:
    """Why Preparar complementario… is greyed: the service's refusal, or the one in course."""
    from icsoe_desktop.services.sisub.reporte import MSG_SIN_PRESENTAR

    if r is not None and r.tipo == COMPLEMENTARIO:
        return (
            f"El complementario de {periodo} está en preparación: termínalo y regístralo con "
            "su acuse."
        )
    return MSG_SIN_PRESENTAR.format(periodo=periodo)

"""ICSOE › Recibos de nómina: the CFDI de nómina of a cuatrimestre, optionally only those that
name a client or those of one worker (opened so from his row in the informativa), the
«posible modificación salarial no avisada» of the period (``gui/nomina/salarios.py``), and the
import of a folder, a ZIP or XML files in the background with its
progress and Cancelar. Who may not see salaries (sólo consulta) sees the receipts without SBC."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from icsoe_desktop.domain.cambios import NOMINA, Cambios
from icsoe_desktop.domain.clock import hora_del_centro
from icsoe_desktop.domain.errors import DomainError
from icsoe_desktop.domain.informativa.modelo import Periodo
from icsoe_desktop.domain.roles import Accion
from icsoe_desktop.domain.texts import plural
from icsoe_desktop.gui.kit import mnemonics, msgbox
from icsoe_desktop.gui.kit.elegir_archivo import abrir_archivos, elegir_carpeta
from icsoe_desktop.gui.kit.geometria import centrar
from icsoe_desktop.gui.kit.lector import describir_lista
from icsoe_desktop.gui.kit.notificador import suscribir
from icsoe_desktop.gui.kit.operaciones import ejecutar_con_barra
from icsoe_desktop.gui.kit.permisos import reflejar_varios
from icsoe_desktop.gui.kit.rows_derecha import RowsDerechaModel
from icsoe_desktop.services.nomina.consulta import FilaRecibo
from icsoe_desktop.services.nomina.importar import ReporteNomina

if TYPE_CHECKING:
    from icsoe_desktop.services.container import Services

TITLE = "Recibos de nómina"
CABECERAS = (
    "NSS",
    "CURP",
    "Nombre",
    "Periodo pagado",
    "Registro patronal",
    "SBC",
    "Clientes",
    "Sello del SAT",
    "UUID",
)
MAX_LISTADOS = 30  # refusals named in the summary; the CLI lists them all


def _clientes(fila: FilaRecibo) -> str:
    return ", ".join(f"{rfc} {p / 1000:g} %" for rfc, p in fila.clientes)


def _celdas(f: FilaRecibo) -> tuple[str, ...]:
    return (
        f.nss,
        f.curp,
        f.nombre,
        f"{f.fecha_inicial:%d/%m/%Y} – {f.fecha_final:%d/%m/%Y}",
        f.registro_patronal,
        "" if f.sbc is None else f"{f.sbc / 100:,.2f}",
        _clientes(f),
        "Verificado" if f.sello_sat else "Leído",
        f.timbre,
    )


def resumen_importacion(reporte: ReporteNomina) -> str:
    """What the clerk reads once an import ends: the counts, then each refusal."""
    lineas = [f"{reporte.resumen().capitalize()}."]
    if reporte.sin_sello_sat:
        lineas.append(
            f"En {plural(reporte.sin_sello_sat, 'recibo')} el sello del SAT del timbre se leyó "
            "sin verificarse: falta el certificado del SAT en la carpeta «certificados_sat»."
        )
    if reporte.rechazos:
        lineas.append("Rechazados (no se guardaron):")
        lineas += [f"• {r.archivo}: {r.motivo}" for r in reporte.rechazos[:MAX_LISTADOS]]
        if reporte.rechazados > MAX_LISTADOS:
            lineas.append(f"… y {reporte.rechazados - MAX_LISTADOS:,} más.")
    return "\n".join(lineas)


class RecibosNominaDialog(QDialog):
    """``usuario``: who signed in (None: sólo consulta); ``periodo`` and ``trabajador`` (his NSS,
    CURP or name): what to show first."""

    def __init__(
        self,
        services: Services,
        usuario: str | None,
        parent: QWidget | None = None,
        periodo: Periodo | None = None,
        trabajador: str = "",
    ) -> None:
        super().__init__(parent)
        self.setObjectName("RecibosNominaDialog")
        self.setWindowTitle(TITLE)
        self._services, self._usuario = services, usuario
        permisos = services.permisos  # the matrix the window mirrors; the services check
        # Salaries only to who may see them in this empresa (its grant too): never a refusal.
        self._con_importes = services.permisos_empresa.puede(usuario, Accion.IMPORTES_NOMINA)
        layout = QVBoxLayout(self)
        filtros = QHBoxLayout()
        etiqueta_periodo = QLabel("&Periodo:")
        self.periodo = QComboBox()
        self.periodo.setObjectName("periodoCombo")
        etiqueta_periodo.setBuddy(self.periodo)
        hoy = hora_del_centro(services.clock()).date()
        actual = Periodo.de_fecha(hoy)
        for anio in range(hoy.year, hoy.year - 3, -1):
            for numero in (3, 2, 1):
                uno = Periodo(anio, numero)
                if uno.inicio <= hoy or uno == actual:
                    self.periodo.addItem(uno.texto, uno)
        if periodo is not None:
            self._elegir_periodo(periodo)
        etiqueta_cliente = QLabel("C&liente (RFC):")
        self.cliente = QLineEdit()
        self.cliente.setObjectName("clienteEdit")
        self.cliente.setMaxLength(13)
        self.cliente.setPlaceholderText("todos")
        self.cliente.setToolTip("Sólo los recibos que nombran a ese cliente (RfcLabora)")
        etiqueta_cliente.setBuddy(self.cliente)
        etiqueta_trabajador = QLabel("&Trabajador:")
        self.trabajador = QLineEdit(trabajador)
        self.trabajador.setObjectName("trabajadorEdit")
        self.trabajador.setPlaceholderText("NSS, CURP o nombre")
        self.trabajador.setToolTip("Sólo los recibos de ese trabajador")
        etiqueta_trabajador.setBuddy(self.trabajador)
        self.buscar = QPushButton("&Buscar")
        self.buscar.setObjectName("buscarButton")
        self.buscar.setDefault(True)  # Enter after typing a client's RFC searches
        filtros.addWidget(etiqueta_periodo)
        filtros.addWidget(self.periodo)
        filtros.addWidget(etiqueta_cliente)
        filtros.addWidget(self.cliente)
        filtros.addWidget(etiqueta_trabajador)
        filtros.addWidget(self.trabajador, 1)
        filtros.addWidget(self.buscar)
        filtros.addStretch(1)
        layout.addLayout(filtros)
        self.resumen = QLabel()
        self.resumen.setObjectName("resumenLabel")
        self.resumen.setWordWrap(True)
        layout.addWidget(self.resumen)
        self.model = RowsDerechaModel(CABECERAS, _celdas, derecha=(5,))
        self.tabla = QTableView()
        self.tabla.setObjectName("recibosTable")
        self.tabla.setAccessibleName("Recibos de nómina")
        describir_lista(self.tabla, "Los recibos de nómina del periodo, uno por fila")
        self.tabla.setTabKeyNavigation(False)  # the arrows move in a list, Tab leaves it
        self.tabla.setModel(self.model)
        self.tabla.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.tabla.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.tabla.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.tabla.verticalHeader().hide()
        self.tabla.setWordWrap(False)
        self.tabla.horizontalHeader().setStretchLastSection(True)  # the UUID, the least read
        layout.addWidget(self.tabla, 1)
        buttons = QDialogButtonBox()
        self.importar_carpeta = QPushButton("Importar &carpeta…")
        self.importar_carpeta.setObjectName("importarCarpetaButton")
        self.importar_archivos = QPushButton("Importar &ZIP o XML…")
        self.importar_archivos.setObjectName("importarArchivosButton")
        self.salarios = QPushButton("&Salarios no avisados…")
        self.salarios.setObjectName("salariosButton")
        self.salarios.setToolTip(
            "Posibles modificaciones salariales no avisadas: el SBC de los recibos del periodo "
            "contra el de los movimientos con IDSE"
        )
        self.cerrar = QPushButton("Cerrar")
        self.cerrar.setObjectName("cerrarButton")
        self.cerrar.setAutoDefault(False)
        for boton in (self.salarios, self.importar_carpeta, self.importar_archivos):
            boton.setAutoDefault(False)
            buttons.addButton(boton, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.cerrar, QDialogButtonBox.ButtonRole.RejectRole)
        layout.addWidget(buttons)
        # Qt makes the box's default button its focus proxy: Tab would skip the others.
        buttons.setFocusProxy(None)  # type: ignore[arg-type]  # None: no proxy (Qt's API)
        reflejar_varios(
            permisos,
            usuario,
            [
                (self.importar_carpeta, Accion.IMPORTAR_NOMINA),
                (self.importar_archivos, Accion.IMPORTAR_NOMINA),
                (self.salarios, Accion.IMPORTES_NOMINA),
            ],
        )
        self.buscar.clicked.connect(self.refresh)
        self.periodo.currentIndexChanged.connect(self.refresh)
        self.importar_carpeta.clicked.connect(self._elegir_carpeta)
        self.importar_archivos.clicked.connect(self._elegir_archivos)
        self.salarios.clicked.connect(self.ver_salarios)
        self.cerrar.clicked.connect(self.reject)
        self.resize(1240, 560)  # fits a 1366×768 screen with its frame
        centrar(self, parent)
        self.filas: list[FilaRecibo] = []
        self.ultimo_reporte: ReporteNomina | None = None
        self.refresh()
        suscribir(self, services, {NOMINA}, self._on_cambios)
        mnemonics.assign(self)
        self.tabla.setFocus()

    def _elegir_periodo(self, periodo: Periodo) -> None:
        """``periodo`` chosen in the combo; added when it is older than the list (an
        informativa's, an import's)."""
        datos = [self.periodo.itemData(i) for i in range(self.periodo.count())]
        indice = datos.index(periodo) if periodo in datos else -1
        if indice < 0:
            self.periodo.addItem(periodo.texto, periodo)
            indice = self.periodo.count() - 1
        self.periodo.setCurrentIndex(indice)

    def _on_cambios(self, _cambios: Cambios) -> None:
        self.refresh()

    @property
    def periodo_elegido(self) -> Periodo:
        periodo = self.periodo.currentData()
        assert isinstance(periodo, Periodo)
        return periodo

    def refresh(self) -> None:
        periodo = self.periodo_elegido
        cliente = self.cliente.text().strip().upper()
        try:
            filas = self._services.nomina_consulta.listar(
                self._usuario,
                periodo,
                cliente or None,
                con_importes=self._con_importes,
                trabajador=self.trabajador.text(),
            )
        except DomainError as exc:
            msgbox.warning(self, exc.message, TITLE)
            return
        self.filas = filas
        self.model.set_rows(filas)
        for column in range(len(CABECERAS) - 1):
            self.tabla.resizeColumnToContents(column)
        trabajadores = len({f.curp for f in filas})
        de = f" que nombran a {cliente}" if cliente else ""
        if self.trabajador.text().strip():
            de += f" de «{self.trabajador.text().strip()}»"
        texto = (
            f"{plural(len(filas), 'recibo')}{de} de {periodo.texto}, de "
            f"{plural(trabajadores, 'trabajador', 'trabajadores')}."
            if filas
            else f"No hay recibos{de} de {periodo.texto}."
        )
        if not self._con_importes:
            texto += " Sin importes: esta sesión no puede ver los salarios."
        self.resumen.setText(texto)

    def ver_salarios(self) -> None:
        """The period's «posible modificación salarial no avisada», in a window of its own."""
        from icsoe_desktop.gui.nomina import salarios

        salarios.ver(self, self._services, self._usuario, self.periodo_elegido)

    def _elegir_carpeta(self) -> None:
        carpeta = elegir_carpeta(self, "Carpeta con los recibos (XML)")
        if carpeta:
            self.importar([Path(carpeta)])

    def _elegir_archivos(self) -> None:
        archivos, _filtro = abrir_archivos(
            self, "Recibos de nómina", "", "Recibos de nómina (*.zip *.xml)"
        )
        if archivos:
            self.importar([Path(a) for a in archivos])

    def importar(self, rutas: list[Path]) -> None:
        """Import ``rutas`` in the background, behind a bar with Cancelar; the summary (and
        each refusal) is shown once it ends."""
        nomina, usuario = self._services.nomina, self._usuario
        ejecutar_con_barra(
            self,
            "Importando los recibos de nómina…",
            lambda progreso, cancelado: nomina.importar(rutas, usuario, progreso, cancelado),
            self._importado,
            titulo=TITLE,
        )

    def _importado(self, reporte: ReporteNomina) -> None:
        self.ultimo_reporte = reporte
        if reporte.ultima_fecha is not None:
            # What was imported, not the period shown before: an import of May–July over
            # September–December would look as if it did nothing.
            self.periodo.blockSignals(True)
            self._elegir_periodo(Periodo.de_fecha(reporte.ultima_fecha))
            self.periodo.blockSignals(False)
        self.refresh()
        texto = resumen_importacion(reporte)
        if reporte.rechazados:
            msgbox.warning(self, texto, TITLE)
        else:
            msgbox.information(self, texto, TITLE)

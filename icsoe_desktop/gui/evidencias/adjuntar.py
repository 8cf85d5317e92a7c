"""Evidencias del cliente › Adjuntar…: the month's documents attached from the window, as
``evidencias adjuntar`` does and through the same service (``EvidenciasService.leer`` then
``guardar``, whose role check is the CLI's): once for every client (the ISR and IVA
declarations and their acuses, SUA and SIPARE, the opinions) or for one client, to one slot
(its kind) of one month, several files at once. Each file is read for what it says before
anything is kept: a file that is no usable PDF is refused in Spanish with nothing stored, and
a mismatch (another RFC or month, a negative or stale opinion, not that kind of document) is
shown to the clerk, who may still keep it knowing — it stays as a warning on the board and in
the pack's index."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from icsoe_desktop.domain.errors import DomainError, ValidationError
from icsoe_desktop.domain.evidencias import DOCUMENTOS, Mes
from icsoe_desktop.domain.roles import Accion
from icsoe_desktop.domain.texts import plural
from icsoe_desktop.gui.kit import lector, mnemonics, msgbox
from icsoe_desktop.gui.kit.elegir_archivo import abrir_archivos
from icsoe_desktop.gui.kit.geometria import centrar
from icsoe_desktop.gui.kit.operaciones import ejecutar
from icsoe_desktop.gui.kit.permisos import reflejar

if TYPE_CHECKING:
    from icsoe_desktop.services.container import Services
    from icsoe_desktop.services.evidencias.servicio import Adjuntado, Documento

TITLE = "Adjuntar documentos del mes"
MSG_SIN_ARCHIVOS = "Elige uno o más PDF con «Elegir PDF…»."
MSG_NINGUNO = "No elegiste ningún archivo: no se adjuntó nada."
MSG_ELEGIDOS = "{n} para adjuntar."
MSG_SIN_CLIENTE = "Elige el cliente, o adjúntalo para todos los clientes."
MSG_LEYENDO = "Leyendo lo que dice cada documento…"
MSG_GUARDANDO = "Adjuntando…"
MSG_RECHAZADOS = "No se adjuntó:\n{lineas}"
MSG_AVISO = (
    "«{nombre}» no parece {documento} de {mes}:\n{avisos}\n\n¿Adjuntarlo de todos "
    "modos? Quedará con el aviso en el tablero y en el índice del paquete."
)
MSG_HECHO = "Se adjuntaron {n} como {documento} de {mes} ({para})."
MSG_NADA = "No se adjuntó nada."


def _minuscula(nombre: str) -> str:
    """«Opinión de cumplimiento del SAT» inside a sentence: its first letter only."""
    return nombre[:1].lower() + nombre[1:]


@dataclass(frozen=True)
class Leidos:
    """Each file chosen: read (a document to keep) or refused (why, in Spanish)."""

    documentos: list[Documento]
    rechazados: list[str]


def leer_todos(
    services: Services, actor: str | None, mes: Mes, tipo: str, rutas: list[Path], cliente: str
) -> Leidos:
    """Every file read by the service; a file refused for what it is leaves the others. A
    refusal of the role stops them all (the service audited it)."""
    documentos, rechazados = [], []
    for ruta in rutas:
        try:
            documentos.append(services.evidencias.leer(actor, mes, tipo, ruta, cliente or None))
        except ValidationError as exc:
            rechazados.append(exc.message)
    return Leidos(documentos, rechazados)


class AdjuntarEvidenciaDialog(QDialog):
    """``meses``: the months offered, newest first, with their heading («oct 2026»);
    ``clientes``: (RFC, name) of the board's clients; ``mes`` and ``cliente``: those of the
    board's current cell, chosen first."""

    def __init__(
        self,
        services: Services,
        actor: str | None,
        meses: list[tuple[Mes, str]],
        clientes: list[tuple[str, str]],
        mes: Mes | None = None,
        cliente: str = "",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("AdjuntarEvidenciaDialog")
        self.setWindowTitle(TITLE)
        self._services, self._actor = services, actor
        self.rutas: list[Path] = []
        self.adjuntados: list[Adjuntado] = []
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.mes = QComboBox()
        self.mes.setObjectName("mesCombo")
        for m, texto in meses:
            self.mes.addItem(texto, m.clave)
        if mes is not None and (i := self.mes.findData(mes.clave)) >= 0:
            self.mes.setCurrentIndex(i)
        form.addRow("&Mes:", self.mes)
        self.tipo = QComboBox()
        self.tipo.setObjectName("tipoCombo")
        for clave, nombre in DOCUMENTOS.items():
            self.tipo.addItem(nombre, clave)
        form.addRow("&Documento:", self.tipo)

        self.todos = QRadioButton("Para &todos los clientes")
        self.todos.setObjectName("todosRadio")
        self.todos.setChecked(True)
        self.uno = QRadioButton("Sólo para &un cliente:")
        self.uno.setObjectName("unoRadio")
        grupo = QButtonGroup(self)
        grupo.addButton(self.todos)
        grupo.addButton(self.uno)
        self.cliente = QComboBox()
        self.cliente.setObjectName("clienteCombo")
        self.cliente.setAccessibleName("Cliente")
        self.cliente.setAccessibleDescription("El cliente al que es propio el documento")
        for rfc, nombre in clientes:
            self.cliente.addItem(f"{rfc} {nombre}".strip(), rfc)
        if cliente and (i := self.cliente.findData(cliente)) >= 0:
            self.cliente.setCurrentIndex(i)
        self.cliente.setEnabled(False)
        para = QHBoxLayout()
        para.addWidget(self.todos)
        para.addWidget(self.uno)
        para.addWidget(self.cliente, 1)
        form.addRow("Para:", para)

        self.archivos = QListWidget()
        self.archivos.setObjectName("archivosList")
        self.archivos.setAccessibleName("Archivos elegidos")
        lector.describir_lista(self.archivos, "Los PDF que se adjuntan, uno por fila")
        self.archivos.setMinimumHeight(self.fontMetrics().lineSpacing() * 5)
        self.elegir = QPushButton("&Elegir PDF…")
        self.elegir.setObjectName("elegirButton")
        self.elegir.setAutoDefault(False)
        self.elegir.setToolTip("Uno o varios PDF del mismo documento (Ctrl para elegir varios)")
        archivos = QVBoxLayout()
        archivos.addWidget(self.archivos)
        archivos.addWidget(self.elegir)
        etiqueta = QLabel("Arc&hivos:")
        etiqueta.setBuddy(self.archivos)
        form.addRow(etiqueta, archivos)
        layout.addLayout(form)
        self.estado = QLabel(MSG_SIN_ARCHIVOS)
        self.estado.setObjectName("estadoLabel")
        self.estado.setWordWrap(True)
        layout.addWidget(self.estado)

        botones = QDialogButtonBox()
        self.adjuntar = QPushButton("&Adjuntar")
        self.adjuntar.setObjectName("adjuntarButton")
        self.adjuntar.setAutoDefault(False)
        self.cancelar = QPushButton("Cancelar")
        self.cancelar.setObjectName("cancelarButton")
        self.cancelar.setAutoDefault(False)
        botones.addButton(self.adjuntar, QDialogButtonBox.ButtonRole.ActionRole)
        botones.addButton(self.cancelar, QDialogButtonBox.ButtonRole.RejectRole)
        layout.addWidget(botones)
        self.uno.toggled.connect(self.cliente.setEnabled)
        self.elegir.clicked.connect(self._pedir)
        self.adjuntar.clicked.connect(self.leer)
        self.cancelar.clicked.connect(self.reject)
        reflejar(self.adjuntar, services.permisos, actor, Accion.EVIDENCIAS)
        mnemonics.assign(self)
        self.resize(640, 360)
        centrar(self, parent)
        self.mes.setFocus()

    # --- choosing ------------------------------------------------------------------------------

    def _pedir(self) -> None:
        rutas, _ = abrir_archivos(
            self, f"{self.tipo.currentText()} de {self.mes.currentText()}", "", "PDF (*.pdf)"
        )
        if not rutas:
            lector.estado(self.estado, MSG_NINGUNO if not self.rutas else self.estado.text())
            return
        self.elegir_archivos([Path(r) for r in rutas])

    def elegir_archivos(self, rutas: list[Path]) -> None:
        self.rutas = rutas
        self.archivos.clear()
        self.archivos.addItems([r.name for r in rutas])
        self.archivos.setCurrentRow(0)
        lector.estado(self.estado, MSG_ELEGIDOS.format(n=plural(len(rutas), "archivo")))

    def _mes(self) -> Mes:
        return Mes.de_texto(str(self.mes.currentData()))

    def _cliente(self) -> str:
        return str(self.cliente.currentData() or "") if self.uno.isChecked() else ""

    def _para(self) -> str:
        cliente = self._cliente()
        return f"sólo para {cliente}" if cliente else "para todos los clientes"

    # --- reading, asking, keeping --------------------------------------------------------------

    def leer(self) -> None:
        """Every file read off the window's thread; then each warning asked, and what the
        clerk accepts kept."""
        if not self.rutas:
            msgbox.warning(self, MSG_SIN_ARCHIVOS, TITLE)
            self.elegir.setFocus()
            return
        if self.uno.isChecked() and not self._cliente():
            msgbox.warning(self, MSG_SIN_CLIENTE, TITLE)
            self.cliente.setFocus()
            return
        services, actor, mes, tipo = (
            self._services,
            self._actor,
            self._mes(),
            self.tipo.currentData(),
        )
        rutas, cliente = list(self.rutas), self._cliente()
        ejecutar(
            self,
            MSG_LEYENDO,
            lambda: leer_todos(services, actor, mes, str(tipo), rutas, cliente),
            self._preguntar,
            al_fallar=self._fallo,
            titulo=TITLE,
        )

    def _fallo(self, exc: DomainError) -> None:
        msgbox.warning(self, exc.message, TITLE)

    def _preguntar(self, leidos: Leidos) -> None:
        if leidos.rechazados:
            lineas = "\n".join(f"• {r}" for r in leidos.rechazados)
            msgbox.warning(self, MSG_RECHAZADOS.format(lineas=lineas), TITLE)
        aceptados = []
        for documento in leidos.documentos:
            if documento.avisos and not msgbox.question(
                self,
                MSG_AVISO.format(
                    nombre=documento.nombre,
                    documento=_minuscula(DOCUMENTOS[documento.tipo]),
                    mes=self.mes.currentText(),
                    avisos="\n".join(f"• {a}" for a in documento.avisos),
                ),
                yes="Adjuntar con aviso",
                no="No adjuntarlo",
                title=TITLE,
            ):
                continue
            aceptados.append(documento)
        if not aceptados:
            lector.estado(self.estado, MSG_NADA)
            return
        servicio, actor = self._services.evidencias, self._actor
        ejecutar(
            self,
            MSG_GUARDANDO,
            lambda: [servicio.guardar(actor, d) for d in aceptados],
            self._hecho,
            al_fallar=self._fallo,
            titulo=TITLE,
        )

    def _hecho(self, adjuntados: list[Adjuntado]) -> None:
        self.adjuntados = adjuntados
        texto = MSG_HECHO.format(
            n=plural(len(adjuntados), "archivo"),
            documento=_minuscula(self.tipo.currentText()),
            mes=self.mes.currentText(),
            para=self._para(),
        )
        if con_aviso := sum(1 for a in adjuntados if a.avisos):
            texto += f" {plural(con_aviso, 'archivo')} con aviso."
        if ya := sum(1 for a in adjuntados if a.ya_estaba):
            estaba = "ya estaba adjuntado" if ya == 1 else "ya estaban adjuntados"
            texto += f" {plural(ya, 'archivo')} {estaba}."
        msgbox.information(self, texto, TITLE)
        self.accept()

"""The SISUB window's workers typed by hand: «Agregar trabajador…» (a worker tied to the chosen
contract whose receipts were not imported: NSS, registro patronal of the empresa's, bimestre
and amounts) and «Quitar trabajador» (after a box naming the worker, No by default). Both
through services/sisub (checked, audited); Preparar keeps them as typed."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from icsoe_desktop.domain.errors import DomainError, ValidationError
from icsoe_desktop.domain.importes import dinero
from icsoe_desktop.domain.sisub.captura import TrabajadorCapturado
from icsoe_desktop.domain.sisub.modelo import CAMPOS_IMPORTES, Bimestre, Importes, bimestres
from icsoe_desktop.gui.kit import mnemonics, msgbox
from icsoe_desktop.gui.kit.geometria import centrar

if TYPE_CHECKING:
    from icsoe_desktop.domain.sisub.modelo import ContratoSisub, ReporteSisub, TrabajadorSisub
    from icsoe_desktop.services.container import Services

TITLE = "Agregar trabajador al SISUB"
# (key, label) of the amounts, as the service names them in its messages.
IMPORTES = tuple(CAMPOS_IMPORTES.items())


def botones() -> tuple[QHBoxLayout, QPushButton, QPushButton]:
    """The row under the workers' grid: «Agregar trabajador…» and «Quitar trabajador»."""
    fila = QHBoxLayout()
    # J: the window's other letters leave «Guardar contrato» only the T of «trabajador».
    agregar = QPushButton("Agregar traba&jador…")
    agregar.setObjectName("agregarTrabajadorButton")
    agregar.setToolTip(
        "Un trabajador del contrato elegido sin recibos de nómina importados: su NSS, registro "
        "patronal e importes del bimestre"
    )
    quitar = QPushButton("Quitar trabajador")
    quitar.setObjectName("quitarTrabajadorButton")
    quitar.setToolTip("Quita del SISUB el renglón elegido (Preparar no lo vuelve a poner)")
    for boton in (agregar, quitar):
        boton.setAutoDefault(False)
        fila.addWidget(boton)
    fila.addStretch(1)
    return fila, agregar, quitar


def quitar(
    parent: QWidget, services: Services, actor: str, t: TrabajadorSisub, anio: int, titulo: str
) -> bool:
    """Asks (No by default), then removes ``t``'s row; whether it was removed."""
    quien = f"{t.nombre} (NSS {t.nss})" if t.nombre else f"NSS {t.nss}"
    bimestre = Bimestre(anio, t.bimestre).texto
    if not msgbox.question(
        parent,
        f"¿Quitar a {quien} del bimestre {bimestre} de este contrato?\n\n"
        "Preparar no lo volverá a poner; para ponerlo de nuevo usa «Agregar trabajador…».",
        yes="Quitar",
        no="No",
        title=titulo,
    ):
        return False
    try:
        services.sisub.quitar_trabajador(t.uuid, actor)
    except DomainError as exc:
        msgbox.warning(parent, exc.message, titulo)
        return False
    return True


def centavos(texto: str, etiqueta: str) -> int:
    """An amount typed in pesos («1,250.50») in centavos; a Spanish error naming the field."""
    try:
        valor = Decimal(dinero(texto or "0", f"«{etiqueta}»"))
    except InvalidOperation:
        raise ValidationError(
            "importe_invalido", f"«{etiqueta}» debe ser una cantidad de cero o más.", etiqueta
        ) from None
    if valor != valor.quantize(Decimal("0.01")):
        raise ValidationError(
            "importe_invalido", f"«{etiqueta}» lleva a lo más dos decimales.", etiqueta
        )
    return int(valor * 100)


def dias(texto: str) -> int:
    limpio = (texto or "0").strip()
    if not limpio.isdigit():
        raise ValidationError(
            "dias_invalidos", "Los días de incapacidad son un número entero.", "dias"
        )
    return int(limpio)


class AgregarTrabajadorSisubDialog(QDialog):
    """A worker of ``contrato`` in one bimestre of ``reporte``, typed; ``agregado``: the row's
    uuid once saved."""

    def __init__(
        self,
        services: Services,
        actor: str,
        reporte: ReporteSisub,
        contrato: ContratoSisub,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("AgregarTrabajadorSisubDialog")
        self.setWindowTitle(TITLE)
        self._services, self._actor = services, actor
        self._reporte, self._contrato = reporte.uuid, contrato.uuid
        self.agregado: str | None = None
        layout = QVBoxLayout(self)
        cabeza = QLabel(
            f"Contrato con <b>{contrato.contratante.nombre}</b> ({contrato.contratante.rfc})"
            + (f", número SISUB {contrato.numero}" if contrato.numero else "")
            + f" · {reporte.periodo.texto}"
        )
        cabeza.setObjectName("contratoLabel")
        cabeza.setWordWrap(True)
        layout.addWidget(cabeza)
        form = QFormLayout()
        self.bimestre = QComboBox()
        self.bimestre.setObjectName("bimestreCombo")
        for b in bimestres(reporte.periodo):
            self.bimestre.addItem(b.texto, b.numero)
        self.nss = _edit("nssEdit", 13)
        self.curp = _edit("curpEdit", 18)
        self.curp.setPlaceholderText("Opcional")
        self.nombre = _edit("nombreEdit", 254)
        self.nombre.setPlaceholderText("Opcional")
        self.registro = QComboBox()
        self.registro.setObjectName("registroCombo")
        try:
            registros = services.sisub.registros_patronales(reporte.uuid, actor)
        except DomainError:
            registros = ()
        self.registro.addItems(list(registros))
        self.importes = {clave: _edit(f"{clave}Edit", 20) for clave, _texto in IMPORTES}
        self._campos: dict[str, QWidget] = {
            "bimestre": self.bimestre,
            "nss": self.nss,
            "curp": self.curp,
            "nombre": self.nombre,
            "registroPatronal": self.registro,
        }
        for texto, widget in (
            ("Bimestre", self.bimestre),
            ("NSS", self.nss),
            ("CURP", self.curp),
            ("Nombre", self.nombre),
            ("Registro patronal", self.registro),
            *((t, self.importes[c]) for c, t in IMPORTES),
        ):
            etiqueta = QLabel(texto + ":")
            etiqueta.setBuddy(widget)
            widget.setAccessibleName(texto)
            form.addRow(etiqueta, widget)
        for (clave, texto), edit in zip(IMPORTES, self.importes.values(), strict=True):
            self._campos[clave] = edit
            self._campos[texto] = edit  # the amounts typed wrong are named by their label
        self._campos["dias"] = self.importes["dias_incapacidad"]
        layout.addLayout(form)
        self.sin_registros = QLabel(
            "La empresa no tiene registros patronales: agrégalos en Configuración › Registros "
            "patronales… o importa sus recibos de nómina."
        )
        self.sin_registros.setObjectName("sinRegistrosLabel")
        self.sin_registros.setWordWrap(True)
        self.sin_registros.setVisible(not registros)
        layout.addWidget(self.sin_registros)
        botones_ = QDialogButtonBox()
        self.guardar = botones_.addButton("Guardar", QDialogButtonBox.ButtonRole.AcceptRole)
        self.guardar.setObjectName("guardarButton")
        self.cancelar = botones_.addButton("Cancelar", QDialogButtonBox.ButtonRole.RejectRole)
        self.cancelar.setObjectName("cancelarButton")
        self.guardar.setDefault(True)
        self.guardar.clicked.connect(self._guardar)
        self.cancelar.clicked.connect(self.reject)
        layout.addWidget(botones_)
        mnemonics.assign(self)
        self.resize(520, self.sizeHint().height())
        centrar(self, parent)
        self.nss.setFocus()

    def _guardar(self) -> None:
        try:
            valores = {
                clave: dias(edit.text())
                if clave == "dias_incapacidad"
                else centavos(edit.text(), texto)
                for (clave, texto), edit in zip(IMPORTES, self.importes.values(), strict=True)
            }
            captura = TrabajadorCapturado(
                bimestre=int(self.bimestre.currentData()),
                nss=self.nss.text(),
                registro_patronal=self.registro.currentText(),
                importes=Importes(**valores),
                curp=self.curp.text(),
                nombre=self.nombre.text(),
            )
            self.agregado = self._services.sisub.agregar_trabajador(
                self._reporte, self._contrato, self._actor, captura
            )
        except DomainError as exc:
            msgbox.field_error(self, exc, self._campos, TITLE, self.nss)
            return
        self.accept()


def _edit(nombre: str, largo: int) -> QLineEdit:
    edit = QLineEdit()
    edit.setObjectName(nombre)
    edit.setMaxLength(largo)
    return edit


__all__ = ["TITLE", "AgregarTrabajadorSisubDialog", "botones", "centavos", "dias", "quitar"]

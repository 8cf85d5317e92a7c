"""Copiar de otro periodo: contracts of the contratista's other informativas copied into this
one (a contract renewed with the same contratante, objeto and REPSE folio), with their workers
if the clerk wants. Their dates stay empty: a contract is informed in the period it started."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from icsoe_desktop.domain.errors import DomainError
from icsoe_desktop.domain.texts import plural
from icsoe_desktop.gui.kit import mnemonics, msgbox
from icsoe_desktop.gui.kit.botonera import hacer_o_cancelar
from icsoe_desktop.gui.kit.geometria import centrar
from icsoe_desktop.gui.kit.operaciones import ejecutar
from icsoe_desktop.gui.kit.rows_derecha import RowsDerechaModel
from icsoe_desktop.gui.kit.rows_model import RowsModel
from icsoe_desktop.gui.kit.tabla_lectura import tabla_de_lectura
from icsoe_desktop.services.informativa.captura import ContratoResumen

if TYPE_CHECKING:
    from icsoe_desktop.services.container import Services

TITLE = "Copiar contratos de otro periodo"
MSG_INSTRUCCION = "Marca los contratos que quieres copiar a esta informativa:"
MSG_NINGUNO = "El contratista no tiene contratos en otras informativas para copiar."
MSG_MARCA = "Marca los contratos que quieres copiar."
MSG_FECHAS = (
    "Captura sus fechas inicial y final de este periodo: la informativa declara los contratos "
    "que iniciaron en el cuatrimestre."
)
CABECERAS = ("Periodo", "Contratante", "Objeto", "Trabajadores")


def _celdas(c: ContratoResumen) -> tuple[str, str, str, str]:
    return (
        c.periodo.texto,
        f"{c.contratante_rfc} — {c.contratante_nombre}",
        c.objeto,
        f"{c.trabajadores:,}",
    )


def mensaje_copiados(copiados: int, con_trabajadores: bool, trabajadores: int) -> str:
    """«Se copió 1 contrato con sus 12 trabajadores.» and what the clerk captures next."""
    verbo = "Se copió" if copiados == 1 else "Se copiaron"
    texto = f"{verbo} {plural(copiados, 'contrato')}"
    if con_trabajadores and trabajadores:
        texto += f" con {plural(trabajadores, 'trabajador', 'trabajadores')}"
    return f"{texto}.\n\n{MSG_FECHAS}"


class CopiarContratoDialog(QDialog):
    """``copiados``: the uuids of the new contracts, after Copiar."""

    def __init__(
        self,
        services: Services,
        actor: str | None,
        contratista_rfc: str,
        informativa_uuid: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("CopiarContratoDialog")
        self.setWindowTitle(TITLE)
        self._services, self._actor, self._rfc = services, actor, contratista_rfc
        self._informativa = informativa_uuid
        self.copiados: list[str] = []
        layout = QVBoxLayout(self)
        self.instruccion = QLabel(MSG_INSTRUCCION)
        self.instruccion.setObjectName("instruccionLabel")
        layout.addWidget(self.instruccion)
        self.model: RowsModel[ContratoResumen] = RowsDerechaModel(
            CABECERAS, _celdas, derecha={3}, checkable=True
        )
        self.tabla = tabla_de_lectura(
            "contratosTable",
            "Contratos",
            "Los contratos de las informativas anteriores, uno por fila",
            self.model,
        )
        self.tabla.doubleClicked.connect(lambda index: self._alternar(index.row()))
        layout.addWidget(self.tabla, 1)
        self.con_trabajadores = QCheckBox("Copiar también sus trabajadores")
        self.con_trabajadores.setObjectName("conTrabajadoresCheck")
        self.con_trabajadores.setChecked(True)
        layout.addWidget(self.con_trabajadores)
        self.copiar, self.cancelar = hacer_o_cancelar(
            self, layout, "Copiar", "copiarButton", self._copiar
        )
        self.resize(860, 420)
        centrar(self, parent)  # fits the screen, centred on its window
        self._cargar()
        mnemonics.assign(self)  # Alt-letters for every button and labelled field
        self.tabla.setFocus()

    def _cargar(self) -> None:
        try:
            contratos = self._services.informativas.contratos_anteriores(
                self._rfc, self._actor, excepto=self._informativa
            )
        except DomainError as exc:
            msgbox.warning(self, exc.message, TITLE)
            contratos = []
        self.model.set_rows(contratos)
        header = self.tabla.horizontalHeader()
        for column in (0, 1, 3):
            self.tabla.resizeColumnToContents(column)
        header.resizeSection(1, min(header.sectionSize(1), 320))
        if contratos:
            self.tabla.selectRow(0)
        else:
            self.instruccion.setText(MSG_NINGUNO)
        self.copiar.setEnabled(bool(contratos))
        self.con_trabajadores.setEnabled(bool(contratos))

    def _alternar(self, row: int) -> None:
        """Double click marks or unmarks a contract (Space on the box does too)."""
        from PySide6.QtCore import Qt

        index = self.model.index(row, 0)
        marcado = index.data(Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Checked
        nuevo = Qt.CheckState.Unchecked if marcado else Qt.CheckState.Checked
        self.model.setData(index, nuevo.value, Qt.ItemDataRole.CheckStateRole)

    def marcar(self, rows: list[int]) -> None:
        """Mark the contracts at ``rows`` (what clicking their boxes does)."""
        from PySide6.QtCore import Qt

        for row in rows:
            index = self.model.index(row, 0)
            self.model.setData(index, Qt.CheckState.Checked.value, Qt.ItemDataRole.CheckStateRole)

    def _copiar(self) -> None:
        elegidos = self.model.checked_rows()
        if not elegidos:
            msgbox.information(self, MSG_MARCA, TITLE)
            self.tabla.setFocus()
            return
        con_trabajadores = self.con_trabajadores.isChecked()
        informativas = self._services.informativas
        copiados: list[str] = []

        def copiar() -> None:
            for contrato in elegidos:
                copiados.append(
                    informativas.copiar_contrato(
                        contrato.uuid, self._informativa, self._actor, con_trabajadores
                    )
                )

        def copiado(_: None) -> None:
            self.copiados = copiados
            trabajadores = sum(c.trabajadores for c in elegidos)
            msgbox.information(
                self, mensaje_copiados(len(copiados), con_trabajadores, trabajadores), TITLE
            )
            self.accept()

        def fallo(exc: DomainError) -> None:
            self.copiados = copiados
            hechos = (
                f"\n\n{mensaje_copiados(len(copiados), con_trabajadores, 0)}" if copiados else ""
            )
            msgbox.warning(self, exc.message + hechos, TITLE)
            if copiados:
                self.accept()

        ejecutar(
            self,
            "Copiando los contratos…",
            copiar,
            copiado,
            al_fallar=fallo,
            titulo=TITLE,
        )

"""Proponer trabajadores desde los recibos: the workers whose payroll receipts of the
informativa's cuatrimestre name the contract's contratante, all marked; the clerk unmarks those
who do not serve this contract and Agregar adds the rest (the audit records that they came from
the receipts). Those the contract already has are listed apart, below, and never added twice;
those left out (data Agregar would refuse, such as an SBC under the minimum, or an asimilado a
salarios) are listed last with their reason, and never keep the others from being added.

The window reads the proposal off its thread (``proponer``) and opens this dialog with it."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QLabel,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from icsoe_desktop.domain.errors import DomainError
from icsoe_desktop.domain.movimientos import pesos_text
from icsoe_desktop.domain.texts import plural
from icsoe_desktop.gui.kit import mnemonics, msgbox
from icsoe_desktop.gui.kit.botonera import hacer_o_cancelar
from icsoe_desktop.gui.kit.geometria import centrar
from icsoe_desktop.gui.kit.modal import ejecutar_modal
from icsoe_desktop.gui.kit.operaciones import ejecutar
from icsoe_desktop.gui.kit.rows_derecha import RowsDerechaModel
from icsoe_desktop.gui.kit.rows_model import RowsModel
from icsoe_desktop.gui.kit.tabla_lectura import tabla_de_lectura
from icsoe_desktop.services.informativa.asignaciones import (
    Fuera,
    PropuestaRecibos,
    ResultadoImportacion,
)
from icsoe_desktop.services.nomina.consulta import Propuesto

if TYPE_CHECKING:
    from icsoe_desktop.services.container import Services

TITLE = "Proponer trabajadores desde los recibos"
CABECERAS = ("NSS", "CURP", "Nombre", "Último SBC", "Recibos")
CABECERAS_FUERA = ("NSS", "CURP", "Nombre", "Último SBC", "Motivo")
SBC, RECIBOS = 3, 4
MSG_LEYENDO = "Leyendo los recibos de nómina del periodo…"
MSG_SIN_RECIBOS = (
    "No hay recibos de nómina de {periodo} que nombren al contratante {rfc} "
    "(su nodo SubContratacion).\n\nImporta los recibos del periodo en «Recibos de nómina» "
    "o revisa el RFC del contratante."
)
MSG_INSTRUCCION = (
    "{cuantos} con recibos de nómina de {periodo} que nombran al contratante {rfc}. "
    "Desmarca los que no quieres agregar al contrato."
)
MSG_TODOS_YA = (
    "Los {cuantos} con recibos de nómina de {periodo} que nombran al contratante {rfc} ya están "
    "en el contrato: no hay a quién agregar."
)
MSG_YA = "{cuantos} ya en el contrato se muestra{n} abajo: no se agrega{n} de nuevo."
MSG_FUERA = "{cuantos} queda{n} fuera de la propuesta, abajo con el motivo."
MSG_NINGUNO = (
    "Ninguno de los {cuantos} con recibos de nómina de {periodo} que nombran al contratante "
    "{rfc} se puede agregar: el motivo de cada uno está abajo."
)
MSG_FUERA_TITULO = "Fuera de la propuesta (no se agregan; el motivo en la última columna):"
MSG_MARCA = "Marca los trabajadores que quieres agregar."
MSG_AGREGANDO = "Agregando los trabajadores…"
MSG_NO_AGREGADOS = "No se agregó ningún trabajador:"
MSG_YA_TITULO = "Ya están en el contrato (no se agregan de nuevo):"
MAX_PROBLEMAS = 10


def _celdas(p: Propuesto) -> tuple[str, str, str, str, str]:
    return (p.nss, p.curp, p.nombre, pesos_text(p.sbc), f"{p.recibos:,}")


def _celdas_fuera(f: Fuera) -> tuple[str, str, str, str, str]:
    p = f.propuesto
    return (p.nss, p.curp, p.nombre, pesos_text(p.sbc), f.motivo)


def proponer(
    parent: QWidget,
    services: Services,
    actor: str | None,
    contrato: str,
    al_agregar: Callable[[], None],
) -> None:
    """Read the proposal off the window's thread, then say there is none or open the dialog;
    ``al_agregar`` runs when workers were added (the contract's list reloads). A refusal
    (the role, a capturista's relation ended) is the service's own message."""
    ejecutar(
        parent,
        MSG_LEYENDO,
        lambda: services.informativa_trabajadores.propuesta_de_recibos(contrato, actor),
        lambda propuesta: _mostrar(parent, services, actor, contrato, propuesta, al_agregar),
        titulo=TITLE,
    )


def _mostrar(
    parent: QWidget,
    services: Services,
    actor: str | None,
    contrato: str,
    propuesta: PropuestaRecibos,
    al_agregar: Callable[[], None],
) -> None:
    if not propuesta.nuevos and not propuesta.en_contrato and not propuesta.fuera:
        texto = MSG_SIN_RECIBOS.format(periodo=propuesta.periodo.texto, rfc=propuesta.contratante)
        msgbox.information(parent, texto, TITLE)
        return
    if ejecutar_modal(ProponerRecibosDialog(services, actor, contrato, propuesta, parent)):
        al_agregar()


class ProponerRecibosDialog(QDialog):
    """``agregados``: how many workers Agregar added (the dialog then ends accepted)."""

    def __init__(
        self,
        services: Services,
        actor: str | None,
        contrato_uuid: str,
        propuesta: PropuestaRecibos,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("ProponerRecibosDialog")
        self.setWindowTitle(TITLE)
        self._services, self._actor, self._contrato = services, actor, contrato_uuid
        self.agregados = 0
        layout = QVBoxLayout(self)
        periodo, rfc = propuesta.periodo.texto, propuesta.contratante
        nuevos, ya = len(propuesta.nuevos), len(propuesta.en_contrato)
        fuera = len(propuesta.fuera)
        if nuevos:
            texto = MSG_INSTRUCCION.format(
                cuantos=plural(nuevos, "trabajador", "trabajadores"), periodo=periodo, rfc=rfc
            )
            if ya:
                texto += " " + MSG_YA.format(
                    cuantos=plural(ya, "trabajador", "trabajadores"), n="n" if ya > 1 else ""
                )
        elif fuera:
            texto = MSG_NINGUNO.format(
                cuantos=plural(ya + fuera, "trabajador", "trabajadores"), periodo=periodo, rfc=rfc
            )
        else:
            texto = MSG_TODOS_YA.format(
                cuantos=plural(ya, "trabajador", "trabajadores"), periodo=periodo, rfc=rfc
            )
        if fuera and nuevos:
            texto += " " + MSG_FUERA.format(
                cuantos=plural(fuera, "trabajador", "trabajadores"), n="n" if fuera > 1 else ""
            )
        self.instruccion = QLabel(texto)
        self.instruccion.setObjectName("instruccionLabel")
        self.instruccion.setWordWrap(True)
        layout.addWidget(self.instruccion)
        self.model: RowsModel[Propuesto] = RowsDerechaModel(
            CABECERAS, _celdas, derecha={SBC, RECIBOS}, checkable=True
        )
        self.model.set_rows(propuesta.nuevos)
        self.model.set_all_checked(True)  # all accepted until the clerk says otherwise
        self.tabla = self._tabla(
            self.model,
            "propuestosTable",
            "Trabajadores de los recibos por agregar",
            "Los trabajadores que los recibos del periodo proponen, uno por fila; "
            "la barra espaciadora marca o desmarca",
            caja=True,
        )
        self.tabla.doubleClicked.connect(lambda index: self._alternar(index.row()))
        self.tabla.setVisible(bool(nuevos))
        layout.addWidget(self.tabla, 2)
        self.ya_titulo = QLabel(MSG_YA_TITULO)
        self.ya_titulo.setObjectName("yaLabel")
        self.ya_model: RowsModel[Propuesto] = RowsDerechaModel(
            CABECERAS, _celdas, derecha={SBC, RECIBOS}
        )
        self.ya_model.set_rows(propuesta.en_contrato)
        self.ya = self._tabla(
            self.ya_model,
            "yaTable",
            "Trabajadores de los recibos que ya están en el contrato",
            "Los trabajadores de los recibos que el contrato ya tiene, uno por fila",
        )
        self.ya_titulo.setBuddy(self.ya)
        self.ya_titulo.setVisible(bool(ya))
        self.ya.setVisible(bool(ya))
        layout.addWidget(self.ya_titulo)
        layout.addWidget(self.ya, 1)
        self.fuera_titulo = QLabel(MSG_FUERA_TITULO)
        self.fuera_titulo.setObjectName("fueraLabel")
        self.fuera_model: RowsModel[Fuera] = RowsDerechaModel(
            CABECERAS_FUERA, _celdas_fuera, derecha={SBC}
        )
        self.fuera_model.set_rows(propuesta.fuera)
        self.fuera = self._tabla(
            self.fuera_model,
            "fueraTable",
            "Trabajadores de los recibos que quedan fuera de la propuesta",
            "Los trabajadores de los recibos que no se agregan, uno por fila, con el motivo",
        )
        self.fuera.horizontalHeader().setStretchLastSection(True)  # the reason, read whole
        self.fuera_titulo.setBuddy(self.fuera)
        self.fuera_titulo.setVisible(bool(fuera))
        self.fuera.setVisible(bool(fuera))
        layout.addWidget(self.fuera_titulo)
        layout.addWidget(self.fuera, 1)
        self.agregar, self.cancelar = hacer_o_cancelar(
            self, layout, "Agregar", "agregarButton", self._agregar
        )
        self.agregar.setAccessibleName("Agregar los trabajadores marcados al contrato")
        self.agregar.setEnabled(bool(nuevos))
        self.cancelar.setAccessibleName("Cancelar sin agregar trabajadores")
        self.setTabOrder(self.tabla, self.ya)
        self.setTabOrder(self.ya, self.fuera)
        self.setTabOrder(self.fuera, self.agregar)
        self.setTabOrder(self.agregar, self.cancelar)
        self.resize(900, 520)
        centrar(self, parent)  # fits the screen, centred on its window
        mnemonics.assign(self)  # Alt-letters for every button and the second list
        if nuevos:
            self.tabla.selectRow(0)
            self.tabla.setFocus()
        else:
            (self.ya if ya else self.fuera).selectRow(0)
            self.cancelar.setFocus()

    def _tabla(
        self,
        model: RowsModel[Propuesto] | RowsModel[Fuera],
        nombre: str,
        accesible: str,
        descripcion: str,
        caja: bool = False,
    ) -> QTableView:
        tabla = tabla_de_lectura(nombre, accesible, descripcion, model)
        header = tabla.horizontalHeader()
        width = tabla.fontMetrics().horizontalAdvance
        header.resizeSection(0, width("00000000000") + (48 if caja else 24))  # and its box
        header.resizeSection(1, width("WWWW000000WWWWWW00") + 24)
        header.resizeSection(SBC, width("Último SBC") + 24)
        header.resizeSection(RECIBOS, width("Recibos") + 24)
        return tabla

    def marcados(self) -> list[Propuesto]:
        return self.model.checked_rows()

    def marcar(self, row: int, marcado: bool) -> None:
        """Check or uncheck the worker at ``row`` (what clicking its box does)."""
        estado = Qt.CheckState.Checked if marcado else Qt.CheckState.Unchecked
        self.model.setData(self.model.index(row, 0), estado.value, Qt.ItemDataRole.CheckStateRole)

    def _alternar(self, row: int) -> None:
        """Double click marks or unmarks a worker (Space on the box does too)."""
        index = self.model.index(row, 0)
        self.marcar(row, index.data(Qt.ItemDataRole.CheckStateRole) != Qt.CheckState.Checked)

    def _agregar(self) -> None:
        elegidos = self.marcados()
        if not elegidos:
            msgbox.information(self, MSG_MARCA, TITLE)
            self.tabla.setFocus()
            return
        servicio, contrato, actor = (
            self._services.informativa_trabajadores,
            self._contrato,
            self._actor,
        )
        curps = [p.curp for p in elegidos]
        self.agregar.setEnabled(False)  # one Agregar at a time
        ejecutar(
            self,
            MSG_AGREGANDO,
            lambda: servicio.agregar_de_recibos(contrato, actor, curps),
            lambda resultado: self._agregado(elegidos, resultado),
            al_fallar=self._fallo,
            titulo=TITLE,
        )

    def _fallo(self, exc: DomainError) -> None:
        self.agregar.setEnabled(True)
        msgbox.warning(self, exc.message, TITLE)

    def _agregado(self, elegidos: list[Propuesto], resultado: ResultadoImportacion) -> None:
        self.agregar.setEnabled(True)
        if resultado.problemas:
            lineas = []
            for problema in resultado.problemas[:MAX_PROBLEMAS]:
                renglon = problema.renglon
                quien = (
                    elegidos[renglon - 1].nombre or f"NSS {elegidos[renglon - 1].nss}"
                    if renglon is not None and 1 <= renglon <= len(elegidos)
                    else ""
                )
                lineas.append(f"{quien}: {problema.mensaje}" if quien else problema.mensaje)
            resto = len(resultado.problemas) - len(lineas)
            if resto > 0:
                lineas.append(f"… y {plural(resto, 'problema')} más.")
            msgbox.warning(self, MSG_NO_AGREGADOS + "\n\n" + "\n".join(lineas), TITLE)
            return
        self.agregados = resultado.agregados
        verbo = "Se agregó" if resultado.agregados == 1 else "Se agregaron"
        cuantos = plural(resultado.agregados, "trabajador", "trabajadores")
        msgbox.information(
            self, f"{verbo} {cuantos} al contrato desde los recibos de nómina.", TITLE
        )
        self.accept()

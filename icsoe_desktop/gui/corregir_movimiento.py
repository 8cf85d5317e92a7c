"""Correct a movement IDSE rejected: the clerk fixes the data and it goes back to pendiente, to be
sent in a new lote (the earlier lote keeps its rejection)."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from PySide6.QtCore import QDate
from PySide6.QtWidgets import QComboBox, QDateEdit, QDialog, QLabel, QLineEdit, QPushButton, QWidget

from icsoe_desktop.domain.errors import DomainError
from icsoe_desktop.domain.movimientos import (
    BAJA,
    CAUSAS_BAJA,
    JORNADAS,
    REINGRESO,
    TIPOS_MOVIMIENTO,
    TIPOS_SALARIO,
    TIPOS_TRABAJADOR,
    parse_pesos,
    pesos_text,
)
from icsoe_desktop.gui import msgbox
from icsoe_desktop.gui.cambios import puede_cerrar
from icsoe_desktop.gui.forms import child, load_form
from icsoe_desktop.gui.geometria import centrar
from icsoe_desktop.gui.kit.notificador import LOTES, MOVIMIENTOS, anunciar

if TYPE_CHECKING:
    from icsoe_desktop.services.container import Services

TITLE = "Corregir movimiento rechazado"
MSG_CORREGIDO = (
    "El movimiento del NSS {nss} quedó pendiente: inclúyelo en un nuevo lote para enviarlo a IDSE."
)


class CorregirMovimientoDialog(QDialog):
    def __init__(
        self,
        services: Services,
        movimiento_id: int,
        causa_rechazo: str,
        usuario: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("CorregirMovimientoDialog")
        self._services = services
        self._id = movimiento_id
        self._usuario = usuario
        self._original = services.movimientos.movimiento(movimiento_id)
        form = load_form("corregir_movimiento.ui", self)
        edit = lambda name: child(form, QLineEdit, name)  # noqa: E731
        combo = lambda name: child(form, QComboBox, name)  # noqa: E731
        self.causa = child(form, QLabel, "causaLabel")
        self.registro, self.tipo = edit("registroEdit"), edit("tipoEdit")
        self.nss, self.curp = edit("nssEdit"), edit("curpEdit")
        self.primer_apellido = edit("primerApellidoEdit")
        self.segundo_apellido = edit("segundoApellidoEdit")
        self.nombre, self.sbc = edit("nombreEdit"), edit("sbcEdit")
        self.umf, self.clave = edit("umfEdit"), edit("claveEdit")
        self.fecha = child(form, QDateEdit, "fechaEdit")
        self.tipo_trabajador = combo("tipoTrabajadorCombo")
        self.tipo_salario = combo("tipoSalarioCombo")
        self.jornada = combo("jornadaCombo")
        self.causa_baja = combo("causaBajaCombo")
        self.guardar = child(form, QPushButton, "guardarButton")
        self.cancelar = child(form, QPushButton, "cancelarButton")
        self._fields: dict[str, QWidget] = {
            "nss": self.nss,
            "curp": self.curp,
            "primer_apellido": self.primer_apellido,
            "segundo_apellido": self.segundo_apellido,
            "nombre": self.nombre,
            "fecha": self.fecha,
            "sbc": self.sbc,
            "tipo_trabajador": self.tipo_trabajador,
            "tipo_salario": self.tipo_salario,
            "jornada": self.jornada,
            "umf": self.umf,
            "causa_baja": self.causa_baja,
            "clave_trabajador": self.clave,
        }
        self._fill(causa_rechazo)
        self._guardado = self._valores()
        self.guardar.clicked.connect(self._on_guardar)
        self.cancelar.clicked.connect(self.reject)
        self.guardar.setDefault(True)
        self.cancelar.setAutoDefault(False)  # Enter saves
        self.resize(480, 560)
        centrar(self, parent)  # fits the screen, centred on its window

    def _fill(self, causa_rechazo: str) -> None:
        mov = self._original
        self.causa.setText(f"Causa de rechazo de IDSE: {causa_rechazo or '(sin causa)'}")
        self.registro.setText(mov.registro_patronal)
        self.tipo.setText(f"{mov.tipo} {TIPOS_MOVIMIENTO[mov.tipo]}")
        for widget, value in (
            (self.nss, mov.nss),
            (self.curp, mov.curp),
            (self.primer_apellido, mov.primer_apellido),
            (self.segundo_apellido, mov.segundo_apellido),
            (self.nombre, mov.nombre),
            (self.sbc, pesos_text(mov.sbc).replace(",", "")),
            (self.umf, mov.umf),
            (self.clave, mov.clave_trabajador),
        ):
            widget.setText(value)
        self.fecha.setDate(QDate(mov.fecha.year, mov.fecha.month, mov.fecha.day))
        for box, catalog, value in (
            (self.tipo_trabajador, TIPOS_TRABAJADOR, mov.tipo_trabajador),
            (self.tipo_salario, TIPOS_SALARIO, mov.tipo_salario),
            (self.jornada, JORNADAS, mov.jornada),
            (self.causa_baja, CAUSAS_BAJA, mov.causa_baja),
        ):
            box.addItem("", "")
            for code, text in catalog.items():
                box.addItem(f"{code} {text}", code)
            box.setCurrentIndex(max(box.findData(value), 0))
        # Only what the movement's kind carries can be changed.
        baja = mov.tipo == BAJA
        for widget in (self.sbc, self.tipo_salario, self.jornada):
            widget.setEnabled(not baja)
        self.tipo_trabajador.setEnabled(mov.tipo == REINGRESO)
        self.umf.setEnabled(mov.tipo == REINGRESO)
        self.causa_baja.setEnabled(baja)

    def _valores(self) -> tuple[object, ...]:
        edits = (self.nss, self.curp, self.primer_apellido, self.segundo_apellido, self.nombre)
        combos = (self.tipo_trabajador, self.tipo_salario, self.jornada, self.causa_baja)
        return (
            *(edit.text() for edit in (*edits, self.sbc, self.umf, self.clave)),
            self.fecha.date(),
            *(combo.currentIndex() for combo in combos),
        )

    def cambios(self) -> bool:
        return self._valores() != self._guardado

    def reject(self) -> None:
        """Cancelar, Esc or the window's close button: a correction not saved is asked about."""
        if puede_cerrar(self, self.cambios(), self._on_guardar):
            super().reject()

    def _on_guardar(self) -> bool:
        try:
            corregido = replace(
                self._original,
                nss=self.nss.text(),
                curp=self.curp.text(),
                primer_apellido=self.primer_apellido.text(),
                segundo_apellido=self.segundo_apellido.text(),
                nombre=self.nombre.text(),
                fecha=self.fecha.date().toPython(),
                sbc=parse_pesos(self.sbc.text(), "sbc", "SBC"),
                tipo_trabajador=self.tipo_trabajador.currentData(),
                tipo_salario=self.tipo_salario.currentData(),
                jornada=self.jornada.currentData(),
                umf=self.umf.text(),
                causa_baja=self.causa_baja.currentData(),
                clave_trabajador=self.clave.text(),
            )
            mov = self._services.movimientos.corregir(self._id, corregido, self._usuario)
        except DomainError as exc:
            msgbox.field_error(self, exc, self._fields, TITLE)
            return False
        # Pendiente again, out of its lote's rejected: the grid and Lotes read it at once.
        anunciar(self._services, {MOVIMIENTOS, LOTES})
        msgbox.information(self, MSG_CORREGIDO.format(nss=mov.nss), TITLE)
        self.accept()
        return True

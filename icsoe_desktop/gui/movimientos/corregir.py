"""Correct a movement IDSE rejected: the clerk fixes the data and it goes back to pendiente, to be
sent in a new lote (the earlier lote keeps its rejection)."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, cast

from PySide6.QtCore import QDate
from PySide6.QtWidgets import QComboBox, QDateEdit, QDialog, QLabel, QLineEdit, QPushButton, QWidget

from icsoe_desktop.domain.errors import DomainError
from icsoe_desktop.domain.movimientos import (
    BAJA,
    CAMPOS,
    MONEY,
    REINGRESO,
    TIPOS_MOVIMIENTO,
    Campo,
    parse_pesos,
    pesos_text,
)
from icsoe_desktop.gui.kit import mnemonics, msgbox
from icsoe_desktop.gui.kit.cambios import PreguntaAlCerrar
from icsoe_desktop.gui.kit.forms import child, load_form
from icsoe_desktop.gui.kit.geometria import centrar

if TYPE_CHECKING:
    from icsoe_desktop.services.container import Services

TITLE = "Corregir movimiento rechazado"
MSG_CORREGIDO = (
    "El movimiento del NSS {nss} quedó pendiente: inclúyelo en un nuevo lote para enviarlo a IDSE."
)


class CorregirMovimientoDialog(PreguntaAlCerrar, QDialog):
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
        self.causa = child(form, QLabel, "causaLabel")
        self.registro = child(form, QLineEdit, "registroEdit")
        self.tipo = child(form, QLineEdit, "tipoEdit")
        # The fields a clerk corrects: the columns of CAMPOS with a widget in the form, by name
        # (``self.nss``, ``self.fecha``...); a field error points at its widget.
        self._campos = [c for c in CAMPOS if c.form]
        self._fields: dict[str, QWidget] = {}
        for campo in self._campos:
            widget = child(form, QWidget, campo.form)
            self._fields[campo.attr] = widget
            setattr(self, campo.attr, widget)
        self.guardar = child(form, QPushButton, "guardarButton")
        self.cancelar = child(form, QPushButton, "cancelarButton")
        self._fill(causa_rechazo)
        self._guardado = self._valores()
        self.guardar.clicked.connect(self._on_guardar)
        self.cancelar.clicked.connect(self.reject)
        self.guardar.setDefault(True)
        self.cancelar.setAutoDefault(False)  # Enter saves
        mnemonics.assign(self)  # Alt-letters for every button and labelled field
        self.resize(480, 560)
        centrar(self, parent)  # fits the screen, centred on its window

    def _fill(self, causa_rechazo: str) -> None:
        mov = self._original
        self.causa.setText(f"Causa de rechazo de IDSE: {causa_rechazo or '(sin causa)'}")
        self.registro.setText(mov.registro_patronal)
        self.tipo.setText(f"{mov.tipo} {TIPOS_MOVIMIENTO[mov.tipo]}")
        for campo in self._campos:
            widget, value = self._fields[campo.attr], getattr(mov, campo.attr)
            if isinstance(widget, QComboBox):
                widget.addItem("", "")
                for code, text in (campo.catalog or {}).items():
                    widget.addItem(f"{code} {text}", code)
                widget.setCurrentIndex(max(widget.findData(value), 0))
            elif isinstance(widget, QDateEdit):
                widget.setDate(QDate(value.year, value.month, value.day))
            elif isinstance(widget, QLineEdit):
                widget.setText(pesos_text(value).replace(",", "") if campo.kind == MONEY else value)
        # Only what the movement's kind carries can be changed.
        baja = mov.tipo == BAJA
        for name in ("sbc", "tipo_salario", "jornada"):
            self._fields[name].setEnabled(not baja)
        self._fields["tipo_trabajador"].setEnabled(mov.tipo == REINGRESO)
        self._fields["umf"].setEnabled(mov.tipo == REINGRESO)
        self._fields["causa_baja"].setEnabled(baja)

    def _valores(self) -> tuple[object, ...]:
        """What the widgets hold, as shown (a comparison says whether anything changed)."""
        return tuple(
            widget.currentIndex()
            if isinstance(widget, QComboBox)
            else widget.date()
            if isinstance(widget, QDateEdit)
            else cast(QLineEdit, widget).text()  # the form's other fields: line edits
            for widget in self._fields.values()
        )

    def cambios(self) -> bool:
        return self._valores() != self._guardado

    def guardar_cambios(self) -> bool:
        return self._on_guardar()

    def _valor(self, campo: Campo) -> object:
        widget = self._fields[campo.attr]
        if isinstance(widget, QComboBox):
            return widget.currentData()
        if isinstance(widget, QDateEdit):
            return widget.date().toPython()
        text = cast(QLineEdit, widget).text()
        return parse_pesos(text, campo.attr, campo.header) if campo.kind == MONEY else text

    def _on_guardar(self) -> bool:
        try:
            corregido = replace(self._original, **{c.attr: self._valor(c) for c in self._campos})
            mov = self._services.movimientos.corregir(self._id, corregido, self._usuario)
        except DomainError as exc:
            msgbox.field_error(self, exc, self._fields, TITLE)
            return False
        # Pendiente again, out of its lote's rejected: the grid and Lotes read it at once.
        msgbox.information(self, MSG_CORREGIDO.format(nss=mov.nss), TITLE)
        self.accept()
        return True

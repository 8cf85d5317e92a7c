"""*Datos del sujeto obligado…* of the SISUB window: what the sujeto obligado's file asks
beyond the datos generales (the cross streets of the domicilio, representante legal,
administrador único, escritura with its notary, folio mercantil), captured once for every
period and saved by the service (``SisubService.guardar_sujeto``: checked, audited). Any may
stay empty: those columns are optional."""

from __future__ import annotations

from dataclasses import fields
from datetime import datetime
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QDialog, QFormLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from icsoe_desktop.domain.errors import DomainError, ValidationError
from icsoe_desktop.domain.sisub.captura import DatosSujeto
from icsoe_desktop.gui.kit import mnemonics, msgbox
from icsoe_desktop.gui.kit.botonera import hacer_o_cancelar
from icsoe_desktop.gui.kit.geometria import centrar

if TYPE_CHECKING:
    from icsoe_desktop.services.container import Services

TITLE = "Datos del sujeto obligado para el SISUB"
CAMPOS = (
    ("entre_calle", "Entre calle"),
    ("y_calle", "Y calle"),
    ("representante_legal", "Representante legal"),
    ("administrador_unico", "Administrador único"),
    ("escritura_numero", "Número de escritura"),
    ("escritura_fecha", "Fecha de la escritura (dd/mm/aaaa)"),
    ("notario_nombre", "Nombre del notario"),
    ("notario_numero", "Número del notario"),
    ("folio_mercantil", "Folio mercantil"),
)


def _fecha(texto: str) -> datetime | None:
    texto = texto.strip()
    if not texto:
        return None
    try:
        return datetime.strptime(texto, "%d/%m/%Y")
    except ValueError:
        raise ValidationError(
            "fecha_invalida",
            f"«{texto}» no es una fecha: escríbela como dd/mm/aaaa.",
            "escritura_fecha",
        ) from None


class DatosSujetoDialog(QDialog):
    """Accepted once the service saved the data."""

    def __init__(
        self, services: Services, rfc: str, actor: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("DatosSujetoDialog")
        self.setWindowTitle(TITLE)
        self._services, self._rfc, self._actor = services, rfc, actor
        layout = QVBoxLayout(self)
        instruccion = QLabel(
            "El archivo del sujeto obligado lleva estos datos además de los datos generales "
            "del contratista. Se guardan una vez para todos los periodos; los que no tengas "
            "pueden quedar vacíos."
        )
        instruccion.setWordWrap(True)
        layout.addWidget(instruccion)
        datos = services.sisub.datos_sujeto(rfc, actor)
        forma = QFormLayout()
        self.campos: dict[str, QLineEdit] = {}
        for clave, texto in CAMPOS:
            valor = getattr(datos, clave)
            if clave == "escritura_fecha":
                valor = valor.strftime("%d/%m/%Y") if valor else ""
            edit = QLineEdit(valor)
            edit.setObjectName(f"{clave}Edit")
            edit.setAccessibleName(texto)
            etiqueta = QLabel(texto + ":")
            etiqueta.setBuddy(edit)
            forma.addRow(etiqueta, edit)
            self.campos[clave] = edit
        layout.addLayout(forma)
        self.aceptar, self.cancelar = hacer_o_cancelar(
            self, layout, "Guardar", "guardarButton", self._guardar
        )
        mnemonics.assign(self)
        self.resize(560, self.sizeHint().height())
        centrar(self, parent)
        self.campos["entre_calle"].setFocus()

    def _guardar(self) -> None:
        try:
            fecha = _fecha(self.campos["escritura_fecha"].text())
            valores = {
                c.name: self.campos[c.name].text()
                for c in fields(DatosSujeto)
                if c.name != "escritura_fecha"
            }
            datos = DatosSujeto(**valores, escritura_fecha=fecha.date() if fecha else None)
            self._services.sisub.guardar_sujeto(self._rfc, self._actor, datos)
        except DomainError as exc:
            msgbox.warning(self, exc.message, TITLE)
            campo = self.campos.get(exc.field or "")
            if campo is not None:
                campo.setFocus()
            return
        self.accept()

"""The SISUB contract's work site bound to SEPOMEX's catalogue as the datos generales' domicilio
is (gui/kit/codigo_postal.py): five digits typed in the código postal fill the municipio and
the entidad and list the colonias; an unknown CP, or no catalogue loaded, is said beside the
fields, which stay typeable (the catalogue is never bundled: the user loads it)."""

from __future__ import annotations

from dataclasses import fields
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QComboBox, QLabel, QLineEdit

from icsoe_desktop.domain.informativa.modelo import Domicilio
from icsoe_desktop.gui.kit.codigo_postal import CodigoPostalVinculo

if TYPE_CHECKING:
    from icsoe_desktop.services.catalogos.codigos_postales import CodigosPostalesService


def lista_de_colonias(colonia: QLineEdit) -> QComboBox:
    """An editable list whose text field is ``colonia`` (read and typed as before): the CP's
    colonias are its items."""
    lista = QComboBox()
    lista.setObjectName("coloniaCombo")
    lista.setEditable(True)
    lista.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)  # a colonia typed is not an item
    lista.setLineEdit(colonia)
    colonia.setMaxLength(150)
    return lista


def aviso_del_codigo_postal() -> QLabel:
    aviso = QLabel()
    aviso.setObjectName("codigoPostalAvisoLabel")
    aviso.setWordWrap(True)
    return aviso


def vincular(
    catalogo: CodigosPostalesService,
    sitio: dict[str, QLineEdit],
    entidad: QComboBox,
    colonias: QComboBox,
    aviso: QLabel,
) -> CodigoPostalVinculo:
    return CodigoPostalVinculo(
        catalogo, sitio["codigo_postal"], entidad, sitio["municipio"], colonias, aviso
    )


def mostrar_sitio(
    vinculo: CodigoPostalVinculo,
    sitio: dict[str, QLineEdit],
    entidad: QComboBox,
    domicilio: Domicilio,
) -> None:
    """A saved work site shown as saved (the CP first: its colonia is taken as written under
    it), its CP's colonias offered to change it."""
    sitio["codigo_postal"].setText(domicilio.codigo_postal)
    for campo in fields(Domicilio):
        if campo.name in sitio and campo.name != "codigo_postal":
            sitio[campo.name].setText(getattr(domicilio, campo.name))
    entidad.setCurrentIndex(max(0, entidad.findData(domicilio.entidad)))
    vinculo.consultar(llenar=False)


__all__ = ["aviso_del_codigo_postal", "lista_de_colonias", "mostrar_sitio", "vincular"]

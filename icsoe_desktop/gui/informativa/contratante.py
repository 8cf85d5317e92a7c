"""A contratante (the beneficiary of the services or works): RFC, nombre, domicilio and
contact, as the informativa asks for both parties. Reused across contracts and periods."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, cast

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from icsoe_desktop.domain.contacto import ENTIDADES_FEDERATIVAS
from icsoe_desktop.domain.errors import DomainError, ValidationError
from icsoe_desktop.domain.informativa.modelo import Domicilio, Parte
from icsoe_desktop.gui.kit import colores, mnemonics, msgbox
from icsoe_desktop.gui.kit.cambios import PreguntaAlCerrar
from icsoe_desktop.gui.kit.disposicion import controles
from icsoe_desktop.gui.kit.widgets import telefono_field
from icsoe_desktop.services.informativa.base import Nota

if TYPE_CHECKING:
    from icsoe_desktop.services.container import Services

TITLE = "Contratante"
TITLE_NUEVO = "Nuevo contratante"
MSG_OBLIGATORIOS = "* Campos obligatorios"
MSG_INEXISTENTE = "El contratante ya no existe (pudo eliminarse en otro equipo)."
ELIGE_ENTIDAD = "Selecciona…"
EXTRANJERO = "Extranjero sin establecimiento permanente en México"
NOTA_EXTRANJERO = (
    "Sus contratos no se declaran en la informativa; si en el periodo sólo hubo contratos con "
    "extranjeros sin establecimiento permanente, se presenta «Sin información»."
)


class ContratanteDialog(PreguntaAlCerrar, QDialog):
    """``contratante_uuid``: the one edited (None: a new one); after Guardar, the one saved."""

    def __init__(
        self,
        services: Services,
        actor: str | None,
        contratista_rfc: str,
        contratante_uuid: str | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("ContratanteDialog")
        self.setWindowTitle(TITLE if contratante_uuid else TITLE_NUEVO)
        self._services, self._actor, self._rfc = services, actor, contratista_rfc
        self.contratante_uuid = contratante_uuid
        self.avisos: list[str] = []
        self._build()
        self._fields: dict[str, QWidget] = {
            "rfc": self.rfc,
            "nombre": self.nombre,
            "calle": self.calle,
            "numeroExterior": self.numero_exterior,
            "numeroInterior": self.numero_interior,
            "codigoPostal": self.codigo_postal,
            "colonia": self.colonia,
            "municipio": self.municipio,
            "entidad": self.entidad,
            "correo": self.correo,
            "telefonoFijo": self.telefono_fijo,
            "telefonoMovil": self.telefono_movil,
        }
        if contratante_uuid is not None:
            self._load(contratante_uuid)
        self._attach_cp_lookup()
        self._guardado = self._valores()
        mnemonics.assign(self)  # Alt-letters for every button and labelled field
        self.rfc.setFocus()

    # --- the form ------------------------------------------------------------------------------

    def _build(self) -> None:
        layout = QVBoxLayout(self)

        datos = QGroupBox("Datos del contratante")
        grid = QGridLayout(datos)
        self.rfc = _edit("rfcEdit", 13, "12 o 13 caracteres")
        self.rfc.setMaximumWidth(self.rfc.fontMetrics().horizontalAdvance("M" * 13) + 16)
        self.nombre = _edit("nombreEdit", 254)
        # Labels above their fields: the long label would push the RFC to the middle.
        for column, (text, field) in enumerate(
            (("RFC*:", self.rfc), ("Nombre, denominación o razón social*:", self.nombre))
        ):
            label = QLabel(text)
            label.setBuddy(field)
            grid.addWidget(label, 0, column)
            grid.addWidget(field, 1, column)
        self.extranjero = QCheckBox(EXTRANJERO)
        self.extranjero.setObjectName("extranjeroCheck")
        self.extranjero.setToolTip(NOTA_EXTRANJERO)
        grid.addWidget(self.extranjero, 2, 0, 1, 2)
        grid.setColumnStretch(1, 1)
        layout.addWidget(datos)

        # The código postal first: with SEPOMEX's catalogue it fills what follows it.
        domicilio = QGroupBox("Domicilio")
        grid = QGridLayout(domicilio)
        self.codigo_postal = _edit("codigoPostalEdit", 5, "5 dígitos")
        self.codigo_postal.setMaximumWidth(90)
        self.codigo_postal_aviso = QLabel()
        self.codigo_postal_aviso.setObjectName("codigoPostalAvisoLabel")
        self.codigo_postal_aviso.setWordWrap(True)
        colores.pintar(self.codigo_postal_aviso, colores.NOTA)
        self.colonia = QComboBox()  # editable: the CP's colonias to pick, or one typed
        self.colonia.setObjectName("coloniaCombo")
        self.colonia.setEditable(True)
        self.colonia.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        colonia = self.colonia.lineEdit()
        assert colonia is not None  # an editable combo box has its line
        colonia.setMaxLength(150)
        self.municipio = _edit("municipioEdit", 150)
        self.entidad = QComboBox()
        self.entidad.setObjectName("entidadCombo")
        self.entidad.addItem(ELIGE_ENTIDAD, "")
        for entidad in ENTIDADES_FEDERATIVAS:
            self.entidad.addItem(entidad, entidad)
        self.calle = _edit("calleEdit", 150)
        self.numero_exterior = _edit("numeroExteriorEdit", 30)
        self.numero_interior = _edit("numeroInteriorEdit", 30)
        etiqueta = QLabel("Código postal:")
        etiqueta.setBuddy(self.codigo_postal)
        fila_cp = QHBoxLayout()
        fila_cp.addWidget(self.codigo_postal)
        fila_cp.addWidget(self.codigo_postal_aviso, 1)  # what the catalogue found, beside it
        # With no aviso the box stays beside its label: the empty space goes to the right.
        fila_cp.addStretch(0)
        grid.addWidget(etiqueta, 0, 0)
        grid.addLayout(fila_cp, 0, 1, 1, 3)
        _row(grid, 1, "Colonia:", self.colonia, span=3)
        _row(grid, 2, "Municipio o alcaldía:", self.municipio)
        _row(grid, 2, "Entidad federativa:", self.entidad, column=2)
        _row(grid, 3, "Calle:", self.calle, span=3)
        _row(grid, 4, "Número exterior:", self.numero_exterior)
        _row(grid, 4, "Número interior:", self.numero_interior, column=2)
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(3, 1)
        layout.addWidget(domicilio)

        contacto = QGroupBox("Contacto")
        grid = QGridLayout(contacto)
        self.correo = _edit("correoEdit", 254, "contacto@empresa.com")
        self.telefono_fijo = _edit("telefonoFijoEdit", 20, "10 dígitos")
        self.telefono_movil = _edit("telefonoMovilEdit", 20, "10 dígitos")
        for telefono in (self.telefono_fijo, self.telefono_movil):
            telefono_field(telefono)  # digits and the usual separators; letters never go in
        _row(grid, 0, "Correo electrónico:", self.correo, span=3)
        _row(grid, 1, "Teléfono fijo:", self.telefono_fijo)
        _row(grid, 1, "Teléfono móvil:", self.telefono_movil, column=2)
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(3, 1)
        layout.addWidget(contacto)
        _align_columns(cast(QGridLayout, domicilio.layout()), cast(QGridLayout, contacto.layout()))

        obligatorios = QLabel(MSG_OBLIGATORIOS)
        obligatorios.setObjectName("obligatoriosLabel")
        layout.addWidget(obligatorios)
        buttons = QDialogButtonBox()
        self.guardar = QPushButton("Guardar")
        self.guardar.setObjectName("guardarButton")
        self.guardar.setDefault(True)
        self.cancelar = QPushButton("&Cancelar")  # its letter first: the form uses many
        self.cancelar.setObjectName("cancelarButton")
        buttons.addButton(self.guardar, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(self.cancelar, QDialogButtonBox.ButtonRole.RejectRole)
        self.guardar.clicked.connect(self._guardar)
        self.cancelar.clicked.connect(self.reject)
        layout.addWidget(buttons)
        self.setMinimumWidth(700)

    def _attach_cp_lookup(self) -> None:
        """The código postal bound to SEPOMEX's catalogue: five digits fill the entidad and the
        municipio and list the colonias (every field stays typeable). A contratante loaded from
        the store keeps its domicilio as saved; its CP's colonias are offered to change it."""
        from icsoe_desktop.gui.kit.codigo_postal import CodigoPostalVinculo

        self.codigo_postal_vinculo = CodigoPostalVinculo(
            self._services.codigos_postales,
            self.codigo_postal,
            self.entidad,
            self.municipio,
            self.colonia,
            self.codigo_postal_aviso,
        )
        self.codigo_postal_vinculo.consultar(llenar=False)

    def _load(self, uuid: str) -> None:
        try:
            filas = self._services.informativas.contratantes(self._rfc, self._actor)
        except DomainError as exc:
            msgbox.warning(self, exc.message, TITLE)
            return
        fila = next((f for f in filas if f.uuid == uuid), None)
        if fila is None:
            msgbox.warning(self, MSG_INEXISTENTE, TITLE)
            self.contratante_uuid = None
            self.setWindowTitle(TITLE_NUEVO)
            return
        parte = fila.parte
        d = parte.domicilio
        self.rfc.setText(parte.rfc)
        self.nombre.setText(parte.nombre)
        self.calle.setText(d.calle)
        self.numero_exterior.setText(d.numero_exterior)
        self.numero_interior.setText(d.numero_interior)
        self.codigo_postal.setText(d.codigo_postal)
        self.colonia.setEditText(d.colonia)
        self.municipio.setText(d.municipio)
        if d.entidad and self.entidad.findData(d.entidad) < 0:
            self.entidad.addItem(d.entidad, d.entidad)  # written otherwise elsewhere: kept
        self.entidad.setCurrentIndex(max(0, self.entidad.findData(d.entidad)))
        self.correo.setText(parte.correo)
        self.telefono_fijo.setText(parte.telefono_fijo)
        self.telefono_movil.setText(parte.telefono_movil)
        self.extranjero.setChecked(fila.extranjero)

    def parte(self) -> Parte:
        return Parte(
            rfc=self.rfc.text(),
            nombre=self.nombre.text(),
            domicilio=Domicilio(
                calle=self.calle.text(),
                numero_exterior=self.numero_exterior.text(),
                numero_interior=self.numero_interior.text(),
                colonia=self.colonia.currentText(),
                codigo_postal=self.codigo_postal.text(),
                municipio=self.municipio.text(),
                entidad=str(self.entidad.currentData() or ""),
            ),
            correo=self.correo.text(),
            telefono_fijo=self.telefono_fijo.text(),
            telefono_movil=self.telefono_movil.text(),
        )

    def _valores(self) -> tuple[Parte, bool]:
        return self.parte(), self.extranjero.isChecked()

    def cambios(self) -> bool:
        return self._valores() != self._guardado

    # --- Guardar, closing ----------------------------------------------------------------------

    def _guardar(self) -> bool:
        try:
            uuid, avisos = self._services.informativas.guardar_contratante(
                self._rfc,
                self._actor,
                self.parte(),
                self.contratante_uuid,
                extranjero=self.extranjero.isChecked(),
            )
        except ValidationError as exc:
            msgbox.field_error(self, exc, self._fields, TITLE, fallback=self.rfc)
            return False
        except DomainError as exc:
            msgbox.warning(self, exc.message, TITLE)
            return False
        self.contratante_uuid, self.avisos = uuid, avisos
        self._guardado = self._valores()
        if avisos:  # saved all the same: told after, never blocking
            aviso = (
                msgbox.information if all(isinstance(a, Nota) for a in avisos) else msgbox.warning
            )
            aviso(self, "\n\n".join(avisos), TITLE)
        self.accept()
        return True

    def guardar_cambios(self) -> bool:
        return self._guardar()


def _align_columns(*grids: QGridLayout) -> None:
    """The label columns of several groups as wide as their widest label: fields line up."""
    for column in (0, 2):
        width = max(
            (label.sizeHint().width() for grid in grids for label in _etiquetas(grid, column)),
            default=0,
        )
        for grid in grids:
            grid.setColumnMinimumWidth(column, width)


def _etiquetas(grid: QGridLayout, column: int) -> Iterator[QLabel]:
    """The labels in ``column`` of ``grid`` (found by their place: ``disposicion.py``)."""
    for i, control in controles(grid).items():
        _fila, columna, _filas, _columnas = cast(
            "tuple[int, int, int, int]", grid.getItemPosition(i)
        )
        if columna == column and isinstance(control, QLabel):
            yield control


def _edit(name: str, max_length: int, placeholder: str = "") -> QLineEdit:
    edit = QLineEdit()
    edit.setObjectName(name)
    edit.setMaxLength(max_length)
    if placeholder:
        edit.setPlaceholderText(placeholder)
    return edit


def _row(
    grid: QGridLayout, row: int, text: str, field: QWidget, column: int = 0, span: int = 1
) -> QLabel:
    """A label and its field; the label is the field's buddy (its Alt-letter focuses it)."""
    label = QLabel(text)
    label.setBuddy(field)
    grid.addWidget(label, row, column)
    grid.addWidget(field, row, column + 1, 1, span)
    return label

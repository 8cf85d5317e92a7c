"""A código postal field bound to SEPOMEX's catalogue (services/catalogos/codigos_postales.py).

Five digits typed in the CP fill the entidad and the municipio and turn the colonia into a list
of the CP's colonias, still editable (a new colonia may be missing from the catalogue). An
unknown CP, or no catalogue at all, is said in one line beside the field, and every field stays
typeable: the catalogue helps the clerk, it never decides for them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QStringListModel, Qt
from PySide6.QtWidgets import QComboBox, QCompleter, QLabel, QLineEdit, QWidget

from icsoe_desktop.domain.texts import plural

if TYPE_CHECKING:
    from icsoe_desktop.services.catalogos.codigos_postales import (
        CodigosPostalesService,
        ResultadoCP,
    )

MSG_NO_ENCONTRADO = "Código postal no encontrado en el catálogo; captura los datos."
MSG_SIN_CATALOGO = "Sin catálogo de códigos postales: captúralos a mano."


class CodigoPostalVinculo(QObject):
    """Binds ``codigo_postal`` to the other fields of one domicilio.

    ``entidad``: a QComboBox whose items carry the entidad as data or text (as the app's
    ENTIDADES_FEDERATIVAS spell it), or a QLineEdit. ``colonia``: an editable QComboBox (its
    items become the CP's colonias) or a QLineEdit (the colonias are offered as it is typed).
    ``aviso``: the label beside the CP that says what the catalogue found."""

    def __init__(
        self,
        servicio: CodigosPostalesService,
        codigo_postal: QLineEdit,
        entidad: QComboBox | QLineEdit,
        municipio: QLineEdit,
        colonia: QComboBox | QLineEdit,
        aviso: QLabel,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent or codigo_postal)
        self._servicio = servicio
        self.codigo_postal = codigo_postal
        self.entidad = entidad
        self.municipio = municipio
        self.colonia = colonia
        self.aviso = aviso
        self.resultado: ResultadoCP | None = None
        self._anterior: ResultadoCP | None = None  # the last CP found, whose colonias were offered
        # What this binding wrote, so a CP changed to an unknown one takes back only that and
        # never what the clerk typed.
        self._escrito: dict[QWidget, str] = {}
        self._completer: QCompleter | None = None
        # The CP the colonia was written under: a CP changed since makes it the previous CP's.
        self._cp_colonia = _cp_completo(codigo_postal.text()) if _valor(colonia).strip() else ""
        if isinstance(colonia, QLineEdit):
            self._completer = QCompleter(QStringListModel(self), colonia)
            self._completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
            self._completer.setFilterMode(Qt.MatchFlag.MatchContains)
            colonia.setCompleter(self._completer)
        self._decir("")
        # Once a colonia is chosen, the hint stops asking for one.
        texto_colonia = (
            colonia.editTextChanged if isinstance(colonia, QComboBox) else colonia.textChanged
        )
        texto_colonia.connect(self._on_colonia)
        # textEdited: what the clerk types or pastes; a CP loaded from the store fills nothing.
        codigo_postal.textEdited.connect(self._on_editado)

    def consultar(self, llenar: bool = True) -> ResultadoCP | None:
        """Look the CP up and offer its colonias; ``llenar=False`` (a domicilio loaded from the
        store) keeps the entidad, municipio and colonia as they are."""
        cp = _cp_completo(self.codigo_postal.text())
        if not cp:
            # Incomplete: nothing to say yet, and the fields stay until the CP is whole.
            self.resultado = None
            self._ofrecer(())
            self._decir("")
            return None
        resultado = self._servicio.buscar(cp)
        self.resultado = resultado
        self._ofrecer(resultado.colonias if resultado else ())
        if llenar:
            self._colonia_para(resultado)
            if resultado is None:
                self._retirar()
            else:
                self._poner_entidad(resultado.entidad)
                self._escribir(self.municipio, resultado.municipio)
        if resultado is not None:
            self._anterior = resultado
            self._decir_encontrado()
        elif self._servicio.estado().cargado:
            self._decir(MSG_NO_ENCONTRADO)
        else:
            self._decir(MSG_SIN_CATALOGO)
        return resultado

    # --- internals -----------------------------------------------------------------------------

    def _on_editado(self, _texto: str) -> None:
        self.consultar(llenar=True)

    def _on_colonia(self, texto: str) -> None:
        self._cp_colonia = _cp_completo(self.codigo_postal.text()) if texto.strip() else ""
        self._decir_encontrado()

    def _decir(self, texto: str) -> None:
        self.aviso.setText(texto)
        self.aviso.setVisible(bool(texto))  # no empty line under the CP

    def _decir_encontrado(self) -> None:
        resultado = self.resultado
        if resultado is None:
            return
        colonias = len(resultado.colonias)
        elegir = colonias > 1 and not _valor(self.colonia).strip()
        self._decir(
            f"{resultado.municipio}, {resultado.entidad} ({plural(colonias, 'colonia')})"
            + (": elige la colonia en la lista." if elegir else ".")
        )

    def _retirar(self) -> None:
        """An unknown CP: the entidad and municipio this binding wrote for the previous one go
        (unless the clerk changed them since)."""
        for widget, valor in list(self._escrito.items()):
            if widget is not self.colonia and _valor(widget) == valor:
                if isinstance(widget, QComboBox) and not widget.isEditable():
                    widget.setCurrentIndex(max(0, widget.findData("")))
                else:
                    _poner_texto(widget, "")
        self._escrito.clear()

    def _colonia_para(self, resultado: ResultadoCP | None) -> None:
        """A colonia taken from the previous CP's list (or filled) gives way to the new CP's;
        one the clerk typed under this CP (or before any) stays, in the catalogue's spelling when
        the new CP has it; one typed under another CP goes with it."""
        actual = _valor(self.colonia).strip()
        anterior = self._anterior
        del_catalogo = bool(actual) and (
            actual == self._escrito.get(self.colonia)
            or (anterior is not None and anterior.colonia(actual) is not None)
        )
        # Typed under another whole CP: the previous CP's colonia, whoever wrote it.
        de_otro_cp = self._cp_colonia not in ("", _cp_completo(self.codigo_postal.text()))
        escrita = resultado.colonia(actual) if resultado and actual else None
        if escrita is not None:
            self._escribir(self.colonia, escrita)
        elif not actual or del_catalogo or de_otro_cp:
            unica = resultado.colonias[0] if resultado and len(resultado.colonias) == 1 else ""
            self._escribir(self.colonia, unica)

    def _ofrecer(self, colonias: tuple[str, ...]) -> None:
        if isinstance(self.colonia, QComboBox):
            texto = self.colonia.currentText()
            self.colonia.blockSignals(True)
            self.colonia.clear()
            self.colonia.addItems(list(colonias))
            self.colonia.setCurrentIndex(-1)
            self.colonia.setEditText(texto)  # clear() and addItems() change the text typed
            self.colonia.blockSignals(False)
        elif self._completer is not None:
            model = self._completer.model()
            assert isinstance(model, QStringListModel)
            model.setStringList(list(colonias))

    def _poner_entidad(self, entidad: str) -> None:
        if isinstance(self.entidad, QComboBox):
            indice = self.entidad.findData(entidad)
            if indice < 0:
                indice = self.entidad.findText(entidad)
            if indice >= 0:
                self.entidad.setCurrentIndex(indice)
                self._escrito[self.entidad] = _valor(self.entidad)
            return
        self._escribir(self.entidad, entidad)

    def _escribir(self, widget: QComboBox | QLineEdit, valor: str) -> None:
        _poner_texto(widget, valor)
        self._escrito[widget] = valor


def _cp_completo(texto: str) -> str:
    """The CP when it is whole (five digits), else ""."""
    cp = texto.strip()
    return cp if len(cp) == 5 and cp.isascii() and cp.isdigit() else ""


def _valor(widget: QWidget) -> str:
    if isinstance(widget, QComboBox):
        return widget.currentText() if widget.isEditable() else str(widget.currentData() or "")
    assert isinstance(widget, QLineEdit)
    return widget.text()


def _poner_texto(widget: QWidget, valor: str) -> None:
    if isinstance(widget, QComboBox):
        widget.setEditText(valor)
    else:
        assert isinstance(widget, QLineEdit)
        widget.setText(valor)


__all__ = ["MSG_NO_ENCONTRADO", "MSG_SIN_CATALOGO", "CodigoPostalVinculo"]

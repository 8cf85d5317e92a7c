"""Small behaviours shared by several windows: a new password typed twice under its policy, a
one-use code's field, the file pickers of the credential files, and a label that gives way with
its «(RFC)» whole (the status bar's empresa). «Mostrar contraseña» is mostrar_contrasena.py."""

from __future__ import annotations

import weakref
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QSize, QTimer
from PySide6.QtWidgets import QCheckBox, QLabel, QLineEdit, QPushButton, QWidget

from icsoe_desktop.gui.kit.mostrar_contrasena import bind_show_password

if TYPE_CHECKING:
    # Annotations only: building these event classes when the module loads costs ~1 M
    # instructions wherever it loads first (bench/startup.py --instructions).
    from PySide6.QtGui import QResizeEvent, QShowEvent

# The e.firma's two files, as every window that asks for them names them.
EFIRMA_CER_FILTER = "Certificado de la e.firma (*.cer)"
EFIRMA_KEY_FILTER = "Llave privada de la e.firma (*.key)"
# The tables every import reads (services/archivos/lectura/): workbooks of Excel (2007 on,
# 97-2003, binary) and LibreOffice, and CSV.
TABLAS = "*.xlsx *.xls *.xlsb *.ods *.csv"


def new_password_fields(
    form: QWidget, policy_intro: str = "La contraseña debe:\n"
) -> tuple[QLineEdit, QLineEdit, QCheckBox]:
    """A new password typed twice (``contrasenaEdit``, ``confirmacionEdit``), its «Mostrar
    contraseña» (``mostrarContrasenaCheck``) bound to both, and the policy shown in
    ``politicaLabel``: the forms of Regístrate aquí, Restablecer contraseña and Crear
    contraseña. The service checks the password (domain/passwords.py)."""
    from icsoe_desktop.domain.passwords import POLICY_TEXT
    from icsoe_desktop.gui.kit.forms import child

    child(form, QLabel, "politicaLabel").setText(policy_intro + POLICY_TEXT)
    contrasena = child(form, QLineEdit, "contrasenaEdit")
    confirmacion = child(form, QLineEdit, "confirmacionEdit")
    mostrar = child(form, QCheckBox, "mostrarContrasenaCheck")
    bind_show_password(mostrar, contrasena, confirmacion)
    return contrasena, confirmacion, mostrar


def telefono_field(edit: QLineEdit) -> None:
    """A phone number's field takes what a number is written with (digits, spaces, dashes,
    parentheses, a leading +): a letter typed there, or an Alt-letter that reached it, is not
    taken. The service still checks the ten digits (domain/contacto.py)."""
    from PySide6.QtCore import QRegularExpression
    from PySide6.QtGui import QRegularExpressionValidator

    edit.setValidator(QRegularExpressionValidator(QRegularExpression(r"\+?[0-9 ()./-]*"), edit))


def bind_code_field(edit: QLineEdit) -> None:
    """A one-use code's field: shown as the mail shows it («ABCDE-FGHIJ»), whether typed
    without the dash, in small letters or pasted with the whole link."""
    import shiboken6

    from icsoe_desktop.domain.activation_link import code_from_text
    from icsoe_desktop.domain.tokens import format_code

    edit.setPlaceholderText("XXXXX-XXXXX")

    def tidy() -> None:
        if not shiboken6.isValid(edit):  # focus lost while the window is being destroyed
            return
        shown = format_code(code_from_text(edit.text()))
        if shown != edit.text():
            edit.setText(shown)

    edit.editingFinished.connect(tidy)
    tidy()


class FilePicker(QObject):
    """A read-only path field and its «Elegir…» button (the .cer, .key and .pfx of Certificados
    IMSS, Ingresa con firma electrónica and Generar .pfx): the button opens the file dialog with this
    field's filter and hands the chosen path to ``on_chosen`` (which the window's tests also call
    directly, bypassing the native dialog); by default the path just goes into the field."""

    def __init__(
        self,
        edit: QLineEdit,
        button: QPushButton,
        caption: str,
        file_filter: str,
        on_chosen: Callable[[str], None] | None = None,
        *,
        archivo: str = "",
    ) -> None:
        """``archivo``: the file as said after the button's verb («el certificado», «la llave
        privada»), for the screen reader to tell the window's «Elegir archivo…» apart."""
        super().__init__(button)
        self.edit = edit
        self._caption = caption
        self._filter = file_filter
        # Weakly: a strong reference from this child back to the window would keep a closed
        # window alive (and its close-time checks running) after its last user let it go.
        self._on_chosen = weakref.WeakMethod(on_chosen) if on_chosen else lambda: edit.setText
        # Under a group's title («e.firma») the field would be named by it: the file's kind says
        # which one it is, and how it is filled.
        if not edit.accessibleName():
            edit.setAccessibleName(caption)
        boton = button.text().replace("&", "")
        edit.setAccessibleDescription(f"La ruta del archivo elegido con «{boton}».")
        if archivo and not button.accessibleName():
            button.setAccessibleName(nombre_del_boton(button.text(), archivo))
        button.clicked.connect(self.choose)

    def choose(self) -> None:
        # Not loaded with the login (start-up).
        from icsoe_desktop.gui.kit.elegir_archivo import abrir_archivo

        path, _ = abrir_archivo(self.edit.window(), self._caption, "", self._filter)
        on_chosen = self._on_chosen()
        if path and on_chosen is not None:
            # Qt answers with «/»; the field shows the path as Windows writes it (C:\…).
            on_chosen(str(Path(path)))

    def path(self) -> Path | None:
        """The chosen file, or None when none was chosen (the service says what is missing)."""
        text = self.edit.text()
        return Path(text) if text else None


# The texts of a file button that say only the act, not which file: named with the file.
_SOLO_EL_ACTO = {"elegir", "elegir archivo", "buscar", "examinar"}


def nombre_del_boton(texto: str, archivo: str) -> str:
    """What a screen reader says for a file button: «Elegir archivo…» with «el certificado»
    is «Elegir archivo del certificado…», «Buscar…» with «la llave privada» is «Buscar la
    llave privada…». A text that already names its file is said as written."""
    from icsoe_desktop.gui.kit.nombres import limpio

    acto = limpio(texto).removesuffix("…").strip()
    if acto.lower() not in _SOLO_EL_ACTO:
        return limpio(texto)
    if acto.lower().endswith("archivo"):
        archivo = "del " + archivo[3:] if archivo.startswith("el ") else "de " + archivo
    return f"{acto} {archivo}…"


def efirma_pickers(
    certificado: QLineEdit,
    certificado_button: QPushButton,
    llave: QLineEdit,
    llave_button: QPushButton,
) -> tuple[FilePicker, FilePicker]:
    """The e.firma's .cer and .key pickers (Ingresa con firma electrónica, Firmar la informativa,
    Generar .pfx)."""
    return (
        FilePicker(
            certificado,
            certificado_button,
            "Certificado (.cer)",
            EFIRMA_CER_FILTER,
            archivo="el certificado",
        ),
        FilePicker(
            llave,
            llave_button,
            "Llave privada (.key)",
            EFIRMA_KEY_FILTER,
            archivo="la llave privada",
        ),
    )


class EtiquetaRecortable(QLabel):
    """A label that gives way when its row is short of room (the status bar at 200 %): the
    text before its last «(…)» is cut with «…», the «(…)» (an RFC) always whole; the whole
    text stays in its tooltip and is what a screen reader says."""

    def __init__(self, texto: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        from PySide6.QtWidgets import QSizePolicy

        self._completo = ""
        # It asks for its whole text, and takes less when the row has not that much.
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        self.set_texto(texto)

    def set_texto(self, texto: str) -> None:
        self._completo = texto
        self.setToolTip(texto)
        self.setAccessibleName(texto)
        # Whole until its row is laid out again for it (posted): then cut if it must.
        super().setText(texto)
        self.updateGeometry()
        QTimer.singleShot(0, self, self._recortar)

    def texto_completo(self) -> str:
        return self._completo

    def sizeHint(self) -> QSize:
        ancho = self.fontMetrics().horizontalAdvance(self._completo)
        return QSize(ancho + 2 * self.margin() + 2, super().sizeHint().height())

    def minimumSizeHint(self) -> QSize:
        _cabeza, cola = self._partes()
        ancho = self.fontMetrics().horizontalAdvance(f"… {cola}".strip())
        return QSize(ancho + 2 * self.margin() + 2, super().minimumSizeHint().height())

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._recortar()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._recortar()

    def _partes(self) -> tuple[str, str]:
        corte = self._completo.rfind(" (")
        if corte < 0 or not self._completo.endswith(")"):
            return self._completo, ""
        return self._completo[:corte], self._completo[corte + 1 :]

    def _recortar(self) -> None:
        from PySide6.QtCore import Qt

        metricas = self.fontMetrics()
        disponible = self.contentsRect().width() - 2 * self.margin()
        if not self.isVisible() or metricas.horizontalAdvance(self._completo) <= disponible:
            super().setText(self._completo)
            return
        cabeza, cola = self._partes()
        resto = disponible - metricas.horizontalAdvance(f" {cola}" if cola else "")
        recortada = metricas.elidedText(cabeza, Qt.TextElideMode.ElideRight, max(resto, 0))
        super().setText(f"{recortada} {cola}".strip() if cola else recortada)

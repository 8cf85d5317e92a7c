"""Abrir con el código de recuperación: at start-up, when the OS keyring lost the stores' key and
the sealed key is beside them, the administrator types the printed code; the key goes back to
the keyring and the start-up goes on to the login. A wrong code is said and may be typed again."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QDialog, QLabel, QVBoxLayout, QWidget

from icsoe_desktop.domain.errors import DomainError
from icsoe_desktop.gui.kit import mnemonics, msgbox
from icsoe_desktop.gui.kit.botonera import hacer_o_cancelar
from icsoe_desktop.gui.kit.campo_codigo import campo_codigo
from icsoe_desktop.services import recuperacion_almacen

TITLE = "Abrir con el código de recuperación"
EXPLICA = (
    "La llave con la que se cifraron las bases de datos de la carpeta de datos «{carpeta}» no "
    "está en el llavero del sistema (se restableció el perfil de Windows, o la carpeta viene de "
    "otro equipo o usuario). Escribe o pega el código de recuperación de esta carpeta, el que "
    "su administrador imprimió: 6 grupos de 4 letras o números; los guiones y espacios no "
    "importan."
)
EXPLICA_OTRA = (
    "La carpeta de datos «{carpeta}» está cifrada con otra llave que la que tiene el llavero "
    "del sistema (sus archivos no están dañados). Escribe o pega el código de recuperación de "
    "esta carpeta, el que su administrador imprimió: 6 grupos de 4 letras o números; los "
    "guiones y espacios no importan."
)
# The opening's refusals this dialog answers (services/llave_almacen.py).
CODIGOS = ("sin_llave_almacen", "llave_almacen_otra")


class CodigoRecuperacionDialog(QDialog):
    """Accepted once the code restored the key in the keyring; «Salir» rejects."""

    def __init__(
        self, data_dir: Path, parent: QWidget | None = None, *, otra_llave: bool = False
    ) -> None:
        super().__init__(parent)
        self.setObjectName("CodigoRecuperacionDialog")
        self.setWindowTitle(TITLE)
        self._data_dir = data_dir
        layout = QVBoxLayout(self)
        texto = EXPLICA_OTRA if otra_llave else EXPLICA
        self.explica = explica = QLabel(texto.format(carpeta=data_dir), self)
        explica.setWordWrap(True)
        layout.addWidget(explica)
        self.codigo, self.mostrar = campo_codigo(self, layout)
        layout.addStretch(1)
        self.abrir, self.salir = hacer_o_cancelar(
            self, layout, "&Abrir", "abrirButton", self._abrir
        )
        self.salir.setText("&Salir")
        self.salir.setObjectName("salirButton")
        self.resize(520, 240)
        mnemonics.decir_letras(self)

    def _abrir(self) -> None:
        try:
            recuperacion_almacen.recuperar(self._data_dir, self.codigo.text())
        except DomainError as exc:
            msgbox.error(self, exc.message, TITLE)
            self.codigo.selectAll()
            self.codigo.setFocus()
            return
        self.accept()


def ofrecer(exc: BaseException, data_dir: Path, parent: QWidget | None) -> bool | None:
    """When ``exc`` is the keyring's missing key and the sealed key is there: the dialog, and
    whether the key is back in the keyring (False: «Salir»); None: not offered."""
    from icsoe_desktop.services.llave_almacen import LlaveAlmacenFaltante

    if not isinstance(exc, LlaveAlmacenFaltante) or exc.code not in CODIGOS:
        return None
    if recuperacion_almacen.leer(data_dir) is None and not recuperacion_almacen.apartados(data_dir):
        return None
    from icsoe_desktop.gui.kit.modal import ejecutar_modal

    dialogo = CodigoRecuperacionDialog(
        data_dir, parent, otra_llave=exc.code == "llave_almacen_otra"
    )
    return ejecutar_modal(dialogo) == QDialog.DialogCode.Accepted.value


__all__ = ["CodigoRecuperacionDialog", "ofrecer"]

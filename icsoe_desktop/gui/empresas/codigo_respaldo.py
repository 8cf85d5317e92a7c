"""Restaurar con el código de recuperación: a backup made on another installation (another PC,
Windows reinstalled) is keyed from that installation's recovery code (services/respaldo/llave.py);
the administrator types it here. The code is tried on the file before the restore starts: a
wrong one is said and may be typed again (a file cut short is said by the restore, not taken
for a wrong code); «Cancelar» restores nothing."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QDialog, QLabel, QVBoxLayout, QWidget

from icsoe_desktop.gui.kit import mnemonics, msgbox
from icsoe_desktop.gui.kit.botonera import hacer_o_cancelar
from icsoe_desktop.gui.kit.campo_codigo import campo_codigo
from icsoe_desktop.services import recuperacion_almacen
from icsoe_desktop.services.respaldo.backup import MSG_CODIGO_INCORRECTO, codigo_equivocado

TITLE = "Restaurar con el código de recuperación"
EXPLICA = (
    "El respaldo «{nombre}» se hizo en otra instalación (otro equipo, o Windows reinstalado) y "
    "está cifrado con el código de recuperación de esa instalación. Escribe o pega ese código, "
    "el que imprimió su administrador: 6 grupos de 4 letras o números; los guiones y espacios "
    "no importan. Lo restaurado se cifra con la llave de esta instalación."
)


class CodigoRespaldoDialog(QDialog):
    """Accepted with ``codigo`` once the code opens the backup; «Cancelar» rejects."""

    def __init__(self, respaldo: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("CodigoRespaldoDialog")
        self.setWindowTitle(TITLE)
        self._respaldo = respaldo
        self.codigo_aceptado = ""
        layout = QVBoxLayout(self)
        explica = QLabel(EXPLICA.format(nombre=respaldo.name), self)
        explica.setObjectName("explicaLabel")
        explica.setWordWrap(True)
        layout.addWidget(explica)
        self.codigo, self.mostrar = campo_codigo(self, layout)
        layout.addStretch(1)
        self.restaurar, self.cancelar = hacer_o_cancelar(
            self, layout, "&Restaurar", "restaurarButton", self._probar
        )
        self.cancelar.setText("C&ancelar")
        self.resize(540, 250)
        mnemonics.decir_letras(self)

    def _probar(self) -> None:
        escrito = self.codigo.text()
        if recuperacion_almacen.normalizar(escrito) is None:
            mensaje = recuperacion_almacen.MSG_MAL_ESCRITO.format(
                grupos=recuperacion_almacen.GRUPOS, largo=recuperacion_almacen.LARGO_GRUPO
            )
        elif codigo_equivocado(self._respaldo, escrito):
            mensaje = MSG_CODIGO_INCORRECTO.format(nombre=self._respaldo.name)
        else:
            self.codigo_aceptado = escrito
            self.accept()
            return
        msgbox.error(self, mensaje, TITLE)
        self.codigo.selectAll()
        self.codigo.setFocus()


__all__ = ["TITLE", "CodigoRespaldoDialog"]

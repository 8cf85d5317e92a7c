"""The recovery code's field, shared by the start-up's «Abrir con el código de recuperación» and
the restore of another installation's backup: hidden as typed (it opens every store), pasting
works, «Mostrar el código» to check what was typed."""

from __future__ import annotations

from PySide6.QtWidgets import QCheckBox, QLabel, QLineEdit, QVBoxLayout, QWidget

from icsoe_desktop.gui.kit.nombres import nombrar_por_etiquetas


def campo_codigo(dialog: QWidget, layout: QVBoxLayout) -> tuple[QLineEdit, QCheckBox]:
    """The code's field (hidden as typed, pasting works) and «Mostrar el código», added to
    ``layout``."""
    etiqueta = QLabel("&Código de recuperación:", dialog)
    codigo = QLineEdit(dialog)
    codigo.setObjectName("codigoEdit")
    codigo.setEchoMode(QLineEdit.EchoMode.Password)
    codigo.setMaxLength(60)
    codigo.setPlaceholderText("XXXX-XXXX-XXXX-XXXX-XXXX-XXXX")
    etiqueta.setBuddy(codigo)
    nombrar_por_etiquetas([etiqueta])
    layout.addWidget(etiqueta)
    layout.addWidget(codigo)
    mostrar = QCheckBox("&Mostrar el código", dialog)
    mostrar.setObjectName("mostrarCheck")
    mostrar.toggled.connect(
        lambda visible: codigo.setEchoMode(
            QLineEdit.EchoMode.Normal if visible else QLineEdit.EchoMode.Password
        )
    )
    layout.addWidget(mostrar)
    return codigo, mostrar

"""Configuración › Empresas por usuario (administrators): in which empresas each IDSE user
may work. Administrators work in every one; each grant or removal is audited."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from icsoe_desktop.domain.errors import DomainError
from icsoe_desktop.gui import msgbox
from icsoe_desktop.gui.geometria import centrar

if TYPE_CHECKING:
    from icsoe_desktop.services.container import Services

TITLE = "Empresas por usuario"
MSG_GUARDADO = "Se guardaron las empresas en que puede trabajar {usuario}."
MSG_ADMINISTRADOR = "Es administrador: trabaja en todas las empresas."
_ROLE = Qt.ItemDataRole.UserRole


class EmpresasPorUsuarioDialog(QDialog):
    def __init__(self, services: Services, actor: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("EmpresasPorUsuarioDialog")
        self.setWindowTitle(TITLE)
        self._services, self._actor = services, actor
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.usuario = QComboBox()
        self.usuario.setObjectName("usuarioCombo")
        self.usuario.setMinimumWidth(320)
        form.addRow("Usuario:", self.usuario)
        layout.addLayout(form)
        self.nota = QLabel("")
        self.nota.setObjectName("notaLabel")
        layout.addWidget(self.nota)
        self.lista = QListWidget()
        self.lista.setObjectName("empresasList")
        self.lista.setMinimumSize(420, 220)
        layout.addWidget(self.lista)
        buttons = QDialogButtonBox()
        self.guardar = QPushButton("Guardar")
        self.guardar.setObjectName("guardarButton")
        self.guardar.setDefault(True)
        cerrar = QPushButton("Cerrar")
        cerrar.setObjectName("cerrarButton")
        buttons.addButton(self.guardar, QDialogButtonBox.ButtonRole.ApplyRole)
        buttons.addButton(cerrar, QDialogButtonBox.ButtonRole.RejectRole)
        layout.addWidget(buttons)
        self._admins: set[str] = set()
        for user in services.accounts.list_users():
            self.usuario.addItem(f"{user.nombre_completo} ({user.usuario})", user.usuario)
            if user.administrador:
                self._admins.add(user.usuario)
        self.usuario.currentIndexChanged.connect(lambda _i: self._fill())
        self.guardar.clicked.connect(self._guardar)
        cerrar.clicked.connect(self.reject)
        self._fill()
        self.adjustSize()  # sized by its contents, then centred
        centrar(self, parent)  # fits the screen, centred on its window

    def _selected(self) -> str:
        return str(self.usuario.currentData() or "")

    def _fill(self) -> None:
        usuario = self._selected()
        granted = self._services.empresas.accesos(usuario) if usuario else set()
        admin = usuario in self._admins
        self.nota.setText(MSG_ADMINISTRADOR if admin else "Marca las empresas en que trabaja:")
        self.lista.clear()
        for empresa in self._services.empresas.listar():
            item = QListWidgetItem(empresa.etiqueta)
            item.setData(_ROLE, empresa.id)
            checked = admin or empresa.id in granted
            item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
            if admin:
                item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEnabled)
            self.lista.addItem(item)
        self.guardar.setEnabled(bool(usuario) and not admin)

    def _guardar(self) -> None:
        usuario = self._selected()
        granted = self._services.empresas.accesos(usuario)
        try:
            for row in range(self.lista.count()):
                item = self.lista.item(row)
                empresa_id = int(item.data(_ROLE))
                checked = item.checkState() == Qt.CheckState.Checked
                if checked and empresa_id not in granted:
                    self._services.empresas.conceder(usuario, empresa_id, self._actor)
                elif not checked and empresa_id in granted:
                    self._services.empresas.retirar(usuario, empresa_id, self._actor)
        except DomainError as exc:
            msgbox.warning(self, exc.message, TITLE)
            self._fill()
            return
        msgbox.information(self, MSG_GUARDADO.format(usuario=usuario), TITLE)
        self._fill()

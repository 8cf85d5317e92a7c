"""Configuración › Empresas por usuario (administrators): in which empresas each IDSE user
may work. Administrators work in every one; each grant or removal is audited. Enter saves;
empresas ticked and not saved are asked about before closing or showing another user."""

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
from icsoe_desktop.gui.kit import mnemonics, msgbox
from icsoe_desktop.gui.kit.cambios import PreguntaAlCerrar, puede_cerrar
from icsoe_desktop.gui.kit.geometria import centrar
from icsoe_desktop.gui.kit.lector import describir_lista

if TYPE_CHECKING:
    from icsoe_desktop.services.container import Services

TITLE = "Empresas por usuario"
MSG_GUARDADO = "Se guardaron las empresas en que puede trabajar {usuario}."
MSG_ADMINISTRADOR = "Es administrador: trabaja en todas las empresas."
_ROLE = Qt.ItemDataRole.UserRole


class EmpresasPorUsuarioDialog(PreguntaAlCerrar, QDialog):
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
        self.lista.setAccessibleName("Empresas")
        describir_lista(self.lista, "Las empresas de la instalación, una por fila")
        self.lista.setMinimumSize(420, 220)
        layout.addWidget(self.lista)
        buttons = QDialogButtonBox()
        self.guardar = QPushButton("Guardar")
        self.guardar.setObjectName("guardarButton")
        self.guardar.setDefault(True)
        self.cerrar = cerrar = QPushButton("Cerrar")
        cerrar.setObjectName("cerrarButton")
        cerrar.setAutoDefault(False)  # focused or not, Enter saves: it never discards
        buttons.addButton(self.guardar, QDialogButtonBox.ButtonRole.ApplyRole)
        buttons.addButton(cerrar, QDialogButtonBox.ButtonRole.RejectRole)
        layout.addWidget(buttons)
        self._admins: set[str] = set()
        self._mostrado = ""  # the user whose empresas the list shows
        self._guardadas: set[int] = set()  # what is stored for that user
        for user in services.accounts.listar():
            self.usuario.addItem(f"{user.nombre_completo} ({user.usuario})", user.usuario)
            if user.administrador:
                self._admins.add(user.usuario)
        self.usuario.currentIndexChanged.connect(lambda _i: self._on_usuario())
        self.guardar.clicked.connect(self._guardar)
        cerrar.clicked.connect(self.reject)
        self._fill()
        mnemonics.assign(self)  # Alt-letters for every button and labelled field
        self.adjustSize()  # sized by its contents, then centred
        centrar(self, parent)  # fits the screen, centred on its window

    def _selected(self) -> str:
        return str(self.usuario.currentData() or "")

    def _marcadas(self) -> set[int]:
        items = (self.lista.item(row) for row in range(self.lista.count()))
        return {int(i.data(_ROLE)) for i in items if i.checkState() == Qt.CheckState.Checked}

    def cambios(self) -> bool:
        """Empresas ticked or unticked and not saved (an administrator's are not editable)."""
        return (
            bool(self._mostrado)
            and self._mostrado not in self._admins
            and (self._marcadas() != self._guardadas)
        )

    def _fill(self) -> None:
        usuario = self._mostrado = self._selected()
        granted = self._services.accesos.accesos(usuario) if usuario else set()
        admin = usuario in self._admins
        self.nota.setText(MSG_ADMINISTRADOR if admin else "Marca las empresas en que trabaja:")
        self.lista.clear()
        for empresa in self._services.empresas.listar():
            item = QListWidgetItem(empresa.marcada(empresa.etiqueta))
            item.setData(_ROLE, empresa.id)
            checked = admin or empresa.id in granted
            item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
            if admin:
                item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEnabled)
            self.lista.addItem(item)
        self._guardadas = self._marcadas()
        self.guardar.setEnabled(bool(usuario) and not admin)

    def _on_usuario(self) -> None:
        """Another user chosen: what was ticked for the one shown is asked about first."""
        elegido = self._selected()
        if elegido == self._mostrado:
            return
        if self.cambios():
            self._mostrar_usuario(self._mostrado)  # the list still shows the earlier user's
            if not puede_cerrar(self, True, self._guardar):
                return
            self._mostrar_usuario(elegido)
        self._fill()

    def _mostrar_usuario(self, usuario: str) -> None:
        self.usuario.blockSignals(True)
        self.usuario.setCurrentIndex(self.usuario.findData(usuario))
        self.usuario.blockSignals(False)

    def _guardar(self) -> bool:
        usuario = self._mostrado
        granted = self._services.accesos.accesos(usuario)
        try:
            for row in range(self.lista.count()):
                item = self.lista.item(row)
                empresa_id = int(item.data(_ROLE))
                checked = item.checkState() == Qt.CheckState.Checked
                if checked and empresa_id not in granted:
                    self._services.accesos.conceder(usuario, empresa_id, self._actor)
                elif not checked and empresa_id in granted:
                    self._services.accesos.retirar(usuario, empresa_id, self._actor)
        except DomainError as exc:
            msgbox.warning(self, exc.message, TITLE)
            self._fill()
            return False
        msgbox.information(self, MSG_GUARDADO.format(usuario=usuario), TITLE)
        self._fill()
        return True

    def guardar_cambios(self) -> bool:
        return self._guardar()

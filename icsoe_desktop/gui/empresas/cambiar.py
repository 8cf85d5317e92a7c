"""Archivo › Cambiar de empresa: the empresas the signed-in user may open (administrators:
all), and Nueva empresa (administrators), whose Configuración inicial opens next. An
administrator also decides here whether the chosen empresa may be opened in modo sólo consulta
(no credentials; audited)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from icsoe_desktop.domain.errors import DomainError
from icsoe_desktop.domain.roles import Accion
from icsoe_desktop.gui.kit import mnemonics, msgbox
from icsoe_desktop.gui.kit.cambios import PreguntaAlCerrar
from icsoe_desktop.gui.kit.geometria import centrar
from icsoe_desktop.gui.kit.lector import describir_lista
from icsoe_desktop.gui.kit.modal import ejecutar_modal
from icsoe_desktop.gui.kit.permisos import reflejar

if TYPE_CHECKING:
    from icsoe_desktop.services.container import Services

TITLE = "Cambiar de empresa"
ABIERTA = " — abierta"
MSG_ELIGE = "Elige la empresa que quieres abrir."
SOLO_CONSULTA = (
    "Permitir abrir la empresa elegida en modo sólo consulta (sin usuario ni contraseña)"
)
RECIBOS_SOLO_CONSULTA = (
    "En sólo consulta, mostrar sus recibos de nómina (NSS, CURP, nombre, periodo y clientes; "
    "nunca los importes)"
)
MSG_NUEVA = (
    "La empresa tendrá su propia base de datos. Al crearla se abre su Configuración inicial.\n"
    "No podrá abrirse en modo sólo consulta hasta que un administrador lo permita en Archivo › "
    "Cambiar de empresa."
)


class CambiarEmpresaDialog(QDialog):
    """``elegida``: the empresa to open after ``exec()`` (None: stay); ``nueva``: it was just
    created here."""

    def __init__(self, services: Services, usuario: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("CambiarEmpresaDialog")
        self.setWindowTitle(TITLE)
        self._services, self._usuario = services, usuario
        self.elegida: int | None = None
        self.nueva = False
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Empresas en las que puedes trabajar:"))
        self.lista = QListWidget()
        self.lista.setObjectName("empresasList")
        self.lista.setAccessibleName("Empresas")
        describir_lista(self.lista, "Las empresas a las que tienes acceso, una por fila")
        self.lista.setMinimumSize(420, 220)
        layout.addWidget(self.lista)
        self.solo_consulta = QCheckBox(SOLO_CONSULTA)
        self.solo_consulta.setObjectName("soloConsultaCheck")
        layout.addWidget(self.solo_consulta)
        self.recibos_solo_consulta = QCheckBox(RECIBOS_SOLO_CONSULTA)
        self.recibos_solo_consulta.setObjectName("recibosSoloConsultaCheck")
        layout.addWidget(self.recibos_solo_consulta)
        buttons = QDialogButtonBox()
        self.abrir = QPushButton("Abrir")
        self.abrir.setObjectName("abrirButton")
        self.abrir.setDefault(True)
        self.nueva_button = QPushButton("Nueva empresa…")
        self.nueva_button.setObjectName("nuevaEmpresaButton")
        self.cancelar = QPushButton("Cancelar")
        self.cancelar.setObjectName("cancelarButton")
        buttons.addButton(self.abrir, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(self.nueva_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.cancelar, QDialogButtonBox.ButtonRole.RejectRole)
        layout.addWidget(buttons)
        self.abrir.clicked.connect(self._abrir)
        self.nueva_button.clicked.connect(self._nueva)
        self.cancelar.clicked.connect(self.reject)
        self.lista.itemDoubleClicked.connect(lambda _item: self._abrir())
        self.lista.currentItemChanged.connect(lambda _item, _previous: self._show_solo_consulta())
        self.solo_consulta.clicked.connect(self._cambiar_solo_consulta)
        self.recibos_solo_consulta.clicked.connect(self._cambiar_recibos)
        reflejar(self.nueva_button, services.permisos, usuario, Accion.CREAR_EMPRESAS)
        # The check box is an administrator's tool: the others never see it.
        self._admin = services.permisos.puede(usuario, Accion.PERMITIR_SOLO_CONSULTA)
        self.solo_consulta.setVisible(self._admin)
        self.recibos_solo_consulta.setVisible(self._admin)
        self._fill()
        mnemonics.assign(self)  # Alt-letters for every button and labelled field
        self.adjustSize()  # sized by its contents, then centred
        centrar(self, parent)  # fits the screen, centred on its window

    def _fill(self) -> None:
        self.lista.clear()
        abierta = self._services.empresa.id
        self._permitidas: set[int] = set()
        self._recibos_ocultos: set[int] = set()
        for empresa in self._services.empresas.listar(self._usuario):
            texto = empresa.marcada(empresa.etiqueta)
            item = QListWidgetItem(texto + (ABIERTA if empresa.id == abierta else ""))
            item.setData(256, empresa.id)  # Qt.UserRole, without importing the Qt namespace
            self.lista.addItem(item)
            if empresa.solo_consulta:
                self._permitidas.add(empresa.id)
            if not empresa.solo_consulta_recibos:
                self._recibos_ocultos.add(empresa.id)
            if empresa.id == abierta:
                self.lista.setCurrentItem(item)
        if self.lista.currentItem() is None and self.lista.count():
            self.lista.setCurrentRow(0)  # the open one is not listed (its grant withdrawn)
        self._show_solo_consulta()

    def _show_solo_consulta(self) -> None:
        item = self.lista.currentItem()
        reflejar(
            self.solo_consulta,
            self._services.permisos,
            self._usuario,
            Accion.PERMITIR_SOLO_CONSULTA,
            ademas=item is not None,
        )
        self.solo_consulta.setChecked(item is not None and int(item.data(256)) in self._permitidas)
        reflejar(
            self.recibos_solo_consulta,
            self._services.permisos,
            self._usuario,
            Accion.PERMITIR_SOLO_CONSULTA,
            ademas=item is not None,
        )
        self.recibos_solo_consulta.setChecked(
            item is not None and int(item.data(256)) not in self._recibos_ocultos
        )

    def _cambiar_recibos(self, mostrar: bool) -> None:
        item = self.lista.currentItem()
        if item is None:
            return
        empresa_id = int(item.data(256))
        try:
            self._services.empresas.recibos_en_solo_consulta(empresa_id, mostrar, self._usuario)
        except DomainError as exc:
            msgbox.warning(self, exc.message, TITLE)
        else:
            (self._recibos_ocultos.discard if mostrar else self._recibos_ocultos.add)(empresa_id)
        self._show_solo_consulta()

    def _cambiar_solo_consulta(self, permitir: bool) -> None:
        item = self.lista.currentItem()
        if item is None:
            return
        empresa_id = int(item.data(256))
        try:
            self._services.empresas.permitir_solo_consulta(empresa_id, permitir, self._usuario)
        except DomainError as exc:
            msgbox.warning(self, exc.message, TITLE)
        else:
            (self._permitidas.add if permitir else self._permitidas.discard)(empresa_id)
        self._show_solo_consulta()

    def _abrir(self) -> None:
        item = self.lista.currentItem()
        if item is None:
            msgbox.warning(self, MSG_ELIGE, TITLE)
            return
        empresa_id = int(item.data(256))
        if empresa_id != self._services.empresa.id:
            self.elegida = empresa_id
        self.accept()

    def _nueva(self) -> None:
        dialog = NuevaEmpresaDialog(self._services, self._usuario, self)
        if ejecutar_modal(dialog) and dialog.creada is not None:
            self.elegida, self.nueva = dialog.creada, True
            self.accept()


class NuevaEmpresaDialog(PreguntaAlCerrar, QDialog):
    def __init__(self, services: Services, usuario: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("NuevaEmpresaDialog")
        self.setWindowTitle("Nueva empresa")
        self._services, self._usuario = services, usuario
        self.creada: int | None = None
        layout = QVBoxLayout(self)
        nota = QLabel(MSG_NUEVA)
        nota.setObjectName("notaLabel")
        layout.addWidget(nota)
        form = QFormLayout()
        self.rfc = QLineEdit()
        self.rfc.setObjectName("rfcEdit")
        self.rfc.setMaxLength(13)
        self.razon_social = QLineEdit()
        self.razon_social.setObjectName("razonSocialEdit")
        self.razon_social.setMinimumWidth(320)
        form.addRow("RFC:", self.rfc)
        form.addRow("Razón social:", self.razon_social)
        layout.addLayout(form)
        buttons = QDialogButtonBox()
        self.crear = QPushButton("Crear")
        self.crear.setObjectName("crearButton")
        self.crear.setDefault(True)
        cancelar = QPushButton("Cancelar")
        cancelar.setObjectName("cancelarButton")
        cancelar.setAutoDefault(False)  # Enter creates
        buttons.addButton(self.crear, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(cancelar, QDialogButtonBox.ButtonRole.RejectRole)
        layout.addWidget(buttons)
        self.crear.clicked.connect(self._crear)
        cancelar.clicked.connect(self.reject)
        mnemonics.assign(self)  # Alt-letters for every button and labelled field
        self.adjustSize()  # sized by its contents, then centred
        centrar(self, parent)  # fits the screen, centred on its window

    def _crear(self) -> bool:
        try:
            empresa = self._services.empresas.crear(
                self.rfc.text(), self.razon_social.text(), self._usuario
            )
        except DomainError as exc:
            msgbox.warning(self, exc.message, "Nueva empresa")
            (self.razon_social if exc.field == "razonSocial" else self.rfc).setFocus()
            return False
        self.creada = empresa.id
        self.accept()
        return True

    def cambios(self) -> bool:
        return bool(self.rfc.text().strip() or self.razon_social.text().strip())

    def guardar_cambios(self) -> bool:
        return self._crear()

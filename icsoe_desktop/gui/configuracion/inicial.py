"""Configuración inicial: the first-run assistant of a new company (and the same steps later,
from Configuración › Configuración inicial). One page per step: the empresa's RFC and razón
social, its registros patronales (one by one or from Excel), outgoing mail (with Probar
conexión), the certificate of each registro, the installation's time-stamp server (typed here;
skipped, the page has said what that means) and the sync server. A step can be skipped and is
resumed later; the assistant starts at the first step still pending, after the stores' recovery
code while its administrator has not confirmed it (configuracion/pagina_codigo.py)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from icsoe_desktop.domain.errors import DomainError
from icsoe_desktop.domain.roles import Accion
from icsoe_desktop.gui.kit import colores, mnemonics, msgbox
from icsoe_desktop.gui.kit.cambios import PreguntaAlCerrar
from icsoe_desktop.gui.kit.elegir_archivo import abrir_archivo
from icsoe_desktop.gui.kit.geometria import centrar
from icsoe_desktop.gui.kit.nombres import nombrar_por_etiquetas
from icsoe_desktop.gui.kit.permisos import reflejar
from icsoe_desktop.gui.kit.tabulador import en_orden
from icsoe_desktop.gui.kit.widgets import TABLAS
from icsoe_desktop.services.empresas.primer_uso import (
    CERTIFICADOS,
    CORREO,
    EMPRESA,
    REGISTROS,
    SELLO_TIEMPO,
    SINCRONIZACION,
    TITULOS,
)

if TYPE_CHECKING:
    from icsoe_desktop.services.container import Services
    from icsoe_desktop.services.empresas.registros import RegistrosImportados

TITLE = "Configuración inicial"
ORDER = (EMPRESA, REGISTROS, CORREO, CERTIFICADOS, SELLO_TIEMPO, SINCRONIZACION)
EXPLICA = {
    EMPRESA: "Captura el RFC y la razón social de la empresa que usará icsoe-desktop.",
    REGISTROS: (
        "Agrega los registros patronales de la empresa, uno por uno o desde un libro de Excel "
        "(.xlsx) o CSV con las columnas «Registro patronal», «RFC» y «Razón social»."
    ),
    CORREO: (
        "Configura el servidor de correo saliente (SMTP) y usa «Probar conexión». Sin correo no "
        "llegan los códigos para recuperar contraseñas ni los de los capturistas."
    ),
    CERTIFICADOS: (
        "Registra el certificado IMSS (.pfx) o la e.firma (.cer y .key) de cada registro "
        "patronal para poder enviar movimientos a IDSE."
    ),
    SELLO_TIEMPO: (
        "Un servidor de sellos de tiempo (TSA, RFC 3161) prueba cuándo se firmó cada informativa "
        "con la e.firma. Escribe su dirección y guárdala; después agrega el certificado raíz de "
        "su autoridad en Emisores confiables con el uso «sello de tiempo». La guía de "
        "administración dice cuáles usar. Puedes omitir este paso:"
    ),
    SINCRONIZACION: (
        "Si la empresa usa un servidor de sincronización para compartir los datos entre varios "
        "equipos, configúralo aquí. Si no, omite este paso."
    ),
}
XLSX_FILTER = f"Libro de Excel o CSV ({TABLAS})"
CODIGO_ID = len(ORDER)  # the recovery code's page: its own id, shown first (its nextId)


class _StepPage(QWizardPage):
    """A step: its explanation, its state («hecho» or what is missing) and its actions.
    Siguiente is offered once the step is done; «Omitir este paso» moves on without it."""

    def __init__(self, wizard: ConfiguracionInicialWizard, clave: str) -> None:
        super().__init__(wizard)
        self.clave = clave
        self._wizard = wizard
        self.setObjectName(f"{clave}Page")
        self.setTitle(TITULOS[clave])
        self.setSubTitle(f"Paso {ORDER.index(clave) + 1} de {len(ORDER)}")
        self.layout_ = QVBoxLayout(self)
        explica = QLabel(EXPLICA[clave], self)
        explica.setWordWrap(True)
        self.layout_.addWidget(explica)
        self.estado = QLabel(self)
        self.estado.setObjectName("estadoLabel")
        self.estado.setWordWrap(True)

    def add_button(self, text: str, name: str, slot: Callable[[], object]) -> QPushButton:
        button = QPushButton(text, self)
        button.setObjectName(name)
        button.clicked.connect(slot)
        row = QHBoxLayout()
        row.addWidget(button)
        row.addStretch(1)
        self.layout_.addLayout(row)
        return button

    def finish_layout(self) -> None:
        self.layout_.addWidget(self.estado)
        self.layout_.addStretch(1)

    def initializePage(self) -> None:
        self.refresh()

    def refresh(self) -> None:
        paso = self._wizard.paso(self.clave)
        mark = "✔ Listo: " if paso.hecho else ("Opcional: " if paso.opcional else "Pendiente: ")
        rol = colores.EXITO if paso.hecho else (colores.NOTA if paso.opcional else colores.AVISO)
        colores.texto(
            self.estado,
            f'<span style="color:{colores.PROPIO[rol]}; font-weight:600;">{mark}</span>'
            f"{paso.detalle}",
        )
        self.completeChanged.emit()
        self._wizard.update_skip_button()

    def nextId(self) -> int:
        siguiente = ORDER.index(self.clave) + 1  # never the recovery code's page (CODIGO_ID)
        return siguiente if siguiente < len(ORDER) else -1

    def isComplete(self) -> bool:
        paso = self._wizard.paso(self.clave)
        # A skipped step lets the user go on; an optional one (the sync server) never holds
        # Siguiente or Terminar back.
        return paso.hecho or paso.omitido or paso.opcional


class _EmpresaPage(_StepPage):
    def __init__(self, wizard: ConfiguracionInicialWizard) -> None:
        super().__init__(wizard, EMPRESA)
        form = QFormLayout()
        self.rfc = QLineEdit(self)
        self.rfc.setObjectName("rfcEdit")
        self.rfc.setMaxLength(13)
        self.rfc.setPlaceholderText("ABC010101AB1")
        self.razon_social = QLineEdit(self)
        self.razon_social.setObjectName("razonSocialEdit")
        self.razon_social.setMaxLength(250)
        form.addRow(_buddy("R&FC:", self.rfc), self.rfc)
        form.addRow(_buddy("Razón so&cial:", self.razon_social), self.razon_social)
        self.layout_.addLayout(form)
        self.guardar = self.add_button(
            "&Guardar datos de la empresa", "guardarEmpresaButton", self.save
        )
        reflejar(self.guardar, wizard.services.permisos, wizard.actor, Accion.DATOS_EMPRESA)
        self.finish_layout()
        datos = wizard.services.primer_uso.empresa()
        self.rfc.setText(datos.rfc)
        self.razon_social.setText(datos.razon_social)
        for edit in (self.rfc, self.razon_social):
            edit.textChanged.connect(self.completeChanged)  # Enter = Siguiente, which saves

    def save(self) -> bool:
        fields = {"rfc": self.rfc, "razonSocial": self.razon_social}
        try:
            self._wizard.services.primer_uso.guardar_empresa(
                self.rfc.text(), self.razon_social.text(), self._wizard.actor
            )
        except DomainError as exc:
            msgbox.field_error(self, exc, fields, TITLE)
            return False
        self._wizard.empresa_guardada.emit()  # the main window's title names it at once
        self._wizard.reload()  # the steps read again: this one says «Listo» now
        return True

    def cambios(self) -> bool:
        """An RFC or razón social typed (changed after saving, or never saved)."""
        datos = self._wizard.services.primer_uso.empresa()
        typed = (self.rfc.text().strip().upper(), " ".join(self.razon_social.text().split()))
        return typed not in ((datos.rfc, datos.razon_social), ("", ""))

    def validatePage(self) -> bool:
        # Siguiente also keeps what was typed.
        return not self.cambios() or self.save()

    def isComplete(self) -> bool:
        typed = bool(self.rfc.text().strip() and self.razon_social.text().strip())
        return super().isComplete() or typed


class _SelloTiempoPage(_StepPage):
    """The installation's time-stamp server typed and saved (an administrator's), and
    Emisores confiables opened to trust its authority."""

    def __init__(self, wizard: ConfiguracionInicialWizard) -> None:
        super().__init__(wizard, SELLO_TIEMPO)
        form = QFormLayout()
        self.url = QLineEdit(self)
        self.url.setObjectName("selloTiempoEdit")
        self.url.setPlaceholderText("http://sellos.ejemplo.com/tsa")
        form.addRow(_buddy("Dirección del servidor (&URL):", self.url), self.url)
        self.layout_.addLayout(form)
        self.guardar = self.add_button(
            "&Guardar el servidor de sellos", "guardarSelloButton", self.save
        )
        reflejar(self.guardar, wizard.services.permisos, wizard.actor, Accion.SELLO_DE_TIEMPO)
        emisores = self.add_button(
            "Abrir &Emisores confiables…", "emisoresButton", wizard.opener(SELLO_TIEMPO)
        )
        reflejar(emisores, wizard.services.permisos, wizard.actor, Accion.SELLO_DE_TIEMPO)
        self.finish_layout()
        self.url.setText(wizard.services.settings.current.sello_tiempo.url)

    def save(self) -> bool:
        try:
            self._wizard.services.settings.save_sello_tiempo(self.url.text(), self._wizard.actor)
        except DomainError as exc:
            msgbox.field_error(self, exc, {"url": self.url}, TITLE)
            return False
        self._wizard.reload()
        return True

    def validatePage(self) -> bool:
        # Siguiente also keeps what was typed.
        typed = self.url.text().strip()
        actual = self._wizard.services.settings.current.sello_tiempo.url
        return not typed or typed == actual or self.save()


class ConfiguracionInicialWizard(PreguntaAlCerrar, QWizard):
    """``open_*`` callables open the existing windows (Registros patronales, Correo saliente,
    Certificados IMSS, Sincronización) over this one; the owner supplies them."""

    SKIP = QWizard.WizardButton.CustomButton1
    empresa_guardada = Signal()  # the empresa's RFC and razón social were saved

    def __init__(
        self,
        services: Services,
        actor: str | None,
        openers: Mapping[str, Callable[[QWidget], None]],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("ConfiguracionInicialWizard")
        self.setWindowTitle(TITLE)
        self.setWizardStyle(QWizard.WizardStyle.ClassicStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnStartPage)
        self.setOption(QWizard.WizardOption.HaveCustomButton1)
        self.services = services
        self.actor = actor
        self._openers = openers
        # Once closed, drop them: they are the window's methods, and the window holds this
        # assistant, a cycle that would keep a closed main window alive until the collector ran.
        self.finished.connect(self._soltar_openers)
        self._pasos = {p.clave: p for p in services.primer_uso.pasos()}
        self.setButtonText(QWizard.WizardButton.NextButton, "&Siguiente >")
        self.setButtonText(QWizard.WizardButton.BackButton, "< &Atrás")
        self.setButtonText(QWizard.WizardButton.FinishButton, "&Terminar")
        self.setButtonText(QWizard.WizardButton.CancelButton, "Ce&rrar")
        self.setButtonText(self.SKIP, "&Omitir este paso")
        self.button(self.SKIP).setObjectName("omitirButton")
        self.customButtonClicked.connect(self._on_skip)

        self.pages: dict[str, _StepPage] = {}
        self.empresa_page = _EmpresaPage(self)
        self._add(self.empresa_page)
        page = _StepPage(self, REGISTROS)
        page.add_button(
            "Agregar o &editar registros patronales…",
            "registrosButton",
            lambda: self._open(REGISTROS),
        )
        importar = page.add_button(
            "&Importar registros de Excel…", "importarButton", self._choose_import
        )
        reflejar(importar, services.permisos, actor, Accion.REGISTROS_PATRONALES)
        from icsoe_desktop.gui.kit.asistente_importacion import boton_revisar

        revisar = boton_revisar(
            importar, lambda: self._choose_import(revisar=True), "Re&visar columnas…"
        )
        reflejar(revisar, services.permisos, actor, Accion.REGISTROS_PATRONALES)
        page.finish_layout()
        self._add(page)
        for clave, text, name, accion in (
            (CORREO, "Configurar el &correo saliente…", "correoButton", Accion.CORREO_SALIENTE),
            (CERTIFICADOS, "Abrir Certificados &IMSS…", "certificadosButton", Accion.CERTIFICADOS),
            (
                SINCRONIZACION,
                "Abrir Sincroni&zación…",
                "sincronizacionButton",
                Accion.SINCRONIZACION,
            ),
        ):
            page = _StepPage(self, clave)
            button = page.add_button(text, name, self.opener(clave))
            reflejar(button, services.permisos, actor, accion)
            page.finish_layout()
            self._add(page)
        self._add(_SelloTiempoPage(self))  # its id is its place in ORDER, as each page's
        first_pending = next((c for c in ORDER if not self._pasos[c].hecho), EMPRESA)
        self.setStartId(ORDER.index(first_pending))
        if services.codigo_recuperacion.por_confirmar(actor):  # before anything else
            from icsoe_desktop.gui.configuracion.pagina_codigo import CodigoPage

            self.codigo_page = CodigoPage(services, actor, ORDER.index(first_pending))
            self.setPage(CODIGO_ID, self.codigo_page)
            self.setStartId(CODIGO_ID)
        self.currentIdChanged.connect(lambda _id: self.update_skip_button())
        self.resize(640, 440)
        centrar(self, parent)  # fits the screen, centred on its window
        mnemonics.decir_letras(self)  # the letters written here, said to a screen reader too

    def _add(self, page: _StepPage) -> None:
        self.setPage(ORDER.index(page.clave), page)
        self.pages[page.clave] = page

    # --- state ---------------------------------------------------------------------------------

    def paso(self, clave: str):
        return self._pasos[clave]

    def reload(self) -> None:
        self._pasos = {p.clave: p for p in self.services.primer_uso.pasos()}
        page = self.currentPage()
        if isinstance(page, _StepPage):
            page.refresh()

    def update_skip_button(self) -> None:
        page = self.currentPage()
        button = self.button(self.SKIP)
        button.setVisible(isinstance(page, _StepPage) and not self._pasos[page.clave].hecho)
        # Tab in reading order: «Omitir este paso», at the left of the row, before the others
        # (Qt puts it after Cerrar each time it lays the row out, as a step is shown).
        boton = QWizard.WizardButton
        en_orden(
            button,
            *(self.button(b) for b in (boton.BackButton, boton.NextButton, boton.CommitButton)),
            *(self.button(b) for b in (boton.FinishButton, boton.CancelButton)),
        )

    # --- actions -------------------------------------------------------------------------------

    def _soltar_openers(self) -> None:
        self._openers = {}

    def opener(self, clave: str) -> Callable[[], None]:
        def abrir(_checked: bool = False) -> None:  # clicked(bool) may pass its checked
            self._open(clave)

        return abrir

    def _open(self, clave: str) -> None:
        self._openers[clave](self)
        self.reload()

    def _choose_import(self, revisar: bool = False) -> None:
        path, _ = abrir_archivo(self, "Importar registros patronales", "", XLSX_FILTER)
        if path:
            self.importar_registros(path, revisar)

    def importar_registros(self, path: str, revisar: bool = False) -> None:
        """What choosing the file does (tests call it to bypass the native file dialog): a file
        the intake cannot read by itself (or ``revisar``) goes through the import assistant;
        the import runs in the background; the grid and Certificados IMSS hear of the
        registros."""
        from pathlib import Path

        from icsoe_desktop.domain.texts import plural, verb
        from icsoe_desktop.gui.kit.asistente_importacion import Cancelada, guia_de_importacion
        from icsoe_desktop.gui.kit.operaciones import ejecutar
        from icsoe_desktop.services.empresas.registros import IMPORTACION

        try:
            guia = guia_de_importacion(
                self, self.services, self.actor, IMPORTACION, Path(path),
                revisar,
            )  # fmt: skip
        except Cancelada:
            return

        def imported(result: RegistrosImportados) -> None:
            count = result.guardados
            texto = (
                f"{verb(count, 'Se guardó', 'Se guardaron')} "
                f"{plural(count, 'registro patronal', 'registros patronales')}."
            )
            msgbox.information(self, "\n\n".join((texto, *result.notas)), TITLE)
            self.reload()

        ejecutar(
            self,
            "Importando los registros patronales…",
            lambda: self.services.registros.importar(Path(path), self.actor, guia),
            imported,
            titulo=TITLE,
        )

    def cambios(self) -> bool:
        """The empresa's data typed and not saved (the other steps save in their own windows)."""
        empresa = self.pages.get(EMPRESA)
        return isinstance(empresa, _EmpresaPage) and empresa.cambios()

    def guardar_cambios(self) -> bool:
        empresa = self.pages[EMPRESA]
        assert isinstance(empresa, _EmpresaPage)
        return empresa.save()

    def _on_skip(self, which: int) -> None:
        if which != self.SKIP.value:
            return
        page = self.currentPage()
        if not isinstance(page, _StepPage):
            return
        self.services.primer_uso.omitir(page.clave)
        self.reload()  # the page is now complete: Siguiente / Terminar are offered
        if self.currentId() == len(ORDER) - 1:
            self.accept()
        else:
            self.next()


def _buddy(text: str, widget: QWidget) -> QLabel:
    label = QLabel(text)
    label.setBuddy(widget)
    nombrar_por_etiquetas([label])
    return label

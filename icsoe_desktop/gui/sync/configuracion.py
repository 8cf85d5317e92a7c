"""Configuración > Sincronización: server, token (keyring), TLS check, automatic interval,
«Probar conexión» and «Sincronizar ahora» with a progress bar."""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING

from PySide6.QtCore import Slot
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QWidget,
)

from icsoe_desktop.domain.clock import texto_del_centro
from icsoe_desktop.domain.errors import DomainError
from icsoe_desktop.gui.kit import lector, mnemonics, msgbox
from icsoe_desktop.gui.kit.cambios import PreguntaAlCerrar
from icsoe_desktop.gui.kit.forms import child, load_form
from icsoe_desktop.gui.kit.geometria import centrar
from icsoe_desktop.gui.kit.operaciones import ejecutar, en_segundo_plano, lectura_fallida
from icsoe_desktop.gui.sync.barra import SyncRunner

if TYPE_CHECKING:
    from icsoe_desktop.services.container import Services
    from icsoe_desktop.services.sync.servicio import SyncResult, SyncStatus

TITLE = "Sincronización"
MSG_GUARDADA = "La configuración de la sincronización se guardó correctamente."
TOKEN_GUARDADO = "(guardado en el llavero del sistema)"


class SincronizacionDialog(PreguntaAlCerrar, QDialog):
    def __init__(
        self,
        services: Services,
        actor: str | None = None,
        parent: QWidget | None = None,
        runner: SyncRunner | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("SincronizacionDialog")
        self._services = services
        self._actor = actor
        form = load_form("sincronizacion.ui", self)
        self.url = child(form, QLineEdit, "urlEdit")
        self.token = child(form, QLineEdit, "tokenEdit")
        self.verificar_tls = child(form, QCheckBox, "verificarTlsCheck")
        self.intervalo = child(form, QSpinBox, "intervaloSpin")
        self.estado = child(form, QLabel, "estadoLabel")
        self.progreso = child(form, QProgressBar, "progresoBar")
        self.probar = child(form, QPushButton, "probarButton")
        self.sincronizar = child(form, QPushButton, "sincronizarButton")
        self.guardar = child(form, QPushButton, "guardarButton")
        self.cerrar = child(form, QPushButton, "cerrarButton")
        self._fields = {"url": self.url, "token": self.token, "intervalo": self.intervalo}
        # The main window's runner when there is one: a sync never runs twice at once.
        self.runner = runner or SyncRunner(services, self)
        self.runner.progressed.connect(self._on_progress)
        self.runner.avanzo.connect(self._on_avance)
        self.runner.finished.connect(self._on_finished)

        current = services.sync.settings
        self.url.setText(current.url)
        self.verificar_tls.setChecked(current.verify_tls)
        self.intervalo.setValue(current.interval_min)
        if services.sync.token():
            self.token.setPlaceholderText(TOKEN_GUARDADO)
        self.progreso.setVisible(False)

        self.probar.clicked.connect(self._on_probar)
        self.sincronizar.clicked.connect(self._on_sincronizar)
        self.guardar.clicked.connect(self._on_guardar)
        self.cerrar.clicked.connect(self.reject)
        self._show_status()
        self.guardar.setDefault(True)  # Enter saves
        for button in (self.cerrar, self.probar, self.sincronizar):
            button.setAutoDefault(False)
        self._guardado = self._valores()
        mnemonics.assign(self)  # Alt-letters for every button and labelled field
        self.resize(620, 380)
        centrar(self, parent)  # fits the screen, centred on its window

    def _token(self) -> str | None:
        """None keeps the stored token when the field is left empty."""
        return self.token.text().strip() or None

    def _show_status(self) -> None:
        """Read off the GUI thread (the store may be busy with a sync); shown once read."""
        en_segundo_plano(
            self._services.sync.status,
            self._mostrar_estado,
            lectura_fallida(self, TITLE, self._show_status),
            self,
        )

    def _mostrar_estado(self, status: SyncStatus) -> None:
        if not status.configured:
            self.estado.setText("La sincronización no está configurada.")
        else:
            text = f"Estado: {status.texto or 'sin cambios por enviar'}"
            if status.verified_at is not None:  # the tables matched the server's checksums
                text += f" · Verificado {texto_del_centro(status.verified_at, '%H:%M')}"
            if status.reparacion:  # what the drift check last found and received again
                text += f"\nÚltima reparación: {status.reparacion}"
            if status.aviso:  # the last comparison found the data still differ: what to do
                text += f"\n{status.aviso}"
            if status.catalogo:  # the catalogue of códigos postales last received or sent
                text += f"\n{status.catalogo}"
            self.estado.setText(text)

    def _save(self) -> bool:
        try:
            self._services.sync.configure(
                self.url.text(),
                self._token(),
                self.verificar_tls.isChecked(),
                self.intervalo.value(),
                self._actor,
            )
        except DomainError as exc:
            msgbox.field_error(self, exc, self._fields, TITLE)
            return False
        if self._services.sync.token():
            self.token.clear()
            self.token.setPlaceholderText(TOKEN_GUARDADO)
        self._guardado = self._valores()  # «Sincronizar ahora» saves them too
        return True

    def _on_probar(self) -> None:
        url = self.url.text().strip()
        token = self._token() or self._services.sync.token()
        verify = self.verificar_tls.isChecked()
        ejecutar(
            self,
            "Probando la conexión con el servidor de sincronización…",
            lambda: self._services.sync.test_connection(url, token, verify),
            lambda text: msgbox.information(self, text, TITLE),
            titulo=TITLE,
        )

    def _valores(self) -> tuple[object, ...]:
        return (
            self.url.text().strip(),
            self.token.text().strip(),
            self.verificar_tls.isChecked(),
            self.intervalo.value(),
        )

    def cambios(self) -> bool:
        return self._valores() != self._guardado

    def guardar_cambios(self) -> bool:
        return self._on_guardar()

    def _on_guardar(self) -> bool:
        if not self._save():
            return False
        msgbox.information(self, MSG_GUARDADA, TITLE)
        self.accept()
        return True

    def _on_sincronizar(self) -> None:
        if not self._save():
            return
        if not self._services.sync.is_configured():
            msgbox.warning(self, "Captura el servidor y el token para sincronizar.", TITLE)
            return
        self.progreso.setRange(0, 0)  # busy until the first count arrives
        self.progreso.setVisible(True)
        self.sincronizar.setEnabled(False)
        lector.estado(self.estado, "Sincronizando…")
        self.runner.start()  # already running (automatic sync): its end is reported here too

    @Slot(int, int)
    def _on_progress(self, done: int, total: int) -> None:
        self.progreso.setVisible(True)
        self.progreso.setRange(0, max(total, 1))
        self.progreso.setValue(min(done, max(total, 1)))

    @Slot(str)
    def _on_avance(self, texto: str) -> None:
        self.estado.setText(f"Sincronizando… {texto}")

    @Slot(object)
    def _on_finished(self, outcome: SyncResult | BaseException) -> None:
        if not self.isVisible():
            return
        self.sincronizar.setEnabled(True)
        self.progreso.setVisible(False)
        self._show_status()
        if isinstance(outcome, DomainError):
            msgbox.warning(self, outcome.message, TITLE)
        elif isinstance(outcome, BaseException):
            msgbox.error(
                self,
                "Ocurrió un error inesperado al sincronizar; se registró en la bitácora "
                "técnica. Los cambios locales siguen en espera.",
                TITLE,
            )
        else:
            msgbox.information(self, outcome.texto, TITLE)

    def done(self, result: int) -> None:
        # The runner may outlive the dialog (it is the main window's): stop listening to it.
        for signal, slot in (
            (self.runner.progressed, self._on_progress),
            (self.runner.avanzo, self._on_avance),
            (self.runner.finished, self._on_finished),
        ):
            with contextlib.suppress(RuntimeError, TypeError):
                signal.disconnect(slot)
        super().done(result)

"""The «Elegir…» buttons of the .cer/.key fields (gui/kit/widgets.py FilePicker), clicked for real in
Certificados IMSS, Ingresa con firma electrónica and Generar .pfx: the real (non-native, offscreen) file
dialog opens over its window with the window's caption and filters; the file typed and opened
there lands in the field, and Cancelar leaves the field as it was."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtWidgets import QDialogButtonBox, QFileDialog, QLineEdit, QWidget

from icsoe_desktop.gui.certificados.generar_pfx import GenerarPfxDialog
from icsoe_desktop.gui.certificados.imss import CertificadosImssDialog
from icsoe_desktop.gui.icsoe.efirma import IcsoeEfirmaDialog
from tests import credentials_factory as cf
from tests.gui.helpers import click, type_text


@dataclass
class Opened:
    """What the user saw in the file dialog."""

    caption: str
    filters: list[str]
    parent: QWidget | None
    mode: QFileDialog.FileMode


def pick(qtbot, seen: list[Opened], path: Path | None):
    """Answer the next file dialog: type ``path`` in its name field and press Open, or press
    Cancel when ``path`` is None; either way note what the dialog showed."""

    def handler(dialog: QWidget) -> None:
        assert isinstance(dialog, QFileDialog), dialog
        seen.append(
            Opened(
                dialog.windowTitle(), dialog.nameFilters(), dialog.parentWidget(), dialog.fileMode()
            )
        )
        buttons = dialog.findChild(QDialogButtonBox, "buttonBox")
        if path is None:
            click(qtbot, buttons.button(QDialogButtonBox.StandardButton.Cancel))
            return
        type_text(qtbot, dialog.findChild(QLineEdit, "fileNameEdit"), str(path))
        click(qtbot, buttons.button(QDialogButtonBox.StandardButton.Open))

    return handler


def choose(qtbot, modals, button, path: Path | None) -> Opened:
    """Click ``button`` and answer the file dialog it opens; what that dialog showed."""
    seen: list[Opened] = []
    modals.handle(pick(qtbot, seen, path))
    click(qtbot, button)  # returns once the modal dialog is closed
    assert len(seen) == 1, "no file dialog opened"
    return seen[0]


def shown(qtbot, window: QWidget) -> QWidget:
    qtbot.addWidget(window)
    window.show()
    return window


def test_certificados_imss_elegir_fills_the_fields_and_cancel_keeps_them(
    qtbot, modals, services, tmp_path
):
    cer, key = cf.fiel_moral().write(tmp_path / "fiel")
    window = shown(qtbot, CertificadosImssDialog(services, "admin@nominas.com"))
    assert not window.llave_button.isEnabled()  # until an e.firma .cer is chosen

    opened = choose(qtbot, modals, window.certificado_button, cer)
    assert opened.caption == "Certificado Digital"
    assert opened.filters == [
        "Certificado IMSS o e.firma (*.pfx *.cer)",
        "Certificado IMSS (*.pfx)",
        "e.firma (*.cer)",
    ]
    assert opened.parent is window
    assert opened.mode == QFileDialog.FileMode.ExistingFile
    assert window.certificado.text() == str(cer)
    # The window reads the chosen .cer at once: the FIEL's RFC is the usuario, the key is asked.
    assert window.usuario.text() == cf.RFC_MORAL
    assert window.llave_button.isEnabled()

    opened = choose(qtbot, modals, window.llave_button, key)
    assert (opened.caption, opened.filters) == (
        "Llave Privada",
        ["Llave privada de la e.firma (*.key)"],
    )
    assert opened.parent is window
    assert window.llave.text() == str(key)

    # Cancelar in the dialog changes nothing: neither the paths nor what the .cer filled in.
    choose(qtbot, modals, window.certificado_button, None)
    choose(qtbot, modals, window.llave_button, None)
    assert (window.certificado.text(), window.llave.text()) == (str(cer), str(key))
    assert window.usuario.text() == cf.RFC_MORAL


def test_ingresar_con_efirma_elegir_fills_the_fields_and_cancel_keeps_them(
    qtbot, modals, services, tmp_path
):
    cer, key = cf.fiel_moral().write(tmp_path / "fiel")
    window = shown(qtbot, IcsoeEfirmaDialog(services))

    assert choose(qtbot, modals, window.certificado_button, None).caption == "Certificado (.cer)"
    assert window.certificado.text() == ""  # cancelled: still nothing chosen

    opened = choose(qtbot, modals, window.certificado_button, cer)
    assert (opened.caption, opened.filters) == (
        "Certificado (.cer)",
        ["Certificado de la e.firma (*.cer)"],
    )
    assert opened.parent is window
    opened = choose(qtbot, modals, window.llave_button, key)
    assert (opened.caption, opened.filters) == (
        "Llave privada (.key)",
        ["Llave privada de la e.firma (*.key)"],
    )
    assert (window.certificado.text(), window.llave.text()) == (str(cer), str(key))

    choose(qtbot, modals, window.llave_button, None)
    assert window.llave.text() == str(key)


def test_generar_pfx_elegir_fills_the_fields_and_cancel_keeps_them(
    qtbot, modals, services, tmp_path
):
    cer, key = cf.fiel_moral().write(tmp_path / "fiel")
    window = shown(qtbot, GenerarPfxDialog(services, "admin@nominas.com"))

    opened = choose(qtbot, modals, window.certificado_button, cer)
    # The e.firma's files named as in Ingresa con firma electrónica and Firmar (one pair of pickers).
    assert (opened.caption, opened.filters) == (
        "Certificado (.cer)",
        ["Certificado de la e.firma (*.cer)"],
    )
    assert opened.parent is window
    opened = choose(qtbot, modals, window.llave_button, key)
    assert (opened.caption, opened.filters) == (
        "Llave privada (.key)",
        ["Llave privada de la e.firma (*.key)"],
    )
    assert (window.certificado.text(), window.llave.text()) == (str(cer), str(key))

    choose(qtbot, modals, window.certificado_button, None)
    assert window.certificado.text() == str(cer)


def test_a_label_short_of_room_cuts_the_name_and_keeps_the_rfc_whole(qtbot):
    """The status bar's empresa at 200 %: the razón social cut with «…», the RFC whole, all
    of it in the tooltip and for a screen reader; with room again, the whole text."""
    from icsoe_desktop.gui.kit.widgets import EtiquetaRecortable

    larga = "Empresa: Escuela Kemper Urgate Servicios Integrales SA de CV (EKU9003173C)"
    etiqueta = EtiquetaRecortable(larga)
    qtbot.addWidget(etiqueta)
    etiqueta.show()
    etiqueta.resize(etiqueta.minimumSizeHint().width() + 60, etiqueta.height())
    assert etiqueta.text().endswith("… (EKU9003173C)") and etiqueta.text() != larga
    assert etiqueta.fontMetrics().horizontalAdvance(etiqueta.text()) <= etiqueta.width()
    assert etiqueta.toolTip() == etiqueta.accessibleName() == etiqueta.texto_completo() == larga
    etiqueta.resize(etiqueta.sizeHint())
    assert etiqueta.text() == larga
    etiqueta.set_texto("Sin paréntesis, muy larga para el espacio que le queda")
    etiqueta.resize(80, etiqueta.height())
    assert etiqueta.text().endswith("…")

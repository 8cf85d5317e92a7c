"""The windowed Windows executable has no console: `--self-check` shows its lines in a box."""

from __future__ import annotations

import html
import re
import sys

from PySide6.QtWidgets import QMessageBox

from icsoe_desktop import self_check
from icsoe_desktop.self_check_funciones import checks


def plain(text: str) -> str:
    """The text a person reads in the box (its label is rich text: one check per line)."""
    return html.unescape(re.sub(r"<[^>]+>", "\n", text)).strip()


def test_without_a_console_the_results_are_shown_in_a_message_box(modals, data_dir, monkeypatch):
    monkeypatch.setattr(sys, "stdout", None)  # what a windowed (no console) executable gets

    assert self_check.main(str(data_dir)) == 0

    [box] = modals.messages
    assert box.title == "Autodiagnóstico de icsoe-desktop"
    assert box.icon == QMessageBox.Icon.Information
    text = plain(box.text)
    assert text.startswith("Todo está en orden.\n\nicsoe-desktop ")
    assert f"\nOK    Carpeta de datos: {data_dir} (se puede escribir)\n" in text
    # One line per check, Emisores confiables and the Manual de usuario included, one per
    # empresa store (one here), with its audit chain's, the catalog's chain, no file in clear
    # left in the folder, and the runs of a window, Qt's ICU data (Linux), an Excel book and a
    # constancia de firma.
    assert text.count("\nOK    ") == 14 + len(checks())
    assert "\nOK    Archivos en claro: " in text
    for name in ("Manual de usuario", "Ventana", "Libros de Excel", "Constancia de firma (PDF)"):
        assert f"\nOK    {name}: " in text
    assert box.buttons == ("Aceptar",)


def test_a_failure_without_a_console_is_shown_as_an_error(modals, tmp_path, monkeypatch):
    monkeypatch.setattr(sys, "stdout", None)
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
    import keyring.core

    keyring.core._keyring_backend = None  # pick the backend again from the env

    assert self_check.main(str(tmp_path / "datos")) == 1

    [box] = modals.messages
    assert box.icon == QMessageBox.Icon.Critical
    text = plain(box.text)
    assert text.startswith("Hay problemas: revisa las líneas con FALLA.")
    assert f"\nFALLA Llavero: {self_check.NO_KEYRING}\n" in text

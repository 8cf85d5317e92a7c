"""Every dialog a window shows, and every file chooser, goes through the kit, which gives the
keyboard back to the window the clerk was in once it closes (gui/kit/modal.py,
gui/kit/elegir_archivo.py): read from the source, so a window that runs a dialog by itself
(after it, the keyboard in a window behind, or in none) fails here instead of on a clerk's
desktop. tests/gui/test_gestor_de_ventanas.py shows the keyboard where it belongs under a real
window manager; this finds the dialogs no script walks."""

from __future__ import annotations

import ast
from pathlib import Path

GUI = Path(__file__).resolve().parent.parent / "icsoe_desktop" / "gui"

# (file, method) → why it may: the kit's own runners, and nothing else.
PERMITIDOS: dict[tuple[str, str], str] = {
    ("kit/modal.py", "exec"): "ejecutar_modal: the dialog run, then the keyboard given back",
    ("kit/modal.py", "open"): "abrir_modal: the dialog opened, the keyboard given back at the end",
}


def _llamadas_directas(codigo: str, nombre: str) -> list[str]:
    """``QFileDialog.get…(…)``, ``….exec()`` / ``….exec_()`` and ``….open()`` (no argument: a
    file's or a device's ``open`` takes its mode) called in ``codigo``, the file ``nombre``
    of gui/."""
    found = []
    for node in ast.walk(ast.parse(codigo, nombre)):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        metodo, objeto = node.func.attr, node.func.value
        directa = (
            (
                isinstance(objeto, ast.Name)
                and objeto.id == "QFileDialog"
                and metodo.startswith("get")
            )
            or metodo in {"exec", "exec_"}
            or (metodo == "open" and not node.args and not node.keywords)
        )
        if directa and (nombre, metodo) not in PERMITIDOS:
            found.append(f"{nombre}:{node.lineno}: .{metodo}()")
    return found


def test_the_windows_run_no_dialog_and_no_file_chooser_by_themselves() -> None:
    """No ``QFileDialog.get…`` (``kit.elegir_archivo``), and no ``.exec()`` or ``.open()`` of a
    dialog (``kit.modal.ejecutar_modal`` or ``abrir_modal``), but in the kit's runners."""
    found = [
        linea
        for path in sorted(GUI.rglob("*.py"))
        for linea in _llamadas_directas(
            path.read_text(encoding="utf-8"), path.relative_to(GUI).as_posix()
        )
    ]
    assert found == []


def test_the_scan_finds_a_dialog_run_directly() -> None:
    """What the scan looks for, shown on a window written the wrong ways (and the right one)."""
    codigo = (
        "path, _ = QFileDialog.getOpenFileName(self, 'Abrir')\n"
        "dialogo.exec()\n"
        "asistente.open()\n"
        "archivo.open(QIODevice.OpenModeFlag.ReadOnly)\n"  # a file's open: not a dialog
        "path, _ = abrir_archivo(self, 'Abrir')\n"
        "ejecutar_modal(dialogo)\n"
    )
    assert _llamadas_directas(codigo, "ventana.py") == [
        "ventana.py:1: .getOpenFileName()",
        "ventana.py:2: .exec()",
        "ventana.py:3: .open()",
    ]


def test_each_exception_says_why() -> None:
    assert all(razon.strip() for razon in PERMITIDOS.values())

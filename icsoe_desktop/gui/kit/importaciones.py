"""Python's own ``import`` back, once PySide6 has loaded.

PySide6 replaces ``builtins.__import__`` with its ``__feature__`` hook (``from __feature__ import
snake_case``, which this app never uses): every import statement then runs two Python functions
of PySide's, and every module an import returns for the first time has its whole source file
read and searched for "PySide6". Before the first window that is ~10 M instructions, and each
window's modules imported later pay it again. PySide6 keeps the original as
``builtins.__orig_import__`` (its documented name); it is put back only if the hook is still
the one in place (a debugger's or a test tool's own hook is left alone).
"""

from __future__ import annotations

import builtins


def sin_hook_de_pyside() -> None:
    """Call after PySide6 is imported."""
    hook = getattr(builtins, "__feature_import__", None)
    original = getattr(builtins, "__orig_import__", None)
    if hook is not None and original is not None and builtins.__import__ is hook:
        builtins.__import__ = original

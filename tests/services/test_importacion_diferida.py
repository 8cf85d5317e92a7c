"""A library imported without what it loads for functions never called
(services/importacion_diferida.py, what keyring is imported with on the sign-in's path): the
modules stay unloaded, the library still works when those functions are called, and later
imports get the real modules. Real packages written in the test's folder."""

from __future__ import annotations

import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from icsoe_desktop.services.importacion_diferida import sin_cargar

PAQUETES = ("pesado_prueba", "biblioteca_prueba", "opcional_prueba")


@pytest.fixture
def paquetes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """``pesado_prueba.lento`` (counts its loads in a file), a library that imports it at
    once and uses it only in ``descargar``, and one that takes another path without
    ``opcional_prueba``."""
    raiz = tmp_path / "paquetes"
    (raiz / "pesado_prueba").mkdir(parents=True)
    (raiz / "pesado_prueba" / "__init__.py").write_text("", encoding="utf-8")
    cargas = tmp_path / "cargas.txt"
    (raiz / "pesado_prueba" / "lento.py").write_text(
        textwrap.dedent(
            f"""
            with open({str(cargas)!r}, "a", encoding="utf-8") as f:
                f.write("lento\\n")

            def traer(url):
                return "traído " + url
            """
        ),
        encoding="utf-8",
    )
    (raiz / "biblioteca_prueba.py").write_text(
        textwrap.dedent(
            """
            import pesado_prueba.lento
            from pesado_prueba import lento as mismo

            try:
                import opcional_prueba
                camino = "opcional"
            except ImportError:
                camino = "sencillo"

            def descargar(url):
                return pesado_prueba.lento.traer(url), mismo.traer(url)
            """
        ),
        encoding="utf-8",
    )
    (raiz / "opcional_prueba.py").write_text("", encoding="utf-8")
    monkeypatch.syspath_prepend(str(raiz))
    yield cargas
    for nombre in list(sys.modules):
        if nombre.split(".")[0] in PAQUETES:
            del sys.modules[nombre]


def _cargas(archivo: Path) -> int:
    return archivo.read_text(encoding="utf-8").count("lento") if archivo.exists() else 0


def test_what_a_library_imports_for_a_function_never_called_stays_unloaded(
    paquetes: Path,
) -> None:
    with sin_cargar(("pesado_prueba.lento",)):
        import biblioteca_prueba
    assert _cargas(paquetes) == 0
    assert "pesado_prueba.lento" not in sys.modules
    # Called after all, the function gets the real module, loaded then and only once.
    assert biblioteca_prueba.descargar("x") == ("traído x", "traído x")
    assert _cargas(paquetes) == 1
    import pesado_prueba.lento

    assert pesado_prueba.lento.traer("y") == "traído y"
    assert type(sys.modules["pesado_prueba.lento"]).__name__ == "module"
    assert _cargas(paquetes) == 1


def test_a_stand_in_asked_while_the_library_still_imports_gives_the_real_module(
    paquetes: Path,
) -> None:
    with sin_cargar(("pesado_prueba.lento",)):
        falso = sys.modules["pesado_prueba.lento"]
        assert falso.traer("z") == "traído z"  # used at import: loaded at once
        assert _cargas(paquetes) == 1
        import biblioteca_prueba
    assert biblioteca_prueba.descargar("x") == ("traído x", "traído x")
    assert _cargas(paquetes) == 1


def test_a_module_already_loaded_is_left_as_it_is(paquetes: Path) -> None:
    import pesado_prueba.lento as real

    with sin_cargar(("pesado_prueba.lento",)):
        assert sys.modules["pesado_prueba.lento"] is real
    assert sys.modules["pesado_prueba.lento"] is real
    assert _cargas(paquetes) == 1


def test_a_blocked_module_sends_the_library_its_other_way_and_is_importable_after(
    paquetes: Path,
) -> None:
    with sin_cargar((), ("opcional_prueba",)):
        import biblioteca_prueba
    assert biblioteca_prueba.camino == "sencillo"
    assert "opcional_prueba" not in sys.modules
    import opcional_prueba

    assert opcional_prueba.__name__ == "opcional_prueba"

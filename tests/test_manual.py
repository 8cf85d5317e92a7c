"""The Manual de usuario (docs/manual/) is complete: every window has its chapter, every image
and link it names is there, every error a clerk can meet is explained in «Si algo sale mal»,
and it ships in the wheel and in the Windows bundle.

Which errors must be explained: every ``code`` the domain, the services and the store give a
``DomainError`` (or one of its subclasses) — a literal first argument to the class or to a
function that builds one from its own ``code`` argument, the keys of a message table such a
function reads (``MESSAGES[code]``), and a ``(code, message)`` pair a function returns for one
— plus every inconsistency *Revisar* reports (``revision.CODIGOS``). The rule for the chapter:
each such code appears in it between backquotes (```codigo```), next to the start of its
message; and each backquoted lower-case word in the chapter is one of those codes, so an
entry for an error that no longer exists does not linger.
"""

from __future__ import annotations

import ast
import fnmatch
import functools
import importlib
import inspect
import pkgutil
import re
import tomllib
from pathlib import Path

import pytest

from icsoe_desktop.gui.capitulos import CAPITULOS, COMPONENTES, INDICE, SI_ALGO_SALE_MAL
from icsoe_desktop.gui.manual import ancla, capitulos, imagenes

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "icsoe_desktop"
MANUAL = ROOT / "docs" / "manual"
CHAPTERS = sorted(MANUAL.glob("*.md"))
CODE = re.compile(r"[a-z][a-z0-9_]*")
LINK = re.compile(r"(?<!!)\[[^\]]*\]\(([^)\s]+)\)")


def headings(path: Path) -> set[str]:
    """The GitHub anchors of a chapter's headings (outside code blocks)."""
    found, fenced = set(), False
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("```"):
            fenced = not fenced
        elif not fenced and re.match(r"#{1,6} ", line):
            found.add(ancla(line.lstrip("#")))
    return found


# --- every window has a chapter -----------------------------------------------------------------


def gui_widget_classes() -> dict[str, type]:
    """Every public QWidget subclass defined in a module of icsoe_desktop.gui, by «módulo.Clase»."""
    from PySide6.QtWidgets import QWidget

    import icsoe_desktop.gui as gui

    found = {}
    for module_info in pkgutil.walk_packages(gui.__path__, gui.__name__ + "."):
        module = importlib.import_module(module_info.name)
        relative = module_info.name.removeprefix(gui.__name__ + ".")
        for name, cls in inspect.getmembers(module, inspect.isclass):
            ours = cls.__module__ == module.__name__ and not name.startswith("_")
            if ours and issubclass(cls, QWidget):
                found[f"{relative}.{name}"] = cls
    return found


def test_every_window_and_page_of_the_gui_has_a_chapter():
    classes = gui_widget_classes()
    assert "idse.login.IdseLoginWindow" in classes  # the introspection sees the windows
    missing = sorted(set(classes) - set(CAPITULOS) - COMPONENTES)
    assert missing == [], f"sin capítulo en gui/capitulos.py CAPITULOS: {missing}"
    stale = sorted((set(CAPITULOS) | COMPONENTES) - set(classes))
    assert stale == [], f"CAPITULOS nombra clases que ya no existen: {stale}"


def test_every_chapter_and_heading_a_window_opens_exists():
    wanted = [*CAPITULOS.values()]
    for capitulo in wanted:
        path = MANUAL / capitulo.archivo
        assert path.is_file(), capitulo
        if capitulo.seccion is not None:
            assert ancla(capitulo.seccion) in headings(path), capitulo
    assert (MANUAL / INDICE).is_file() and (MANUAL / SI_ALGO_SALE_MAL).is_file()


def test_the_chapter_list_is_every_chapter_with_its_title_in_order():
    listed = capitulos(MANUAL)
    assert [name for name, _ in listed] == [p.name for p in CHAPTERS]
    assert listed[0] == (INDICE, "Manual de usuario")
    assert listed[-1] == (SI_ALGO_SALE_MAL, "Si algo sale mal")


# --- images and links ---------------------------------------------------------------------------


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda p: p.name)
def test_every_image_a_chapter_shows_exists_and_draws(qapp, chapter):
    from PySide6.QtGui import QImageReader

    shown = imagenes(chapter.read_text(encoding="utf-8"))
    assert shown, "un capítulo sin capturas de pantalla de la aplicación"
    for image in shown:
        path = (MANUAL / image).resolve()
        assert path.is_file(), f"{chapter.name}: falta {image}"
        assert not QImageReader(str(path)).read().isNull(), f"{chapter.name}: {image} no se dibuja"


def test_every_picture_the_manual_shows_is_one_the_renderer_draws():
    """`screenshots` draws every picture the manual shows (its list: ``PICTURES``), and
    docs/screenshots holds what it draws: no picture of the manual is one that nothing redraws
    when its window changes, none drawn is missing from the folder."""
    from icsoe_desktop.demo import escala
    from icsoe_desktop.demo.screenshots import PICTURES

    carpeta = ROOT / "docs" / "screenshots"
    dibujadas = {f"{nombre}.png" for nombre in (*PICTURES, *escala.PICTURES)}
    mostradas = {
        (MANUAL / imagen).resolve().relative_to(carpeta).as_posix()
        for chapter in CHAPTERS
        for imagen in imagenes(chapter.read_text(encoding="utf-8"))
    }
    assert mostradas <= dibujadas, sorted(mostradas - dibujadas)
    en_carpeta = {p.relative_to(carpeta).as_posix() for p in carpeta.rglob("*.png")}
    assert en_carpeta == dibujadas, sorted(en_carpeta ^ dibujadas)
    # The places a newcomer meets first or alone: the evidence board, the recovery code of the
    # first start and the dialog that asks for it.
    for nueva in (
        "78e_evidencias_del_cliente.png",
        "27a_configuracion_inicial_codigo.png",
        "79b_abrir_con_codigo.png",
    ):
        assert nueva in mostradas


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda p: p.name)
def test_every_link_of_a_chapter_leads_to_a_chapter_and_its_heading(chapter):
    for target in LINK.findall(chapter.read_text(encoding="utf-8")):
        if target.startswith(("http://", "https://")):
            continue
        name, _, fragment = target.partition("#")
        path = (MANUAL / name) if name else chapter
        assert path.is_file(), f"{chapter.name}: la liga {target} no lleva a un capítulo"
        if fragment:
            assert fragment in headings(path), f"{chapter.name}: {target} no es un encabezado"


# --- «Si algo sale mal» explains every error ----------------------------------------------------


def _name(node: ast.expr) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    return node.attr if isinstance(node, ast.Attribute) else None


@functools.cache
def error_codes() -> dict[str, str]:
    """Every error code of domain/, services/ and store/ (see the module docstring), with where
    it was found. (Read once for the tests that ask.)"""
    trees = [
        (path, ast.parse(path.read_text(encoding="utf-8")))
        for folder in ("domain", "services", "store")
        for path in sorted((PACKAGE / folder).rglob("*.py"))
    ]
    # Every node of each file, walked once: the searches below go over them several times.
    nodes = [list(ast.walk(tree)) for _, tree in trees]
    functions = [node for found in nodes for node in found if isinstance(node, ast.FunctionDef)]
    calls_in = {id(function): list(ast.walk(function)) for function in functions}
    errors = {"DomainError"}
    grown = True
    while grown:  # the subclasses of DomainError, across modules
        grown = False
        for found in nodes:
            for node in found:
                if (
                    isinstance(node, ast.ClassDef)
                    and node.name not in errors
                    and any(_name(base) in errors for base in node.bases)
                ):
                    errors.add(node.name)
                    grown = True
    makers = set(errors)
    grown = True
    while grown:  # functions that build an error with the code they are given
        grown = False
        for function in functions:
            if function.name in makers:
                continue
            params = {a.arg for a in function.args.args + function.args.kwonlyargs}
            for call in calls_in[id(function)]:
                if (
                    isinstance(call, ast.Call)
                    and _name(call.func) in makers
                    and call.args
                    and isinstance(call.args[0], ast.Name)
                    and call.args[0].id in params
                ):
                    makers.add(function.name)
                    grown = True
                    break
    codes: dict[str, str] = {}
    for (path, tree), found in zip(trees, nodes, strict=True):
        where = path.relative_to(PACKAGE).as_posix()
        tables = {
            node.targets[0].id: node.value
            for node in tree.body
            if isinstance(node, ast.Assign)
            and isinstance(node.targets[0], ast.Name)
            and isinstance(node.value, ast.Dict)
        }
        for node in found:
            if isinstance(node, ast.Call) and _name(node.func) in makers and node.args:
                first = node.args[0]
                if isinstance(first, ast.Constant) and isinstance(first.value, str):
                    codes.setdefault(first.value, f"{where}:{node.lineno}")
            if isinstance(node, ast.FunctionDef) and any(
                isinstance(call, ast.Call) and _name(call.func) in makers
                for call in calls_in[id(node)]
            ):
                for sub in calls_in[id(node)]:  # a message table read by code: MESSAGES[code]
                    if isinstance(sub, ast.Subscript) and _name(sub.value) in tables:
                        for key in tables[_name(sub.value)].keys:  # type: ignore[index]
                            if isinstance(key, ast.Constant) and CODE.fullmatch(str(key.value)):
                                codes.setdefault(key.value, f"{where}:{sub.lineno}")
            if (
                isinstance(node, ast.Return)
                and isinstance(node.value, ast.Tuple)
                and len(node.value.elts) == 2
            ):
                code, message = node.value.elts
                if (
                    isinstance(code, ast.Constant)
                    and isinstance(code.value, str)
                    and CODE.fullmatch(code.value)
                    and isinstance(message, ast.JoinedStr | ast.Call | ast.Constant)
                ):
                    codes.setdefault(code.value, f"{where}:{node.lineno}")
    from icsoe_desktop.domain.informativa.revision import CODIGOS

    for code in CODIGOS:
        codes.setdefault(code, "domain/informativa/revision.py CODIGOS")
    from icsoe_desktop.domain.sisub.revision import CODIGOS as CODIGOS_SISUB

    for code in CODIGOS_SISUB:
        codes.setdefault(code, "domain/sisub/revision.py CODIGOS")
    return codes


@pytest.mark.slow
def test_the_rule_finds_the_errors_of_every_kind():
    """The collection itself: a literal code, a code through a function that builds the error, a message table, a
    (code, message) pair and Revisar's list; if one kind stopped being found, the test below
    would pass without checking it."""
    codes = error_codes()
    for code in (
        "credenciales_incorrectas",  # AuthenticationError("…", …)
        "llave_no_corresponde",  # credential_error("…", …)
        "contrasena_corta",  # RULE_MESSAGES[code]
        "respaldo_modificado",  # return ("…", f"…")
        "no_administrador",  # the same, in permisos
        "contratista_es_contratante",  # revision.CODIGOS
        "base_datos_danada",  # store/
    ):
        assert code in codes, code
    assert len(codes) > 200


@pytest.mark.slow
def test_every_error_a_clerk_can_meet_is_explained_in_si_algo_sale_mal():
    text = (MANUAL / SI_ALGO_SALE_MAL).read_text(encoding="utf-8")
    explained = set(re.findall(r"`([a-z][a-z0-9_]*)`", text))
    codes = error_codes()
    missing = {code: where for code, where in sorted(codes.items()) if code not in explained}
    assert missing == {}, f"sin explicar en {SI_ALGO_SALE_MAL}: {missing}"
    stale = sorted(explained - set(codes))
    assert stale == [], f"{SI_ALGO_SALE_MAL} explica códigos que ya no existen: {stale}"


# --- shipped ------------------------------------------------------------------------------------


def test_the_manual_ships_in_the_wheel():
    setuptools = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"][
        "setuptools"
    ]
    assert "icsoe_desktop.docs" in setuptools["packages"]
    assert setuptools["package-dir"]["icsoe_desktop.docs"] == "docs"
    patterns = setuptools["package-data"]["icsoe_desktop.docs"]
    docs = ROOT / "docs"
    needed = [p.relative_to(docs).as_posix() for p in CHAPTERS]
    for chapter in CHAPTERS:
        needed += [
            (MANUAL / image).resolve().relative_to(docs).as_posix()
            for image in imagenes(chapter.read_text(encoding="utf-8"))
        ]
    left_out = [f for f in needed if not any(fnmatch.fnmatch(f, p) for p in patterns)]
    assert left_out == []


def test_the_manual_ships_in_the_windows_bundle():
    """build_installer.spec copies the chapters and the screenshots where paths.asset_dir
    looks for them in a bundle (``docs/`` at its root)."""
    tree = ast.parse((ROOT / "build_installer.spec").read_text(encoding="utf-8"))
    datas = next(
        node.value
        for node in tree.body
        if isinstance(node, ast.Assign) and _name(node.targets[0]) == "datas"
    )
    destinations = {
        entry.elts[1].value: ast.unparse(entry.elts[0])
        for entry in datas.elts  # type: ignore[attr-defined]
        if isinstance(entry, ast.Tuple) and isinstance(entry.elts[1], ast.Constant)
    }
    assert destinations["docs/manual"] == "str(ROOT / 'docs' / 'manual' / '*.md')"
    assert destinations["docs/screenshots"] == "str(ROOT / 'docs' / 'screenshots' / '*.png')"

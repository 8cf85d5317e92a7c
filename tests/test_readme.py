"""The README is for someone deciding to install the app: short, with the app's own
screenshots (the manual window among them), and every link and image it (or another document
of docs/) names exists."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from icsoe_desktop.gui.manual import ancla

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
LINK = re.compile(r"!?\[[^\]]*\]\(([^)\s]+)\)")


def test_the_readme_is_short_and_shows_the_app_and_its_manual():
    text = README.read_text(encoding="utf-8")
    assert len(text.splitlines()) <= 250
    images = re.findall(r"!\[[^\]]*\]\(([^)\s]+)\)", text)
    assert 4 <= len(images) <= 6
    assert "docs/screenshots/80_manual_de_usuario.png" in images


@pytest.mark.parametrize(
    "document",
    [README, ROOT / "CHANGELOG.md", *sorted((ROOT / "docs").glob("*.md"))],
    ids=lambda p: p.name,
)
def test_every_link_and_image_of_the_readme_and_the_documents_exists(document):
    for target in LINK.findall(document.read_text(encoding="utf-8")):
        if target.startswith(("http://", "https://", "mailto:")):
            continue
        name, _, fragment = target.partition("#")
        path = (document.parent / name) if name else document
        assert path.is_file(), target
        if fragment:
            headings = {
                ancla(line.lstrip("#"))
                for line in path.read_text(encoding="utf-8").splitlines()
                if re.match(r"#{1,6} ", line)
            }
            assert fragment in headings, target


def test_the_readme_leads_to_the_manual_the_it_guide_the_architecture_and_the_figures():
    text = README.read_text(encoding="utf-8")
    for document in (
        "docs/manual/00_indice.md",
        "docs/administracion.md",
        "docs/ARCHITECTURE.md",
        "docs/rendimiento.md",
    ):
        assert f"]({document}" in text, document


@pytest.mark.parametrize("document", [README, ROOT / "docs" / "administracion.md"])
def test_measured_figures_live_only_in_rendimiento(document):
    """A figure copied into a second document drifts from the measured one: the README and the
    IT guide link to docs/rendimiento.md instead (limits and settings are not figures)."""
    text = document.read_text(encoding="utf-8")
    measured = re.findall(r"\bp(?:50|99)\b|\d(?:[\d.,]*) ?ms\b|\d(?:[\d.,]*) veces\b", text)
    assert measured == []
    assert "rendimiento.md" in text


def test_the_design_document_stays_a_map():
    """ARCHITECTURE.md holds the map, the rules and the recipes; an area's detail goes to its
    document in docs/diseno/, which the map lists."""
    arquitectura = ROOT / "docs" / "ARCHITECTURE.md"
    assert len(arquitectura.read_text(encoding="utf-8").splitlines()) <= 500
    listados = set(
        re.findall(r"\]\(diseno/([a-z_]+\.md)\)", arquitectura.read_text(encoding="utf-8"))
    )
    assert listados == {p.name for p in (ROOT / "docs" / "diseno").glob("*.md")}

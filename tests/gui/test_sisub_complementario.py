"""The SISUB window's two controls beyond the steps: *Anotar el motivo…* (why the ICSOE
informativa of the period differs: Revisar then warns instead of keeping the files back) and,
once the period's SISUB is filed, *Preparar complementario…* (its motivo from the closed list,
then prepared, exported and filed with its own acuse like any report). Clicked and read as a
clerk would."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from pathlib import Path

import pytest
from PySide6.QtWidgets import QFileDialog

from icsoe_desktop.demo.acuse_infonavit import acuse_infonavit_pdf
from icsoe_desktop.domain.clock import HORA_DEL_CENTRO
from icsoe_desktop.domain.roles import CLI_ACTOR
from icsoe_desktop.domain.sisub.layout import CODIFICACION
from icsoe_desktop.gui.informativa.sisub import SisubDialog
from icsoe_desktop.gui.informativa.sisub_complementario import ComplementarioDialog
from icsoe_desktop.gui.informativa.sisub_motivo import MotivoIcsoeDialog
from tests import sisub_fixtures as fx
from tests.gui.helpers import click, type_text, wait_operations
from tests.informativa_servicios import CLIENTE
from tests.sisub_datos import MAYO_AGOSTO, SITIO, contrato

# The fixtures the tests take (tests/sisub_fixtures.py).
_quien_una_vez, services, quien, reporte = fx._quien_una_vez, fx.services, fx.quien, fx.reporte

FOLIO = "SISUB-2026-0001234"
FOLIO_COMPLEMENTARIO = "SISUB-2026-0005678"
MOTIVO = "El contrato empezó en marzo; la informativa ICSOE de mayo–agosto lo declara por error."


@pytest.fixture
def diferente(quien, services):
    """A SISUB of mayo–agosto whose ICSOE informativa lists a contract that started in march:
    for the SISUB it continues, for the ICSOE it was celebrated in the period. (rfc, uuid)."""
    rfc, ana = quien
    _inf, marzo = contrato(
        services, rfc, ana, MAYO_AGOSTO, CLIENTE, date(2026, 3, 2), None, trabajadores=1
    )
    hecho = services.sisub.preparar(rfc, ana, MAYO_AGOSTO)
    services.sisub.guardar_contrato(hecho.uuid, marzo, ana, "SISUB-M-1", SITIO)
    # The sujeto obligado's row carries a registro patronal (no worker brings one).
    services.registros.save("B1234567105", rfc, "EMPRESA DEMO SA DE CV", CLI_ACTOR)
    return rfc, hecho.uuid


def _csv(ruta: Path) -> list[dict[str, str]]:
    """The rows of an exported CSV by its titles, read as Excel writes them."""
    texto = ruta.read_bytes().decode(CODIFICACION)
    return list(csv.DictReader(io.StringIO(texto, newline="")))


def _ventana(qtbot, services, rfc: str, actor: str) -> SisubDialog:
    dialogo = SisubDialog(services, rfc, actor)
    qtbot.addWidget(dialogo)
    dialogo.show()
    qtbot.waitUntil(lambda: dialogo.reporte is not None, timeout=30_000)
    return dialogo


def test_the_clerk_says_why_the_icsoe_differs_and_the_files_are_exported(
    qtbot, modals, monkeypatch, services, quien, diferente, tmp_path
):
    rfc, ana = quien
    dialogo = _ventana(qtbot, services, rfc, ana)  # the capturista: the note is preparing
    assert dialogo.anotar.isEnabled()
    assert dialogo.nota.text() == "Diferencia con la informativa ICSOE: sin motivo anotado."
    click(qtbot, dialogo.revisar)
    wait_operations(qtbot)
    qtbot.waitUntil(lambda: len(modals.texts) == 1, timeout=30_000)
    assert (
        "Corregir: Un contrato de la informativa ICSOE del periodo no está en el SISUB."
        in (modals.texts[0])
    )

    visto: dict[str, object] = {}

    def anotar(caja) -> None:
        assert isinstance(caja, MotivoIcsoeDialog)
        assert caja.actual.text() == "Aún no hay un motivo anotado."
        largo = ("Un motivo demasiado largo " * 40)[:1001]
        type_text(qtbot, caja.motivo, largo)
        assert caja.cuenta.text() == "1,001 de 1,000 caracteres"
        click(qtbot, caja.aceptar)  # the service refuses: said, the field kept
        visto["largo"] = (caja.isVisible(), caja.motivo.toPlainText() == largo)
        caja.motivo.clear()
        type_text(qtbot, caja.motivo, MOTIVO)
        caja.grab().save(str(tmp_path / "sisub_motivo.png"))
        click(qtbot, caja.aceptar)

    modals.handle(anotar)
    click(qtbot, dialogo.anotar)
    qtbot.waitUntil(lambda: MOTIVO in dialogo.nota.text(), timeout=30_000)
    assert modals.texts[1] == "El motivo admite hasta 1,000 caracteres."
    assert visto["largo"] == (True, True)
    assert fx.auditado(services, "sisub_nota_icsoe") == [MOTIVO]
    dialogo.grab().save(str(tmp_path / "sisub_con_motivo.png"))

    # Revisar accepts the difference, and says by which note.
    click(qtbot, dialogo.revisar)
    wait_operations(qtbot)
    qtbot.waitUntil(lambda: len(modals.texts) == 3, timeout=30_000)
    revision = modals.texts[2]
    assert "Corregir:" not in revision
    aceptada = (
        f"La diferencia con la informativa ICSOE se acepta por el motivo anotado: «{MOTIVO}»."
    )
    assert f"Aviso: {aceptada}" in revision
    assert "Aviso: Un contrato de la informativa ICSOE del periodo no está en el SISUB." in (
        revision
    )
    dialogo.close()

    # The contratista exports what the difference kept back.
    dueno = _ventana(qtbot, services, rfc, rfc)
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *_a: str(tmp_path / "salida"))
    click(qtbot, dueno.exportar)
    wait_operations(qtbot)
    qtbot.waitUntil(lambda: len(modals.texts) == 4, timeout=30_000)
    assert modals.texts[3].startswith("Se escribió")
    carpeta = tmp_path / "salida" / f"SISUB {rfc} 2026-2"
    assert (carpeta / "2_SISUB_Ley_29_bis_Contratos.csv").exists()


def test_a_complementario_from_the_window_prepared_exported_and_filed(
    qtbot, modals, monkeypatch, services, reporte, tmp_path
):
    rfc, _ana, uuid = reporte
    dialogo = _ventana(qtbot, services, rfc, rfc)
    qtbot.waitUntil(lambda: dialogo.trabajadores_model.rowCount() > 0, timeout=30_000)
    filas = dialogo.trabajadores_model.rowCount()  # the workers per bimestre, from the receipts
    # Before any filing: greyed, and it says why as the service would refuse it.
    assert not dialogo.complementario.isEnabled()
    assert dialogo.complementario.toolTip() == (
        "Un complementario corrige un SISUB ya presentado; el de mayo–agosto 2026 aún no se "
        "presenta."
    )
    services.sisub_presentacion.registrar(
        uuid,
        rfc,
        acuse_infonavit_pdf(rfc=rfc),
        "acuse.pdf",
        FOLIO,
        datetime(2026, 9, 15, 11, 20, 5, tzinfo=HORA_DEL_CENTRO),
    )
    qtbot.waitUntil(lambda: f"Presentado · folio {FOLIO}" in dialogo.estado.text(), timeout=30_000)
    assert not dialogo.preparar.isEnabled() and not dialogo.anotar.isEnabled()
    assert dialogo.complementario.isEnabled()
    dialogo.grab().save(str(tmp_path / "sisub_presentado.png"))

    visto: dict[str, object] = {}

    def elegir(caja) -> None:
        assert isinstance(caja, ComplementarioDialog)
        assert f"presentado con el folio {FOLIO}" in caja.instruccion.text()
        assert [caja.motivos.itemText(i) for i in range(caja.motivos.count())] == [
            "",
            "Cambio de un contrato",
            "Cambio de las actividades o del registro en el REPSE",
            "Cambio de la escritura constitutiva",
        ]
        click(qtbot, caja.preparar)  # none chosen: the service's message, the dialog stays
        visto["sin_motivo"] = caja.isVisible()
        caja.motivos.setCurrentIndex(caja.motivos.findData("contrato"))
        caja.grab().save(str(tmp_path / "sisub_complementario.png"))
        click(qtbot, caja.preparar)

    modals.handle(elegir)
    click(qtbot, dialogo.complementario)
    wait_operations(qtbot)
    en_preparacion = "Complementario (Cambio de un contrato)</b> · En preparación"
    qtbot.waitUntil(lambda: en_preparacion in dialogo.estado.text(), timeout=30_000)
    assert modals.texts[0] == (
        "Elige el motivo del complementario: Cambio de un contrato, Cambio de las actividades o "
        "del registro en el REPSE, Cambio de la escritura constitutiva."
    )
    assert visto["sin_motivo"] is True
    qtbot.waitUntil(lambda: dialogo.trabajadores_model.rowCount() == filas, timeout=30_000)
    assert dialogo.contratos_model.index(0, 5).data() == "SISUB-2026-001"
    editables = (dialogo.preparar, dialogo.anotar, dialogo.guardar_contrato, dialogo.exportar)
    assert all(b.isEnabled() for b in (*editables, dialogo.presentar))
    assert not dialogo.complementario.isEnabled()
    assert "en preparación" in dialogo.complementario.toolTip()
    dialogo.grab().save(str(tmp_path / "sisub_complementario_ventana.png"))

    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *_a: str(tmp_path / "salida"))
    click(qtbot, dialogo.exportar)
    wait_operations(qtbot)
    qtbot.waitUntil(lambda: len(modals.texts) == 2, timeout=30_000)
    assert modals.texts[1].startswith("Se escribió")
    carpeta = tmp_path / "salida" / f"SISUB {rfc} 2026-2 complementario"
    assert {p.name for p in carpeta.iterdir()} >= {
        "1_SISUB_Ley_29_bis_Sujeto obligado.csv",
        "2_SISUB_Ley_29_bis_Contratos.csv",
        "3_SISUB_Ley_29_bis_DetalleTrab.csv",
    }
    sujeto = _csv(carpeta / "1_SISUB_Ley_29_bis_Sujeto obligado.csv")
    assert [fila["Tipo de reporte"] for fila in sujeto] == ["Complementario"]
    contratos = _csv(carpeta / "2_SISUB_Ley_29_bis_Contratos.csv")
    assert [fila["Número de contrato"] for fila in contratos] == ["SISUB-2026-001"]

    acuse = tmp_path / "acuse_complementario.pdf"
    acuse.write_bytes(acuse_infonavit_pdf(folio=FOLIO_COMPLEMENTARIO, rfc=rfc))
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *_a, **_k: (str(acuse), ""))
    modals.answer("Registrar", "Aceptar")
    click(qtbot, dialogo.presentar)
    qtbot.waitUntil(lambda: len(modals.texts) == 4, timeout=30_000)
    assert FOLIO_COMPLEMENTARIO in modals.texts[2]
    assert modals.texts[3] == f"Presentado: folio {FOLIO_COMPLEMENTARIO}."
    presentado = (
        f"Complementario (Cambio de un contrato)</b> · Presentado · folio {FOLIO_COMPLEMENTARIO}"
    )
    qtbot.waitUntil(lambda: presentado in dialogo.estado.text(), timeout=30_000)
    assert not dialogo.guardar_contrato.isEnabled() and dialogo.complementario.isEnabled()

"""ICSOE › Verificar una constancia de firma… in the main window: a client chooses the PDF
(and, optionally, the contratista's .cer) and reads whose it is, what and when it was signed;
a constancia changed after signing is refused with its reasons."""

from __future__ import annotations

from pathlib import Path

import pytest

from icsoe_desktop.domain.roles import CLI_ACTOR
from icsoe_desktop.gui.kit import colores
from icsoe_desktop.gui.ventana_principal import VentanaPrincipal
from icsoe_desktop.services.acceso.accounts import Registration
from icsoe_desktop.services.certificados.servicio import TRUSTED_DIR
from icsoe_desktop.services.informativa import constancia as c
from tests import credentials_factory as cf
from tests.gui.helpers import click
from tests.icsoe_helpers import enter_contratista
from tests.informativa_servicios import PERIODO, contrato_con_trabajadores
from tests.services.test_vencimientos import ANA, PASSWORD

pytestmark = pytest.mark.slow


@pytest.fixture
def constancia(services, data_dir, tmp_path) -> tuple[Path, Path, str]:
    services.accounts.register(Registration("Ana", "Ruiz", "", ANA, PASSWORD, PASSWORD, True))
    services.primer_uso.guardar_empresa("ABA010101AA1", "Abarrotes Uno SA de CV", ANA)
    rfc = enter_contratista(services, data_dir, tmp_path)
    uuid = services.informativas.crear(rfc, CLI_ACTOR, PERIODO)
    contrato_con_trabajadores(services, rfc, CLI_ACTOR, uuid, trabajadores=3)
    cer = tmp_path / "fiel" / f"{rfc}.cer"
    pdf = tmp_path / "Constancia_firma.pdf"
    pdf.write_bytes(
        services.informativa_firma.firmar(uuid, rfc, cer, cer.with_suffix(".key"), cf.PASSWORD)
    )
    return pdf, cer, uuid


def _verificar(
    qtbot, services, modals, tmp_path, pdf: Path, cer: Path | None, png: str = "verificar"
) -> dict:
    window = VentanaPrincipal(services, ANA)
    qtbot.addWidget(window)
    window.show()
    icsoe = next(a.menu() for a in window.menuBar().actions() if a.text() == "&ICSOE")
    assert window.verificar_constancia_action in icsoe.actions()
    visto: dict = {}

    def usar(dialog) -> None:
        visto["titulo"] = dialog.windowTitle()
        dialog.set_constancia(str(pdf))
        if cer is not None:
            dialog.set_certificado(str(cer))
        click(qtbot, dialog.verificar)
        qtbot.waitUntil(lambda: bool(dialog.resultado.text()), timeout=30_000)
        visto["resultado"] = dialog.resultado.text()
        visto["hoja"] = dialog.resultado.property("coloresHojaEscrita")
        dialog.grab().save(str(tmp_path / f"{png}.png"))
        click(qtbot, dialog.cerrar)

    modals.handle(usar)
    window.verificar_constancia_action.trigger()
    return visto


def test_a_client_verifies_a_constancia_from_the_icsoe_menu(
    qtbot, services, modals, constancia, tmp_path
):
    pdf, cer, uuid = constancia
    visto = _verificar(qtbot, services, modals, tmp_path, pdf, cer)
    assert visto["titulo"] == "Verificar una constancia de firma"
    assert visto["resultado"] == (
        "La constancia de firma es válida: EDE0101018A2, EMPRESA DEMO SA DE CV; informativa "
        f"Normal del periodo mayo–agosto 2026 (2026-2), identificador interno {uuid}; certificado "
        "00001000000712345678; firmada el 22/11/2026 03:00:00 (UTC-06:00) según el equipo "
        "de quien firmó (sin sello de tiempo confiable en este equipo, esa fecha no está "
        "probada).\nNo se pudo comprobar la revocación: el emisor de la e.firma no publica una "
        "lista de revocación (CRL) ni un servicio OCSP."
    )
    assert (tmp_path / "verificar.png").stat().st_size > 0


def test_a_changed_constancia_is_refused_with_its_reasons(
    qtbot, services, modals, constancia, tmp_path
):
    pdf, _cer, _uuid = constancia
    datos = bytearray(pdf.read_bytes())
    datos[len(datos) // 3] ^= 0x01
    alterada = tmp_path / "alterada.pdf"
    alterada.write_bytes(bytes(datos))
    visto = _verificar(qtbot, services, modals, tmp_path, alterada, None)
    assert visto["resultado"].startswith("La constancia de firma no es válida:\n")
    motivo = visto["resultado"].split("\n", 1)[1]
    assert motivo in (c.FIRMA_ROTA, c.FIRMA_ALTERADA, c.ILEGIBLE, c.NO_ES_CONSTANCIA, c.DANADO)


def test_the_time_stamp_of_a_b_t_constancia_is_shown_with_its_time_and_tsa(
    qtbot, services, modals, data_dir, tmp_path
):
    from tests.servidor_tsa import NOMBRE_TSA, servidor_tsa

    services.accounts.register(Registration("Ana", "Ruiz", "", ANA, PASSWORD, PASSWORD, True))
    rfc = enter_contratista(services, data_dir, tmp_path)
    uuid = services.informativas.crear(rfc, CLI_ACTOR, PERIODO)
    contrato_con_trabajadores(services, rfc, CLI_ACTOR, uuid, trabajadores=2)
    cer = tmp_path / "fiel" / f"{rfc}.cer"
    with servidor_tsa() as tsa:
        services.settings.save_sello_tiempo(tsa.url, CLI_ACTOR)
        pdf = tmp_path / "Constancia_firma.pdf"
        pdf.write_bytes(
            services.informativa_firma.firmar(uuid, rfc, cer, cer.with_suffix(".key"), cf.PASSWORD)
        )
    visto = _verificar(qtbot, services, modals, tmp_path, pdf, None)
    valida, sello, revocacion = visto["resultado"].split("\n")
    assert revocacion == c.SIN_REVOCACION.format(porque=c.EMISOR_SIN_REVOCACION)
    assert valida.startswith("La constancia de firma es válida: EDE0101018A2")
    assert sello == c.SELLO_NO_CONFIABLE.format(
        fecha="22/11/2026 03:00:05 (UTC-06:00)", tsa=NOMBRE_TSA
    )


def test_the_window_says_when_a_constancia_cannot_be_checked_and_a_proven_signing_time(
    qtbot, services, modals, data_dir, clock, tmp_path
):
    from tests.icsoe_helpers import trust_sat
    from tests.services import test_constancia_hora_probada as hp
    from tests.servidor_tsa import NOMBRE_TSA, servidor_tsa

    services.accounts.register(Registration("Ana", "Ruiz", "", ANA, PASSWORD, PASSWORD, True))
    trust_sat(data_dir)
    clock.now = hp.AHORA.replace(tzinfo=None)
    vencida = tmp_path / "vencida.pdf"
    vencida.write_bytes(hp._firmar(hp._fiel(hp.VENCIDA_EL), hp.ATRASADA))
    visto = _verificar(qtbot, services, modals, tmp_path, vencida, None, "no_comprobable")
    assert visto["resultado"].split("\n") == [
        c.NO_SE_PUEDE,
        c.NO_COMPROBABLE.format(
            fecha="16/09/2026 23:58:02 (UTC-06:00)",
            desde=hp.datetime(2025, 1, 1),
            hasta=hp.datetime(2026, 11, 2),
        ),
    ]
    with servidor_tsa(hp.SELLO) as tsa:
        ca = tmp_path / "ac_tsa.cer"
        ca.write_bytes(tsa.tsa.ca_der)
        services.certificates.emisores.agregar(ca, CLI_ACTOR, "sello")
        sellada = tmp_path / "sellada.pdf"
        sellada.write_bytes(hp._firmar(hp._fiel(hp.VIGENTE_HASTA), hp.AL_SELLAR, tsa.url))
    visto = _verificar(qtbot, services, modals, tmp_path, sellada, None, "hora_probada")
    valida, sello, revocacion = visto["resultado"].split("\n")
    assert revocacion == c.SIN_REVOCACION.format(porque=c.EMISOR_SIN_REVOCACION)
    assert valida.endswith(
        f"firmada el 26/11/2026 10:00:05 (UTC-06:00) según el sello de tiempo de {NOMBRE_TSA} "
        "(26/11/2026 10:00:00 (UTC-06:00) según el equipo de quien firmó)."
    )
    assert sello.startswith("Sello de tiempo: 26/11/2026 10:00:05 (UTC-06:00)")


def test_the_window_names_a_change_after_signing_and_lists_a_later_signature(
    qtbot, services, modals, data_dir, clock, tmp_path
):
    from icsoe_desktop.services.informativa import constancia_motivos as cm
    from tests import constancia_cambios as cambios
    from tests.icsoe_helpers import trust_sat
    from tests.services import test_constancia_hora_probada as hp

    services.accounts.register(Registration("Ana", "Ruiz", "", ANA, PASSWORD, PASSWORD, True))
    trust_sat(data_dir)
    clock.now = hp.AHORA.replace(tzinfo=None)
    genuina = hp._firmar(hp._fiel(hp.VIGENTE_HASTA), hp.AL_SELLAR)
    anotada = tmp_path / "anotada.pdf"
    anotada.write_bytes(cambios.anotacion_encima(genuina))
    visto = _verificar(qtbot, services, modals, tmp_path, anotada, None, "cambiada")
    assert visto["resultado"].split("\n") == [
        c.NO_VALIDA,
        c.CAMBIO_ILEGAL.format(que="se agregó una anotación encima de la página 1"),
    ]
    contrafirmada = tmp_path / "contrafirmada.pdf"
    contrafirmada.write_bytes(
        cambios.contrafirma(genuina, cf.fiel_fisica(), [cf.sat_ca().certificate_der])
    )
    visto = _verificar(qtbot, services, modals, tmp_path, contrafirmada, None, "contrafirmada")
    valida, revocacion, posterior, despues = visto["resultado"].split("\n")
    assert revocacion == c.SIN_REVOCACION.format(porque=c.EMISOR_SIN_REVOCACION)
    assert valida.startswith("La constancia de firma es válida: EDE0101018A2")
    assert posterior.startswith("Firma agregada después de la constancia")
    assert f", RFC {cf.RFC_FISICA}, " in posterior
    assert despues == c.CAMBIOS_POSTERIORES
    assert visto["hoja"] == f"color: {colores.PROPIO[colores.AVISO]};"
    # An empty signature field drawing over page 1 in print only: refused, named, in red.
    encima = tmp_path / "encima.pdf"
    encima.write_bytes(cambios.campo_firma_solo_impreso(genuina))
    visto = _verificar(qtbot, services, modals, tmp_path, encima, None, "encima")
    que = "se agregó el campo «Revision», que dibuja sobre la página 1" + cm.SOLO_IMPRESO
    assert visto["resultado"].split("\n") == [c.NO_VALIDA, c.CAMBIO_ILEGAL.format(que=que)]
    assert visto["hoja"] == f"color: {colores.PROPIO[colores.ERROR]};"


def test_the_window_says_whether_the_e_firma_was_revoked_when_it_signed(
    qtbot, services, modals, data_dir, clock, tmp_path
):
    from icsoe_desktop.services.certificados.servicio import TRUSTED_DIR
    from tests.services import test_constancia_hora_probada as hp
    from tests.services import test_constancia_revocacion as rev
    from tests.servidor_crl import con_crl, publicador_crl

    services.accounts.register(Registration("Ana", "Ruiz", "", ANA, PASSWORD, PASSWORD, True))
    clock.now = hp.AHORA.replace(tzinfo=None)
    with publicador_crl() as crl:
        (data_dir / TRUSTED_DIR).mkdir(exist_ok=True)
        (data_dir / TRUSTED_DIR / "ac_revocacion.cer").write_bytes(crl.ca.certificate_der)
        fiel = crl.efirma("00001000000700000005", rev.DESDE, rev.HASTA)
        genuina = rev._firmar(fiel, hp.AL_SELLAR)
        crl.revocar(fiel, hp.datetime(2026, 11, 26, 18, 0, tzinfo=hp.UTC))
        revocada = con_crl(genuina, crl.crl())
    firmada = tmp_path / "firmada.pdf"
    firmada.write_bytes(genuina)
    valida, revocacion = _verificar(qtbot, services, modals, tmp_path, firmada, None)[
        "resultado"
    ].split("\n")
    assert valida.startswith("La constancia de firma es válida: EDE0101018A2")
    assert revocacion == (
        "Revocación comprobada: la e.firma no estaba revocada a la hora de este equipo "
        "(27/11/2026 03:00:00 (UTC-06:00); sin sello de tiempo confiable), según los datos de "
        "revocación (CRL u OCSP) de su emisor guardados en la constancia."
    )
    (tmp_path / "revocada.pdf").write_bytes(revocada)
    visto = _verificar(qtbot, services, modals, tmp_path, tmp_path / "revocada.pdf", None)
    assert visto["resultado"].split("\n") == [
        "La constancia de firma no es válida:",
        "La e.firma fue revocada el 26/11/2026 12:00:00 (UTC-06:00), antes de la hora de este "
        "equipo (27/11/2026 03:00:00 (UTC-06:00); sin sello de tiempo confiable).",
    ]


def test_a_ca_added_in_the_window_for_time_stamps_signs_no_valid_constancia(
    qtbot, services, modals, data_dir, tmp_path
):
    """The attack: IT adds a commercial CA «for the TSA» by clicking through Emisores
    confiables; a constancia signed with a certificate bought from it is refused in Verificar."""
    from icsoe_desktop.gui.certificados.emisores_confiables import (
        HEADERS,
        EmisoresConfiablesDialog,
    )
    from tests.icsoe_helpers import trust_sat
    from tests.services.test_emisores_uso import COMERCIAL, archivo_ca, ataque, comercial

    services.accounts.register(Registration("Ana", "Ruiz", "", ANA, PASSWORD, PASSWORD, True))
    trust_sat(data_dir)
    emisores = EmisoresConfiablesDialog(services, ANA)
    qtbot.addWidget(emisores)
    emisores.show()
    modals.answer("Autoridad de sellos de tiempo", "Aceptar")
    emisores.agregar_archivo(str(archivo_ca(comercial().certificate_der, tmp_path)))
    qtbot.waitUntil(lambda: len(modals.messages) == 2)
    pregunta, hecho = modals.messages
    assert pregunta.buttons == ("Emisor de e.firma", "Autoridad de sellos de tiempo", "Cancelar")
    assert hecho.text == (
        f"El emisor {COMERCIAL} se agregó a los emisores confiables como «Autoridad de sellos "
        "de tiempo»."
    )
    fila = next(i for i, e in enumerate(emisores.model.rows) if e.nombre == COMERCIAL)
    uso = emisores.model.data(emisores.model.index(fila, HEADERS.index("Uso")))
    assert uso == "Autoridad de sellos de tiempo"
    emisores.close()

    pdf = tmp_path / "ataque.pdf"
    pdf.write_bytes(ataque())
    visto = _verificar(qtbot, services, modals, tmp_path, pdf, None, "solo_sellos")
    assert visto["resultado"].split("\n") == [c.NO_VALIDA, c.SOLO_SELLOS.format(emisor=COMERCIAL)]


def test_a_constancia_made_before_the_workers_names_is_still_valid(
    qtbot, services, modals, data_dir, tmp_path
):
    """tests/data/constancia_v2.pdf (see test_constancia_nombres), its authority trusted here."""
    datos = Path(__file__).resolve().parent.parent / "data"
    services.accounts.register(Registration("Ana", "Ruiz", "", ANA, PASSWORD, PASSWORD, True))
    services.primer_uso.guardar_empresa("ABA010101AA1", "Abarrotes Uno SA de CV", ANA)
    (data_dir / TRUSTED_DIR).mkdir(exist_ok=True)
    (data_dir / TRUSTED_DIR / "ac_v2.cer").write_bytes(
        (datos / "constancia_v2_ac.der").read_bytes()
    )
    visto = _verificar(qtbot, services, modals, tmp_path, datos / "constancia_v2.pdf", None)
    assert visto["resultado"].startswith(
        "La constancia de firma es válida: EDE0101018A2, EMPRESA DEMO SA DE CV; informativa "
        "Normal del periodo enero–abril 2026 (2026-1)"
    ), visto["resultado"]
    assert "firmada el 20/11/2026 10:00:00 (UTC-06:00)" in visto["resultado"]

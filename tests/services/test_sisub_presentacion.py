"""*Registrar presentación* of a SISUB through the real services: the INFONAVIT's acuse (a PDF
laid out as «Seguimiento a folio» might print it) read for its folio and date and tied to the
contratista's RFC and the period; an acuse of another RFC or period, a scanned one not stated,
a file that is no PDF refused; the report then read-only, a late filing recorded, a
complementario after it."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from icsoe_desktop.demo.acuse_infonavit import acuse_infonavit_pdf
from icsoe_desktop.domain.clock import HORA_DEL_CENTRO
from icsoe_desktop.domain.errors import ValidationError
from icsoe_desktop.domain.roles import CLI_ACTOR
from icsoe_desktop.domain.sisub.modelo import COMPLEMENTARIO, PRESENTADO
from icsoe_desktop.services.acceso.permisos import PermisoDenegado
from tests import nomina_cfdi as nc
from tests import sisub_fixtures as fx
from tests.informativa_servicios import CLIENTE
from tests.sisub_datos import ENERO_ABRIL, MAYO_AGOSTO, SITIO, contrato

FOLIO = "SISUB-2026-0001234"
A_TIEMPO = datetime(2026, 9, 15, 11, 20, 5, tzinfo=HORA_DEL_CENTRO)


# The fixtures the tests take (tests/sisub_fixtures.py).
_quien_una_vez, services, quien = fx._quien_una_vez, fx.services, fx.quien


@pytest.fixture
def reporte(quien, services):
    """mayo–agosto 2026's SISUB, sin actividad: (rfc, ana, uuid); the contratista's registro
    patronal captured, the sujeto obligado's row."""
    rfc, ana = quien
    services.registros.save(nc.REGISTRO_PATRONAL, rfc, "Servicios del Mayab", CLI_ACTOR)
    return rfc, ana, services.sisub.preparar(rfc, ana, MAYO_AGOSTO).uuid


def _sin_texto() -> bytes:
    from io import BytesIO

    from reportlab.pdfgen import canvas

    salida = BytesIO()
    c = canvas.Canvas(salida, invariant=1)
    c.rect(50, 50, 200, 200)  # a scan: drawn, no text
    c.showPage()
    c.save()
    return salida.getvalue()


def test_the_acuse_fills_the_folio_and_files_the_report(services, reporte):
    rfc, ana, uuid = reporte
    servicio = services.sisub_presentacion
    pdf = acuse_infonavit_pdf(rfc=rfc)
    leido = servicio.leer(uuid, rfc, pdf, "acuse.pdf")
    assert (leido.folio, leido.fecha) == (FOLIO, A_TIEMPO)
    hecho = servicio.registrar(uuid, rfc, pdf, "acuse.pdf", leido.folio.lower(), leido.fecha)
    assert (hecho.folio, hecho.texto) == (FOLIO, "Presentado")
    assert servicio.presentado(uuid, ana) == hecho
    assert servicio.acuse(uuid, ana) == pdf
    reporte_ = services.sisub.reporte(uuid, ana)
    assert (reporte_.estado, reporte_.folio) == (PRESENTADO, FOLIO)
    # Read-only; the period's report is filed: a change is a complementario.
    with pytest.raises(ValidationError) as error:
        services.sisub.anotar_icsoe(uuid, ana, "otra cosa")
    assert error.value.code == "sisub_presentado"
    with pytest.raises(ValidationError) as error:
        services.sisub.preparar(rfc, ana, MAYO_AGOSTO)
    assert FOLIO in error.value.message
    with pytest.raises(ValidationError) as error:
        servicio.registrar(uuid, rfc, pdf, "acuse.pdf", FOLIO, A_TIEMPO)
    assert error.value.code == "sisub_presentado"
    with pytest.raises(ValidationError) as error:
        services.sisub.preparar(rfc, ana, MAYO_AGOSTO, complementario=True, motivo="otro")
    assert error.value.code == "motivo_complementario"
    complementario = services.sisub.preparar(
        rfc, ana, MAYO_AGOSTO, complementario=True, motivo="contrato"
    )
    nuevo = services.sisub.reporte(complementario.uuid, ana)
    assert (nuevo.tipo, nuevo.motivo) == (COMPLEMENTARIO, "contrato")
    # Asked again while it is in preparation: the same one, for the motivo chosen last.
    otra_vez = services.sisub.preparar(
        rfc, ana, MAYO_AGOSTO, complementario=True, motivo="escritura"
    )
    assert otra_vez.uuid == complementario.uuid
    assert services.sisub.reporte(otra_vez.uuid, ana).motivo == "escritura"
    # Its acuse cannot carry the folio of the first filing.
    with pytest.raises(ValidationError) as error:
        servicio.registrar(complementario.uuid, rfc, pdf, "acuse.pdf", FOLIO, A_TIEMPO)
    assert error.value.code == "folio_usado"


def test_a_late_filing_is_recorded(services, reporte):
    rfc, _ana, uuid = reporte
    tarde = datetime(2026, 9, 21, 9, 0, tzinfo=HORA_DEL_CENTRO)
    pdf = acuse_infonavit_pdf(rfc=rfc, fecha="21/09/2026 09:00:00")
    hecho = services.sisub_presentacion.registrar(uuid, rfc, pdf, "acuse.pdf", FOLIO, tarde)
    assert hecho.texto == "Presentado fuera de plazo (4 días)"
    (entrada,) = [r for r in services.audit.recent() if r.action == "sisub_presentado"]
    assert "fuera de plazo (4 días)" in entrada.detail
    # A complementario answers a change when it happens: the period's deadline is not its own.
    complementario = services.sisub.preparar(
        rfc, _ana, MAYO_AGOSTO, complementario=True, motivo="contrato"
    ).uuid
    despues = datetime(2026, 11, 3, 10, 0, tzinfo=HORA_DEL_CENTRO)
    pdf = acuse_infonavit_pdf(rfc=rfc, folio="SISUB-2026-0009876", fecha="03/11/2026 10:00:00")
    servicio = services.sisub_presentacion
    hecho = servicio.registrar(complementario, rfc, pdf, "acuse.pdf", "SISUB-2026-0009876", despues)
    assert hecho.texto == "Presentado"
    assert servicio.presentado(complementario, rfc).texto == "Presentado"
    assert servicio.presentado(uuid, rfc).texto == "Presentado fuera de plazo (4 días)"


@pytest.mark.parametrize(
    ("valores", "codigo"),
    [
        ({"rfc": "XAXX010101000"}, "acuse_de_otro_rfc"),
        ({"periodo": "Enero - Abril 2026"}, "acuse_de_otro_periodo"),
        ({"periodo": ""}, "acuse_sin_datos"),
        ({"folio": "OTRO-FOLIO-99"}, "folio_no_en_acuse"),
        ({"estado": "Rechazado"}, "acuse_rechazado"),
        ({"estado": "En proceso"}, "acuse_en_proceso"),
    ],
)
def test_an_acuse_of_another_filing_is_refused(services, reporte, valores, codigo):
    rfc, _ana, uuid = reporte
    pdf = acuse_infonavit_pdf(**{"rfc": rfc, **valores})
    with pytest.raises(ValidationError) as error:
        services.sisub_presentacion.registrar(uuid, rfc, pdf, "acuse.pdf", FOLIO, A_TIEMPO)
    assert error.value.code == codigo
    if codigo in ("acuse_rechazado", "acuse_en_proceso"):
        # Said as soon as it is read: the window never asks to confirm a rejected folio.
        with pytest.raises(ValidationError) as leido:
            services.sisub_presentacion.leer(uuid, rfc, pdf, "acuse.pdf")
        assert leido.value.code == codigo
    assert services.sisub.reporte(uuid, rfc, accion=_presentar()).estado != PRESENTADO


def _presentar():
    from icsoe_desktop.domain.roles import Accion

    return Accion.PRESENTAR_SISUB


def test_a_scanned_acuse_needs_the_clerk_to_state_it(services, reporte):
    rfc, _ana, uuid = reporte
    pdf = _sin_texto()
    with pytest.raises(ValidationError) as error:
        services.sisub_presentacion.registrar(uuid, rfc, pdf, "escaneo.pdf", FOLIO, A_TIEMPO)
    assert error.value.code == "acuse_sin_datos"
    assert "ni el periodo" in error.value.message
    hecho = services.sisub_presentacion.registrar(
        uuid, rfc, pdf, "escaneo.pdf", FOLIO, A_TIEMPO, declarado=True
    )
    assert hecho.folio == FOLIO
    (entrada,) = [r for r in services.audit.recent() if r.action == "sisub_presentado"]
    assert "declarado" in entrada.detail


def test_bad_files_and_folios_and_who_may_file(services, reporte):
    rfc, ana, uuid = reporte
    servicio = services.sisub_presentacion
    for datos, codigo in ((b"", "acuse_vacio"), (b"hola", "acuse_no_pdf")):
        with pytest.raises(ValidationError) as error:
            servicio.registrar(uuid, rfc, datos, "acuse.pdf", FOLIO, A_TIEMPO)
        assert error.value.code == codigo
        assert "INFONAVIT" in error.value.message or "vacío" in error.value.message
    with pytest.raises(ValidationError) as error:
        servicio.registrar(uuid, rfc, acuse_infonavit_pdf(rfc=rfc), "a.pdf", "  ", A_TIEMPO)
    assert error.value.code == "folio_invalido"
    with pytest.raises(PermisoDenegado):
        servicio.registrar(uuid, ana, acuse_infonavit_pdf(rfc=rfc), "a.pdf", FOLIO, A_TIEMPO)


def test_edits_are_refused_once_filed(services, reporte):
    rfc, ana, uuid = reporte
    _inf, viejo = contrato(services, rfc, ana, ENERO_ABRIL, CLIENTE, date(2026, 2, 1), None)
    services.sisub.preparar(rfc, ana, MAYO_AGOSTO)
    pdf = acuse_infonavit_pdf(rfc=rfc)
    # What Revisar asks is corrected first: only such a report is filed.
    with pytest.raises(ValidationError) as error:
        services.sisub_presentacion.registrar(uuid, rfc, pdf, "acuse.pdf", FOLIO, A_TIEMPO)
    assert error.value.code == "sisub_por_corregir"
    assert "Revisar encuentra" in error.value.message
    services.sisub.guardar_contrato(uuid, viejo, ana, "S-1", SITIO)
    services.sisub_presentacion.registrar(uuid, rfc, pdf, "acuse.pdf", FOLIO, A_TIEMPO)
    with pytest.raises(ValidationError) as error:
        services.sisub.guardar_contrato(uuid, viejo, ana, "S-2", SITIO)
    assert error.value.code == "sisub_presentado"


def _administrador(services) -> str:
    from icsoe_desktop.services.acceso.accounts import Registration

    usuario, clave = "admin@despacho.mx", "Nom1na$Segura"
    services.accounts.register(Registration("Ada", "Ruiz", "", usuario, clave, clave, True))
    return usuario


def test_vencimientos_shows_the_sisub_beside_the_icsoe(services, reporte):
    rfc, _ana, uuid = reporte
    admin = _administrador(services)

    def sisub() -> dict[str, tuple[str, date, int]]:
        return {
            f.periodo.clave: (f.estado_texto, f.fecha_limite, f.dias_restantes)
            for f in services.vencimientos.tablero(admin).sisub
            if f.contratista_rfc == rfc
        }

    # The clock's day, 22/11/2026: mayo–agosto's is past due, septiembre–diciembre's in course
    # (the 17th of January 2027 is a Sunday: the 18th).
    assert sisub() == {
        "2026-2": ("En preparación", date(2026, 9, 17), -66),
        "2026-3": ("Sin preparar", date(2027, 1, 18), 57),
    }
    tablero = services.vencimientos.tablero(admin)
    assert {f.periodo.clave for f in tablero.filas if f.contratista_rfc == rfc} >= {"2026-3"}
    pdf = acuse_infonavit_pdf(rfc=rfc)
    services.sisub_presentacion.registrar(uuid, rfc, pdf, "acuse.pdf", FOLIO, A_TIEMPO)
    assert set(sisub()) == {"2026-3"}


def test_the_sisub_deadline_moves_by_the_infonavits_own_days(services, reporte):
    from icsoe_desktop.domain.sisub.plazos import INHABILES_INFONAVIT
    from icsoe_desktop.services.informativa.vencimientos import VencimientosService

    rfc, _ana, _uuid = reporte
    admin = _administrador(services)
    # A year whose list declares Monday 18 January non-business (the LFT does not): the
    # deadline is the 19th, the ICSOE's stays the 18th.
    lista = {**INHABILES_INFONAVIT, 2027: frozenset({date(2027, 1, 1), date(2027, 1, 18)})}
    fuentes = services.vencimientos.fuentes  # the board's sources, as the app composes them
    tablero = VencimientosService(
        services.empresas, services.clock, lambda: lista, fuentes
    ).tablero(admin)
    (sisub,) = [f for f in tablero.sisub if f.periodo.clave == "2026-3"]
    (icsoe,) = [
        f for f in tablero.filas if f.periodo.clave == "2026-3" and f.contratista_rfc == rfc
    ]
    assert (sisub.fecha_limite, icsoe.fecha_limite) == (date(2027, 1, 19), date(2027, 1, 18))

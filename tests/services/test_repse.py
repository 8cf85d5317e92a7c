"""The contratista's REPSE registration through the real services on a real store: kept once,
its end three years after, the STPS's renewal window (DOF 21/02/2024), its PDF read by the
bounded reader, the
contracts' services checked against the authorised ones, and who may record it (refusals
audited). The tests' clock: 22/11/2026."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy import select

from icsoe_desktop.domain.errors import ValidationError
from icsoe_desktop.domain.informativa import repse
from icsoe_desktop.domain.roles import CLI_ACTOR
from icsoe_desktop.services.acceso.permisos import PermisoDenegado
from icsoe_desktop.services.informativa.captura import ContratoDatos
from icsoe_desktop.services.informativa.repse import Pdf
from icsoe_desktop.store.models import AuditEntry, RegistroRepse
from tests.conftest import services_copying
from tests.informativa_servicios import CLIENTE, PERIODO, capturista_una_vez

LIMPIEZA = "Servicios de limpieza industrial especializada"
MANTENIMIENTO = "Mantenimiento de subestaciones eléctricas"


@pytest.fixture(scope="module")
def _quien_una_vez(tmp_path_factory):
    return capturista_una_vez(tmp_path_factory)


services = services_copying(quien="_quien_una_vez")


@pytest.fixture
def quien(_quien_una_vez, services, smtp_configured):
    rfc, ana, _ = _quien_una_vez[1]
    return rfc, ana


def registro_pdf(texto: str = "Constancia de registro REPSE", titulo: str = "") -> bytes:
    """A one-page PDF written with reportlab, as the STPS's constancia is a PDF of text: a
    line of it per line of ``texto``."""
    import io

    from reportlab.pdfgen import canvas

    salida = io.BytesIO()
    hoja = canvas.Canvas(salida, invariant=1)
    if titulo:
        hoja.setTitle(titulo)
    for n, linea in enumerate(texto.splitlines()):
        hoja.drawString(72, 720 - 20 * n, linea)
    hoja.save()
    return salida.getvalue()


def constancia_repse(rfc: str, aviso: str, nota: str = "") -> bytes:
    """The registration as the STPS's PDF states it: whose (RFC) and which (aviso); ``nota``:
    a last line that makes one copy's bytes another's."""
    return registro_pdf(
        "SECRETARÍA DEL TRABAJO Y PREVISIÓN SOCIAL\n"
        "Registro de Prestadoras de Servicios Especializados u Obras Especializadas (REPSE)\n"
        "Constancia de registro\n"
        "Razón social: Servicios del Mayab, S.A. de C.V.\n"
        f"RFC: {rfc}\n"
        f"Número de aviso de registro: {aviso}" + (f"\n{nota}" if nota else "")
    )


def _registrar(services, rfc: str, otorgado: date = date(2024, 3, 15), **kw):
    return services.repse.registrar(
        rfc,
        kw.pop("actor", rfc),
        kw.pop("aviso", "ar12345/2024"),
        otorgado,
        kw.pop("servicios", [LIMPIEZA, f"  {MANTENIMIENTO}  "]),
        kw.pop("pdf", Pdf(constancia_repse(rfc, "AR12345/2024"), "registro.pdf")),
        kw.pop("declarado", False),
    )


def _contrato(services, rfc, ana, descripcion: str, folio: str = "", final=None) -> str:
    filas = services.informativas.tablero(rfc, ana)
    informativa = next(
        (f.uuid for f in filas if f.uuid and f.periodo == PERIODO), None
    ) or services.informativas.crear(rfc, ana, PERIODO)
    contratante, _ = services.informativas.guardar_contratante(rfc, ana, CLIENTE)
    return services.informativas.guardar_contrato(
        informativa,
        ana,
        ContratoDatos(
            contratante,
            objeto="Limpieza de la planta Norte",
            folio_repse=folio,
            descripcion_servicio=descripcion,
            fecha_inicial=date(2026, 5, 15),
            fecha_final=final,
        ),
    )


def test_the_registration_is_kept_once_with_its_end_three_years_after(services, quien) -> None:
    rfc, _ = quien
    assert services.repse.ver(rfc, rfc) is None
    registro = _registrar(services, rfc)
    assert (registro.aviso, registro.otorgado, registro.vence) == (
        "AR12345/2024",
        date(2024, 3, 15),
        date(2027, 3, 15),
    )
    assert registro.servicios == (LIMPIEZA, MANTENIMIENTO)
    assert registro.estado_texto == "Vigente"  # the window opens on 01/12/2026
    assert (registro.renovacion_desde, registro.renovacion_hasta) == (
        date(2026, 12, 1),
        date(2027, 2, 28),
    )
    assert len(registro.pdf_sha256) == 64
    # Recorded again (a typo corrected): still one registration, with the new services.
    otra = _registrar(services, rfc, servicios=[LIMPIEZA])
    assert otra.servicios == (LIMPIEZA,)
    with services.store.session() as session:
        assert len(session.scalars(select(RegistroRepse)).all()) == 1
        acciones = [e.action for e in session.scalars(select(AuditEntry)).all()]
    assert {"repse_registrado", "repse_registro_corregido"} <= set(acciones)
    assert services.repse.pdf(rfc, rfc).nombre == "registro.pdf"


def test_a_contract_with_a_service_not_authorised_is_refused(services, quien) -> None:
    rfc, ana = quien
    _registrar(services, rfc)
    with pytest.raises(ValidationError) as refused:
        _contrato(services, rfc, ana, "Servicios de vigilancia")
    assert refused.value.code == "servicio_no_autorizado"
    assert "AR12345/2024" in refused.value.message
    # One of them, written as the clerk typed it: stored as the registration writes it, with
    # the registration's folio when none was typed.
    uuid = _contrato(services, rfc, ana, "mantenimiento de  SUBESTACIONES eléctricas")
    guardado = services.informativas.contrato(uuid, ana)
    assert (guardado.folio_repse, guardado.descripcion_servicio) == (
        "AR12345/2024",
        MANTENIMIENTO,
    )
    assert services.repse.servicios(rfc, ana) == [LIMPIEZA, MANTENIMIENTO]


def test_without_a_registration_the_contract_keeps_what_was_typed(services, quien) -> None:
    rfc, ana = quien
    uuid = _contrato(services, rfc, ana, "Servicios de vigilancia", folio="999/2020")
    guardado = services.informativas.contrato(uuid, ana)
    assert (guardado.folio_repse, guardado.descripcion_servicio) == (
        "999/2020",
        "Servicios de vigilancia",
    )


def test_a_contract_running_past_the_end_is_warned(services, quien) -> None:
    rfc, ana = quien
    assert services.repse.aviso_contrato(rfc, ana, date(2028, 1, 1)) is None  # none recorded
    _registrar(services, rfc)
    aviso = services.repse.aviso_contrato(rfc, ana, date(2028, 1, 1))
    assert aviso and "15/03/2027" in aviso and "01/01/2028" in aviso
    assert "sin fecha final" not in (services.repse.aviso_contrato(rfc, ana, None) or "x")
    assert "no tiene fecha final" in services.repse.aviso_contrato(rfc, ana, None)
    assert services.repse.aviso_contrato(rfc, ana, date(2027, 3, 15)) is None


def test_the_renewal_is_asked_in_the_stps_window(services, quien) -> None:
    """Granted in December 2023: asked from September to November 2026 (the DOF's example)."""
    rfc, _ = quien
    _registrar(services, rfc, otorgado=date(2023, 12, 10))  # ends 10/12/2026
    registro = services.repse.ver(rfc, rfc)
    assert registro.estado == repse.EN_RENOVACION
    assert "solicita su renovación del 01/09/2026 al 30/11/2026" in registro.aviso_texto
    with pytest.raises(ValidationError) as antes:
        services.repse.solicitar_renovacion(rfc, rfc, date(2026, 8, 31), "SOL-1")
    assert antes.value.code == "renovacion_fuera_de_plazo"
    assert "se solicita del 01/09/2026 al 30/11/2026" in antes.value.message
    registro = services.repse.solicitar_renovacion(rfc, rfc, date(2026, 11, 2), "sol-77")
    assert (registro.estado_texto, registro.renovacion_folio) == ("Renovación solicitada", "SOL-77")
    # Granted: the new registration continues it, with its own three years.
    nuevo = services.repse.renovar(rfc, rfc, "AR999/2026", date(2026, 11, 20))
    assert (nuevo.aviso, nuevo.anterior, nuevo.vence) == (
        "AR999/2026",
        "AR12345/2024",
        date(2029, 11, 20),
    )
    assert nuevo.estado == repse.VIGENTE and nuevo.renovacion_solicitada is None
    assert nuevo.servicios == (LIMPIEZA, MANTENIMIENTO)  # kept: none given


def test_the_lines_the_windows_tell_the_registrations_with(services, quien) -> None:
    """What the main window says of the empresa's registrations: due (amber), asked (nothing
    more to do), lapsed (red), in force (nothing)."""
    rfc, _ = quien
    assert services.repse.avisos() == []
    _registrar(services, rfc, otorgado=date(2023, 12, 10))  # ends 10/12/2026
    (aviso,) = services.repse.avisos()
    assert (aviso.contratista_rfc, aviso.vencido) == (rfc, False)
    assert "10/12/2026" in aviso.texto
    (sin_plazo,) = services.repse.avisos(hoy=date(2026, 12, 1))  # its window closed
    assert sin_plazo.vencido and sin_plazo.texto.startswith(
        "Plazo de renovación vencido: el registro se cancela el 10/12/2026"
    )
    services.repse.solicitar_renovacion(rfc, rfc, date(2026, 11, 2), "SOL-8")
    assert services.repse.avisos() == []
    assert services.repse.avisos(hoy=date(2026, 12, 1)) == []  # asked in time
    (vencido,) = services.repse.avisos(hoy=date(2026, 12, 11))
    assert vencido.vencido and "venció el 10/12/2026" in vencido.texto
    assert services.repse.avisos(hoy=date(2024, 1, 1)) == []


def test_on_10_december_2026_a_december_2023_registration_can_no_longer_be_renewed(
    services, quien, clock
) -> None:
    """The STPS's window closed on 30/11/2026: the registration says so in red and a request
    dated that day is refused with the window's dates; nothing is recorded."""
    rfc, _ = quien
    _registrar(services, rfc, otorgado=date(2023, 12, 10))
    clock.now = datetime(2026, 12, 10, 12, 0)
    registro = services.repse.ver(rfc, rfc)
    assert (registro.estado, registro.estado_texto, registro.en_rojo) == (
        repse.PLAZO_VENCIDO,
        "Plazo de renovación vencido",
        True,
    )
    assert registro.aviso_texto.startswith(
        "Plazo de renovación vencido: el registro se cancela el 10/12/2026"
    )
    with pytest.raises(ValidationError) as tarde:
        services.repse.solicitar_renovacion(rfc, rfc, date(2026, 12, 10), "SOL-10")
    assert tarde.value.code == "renovacion_fuera_de_plazo"
    assert "del 01/09/2026 al 30/11/2026" in tarde.value.message
    assert "DOF 21/02/2024" in tarde.value.message
    assert services.repse.ver(rfc, rfc).renovacion_solicitada is None


def test_a_lapsed_registration_cannot_be_renewed(services, quien) -> None:
    rfc, _ = quien
    _registrar(services, rfc, otorgado=date(2023, 6, 1))  # ended 01/06/2026
    assert services.repse.ver(rfc, rfc).estado_texto == "Vencido"
    with pytest.raises(ValidationError) as tarde:
        services.repse.solicitar_renovacion(rfc, rfc, date(2026, 11, 2), "SOL-2")
    assert tarde.value.code == "renovacion_fuera_de_plazo"
    with pytest.raises(ValidationError) as sin:
        services.repse.solicitar_renovacion(rfc, rfc, date(2026, 11, 23), "SOL-3")
    assert sin.value.code == "renovacion_futura"


@pytest.mark.parametrize(
    ("datos", "codigo", "texto"),
    [
        (b"", "acuse_vacio", "está vacío"),
        (b"PK\x03\x04 not a pdf", "acuse_no_pdf", "no es un PDF"),
        (b"%PDF-1.4\n garbage", "acuse_danado", "dañado"),
    ],
)
def test_a_pdf_that_is_not_one_is_refused_and_nothing_is_kept(
    services, quien, datos: bytes, codigo: str, texto: str
) -> None:
    rfc, _ = quien
    with pytest.raises(ValidationError) as refused:
        _registrar(services, rfc, pdf=Pdf(datos, "registro.pdf"))
    assert refused.value.code == codigo
    assert texto in refused.value.message and "IMSS" not in refused.value.message
    assert services.repse.ver(rfc, rfc) is None


@pytest.mark.parametrize(
    ("cambio", "codigo"),
    [
        ({"aviso": "  "}, "campo_obligatorio"),
        ({"aviso": "AR<script>"}, "aviso_invalido"),
        ({"aviso": "A" * 41}, "campo_largo"),
        ({"servicios": ["", "  "]}, "sin_servicios"),
        ({"servicios": [LIMPIEZA, LIMPIEZA.upper()]}, "servicio_repetido"),
        ({"servicios": ["x" * 1001]}, "campo_largo"),
        ({"servicios": [f"s{n}" for n in range(51)]}, "servicios_demasiados"),
        ({"servicios": ["limpieza\u202e"]}, "caracter_invisible"),
    ],
)
def test_what_is_typed_wrong_is_refused_in_spanish(services, quien, cambio, codigo) -> None:
    rfc, _ = quien
    with pytest.raises(ValidationError) as refused:
        _registrar(services, rfc, **cambio)
    assert refused.value.code == codigo
    with pytest.raises(ValidationError) as futuro:
        _registrar(services, rfc, otorgado=date(2026, 12, 1))
    assert futuro.value.code == "otorgado_futuro"


def test_renewing_needs_a_registration_and_a_later_date(services, quien) -> None:
    rfc, _ = quien
    with pytest.raises(ValidationError) as sin:
        services.repse.renovar(rfc, rfc, "AR1/2026", date(2026, 1, 1))
    assert sin.value.code == "repse_sin_registro"
    _registrar(services, rfc)
    with pytest.raises(ValidationError) as antes:
        services.repse.renovar(rfc, rfc, "AR1/2026", date(2024, 3, 15))
    assert antes.value.code == "renovacion_anterior"


def test_only_the_contratista_or_an_administrator_records_it(services, quien) -> None:
    rfc, ana = quien
    with pytest.raises(PermisoDenegado):
        _registrar(services, rfc, actor=ana)  # a capturista captures, never registers
    with pytest.raises(PermisoDenegado):
        _registrar(services, rfc, actor="OTR010101AB1")  # another contratista
    negados = [
        (r.actor, r.target)
        for r in services.audit_instalacion.recent()
        if r.action == "permiso_denegado"
    ]
    assert (ana, "REGISTRO_REPSE") in negados
    with services.store.session() as session:
        otro = session.scalars(
            select(AuditEntry.actor).where(AuditEntry.action == "icsoe_informativa_rechazada")
        ).all()
    assert "OTR010101AB1" in otro
    assert services.repse.ver(rfc, rfc) is None  # nothing kept
    assert _registrar(services, rfc, actor=CLI_ACTOR).aviso == "AR12345/2024"
    assert services.repse.ver(rfc, ana).aviso == "AR12345/2024"  # her contracts need it


# The STPS's calendar (DOF 21/02/2024, Artículo Décimo Quinto): by month of grant, the three
# calendar months before it in the third year. Written out month by month from the rule, not
# computed: grant month of 2023 → first and last day the renewal may be asked.
CALENDARIO_DOF_2023 = {
    1: (date(2025, 10, 1), date(2025, 12, 31)),
    2: (date(2025, 11, 1), date(2026, 1, 31)),
    3: (date(2025, 12, 1), date(2026, 2, 28)),
    4: (date(2026, 1, 1), date(2026, 3, 31)),
    5: (date(2026, 2, 1), date(2026, 4, 30)),
    6: (date(2026, 3, 1), date(2026, 5, 31)),
    7: (date(2026, 4, 1), date(2026, 6, 30)),
    8: (date(2026, 5, 1), date(2026, 7, 31)),
    9: (date(2026, 6, 1), date(2026, 8, 31)),
    10: (date(2026, 7, 1), date(2026, 9, 30)),
    11: (date(2026, 8, 1), date(2026, 10, 31)),
    12: (date(2026, 9, 1), date(2026, 11, 30)),
}


def test_the_renewal_window_of_each_grant_month_of_2023_is_the_dof_table() -> None:
    """Whatever the grant day (the 1st, the 15th, the month's last), the window is the month's
    row; before it the registration is in force, in it due, after it (until its end) its
    renewal window is closed, and after its end it is lapsed."""
    for mes, (desde, hasta) in CALENDARIO_DOF_2023.items():
        ultimo = (date(2023 + mes // 12, mes % 12 + 1, 1) - date.resolution).day
        for dia in (1, 15, ultimo):
            fin = repse.vence(date(2023, mes, dia))
            assert (fin.year, fin.month) == (2026, mes)
            assert repse.ventana_renovacion(fin) == (desde, hasta), (mes, dia)
            assert repse.estado(fin, desde - date.resolution) == repse.VIGENTE
            assert repse.estado(fin, desde) == repse.EN_RENOVACION
            assert repse.estado(fin, hasta) == repse.EN_RENOVACION
            assert repse.estado(fin, hasta + date.resolution) == repse.PLAZO_VENCIDO
            assert repse.estado(fin, fin) == repse.PLAZO_VENCIDO
            assert repse.estado(fin, hasta, solicitada=hasta) == repse.RENOVACION_SOLICITADA
            assert repse.estado(fin, fin + date.resolution, desde) == repse.VENCIDO
    # The others of the reference: June 2021 → March to May 2024; 29 February ends on the 28th.
    assert repse.ventana_renovacion(repse.vence(date(2021, 6, 9))) == (
        date(2024, 3, 1),
        date(2024, 5, 31),
    )
    assert repse.vence(date(2024, 2, 29)) == date(2027, 2, 28)


def test_revisar_warns_of_a_service_not_authorised_and_a_contract_past_the_end(
    services, quien
) -> None:
    rfc, ana = quien
    uuid = _contrato(services, rfc, ana, "Servicios de vigilancia", "1/2020", date(2028, 1, 1))
    informativa = next(f.uuid for f in services.informativas.tablero(rfc, ana) if f.uuid)
    antes = {p.codigo for p in services.informativa_firma.revisar(informativa, ana)}
    assert not antes & {repse.REPSE_NO_AUTORIZADO, repse.REPSE_VENCE}  # none recorded
    _registrar(services, rfc)
    avisos = [
        p
        for p in services.informativa_firma.revisar(informativa, ana)
        if p.codigo in (repse.REPSE_NO_AUTORIZADO, repse.REPSE_VENCE)
    ]
    assert [(p.codigo, p.contrato, p.aviso) for p in avisos] == [
        (repse.REPSE_NO_AUTORIZADO, uuid, True),
        (repse.REPSE_VENCE, uuid, True),
    ]
    assert "AR12345/2024" in avisos[0].mensaje
    assert "15/03/2027" in avisos[1].mensaje and "01/01/2028" in avisos[1].mensaje


def test_the_line_a_registration_is_shown_with_by_its_state() -> None:
    fin = date(2026, 11, 1)
    vencido = repse.aviso_registro(repse.VENCIDO, "AR1/2023", fin)
    assert vencido is not None and vencido.startswith(
        "El registro REPSE AR1/2023 venció el 01/11/2026: "
    )
    por_renovar = repse.aviso_registro(repse.EN_RENOVACION, "AR1/2023", fin)
    assert por_renovar is not None and "vence el 01/11/2026: solicita su renovación" in por_renovar
    sin_plazo = repse.aviso_registro(repse.PLAZO_VENCIDO, "AR1/2023", fin)
    assert sin_plazo is not None and sin_plazo.startswith(
        "Plazo de renovación vencido: el registro se cancela el 01/11/2026 (REPSE AR1/2023; su "
        "renovación se solicitaba del 01/08/2026 al 31/10/2026"
    )
    assert repse.aviso_registro(repse.RENOVACION_SOLICITADA, "AR1/2023", fin) is None
    assert repse.aviso_registro(repse.VIGENTE, "AR1/2023", fin) is None


def test_the_pdf_is_held_to_the_contratista_and_the_aviso(services, quien) -> None:
    """Another contratista's registration, another aviso, the IMSS acuse and the app's own
    constancia are refused by what they are, nothing kept; a scan that states neither is kept
    only as declared by the clerk, and said so; the right one is kept as it is."""
    from icsoe_desktop.demo.acuse_imss import acuse_imss_pdf

    rfc, _ = quien
    casos = [
        (constancia_repse("OTR010101AB1", "AR12345/2024"), "repse_de_otro_rfc", "OTR010101AB1"),
        (constancia_repse(rfc, "AR999/2021"), "repse_de_otro_aviso", "AR999/2021"),
        (acuse_imss_pdf(rfc=rfc, periodo="Mayo - Agosto 2026"), "repse_es_acuse", "acuse"),
        (registro_pdf("Constancia", titulo="Constancia de firma"), "repse_es_constancia", "firma"),
        (registro_pdf("Factura de papelería"), "repse_no_es_registro", "no dice"),
        (registro_pdf("Constancia de registro REPSE"), "repse_sin_datos", "confírmalo"),
    ]
    for datos, codigo, texto in casos:
        with pytest.raises(ValidationError) as refused:
            _registrar(services, rfc, pdf=Pdf(datos, "registro.pdf"))
        assert (refused.value.code, texto in refused.value.message) == (codigo, True)
    assert services.repse.ver(rfc, rfc) is None
    # The scan, stated by the clerk: kept, and said to be declared.
    escaneado = Pdf(registro_pdf("Constancia de registro REPSE"), "escaneado.pdf")
    assert _registrar(services, rfc, pdf=escaneado, declarado=True).pdf_declarado
    with services.store.session() as session:
        detalle = session.scalars(
            select(AuditEntry.detail).where(AuditEntry.action == "repse_registrado")
        ).one()
    assert "declarado por el usuario" in detalle
    # The STPS's own, of this RFC and aviso (written «AR 12345/2024»): not declared.
    assert not _registrar(services, rfc).pdf_declarado
    renovado = services.repse.renovar(
        rfc,
        rfc,
        "AR777/2026",
        date(2026, 11, 1),
        pdf=Pdf(constancia_repse(rfc, "AR 777/2026"), "n.pdf"),
    )
    assert (renovado.aviso, renovado.pdf_declarado) == ("AR777/2026", False)

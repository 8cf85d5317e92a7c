"""Whose acuse it is: *Registrar presentación* takes only this informativa's IMSS acuse (its
contratista, its period, its tipo), never the app's own constancia de firma, one folio per
filing in the whole installation, and the stored acuse proven by its SHA-256 wherever it goes.
The acuses are PDFs made in the test as the portal's might be; the informativa is really signed."""

from __future__ import annotations

import hashlib
from contextlib import closing
from datetime import datetime

import pytest

from icsoe_desktop.demo.acuse_imss import acuse_imss_pdf
from icsoe_desktop.domain.clock import HORA_DEL_CENTRO
from icsoe_desktop.domain.errors import ValidationError
from icsoe_desktop.domain.informativa.modelo import FIRMADA, PRESENTADA
from icsoe_desktop.domain.roles import CLI_ACTOR
from icsoe_desktop.store import cifrado, plain
from tests import credentials_factory as cf
from tests.conftest import services_copying
from tests.informativa_servicios import PERIODO, acuse_del_imss, firmada_una_vez

FECHA = datetime(2026, 11, 22, 10, 15, 30, tzinfo=HORA_DEL_CENTRO)
TEXTO_FECHA = "22/11/2026 10:15:30"


@pytest.fixture(scope="module")
def _firmada_una_vez(tmp_path_factory):
    return firmada_una_vez(tmp_path_factory, [(2, 7)])


services = services_copying(firmada="_firmada_una_vez")


@pytest.fixture
def firmada(_firmada_una_vez, services, smtp_configured, clock):
    """(rfc, uuid, contrato, constancia) of a signed Normal of mayo–agosto 2026; the clock a
    day after its signing."""
    rfc, _ana, uuid, (contrato,), constancia = _firmada_una_vez[1]
    clock.now = datetime(2026, 11, 23, 12, 0)
    return rfc, uuid, contrato, constancia


def _acuse(rfc: str = cf.RFC_MORAL, **valores: object) -> bytes:
    return acuse_del_imss(rfc, **{"fecha": TEXTO_FECHA, **valores})


def _refusal(services, uuid, pdf, folio="N262253432", fecha=FECHA, **kw) -> ValidationError:
    with pytest.raises(ValidationError) as error:
        services.informativa_presentacion.registrar(
            uuid, CLI_ACTOR, pdf, "acuse.pdf", folio, fecha, {}, **kw
        )
    assert services.informativas.fila(uuid, CLI_ACTOR).estado == FIRMADA
    return error.value


def test_the_imss_own_rfc_in_the_heading_is_nobodys_filing(services, firmada):
    rfc, uuid, _contrato, _constancia = firmada
    pdf = _acuse(otras_lineas=("Instituto Mexicano del Seguro Social, RFC IMS421231I45",))
    propuesta = services.informativa_presentacion.proponer(uuid, rfc, pdf, "acuse.pdf")
    assert (propuesta.folio, propuesta.faltan) == ("N262253432", ())
    # Scanned but for that heading: nothing of whose it is, to be stated by the clerk.
    solo = acuse_imss_pdf(folio="", fecha="", tipo="", otras_lineas=("RFC IMS421231I45",))
    propuesta = services.informativa_presentacion.proponer(uuid, rfc, solo, "acuse.pdf")
    assert "el RFC del contratista" in propuesta.faltan


@pytest.mark.parametrize(
    "periodo",
    ["Mayo - Agosto 2026", "mayo–agosto 2026", "MAYO-AGOSTO/2026", "2do. cuatrimestre 2026",
     "Segundo cuatrimestre de 2026", "mayo a agosto de 2026"],
)  # fmt: skip
def test_every_usual_spelling_of_its_period_is_this_informativa(services, firmada, periodo):
    rfc, uuid, contrato, _constancia = firmada
    propuesta = services.informativa_presentacion.proponer(
        uuid, rfc, _acuse(periodo=periodo), "acuse.pdf"
    )
    assert (propuesta.folio, propuesta.presentada, propuesta.faltan) == ("N262253432", FECHA, ())
    assert propuesta.folios_contratos == {contrato: "A26P3662382"}


def test_another_contratistas_acuse_is_refused_naming_both(services, firmada):
    rfc, uuid, _contrato, _constancia = firmada
    pdf = _acuse("TRA120305P31", contratista="TRANSPORTES DEL NORTE")
    with pytest.raises(ValidationError) as error:
        services.informativa_presentacion.proponer(uuid, rfc, pdf, "acuse.pdf")
    assert error.value.code == "acuse_de_otro_contratista"
    assert "RFC TRA120305P31" in error.value.message and f"RFC {rfc}" in error.value.message
    # Typed folio and date change nothing: the text says whose it is.
    assert _refusal(services, uuid, pdf, confirmo_acuse=True).code == "acuse_de_otro_contratista"


def test_an_rfc_on_a_client_line_is_never_the_contratistas(services, firmada):
    rfc, uuid, _contrato, _constancia = firmada
    servicio = services.informativa_presentacion
    # Another contratista's acuse, with no «contratista» line, listing this one as its client.
    ajeno = _acuse("", otras_lineas=("TRA120305P31", f"RFC del cliente: {rfc}"))
    error = _refusal(services, uuid, ajeno, confirmo_acuse=True)
    assert error.code == "acuse_de_otro_contratista"
    assert "RFC TRA120305P31" in error.message
    # Its RFC only on a beneficiary's line: not stated, the clerk is asked.
    solo_cliente = _acuse("", otras_lineas=(f"RFC del beneficiario: {rfc}",))
    assert "el RFC del contratista" in servicio.proponer(uuid, rfc, solo_cliente, "a.pdf").faltan
    assert _refusal(services, uuid, solo_cliente).code == "acuse_sin_confirmar"
    # Two RFCs on lines that name no party: which is the contratista's is not stated.
    dos = _acuse("", otras_lineas=(f"RFC: {rfc}", "RFC: TRA120305P31"))
    assert "el RFC del contratista" in servicio.proponer(uuid, rfc, dos, "a.pdf").faltan
    # Its RFC alone on such a line is stated.
    uno = _acuse("", otras_lineas=(f"RFC: {rfc}",))
    assert servicio.proponer(uuid, rfc, uno, "a.pdf").faltan == ()


def test_the_registration_audit_names_the_acuse_by_folio_and_sha256(services, firmada):
    rfc, uuid, _contrato, _constancia = firmada
    pdf = _acuse()
    services.informativa_presentacion.registrar(uuid, rfc, pdf, "a.pdf", "N262253432", FECHA, {})
    (entrada,) = [e for e in services.audit.recent() if e.action.endswith("presentada")]
    assert "N262253432" in entrada.detail
    assert f"acuse SHA-256 {hashlib.sha256(pdf).hexdigest()}" in entrada.detail


@pytest.mark.parametrize(
    ("otro", "motivo"),
    [
        ({"rfc": "TRA120305P31"}, "no es de esta informativa: es del contratista con RFC "
         "TRA120305P31, no de"),
        ({"folio": "N262299999"}, "es del folio N262299999, no del folio N262253432 registrado"),
        ({"fecha": "23/11/2026 08:00:00"}, "es del 23/11/2026 08:00:00, no de la fecha de "
         "presentación registrada (22/11/2026 10:15:30)"),
    ],
)  # fmt: skip
def test_a_stored_acuse_swapped_with_its_sha256_is_never_handed_out(
    services, firmada, tmp_path, otro, motivo
):
    rfc, uuid, _contrato, _constancia = firmada
    servicio = services.informativa_presentacion
    servicio.registrar(uuid, rfc, _acuse(), "acuse.pdf", "N262253432", FECHA, {})
    ajeno = _acuse(**{"rfc": rfc, **otro})
    with closing(plain.connect(services.empresas.ruta(services.empresa))) as conn:
        conn.execute(
            "UPDATE icsoe_informativas SET acuse_imss_pdf = ?, acuse_imss_sha256 = ? "
            "WHERE uuid = ?",
            (ajeno, hashlib.sha256(ajeno).hexdigest(), uuid),
        )
    for hacer in (
        lambda: servicio.acuse_imss(uuid, rfc),
        lambda: servicio.archivo(uuid, rfc, "CNT010101A14", tmp_path / "cliente.zip"),
    ):
        with pytest.raises(ValidationError) as error:
            hacer()
        assert error.value.code == "acuse_imss_ajeno"
        assert "mayo–agosto 2026 del contratista" in error.value.message
        assert motivo in error.value.message
    assert not (tmp_path / "cliente.zip").exists()


def test_an_acuse_kept_when_any_rfc_counted_is_still_handed_out_by_its_folio(
    services, firmada, tmp_path
):
    """An acuse registered by a version that counted any RFC of its text (its row of that
    rule: ``acuse_imss_regla`` 0): its RFC beside another on lines that say no party, not
    declared. Its folio says which it is. A row registered since is held to today's reading."""
    rfc, uuid, _contrato, _constancia = firmada
    servicio = services.informativa_presentacion
    servicio.registrar(uuid, rfc, _acuse(), "acuse.pdf", "N262253432", FECHA, {})
    antiguo = _acuse("", otras_lineas=(f"RFC: {rfc}", "RFC: TRA120305P31"))

    def guardar(regla: int) -> None:
        with closing(plain.connect(services.empresas.ruta(services.empresa))) as conn:
            conn.execute(
                "UPDATE icsoe_informativas SET acuse_imss_pdf = ?, acuse_imss_sha256 = ?, "
                "acuse_imss_regla = ? WHERE uuid = ?",
                (antiguo, hashlib.sha256(antiguo).hexdigest(), regla, uuid),
            )

    # Registered today: its rule recorded, the same acuse refused.
    with closing(plain.connect(services.empresas.ruta(services.empresa))) as conn:
        (regla,) = conn.execute(
            "SELECT acuse_imss_regla FROM icsoe_informativas WHERE uuid = ?", (uuid,)
        ).fetchone()
    assert regla == 1
    guardar(1)
    with pytest.raises(ValidationError) as error:
        servicio.acuse_imss(uuid, rfc)
    assert error.value.code == "acuse_imss_ajeno"
    assert "no dice el RFC del contratista" in error.value.message
    guardar(0)
    assert servicio.acuse_imss(uuid, rfc) == antiguo
    assert servicio.archivo(uuid, rfc, "CNT010101A14", tmp_path / "cliente.zip")


@pytest.mark.parametrize(
    ("periodo", "texto"),
    [("ENERO-ABRIL/2026", "enero–abril 2026"),
     ("Septiembre - Diciembre 2026", "septiembre–diciembre 2026"),
     ("1er. cuatrimestre 2026", "enero–abril 2026"),
     ("Mayo - Agosto 2025", "mayo–agosto 2025")],
)  # fmt: skip
def test_another_periods_acuse_is_refused_naming_both(services, firmada, periodo, texto):
    _rfc, uuid, _contrato, _constancia = firmada
    error = _refusal(services, uuid, _acuse(periodo=periodo), confirmo_acuse=True)
    assert error.code == "acuse_de_otro_periodo"
    assert f"del periodo {texto}, no de mayo–agosto 2026" in error.message


def test_a_period_whose_year_is_on_its_own_line_is_read_whole(services, firmada):
    rfc, uuid, _contrato, _constancia = firmada
    anterior = _acuse(periodo="", otras_lineas=("Periodo: Mayo - Agosto", "Ejercicio: 2025"))
    error = _refusal(services, uuid, anterior, confirmo_acuse=True)
    assert error.code == "acuse_de_otro_periodo"
    assert "del periodo mayo–agosto 2025, no de mayo–agosto 2026" in error.message
    propio = _acuse(periodo="", otras_lineas=("Periodo: Mayo - Agosto", "Ejercicio: 2026"))
    assert services.informativa_presentacion.proponer(uuid, rfc, propio, "a.pdf").faltan == ()


def test_another_tipos_acuse_is_refused(services, firmada):
    _rfc, uuid, _contrato, _constancia = firmada
    pdf = _acuse(tipo="Sin información", folio="SI262202734")
    error = _refusal(services, uuid, pdf, folio="SI262202734")
    assert error.code == "acuse_de_otro_tipo"
    assert "informativa Sin información, no de la Normal" in error.message


def test_the_constancia_de_firma_is_not_the_imss_acuse(services, firmada):
    rfc, uuid, _contrato, constancia = firmada
    with pytest.raises(ValidationError) as error:
        services.informativa_presentacion.proponer(uuid, rfc, constancia, "constancia.pdf")
    assert error.value.code == "acuse_es_constancia"
    assert "no el acuse del IMSS: firmar no es presentar" in error.value.message
    # Not even with a folio and date typed and the clerk's statement.
    error = _refusal(services, uuid, constancia, confirmo_acuse=True)
    assert error.code == "acuse_es_constancia"


def test_the_date_of_filing_is_read_not_the_print_date(services, firmada):
    rfc, uuid, _contrato, _constancia = firmada
    pdf = _acuse(
        fecha="",
        otras_lineas=(
            "Fecha de impresión: 22/11/2026 09:05:00",
            "Fecha y hora de presentación:",
            TEXTO_FECHA,
            "Fecha límite de presentación: 17/09/2026 23:59",
        ),
    )
    propuesta = services.informativa_presentacion.proponer(uuid, rfc, pdf, "acuse.pdf")
    assert propuesta.presentada == FECHA
    # What the acuse states cannot be typed otherwise.
    otra = datetime(2026, 11, 22, 9, 5, tzinfo=HORA_DEL_CENTRO)
    error = _refusal(services, uuid, pdf, fecha=otra)
    assert error.code == "fecha_distinta_del_acuse"
    assert "(22/11/2026 09:05:00) no son las del acuse (22/11/2026 10:15:30)" in error.message
    error = _refusal(services, uuid, pdf, folio="N262253499")
    assert (error.code, error.field) == ("folio_distinto_del_acuse", "folio")


def test_a_misread_date_is_corrected_by_the_clerk_recorded_and_audited(services, firmada, tmp_path):
    """The acuse says 10:15:30; the clerk knows it was 09:15:30 (a misread hour): registered as
    typed, the registro and the audit say it was corrected and what the acuse says, and the
    stored acuse is still handed out (held to the correction), in a backup too."""
    rfc, uuid, _contrato, _constancia = firmada
    servicio = services.informativa_presentacion
    pdf = _acuse()
    corregida = datetime(2026, 11, 22, 9, 15, 30, tzinfo=HORA_DEL_CENTRO)
    servicio.registrar(uuid, rfc, pdf, "a.pdf", "N262253432", corregida, {}, corregir=True)
    registro = servicio.registro(uuid, rfc)
    dice = "fecha corregida por el usuario (el acuse dice 22/11/2026 10:15:30)"
    assert (registro.presentada, registro.corregido, registro.declarado) == (corregida, dice, False)
    assert services.informativas.fila(uuid, rfc).acuse_corregido == dice
    (entrada,) = [e for e in services.audit.recent() if e.action.endswith("presentada")]
    assert dice in entrada.detail
    assert servicio.acuse_imss(uuid, rfc) == pdf
    assert servicio.archivo(uuid, rfc, "CNT010101A14", tmp_path / "cliente.zip")
    respaldo = services.backup.backup(tmp_path / "r.icsoe-respaldo", actor=CLI_ACTOR)
    services.backup.restore(respaldo, actor=CLI_ACTOR)
    assert servicio.registro(uuid, rfc).corregido == dice
    # An acuse of yet another date swapped in is still not this registro's.
    otro = _acuse(rfc, fecha="22/11/2026 08:00:00")
    with closing(plain.connect(services.empresas.ruta(services.empresa))) as conn:
        conn.execute(
            "UPDATE icsoe_informativas SET acuse_imss_pdf = ?, acuse_imss_sha256 = ? "
            "WHERE uuid = ?",
            (otro, hashlib.sha256(otro).hexdigest(), uuid),
        )
    with pytest.raises(ValidationError) as error:
        servicio.acuse_imss(uuid, rfc)
    assert error.value.code == "acuse_imss_ajeno"


def test_a_misread_folio_is_corrected_and_both_are_said(services, firmada):
    rfc, uuid, _contrato, _constancia = firmada
    servicio = services.informativa_presentacion
    pdf = _acuse()
    corregida = datetime(2026, 11, 22, 10, 15, 0, tzinfo=HORA_DEL_CENTRO)
    servicio.registrar(uuid, rfc, pdf, "a.pdf", "n26 2253433", corregida, {}, corregir=True)
    registro = servicio.registro(uuid, rfc)
    assert (registro.folio, registro.corregido) == (
        "N262253433",
        "folio y fecha corregidos por el usuario (el acuse dice N262253432, 22/11/2026 10:15:30)",
    )
    assert servicio.acuse_imss(uuid, rfc) == pdf


@pytest.mark.parametrize(
    ("fecha", "folio", "codigo"),
    [
        # The PC's clock says 23/11/2026 06:00 hora del centro: not after it.
        (datetime(2026, 11, 23, 6, 0, 1, tzinfo=HORA_DEL_CENTRO), "N262253432", "fecha_futura"),
        # Not before the signing the constancia proves (22/11/2026 03:00).
        (datetime(2026, 11, 22, 2, 59, 59, tzinfo=HORA_DEL_CENTRO), "N262253432",
         "fecha_antes_de_firmar"),
        (datetime(2026, 4, 30, 9, 0, tzinfo=HORA_DEL_CENTRO), "N262253432", "fecha_anterior"),
        # A corrected folio still has the tipo's prefix and its form.
        (FECHA, "SI262253432", "folio_de_otro_tipo"),
        (FECHA, "N26-2253432", "folio_invalido"),
    ],
)  # fmt: skip
def test_a_correction_still_obeys_every_rule_of_a_read_value(
    services, firmada, fecha, folio, codigo
):
    _rfc, uuid, _contrato, _constancia = firmada
    error = _refusal(services, uuid, _acuse(), folio=folio, fecha=fecha, corregir=True)
    assert error.code == codigo
    assert not [e for e in services.audit.recent() if e.action.endswith("presentada")]


def test_a_scanned_acuse_needs_the_clerks_statement_and_is_recorded_as_stated(services, firmada):
    rfc, uuid, _contrato, _constancia = firmada
    escaneado = acuse_imss_pdf(folio="", fecha="", tipo="")
    propuesta = services.informativa_presentacion.proponer(uuid, rfc, escaneado, "acuse.pdf")
    assert set(propuesta.faltan) == {
        "el RFC del contratista",
        "el periodo",
        "el tipo de informativa",
    }
    error = _refusal(services, uuid, escaneado)
    assert (error.code, error.field) == ("acuse_sin_confirmar", "confirmo")
    assert "confirma que es el acuse de presentación del IMSS" in error.message
    services.informativa_presentacion.registrar(
        uuid, rfc, escaneado, "acuse.pdf", "N262253432", FECHA, {}, confirmo_acuse=True
    )
    registro = services.informativa_presentacion.registro(uuid, rfc)
    assert (registro.folio, registro.declarado) == ("N262253432", True)
    detalles = [r.detail for r in services.audit.recent() if r.action.endswith("presentada")]
    assert "acuse declarado por el usuario" in detalles[0]


def test_a_correccion_is_registered_with_its_own_folio_and_a_folio_files_once(
    services, firmada, tmp_path, clock
):
    rfc, uuid, _contrato, _constancia = firmada
    servicio = services.informativa_presentacion
    servicio.registrar(uuid, rfc, _acuse(), "acuse.pdf", "N262253432", FECHA, {})
    correccion = services.informativas.crear(rfc, rfc, PERIODO, "correccion", complementa=uuid)
    fiel = tmp_path / "fiel"
    services.informativa_firma.firmar(
        correccion, rfc, fiel / f"{rfc}.cer", fiel / f"{rfc}.key", cf.PASSWORD
    )
    clock.advance(hours=2)
    suya = datetime(2026, 11, 23, 7, 30, tzinfo=HORA_DEL_CENTRO)
    pdf = _acuse(
        tipo="Complementaria de Corrección",
        folio="C262253999",
        fecha="23/11/2026 07:30:00",
        otras_lineas=("Corrige a la informativa con folio N262253432 presentada el 22/11/2026",),
    )
    propuesta = servicio.proponer(correccion, rfc, pdf, "correccion.pdf")
    assert (propuesta.folio, propuesta.presentada, propuesta.faltan) == ("C262253999", suya, ())
    # The Normal's folio again (a scanned acuse, stated): one folio, one filing.
    escaneado = acuse_imss_pdf(folio="", fecha="", tipo="")
    error = _refusal(services, correccion, escaneado, fecha=suya, confirmo_acuse=True)
    assert (error.code, error.field) == ("folio_imss_registrado", "folio")
    assert "ya está registrado como la presentación de la informativa Normal" in error.message
    servicio.registrar(correccion, rfc, pdf, "c.pdf", "C262253999", suya, {})
    assert services.informativas.fila(correccion, rfc).folio_imss == "C262253999"


def test_a_correccion_citing_the_normals_folio_without_saying_corrige_is_registered(
    services, firmada, tmp_path, clock
):
    rfc, uuid, _contrato, _constancia = firmada
    servicio = services.informativa_presentacion
    servicio.registrar(uuid, rfc, _acuse(), "acuse.pdf", "N262253432", FECHA, {})
    correccion = services.informativas.crear(rfc, rfc, PERIODO, "correccion", complementa=uuid)
    fiel = tmp_path / "fiel"
    services.informativa_firma.firmar(
        correccion, rfc, fiel / f"{rfc}.cer", fiel / f"{rfc}.key", cf.PASSWORD
    )
    clock.advance(hours=2)
    suya = datetime(2026, 11, 23, 7, 30, tzinfo=HORA_DEL_CENTRO)
    # The Normal's folio first, on a line that says «folio» and not «corrige».
    pdf = _acuse(
        tipo="Complementaria de Corrección",
        folio="",
        fecha="23/11/2026 07:30:00",
        otras_lineas=("Folio de la informativa Normal: N262253432", "Folio: C262253999"),
    )
    propuesta = servicio.proponer(correccion, rfc, pdf, "correccion.pdf")
    assert (propuesta.folio, propuesta.presentada, propuesta.faltan) == ("C262253999", suya, ())
    servicio.registrar(correccion, rfc, pdf, "c.pdf", "C262253999", suya, {})
    assert services.informativas.fila(correccion, rfc).folio_imss == "C262253999"
    # A Normal's acuse whose only folio is a Sin información's is still another tipo's.
    solo_si = _acuse(tipo="", folio="", otras_lineas=("SI262202734",))
    with pytest.raises(ValidationError) as error:
        servicio.proponer(uuid, rfc, solo_si, "a.pdf")
    assert error.value.code == "acuse_de_otro_tipo"


def test_a_folio_registered_in_another_empresa_is_refused(services, firmada):
    rfc, uuid, _contrato, _constancia = firmada
    origen = services.empresas.ruta(services.empresa)
    otra = services.empresas.crear("OEM010101AB5", "Otra Empresa, S.A. de C.V.", CLI_ACTOR)
    with (
        closing(cifrado.conectar(origen)) as fuente,
        closing(cifrado.conectar(services.empresas.ruta(otra))) as destino,
    ):
        fuente.backup(destino)  # the same contratista's informativa, kept in another empresa
    propia = services.empresa.id
    services.abrir_empresa(otra.id)
    services.informativa_presentacion.registrar(
        uuid, rfc, _acuse(), "acuse.pdf", "N262253432", FECHA, {}
    )
    services.abrir_empresa(propia)
    error = _refusal(services, uuid, _acuse())
    assert error.code == "folio_imss_registrado"
    assert "empresa Otra Empresa, S.A. de C.V. (OEM010101AB5)" in error.message


def test_a_stored_acuse_swapped_outside_the_app_is_never_handed_out(services, firmada, tmp_path):
    rfc, uuid, _contrato, _constancia = firmada
    servicio = services.informativa_presentacion
    servicio.registrar(uuid, rfc, _acuse(), "acuse.pdf", "N262253432", FECHA, {})
    otro = _acuse("TRA120305P31")
    # Changed outside the app (another SQLite program: the store's own functions loaded).
    with closing(plain.connect(services.empresas.ruta(services.empresa))) as conn:
        conn.execute(
            "UPDATE icsoe_informativas SET acuse_imss_pdf = ? WHERE uuid = ?", (otro, uuid)
        )
    for hacer in (
        lambda: servicio.acuse_imss(uuid, rfc),
        lambda: servicio.archivo(uuid, rfc, "CNT010101A14", tmp_path / "cliente.zip"),
    ):
        with pytest.raises(ValidationError) as error:
            hacer()
        assert error.value.code == "acuse_imss_alterado"
        assert "mayo–agosto 2026 del contratista" in error.value.message
    assert not (tmp_path / "cliente.zip").exists()
    assert services.informativas.fila(uuid, rfc).estado == PRESENTADA


@pytest.mark.parametrize(
    "datos",
    [
        b"%PDF-1.7\n1 0 obj\n" + b"[" * 100_000 + b"\nendobj\ntrailer<</Root 1 0 R>>\n%%EOF",
        b"%PDF-1.4\n" + b"1 0 obj<</Type/Catalog/Pages 1 0 R>>endobj\n" * 2_000 + b"%%EOF",
    ],
    ids=["anidado", "paginas_en_ciclo"],
)
def test_a_crafted_pdf_gets_a_spanish_answer(services, firmada, datos):
    rfc, uuid, _contrato, _constancia = firmada
    with pytest.raises(ValidationError) as error:
        services.informativa_presentacion.proponer(uuid, rfc, datos, "raro.pdf")
    assert error.value.code in ("acuse_danado", "acuse_lento")
    assert "«raro.pdf»" in error.value.message


def _bomba(tamano: int) -> bytes:
    """A small PDF whose one page's content inflates to ``tamano`` bytes."""
    import zlib

    paso = b"BT /F1 12 Tf 60 700 Td (RFC del contratista: TRA120305P31) Tj ET\n"
    contenido = zlib.compress(paso * (tamano // len(paso)), 9)
    objetos = [
        b"<</Type/Catalog/Pages 2 0 R>>",
        b"<</Type/Pages/Kids[3 0 R]/Count 1>>",
        b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 612 792]/Contents 4 0 R"
        b"/Resources<</Font<</F1 5 0 R>>>>>>",
        b"<</Length %d/Filter/FlateDecode>>stream\n" % len(contenido) + contenido + b"\nendstream",
        b"<</Type/Font/Subtype/Type1/BaseFont/Helvetica>>",
    ]
    salida = bytearray(b"%PDF-1.7\n")
    posiciones = []
    for n, objeto in enumerate(objetos, 1):
        posiciones.append(len(salida))
        salida += b"%d 0 obj\n" % n + objeto + b"\nendobj\n"
    xref = len(salida)
    salida += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objetos) + 1)
    salida += b"".join(b"%010d 00000 n \n" % p for p in posiciones)
    salida += b"trailer<</Size %d/Root 1 0 R>>\nstartxref\n%d\n%%%%EOF\n" % (len(objetos) + 1, xref)
    return bytes(salida)


def test_mutated_acuses_and_compressed_bombs_get_only_spanish_answers(services, firmada):
    """What a damaged download or a crafted file gives: an acuse with bytes changed, cut or
    repeated, and PDFs whose content inflates a thousandfold. Each is read or refused with a
    Spanish message; nothing else escapes."""
    import random

    rfc, uuid, _contrato, _constancia = firmada
    original = _acuse()
    azar = random.Random(73)
    mutados = [_bomba(5 * 1024 * 1024), _bomba(50 * 1024 * 1024), _bomba(200 * 1024 * 1024)]
    for _ in range(150):
        datos = bytearray(original)
        for _ in range(azar.randint(1, 12)):
            i = azar.randrange(len(datos))
            corte = azar.random()
            if corte < 0.6:
                datos[i] = azar.randrange(256)
            elif corte < 0.8:
                del datos[i : i + azar.randint(1, 400)]
            else:
                datos[i:i] = datos[i : i + azar.randint(1, 400)] * azar.randint(1, 30)
        mutados.append(bytes(datos))
    respuestas = set()
    for datos in mutados:
        try:
            services.informativa_presentacion.proponer(uuid, rfc, datos, "acuse.pdf")
            respuestas.add("leido")
        except ValidationError as error:
            assert "«acuse.pdf»" in error.message or error.code.startswith("acuse_de_otro")
            respuestas.add(error.code)
    assert "acuse_danado" in respuestas


def test_reading_stops_at_its_time_limit_and_at_cancelar():
    """A page just small enough to be read, but slow to read: the reader stops at its limit
    (here a short one) or when Cancelar is pressed, with its own message."""
    from icsoe_desktop.services.informativa.acuse_pdf import leer_acuse

    lenta = _bomba(900 * 1024)
    with pytest.raises(ValidationError) as error:
        leer_acuse(lenta, "lenta.pdf", plazo=0.2)
    assert error.value.code == "acuse_lento"
    assert "no se pudo leer en un tiempo razonable" in error.value.message
    with pytest.raises(ValidationError) as error:
        leer_acuse(lenta, "lenta.pdf", cancelado=lambda: True)
    assert error.value.message == "Se canceló la lectura de «lenta.pdf»."


def _lineas_imss(rfc: str, contratos: tuple[str, ...] = ()) -> tuple[str, ...]:
    return (
        "INSTITUTO MEXICANO DEL SEGURO SOCIAL",
        "ACUSE DE PRESENTACIÓN DE LA INFORMATIVA CUATRIMESTRAL",
        f"RFC del contratista: {rfc}",
        "Periodo: Mayo - Agosto 2026",
        "Tipo de informativa: Normal",
        "Folio de la informativa: N262253432",
        f"Fecha y hora de presentación: {TEXTO_FECHA}",
        "Contratos informados",
        "RFC del beneficiario   Nombre   Folio IMSS",
        *contratos,
    )


def test_a_look_alike_or_hidden_rfc_never_reads_as_the_contratistas(services, firmada, tmp_path):
    """Its RFC in Cyrillic look-alikes, an unreadable RFC label, a contract row under «RFC del
    beneficiario» or an OCR layer over a scan never say the acuse is this contratista's."""
    from tests.acuses_pdf import acuse_pdf, parecido

    rfc, uuid, _contrato, _constancia = firmada
    servicio = services.informativa_presentacion
    fila = f"{rfc}   EMPRESA DE PRUEBA   A26P3662382"
    falso = acuse_pdf(_lineas_imss(parecido(rfc), (fila,)))
    ilegible = acuse_pdf(_lineas_imss("(no disponible)", (fila,)))
    for pdf, codigo, dice in (
        (falso, "acuse_letras_parecidas", "letras de otro alfabeto que imitan a las latinas"),
        (ilegible, "acuse_rfc_ilegible", "«RFC del contratista: (no disponible)»"),
    ):
        with pytest.raises(ValidationError) as error:
            servicio.proponer(uuid, rfc, pdf, "acuse.pdf")
        assert (error.value.code, dice in error.value.message) == (codigo, True), error.value
        # The clerk's statement changes nothing: the text says something that cannot be read.
        assert _refusal(services, uuid, pdf, confirmo_acuse=True).code == codigo
    # Its RFC written with separators is read; no contratista line: this RFC in the contract
    # table is a beneficiary's, not stated.
    separado = _acuse("", otras_lineas=(f"R.F.C. del contratista: {rfc[:3]}-{rfc[3:9]}-{rfc[9:]}",))
    assert servicio.proponer(uuid, rfc, separado, "a.pdf").faltan == ()
    sin_linea = acuse_pdf(tuple(x for x in _lineas_imss("", (fila,)) if "contratista" not in x))
    escaneo = acuse_pdf((), invisibles=_lineas_imss(rfc), escaneo=True)
    for pdf in (sin_linea, escaneo):
        assert "el RFC del contratista" in servicio.proponer(uuid, rfc, pdf, "a.pdf").faltan
        assert _refusal(services, uuid, pdf).code == "acuse_sin_confirmar"
    # Stored, the look-alike acuse with its SHA-256 rewritten is refused by today's reading.
    servicio.registrar(uuid, rfc, _acuse(), "acuse.pdf", "N262253432", FECHA, {})
    with closing(plain.connect(services.empresas.ruta(services.empresa))) as conn:
        conn.execute(
            "UPDATE icsoe_informativas SET acuse_imss_pdf = ?, acuse_imss_sha256 = ?, "
            "acuse_imss_regla = 0 WHERE uuid = ?",
            (falso, hashlib.sha256(falso).hexdigest(), uuid),
        )
    with pytest.raises(ValidationError) as error:
        servicio.archivo(uuid, rfc, "CNT010101A14", tmp_path / "cliente.zip")
    assert error.value.code == "acuse_imss_ajeno"
    assert "letras de otro alfabeto" in error.value.message

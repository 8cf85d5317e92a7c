"""*Registrar presentación* through the real services: the IMSS acuse (a PDF made as the portal
writes it) read for its folio, date and contract folios; what the clerk confirms checked; the
informativa then «Presentada», read-only, kept through a backup; and the archive for the
client read back."""

from __future__ import annotations

import hashlib
import zipfile
from datetime import datetime, timedelta
from io import BytesIO

import pytest
from openpyxl import load_workbook

from icsoe_desktop.demo.acuse_imss import acuse_imss_pdf
from icsoe_desktop.domain.clock import HORA_DEL_CENTRO
from icsoe_desktop.domain.errors import ValidationError
from icsoe_desktop.domain.informativa.modelo import FIRMADA, PRESENTADA
from icsoe_desktop.domain.roles import CLI_ACTOR
from icsoe_desktop.services.acceso.permisos import PermisoDenegado
from icsoe_desktop.services.informativa.captura import ContratoDatos
from tests import credentials_factory as cf
from tests.conftest import services_copying
from tests.informativa_servicios import (
    CLIENTE,
    PERIODO,
    acuse_del_imss,
    capturista_activa,
    firmada_una_vez,
)

# Filed on the portal after the informativa was signed in the app (the tests' clock, 22/11/2026
# 09:00 UTC), past the period's fecha límite (17/09/2026).
FECHA = datetime(2026, 11, 22, 10, 15, 30, tzinfo=HORA_DEL_CENTRO)
TEXTO_FECHA = "22/11/2026 10:15:30"
# Signed without a time-stamp server: its signing date is only the computer's clock.
TARDE = "Presentada fuera de plazo (66 días), fecha de firma no probada"


@pytest.fixture(scope="module")
def _firmada_una_vez(tmp_path_factory):
    return firmada_una_vez(tmp_path_factory, [(6, 7)])


services = services_copying(firmada="_firmada_una_vez")


@pytest.fixture
def firmada(_firmada_una_vez, services, smtp_configured, clock):
    """A signed informativa with one contract of six workers: (rfc, ana, uuid, contrato); the
    clock a day after its signing."""
    rfc, ana, uuid, (contrato,), _constancia = _firmada_una_vez[1]
    clock.now = datetime(2026, 11, 23, 12, 0)
    return rfc, ana, uuid, contrato


def _cifrado() -> bytes:
    """The acuse protected with a password, as a file a user may bring by mistake."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(BytesIO(acuse_imss_pdf(fecha=TEXTO_FECHA))))
    writer.encrypt("secreta", algorithm="AES-256")
    salida = BytesIO()
    writer.write(salida)
    return salida.getvalue()


def _acuse(rfc: str = cf.RFC_MORAL, **valores: object) -> bytes:
    return acuse_del_imss(rfc, **{"fecha": TEXTO_FECHA, **valores})


def test_the_acuse_fills_folio_date_and_contract_folio(services, firmada):
    rfc, _ana, uuid, contrato = firmada
    propuesta = services.informativa_presentacion.proponer(uuid, rfc, _acuse(), "acuse.pdf")
    assert propuesta.folio == "N262253432"
    assert propuesta.presentada == FECHA
    assert propuesta.folios_contratos == {contrato: "A26P3662382"}


def test_registering_the_acuse_makes_it_presentada_and_read_only(services, firmada):
    rfc, ana, uuid, contrato = firmada
    servicio = services.informativa_presentacion
    pdf = _acuse()
    # Signed but not filed: the inicio says so, and past its deadline it is overdue.
    fila = services.informativas.fila(uuid, ana)
    assert (fila.estado_texto, fila.vencida, fila.folio_imss) == (
        "Firmada, sin presentar",
        True,
        "",
    )
    servicio.registrar(uuid, rfc, pdf, "acuse.pdf", "n262253432", FECHA, {contrato: "A26P3662382"})
    fila = services.informativas.fila(uuid, ana)
    assert (fila.estado, fila.estado_texto, fila.folio_imss) == (PRESENTADA, TARDE, "N262253432")
    assert (fila.vencida, fila.dias_texto) == (False, "—")
    registro = servicio.registro(uuid, rfc)
    assert (registro.presentada, registro.estado_texto, registro.declarado) == (FECHA, TARDE, False)
    assert registro.sha256 == hashlib.sha256(pdf).hexdigest()
    assert [c.folio_imss for c in registro.contratos] == ["A26P3662382"]
    assert servicio.acuse_imss(uuid, rfc) == pdf
    # Read-only as a signed one; filed once.
    datos = services.informativas.contrato(contrato, ana)
    with pytest.raises(ValidationError) as error:
        services.informativas.guardar_contrato(
            uuid, ana, ContratoDatos(datos.contratante, "otro objeto"), uuid=contrato
        )
    assert error.value.code == "informativa_firmada"
    with pytest.raises(ValidationError) as error:
        servicio.registrar(uuid, rfc, pdf, "acuse.pdf", "N262253432", FECHA, {})
    assert error.value.message == "La informativa ya está presentada con el folio N262253432."
    # Its constancia de firma is still there, and a complementaria may correct it.
    assert services.informativa_firma.acuse(uuid, rfc).startswith(b"%PDF")
    assert services.informativas.crear(rfc, ana, PERIODO, "correccion", complementa=uuid)


@pytest.mark.parametrize(
    ("folio", "fecha", "folios", "codigo", "texto"),
    [
        ("", FECHA, {}, "folio_vacio", "Escribe el folio"),
        ("N26-2253432", FECHA, {}, "folio_invalido", "no es un folio de presentación"),
        ("SI262202734", FECHA, {}, "folio_de_otro_tipo", "no corresponde a una informativa Normal"),
        ("N262253432", datetime(2026, 11, 24, 9, 0, tzinfo=HORA_DEL_CENTRO), {}, "fecha_futura",
         "posterior a este momento"),
        ("N262253432", datetime(2026, 4, 30, 9, 0, tzinfo=HORA_DEL_CENTRO), {}, "fecha_anterior",
         "anterior al periodo"),
        ("N262253432", datetime(2026, 11, 22, 2, 59, tzinfo=HORA_DEL_CENTRO), {},
         "fecha_antes_de_firmar", "anterior a la firma de la informativa (22/11/2026 03:00)"),
        ("N262253432", FECHA, {"c": "B26X1"}, "folio_contrato_invalido", "A26P3662382"),
    ],
)  # fmt: skip
def test_wrong_input_is_refused_in_spanish(services, firmada, folio, fecha, folios, codigo, texto):
    rfc, _ana, uuid, contrato = firmada
    folios = {contrato: folios["c"]} if folios else {}
    # A scanned acuse: what is typed is all there is, stated by the clerk.
    escaneado = acuse_imss_pdf(folio="", fecha="", tipo="")
    with pytest.raises(ValidationError) as error:
        services.informativa_presentacion.registrar(
            uuid, rfc, escaneado, "acuse.pdf", folio, fecha, folios, confirmo_acuse=True
        )
    assert (error.value.code, texto in error.value.message) == (codigo, True)
    assert services.informativas.fila(uuid, rfc).estado == FIRMADA


@pytest.mark.parametrize(
    ("datos", "codigo", "texto"),
    [
        (b"", "acuse_vacio", "está vacío"),
        (b"PK\x03\x04 un zip", "acuse_no_pdf", "no es un PDF"),
        (_cifrado(), "acuse_cifrado", "protegido con contraseña"),
        (b"%PDF-1.7\n%\xe2\xe3 nada mas", "acuse_danado", "dañado"),
        (b"%PDF-1.7\n" + b"0" * (2 * 1024 * 1024), "acuse_grande", "pesa más de 2 MB"),
    ],
)
def test_a_file_that_is_not_a_readable_acuse_is_refused(services, firmada, datos, codigo, texto):
    rfc, _ana, uuid, _contrato = firmada
    with pytest.raises(ValidationError) as error:
        services.informativa_presentacion.proponer(uuid, rfc, datos, "acuse.pdf")
    assert error.value.code == codigo
    assert texto in error.value.message and "«acuse.pdf»" in error.value.message


def test_only_a_signed_informativa_is_filed(services, data_dir, tmp_path, smtp_configured):
    rfc, ana = capturista_activa(services, data_dir, tmp_path, smtp_configured)
    uuid = services.informativas.crear(rfc, ana, PERIODO)
    with pytest.raises(ValidationError) as error:
        services.informativa_presentacion.registrar(
            uuid, rfc, _acuse(), "acuse.pdf", "N262253432", FECHA, {}
        )
    assert error.value.code == "informativa_sin_firmar"


def test_a_capturista_may_not_register_it_and_the_refusal_is_audited(services, firmada):
    _rfc, ana, uuid, _contrato = firmada
    with pytest.raises(PermisoDenegado):
        services.informativa_presentacion.registrar(
            uuid, ana, _acuse(), "acuse.pdf", "N262253432", FECHA, {}
        )
    assert services.informativas.fila(uuid, ana).estado == FIRMADA
    rechazos = [
        (r.actor, r.detail)
        for r in services.audit_instalacion.recent()
        if r.action == "permiso_denegado"
    ]
    assert rechazos and rechazos[0][0] == ana


def test_a_backup_keeps_the_presentacion(services, firmada, tmp_path):
    rfc, _ana, uuid, contrato = firmada
    pdf = _acuse()
    servicio = services.informativa_presentacion
    servicio.registrar(uuid, rfc, pdf, "acuse.pdf", "N262253432", FECHA, {contrato: "A26P3662382"})
    respaldo = services.backup.backup(tmp_path / "r.icsoe-respaldo", actor=CLI_ACTOR)
    services.informativas.crear(rfc, rfc, PERIODO, "correccion", complementa=uuid)
    services.backup.restore(respaldo, actor=CLI_ACTOR)
    assert servicio.acuse_imss(uuid, rfc) == pdf
    registro = servicio.registro(uuid, rfc)
    assert (registro.folio, registro.presentada, registro.contratos[0].folio_imss) == (
        "N262253432",
        FECHA,
        "A26P3662382",
    )


def test_the_archive_for_the_client_holds_both_pdfs_and_its_contracts(services, firmada, tmp_path):
    rfc, ana, uuid, contrato = firmada
    servicio = services.informativa_presentacion
    with pytest.raises(ValidationError) as error:
        servicio.archivo(uuid, rfc, CLIENTE.rfc, tmp_path / "a.zip")
    assert error.value.code == "informativa_sin_presentar"
    pdf = _acuse()
    servicio.registrar(uuid, rfc, pdf, "acuse.pdf", "N262253432", FECHA, {contrato: "A26P3662382"})
    constancia = services.informativa_firma.acuse(uuid, rfc)
    trabajadores = services.informativa_trabajadores.pagina(contrato, ana, 0, 100)

    (zip_path,) = servicio.archivo(uuid, rfc, CLIENTE.rfc.lower(), tmp_path / "cliente.zip")
    base = f"ICSOE_{rfc}_2026-2_{CLIENTE.rfc}"
    with zipfile.ZipFile(zip_path) as zf:
        assert sorted(zf.namelist()) == [
            f"{base}_acuse_presentacion.pdf",
            f"{base}_constancia_firma.pdf",
            f"{base}_contratos_trabajadores.xlsx",
        ]
        assert _sha(zf.read(f"{base}_acuse_presentacion.pdf")) == _sha(pdf)
        assert _sha(zf.read(f"{base}_constancia_firma.pdf")) == _sha(constancia)
        hoja = load_workbook(BytesIO(zf.read(f"{base}_contratos_trabajadores.xlsx"))).active
    filas = list(hoja.iter_rows(values_only=True))
    assert filas[0][:6] == (
        "RFC del contratista",
        "Periodo",
        "Folio de presentación",
        "RFC del contratante",
        "Contratante",
        "Folio IMSS del contrato",
    )
    assert len(filas) == 1 + 6
    assert {f[10] for f in filas[1:]} == {t.nss for t in trabajadores}
    assert {(f[2], f[3], f[5]) for f in filas[1:]} == {("N262253432", CLIENTE.rfc, "A26P3662382")}
    assert sorted(f[13] for f in filas[1:]) == sorted(t.sbc / 100 for t in trabajadores)
    assert {f[14:] for f in filas[1:]} == {("22/11/2026 10:15", TARDE)}

    carpeta = tmp_path / "carpeta"
    carpeta.mkdir()
    escritos = servicio.archivo(uuid, rfc, CLIENTE.rfc, carpeta)
    assert sorted(p.name for p in escritos) == sorted(p.name for p in carpeta.iterdir())
    assert _sha((carpeta / f"{base}_acuse_presentacion.pdf").read_bytes()) == _sha(pdf)
    with pytest.raises(ValidationError) as error:
        servicio.archivo(uuid, rfc, "XAXX010101000", carpeta)
    assert "no tiene contratos con el contratante XAXX010101000" in error.value.message
    with pytest.raises(ValidationError) as error:
        servicio.archivo(uuid, rfc, CLIENTE.rfc, tmp_path / "no" / "existe.zip")
    assert error.value.code == "carpeta_inexistente"
    with pytest.raises(PermisoDenegado):
        servicio.archivo(uuid, ana, CLIENTE.rfc, carpeta)


def test_the_archive_for_the_client_carries_the_sisub_acuse_once_filed(services, firmada, tmp_path):
    from sqlalchemy import update

    from icsoe_desktop.demo.acuse_infonavit import acuse_infonavit_pdf
    from icsoe_desktop.store.models import SisubReporte
    from tests.sisub_datos import completar

    rfc, _ana, uuid, contrato = firmada
    servicio = services.informativa_presentacion
    servicio.registrar(
        uuid, rfc, _acuse(), "acuse.pdf", "N262253432", FECHA, {contrato: "A26P3662382"}
    )
    base = f"ICSOE_{rfc}_2026-2_{CLIENTE.rfc}"
    sisub = f"{base}_acuse_sisub_infonavit.pdf"
    (zip_path,) = servicio.archivo(uuid, rfc, CLIENTE.rfc, tmp_path / "antes.zip")
    with zipfile.ZipFile(zip_path) as zf:
        assert sisub not in zf.namelist()  # the SISUB is not filed yet

    reporte = services.sisub.preparar(rfc, rfc, PERIODO).uuid
    completar(services, reporte, rfc)
    del_infonavit = acuse_infonavit_pdf(rfc=rfc)
    services.sisub_presentacion.registrar(
        reporte, rfc, del_infonavit, "a.pdf", "SISUB-2026-0001234"
    )
    (zip_path,) = servicio.archivo(uuid, rfc, CLIENTE.rfc, tmp_path / "cliente.zip")
    with zipfile.ZipFile(zip_path) as zf:
        # With its rows of the SISUB (no contract PDF kept: none of them).
        assert sorted(zf.namelist()) == [
            f"{base}_2_SISUB_Ley_29_bis_Contratos.csv",
            f"{base}_3_SISUB_Ley_29_bis_DetalleTrab.csv",
            f"{base}_acuse_presentacion.pdf",
            sisub,
            f"{base}_constancia_firma.pdf",
            f"{base}_contratos_trabajadores.xlsx",
        ]
        assert _sha(zf.read(sisub)) == _sha(del_infonavit)
    carpeta = tmp_path / "carpeta"
    carpeta.mkdir()
    servicio.archivo(uuid, rfc, CLIENTE.rfc, carpeta)
    assert _sha((carpeta / sisub).read_bytes()) == _sha(del_infonavit)

    # Its bytes changed outside the app: refused, nothing written.
    with services.store.session() as session:
        session.execute(update(SisubReporte).values(acuse_pdf=del_infonavit + b"%"))
    with pytest.raises(ValidationError) as error:
        servicio.archivo(uuid, rfc, CLIENTE.rfc, tmp_path / "alterado.zip")
    assert error.value.code == "acuse_sisub_alterado"
    assert "SISUB-2026-0001234" in error.value.message
    # The IMSS acuse put in its place with its SHA-256 rewritten: read again, refused; a
    # registro of before that reading is held to its SHA-256 alone, as it was registered.
    del_imss = _acuse()
    with services.store.session() as session:
        session.execute(
            update(SisubReporte).values(acuse_pdf=del_imss, acuse_sha256=_sha(del_imss))
        )
    with pytest.raises(ValidationError) as error:
        servicio.archivo(uuid, rfc, CLIENTE.rfc, tmp_path / "ajeno.zip")
    assert error.value.code == "acuse_sisub_ajeno"
    assert "no es el que se registró: es el acuse ICSOE del IMSS" in error.value.message
    assert not (tmp_path / "ajeno.zip").exists()
    # Bytes that are no PDF at all, their SHA-256 rewritten too: refused, saying so.
    with services.store.session() as session:
        session.execute(
            update(SisubReporte).values(
                acuse_pdf=b"no es un PDF", acuse_sha256=_sha(b"no es un PDF")
            )
        )
    with pytest.raises(ValidationError) as error:
        servicio.archivo(uuid, rfc, CLIENTE.rfc, tmp_path / "ilegible.zip")
    assert error.value.code == "acuse_sisub_ajeno" and "no es un PDF legible" in error.value.message
    with services.store.session() as session:
        session.execute(
            update(SisubReporte).values(acuse_pdf=del_imss, acuse_sha256=_sha(del_imss))
        )
    with services.store.session() as session:
        session.execute(update(SisubReporte).values(acuse_regla=0))
    (zip_path,) = servicio.archivo(uuid, rfc, CLIENTE.rfc, tmp_path / "anterior.zip")
    with zipfile.ZipFile(zip_path) as zf:
        assert _sha(zf.read(sisub)) == _sha(del_imss)
    assert not (tmp_path / "alterado.zip").exists()


def _sha(datos: bytes) -> str:
    return hashlib.sha256(datos).hexdigest()


def test_dates_in_the_acuse_past_midnight_utc_stay_central_time(services, firmada):
    """A filing at 22:30 hora del centro is 04:30 UTC of the next day: shown as filed."""
    rfc, _ana, uuid, _contrato = firmada
    tarde = FECHA.replace(hour=22, minute=30, second=0)
    services.informativa_presentacion.registrar(
        uuid,
        rfc,
        _acuse(fecha="22/11/2026 22:30:00"),
        "a.pdf",
        "N262253432",
        tarde.replace(tzinfo=None),
        {},
    )
    registro = services.informativa_presentacion.registro(uuid, rfc)
    assert registro.presentada == tarde
    assert registro.presentada.astimezone(HORA_DEL_CENTRO) - tarde == timedelta(0)

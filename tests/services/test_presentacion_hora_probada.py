"""The signing time a filing is held against is the proven one: *Firmar* with a time-stamp server
(a real RFC 3161 TSA on 127.0.0.1, trusted here) refuses a computer clock set back from the
token's time, so no constancia records a false date; the filing is then judged against the true
signing time («fuera de plazo»); and a stored constancia that its verification refuses is never
registered presentada nor exported for the client."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from icsoe_desktop.domain.clock import HORA_DEL_CENTRO
from icsoe_desktop.domain.errors import ValidationError
from icsoe_desktop.domain.informativa.modelo import FIRMADA, PRESENTADA
from icsoe_desktop.domain.roles import CLI_ACTOR
from icsoe_desktop.services.contratistas import DatosGenerales
from icsoe_desktop.services.empresas.primer_uso import SELLO_SIN_AUTORIDAD, SELLO_TIEMPO
from icsoe_desktop.services.informativa import constancia as c
from icsoe_desktop.services.informativa import fecha_firma
from icsoe_desktop.services.informativa.constancia_refutada import CONSTANCIA_AJENA
from icsoe_desktop.services.informativa.firma import MSG_RELOJ_DESFASADO
from icsoe_desktop.services.informativa.presentacion import (
    MSG_CONSTANCIA_NO_VALIDA,
    NO_SE_EXPORTA,
    NO_SE_REGISTRA,
)
from icsoe_desktop.store.models import InformativaRow, SyncState
from tests import credentials_factory as cf
from tests.icsoe_helpers import trust_sat, write_pdf
from tests.informativa_servicios import CLIENTE, PERIODO, acuse_del_imss, contrato_con_trabajadores
from tests.servidor_tsa import servidor_tsa

pytestmark = pytest.mark.slow

# The true time (the TSA's), and the computer's clock set back to the day before the deadline.
REAL = datetime(2026, 11, 27, 15, 0, 5, tzinfo=UTC)
ATRASADO = datetime(2026, 9, 17, 5, 58, 0)  # 16/09/2026 23:58 in Central Mexico
EN_HORA = datetime(2026, 11, 27, 15, 0, 0)


@pytest.fixture
def tsa():
    with servidor_tsa(REAL) as servidor:
        yield servidor


@pytest.fixture
def por_firmar(services, data_dir, tmp_path, tsa):
    """(uuid, rfc, cer) of an informativa ready to sign (its e.firma valid since 2025), with
    the TSA configured and trusted as a time-stamp authority."""
    trust_sat(data_dir)
    fiel = cf.fiel_moral(
        valid_from=datetime(2025, 1, 1, tzinfo=UTC), valid_to=datetime(2029, 1, 1, tzinfo=UTC)
    )
    cer, key = fiel.write(tmp_path / "fiel")
    rfc = cf.RFC_MORAL
    services.contratistas.ingresar(services.contratistas.validar_fiel(rfc, cer, key, cf.PASSWORD))
    services.contratistas.aceptar_terminos(rfc)
    services.contratistas.adjuntar_acuse(rfc, write_pdf(tmp_path))
    services.contratistas.guardar_datos_generales(
        rfc,
        DatosGenerales("contacto@empresa.com.mx", "5512345678", "", domicilio_igual_fiscal=True),
    )
    uuid = services.informativas.crear(rfc, CLI_ACTOR, PERIODO)
    contrato_con_trabajadores(services, rfc, CLI_ACTOR, uuid, trabajadores=3)
    services.settings.save_sello_tiempo(tsa.url, CLI_ACTOR)
    ca = tmp_path / "ac_tsa.cer"
    ca.write_bytes(tsa.tsa.ca_der)
    services.certificates.emisores.agregar(ca, CLI_ACTOR, "sello")
    return uuid, rfc, cer


def _firmar(services, por_firmar) -> bytes:
    uuid, rfc, cer = por_firmar
    return services.informativa_firma.firmar(uuid, rfc, cer, cer.with_suffix(".key"), cf.PASSWORD)


def _registrar(services, uuid: str, rfc: str, fecha: str):
    pdf = acuse_del_imss(rfc, fecha=fecha)
    return services.informativa_presentacion.registrar(
        uuid, rfc, pdf, "acuse.pdf", "N262253432", datetime.strptime(fecha, "%d/%m/%Y %H:%M:%S"), {}
    )


def _estado(services, uuid: str) -> str:
    with services.store.session() as session:
        return session.query(InformativaRow).filter_by(uuid=uuid).one().estado


def test_a_clock_set_back_is_refused_at_signing_and_the_filing_is_late_by_the_true_time(
    services, por_firmar, clock, tsa
):
    uuid, rfc, _cer = por_firmar
    clock.now = ATRASADO
    with pytest.raises(ValidationError) as error:
        _firmar(services, por_firmar)
    assert error.value.code == "reloj_desfasado"
    assert error.value.message == MSG_RELOJ_DESFASADO.format(
        equipo="16/09/2026 23:58:00 (UTC-06:00)",
        url=tsa.url,
        sello="27/11/2026 09:00:05 (UTC-06:00)",
        minutos=10,
    )
    # Nothing was kept: it is still to be signed.
    assert _estado(services, uuid) not in (FIRMADA, PRESENTADA)
    with pytest.raises(ValidationError) as error:
        services.informativa_firma.acuse(uuid, rfc)
    assert error.value.code == "sin_acuse"

    # With the clock right it signs, and the constancia proves when.
    clock.now = EN_HORA
    constancia = _firmar(services, por_firmar)
    resultado = services.informativa_firma.verificar(constancia)
    assert resultado.ok, resultado.motivo
    assert resultado.fecha_probada == REAL
    clock.now = datetime(2026, 11, 28, 12, 0)
    # An acuse dated the day of the deadline is before the signing: not this informativa's.
    with pytest.raises(ValidationError) as error:
        _registrar(services, uuid, rfc, "17/09/2026 10:00:00")
    assert error.value.code == "fecha_antes_de_firmar"
    assert _estado(services, uuid) == FIRMADA
    # A filing just after the signature's proven time: late by its true date.
    hecha = _registrar(services, uuid, rfc, "27/11/2026 09:30:00")
    assert hecha.folio == "N262253432"
    registro = services.informativa_presentacion.registro(uuid, rfc)
    assert registro.estado_texto == "Presentada fuera de plazo (71 días)"


def test_the_filing_is_held_against_the_tokens_time_not_the_clocks(services, por_firmar, clock):
    uuid, rfc, _cer = por_firmar
    # The clock nine minutes ahead: within what a verification tolerates, so it signs; the
    # filing cannot be before the token's time, whatever the clock said.
    clock.now = datetime(2026, 11, 27, 15, 9, 0)
    _firmar(services, por_firmar)
    clock.now = datetime(2026, 11, 28, 12, 0)
    with pytest.raises(ValidationError) as error:
        _registrar(services, uuid, rfc, "27/11/2026 08:59:00")
    assert error.value.code == "fecha_antes_de_firmar"
    assert "27/11/2026 09:00" in error.value.message
    assert _registrar(services, uuid, rfc, "27/11/2026 09:05:00").folio == "N262253432"


def _cambiar_constancia(services, uuid: str, datos: bytes) -> None:
    """What someone with write access to the store does: the kept constancia replaced."""
    with services.store.session() as session:
        session.query(InformativaRow).filter_by(uuid=uuid).one().acuse_pdf = datos


def _ajena() -> bytes:
    """A valid constancia of another informativa of the same contratista."""
    from icsoe_desktop.domain.informativa.cadena import cadena_original
    from icsoe_desktop.domain.informativa.sello import sellar
    from tests.informativa_acuse_datos import informativa

    fiel = cf.fiel_moral(
        valid_from=datetime(2025, 1, 1, tzinfo=UTC), valid_to=datetime(2029, 1, 1, tzinfo=UTC)
    )
    inf, firmada = informativa(), datetime(2026, 11, 27, 9, 0, 0, tzinfo=HORA_DEL_CENTRO)
    cadena = cadena_original(inf, firmada)
    return c.escribir_constancia(
        inf, cadena, sellar(cadena, fiel.private_key), fiel.cer, [cf.sat_ca().certificate_der],
        firmada, fiel.private_key,
    )  # fmt: skip


def test_a_constancia_its_verification_refuses_is_never_filed_nor_archived(
    services, por_firmar, clock, tmp_path
):
    uuid, rfc, _cer = por_firmar
    clock.now = EN_HORA
    constancia = _firmar(services, por_firmar)
    clock.now = datetime(2026, 11, 28, 12, 0)
    # A byte of the signed content changed: the signature is broken.
    medio = len(constancia) // 3
    rota = constancia[:medio] + bytes([constancia[medio] ^ 1]) + constancia[medio + 1 :]
    _cambiar_constancia(services, uuid, rota)
    with pytest.raises(ValidationError) as error:
        _registrar(services, uuid, rfc, "27/11/2026 09:30:00")
    assert error.value.code == "constancia_no_valida"
    assert error.value.message == MSG_CONSTANCIA_NO_VALIDA.format(
        motivos=c.FIRMA_ROTA, que=NO_SE_REGISTRA
    )
    assert _estado(services, uuid) == FIRMADA
    # Another informativa's constancia, valid in itself: not this one's.
    _cambiar_constancia(services, uuid, _ajena())
    with pytest.raises(ValidationError) as error:
        _registrar(services, uuid, rfc, "27/11/2026 09:30:00")
    assert error.value.message == MSG_CONSTANCIA_NO_VALIDA.format(
        motivos=CONSTANCIA_AJENA, que=NO_SE_REGISTRA
    )
    # Filed with its own, then swapped: the archive for the client refuses it.
    _cambiar_constancia(services, uuid, constancia)
    _registrar(services, uuid, rfc, "27/11/2026 09:30:00")
    assert _estado(services, uuid) == PRESENTADA
    assert services.informativa_presentacion.archivo(uuid, rfc, CLIENTE.rfc, tmp_path)
    _cambiar_constancia(services, uuid, rota)
    salida = tmp_path / "cliente"
    salida.mkdir()
    with pytest.raises(ValidationError) as error:
        services.informativa_presentacion.archivo(uuid, rfc, CLIENTE.rfc, salida)
    assert error.value.message == MSG_CONSTANCIA_NO_VALIDA.format(
        motivos=c.FIRMA_ROTA, que=NO_SE_EXPORTA
    )
    assert list(salida.iterdir()) == []


def test_the_signing_time_kept_is_the_tokens_not_the_clock_set_back(services, por_firmar, clock):
    uuid, rfc, _cer = por_firmar
    # Nine minutes behind the TSA: within what a verification tolerates, so it signs; what the
    # store keeps as the signing time, and what the pantalla de inicio shows, is the token's.
    clock.now = datetime(2026, 11, 27, 14, 51, 0)
    _firmar(services, por_firmar)
    with services.store.session() as session:
        assert session.query(InformativaRow).filter_by(uuid=uuid).one().firmada_at == (
            REAL.replace(tzinfo=None)
        )
    (fila,) = [f for f in services.informativas.tablero(rfc, CLI_ACTOR) if f.uuid == uuid]
    assert fila.firmada_at.replace(tzinfo=None) == datetime(2026, 11, 27, 9, 0, 5)  # Centro
    # The filing is held against that time, not the clock's 08:51.
    clock.now = datetime(2026, 11, 28, 12, 0)
    with pytest.raises(ValidationError) as error:
        _registrar(services, uuid, rfc, "27/11/2026 08:55:00")
    assert error.value.code == "fecha_antes_de_firmar"
    assert "27/11/2026 09:00" in error.value.message
    assert _registrar(services, uuid, rfc, "27/11/2026 09:01:00").folio == "N262253432"


def test_without_a_time_stamp_server_the_clock_is_kept_and_said_unproven(
    services, por_firmar, clock
):
    uuid, _rfc, _cer = por_firmar
    services.settings.save_sello_tiempo("", CLI_ACTOR)
    clock.now = datetime(2026, 11, 27, 14, 51, 0)
    constancia = _firmar(services, por_firmar)
    with services.store.session() as session:
        assert session.query(InformativaRow).filter_by(uuid=uuid).one().firmada_at == (clock.now)
    resultado = services.informativa_firma.verificar(constancia)
    assert resultado.fecha_probada is None
    assert c.SIN_PRUEBA in resultado.resumen()
    assert "27/11/2026 08:51:00 (UTC-06:00) según el equipo de quien firmó" in resultado.resumen()


# Signed on 10/09/2026 10:00:05 in Central Mexico (the TSA's time), a week before the deadline.
A_TIEMPO = datetime(2026, 9, 10, 16, 0, 5, tzinfo=UTC)


def _estado_listado(services, uuid: str, rfc: str) -> str:
    (fila,) = [f for f in services.informativas.tablero(rfc, CLI_ACTOR) if f.uuid == uuid]
    return fila.estado_texto


def test_only_a_signing_date_a_trusted_time_stamp_proves_is_listed_on_time(
    services, data_dir, por_firmar, clock, tsa, tmp_path, capsys
):
    from openpyxl import load_workbook

    from icsoe_desktop import cli

    uuid, rfc, _cer = por_firmar
    tsa.sellador = tsa.tsa.sellador(A_TIEMPO)
    clock.now = datetime(2026, 9, 10, 16, 0, 0)
    _firmar(services, por_firmar)
    clock.now = datetime(2026, 9, 12, 12, 0)
    _registrar(services, uuid, rfc, "11/09/2026 10:00:00")
    # Filed before the deadline, signed when a trusted TSA says: on time, said plainly.
    assert services.informativa_presentacion.registro(uuid, rfc).estado_texto == "Presentada"
    assert _estado_listado(services, uuid, rfc) == "Presentada"

    def presentacion_en_el_excel(carpeta) -> set[str]:
        carpeta.mkdir()
        escritos = services.informativa_presentacion.archivo(uuid, rfc, CLIENTE.rfc, carpeta)
        (hoja,) = [p for p in escritos if p.suffix == ".xlsx"]
        filas = list(load_workbook(hoja).active.iter_rows(values_only=True))
        assert filas[0][-1] == "Presentación"
        return {f[-1] for f in filas[1:]}

    assert presentacion_en_el_excel(tmp_path / "cliente") == {"Presentada"}
    # A store that may not change (its audit log altered) still exports it, and says the same
    # (its verdict not noted: nothing may be written there).
    with services.store.session() as session:
        session.query(SyncState).filter_by(key=fecha_firma.CLAVE).delete()
    services.store.reopen(solo_lectura="bitácora alterada")
    assert presentacion_en_el_excel(tmp_path / "solo_lectura") == {"Presentada"}
    services.store.reopen(solo_lectura="")

    # Its TSA no longer trusted here: the date it proved is not proven any more.
    (autoridad,) = [
        e for e in services.certificates.emisores.listar() if e.uso == "sello" and not e.incluido
    ]
    services.certificates.emisores.quitar(autoridad.sha256, CLI_ACTOR)
    no_probada = "Presentada, fecha de firma no probada"
    # The Configuración inicial's step says so too.
    (paso,) = [p for p in services.primer_uso.pasos() if p.clave == SELLO_TIEMPO]
    assert paso.hecho and paso.detalle == f"Sellos de tiempo de {tsa.url}.{SELLO_SIN_AUTORIDAD}"
    assert _estado_listado(services, uuid, rfc) == no_probada
    assert services.informativas.constancias_guardadas(rfc, CLI_ACTOR) == ()
    assert _estado_listado(services, uuid, rfc) == no_probada
    # Trusted again: the stored constancias' check (the pantalla de inicio's) says so again.
    ca = tmp_path / "ac_tsa.cer"
    services.certificates.emisores.agregar(ca, CLI_ACTOR, "sello")
    assert _estado_listado(services, uuid, rfc) == no_probada  # noted under other authorities
    assert services.informativas.constancias_guardadas(rfc, CLI_ACTOR) == ()
    assert _estado_listado(services, uuid, rfc) == "Presentada"
    (paso,) = [p for p in services.primer_uso.pasos() if p.clave == SELLO_TIEMPO]
    assert paso.detalle == f"Sellos de tiempo de {tsa.url}."
    services.close()

    # ``informativa listar`` says it as the tablero does.
    capsys.readouterr()
    assert cli.main(["--data-dir", str(data_dir), "informativa", "listar"]) == 0
    (fila,) = [line.split("\t") for line in capsys.readouterr().out.splitlines() if uuid in line]
    assert (fila[3], fila[8]) == ("Presentada", "N262253432")

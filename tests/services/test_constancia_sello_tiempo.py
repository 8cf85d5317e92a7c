"""The constancia de firma with a time-stamp server configured (PAdES B-T): a real RFC 3161 TSA
on 127.0.0.1 seals the signature; pdfsig, pyHanko and `verificar` see its time and TSA; a TSA
that fails leaves the informativa unsigned with a Spanish reason; a token that is not over the
signature, built outside the app, is refused with its own message."""

from __future__ import annotations

import hashlib
import io
import random
import shutil
import subprocess
from datetime import UTC, datetime

import pytest

from icsoe_desktop.domain.errors import ValidationError
from icsoe_desktop.domain.informativa.modelo import FIRMADA
from icsoe_desktop.domain.roles import CLI_ACTOR
from icsoe_desktop.services.informativa import constancia as c
from icsoe_desktop.services.informativa.firma import MSG_SELLO_FALLIDO
from tests import constancia_falsa as falsa
from tests import credentials_factory as cf
from tests.icsoe_helpers import enter_contratista, trust_sat
from tests.informativa_servicios import PERIODO, contrato_con_trabajadores
from tests.servidor_tsa import NOMBRE_TSA, servidor_tsa

pytestmark = pytest.mark.slow

HORA_SELLO = "22/11/2026 03:00:05 (UTC-06:00)"


@pytest.fixture
def tsa():
    with servidor_tsa() as servidor:
        yield servidor


@pytest.fixture
def fresca(tmp_path, clock):
    """A fresh installation that trusts the same SAT authorities (not the TSA's)."""
    from icsoe_desktop.services.container import open_services

    carpeta = tmp_path / "fresca"
    carpeta.mkdir()
    trust_sat(carpeta)
    services = open_services(carpeta, clock)
    yield services
    services.close()


@pytest.fixture
def por_firmar(services, data_dir, tmp_path):
    """(uuid, rfc, cer) of an informativa ready to sign, 3 workers."""
    rfc = enter_contratista(services, data_dir, tmp_path)
    uuid = services.informativas.crear(rfc, CLI_ACTOR, PERIODO)
    contrato_con_trabajadores(services, rfc, CLI_ACTOR, uuid, trabajadores=3)
    return uuid, rfc, tmp_path / "fiel" / f"{rfc}.cer"


def _firmar(services, por_firmar) -> bytes:
    uuid, rfc, cer = por_firmar
    return services.informativa_firma.firmar(uuid, rfc, cer, cer.with_suffix(".key"), cf.PASSWORD)


def _confiar_en_tsa(services, tsa, tmp_path) -> None:
    ca = tmp_path / "ac_tsa.cer"
    ca.write_bytes(tsa.tsa.ca_der)
    services.certificates.emisores.agregar(ca, CLI_ACTOR, "sello")


def test_with_a_tsa_the_constancia_carries_its_time_and_verificar_reports_it(
    services,
    fresca,
    por_firmar,
    tsa,
    tmp_path,
):
    services.settings.save_sello_tiempo(tsa.url, CLI_ACTOR)
    _confiar_en_tsa(services, tsa, tmp_path)
    constancia = _firmar(services, por_firmar)
    assert tsa.pedidos >= 1

    resultado = services.informativa_firma.verificar(constancia)
    assert resultado.ok, resultado.motivo
    assert resultado.sello_tiempo is not None and resultado.sello_tiempo.confiable
    assert resultado.lineas()[1] == c.SELLO_CONFIABLE.format(fecha=HORA_SELLO, tsa=NOMBRE_TSA)
    # A fresh installation does not trust that TSA: still valid (the e.firma proves who and
    # what), and it says the hour is not proven by it.
    fresca_dice = fresca.informativa_firma.verificar(constancia)
    assert fresca_dice.ok, fresca_dice.motivo
    assert fresca_dice.lineas()[1] == c.SELLO_NO_CONFIABLE.format(fecha=HORA_SELLO, tsa=NOMBRE_TSA)


def test_without_a_tsa_the_constancia_has_no_time_stamp(services, por_firmar):
    resultado = services.informativa_firma.verificar(_firmar(services, por_firmar))
    assert resultado.ok and resultado.sello_tiempo is None
    assert resultado.lineas()[1:] == [c.SIN_REVOCACION.format(porque=c.EMISOR_SIN_REVOCACION)]


@pytest.mark.skipif(
    shutil.which("pdfsig") is None, reason="poppler-utils (pdfsig) no está instalado"
)
def test_pdfsig_and_pyhanko_see_the_time_stamp(services, por_firmar, tsa, tmp_path):
    from asn1crypto import cms
    from asn1crypto import x509 as asn1_x509
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    services.settings.save_sello_tiempo(tsa.url, CLI_ACTOR)
    constancia = _firmar(services, por_firmar)
    archivo = tmp_path / "c.pdf"
    archivo.write_bytes(constancia)
    # pdfsig validates the B-T signature as it does a B-B one (it prints no time-stamp: poppler
    # 22 does not), and hands its CMS out (-dump), where openssl reads the token.
    salida = subprocess.run(["pdfsig", "-nocert", archivo], capture_output=True, text=True)
    assert "Signature Type: ETSI.CAdES.detached" in salida.stdout
    assert "Signature Validation: Signature is Valid." in salida.stdout
    subprocess.run(["pdfsig", "-dump", archivo], capture_output=True, cwd=tmp_path, check=True)
    (volcada,) = tmp_path.glob("c.pdf.sig*")
    (firmante,) = cms.ContentInfo.load(volcada.read_bytes())["content"]["signer_infos"]
    (token,) = next(
        a["values"] for a in firmante["unsigned_attrs"]
        if a["type"].native == "signature_time_stamp_token"
    )  # fmt: skip
    (tmp_path / "token.der").write_bytes(token.dump())
    (tmp_path / "ac_tsa.pem").write_bytes(cf.pem_certificate(tsa.tsa.ca_der))
    if shutil.which("openssl") is not None:
        texto = subprocess.run(
            ["openssl", "ts", "-reply", "-token_in", "-in", "token.der", "-text", "-token_out"],
            capture_output=True, text=True, cwd=tmp_path, check=True,
        ).stdout  # fmt: skip
        assert "Time stamp: Nov 22 09:00:05 2026 GMT" in texto
        assert f"CN={NOMBRE_TSA}" in texto or f"CN = {NOMBRE_TSA}" in texto, texto
        # The token is over this signature's value, and its TSA chains to its CA.
        resumen = hashlib.sha256(firmante["signature"].native).hexdigest()
        verificado = subprocess.run(
            ["openssl", "ts", "-verify", "-digest", resumen, "-token_in", "-in", "token.der",
             "-CAfile", "ac_tsa.pem"],
            capture_output=True, text=True, cwd=tmp_path,
        )  # fmt: skip
        assert "Verification: OK" in verificado.stdout, verificado.stderr

    (firma,) = PdfFileReader(io.BytesIO(constancia)).embedded_signatures
    estado = validate_pdf_signature(
        firma,
        ValidationContext(
            trust_roots=[asn1_x509.Certificate.load(cf.sat_ca().certificate_der)],
            moment=firma.self_reported_timestamp,
        ),
        ts_validation_context=ValidationContext(
            trust_roots=[asn1_x509.Certificate.load(tsa.tsa.ca_der)],
        ),
    )
    assert estado.intact and estado.valid and estado.trusted
    sello = estado.timestamp_validity
    assert sello is not None and sello.intact and sello.valid and sello.trusted
    assert sello.timestamp == datetime(2026, 11, 22, 9, 0, 5, tzinfo=UTC)
    assert sello.signing_cert.subject.native["common_name"] == NOMBRE_TSA


@pytest.mark.parametrize("falla", ["caido", "http", "basura", "ajeno"])
def test_a_failing_tsa_refuses_the_signing_and_leaves_the_informativa_unsigned(
    services, por_firmar, tsa, falla, caplog
):
    uuid, rfc, _cer = por_firmar
    url = tsa.url
    services.settings.save_sello_tiempo(url, CLI_ACTOR)
    if falla == "caido":
        tsa.detener()
    else:
        tsa.falla = falla
    with pytest.raises(ValidationError) as error:
        _firmar(services, por_firmar)
    assert error.value.message == MSG_SELLO_FALLIDO.format(url=url)
    assert "Sin sello de tiempo, la informativa no se firmó" in caplog.text
    if falla == "ajeno":  # granted, but checked after signing: not over this signature
        assert "el sello recibido no corresponde a la firma" in caplog.text
    # No half state: not signed, no constancia, and it signs once the TSA answers.
    assert services.informativas.tablero(rfc, CLI_ACTOR)[0].estado != FIRMADA
    with pytest.raises(ValidationError, match="aún no está firmada"):
        services.informativa_firma.acuse(uuid, rfc)
    if falla != "caido":
        tsa.falla = None
        assert services.informativa_firma.verificar(_firmar(services, por_firmar)).ok


def test_a_time_stamp_not_over_the_signature_or_before_it_is_refused(services, por_firmar, tsa):
    """Forgeries signed with pyHanko and its own time-stamper, outside the app."""
    constancia = _firmar(services, por_firmar)
    paginas, datos = falsa.paginas(constancia), falsa.datos(constancia)
    propia = cf.fiel_moral()
    cadena = [cf.sat_ca().certificate_der]

    class SobreOtraCosa(type(tsa.sellador)):  # the token of another document's signature
        async def async_timestamp(self, message_digest, md_algorithm):
            otra = hashlib.new(md_algorithm, b"otro documento").digest()
            return await super().async_timestamp(otra, md_algorithm)

    ajeno = SobreOtraCosa(
        tsa.sellador.tsa_cert, tsa.sellador.tsa_key, fixed_dt=tsa.sellador.fixed_dt
    )
    motivo = services.informativa_firma.verificar(
        falsa.firmar(paginas, propia, cadena, datos, sellador=ajeno)
    ).motivo
    assert c.SELLO_AJENO in motivo

    # A genuine token, but from a time far from the sealed signing time.
    antes = tsa.tsa.sellador(datetime(2026, 9, 1, 16, 0, tzinfo=UTC))
    motivo = services.informativa_firma.verificar(
        falsa.firmar(paginas, propia, cadena, datos, sellador=antes)
    ).motivo
    assert (
        c.SELLO_DISTINTO.format(
            fecha="22/11/2026 03:00:00 (UTC-06:00)",
            minutos=10,
            sello="01/09/2026 10:00:00 (UTC-06:00)",
        )
        in motivo
    )
    assert c.SELLO_AJENO not in motivo

    # The same forgery with a well-made token: no time-stamp refusal.
    bien = services.informativa_firma.verificar(
        falsa.firmar(paginas, propia, cadena, datos, sellador=tsa.sellador)
    )
    assert not {c.SELLO_AJENO, c.SELLO_ROTO}.intersection(bien.motivo)


# Signs a B-T constancia and verifies it with what the bundle leaves out unimportable (aiohttp
# among them: the time-stamp goes by pyHanko's ``requests`` client).
FIRMAR_BT_SIN = """
import importlib.abc, json, sys
excluded, url = json.loads(sys.argv[1]), sys.argv[2]

class LeftOut(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if any(name == e or name.startswith(e + ".") for e in excluded):
            raise ModuleNotFoundError(f"{name} is not in the bundle", name=name)
        return None

sys.meta_path.insert(0, LeftOut())
from datetime import datetime, timedelta, timezone
from icsoe_desktop.domain.credentials import load_sat_pair
from icsoe_desktop.domain.informativa.cadena import cadena_original
from icsoe_desktop.domain.informativa.sello import sellar
from icsoe_desktop.domain.trust import TrustStore, read_emisor
from icsoe_desktop.services.informativa.constancia import escribir_constancia, verificar_constancia
from tests import credentials_factory as cf
from tests.informativa_acuse_datos import informativa

fiel = cf.fiel_moral()
llave = load_sat_pair(fiel.cer, fiel.key(), cf.PASSWORD).private_key
firma = datetime.now(timezone(timedelta(hours=-6))).replace(microsecond=0)
cadena = cadena_original(informativa(), firma)
raiz = cf.sat_ca().certificate_der
pdf = escribir_constancia(
    informativa(), cadena, sellar(cadena, llave), fiel.cer, [raiz], firma, llave, False, url
)
resultado = verificar_constancia(pdf, TrustStore([read_emisor(raiz, incluido=False, archivo="")]))
print(json.dumps({"ok": resultado.ok, "tsa": resultado.sello_tiempo.tsa}))
"""


def test_a_b_t_constancia_is_signed_without_what_the_bundle_leaves_out():
    import json
    import os
    import sys

    from tests.test_bundle_contents import ROOT, _bundle_contents

    excluded = _bundle_contents().PDF_EXCLUDED
    assert "aiohttp" in excluded
    with servidor_tsa(momento=None) as tsa:
        hecho = subprocess.run(
            [sys.executable, "-c", FIRMAR_BT_SIN, json.dumps(excluded), tsa.url],
            capture_output=True,
            text=True,
            env=dict(os.environ, PYTHONPATH=str(ROOT)),
            cwd=ROOT,
            timeout=300,
            check=True,
        )
        assert tsa.pedidos >= 1
    assert json.loads(hecho.stdout.splitlines()[-1]) == {"ok": True, "tsa": NOMBRE_TSA}


def test_the_time_stamp_server_is_the_installations_whichever_empresa_sets_it(services, data_dir):
    from icsoe_desktop.config import load_settings
    from icsoe_desktop.paths import SETTINGS_FILE

    segunda = services.empresas.crear("BOD020202BB3", "Bodegas Dos SA de CV", CLI_ACTOR)
    services.abrir_empresa(segunda.id)
    url = "https://sellos.ejemplo.com/tsa"
    assert services.settings_empresa.save_sello_tiempo(url, CLI_ACTOR)
    assert not services.settings_empresa.save_sello_tiempo(f" {url} ", CLI_ACTOR)  # the same
    assert load_settings(data_dir).sello_tiempo.url == url
    carpeta = services.empresas.carpeta(services.empresa)
    assert carpeta != data_dir and "sello_tiempo" not in (
        (carpeta / SETTINGS_FILE).read_text(encoding="utf-8")
        if (carpeta / SETTINGS_FILE).exists()
        else ""
    )
    assert services.settings_empresa.current.sello_tiempo.url == url
    # A hand-edited wrong value is no server (the signature is then B-B, never a guess).
    (data_dir / SETTINGS_FILE).write_text("[sello_tiempo]\nurl = 5\n", encoding="utf-8")
    assert not load_settings(data_dir).sello_tiempo.configured


def test_with_the_stamp_not_required_a_failing_tsa_signs_without_it_and_says_so(
    services, por_firmar, tsa, caplog
):
    uuid, rfc, _cer = por_firmar
    services.settings.save_sello_tiempo(tsa.url, CLI_ACTOR)
    assert services.settings.current.sello_tiempo.exigir  # required unless told otherwise
    assert services.settings.save_exigir_sello(False, CLI_ACTOR)
    tsa.detener()
    constancia = _firmar(services, por_firmar)
    assert services.informativas.fila(uuid, rfc).estado == FIRMADA
    assert "Sin sello de tiempo, la informativa se firma sin él" in caplog.text
    firmada = next(e for e in services.audit.recent() if e.action == "icsoe_informativa_firmada")
    assert firmada.detail.endswith(f"(sin sello de tiempo: {tsa.url} no respondió)")
    # No stamp: valid, its date the signer's clock and said to be unproven.
    resultado = services.informativa_firma.verificar(constancia)
    assert resultado.ok and resultado.sello_tiempo is None and resultado.fecha_probada is None
    assert c.SIN_PRUEBA in resultado.resumen()
    assert services.informativa_firma.acuse(uuid, rfc) == constancia


def test_requiring_the_stamp_is_an_administrators_setting_kept_and_audited(services, data_dir):
    from icsoe_desktop.config import load_settings
    from icsoe_desktop.domain.errors import DomainError
    from tests.services.test_roles import ADMIN, ANA, registro

    services.accounts.register(registro(usuario=ADMIN))  # the first user administers
    services.accounts.register(registro(usuario=ANA))
    services.settings.save_sello_tiempo("https://sellos.ejemplo.com/tsa", CLI_ACTOR)
    assert services.settings_empresa.save_exigir_sello(False, CLI_ACTOR)
    assert not services.settings.save_exigir_sello(False, CLI_ACTOR)  # no change
    assert load_settings(data_dir).sello_tiempo.exigir is False
    entry = next(
        e
        for e in services.audit_instalacion.recent()
        if e.action == "configuracion_sello_tiempo_exigido"
    )
    assert entry.target == "no exigido"
    with pytest.raises(DomainError, match="administrador"):
        services.settings.save_exigir_sello(True, ANA)
    assert load_settings(data_dir).sello_tiempo.exigir is False
    negado = next(e for e in services.audit_instalacion.recent() if e.action == "permiso_denegado")
    assert (negado.actor, negado.detail) == (ANA, "rol: usuario IDSE; sello de tiempo exigido")


def test_a_practice_signing_never_waits_on_the_tsa(services, tsa, tmp_path):
    from icsoe_desktop.domain.practica import RFC_PRACTICA
    from icsoe_desktop.services.capacitacion import preparar

    services.settings.save_sello_tiempo(tsa.url, CLI_ACTOR)  # required for real signings
    tsa.detener()
    practica = preparar(services, tmp_path / "sala", CLI_ACTOR)
    services.settings.save_capacitacion(True, CLI_ACTOR)
    (empresa,) = [e for e in services.empresas.listar() if e.rfc == RFC_PRACTICA]
    services.abrir_empresa(empresa.id)
    (fila,) = [f for f in services.informativas.tablero(RFC_PRACTICA, RFC_PRACTICA) if f.uuid]
    constancia = services.informativa_firma.firmar(
        fila.uuid, RFC_PRACTICA, practica.cer, practica.key, practica.contrasena
    )
    assert services.informativas.fila(fila.uuid, RFC_PRACTICA).estado == FIRMADA
    resultado = services.informativa_firma.verificar(constancia)
    assert resultado.salida == c.SALIDA_PRACTICA and resultado.sello_tiempo is None


def test_a_worker_added_while_signing_leaves_the_informativa_unsigned(
    services, por_firmar, tsa
) -> None:
    """Another window captures while the signature waits for its time-stamp: what was read
    is no longer the informativa, so nothing is kept; signed again, it holds the new worker."""
    from tests.informativa_datos import trabajadores_limpios

    uuid, rfc, _cer = por_firmar
    services.settings.save_sello_tiempo(tsa.url, CLI_ACTOR)
    (contrato,) = services.informativas.contratos(uuid, rfc)
    (nuevo,) = trabajadores_limpios(1, random.Random(99), PERIODO.anio)

    def capturar() -> None:
        tsa.al_pedir = None
        services.informativa_trabajadores.agregar_varios(contrato.uuid, rfc, [nuevo])

    tsa.al_pedir = capturar
    with pytest.raises(ValidationError) as error:
        _firmar(services, por_firmar)
    assert error.value.code == "informativa_cambio"
    assert services.informativas.informativa(uuid, rfc).estado != FIRMADA
    _firmar(services, por_firmar)
    firmada = services.informativas.informativa(uuid, rfc)
    assert firmada.estado == FIRMADA
    assert nuevo.nss in {t.nss for c in firmada.contratos for t in c.trabajadores}

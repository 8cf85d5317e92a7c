"""The constancia de firma through the real services: a PDF signed (PAdES) with the
contratista's e.firma that pdfsig and pyHanko validate, and that `verificar` proves, with or
without the store; every forgery, built outside the app, refused with its own reason."""

from __future__ import annotations

import io
import shutil
import subprocess
from pathlib import Path

import pytest

from icsoe_desktop.domain.roles import CLI_ACTOR
from icsoe_desktop.services.informativa import constancia as c
from tests import constancia_falsa as falsa
from tests import credentials_factory as cf
from tests.icsoe_helpers import enter_contratista, trust_sat
from tests.informativa_servicios import PERIODO, contrato_con_trabajadores

pytestmark = pytest.mark.slow


@pytest.fixture
def firmada(services, data_dir, tmp_path):
    """(uuid, constancia, cer) of the contratista's signed informativa, 5 workers."""
    rfc = enter_contratista(services, data_dir, tmp_path)
    uuid = services.informativas.crear(rfc, CLI_ACTOR, PERIODO)
    contrato_con_trabajadores(services, rfc, CLI_ACTOR, uuid, trabajadores=5)
    cer = tmp_path / "fiel" / f"{rfc}.cer"
    constancia = services.informativa_firma.firmar(
        uuid, rfc, cer, cer.with_suffix(".key"), cf.PASSWORD
    )
    return uuid, constancia, cer


@pytest.fixture
def nueva(tmp_path, clock):
    """A fresh installation that trusts the same SAT authorities and holds no informativa."""
    from icsoe_desktop.services.container import open_services

    carpeta = tmp_path / "nueva"
    carpeta.mkdir()
    trust_sat(carpeta)
    services = open_services(carpeta, clock)
    yield services
    services.close()


def _texto(pdf: bytes, tmp_path: Path, pagina: int | None = None) -> str:
    if shutil.which("pdftotext") is None:  # poppler-utils: .ci/run installs it on Linux
        pytest.skip("poppler-utils (pdftotext) no está instalado")
    archivo = tmp_path / "leer.pdf"
    archivo.write_bytes(pdf)
    rango = ["-f", str(pagina), "-l", str(pagina)] if pagina else []
    hecho = subprocess.run(
        ["pdftotext", "-layout", *rango, str(archivo), "-"], capture_output=True, check=True
    )
    return hecho.stdout.decode("utf-8")


def test_the_genuine_constancia_is_valid_anywhere_and_says_whose_what_and_when(
    services, nueva, firmada, tmp_path
):
    uuid, constancia, _cer = firmada
    for instalacion in (services, nueva):
        resultado = instalacion.informativa_firma.verificar(constancia)
        assert resultado.ok and not resultado.cambios_posteriores, resultado.motivo
        assert resultado.resumen() == (
            "La constancia de firma es válida: EDE0101018A2, EMPRESA DEMO SA DE CV; informativa "
            f"Normal del periodo mayo–agosto 2026 (2026-2), identificador interno {uuid}; certificado "
            "00001000000712345678; firmada el 22/11/2026 03:00:00 (UTC-06:00) según el equipo "
            "de quien firmó (sin sello de tiempo confiable en este equipo, esa fecha no está "
            "probada)."
        )
    texto = _texto(constancia, tmp_path)
    assert "Constancia de firma de la informativa" in texto
    assert "Fecha y hora de firma: 22/11/2026 03:00:00 (UTC-06:00)" in texto
    assert "acuse de presentación lo emite ese portal" in " ".join(texto.split())
    # The annex lists every worker of the contract, as the cadena seals them.
    cadena = falsa.cadena(constancia)
    assert "|2026-11-22T03:00:00-06:00||" in cadena
    for nss in cadena.split("|"):
        if len(nss) == 11 and nss.isdigit():
            assert nss in texto


@pytest.mark.skipif(
    shutil.which("pdfsig") is None, reason="poppler-utils (pdfsig) no está instalado"
)
@pytest.mark.skipif(
    shutil.which("certutil") is None, reason="libnss3-tools (certutil) no está instalado"
)
def test_pdfsig_and_pyhanko_validate_the_signature_and_see_a_byte_changed(firmada, tmp_path):
    from asn1crypto import x509 as asn1_x509
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    _uuid, constancia, _cer = firmada
    nss = tmp_path / "nssdb"
    nss.mkdir()
    raiz = tmp_path / "raiz.der"
    raiz.write_bytes(cf.sat_ca().certificate_der)
    subprocess.run(["certutil", "-N", "-d", f"sql:{nss}", "--empty-password"], check=True)
    subprocess.run(
        ["certutil", "-A", "-n", "raiz", "-t", "CT,C,C", "-i", raiz, "-d", f"sql:{nss}"],
        check=True,
    )

    def pdfsig(pdf: bytes) -> str:
        archivo = tmp_path / "c.pdf"
        archivo.write_bytes(pdf)
        return subprocess.run(
            ["pdfsig", "-nssdir", f"sql:{nss}", archivo], capture_output=True, text=True
        ).stdout

    salida = pdfsig(constancia)
    assert "Signer Certificate Common Name: EMPRESA DEMO SA DE CV" in salida
    assert "Signing Time: Nov 22 2026 09:00:00" in salida  # pdfsig prints it in UTC
    assert "Signature Type: ETSI.CAdES.detached" in salida
    assert "Total document signed" in salida
    assert "Signature Validation: Signature is Valid." in salida
    assert "Certificate Validation: Certificate is Trusted." in salida

    (firma,) = PdfFileReader(io.BytesIO(constancia)).embedded_signatures
    contexto = ValidationContext(
        trust_roots=[asn1_x509.Certificate.load(cf.sat_ca().certificate_der)],
        moment=firma.self_reported_timestamp,
    )
    estado = validate_pdf_signature(firma, contexto)
    assert estado.intact and estado.valid and estado.trusted
    assert firma.signer_cert.subject.native["unique_identifier"].startswith("EDE0101018A2 /")
    assert firma.self_reported_timestamp.isoformat() == "2026-11-22T03:00:00-06:00"

    # One byte changed inside the signed range: invalid for pdfsig, pyHanko and verificar.
    inicio, largo = firma.byte_range[0], firma.byte_range[1]
    alterado = bytearray(constancia)
    alterado[inicio + largo // 2] ^= 0x01
    assert "Signature Validation: Digest Mismatch." in pdfsig(bytes(alterado))
    (firma,) = PdfFileReader(io.BytesIO(bytes(alterado)), strict=False).embedded_signatures
    assert not validate_pdf_signature(firma, contexto).intact


def test_a_byte_changed_inside_the_signed_range_is_refused(services, firmada):
    _uuid, constancia, _cer = firmada
    for posicion in (len(constancia) // 4, 200, len(constancia) - 300):
        alterado = bytearray(constancia)
        alterado[posicion] ^= 0x01
        resultado = services.informativa_firma.verificar(bytes(alterado))
        assert not resultado.ok
        assert resultado.motivo[0] in (
            c.FIRMA_ROTA,
            c.FIRMA_ALTERADA,
            c.ILEGIBLE,
            c.NO_ES_CONSTANCIA,
            c.DANADO,
        )


def test_bytes_appended_after_the_signature_are_later_changes_not_a_broken_constancia(
    services, firmada, tmp_path
):
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    _uuid, constancia, _cer = firmada
    escritor = IncrementalPdfFileWriter(io.BytesIO(constancia))
    escritor.set_info(None)
    info = escritor.trailer["/Info"].get_object()
    info[generic.pdf_name("/Title")] = generic.TextStringObject("Título cambiado")
    escritor.update_container(info)
    actualizado = io.BytesIO()
    escritor.write(actualizado)
    for cambiado in (constancia + b"\n", actualizado.getvalue()):
        resultado = services.informativa_firma.verificar(cambiado)
        assert resultado.ok and resultado.cambios_posteriores, resultado.motivo
        assert resultado.resumen().startswith("La constancia de firma es válida: EDE0101018A2")


def _refusals(instalaciones, pdf: bytes) -> list[tuple[str, ...]]:
    return [i.informativa_firma.verificar(pdf).motivo for i in instalaciones]


def test_forgeries_built_outside_the_app_are_refused_each_with_its_reason(services, nueva, firmada):
    uuid, constancia, _cer = firmada
    cadena = falsa.cadena(constancia)
    paginas = falsa.paginas(constancia)
    ambas = (nueva, services)
    no_es_esta = c.NO_ES_ESTA.format(
        identificador=f"EDE0101018A2 2026-2 Normal {uuid}", donde=c.ESTA_EMPRESA
    )

    # An e.firma for the contratista's RFC from a CA that copies the SAT's name.
    impostora = falsa.ac_impostora()
    propia = cf.fiel_moral(issuer=impostora, key_slot=13)
    mismo = falsa.firmar(
        paginas,
        propia,
        [impostora.certificate_der],
        falsa.json_de(cadena, falsa.sello(cadena, propia.private_key), propia.cer),
    )
    for motivo in _refusals(ambas, mismo):
        assert c.NO_CONFIABLE in motivo
        assert c.FIRMA_ROTA not in motivo

    # A plain self-signed certificate whose CN is the RFC.
    yo = falsa.autofirmado("EDE0101018A2")
    autofirmada = falsa.firmar(
        paginas, yo, [], falsa.json_de(cadena, falsa.sello(cadena, yo.private_key), yo.cer)
    )
    for motivo in _refusals(ambas, autofirmada):
        assert c.AUTOFIRMADO in motivo

    # A worker's SBC changed in the cadena, re-sealed with the self-made e.firma.
    sbc = next(v for v in cadena.split("|") if "." in v and v.replace(".", "").isdigit())
    cambiada = falsa.con_sbc(cadena, sbc, "9999.99")
    resellada = falsa.firmar(
        paginas,
        propia,
        [impostora.certificate_der],
        falsa.json_de(cambiada, falsa.sello(cambiada, propia.private_key), propia.cer),
    )
    fresca, empresa = _refusals(ambas, resellada)
    assert c.NO_CONFIABLE in fresca and c.PAGINAS_DISTINTAS in fresca
    assert no_es_esta in empresa

    # The date redrawn on the page (to before the deadline) and in the cadena, re-sealed.
    antes = falsa.con_fecha(cadena, "2026-09-01T10:00:00-06:00")
    redibujada = falsa.firmar(
        falsa.pagina_redibujada("Fecha y hora de firma: 01/09/2026 10:00:00 (UTC-06:00)"),
        propia,
        [impostora.certificate_der],
        falsa.json_de(antes, falsa.sello(antes, propia.private_key), propia.cer),
    )
    fresca, empresa = _refusals(ambas, redibujada)
    assert c.PAGINAS_DISTINTAS in fresca and c.FECHA_DISTINTA in fresca
    assert no_es_esta in empresa

    # Another empresa's genuine e.firma (same trusted SAT) signing this one's identifier.
    otra = cf.fiel_fisica()
    ajena = falsa.firmar(
        paginas,
        otra,
        [cf.sat_ca().certificate_der],
        falsa.json_de(cadena, falsa.sello(cadena, otra.private_key), otra.cer),
    )
    fresca, empresa = _refusals(ambas, ajena)
    otro_rfc = c.OTRO_RFC.format(firmante=cf.RFC_FISICA, rfc="EDE0101018A2")
    assert otro_rfc in fresca and c.NO_CONFIABLE not in fresca
    assert otro_rfc in empresa and no_es_esta in empresa

    # A signed PDF that is no constancia, and a PDF without a signature.
    assert _refusals(ambas, falsa.firmar(paginas, otra, [], None)) == [(c.NO_ES_CONSTANCIA,)] * 2
    assert _refusals(ambas, paginas) == [(c.SIN_FIRMA,)] * 2


def test_files_that_are_no_constancia_get_a_spanish_reason(services, firmada):
    _uuid, constancia, _cer = firmada
    casos = {
        b"": c.VACIO,
        b"no es un pdf": c.NO_PDF,
        constancia[: len(constancia) // 3]: c.ILEGIBLE,
    }
    for archivo, motivo in casos.items():
        assert services.informativa_firma.verificar(archivo).motivo == (motivo,)


def _copias(services, uuid: str) -> tuple[bytes, bytes]:
    from sqlalchemy import text

    with services.store.engine.connect() as conn:
        return tuple(
            conn.execute(
                text(
                    "SELECT congelada, congelada_cabecera FROM icsoe_informativas WHERE uuid = :u"
                ),
                {"u": uuid},
            ).one()
        )


def _guardar_copias(services, uuid: str, congelada: bytes, cabecera: bytes) -> None:
    from sqlalchemy import text

    with services.store.engine.begin() as conn:
        conn.execute(
            text(
                "UPDATE icsoe_informativas SET congelada = :c, congelada_cabecera = :h "
                "WHERE uuid = :u"
            ),
            {"c": congelada, "h": cabecera, "u": uuid},
        )


def _con_otro_sbc(congelada: bytes) -> bytes:
    """The frozen copy with its first worker's SBC changed, as another program would."""
    import json
    import zlib

    leido = json.loads(zlib.decompress(congelada))
    leido["informativa"]["contratos"][0]["trabajadores"][0]["sbc"] += 100
    return zlib.compress(json.dumps(leido).encode())


def test_the_signature_covers_the_stored_copies_and_a_forgery_cannot_vouch_for_edited_ones(
    services, firmada
):
    """The constancia carries the SHA-256 of the informativa as the store froze it (whole and
    its header), under its signature: the genuine copies are those. A constancia that is not
    valid proves nothing about them: one forged with the genuine cadena and sello and the SHA-256
    of an edited copy is refused, and so is that copy."""
    import hashlib

    uuid, constancia, _cer = firmada
    congelada, cabecera = _copias(services, uuid)
    genuina = falsa.datos(constancia)
    assert genuina["huellas"] == {
        "congelada": hashlib.sha256(congelada).hexdigest(),
        "cabecera": hashlib.sha256(cabecera).hexdigest(),
    }
    editada = _con_otro_sbc(congelada)
    _guardar_copias(services, uuid, editada, cabecera)
    impostora = falsa.ac_impostora()
    propia = cf.fiel_moral(issuer=impostora, key_slot=13)
    huellas = {**genuina["huellas"], "congelada": hashlib.sha256(editada).hexdigest()}
    forjada = falsa.firmar(
        falsa.paginas(constancia),
        propia,
        [impostora.certificate_der],
        {**genuina, "huellas": huellas},
    )
    cambio = c.CAMBIO.format(donde=c.ESTA_EMPRESA)
    motivo = services.informativa_firma.verificar(forjada).motivo
    assert c.NO_CONFIABLE in motivo and cambio in motivo
    assert services.informativa_firma.verificar(constancia).motivo == (cambio,)
    # SHA-256 that are not two in hex: the constancia's data are damaged.
    for malas in ({"congelada": "x", "cabecera": "y"}, {"congelada": huellas["congelada"]}, []):
        danada = falsa.firmar(falsa.paginas(constancia), propia, [], {**genuina, "huellas": malas})
        assert services.informativa_firma.verificar(danada).motivo == (c.DANADO,)


def test_a_constancia_made_before_the_sha256_compares_what_the_stored_copies_say(services, firmada):
    """Without SHA-256 in it, the stored copies are read and compared with the sealed cadena:
    the genuine ones prove it, an edited whole copy or header copy does not."""
    import base64
    import json
    import zlib

    from icsoe_desktop.domain.credentials import load_sat_pair
    from icsoe_desktop.domain.informativa.firmada import descongelar

    uuid, constancia, cer = firmada
    congelada, cabecera = _copias(services, uuid)
    genuina = falsa.datos(constancia)
    llave = load_sat_pair(cer.read_bytes(), cer.with_suffix(".key").read_bytes(), cf.PASSWORD)
    leida = descongelar(congelada)
    anterior = c.escribir_constancia(
        leida.informativa, falsa.cadena(constancia), genuina["sello"],
        base64.b64decode(genuina["certificado"]), [cf.sat_ca().certificate_der], leida.firmada,
        llave.private_key,
    )  # fmt: skip
    assert "huellas" not in falsa.datos(anterior)
    verificar = services.informativa_firma.verificar
    assert verificar(anterior).ok, verificar(anterior).motivo
    _guardar_copias(services, uuid, _con_otro_sbc(congelada), cabecera)
    assert verificar(anterior).motivo == (c.CAMBIO.format(donde=c.ESTA_EMPRESA),)
    leido = json.loads(zlib.decompress(cabecera))
    leido["informativa"]["contratista"]["nombre"] = "OTRA SA DE CV"
    _guardar_copias(services, uuid, congelada, zlib.compress(json.dumps(leido).encode()))
    assert verificar(anterior).motivo == (c.CABECERA.format(donde=c.ESTA_EMPRESA),)
    _guardar_copias(services, uuid, congelada, cabecera)
    assert verificar(anterior).ok and verificar(constancia).ok

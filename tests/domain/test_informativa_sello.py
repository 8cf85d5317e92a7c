"""The informativa's cadena original (canonical, unforgeable separators, read back) and its sello
with a real e.firma: what signs verifies with the signer's .cer and nothing else does."""

from __future__ import annotations

import base64
import dataclasses
import random
import subprocess
import unicodedata
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from icsoe_desktop.domain.credentials import load_sat_pair
from icsoe_desktop.domain.errors import ValidationError
from icsoe_desktop.domain.informativa.cadena import (
    cadena_original,
    con_firma,
    contenido,
    leer_cadena,
    sbc_texto,
)
from icsoe_desktop.domain.informativa.modelo import FIRMADA, SIN_INFORMACION, Parte
from icsoe_desktop.domain.informativa.sello import sellar, verificar_sello
from tests import credentials_factory as cf
from tests.informativa_acuse_datos import (
    ANA,
    BETO,
    CAMBIOS,
    CONTRATISTA,
    UUID_A,
    UUID_B,
    UUID_INFORMATIVA,
    informativa,
)

ESPERADA = (
    "||ICSOE-INF|1|0196a4c2-1f00-7000-8000-0000000000aa|2026-1|normal||"
    "EDE0101018A2|EMPRESA DEMO SA DE CV|Av. Insurgentes Sur|1234|Piso 5|Del Valle|03100|"
    "Benito Juárez|Ciudad de México|contacto@empresa.com.mx|5555555555|5511111111|2|3|"
    "0196a4c2-1f00-7000-8000-000000000001|SCO050505QR2|"
    "Señora Peña y Compañía (Ñandú), S.A. de C.V.|Calle Niños Héroes|7||Centro|44100|Guadalajara|"
    "Jalisco|pagos@pena.com.mx|3333333333||"
    "Mantenimiento de áreas verdes y jardinería en las instalaciones del cliente|"
    "STPS/REPSE/2024/12345|Servicios de jardinería especializados|2026-02-01|2026-12-31|2|2|"
    f"12345678903|{ANA.curp}|456.78|23456789014|{BETO.curp}|1234.56|"
    "0196a4c2-1f00-7000-8000-000000000002|CNO0101012Z3|CONSTRUCTORA DEL NORTE, S.A. DE C.V.|"
    "||||||||||Obra civil: ampliación de la nave industrial|STPS/REPSE/2023/00077|"
    "Construcción especializada|2026-03-15||1|1|34567890125|PERC920720MNLRDR08|99999.99||"
)


# --- the cadena original -----------------------------------------------------------------------


def test_the_cadena_lists_every_field_in_its_documented_order() -> None:
    assert cadena_original(informativa()) == ESPERADA


def test_the_order_contracts_and_workers_were_read_in_does_not_matter() -> None:
    base = informativa()
    rng = random.Random(7)
    for _ in range(5):
        contratos = [
            dataclasses.replace(
                c, trabajadores=tuple(rng.sample(c.trabajadores, len(c.trabajadores)))
            )
            for c in base.contratos
        ]
        rng.shuffle(contratos)
        otra = dataclasses.replace(base, contratos=tuple(contratos))
        assert cadena_original(otra) == ESPERADA


def test_spacing_accents_composed_or_not_and_controls_give_the_same_cadena() -> None:
    desordenado = dataclasses.replace(
        CONTRATISTA,
        nombre="  EMPRESA \t DEMO\nSA  DE\u00a0CV ",
        domicilio=dataclasses.replace(
            CONTRATISTA.domicilio, municipio=unicodedata.normalize("NFD", "Benito\u200b Juárez")
        ),
    )
    assert unicodedata.normalize("NFD", "Benito Juárez") != "Benito Juárez"  # really decomposed
    assert cadena_original(informativa(contratista=desordenado)) == ESPERADA


def test_a_bar_inside_a_value_cannot_forge_a_separator() -> None:
    def con(**valores: object) -> str:
        contratos = tuple(
            dataclasses.replace(c, **valores) if c.uuid == UUID_A else c
            for c in informativa().contratos
        )
        return cadena_original(informativa(contratos=contratos))

    # "A|B" + "C" and "A" + "B|C" would both read A|B|C with a bare separator.
    uno, otro = con(objeto="A|B", folio_repse="C"), con(objeto="A", folio_repse="B|C")
    assert uno != otro
    assert uno.count("|") == otro.count("|") == ESPERADA.count("|")
    assert "|A¦B|C|" in uno and "|A|B¦C|" in otro
    # Nor can a value end the cadena early or add a worker.
    falso = "x|1|99999999999|AAAA000000HAAAAA00|1.00||"
    forjada = con(descripcion_servicio=falso)
    assert forjada.count("|") == ESPERADA.count("|")
    leida = leer_cadena(forjada)
    contrato = next(c for c in leida.contratos if c.uuid == UUID_A)
    assert contrato.descripcion_servicio == falso.replace("|", "¦")
    assert len(contrato.trabajadores) == 2


@pytest.mark.parametrize("cambio", sorted(CAMBIOS))
def test_every_field_a_user_can_change_changes_the_cadena(cambio: str) -> None:
    assert cadena_original(CAMBIOS[cambio](informativa())) != ESPERADA


def test_what_signing_changes_or_the_portal_fills_in_is_not_in_the_cadena() -> None:
    sin_nombres = tuple(
        dataclasses.replace(
            c,
            trabajadores=tuple(
                dataclasses.replace(t, nombre="", renglon=9) for t in c.trabajadores
            ),
        )
        for c in informativa().contratos
    )
    firmada = informativa(estado=FIRMADA, contratos=sin_nombres)
    assert cadena_original(firmada) == ESPERADA


def test_a_declared_count_equal_to_the_list_is_the_same_as_none() -> None:
    contratos = tuple(
        dataclasses.replace(c, trabajadores_declarados=None) for c in informativa().contratos
    )
    assert cadena_original(informativa(contratos=contratos)) == ESPERADA


@pytest.mark.parametrize(
    ("centavos", "texto"),
    [(0, "0.00"), (5, "0.05"), (100, "1.00"), (123_456, "1234.56"), (99_999_999, "999999.99")],
)
def test_sbc_is_written_with_two_decimals_and_no_separators(centavos: int, texto: str) -> None:
    assert sbc_texto(centavos) == texto


def test_a_cadena_reads_back_as_the_informativa_it_came_from() -> None:
    leida = leer_cadena(ESPERADA)
    assert cadena_original(leida) == ESPERADA
    assert (leida.uuid, leida.periodo.clave, leida.tipo, leida.estado) == (
        UUID_INFORMATIVA,
        "2026-1",
        "normal",
        FIRMADA,
    )
    assert leida.contratista.domicilio.municipio == "Benito Juárez"
    assert [c.uuid for c in leida.contratos] == [UUID_A, UUID_B]
    assert [t.sbc for t in leida.contratos[0].trabajadores] == [ANA.sbc, BETO.sbc]
    assert leida.contratos[1].fecha_final is None


def test_the_content_alone_is_cut_from_a_signed_cadena() -> None:
    firmada = datetime(2026, 5, 14, 10, 32, 5, tzinfo=timezone(timedelta(hours=-6)))
    for capacitacion in (False, True):
        assert contenido(cadena_original(informativa(), firmada, capacitacion)) == ESPERADA
    assert contenido(ESPERADA) == ESPERADA


def test_the_signing_fields_put_back_into_the_content_give_the_signed_cadena() -> None:
    firmada = datetime(2026, 5, 14, 10, 32, 5, tzinfo=timezone(timedelta(hours=-6)))
    for inf in (informativa(), informativa(tipo=SIN_INFORMACION, contratos=())):
        for capacitacion in (False, True):
            firmado = cadena_original(inf, firmada, capacitacion)
            assert con_firma(cadena_original(inf), firmada, capacitacion) == firmado
            assert con_firma(contenido(firmado), firmada, capacitacion) == firmado
    assert con_firma(ESPERADA, firmada + timedelta(seconds=1)) != cadena_original(
        informativa(), firmada
    )


def test_an_informativa_sin_informacion_has_no_contracts() -> None:
    vacia = informativa(tipo=SIN_INFORMACION, contratos=())
    cadena = cadena_original(vacia)
    assert cadena.endswith("|5511111111|0|0||")
    assert leer_cadena(cadena).contratos == ()


@pytest.mark.parametrize(
    "cadena",
    [
        "",
        "||",
        "ICSOE-INF|1",
        ESPERADA[:-2],  # without its end
        ESPERADA.replace("ICSOE-INF|1|", "ICSOE-INF|2|"),  # a version this app does not know
        ESPERADA.replace("|2|3|", "|2|4|"),  # the total does not match the lists
        ESPERADA.replace("|2|3|", "|3|3|"),  # one contract more than written
        ESPERADA.replace("|2026-02-01|", "|2026-02-30|"),  # no such day
        ESPERADA.replace("|456.78|", "|456.7|"),  # not two decimals
        ESPERADA.replace("|1234.56|", "|1,234.56|"),  # a thousands separator
        ESPERADA.replace("|2026-1|", "|2026-4|"),  # no fourth cuatrimestre
        ESPERADA[:-2] + "|extra||",
        ESPERADA.replace("Benito Juárez", "Benito  Juárez"),  # not normalised
        ESPERADA.replace("|2|2|", "|٢|2|"),  # digits of another script
        # A worker's values as cadena_original never writes them:
        ESPERADA.replace("|456.78|", "|0456.78|"),  # a leading zero
        ESPERADA.replace("|99999.99||", "|-0.00||"),  # a signed zero
        ESPERADA.replace("|99999.99||", "|+99999.99||"),
        ESPERADA.replace("|12345678903|", "|12345678903 |"),  # a space after
        ESPERADA.replace("|34567890125|", "| 34567890125|"),  # a space before
        ESPERADA.replace(f"|{ANA.curp}|", "|LOMA900515  MDFPRN01|"),  # two spaces
        ESPERADA.replace("|34567890125|", "|3456789012\t5|"),  # a control
        ESPERADA.replace(f"|{ANA.curp}|", "|LOMA900515MDFPRN\u03030|"),  # not NFC (Ñ apart)
        ESPERADA.replace(f"|{ANA.curp}|", "|LOMA900515MDFPRN01\u00a0|"),  # a non-ASCII space
    ],
)
def test_anything_but_a_canonical_cadena_is_refused(cadena: str) -> None:
    with pytest.raises(ValidationError) as error:
        leer_cadena(cadena)
    assert error.value.code == "cadena_invalida"
    assert "informativa ICSOE" in error.value.message


def test_a_worker_value_in_another_script_or_a_negative_sbc_reads_back_as_written() -> None:
    cadena = ESPERADA.replace(f"|{ANA.curp}|", "|LOMA900515MDFPRÑ01|").replace(
        "|99999.99||", "|-0.05||"
    )
    leida = leer_cadena(cadena)
    assert leida.contratos[0].trabajadores[0].curp == "LOMA900515MDFPRÑ01"
    assert leida.contratos[1].trabajadores[0].sbc == -5
    assert cadena_original(leida) == cadena


def test_contracts_out_of_order_are_not_a_canonical_cadena() -> None:
    inicio = ESPERADA.index("|0196a4c2-1f00-7000-8000-000000000001|")
    medio = ESPERADA.index("|0196a4c2-1f00-7000-8000-000000000002|")
    primero, segundo = ESPERADA[inicio:medio], ESPERADA[medio:-2]
    cambiada = ESPERADA[:inicio] + segundo + primero + "||"
    assert len(cambiada) == len(ESPERADA) and cambiada != ESPERADA
    with pytest.raises(ValidationError):
        leer_cadena(cambiada)


def test_workers_out_of_order_are_not_a_canonical_cadena() -> None:
    cambiada = ESPERADA.replace(
        f"12345678903|{ANA.curp}|456.78|23456789014|{BETO.curp}|1234.56",
        f"23456789014|{BETO.curp}|1234.56|12345678903|{ANA.curp}|456.78",
    )
    assert cambiada != ESPERADA
    with pytest.raises(ValidationError):
        leer_cadena(cambiada)


# --- the sello ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def fiel() -> cf.Generated:
    return cf.fiel_moral()


@pytest.fixture(scope="module")
def credencial(fiel: cf.Generated):
    return load_sat_pair(fiel.cer, fiel.key(), cf.PASSWORD)


@pytest.fixture(scope="module")
def sello(credencial) -> str:
    return sellar(ESPERADA, credencial.private_key)


def test_the_sello_verifies_with_the_signers_certificate(fiel, credencial, sello) -> None:
    assert len(base64.b64decode(sello)) == 256  # RSA 2048, as the SAT's e.firma
    assert sellar(ESPERADA, credencial.private_key) == sello  # PKCS#1 v1.5: the same every time
    assert verificar_sello(ESPERADA, sello, fiel.cer)
    # The .cer as users also have it: PEM or bare base64 text.
    assert verificar_sello(ESPERADA, sello, cf.pem_certificate(fiel.cer))
    assert verificar_sello(ESPERADA, sello, cf.base64_certificate(fiel.cer))


def test_the_sello_is_the_standard_rsa_sha256_one(fiel, sello, tmp_path: Path) -> None:
    """Any tool verifies it: openssl over the cadena's UTF-8 bytes with the .cer's public key."""
    if not cf.openssl_available():
        pytest.skip("openssl no está instalado")
    (tmp_path / "cadena.txt").write_bytes(ESPERADA.encode("utf-8"))
    (tmp_path / "sello.bin").write_bytes(base64.b64decode(sello))
    (tmp_path / "fiel.cer").write_bytes(fiel.cer)
    llave = subprocess.run(
        ["openssl", "x509", "-inform", "DER", "-in", "fiel.cer", "-pubkey", "-noout"],
        cwd=tmp_path,
        capture_output=True,
        check=True,
    ).stdout
    (tmp_path / "publica.pem").write_bytes(llave)
    dgst = ["openssl", "dgst", "-sha256", "-verify", "publica.pem", "-signature", "sello.bin"]
    resultado = subprocess.run(
        [*dgst, "cadena.txt"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert resultado.returncode == 0 and "Verified OK" in resultado.stdout


def test_a_sello_made_with_a_name_cryptography_refuses_still_verifies() -> None:
    """SAT's Ñ as a Latin-1 byte in the certificate's name (AC6): our DER reader takes it."""
    fiel = cf.fiel_moral(nombre="COMPAÑÍA DEMO SA DE CV", latin1_t61=True)
    credencial = load_sat_pair(fiel.cer, fiel.key(), cf.PASSWORD)
    assert verificar_sello(ESPERADA, sellar(ESPERADA, credencial.private_key), fiel.cer)


@pytest.mark.parametrize("posicion", [0, 1, 2, 15, 40, 100, 222, 333, 500, 700, len(ESPERADA) - 1])
def test_a_cadena_changed_in_any_byte_does_not_verify(fiel, sello, posicion: int) -> None:
    datos = bytearray(ESPERADA.encode("utf-8"))
    datos[posicion % len(datos)] ^= 0x01
    cambiada = datos.decode("utf-8", errors="surrogateescape")
    assert cambiada != ESPERADA
    assert not verificar_sello(cambiada, sello, fiel.cer)


@pytest.mark.parametrize("cambio", sorted(CAMBIOS))
def test_a_changed_informativa_does_not_verify(fiel, sello, cambio: str) -> None:
    assert not verificar_sello(cadena_original(CAMBIOS[cambio](informativa())), sello, fiel.cer)


def test_every_character_of_the_sello_counts(fiel, sello) -> None:
    for posicion in range(len(sello)):
        for reemplazo in {"A", "B", "a", "+", "/", "="} - {sello[posicion]}:
            cambiado = sello[:posicion] + reemplazo + sello[posicion + 1 :]
            assert not verificar_sello(ESPERADA, cambiado, fiel.cer), (posicion, reemplazo)


def test_another_efirmas_certificate_is_refused(sello) -> None:
    otra = cf.fiel_moral(key_slot=5, serial=b"00001000000799999999")
    assert not verificar_sello(ESPERADA, sello, otra.cer)
    # The same RFC with a renewed e.firma (another key) is another signer too.
    assert not verificar_sello(ESPERADA, sello, cf.fiel_moral(key_slot=6).cer)


@pytest.mark.parametrize(
    ("cadena", "sello_dado", "certificado"),
    [
        (ESPERADA, "", "fiel"),
        (ESPERADA, "no es base64!", "fiel"),
        (ESPERADA, "sello", "fiel"),  # base64 of something that is not a signature
        (ESPERADA, "no canónico", "fiel"),  # other base64 spelling of the same bytes
        (ESPERADA, "recortado", "fiel"),
        (ESPERADA, "con espacios", "fiel"),
        (ESPERADA, None, "fiel"),
        (ESPERADA, b"bytes", "fiel"),
        (None, "bueno", "fiel"),
        ("\udcff", "bueno", "fiel"),  # a lone surrogate cannot be UTF-8
        (ESPERADA, "bueno", b""),
        (ESPERADA, "bueno", b"\x00" * 40),
        (ESPERADA, "bueno", b"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"),
        (ESPERADA, "bueno", "llave"),  # the .key where the .cer goes
        (ESPERADA, "bueno", "recortado"),
        (ESPERADA, "bueno", None),
        (ESPERADA, "bueno", "ec"),  # a certificate of another kind of key
    ],
)
def test_malformed_input_is_false_never_an_exception(
    fiel, sello, cadena, sello_dado, certificado
) -> None:
    sellos = {
        "bueno": sello,
        "sello": base64.b64encode(b"sello").decode(),
        "recortado": sello[:-8],
        "con espacios": sello[:100] + "\n" + sello[100:],
        "no canónico": _no_canonico(sello),
    }
    certificados = {
        "fiel": fiel.cer,
        "llave": fiel.key(),
        "recortado": fiel.cer[: len(fiel.cer) // 2],
        "ec": _certificado_ec(),
    }
    dado = sellos.get(sello_dado, sello_dado) if isinstance(sello_dado, str) else sello_dado
    cer = (
        certificados.get(certificado, certificado) if isinstance(certificado, str) else certificado
    )
    assert verificar_sello(cadena, dado, cer) is False


def _no_canonico(sello: str) -> str:
    """The same signature bytes with the unused low bits of the last character set."""
    alfabeto = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
    datos = sello.rstrip("=")
    ultimo = alfabeto[alfabeto.index(datos[-1]) | 0b1111]
    otro = datos[:-1] + ultimo + sello[len(datos) :]
    assert otro != sello and base64.b64decode(otro) == base64.b64decode(sello)
    return otro


def _certificado_ec() -> bytes:
    return cf.certificate(cf.name((cf.OID_CN, cf.UTF8, b"EC")), cf.ec_key(0), cf.sat_ca())


def test_only_an_rsa_key_seals(credencial) -> None:
    with pytest.raises(ValidationError) as error:
        sellar(ESPERADA, cf.ec_key(0))
    assert error.value.code == "sello_llave_no_rsa"
    with pytest.raises(ValidationError) as error:
        sellar("\udcff", credencial.private_key)
    assert error.value.code == "sello_cadena_invalida"


def test_a_sello_does_not_verify_another_contratistas_cadena(sello) -> None:
    otra = cf.fiel_moral(rfc="SCO050505QR2", key_slot=7)
    credencial = load_sat_pair(otra.cer, otra.key(), cf.PASSWORD)
    cadena = cadena_original(informativa(contratista=Parte("SCO050505QR2", "OTRA")))
    assert verificar_sello(cadena, sellar(cadena, credencial.private_key), otra.cer)
    assert not verificar_sello(ESPERADA, sellar(cadena, credencial.private_key), otra.cer)

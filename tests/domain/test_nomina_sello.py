"""A CFDI de nómina verified: genuine 4.0 and 3.3 receipts read whole; each kind of forged,
foreign or broken one refused with its own Spanish reason."""

from __future__ import annotations

import base64
from datetime import date, datetime
from decimal import Decimal

import pytest

from icsoe_desktop.domain.nomina import (
    SAT_NO_DISPONIBLE,
    SAT_VERIFICADO,
    ReciboRechazado,
    Verificador,
)
from icsoe_desktop.domain.trust import TrustStore, read_emisor
from tests import credentials_factory as cf
from tests import nomina_cfdi as nc

SEMANA = nc.Periodo.semana(date(2026, 3, 2))


@pytest.fixture(scope="module")
def gente() -> list[nc.Trabajador]:
    return nc.trabajadores(4, seed=11)


def _confianza() -> TrustStore:
    """As shipped: Banco de México's root an anchor, the SAT's AC a link through it."""
    return TrustStore(
        [
            read_emisor(cf.arc_root().certificate_der, incluido=True),
            read_emisor(cf.sat_ac().certificate_der, incluido=True),
        ]
    )


def _verificador(sat: bool = True) -> Verificador:
    return Verificador(
        nc.XSLT_DIR, _confianza(), nc.RFC_EMPRESA, nc.sat_certificados() if sat else None
    )


def _rechazo(xml: bytes, verificador: Verificador | None = None) -> ReciboRechazado:
    with pytest.raises(ReciboRechazado) as caught:
        (verificador or _verificador()).verificar(xml)
    return caught.value


@pytest.mark.parametrize("version", ["4.0", "3.3"])
def test_a_genuine_receipt_is_read_whole(gente, version):
    t = gente[0]
    xml = nc.recibo(
        nc.Emisor(),
        t,
        SEMANA,
        version=version,
        subcontrataciones=(("CLI010101AB1", "60.000"), ("CMA050505KL3", "40.000")),
        incapacidades=((2, "02", Decimal("0")),),
        extra=(("019", "Horas extra", Decimal("350.00"), Decimal("350.00")),),
        uuid_timbre="6F1C2A3B-4D5E-4F60-8172-93A4B5C6D7E8",
    )
    hecho = _verificador().verificar(xml)
    r = hecho.recibo
    assert hecho.sello_sat == SAT_VERIFICADO
    assert r.version == version
    assert (r.nss, r.curp, r.receptor_rfc, r.nombre) == (t.nss, t.curp, t.rfc, t.nombre)
    assert r.registro_patronal == nc.REGISTRO_PATRONAL
    assert r.sbc == r.sdi == int(t.sbc * 100)
    assert (r.fecha_inicial, r.fecha_final, r.periodicidad) == (
        date(2026, 3, 2),
        date(2026, 3, 8),
        "02",
    )
    assert r.dias_pagados == 7_000
    assert [(s.rfc, s.porcentaje) for s in r.subcontrataciones] == [
        ("CLI010101AB1", 60_000),
        ("CMA050505KL3", 40_000),
    ]
    assert [(p.tipo, p.gravado, p.exento) for p in r.percepciones] == [
        ("001", int(t.sbc * 7 * 100), 0),
        ("019", 35_000, 35_000),
    ]
    assert [(i.dias, i.tipo) for i in r.incapacidades] == [(2, "02")]
    assert r.timbre.uuid == "6F1C2A3B-4D5E-4F60-8172-93A4B5C6D7E8"
    assert r.total_percepciones == int(t.sbc * 7 * 100) + 70_000


def test_without_the_sats_certificate_the_timbre_is_read_and_said_unverified(gente):
    hecho = _verificador(sat=False).verificar(nc.recibo(nc.Emisor(), gente[0], SEMANA))
    assert hecho.sello_sat == SAT_NO_DISPONIBLE
    assert len(hecho.recibo.timbre.uuid) == 36


def test_a_timbre_not_sealed_by_the_sat_is_refused_when_its_certificate_is_at_hand(gente):
    xml = nc.recibo(nc.Emisor(), gente[0], SEMANA, sellar_sat=False)
    assert _rechazo(xml).code == "sello_sat_invalido"
    assert _verificador(sat=False).verificar(xml).sello_sat == SAT_NO_DISPONIBLE


def test_a_tampered_amount_breaks_the_sello(gente):
    xml = nc.recibo(nc.Emisor(), gente[0], SEMANA, subcontrataciones=(("CLI010101AB1", "100"),))
    sbc = f'SalarioBaseCotApor="{gente[0].sbc:.2f}"'.encode()
    assert sbc in xml
    rechazo = _rechazo(xml.replace(sbc, b'SalarioBaseCotApor="9999.99"'))
    assert rechazo.code == "sello_invalido"
    assert "se modificó después de sellarse" in rechazo.message
    # The client a worker served is sealed too.
    assert _rechazo(xml.replace(b"CLI010101AB1", b"CMA050505KL3")).code == "sello_invalido"


def test_a_certificate_of_another_rfc_is_refused(gente):
    otro = nc.Emisor(certificado=nc.csd("OTR010101AA1", "OTRA EMPRESA"))
    rechazo = _rechazo(nc.recibo(otro, gente[0], SEMANA))
    assert rechazo.code == "certificado_otro_rfc"
    assert "OTR010101AA1" in rechazo.message


def test_a_receipt_of_another_emisor_is_refused(gente):
    ajena = nc.Emisor(rfc="AJE020202BB2", certificado=nc.csd("AJE020202BB2", "AJENA"))
    rechazo = _rechazo(nc.recibo(ajena, gente[0], SEMANA))
    assert rechazo.code == "emisor_otro"
    assert "AJE020202BB2" in rechazo.message and nc.RFC_EMPRESA in rechazo.message


def test_a_csd_not_from_the_sats_chain_is_refused_whatever_its_names(gente):
    falso = nc.Emisor(certificado=nc.csd(issuer=nc.ac_falsa()))
    rechazo = _rechazo(nc.recibo(falso, gente[0], SEMANA))
    assert rechazo.code == "certificado_no_confiable"
    assert "no lo emitió el SAT" in rechazo.message


def test_a_csd_not_valid_on_the_cfdis_date_is_refused(gente):
    vencido = nc.Emisor(
        certificado=nc.csd(valid_to=datetime(2025, 12, 31, tzinfo=cf.UTC), key_slot=10)
    )
    rechazo = _rechazo(nc.recibo(vencido, gente[0], SEMANA))
    assert rechazo.code == "certificado_no_vigente"
    assert "09/03/2026" in rechazo.message


def test_a_fiel_is_no_csd(gente):
    emisor = nc.Emisor(certificado=cf.fiel_moral(rfc=nc.RFC_EMPRESA))
    assert _rechazo(nc.recibo(emisor, gente[0], SEMANA)).code == "certificado_no_csd"


def test_a_resealed_receipt_does_not_match_its_timbre(gente):
    """Someone with the CSD changes a stamped receipt and seals it again: the timbre, which
    names the sello the SAT stamped, gives it away."""
    from lxml import etree

    emisor = nc.Emisor()
    xml = nc.recibo(emisor, gente[0], SEMANA)
    root = etree.fromstring(xml)
    receptor = root.find(".//{http://www.sat.gob.mx/nomina12}Receptor")
    receptor.set("SalarioBaseCotApor", "100.00")
    root.set("Sello", nc.sellar(root, "4.0", emisor.certificado.private_key))
    assert _rechazo(etree.tostring(root, encoding="UTF-8")).code == "timbre_de_otro_sello"


def test_a_certificate_swapped_for_another_of_the_same_number_fails_the_sello(gente):
    xml = nc.recibo(nc.Emisor(), gente[0], SEMANA)
    ajeno = base64.b64encode(nc.csd(key_slot=12).cer).decode()
    actual = base64.b64encode(nc.csd().cer).decode()
    assert _rechazo(xml.replace(actual.encode(), ajeno.encode())).code == "sello_invalido"


@pytest.mark.parametrize(
    ("xml", "code"),
    [
        (b"<cfdi:Comprobante", "xml_malformado"),
        (b"", "xml_malformado"),
        (b"\xff\xfe\x00garbage", "xml_malformado"),
        (
            b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
            b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
            b'<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
            b"<r>&lol3;</r>",
            "xml_con_doctype",
        ),
        (
            b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
            b"<r>&x;</r>",
            "xml_con_doctype",
        ),
        (b"<factura/>", "no_es_cfdi"),
        (b" " * (2 * 1024 * 1024 + 1), "xml_grande"),
    ],
)
def test_broken_or_hostile_xml_is_refused_with_its_reason(xml, code):
    rechazo = _rechazo(xml)
    assert rechazo.code == code
    assert rechazo.message  # Spanish, for the list of refused receipts


def test_an_invoice_is_no_payroll_receipt(gente):
    xml = nc.recibo(nc.Emisor(), gente[0], SEMANA).replace(
        b'TipoDeComprobante="N"', b'TipoDeComprobante="I"'
    )
    assert _rechazo(xml).code == "no_es_nomina"


def test_an_unstamped_receipt_is_refused(gente):
    from lxml import etree

    root = etree.fromstring(nc.recibo(nc.Emisor(), gente[0], SEMANA))
    tfd = root.find(".//{http://www.sat.gob.mx/TimbreFiscalDigital}TimbreFiscalDigital")
    tfd.getparent().remove(tfd)
    rechazo = _rechazo(etree.tostring(root, encoding="UTF-8"))
    assert rechazo.code == "sin_timbre"
    assert "Timbre Fiscal Digital" in rechazo.message


def test_generated_people_have_their_check_digits():
    from stdnum.mx import curp, rfc

    from icsoe_desktop.domain.identifiers import nss_ok

    gente = nc.trabajadores(200, seed=3)
    assert len({t.nss for t in gente}) == len({t.curp for t in gente}) == 200
    assert all(nss_ok(t.nss) for t in gente)
    assert all(curp.is_valid(t.curp) for t in gente)
    assert all(rfc.is_valid(t.rfc) for t in gente)


_TFD = "http://www.sat.gob.mx/TimbreFiscalDigital"


@pytest.mark.parametrize(
    "atributos",
    [
        'Version="1.1" UUID="6F1C2A3B-4D5E-4F60-8172-93A4B5C6D7E8" '
        'FechaTimbrado="2026-03-09T10:00:00" RfcProvCertif="SAT970701NN3" '
        'SelloCFD="abc+/=" NoCertificadoSAT="00001000000509846663" SelloSAT="x"',
        # Leyenda present, empty, and the spaces XPath's normalize-space folds (tabs and line
        # feeds as character references survive the parser's own attribute normalization).
        'Version=" 1.1 " UUID="U" FechaTimbrado="F" RfcProvCertif="R" Leyenda="Una  leyenda '
        '&#9;con&#10;saltos&#13; " SelloCFD="S" NoCertificadoSAT="N"',
        'Version="1.1" UUID="U" FechaTimbrado="F" RfcProvCertif="R" Leyenda="" SelloCFD="S" '
        'NoCertificadoSAT="N"',
        # A space that is not XML's (no-break, em) is content; a required field missing is «|».
        'Version="1.1" UUID="U\u00a0V" FechaTimbrado="F\u2003G" RfcProvCertif="Ñ&amp;é" '
        'NoCertificadoSAT="N"',
        'Leyenda="   "',
    ],
)
def test_the_timbres_cadena_is_the_sats_xslt_s(atributos: str) -> None:
    from lxml import etree

    from icsoe_desktop.domain.nomina.sello import XSLT_TFD, _xslt, cadena_tfd

    xml = f'<r><tfd:TimbreFiscalDigital xmlns:tfd="{_TFD}" {atributos}/></r>'
    tfd = etree.fromstring(xml.encode())[0]
    assert cadena_tfd(tfd) == bytes(_xslt(nc.XSLT_DIR / XSLT_TFD)(tfd))


def test_the_timbres_cadena_of_generated_receipts_is_the_xslt_s(gente) -> None:
    from lxml import etree

    from icsoe_desktop.domain.nomina.sello import XSLT_TFD, _xslt, cadena_tfd

    hoja = _xslt(nc.XSLT_DIR / XSLT_TFD)
    for _nombre, datos in nc.nomina(nc.Emisor(), gente, nc.semanas(date(2026, 3, 2), 2)):
        tfd = next(etree.fromstring(datos).iter(f"{{{_TFD}}}TimbreFiscalDigital"))
        assert cadena_tfd(tfd) == bytes(hoja(tfd))


def test_amounts_read_by_integers_are_decimals_rounded_half_up() -> None:
    """The fast reading of «123.45» gives what Decimal gives, rounding included; any other
    shape takes Decimal's path (exponents, signs) or is refused as before."""
    import random
    from decimal import ROUND_HALF_UP
    from decimal import Decimal as D

    from icsoe_desktop.domain.nomina.recibo import _centavos

    rng = random.Random(7)
    casos = ["0", "0.005", "0.004999", "1.005", "99.995", " 7.5 ", "123456789012345.999999"]
    for _ in range(5_000):
        enteros = str(rng.randrange(10 ** rng.randrange(1, 13)))
        decimales = "".join(rng.choice("0123456789") for _ in range(rng.randrange(0, 7)))
        casos.append(enteros + (f".{decimales}" if decimales else ""))
    for caso in casos:
        esperado = int((D(caso.strip()) * 100).quantize(D(1), ROUND_HALF_UP))
        assert _centavos(caso, "Total") == esperado, caso
    assert _centavos("1e3", "Total") == 100_000 and _centavos("1.1234567", "Total") == 112
    for malo in ("-1", "1.2.3", "abc"):
        with pytest.raises(ReciboRechazado):
            _centavos(malo, "Total")


def _por_decimal(text: str | None, escala: int) -> int | str:
    """The general reading (Decimal), the rule every fast reading must give again: a number
    scaled and rounded half up, or the refusal's code."""
    from decimal import ROUND_HALF_UP

    if escala == 100 and (text is None or not text.strip()):
        return 0
    assert text is not None
    try:
        value = Decimal(text.strip())
        if value.is_finite() and value >= 0:
            return int((value * escala).quantize(Decimal(1), ROUND_HALF_UP))
    except ArithmeticError:  # not a number, or too many digits to scale: refused, not a crash
        pass
    return "campo_invalido"


def test_fast_amount_readings_accept_and_refuse_what_decimal_does() -> None:
    """Hostile shapes (signs, exponents, spaces, other scripts' digits, too many digits, NaN)
    are read or refused exactly as the general Decimal reading reads or refuses them."""
    import random

    from icsoe_desktop.domain.nomina.recibo import _centavos, _milesimas

    hostiles = [
        None,
        "",
        " ",
        "\t\n",
        "-1",
        "-0",
        "-0.00",
        "+1.00",
        "+0",
        "1e3",
        "1E-2",
        "1.00e2",
        "NaN",
        "nan",
        "sNaN",
        "Infinity",
        "-Infinity",
        "inf",
        "12,34",
        "1_000.00",
        "1 000.00",
        ".5",
        "5.",
        ".",
        "..",
        "1..00",
        "0x10",
        "12.3",
        "12.345",
        "12.3456789",
        "12.34 ",
        " 12.34",
        "\u00a012.34",
        "12.34\u00a0",
        "12.34\n",
        "\u0661\u0662.\u0663\u0664",
        "\uff11\uff12.\uff13\uff14",
        "\u00b23.45",
        "12.3\u0664",
        "1\u00b2.34",
        "abc.de",
        "999999999999999.99",
        "9999999999999999.99",
        "0000000000000000.00",
        "000.00",
        "7.000",
        "7.0005",
        "7.0004999",
        "100",
        "100.000",
        "60.5",
        "33.3333335",
        "0.0005",
        "0.0015",
        "1e999999",
        "1e30",
        "99999999999999999999999999999",
    ]
    rng = random.Random(11)
    for _ in range(3_000):
        hostiles.append("".join(rng.choice("0123456789.-+eE _\u0661\u00b2") for _ in range(6)))
    for texto in hostiles:
        for leer, escala in ((_centavos, 100), (_milesimas, 1000)):
            if texto is None and leer is _milesimas:
                continue
            esperado = _por_decimal(texto, escala)
            try:
                obtenido: int | str = leer(texto, "Total")
            except ReciboRechazado as exc:
                obtenido = exc.code
            assert obtenido == esperado, (texto, escala)

"""Changes after signing judged as pyHanko's difference analysis judges them: content replaced,
a page added, an annotation over a page, the signature dictionary written again are refused
naming what changed; a countersignature, a document time-stamp and LTV data (DSS) leave the
constancia valid, its later signatures listed with their RFC. Stricter than pyHanko: a field
drawing over a page after signing, on screen or only in print (an empty signature field pyHanko
admits, a text field, the stamp of a later signature not valid here or redrawn after it, a
document time-stamp's), a display key added to the catalog, and, in the signed revision itself,
the catalog pointed at other pages or given a display key, or the signature's own widget
drawing, are refused naming the field and page; the visible stamp of a valid later signature
is named. Every change is an incremental update written with pyHanko
(tests/constancia_cambios.py); the verdict is compared with pyHanko's own."""

from __future__ import annotations

import io

import pytest

from icsoe_desktop.services.informativa import constancia as c
from icsoe_desktop.services.informativa import constancia_motivos as cm
from tests import constancia_cambios as cambios
from tests import credentials_factory as cf
from tests.services.test_constancia_hora_probada import (
    AHORA,
    AL_SELLAR,
    VIGENTE_HASTA,
    _confianza,
    _fecha,
    _fiel,
    _firmar,
    _pyhanko,
)
from tests.servidor_tsa import MOMENTO, NOMBRE_TSA, servidor_tsa

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def genuina() -> bytes:
    return _firmar(_fiel(VIGENTE_HASTA), AL_SELLAR)


def _verificar(pdf: bytes) -> c.Verificacion:
    return c.verificar_constancia(pdf, _confianza(), ahora=AHORA)


ILEGALES = {
    "contenido": (cambios.contenido_sustituido, "se reemplazó el contenido de la página 1"),
    "pagina": (cambios.pagina_agregada, "se agregó una página"),
    "anotacion": (cambios.anotacion_encima, "se agregó una anotación encima de la página 1"),
    "firma": (cambios.firma_redefinida, c.CAMBIOS["firma"]),
    "campo de texto": (
        cambios.campo_texto_encima,
        "se agregó el campo «Nota», que dibuja sobre la página 1",
    ),
    "/OpenAction": (
        lambda pdf: cambios.catalogo_cambiado(pdf, cambios.al_abrir),
        "se agregó o cambió /OpenAction en el catálogo del PDF, que decide lo que se muestra",
    ),
    "/OCProperties": (
        lambda pdf: cambios.catalogo_cambiado(pdf, cambios.capas),
        "se agregó o cambió /OCProperties en el catálogo del PDF, que decide lo que se muestra",
    ),
}


@pytest.mark.parametrize("caso", ILEGALES)
def test_an_illegal_change_after_signing_is_refused_naming_it(genuina, caso):
    cambiar, que = ILEGALES[caso]
    pdf = cambiar(genuina)
    resultado = _verificar(pdf)
    assert resultado.salida == c.SALIDA_NO_VALIDA
    # Only that: the signed revision is still what the sealed data draw, and nothing read from
    # a rewritten signature dictionary is reported about the signature made.
    assert resultado.motivo == (c.CAMBIO_ILEGAL.format(que=que),)
    estado = _pyhanko(pdf, AHORA)
    assert not estado.docmdp_ok and not estado.bottom_line
    assert "ILLEGAL_MODIFICATIONS" in estado.summary()


def test_a_countersignature_by_another_e_firma_leaves_it_valid_and_is_listed(genuina):
    otra = cf.fiel_fisica()
    pdf = cambios.contrafirma(genuina, otra, [cf.sat_ca().certificate_der])
    resultado = _verificar(pdf)
    assert resultado.ok and resultado.salida == c.SALIDA_CAMBIOS, resultado.motivo
    lineas = resultado.lineas()
    assert lineas[0].startswith("La constancia de firma es válida: EDE0101018A2")
    assert lineas[1] == c.SIN_REVOCACION.format(porque=c.EMISOR_SIN_REVOCACION)
    # Named with its RFC, read from its certificate: a name alone can be anyone's.
    info = cf.load_info(otra)
    assert lineas[2].startswith(
        "Firma agregada después de la constancia (no es parte de lo que firmó la contratista): "
        f"{info.nombre}, RFC {info.rfc}, "
    )
    assert info.rfc == cf.RFC_FISICA and lineas[2].endswith(" según su equipo.")
    assert lineas[3] == c.CAMBIOS_POSTERIORES
    estado = _pyhanko(pdf, AHORA)
    assert estado.docmdp_ok and estado.bottom_line
    # A page added after the countersignature: refused, as pyHanko does.
    pagina = cambios.pagina_agregada(pdf)
    assert _verificar(pagina).motivo[0] == c.CAMBIO_ILEGAL.format(que="se agregó una página")
    assert not _pyhanko(pagina, AHORA).docmdp_ok


def test_a_document_time_stamp_and_ltv_data_leave_it_valid(genuina):
    with servidor_tsa() as tsa:
        sellado = cambios.sello_documento(genuina, tsa.sellador)
    resultado = _verificar(sellado)
    assert resultado.ok and resultado.salida == c.SALIDA_CAMBIOS, resultado.motivo
    assert resultado.lineas()[2] == c.SELLO_POSTERIOR.format(
        nombre=NOMBRE_TSA, fecha=f", {_fecha(MOMENTO)}"
    )
    assert _pyhanko(sellado, AHORA).docmdp_ok
    dss = cambios.dss(genuina, [cf.sat_ca().certificate_der])
    resultado = _verificar(dss)
    assert resultado.ok and resultado.salida == c.SALIDA_CAMBIOS, resultado.motivo
    assert resultado.lineas()[1:] == [
        c.SIN_REVOCACION.format(porque=c.EMISOR_SIN_REVOCACION),
        c.CAMBIOS_POSTERIORES,
    ]
    estado = _pyhanko(dss, AHORA)
    assert estado.docmdp_ok and estado.bottom_line


@pytest.mark.end2end
def test_informativa_verificar_exits_2_for_an_illegal_change_and_1_for_a_countersignature(
    genuina, tmp_path
):
    from tests.icsoe_helpers import trust_sat
    from tests.test_cli_informativa import cli

    datos = tmp_path / "datos"
    datos.mkdir()
    trust_sat(datos)
    cambiada, contrafirmada = tmp_path / "cambiada.pdf", tmp_path / "contrafirmada.pdf"
    cambiada.write_bytes(cambios.contenido_sustituido(genuina))
    contrafirmada.write_bytes(
        cambios.contrafirma(genuina, cf.fiel_fisica(), [cf.sat_ca().certificate_der])
    )
    hecho = cli(datos, "informativa", "verificar", cambiada)
    assert (hecho.returncode, hecho.stdout.splitlines()) == (
        2,
        [c.NO_VALIDA, c.CAMBIO_ILEGAL.format(que="se reemplazó el contenido de la página 1")],
    )
    hecho = cli(datos, "informativa", "verificar", contrafirmada)
    assert hecho.returncode == 1, hecho.stdout
    valida, revocacion, posterior, cambios_posteriores = hecho.stdout.splitlines()
    assert revocacion == c.SIN_REVOCACION.format(porque=c.EMISOR_SIN_REVOCACION)
    assert valida.startswith("La constancia de firma es válida: EDE0101018A2")
    assert posterior.startswith("Firma agregada después de la constancia")
    assert cambios_posteriores == c.CAMBIOS_POSTERIORES


def test_a_signature_dictionary_altered_in_place_is_called_altered_not_damaged(genuina):
    contenido = genuina.index(b"/Contents <") + len(b"/Contents <")
    for desde, nuevo in ((0, b"0000"), (2000, b"1234")):  # the CMS: its header, its body
        alterada = bytearray(genuina)
        alterada[contenido + desde : contenido + desde + 4] = nuevo
        assert _verificar(bytes(alterada)).motivo == (c.FIRMA_ALTERADA,)
    subfilter = genuina.replace(b"/ETSI.CAdES.detached", b"/ETSI.CAdES.detachex", 1)
    assert subfilter != genuina
    assert _verificar(subfilter).motivo == (c.FIRMA_ALTERADA,)
    # A file cut short is damaged, not altered.
    assert _verificar(genuina[: len(genuina) // 3]).motivo == (c.ILEGIBLE,)


CAMPO_ENCIMA = c.CAMBIO_ILEGAL.format(
    que="se agregó el campo «Revision», que dibuja sobre la página 1"
)


def test_an_empty_signature_field_drawn_over_a_page_is_refused_though_pyhanko_admits_it(genuina):
    pdf = cambios.campo_firma_vacio_encima(genuina)
    resultado = _verificar(pdf)
    assert resultado.salida == c.SALIDA_NO_VALIDA
    assert resultado.motivo == (CAMPO_ENCIMA,)
    # pyHanko's default policy lets an unsigned signature field in: the overlay it draws is
    # what every viewer shows on page 1.
    estado = _pyhanko(pdf, AHORA)
    assert estado.docmdp_ok and estado.bottom_line


def test_a_later_signature_whose_stamp_covers_a_page_is_named_if_valid_here_else_refused(
    genuina,
):
    from tests import constancia_falsa as falsa

    otra = cf.fiel_fisica()
    valida = cambios.firma_visible_encima(genuina, otra, [cf.sat_ca().certificate_der])
    resultado = _verificar(valida)
    assert resultado.ok and resultado.salida == c.SALIDA_CAMBIOS, resultado.motivo
    posterior = resultado.lineas()[2]
    info = cf.load_info(otra)
    assert posterior.startswith(
        "Firma agregada después de la constancia (no es parte de lo que firmó la contratista): "
        f"{info.nombre}, RFC {info.rfc}, "
    )
    assert posterior.endswith(" según su equipo." + c.SE_VE.format(n=1))
    # The same stamp signed by a certificate no authority trusted here vouches for: refused,
    # the signer named by its RFC (a self-made certificate can carry any name).
    ajena = cambios.firma_visible_encima(genuina, falsa.autofirmado(cf.RFC_FISICA), [])
    resultado = _verificar(ajena)
    assert resultado.salida == c.SALIDA_NO_VALIDA
    (motivo,) = resultado.motivo
    assert motivo.startswith("Se cambió el documento después de firmarlo: la firma visible que ")
    assert f", RFC {cf.RFC_FISICA} (campo «Correccion») dibuja sobre la página 1, y " in motivo
    assert motivo.endswith(cm.FIRMA_NO_VALIDA + ".")
    assert _pyhanko(ajena, AHORA).docmdp_ok  # for pyHanko, a later signature like any other


SOLO_IMPRESO = c.CAMBIO_ILEGAL.format(
    que="se agregó el campo «Revision», que dibuja sobre la página 1" + cm.SOLO_IMPRESO
)


def test_what_only_prints_is_judged_as_what_shows_after_signing_and_at_signing(genuina):
    """A widget flagged Print and NoView: no screen shows it, every printer prints it."""
    despues = cambios.campo_firma_solo_impreso(genuina)
    resultado = _verificar(despues)
    assert resultado.salida == c.SALIDA_NO_VALIDA
    assert resultado.motivo == (SOLO_IMPRESO,)
    assert _pyhanko(despues, AHORA).bottom_line  # pyHanko admits an empty signature field
    # Not even printed, but still able to show (toggled, or by its layers): named as it is.
    que = "se agregó el campo sin nombre, que dibuja sobre la página 1" + cm.SIN_VISTA
    resultado = _verificar(cambios.campo_sin_nombre_sin_vista(genuina))
    assert resultado.motivo == (c.CAMBIO_ILEGAL.format(que=que),)
    # The e.firma holder flags the signature's own widget so when signing: the app never
    # draws a stamp, so this one is not its constancia.
    al_firmar = _refirmada(genuina, cambios.su_firma_solo_impresa)
    resultado = _verificar(al_firmar)
    assert resultado.salida == c.SALIDA_NO_VALIDA
    que = cm.SU_FIRMA_DIBUJA.format(campo="«FirmaContratista»", n=1, como=cm.SOLO_IMPRESO)
    assert resultado.motivo == (c.AL_FIRMAR.format(que=que),)
    assert _pyhanko(al_firmar, AHORA).bottom_line  # pyHanko does not look inside it


def test_a_stamp_redrawn_after_its_signature_and_a_document_time_stamp_drawing_are_refused(
    genuina,
):
    from asn1crypto import x509 as asn1_x509
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    from tests.services.test_constancia_hora_probada import _confianza, _sellos
    from tests.servidor_tsa import hacer_tsa

    otra = cf.fiel_fisica()
    contrafirmada = cambios.contrafirma(genuina, otra, [cf.sat_ca().certificate_der])
    redibujada = cambios.sello_redibujado(contrafirmada)  # no key needed
    resultado = _verificar(redibujada)
    assert resultado.salida == c.SALIDA_NO_VALIDA
    info = cf.load_info(otra)
    que = cm.FIRMA_ENCIMA.format(
        quien=f"{info.nombre}, RFC {info.rfc}",
        campo="«FirmaRecepcion»",
        n=1,
        como="",
        porque=cm.FIRMA_CAMBIADA,
    )
    assert resultado.motivo == (c.CAMBIO_ILEGAL.format(que=que),)
    # pyHanko admits it for the first signature; the countersignature's own analysis does not.
    assert _pyhanko(redibujada, AHORA).bottom_line
    segunda = PdfFileReader(io.BytesIO(redibujada)).embedded_signatures[1]
    contexto = ValidationContext(
        trust_roots=[asn1_x509.Certificate.load(cf.sat_ca().certificate_der)],
        moment=AHORA,
        allow_fetching=False,
    )
    estado = validate_pdf_signature(segunda, contexto)
    assert estado.trusted and not estado.docmdp_ok and not estado.bottom_line
    # A document time-stamp, of a TSA trusted here, whose widget covers page 1: no e.firma.
    tsa = hacer_tsa()
    sellado = cambios.sello_documento_visible(genuina, tsa.sellador())
    resultado = c.verificar_constancia(
        sellado, _confianza(), ahora=AHORA, sellos=_sellos(tsa.ca_der)
    )
    assert resultado.salida == c.SALIDA_NO_VALIDA
    que = cm.SELLO_ENCIMA.format(tsa=NOMBRE_TSA, campo="«Sello»", n=1, como="")
    assert resultado.motivo == (c.CAMBIO_ILEGAL.format(que=que),)


def _refirmada(genuina: bytes, cambiar) -> bytes:
    """The genuine pages and attachment signed again by the contratista's own e.firma."""
    return cambios.refirmada(
        genuina, _fiel(VIGENTE_HASTA), [cf.sat_ca().certificate_der], AL_SELLAR, cambiar
    )


AL_FIRMAR = {
    "/Pages": (cambios.otras_paginas, "el catálogo apunta a otras páginas (/Pages)"),
    "/OpenAction": (cambios.al_abrir, c.CLAVE_AL_FIRMAR.format(clave="/OpenAction")),
    "/OCProperties": (cambios.capas, c.CLAVE_AL_FIRMAR.format(clave="/OCProperties")),
    "campo": (cambios.campo_vacio, "se agregó el campo «Revision», que dibuja sobre la página 1"),
    "/JavaScript": (cambios.javascript, c.CLAVE_AL_FIRMAR.format(clave="/Names")),
    "campo de texto": (cambios.campo_de_texto, c.CLAVE_AL_FIRMAR.format(clave="/AcroForm")),
}


def test_re_signed_by_the_e_firma_with_the_same_data_it_is_valid(genuina):
    """The forger's tools make a valid constancia when they change nothing else."""
    resultado = _verificar(_refirmada(genuina, lambda escritor, raiz: None))
    assert resultado.ok and resultado.salida == c.SALIDA_VALIDA, resultado.motivo


@pytest.mark.parametrize("clave", AL_FIRMAR)
def test_the_signed_revision_may_not_change_what_the_catalog_shows(genuina, clave):
    cambiar, que = AL_FIRMAR[clave]
    pdf = _refirmada(genuina, cambiar)
    resultado = _verificar(pdf)
    assert resultado.salida == c.SALIDA_NO_VALIDA
    assert resultado.motivo == (c.AL_FIRMAR.format(que=que),)
    # pyHanko judges only what follows the signed revision: nothing.
    estado = _pyhanko(pdf, AHORA)
    assert estado.docmdp_ok and estado.bottom_line


@pytest.mark.end2end
def test_informativa_verificar_exits_by_what_is_drawn(genuina, tmp_path):
    from tests.icsoe_helpers import trust_sat
    from tests.test_cli_informativa import cli

    datos = tmp_path / "datos"
    datos.mkdir()
    trust_sat(datos)
    casos = {
        "igual.pdf": _refirmada(genuina, lambda escritor, raiz: None),
        "encima.pdf": cambios.campo_firma_vacio_encima(genuina),
        "otras.pdf": _refirmada(genuina, cambios.otras_paginas),
        "visible.pdf": cambios.firma_visible_encima(
            genuina, cf.fiel_fisica(), [cf.sat_ca().certificate_der]
        ),
    }
    for nombre, pdf in casos.items():
        (tmp_path / nombre).write_bytes(pdf)
    hecho = cli(datos, "informativa", "verificar", tmp_path / "igual.pdf")
    assert hecho.returncode == 0, hecho.stdout
    hecho = cli(datos, "informativa", "verificar", tmp_path / "encima.pdf")
    assert (hecho.returncode, hecho.stdout.splitlines()) == (2, [c.NO_VALIDA, CAMPO_ENCIMA])
    hecho = cli(datos, "informativa", "verificar", tmp_path / "otras.pdf")
    que = "el catálogo apunta a otras páginas (/Pages)"
    assert (hecho.returncode, hecho.stdout.splitlines()) == (
        2,
        [c.NO_VALIDA, c.AL_FIRMAR.format(que=que)],
    )
    hecho = cli(datos, "informativa", "verificar", tmp_path / "visible.pdf")
    assert hecho.returncode == 1, hecho.stdout
    assert hecho.stdout.splitlines()[2].endswith(c.SE_VE.format(n=1))

"""Changes made to a signed constancia after its signature, the way a reader, a document system
or a forger would: each one an incremental update written with pyHanko's own writer (never the
app's), so the signed revision stays intact and only the judgement of what follows counts."""

from __future__ import annotations

import asyncio
import io
import json

from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives import serialization
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import fields, signers
from pyhanko_certvalidator.registry import SimpleCertificateStore

from tests import credentials_factory as cf

CAMPO_REFIRMADA = "FirmaContratista"  # the signature's field in ``refirmada``
TEXTO_SUSTITUTO = b"BT /Helvetica 24 Tf 72 700 Td (INFORMATIVA SUSTITUIDA) Tj ET"


def _escrito(escritor: IncrementalPdfFileWriter) -> bytes:
    salida = io.BytesIO()
    escritor.write(salida)
    return salida.getvalue()


def _fuente(escritor: IncrementalPdfFileWriter) -> generic.IndirectObject:
    return escritor.add_object(
        generic.DictionaryObject(
            {
                generic.pdf_name("/Type"): generic.pdf_name("/Font"),
                generic.pdf_name("/Subtype"): generic.pdf_name("/Type1"),
                generic.pdf_name("/BaseFont"): generic.pdf_name("/Helvetica"),
            }
        )
    )


def contenido_sustituido(pdf: bytes) -> bytes:
    """Page 1's content replaced by a stream that says something else."""
    escritor = IncrementalPdfFileWriter(io.BytesIO(pdf))
    pagina = escritor.root["/Pages"]["/Kids"][0].get_object()
    pagina["/Contents"] = escritor.add_object(generic.StreamObject(stream_data=TEXTO_SUSTITUTO))
    escritor.update_container(pagina)
    return _escrito(escritor)


def pagina_agregada(pdf: bytes) -> bytes:
    """A new last page."""
    escritor = IncrementalPdfFileWriter(io.BytesIO(pdf))
    contenido = escritor.add_object(generic.StreamObject(stream_data=TEXTO_SUSTITUTO))
    recursos = generic.DictionaryObject(
        {
            generic.pdf_name("/Font"): generic.DictionaryObject(
                {generic.pdf_name("/Helvetica"): _fuente(escritor)}
            )
        }
    )
    escritor.insert_page(
        generic.DictionaryObject(
            {
                generic.pdf_name("/Type"): generic.pdf_name("/Page"),
                generic.pdf_name("/MediaBox"): generic.ArrayObject(
                    list(map(generic.NumberObject, (0, 0, 612, 792)))
                ),
                generic.pdf_name("/Contents"): contenido,
                generic.pdf_name("/Resources"): recursos,
            }
        )
    )
    return _escrito(escritor)


def anotacion_encima(pdf: bytes) -> bytes:
    """A FreeText annotation over page 1 that covers what it says."""
    escritor = IncrementalPdfFileWriter(io.BytesIO(pdf))
    pagina_ref = escritor.root["/Pages"]["/Kids"][0]
    pagina = pagina_ref.get_object()
    anotacion = escritor.add_object(
        generic.DictionaryObject(
            {
                generic.pdf_name("/Type"): generic.pdf_name("/Annot"),
                generic.pdf_name("/Subtype"): generic.pdf_name("/FreeText"),
                generic.pdf_name("/Rect"): generic.ArrayObject(
                    list(map(generic.NumberObject, (30, 400, 580, 760)))
                ),
                generic.pdf_name("/Contents"): generic.TextStringObject("INFORMATIVA SUSTITUIDA"),
                generic.pdf_name("/DA"): generic.TextStringObject("/Helv 24 Tf 0 g"),
                generic.pdf_name("/P"): pagina_ref,
            }
        )
    )
    anotaciones = pagina.get("/Annots")
    lista = generic.ArrayObject(list(anotaciones.get_object()) if anotaciones else [])
    lista.append(anotacion)
    pagina["/Annots"] = lista
    escritor.update_container(pagina)
    return _escrito(escritor)


def firma_redefinida(pdf: bytes) -> bytes:
    """The signature dictionary written again in a later update, its signing time changed (its
    /Contents and /ByteRange kept, so the signed bytes still verify)."""
    escritor = IncrementalPdfFileWriter(io.BytesIO(pdf))
    (firma, *_) = escritor.prev.embedded_signatures
    referencia = firma.sig_field.raw_get("/V")
    dic = referencia.get_object()
    dic["/M"] = generic.pdf_string("D:20260916235800-06'00'")
    escritor.mark_update(referencia)
    return _escrito(escritor)


def _firmante(generado: cf.Generated, emisores: list[bytes]) -> signers.SimpleSigner:
    pkcs8 = generado.private_key.private_bytes(
        serialization.Encoding.DER,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    return signers.SimpleSigner(
        signing_cert=asn1_x509.Certificate.load(generado.cer),
        signing_key=asn1_keys.PrivateKeyInfo.load(pkcs8),
        cert_registry=SimpleCertificateStore.from_certs(
            [asn1_x509.Certificate.load(c) for c in emisores]
        ),
    )


def contrafirma(pdf: bytes, generado: cf.Generated, emisores: list[bytes]) -> bytes:
    """A second signature, in a new field, by ``generado`` (what a client's document system
    adds when it receives the constancia)."""
    meta = signers.PdfSignatureMetadata(
        field_name="FirmaRecepcion", subfilter=fields.SigSeedSubFilter.PADES
    )
    salida = io.BytesIO()
    signers.PdfSigner(meta, _firmante(generado, emisores)).sign_pdf(
        IncrementalPdfFileWriter(io.BytesIO(pdf)), output=salida
    )
    return salida.getvalue()


def sello_documento(pdf: bytes, sellador: object) -> bytes:
    """A document time-stamp (PAdES LTA's /DocTimeStamp) by ``sellador``."""
    salida = io.BytesIO()
    signers.PdfTimeStamper(sellador).timestamp_pdf(  # type: ignore[arg-type]
        IncrementalPdfFileWriter(io.BytesIO(pdf)), md_algorithm="sha256", output=salida
    )
    return salida.getvalue()


def dss(pdf: bytes, certificados: list[bytes]) -> bytes:
    """A Document Security Store (LTV data: certificates) added for the signature."""
    from pyhanko.sign.validation.dss import DocumentSecurityStore

    escritor = IncrementalPdfFileWriter(io.BytesIO(pdf))
    (firma, *_) = escritor.prev.embedded_signatures
    DocumentSecurityStore.supply_dss_in_writer(
        escritor,
        firma.pkcs7_content,
        certs=[asn1_x509.Certificate.load(c) for c in certificados],
    )
    return _escrito(escritor)


TEXTO_FALSO = "INFORMATIVA: 6 trabajadores, SBC 999.99 (CORREGIDA)"
PAGINA = (0, 0, 612, 792)


def _caja(escritor: IncrementalPdfFileWriter, texto: str) -> generic.IndirectObject:
    """An appearance (form XObject) the size of the page: a white box and ``texto`` on it."""
    dibujo = f"1 g 0 0 612 792 re f BT 0 g /Helv 14 Tf 40 700 Td ({texto}) Tj ET".encode()
    return escritor.add_object(
        generic.StreamObject(
            {
                generic.pdf_name("/Type"): generic.pdf_name("/XObject"),
                generic.pdf_name("/Subtype"): generic.pdf_name("/Form"),
                generic.pdf_name("/BBox"): generic.ArrayObject(
                    list(map(generic.NumberObject, PAGINA))
                ),
                generic.pdf_name("/Resources"): generic.DictionaryObject(
                    {
                        generic.pdf_name("/Font"): generic.DictionaryObject(
                            {generic.pdf_name("/Helv"): _fuente(escritor)}
                        )
                    }
                ),
            },
            stream_data=dibujo,
        )
    )


IMPRESO, SIN_VISTA = 4, 32  # annotation flags: Print, NoView
IMPRESO_SIN_VISTA = IMPRESO | SIN_VISTA


def _campo_encima(pdf: bytes, tipo: dict[str, generic.PdfObject], banderas: int = IMPRESO) -> bytes:
    """A form field of its own widget, its appearance over the whole of page 1, listed in the
    form and among the page's annotations."""
    escritor = IncrementalPdfFileWriter(io.BytesIO(pdf))
    _agregar_campo(escritor, tipo, banderas)
    return _escrito(escritor)


def _agregar_campo(
    escritor: IncrementalPdfFileWriter, tipo: dict[str, generic.PdfObject], banderas: int = IMPRESO
) -> None:
    pagina_ref = escritor.root["/Pages"]["/Kids"][0]
    pagina = pagina_ref.get_object()
    campo = escritor.add_object(
        generic.DictionaryObject(
            {
                generic.pdf_name("/Type"): generic.pdf_name("/Annot"),
                generic.pdf_name("/Subtype"): generic.pdf_name("/Widget"),
                generic.pdf_name("/F"): generic.NumberObject(banderas),
                generic.pdf_name("/Rect"): generic.ArrayObject(
                    list(map(generic.NumberObject, PAGINA))
                ),
                generic.pdf_name("/P"): pagina_ref,
                generic.pdf_name("/AP"): generic.DictionaryObject(
                    {generic.pdf_name("/N"): _caja(escritor, TEXTO_FALSO)}
                ),
                **{generic.pdf_name(k): v for k, v in tipo.items()},
            }
        )
    )
    anotaciones = pagina.get("/Annots")
    lista = generic.ArrayObject(list(anotaciones.get_object()) if anotaciones else [])
    lista.append(campo)
    pagina["/Annots"] = lista
    escritor.update_container(pagina)
    if "/AcroForm" not in escritor.root:
        escritor.root["/AcroForm"] = escritor.add_object(
            generic.DictionaryObject({generic.pdf_name("/Fields"): generic.ArrayObject()})
        )
        escritor.update_root()
    formulario = escritor.root["/AcroForm"]
    formulario["/Fields"].append(campo)
    escritor.update_container(formulario)


def campo_vacio(escritor: IncrementalPdfFileWriter, raiz) -> None:
    """In the update being written, an empty signature field drawing over page 1."""
    _agregar_campo(
        escritor, {"/FT": generic.pdf_name("/Sig"), "/T": generic.TextStringObject("Revision")}
    )


def campo_firma_vacio_encima(pdf: bytes) -> bytes:
    """An empty (unsigned) signature field whose appearance covers page 1 with false text:
    no key needed."""
    return _campo_encima(
        pdf, {"/FT": generic.pdf_name("/Sig"), "/T": generic.TextStringObject("Revision")}
    )


def campo_firma_solo_impreso(pdf: bytes) -> bytes:
    """The same empty signature field flagged Print and NoView: no screen shows it, every
    printer prints it over page 1."""
    return _campo_encima(
        pdf,
        {"/FT": generic.pdf_name("/Sig"), "/T": generic.TextStringObject("Revision")},
        IMPRESO_SIN_VISTA,
    )


def campo_sin_nombre_sin_vista(pdf: bytes) -> bytes:
    """A text field with no name, its widget a kid of it flagged NoView (not Print): a viewer
    shows it when toggled or by its layers, whatever the flag says."""
    escritor = IncrementalPdfFileWriter(io.BytesIO(pdf))
    padre = generic.DictionaryObject({generic.pdf_name("/FT"): generic.pdf_name("/Tx")})
    padre_ref = escritor.add_object(padre)
    _agregar_campo(escritor, {"/Parent": padre_ref}, SIN_VISTA)
    formulario = escritor.root["/AcroForm"]
    widget = formulario["/Fields"].pop()  # the form lists the field, the field its widget
    padre["/Kids"] = generic.ArrayObject([widget])
    formulario["/Fields"].append(padre_ref)
    return _escrito(escritor)


def su_firma_solo_impresa(escritor: IncrementalPdfFileWriter, raiz) -> None:
    """In the signing update, the signature's own field (``refirmada`` signs into it) drawn
    over page 1 and flagged Print and NoView."""
    _agregar_campo(
        escritor,
        {"/FT": generic.pdf_name("/Sig"), "/T": generic.TextStringObject(CAMPO_REFIRMADA)},
        IMPRESO_SIN_VISTA,
    )


def sello_redibujado(pdf: bytes) -> bytes:
    """With no key: the widget of the last signature (a countersignature's, invisible) written
    again in a later update to cover page 1 with false text."""
    escritor = IncrementalPdfFileWriter(io.BytesIO(pdf))
    *_, firma = escritor.prev.embedded_signatures
    widget = firma.sig_field  # pyHanko merges a signature field with its widget
    referencia = next(r for r in escritor.root["/AcroForm"]["/Fields"] if r.get_object() is widget)
    widget["/Rect"] = generic.ArrayObject(list(map(generic.NumberObject, PAGINA)))
    widget["/F"] = generic.NumberObject(IMPRESO)
    widget["/AP"] = generic.DictionaryObject({generic.pdf_name("/N"): _caja(escritor, TEXTO_FALSO)})
    escritor.mark_update(referencia)
    return _escrito(escritor)


def sello_documento_visible(pdf: bytes, sellador: object) -> bytes:
    """A document time-stamp (anyone can ask a TSA for one) in a field whose widget covers
    page 1 with false text."""
    escritor = IncrementalPdfFileWriter(io.BytesIO(pdf))
    _agregar_campo(
        escritor, {"/FT": generic.pdf_name("/Sig"), "/T": generic.TextStringObject("Sello")}
    )
    salida = io.BytesIO()
    signers.PdfTimeStamper(sellador, field_name="Sello").timestamp_pdf(  # type: ignore[arg-type]
        escritor, md_algorithm="sha256", output=salida
    )
    return salida.getvalue()


def campo_texto_encima(pdf: bytes) -> bytes:
    """The same overlay as a filled text field."""
    return _campo_encima(
        pdf,
        {
            "/FT": generic.pdf_name("/Tx"),
            "/T": generic.TextStringObject("Nota"),
            "/V": generic.TextStringObject(TEXTO_FALSO),
            "/DA": generic.TextStringObject("/Helv 14 Tf 0 g"),
        },
    )


def firma_visible_encima(pdf: bytes, generado: cf.Generated, emisores: list[bytes]) -> bytes:
    """A later signature by ``generado`` whose visible stamp covers page 1 with false text."""
    from pyhanko.stamp import TextStampStyle

    meta = signers.PdfSignatureMetadata(
        field_name="Correccion", subfilter=fields.SigSeedSubFilter.PADES
    )
    salida = io.BytesIO()
    signers.PdfSigner(
        meta,
        _firmante(generado, emisores),
        stamp_style=TextStampStyle(stamp_text=TEXTO_FALSO, border_width=0),
        new_field_spec=fields.SigFieldSpec("Correccion", on_page=0, box=PAGINA),
    ).sign_pdf(IncrementalPdfFileWriter(io.BytesIO(pdf)), output=salida)
    return salida.getvalue()


def catalogo_cambiado(pdf: bytes, cambiar) -> bytes:
    """An incremental update that only redefines the catalog as ``cambiar(escritor, raiz)``
    leaves it (a display key added after signing)."""
    escritor = IncrementalPdfFileWriter(io.BytesIO(pdf))
    cambiar(escritor, escritor.root)
    escritor.update_root()
    return _escrito(escritor)


def refirmada(
    genuina: bytes, generado: cf.Generated, emisores: list[bytes], momento, cambiar
) -> bytes:
    """What the holder of the e.firma can make: the genuine pages (the first revision) signed
    again with the genuine attachment (the same cadena and sello) and signing time, the
    signing update also holding what ``cambiar(escritor, raiz)`` adds to the catalog."""
    from pyhanko.pdf_utils import embed
    from pyhanko.sign.signers.pdf_cms import PdfCMSSignedAttributes

    from tests import constancia_falsa as falsa

    escritor = IncrementalPdfFileWriter(io.BytesIO(falsa.paginas(genuina)))
    contenido = json.dumps(falsa.datos(genuina), ensure_ascii=True, sort_keys=True, indent=1)
    embed.embed_file(
        escritor,
        embed.FileSpec(
            file_spec_string=falsa.ADJUNTO,
            embedded_data=embed.EmbeddedFileObject.from_file_data(
                escritor, contenido.encode("ascii"), mime_type="application/json"
            ),
        ),
    )
    cambiar(escritor, escritor.root)
    escritor.update_root()
    meta = signers.PdfSignatureMetadata(
        field_name=CAMPO_REFIRMADA, subfilter=fields.SigSeedSubFilter.PADES
    )
    firmante = signers.PdfSigner(meta, _firmante(generado, emisores))

    async def firmar() -> bytes:  # the signing time fixed, as the app's own signer does
        sesion = firmante.init_signing_session(escritor)
        sesion.system_time = momento
        info = await sesion.perform_presign_validation(escritor)
        reservado = await sesion.estimate_signature_container_size(info, tight=False)
        tbs = sesion.prepare_tbs_document(validation_info=info, bytes_reserved=reservado)
        salida = io.BytesIO()
        resumen, _ = tbs.digest_tbs_document(output=salida)
        posterior = await tbs.perform_signature(
            document_digest=resumen.document_digest,
            pdf_cms_signed_attrs=PdfCMSSignedAttributes(signing_time=momento),
        )
        await posterior.post_signature_processing(salida)
        return salida.getvalue()

    return asyncio.run(firmar())


def otras_paginas(escritor: IncrementalPdfFileWriter, raiz) -> None:
    """The catalog's /Pages pointed at a new page tree of one page that says something else."""
    contenido = escritor.add_object(
        generic.StreamObject(
            stream_data=f"BT /Helvetica 14 Tf 40 700 Td ({TEXTO_FALSO}) Tj ET".encode()
        )
    )
    arbol = generic.DictionaryObject(
        {
            generic.pdf_name("/Type"): generic.pdf_name("/Pages"),
            generic.pdf_name("/Count"): generic.NumberObject(1),
        }
    )
    arbol_ref = escritor.add_object(arbol)
    pagina = escritor.add_object(
        generic.DictionaryObject(
            {
                generic.pdf_name("/Type"): generic.pdf_name("/Page"),
                generic.pdf_name("/Parent"): arbol_ref,
                generic.pdf_name("/MediaBox"): generic.ArrayObject(
                    list(map(generic.NumberObject, PAGINA))
                ),
                generic.pdf_name("/Contents"): contenido,
                generic.pdf_name("/Resources"): generic.DictionaryObject(
                    {
                        generic.pdf_name("/Font"): generic.DictionaryObject(
                            {generic.pdf_name("/Helvetica"): _fuente(escritor)}
                        )
                    }
                ),
            }
        )
    )
    arbol["/Kids"] = generic.ArrayObject([pagina])
    raiz["/Pages"] = arbol_ref


def al_abrir(escritor: IncrementalPdfFileWriter, raiz) -> None:
    """An /OpenAction: the viewer opens at page 1 zoomed onto its bottom corner."""
    pagina = raiz["/Pages"]["/Kids"][0]
    raiz["/OpenAction"] = generic.ArrayObject(
        [pagina, generic.pdf_name("/XYZ"), generic.NumberObject(0), generic.NumberObject(0),
         generic.NumberObject(40)]
    )  # fmt: skip


def capas(escritor: IncrementalPdfFileWriter, raiz) -> None:
    """Optional content properties (/OCProperties): a layer off by default."""
    capa = escritor.add_object(
        generic.DictionaryObject(
            {
                generic.pdf_name("/Type"): generic.pdf_name("/OCG"),
                generic.pdf_name("/Name"): generic.TextStringObject("Firmado"),
            }
        )
    )
    raiz["/OCProperties"] = generic.DictionaryObject(
        {
            generic.pdf_name("/OCGs"): generic.ArrayObject([capa]),
            generic.pdf_name("/D"): generic.DictionaryObject(
                {generic.pdf_name("/OFF"): generic.ArrayObject([capa])}
            ),
        }
    )


def javascript(escritor: IncrementalPdfFileWriter, raiz) -> None:
    """Beside the attachment, a document-level JavaScript (the /Names tree's /JavaScript) that
    a viewer runs on opening."""
    accion = escritor.add_object(
        generic.DictionaryObject(
            {
                generic.pdf_name("/S"): generic.pdf_name("/JavaScript"),
                generic.pdf_name("/JS"): generic.TextStringObject(f"app.alert('{TEXTO_FALSO}')"),
            }
        )
    )
    nombres = raiz["/Names"]
    nombres["/JavaScript"] = generic.DictionaryObject(
        {generic.pdf_name("/Names"): generic.ArrayObject([generic.TextStringObject("a"), accion])}
    )
    if isinstance(raiz.raw_get("/Names"), generic.IndirectObject):
        escritor.update_container(nombres)


def campo_de_texto(escritor: IncrementalPdfFileWriter, raiz) -> None:
    """A filled text field in the form beside the signature's own."""
    campo = escritor.add_object(
        generic.DictionaryObject(
            {
                generic.pdf_name("/FT"): generic.pdf_name("/Tx"),
                generic.pdf_name("/T"): generic.TextStringObject("Nota"),
                generic.pdf_name("/V"): generic.TextStringObject(TEXTO_FALSO),
            }
        )
    )
    raiz["/AcroForm"] = escritor.add_object(
        generic.DictionaryObject({generic.pdf_name("/Fields"): generic.ArrayObject([campo])})
    )

"""A PDF's first signature checked offline with pyHanko: its integrity (the digest of the signed
byte ranges and the signature over it), the certificate path to the trust anchors the caller
gives (never to the certificates the PDF carries) at a proven time, what the signed revision
holds, read from its own bytes, and what the updates after it changed.

The time the certificates are judged at is the signature time-stamp's when it has one (PAdES
B-T, RFC 3161: over this very signature value, intact, its TSA chained to the anchors the caller
gives for it), else the moment the caller gives (now): the signing time the signature claims is
the signer's computer clock and proves nothing.

What the updates after the signed revision changed is pyHanko's difference analysis with its
default policy (``DEFAULT_DIFF_POLICY``): later signatures in new fields, document time-stamps,
LTV data (DSS) and /Info are accepted; anything else (a page's content, a page added, an
annotation, the signature dictionary written again) is an illegal modification, and
``cambios_ilegales`` names what it finds of those on the pages, in the catalog and in the
signature. What that policy leaves open (what the signed revision itself changed, a field that
draws over a page, on screen or in print) is read by ``mostrado`` for the caller:
``FirmaPdf.al_firmar``, ``encima`` and ``posterior_valida`` (a later signature's stamp counts
only when that signature, too, passes its own difference analysis up to the last revision).

Revocation (``revocacion``) is judged apart, from what the PDF's document security store
(DSS) holds (the app fetches nothing when it verifies), at the same time as the certificates:
revoked before it, refused; revoked after it, or listed by data issued later, still valid.
"""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from asn1crypto import x509 as asn1_x509
from pyhanko.pdf_utils.generic import IndirectObject, Reference
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.ades.report import AdESIndeterminate
from pyhanko.sign.diff_analysis.constants import ROOT_EXEMPT_STRICT_COMPARISON
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.policy_decl import (
    CertRevTrustPolicy,
    RevocationCheckingPolicy,
    RevocationCheckingRule,
)

from icsoe_desktop.services.pades import mostrado
from icsoe_desktop.services.pades.asincrono import correr
from icsoe_desktop.services.pades.mostrado import CATALOGO, Encima, al_firmar

log = logging.getLogger(__name__)

_SIN_REVOCACION = CertRevTrustPolicy(
    RevocationCheckingPolicy(
        ee_certificate_rule=RevocationCheckingRule.NO_CHECK,
        intermediate_ca_cert_rule=RevocationCheckingRule.NO_CHECK,
    )
)


class FirmaIlegible(Exception):
    """The file is no PDF pyHanko reads, or it holds no signature, or its signature's
    dictionary (its CMS, its SubFilter) was altered into something no reader takes."""

    def __init__(self, codigo: str) -> None:
        super().__init__(codigo)
        self.codigo = codigo  # "ilegible" | "sin_firma" | "alterada"


@dataclass(frozen=True)
class FirmaPosterior:
    """A signature or document time-stamp added after the first signature (nothing checked
    but, for a signature whose visible stamp draws on a page, ``posterior_valida``)."""

    sello: bool  # a document time-stamp (/DocTimeStamp), not a signature
    nombre: str  # the signer's (or TSA's) common name
    momento: datetime | None  # the time it claims (a time-stamp: its token's)
    referencia: int = 0  # its signature dictionary's object number
    certificado: bytes = field(default=b"", repr=False)  # the signer's (TSA's), DER
    otros: tuple[bytes, ...] = field(default=(), repr=False)  # the other certificates
    pagina: int = 0  # the page its visible stamp draws on, found valid (0: none)
    handle: object = field(default=None, repr=False, compare=False)  # pyHanko's
    rfc: str = ""  # the signer's, read from its certificate by the caller ("": none)


@dataclass(frozen=True)
class SelloLeido:
    """A signature time-stamp token as read (nothing checked yet)."""

    momento: datetime  # the TSA's genTime
    certificado: bytes = field(repr=False)  # the TSA's, DER
    otros: tuple[bytes, ...] = field(repr=False)  # the other certificates in the token
    tsa: str  # the TSA's name, for people


@dataclass(frozen=True)
class FirmaPdf:
    """The one signature of a PDF, as read (nothing checked yet)."""

    revision_firmada: bytes = field(repr=False)  # the file up to the end of the signed range
    base: bytes = field(repr=False)  # the revision the signature's own update was added to
    certificado: bytes = field(repr=False)  # the signer's, DER
    otros: tuple[bytes, ...] = field(repr=False)  # the other certificates in the CMS
    momento: datetime | None  # the claimed signing time (/M)
    cambios_posteriores: bool  # bytes after the signed revision
    revisiones: int  # of the signed revision, counting from 1
    objetos_cambiados: frozenset[int]  # object numbers the signing update redefines
    raiz: int  # the catalog's object number
    info: int | None  # the /Info dictionary's
    sello_tiempo: SelloLeido | None = None  # the signature time-stamp (B-T), when there is one
    posteriores: tuple[FirmaPosterior, ...] = ()  # signatures and time-stamps added later
    # What the signing update changed beyond what signing needs (mostrado.al_firmar).
    al_firmar: tuple[tuple[str, Any], ...] = ()


def leer_firma(pdf: bytes) -> tuple[FirmaPdf, object]:
    """The first signature (in signing order) and pyHanko's handle on it (for ``validar``);
    the later ones are listed in ``posteriores``."""
    try:
        lector = PdfFileReader(io.BytesIO(pdf), strict=False)
    except Exception as exc:  # pyHanko raises many kinds for a broken file
        log.info("PDF ilegible para pyHanko: %r", exc)
        raise FirmaIlegible("ilegible") from exc
    try:
        firmas = lector.embedded_signatures
    except Exception as exc:  # a signature's CMS that does not parse, or a broken form
        log.info("Firmas ilegibles para pyHanko: %r", exc)
        raise FirmaIlegible("alterada" if _campo_firmado(lector) else "ilegible") from exc
    if not firmas:
        raise FirmaIlegible("alterada" if _campo_firmado(lector) else "sin_firma")
    firma = firmas[0]
    try:
        # The CMS in the dictionary's /Contents: outside the signed bytes, so a change there
        # is an altered signature, not a damaged file.
        propio = firma.signer_cert.dump()
        otros = tuple(
            c.chosen.dump()
            for c in firma.signed_data["certificates"]
            if c.name == "certificate" and c.chosen.dump() != propio
        )
        sello_tiempo = _sello_tiempo(firma.signer_info)
    except Exception as exc:
        log.info("Firma alterada: %r", exc)
        raise FirmaIlegible("alterada") from exc
    try:
        rango = list(firma.byte_range)
        fin = rango[2] + rango[3]
        revision = firma.signed_revision
        inicio_base = lector.xrefs.get_startxref_for_revision(revision - 1) if revision else 0
        base_fin = pdf.find(b"%%EOF", inicio_base) + 5 if revision else 0
        while base_fin and pdf[base_fin : base_fin + 1] in (b"\r", b"\n"):
            base_fin += 1
        base = pdf[:base_fin]
        cambiados = frozenset(
            r.idnum
            for r in lector.xrefs.explicit_refs_in_revision(revision)
            if not _solo_anotaciones(lector, r, revision)
        )
        info = lector.trailer_view.raw_get("/Info") if "/Info" in lector.trailer_view else None
        try:
            ajeno = al_firmar(lector, revision, firma.sig_field.raw_get("/V").reference)
        except Exception as exc:  # a catalog or page tree too broken to compare: not the base's
            log.info("Revisión firmada no comparable: %r", exc)
            ajeno = ((CATALOGO, ""),)
        leida = FirmaPdf(
            revision_firmada=pdf[:fin],
            base=base,
            certificado=propio,
            otros=otros,
            momento=firma.self_reported_timestamp,
            cambios_posteriores=len(pdf) > fin,
            revisiones=revision + 1,
            objetos_cambiados=cambiados,
            raiz=lector.get_historical_resolver(revision).root_ref.idnum,
            info=getattr(info, "idnum", None),
            sello_tiempo=sello_tiempo,
            posteriores=tuple(map(_posterior, firmas[1:])),
            al_firmar=ajeno,
        )
    except Exception as exc:
        log.info("Firma ilegible: %r", exc)
        raise FirmaIlegible("ilegible") from exc
    return leida, firma


def _sello_tiempo(signer_info: object) -> SelloLeido | None:
    """The first signature time-stamp token among the unsigned attributes, if any."""
    from pyhanko.sign.general import extract_certificate_info
    from pyhanko.sign.validation.generic_cms import extract_tst_data_iter

    for datos in extract_tst_data_iter(signer_info, signed=False):
        certificados = extract_certificate_info(datos)
        propio = certificados.signer_cert
        nombre = propio.subject.native
        return SelloLeido(
            momento=datos["encap_content_info"]["content"].parsed["gen_time"].native,
            certificado=propio.dump(),
            otros=tuple(c.dump() for c in certificados.other_certs),
            tsa=str(nombre.get("common_name") or propio.subject.human_friendly),
        )
    return None


def _campo_firmado(lector: PdfFileReader) -> bool:
    """Whether the PDF has a signature field with a value (one pyHanko did not take)."""
    from pyhanko.sign.fields import enumerate_sig_fields

    try:
        return any(True for _ in enumerate_sig_fields(lector, filled_status=True))
    except Exception:  # no form to walk: no field
        return False


def _posterior(firma: Any) -> FirmaPosterior:
    # ``firma``: one of pyHanko's EmbeddedPdfSignature (a signature or a document time-stamp).
    sello = firma.sig_object_type == "/DocTimeStamp"
    der, otros = b"", ()
    try:
        certificado = firma.signer_cert
        nombre = certificado.subject.native.get("common_name") or certificado.subject.human_friendly
        der = certificado.dump()
        otros = tuple(
            c.chosen.dump()
            for c in firma.signed_data["certificates"]
            if c.name == "certificate" and c.chosen.dump() != der
        )
    except Exception:  # a CMS pyHanko cannot read: listed without a name
        nombre = ""
    try:
        if sello:
            tst = firma.signed_data["encap_content_info"]["content"].parsed
            momento = tst["gen_time"].native
        else:
            momento = firma.self_reported_timestamp
    except Exception:
        momento = None
    referencia = firma.sig_field.raw_get("/V").reference.idnum
    return FirmaPosterior(sello, str(nombre), momento, referencia, der, otros, handle=firma)


# How a later signature stands (``posterior_valida``): valid; not valid here (broken, not its
# whole revision, or not of a trusted issuer); or valid but changed after it beyond what its own
# difference analysis admits (its stamp redrawn, say).
VALIDA, NO_VALIDA, CAMBIADA = "valida", "no_valida", "cambiada"


def posterior_valida(
    posterior: FirmaPosterior, anclas: list[bytes], intermedios: list[bytes], ahora: datetime
) -> str:
    """Whether a later signature is intact, covers its whole revision, its certificate chains
    to ``anclas`` at ``ahora`` and the updates after it pass pyHanko's difference analysis
    (its default policy) up to the last revision."""
    handle: Any = posterior.handle
    try:
        estado = validate_pdf_signature(
            handle, signer_validation_context=_contexto(anclas, intermedios, ahora)
        )
    except Exception as exc:  # a CMS pyHanko cannot evaluate: not valid
        log.info("Firma posterior no evaluable: %r", exc)
        return NO_VALIDA
    cobertura = estado.coverage is not None and (
        estado.coverage >= SignatureCoverageLevel.ENTIRE_REVISION
    )
    if not (estado.intact and estado.valid and estado.trusted and cobertura):
        return NO_VALIDA
    return VALIDA if estado.docmdp_ok else CAMBIADA


def encima(firma: object) -> tuple[Encima, ...]:
    """What draws on the pages of the latest revision of ``firma``'s PDF (mostrado.encima)."""
    handle: Any = firma
    return mostrado.encima(handle.reader)


def _solo_anotaciones(lector: PdfFileReader, ref: Reference, revision: int) -> bool:
    """Whether the signing update changed object ``ref`` only by listing annotations that are
    new objects: the signature's invisible widget, which pyHanko hangs on the first page."""
    try:
        leer = lector.get_object
        antes = leer(ref, revision=revision - 1)  # type: ignore[no-untyped-call]  # pyHanko
        ahora = leer(ref, revision=revision)  # type: ignore[no-untyped-call]  # pyHanko
    except Exception:  # not in the earlier revision: a new object
        return False
    if not (hasattr(antes, "items") and hasattr(ahora, "raw_get")) or "/Annots" in antes:
        return False
    if "/Annots" not in ahora:
        return False
    if {k: v for k, v in ahora.items() if k != "/Annots"} != dict(antes.items()):
        return False
    previos = lector.xrefs.get_xref_container_info(revision - 1)
    tope = int(getattr(previos, "size", 0) or 0)
    anotaciones = ahora.raw_get("/Annots")
    return all(getattr(a, "idnum", 0) >= tope for a in anotaciones) and tope > 0


@dataclass(frozen=True)
class SelloValidado:
    sobre_la_firma: bool  # the token's imprint is the digest of this signature value
    integro: bool  # and the TSA's own signature over the token holds
    confiable: bool  # the TSA's certificate chains to an anchor given for it


_FUERA_DE_VIGENCIA = frozenset(
    (
        AdESIndeterminate.EXPIRED,
        AdESIndeterminate.NOT_YET_VALID,
        AdESIndeterminate.OUT_OF_BOUNDS_NO_POE,
        AdESIndeterminate.OUT_OF_BOUNDS_NOT_REVOKED,
    )
)


@dataclass(frozen=True)
class Validacion:
    intacta: bool  # the signed bytes are the ones signed, and the signature is the signer's
    confiable: bool  # the signer's certificate chains to an anchor (judged apart from time)
    revision_integra: bool  # intact and covering its whole revision
    sello: SelloValidado | None = None  # the signature time-stamp's, when there is one
    momento: datetime | None = None  # when the certificates were judged
    probado: bool = False  # ``momento`` is a trusted time-stamp's (else the caller's: now)
    vigente: bool = True  # every certificate of the path was valid at ``momento``
    cambios_ilegales: bool = False  # pyHanko: ILLEGAL_MODIFICATIONS after the signed revision


def _sobre_la_firma(firma: object) -> bool:
    """Whether the (first) time-stamp token's imprint is the digest of the signature value."""
    from pyhanko.sign.validation.generic_cms import (
        extract_tst_data_iter,
        message_imprint_checker,
    )

    info = firma.signer_info  # type: ignore[attr-defined]  # an EmbeddedPdfSignature
    for datos in extract_tst_data_iter(info, signed=False):
        imprint = datos["encap_content_info"]["content"].parsed["message_imprint"]
        algoritmo = imprint["hash_algorithm"]["algorithm"].native
        try:
            return bool(
                message_imprint_checker(info)(algoritmo) == imprint["hashed_message"].native
            )
        except Exception:  # a digest this build does not know: not proven to be over it
            return False
    return False


def _contexto(
    anclas: list[bytes], intermedios: list[bytes], momento: datetime | None
) -> ValidationContext:
    return ValidationContext(
        trust_roots=[asn1_x509.Certificate.load(a) for a in anclas],
        other_certs=[asn1_x509.Certificate.load(i) for i in intermedios],
        moment=momento,
        allow_fetching=False,
        revinfo_policy=_SIN_REVOCACION,
    )


def validar(
    firma: object,
    anclas: list[bytes],
    intermedios: list[bytes],
    ahora: datetime | None,
    sello: tuple[list[bytes], list[bytes], datetime] | None = None,
) -> Validacion:
    """pyHanko's verdict on ``firma`` (from ``leer_firma``) trusting only ``anclas``, its
    certificates judged at its time-stamp's time when that token is over it, intact and of a
    TSA trusted by ``sello`` (the anchors, other certificates and time to check its TSA with),
    else at ``ahora``; the updates after it judged by pyHanko's default difference policy."""
    handle: Any = firma  # leer_firma's handle: an EmbeddedPdfSignature
    sobre = _sobre_la_firma(handle)
    momento, probado = ahora, False
    if sobre and sello is not None:
        tst = _sello_validado(handle, sello)
        if tst is not None and tst.intact and tst.valid and tst.trusted:
            momento, probado = tst.timestamp, True
    try:
        estado = validate_pdf_signature(
            handle,
            signer_validation_context=_contexto(anclas, intermedios, momento),
            ts_validation_context=_contexto(*sello) if sello else _contexto([], [], None),
        )
    except Exception as exc:  # a CMS pyHanko cannot evaluate: not a valid signature
        log.info("Firma no evaluable: %r", exc)
        return Validacion(False, False, False)
    intacta = bool(estado.intact and estado.valid)
    cobertura = estado.coverage is not None and (
        estado.coverage >= SignatureCoverageLevel.ENTIRE_REVISION
    )
    tst = estado.timestamp_validity
    validado = None
    if tst is not None:
        # pyHanko folds the imprint check into ``intact``: told apart here, a token taken from
        # another signature is not the same refusal as a token altered.
        validado = SelloValidado(sobre, sobre and bool(tst.intact and tst.valid), bool(tst.trusted))
    confiable, vigente = bool(estado.trusted), True
    if not confiable and estado.trust_problem_indic in _FUERA_DE_VIGENCIA:
        # A certificate out of its validity at ``momento``: whether the path holds otherwise
        # (trusted anchor, signatures of the chain) is asked at a time the signer's was valid.
        vigente = False
        confiable = _confiable_en_vigencia(handle, anclas, intermedios)
    return Validacion(
        intacta,
        intacta and confiable,
        intacta and cobertura,
        validado,
        momento,
        probado,
        vigente,
        cambios_ilegales=not estado.docmdp_ok,
    )


def _sello_validado(firma: Any, sello: tuple[list[bytes], list[bytes], datetime]) -> Any:
    """pyHanko's status of the signature time-stamp's token (None: none it can read)."""
    from pyhanko.sign.validation.generic_cms import collect_timing_info

    try:
        datos = correr(
            collect_timing_info(firma.signer_info, _contexto(*sello), firma.compute_digest)
        )
    except Exception as exc:
        log.info("Sello de tiempo no evaluable: %r", exc)
        return None
    return datos.get("timestamp_validity")


# How the signer's certificate stands as to revocation at the time it is judged.
COMPROBADA, REVOCADA, SIN_SERVICIO, SIN_DATOS = (
    "comprobada",
    "revocada",
    "sin_servicio",
    "sin_datos",
)

# Every certificate that says where its revocation is published must be found in the data;
# data issued after that time count (a CRL fetched later still says when it was revoked).
_SI_SE_PUBLICA = CertRevTrustPolicy(
    RevocationCheckingPolicy(
        ee_certificate_rule=RevocationCheckingRule.CHECK_IF_DECLARED,
        intermediate_ca_cert_rule=RevocationCheckingRule.CHECK_IF_DECLARED,
    ),
    retroactive_revinfo=True,
)


@dataclass(frozen=True)
class Revocacion:
    estado: str  # COMPROBADA: not revoked then; SIN_SERVICIO: the issuer publishes none;
    # SIN_DATOS: published, but the PDF holds none that speak of that time
    momento: datetime  # the time it was judged at
    fecha: datetime | None = None  # when it was revoked (REVOCADA)
    propia: bool = True  # the signer's own certificate was revoked (else an issuer's)


def _publica(certificado: asn1_x509.Certificate) -> bool:
    return bool(certificado.crl_distribution_points or certificado.ocsp_urls)


def revocacion(
    firma: object, anclas: list[bytes], intermedios: list[bytes], momento: datetime
) -> Revocacion:
    """Whether ``firma``'s certificate (and its issuers) had been revoked at ``momento``,
    according to the revocation data the PDF's DSS holds."""
    from pyhanko.sign.validation.dss import DocumentSecurityStore
    from pyhanko_certvalidator import CertificateValidator
    from pyhanko_certvalidator.errors import RevokedError

    handle: Any = firma
    certificado = handle.signer_cert
    otros = [asn1_x509.Certificate.load(i) for i in intermedios]
    if not any(map(_publica, [certificado, *otros])):
        return Revocacion(SIN_SERVICIO, momento)
    try:
        dss = DocumentSecurityStore.read_dss(handle.reader)
        contexto = dss.as_validation_context(
            {
                "trust_roots": [asn1_x509.Certificate.load(a) for a in anclas],
                "other_certs": otros,
                "moment": momento,
                "allow_fetching": False,
                "revinfo_policy": _SI_SE_PUBLICA,
            }
        )
        validador = CertificateValidator(
            certificado, intermediate_certs=otros, validation_context=contexto
        )
        correr(validador.async_validate_path())
    except RevokedError as exc:
        return Revocacion(REVOCADA, momento, exc.revocation_dt, exc.is_ee_cert)
    except Exception as exc:  # no DSS, no data for that time, data that do not verify
        log.info("Revocación no comprobada: %r", exc)
        return Revocacion(SIN_DATOS, momento)
    return Revocacion(COMPROBADA, momento)


def _confiable_en_vigencia(firma: Any, anclas: list[bytes], intermedios: list[bytes]) -> bool:
    vigencia = firma.signer_cert["tbs_certificate"]["validity"]
    desde, hasta = vigencia["not_before"].native, vigencia["not_after"].native
    try:
        estado = validate_pdf_signature(
            firma,
            signer_validation_context=_contexto(anclas, intermedios, desde + (hasta - desde) / 2),
            ts_validation_context=_contexto([], [], None),
            skip_diff=True,
        )
    except Exception:
        return False
    return bool(estado.trusted)


# What an illegal update changed (``cambios_ilegales``), as codes with their page (from 1) or,
# for the catalog, the key (one pyHanko lets change, /AcroForm, /DSS..., never named).
FIRMA_REDEFINIDA, PAGINAS_AGREGADAS, PAGINAS_QUITADAS = "firma", "paginas+", "paginas-"
CONTENIDO, ANOTACION, CAMPO, OTRO = "contenido", "anotacion", "campo", "otro"


Cambio = tuple[str, int | str | Encima]  # a code and its page, count, catalog key or field


def cambios_ilegales(firma: object) -> tuple[Cambio, ...]:
    """What the updates after ``firma``'s signed revision changed on its pages and in its
    signature dictionary (``OTRO`` alone when it is none of those)."""
    handle: Any = firma
    try:
        encontrados = _cambios(handle.reader, handle)
    except Exception as exc:  # a structure too broken to walk: still a change
        log.info("Cambios no identificables: %r", exc)
        encontrados = []
    return tuple(encontrados) or ((OTRO, 0),)


def _cambios(lector: PdfFileReader, firma: Any) -> list[Cambio]:
    cambios: list[Cambio] = []
    ref_firma = firma.sig_field.raw_get("/V").reference
    definida = [
        r
        for r in range(lector.xrefs.total_revisions)
        if ref_firma in lector.xrefs.explicit_refs_in_revision(r)
    ]
    if len(definida) > 1:
        cambios.append((FIRMA_REDEFINIDA, 0))
    firmada = lector.get_historical_resolver(firma.signed_revision)
    antes = mostrado.paginas(firmada.root["/Pages"])
    ahora = mostrado.paginas(lector.root["/Pages"])
    if len(ahora) > len(antes):
        cambios.append((PAGINAS_AGREGADAS, len(ahora) - len(antes)))
    elif len(ahora) < len(antes):
        cambios.append((PAGINAS_QUITADAS, len(antes) - len(ahora)))
    viejo, nuevo = firmada.root, lector.root
    for clave in sorted((set(viejo) | set(nuevo)) - ROOT_EXEMPT_STRICT_COMPARISON):
        if dict.get(viejo, clave) != dict.get(nuevo, clave):
            cambios.append((CATALOGO, str(clave)))
    for numero, (vieja, nueva) in enumerate(zip(antes, ahora, strict=False), start=1):
        if _contenido(vieja) != _contenido(nueva):
            cambios.append((CONTENIDO, numero))
        previas = {a.reference for a in _lista(vieja.get("/Annots"))}
        for anotacion in _lista(nueva.get("/Annots")):
            objeto = anotacion.get_object()
            if anotacion.reference not in previas and not _de_firma(objeto):
                if mostrado.es_campo(objeto) and mostrado.dibuja(objeto):
                    cambios.append((CAMPO, mostrado.descrita(objeto, numero)))
                else:
                    cambios.append((ANOTACION, numero))
                break
    return cambios


def _lista(valor: Any) -> list[Any]:
    valor = valor.get_object() if valor is not None else None
    return [v for v in valor if isinstance(v, IndirectObject)] if valor else []


def _contenido(pagina: Any) -> bytes:
    contenido = pagina.get("/Contents")
    contenido = contenido.get_object() if contenido is not None else None
    partes = contenido if isinstance(contenido, list) else [contenido] if contenido else []
    return b"\n".join(bytes(p.get_object().data) for p in partes)


def _de_firma(anotacion: Any) -> bool:
    """A signature field's widget (what a later signature adds to a page)."""
    campo = anotacion.get("/Parent", anotacion)
    return bool(anotacion.get("/Subtype") == "/Widget" and campo.get("/FT") == "/Sig")

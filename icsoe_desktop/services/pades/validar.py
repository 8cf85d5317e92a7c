"""A PDF's signature checked offline with pyHanko: its integrity (the digest of the signed byte
ranges and the signature over it), the certificate path to the trust anchors the caller gives
(never to the certificates the PDF carries) at the signing time the signature claims, and what
the signed revision holds, read from its own bytes (what follows it is a later change).

No revocation is checked: a B-B signature carries none and the app fetches nothing. A
signature time-stamp (PAdES B-T, RFC 3161) is read apart (``SelloLeido``) and checked with the
signature: that its token is over this very signature value, signed by its TSA, and whether the
TSA chains to the anchors the caller gives for it.
"""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass, field
from datetime import datetime

from asn1crypto import x509 as asn1_x509
from pyhanko.pdf_utils.generic import Reference
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.policy_decl import (
    CertRevTrustPolicy,
    RevocationCheckingPolicy,
    RevocationCheckingRule,
)

log = logging.getLogger(__name__)

_SIN_REVOCACION = CertRevTrustPolicy(
    RevocationCheckingPolicy(
        ee_certificate_rule=RevocationCheckingRule.NO_CHECK,
        intermediate_ca_cert_rule=RevocationCheckingRule.NO_CHECK,
    )
)


class FirmaIlegible(Exception):
    """The file is no PDF pyHanko reads, or it holds no signature, or more than one."""

    def __init__(self, codigo: str) -> None:
        super().__init__(codigo)
        self.codigo = codigo  # "ilegible" | "sin_firma" | "varias_firmas"


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


def leer_firma(pdf: bytes) -> tuple[FirmaPdf, object]:
    """The signature and pyHanko's handle on it (for ``validar``)."""
    try:
        lector = PdfFileReader(io.BytesIO(pdf), strict=False)
        firmas = lector.embedded_signatures
    except Exception as exc:  # pyHanko raises many kinds for a broken file
        log.info("PDF ilegible para pyHanko: %r", exc)
        raise FirmaIlegible("ilegible") from exc
    if not firmas:
        raise FirmaIlegible("sin_firma")
    if len(firmas) > 1:
        raise FirmaIlegible("varias_firmas")
    firma = firmas[0]
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
        propio = firma.signer_cert.dump()
        otros = tuple(
            c.chosen.dump()
            for c in firma.signed_data["certificates"]
            if c.name == "certificate" and c.chosen.dump() != propio
        )
        leida = FirmaPdf(
            revision_firmada=pdf[:fin],
            base=base,
            certificado=propio,
            otros=otros,
            momento=firma.self_reported_timestamp,
            cambios_posteriores=len(pdf) > fin,
            revisiones=revision + 1,
            objetos_cambiados=cambiados,
            raiz=lector.root_ref.idnum,
            info=getattr(info, "idnum", None),
            sello_tiempo=_sello_tiempo(firma.signer_info),
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


@dataclass(frozen=True)
class Validacion:
    intacta: bool  # the signed bytes are the ones signed, and the signature is the signer's
    confiable: bool  # the signer's certificate chains to an anchor at the signing time
    revision_integra: bool  # intact and covering its whole revision
    sello: SelloValidado | None = None  # the signature time-stamp's, when there is one


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
    momento: datetime | None,
    sello: tuple[list[bytes], list[bytes], datetime] | None = None,
) -> Validacion:
    """pyHanko's verdict on ``firma`` (from ``leer_firma``) trusting only ``anclas``; ``sello``:
    the anchors, other certificates and time to check its time-stamp's TSA with."""
    # The signer's certificates at the claimed time (the sealed one, checked by the caller).
    contexto = _contexto(anclas, intermedios, momento)
    contexto_sello = None if sello is None else _contexto(*sello)
    try:
        estado = validate_pdf_signature(
            firma,  # type: ignore[arg-type]  # leer_firma's handle: an EmbeddedPdfSignature
            signer_validation_context=contexto,
            ts_validation_context=contexto_sello or _contexto([], [], None),
            skip_diff=True,  # later revisions are reported as such, not judged
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
        sobre = _sobre_la_firma(firma)
        validado = SelloValidado(sobre, sobre and bool(tst.intact and tst.valid), bool(tst.trusted))
    return Validacion(intacta, bool(intacta and estado.trusted), intacta and cobertura, validado)

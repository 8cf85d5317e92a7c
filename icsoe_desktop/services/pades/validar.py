"""A PDF's signature checked offline with pyHanko: its integrity (the digest of the signed byte
ranges and the signature over it), the certificate path to the trust anchors the caller gives
(never to the certificates the PDF carries) at the signing time the signature claims, and what
the signed revision holds, read from its own bytes (what follows it is a later change).

No revocation is checked: a B-B signature carries none and the app fetches nothing.
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
        )
    except Exception as exc:
        log.info("Firma ilegible: %r", exc)
        raise FirmaIlegible("ilegible") from exc
    return leida, firma


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
class Validacion:
    intacta: bool  # the signed bytes are the ones signed, and the signature is the signer's
    confiable: bool  # the signer's certificate chains to an anchor at the signing time
    revision_integra: bool  # intact and covering its whole revision


def validar(
    firma: object, anclas: list[bytes], intermedios: list[bytes], momento: datetime | None
) -> Validacion:
    """pyHanko's verdict on ``firma`` (from ``leer_firma``) trusting only ``anclas``."""
    contexto = ValidationContext(
        trust_roots=[asn1_x509.Certificate.load(a) for a in anclas],
        other_certs=[asn1_x509.Certificate.load(i) for i in intermedios],
        moment=momento,  # B-B has no time-stamp: the certificates at the claimed time
        allow_fetching=False,
        revinfo_policy=_SIN_REVOCACION,
    )
    try:
        estado = validate_pdf_signature(
            firma,  # type: ignore[arg-type]  # leer_firma's handle: an EmbeddedPdfSignature
            signer_validation_context=contexto,
            skip_diff=True,  # later revisions are reported as such, not judged
        )
    except Exception as exc:  # a CMS pyHanko cannot evaluate: not a valid signature
        log.info("Firma no evaluable: %r", exc)
        return Validacion(False, False, False)
    intacta = bool(estado.intact and estado.valid)
    cobertura = estado.coverage is not None and (
        estado.coverage >= SignatureCoverageLevel.ENTIRE_REVISION
    )
    return Validacion(intacta, bool(intacta and estado.trusted), intacta and cobertura)

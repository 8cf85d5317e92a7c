"""Trusted issuers (emisores confiables) and the chain of signatures from a certificate to them.

A certificate is from a trusted issuer when its signature verifies, key by key, up a chain to a
trust anchor: a root (self-signed) installed with the app, or a CA that IT added on this desktop.
A shipped intermediate (SAT's AC0-AC7) counts only through its root (Banco de México's ARC).
Names never decide: AC6's names are mis-encoded in the certificate itself, and anyone can write
"AUTORIDAD CERTIFICADORA" in a certificate of their own.

Each installed CA has one purpose (``uso``): an e.firma issuer, or the root of a time-stamp
authority (TSA). A signer's path is walked only through e.firma issuers and a time-stamp token's
only through TSA authorities (``TrustStore.para``): trusting a commercial CA for its time-stamps
must not make everyone who buys a certificate from it a trusted signer.

Validity dates of the CAs are not checked: an expired AC still recognises the certificates it
issued while it was in force; whether the leaf itself is vigente is ``CertificateInfo.estado``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from functools import lru_cache

from icsoe_desktop.domain.credentials import (
    FIELD_CERTIFICADO,
    CredentialError,
    load_certificate,
    repair_mojibake,
    signed_by,
)
from icsoe_desktop.domain.credentials.certificates import RawCertificate, raw_certificate
from icsoe_desktop.domain.credentials.signatures import verify_signature

_MAX_CHAIN = 6  # leaf → AC → ARC is 3; a few more for cross-certificates

# What an installed CA is trusted for, and how the window and the CLI name it.
USO_EFIRMA, USO_SELLO = "efirma", "sello"
USOS = {USO_EFIRMA: "Emisor de e.firma", USO_SELLO: "Autoridad de sellos de tiempo"}


@dataclass(frozen=True)
class Emisor:
    """An installed CA certificate, as the Emisores confiables window lists it."""

    der: bytes = field(repr=False)
    sha256: str  # of the certificate DER, hex lower case: its identity and fingerprint
    nombre: str  # CN (or O), mojibake repaired
    sujeto: str  # the whole subject, "CN=…, O=…"
    valido_desde: datetime
    valido_hasta: datetime
    incluido: bool  # shipped with the app (True) or added on this desktop (False)
    archivo: str = ""
    raiz: bool = False  # self-signed and its own signature verifies
    ca: bool | None = None  # basicConstraints cA (None: a v1 certificate without it)
    # One of the SAT's test authorities (AC UAT), trusted only in the modo de capacitación.
    capacitacion: bool = False
    # The SAT's «No. de certificado»: what tells apart its authorities of the same name.
    serie: str = ""
    uso: str = USO_EFIRMA  # USO_EFIRMA or USO_SELLO: which paths it may vouch for

    @property
    def ancla(self) -> bool:
        """A trust anchor: a shipped root, any CA IT chose to trust here, or a test authority
        while the modo de capacitación is on (the SAT's test roots are published nowhere)."""
        return self.raiz or not self.incluido or self.capacitacion

    @property
    def huella(self) -> str:
        """The SHA-256 fingerprint as certificate viewers print it (AA:BB:…)."""
        return ":".join(self.sha256[i : i + 2] for i in range(0, len(self.sha256), 2)).upper()


_SUBJECT_LABELS = {
    "2.5.4.3": "CN",
    "2.5.4.10": "O",
    "2.5.4.11": "OU",
    "2.5.4.6": "C",
    "2.5.4.8": "ST",
    "2.5.4.7": "L",
}


def read_emisor(data: bytes, *, incluido: bool, archivo: str = "") -> Emisor:
    """A CA certificate file (DER, PEM or base64). Raises CredentialError with a Spanish message
    when it is not a certificate, or is one that cannot sign others (an end-entity certificate)."""
    info = load_certificate(data)
    raw = raw_certificate(info.certificado_der)  # parsed by load_certificate already
    if raw.ca is False:
        raise CredentialError(
            "no_es_autoridad",
            f"El certificado de {info.nombre or 'este archivo'} no es de una autoridad "
            "certificadora: no puede emitir otros certificados.",
            FIELD_CERTIFICADO,
        )
    der = info.certificado_der
    sujeto = ", ".join(
        f"{_SUBJECT_LABELS[oid]}={repair_mojibake(value)}"
        for oid, value in raw.subject
        if oid in _SUBJECT_LABELS
    )
    return Emisor(
        der=der,
        sha256=hashlib.sha256(der).hexdigest(),
        nombre=repair_mojibake(info.nombre),
        sujeto=sujeto,
        valido_desde=info.valido_desde,
        valido_hasta=info.valido_hasta,
        incluido=incluido,
        archivo=archivo,
        serie=info.no_certificado,
        raiz=raw.subject_der == raw.issuer.raw() and signed_by(der, der),
        ca=raw.ca,
    )


class TrustStore:
    """The installed issuers; ``chain`` answers whether a certificate comes from one of them."""

    def __init__(self, emisores: Iterable[Emisor]) -> None:
        unique: dict[tuple[str, str], Emisor] = {}
        for emisor in emisores:  # the same certificate shipped twice (.cer and .crt) counts once
            key = (emisor.sha256, emisor.uso)
            if key not in unique or not emisor.incluido:
                unique[key] = emisor
        self.emisores: list[Emisor] = list(unique.values())
        self._por_uso: dict[str, TrustStore] = {}
        # The store is rebuilt when the folders change, so answers can be kept: the lists and
        # the login panel ask about the same few certificates again and again.
        self._answers: dict[tuple[bytes, ...], list[Emisor]] = {}

    def __len__(self) -> int:
        return len(self.emisores)

    def para(self, uso: str) -> TrustStore:
        """Only the issuers trusted for ``uso`` (USO_EFIRMA or USO_SELLO)."""
        if uso not in self._por_uso:
            self._por_uso[uso] = TrustStore(e for e in self.emisores if e.uso == uso)
        return self._por_uso[uso]

    def chain(self, certificate_der: bytes, intermediates: Sequence[bytes] = ()) -> list[Emisor]:
        """The issuers from ``certificate_der``'s up to an anchor; [] when none verifies.

        ``intermediates`` (the other certificates of a .pfx) may fill a gap in the path but are
        never anchors themselves.
        """
        key = (certificate_der, *intermediates)
        if key not in self._answers:
            extra = [_intermediate(der) for der in intermediates if der != certificate_der]
            pool = [*self.emisores, *(emisor for emisor in extra if emisor is not None)]
            self._answers[key] = self._walk(certificate_der, pool, set(), 0) or []
        return self._answers[key]

    def verifies(self, certificate_der: bytes, intermediates: Sequence[bytes] = ()) -> bool:
        return bool(self.chain(certificate_der, intermediates))

    def _walk(
        self, der: bytes, pool: list[Emisor], seen: set[str], depth: int
    ) -> list[Emisor] | None:
        if depth >= _MAX_CHAIN:
            return None
        for issuer in pool:
            if issuer.sha256 in seen or issuer.ca is False:
                continue
            if not self._signed_by(der, issuer.der):
                continue
            if issuer.ancla:
                return [issuer]
            if issuer.der == der:  # a self-signed intermediate that is no anchor: dead end
                continue
            rest = self._walk(issuer.der, pool, seen | {issuer.sha256}, depth + 1)
            if rest:
                return [issuer, *rest]
        return None

    def _signed_by(self, der: bytes, issuer_der: bytes) -> bool:
        """``signed_by``, with each certificate parsed once."""
        try:
            verify_signature(_parsed(issuer_der).spki, _parsed(der))
        except Exception:  # unreadable, other key type, bad signature: all "no"
            return False
        return True


@lru_cache(maxsize=512)
def _parsed(der: bytes) -> RawCertificate:
    """Per process: every store of issuers (one per empresa opened, one more each time the
    folders change) walks the same installed certificates."""
    return raw_certificate(der)


def _intermediate(der: bytes) -> Emisor | None:
    """A certificate that came with the file: a link of the path, never an anchor."""
    try:
        return replace(read_emisor(der, incluido=True), raiz=False)
    except CredentialError:
        return None

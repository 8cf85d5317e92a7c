"""Certificates and names: ``CertificateInfo`` (what the window shows and the store keeps), the
vigencia rule, and a .cer read with our own DER reader (SAT's names, RFC and CURP, FIEL/CSD/IMSS).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from icsoe_desktop.domain.credentials.der import (
    BITS,
    INTEGER,
    SEQUENCE,
    SET,
    Malformed,
    Node,
    directory_string,
    expect,
    items,
    octets,
    parse,
    read_oid,
)
from icsoe_desktop.domain.credentials.files import certificate_file_der, require_file
from icsoe_desktop.domain.credentials.messages import (
    FIELD_CERTIFICADO,
    credential_error,
    guarded_loader,
)

POR_VENCER_DIAS = 30


@dataclass(frozen=True)
class CertificateInfo:
    """What the window shows and the store keeps about a certificate (all public)."""

    rfc: str  # 12 (moral) or 13 (física); "" when the certificate carries none
    persona: str  # "moral" | "fisica" ("" without an RFC)
    curp: str | None
    rfc_representante: str | None
    curp_representante: str | None
    nombre: str
    tipo: str  # "FIEL" | "CSD" | "IMSS"
    sucursal: str | None
    no_certificado: str
    valido_desde: datetime
    valido_hasta: datetime
    emisor: str
    emisor_der: bytes = field(repr=False)
    certificado_der: bytes = field(repr=False)

    def estado(self, now: datetime | None = None) -> str:
        """``vigente``, ``por_vencer`` (30 days or less left), ``vencido`` or ``no_vigente_aun``."""
        return validity_state(self.valido_desde, self.valido_hasta, now)


def validity_state(
    valido_desde: datetime, valido_hasta: datetime, now: datetime | None = None
) -> str:
    """The rule behind ``CertificateInfo.estado``, also for dates kept in the store.

    Naive datetimes (``now`` or the bounds) are UTC, like the rest of the app (domain.clock).
    """
    desde, hasta = _as_utc(valido_desde), _as_utc(valido_hasta)
    moment = datetime.now(UTC) if now is None else _as_utc(now)
    if moment < desde:
        return "no_vigente_aun"
    if moment > hasta:
        return "vencido"
    if hasta - moment <= timedelta(days=POR_VENCER_DIAS):
        return "por_vencer"
    return "vigente"


def _as_utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


# --- reading a certificate ----------------------------------------------------------------------

_OID_CN = "2.5.4.3"
_OID_SERIAL_NUMBER = "2.5.4.5"
_OID_O = "2.5.4.10"
_OID_OU = "2.5.4.11"
_OID_NAME = "2.5.4.41"
_OID_UNIQUE_ID = "2.5.4.45"
_OID_EKU = "2.5.29.37"
_OID_BASIC_CONSTRAINTS = "2.5.29.19"
_OID_KEY_USAGE = "2.5.29.15"
_OID_CLIENT_AUTH = "1.3.6.1.5.5.7.3.2"
_OID_EMAIL_PROTECTION = "1.3.6.1.5.5.7.3.4"

RFC_PATTERN = re.compile(r"[A-ZÑ&]{3,4}\d{6}[A-Z\d]{3}")
_CURP = re.compile(r"[A-Z]{4}\d{6}[HMX][A-Z]{5}[A-Z\d]\d")


@dataclass(frozen=True, slots=True)
class RawCertificate:
    """Every part of a certificate we use (``domain/trust.py`` keeps them per certificate)."""

    serial: bytes
    issuer: Node
    subject: list[tuple[str, str]]
    eku: frozenset[str] | None  # None: no extended key usage extension
    valid_from: datetime
    valid_to: datetime
    spki: bytes  # SubjectPublicKeyInfo DER
    tbs: bytes  # what the issuer signed
    signature_algorithm: Node
    signature: bytes
    subject_der: bytes
    ca: bool | None  # basicConstraints cA; None without the extension (v1 roots)


def _name(node: Node) -> list[tuple[str, str]]:
    attributes = []
    for rdn in items(node):
        for pair in items(rdn, SET):
            oid_node, value = items(pair, minimum=2)[:2]
            attributes.append((read_oid(oid_node), directory_string(value)))
    return attributes


def _first(attributes: list[tuple[str, str]], oid: str) -> str | None:
    return next((value.strip() for key, value in attributes if key == oid and value.strip()), None)


def _extension_values(extensions: Node | None) -> dict[str, Node]:
    """extnID → the parsed extnValue, for the extensions we read."""
    found: dict[str, Node] = {}
    if extensions is None:
        return found
    for extension in items(items(extensions, 0xA3, 1)[0]):
        parts = items(extension, minimum=2)
        key = read_oid(parts[0])
        if key in (_OID_EKU, _OID_BASIC_CONSTRAINTS, _OID_KEY_USAGE):
            found[key] = parse(octets(parts[-1]))
    return found


def _extended_key_usage(values: dict[str, Node]) -> frozenset[str] | None:
    usages = values.get(_OID_EKU)
    return None if usages is None else frozenset(read_oid(usage) for usage in items(usages))


def _is_ca(values: dict[str, Node]) -> bool | None:
    """May it sign certificates? basicConstraints cA, else False when a keyUsage lacks
    keyCertSign; None when neither says (v1 roots)."""
    constraints = values.get(_OID_BASIC_CONSTRAINTS)
    if constraints is not None:
        parts = items(constraints)
        return bool(parts and parts[0].tag == 0x01 and parts[0].content() not in (b"", b"\x00"))
    usage = values.get(_OID_KEY_USAGE)
    if usage is not None:
        bits = usage.content()[1:2]
        return bool(bits and bits[0] & 0x04)  # keyCertSign
    return None


def _time(node: Node) -> datetime:
    """UTCTime (YYMMDDHHMM[SS]Z, 1950-2049) or GeneralizedTime (YYYYMMDDHHMMSS[.f]Z)."""
    text = node.content().decode("ascii", "replace").rstrip("Z")
    try:
        if node.tag == 0x17:
            year = int(text[:2])
            text = f"{1900 + year if year >= 50 else 2000 + year}{text[2:]}"
        elif node.tag != 0x18:
            raise Malformed("expected a time")
        text = text.partition(".")[0].ljust(14, "0")
        return datetime.strptime(text[:14], "%Y%m%d%H%M%S").replace(tzinfo=UTC)
    except ValueError as exc:
        raise Malformed("bad time") from exc


def raw_certificate(der: bytes) -> RawCertificate:
    """Every part we use, by our own reader: cryptography refuses some SAT names (AC6's)."""
    outer = items(parse(der), minimum=3)
    tbs = items(outer[0], minimum=6)
    if tbs[0].tag == 0xA0:  # [0] version: absent in v1 certificates
        tbs = tbs[1:]
    if len(tbs) < 6:
        raise Malformed("short TBSCertificate")
    serial, _algorithm, issuer, validity, subject, spki = tbs[:6]
    extensions = next((node for node in tbs[6:] if node.tag == 0xA3), None)
    values = _extension_values(extensions)
    valid_from, valid_to = (_time(node) for node in items(validity, minimum=2)[:2])
    signature = expect(outer[2], BITS).content()
    return RawCertificate(
        serial=expect(serial, INTEGER).content().lstrip(b"\x00"),
        issuer=issuer,
        subject=_name(subject),
        eku=_extended_key_usage(values),
        valid_from=valid_from,
        valid_to=valid_to,
        spki=expect(spki, SEQUENCE).raw(),
        tbs=outer[0].raw(),
        signature_algorithm=expect(outer[1], SEQUENCE),
        signature=signature[1:],  # the unused-bits octet
        subject_der=subject.raw(),
        ca=_is_ca(values),
    )


def _no_certificado(serial: bytes) -> str:
    """SAT's "No. de certificado": the serial's 20 octets are ASCII digits."""
    if len(serial) == 20 and serial.isdigit():
        return serial.decode("ascii")
    return str(int.from_bytes(serial, "big"))


def _split_pair(value: str | None) -> tuple[str | None, str | None]:
    """``"OWN / REPRESENTANTE"`` (either side may be empty) → the two parts, upper case."""
    if not value:
        return None, None
    own, _, other = value.partition("/")
    return own.strip().upper() or None, other.strip().upper() or None


def _find_rfc(attributes: list[tuple[str, str]]) -> str | None:
    """An RFC-shaped word anywhere in the subject: for certificates not issued by the SAT."""
    for _attribute, value in attributes:
        found = RFC_PATTERN.search(value.upper())
        if found:
            return found.group()
    return None


def _tipo(raw: RawCertificate) -> str:
    is_sat = _first(raw.subject, _OID_UNIQUE_ID) is not None
    if is_sat and raw.eku is not None and {_OID_CLIENT_AUTH, _OID_EMAIL_PROTECTION} <= raw.eku:
        return "FIEL"
    if is_sat and raw.eku is None and _first(raw.subject, _OID_OU):
        return "CSD"
    return "IMSS"


def _info(der: bytes, raw: RawCertificate) -> CertificateInfo:
    rfc, rfc_representante = _split_pair(_first(raw.subject, _OID_UNIQUE_ID))
    if rfc is None or len(rfc) not in (12, 13):
        rfc = _find_rfc(raw.subject) or ""
    # serialNumber holds CURPs in SAT certificates; other issuers put other things there.
    curp, curp_representante = (
        value if value and _CURP.fullmatch(value) else None
        for value in _split_pair(_first(raw.subject, _OID_SERIAL_NUMBER))
    )
    issuer = _name(raw.issuer)
    tipo = _tipo(raw)
    return CertificateInfo(
        rfc=rfc,
        persona={12: "moral", 13: "fisica"}.get(len(rfc), ""),
        curp=curp,
        rfc_representante=rfc_representante,
        curp_representante=curp_representante,
        nombre=_first(raw.subject, _OID_CN)
        or _first(raw.subject, _OID_NAME)
        or _first(raw.subject, _OID_O)
        or "",
        tipo=tipo,
        sucursal=_first(raw.subject, _OID_OU) if tipo == "CSD" else None,
        no_certificado=_no_certificado(raw.serial),
        valido_desde=raw.valid_from,
        valido_hasta=raw.valid_to,
        emisor=repair_mojibake(_first(issuer, _OID_CN) or _first(issuer, _OID_O) or ""),
        emisor_der=raw.issuer.raw(),
        certificado_der=der,
    )


def repair_mojibake(text: str) -> str:
    """``AdministraciÃ³n`` → ``Administración``: UTF-8 read as Latin-1 once too often (AC6)."""
    try:
        return text.encode("latin-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return text


def read_certificate(der: bytes, field_name: str) -> tuple[CertificateInfo, RawCertificate]:
    """A certificate's DER, read; unreadable is a CredentialError on ``field_name``'s input."""
    try:
        der = parse(der).raw()  # without trailing bytes
        raw = raw_certificate(der)
        return _info(der, raw), raw
    except Malformed as exc:
        raise credential_error("certificado_invalido", field_name) from exc


@guarded_loader("certificado_invalido", FIELD_CERTIFICADO)
def load_certificate(data: bytes) -> CertificateInfo:
    """A .cer alone (DER, PEM or base64 text)."""
    der = certificate_file_der(require_file(data, FIELD_CERTIFICADO))
    return read_certificate(der, FIELD_CERTIFICADO)[0]

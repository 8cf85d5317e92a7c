"""SAT e.firma (FIEL) / CSD pairs (.cer + .key) and IMSS certificates (.pfx).

Reads every variant met in the wild (ARCHITECTURE.md, "Credentials: facts about the real files")
and turns every failure into a ``CredentialError`` with a stable ``code`` (the ``cert inspect``
CLI contract) and a Spanish message. Nothing else escapes the loaders: these files come from
users' disks, damaged or swapped more often than not.

Names are read with a small DER reader of our own instead of ``cryptography``: SAT writes Ñ as a
Latin-1 byte inside a T61String, which ``cryptography`` refuses, and stores the RFC in
x500UniqueIdentifier as a PrintableString. The same reader looks at the outer structure of keys
and .pfx files first, so that a damaged file is told apart from a wrong password.

``cryptography`` (~80 ms to import) is imported inside the functions that use it: importing this
module costs nothing at application start-up.
"""

from __future__ import annotations

import base64
import binascii
import functools
import hashlib
import hmac
import itertools
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from icsoe_desktop.domain.errors import DomainError

if TYPE_CHECKING:
    from cryptography import x509


class CredentialError(DomainError):
    """A certificate, key or .pfx that cannot be used; ``code`` is one of ``MESSAGES``' keys."""


# Field hints (DomainError.field) for the window: which input to focus.
FIELD_CERTIFICADO = "certificado"
FIELD_LLAVE = "llave"
FIELD_PFX = "pfx"
FIELD_USUARIO = "usuario"
FIELD_CONTRASENA = "contrasena"

MESSAGES: dict[str, str] = {
    "archivo_vacio": "El archivo está vacío.",
    "certificado_invalido": (
        "El archivo de certificado (.cer) está dañado o no es un certificado digital."
    ),
    "llave_invalida": "El archivo de llave privada (.key) está dañado o no es una llave privada.",
    "archivos_invertidos": (
        "Los archivos están invertidos: el certificado es el archivo .cer y la llave privada el "
        "archivo .key."
    ),
    "contrasena_incorrecta": "La contraseña de la llave privada es incorrecta.",
    "llave_no_corresponde": "La llave privada (.key) no corresponde al certificado (.cer).",
    "pfx_invalido": "El archivo .pfx está dañado o no es un certificado digital PKCS#12 (.pfx).",
    "pfx_sin_llave": (
        "El archivo .pfx no contiene la llave privada; expórtalo de nuevo incluyendo la llave "
        "privada."
    ),
    "cifrado_no_soportado": "El archivo está cifrado con un algoritmo que no se puede leer.",
}

_EMPTY_MESSAGES = {
    FIELD_CERTIFICADO: "El archivo de certificado (.cer) está vacío.",
    FIELD_LLAVE: "El archivo de llave privada (.key) está vacío.",
    FIELD_PFX: "El archivo .pfx está vacío.",
}


def _error(code: str, field_name: str | None, message: str | None = None) -> CredentialError:
    return CredentialError(code, message or MESSAGES[code], field_name)


# --- the result ----------------------------------------------------------------------------------

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


@dataclass(frozen=True)
class Credential:
    """A certificate and the private key that belongs to it (checked when loaded)."""

    info: CertificateInfo
    private_key: Any = field(repr=False, compare=False)  # a cryptography private key object

    def private_key_pkcs8_der(self) -> bytes:
        """Unencrypted PKCS#8 DER: for the OS keyring only, never for a file."""
        from cryptography.hazmat.primitives import serialization

        return self.private_key.private_bytes(
            serialization.Encoding.DER,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )


# --- a small BER/DER reader ----------------------------------------------------------------------
# Enough ASN.1 for names, key envelopes and the PKCS#12 layout. BER is accepted (indefinite
# lengths, constructed OCTET STRINGs) because old Windows and Java tools write .pfx files so.


class _Malformed(Exception):
    """Raised by the reader; callers turn it into the CredentialError of their file."""


_MAX_DEPTH = 32
_SEQUENCE, _SET, _INTEGER, _OCTETS, _OID, _BITS = 0x30, 0x31, 0x02, 0x04, 0x06, 0x03


class _Node:
    """One element of ``buf``, by offsets (a plain class: made by the hundred per file)."""

    __slots__ = ("body", "buf", "depth", "end", "start", "stop", "tag")

    def __init__(
        self, buf: bytes, tag: int, start: int, body: int, stop: int, end: int, depth: int
    ) -> None:
        self.buf = buf
        self.tag = tag  # the first identifier octet (we never need high tag numbers)
        self.start = start
        self.body = body  # first content octet
        self.stop = stop  # end of the content (before an indefinite length's end-of-contents)
        self.end = end  # end of the whole element
        self.depth = depth

    def content(self) -> bytes:
        return self.buf[self.body : self.stop]

    def raw(self) -> bytes:
        return self.buf[self.start : self.end]

    def children(self) -> list[_Node]:
        if not self.tag & 0x20:
            raise _Malformed("primitive element has no children")
        nodes, pos = [], self.body
        while pos < self.stop:
            node = _read(self.buf, pos, self.stop, self.depth + 1)
            nodes.append(node)
            pos = node.end
        return nodes


def _read(buf: bytes, pos: int, limit: int, depth: int = 0) -> _Node:
    if depth > _MAX_DEPTH:
        raise _Malformed("too deep")
    start = pos
    if pos + 2 > limit:
        raise _Malformed("truncated")
    tag = buf[pos]
    pos += 1
    if tag & 0x1F == 0x1F:  # high tag number: skip its base-128 octets
        for _ in range(4):
            if pos >= limit:
                raise _Malformed("truncated tag")
            pos += 1
            if not buf[pos - 1] & 0x80:
                break
        else:
            raise _Malformed("tag too long")
    if pos >= limit:
        raise _Malformed("truncated length")
    first = buf[pos]
    pos += 1
    if first == 0x80:
        return _read_indefinite(buf, tag, start, pos, limit, depth)
    if first < 0x80:
        length = first
    else:
        size = first & 0x7F
        if size > 4 or pos + size > limit:
            raise _Malformed("bad length")
        length = int.from_bytes(buf[pos : pos + size], "big")
        pos += size
    if pos + length > limit:
        raise _Malformed("truncated content")
    return _Node(buf, tag, start, pos, pos + length, pos + length, depth)


def _read_indefinite(buf: bytes, tag: int, start: int, body: int, limit: int, depth: int) -> _Node:
    if not tag & 0x20:
        raise _Malformed("indefinite length on a primitive")
    pos = body
    while True:
        if pos + 2 > limit:
            raise _Malformed("missing end-of-contents")
        if buf[pos] == 0 and buf[pos + 1] == 0:
            return _Node(buf, tag, start, body, pos, pos + 2, depth)
        pos = _read(buf, pos, limit, depth + 1).end


def _parse(buf: bytes) -> _Node:
    """The single element ``buf`` holds; trailing whitespace or NULs (some tools add them) only."""
    node = _read(buf, 0, len(buf))
    if buf[node.end :].strip(b" \t\r\n\x00"):
        raise _Malformed("trailing data")
    return node


def _expect(node: _Node, tag: int) -> _Node:
    if node.tag != tag:
        raise _Malformed(f"expected tag {tag:#x}, got {node.tag:#x}")
    return node


def _items(node: _Node, tag: int = _SEQUENCE, minimum: int = 0) -> list[_Node]:
    nodes = _expect(node, tag).children()
    if len(nodes) < minimum:
        raise _Malformed("too few elements")
    return nodes


def _oid(node: _Node) -> str:
    return _oid_text(_expect(node, _OID).content())


@functools.lru_cache(maxsize=256)  # the same few dozen OIDs come back in every file
def _oid_text(data: bytes) -> str:
    if not data or data[-1] & 0x80:
        raise _Malformed("bad OID")
    arcs, value = [], 0
    for octet in data:
        value = (value << 7) | (octet & 0x7F)
        if not octet & 0x80:
            arcs.append(value)
            value = 0
    first = min(arcs[0] // 40, 2)
    return ".".join(map(str, [first, arcs[0] - 40 * first, *arcs[1:]]))


def _int(node: _Node) -> int:
    data = _expect(node, _INTEGER).content()
    if not data:
        raise _Malformed("empty INTEGER")
    return int.from_bytes(data, "big", signed=True)


def _octets(node: _Node) -> bytes:
    """OCTET STRING content; a BER constructed one is the concatenation of its pieces."""
    if node.tag == _OCTETS or node.tag == 0x80:  # 0x80: [0] IMPLICIT OCTET STRING
        return node.content()
    if node.tag in (_OCTETS | 0x20, 0xA0):
        return b"".join(_octets(part) for part in node.children())
    raise _Malformed("expected OCTET STRING")


def _text(node: _Node) -> str:
    """Any directory string, tolerantly: 8-bit types as UTF-8, else Latin-1 (SAT's Ñ)."""
    data = node.content()
    if node.tag == 0x1E:  # BMPString
        return data.decode("utf-16-be", errors="replace")
    if node.tag == 0x1C:  # UniversalString
        return data.decode("utf-32-be", errors="replace")
    if node.tag == _BITS:  # how asn1crypto would type x500UniqueIdentifier: skip the pad octet
        data = data[1:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("latin-1")


# --- certificates ---------------------------------------------------------------------------------

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

_RFC = re.compile(r"[A-ZÑ&]{3,4}\d{6}[A-Z\d]{3}")
_CURP = re.compile(r"[A-Z]{4}\d{6}[HMX][A-Z]{5}[A-Z\d]\d")


@dataclass(frozen=True, slots=True)
class _RawCertificate:
    serial: bytes
    issuer: _Node
    subject: list[tuple[str, str]]
    eku: frozenset[str] | None  # None: no extended key usage extension
    valid_from: datetime
    valid_to: datetime
    spki: bytes  # SubjectPublicKeyInfo DER
    tbs: bytes  # what the issuer signed
    signature_algorithm: _Node
    signature: bytes
    subject_der: bytes
    ca: bool | None  # basicConstraints cA; None without the extension (v1 roots)


def _name(node: _Node) -> list[tuple[str, str]]:
    attributes = []
    for rdn in _items(node):
        for pair in _items(rdn, _SET):
            oid_node, value = _items(pair, minimum=2)[:2]
            attributes.append((_oid(oid_node), _text(value)))
    return attributes


def _first(attributes: list[tuple[str, str]], oid: str) -> str | None:
    return next((value.strip() for key, value in attributes if key == oid and value.strip()), None)


def _extension_values(extensions: _Node | None) -> dict[str, _Node]:
    """extnID → the parsed extnValue, for the extensions we read."""
    found: dict[str, _Node] = {}
    if extensions is None:
        return found
    for extension in _items(_items(extensions, 0xA3, 1)[0]):
        parts = _items(extension, minimum=2)
        key = _oid(parts[0])
        if key in (_OID_EKU, _OID_BASIC_CONSTRAINTS, _OID_KEY_USAGE):
            found[key] = _parse(_octets(parts[-1]))
    return found


def _extended_key_usage(values: dict[str, _Node]) -> frozenset[str] | None:
    usages = values.get(_OID_EKU)
    return None if usages is None else frozenset(_oid(usage) for usage in _items(usages))


def _is_ca(values: dict[str, _Node]) -> bool | None:
    """May it sign certificates? basicConstraints cA, else False when a keyUsage lacks
    keyCertSign; None when neither says (v1 roots)."""
    constraints = values.get(_OID_BASIC_CONSTRAINTS)
    if constraints is not None:
        parts = _items(constraints)
        return bool(parts and parts[0].tag == 0x01 and parts[0].content() not in (b"", b"\x00"))
    usage = values.get(_OID_KEY_USAGE)
    if usage is not None:
        bits = usage.content()[1:2]
        return bool(bits and bits[0] & 0x04)  # keyCertSign
    return None


def _time(node: _Node) -> datetime:
    """UTCTime (YYMMDDHHMM[SS]Z, 1950-2049) or GeneralizedTime (YYYYMMDDHHMMSS[.f]Z)."""
    text = node.content().decode("ascii", "replace").rstrip("Z")
    try:
        if node.tag == 0x17:
            year = int(text[:2])
            text = f"{1900 + year if year >= 50 else 2000 + year}{text[2:]}"
        elif node.tag != 0x18:
            raise _Malformed("expected a time")
        text = text.partition(".")[0].ljust(14, "0")
        return datetime.strptime(text[:14], "%Y%m%d%H%M%S").replace(tzinfo=UTC)
    except ValueError as exc:
        raise _Malformed("bad time") from exc


def _raw_certificate(der: bytes) -> _RawCertificate:
    """Every part we use, by our own reader: cryptography refuses some SAT names (AC6's)."""
    outer = _items(_parse(der), minimum=3)
    tbs = _items(outer[0], minimum=6)
    if tbs[0].tag == 0xA0:  # [0] version: absent in v1 certificates
        tbs = tbs[1:]
    if len(tbs) < 6:
        raise _Malformed("short TBSCertificate")
    serial, _algorithm, issuer, validity, subject, spki = tbs[:6]
    extensions = next((node for node in tbs[6:] if node.tag == 0xA3), None)
    values = _extension_values(extensions)
    valid_from, valid_to = (_time(node) for node in _items(validity, minimum=2)[:2])
    signature = _expect(outer[2], _BITS).content()
    return _RawCertificate(
        serial=_expect(serial, _INTEGER).content().lstrip(b"\x00"),
        issuer=issuer,
        subject=_name(subject),
        eku=_extended_key_usage(values),
        valid_from=valid_from,
        valid_to=valid_to,
        spki=_expect(spki, _SEQUENCE).raw(),
        tbs=outer[0].raw(),
        signature_algorithm=_expect(outer[1], _SEQUENCE),
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
        found = _RFC.search(value.upper())
        if found:
            return found.group()
    return None


def _tipo(raw: _RawCertificate) -> str:
    is_sat = _first(raw.subject, _OID_UNIQUE_ID) is not None
    if is_sat and raw.eku is not None and {_OID_CLIENT_AUTH, _OID_EMAIL_PROTECTION} <= raw.eku:
        return "FIEL"
    if is_sat and raw.eku is None and _first(raw.subject, _OID_OU):
        return "CSD"
    return "IMSS"


def _info(der: bytes, raw: _RawCertificate) -> CertificateInfo:
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


def _read_certificate(der: bytes, field_name: str) -> tuple[CertificateInfo, _RawCertificate]:
    try:
        der = _parse(der).raw()  # without trailing bytes
        raw = _raw_certificate(der)
        return _info(der, raw), raw
    except _Malformed as exc:
        raise _error("certificado_invalido", field_name) from exc


# --- recognising files ---------------------------------------------------------------------------

_PEM_MARKER = re.compile(rb"-----(BEGIN|END) ([A-Z0-9 ]{1,40})-----")
_BASE64_TEXT = re.compile(rb"[A-Za-z0-9+/=\s]+")


@dataclass(frozen=True, slots=True)
class _Pem:
    label: str
    headers: dict[str, str]
    der: bytes
    block: bytes  # the whole block, for cryptography's PEM loaders


def _pem_blocks(data: bytes) -> list[_Pem]:
    """Every BEGIN … END pair, in one pass over the markers (a lazy regex over the text would be
    quadratic on a file of unmatched BEGINs)."""
    blocks = []
    for begin, end in itertools.pairwise(_PEM_MARKER.finditer(data)):
        if begin.group(1, 2) == (b"BEGIN", end.group(2)) and end.group(1) == b"END":
            body = data[begin.end() : end.start()]
            blocks.append(_pem_block(begin.group(2), body, data[begin.start() : end.end()]))
    return blocks


def _pem_block(label: bytes, body: bytes, block: bytes) -> _Pem:
    headers, lines = {}, []
    for line in body.splitlines():
        key, colon, value = line.partition(b":")
        if colon and not lines:  # RFC 1421 headers (Proc-Type, DEK-Info) precede the base64
            headers[key.strip().decode("latin-1")] = value.strip().decode("latin-1")
        elif line.strip():
            lines.append(line.strip())
    try:
        der = base64.b64decode(b"".join(lines), validate=True)
    except binascii.Error:
        der = b""  # a damaged block: the caller reports its own file as invalid
    return _Pem(label.decode("ascii"), headers, der, block)


def _unwrap_text(data: bytes) -> bytes | None:
    """DER from bare base64 text, or None when ``data`` is not such text."""
    if not _BASE64_TEXT.fullmatch(data):
        return None
    try:
        return base64.b64decode(b"".join(data.split()), validate=True)
    except binascii.Error:
        return None


def _shape(der: bytes) -> str:
    """What a DER blob looks like: certificate, pfx, encrypted_key, private_key or unknown."""
    try:
        parts = _items(_parse(der), minimum=2)
        if len(parts) == 3 and parts[0].tag == _SEQUENCE and parts[2].tag == _BITS:
            return "certificate"
        if len(parts) == 2 and parts[0].tag == _SEQUENCE and parts[1].tag == _OCTETS:
            return "encrypted_key"
        if parts[0].tag == _INTEGER:
            version = _int(parts[0])
            if version == 3 and parts[1].tag == _SEQUENCE:
                return "pfx"
            if version in (0, 1) and parts[1].tag in (_SEQUENCE, _INTEGER, _OCTETS):
                return "private_key"  # PKCS#8, PKCS#1 (RSA) or SEC1 (EC)
    except _Malformed:
        pass
    return "unknown"


def _strip_text(data: bytes) -> bytes:
    return data.removeprefix(b"\xef\xbb\xbf").strip()


MAX_FILE_SIZE = 1_000_000  # real certificates, keys and .pfx files are a few KB
_INVALID_CODES = {
    FIELD_CERTIFICADO: "certificado_invalido",
    FIELD_LLAVE: "llave_invalida",
    FIELD_PFX: "pfx_invalido",
}


def _require(data: bytes, field_name: str) -> bytes:
    if not data or not data.strip(b" \t\r\n\x00"):
        raise _error("archivo_vacio", field_name, _EMPTY_MESSAGES[field_name])
    if len(data) > MAX_FILE_SIZE:
        raise _error(
            _INVALID_CODES[field_name],
            field_name,
            "El archivo es demasiado grande para ser un certificado o una llave privada.",
        )
    return data


_SWAPPED_CER = (
    "El archivo de certificado (.cer) contiene una llave privada: revisa que no hayas invertido "
    "los archivos .cer y .key."
)
_SWAPPED_KEY = (
    "El archivo de llave privada (.key) contiene un certificado: revisa que no hayas invertido "
    "los archivos .cer y .key."
)
_PFX_AS_CER = (
    "El archivo de certificado es un .pfx: selecciónalo como certificado IMSS, sin llave privada."
)


def _certificate_der(data: bytes, field_name: str = FIELD_CERTIFICADO) -> bytes:
    """DER of the certificate in a DER, PEM or base64 file; a key here means swapped files."""
    text = _strip_text(data)
    if b"-----BEGIN" in text:
        blocks = _pem_blocks(text)
        for block in blocks:
            if block.label in ("CERTIFICATE", "X509 CERTIFICATE"):
                return block.der
        if any(block.label.endswith("PRIVATE KEY") for block in blocks):
            raise _error("archivos_invertidos", field_name, _SWAPPED_CER)
        raise _error("certificado_invalido", field_name)
    der = data if data[:1] == b"\x30" else (_unwrap_text(text) or data)
    shape = _shape(der)
    if shape in ("encrypted_key", "private_key"):
        raise _error("archivos_invertidos", field_name, _SWAPPED_CER)
    if shape == "pfx":
        raise _error("certificado_invalido", field_name, _PFX_AS_CER)
    return der


# --- private keys ---------------------------------------------------------------------------------

# Encryption schemes cryptography decrypts (every one is loaded in the tests). With one of these a
# failed decryption means a wrong password; with anything else we cannot tell, and say so.
_PBES2 = "1.2.840.113549.1.5.13"
_PBKDF2 = "1.2.840.113549.1.5.12"
_SCRYPT = "1.3.6.1.4.1.11591.4.11"
_PKCS12_PBE = "1.2.840.113549.1.12.1."  # PKCS#12 PBE family (params: salt, iterations)
_PBES1_SHA1_3DES = _PKCS12_PBE + "3"
_PBES2_CIPHERS = {
    "1.2.840.113549.3.7",  # DES-EDE3-CBC (SAT)
    "2.16.840.1.101.3.4.1.2",  # AES-128-CBC
    "2.16.840.1.101.3.4.1.22",  # AES-192-CBC
    "2.16.840.1.101.3.4.1.42",  # AES-256-CBC
}
_DEK_CIPHERS = {"DES-EDE3-CBC", "AES-128-CBC", "AES-192-CBC", "AES-256-CBC"}
# For the Spanish message of an unsupported cipher.
_ALGORITHM_NAMES = {
    _PKCS12_PBE + "1": "RC4 de 128 bits",
    _PKCS12_PBE + "2": "RC4 de 40 bits",
    _PKCS12_PBE + "3": "Triple DES",
    _PKCS12_PBE + "4": "Triple DES de 2 llaves",
    _PKCS12_PBE + "5": "RC2 de 128 bits",
    _PKCS12_PBE + "6": "RC2 de 40 bits",
    "1.2.840.113549.1.5.1": "DES (MD2)",
    "1.2.840.113549.1.5.3": "DES (MD5)",
    "1.2.840.113549.1.5.4": "RC2 (MD2)",
    "1.2.840.113549.1.5.6": "RC2 (MD5)",
    "1.2.840.113549.1.5.10": "DES (SHA-1)",
    "1.2.840.113549.1.5.11": "RC2 (SHA-1)",
    "1.2.840.113549.3.7": "Triple DES",
    "1.2.840.113549.3.2": "RC2",
    "1.3.14.3.2.7": "DES",
    "2.16.840.1.101.3.4.1.2": "AES-128",
    "2.16.840.1.101.3.4.1.22": "AES-192",
    "2.16.840.1.101.3.4.1.42": "AES-256",
    "1.2.392.200011.61.1.1.1.2": "Camellia-128",
    "1.2.392.200011.61.1.1.1.3": "Camellia-192",
    "1.2.392.200011.61.1.1.1.4": "Camellia-256",
    "1.2.840.113549.1.7.3": "sobre digital (envelopedData)",
}
# A damaged or hostile file must not keep us busy for minutes; real files use 2,000 to 600,000.
_MAX_ITERATIONS = 10_000_000
_MAX_SCRYPT_COST = 2**22


@dataclass(frozen=True, slots=True)
class _Scheme:
    name: str  # for messages: the cipher's name, or its OID
    supported: bool


@dataclass(frozen=True, slots=True)
class _KeyFile:
    data: bytes  # what cryptography's loader receives: DER, or PEM for DEK-Info keys
    pem: bool
    scheme: _Scheme | None  # None: not encrypted


def _key_file(data: bytes) -> _KeyFile:
    text = _strip_text(data)
    if b"-----BEGIN" in text:
        return _pem_key_file(_pem_blocks(text))
    der = data if data[:1] == b"\x30" else (_unwrap_text(text) or data)
    return _der_key_file(der)


def _pem_key_file(blocks: list[_Pem]) -> _KeyFile:
    key = next((block for block in blocks if block.label.endswith("PRIVATE KEY")), None)
    if key is None:
        if any(block.label in ("CERTIFICATE", "X509 CERTIFICATE") for block in blocks):
            raise _error("archivos_invertidos", FIELD_LLAVE, _SWAPPED_KEY)
        raise _error("llave_invalida", FIELD_LLAVE)
    if "ENCRYPTED" not in key.headers.get("Proc-Type", ""):
        # PKCS#8 (encrypted or not), PKCS#1 and SEC1: the DER inside is all that matters.
        return _der_key_file(key.der)
    # Traditional OpenSSL encryption (DEK-Info): only cryptography's PEM loader reads it.
    cipher, _, iv = key.headers.get("DEK-Info", "").partition(",")
    if not key.der or len(key.der) % 8 or not _is_hex(iv):
        raise _error("llave_invalida", FIELD_LLAVE)
    return _KeyFile(key.block, True, _Scheme(cipher, cipher.upper() in _DEK_CIPHERS))


def _is_hex(text: str) -> bool:
    return len(text) >= 16 and all(c in "0123456789abcdefABCDEF" for c in text)


def _der_key_file(der: bytes) -> _KeyFile:
    shape = _shape(der)
    if shape == "certificate":
        raise _error("archivos_invertidos", FIELD_LLAVE, _SWAPPED_KEY)
    if shape == "pfx":
        raise _error(
            "llave_invalida",
            FIELD_LLAVE,
            "El archivo de llave privada es un .pfx: selecciónalo como certificado IMSS.",
        )
    if shape == "encrypted_key":
        return _pkcs8_encrypted(der)
    if shape == "private_key":
        return _KeyFile(_parse(der).raw(), pem=False, scheme=None)
    raise _error("llave_invalida", FIELD_LLAVE)


def _pkcs8_encrypted(der: bytes) -> _KeyFile:
    """EncryptedPrivateKeyInfo: check its envelope before spending a key derivation on it."""
    try:
        envelope = _parse(der)
        algorithm, ciphertext = _items(envelope, minimum=2)[:2]
        scheme = _scheme(algorithm)
        encrypted = _octets(ciphertext)
        if not encrypted or len(encrypted) % 8:
            raise _Malformed("ciphertext is not whole cipher blocks")
    except _Malformed as exc:
        raise _error("llave_invalida", FIELD_LLAVE) from exc
    return _KeyFile(envelope.raw(), pem=False, scheme=scheme)


def _scheme(algorithm: _Node) -> _Scheme:
    """The password-based encryption of an AlgorithmIdentifier, its cost checked."""
    parts = _items(algorithm, minimum=1)
    oid = _oid(parts[0])
    if oid.startswith(_PKCS12_PBE):
        _check_iterations(_int(_items(_parameters(parts), minimum=2)[1]))
        return _Scheme(_ALGORITHM_NAMES.get(oid, oid), oid == _PBES1_SHA1_3DES)
    if oid != _PBES2:
        return _Scheme(_ALGORITHM_NAMES.get(oid, oid), False)
    kdf, cipher = _items(_parameters(parts), minimum=2)[:2]
    kdf_parts = _items(kdf, minimum=1)
    kdf_oid, cipher_oid = _oid(kdf_parts[0]), _oid(_items(cipher, minimum=1)[0])
    if kdf_oid == _PBKDF2:
        _check_iterations(_int(_items(kdf_parts[1], minimum=2)[1]))
    elif kdf_oid == _SCRYPT:
        cost = _int(_items(kdf_parts[1], minimum=2)[1])
        if not 1 < cost <= _MAX_SCRYPT_COST:
            raise _Malformed("scrypt cost out of range")
    supported = kdf_oid in (_PBKDF2, _SCRYPT) and cipher_oid in _PBES2_CIPHERS
    return _Scheme(_ALGORITHM_NAMES.get(cipher_oid, cipher_oid), supported)


def _parameters(algorithm_parts: list[_Node]) -> _Node:
    if len(algorithm_parts) < 2:
        raise _Malformed("algorithm without parameters")
    return algorithm_parts[1]


def _check_iterations(count: int) -> None:
    if not 0 < count <= _MAX_ITERATIONS:
        raise _Malformed("iteration count out of range")


def _password_bytes(password: str) -> list[bytes]:
    """The password as UTF-8 (what we type), then cp1252 and Latin-1 (old Windows tools)."""
    candidates: list[bytes] = []
    for codec in ("utf-8", "cp1252", "latin-1"):
        try:
            encoded = password.encode(codec)
        except UnicodeEncodeError:
            continue
        if encoded not in candidates:
            candidates.append(encoded)
    return candidates


def _load_key(key: _KeyFile, password: bytes | None) -> Any:
    from cryptography.hazmat.primitives import serialization

    loader = serialization.load_pem_private_key if key.pem else serialization.load_der_private_key
    # OpenSSL's RSA consistency check (primality of p and q) is most of a .key's load time;
    # load_sat_pair signs and verifies with the certificate instead (_signs_for_certificate).
    return loader(key.data, password, unsafe_skip_rsa_key_validation=True)


def _unsupported_cipher(names: str, field_name: str) -> CredentialError:
    return _error(
        "cifrado_no_soportado",
        field_name,
        f"El archivo está cifrado con un algoritmo que no se puede leer ({names}). Expórtalo de "
        "nuevo con cifrado AES o Triple DES.",
    )


def _decrypt_key(key: _KeyFile, password: str) -> Any:
    from cryptography.exceptions import UnsupportedAlgorithm

    if key.scheme is None:
        try:
            return _load_key(key, None)
        except (ValueError, TypeError, UnsupportedAlgorithm) as exc:
            raise _error("llave_invalida", FIELD_LLAVE) from exc
    if not password:
        raise _error(
            "contrasena_incorrecta",
            FIELD_CONTRASENA,
            "La llave privada está protegida con contraseña: captúrala.",
        )
    for candidate in _password_bytes(password):  # one decryption each, stop at the first
        try:
            return _load_key(key, candidate)
        except UnsupportedAlgorithm as exc:
            raise _unsupported_cipher(key.scheme.name, FIELD_LLAVE) from exc
        except (ValueError, TypeError):
            # The envelope was checked: with a known scheme this is the password. (3DES-CBC lets
            # a wrong password through the padding check now and then; the DER inside then fails.)
            continue
    if not key.scheme.supported:
        raise _unsupported_cipher(key.scheme.name, FIELD_LLAVE)
    raise _error("contrasena_incorrecta", FIELD_CONTRASENA)


def _same_public_key(spki: bytes, private_key: Any) -> bool:
    from cryptography.exceptions import UnsupportedAlgorithm
    from cryptography.hazmat.primitives.serialization import load_der_public_key

    try:
        return bool(load_der_public_key(spki) == private_key.public_key())
    except (ValueError, UnsupportedAlgorithm):  # a public key type we cannot read
        return False


def _spki(cert: x509.Certificate) -> bytes:
    from cryptography.hazmat.primitives import serialization

    return cert.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def _guarded(code: str, field_name: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Last line of defence of a loader: no exception but CredentialError leaves it.

    Every failure we know of is mapped where it happens; this catches what a damaged file might
    still provoke in a library, keeping the cause chained for the log.
    """

    def decorate(function: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(function)
        def guarded(*args: Any, **kwargs: Any) -> Any:
            try:
                return function(*args, **kwargs)
            except CredentialError:
                raise
            except Exception as exc:
                raise _error(code, field_name) from exc

        return guarded

    return decorate


@_guarded("certificado_invalido", FIELD_CERTIFICADO)
def load_certificate(data: bytes) -> CertificateInfo:
    """A .cer alone (DER, PEM or base64 text)."""
    der = _certificate_der(_require(data, FIELD_CERTIFICADO))
    return _read_certificate(der, FIELD_CERTIFICADO)[0]


@_guarded("llave_invalida", FIELD_LLAVE)
def load_sat_pair(cer: bytes, key: bytes, password: str) -> Credential:
    """A FIEL or CSD: the .cer, its .key and the key's password, checked to belong together.

    An expired certificate still loads: ``info.estado()`` tells, the caller decides.
    """
    cert_der = _certificate_der(_require(cer, FIELD_CERTIFICADO))
    key_file = _key_file(_require(key, FIELD_LLAVE))
    info, raw = _read_certificate(cert_der, FIELD_CERTIFICADO)
    private_key = _decrypt_key(key_file, password)
    if not _same_public_key(raw.spki, private_key):
        raise _error("llave_no_corresponde", FIELD_LLAVE)
    if not _signs_for_certificate(raw.spki, private_key):
        raise _error("llave_invalida", FIELD_LLAVE)
    return Credential(info, private_key)


def _signs_for_certificate(spki: bytes, private_key: Any) -> bool:
    """An RSA key loaded without OpenSSL's check: what it signs must verify with the
    certificate's public key (damaged private parts behind the right modulus would not)."""
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import padding, rsa
    from cryptography.hazmat.primitives.serialization import load_der_public_key

    if not isinstance(private_key, rsa.RSAPrivateKey):
        return True  # only RSA keys skip the check when loaded
    message = b"icsoe-desktop: prueba de la llave privada"
    signature = private_key.sign(message, padding.PKCS1v15(), hashes.SHA256())
    try:
        load_der_public_key(spki).verify(  # type: ignore[union-attr]
            signature, message, padding.PKCS1v15(), hashes.SHA256()
        )
    except InvalidSignature:
        return False
    return True


# --- PKCS#12 (.pfx) -------------------------------------------------------------------------------

_OID_DATA = "1.2.840.113549.1.7.1"
_OID_ENCRYPTED_DATA = "1.2.840.113549.1.7.6"
_OID_SHROUDED_KEY_BAG = "1.2.840.113549.1.12.10.1.2"
_MAC_HASHES = {
    "1.3.14.3.2.26": "sha1",
    "2.16.840.1.101.3.4.2.4": "sha224",
    "2.16.840.1.101.3.4.2.1": "sha256",
    "2.16.840.1.101.3.4.2.2": "sha384",
    "2.16.840.1.101.3.4.2.3": "sha512",
    "1.2.840.113549.2.5": "md5",
}
# Our own MAC check runs in Python: past this, leave the MAC to OpenSSL.
_MAX_PYTHON_MAC_ITERATIONS = 200_000


@dataclass(frozen=True, slots=True)
class _Mac:
    hash_name: str | None  # None: a MAC we do not compute (PBMAC1, GOST…)
    digest: bytes
    salt: bytes
    iterations: int


@dataclass(frozen=True, slots=True)
class _PfxLayout:
    """The unencrypted frame of a .pfx: enough to tell damage from a wrong password."""

    auth_safe: bytes  # what the MAC covers
    mac: _Mac | None
    schemes: tuple[_Scheme, ...]  # every encryption met (outer encryptedData, shrouded keys)


def _content_info(node: _Node) -> tuple[str, _Node | None]:
    parts = _items(node, minimum=1)
    content = _items(parts[1], 0xA0, 1)[0] if len(parts) > 1 else None
    return _oid(parts[0]), content


def _pfx_layout(der: bytes) -> _PfxLayout:
    parts = _items(_parse(der), minimum=2)
    if _int(parts[0]) != 3:
        raise _Malformed("not PKCS#12 version 3")
    content_type, content = _content_info(parts[1])
    if content_type != _OID_DATA or content is None:  # public-key integrity mode: not for us
        raise _Malformed("authSafe is not data")
    auth_safe = _octets(content)
    schemes: list[_Scheme] = []
    for info in _items(_parse(auth_safe)):
        schemes.extend(_safe_schemes(info))
    mac = _mac_data(parts[2]) if len(parts) > 2 else None
    return _PfxLayout(auth_safe, mac, tuple(schemes))


def _safe_schemes(info: _Node) -> Iterator[_Scheme]:
    content_type, content = _content_info(info)
    if content is None:
        raise _Malformed("empty ContentInfo")
    if content_type == _OID_DATA:
        for bag in _items(_parse(_octets(content))):
            bag_parts = _items(bag, minimum=2)
            if _oid(bag_parts[0]) == _OID_SHROUDED_KEY_BAG:
                envelope = _items(_items(bag_parts[1], 0xA0, 1)[0], minimum=2)
                yield _scheme(envelope[0])
    elif content_type == _OID_ENCRYPTED_DATA:
        encrypted = _items(_items(content, minimum=2)[1], minimum=3)
        yield _scheme(encrypted[1])
    else:  # envelopedData and the like: encrypted to a public key, not with a password
        yield _Scheme(_ALGORITHM_NAMES.get(content_type, content_type), False)


def _mac_data(node: _Node) -> _Mac:
    digest_info, salt, *rest = _items(node, minimum=2)
    algorithm, digest = _items(digest_info, minimum=2)
    iterations = _int(rest[0]) if rest else 1
    _check_iterations(iterations)
    hash_name = _MAC_HASHES.get(_oid(_items(algorithm, minimum=1)[0]))
    return _Mac(hash_name, _octets(digest), _octets(salt), iterations)


def _pkcs12_mac_key(hash_name: str, password: bytes, salt: bytes, iterations: int) -> bytes:
    """RFC 7292 appendix B.2 with ID 3 (MAC), one hash block long: all an HMAC key needs."""
    new = getattr(hashlib, hash_name)
    block = new().block_size

    def fill(data: bytes) -> bytes:
        size = block * -(-len(data) // block)
        return (data * (size // len(data) + 1))[:size] if data else b""

    digest = new(bytes([3]) * block + fill(salt) + fill(password)).digest()
    for _ in range(iterations - 1):
        digest = new(digest).digest()
    return digest


def _bmp(password: str) -> bytes:
    """A PKCS#12 password: BMPString with a terminating NUL."""
    return (password + "\0").encode("utf-16-be", errors="surrogatepass")


def _mac_password(layout: _PfxLayout, candidates: list[str]) -> str | None:
    """The candidate the MAC accepts; "" also for an absent password (no BMP at all)."""
    mac = layout.mac
    assert mac is not None and mac.hash_name is not None  # see _mac_checkable
    for candidate, bmp in [*((c, _bmp(c)) for c in candidates), ("", b"")]:
        key = _pkcs12_mac_key(mac.hash_name, bmp, mac.salt, mac.iterations)
        if hmac.compare_digest(hmac.new(key, layout.auth_safe, mac.hash_name).digest(), mac.digest):
            return candidate
    return None


def _pkcs12_passwords(password: str | None) -> list[str]:
    """What the password may have been turned into when the .pfx was written.

    OpenSSL and cryptography take the UTF-8 text; a Windows tool that encoded it as cp1252
    produced the characters of those bytes, and OpenSSL 1.0 did the same with UTF-8 bytes.
    An empty password is tried last: a .pfx without one opens whatever the user types.
    """
    candidates = [password] if password else []
    for codec in ("cp1252", "utf-8"):
        try:
            variant = (password or "").encode(codec).decode("latin-1")
        except UnicodeEncodeError:
            continue
        if variant and variant not in candidates:
            candidates.append(variant)
    candidates.append("")
    return candidates


def _pfx_der(data: bytes) -> bytes:
    der = data if data[:1] == b"\x30" else (_unwrap_text(_strip_text(data)) or data)
    shape = _shape(der)
    if shape == "certificate":
        raise _error(
            "pfx_invalido",
            FIELD_PFX,
            "El archivo es un certificado (.cer), no un .pfx: para la e.firma selecciona el "
            ".cer y su llave privada (.key).",
        )
    if shape in ("encrypted_key", "private_key"):
        raise _error(
            "pfx_invalido", FIELD_PFX, "El archivo es una llave privada (.key), no un .pfx."
        )
    return der


def _open_pkcs12(der: bytes, password: str) -> tuple[Any, Any, list[Any]]:
    from cryptography.hazmat.primitives.serialization import pkcs12

    # cryptography gives "" to OpenSSL for None too, and OpenSSL then tries both absent and empty.
    return pkcs12.load_key_and_certificates(der, password.encode("utf-8", "surrogatepass"))


def _unlock_pfx(der: bytes, layout: _PfxLayout, password: str | None) -> tuple[Any, Any, list]:
    """Open the .pfx with the right candidate password, or explain why it cannot be opened."""
    from cryptography.exceptions import UnsupportedAlgorithm

    candidates = _pkcs12_passwords(password)
    verified = _mac_checkable(layout)
    if verified:
        # The MAC tells which candidate is right, or that none is, before any decryption.
        right = _mac_password(layout, candidates)
        if right is None:
            raise _wrong_pfx_password(password)
        candidates = [right]
    for candidate in candidates:
        try:
            return _open_pkcs12(der, candidate)
        except UnsupportedAlgorithm as exc:
            raise _unsupported_cipher(_scheme_names(layout), FIELD_PFX) from exc
        except (ValueError, TypeError):  # OpenSSL's "Invalid password or PKCS12 data"
            continue
    if verified:  # the password is right: the cipher or the inside is at fault
        if any(not scheme.supported for scheme in layout.schemes):
            raise _unsupported_cipher(_scheme_names(layout), FIELD_PFX)
        raise _error("pfx_invalido", FIELD_PFX)
    if layout.schemes:  # no MAC we can compute: a wrong password is the likely cause
        raise _wrong_pfx_password(password)
    raise _error("pfx_invalido", FIELD_PFX)


def _mac_checkable(layout: _PfxLayout) -> bool:
    mac = layout.mac
    if mac is None or mac.hash_name is None:
        return False
    return mac.iterations <= _MAX_PYTHON_MAC_ITERATIONS


def _scheme_names(layout: _PfxLayout) -> str:
    """The ciphers to blame: the unsupported ones when there are any."""
    blamed = [s for s in layout.schemes if not s.supported] or list(layout.schemes)
    return ", ".join(sorted({scheme.name for scheme in blamed})) or "?"


def _wrong_pfx_password(password: str | None) -> CredentialError:
    if not password:
        return _error(
            "contrasena_incorrecta",
            FIELD_CONTRASENA,
            "El archivo .pfx está protegido con contraseña: captúrala.",
        )
    return _error(
        "contrasena_incorrecta", FIELD_CONTRASENA, "La contraseña del .pfx es incorrecta."
    )


@_guarded("pfx_invalido", FIELD_PFX)
def load_pfx(pfx: bytes, password: str | None) -> Credential:
    """An IMSS certificate (or a FIEL/CSD exported) as PKCS#12; ``tipo`` says which."""
    from cryptography.hazmat.primitives import serialization

    der = _pfx_der(_require(pfx, FIELD_PFX))
    try:
        layout = _pfx_layout(der)
    except _Malformed as exc:
        raise _error("pfx_invalido", FIELD_PFX) from exc
    private_key, cert, additional = _unlock_pfx(der, layout, password)
    if private_key is None:
        raise _error("pfx_sin_llave", FIELD_PFX)
    certificates = [c for c in (cert, *additional) if c is not None]
    if not certificates:
        raise _error("pfx_invalido", FIELD_PFX, "El archivo .pfx no contiene el certificado.")
    mine = next((c for c in certificates if _same_public_key(_spki(c), private_key)), None)
    if mine is None:
        raise _error(
            "llave_no_corresponde",
            FIELD_PFX,
            "La llave privada del .pfx no corresponde a su certificado.",
        )
    info, _ = _read_certificate(mine.public_bytes(serialization.Encoding.DER), FIELD_PFX)
    return Credential(info, private_key)


def export_pfx(credential: Credential, password: str) -> bytes:
    """A .pfx (PKCS#12) of the certificate and its key, for PACs and portals that ask for one.

    The password follows the guide's rule for the IMSS certificate (8 to 20 letters and digits).
    Encrypted with PBES1 SHA-1/3DES and a SHA-1 MAC, as the SAT's and IMSS's own tools do: the
    one choice every Windows and Java reader opens (AES .pfx files fail on older ones).
    """
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.serialization import PrivateFormat, pkcs12

    if not _alphanumeric(password):
        raise _error(
            "contrasena_invalida",
            "contrasena_pfx",
            f"La contraseña del .pfx debe tener de {IMSS_MIN} a {IMSS_MAX} caracteres, sólo "
            "letras y números.",
        )
    try:
        cert = x509.load_der_x509_certificate(credential.info.certificado_der)
    except ValueError as exc:  # names cryptography refuses to write back
        raise _error(
            "certificado_no_exportable",
            FIELD_CERTIFICADO,
            "Este certificado no se puede guardar como .pfx con esta aplicación.",
        ) from exc
    encryption = (
        PrivateFormat.PKCS12.encryption_builder()
        .kdf_rounds(50_000)
        .key_cert_algorithm(pkcs12.PBES.PBESv1SHA1And3KeyTripleDESCBC)
        .hmac_hash(hashes.SHA1())
        .build(password.encode("utf-8"))
    )
    friendly = (credential.info.rfc or credential.info.no_certificado).encode("ascii", "replace")
    return pkcs12.serialize_key_and_certificates(
        friendly, credential.private_key, cert, None, encryption
    )


# --- issuers ---------------------------------------------------------------------------------------


_RSA_SIGNATURES = {
    "1.2.840.113549.1.1.4": "MD5",  # AC0/ARC0 (2004): expired, kept to recognise old certificates
    "1.2.840.113549.1.1.5": "SHA1",
    "1.2.840.113549.1.1.14": "SHA224",
    "1.2.840.113549.1.1.11": "SHA256",
    "1.2.840.113549.1.1.12": "SHA384",
    "1.2.840.113549.1.1.13": "SHA512",
}
_ECDSA_SIGNATURES = {
    "1.2.840.10045.4.1": "SHA1",
    "1.2.840.10045.4.3.1": "SHA224",
    "1.2.840.10045.4.3.2": "SHA256",
    "1.2.840.10045.4.3.3": "SHA384",
    "1.2.840.10045.4.3.4": "SHA512",
}
_RSA_PSS = "1.2.840.113549.1.1.10"
_DIGESTS = {
    "1.3.14.3.2.26": "SHA1",
    "2.16.840.1.101.3.4.2.4": "SHA224",
    "2.16.840.1.101.3.4.2.1": "SHA256",
    "2.16.840.1.101.3.4.2.2": "SHA384",
    "2.16.840.1.101.3.4.2.3": "SHA512",
}


def _pss(parameters: list[_Node]) -> tuple[str, int]:
    """RSASSA-PSS parameters: (hash name, salt length); defaults SHA-1 and 20 (RFC 4055)."""
    hash_name, salt = "SHA1", 20
    for part in parameters:
        if part.tag == 0xA0:
            hash_name = _DIGESTS[_oid(_items(part.children()[0])[0])]
        elif part.tag == 0xA2:
            salt = _int(part.children()[0])
    return hash_name, salt


def _verify(signer_spki: bytes, raw: _RawCertificate) -> None:
    """Raises unless the key in ``signer_spki`` signed ``raw``."""
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
    from cryptography.hazmat.primitives.serialization import load_der_public_key

    public_key = load_der_public_key(signer_spki)
    parts = _items(raw.signature_algorithm, minimum=1)
    algorithm = _oid(parts[0])
    if isinstance(public_key, rsa.RSAPublicKey) and algorithm in _RSA_SIGNATURES:
        digest = getattr(hashes, _RSA_SIGNATURES[algorithm])()
        public_key.verify(raw.signature, raw.tbs, padding.PKCS1v15(), digest)
    elif isinstance(public_key, rsa.RSAPublicKey) and algorithm == _RSA_PSS:
        hash_name, salt = _pss(_items(parts[1]) if len(parts) > 1 else [])
        digest = getattr(hashes, hash_name)()
        public_key.verify(raw.signature, raw.tbs, padding.PSS(padding.MGF1(digest), salt), digest)
    elif isinstance(public_key, ec.EllipticCurvePublicKey) and algorithm in _ECDSA_SIGNATURES:
        digest = getattr(hashes, _ECDSA_SIGNATURES[algorithm])()
        public_key.verify(raw.signature, raw.tbs, ec.ECDSA(digest))
    else:
        raise _Malformed(f"signature algorithm {algorithm} with this key")


def signed_by(certificate_der: bytes, issuer_der: bytes) -> bool:
    """True when ``issuer_der``'s public key verifies ``certificate_der``'s signature (both DER).

    Only key and signature count, never names: AC6's names are mis-encoded in the certificate
    itself. Any failure (unreadable file, other key type, bad signature) is False.
    """
    try:
        issuer = _raw_certificate(_parse(issuer_der).raw())
        _verify(issuer.spki, _raw_certificate(_parse(certificate_der).raw()))
    except Exception:  # unreadable, mismatched key type, bad signature: all "no"
        return False
    return True


def is_issued_by(info: CertificateInfo, issuer_cert_der: bytes) -> bool:
    """``signed_by`` for a loaded certificate and an issuer file (DER, PEM or base64)."""
    try:
        issuer_der = _certificate_der(issuer_cert_der)
    except Exception:
        return False
    return signed_by(info.certificado_der, issuer_der)


# --- usuario y contraseña (guía "Registro de Certificados IMSS") ----------------------------------

FIEL_MIN_CONTRASENA, FIEL_MAX_CONTRASENA = 8, 255
IMSS_MIN, IMSS_MAX = 8, 20


def check_usuario_contrasena(
    tipo: str, usuario: str, contrasena: str, rfc: str | None = None
) -> None:
    """The guide's rules for the usuario and contraseña captured with a certificate.

    FIEL: the usuario is the RFC (12 or 13 characters; the certificate's when ``rfc`` is given)
    and the contraseña 8 to 255 characters. IMSS .pfx: usuario and contraseña 8 to 20 letters or
    digits, and different. A CSD cannot be used for IDSE. Raises CredentialError, one rule each.
    """
    if tipo == "FIEL":
        _check_fiel(usuario.strip().upper(), contrasena, rfc)
    elif tipo == "IMSS":
        _check_imss(usuario, contrasena)
    elif tipo == "CSD":
        raise _error(
            "certificado_no_admitido",
            FIELD_CERTIFICADO,
            "El certificado de sello digital (CSD) no sirve para IDSE: usa la e.firma (FIEL) o "
            "el certificado digital del IMSS (.pfx).",
        )
    else:
        raise ValueError(f"tipo de certificado desconocido: {tipo!r}")


def _check_fiel(usuario: str, contrasena: str, rfc: str | None) -> None:
    if not usuario:
        raise _error(
            "usuario_requerido", FIELD_USUARIO, "Captura el usuario: el RFC de la empresa."
        )
    if len(usuario) not in (12, 13) or not _RFC.fullmatch(usuario):
        raise _error(
            "usuario_invalido",
            FIELD_USUARIO,
            "Con la e.firma el usuario es el RFC de la empresa: 12 caracteres (persona moral) o "
            "13 (persona física).",
        )
    if rfc and usuario != rfc.strip().upper():
        raise _error(
            "usuario_no_corresponde",
            FIELD_USUARIO,
            f"El usuario debe ser el RFC de la e.firma: {rfc.strip().upper()}.",
        )
    if not contrasena:
        raise _error("contrasena_requerida", FIELD_CONTRASENA, "Captura la contraseña.")
    if not FIEL_MIN_CONTRASENA <= len(contrasena) <= FIEL_MAX_CONTRASENA:
        raise _error(
            "contrasena_invalida",
            FIELD_CONTRASENA,
            f"La contraseña de la e.firma debe tener de {FIEL_MIN_CONTRASENA} a "
            f"{FIEL_MAX_CONTRASENA} caracteres.",
        )


def _alphanumeric(text: str) -> bool:
    return IMSS_MIN <= len(text) <= IMSS_MAX and text.isalnum()


def _check_imss(usuario: str, contrasena: str) -> None:
    if not usuario:
        raise _error("usuario_requerido", FIELD_USUARIO, "Captura el usuario.")
    if not _alphanumeric(usuario):
        raise _error(
            "usuario_invalido",
            FIELD_USUARIO,
            f"El usuario del certificado IMSS debe tener de {IMSS_MIN} a {IMSS_MAX} caracteres, "
            "sólo letras y números.",
        )
    if not contrasena:
        raise _error("contrasena_requerida", FIELD_CONTRASENA, "Captura la contraseña.")
    if not _alphanumeric(contrasena):
        raise _error(
            "contrasena_invalida",
            FIELD_CONTRASENA,
            f"La contraseña del certificado IMSS debe tener de {IMSS_MIN} a {IMSS_MAX} "
            "caracteres, sólo letras y números.",
        )
    if contrasena.casefold() == usuario.casefold():
        raise _error(
            "contrasena_igual_usuario",
            FIELD_CONTRASENA,
            "La contraseña no debe ser igual al usuario.",
        )

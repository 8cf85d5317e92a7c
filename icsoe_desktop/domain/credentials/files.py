"""File shapes: how a .cer, .key or .pfx is written (DER, PEM, bare base64) and which of them a
file really is, so that a swapped, empty or oversized file gets its own message before any
decryption is tried."""

from __future__ import annotations

import base64
import binascii
import itertools
import re
from dataclasses import dataclass

from icsoe_desktop.domain.credentials.der import (
    BITS,
    INTEGER,
    OCTETS,
    SEQUENCE,
    Malformed,
    integer,
    items,
    parse,
)
from icsoe_desktop.domain.credentials.messages import (
    FIELD_CERTIFICADO,
    FIELD_LLAVE,
    FIELD_PFX,
    credential_error,
)

_PEM_MARKER = re.compile(rb"-----(BEGIN|END) ([A-Z0-9 ]{1,40})-----")
_BASE64_TEXT = re.compile(rb"[A-Za-z0-9+/=\s]+")


@dataclass(frozen=True, slots=True)
class Pem:
    label: str
    headers: dict[str, str]
    der: bytes
    block: bytes  # the whole block, for cryptography's PEM loaders


def pem_blocks(data: bytes) -> list[Pem]:
    """Every BEGIN … END pair, in one pass over the markers (a lazy regex over the text would be
    quadratic on a file of unmatched BEGINs)."""
    blocks = []
    for begin, end in itertools.pairwise(_PEM_MARKER.finditer(data)):
        if begin.group(1, 2) == (b"BEGIN", end.group(2)) and end.group(1) == b"END":
            body = data[begin.end() : end.start()]
            blocks.append(_pem_block(begin.group(2), body, data[begin.start() : end.end()]))
    return blocks


def _pem_block(label: bytes, body: bytes, block: bytes) -> Pem:
    headers: dict[str, str] = {}
    lines: list[bytes] = []
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
    return Pem(label.decode("ascii"), headers, der, block)


def unwrap_text(data: bytes) -> bytes | None:
    """DER from bare base64 text, or None when ``data`` is not such text."""
    if not _BASE64_TEXT.fullmatch(data):
        return None
    try:
        return base64.b64decode(b"".join(data.split()), validate=True)
    except binascii.Error:
        return None


def file_shape(der: bytes) -> str:
    """What a DER blob looks like: certificate, pfx, encrypted_key, private_key or unknown."""
    try:
        parts = items(parse(der), minimum=2)
        if len(parts) == 3 and parts[0].tag == SEQUENCE and parts[2].tag == BITS:
            return "certificate"
        if len(parts) == 2 and parts[0].tag == SEQUENCE and parts[1].tag == OCTETS:
            return "encrypted_key"
        if parts[0].tag == INTEGER:
            version = integer(parts[0])
            if version == 3 and parts[1].tag == SEQUENCE:
                return "pfx"
            if version in (0, 1) and parts[1].tag in (SEQUENCE, INTEGER, OCTETS):
                return "private_key"  # PKCS#8, PKCS#1 (RSA) or SEC1 (EC)
    except Malformed:
        pass
    return "unknown"


def strip_text(data: bytes) -> bytes:
    return data.removeprefix(b"\xef\xbb\xbf").strip()


MAX_FILE_SIZE = 1_000_000  # real certificates, keys and .pfx files are a few KB
_INVALID_CODES = {
    FIELD_CERTIFICADO: "certificado_invalido",
    FIELD_LLAVE: "llave_invalida",
    FIELD_PFX: "pfx_invalido",
}
_EMPTY_MESSAGES = {
    FIELD_CERTIFICADO: "El archivo de certificado (.cer) está vacío.",
    FIELD_LLAVE: "El archivo de llave privada (.key) está vacío.",
    FIELD_PFX: "El archivo .pfx está vacío.",
}


def require_file(data: bytes, field_name: str) -> bytes:
    if not data or not data.strip(b" \t\r\n\x00"):
        raise credential_error("archivo_vacio", field_name, _EMPTY_MESSAGES[field_name])
    if len(data) > MAX_FILE_SIZE:
        raise credential_error(
            _INVALID_CODES[field_name],
            field_name,
            "El archivo es demasiado grande para ser un certificado o una llave privada.",
        )
    return data


_SWAPPED_CER = (
    "El archivo de certificado (.cer) contiene una llave privada: revisa que no hayas invertido "
    "los archivos .cer y .key."
)
_PFX_AS_CER = (
    "El archivo de certificado es un .pfx: selecciónalo como certificado IMSS, sin llave privada."
)


def certificate_file_der(data: bytes, field_name: str = FIELD_CERTIFICADO) -> bytes:
    """DER of the certificate in a DER, PEM or base64 file; a key here means swapped files."""
    text = strip_text(data)
    if b"-----BEGIN" in text:
        blocks = pem_blocks(text)
        for block in blocks:
            if block.label in ("CERTIFICATE", "X509 CERTIFICATE"):
                return block.der
        if any(block.label.endswith("PRIVATE KEY") for block in blocks):
            raise credential_error("archivos_invertidos", field_name, _SWAPPED_CER)
        raise credential_error("certificado_invalido", field_name)
    der = data if data[:1] == b"\x30" else (unwrap_text(text) or data)
    shape = file_shape(der)
    if shape in ("encrypted_key", "private_key"):
        raise credential_error("archivos_invertidos", field_name, _SWAPPED_CER)
    if shape == "pfx":
        raise credential_error("certificado_invalido", field_name, _PFX_AS_CER)
    return der

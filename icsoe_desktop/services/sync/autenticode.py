"""The Authenticode signature of a downloaded installer, checked before it is run: the file's
own hash against the one signed, the signature against its certificate, and that certificate's
chain up to a publisher certificate this installation pins (the vendor's, or the company's that
IT set at install time). The version is the one in the signed file (its VERSIONINFO), not
the server's word.

Whatever the server announces, only a file that passes every check is run; each refusal is a
Spanish :class:`FirmaRechazada`. Pure Python (pefile, asn1crypto, cryptography): the same
check on Windows and on Linux.
"""

from __future__ import annotations

import hashlib
import logging
import struct
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, BinaryIO, ClassVar

from asn1crypto import algos, cms, core
from asn1crypto import parser as asn1_parser
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from icsoe_desktop.domain.errors import DomainError

log = logging.getLogger(__name__)

# The program folder's files that pin the publishers (PEM or DER, one or more certificates
# each): the vendor's, shipped by the installer, and the company's, set by IT at install time.
EDITOR = "firma-editor.pem"
EMPRESA = "firma-empresa.pem"

_SPC_INDIRECT_DATA = "1.3.6.1.4.1.311.2.1.4"
_SPC_PE_IMAGE_DATA = "1.3.6.1.4.1.311.2.1.15"
_WIN_CERT_PKCS_SIGNED_DATA = 0x0002
_HASHES: dict[str, type[hashes.HashAlgorithm]] = {
    "sha256": hashes.SHA256,
    "sha384": hashes.SHA384,
    "sha512": hashes.SHA512,
}
_MAX_CADENA = 6
_DATOS_SIN_FIRMAR = (
    "trae datos sin firmar junto a su firma (en su tabla de certificados), que Windows no acepta."
)
_LEER = 1024 * 1024


class _SpcAtributo(core.Sequence):  # type: ignore[misc]  # asn1crypto is untyped
    """SpcAttributeTypeAndOptionalValue (Authenticode PE, «SpcIndirectDataContent»)."""

    _fields: ClassVar = [
        ("type", core.ObjectIdentifier),
        ("value", core.Any, {"optional": True}),
    ]


class _SpcIndirectData(core.Sequence):  # type: ignore[misc]  # asn1crypto is untyped
    """SpcIndirectDataContent: what is signed, and the PE file's hash."""

    _fields: ClassVar = [("data", _SpcAtributo), ("message_digest", algos.DigestInfo)]


class FirmaRechazada(DomainError):
    """The installer is not signed by a pinned publisher (Spanish message, nothing run)."""


@dataclass(frozen=True)
class Firma:
    version: str  # X.Y.Z from the signed VERSIONINFO
    firmante: str  # the signing certificate's subject
    editor: str  # the pinned certificate its chain reaches


def editores_fijados(carpeta: Path | None = None) -> list[x509.Certificate]:
    """The publisher certificates this installation trusts: those in the program folder's
    ``firma-editor.pem`` and ``firma-empresa.pem`` (the Windows installation's folder; from
    the source code there is none). A file that cannot be read is logged and skipped."""
    if carpeta is None:
        if not getattr(sys, "frozen", False):
            return []
        carpeta = Path(sys.executable).resolve().parent
    certificados: list[x509.Certificate] = []
    for nombre in (EDITOR, EMPRESA):
        ruta = carpeta / nombre
        if not ruta.is_file():
            continue
        try:
            certificados += leer_certificados(ruta.read_bytes())
        except (OSError, ValueError) as exc:
            log.warning("Certificado de editor ilegible en %s: %s", ruta, exc)
    return certificados


def leer_certificados(datos: bytes) -> list[x509.Certificate]:
    """Every certificate of a PEM file (one or more) or the one of a DER file."""
    if b"-----BEGIN CERTIFICATE-----" in datos:
        return x509.load_pem_x509_certificates(datos)
    return [x509.load_der_x509_certificate(datos)]


def _rechazo(codigo: str, nombre: str, motivo: str) -> FirmaRechazada:
    return FirmaRechazada(
        codigo,
        f"El instalador {nombre} {motivo} Se borró y no se instaló nada: avisa al "
        "administrador del servidor.",
    )


def revisar(ruta: Path, editores: Sequence[x509.Certificate], ahora: datetime) -> Firma:
    """The signature of the installer at ``ruta`` if it chains to one of ``editores`` and is
    valid at ``ahora``; else FirmaRechazada with what is wrong."""
    import pefile  # imported on first use (start-up time)

    nombre = ruta.name
    if not editores:
        raise FirmaRechazada(
            "sin_editor_fijado",
            "Esta instalación no tiene fijado el certificado del editor de icsoe-desktop "
            f"({EDITOR} o {EMPRESA} en la carpeta del programa): no se puede comprobar quién "
            f"firmó {nombre}, así que no se instaló nada. Reinstala icsoe-desktop con el "
            "instalador oficial o pide a TI que fije el certificado de la empresa.",
        )
    try:
        pe = pefile.PE(str(ruta), fast_load=True)
    except (pefile.PEFormatError, OSError) as exc:
        log.warning("Instalador ilegible %s: %s", ruta, exc)
        raise _rechazo(
            "instalador_ilegible", nombre, "no es un programa de Windows legible."
        ) from exc
    try:
        return _revisar_pe(pe, ruta, editores, ahora, nombre)
    except FirmaRechazada:
        raise
    except OSError as exc:
        log.warning("No se pudo leer %s: %s", ruta, exc)
        raise _rechazo("instalador_ilegible", nombre, "no se pudo leer.") from exc
    except Exception as exc:
        # Bytes from the network, parsed lazily by three libraries, each with its own error
        # classes (asn1crypto's ValueError, cryptography's InvalidVersion…): whatever a
        # malformed structure raises is this refusal, never a crash.
        log.warning("Firma Authenticode ilegible en %s: %r", ruta, exc)
        raise _rechazo("firma_invalida", nombre, "trae una firma Authenticode ilegible.") from exc
    finally:
        _soltar(pe)


def _soltar(pe: Any) -> None:
    """The file's map released (on Windows it locks the file a refusal deletes). Not
    ``pe.close()``: pefile's also runs a full garbage collection, which walks every object
    the process holds, at each check, on whichever thread checks the update, where
    gui/kit/recolector.py keeps collections off. A PE opened from a path always holds its
    file as an mmap."""
    pe.__data__.close()


def _revisar_pe(
    pe: Any, ruta: Path, editores: Sequence[x509.Certificate], ahora: datetime, nombre: str
) -> Firma:
    import pefile

    directorio = pe.OPTIONAL_HEADER.DATA_DIRECTORY[
        pefile.DIRECTORY_ENTRY["IMAGE_DIRECTORY_ENTRY_SECURITY"]
    ]
    inicio, largo = int(directorio.VirtualAddress), int(directorio.Size)
    tamano = ruta.stat().st_size
    if inicio == 0 or largo == 0:
        raise _rechazo("sin_firma", nombre, "no está firmado (no trae firma Authenticode).")
    # The signature ends the file: nothing after it can ride along unsigned.
    if inicio + largo != tamano or largo < 8:
        raise _rechazo("firma_invalida", nombre, "trae una firma dañada o datos fuera de ella.")
    with ruta.open("rb") as archivo:
        entradas = _entradas(archivo, inicio, largo, nombre)
        longitud, tipo = entradas[0]
        if tipo != _WIN_CERT_PKCS_SIGNED_DATA or longitud <= 8:
            raise _rechazo("firma_invalida", nombre, "trae una firma que no es Authenticode.")
        archivo.seek(inicio + 8)
        pkcs7 = _sin_relleno(archivo.read(_alineado(longitud) - 8), nombre)
    excluidos = [
        (pe.OPTIONAL_HEADER.get_file_offset() + 64, 4),  # CheckSum
        (directorio.get_file_offset(), 8),  # the certificate table's own entry
    ]
    firmado = _firma_de(pkcs7, nombre)
    if _hash_pe(ruta, inicio, excluidos, firmado.algoritmo) != firmado.digest_pe:
        raise _rechazo(
            "firma_no_corresponde",
            nombre,
            "fue modificado después de firmarse (su contenido no es el que se firmó).",
        )
    firmante = _firmante(firmado, nombre)
    editor = _cadena(firmante, firmado.certificados, editores, ahora, nombre)
    return Firma(_version(pe, nombre), _nombre(firmante), editor)


def _alineado(longitud: int) -> int:
    return (longitud + 7) & ~7


def _entradas(archivo: BinaryIO, inicio: int, largo: int, nombre: str) -> list[tuple[int, int]]:
    """The certificate table's WIN_CERTIFICATE entries (dwLength, wCertificateType): each
    entry's length, rounded up to 8 bytes, must tile the table exactly, as Windows checks
    with EnableCertPaddingCheck. Bytes in the table that no entry claims would be carried
    along unsigned (Authenticode's hash stops where the table starts)."""
    entradas: list[tuple[int, int]] = []
    posicion = 0
    while posicion < largo:
        archivo.seek(inicio + posicion)
        cabeza = archivo.read(8)
        if len(cabeza) < 8:
            raise _rechazo("firma_invalida", nombre, _DATOS_SIN_FIRMAR)
        longitud, _revision, tipo = struct.unpack("<IHH", cabeza)
        if longitud < 8 or posicion + _alineado(longitud) > largo:
            raise _rechazo("firma_invalida", nombre, _DATOS_SIN_FIRMAR)
        entradas.append((longitud, tipo))
        posicion += _alineado(longitud)
    return entradas


def _sin_relleno(entrada: bytes, nombre: str) -> bytes:
    """The PKCS #7 SignedData of an entry's bCertificate: its DER encoding, followed only by
    the zeros that align the entry to 8 bytes (anything else there is unsigned data)."""
    try:
        _clase, _metodo, _etiqueta, cabeza, contenido, cola = asn1_parser.parse(entrada)
    except ValueError as exc:
        raise _rechazo("firma_invalida", nombre, "trae una firma Authenticode ilegible.") from exc
    fin = len(cabeza) + len(contenido) + len(cola)
    if len(entrada) - fin >= 8 or entrada[fin:].strip(b"\0"):
        raise _rechazo("firma_invalida", nombre, _DATOS_SIN_FIRMAR)
    return entrada[:fin]


def _hash_pe(ruta: Path, fin: int, excluidos: list[tuple[int, int]], algoritmo: str) -> bytes:
    """Authenticode's hash of a PE file: every byte before the signature but the CheckSum and
    the certificate table's entry."""
    digest = hashlib.new(algoritmo)
    posicion = 0
    with ruta.open("rb") as archivo:
        for desde, largo in [*sorted(excluidos), (fin, 0)]:
            while posicion < desde:
                trozo = archivo.read(min(_LEER, desde - posicion))
                if not trozo:
                    break
                digest.update(trozo)
                posicion += len(trozo)
            archivo.seek(desde + largo)
            posicion = desde + largo
    return digest.digest()


@dataclass(frozen=True)
class _Firmado:
    algoritmo: str
    digest_pe: bytes
    contenido: bytes  # SpcIndirectDataContent's content octets (what messageDigest hashes)
    signer_info: Any
    certificados: list[x509.Certificate]


def _firma_de(pkcs7: bytes, nombre: str) -> _Firmado:
    """The SignedData's parts, each checked for its form (not yet for who signed). A
    structure that does not parse raises asn1crypto's errors: revisar refuses them."""
    invalida = _rechazo("firma_invalida", nombre, "trae una firma Authenticode ilegible.")
    info = cms.ContentInfo.load(pkcs7)
    if info["content_type"].native != "signed_data":
        raise invalida
    signed = info["content"]
    encap = signed["encap_content_info"]
    if encap["content_type"].dotted != _SPC_INDIRECT_DATA or len(signed["signer_infos"]) != 1:
        raise invalida
    # PKCS #7's content is the SEQUENCE itself (not CMS's OCTET STRING around it): its
    # content octets, which the signed messageDigest hashes.
    contenido = bytes(encap["content"].contents)
    indirect = _SpcIndirectData(contents=contenido)
    if indirect["data"]["type"].dotted != _SPC_PE_IMAGE_DATA:
        raise invalida
    algoritmo = indirect["message_digest"]["digest_algorithm"]["algorithm"].native
    digest_pe = bytes(indirect["message_digest"]["digest"].native)
    signer_info = signed["signer_infos"][0]
    certificados = [
        x509.load_der_x509_certificate(c.chosen.dump())
        for c in signed["certificates"] or []
        if c.name == "certificate"
    ]
    if algoritmo not in _HASHES or signer_info["digest_algorithm"]["algorithm"].native != (
        algoritmo
    ):
        raise _rechazo(
            "firma_debil",
            nombre,
            f"está firmado con un algoritmo que no se acepta ({algoritmo}; se pide SHA-256 o "
            "superior).",
        )
    return _Firmado(algoritmo, digest_pe, contenido, signer_info, certificados)


def _firmante(firmado: _Firmado, nombre: str) -> x509.Certificate:
    """The certificate whose key made the signature over the signed attributes, which
    name the content signed (its type and its hash)."""
    signer_info = firmado.signer_info
    invalida = _rechazo(
        "firma_invalida", nombre, "trae una firma que no corresponde a su contenido."
    )
    sid = signer_info["sid"]
    if sid.name != "issuer_and_serial_number":
        raise invalida
    serie = sid.chosen["serial_number"].native
    emisor = sid.chosen["issuer"].dump()
    candidatos = [
        c
        for c in firmado.certificados
        if c.serial_number == serie and c.issuer.public_bytes() == emisor
    ]
    atributos = signer_info["signed_attrs"]
    if not candidatos or not atributos:
        raise invalida
    valores: dict[str, list[Any]] = {}
    for atributo in atributos:
        valores.setdefault(atributo["type"].native, []).extend(atributo["values"])
    tipo = valores.get("content_type", [])
    digest = valores.get("message_digest", [])
    hasher = hashlib.new(firmado.algoritmo, firmado.contenido)
    if (
        len(tipo) != 1
        or tipo[0].dotted != _SPC_INDIRECT_DATA
        or len(digest) != 1
        or bytes(digest[0].native) != hasher.digest()
    ):
        raise invalida
    # The signature is over the attributes' DER as a SET (their [0] tag replaced).
    datos = b"\x31" + atributos.dump()[1:]
    firma = bytes(signer_info["signature"].native)
    algoritmo = _HASHES[firmado.algoritmo]()
    certificado = candidatos[0]
    clave = certificado.public_key()
    try:
        if isinstance(clave, rsa.RSAPublicKey):
            clave.verify(firma, datos, padding.PKCS1v15(), algoritmo)
        elif isinstance(clave, ec.EllipticCurvePublicKey):
            clave.verify(firma, datos, ec.ECDSA(algoritmo))
        else:
            raise invalida
    except InvalidSignature as exc:
        raise invalida from exc
    return certificado


def _nombre(certificado: x509.Certificate) -> str:
    """Its holder's common name (what Windows shows as the publisher), else its whole subject."""
    cn = certificado.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    return str(cn[0].value) if cn else certificado.subject.rfc4514_string()


def _vigente(certificado: x509.Certificate, ahora: datetime) -> bool:
    return certificado.not_valid_before_utc <= ahora <= certificado.not_valid_after_utc


def _cadena(
    firmante: x509.Certificate,
    incluidos: list[x509.Certificate],
    editores: Sequence[x509.Certificate],
    ahora: datetime,
    nombre: str,
) -> str:
    """The pinned certificate the signer's chain reaches: the signer itself, or its issuers
    (from the signature's certificates) one by one, each a valid CA certificate."""
    try:
        usos = firmante.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    except x509.ExtensionNotFound:
        usos = None
    if usos is None or ExtendedKeyUsageOID.CODE_SIGNING not in usos:
        raise _rechazo(
            "firma_sin_uso_de_codigo",
            nombre,
            "está firmado con un certificado que no es de firma de código.",
        )
    if not _vigente(firmante, ahora):
        raise _rechazo(
            "firma_vencida",
            nombre,
            "está firmado con un certificado que no está vigente (vigencia "
            f"{firmante.not_valid_before_utc:%d/%m/%Y} a "
            f"{firmante.not_valid_after_utc:%d/%m/%Y}).",
        )
    fijados = {e.fingerprint(hashes.SHA256()): e for e in editores}
    actual = firmante
    for _ in range(_MAX_CADENA):
        editor = fijados.get(actual.fingerprint(hashes.SHA256()))
        if editor is not None:
            return _nombre(editor)
        emisor = next((c for c in [*editores, *incluidos] if _emitido_por(actual, c, ahora)), None)
        if emisor is None:
            break
        actual = emisor
    raise _rechazo(
        "firma_de_otro_editor",
        nombre,
        f"está firmado por «{_nombre(firmante)}», que no es el editor que "
        "esta instalación reconoce (ni el de icsoe-desktop ni el certificado de la empresa "
        "que fijó TI).",
    )


def _emitido_por(hijo: x509.Certificate, padre: x509.Certificate, ahora: datetime) -> bool:
    if hijo.issuer != padre.subject or hijo == padre or not _vigente(padre, ahora):
        return False
    try:
        restricciones = padre.extensions.get_extension_for_class(x509.BasicConstraints).value
    except x509.ExtensionNotFound:
        return False
    if not restricciones.ca:
        return False
    try:
        if not padre.extensions.get_extension_for_class(x509.KeyUsage).value.key_cert_sign:
            return False
    except x509.ExtensionNotFound:
        pass  # no KeyUsage: not restricted
    try:
        hijo.verify_directly_issued_by(padre)
    except (ValueError, TypeError, InvalidSignature):
        return False
    return True


def _version(pe: Any, nombre: str) -> str:
    """X.Y.Z of the signed file's VERSIONINFO (Inno Setup's VersionInfoVersion, X.Y.Z.0)."""
    import pefile

    pe.parse_data_directories(
        directories=[pefile.DIRECTORY_ENTRY["IMAGE_DIRECTORY_ENTRY_RESOURCE"]]
    )
    fijo = getattr(pe, "VS_FIXEDFILEINFO", None)
    if not fijo:
        raise _rechazo("sin_version", nombre, "no dice su versión (no trae VERSIONINFO).")
    alta, baja = int(fijo[0].FileVersionMS), int(fijo[0].FileVersionLS)
    partes = (alta >> 16, alta & 0xFFFF, baja >> 16, baja & 0xFFFF)
    if partes[3] != 0:
        raise _rechazo(
            "sin_version",
            nombre,
            f"dice una versión que no es de icsoe-desktop ({'.'.join(map(str, partes))}).",
        )
    return ".".join(map(str, partes[:3]))

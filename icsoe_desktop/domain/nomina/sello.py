"""Whether a CFDI de nómina is genuine and this empresa's: the emisor's sello, its CSD, the timbre.

The cadena original is what the SAT's own XSLT makes of the XML (``resources/cfdi``: the SAT's
cadenaoriginal_4_0 and 3_3 with only the Nómina 1.2 complement included, see PROCEDENCIA.md);
the sello is RSA-SHA256 over it with the key of the CSD whose certificate the XML carries. That
certificate must be a CSD, of the emisor's RFC, numbered as ``NoCertificado`` says, issued up a
chain to the emisores confiables (``domain.trust``: the SAT's ACs and Banco de México's roots)
and valid on the CFDI's date. The timbre (Timbre Fiscal Digital) must seal this sello; its own
seal (SelloSAT) is verified only when the SAT's certificate of that number is at hand, which
``Verificado.sello_sat`` says.

A receipt signs with the same CSD as thousands of others: the certificate's checks are made once
per certificate and remembered.
"""

from __future__ import annotations

import base64
import binascii
import functools
import re
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from icsoe_desktop.domain.clock import HORA_DEL_CENTRO
from icsoe_desktop.domain.credentials import CertificateInfo, CredentialError, load_certificate
from icsoe_desktop.domain.credentials.certificates import raw_certificate

if TYPE_CHECKING:  # lxml is imported at the first receipt, not with the module (start-up)
    from lxml.etree import XSLT, _XSLTResultTree
    from lxml.etree import _Element as Elemento
from icsoe_desktop.domain.nomina.recibo import (
    Recibo,
    ReciboRechazado,
    leer_con_timbre,
    parse_xml,
)
from icsoe_desktop.domain.trust import TrustStore

SAT_VERIFICADO = "verificado"
SAT_NO_DISPONIBLE = "no_disponible"  # the SAT's certificate of the timbre is not at hand
XSLT_CFDI = {"4.0": "cadenaoriginal_4_0.xslt", "3.3": "cadenaoriginal_3_3.xslt"}
XSLT_TFD = "cadenaoriginal_TFD_1_1.xslt"

MSG_SELLO = (
    "El sello no corresponde al contenido: el XML se modificó después de sellarse (un importe, "
    "un dato del trabajador…)."
)


@dataclass(frozen=True, slots=True)
class Verificado:
    recibo: Recibo
    sello_sat: str  # SAT_VERIFICADO | SAT_NO_DISPONIBLE


@dataclass(frozen=True, slots=True)
class _Certificado:
    info: CertificateInfo
    llave: Any  # the public key (cryptography's RSAPublicKey)
    confiable: bool


_local = threading.local()  # lxml's compiled XSLTs are used by the thread that made them


def _xslt(path: Path | str) -> XSLT:
    cache: dict[str, XSLT] = _local.__dict__.setdefault("xslt", {})
    clave = str(path)
    if clave not in cache:
        from lxml import etree

        parser = etree.XMLParser(no_network=True, resolve_entities=False)
        cache[clave] = etree.XSLT(
            etree.parse(clave, parser), access_control=etree.XSLTAccessControl.DENY_ALL
        )
    return cache[clave]


def cadena_original(xslt_dir: Path, root: Elemento, version: str) -> bytes:
    """The CFDI's cadena original, UTF-8, as the SAT's XSLT writes it."""
    return _salida(_xslt(xslt_dir / XSLT_CFDI[version])(root))


def _salida(resultado: _XSLTResultTree) -> bytes:
    """The transform's output as ``<xsl:output>`` writes it."""
    cadena: bytes = bytes(resultado)  # type: ignore[call-overload]  # a result tree is a buffer of its output; types-lxml omits it
    return cadena


_ESPACIOS_XML = re.compile("[ \t\r\n]+")
# The TFD 1.1 cadena's fields, in the SAT's order; True: written only when present (Opcional).
_CAMPOS_TFD = (
    ("Version", False),
    ("UUID", False),
    ("FechaTimbrado", False),
    ("RfcProvCertif", False),
    ("Leyenda", True),
    ("SelloCFD", False),
    ("NoCertificadoSAT", False),
)


def cadena_tfd(tfd: Elemento) -> bytes:
    """The timbre's cadena original exactly as the SAT's cadenaoriginal_TFD_1_1.xslt writes it
    (each field «|» and its value with XPath's normalize-space, «||» around them), built
    without running the XSLT: a template of seven attributes, where the transform cost a
    fifth of a receipt's import. tests/domain/test_nomina_sello.py holds it to the XSLT."""
    partes = []
    for nombre, opcional in _CAMPOS_TFD:
        valor = tfd.get(nombre)
        if valor is None and opcional:
            continue
        valor = valor or ""
        if "  " in valor or "\t" in valor or "\n" in valor or "\r" in valor:
            valor = _ESPACIOS_XML.sub(" ", valor)
        partes.append(valor.strip(" \t\r\n"))
    return ("||" + "|".join(partes) + "||").encode("utf-8")


@functools.cache
def _rsa() -> tuple[Any, Any, Any, type[Exception]]:
    """(RSAPublicKey, PKCS#1 v1.5, SHA-256, InvalidSignature): imported at the first receipt,
    not with the module, and not again for each of the two seals of every receipt."""
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import padding, rsa

    return rsa.RSAPublicKey, padding.PKCS1v15(), hashes.SHA256(), InvalidSignature


def _verifica(llave: Any, firma_b64: str, datos: bytes) -> bool:
    publica, relleno, resumen, invalida = _rsa()
    if not isinstance(llave, publica):
        return False
    try:
        firma = base64.b64decode(firma_b64, validate=True)
        llave.verify(firma, datos, relleno, resumen)
    except (invalida, binascii.Error, ValueError):
        return False
    return True


def _llave(der: bytes) -> Any:
    from cryptography.hazmat.primitives.serialization import load_der_public_key

    return load_der_public_key(raw_certificate(der).spki)


class Verificador:
    """Verifies the receipts of one empresa (``rfc_empresa``) against ``confianza``.

    ``certificados_sat``: the SAT's certificates that seal timbres, by their number, as far as
    this desktop has them; a timbre whose certificate is not among them is read, not verified.
    """

    def __init__(
        self,
        xslt_dir: Path,
        confianza: TrustStore,
        rfc_empresa: str,
        certificados_sat: Mapping[str, bytes] | None = None,
    ) -> None:
        self._xslt_dir = xslt_dir
        self._hojas = {v: str(xslt_dir / nombre) for v, nombre in XSLT_CFDI.items()}
        self._confianza = confianza
        self.rfc_empresa = rfc_empresa.strip().upper()
        self._sat = dict(certificados_sat or {})
        self._certificados: dict[str, _Certificado | ReciboRechazado] = {}
        self._sat_llaves: dict[str, Any] = {}

    def verificar(self, data: bytes) -> Verificado:
        root = parse_xml(data)
        recibo, tfd = leer_con_timbre(root)
        if recibo.emisor_rfc != self.rfc_empresa:
            raise ReciboRechazado(
                "emisor_otro",
                f"Lo emitió el RFC {recibo.emisor_rfc}, no esta empresa ({self.rfc_empresa}).",
            )
        certificado = self._certificado(recibo.certificado)
        info = certificado.info
        if info.no_certificado != recibo.no_certificado:
            raise ReciboRechazado(
                "no_certificado_distinto",
                f"Dice sellarse con el certificado {recibo.no_certificado}, pero trae el "
                f"{info.no_certificado}.",
            )
        if info.rfc != recibo.emisor_rfc:
            raise ReciboRechazado(
                "certificado_otro_rfc",
                f"El certificado del sello es del RFC {info.rfc or '(sin RFC)'}, no del emisor "
                f"{recibo.emisor_rfc}.",
            )
        if not certificado.confiable:
            raise ReciboRechazado(
                "certificado_no_confiable",
                f"El certificado del sello ({info.no_certificado}) no lo emitió el SAT: no se "
                "encadena a ninguno de los emisores confiables.",
            )
        momento = recibo.fecha.replace(tzinfo=HORA_DEL_CENTRO)
        if not info.valido_desde <= momento <= info.valido_hasta:
            raise ReciboRechazado(
                "certificado_no_vigente",
                f"El certificado del sello ({info.no_certificado}) no estaba vigente el "
                f"{recibo.fecha:%d/%m/%Y}: vale del {info.valido_desde:%d/%m/%Y} al "
                f"{info.valido_hasta:%d/%m/%Y}.",
            )
        cadena = _salida(_xslt(self._hojas[recibo.version])(root))
        if not _verifica(certificado.llave, recibo.sello, cadena):
            raise ReciboRechazado("sello_invalido", MSG_SELLO)
        if recibo.timbre.sello_cfd != recibo.sello:
            raise ReciboRechazado(
                "timbre_de_otro_sello",
                "El timbre es de otro sello: el comprobante se modificó o se volvió a sellar "
                "después de timbrarse.",
            )
        return Verificado(recibo, self._sello_sat(tfd, recibo))

    def _certificado(self, b64: str) -> _Certificado:
        found = self._certificados.get(b64)
        if found is None:
            try:
                der = base64.b64decode("".join(b64.split()), validate=True)
                info = load_certificate(der)
                found = _Certificado(info, _llave(info.certificado_der), False)
            except (binascii.Error, CredentialError, ValueError):
                found = ReciboRechazado(
                    "certificado_ilegible", "El certificado que trae el XML no se puede leer."
                )
            else:
                if info.tipo != "CSD":
                    found = ReciboRechazado(
                        "certificado_no_csd",
                        f"Se selló con un certificado que no es un CSD ({info.tipo}): un CFDI "
                        "se sella con el certificado de sello digital.",
                    )
                else:
                    confiable = self._confianza.verifies(info.certificado_der)
                    found = _Certificado(info, found.llave, confiable)
            if len(self._certificados) > 1_000:  # bounded: a ZIP of forged certificates
                self._certificados.clear()
            self._certificados[b64] = found
        if isinstance(found, ReciboRechazado):
            raise ReciboRechazado(found.code, found.message)
        return found

    def _sello_sat(self, tfd: Elemento, recibo: Recibo) -> str:
        """``tfd``: the one timbre ``leer_con_timbre`` found (it refuses a receipt with two)."""
        numero = recibo.timbre.no_certificado_sat
        der = self._sat.get(numero)
        if der is None:
            return SAT_NO_DISPONIBLE
        if numero not in self._sat_llaves:
            self._sat_llaves[numero] = _llave(der)
        cadena = cadena_tfd(tfd)
        if not _verifica(self._sat_llaves[numero], recibo.timbre.sello_sat, cadena):
            raise ReciboRechazado(
                "sello_sat_invalido",
                f"El sello del SAT del timbre no se verifica con su certificado {numero}: el "
                "timbre se alteró o no es del SAT.",
            )
        return SAT_VERIFICADO

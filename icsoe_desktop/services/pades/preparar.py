"""What must happen before pyHanko or reportlab touch anything (imported by the other modules of
this package and by the constancia's writer).

- asn1crypto (pyHanko's ASN.1 layer) types x500UniqueIdentifier (2.5.4.45) as the BIT STRING of
  X.520; the SAT writes it as a PrintableString («RFC / RFC-rep») in every e.firma, CSD and CA.
  Unpatched, reading such a subject raises «tag should have been 3, but 19 was found», so pyHanko
  could neither sign with nor validate a SAT certificate (an open asn1crypto bug).
- asn1crypto lists an OID type's names once, the first time one of its values is built: an
  attribute registered after that (asn1crypto's own time-stamp module, pyHanko's CAdES ones) is
  unknown by name, and pyHanko cannot sign in a process that read a CMS signature before pyHanko
  was imported (the updater checking an installer's): ``nombres_al_dia``, once it is imported.
- The bundle leaves out aiohttp (pyHanko's aiohttp time-stamp client imports it; the app asks a
  time-stamp server and the issuers' revocation data with pyHanko's ``requests`` clients) and Pillow
  (reportlab imports it for images; the constancia has none): stand-ins that refuse any use
  take their place when they are absent.
"""

from __future__ import annotations

import logging
import sys
import types

from asn1crypto import cms, core, x509


class _IdentificadorUnico(core.Choice):  # type: ignore[misc]  # asn1crypto is untyped
    """x500UniqueIdentifier as the SAT writes it (a string), or the standard's BIT STRING."""

    _alternatives = [  # noqa: RUF012  (asn1crypto reads a class list)
        ("printable_string", core.PrintableString),
        ("utf8_string", core.UTF8String),
        ("teletex_string", core.TeletexString),
        ("bmp_string", core.BMPString),
        ("universal_string", core.UniversalString),
        ("ia5_string", core.IA5String),
        ("bit_string", core.OctetBitString),
    ]


x509.NameTypeAndValue._oid_specs["unique_identifier"] = _IdentificadorUnico


class _NoIncluido:
    def __init__(self, *args: object, **kwargs: object) -> None:
        raise RuntimeError("not in this build: the constancia uses no network and no images")


def _sustituto(nombre: str) -> types.ModuleType:
    modulo = types.ModuleType(nombre)
    modulo.__getattr__ = lambda _atributo: _NoIncluido  # type: ignore[method-assign]  # a stand-in
    return modulo


def _si_falta(nombre: str, *submodulos: str) -> None:
    try:
        __import__(nombre)
    except ImportError:
        sys.modules[nombre] = _sustituto(nombre)
        for sub in submodulos:
            sys.modules[f"{nombre}.{sub}"] = _sustituto(f"{nombre}.{sub}")
            setattr(sys.modules[nombre], sub, sys.modules[f"{nombre}.{sub}"])


_si_falta("aiohttp")
_si_falta("PIL", "Image")

# A refused signature is the app's answer, given in Spanish; pyHanko would also log each one
# with its traceback at ERROR.
for _nombre in ("pyhanko", "pyhanko_certvalidator"):
    logging.getLogger(_nombre).setLevel(logging.CRITICAL)


def nombres_al_dia() -> None:
    """The names of the CMS attributes and certificate extensions listed again where asn1crypto
    listed them already (before pyHanko and its registrations were imported)."""
    for tipo in (cms.CMSAttributeType, x509.ExtensionId):
        if tipo._reverse_map is not None:
            tipo._reverse_map = {nombre: oid for oid, nombre in tipo._map.items()}

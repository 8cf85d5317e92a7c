"""SAT e.firma (FIEL) / CSD pairs (.cer + .key) and IMSS certificates (.pfx).

Reads every variant met in the wild and turns every failure into a ``CredentialError`` with a
stable ``code`` (the ``cert inspect`` CLI contract) and a Spanish message. Nothing else escapes
the loaders: these files come from users' disks, damaged or swapped more often than not.

One module per level of detail, each importing only those above it:

- ``der``: a small BER/DER reader (SAT's Latin-1 Ñ, which ``cryptography`` refuses);
- ``messages``: ``CredentialError``, the field hints and the Spanish messages;
- ``files``: what a .cer/.key/.pfx file looks like (DER, PEM, base64) and swapped files;
- ``certificates``: ``CertificateInfo``, names, RFC/CURP, FIEL/CSD/IMSS, ``load_certificate``;
- ``signatures``: who signed a certificate, by key and signature (``domain/trust.py`` builds on it);
- ``keys``: .key decryption and ``load_sat_pair`` (the pair checked by signing and verifying);
- ``usuario``: the guide's usuario/contraseña rules (not about files; see its docstring);
- ``pkcs12``: ``load_pfx``, ``export_pfx`` and its password rule ``check_pfx_password``.

Everything other modules use is imported from here. ``cryptography`` (~80 ms to import) is
imported inside the functions that use it: importing this package costs nothing at start-up.
"""

from __future__ import annotations

from icsoe_desktop.domain.credentials.certificates import (
    POR_VENCER_DIAS,
    CertificateInfo,
    load_certificate,
    repair_mojibake,
    validity_state,
)
from icsoe_desktop.domain.credentials.files import MAX_FILE_SIZE
from icsoe_desktop.domain.credentials.keys import Credential, load_sat_pair
from icsoe_desktop.domain.credentials.messages import (
    FIELD_CERTIFICADO,
    FIELD_CONTRASENA,
    FIELD_LLAVE,
    FIELD_PFX,
    FIELD_USUARIO,
    MESSAGES,
    CredentialError,
)
from icsoe_desktop.domain.credentials.pkcs12 import check_pfx_password, export_pfx, load_pfx
from icsoe_desktop.domain.credentials.signatures import is_issued_by, signed_by
from icsoe_desktop.domain.credentials.usuario import (
    FIEL_MAX_CONTRASENA,
    FIEL_MIN_CONTRASENA,
    IMSS_MAX,
    IMSS_MIN,
    check_usuario_contrasena,
)

__all__ = [
    "FIELD_CERTIFICADO",
    "FIELD_CONTRASENA",
    "FIELD_LLAVE",
    "FIELD_PFX",
    "FIELD_USUARIO",
    "FIEL_MAX_CONTRASENA",
    "FIEL_MIN_CONTRASENA",
    "IMSS_MAX",
    "IMSS_MIN",
    "MAX_FILE_SIZE",
    "MESSAGES",
    "POR_VENCER_DIAS",
    "CertificateInfo",
    "Credential",
    "CredentialError",
    "check_pfx_password",
    "check_usuario_contrasena",
    "export_pfx",
    "is_issued_by",
    "load_certificate",
    "load_pfx",
    "load_sat_pair",
    "repair_mojibake",
    "signed_by",
    "validity_state",
]

"""Sealing secrets with AES-256-GCM under a random data key (the key itself goes to the keyring)."""

from __future__ import annotations

import base64
import os

from icsoe_desktop.domain.errors import DomainError

_NONCE = 12


def new_data_key() -> str:
    return base64.b64encode(os.urandom(32)).decode("ascii")


def seal(data_key: str, plaintext: bytes, context: bytes) -> bytes:
    """``context`` (e.g. the registro patronal) is authenticated: a sealed blob cannot be moved
    to another row."""
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    nonce = os.urandom(_NONCE)
    return nonce + AESGCM(base64.b64decode(data_key)).encrypt(nonce, plaintext, context)


def unseal(data_key: str, sealed: bytes, context: bytes) -> bytes:
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    try:
        return AESGCM(base64.b64decode(data_key)).decrypt(sealed[:_NONCE], sealed[_NONCE:], context)
    except (InvalidTag, ValueError) as exc:
        raise DomainError(
            "secreto_danado",
            "La llave privada guardada no se puede abrir (el almacén de credenciales cambió o "
            "los datos están dañados). Elimina el certificado y vuelve a asignarlo.",
        ) from exc

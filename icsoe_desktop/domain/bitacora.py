"""The audit log's chain: each entry's link is an HMAC-SHA-256, under the installation's key, of
the entry and of the previous link, so an entry edited, removed or slipped in by hand breaks
every link after it, and whoever has the file but not the key cannot make a link (append an
entry, rewrite the chain).

The links are kept beside the entries (``audit_cadena``), written by a trigger of the store as
each entry is inserted (store/plain.py registers ``ESLABON`` on every connection of the app,
with the installation's key), and checked by services/audit.py. The key lives in the OS
keyring (services/llave_bitacora.py). Chains made before the key are plain SHA-256 links
(``eslabon`` without ``llave``): they keep verifying up to the first keyed link, which marks
the switch (``CON_LLAVE``); after it every link must be keyed.
"""

from __future__ import annotations

# hashlib (it loads OpenSSL), hmac and json are imported by the functions: the login's opening
# imports this module (services/llave_bitacora.py) before Continuar answers and links nothing.

ESLABON = "bitacora_eslabon"  # the SQL function the trigger calls
ORIGEN = ""  # the link before the first entry
CON_LLAVE = "k1:"  # a keyed link's prefix: HMAC-SHA-256 under the installation's key
LARGO_LLAVE = 32  # bytes
# The entry from which a chain is linked with a new key, the one before lost (its detail names
# the new key's ``huella``): the links before it cannot be checked any more.
LLAVE_NUEVA = "bitacora_llave_nueva"
# The entry from which a restored backup's chain, made on another installation and checked at
# the restore with that installation's key (carried by the backup), is linked with this one's.
LLAVE_RESTAURADA = "bitacora_llave_de_otra_instalacion"


def eslabon(
    previo: str | None,
    uuid: str | None,
    at: str | None,
    actor: str | None,
    action: str | None,
    target: str | None,
    detail: str | None,
    *,
    llave: bytes | None = None,
) -> str:
    """The link of one entry (its columns as the store keeps them: ``at`` as text) after
    ``previo``; the JSON list keeps the fields apart (no «a|b» equal to «a|» + «b»). With
    ``llave``, the HMAC under it (``CON_LLAVE`` + hex); without, the plain SHA-256 of the
    chains made before the key."""
    import hashlib
    import hmac
    import json

    datos = json.dumps(
        [previo or ORIGEN, uuid, at, actor, action, target, detail], ensure_ascii=False
    ).encode("utf-8")
    if llave is None:
        return hashlib.sha256(datos).hexdigest()
    return CON_LLAVE + hmac.new(llave, datos, hashlib.sha256).hexdigest()


def con_llave(link: str) -> bool:
    return link.startswith(CON_LLAVE)


def huella(llave: bytes) -> str:
    """What names a key without revealing it (a message, the log)."""
    import hashlib

    return hashlib.sha256(b"icsoe-desktop bitacora " + llave).hexdigest()[:16]


__all__ = [
    "CON_LLAVE",
    "ESLABON",
    "LARGO_LLAVE",
    "LLAVE_NUEVA",
    "LLAVE_RESTAURADA",
    "ORIGEN",
    "con_llave",
    "eslabon",
    "huella",
]

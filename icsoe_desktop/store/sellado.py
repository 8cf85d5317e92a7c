"""Files kept beside a store that are not SQLite (the find box's copy of the movements: their
names and NSS) sealed with a key derived from the installation's (store/cifrado.py): AES-256-GCM
under HKDF-SHA256 of that key and the file's purpose, so a copied data folder gives away nothing
of them either. Without an installation key (no OS keyring: the stores themselves are plain)
the file is written in clear, as its store.

A sealed file: ``MAGIA``, a random 12-byte nonce, the content encrypted, GCM's 16-byte tag. It
is written and read part by part (the copy of a million movements weighs ~67 MB); what is read
is used only once the tag held (``Abierto.cerrar``)."""

from __future__ import annotations

import os
from typing import BinaryIO, Final

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from icsoe_desktop.store import cifrado

MAGIA: Final = b"icsoe-desktop: sellado AES-256-GCM, version 1\n"
_NONCE: Final = 12
_TAG: Final = 16


class SelloInvalido(Exception):
    """Not a sealed file, sealed with another key, or altered."""


def llave(proposito: bytes) -> bytes | None:
    """The key of the files for ``proposito`` (None: the installation has no key)."""
    base = cifrado.llave_instalacion()
    if base is None:
        return None
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=proposito).derive(base)


class Sellador:
    """Writes to ``destino`` what it is given, sealed with ``clave`` (None: in clear)."""

    def __init__(self, destino: BinaryIO, clave: bytes | None) -> None:
        self._destino = destino
        self._cifra = None
        if clave is not None:
            nonce = os.urandom(_NONCE)
            self._cifra = Cipher(algorithms.AES(clave), modes.GCM(nonce)).encryptor()
            destino.write(MAGIA + nonce)

    def write(self, datos: bytes | bytearray | memoryview) -> None:
        self._destino.write(datos if self._cifra is None else self._cifra.update(datos))

    def cerrar(self) -> None:
        if self._cifra is not None:
            self._destino.write(self._cifra.finalize() + self._cifra.tag)


class Abierto:
    """Reads back what a Sellador wrote to ``origen`` (``tamano`` bytes): ``largo`` is the
    content's size. SelloInvalido when it is sealed and ``clave`` is None or another, or in
    clear while there is a key (written so before: its caller writes it anew, sealed)."""

    def __init__(self, origen: BinaryIO, tamano: int, clave: bytes | None) -> None:
        self._origen = origen
        inicio = origen.read(len(MAGIA))
        self._descifra = None
        if inicio != MAGIA:
            if clave is not None:  # kept in clear before the installation had a key
                raise SelloInvalido("en claro")
            origen.seek(0)
            self.largo = tamano
            return
        if clave is None or tamano < len(MAGIA) + _NONCE + _TAG:
            raise SelloInvalido("sellado sin llave")
        nonce = origen.read(_NONCE)
        origen.seek(tamano - _TAG)
        tag = origen.read(_TAG)
        origen.seek(len(MAGIA) + _NONCE)
        self._descifra = Cipher(algorithms.AES(clave), modes.GCM(nonce, tag)).decryptor()
        self.largo = tamano - len(MAGIA) - _NONCE - _TAG

    @property
    def es_sellado(self) -> bool:
        return self._descifra is not None

    def read(self, n: int) -> bytes:
        datos = self._origen.read(n)
        return datos if self._descifra is None else self._descifra.update(datos)

    def cerrar(self) -> None:
        """SelloInvalido unless every byte read is the one sealed with this key."""
        if self._descifra is not None:
            try:
                self._descifra.finalize()
            except InvalidTag as error:
                raise SelloInvalido("alterado o de otra llave") from error


__all__ = ["MAGIA", "Abierto", "Sellador", "SelloInvalido", "llave"]

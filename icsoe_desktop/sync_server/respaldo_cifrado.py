"""The server's encrypted dumps: a key IT keeps in a file, and a stream cut into chunks, each
sealed with AES-256-GCM, so a dump of any size is written and read without holding it whole.

The file: a header (``MAGIA``, a random salt, the key's identity), then chunks of ``TROZO``
bytes of the dump at most, each ``flag (1 byte) | length (4 bytes) | ciphertext+tag``. The
file's own key is HKDF(the key, the salt): no two dumps share one. A chunk's nonce is its
number and whether it is the last, and the header is every chunk's associated data: a chunk
changed, moved, dropped or put after the last one, or a changed header, fails its tag; a file
that ends before a chunk marked last is cut short. The key's identity (an HMAC of the key, not
the key) tells a dump made with another key before anything is decrypted.

The key file: one line, ``LINEA_LLAVE`` and the 32 bytes in base64url."""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import struct
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from icsoe_desktop.domain.errors import ValidationError

MAGIA = b"ICSOE-SYNC-RESPALDO v1\n"
LINEA_LLAVE = "icsoe-sync-llave-respaldo-v1"
TROZO = 1 << 20  # bytes of the dump per chunk
_SAL = 16
_IDENTIDAD = 16
_CABECERA = len(MAGIA) + _SAL + _IDENTIDAD
_TAG = 16
_TROZO_CABECERA = struct.Struct(">BI")
NADA_CAMBIO = "No se cambió nada."


class Llave:
    """The 32 bytes IT keeps; ``huella`` names it in messages (never the key)."""

    def __init__(self, secreto: bytes) -> None:
        if len(secreto) != 32:
            raise ValueError("una llave de respaldo tiene 32 bytes")
        self._secreto = secreto
        self.identidad = hmac.digest(secreto, b"icsoe-sync-respaldo-identidad", "sha256")[
            :_IDENTIDAD
        ]

    @property
    def huella(self) -> str:
        return _huella(self.identidad)

    def del_archivo(self, sal: bytes) -> AESGCM:
        derivada = HKDF(
            algorithm=hashes.SHA256(), length=32, salt=sal, info=b"icsoe-sync-respaldo-v1"
        ).derive(self._secreto)
        return AESGCM(derivada)

    def texto(self) -> str:
        return f"{LINEA_LLAVE} {base64.urlsafe_b64encode(self._secreto).decode('ascii')}\n"


def llave_nueva(ruta: Path) -> Llave:
    """A new key written to ``ruta`` (readable by its owner only); an existing file is never
    replaced: the dumps made with it would be lost."""
    llave = Llave(os.urandom(32))
    try:
        descriptor = os.open(ruta, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise ValidationError(
            "llave_respaldo_existe",
            f"Ya existe «{ruta}»: no se reemplaza (los respaldos hechos con esa llave sólo se "
            "abren con ella). Elige otro nombre.",
        ) from None
    except OSError as exc:
        raise ValidationError(
            "llave_respaldo_no_guardada", f"No se pudo escribir la llave en «{ruta}»: {exc}."
        ) from exc
    with os.fdopen(descriptor, "w", encoding="ascii") as archivo:
        archivo.write(llave.texto())
        archivo.flush()
        os.fsync(archivo.fileno())
    return llave


def leer_llave(ruta: Path) -> Llave:
    try:
        with ruta.open("rb") as archivo:
            contenido = archivo.read(256)  # a key is one short line: never a whole dump read
    except FileNotFoundError:
        raise ValidationError(
            "llave_respaldo_inexistente", f"No se encontró la llave de respaldo «{ruta}»."
        ) from None
    except OSError as exc:
        raise ValidationError(
            "llave_respaldo_ilegible", f"No se pudo leer la llave de respaldo «{ruta}»: {exc}."
        ) from exc
    try:
        etiqueta, _, valor = contenido.decode("ascii").strip().partition(" ")
        secreto = base64.urlsafe_b64decode(valor.encode("ascii"))
        if etiqueta != LINEA_LLAVE:
            raise ValueError(etiqueta)
        return Llave(secreto)
    except ValueError:
        raise ValidationError(
            "llave_respaldo_invalida",
            f"«{ruta}» no es una llave de respaldo del servidor de icsoe-desktop (la crea "
            "«python -m icsoe_desktop.sync_server llave-respaldo ARCHIVO»).",
        ) from None


def _huella(identidad: bytes) -> str:
    """A key named in messages: «3F2A-9C01-77BE», from its identity (never the key)."""
    texto = identidad[:6].hex().upper()
    return "-".join(texto[i : i + 4] for i in range(0, len(texto), 4))


def _nonce(numero: int, ultimo: bool) -> bytes:
    return struct.pack(">QxxxB", numero, 1 if ultimo else 0)


def _lleno(origen: IO[bytes], tamano: int) -> bytes:
    """``tamano`` bytes, fewer only at the end (a pipe gives what it has)."""
    partes: list[bytes] = []
    faltan = tamano
    while faltan:
        parte = origen.read(faltan)
        if not parte:
            break
        partes.append(parte)
        faltan -= len(parte)
    return b"".join(partes)


def cifrar(llave: Llave, origen: IO[bytes], destino: IO[bytes]) -> None:
    """``origen`` (read to its end) sealed into ``destino``, one chunk at a time."""
    sal = os.urandom(_SAL)
    cabecera = MAGIA + sal + llave.identidad
    destino.write(cabecera)
    aead = llave.del_archivo(sal)
    numero = 0
    bloque = _lleno(origen, TROZO)
    while True:
        # One chunk read ahead: the last one is known when it is sealed.
        siguiente = _lleno(origen, TROZO) if len(bloque) == TROZO else b""
        ultimo = not siguiente
        sellado = aead.encrypt(_nonce(numero, ultimo), bloque, cabecera)
        destino.write(_TROZO_CABECERA.pack(int(ultimo), len(sellado)) + sellado)
        if ultimo:
            return
        bloque, numero = siguiente, numero + 1


def descifrados(llave: Llave, origen: IO[bytes], nombre: str) -> Iterator[bytes]:
    """The dump's bytes, chunk by chunk, each checked before it is given; a file of another
    key, cut short, altered or not a dump raises a Spanish ValidationError naming ``nombre``."""
    cabecera = _lleno(origen, _CABECERA)
    if not cabecera.startswith(MAGIA[: len(cabecera)]) or not cabecera:
        raise ValidationError(
            "respaldo_servidor_no_es",
            f"«{nombre}» no es un respaldo cifrado del servidor de icsoe-desktop. {NADA_CAMBIO}",
        )
    if len(cabecera) < _CABECERA:
        raise _cortado(nombre)
    if not hmac.compare_digest(cabecera[-_IDENTIDAD:], llave.identidad):
        otra = _huella(cabecera[-_IDENTIDAD:])
        raise ValidationError(
            "respaldo_servidor_otra_llave",
            f"El respaldo «{nombre}» se cifró con otra llave (huella {otra}), no con la "
            f"indicada (huella {llave.huella}): usa la llave con que se hizo. {NADA_CAMBIO}",
        )
    aead = llave.del_archivo(cabecera[len(MAGIA) : len(MAGIA) + _SAL])
    numero = 0
    while True:
        encabezado = _lleno(origen, _TROZO_CABECERA.size)
        if len(encabezado) < _TROZO_CABECERA.size:
            raise _cortado(nombre)
        marca, largo = _TROZO_CABECERA.unpack(encabezado)
        if marca > 1 or not _TAG <= largo <= TROZO + _TAG:
            raise _alterado(nombre)
        sellado = _lleno(origen, largo)
        if len(sellado) < largo:
            raise _cortado(nombre)
        try:
            yield aead.decrypt(_nonce(numero, bool(marca)), sellado, cabecera)
        except InvalidTag:
            raise _alterado(nombre) from None
        if marca:
            if origen.read(1):
                raise _alterado(nombre)  # something after the last chunk
            return
        numero += 1


def comprobar(llave: Llave, origen: IO[bytes], nombre: str) -> int:
    """The whole file checked (nothing kept): the dump's size."""
    return sum(len(bloque) for bloque in descifrados(llave, origen, nombre))


def _cortado(nombre: str) -> ValidationError:
    return ValidationError(
        "respaldo_servidor_cortado",
        f"El respaldo «{nombre}» está incompleto: termina antes de tiempo (se copió o se "
        f"escribió a medias). Usa otra copia. {NADA_CAMBIO}",
    )


def _alterado(nombre: str) -> ValidationError:
    return ValidationError(
        "respaldo_servidor_alterado",
        f"El respaldo «{nombre}» está alterado o dañado: una parte no corresponde a lo que se "
        f"cifró. Usa otra copia. {NADA_CAMBIO}",
    )


def huella_sha256(ruta: Path) -> str:
    """The file's SHA-256, read in chunks (printed beside a dump, for IT's records)."""
    suma = hashlib.sha256()
    with ruta.open("rb") as archivo:
        for bloque in iter(lambda: archivo.read(TROZO), b""):
            suma.update(bloque)
    return suma.hexdigest()

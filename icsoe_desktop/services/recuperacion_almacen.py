"""The recovery code of the installation's store key (services/llave_almacen.py): the way back
when the OS keyring lost the key (a Windows profile reset, another PC or user).

The code (24 symbols of Crockford's base 32: 120 bits) is made with the key, kept in the
keyring beside it (an administrator sees it again there, audited) and printed by the first
administrator. Beside the stores, in ``llave-almacen.recuperacion``, only the key sealed with
AES-256-GCM under a key derived from the code by scrypt (with its salt): whoever has the file
and not the code has nothing, and the code itself is never written in the data folder. The
audit key (services/llave_bitacora.py) is sealed there too: a keyring that lost one lost both,
and the code brings both back."""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import os
import secrets as random
from pathlib import Path
from typing import TYPE_CHECKING

from icsoe_desktop.domain.errors import DomainError
from icsoe_desktop.domain.roles import Accion
from icsoe_desktop.services.secrets import SecretsService
from icsoe_desktop.store import cifrado

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    from icsoe_desktop.services.acceso.permisos import Permisos
    from icsoe_desktop.services.audit import AuditService
    from icsoe_desktop.store.db import Store

log = logging.getLogger(__name__)

ARCHIVO = "llave-almacen.recuperacion"
KEYRING_SCOPE = "almacen"  # icsoe-desktop/almacen in the Credential Manager
CUENTA_LLAVE = "llave"  # the key (services/llave_almacen.py)
CUENTA_CODIGO = "codigo"
CUENTA_CONFIRMADO = "codigo_confirmado"  # the digest of the code its administrator confirmed
KEYRING_SCOPE_BITACORA = "bitacora"  # the audit key (services/llave_bitacora.py), account «llave»
ALFABETO = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford's: no I, L, O, U
GRUPOS = 6
LARGO_GRUPO = 4
# scrypt's cost: 32 MiB and ~0.1 s per try (the code's 120 bits need none; a typed code waits)
N, R, P = 2**15, 8, 1
CONTEXTO = b"icsoe-desktop llave de almacen v1"
CONTEXTO_BITACORA = b"icsoe-desktop llave de la bitacora v1"

MSG_INCORRECTO = (
    "El código de recuperación no es el de esta instalación (o tiene un error de captura): "
    "no se abrió nada. Revisa el código impreso, grupo por grupo; las letras I, L y O se leen "
    "como 1, 1 y 0."
)
MSG_SIN_ARCHIVO = (
    "No se encontró en la carpeta de datos el archivo «llave-almacen.recuperacion», con el que "
    "el código de recuperación abre las bases de datos: sin él y sin la llave del llavero no "
    "hay forma de abrirlas. Cópialo de un respaldo de la carpeta de datos."
)
MSG_MAL_ESCRITO = (
    "Escribe el código de recuperación completo: {grupos} grupos de {largo} letras o números "
    "(los guiones y espacios no importan)."
)


def _en_grupos(simbolos: str) -> str:
    return "-".join(simbolos[i : i + LARGO_GRUPO] for i in range(0, len(simbolos), LARGO_GRUPO))


def codigo_nuevo() -> str:
    return _en_grupos("".join(random.choice(ALFABETO) for _ in range(GRUPOS * LARGO_GRUPO)))


def huella(llave: bytes) -> str:
    """Names the sealed key without revealing it: whether the file seals the key in use is
    known without scrypt's cost at each start-up."""
    return hashlib.sha256(b"icsoe-desktop llave de almacen " + llave).hexdigest()[:16]


def normalizar(texto: str) -> str | None:
    """The code as typed, without separators nor the confusions Crockford's alphabet allows
    (I, L → 1; O → 0); None when it is not a whole code."""
    limpio = "".join(c for c in texto.upper() if c not in " -\t\n")
    limpio = limpio.translate(str.maketrans("ILO", "110"))
    if len(limpio) != GRUPOS * LARGO_GRUPO or any(c not in ALFABETO for c in limpio):
        return None
    return limpio


def derivada(codigo: str, sal: bytes) -> bytes:
    # cryptography is loaded here, not with the module: the sign-in reads the key without it.
    from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

    return Scrypt(salt=sal, length=32, n=N, r=R, p=P).derive(codigo.encode("ascii"))


def _aes(codigo: str, sal: bytes) -> AESGCM:
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    return AESGCM(derivada(codigo, sal))


def sellar(llave: bytes, codigo: str, bitacora: bytes | None = None) -> dict[str, object]:
    """``llave`` (and the audit key ``bitacora``) sealed under ``codigo`` (what the file
    beside the stores keeps)."""
    normal = normalizar(codigo)
    assert normal is not None
    sal, nonce = os.urandom(16), os.urandom(12)
    aes = _aes(normal, sal)
    b64 = base64.b64encode
    datos: dict[str, object] = {
        "version": 1,
        "huella": huella(llave),
        "kdf": {"nombre": "scrypt", "n": N, "r": R, "p": P, "sal": b64(sal).decode()},
        "nonce": b64(nonce).decode(),
        "llave": b64(aes.encrypt(nonce, llave, CONTEXTO)).decode(),
    }
    if bitacora is not None:
        otro = os.urandom(12)
        datos["bitacora"] = {
            "huella": huella_bitacora(bitacora),
            "nonce": b64(otro).decode(),
            "llave": b64(aes.encrypt(otro, bitacora, CONTEXTO_BITACORA)).decode(),
        }
    return datos


def huella_bitacora(llave: bytes) -> str:
    return hashlib.sha256(b"icsoe-desktop llave de la bitacora " + llave).hexdigest()[:16]


def abrir_ambas(datos: dict[str, object], codigo: str) -> tuple[bytes, bytes | None] | None:
    """The store key and the audit key (None when the file seals none) ``datos`` seals, when
    ``codigo`` is its code (None: it is not)."""
    from cryptography.exceptions import InvalidTag

    normal = normalizar(codigo)
    if normal is None:
        return None
    try:
        kdf = datos["kdf"]
        assert isinstance(kdf, dict)
        aes = _aes(normal, base64.b64decode(str(kdf["sal"])))
        llave = aes.decrypt(
            base64.b64decode(str(datos["nonce"])), base64.b64decode(str(datos["llave"])), CONTEXTO
        )
        bitacora = None
        if isinstance(sellada := datos.get("bitacora"), dict):
            bitacora = aes.decrypt(
                base64.b64decode(str(sellada["nonce"])),
                base64.b64decode(str(sellada["llave"])),
                CONTEXTO_BITACORA,
            )
    except (InvalidTag, KeyError, ValueError, AssertionError):
        return None
    return (llave, bitacora) if len(llave) == cifrado.LARGO_LLAVE else None


def abrir(datos: dict[str, object], codigo: str) -> bytes | None:
    """The key ``datos`` seals, when ``codigo`` is its code (None: it is not)."""
    ambas = abrir_ambas(datos, codigo)
    return None if ambas is None else ambas[0]


def leer(data_dir: Path) -> dict[str, object] | None:
    try:
        datos = json.loads((data_dir / ARCHIVO).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return datos if isinstance(datos, dict) else None


def _escribir(data_dir: Path, datos: dict[str, object]) -> None:
    """Written whole or not at all (a new name, on disk, then renamed over)."""
    destino = data_dir / ARCHIVO
    parcial = destino.with_name(f"{ARCHIVO}.{os.getpid()}")
    with open(parcial, "w", encoding="utf-8") as archivo:
        json.dump(datos, archivo)
        archivo.flush()
        os.fsync(archivo.fileno())
    os.replace(parcial, destino)


def _bitacora(secrets: SecretsService) -> bytes | None:
    """The audit key the keyring keeps (None: none yet, or not a key)."""
    from icsoe_desktop.domain.bitacora import LARGO_LLAVE

    valor = secrets.get(KEYRING_SCOPE_BITACORA, CUENTA_LLAVE) or ""
    try:
        llave = bytes.fromhex(valor)
    except ValueError:
        return None
    return llave if len(llave) == LARGO_LLAVE else None


def _sellada_bitacora(datos: dict[str, object]) -> str | None:
    sellada = datos.get("bitacora")
    return str(sellada.get("huella")) if isinstance(sellada, dict) else None


def asegurar(data_dir: Path, llave: bytes, secrets: SecretsService) -> None:
    """The sealed keys beside the stores and their code in the keyring: when the file is
    missing or seals another key (or not the audit key the keyring now keeps), the keys are
    sealed under the code the keyring keeps (a new data folder of the same Windows user: the
    code printed once stays good, and so do the backups keyed from it,
    services/respaldo/llave.py), or under a new code (the one shown then)."""
    datos = leer(data_dir)
    bitacora = _bitacora(secrets)
    sellada = None if bitacora is None else huella_bitacora(bitacora)
    if (
        datos is not None
        and datos.get("huella") == huella(llave)
        and _sellada_bitacora(datos) == sellada
    ):
        return
    guardado = normalizar(codigo_guardado(secrets) or "")
    codigo = _en_grupos(guardado) if guardado else codigo_nuevo()
    try:
        if not guardado:
            secrets.set(KEYRING_SCOPE, CUENTA_CODIGO, codigo)
        _escribir(data_dir, sellar(llave, codigo, bitacora))
    except (DomainError, OSError):
        log.exception("No se guardó el código de recuperación de la llave de las bases de datos")
        return
    log.info("Llave de las bases de datos sellada con su código de recuperación")


def codigo_guardado(secrets: SecretsService | None = None) -> str | None:
    """The code kept in the keyring (None: no keyring, or none made)."""
    return (secrets or SecretsService()).get(KEYRING_SCOPE, CUENTA_CODIGO)


def recuperar(data_dir: Path, codigo: str, secrets: SecretsService | None = None) -> None:
    """The key unsealed with ``codigo`` and put back in the keyring (with the code): the
    installation opens again. A wrong code is refused in Spanish and changes nothing."""
    secrets = secrets or SecretsService()
    if normalizar(codigo) is None:
        raise DomainError(
            "codigo_mal_escrito", MSG_MAL_ESCRITO.format(grupos=GRUPOS, largo=LARGO_GRUPO)
        )
    datos = leer(data_dir)
    if datos is None:
        raise DomainError("sin_archivo_recuperacion", MSG_SIN_ARCHIVO)
    ambas = abrir_ambas(datos, codigo)
    if ambas is None:
        log.warning("Código de recuperación incorrecto para %s", data_dir)
        raise DomainError("codigo_recuperacion_incorrecto", MSG_INCORRECTO)
    llave, bitacora = ambas
    if bitacora is not None and _bitacora(secrets) is None:
        # The audit key lost with it: the chains go on verified, not stopped at the opening.
        secrets.set(KEYRING_SCOPE_BITACORA, CUENTA_LLAVE, bitacora.hex())
    secrets.set(KEYRING_SCOPE, CUENTA_LLAVE, llave.hex())
    normal = normalizar(codigo)
    assert normal is not None
    secrets.set(KEYRING_SCOPE, CUENTA_CODIGO, _en_grupos(normal))
    log.warning("Llave de las bases de datos de %s recuperada con su código", data_dir)


MSG_SIN_CODIGO = (
    "El llavero del sistema no guarda el código de recuperación de esta instalación (no hay "
    "llavero, o se recuperó la llave sin él). Las bases de datos siguen abiertas con la llave "
    "del llavero."
)


MSG_NO_CONFIRMADO = (
    "Lo que escribiste no es el último grupo del código de recuperación. Cópialo del papel "
    "donde lo anotaste o imprimiste: si no lo guardaste, hazlo ahora."
)


def _digesto(codigo: str) -> str:
    return hashlib.sha256(b"icsoe-desktop codigo confirmado " + codigo.encode()).hexdigest()


class CodigoRecuperacion:
    """The code shown again to an administrator (or the command line), each time audited in the
    catalog; anyone else is refused (audited too)."""

    def __init__(
        self, catalogo: Store, audit: AuditService, permisos: Permisos, secrets: SecretsService
    ) -> None:
        self._catalogo = catalogo
        self._audit = audit
        self._permisos = permisos
        self._secrets = secrets

    def mostrar(self, actor: str | None) -> str:
        self._permisos.exigir(actor, Accion.CODIGO_RECUPERACION)
        codigo = codigo_guardado(self._secrets)
        if not codigo:
            raise DomainError("sin_codigo_recuperacion", MSG_SIN_CODIGO)
        with self._catalogo.session() as session:
            self._audit.record(
                session, actor, "codigo_recuperacion_mostrado", "llave de las bases de datos"
            )
        return codigo

    def por_confirmar(self, actor: str | None) -> bool:
        """Whether ``actor`` administers and its installation's code was never confirmed (a new
        code, made with a new key, is pending again)."""
        if not self._permisos.puede(actor, Accion.CODIGO_RECUPERACION):
            return False
        codigo = codigo_guardado(self._secrets)
        confirmado = self._secrets.get(KEYRING_SCOPE, CUENTA_CONFIRMADO)
        return bool(codigo) and confirmado != _digesto(str(codigo))

    def confirmar(self, actor: str | None, ultimo_grupo: str) -> None:
        """The administrator proves the code was kept by typing its last group (audited)."""
        self._permisos.exigir(actor, Accion.CODIGO_RECUPERACION)
        codigo = codigo_guardado(self._secrets)
        if not codigo:
            raise DomainError("sin_codigo_recuperacion", MSG_SIN_CODIGO)
        # The group repeated into a whole code: read as the code is (case, separators, I/L/O).
        escrito = normalizar(ultimo_grupo.strip() * GRUPOS)
        ultimo = codigo.split("-")[-1]
        if escrito is None or escrito[:LARGO_GRUPO] != ultimo:
            raise DomainError("codigo_no_confirmado", MSG_NO_CONFIRMADO)
        self._secrets.set(KEYRING_SCOPE, CUENTA_CONFIRMADO, _digesto(codigo))
        with self._catalogo.session() as session:
            self._audit.record(
                session, actor, "codigo_recuperacion_confirmado", "llave de las bases de datos"
            )


__all__ = [
    "ARCHIVO",
    "MSG_INCORRECTO",
    "MSG_NO_CONFIRMADO",
    "CodigoRecuperacion",
    "abrir",
    "abrir_ambas",
    "asegurar",
    "codigo_guardado",
    "codigo_nuevo",
    "leer",
    "normalizar",
    "recuperar",
    "sellar",
]

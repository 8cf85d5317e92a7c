"""The recovery code of a data folder's store key (services/llave_almacen.py): the way back when
the OS keyring lost the key (a Windows profile reset, another PC or user).

The code (24 symbols of Crockford's base 32: 120 bits) is made with the key, kept in the
keyring beside it under the folder's id (services/carpeta_datos.py; an administrator sees it
again there, audited) and printed by the first administrator. A new folder of the same Windows
user takes the code that user already has, so one printed code serves them. Beside the stores,
in ``llave-almacen.recuperacion``, only the key sealed with AES-256-GCM under a key derived from
the code by scrypt (with its salt): whoever has the file and not the code has nothing, and the
code itself is never written in the data folder. The audit key (services/llave_bitacora.py) is
sealed there too: a keyring that lost one lost both, and the code brings both back.

No ordinary action makes a folder's printed code stop opening it: the file is written only with
a key proven to open the folder's stores, and a file it replaces is kept beside it
(``llave-almacen.recuperacion.<huella>.anterior``), which the code still opens."""

from __future__ import annotations

import base64
import logging
import os
from pathlib import Path
from typing import TYPE_CHECKING

from icsoe_desktop.domain.errors import DomainError
from icsoe_desktop.files import write_bytes_atomic
from icsoe_desktop.services import carpeta_datos
from icsoe_desktop.services.secrets import SecretsService
from icsoe_desktop.store import cifrado

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    from icsoe_desktop.services.acceso.permisos import Permisos
    from icsoe_desktop.services.audit import AuditService
    from icsoe_desktop.store.db import Store

# hashlib (OpenSSL), json, secrets and the roles are imported where they are used: without an OS
# keyring, the login's opening in the background (services/llave_almacen.py) uses none of them,
# and each is milliseconds on the way to a usable login (bench/startup.py).

log = logging.getLogger(__name__)

ARCHIVO = "llave-almacen.recuperacion"
ANTERIOR = ".anterior"  # a file replaced, kept as ARCHIVO.<huella>.anterior
KEYRING_SCOPE = "almacen"  # icsoe-desktop/almacen in the Credential Manager
# Accounts, each followed by «:<the folder's id>» (alone: the user's, of earlier releases; the
# code alone is also the one a new folder of the user takes).
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
    "El código de recuperación no es el de la carpeta de datos «{carpeta}» (o tiene un error de "
    "captura): no se abrió nada. Revisa el código impreso, grupo por grupo; las letras I, L y O "
    "se leen como 1, 1 y 0."
)
MSG_OTRA_CARPETA = (
    "El código de recuperación abre la llave guardada en la carpeta de datos «{carpeta}», pero "
    "esa llave no abre sus bases de datos: el archivo «llave-almacen.recuperacion» viene de otra "
    "carpeta. No se cambió nada. Copia a esta carpeta el «llave-almacen.recuperacion» de su "
    "respaldo y escribe el código otra vez."
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
    from secrets import choice

    return _en_grupos("".join(choice(ALFABETO) for _ in range(GRUPOS * LARGO_GRUPO)))


def _sha256(datos: bytes) -> str:
    import hashlib

    return hashlib.sha256(datos).hexdigest()


def huella(llave: bytes) -> str:
    """Names the sealed key without revealing it: whether the file seals the key in use is
    known without scrypt's cost at each start-up."""
    return _sha256(b"icsoe-desktop llave de almacen " + llave)[:16]


def normalizar(texto: str) -> str | None:
    """The code as typed, without separators nor the confusions Crockford's alphabet allows
    (I, L → 1; O → 0); None when it is not a whole code."""
    limpio = "".join(c for c in texto.upper() if c not in " -\t\n")
    limpio = limpio.translate(str.maketrans("ILO", "110"))
    if len(limpio) != GRUPOS * LARGO_GRUPO or any(c not in ALFABETO for c in limpio):
        return None
    return limpio


def derivada(codigo: str, sal: bytes, n: int = N) -> bytes:
    # cryptography is loaded here, not with the module: the sign-in reads the key without it.
    from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

    return Scrypt(salt=sal, length=32, n=n, r=R, p=P).derive(codigo.encode("ascii"))


def _aes(codigo: str, sal: bytes, n: int) -> AESGCM:
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    return AESGCM(derivada(codigo, sal, n))


def _costo_nuevo() -> int:
    """scrypt's ``n`` for a new seal: ``N``, or the lower cost the test suite sets for new
    password hashes (``ICSOE_SCRYPT_N``, domain/passwords.py; the app never sets it): every new
    data folder seals twice, and the suite makes thousands. The file keeps the cost it used."""
    from icsoe_desktop.domain.passwords import current_params

    return current_params().n


def _costo_de(kdf: dict[str, object]) -> int:
    """The ``n`` a file was sealed with: only what a seal of the app writes (a power of two
    from 2**10 up to ``N``, with its ``r`` and ``p``); anything else is a damaged file
    (ValueError), never a cost the file would make the app pay."""
    from icsoe_desktop.domain.passwords import cost_allowed

    n, r, p = kdf.get("n", N), kdf.get("r", R), kdf.get("p", P)
    if not cost_allowed(n, N) or (r, p) != (R, P):
        raise ValueError(f"costo de scrypt desconocido: {n}, {r}, {p}")
    return n


def sellar(llave: bytes, codigo: str, bitacora: bytes | None = None) -> dict[str, object]:
    """``llave`` (and the audit key ``bitacora``) sealed under ``codigo`` (what the file
    beside the stores keeps)."""
    normal = normalizar(codigo)
    assert normal is not None
    sal, nonce, n = os.urandom(16), os.urandom(12), _costo_nuevo()
    aes = _aes(normal, sal, n)
    b64 = base64.b64encode
    datos: dict[str, object] = {
        "version": 1,
        "huella": huella(llave),
        "codigo": huella_codigo(normal),
        "kdf": {"nombre": "scrypt", "n": n, "r": R, "p": P, "sal": b64(sal).decode()},
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


def huella_codigo(codigo: str) -> str:
    """Names the code a file was sealed under (the code's 120 bits make it no help to guess)."""
    return _sha256(b"icsoe-desktop codigo de recuperacion " + codigo.encode())[:16]


def huella_bitacora(llave: bytes) -> str:
    return _sha256(b"icsoe-desktop llave de la bitacora " + llave)[:16]


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
        aes = _aes(normal, base64.b64decode(str(kdf["sal"])), _costo_de(kdf))
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


def _leer_archivo(path: Path) -> dict[str, object] | None:
    import json

    try:
        datos = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return datos if isinstance(datos, dict) else None


def leer(data_dir: Path) -> dict[str, object] | None:
    return _leer_archivo(data_dir / ARCHIVO)


def apartados(data_dir: Path) -> list[Path]:
    """The files an earlier sealing left aside (each still opens with the code it was made
    under), oldest first."""
    return sorted(
        data_dir.glob(f"{ARCHIVO}.*{ANTERIOR}"), key=lambda p: (p.stat().st_mtime_ns, p.name)
    )


def _apartar(data_dir: Path) -> None:
    """The file about to be replaced, kept beside it (once per content)."""
    actual = data_dir / ARCHIVO
    try:
        contenido = actual.read_bytes()
    except OSError:
        return
    nombre = _sha256(contenido)[:16]
    destino = data_dir / f"{ARCHIVO}.{nombre}{ANTERIOR}"
    if not destino.exists():
        write_bytes_atomic(destino, contenido)


def _escribir(data_dir: Path, datos: dict[str, object]) -> None:
    """``datos`` in place of the file, which is kept aside unless it sealed the same key under
    the same code (then ``datos`` opens with whatever opened it)."""
    viejos = leer(data_dir)
    if viejos is None or any(viejos.get(k) != datos[k] for k in ("huella", "codigo")):
        _apartar(data_dir)
    import json

    write_bytes_atomic(data_dir / ARCHIVO, json.dumps(datos).encode("utf-8"))


def _bitacora(secrets: SecretsService, data_dir: Path) -> bytes | None:
    """The audit key the keyring keeps for this folder (None: none yet, or not a key)."""
    from icsoe_desktop.domain.bitacora import LARGO_LLAVE

    valor = secrets.get(KEYRING_SCOPE_BITACORA, carpeta_datos.cuenta(CUENTA_LLAVE, data_dir))
    try:
        llave = bytes.fromhex(valor or "")
    except ValueError:
        return None
    return llave if len(llave) == LARGO_LLAVE else None


def _sellada_bitacora(datos: dict[str, object]) -> str | None:
    sellada = datos.get("bitacora")
    return str(sellada.get("huella")) if isinstance(sellada, dict) else None


def _sellado_con(datos: dict[str, object], codigo: str) -> bool:
    """Whether ``datos`` was sealed under ``codigo`` (a file of earlier releases names no code:
    tried, at scrypt's cost)."""
    if "codigo" in datos:
        return datos["codigo"] == huella_codigo(codigo)
    return abrir(datos, codigo) is not None


def _codigo_de(data_dir: Path, secrets: SecretsService) -> str | None:
    return normalizar(
        secrets.get(KEYRING_SCOPE, carpeta_datos.cuenta(CUENTA_CODIGO, data_dir)) or ""
    )


def asegurar(data_dir: Path, llave: bytes, secrets: SecretsService) -> None:
    """The folder's keys sealed beside its stores under its code, the code in the keyring under
    the folder's id. Nothing is written with a key that does not open the folder's stores; a
    file that seals this key under the code the keyring keeps (or, from earlier releases, under
    the user's code, then kept as the folder's) is left as it is unless the audit key changed;
    otherwise the keys are sealed under the folder's code, the user's (a new folder of the same
    Windows user: the code printed once stays good, and so do the backups keyed from it,
    services/respaldo/llave.py), or a new one (shown then), and the file replaced is kept
    aside."""
    datos = leer(data_dir)
    bitacora = _bitacora(secrets, data_dir)
    codigo = _codigo_de(data_dir, secrets)

    def del_usuario() -> str | None:  # read only when the folder has none (a keyring read)
        return normalizar(codigo_guardado(secrets, usuario=True) or "")

    if datos is not None and datos.get("huella") == huella(llave):
        if codigo is None and (usuario := del_usuario()) and _sellado_con(datos, usuario):
            codigo = usuario  # a folder of earlier releases: its code is the user's
            _guardar_codigo(data_dir, secrets, codigo)
            al_dia = True
        else:
            al_dia = codigo is not None and _sellado_con(datos, codigo)
        # A file of earlier releases names no code: sealed again once, naming it, so that no
        # start-up pays scrypt to learn it.
        if (
            al_dia
            and "codigo" in datos
            and (bitacora is None or _sellada_bitacora(datos) == huella_bitacora(bitacora))
        ):
            return
    if carpeta_datos.abre(data_dir, llave) is False:
        log.error("No se selló con su código una llave que no abre las bases de %s", data_dir)
        return
    codigo = codigo or del_usuario() or normalizar(codigo_nuevo())
    assert codigo is not None
    try:
        _guardar_codigo(data_dir, secrets, codigo)
        _escribir(data_dir, sellar(llave, codigo, bitacora))
    except (DomainError, OSError):
        log.exception("No se guardó el código de recuperación de la llave de las bases de datos")
        return
    log.info("Llave de las bases de datos sellada con su código de recuperación")


def _guardar_codigo(data_dir: Path, secrets: SecretsService, codigo: str) -> None:
    """``codigo`` as the folder's, and as the user's when the user has none yet."""
    secrets.set(KEYRING_SCOPE, carpeta_datos.cuenta(CUENTA_CODIGO, data_dir), _en_grupos(codigo))
    if not codigo_guardado(secrets, usuario=True):
        secrets.set(KEYRING_SCOPE, CUENTA_CODIGO, _en_grupos(codigo))


def codigo_guardado(
    secrets: SecretsService | None = None, data_dir: Path | None = None, *, usuario: bool = False
) -> str | None:
    """The code the keyring keeps for ``data_dir`` (by default the folder this process works
    on; ``usuario``: the Windows user's, which a new folder takes). None: no keyring, or none
    made."""
    secrets = secrets or SecretsService()
    carpeta = None if usuario else (data_dir or carpeta_datos.activa())
    if carpeta is None:
        return secrets.get(KEYRING_SCOPE, CUENTA_CODIGO)
    return secrets.get(KEYRING_SCOPE, carpeta_datos.cuenta(CUENTA_CODIGO, carpeta))


def recuperar(data_dir: Path, codigo: str, secrets: SecretsService | None = None) -> None:
    """The key unsealed with ``codigo`` (from the file beside the stores or one kept aside),
    proven to open this folder's stores, and put back in the keyring under the folder's id
    (with the code and the audit key): the folder opens again. A wrong code, or a file of
    another folder, is refused in Spanish and changes nothing."""
    secrets = secrets or SecretsService()
    normal = normalizar(codigo)
    if normal is None:
        raise DomainError(
            "codigo_mal_escrito", MSG_MAL_ESCRITO.format(grupos=GRUPOS, largo=LARGO_GRUPO)
        )
    archivos = [data_dir / ARCHIVO, *reversed(apartados(data_dir))]
    sellados = [d for d in map(_leer_archivo, archivos) if d is not None]
    if not sellados:
        raise DomainError("sin_archivo_recuperacion", MSG_SIN_ARCHIVO)
    ajena = False
    for datos in sellados:
        ambas = abrir_ambas(datos, normal)
        if ambas is None:
            continue
        if carpeta_datos.abre(data_dir, ambas[0]) is False:
            ajena = True
            continue
        _poner(data_dir, secrets, normal, *ambas)
        log.warning("Llave de las bases de datos de %s recuperada con su código", data_dir)
        return
    if ajena:
        log.warning("El código abre una llave que no es de %s", data_dir)
        raise DomainError("codigo_de_otra_carpeta", MSG_OTRA_CARPETA.format(carpeta=data_dir))
    log.warning("Código de recuperación incorrecto para %s", data_dir)
    raise DomainError("codigo_recuperacion_incorrecto", MSG_INCORRECTO.format(carpeta=data_dir))


def _poner(
    data_dir: Path, secrets: SecretsService, codigo: str, llave: bytes, bitacora: bytes | None
) -> None:
    """The keys a code unsealed, in the keyring under the folder's id."""
    if bitacora is not None and _bitacora(secrets, data_dir) is None:
        # The audit key lost with it: the chains go on verified, not stopped at the opening.
        secrets.set(
            KEYRING_SCOPE_BITACORA, carpeta_datos.cuenta(CUENTA_LLAVE, data_dir), bitacora.hex()
        )
    secrets.set(KEYRING_SCOPE, carpeta_datos.cuenta(CUENTA_LLAVE, data_dir), llave.hex())
    _guardar_codigo(data_dir, secrets, codigo)


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
    return _sha256(b"icsoe-desktop codigo confirmado " + codigo.encode())


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
        self._carpeta = catalogo.path.parent  # the data folder whose code this is

    def mostrar(self, actor: str | None) -> str:
        from icsoe_desktop.domain.roles import Accion

        self._permisos.exigir(actor, Accion.CODIGO_RECUPERACION)
        codigo = self._codigo()
        if not codigo:
            raise DomainError("sin_codigo_recuperacion", MSG_SIN_CODIGO)
        with self._catalogo.session() as session:
            self._audit.record(
                session, actor, "codigo_recuperacion_mostrado", "llave de las bases de datos"
            )
        return codigo

    def _codigo(self) -> str | None:
        return codigo_guardado(self._secrets, self._carpeta)

    def _cuenta_confirmado(self) -> str:
        return carpeta_datos.cuenta(CUENTA_CONFIRMADO, self._carpeta)

    def por_confirmar(self, actor: str | None) -> bool:
        """Whether ``actor`` administers and its installation's code was never confirmed (a new
        code, made with a new key, is pending again)."""
        from icsoe_desktop.domain.roles import Accion

        if not self._permisos.puede(actor, Accion.CODIGO_RECUPERACION):
            return False
        codigo = self._codigo()
        confirmado = self._secrets.get(KEYRING_SCOPE, self._cuenta_confirmado())
        return bool(codigo) and confirmado != _digesto(str(codigo))

    def confirmar(self, actor: str | None, ultimo_grupo: str) -> None:
        """The administrator proves the code was kept by typing its last group (audited)."""
        from icsoe_desktop.domain.roles import Accion

        self._permisos.exigir(actor, Accion.CODIGO_RECUPERACION)
        codigo = self._codigo()
        if not codigo:
            raise DomainError("sin_codigo_recuperacion", MSG_SIN_CODIGO)
        # The group repeated into a whole code: read as the code is (case, separators, I/L/O).
        escrito = normalizar(ultimo_grupo.strip() * GRUPOS)
        ultimo = codigo.split("-")[-1]
        if escrito is None or escrito[:LARGO_GRUPO] != ultimo:
            raise DomainError("codigo_no_confirmado", MSG_NO_CONFIRMADO)
        self._secrets.set(KEYRING_SCOPE, self._cuenta_confirmado(), _digesto(codigo))
        with self._catalogo.session() as session:
            self._audit.record(
                session, actor, "codigo_recuperacion_confirmado", "llave de las bases de datos"
            )


__all__ = [
    "ANTERIOR",
    "ARCHIVO",
    "MSG_INCORRECTO",
    "MSG_NO_CONFIRMADO",
    "MSG_OTRA_CARPETA",
    "CodigoRecuperacion",
    "abrir",
    "abrir_ambas",
    "apartados",
    "asegurar",
    "codigo_guardado",
    "codigo_nuevo",
    "leer",
    "normalizar",
    "recuperar",
    "sellar",
]

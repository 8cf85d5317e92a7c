"""The installation's audit key: what keys every link of the audit chains (domain/bitacora.py),
so whoever can write a store's file but not read this user's OS keyring cannot append an entry
nor rewrite a chain that verifies.

One key per data folder (``bitacora``/``llave:<id>`` in the Windows user's Credential Manager,
under the folder's id: services/carpeta_datos.py), made the first time the folder needs it, read
once per process; a reinstall and a copy of the folder verify with it. The one-key-per-user slot
of earlier releases (``bitacora``/``llave``) is taken for a folder only when it links that
folder's chain. A key that was used (the catalog's chain holds keyed links) and is no longer in
the keyring is never made anew in its place: every chain linked with it would stop verifying.
The installation stops with :data:`MSG_FALTA`, which names the recovery (docs/administracion.md,
«La llave de la bitácora»).
"""

from __future__ import annotations

import logging
from contextlib import closing
from pathlib import Path

from icsoe_desktop.domain.bitacora import CON_LLAVE, LARGO_LLAVE, eslabon, huella
from icsoe_desktop.domain.errors import DomainError
from icsoe_desktop.services import carpeta_datos, recuperacion_almacen
from icsoe_desktop.services.llave_llavero import LlaveDeLlavero
from icsoe_desktop.services.secrets import ALMACEN, NO_KEYRING_MESSAGE, SecretsService
from icsoe_desktop.store import cifrado, plain

log = logging.getLogger(__name__)

KEYRING_SCOPE = recuperacion_almacen.KEYRING_SCOPE_BITACORA  # icsoe-desktop/bitacora
CUENTA = recuperacion_almacen.CUENTA_LLAVE  # «llave:<the folder's id>»; alone, the user's
MSG_FALTA = (
    "No está en el llavero del sistema ({almacen}) la llave de la bitácora de esta instalación, "
    "con la que ya se encadenó su bitácora: sin ella no se puede comprobar ni continuar, así que "
    "no se abrió nada. Pasa cuando se restableció el perfil de Windows o se copió la carpeta de "
    "datos a otro equipo o usuario: restaura la credencial «icsoe-desktop/bitacora» (usuario "
    "«llave») desde el respaldo del Administrador de credenciales del equipo o usuario anterior "
    "y abre de nuevo; sin respaldo, `icsoe-desktop-consola bitacora llave-nueva --se-perdio` "
    "crea otra (guía de administración, «La llave de la bitácora»)."
)
MSG_ILEGIBLE = (
    "No se pudo leer la llave de la bitácora en el llavero del sistema ({almacen}): la "
    "credencial «icsoe-desktop/bitacora» (usuario «llave») no trae una llave de icsoe-desktop "
    "(se cambió por fuera de la aplicación). No se abrió nada: restáurala desde el respaldo del "
    "Administrador de credenciales (guía de administración, «La llave de la bitácora»)."
)


class LlaveFaltante(DomainError):
    """The key the installation's chains were linked with is not in the keyring."""


def _encadenada_con_llave(catalogo: Path) -> bool:
    """Whether the catalog's own chain holds keyed links (a key was made and used here)."""
    if not catalogo.is_file():
        return False
    try:
        with closing(cifrado.solo_lectura(catalogo)) as conn:
            return (
                conn.execute(
                    "SELECT 1 FROM audit_cadena WHERE substr(hash, 1, ?) = ? LIMIT 1",
                    (len(CON_LLAVE), CON_LLAVE),
                ).fetchone()
                is not None
            )
    except cifrado.Error:  # no chain yet (an old catalog), or unreadable: its opening says
        return False


def _enlaza(catalogo: Path, llave: bytes) -> bool:
    """Whether ``llave`` made the last keyed link of the catalog's chain."""
    try:
        with closing(cifrado.solo_lectura(catalogo)) as conn:
            fila = conn.execute(
                "SELECT a.uuid, a.at, a.actor, a.action, a.target, a.detail, c.hash, "
                "(SELECT p.hash FROM audit_cadena AS p WHERE p.audit_id < a.id "
                "ORDER BY p.audit_id DESC LIMIT 1) "
                "FROM audit_log AS a JOIN audit_cadena AS c ON c.audit_id = a.id "
                "WHERE substr(c.hash, 1, ?) = ? ORDER BY a.id DESC LIMIT 1",
                (len(CON_LLAVE), CON_LLAVE),
            ).fetchone()
    except cifrado.Error:
        return False
    return fila is not None and eslabon(fila[7], *fila[:6], llave=llave) == fila[6]


class LlaveBitacora(LlaveDeLlavero):
    """The provider store/plain.py links with (``plain.usar_llave_bitacora``). None: there is
    no OS keyring and no chain was keyed: keyless links, as every other secret is not kept."""

    scope = KEYRING_SCOPE
    cuenta = CUENTA
    largo = LARGO_LLAVE
    que = "la llave de la bitácora"
    sin_llavero = "la bitácora se encadena sin llave"

    def __init__(self, secrets: SecretsService, catalogo: Path) -> None:
        super().__init__(secrets)
        self._catalogo = catalogo

    def cuenta_llavero(self) -> str:
        return carpeta_datos.cuenta(CUENTA, self._catalogo.parent)

    def usada(self) -> bool:
        return _encadenada_con_llave(self._catalogo)

    def heredada(self) -> bytes | None:
        """The user's one key of earlier releases, when it links this folder's chain."""
        llave = self.de_texto(self._secrets.get(self.scope, CUENTA))
        return llave if llave is not None and _enlaza(self._catalogo, llave) else None

    def ilegible(self) -> DomainError:
        return LlaveFaltante("llave_bitacora_ilegible", MSG_ILEGIBLE.format(almacen=ALMACEN))

    def faltante(self) -> DomainError:
        return LlaveFaltante("sin_llave_bitacora", MSG_FALTA.format(almacen=ALMACEN))

    def nueva(self, llave: bytes) -> None:
        log.info("Llave de la bitácora nueva en el llavero (huella %s)", huella(llave))
        self._sellar()

    def tomada(self, llave: bytes) -> None:
        self._sellar()

    def _sellar(self) -> None:
        # Sealed at once beside the store key, under the recovery code (a keyring that loses
        # one loses both): not only at the next start. The store key is read already: the
        # catalog whose chain this key links is open.
        almacen = cifrado.llave_instalacion(self._catalogo)
        if almacen is not None:
            recuperacion_almacen.asegurar(self._catalogo.parent, almacen, self._secrets)


MSG_PRESENTE = (
    "No hace falta una llave nueva: la llave de la bitácora de esta instalación está en el "
    "llavero del sistema (o su bitácora todavía no se encadenó con llave). No se cambió nada."
)
MSG_LLAVE_NUEVA = (
    "llave de la bitácora nueva (huella {huella}): la anterior se perdió; las entradas "
    "anteriores a ésta ya no se pueden comprobar con llave"
)


def llave_nueva(catalogo: Path, actor: str, secrets: SecretsService | None = None) -> list[str]:
    """The last resort when the key is lost for good (no backup of the credential): a new key
    in the keyring, and in the catalog's chain and each empresa's an entry ``LLAVE_NUEVA``
    linked with it, from which the chains go on checked; the keyed links before it are taken
    as they are (nobody can check them any more). Refused while the keyring holds a key.
    What was done, one line per store."""
    from icsoe_desktop.domain.bitacora import LLAVE_NUEVA
    from icsoe_desktop.domain.clock import utcnow
    from icsoe_desktop.store import sumas

    secrets = secrets or SecretsService()
    proveedor = LlaveBitacora(secrets, catalogo)
    cuenta = proveedor.cuenta_llavero()
    if proveedor.de_texto(secrets.get(KEYRING_SCOPE, cuenta)) or not (
        _encadenada_con_llave(catalogo)
    ):
        raise DomainError("llave_bitacora_presente", MSG_PRESENTE)
    if not secrets.available():
        raise DomainError("sin_llavero", NO_KEYRING_MESSAGE)
    from secrets import token_bytes  # hashlib loads OpenSSL: not at every start-up

    llave = token_bytes(LARGO_LLAVE)
    secrets.set(KEYRING_SCOPE, cuenta, llave.hex())
    usar(catalogo, secrets)
    detalle = MSG_LLAVE_NUEVA.format(huella=huella(llave))
    with closing(cifrado.solo_lectura(catalogo)) as conn:
        archivos = [r[0] for r in conn.execute("SELECT archivo FROM empresas ORDER BY id")]
    hecho = []
    for path in [catalogo, *(catalogo.parent / archivo for archivo in archivos)]:
        if not path.is_file():
            hecho.append(f"{path}: no está (su bitácora se comprobará contra la llave nueva)")
            continue
        with plain.write_transaction(path) as conn:
            sumas.register(conn)  # the sync's triggers of an empresa's audit entry
            plain.add_audit(conn, utcnow(), actor, LLAVE_NUEVA, path.name, detalle)
        hecho.append(f"{path}: sigue con la llave nueva")
    log.warning("Llave de la bitácora nueva (huella %s), la anterior perdida", huella(llave))
    return hecho


def usar(catalogo: Path, secrets: SecretsService | None = None) -> LlaveBitacora:
    """This process links and checks with the key of ``catalogo``'s installation from now on."""
    proveedor = LlaveBitacora(secrets or SecretsService(), catalogo)
    plain.usar_llave_bitacora(proveedor, catalogo.parent)
    return proveedor


__all__ = [
    "KEYRING_SCOPE",
    "MSG_FALTA",
    "MSG_ILEGIBLE",
    "LlaveBitacora",
    "LlaveFaltante",
    "llave_nueva",
    "usar",
]

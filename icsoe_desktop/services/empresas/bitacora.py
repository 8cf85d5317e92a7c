"""Each empresa's audit chain checked against the last link the installation saw of it, before
anything is written: trusted only forward.

The link is kept outside the store twice: in the catalog (``empresas.bitacora_id/_hash``) and
in the OS keyring (a copy the catalog's file cannot rewrite). Opening an empresa walks its
chain against both (``verificar``); only a store that holds them as they were moves them
forward (``avanzar``: at the opening and when the store is left). A store that does not (an
entry edited, removed, reordered, a chain recomputed, a tail cut) is opened read-only, audited
in the catalog, and its link is never taken: every later opening, backup and self-check finds
it again. Only a restore, whose backup was checked whole, sets the link back (``restablecer``).
"""

from __future__ import annotations

import logging
import re
from dataclasses import replace
from pathlib import Path

from icsoe_desktop.domain.errors import DomainError
from icsoe_desktop.services.audit import AuditService, Cabeza, Integridad, verificar_bitacora
from icsoe_desktop.services.empresas.servicio import EmpresaInfo, EmpresasService
from icsoe_desktop.services.secrets import SecretsService

log = logging.getLogger(__name__)

KEYRING_SCOPE = "bitacora"
AUDIT_ALTERADA = "bitacora_alterada"
AUDIT_COPIA_ILEGIBLE = "bitacora_copia_ilegible"
MSG_SOLO_LECTURA = (
    "La bitácora de la empresa {empresa} está alterada: {problema}. La empresa se abrió en "
    "sólo lectura y no se guarda ningún cambio en ella. Restaura un respaldo íntegro (Archivo › "
    "Restaurar) o pide ayuda a soporte."
)

MSG_COPIA_ILEGIBLE = (
    "no se pudo leer la copia del llavero de su última entrada registrada («{valor}» no es un "
    "eslabón de la bitácora; el llavero la guardó dañada o se cambió por fuera de la "
    "aplicación): se comprobó con la copia del catálogo"
)
_LINK = re.compile(r"(k1:)?[0-9a-f]{64}")


class CabezasBitacora:
    def __init__(
        self, empresas: EmpresasService, secrets: SecretsService, audit: AuditService
    ) -> None:
        self._empresas = empresas
        self._secrets = secrets
        self._audit = audit  # the catalog's: a store found altered is not written

    def _clave(self, empresa_id: int) -> str:
        # One keyring may serve several data dirs (a user's, a test's): named by the catalog.
        return f"{self._empresas.catalogo_path.resolve()}#{empresa_id}"

    def _leer_llavero(self, empresa_id: int) -> tuple[Cabeza | None, str]:
        """The keyring's copy of the last link, or what it holds when that is no link."""
        valor = self._secrets.get(KEYRING_SCOPE, self._clave(empresa_id))
        if not valor:
            return None, ""
        id_, _, hash_ = valor.partition(":")
        if id_.isdigit() and _LINK.fullmatch(hash_):
            return Cabeza(int(id_), hash_), ""
        log.error("Cabeza de bitácora ilegible en el llavero para la empresa %s", empresa_id)
        return None, valor

    def _del_llavero(self, empresa_id: int) -> Cabeza | None:
        return self._leer_llavero(empresa_id)[0]

    def registradas(self, empresa_id: int) -> list[Cabeza]:
        """The links recorded outside the store (catalog, keyring), each of which it must hold
        (a keyring copy that cannot be read is not one: ``verificar`` says so)."""
        cabezas = [self._empresas.cabeza_bitacora(empresa_id), self._del_llavero(empresa_id)]
        return list(dict.fromkeys(c for c in cabezas if c is not None))

    def verificar(self, empresa_id: int, path: Path) -> Integridad:
        integridad = self._verificar(empresa_id, path)
        _cabeza, ilegible = self._leer_llavero(empresa_id)
        if not ilegible:
            return integridad
        # The keyring's copy is damaged (or was changed by hand): that is the keyring's fault,
        # not the store's; it is checked against the catalog's copy, and the copy is written
        # again once the store is found whole.
        aviso = MSG_COPIA_ILEGIBLE.format(valor=ilegible[:40])
        return replace(integridad, aviso=aviso)

    def _verificar(self, empresa_id: int, path: Path) -> Integridad:
        registradas = self.registradas(empresa_id)
        if path.is_file():
            return verificar_bitacora(path, registradas)
        if not registradas:
            return Integridad(0, None)  # a new store: nothing recorded, nothing to check
        # Removed or moved: the empty store made in its place is no chain to take either.
        hasta = max(c.id for c in registradas)
        return Integridad(
            0,
            None,
            f"no está su base de datos «{path.name}» (se borró o se movió) y el catálogo de esta "
            f"instalación registró su bitácora hasta la entrada {hasta}",
            anterior=True,
        )

    def avanzar(self, empresa_id: int, path: Path) -> Integridad:
        """Record the store's last link, only when the store holds every recorded one."""
        integridad = self.verificar(empresa_id, path)
        self.tomar(empresa_id, integridad)
        return integridad

    def tomar(self, empresa_id: int, integridad: Integridad) -> None:
        """Record the last link of a chain just found whole (``verificar``)."""
        if integridad.integra and integridad.cabeza is not None:
            self._guardar(empresa_id, integridad.cabeza)

    def restablecer(self, empresa_id: int, cabeza: Cabeza | None) -> None:
        """After a restore (a backup checked whole): its chain is the empresa's from now on,
        even when it ends before the link recorded."""
        if cabeza is not None:
            self._guardar(empresa_id, cabeza)

    def _guardar(self, empresa_id: int, cabeza: Cabeza) -> None:
        if self._empresas.cabeza_bitacora(empresa_id) != cabeza:
            self._empresas.registrar_cabeza(empresa_id, cabeza)
        if self._secrets.available() and self._del_llavero(empresa_id) != cabeza:
            try:
                self._secrets.set(
                    KEYRING_SCOPE, self._clave(empresa_id), f"{cabeza.id}:{cabeza.hash}"
                )
            except DomainError:  # the catalog keeps it; the keyring's copy stays where it was
                log.warning("No se guardó en el llavero la bitácora de %s", empresa_id)

    def anotar(self, actor: str | None, action: str, target: str = "", detail: str = "") -> None:
        """An entry in the catalog's audit, for what happens to a store that is not written."""
        self._audit.anotar(actor, action, target, detail)

    def alterada(self, empresa: EmpresaInfo, integridad: Integridad) -> str:
        """Audit (in the catalog) a store found altered; the read-only reason."""
        log.error("Bitácora de %s alterada: %s", empresa.etiqueta, integridad.problema)
        self.anotar(
            None,
            AUDIT_ALTERADA,
            empresa.rfc or empresa.archivo,
            f"{integridad.problema}; abierta en sólo lectura",
        )
        return MSG_SOLO_LECTURA.format(empresa=empresa.etiqueta, problema=integridad.texto())

    def copia_ilegible(self, empresa: EmpresaInfo, integridad: Integridad) -> str:
        """Audit (in the catalog) a keyring copy that cannot be read; what the user is told."""
        self.anotar(None, AUDIT_COPIA_ILEGIBLE, empresa.rfc or empresa.archivo, integridad.aviso)
        return f"La bitácora de la empresa {empresa.etiqueta}: {integridad.aviso}."


__all__ = [
    "AUDIT_ALTERADA",
    "AUDIT_COPIA_ILEGIBLE",
    "KEYRING_SCOPE",
    "MSG_SOLO_LECTURA",
    "CabezasBitacora",
]

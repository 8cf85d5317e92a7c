"""Emisores confiables: the CA certificates shipped with the app plus those IT adds on a desktop.

The shipped ones live in ``resources/emisores_confiables`` (read-only, in the installer); the
added ones are plain files in ``<data dir>/emisores_confiables``, so IT can also drop a .cer
there by hand. Adding and removing through the app is audited.

Each one is trusted for one purpose (domain.trust ``uso``): the files of a ``sellos_de_tiempo``
folder under either of those are roots of time-stamp authorities (TSA), trusted only for the
signature time-stamps of the constancias; every other one (the shipped SAT CAs, and those added
before purposes existed) is an e.firma issuer.

The SAT's test authorities (the «AC UAT» of its published test e.firma) and the practice
authorities ``capacitacion preparar`` makes (services/capacitacion.py) live apart, in a
``capacitacion`` folder under either of those, and are trusted only while an administrator has
the modo de capacitación on (settings: ``[capacitacion] activo``; audited when it changes).
"""

from __future__ import annotations

import functools
import logging
import re
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from icsoe_desktop.domain.errors import DomainError, ValidationError
from icsoe_desktop.domain.practica import autoridad_de_practica
from icsoe_desktop.domain.roles import Accion
from icsoe_desktop.domain.trust import (
    USO_EFIRMA,
    USO_SELLO,
    USOS,
    Emisor,
    TrustStore,
    read_emisor,
)

if TYPE_CHECKING:  # kept light: `cert inspect` reads the folders without the store
    from icsoe_desktop.services.acceso.permisos import Permisos
    from icsoe_desktop.services.audit import AuditService
    from icsoe_desktop.store.db import Store

log = logging.getLogger(__name__)

TRUSTED_DIR = "emisores_confiables"
CAPACITACION_DIR = "capacitacion"  # inside a TRUSTED_DIR: the SAT's test authorities
SELLOS_DIR = "sellos_de_tiempo"  # inside a TRUSTED_DIR: roots of time-stamp authorities
TRUSTED_SUFFIXES = (".cer", ".crt", ".pem", ".der")
MSG_PISTA_PRUEBAS = (
    "Si es una e.firma de práctica o de pruebas del SAT (emisor «AC UAT»), un administrador "
    "puede activar el modo de capacitación en Configuración › Emisores confiables…; si es de "
    "otra autoridad, el área de sistemas puede agregar su emisor ahí mismo."
)
MSG_PISTA_SIN_UAT = (
    "El modo de capacitación está activo, pero el certificado de ese emisor no está instalado en "
    "este equipo: el área de sistemas debe copiarlo en la carpeta «{carpeta}»."
)


MSG_DE_CAPACITACION = (
    "El certificado es de una autoridad de capacitación o de pruebas ({nombre}): no emite "
    "e.firmas reales, así que no se agrega a los emisores confiables. Sus e.firmas se aceptan "
    "sólo con el modo de capacitación activo, y no firman informativas fuera de la empresa de "
    "práctica."
)


def trusted_folders(data_dir: Path) -> list[Path]:
    """Shipped with the app first, then this desktop's (where adds go)."""
    from icsoe_desktop.paths import asset_dir

    return [asset_dir("resources") / TRUSTED_DIR, data_dir / TRUSTED_DIR]


def capacitacion_folders(data_dir: Path) -> list[Path]:
    """Where the SAT's test authorities are looked for: shipped with the app, then this
    desktop's (where IT copies the AC UAT certificate when the installer lacks it)."""
    return [folder / CAPACITACION_DIR for folder in trusted_folders(data_dir)]


def read_capacitacion(folders: list[Path]) -> list[Emisor]:
    """The test authorities: not removable from the app, and anchors while the mode is on."""
    return [
        replace(emisor, capacitacion=True)
        for folder in folders
        for emisor in _read_folder(folder, incluido=True)
    ]


def read_sellos(folders: list[Path]) -> list[Emisor]:
    """The time-stamp authorities' roots in the ``sellos_de_tiempo`` folder of each of
    ``folders`` (the first one's shipped). A practice authority copied there by hand is left
    out: its key is handed to trainees, who could then stamp any time."""
    return [
        replace(emisor, uso=USO_SELLO)
        for index, folder in enumerate(folders)
        for emisor in _read_folder(folder / SELLOS_DIR, incluido=index == 0)
        if not autoridad_de_practica(emisor)
    ]


def read_folders(folders: list[Path]) -> list[Emisor]:
    """Every CA certificate file in ``folders``; the first folder's are the shipped ones."""
    return [
        emisor
        for index, folder in enumerate(folders)
        for emisor in _read_folder(folder, incluido=index == 0)
    ]


def _read_folder(folder: Path, *, incluido: bool) -> list[Emisor]:
    found: list[Emisor] = []
    if not folder.is_dir():
        return found
    for path in sorted(folder.iterdir()):
        if path.suffix.lower() not in TRUSTED_SUFFIXES or not path.is_file():
            continue
        try:
            found.append(_emisor(path.read_bytes(), incluido, str(path)))
        except (OSError, DomainError) as exc:
            # A stray or damaged file must not hide the others.
            log.warning("Emisor confiable ilegible %s: %r", path, exc)
    return found


@functools.lru_cache(maxsize=256)
def _emisor(data: bytes, incluido: bool, archivo: str) -> Emisor:
    """``read_emisor``, once per file content in the process: every store opened (each empresa,
    each restore) reads the same shipped CAs, and parsing and checking the ~20 of them costs
    more than opening the store. An unreadable file is not remembered (it raises each time)."""
    return read_emisor(data, incluido=incluido, archivo=archivo)


def _file_key(folders: list[Path]) -> tuple[Any, ...]:
    """What changes when a file is added, removed or replaced in any folder."""
    key = []
    for folder in folders:
        if folder.is_dir():
            for path in sorted(folder.iterdir()):
                if path.suffix.lower() in TRUSTED_SUFFIXES:
                    try:
                        stat = path.stat()
                    except OSError:
                        continue
                    key.append((str(path), stat.st_mtime_ns, stat.st_size))
    return tuple(key)


class EmisoresService:
    def __init__(
        self,
        folders: list[Path],
        store: Store,
        audit: AuditService,
        permisos: Permisos,
        capacitacion: Callable[[], bool] = lambda: False,
        capacitacion_dirs: list[Path] | None = None,
    ) -> None:
        self._permisos = permisos
        # folders[0]: shipped with the app; the others: this desktop's (folders[1] takes adds).
        self.folders = folders
        self._store = store
        self._audit = audit
        self._cache: tuple[tuple[Any, ...], TrustStore] | None = None
        # Whether the modo de capacitación is on (the installation's settings, read each time:
        # an administrator turns it on or off while the app runs).
        self.capacitacion = capacitacion
        self.capacitacion_dirs = (
            capacitacion_dirs
            if capacitacion_dirs is not None
            else [folder / CAPACITACION_DIR for folder in folders]
        )

    @property
    def added_dir(self) -> Path:
        return self.folders[1]

    # --- queries -------------------------------------------------------------------------------

    def _todos(self) -> TrustStore:
        """Every installed authority, whatever its purpose."""
        training = self.capacitacion()
        extra = self.capacitacion_dirs if training else []
        sellos = [folder / SELLOS_DIR for folder in self.folders]
        key = (training, _file_key(self.folders), _file_key(extra), _file_key(sellos))
        if self._cache is None or self._cache[0] != key:
            emisores = (
                read_folders(self.folders) + read_capacitacion(extra) + read_sellos(self.folders)
            )
            self._cache = (key, TrustStore(emisores))
        return self._cache[1]

    def trust_store(self) -> TrustStore:
        """The e.firma issuers: what a signer's certificate is judged against."""
        return self._todos().para(USO_EFIRMA)

    def autoridades_sello(self) -> TrustStore:
        """The time-stamp authorities' roots: what a time-stamp token's TSA is judged against."""
        return self._todos().para(USO_SELLO)

    def pista_no_verificado(self) -> str:
        """What to say of an e.firma whose issuer is not trusted here: the way to the modo de
        capacitación, or, with it on, where the test authority's certificate is missing."""
        if self.capacitacion():
            return MSG_PISTA_SIN_UAT.format(carpeta=self.capacitacion_dirs[-1])
        return MSG_PISTA_PRUEBAS

    def listar(self) -> list[Emisor]:
        """Shipped first, then added; by name and expiry within each."""
        return sorted(
            self._todos().emisores,
            key=lambda e: (
                not e.incluido,
                e.uso != USO_EFIRMA,
                e.nombre.casefold(),
                e.valido_hasta,
            ),
        )

    def verifica(self, certificate_der: bytes) -> bool:
        """Signed, up a chain, by an installed emisor (domain.trust)."""
        return self.trust_store().verifies(certificate_der)

    # --- add / remove ----------------------------------------------------------------------------

    def leer(self, path: Path) -> Emisor:
        """Read a CA file to show it before adding (subject, validity, fingerprint); a practice
        or test authority is refused here, before anyone is asked to add it."""
        from icsoe_desktop.files import read_credential_file

        data = read_credential_file(path, "certificado de la autoridad certificadora", "archivo")
        emisor = read_emisor(data, incluido=False, archivo=str(path))
        if self._de_practica(emisor):
            raise ValidationError(
                "emisor_de_capacitacion",
                MSG_DE_CAPACITACION.format(nombre=emisor.nombre),
                "archivo",
            )
        return emisor

    def suplanta(self, emisor: Emisor) -> Emisor | None:
        """The shipped SAT CA whose subject ``emisor`` repeats without being it: a CA made to
        look like the SAT's, which would vouch for fake «SAT» certificates once trusted."""
        return next(
            (
                e
                for e in self.listar()
                if e.incluido and e.sujeto == emisor.sujeto and e.sha256 != emisor.sha256
            ),
            None,
        )

    def agregar(self, path: Path, actor: str | None, uso: str) -> Emisor:
        """Trust the CA in ``path`` for ``uso`` (USO_EFIRMA or USO_SELLO) only; one purpose per
        certificate, so a CA already installed is refused whatever its purpose."""
        self._permisos.exigir(actor, Accion.EMISORES_CONFIABLES, path.name)
        if uso not in USOS:
            raise ValidationError(
                "emisor_sin_uso",
                "Elige para qué se confía en la autoridad: «Emisor de e.firma» o «Autoridad de "
                "sellos de tiempo».",
                "uso",
            )
        emisor = replace(self.leer(path), uso=uso)
        suplantado = self.suplanta(emisor)
        installed = next((e for e in self.listar() if e.sha256 == emisor.sha256), None)
        if installed is not None:
            origen = "incluido con la aplicación" if installed.incluido else "agregado"
            raise ValidationError(
                "emisor_existente",
                f"El emisor {installed.nombre} ya está instalado ({origen}, como "
                f"«{USOS[installed.uso]}»).",
                "archivo",
            )
        carpeta = self.added_dir if uso == USO_EFIRMA else self.added_dir / SELLOS_DIR
        target = carpeta / f"{_slug(emisor.nombre)}_{emisor.sha256[:12]}.cer"
        try:
            carpeta.mkdir(parents=True, exist_ok=True)
            with self._store.session() as session:
                target.write_bytes(emisor.der)
                detalle = f"{emisor.sha256}; uso: {USOS[uso]}"
                if suplantado is not None:
                    log.warning(
                        "Emisor agregado con el sujeto de %s: %s", suplantado.nombre, target
                    )
                    detalle += f"; mismo sujeto que el emisor incluido {suplantado.sha256}"
                self._audit.record(session, actor, "emisor_agregado", emisor.nombre[:120], detalle)
        except OSError as exc:
            log.warning("No se pudo guardar el emisor %s: %r", target, exc)
            raise ValidationError(
                "emisor_no_guardado",
                f"No se pudo guardar el emisor en {carpeta}: revisa los permisos.",
                "archivo",
            ) from exc
        return next(e for e in self.listar() if (e.sha256, e.uso) == (emisor.sha256, uso))

    def _de_practica(self, emisor: Emisor) -> bool:
        """A practice or test authority: by its name, or as one of the capacitacion folders."""
        prueba = {e.sha256 for e in read_capacitacion(self.capacitacion_dirs)}
        return autoridad_de_practica(emisor) or emisor.sha256 in prueba

    def quitar(self, huella: str, actor: str | None) -> Emisor:
        """Remove an added issuer by its SHA-256 (full, or a unique prefix; colons allowed)."""
        self._permisos.exigir(actor, Accion.EMISORES_CONFIABLES, huella)
        wanted = huella.replace(":", "").strip().lower()
        # One per certificate: a file IT dropped in both folders is the same certificate.
        por_huella = {e.sha256: e for e in self.listar() if wanted and e.sha256.startswith(wanted)}
        matches = list(por_huella.values())
        if len(matches) != 1:
            raise ValidationError(
                "emisor_inexistente",
                "No hay un emisor instalado con esa huella SHA-256."
                if not matches
                else "Varios emisores empiezan con esa huella: escríbela completa.",
                "huella",
            )
        emisor = matches[0]
        if any(e.incluido for e in self.listar() if e.sha256 == emisor.sha256):
            raise ValidationError(
                "emisor_incluido",
                "Los emisores incluidos con la aplicación no se pueden quitar.",
                "huella",
            )
        # Every copy: IT may have dropped the same certificate twice under other names.
        paths = [
            e.archivo
            for e in read_folders(self.folders) + read_sellos(self.folders)
            if not e.incluido and e.sha256 == emisor.sha256
        ]
        try:
            with self._store.session() as session:
                for path in paths:
                    Path(path).unlink()
                self._audit.record(
                    session, actor, "emisor_quitado", emisor.nombre[:120], emisor.sha256
                )
        except OSError as exc:
            log.warning("No se pudo quitar el emisor %s: %r", emisor.archivo, exc)
            raise ValidationError(
                "emisor_no_quitado",
                f"No se pudo quitar el archivo {emisor.archivo}: revisa los permisos.",
                "huella",
            ) from exc
        return emisor


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "_", text).strip("_")[:40] or "emisor"

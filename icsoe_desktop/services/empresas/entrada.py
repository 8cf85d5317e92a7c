"""Entries without an IDSE user find their empresa by what they prove, never by the login's
selector (docs/diseno/empresas.md «Varias empresas»):

- the ICSOE contratista, by its e.firma's RFC: the empresa whose store already registers it, else
  the empresa of that RFC (else, with a single empresa, that one, as before there were several);
- the capturista, by CURP and contraseña: the empresas whose store registers that CURP and where
  that password is right (the capturista chooses when there are several);
- the capturista's one-use codes (activation link, recovery), wherever the code was issued, and
  without opening that empresa: its store is opened apart for the one change. Wrong codes are
  counted once, for the installation, before any store is searched (code_guesses.py).

Looking through the empresas reads each store file with plain sqlite3 (one indexed query each);
nothing found in an empresa that does not match is shown or counted there.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from icsoe_desktop.config import SmtpSettings
from icsoe_desktop.domain import passwords, tokens
from icsoe_desktop.domain.errors import AuthenticationError, DomainError, ValidationError
from icsoe_desktop.services.acceso import code_guesses
from icsoe_desktop.services.audit import AuditService
from icsoe_desktop.services.capturistas.acceso import (
    SIGN_IN,
    AccesoCapturistaService,
    CapturistaSesion,
    check_crear_contrasena,
)
from icsoe_desktop.services.capturistas.common import ACTIVATION_PURPOSE, RESET_PURPOSE
from icsoe_desktop.services.correo.mail import MailService
from icsoe_desktop.services.empresas.servicio import EmpresaInfo
from icsoe_desktop.store import cifrado, plain
from icsoe_desktop.store.db import Store

if TYPE_CHECKING:
    from icsoe_desktop.domain.clock import Clock
    from icsoe_desktop.services.acceso.code_guesses import CodeGuesses
    from icsoe_desktop.services.contratistas import (
        ContratistaSesion,
        ContratistasService,
        FielValidada,
    )
    from icsoe_desktop.services.empresas.servicio import EmpresasService
    from icsoe_desktop.services.secrets import SecretsService

log = logging.getLogger(__name__)

MSG_CONTRATISTA_SIN_EMPRESA = (
    "En esta instalación no hay una empresa con el RFC {rfc} de la e.firma. El contratista "
    "ingresa a la empresa de su mismo RFC: un administrador de icsoe-desktop puede crearla en "
    "Archivo › Cambiar de empresa › Nueva empresa."
)
MSG_EMPRESA_NO_DISPONIBLE = "Esa empresa no corresponde a tus datos de acceso."


@dataclass(frozen=True)
class EntradaCapturista:
    """An empresa where the capturista's CURP and password were right, and its session there."""

    empresa: EmpresaInfo
    sesion: CapturistaSesion


class Instalacion(Protocol):
    """What the entries use of the installation's services (services/container.py ``Services``,
    which builds them): the empresas, the empresa open now and how to open another."""

    clock: Clock
    empresa: EmpresaInfo

    @property
    def secrets(self) -> SecretsService: ...

    @property
    def empresas(self) -> EmpresasService: ...

    @property
    def codigos(self) -> CodeGuesses: ...

    @property
    def contratistas(self) -> ContratistasService: ...

    @property
    def acceso_capturista(self) -> AccesoCapturistaService: ...

    def abrir_empresa(self, empresa_id: int) -> EmpresaInfo: ...


@dataclass(frozen=True)
class NombreConocido:
    nombre: str
    primer_apellido: str
    segundo_apellido: str
    fuente: str  # «capturistas», «movimientos»: where it was found
    empresa: str  # the empresa's label


# Indexed look-up of the capturistas (the names a person gave); then the movimientos' (the names
# the payroll filed with IDSE: the store's, store/movimientos.py).
_NOMBRE_DE_CAPTURISTA = (
    "SELECT nombre, primer_apellido, segundo_apellido FROM icsoe_capturistas "
    "WHERE curp = ? AND deleted = 0"
)


class EntradaIcsoe:
    def __init__(self, services: Instalacion) -> None:
        self._services = services

    # --- contratista ---------------------------------------------------------------------------

    def empresas_de_contratista(self, rfc: str) -> list[EmpresaInfo]:
        """Where the contratista of this (validated) e.firma RFC enters: the empresas whose store
        registers it already (its data lives there), else the empresa of that RFC, else the only
        empresa of an installation that has one; else a Spanish refusal."""
        registrado = self._buscar(
            "SELECT 1 FROM icsoe_contratistas WHERE rfc = ? AND deleted = 0", (rfc,)
        )
        if registrado:
            return registrado
        todas = self._services.empresas.listar()
        propia = [e for e in todas if e.rfc == rfc]
        if propia:
            return propia
        if len(todas) == 1:
            return todas
        raise ValidationError(
            "contratista_sin_empresa", MSG_CONTRATISTA_SIN_EMPRESA.format(rfc=rfc), "rfc"
        )

    def ingresar_contratista(self, fiel: FielValidada, empresa: EmpresaInfo) -> ContratistaSesion:
        """Open ``empresa`` (one of ``empresas_de_contratista``) and enter it."""
        self._abrir(empresa, [e.id for e in self.empresas_de_contratista(fiel.rfc)])
        return self._services.contratistas.ingresar(fiel)

    # --- a CURP's names, for Alta de usuarios' Validar --------------------------------------------

    def nombre_de_curp(self, curp: str) -> NombreConocido | None:
        """The names the empresas of the installation already hold for ``curp``: a capturista's
        (any empresa), else those of its latest movimiento; None when none knows it (the CURP
        registry, RENAPO, is consulted on line only)."""
        from icsoe_desktop.store.movimientos import NOMBRE_DE_CURP_SQL

        for sql, fuente in (
            (_NOMBRE_DE_CAPTURISTA, "capturistas"),
            (NOMBRE_DE_CURP_SQL, "movimientos"),
        ):
            for empresa, (nombre, primer, segundo) in self._buscar_filas(sql, (curp,)):
                if nombre or primer:
                    return NombreConocido(nombre, primer, segundo or "", fuente, empresa.etiqueta)
        return None

    # --- capturista ----------------------------------------------------------------------------

    def capturista(self, curp: str, contrasena: str) -> list[EntradaCapturista]:
        """Sign in in every empresa whose store registers the CURP with this password (with none
        right, each registering it counts the failure, as its own sign-in does). Raises the
        sign-in's refusal when no empresa admits the capturista."""
        usuario = "".join((curp or "").split()).upper()
        SIGN_IN.check_filled(usuario, contrasena)
        hashes = self._buscar_filas(
            "SELECT password_hash FROM icsoe_capturistas WHERE curp = ? AND deleted = 0",
            (usuario,),
        )
        if len(hashes) <= 1:
            # One empresa registers it (or none: the open one refuses it, with the same scrypt
            # as a wrong password): its own sign-in is the only check.
            destinos = [e for e, _ in hashes] or [self._services.empresa]
        else:
            # Several: one scrypt per empresa finds those where the password is right, so the
            # others do not count a failure; with none right, each counts one.
            aciertos = [
                e for e, (h,) in hashes if passwords.verify_password_or_dummy(contrasena, h)
            ]
            destinos = aciertos or [e for e, _ in hashes]
        entradas: list[EntradaCapturista] = []
        rechazos: list[AuthenticationError] = []
        for empresa in destinos:
            try:
                with self._acceso(empresa) as acceso:
                    entradas.append(
                        EntradaCapturista(empresa, acceso.iniciar_sesion(usuario, contrasena))
                    )
            except AuthenticationError as exc:
                rechazos.append(exc)
        if not entradas:
            raise rechazos[0]
        return entradas

    def abrir_capturista(
        self, entrada: EntradaCapturista, entradas: list[EntradaCapturista]
    ) -> None:
        """Open the empresa the capturista chose among those where it was admitted."""
        self._abrir(entrada.empresa, [e.empresa.id for e in entradas])

    def solicitar_recuperacion(self, curp: str) -> None:
        """¿Olvidaste tu contraseña?: a code from each empresa that registers the CURP (each
        queued in that empresa's outbox); the open empresa's refusal when none does."""
        usuario = "".join((curp or "").split()).upper()
        destinos = self._buscar(
            "SELECT 1 FROM icsoe_capturistas WHERE curp = ? AND deleted = 0", (usuario,)
        ) or [self._services.empresa]
        rechazos: list[DomainError] = []
        for empresa in destinos:
            try:
                with self._acceso(empresa) as acceso:
                    acceso.solicitar_recuperacion(curp)
            except DomainError as exc:
                rechazos.append(exc)
        if len(rechazos) == len(destinos):
            raise rechazos[0]

    def crear_contrasena(
        self,
        code: str,
        contrasena: str,
        confirmacion: str,
        *,
        entrada: str = code_guesses.CAPTURISTA_ACTIVACION,
    ) -> str:
        """Crear contraseña with an activation or recovery code, in the empresa that issued it
        (links already in mailboxes name no empresa: the code is looked up in every store). The
        installation's count of wrong codes at ``entrada`` is checked before that look-up and
        takes a code issued nowhere. Returns the CURP."""
        check_crear_contrasena(code, contrasena, confirmacion)
        emitido: list[EmpresaInfo] = []

        def issued() -> bool:
            emitido.extend(
                self._buscar(
                    "SELECT 1 FROM one_time_tokens WHERE code_hash = ? AND purpose IN (?, ?)",
                    (tokens.hash_code(code), ACTIVATION_PURPOSE, RESET_PURPOSE),
                )
            )
            return bool(emitido)

        self._services.codigos.guess(entrada, code, issued)
        abierta = self._services.empresa
        empresa = abierta if abierta.id in {e.id for e in emitido} else emitido[0]
        with self._acceso(empresa) as acceso:
            return acceso.crear_contrasena(code, contrasena, confirmacion, entrada=entrada)

    # --- internals -----------------------------------------------------------------------------

    def _abrir(self, empresa: EmpresaInfo, permitidas: list[int]) -> None:
        if empresa.id not in permitidas:
            raise AuthenticationError("empresa_no_disponible", MSG_EMPRESA_NO_DISPONIBLE)
        if empresa.id != self._services.empresa.id:
            self._services.abrir_empresa(empresa.id)

    @contextmanager
    def _acceso(self, empresa: EmpresaInfo) -> Iterator[AccesoCapturistaService]:
        """The capturista's access on ``empresa``'s store: the open one's service, or its store
        opened apart for this one operation (its mails wait in its outbox: mail_colas.py)."""
        services = self._services
        if empresa.id == services.empresa.id:
            yield services.acceso_capturista
            return
        store = Store(services.empresas.ruta(empresa))
        try:
            # Only queued here; the sender delivers with the empresa's own settings.
            mail = MailService(store, SmtpSettings, services.secrets, services.clock)
            yield AccesoCapturistaService(
                store,
                AuditService(store, services.clock),
                mail,
                services.clock,
                codigos=services.codigos,
            )
        finally:
            store.close()

    def _buscar(self, sql: str, params: tuple[Any, ...]) -> list[EmpresaInfo]:
        return [empresa for empresa, _row in self._buscar_filas(sql, params)]

    def _buscar_filas(
        self, sql: str, params: tuple[Any, ...]
    ) -> list[tuple[EmpresaInfo, tuple[Any, ...]]]:
        """The empresas whose store answers ``sql`` with a row (its first row). A store that
        cannot be read is logged and skipped: it is named by --self-check."""
        found = []
        for empresa in self._services.empresas.listar():
            path = self._services.empresas.ruta(empresa)
            if not path.is_file():
                continue
            try:
                conn = plain.connect(path)
                try:
                    row = conn.execute(sql, params).fetchone()
                finally:
                    conn.close()
            except cifrado.Error:
                log.warning("No se pudo leer la empresa %s", empresa.archivo, exc_info=True)
                continue
            if row is not None:
                found.append((empresa, tuple(row)))
        return found

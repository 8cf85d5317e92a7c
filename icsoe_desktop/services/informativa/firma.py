"""Before and after signing: *Revisar* (the IMSS's seven published inconsistencies and the
worker checks), *Firmar* with the contratista's e.firma (the cadena original sealed, the acuse
and the informativa frozen as signed kept in the store), the acuse and its later verification,
and the exports for the portal. Once signed, everything here reads the frozen informativa."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import select

from icsoe_desktop.domain.clock import Clock, hora_del_centro, utcnow
from icsoe_desktop.domain.errors import ValidationError
from icsoe_desktop.domain.informativa.firmada import congelar
from icsoe_desktop.domain.informativa.modelo import (
    EN_CAPTURA,
    FIRMADA,
    LISTA_PARA_FIRMA,
    Informativa,
    Problema,
)
from icsoe_desktop.domain.roles import Accion
from icsoe_desktop.domain.texts import plural
from icsoe_desktop.services.acceso.permisos import Permisos
from icsoe_desktop.services.audit import AuditService
from icsoe_desktop.services.informativa.asignaciones import curps_de_la_empresa, sbcs_registrados
from icsoe_desktop.services.informativa.base import InformativaBase
from icsoe_desktop.store.db import Store
from icsoe_desktop.store.models import InformativaRow

if TYPE_CHECKING:
    from icsoe_desktop.services.contratistas import ContratistasService
    from icsoe_desktop.services.informativa.acuse import Verificacion

Progreso = Callable[[int, int], None]


class FirmaInformativaService(InformativaBase):
    def __init__(
        self,
        store: Store,
        audit: AuditService,
        permisos: Permisos,
        clock: Clock = utcnow,
        *,
        contratistas: ContratistasService,
    ) -> None:
        super().__init__(store, audit, permisos, clock)
        self._contratistas = contratistas

    # --- Revisar -------------------------------------------------------------------------------

    def revisar(self, informativa: str, actor: str | None) -> list[Problema]:
        """Every inconsistency, then the warnings (``Problema.aviso``: listed, they block
        nothing): a contratante's RFC whose check digit does not match, a worker's SBC that
        differs from the one its movimientos registered in the period. No inconsistency moves
        the informativa to «Lista para firma» (and one found later moves it back to «En
        captura»); warnings do not count."""
        from icsoe_desktop.domain.informativa.revision import avisos, avisos_sbc, revisar

        with self._store.session() as session:
            row, contratista = self._informativa(session, informativa, actor)
            snapshot = self._snapshot(session, row, contratista)
            problemas = revisar(snapshot, self._curps(session, snapshot))
            nss = [t.nss for c in snapshot.contratos for t in c.trabajadores]
            sbc = avisos_sbc(snapshot, sbcs_registrados(session, nss, snapshot.periodo))
            if row.estado != FIRMADA:
                row.estado = EN_CAPTURA if problemas else LISTA_PARA_FIRMA
            self._audit.record(
                session, actor, "icsoe_informativa_revisada", contratista.rfc, str(len(problemas))
            )
            return problemas + avisos(snapshot) + sbc  # the warnings (last) block nothing

    @staticmethod
    def _curps(session, snapshot: Informativa) -> dict[str, str]:
        return curps_de_la_empresa(
            session, [t.nss for c in snapshot.contratos for t in c.trabajadores]
        )

    # --- Firmar --------------------------------------------------------------------------------

    def firmar(
        self,
        informativa: str,
        actor: str | None,
        cer: Path | None,
        key: Path | None,
        contrasena: str,
    ) -> bytes:
        """The contratista (``actor``: its RFC) seals the informativa with its e.firma. Slow
        (the key is decrypted): call it off the GUI thread. Returns the acuse (a PDF). After it
        nothing can be added or changed."""
        from icsoe_desktop.domain.informativa.cadena import cadena_original
        from icsoe_desktop.domain.informativa.revision import revisar
        from icsoe_desktop.domain.informativa.sello import sellar
        from icsoe_desktop.services.informativa.acuse import escribir_acuse

        self._permisos.exigir(actor, Accion.FIRMAR_INFORMATIVA, informativa)
        with self._store.session() as session:
            row, contratista = self._informativa(session, informativa, actor)
            rfc = contratista.rfc  # the actor itself (checked by _informativa)
            if row.estado == FIRMADA:
                raise ValidationError("informativa_firmada", "La informativa ya está firmada.")
            antes = self._en_captura(session, row, contratista)
            problemas = revisar(antes, self._curps(session, antes))
        if problemas:
            raise ValidationError(
                "informativa_con_problemas",
                f"La informativa tiene {plural(len(problemas), 'inconsistencia')}: usa Revisar, "
                "corrígelas y fírmala después.",
            )
        credencial = self._contratistas.credencial_fiel(rfc, cer, key, contrasena)
        # The signing time, to the second: naive UTC for the row, and in Central Mexico time
        # (with its offset) in what is frozen.
        ahora = self._clock().replace(microsecond=0)
        firmada = hora_del_centro(ahora)
        cadena = cadena_original(antes)
        sello = sellar(cadena, credencial.private_key)
        info = credencial.info
        acuse = escribir_acuse(antes, cadena, sello, info.certificado_der, ahora)
        with self._store.session() as session:
            row, contratista = self._informativa(session, informativa, rfc)
            # Someone may have captured meanwhile (another window, a sync): sign what was read.
            if (
                row.estado == FIRMADA
                or cadena_original(self._en_captura(session, row, contratista)) != cadena
            ):
                raise ValidationError(
                    "informativa_cambio",
                    "La informativa cambió mientras se firmaba: revísala y fírmala de nuevo.",
                )
            row.estado = FIRMADA
            row.firmada_at = ahora
            row.no_certificado = info.no_certificado
            row.cadena, row.sello = cadena, sello
            row.certificado_der = info.certificado_der
            row.acuse_pdf = acuse
            # From now on the informativa is this copy: its exports, acuse and verification
            # never read the contratante's or the contratista's live rows again.
            row.congelada = congelar(antes, firmada)
            self._audit.record(
                session, rfc, "icsoe_informativa_firmada", row.periodo, info.no_certificado
            )
        return acuse

    # --- the acuse -----------------------------------------------------------------------------

    def acuse(self, informativa: str, actor: str | None) -> bytes:
        with self._store.session() as session:
            row, _ = self._informativa(session, informativa, actor)
            if row.estado != FIRMADA or not row.acuse_pdf:
                raise ValidationError(
                    "sin_acuse", "La informativa aún no está firmada: no tiene acuse."
                )
            return row.acuse_pdf

    def verificar(self, pdf: bytes, cer: bytes | None = None) -> Verificacion:
        """An acuse checked: its sello over its cadena with its certificate (and, given, the
        signer's .cer file, DER or PEM); when its informativa is in this store, the cadena of
        the informativa frozen when it was signed must be the one in the acuse."""
        from icsoe_desktop.domain.credentials.files import certificate_file_der
        from icsoe_desktop.domain.informativa.cadena import cadena_original
        from icsoe_desktop.services.informativa.acuse import leer_acuse, verificar_acuse

        certificado_der = None if cer is None else certificate_file_der(cer)
        leido = leer_acuse(pdf)
        cadena_actual = None
        with self._store.session() as session:
            row = session.scalar(
                select(InformativaRow).where(
                    InformativaRow.sello == leido.sello, InformativaRow.deleted.is_(False)
                )
            )
            if row is not None and row.estado == FIRMADA:
                try:
                    cadena_actual = cadena_original(self._firmada(row).informativa)
                except ValidationError:
                    cadena_actual = ""  # what was signed can no longer be read: not the same
        return verificar_acuse(pdf, certificado_der, cadena_actual)

    # --- exports -------------------------------------------------------------------------------

    def exportar(
        self, informativa: str, actor: str | None, carpeta: Path, progreso: Progreso | None = None
    ) -> list[Path]:
        """The portal's files: one worker CSV per contract (split at 3,000 rows / 15 MB) and
        the capture sheet (.xlsx) with every field in the portal's order. A signed informativa
        writes what was signed, whatever changed in its contratantes or contratista since."""
        from icsoe_desktop.services.informativa.exportar import exportar

        with self._store.session() as session:
            row, contratista = self._informativa(session, informativa, actor)
            snapshot = self._snapshot(session, row, contratista)
            creada = self._firmada(row).firmada if row.estado == FIRMADA else None
            self._audit.record(session, actor, "icsoe_informativa_exportada", contratista.rfc)
        return exportar(snapshot, Path(carpeta), progreso, creada)


__all__ = ["FirmaInformativaService"]

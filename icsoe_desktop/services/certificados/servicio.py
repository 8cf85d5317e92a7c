"""Certificados IMSS: the IMSS .pfx or the SAT e.firma (FIEL) assigned to each registro patronal.

The database keeps the certificate and its public data; the private key and the contraseña are
sealed with a data key that only the OS keyring holds (domain.sealing).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from icsoe_desktop.domain import sealing
from icsoe_desktop.domain.cambios import CERTIFICADOS
from icsoe_desktop.domain.clock import Clock, utcnow
from icsoe_desktop.domain.errors import DomainError, ValidationError
from icsoe_desktop.domain.identifiers import normalize_registro
from icsoe_desktop.domain.roles import Accion
from icsoe_desktop.files import read_credential_file as _read
from icsoe_desktop.files import write_bytes_atomic
from icsoe_desktop.services.acceso.permisos import Permisos
from icsoe_desktop.services.audit import AuditService
from icsoe_desktop.services.certificados.emisores import (
    TRUSTED_DIR as TRUSTED_DIR,  # tests, callers
)
from icsoe_desktop.services.certificados.emisores import EmisoresService
from icsoe_desktop.services.secrets import ALMACEN, SecretsService
from icsoe_desktop.store.db import Store
from icsoe_desktop.store.models import CertificadoImss, RegistroPatronal, new_uuid
from icsoe_desktop.store.queries import active_registro, certificate_of

if TYPE_CHECKING:
    from icsoe_desktop.domain.credentials import CertificateInfo, Credential

log = logging.getLogger(__name__)

KEYRING_SCOPE = "certificados"

MSG_NO_DADO_DE_ALTA = "Certificado no dado de alta."
ESTADOS = {
    "vigente": "Vigente",
    "por_vencer": "Por vencer",
    "vencido": "Vencido",
    "no_vigente_aun": "Aún no vigente",
    "sin_certificado": "Sin certificado",
}
SIN_LLAVE_LOCAL = "Sin llave en este equipo"
# An IMSS .pfx whose CA is not installed here: saved (the right file must not be refused for
# that), and said so wherever its state shows.
EMISOR_NO_VERIFICADO = "Emisor no verificado en este equipo"
MSG_SIN_LLAVERO = (
    f"No hay un almacén seguro de contraseñas del sistema ({ALMACEN}) disponible en este "
    "equipo; por seguridad, el certificado no se guardó: su llave "
    "privada y la contraseña del certificado sólo se guardan protegidas por ese almacén."
)


@dataclass(frozen=True)
class CertificateRow:
    registro: str
    rfc_patron: str
    razon_social: str
    tipo: str | None = None  # FIEL | IMSS
    rfc: str | None = None
    no_certificado: str | None = None
    valido_hasta: datetime | None = None  # UTC
    estado: str = "sin_certificado"
    # False when the certificate came from another desktop (sync): its key never travels.
    llave_local: bool = True
    emisor_verificado: bool = True  # signed up to an installed emisor confiable

    @property
    def estado_texto(self) -> str:
        parts = [ESTADOS[self.estado]]
        if self.configurado and not self.llave_local:
            parts.append(SIN_LLAVE_LOCAL)
        if self.configurado and not self.emisor_verificado:
            parts.append(EMISOR_NO_VERIFICADO)
        return " · ".join(parts)

    @property
    def configurado(self) -> bool:
        return self.tipo is not None

    @property
    def usable(self) -> bool:
        """A certificate IDSE would accept today, with its key on this desktop."""
        return self.estado in ("vigente", "por_vencer") and self.llave_local


@dataclass(frozen=True)
class Assignment:
    registro: str
    certificado: Path | None  # .cer + .key (a FIEL), or .pfx (IMSS, or a FIEL exported)
    llave: Path | None  # .key, with a .cer only
    usuario: str
    contrasena: str

    @property
    def es_fiel(self) -> bool:
        """The files are a .cer and a .key (the file format; what the certificate is, an
        e.firma or the IMSS's, is read from the certificate itself)."""
        return self.certificado is not None and self.certificado.suffix.lower() != ".pfx"


def _naive_utc(value: datetime) -> datetime:
    return value.astimezone(UTC).replace(tzinfo=None) if value.tzinfo else value


class CertificatesService:
    def __init__(
        self,
        store: Store,
        audit: AuditService,
        secrets: SecretsService,
        trusted_dirs: list[Path],
        permisos: Permisos,
        clock: Clock = utcnow,
        capacitacion: Callable[[], bool] = lambda: False,
    ) -> None:
        self._permisos = permisos
        self._store = store
        self._audit = audit
        self._secrets = secrets
        self.trusted_dirs = trusted_dirs
        # Shares the list: a folder appended to trusted_dirs is searched too.
        self.emisores = EmisoresService(trusted_dirs, store, audit, permisos, capacitacion)
        self._clock = clock

    def _now(self) -> datetime:
        return self._clock().replace(tzinfo=UTC)

    def validity(self, info: CertificateInfo) -> str:
        """A chosen file's state today (``vencido``, ``no_vigente_aun``…), by this app's clock."""
        return info.estado(self._now())

    # --- queries -------------------------------------------------------------------------------

    def rows(self) -> list[CertificateRow]:
        """Every registro patronal with its certificate's state (or "sin_certificado")."""
        now = self._now()
        with self._store.session() as session:
            pairs = session.execute(
                select(RegistroPatronal, CertificadoImss)
                .outerjoin(
                    CertificadoImss,
                    (CertificadoImss.registro_patronal_id == RegistroPatronal.id)
                    & CertificadoImss.deleted.is_(False),
                )
                .where(RegistroPatronal.deleted.is_(False))
                .order_by(RegistroPatronal.registro)
            ).all()
            return [self._row(registro, cert, now) for registro, cert in pairs]

    def pending(self) -> list[str]:
        """Registros patronales without a usable certificate."""
        return [row.registro for row in self.rows() if not row.usable]

    def _row(
        self, registro: RegistroPatronal, cert: CertificadoImss | None, now: datetime
    ) -> CertificateRow:
        if cert is None:
            return CertificateRow(registro.registro, registro.rfc, registro.razon_social)
        return CertificateRow(
            registro.registro,
            registro.rfc,
            registro.razon_social,
            cert.tipo,
            cert.rfc,
            cert.no_certificado,
            cert.valido_hasta,
            _estado(cert.valido_desde, cert.valido_hasta, now),
            llave_local=bool(cert.keyring_ref),
            # Checked each time: an emisor added later verifies the certificates it signed.
            emisor_verificado=self.emisores.verifica(cert.certificado_der),
        )

    def describe(self, path: Path) -> CertificateInfo:
        """Read a .cer to fill the form (the FIEL usuario is its RFC)."""
        from icsoe_desktop.domain.credentials import load_certificate

        return load_certificate(_read(path, "certificado", "certificado"))

    def emisor_verificado(self, info: CertificateInfo) -> bool:
        """Whether ``info`` is signed up to an installed emisor confiable."""
        return self.emisores.verifica(info.certificado_der)

    # --- assign / remove -----------------------------------------------------------------------

    def assign(self, assignment: Assignment, actor: str | None) -> CertificateRow:
        self._permisos.exigir(actor, Accion.CERTIFICADOS, assignment.registro)

        registro_id = normalize_registro(assignment.registro)
        if not registro_id:
            raise ValidationError("campo_obligatorio", "Elige el registro patronal.", "registro")
        with self._store.session() as session:
            registro = self._registro(session, registro_id)
            current = certificate_of(session, registro.id)
            # A certificate synced from another desktop has no key here: assigning the files
            # again on this desktop completes it instead of asking to remove it first.
            if current is not None and current.keyring_ref:
                if _estado(current.valido_desde, current.valido_hasta, self._now()) == "vencido":
                    raise ValidationError(
                        "certificado_vencido_asignado",
                        f"El certificado del registro patronal {registro.registro} está vencido: "
                        "elimínalo para agregar el nuevo certificado.",
                        "registro",
                    )
                raise ValidationError(
                    "registro_con_certificado",
                    f"El registro patronal {registro.registro} ya tiene un certificado asignado: "
                    "elimínalo para asignar otro.",
                    "registro",
                )
            rfc_patron = registro.rfc

        credential = self._load(assignment)
        info = credential.info
        estado = info.estado(self._now())
        if estado == "vencido":
            raise ValidationError(
                "certificado_vencido",
                f"El certificado venció el {info.valido_hasta:%d/%m/%Y}; usa un certificado vigente.",
                "certificado",
            )
        if estado == "no_vigente_aun":
            raise ValidationError(
                "certificado_no_vigente",
                f"El certificado será válido a partir del {info.valido_desde:%d/%m/%Y}.",
                "certificado",
            )
        if info.rfc != rfc_patron:
            raise ValidationError(
                "certificado_no_dado_de_alta",
                f"{MSG_NO_DADO_DE_ALTA} El certificado es del RFC {info.rfc} y el registro patronal "
                f"{registro_id} pertenece al RFC {rfc_patron}.",
                "certificado",
            )
        # The e.firma's issuers (SAT) ship with the app: one that does not verify is not a
        # SAT e.firma, in whatever file it came. The IMSS CA is published nowhere: its .pfx is
        # kept and marked instead.
        if info.tipo == "FIEL" and not self.emisor_verificado(info):
            raise ValidationError(
                "efirma_emisor",
                f"La e.firma no fue emitida por una autoridad certificadora del SAT instalada en "
                f"este equipo (emisor: {info.emisor}). {self.emisores.pista_no_verificado()}",
                "certificado",
            )

        data_key = sealing.new_data_key()
        ref = new_uuid()
        secret = json.dumps(
            {
                "llave_pkcs8": credential.private_key_pkcs8_der().hex(),
                "contrasena": assignment.contrasena,
            }
        ).encode("utf-8")
        sealed = sealing.seal(data_key, secret, registro_id.encode("ascii"))
        try:
            self._secrets.set(KEYRING_SCOPE, ref, data_key)
        except DomainError as exc:  # no OS keyring: say what was not kept, the certificate
            if exc.code != "sin_llavero":
                raise
            raise DomainError("sin_llavero", MSG_SIN_LLAVERO) from exc
        try:
            with self._store.session() as session:
                registro = self._registro(session, registro_id)
                # One row per registro patronal (unique): a removed certificate's row (kept as a
                # tombstone for sync) or one synced without its key is reused.
                cert = session.scalar(
                    select(CertificadoImss).where(
                        CertificadoImss.registro_patronal_id == registro.id
                    )
                )
                if cert is None:
                    cert = CertificadoImss(registro_patronal_id=registro.id)
                    session.add(cert)
                cert.tipo = info.tipo  # FIEL or IMSS, by the certificate (CSD was refused)
                cert.usuario = assignment.usuario.strip()
                cert.rfc = info.rfc
                cert.nombre = info.nombre[:254]
                cert.no_certificado = info.no_certificado
                cert.emisor = info.emisor[:254]
                cert.valido_desde = _naive_utc(info.valido_desde)
                cert.valido_hasta = _naive_utc(info.valido_hasta)
                cert.certificado_der = info.certificado_der
                cert.secreto_sellado = sealed
                cert.keyring_ref = ref
                cert.deleted = False
                self._audit.record(
                    session,
                    actor,
                    "certificado_asignado",
                    registro_id,
                    f"{info.no_certificado} {info.rfc}"
                    + ("" if self.emisor_verificado(info) else f" ({EMISOR_NO_VERIFICADO})"),
                )
        except BaseException:
            self._secrets.delete(KEYRING_SCOPE, ref)  # no orphan secret
            raise
        self._store.cambios.anunciar({CERTIFICADOS})  # its list and the login's expiry panel
        return next(r for r in self.rows() if r.registro == registro_id)

    def _load(self, assignment: Assignment) -> Credential:
        """The credential of the chosen files. What it is (FIEL, CSD, IMSS) is the
        certificate's, not the file's: an e.firma wrapped in a .pfx is an e.firma."""
        from icsoe_desktop.domain import credentials

        if assignment.es_fiel:
            cer = _read(assignment.certificado, "certificado (.cer)", "certificado")
            key = _read(assignment.llave, "llave privada (.key)", "llave")
            credential = credentials.load_sat_pair(cer, key, assignment.contrasena)
        else:
            pfx = _read(assignment.certificado, "certificado digital (.pfx)", "certificado")
            # Both rules need a usuario and a contraseña; which rule, the certificate says.
            if not assignment.usuario.strip():
                raise ValidationError("usuario_requerido", "Captura el usuario.", "usuario")
            if not assignment.contrasena:
                raise ValidationError(
                    "contrasena_requerida", "Captura la contraseña.", "contrasena"
                )
            credential = credentials.load_pfx(pfx, assignment.contrasena)
        tipo = credential.info.tipo
        if tipo == "CSD":
            raise ValidationError(
                "certificado_csd",
                "El certificado es un Certificado de Sello Digital (CSD), no una e.firma (FIEL).",
                "certificado",
            )
        credentials.check_usuario_contrasena(
            tipo,
            assignment.usuario,
            assignment.contrasena,
            credential.info.rfc if tipo == "FIEL" else None,
        )
        return credential

    def comprobar_pfx(
        self, cer: Path | None, key: Path | None, contrasena_llave: str, contrasena_pfx: str
    ) -> CertificateInfo:
        """Generar .pfx before asking where to save it: the pair opens with the key's password
        and the new password follows the rule. Nothing is written. Slow (the key is
        decrypted): off the GUI thread."""
        from icsoe_desktop.domain import credentials

        credential = self._pareja_pfx(cer, key, contrasena_llave)
        credentials.check_pfx_password(contrasena_pfx)
        return credential.info

    def _pareja_pfx(self, cer: Path | None, key: Path | None, contrasena_llave: str) -> Credential:
        from icsoe_desktop.domain import credentials

        cer_bytes = _read(cer, "certificado (.cer)", "certificado")
        key_bytes = _read(key, "llave privada (.key)", "llave")
        if not contrasena_llave:
            raise ValidationError(
                "contrasena_requerida", "Captura la contraseña de la llave privada.", "contrasena"
            )
        return credentials.load_sat_pair(cer_bytes, key_bytes, contrasena_llave)

    def generar_pfx(
        self,
        cer: Path | None,
        key: Path | None,
        contrasena_llave: str,
        contrasena_pfx: str,
        destino: Path,
        actor: str | None,
    ) -> CertificateInfo:
        """Generar .pfx: the e.firma (.cer + .key) as a PKCS#12 file, for portals that ask for
        one. The pair is checked like an assignment; the new password follows the guide's rule."""
        from icsoe_desktop.domain import credentials

        credential = self._pareja_pfx(cer, key, contrasena_llave)
        data = credentials.export_pfx(credential, contrasena_pfx)
        try:
            write_bytes_atomic(destino, data)
        except OSError as exc:
            log.warning("No se pudo escribir %s: %r", destino, exc)
            raise ValidationError(
                "archivo_no_escrito", f"No se pudo guardar el archivo {destino}.", "destino"
            ) from exc
        with self._store.session() as session:
            self._audit.record(
                session, actor, "pfx_generado", credential.info.rfc, credential.info.no_certificado
            )
        return credential.info

    def remove(self, registro: str, actor: str | None) -> None:
        self._permisos.exigir(actor, Accion.CERTIFICADOS, registro)
        registro_id = normalize_registro(registro)
        with self._store.session() as session:
            row = self._registro(session, registro_id)
            cert = certificate_of(session, row.id)
            if cert is None:
                raise ValidationError(
                    "sin_certificado",
                    f"El registro patronal {registro_id} no tiene un certificado asignado.",
                    "registro",
                )
            ref = cert.keyring_ref
            # A tombstone, not a DELETE: other desktops learn of the removal through sync.
            cert.deleted = True
            cert.secreto_sellado = b""
            cert.keyring_ref = ""
            self._audit.record(
                session, actor, "certificado_eliminado", registro_id, cert.no_certificado
            )
        if ref:
            self._secrets.delete(KEYRING_SCOPE, ref)
        self._store.cambios.anunciar({CERTIFICADOS})

    def credential(self, registro: str) -> tuple[Credential, str, str]:
        """The stored credential, ready to sign: (credential, usuario, contraseña)."""
        from icsoe_desktop.domain.credentials import Credential, load_certificate

        registro_id = normalize_registro(registro)
        with self._store.session() as session:
            cert = certificate_of(session, self._registro(session, registro_id).id)
            if cert is None:
                raise ValidationError(
                    "sin_certificado",
                    f"El registro patronal {registro_id} no tiene un certificado asignado.",
                )
            ref, sealed, der, usuario = (
                cert.keyring_ref,
                cert.secreto_sellado,
                cert.certificado_der,
                cert.usuario,
            )
        if not ref:
            raise DomainError(
                "llave_en_otro_equipo",
                f"El certificado del registro patronal {registro_id} se asignó en otro equipo y su "
                "llave privada no se comparte: vuelve a elegir el certificado y la llave privada "
                "(.cer y .key, o .pfx) en Certificados IMSS de este equipo.",
            )
        data_key = self._secrets.get(KEYRING_SCOPE, ref)
        if data_key is None:
            raise DomainError(
                "secreto_inexistente",
                "La llave privada de este certificado ya no está en el almacén de credenciales "
                "del sistema. Elimina el certificado y vuelve a asignarlo.",
            )
        secret = json.loads(sealing.unseal(data_key, sealed, registro_id.encode("ascii")))
        from cryptography.hazmat.primitives.serialization import load_der_private_key

        key = load_der_private_key(bytes.fromhex(secret["llave_pkcs8"]), password=None)
        return Credential(load_certificate(der), key), usuario, secret["contrasena"]

    # --- internals -----------------------------------------------------------------------------

    @staticmethod
    def _registro(session: Session, registro_id: str) -> RegistroPatronal:
        registro = active_registro(session, registro_id)
        if registro is None:
            raise ValidationError(
                "registro_inexistente",
                f"El registro patronal {registro_id} no está dado de alta en la empresa.",
                "registro",
            )
        return registro


def _estado(desde: datetime, hasta: datetime, now: datetime) -> str:
    """Same rule as CertificateInfo.estado, for stored (naive UTC) dates."""
    from icsoe_desktop.domain.credentials import validity_state

    return validity_state(desde.replace(tzinfo=UTC), hasta.replace(tzinfo=UTC), now)

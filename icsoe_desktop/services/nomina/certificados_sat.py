"""The SAT's certificates that seal timbres (the ``NoCertificadoSAT`` of each Timbre Fiscal
Digital), which IT loads once per installation: kept as ``<número>.cer`` in the data folder's
``certificados_sat`` (beside those shipped in ``resources/certificados_sat``), where every
import and every pack's check read them (``importar.certificados_sat``). Only a certificate of
the SAT's RFC issued by a trusted authority is taken, whether from a file or from the
company's sync server (``recibidos``): a forged one would vouch for forged timbres."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from pathlib import Path

from icsoe_desktop.domain.credentials import CertificateInfo, load_certificate
from icsoe_desktop.domain.errors import DomainError, ValidationError
from icsoe_desktop.domain.motivo_os import motivo_os
from icsoe_desktop.domain.trust import USO_EFIRMA, TrustStore
from icsoe_desktop.files import read_credential_file, write_bytes_atomic
from icsoe_desktop.services.nomina.importar import CERTIFICADOS_SAT_DIR, certificados_sat

log = logging.getLogger(__name__)

RFC_SAT = "SAT970701NN3"


def carpetas(recursos: Path, data_dir: Path) -> list[Path]:
    """Where they are read: the ones shipped, then those IT added."""
    return [recursos / CERTIFICADOS_SAT_DIR, data_dir / CERTIFICADOS_SAT_DIR]


def agregar(data_dir: Path, ruta: Path, confianza: TrustStore) -> CertificateInfo:
    """``ruta``'s certificate kept for this installation when it is the SAT's, issued by a
    trusted authority; its data."""
    info = load_certificate(read_credential_file(ruta, "certificado (.cer)", "certificado"))
    _guardar(data_dir, info, ruta.name, confianza)
    return info


def recibidos(data_dir: Path, ders: Iterable[bytes], confianza: TrustStore) -> list[str]:
    """The certificates the company's sync server serves, each kept as ``agregar`` keeps one
    (the SAT's, issued by a trusted authority: a server is not trusted more than a file);
    the numbers of those this installation did not have. One refused is logged and left."""
    tenidos = set(certificados_sat([data_dir / CERTIFICADOS_SAT_DIR]))
    nuevos: list[str] = []
    for der in ders:
        try:
            info = load_certificate(der)
            if info.no_certificado in tenidos:
                continue
            _guardar(data_dir, info, f"{info.no_certificado}.cer", confianza)
        except DomainError as exc:
            log.warning("Certificado del SAT del servidor no guardado: %s", exc.message)
            continue
        tenidos.add(info.no_certificado)
        nuevos.append(info.no_certificado)
    return nuevos


def _guardar(data_dir: Path, info: CertificateInfo, nombre: str, confianza: TrustStore) -> None:
    if info.rfc != RFC_SAT or not confianza.para(USO_EFIRMA).verifies(info.certificado_der):
        raise ValidationError(
            "certificado_sat_ajeno",
            f"«{nombre}» no es un certificado del SAT para sellar timbres: es del RFC "
            f"{info.rfc or '(sin RFC)'} o no lo emitió una autoridad confiable. Descárgalo del "
            "sitio del SAT (certificados de los proveedores de certificación y del SAT).",
            "certificado",
        )
    carpeta = data_dir / CERTIFICADOS_SAT_DIR
    try:
        carpeta.mkdir(parents=True, exist_ok=True)
        write_bytes_atomic(carpeta / f"{info.no_certificado}.cer", info.certificado_der)
    except OSError as exc:
        raise ValidationError(
            "certificado_sat_no_guardado",
            f"No se pudo guardar el certificado del SAT en «{carpeta}»: {motivo_os(exc)}.",
        ) from exc


def listar(recursos: Path, data_dir: Path) -> list[str]:
    """The numbers of the SAT's timbre certificates at hand."""
    return sorted(certificados_sat(carpetas(recursos, data_dir)))


__all__ = ["RFC_SAT", "agregar", "carpetas", "listar", "recibidos"]

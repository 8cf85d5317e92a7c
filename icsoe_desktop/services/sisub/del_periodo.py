"""The SISUB's documents of the period for the client's archive (services/
documentos_del_periodo.py): the contratantes of the period's filed SISUB, its INFONAVIT acuse
proven as registered, and a client's rows and PDFs of it (``SisubArchivosService.del_cliente``).
The container hands it to the informativa's archive, which reads no SISUB row itself."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from datetime import UTC

from sqlalchemy.orm import Session

from icsoe_desktop.domain.errors import ValidationError
from icsoe_desktop.domain.informativa.modelo import Parte, Periodo
from icsoe_desktop.domain.sisub import presentados
from icsoe_desktop.domain.sisub.acuse import REGLA, guardado_ajeno
from icsoe_desktop.services.documentos_del_periodo import DelCliente
from icsoe_desktop.services.informativa.acuse_pdf import leer_acuse
from icsoe_desktop.services.sisub.exportar import SisubArchivosService, presentado_del_periodo
from icsoe_desktop.store.models import Contratista, SisubReporte

log = logging.getLogger(__name__)

MSG_ACUSE_SISUB_ALTERADO = (
    "El acuse del SISUB de {periodo} guardado (folio {folio}) no coincide con su huella "
    "SHA-256: se alteró fuera de la aplicación y no se usa. Restaura un respaldo en el que esté "
    "íntegro."
)
MSG_ACUSE_SISUB_AJENO = (
    "El acuse del SISUB de {periodo} guardado (folio {folio}) no es el que se registró: "
    "{problema}. Se cambió fuera de la aplicación y no se usa. Restaura un respaldo en el que "
    "esté íntegro."
)


class DocumentosSisub:
    """``archivos``: the SISUB's files service of the open empresa, asked when a client's part
    is wanted (built on first use)."""

    def __init__(self, archivos: Callable[[], SisubArchivosService]) -> None:
        self._archivos = archivos

    def contratantes(self, session: Session, contratista_id: int, periodo: str) -> list[Parte]:
        row = presentado_del_periodo(session, contratista_id, periodo)
        leidos = presentados.de_texto(row.contratos_presentados) if row is not None else None
        return [c.contratante for c in leidos.contratos] if leidos is not None else []

    def acuse(self, session: Session, contratista_id: int, periodo: str) -> bytes:
        """The INFONAVIT's acuse of the period's SISUB last filed (a complementario after the
        first), empty when none is filed; refused when its bytes are not the ones registered
        or, for a registro of today's reading, when its text read again is not this report's
        acuse (the SHA-256 kept beside it proves nothing to whoever can write both)."""
        row = presentado_del_periodo(session, contratista_id, periodo)
        if row is None:
            return b""
        datos = bytes(row.acuse_pdf or b"")
        if hashlib.sha256(datos).hexdigest() != row.acuse_sha256:
            raise ValidationError(
                "acuse_sisub_alterado",
                MSG_ACUSE_SISUB_ALTERADO.format(folio=row.folio, periodo=_texto(row.periodo)),
            )
        if (row.acuse_regla or 0) >= REGLA and (problema := _ajeno(session, row, datos)):
            log.warning("Acuse del SISUB ajeno: reporte %s: %s", row.uuid, problema)
            raise ValidationError(
                "acuse_sisub_ajeno",
                MSG_ACUSE_SISUB_AJENO.format(
                    folio=row.folio, periodo=_texto(row.periodo), problema=problema
                ),
            )
        return datos

    def del_cliente(
        self, rfc: str, actor: str | None, periodo: str, contratante: str
    ) -> DelCliente:
        return self._archivos().del_cliente(rfc, actor, periodo, contratante)


def _ajeno(session: Session, row: SisubReporte, datos: bytes) -> str:
    contratista = session.get(Contratista, row.contratista_id)
    filed = presentados.de_texto(row.contratos_presentados)
    try:
        leido = leer_acuse(datos, "acuse")
        periodo = Periodo.de_clave(row.periodo)
    except ValidationError:
        return "no es un PDF legible"
    except ValueError:
        return f"el periodo {row.periodo} no es válido"
    return guardado_ajeno(
        leido.texto,
        leido.es_constancia,
        contratista.rfc if contratista is not None else "",
        periodo,
        row.folio,
        row.presentado_at.replace(tzinfo=UTC) if row.presentado_at else None,
        frozenset(c.contratante.rfc for c in filed.contratos) if filed else frozenset(),
        bool(row.acuse_declarado),
    )


def _texto(clave: str) -> str:
    try:
        return Periodo.de_clave(clave).texto
    except ValueError:
        return clave


__all__ = ["MSG_ACUSE_SISUB_AJENO", "MSG_ACUSE_SISUB_ALTERADO", "DocumentosSisub"]

"""Receipts kept with the SAT's seal of their timbre unverified (its certificate was not at
hand when they were imported) checked again once new SAT certificates arrive (``nomina
certificados-sat agregar`` or the company's sync server): each whose XML the evidence archive
keeps is verified again with the certificates now at hand, and says «verificado» when its
timbre's seal verifies. One whose seal does not verify stays «sin verificar» and is logged."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator

from sqlalchemy import select

from icsoe_desktop.domain.cambios import NOMINA
from icsoe_desktop.domain.nomina import SAT_VERIFICADO, ReciboRechazado, Verificador
from icsoe_desktop.services.nomina.importar import LOTE, XmlGuardados, sello_sat_verificado
from icsoe_desktop.store.db import Store
from icsoe_desktop.store.models import ReciboNomina

log = logging.getLogger(__name__)

# The XML of each SHA-256, in order (None: not kept).
LeerXml = Callable[[Iterable[str]], Iterator[bytes | None]]


def reverificar(
    store: Store, verificador: Verificador, xml_guardados: XmlGuardados, leer: LeerXml
) -> int:
    """How many receipts now say «sello del SAT verificado»."""
    with store.session() as session:
        pendientes = list(
            session.scalars(
                select(ReciboNomina.uuid).where(
                    ReciboNomina.sello_sat == 0, ReciboNomina.deleted.is_(False)
                )
            )
        )
    hechos = 0
    for inicio in range(0, len(pendientes), LOTE):
        huellas = xml_guardados(pendientes[inicio : inicio + LOTE])
        uuids = sorted(huellas)
        verificados = []
        for uuid, datos in zip(uuids, leer(huellas[u] for u in uuids), strict=True):
            if datos is None:
                continue
            try:
                hecho = verificador.verificar(datos)
            except ReciboRechazado as exc:
                log.warning("Recibo %s no verificado de nuevo: %s", uuid.upper(), exc.message)
                continue
            if hecho.sello_sat == SAT_VERIFICADO:
                verificados.append(uuid)
        if verificados:
            with store.session() as session:
                sello_sat_verificado(session, verificados)
            hechos += len(verificados)
    if hechos:
        store.cambios.anunciar({NOMINA})
    return hechos


__all__ = ["reverificar"]

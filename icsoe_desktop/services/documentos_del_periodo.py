"""The door between the client's archive (ICSOE › Exportar para el cliente…, services/
informativa/presentacion.py) and another obligation filed for the same contratista and period
(the SISUB, services/sisub/del_periodo.py): the archive asks a provider the container hands it
for «the documents of the period», so the informativa never reads another obligation's rows.
A provider answers inside the archive's own session (one store) and says nothing before its
obligation is filed."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from sqlalchemy.orm import Session

from icsoe_desktop.domain.informativa.modelo import Parte


@dataclass(frozen=True)
class DelCliente:
    """A client's part of the period's filing: its contracts (how many) and the files, by the
    names the filing's guide gives them."""

    contratos: int = 0
    archivos: dict[str, bytes] = field(default_factory=dict)


class DocumentosDelPeriodo(Protocol):
    def contratantes(self, session: Session, contratista_id: int, periodo: str) -> list[Parte]:
        """The clients of the contracts filed for the period, as filed (none before)."""

    def acuse(self, session: Session, contratista_id: int, periodo: str) -> bytes:
        """The filing's acuse, proven as registered (a ``ValidationError`` when it was changed
        outside the app); empty before the period is filed."""

    def del_cliente(
        self, rfc: str, actor: str | None, periodo: str, contratante: str
    ) -> DelCliente:
        """The client ``contratante``'s part of the filing, once ``actor`` may export for it."""


__all__ = ["DelCliente", "DocumentosDelPeriodo"]

"""What kinds of data each writer of the store wrote (migration 0057_clases_cambiadas)."""

from __future__ import annotations

from sqlalchemy import BigInteger, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from icsoe_desktop.store.models.base import Base


class ClaseCambiada(Base):
    """A kind of data (domain/cambios.py) and a writer (``proceso``: a random number of each
    opened store): ``n`` transactions of that writer wrote that kind, the last at ``momento``
    (seconds). Written by the sessions that wrote it (store/cambiados.py); read by the other
    writers to wake their windows (store/vigencia.py). Derived data: not synced."""

    __tablename__ = "clases_cambiadas"
    __table_args__ = ({"sqlite_with_rowid": False},)

    clase: Mapped[str] = mapped_column(String(32), primary_key=True)
    proceso: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    n: Mapped[int] = mapped_column(Integer)
    momento: Mapped[int] = mapped_column(Integer)


__all__ = ["ClaseCambiada"]

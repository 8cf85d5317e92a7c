"""The part of ICSOE › Vencimientos that shows the SISUB of the INFONAVIT: each contratista's
period whose SISUB is not filed, with the INFONAVIT's deadline, past due in red as a past-due
informativa is; a deadline counted without the INFONAVIT's list of its year says so."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from PySide6.QtWidgets import QWidget

from icsoe_desktop.domain.texts import enumerar, plural
from icsoe_desktop.gui.informativa.seccion_tablero import Parte, Seccion
from icsoe_desktop.services.informativa.captura import texto_dias
from icsoe_desktop.services.sisub.vencimientos import VencimientoSisub

CABECERAS = (
    "Empresa",
    "Contratista RFC",
    "Contratista",
    "Periodo",
    "Estado",
    "Fecha límite",
    "Días restantes",
)


def _celdas(f: VencimientoSisub) -> tuple[str, ...]:
    return (
        f.empresa.marcada(f.empresa.nombre),
        f.contratista_rfc,
        f.contratista_nombre,
        f.periodo.texto,
        f.estado_texto,
        f.fecha_limite.strftime("%d/%m/%Y"),
        texto_dias(f.dias_restantes),
    )


MSG_SIN_LISTA = (
    "No está cargada la lista de días inhábiles del INFONAVIT de {anios}: la fecha límite "
    "se calcula con los días de descanso de la Ley Federal del Trabajo."
)


def sin_lista(filas: Sequence[VencimientoSisub]) -> str:
    """What to say of the deadlines counted without the INFONAVIT's list ("" when none)."""
    anios = sorted({f.fecha_limite.year for f in filas if not f.con_lista})
    if not anios:
        return ""
    return MSG_SIN_LISTA.format(anios=enumerar([str(a) for a in anios]))


def _titulo(filas: Sequence[VencimientoSisub]) -> str:
    vencidos = sum(1 for f in filas if f.vencido)
    texto = f"<b>SISUB del INFONAVIT por presentar</b> ({len(filas):,})"
    texto += f"; {plural(vencidos, 'vencido')}." if vencidos else ""
    nota = sin_lista(filas)
    return texto + (f"<br>{escape(nota)}" if nota else "")


PARTE: Parte[VencimientoSisub] = Parte(
    "sisubPendientes",
    "sisubLabel",
    "sisubTable",
    "SISUB del INFONAVIT",
    "El SISUB de cada contratista por presentar y su fecha límite, uno por fila",
    CABECERAS,
    _celdas,
    lambda f: f.vencido,
    _titulo,
)


class SisubPendientes(Seccion[VencimientoSisub]):
    """Hidden while every SISUB is filed."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(PARTE, parent)

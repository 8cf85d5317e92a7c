"""The part of ICSOE › Vencimientos that shows the clients' monthly evidence not complete (the
last two months), with the day each is due; past due in red, as a past-due informativa is."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtWidgets import QWidget

from icsoe_desktop.gui.informativa.seccion_tablero import Parte, Seccion
from icsoe_desktop.gui.informativa.vencimientos_repse import texto_dias
from icsoe_desktop.services.evidencias.vencimientos import EvidenciaPendiente

CABECERAS = ("Empresa", "Cliente RFC", "Cliente", "Mes", "Evidencia", "Entrega", "Días restantes")


def _celdas(e: EvidenciaPendiente) -> tuple[str, ...]:
    return (
        e.empresa.marcada(e.empresa.nombre),
        e.contratante,
        e.nombre,
        e.mes.clave,
        e.faltan,
        e.entrega.strftime("%d/%m/%Y"),
        texto_dias(e.dias_restantes, "Vencida"),
    )


def _titulo(pendientes: Sequence[EvidenciaPendiente]) -> str:
    return (
        f"<b>Evidencias del cliente por entregar</b> ({len(pendientes):,}): "
        "ICSOE › Evidencias del cliente dice qué falta."
    )


PARTE: Parte[EvidenciaPendiente] = Parte(
    "evidenciasPendientes",
    "evidenciasLabel",
    "evidenciasTable",
    "Evidencias del cliente por entregar",
    "La evidencia mensual de cada cliente que aún falta, con su entrega",
    CABECERAS,
    _celdas,
    lambda e: e.vencida,
    _titulo,
)


class EvidenciasPendientes(Seccion[EvidenciaPendiente]):
    """Hidden while every client's evidence is complete."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(PARTE, parent)

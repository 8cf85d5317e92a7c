"""The part of ICSOE › Vencimientos that shows the REPSE registrations: each one whose renewal
may be asked (the STPS's window), and in red, as a past-due informativa is, each one whose window
closed unasked («Plazo de renovación vencido»: it is cancelled at its end) and each one lapsed."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtWidgets import QWidget

from icsoe_desktop.domain.informativa import repse
from icsoe_desktop.domain.texts import plural
from icsoe_desktop.gui.informativa.seccion_tablero import Parte, Seccion
from icsoe_desktop.services.informativa.vencimientos_repse import VencimientoRepse

CABECERAS = (
    "Empresa",
    "Contratista RFC",
    "Contratista",
    "Registro REPSE",
    "Estado",
    "Renovación desde",
    "Renovación hasta",
    "Vence",
    "Días restantes",
)


def texto_dias(dias: int, pasado: str = "Vencido") -> str:
    """«Faltan 49 días», «Vence hoy», «Vencido hace 3 días» (``pasado``: «Vencida»…)."""
    if dias < 0:
        return f"{pasado} hace {plural(-dias, 'día')}"
    if dias == 0:
        return "Vence hoy"
    return f"{'Falta' if dias == 1 else 'Faltan'} {plural(dias, 'día')}"


def _celdas(r: VencimientoRepse) -> tuple[str, ...]:
    return (
        r.empresa.marcada(r.empresa.nombre),
        r.contratista_rfc,
        r.contratista_nombre,
        r.aviso,
        r.estado_texto,
        r.renovacion_desde.strftime("%d/%m/%Y"),
        r.renovacion_hasta.strftime("%d/%m/%Y"),
        r.vence.strftime("%d/%m/%Y"),
        texto_dias(r.dias_restantes),
    )


def _titulo(registros: Sequence[VencimientoRepse]) -> str:
    vencidos = sum(1 for r in registros if r.estado == repse.VENCIDO)
    sin_plazo = sum(1 for r in registros if r.estado == repse.PLAZO_VENCIDO)
    texto = f"<b>Registros REPSE por renovar o vencidos</b> ({len(registros):,})"
    partes = []
    if sin_plazo:
        partes.append(
            plural(sin_plazo, "plazo de renovación vencido", "plazos de renovación vencidos")
        )
    if vencidos:
        partes.append(plural(vencidos, "vencido"))
    if partes:
        texto += (
            f"; {' y '.join(partes)}: el registro se cancela y con él la deducción del "
            "cliente y las informativas que siguen."
        )
    return texto


PARTE: Parte[VencimientoRepse] = Parte(
    "registrosRepse",
    "repseLabel",
    "repseTable",
    "Registros REPSE",
    "Los registros REPSE por renovar o vencidos, con su vencimiento, uno por fila",
    CABECERAS,
    _celdas,
    lambda r: r.vencido,
    _titulo,
)


class RegistrosRepse(Seccion[VencimientoRepse]):
    """Hidden while no registration is to renew nor lapsed."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(PARTE, parent)

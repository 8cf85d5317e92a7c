"""The contracts of a SISUB as it was filed, kept with the report: once «Presentado» it shows and
exports them as the INFONAVIT received them, whatever a later Corrección of the informativa or
another period's work site changes in the contract; and what the ICSOE informativa of the
period said then, which its Revisar compares it with. JSON text, each contract without its
workers (those are the report's own rows)."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

from icsoe_desktop.domain.informativa.modelo import Domicilio, Parte
from icsoe_desktop.domain.sisub.modelo import ContratoSisub
from icsoe_desktop.domain.sisub.revision import Icsoe


@dataclass(frozen=True)
class Presentados:
    contratos: tuple[ContratoSisub, ...]
    icsoe: Icsoe


def a_texto(contratos: tuple[ContratoSisub, ...], icsoe: Icsoe) -> str:
    filas = []
    for c in contratos:
        fila = asdict(c)
        del fila["trabajadores"]
        for campo in ("fecha_inicial", "fecha_final"):
            fila[campo] = fila[campo].isoformat() if fila[campo] else None
        filas.append(fila)
    del_icsoe = {
        "tipo": icsoe.tipo,
        "contratos": {k: sorted(v) for k, v in icsoe.contratos.items()},
    }
    return json.dumps(
        {"contratos": filas, "icsoe": del_icsoe}, ensure_ascii=False, separators=(",", ":")
    )


def _fecha(valor: Any) -> date | None:
    return date.fromisoformat(valor) if isinstance(valor, str) and valor else None


def _domicilio(valor: Any) -> Domicilio:
    datos = valor if isinstance(valor, dict) else {}
    return Domicilio(**{k: str(datos.get(k) or "") for k in Domicilio.__dataclass_fields__})


def _contrato(fila: dict[str, Any]) -> ContratoSisub:
    parte = fila.get("contratante") or {}
    return ContratoSisub(
        uuid=str(fila["uuid"]),
        numero=str(fila.get("numero") or ""),
        contratante=Parte(
            rfc=str(parte.get("rfc") or ""),
            nombre=str(parte.get("nombre") or ""),
            domicilio=_domicilio(parte.get("domicilio")),
            correo=str(parte.get("correo") or ""),
            telefono_fijo=str(parte.get("telefono_fijo") or ""),
            telefono_movil=str(parte.get("telefono_movil") or ""),
        ),
        objeto=str(fila.get("objeto") or ""),
        servicio=str(fila.get("servicio") or ""),
        fecha_inicial=_fecha(fila.get("fecha_inicial")),
        fecha_final=_fecha(fila.get("fecha_final")),
        sitio=_domicilio(fila.get("sitio")),
        celebrado=bool(fila.get("celebrado")),
        tipo=str(fila.get("tipo") or ""),
        monto=int(fila.get("monto") or 0),
        registro_beneficiario=str(fila.get("registro_beneficiario") or ""),
    )


def _icsoe(valor: dict[str, Any]) -> Icsoe:
    tipo = valor.get("tipo")
    contratos = valor.get("contratos") or {}
    return Icsoe(
        str(tipo) if tipo is not None else None,
        {str(k): frozenset(map(str, v)) for k, v in contratos.items()},
    )


def de_texto(texto: str) -> Presentados | None:
    """The contracts and the ICSOE as filed; None when none were kept (a report not filed, or
    filed by a version that kept none) or the text is not what ``a_texto`` writes."""
    if not texto:
        return None
    try:
        datos = json.loads(texto)
        return Presentados(tuple(_contrato(f) for f in datos["contratos"]), _icsoe(datos["icsoe"]))
    except (ValueError, KeyError, TypeError, AttributeError):
        return None


__all__ = ["Presentados", "a_texto", "de_texto"]

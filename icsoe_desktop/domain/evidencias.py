"""The client's monthly evidence (LISR 27-V, LIVA 5-II): what a contratista hands each client
every month so that it may deduct the service and credit its IVA — the CFDI de nómina of the
workers who served it, the ISR-retention and IVA declarations with their acuses, the IMSS and
INFONAVIT payment, the opinions of compliance and the REPSE registration (reference:
icsoe-informativa.md, «Related, not the same»)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from icsoe_desktop.domain.errors import ValidationError

# The documents of a month, in the order the pack and the board list them: key → what it is.
DOCUMENTOS: dict[str, str] = {
    "isr": "Declaración de retenciones de ISR",
    "acuse_isr": "Acuse de la declaración de ISR",
    # LISR 27-V: «recibo de pago expedido por institución bancaria» of the retentions.
    "pago_isr": "Pago bancario de las retenciones de ISR",
    "iva": "Declaración de IVA",
    "acuse_iva": "Acuse de la declaración de IVA",
    # Several files: the SUA cédula, SIPARE's line and its bank receipt, the bimonthly
    # INFONAVIT payment.
    "sua": "Pago de cuotas IMSS e INFONAVIT (SUA/SIPARE)",
    "opinion_sat": "Opinión de cumplimiento del SAT",
    "opinion_imss": "Opinión de cumplimiento del IMSS",
    "opinion_infonavit": "Opinión de cumplimiento del INFONAVIT",
}
RECIBOS = "Recibos de nómina (CFDI)"
REGISTRO_REPSE = "Registro REPSE"
DIA_ENTREGA = 17  # of the next month, unless the client asks another day
_MES = re.compile(r"(\d{4})-(\d{2})")


@dataclass(frozen=True, order=True)
class Mes:
    anio: int
    mes: int

    @classmethod
    def de_texto(cls, texto: str) -> Mes:
        """«2026-10»; a Spanish ValidationError for anything else."""
        m = _MES.fullmatch(texto.strip())
        if m is None or not 1 <= int(m.group(2)) <= 12 or not 2000 <= int(m.group(1)) <= 2099:
            raise ValidationError(
                "mes_invalido", f"El mes «{texto}» no es válido: escríbelo AAAA-MM.", "mes"
            )
        return cls(int(m.group(1)), int(m.group(2)))

    @property
    def clave(self) -> str:
        return f"{self.anio:04d}-{self.mes:02d}"

    @property
    def inicio(self) -> date:
        return date(self.anio, self.mes, 1)

    @property
    def siguiente(self) -> Mes:
        return Mes(self.anio + self.mes // 12, self.mes % 12 + 1)

    @property
    def fin(self) -> date:
        return self.siguiente.inicio.replace(day=1) - date.resolution

    def entrega(self, dia: int = DIA_ENTREGA) -> date:
        """The day the evidence is due: ``dia`` of the next month (its last day at most)."""
        siguiente = self.siguiente
        return date(siguiente.anio, siguiente.mes, min(dia, siguiente.fin.day))


def check_tipo(tipo: str) -> str:
    clave = tipo.strip().lower()
    if clave not in DOCUMENTOS:
        raise ValidationError(
            "documento_desconocido",
            f"«{tipo}» no es un documento de la evidencia mensual: usa {', '.join(DOCUMENTOS)}.",
            "tipo",
        )
    return clave


def nombre_paquete(contratista: str, contratante: str, mes: Mes) -> str:
    """The pack's file name as supplier portals take it: letters, digits and «_» only."""
    return f"evidencia_{contratista}_{contratante}_{mes.anio:04d}{mes.mes:02d}.zip"


__all__ = [
    "DIA_ENTREGA",
    "DOCUMENTOS",
    "RECIBOS",
    "REGISTRO_REPSE",
    "Mes",
    "check_tipo",
    "nombre_paquete",
]

"""An empresa of the installation as every layer names it: its catalogue row's values (the
catalogue itself is services/empresas/servicio.py). A plain value, so the boards that list
rows per empresa (the deadlines, the evidence) name it without reaching the catalogue."""

from __future__ import annotations

from dataclasses import dataclass

from icsoe_desktop.domain.practica import MARCA, es_de_practica

SIN_CONFIGURAR = "Empresa sin configurar"


@dataclass(frozen=True)
class EmpresaInfo:
    id: int
    rfc: str
    razon_social: str
    archivo: str  # relative to the data dir
    solo_consulta: bool = False  # may be opened in modo sólo consulta (an administrator's call)
    # Sólo consulta lists its payroll receipts (an administrator's call, per empresa).
    solo_consulta_recibos: bool = True

    @property
    def nombre(self) -> str:
        return self.razon_social or SIN_CONFIGURAR

    def nombre_de_archivo(self, nombre: str) -> str:
        """A file name the app suggests (export, backup), led by the empresa's RFC so files of
        several clients in one folder are told apart."""
        return f"{self.rfc}_{nombre}" if self.rfc else nombre

    @property
    def etiqueta(self) -> str:
        """How a window names it: «Razón social (RFC)»."""
        return f"{self.nombre} ({self.rfc})" if self.rfc else self.nombre

    @property
    def de_practica(self) -> bool:
        """The practice empresa (domain/practica.py): training, whatever is done in it."""
        return es_de_practica(self.rfc)

    def marcada(self, texto: str) -> str:
        """``texto`` (its name or label) as a list shows it: the practice empresa marked first
        (a narrow column still shows it), so nobody takes it for a client's."""
        return f"{MARCA}: {texto}" if self.de_practica else texto

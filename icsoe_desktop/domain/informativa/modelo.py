"""The ICSOE informativa cuatrimestral as plain values (LSS art. 15-A;
the IMSS's Lineamientos, DOF 13/04/2022).

A REPSE contratista tells the IMSS, every four months, the contracts it started in that
cuatrimestre and the workers on each. These frozen values are what the services read from the
store and hand to the rules (``revision``), the cadena original (``cadena``) and the exports;
nothing here touches a file or a database.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

# Tipos de informativa. A complementaria refers to the signed informativa it corrects.
NORMAL = "normal"
SIN_INFORMACION = "sin_informacion"
CORRECCION = "correccion"
SIN_EFECTOS = "sin_efectos"
ACTUALIZACION = "actualizacion"
TIPOS: dict[str, str] = {
    NORMAL: "Normal",
    SIN_INFORMACION: "Sin información",
    CORRECCION: "Complementaria de Corrección",
    SIN_EFECTOS: "Complementaria de Sin efectos",
    ACTUALIZACION: "Complementaria de Actualización",
}
COMPLEMENTARIAS = frozenset({CORRECCION, SIN_EFECTOS, ACTUALIZACION})

# Estados: captured by the capturista, checked by Revisar, signed (approved) by the contratista
# in the app, filed on the IMSS portal (its acuse de presentación registered).
EN_CAPTURA = "en_captura"
LISTA_PARA_FIRMA = "lista_para_firma"
FIRMADA = "firmada"
PRESENTADA = "presentada"
ESTADOS: dict[str, str] = {
    EN_CAPTURA: "En captura",
    LISTA_PARA_FIRMA: "Lista para firma",
    FIRMADA: "Firmada, sin presentar",
    PRESENTADA: "Presentada",
}
# Signed, filed or not: read-only, read from its frozen copy.
FIRMADAS = frozenset({FIRMADA, PRESENTADA})

MESES = (
    "enero", "febrero", "marzo", "abril", "mayo", "junio",
    "julio", "agosto", "septiembre", "octubre", "noviembre", "diciembre",
)  # fmt: skip


@dataclass(frozen=True, order=True)
class Periodo:
    """A cuatrimestre: ``numero`` 1 = enero–abril, 2 = mayo–agosto, 3 = septiembre–diciembre."""

    anio: int
    numero: int

    def __post_init__(self) -> None:
        if self.numero not in (1, 2, 3):
            raise ValueError(f"cuatrimestre {self.numero}")

    @classmethod
    def de_fecha(cls, dia: date) -> Periodo:
        return cls(dia.year, (dia.month - 1) // 4 + 1)

    @classmethod
    def de_clave(cls, clave: str) -> Periodo:
        """``"2026-1"`` (the stored form) back to a period; ValueError when it is not one."""
        anio, _, numero = clave.partition("-")
        return cls(int(anio), int(numero))

    @property
    def clave(self) -> str:
        return f"{self.anio}-{self.numero}"

    @property
    def inicio(self) -> date:
        return date(self.anio, 4 * (self.numero - 1) + 1, 1)

    @property
    def fin(self) -> date:
        """The last day of the cuatrimestre."""
        if self.numero == 3:
            return date(self.anio, 12, 31)
        return date(self.anio, 4 * self.numero + 1, 1) - timedelta(days=1)

    @property
    def texto(self) -> str:
        """«enero–abril 2026»."""
        primero = MESES[4 * (self.numero - 1)]
        ultimo = MESES[4 * self.numero - 1]
        return f"{primero}–{ultimo} {self.anio}"

    def siguiente(self) -> Periodo:
        return (
            Periodo(self.anio + 1, 1) if self.numero == 3 else Periodo(self.anio, self.numero + 1)
        )

    def anterior(self) -> Periodo:
        return (
            Periodo(self.anio - 1, 3) if self.numero == 1 else Periodo(self.anio, self.numero - 1)
        )


@dataclass(frozen=True)
class Domicilio:
    calle: str = ""
    numero_exterior: str = ""
    numero_interior: str = ""
    colonia: str = ""
    codigo_postal: str = ""
    municipio: str = ""
    entidad: str = ""


@dataclass(frozen=True)
class Parte:
    """The contratista or a contratante (beneficiario): who they are and how to reach them."""

    rfc: str
    nombre: str  # nombre, denominación o razón social
    domicilio: Domicilio = field(default_factory=Domicilio)
    correo: str = ""
    telefono_fijo: str = ""
    telefono_movil: str = ""


@dataclass(frozen=True, slots=True)  # hundreds of thousands in an informativa
class Trabajador:
    """One worker assigned to a contract. ``sbc`` in centavos (two decimals, exact);
    ``renglon``: the line of the file it came from, when it came from one."""

    nss: str
    curp: str
    sbc: int
    nombre: str = ""
    renglon: int | None = None


@dataclass(frozen=True)
class Contrato:
    uuid: str
    contratante: Parte
    objeto: str
    folio_repse: str
    descripcion_servicio: str  # the service or work authorised in the REPSE under that folio
    fecha_inicial: date | None
    fecha_final: date | None
    trabajadores: tuple[Trabajador, ...] = ()
    # Read from informativas signed when the app still took a typed worker count (their cadena
    # holds it); never typed now: the informativa's worker count is its list's.
    trabajadores_declarados: int | None = None


@dataclass(frozen=True)
class OtraDeclaracion:
    """Another informativa of the same contratista and period (for «varias declaraciones»)."""

    uuid: str
    tipo: str
    estado: str


@dataclass(frozen=True)
class Informativa:
    uuid: str
    contratista: Parte
    periodo: Periodo
    tipo: str
    estado: str
    contratos: tuple[Contrato, ...] = ()
    # A complementaria: the uuid of the signed informativa it corrects.
    complementa: str | None = None
    otras: tuple[OtraDeclaracion, ...] = ()
    # Contracts left out: their contratante is a foreign firm without a permanent establishment
    # in Mexico, which the informativa does not report (the Lineamientos).
    extranjeros: int = 0

    @property
    def numero_trabajadores(self) -> int:
        return sum(len(c.trabajadores) for c in self.contratos)


@dataclass(frozen=True)
class Problema:
    """One inconsistency Revisar found. ``codigo`` is stable (tests, the manual); ``campo``
    names the field to focus (``objeto``, ``descripcion_servicio``, ``fecha_inicial``,
    ``trabajadores``…); ``contrato`` the contract's uuid; ``renglon`` a worker's line."""

    codigo: str
    mensaje: str
    contrato: str | None = None
    campo: str | None = None
    renglon: int | None = None
    aviso: bool = False  # True: worth a look, does not keep the informativa from being signed
    nota: bool = False  # True (with aviso): said for the clerk to know, nothing to correct

    @property
    def etiqueta(self) -> str:
        """How the lists head it: «Corregir», «Aviso» or «Nota»."""
        return "Nota" if self.nota else "Aviso" if self.aviso else "Corregir"

"""What an importer expects of a file (its fields, their names) and how the clerk said a file
reads (``Guia``); the sheet the intake chose (``_Eleccion``)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from icsoe_desktop.services.archivos.alcance import FilasOcultas
from icsoe_desktop.services.archivos.tabular import header_key

FILAS_MUESTRA = 30  # rows read ahead to find the header (and shown as they are)
FILAS_LADO_A_LADO = 20  # rows of two columns of one field shown side by side to choose one
SIN_ENCABEZADO = 0  # ``fila_encabezado`` of a file read by position
CELDAS = "#celdas"  # in each row read: how many cells it has, up to its last written one
# Rows kept as text for the assistant's view: all the sample, so any row may be the header.
_FILAS_CRUDAS = FILAS_MUESTRA

# Header spellings people use for fields several importers read (compared by header_key).
ALIAS: dict[str, tuple[str, ...]] = {
    "nss": (
        "Número de Seguridad Social",
        "Numero Seguridad Social",
        "No. de Seguridad Social",
        "No. Seguridad Social",
        "Núm. Seguridad Social",
        "Seguridad Social",
        "No. IMSS",
        "Número IMSS",
        "Afiliación",
        "Número de afiliación",
        "NSS del trabajador",
    ),
    "curp": ("Clave Única de Registro de Población", "CURP del trabajador"),
    "sbc": (
        "Salario Base de Cotización",
        "Salario Base",
        "SBC diario",
        "SDI",
        "Salario Diario Integrado",
        "Salario Integrado",
    ),
    "registro_patronal": ("Registro", "Reg. Patronal", "Registro Patronal IMSS", "Reg. Pat."),
    "fecha": ("Fecha de Movimiento", "Fecha Movimiento", "Fecha del Movimiento"),
    "tipo": ("Tipo Movimiento", "Tipo de Movimiento", "Mov.", "Tipo Mov."),
    "nombre": ("Nombres", "Nombre(s)"),
    "primer_apellido": ("Primer Apellido", "Apellido 1", "Paterno"),
    "segundo_apellido": ("Segundo Apellido", "Apellido 2", "Materno"),
    "codigo_postal": ("C.P.", "Código Postal", "CP"),
}


@dataclass(frozen=True)
class Campo:
    """A field an importer reads: its key, its title (the header it writes) and aliases."""

    clave: str
    titulo: str
    alias: tuple[str, ...] = ()
    requerido: bool = False
    # An amount: a row with a number here and nothing where the required fields go is a sum.
    importe: bool = False
    normalizar: Callable[[object], object] | None = None  # never raises
    # Read only under a header naming it: a file without header holds the others, by position.
    solo_por_nombre: bool = False

    @property
    def nombres(self) -> tuple[str, ...]:
        return (self.titulo, *self.alias)


@dataclass(frozen=True)
class Esquema:
    """What an importer expects: its fields, headers it knows and does not read (a derived
    column), and whether a file may come without a header (columns in ``campos``' order)."""

    campos: tuple[Campo, ...]
    reconocidas: tuple[str, ...] = ()
    sin_encabezado: bool = False
    # Each row read also says how many cells it has, up to its last written one (at
    # ``Lectura.posicion(CELDAS)``): a CSV line with a comma too many or too few.
    celdas: bool = False
    # Derived from the above in __post_init__: header key → field key, and the headers known
    # and not read.
    _by_key: dict[str, str] = field(init=False, repr=False, compare=False)
    _ignored: set[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        by_key: dict[str, str] = {}
        for c in self.campos:
            for name in c.nombres:
                by_key.setdefault(header_key(name), c.clave)
        object.__setattr__(self, "_by_key", by_key)
        object.__setattr__(self, "_ignored", {header_key(h) for h in self.reconocidas})

    @property
    def por_posicion(self) -> tuple[Campo, ...]:
        """The fields a file without a header holds, in its columns' order."""
        return tuple(c for c in self.campos if not c.solo_por_nombre)

    def campo_de(self, encabezado: str) -> str | None:
        return self._by_key.get(header_key(encabezado))

    def derivada(self, encabezado: str) -> bool:
        """A header the import knows and does not read (``reconocidas``): never «not used»."""
        return header_key(encabezado) in self._ignored


@dataclass(frozen=True)
class Guia:
    """How the clerk said a file reads: the header's sheet row and, column by column in the
    file's order, the field each feeds (None: «No se usa»). By position, so a remembered guide
    fits next month's file of the same shape whatever the case or accents of its headers."""

    fila_encabezado: int
    campos: tuple[str | None, ...]
    hoja: str | None = None  # the workbook's sheet (None: the one the intake finds)

    @classmethod
    def de_hoja(cls, hoja: str) -> Guia:
        """Only the sheet to read (the command line's --hoja): the rest is found as usual."""
        return cls(-1, (), hoja)


@dataclass
class _Eleccion:
    """The sheet a workbook is read from, as the intake chose it (filled as it starts)."""

    hoja: str | None = None
    visibles: tuple[str, ...] = ()
    ocultas: tuple[str, ...] = ()
    ambiguas: tuple[str, ...] = ()  # visible sheets that all have the header (none active)
    columnas_ocultas: frozenset[int] = frozenset()  # of the sheet read (0-based)
    filas_ocultas: frozenset[int] = frozenset()  # of the sheet read, among its first rows
    todas_las_ocultas: FilasOcultas = field(default_factory=FilasOcultas)  # every one

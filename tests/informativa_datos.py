"""Made-up informativas for the tests and the bench: clean ones, valid by construction (NSS and
CURP with their check digits, SBC within the year's legal range, contracts started in the
period), and a seeded set where each case carries exactly one known inconsistency."""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, timedelta

from icsoe_desktop.domain.contacto import curp_check_digit
from icsoe_desktop.domain.identifiers import nss_check_digit
from icsoe_desktop.domain.informativa.modelo import (
    CORRECCION,
    EN_CAPTURA,
    FIRMADA,
    NORMAL,
    SIN_INFORMACION,
    Contrato,
    Informativa,
    OtraDeclaracion,
    Parte,
    Periodo,
    Trabajador,
)
from icsoe_desktop.domain.informativa.trabajadores import salarios_de

PERIODO = Periodo(2026, 1)
CONTRATISTA = Parte(rfc="SEM980701STA", nombre="Servicios Especializados del Mayab, S.A. de C.V.")

# Four letters no forbidden-word list holds, and states of birth of the CURP catalogue.
_INICIALES = ("GARC", "LOPE", "MART", "HERN", "PERE", "SANC", "RAMI", "TORR", "FLOR", "RIVE")
_ENTIDADES = ("AS", "BC", "DF", "JC", "NL", "PL", "VZ", "YN", "MC", "GT", "QR", "SL")
_CONSONANTES = "BCDFGHJKLMNPQRSTVWXYZ"


def curp_valida(rng: random.Random, nacimiento: date | None = None) -> str:
    if nacimiento is None:
        nacimiento = date(1965, 1, 1) + timedelta(days=rng.randrange(40 * 365))
    siglo = str(rng.randrange(10)) if nacimiento.year < 2000 else rng.choice("ABCDEF")
    cuerpo = (
        rng.choice(_INICIALES)
        + f"{nacimiento:%y%m%d}"
        + rng.choice("HM")
        + rng.choice(_ENTIDADES)
        + "".join(rng.choice(_CONSONANTES) for _ in range(3))
        + siglo
    )
    return cuerpo + curp_check_digit(cuerpo)


def nss_valido(rng: random.Random) -> str:
    # subdelegación, año de afiliación, año de nacimiento, consecutivo; then the Luhn digit.
    base = f"{rng.randrange(1, 100):02d}{rng.randrange(100):02d}{rng.randrange(100):02d}"
    base += f"{rng.randrange(10_000):04d}"
    return base + nss_check_digit(base)


def trabajadores_limpios(
    n: int, rng: random.Random, anio: int = PERIODO.anio, primer_renglon: int = 1
) -> tuple[Trabajador, ...]:
    """``n`` workers with distinct NSS and CURP and an SBC within ``anio``'s legal range."""
    salarios = salarios_de(anio)
    alto = min(salarios.tope, salarios.minimo_general * 4)
    vistos_nss: set[str] = set()
    vistos_curp: set[str] = set()
    filas = []
    while len(filas) < n:
        nss, curp = nss_valido(rng), curp_valida(rng)
        if nss in vistos_nss or curp in vistos_curp:
            continue
        vistos_nss.add(nss)
        vistos_curp.add(curp)
        sbc = rng.randint(salarios.minimo_general, alto)
        filas.append(Trabajador(nss, curp, sbc, renglon=primer_renglon + len(filas)))
    return tuple(filas)


def contrato_limpio(
    numero: int, trabajadores: int, rng: random.Random, periodo: Periodo = PERIODO
) -> Contrato:
    dias = (periodo.fin - periodo.inicio).days
    inicio = periodo.inicio + timedelta(days=rng.randrange(dias + 1))
    return Contrato(
        uuid=f"contrato-{numero}",
        contratante=Parte(
            rfc=f"CNT{numero % 100:02d}0101{numero % 1000:03d}",
            nombre=f"Cliente {numero}, S.A. de C.V.",
        ),
        objeto=f"Mantenimiento de instalaciones, sede {numero}",
        folio_repse=f"{10_000 + numero}/2025",
        descripcion_servicio="Mantenimiento industrial especializado",
        fecha_inicial=inicio,
        fecha_final=inicio + timedelta(days=rng.randrange(30, 700)),
        trabajadores=trabajadores_limpios(trabajadores, rng, periodo.anio),
        trabajadores_declarados=trabajadores if numero % 2 else None,
    )


def informativa_limpia(
    contratos: int = 3,
    trabajadores: int = 5,
    periodo: Periodo = PERIODO,
    seed: int = 1,
    tipo: str = NORMAL,
) -> Informativa:
    """An informativa with nothing to report: ``contratos`` × ``trabajadores``."""
    rng = random.Random(seed)
    return Informativa(
        uuid=f"informativa-{seed}",
        contratista=CONTRATISTA,
        periodo=periodo,
        tipo=tipo,
        estado=EN_CAPTURA,
        contratos=tuple(contrato_limpio(n, trabajadores, rng, periodo) for n in range(contratos)),
    )


# --- the seeded set: each case is a clean informativa with one thing broken ---------------------


@dataclass(frozen=True)
class Caso:
    nombre: str
    codigo: str  # the only code Revisar must answer
    informativa: Informativa
    curps_conocidas: Mapping[str, str] = field(default_factory=dict)


def _en_contrato(inf: Informativa, cambio: Callable[[Contrato], Contrato], cual: int = 0):
    contratos = list(inf.contratos)
    contratos[cual] = cambio(contratos[cual])
    return replace(inf, contratos=tuple(contratos))


def _en_trabajadores(
    inf: Informativa, cambio: Callable[[list[Trabajador]], None], cual: int = 0
) -> Informativa:
    def con(c: Contrato) -> Contrato:
        filas = list(c.trabajadores)
        cambio(filas)
        return replace(c, trabajadores=tuple(filas), trabajadores_declarados=None)

    return _en_contrato(inf, con, cual)


def _fila(filas: list[Trabajador], i: int, **cambios: object) -> None:
    filas[i] = replace(filas[i], **cambios)


def _nss_otro_digito(nss: str) -> str:
    return nss[:10] + str((int(nss[10]) + 1) % 10)


def _curp_mal_digito(curp: str) -> str:
    return curp[:17] + str((int(curp[17]) + 1) % 10)


def _curp_mes_13(curp: str) -> str:
    cuerpo = curp[:6] + "13" + curp[8:17]  # month 13, check digit kept consistent
    return cuerpo + curp_check_digit(cuerpo)


def casos_sembrados() -> list[Caso]:
    base = informativa_limpia(contratos=3, trabajadores=4, seed=7)
    periodo = base.periodo
    otra = curp_valida(random.Random(99))
    nss0 = base.contratos[0].trabajadores[0].nss
    nss2 = base.contratos[1].trabajadores[2].nss
    salarios = salarios_de(periodo.anio)
    rfc = CONTRATISTA.rfc
    casos = [
        Caso(
            "el contratante es el contratista",
            "contratista_es_contratante",
            _en_contrato(base, lambda c: replace(c, contratante=CONTRATISTA)),
        ),
        Caso(
            "el RFC del contratista escrito con espacios y minúsculas",
            "contratista_es_contratante",
            _en_contrato(
                base,
                lambda c: replace(
                    c, contratante=replace(c.contratante, rfc=f" {rfc[:3]} {rfc[3:].lower()}")
                ),
                2,
            ),
        ),
        Caso(
            "sin folio del REPSE",
            "sin_descripcion",
            _en_contrato(base, lambda c: replace(c, folio_repse="  ")),
        ),
        Caso(
            "sin descripción del servicio",
            "sin_descripcion",
            _en_contrato(base, lambda c: replace(c, descripcion_servicio=""), 1),
        ),
        Caso(
            "sin folio ni descripción",
            "sin_descripcion",
            _en_contrato(base, lambda c: replace(c, folio_repse="", descripcion_servicio="")),
        ),
        Caso(
            "sin fecha inicial",
            "fechas",
            _en_contrato(base, lambda c: replace(c, fecha_inicial=None)),
        ),
        Caso(
            "fecha inicial antes del periodo",
            "fechas",
            _en_contrato(base, lambda c: replace(c, fecha_inicial=periodo.inicio - timedelta(1))),
        ),
        Caso(
            "fecha inicial después del periodo",
            "fechas",
            _en_contrato(
                base,
                lambda c: replace(
                    c,
                    fecha_inicial=periodo.fin + timedelta(1),
                    fecha_final=periodo.fin + timedelta(90),
                ),
                2,
            ),
        ),
        Caso(
            "fecha final antes de la inicial",
            "fechas",
            _en_contrato(
                base,
                lambda c: replace(
                    c, fecha_inicial=periodo.fin, fecha_final=periodo.fin - timedelta(1)
                ),
            ),
        ),
        Caso(
            "un contrato sin trabajadores",
            "sin_trabajadores",
            _en_contrato(base, lambda c: replace(c, trabajadores=(), trabajadores_declarados=None)),
        ),
        Caso(
            "el último contrato sin trabajadores",
            "sin_trabajadores",
            _en_contrato(
                base, lambda c: replace(c, trabajadores=(), trabajadores_declarados=None), 2
            ),
        ),
        Caso("una Normal sin contratos", "sin_contratos", replace(base, contratos=())),
        Caso(
            "una complementaria de Corrección sin contratos",
            "sin_contratos",
            replace(base, tipo=CORRECCION, complementa="informativa-0", contratos=()),
        ),
        Caso(
            "una «Sin información» con contratos",
            "sin_contratos",
            replace(base, tipo=SIN_INFORMACION),
        ),
        Caso(
            "una segunda Normal con otra ya firmada",
            "varias_declaraciones",
            replace(base, otras=(OtraDeclaracion("informativa-0", NORMAL, FIRMADA),)),
        ),
        Caso(
            "una «Sin información» con una Normal en captura",
            "varias_declaraciones",
            replace(
                base,
                tipo=SIN_INFORMACION,
                contratos=(),
                otras=(OtraDeclaracion("informativa-0", NORMAL, EN_CAPTURA),),
            ),
        ),
        Caso(
            "una Corrección sin descripción del servicio",
            "sin_descripcion",
            replace(
                _en_contrato(base, lambda c: replace(c, descripcion_servicio="")),
                tipo=CORRECCION,
                complementa="informativa-0",
            ),
        ),
        Caso(
            "NSS con otro dígito verificador",
            "nss",
            _en_trabajadores(base, lambda f: _fila(f, 1, nss=_nss_otro_digito(f[1].nss))),
        ),
        Caso(
            "NSS de 10 dígitos",
            "nss",
            _en_trabajadores(base, lambda f: _fila(f, 3, nss=f[3].nss[:10]), 2),
        ),
        Caso(
            "NSS con una letra",
            "nss",
            _en_trabajadores(base, lambda f: _fila(f, 0, nss="A" + f[0].nss[1:])),
        ),
        Caso(
            "CURP con otro dígito verificador",
            "curp",
            _en_trabajadores(base, lambda f: _fila(f, 2, curp=_curp_mal_digito(f[2].curp))),
        ),
        Caso(
            "CURP con el mes de nacimiento 13",
            "curp",
            _en_trabajadores(base, lambda f: _fila(f, 0, curp=_curp_mes_13(f[0].curp)), 1),
        ),
        Caso(
            "SBC menor que el salario mínimo",
            "sbc",
            _en_trabajadores(base, lambda f: _fila(f, 0, sbc=salarios.minimo_general - 1)),
        ),
        Caso(
            "SBC mayor que 25 UMA",
            "sbc",
            _en_trabajadores(base, lambda f: _fila(f, 3, sbc=salarios.tope + 1), 2),
        ),
        Caso(
            "NSS repetido con otra CURP",
            "nss_repetido",
            _en_trabajadores(base, lambda f: _fila(f, 3, nss=f[0].nss)),
        ),
        Caso(
            "NSS repetido tres veces",
            "nss_repetido",
            _en_trabajadores(
                base, lambda f: (_fila(f, 1, nss=f[0].nss), _fila(f, 2, nss=f[0].nss)), 1
            ),
        ),
        Caso(
            "CURP repetida con otro NSS",
            "curp_repetida",
            _en_trabajadores(base, lambda f: _fila(f, 2, curp=f[1].curp)),
        ),
        Caso(
            "CURP repetida en el último contrato",
            "curp_repetida",
            _en_trabajadores(base, lambda f: _fila(f, 3, curp=f[0].curp), 2),
        ),
        Caso(
            "el NSS conocido con otra CURP",
            "curp_distinta",
            base,
            {nss0: otra},
        ),
        Caso(
            "el NSS conocido de otro contrato con otra CURP",
            "curp_distinta",
            base,
            {nss2: otra, "12345678903": otra},
        ),
    ]
    return casos


# --- seeded worker files: a clean CSV of the IMSS template with one row broken ------------------


@dataclass(frozen=True)
class ArchivoSembrado:
    nombre: str
    codigo: str  # the only code validating the file must answer
    texto: str  # the CSV, header included (renglón 1)
    renglon: int  # the renglón the problem names
    curps_conocidas: Mapping[str, str] = field(default_factory=dict)


def _csv(filas: list[list[str]]) -> str:
    return "NSS,CURP,SBC\r\n" + "".join(",".join(f) + "\r\n" for f in filas)


def archivos_sembrados(anio: int = PERIODO.anio) -> list[ArchivoSembrado]:
    rng = random.Random(21)
    limpias = [[t.nss, t.curp, f"{t.sbc / 100:.2f}"] for t in trabajadores_limpios(6, rng, anio)]
    salarios = salarios_de(anio)

    def con(i: int, columna: int, valor: str) -> str:
        filas = [list(f) for f in limpias]
        filas[i][columna] = valor
        return _csv(filas)

    def sin_columna(i: int, extra: list[str]) -> str:
        filas = [list(f) for f in limpias]
        filas[i] = extra
        return _csv(filas)

    nss, curp = limpias[1][0], limpias[1][1]
    otra = curp_valida(random.Random(5))
    return [
        ArchivoSembrado("NSS con otro dígito", "nss", con(2, 0, _nss_otro_digito(nss)), 4),
        ArchivoSembrado("NSS de 12 dígitos", "nss", con(0, 0, nss + "1"), 2),
        ArchivoSembrado("CURP con otro dígito", "curp", con(3, 1, _curp_mal_digito(curp)), 5),
        ArchivoSembrado("CURP de 17 caracteres", "curp", con(5, 1, curp[:17]), 7),
        ArchivoSembrado("SBC con coma decimal", "sbc", con(1, 2, '"350,50"'), 3),
        ArchivoSembrado("SBC que no es importe", "sbc", con(4, 2, "N/D"), 6),
        ArchivoSembrado(
            "SBC bajo el mínimo",
            "sbc",
            con(0, 2, f"{(salarios.minimo_general - 1) / 100:.2f}"),
            2,
        ),
        ArchivoSembrado(
            "SBC sobre 25 UMA", "sbc", con(5, 2, f"{(salarios.tope + 1) / 100:.2f}"), 7
        ),
        ArchivoSembrado("NSS repetido", "nss_repetido", con(4, 0, nss), 6),
        ArchivoSembrado("NSS repetido al final", "nss_repetido", con(5, 0, limpias[0][0]), 7),
        ArchivoSembrado("CURP repetida", "curp_repetida", con(3, 1, curp), 5),
        ArchivoSembrado("CURP repetida al final", "curp_repetida", con(5, 1, limpias[0][1]), 7),
        ArchivoSembrado(
            "NSS conocido con otra CURP", "curp_distinta", _csv(limpias), 3, {nss: otra}
        ),
        ArchivoSembrado(
            "el último NSS conocido con otra CURP",
            "curp_distinta",
            _csv(limpias),
            7,
            {limpias[5][0]: otra},
        ),
        ArchivoSembrado("renglón con dos columnas", "columnas", sin_columna(2, [nss, curp]), 4),
        ArchivoSembrado(
            "renglón con cuatro columnas", "columnas", sin_columna(0, [*limpias[0], "X"]), 2
        ),
    ]

"""The cadena original of an informativa: the one text the contratista's e.firma seals.

Like the SAT's cadenas, it is ``||`` + fields joined by ``|`` + ``||``. The same informativa
always gives the same cadena, whatever order its contracts and workers were read in, so a
cadena recomputed later from the store can be compared with the one that was signed.

Fields, in this order (version 2, what *Firmar* seals; version 1, without the two signing
fields of 2., is the content alone, and the cadena of informativas signed before):

1. ``ICSOE-INF``, ``2``: what the text is and the version of this layout;
2. the informativa: uuid, periodo clave (``2026-1``), tipo, uuid it complementa ("" if none),
   the signing date and time (ISO 8601 to the second, with its UTC offset:
   ``2026-05-14T10:32:05-06:00``) and ``CAPACITACION`` when it was signed in training ("" if not);
3. the contratista (a *parte*, 12 fields): RFC, nombre, calle, número exterior, número
   interior, colonia, código postal, municipio, entidad, correo, teléfono fijo, teléfono móvil;
4. the number of contracts and the total number of workers;
5. each contract, by uuid: uuid, the contratante (a *parte*, 12 fields as above), objeto, folio
   REPSE, descripción del servicio, fecha inicial, fecha final (ISO, "" if none), the number of
   workers listed and the number declared (the list's when none was typed apart);
6. after each contract's fields, its workers by NSS, then CURP: NSS, CURP, SBC (``1234.56``).

The counts come before the lists, so the text reads back one way only (``leer_cadena``). Every
value is normalised (NFC, controls and runs of whitespace to one space, stripped) and a ``|``
inside a value becomes ``¦``: no value can forge a separator. The estado is left out: signing
changes it. The workers' names are left out too: the portal shows them from the IMSS registry; a
constancia carries them beside the cadena (``nombres_trabajadores``), in its order.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from functools import lru_cache
from itertools import chain, islice, pairwise, repeat
from operator import contains, le, lt
from typing import overload

from icsoe_desktop.domain.errors import ValidationError
from icsoe_desktop.domain.informativa.modelo import (
    FIRMADA,
    Contrato,
    Domicilio,
    Informativa,
    Parte,
    Periodo,
    Trabajador,
)

ETIQUETA = "ICSOE-INF"
VERSION = "2"
VERSION_CONTENIDO = "1"  # the content alone: no signing time
CAPACITACION = "CAPACITACION"
SEPARADOR = "|"
SUSTITUTO = "¦"  # what a "|" typed inside a value becomes
_CAMPOS_PARTE = 12
_CAMPOS_CONTRATO = 1 + _CAMPOS_PARTE + 7
_CAMPOS_TRABAJADOR = 3
_CONTROLES = frozenset({"Cc", "Cf", "Cs"})  # controls, invisible formatting, lone surrogates
# One SBC exactly as sbc_texto writes it: pesos without leading zeros, a point, two digits of
# centavos; a minus sign only before an amount that is not zero.
_SBC = r"(?:(?:0|[1-9][0-9]*)\.[0-9]{2}|-(?:[1-9][0-9]*\.[0-9]{2}|0\.(?:0[1-9]|[1-9][0-9])))"
_SBCS = re.compile(rf"(?:{_SBC}\n)*{_SBC}")  # one per line


def campo(valor: str | None) -> str:
    """One value as the cadena holds it: NFC, no controls, whitespace collapsed, no ``|``."""
    if valor is None:
        return ""
    if valor.isprintable() and (valor.isascii() or unicodedata.is_normalized("NFC", valor)):
        # NSS, CURP, most names: already NFC, no control (nor any other space than " ")
        return " ".join(valor.split()).replace(SEPARADOR, SUSTITUTO)
    texto = unicodedata.normalize("NFC", valor)
    texto = "".join(" " if unicodedata.category(c) in _CONTROLES else c for c in texto)
    return " ".join(texto.split()).replace(SEPARADOR, SUSTITUTO)


def sbc_texto(centavos: int) -> str:
    """Centavos as pesos with two decimals and no thousands separator: ``123456`` → ``1234.56``."""
    signo = "-" if centavos < 0 else ""
    pesos, resto = divmod(abs(centavos), 100)
    return f"{signo}{pesos}.{resto:02d}"


def _fecha(dia: date | None) -> str:
    return dia.isoformat() if dia else ""


def _parte(parte: Parte) -> list[str]:
    d = parte.domicilio
    valores = [parte.rfc, parte.nombre, d.calle, d.numero_exterior, d.numero_interior]
    valores += [d.colonia, d.codigo_postal, d.municipio, d.entidad]
    valores += [parte.correo, parte.telefono_fijo, parte.telefono_movil]
    return [campo(v) for v in valores]


def _trabajadores(contrato: Contrato) -> list[str]:
    ts = contrato.trabajadores
    return campos_trabajadores([t.nss for t in ts], [t.curp for t in ts], [t.sbc for t in ts])


def campos_trabajadores(nss: list[str], curps: list[str], centavos: list[int]) -> list[str]:
    """Workers' fields as the cadena writes them (NSS, CURP, SBC, NSS, …), in its order: by
    NSS, then CURP, then SBC, a total order whatever the file's. Each list at once where its
    values allow it: a contract may list tens of thousands."""
    columnas = _en_orden(campos_de(nss), campos_de(curps), _sbcs(centavos))
    return list(chain.from_iterable(zip(*columnas, strict=True)))


def _en_orden(*columnas: list[str]) -> list[list[str]]:
    """Each column (the rows' NSS, CURP, SBC, …, each a list) in the rows' order in the cadena:
    by the first column, then the next, compared as text. By the NSS alone when no two are the
    same (as in any real file): a sort of indexes by one text, no row built."""
    primera = columnas[0]
    if any(len(columna) != len(primera) for columna in columnas):
        raise ValueError("columnas de largo distinto")
    if len(set(primera)) == len(primera):
        orden = sorted(range(len(primera)), key=primera.__getitem__)
    else:
        orden = sorted(range(len(primera)), key=lambda i: tuple(c[i] for c in columnas))
    return [list(map(columna.__getitem__, orden)) for columna in columnas]


def campos_de(valores: list[str]) -> list[str]:
    """``campo`` of each value: the values themselves when every one already is its own."""
    try:
        texto = "\n".join(valores)
    except TypeError:  # a value missing (None): campo writes it ""
        return [campo(v) for v in valores]
    if _ya_campos(texto, "".join(valores)):
        return valores
    return [campo(v) for v in valores]


def son_campos(valores: Sequence[str]) -> bool:
    """Whether each of ``valores`` (text) is ``campo`` of itself."""
    if _ya_campos(juntos(valores, "\n"), juntos(valores, "")):
        return True
    return all(campo(v) == v for v in valores)


def _ya_campos(texto: str, junto: str) -> bool:
    """Whether the values ``texto`` joins with line feeds (``junto``: with nothing) are each
    ``campo`` of itself, told from the whole text at once (names have accents)."""
    return (
        (texto.isascii() or unicodedata.is_normalized("NFC", texto))
        and junto.isprintable()
        and SEPARADOR not in texto
        and not _sobran_espacios(texto, "\n")
    )


def _sobran_espacios(texto: str, separador: str) -> bool:
    """Whether a value among those ``texto`` joins with ``separador`` starts or ends with a
    space or has two in a row (what ``campo`` takes away)."""
    return " " in texto and (
        texto[0] == " "
        or texto[-1] == " "
        or any(s in texto for s in ("  ", separador + " ", " " + separador))
    )


def _sbcs(centavos: list[int]) -> list[str]:
    if centavos and min(centavos) >= 0:  # sbc_texto without its sign, in one pass
        return list(map("%d.%02d".__mod__, map(divmod, centavos, repeat(100))))
    return [sbc_texto(c) for c in centavos]


def _contrato(contrato: Contrato, trabajadores: list[str] | None = None) -> list[str]:
    """A contract's fields; ``trabajadores``: its workers' fields as the cadena writes them
    (NSS, CURP, SBC, NSS, …), when ``contrato`` comes without them."""
    if trabajadores is None:
        trabajadores = _trabajadores(contrato)
    return _cabecera(contrato, len(trabajadores) // 3) + trabajadores


def _cabecera(contrato: Contrato, listados: int) -> list[str]:
    """A contract's own fields, before its workers' (``listados`` of them)."""
    declarados = contrato.trabajadores_declarados
    campos = [campo(contrato.uuid), *_parte(contrato.contratante)]
    campos += [campo(contrato.objeto), campo(contrato.folio_repse)]
    campos += [campo(contrato.descripcion_servicio)]
    campos += [_fecha(contrato.fecha_inicial), _fecha(contrato.fecha_final)]
    campos += [str(listados), str(listados if declarados is None else declarados)]
    return campos


def _momento(firmada: datetime) -> str:
    if firmada.tzinfo is None:
        raise ValueError("firmada sin zona horaria")
    return firmada.replace(microsecond=0).isoformat()


def cadena_original(
    inf: Informativa, firmada: datetime | None = None, capacitacion: bool = False
) -> str:
    """The canonical text of ``inf`` that the e.firma seals (layout in the module docstring):
    signed at ``firmada`` (aware), version 2; without it, version 1 (the content alone)."""
    contratos = sorted(_contrato(c) for c in inf.contratos)  # by uuid; ties by the whole text
    return _unir(inf, firmada, capacitacion, contratos, inf.numero_trabajadores)


def _unir(
    inf: Informativa,
    firmada: datetime | None,
    capacitacion: bool,
    contratos: list[list[str]],
    total: int,
) -> str:
    campos = _encabezado(inf, firmada, capacitacion, len(contratos), total)
    for contrato in contratos:
        campos += contrato
    return "||" + SEPARADOR.join(campos) + "||"


def _encabezado(
    inf: Informativa, firmada: datetime | None, capacitacion: bool, contratos: int, total: int
) -> list[str]:
    """The cadena's fields before its contracts'."""
    version = VERSION_CONTENIDO if firmada is None else VERSION
    campos = [ETIQUETA, version, campo(inf.uuid), inf.periodo.clave, campo(inf.tipo)]
    campos += [campo(inf.complementa)]
    if firmada is not None:
        campos += [_momento(firmada), CAPACITACION if capacitacion else ""]
    campos += _parte(inf.contratista)
    campos += [str(contratos), str(total)]
    return campos


def _es_cadena(
    cadena: str,
    inf: Informativa,
    firmada: datetime | None,
    capacitacion: bool,
    contratos: list[tuple[list[str], list[str]]],
    total: int,
) -> bool:
    """Whether ``cadena`` is ``_unir`` of these contracts (each its own fields, then its
    workers'), compared a contract at a time: never written whole again (tens of MB)."""
    partes = chain(
        ["||" + SEPARADOR.join(_encabezado(inf, firmada, capacitacion, len(contratos), total))],
        (SEPARADOR + SEPARADOR.join(chain(*contrato)) for contrato in contratos),
        ["||"],
    )
    inicio = 0
    for parte in partes:
        if not cadena.startswith(parte, inicio):
            return False
        inicio += len(parte)
    return inicio == len(cadena)


def cadena_de_campos(campos: Campos) -> str:
    """``cadena_original`` of what ``campos`` holds (its workers' fields already as the cadena
    writes them, in its order; its contracts in any)."""
    contratos = sorted(
        _contrato(k, list(t))
        for k, t in zip(campos.informativa.contratos, campos.trabajadores, strict=True)
    )
    inf, total = campos.informativa, campos.numero_trabajadores
    return _unir(inf, campos.firmada, campos.capacitacion, contratos, total)


def sin_filas(campos: Campos) -> str:
    """The cadena ``campos`` was read from (``leer_campos``) without its workers' fields: each
    contract's fields, its number of workers listed included, then the next contract's.
    ``con_filas`` puts them back."""
    contratos = [
        _cabecera(k, len(t) // 3)
        for k, t in zip(campos.informativa.contratos, campos.trabajadores, strict=True)
    ]
    inf, total = campos.informativa, campos.numero_trabajadores
    return _unir(inf, campos.firmada, campos.capacitacion, contratos, total)


def con_filas(sin: str, filas: list[str]) -> str:
    """``sin_filas``' inverse: the cadena with ``filas`` (every worker's fields NSS, CURP,
    SBC, NSS, … in the cadena's order) after each contract's fields, as many as it says it
    lists. ValueError when ``sin`` is no such text or ``filas`` is not all its workers; what is
    returned is still to be read with ``leer_campos``."""
    return unidos(campos_con_filas(sin, filas))


def unidos(campos: list[str]) -> str:
    """The cadena of these fields."""
    return "||" + SEPARADOR.join(campos) + "||"


def campos_con_filas(sin: str, filas: list[str]) -> list[str]:
    """The fields of ``con_filas(sin, filas)``, as ``leer_campos`` takes them (``filas``
    with a ``|`` in one are not a cadena's: ValueError)."""
    if any(map(contains, filas, repeat(SEPARADOR))):
        raise ValueError("filas")
    if not (isinstance(sin, str) and sin.startswith("||") and sin.endswith("||")):
        raise ValueError("sin filas")
    campos = sin[2:-2].split(SEPARADOR)
    try:
        i = 6 + (2 if campos[1] == VERSION else 0) + _CAMPOS_PARTE
        contratos, i = _entero(campos[i]), i + 2
        partes, usadas = [campos[:i]], 0
        for _ in range(contratos):
            contrato = campos[i : i + _CAMPOS_CONTRATO]
            listados = 3 * _entero(contrato[-2])
            partes += [contrato, filas[usadas : usadas + listados]]
            i, usadas = i + _CAMPOS_CONTRATO, usadas + listados
    except IndexError as exc:
        raise ValueError("sin filas") from exc
    if i != len(campos) or usadas != len(filas):
        raise ValueError("filas")
    return list(chain.from_iterable(partes))


def _entero(texto: str) -> int:
    if not (texto.isascii() and texto.isdigit()):
        raise ValueError(texto)
    return int(texto)


def nombres_trabajadores(inf: Informativa) -> tuple[list[str], ...]:
    """Each contract's workers' names (``campo`` of each, "" for none) in the order
    ``cadena_original(inf)`` writes the contracts and their workers (workers whose fields are
    the same, by name): what a constancia shows beside each worker's sealed fields."""
    return nombres_en_orden((c, *_listas(c.trabajadores)) for c in inf.contratos)


def cadena_y_nombres(
    inf: Informativa, firmada: datetime, capacitacion: bool = False
) -> tuple[str, tuple[list[str], ...]]:
    """``cadena_original`` and ``nombres_trabajadores`` of ``inf``, its workers sorted once."""
    contratos = [contrato_en_cadena(c, *_listas(c.trabajadores)) for c in inf.contratos]
    cadena, nombres = cadena_de_contratos(inf, firmada, capacitacion, contratos)
    return cadena, tuple(map(list, nombres))


@dataclass(frozen=True)
class ContratoEnCadena:
    """One contract as the cadena writes it, made a contract at a time (*Firmar* does not keep
    hundreds of thousands of workers at once): its own fields (its counts included), its text
    with its workers' fields (``|``-joined) and its workers' names in that order
    (``\\n``-joined; ``campo`` leaves no line break in a name)."""

    campos: list[str]
    texto: str
    nombres: str

    @property
    def listados(self) -> int:
        return int(self.campos[-2])


def contrato_en_cadena(
    contrato: Contrato, nss: list[str], curps: list[str], centavos: list[int], nombres: list[str]
) -> ContratoEnCadena:
    """``contrato`` (its workers apart: their NSS, CURP, SBC and names) as the cadena writes it.
    The text and the names are new strings: the workers' own are let go with them."""
    *columnas, suyos = _en_orden(
        campos_de(nss), campos_de(curps), _sbcs(centavos), campos_de(nombres)
    )
    campos = _contrato(contrato, list(chain.from_iterable(zip(*columnas, strict=True))))
    return ContratoEnCadena(campos[:_CAMPOS_CONTRATO], SEPARADOR.join(campos), "\n".join(suyos))


def cadena_de_contratos(
    inf: Informativa, firmada: datetime, capacitacion: bool, contratos: list[ContratoEnCadena]
) -> tuple[str, tuple[EnTexto, ...]]:
    """``cadena_y_nombres`` of ``inf`` with these contracts (``contrato_en_cadena`` of each of
    its own; ``inf``'s workers are not read), in the cadena's order."""
    ordenados = _en_su_orden(contratos)
    total = sum(c.listados for c in contratos)
    cadena = _unir(inf, firmada, capacitacion, [[c.texto] for c in ordenados], total)
    return cadena, tuple(EnTexto(c.nombres, "\n", c.listados) for c in ordenados)


def _en_su_orden(contratos: list[ContratoEnCadena]) -> list[ContratoEnCadena]:
    """The contracts in the cadena's order: by their fields, ties by all of them (workers
    included), then by the names."""
    ordenados = sorted(contratos, key=lambda c: c.campos)
    if any(a.campos == b.campos for a, b in pairwise(ordenados)):
        ordenados = sorted(
            contratos, key=lambda c: (c.texto.split(SEPARADOR), _lista_de_nombres(c))
        )
    return ordenados


def _lista_de_nombres(contrato: ContratoEnCadena) -> list[str]:
    return contrato.nombres.split("\n") if contrato.listados else []


class EnTexto(Sequence[str]):
    """Values kept as one text, joined by ``separador`` (none of them has it), and split again
    when read: a contract's workers' fields or names, tens of thousands, are some 15 bytes
    each as text and over 60 as strings. The last ones split are kept (``_partido``): a
    contract's annex reads its fields and names page after page."""

    __slots__ = ("_cuantos", "separador", "texto")

    def __init__(self, texto: str, separador: str, cuantos: int) -> None:
        """``cuantos`` values joined by ``separador`` in ``texto``."""
        if texto.count(separador) != max(cuantos - 1, 0) or (not cuantos and texto):
            raise ValueError("un valor tiene el separador")
        self.texto, self.separador, self._cuantos = texto, separador, cuantos

    @classmethod
    def de(cls, valores: Sequence[str], separador: str) -> EnTexto:
        return cls(separador.join(valores), separador, len(valores))

    def __len__(self) -> int:
        return self._cuantos

    @overload
    def __getitem__(self, i: int) -> str: ...

    @overload
    def __getitem__(self, i: slice) -> list[str]: ...

    def __getitem__(self, i: int | slice) -> str | list[str]:
        return self._valores()[i]

    def __iter__(self) -> Iterator[str]:
        return iter(self._valores())

    def unidos(self, separador: str) -> str:
        """``separador.join(self)``, without splitting it."""
        return self.texto.replace(self.separador, separador)

    def _valores(self) -> list[str]:
        return _partido(self.texto, self.separador) if self._cuantos else []


def juntos(valores: Sequence[str], separador: str) -> str:
    """``separador.join(valores)``; of an ``EnTexto``, without splitting it."""
    return valores.unidos(separador) if isinstance(valores, EnTexto) else separador.join(valores)


@lru_cache(maxsize=2)  # a contract's fields and its names
def _partido(texto: str, separador: str) -> list[str]:
    return texto.split(separador)


def _listas(ts: tuple[Trabajador, ...]) -> tuple[list[str], list[str], list[int], list[str]]:
    return [t.nss for t in ts], [t.curp for t in ts], [t.sbc for t in ts], [t.nombre for t in ts]


def nombres_en_orden(
    contratos: Iterable[tuple[Contrato, list[str], list[str], list[int], list[str]]],
) -> tuple[list[str], ...]:
    """``nombres_trabajadores`` of contracts given as (the contract, its workers' NSS, CURP, SBC
    and names, each a list): without building the workers."""
    return tuple(map(_lista_de_nombres, _en_su_orden([contrato_en_cadena(*c) for c in contratos])))


def contenido(cadena: str) -> str:
    """The content alone (version 1) of a cadena ``leer_campos`` read: ``cadena_original`` of
    its informativa without the signing fields, cut from the text instead of written again."""
    etiqueta, version, *encabezado, resto = cadena[2:].split(SEPARADOR, 8)
    if version == VERSION_CONTENIDO:
        return cadena
    return "||" + SEPARADOR.join([etiqueta, VERSION_CONTENIDO, *encabezado[:4], resto])


def con_firma(contenido: str, firmada: datetime, capacitacion: bool = False) -> str:
    """``contenido``'s inverse: the cadena signed at ``firmada`` (aware) of a content-alone one,
    ``cadena_original(inf, firmada, capacitacion)`` when ``contenido`` is ``cadena_original(inf)``;
    the two signing fields put in instead of the text written again."""
    etiqueta, _version, *encabezado, resto = contenido[2:].split(SEPARADOR, 6)
    marca = CAPACITACION if capacitacion else ""
    campos = [etiqueta, VERSION, *encabezado, _momento(firmada), marca, resto]
    return "||" + SEPARADOR.join(campos)


# --- reading a cadena back ------------------------------------------------------------------------

_NO_ES_CADENA = "La cadena original no tiene el formato de una informativa ICSOE."


def _invalida() -> ValidationError:
    return ValidationError("cadena_invalida", _NO_ES_CADENA)


class _Lector:
    """The fields of a cadena, taken one by one."""

    def __init__(self, campos: list[str], inicio: int = 0, sobran: int = 0) -> None:
        """``campos[inicio : len(campos) - sobran]``, without that copy."""
        self._campos, self._i, self._fin = campos, inicio, len(campos) - sobran

    def texto(self) -> str:
        if self._i >= self._fin:
            raise _invalida()
        self._i += 1
        return self._campos[self._i - 1]

    def numero(self) -> int:
        texto = self.texto()
        if not (texto.isascii() and texto.isdigit()):
            raise _invalida()
        return int(texto)

    def fecha(self) -> date | None:
        texto = self.texto()
        return date.fromisoformat(texto) if texto else None  # ValueError: caught by the caller

    def trabajadores(self, cuantos: int) -> list[str]:
        """``cuantos`` workers' fields (NSS, CURP, SBC each), as one slice (a contract may list
        tens of thousands), checked to be as ``cadena_original`` writes them."""
        fin = self._i + 3 * cuantos
        if fin > self._fin:
            raise _invalida()
        campos, self._i = self._campos[self._i : fin], fin
        if campos and not _filas_canonicas(campos):
            raise _invalida()
        return campos

    def parte(self) -> Parte:
        rfc, nombre, *dom, correo, fijo, movil = (self.texto() for _ in range(_CAMPOS_PARTE))
        return Parte(rfc, nombre, Domicilio(*dom), correo, fijo, movil)

    def al_final(self) -> bool:
        return self._i == self._fin


def _filas_canonicas(campos: list[str]) -> bool:
    """Whether workers' fields (NSS, CURP, SBC, NSS, …) are the ones ``_trabajadores`` writes:
    every value ``campo`` of itself, every SBC ``sbc_texto`` of its centavos, the rows in order.
    Checked over the whole slice at once where the text allows it."""
    if not _SBCS.fullmatch("\n".join(campos[2::3])):
        return False
    texto = SEPARADOR.join(campos)
    if texto.isascii() and texto.isprintable():  # the only whitespace is the space
        if _sobran_espacios(texto, SEPARADOR):
            return False
    elif any(campo(v) != v for v in campos):
        return False
    nss = campos[0::3]
    if all(map(lt, nss, islice(nss, 1, None))):  # each NSS after the one before: in order
        return True
    filas = list(zip(nss, campos[1::3], campos[2::3], strict=True))
    return all(map(le, filas, islice(filas, 1, None)))


@dataclass(frozen=True)
class Sellada:
    """What a cadena holds: the informativa and, from version 2, when and how it was signed."""

    informativa: Informativa
    firmada: datetime | None  # aware; None in a version 1 cadena
    capacitacion: bool


@dataclass(frozen=True)
class Campos:
    """What a cadena holds, its workers left as the cadena writes them: ``informativa``'s
    contracts come without workers, ``trabajadores`` has each contract's (in the same order)
    as its fields NSS, CURP, SBC, NSS, … What a constancia draws and compares needs no more."""

    informativa: Informativa  # its contracts without their workers
    firmada: datetime | None  # aware; None in a version 1 cadena
    capacitacion: bool
    trabajadores: tuple[Sequence[str], ...]
    # Each contract's workers' names in ``trabajadores``' order (``nombres_trabajadores``): what
    # a constancia carries beside the cadena and signs. None: not carried (a cadena alone, or a
    # constancia made before).
    nombres: tuple[Sequence[str], ...] | None = None

    def en_texto(self) -> Campos:
        """The same, each contract's fields and names kept as text (``EnTexto``)."""
        trabajadores = tuple(EnTexto.de(campos, SEPARADOR) for campos in self.trabajadores)
        nombres = None if self.nombres is None else tuple(EnTexto.de(n, "\n") for n in self.nombres)
        return replace(self, trabajadores=trabajadores, nombres=nombres)

    @property
    def numero_trabajadores(self) -> int:
        return sum(len(campos) for campos in self.trabajadores) // 3

    def sellada(self) -> Sellada:
        """The informativa with its workers."""
        contratos = tuple(
            replace(contrato, trabajadores=_trabajadores_de(campos))
            for contrato, campos in zip(self.informativa.contratos, self.trabajadores, strict=True)
        )
        inf = replace(self.informativa, contratos=contratos)
        return Sellada(inf, self.firmada, self.capacitacion)


def _trabajadores_de(campos: Sequence[str]) -> tuple[Trabajador, ...]:
    sbcs = campos[2::3]
    centavos = map(int, "\n".join(sbcs).replace(".", "").split("\n")) if sbcs else ()
    return tuple(map(Trabajador, campos[0::3], campos[1::3], centavos))


def leer_cadena(cadena: str, estado: str = FIRMADA) -> Informativa:
    """The informativa a cadena of ``cadena_original`` holds (values normalised, workers without
    names). ValidationError for anything else."""
    return leer_sellada(cadena, estado).informativa


def leer_sellada(cadena: str, estado: str = FIRMADA) -> Sellada:
    """Everything a cadena holds; ``cadena_original`` of it is ``cadena`` again."""
    return leer_campos(cadena, estado).sellada()


def leer_campos(cadena: str, estado: str = FIRMADA, campos: list[str] | None = None) -> Campos:
    """What ``leer_sellada`` reads, without building the workers. ValidationError for anything
    but a cadena ``cadena_original`` writes. ``campos``: its fields, already split out of it
    (``campos_con_filas``)."""
    if not (isinstance(cadena, str) and cadena.startswith("||") and cadena.endswith("||")):
        raise _invalida()
    # Split whole, the empty fields of the "||" around it left out (not cut first: a copy of
    # tens of MB).
    lector = _Lector(cadena.split(SEPARADOR), 2, 2) if campos is None else _Lector(campos)
    firmada, capacitacion = None, False
    try:
        etiqueta, version = lector.texto(), lector.texto()
        if etiqueta != ETIQUETA or version not in (VERSION, VERSION_CONTENIDO):
            raise _invalida()
        uuid, periodo, tipo, complementa = (lector.texto() for _ in range(4))
        if version == VERSION:
            firmada = datetime.fromisoformat(lector.texto())
            marca = lector.texto()
            if firmada.tzinfo is None or marca not in ("", CAPACITACION):
                raise _invalida()
            capacitacion = marca == CAPACITACION
        contratista = lector.parte()
        numero_contratos, total = lector.numero(), lector.numero()
        leidos = [_leer_contrato(lector) for _ in range(numero_contratos)]
        inf = Informativa(
            uuid,
            contratista,
            Periodo.de_clave(periodo),
            tipo,
            estado,
            tuple(contrato for contrato, _ in leidos),
            complementa or None,
        )
    except ValueError as exc:  # a date, a period or a number that is not one
        raise _invalida() from exc
    trabajadores = tuple(campos for _, campos in leidos)
    if not lector.al_final() or sum(map(len, trabajadores)) != 3 * total:
        raise _invalida()
    # Not canonical (out of order, not normalised, a date spelt otherwise): not a cadena. The
    # workers' fields were checked as read; the rest is written again around them.
    contratos = [(_cabecera(c, len(campos) // 3), campos) for c, campos in leidos]
    if not all(map(le, contratos, islice(contratos, 1, None))):  # (fields, workers): in order
        raise _invalida()
    if not _es_cadena(cadena, inf, firmada, capacitacion, contratos, total):
        raise _invalida()
    return Campos(inf, firmada, capacitacion, trabajadores)


def _leer_contrato(lector: _Lector) -> tuple[Contrato, list[str]]:
    uuid, contratante = lector.texto(), lector.parte()
    objeto, folio, descripcion = lector.texto(), lector.texto(), lector.texto()
    inicial, final = lector.fecha(), lector.fecha()
    listados, declarados = lector.numero(), lector.numero()
    trabajadores = lector.trabajadores(listados)
    contrato = Contrato(
        uuid, contratante, objeto, folio, descripcion, inicial, final, (), declarados
    )
    return contrato, trabajadores

"""The informativa frozen at signing: read back exactly as it was written (names, dates, the
signing time with its offset), and anything else stored there refused with one clear message."""

from __future__ import annotations

import json
import zlib
from dataclasses import replace
from datetime import datetime

import pytest

from icsoe_desktop.domain.clock import hora_del_centro
from icsoe_desktop.domain.errors import ValidationError
from icsoe_desktop.domain.informativa.cadena import (
    cadena_original,
    cadena_y_nombres,
    campo,
    campos_de,
    nombres_trabajadores,
)
from icsoe_desktop.domain.informativa.firmada import (
    ILEGIBLE,
    comprobar,
    congelar,
    contenido_congelado,
    de_cadena,
    descongelar,
    nombres_congelados,
    sin_trabajadores,
)
from icsoe_desktop.domain.informativa.modelo import FIRMADA, OtraDeclaracion, Trabajador
from tests.informativa_datos import informativa_limpia

FIRMADA_EN = hora_del_centro(datetime(2026, 9, 10, 18, 30, 5))  # 12:30:05 in Central Mexico


def _con_nombres():
    inf = informativa_limpia(contratos=3, trabajadores=40)
    contratos = tuple(
        replace(c, trabajadores=tuple(_nombrado(i, t) for i, t in enumerate(c.trabajadores)))
        for c in inf.contratos
    )
    return replace(inf, contratos=contratos, otras=(OtraDeclaracion("otra", "normal", FIRMADA),))


def _nombrado(i, trabajador):
    return replace(trabajador, nombre=f"Peña Łukasz ễ {i}")


def test_what_is_frozen_reads_back_as_signed():
    inf = _con_nombres()
    leida = descongelar(congelar(inf, FIRMADA_EN))
    assert leida.firmada == FIRMADA_EN and leida.firmada.isoformat().endswith("12:30:05-06:00")
    sin_renglones = tuple(
        replace(c, trabajadores=tuple(replace(t, renglon=None) for t in c.trabajadores))
        for c in inf.contratos
    )
    # The estado is Firmada; the other declarations of the period are not part of what was
    # signed; every other value, the workers' names and order included, is the same.
    assert leida.informativa == replace(inf, estado=FIRMADA, otras=(), contratos=sin_renglones)
    assert cadena_original(leida.informativa) == cadena_original(inf)


def test_its_content_is_read_without_building_its_workers_and_is_the_same():
    """What a constancia's verification compares: the frozen copy's cadena original, values
    spelt otherwise, workers in any order, negative amounts and a value missing included."""
    inf = _con_nombres()
    primero = inf.contratos[0]
    raros = (
        Trabajador(" 9999 9999  999 ", "pérez\u0303 | x", -5),
        Trabajador("1", "\tA\nB", 0),
        Trabajador("", "", 12_345_678),
        *reversed(primero.trabajadores),
    )
    otra = replace(inf, contratos=(replace(primero, trabajadores=raros), *inf.contratos[1:]))
    for caso in (inf, otra, replace(inf, contratos=())):
        assert contenido_congelado(congelar(caso, FIRMADA_EN)) == cadena_original(caso)


def test_its_names_are_read_without_building_its_workers_in_the_cadenas_order():
    """What a constancia's names are compared with: each contract's, in the order its cadena
    lists contracts and workers, whatever order they were captured in."""
    inf = _con_nombres()
    revuelta = replace(
        inf, contratos=tuple(replace(c, trabajadores=c.trabajadores[::-1]) for c in inf.contratos)
    )
    nombres = nombres_congelados(congelar(revuelta, FIRMADA_EN))
    assert nombres == nombres_trabajadores(inf) == nombres_trabajadores(revuelta)
    assert sorted(n for lista in nombres for n in lista) == sorted(
        t.nombre for c in inf.contratos for t in c.trabajadores
    )


def test_workers_sharing_an_nss_are_ordered_by_curp_then_sbc_then_name():
    """An NSS repeated (Revisar reports it, the cadena still lists every row): those rows in
    the order of their CURP, then SBC as written, then name, whatever order they came in."""
    inf = _con_nombres()
    nss = inf.contratos[0].trabajadores[0].nss
    filas = [
        Trabajador(nss, "BBBB900101HDFXXX01", 10_000, "ZOE"),
        Trabajador(nss, "AAAA900101HDFXXX01", 9_000, "YAEL"),
        Trabajador(nss, "AAAA900101HDFXXX01", 10_000, "XIMENA"),
        Trabajador(nss, "AAAA900101HDFXXX01", 10_000, "WENDY"),
        Trabajador("00000000001", "CCCC900101HDFXXX01", 10_000, "VICTOR"),
    ]
    esperados = ["VICTOR", "WENDY", "XIMENA", "YAEL", "ZOE"]  # 100.00 before 90.00: as text
    for vuelta in (filas, filas[::-1], filas[2:] + filas[:2]):
        contrato = replace(inf.contratos[0], trabajadores=tuple(vuelta))
        revuelta = replace(inf, contratos=(contrato, *inf.contratos[1:]))
        cadena, nombres = cadena_y_nombres(revuelta, FIRMADA_EN)
        indice = [c.uuid for c in sorted(revuelta.contratos, key=lambda c: c.uuid)].index(
            contrato.uuid
        )
        assert nombres[indice] == esperados
        assert cadena == cadena_original(revuelta, FIRMADA_EN)
        assert f"|{nss}|AAAA900101HDFXXX01|100.00|{nss}|AAAA900101HDFXXX01|100.00|" in cadena
        assert f"|{nss}|AAAA900101HDFXXX01|90.00|{nss}|BBBB900101HDFXXX01|100.00|" in cadena
        assert nombres_congelados(congelar(revuelta, FIRMADA_EN)) == nombres


def test_the_cadena_and_its_names_in_one_sort_are_each_as_written_alone():
    """*Firmar* writes both at once: the same cadena, and the same names in its order, as
    ``cadena_original`` and ``nombres_trabajadores``; each name as ``campo`` writes it, spelt
    in any way (decomposed accents, tabs and runs of spaces, a ``|``, none)."""
    inf = _con_nombres()
    raros = ("Jose\u0301  Peña", " MARÍA\tJOSÉ ", "A | B", "", "Zoë", "ÑANDÚ")
    primero = inf.contratos[0]
    nombrados = tuple(
        replace(t, nombre=raros[i % len(raros)]) for i, t in enumerate(primero.trabajadores)
    )
    for caso in (inf, replace(inf, contratos=(replace(primero, trabajadores=nombrados),))):
        cadena, nombres = cadena_y_nombres(caso, FIRMADA_EN, capacitacion=True)
        assert cadena == cadena_original(caso, FIRMADA_EN, capacitacion=True)
        assert nombres == nombres_trabajadores(caso)
    assert sorted(nombres[0]) == sorted(campo(t.nombre) for t in nombrados)
    assert "José Peña" in nombres[0] and "A ¦ B" in nombres[0]
    assert campos_de(list(raros)) == list(map(campo, raros))
    assert campos_de(["Zoë", "ÑANDÚ"]) == ["Zoë", "ÑANDÚ"]


def test_the_header_copy_agrees_only_when_it_is_the_whole_copy_without_its_workers():
    """What the informativa's window shows is its header copy: it agrees with the whole copy
    value for value, key for key, every value of its type, the same signing time."""
    inf = _con_nombres()
    completa = congelar(inf, FIRMADA_EN)
    cabecera = congelar(sin_trabajadores(inf), FIRMADA_EN)
    leida = comprobar(completa, cabecera)
    assert leida.cabecera and comprobar(completa).cabecera  # none given: nothing to disagree
    assert (leida.contenido, leida.firmada) == (cadena_original(inf), FIRMADA_EN)
    primero = inf.contratos[0]
    otro_contratante = replace(primero.contratante, nombre="OTRA SA")
    otras = (
        replace(
            inf, contratos=(replace(primero, contratante=otro_contratante), *inf.contratos[1:])
        ),
        replace(inf, contratos=inf.contratos[1:]),
        replace(inf, complementa="otra"),
    )

    def reescrita(cambio) -> bytes:
        leido = json.loads(zlib.decompress(cabecera))
        cambio(leido)
        return zlib.compress(json.dumps(leido).encode())

    for mala in (
        *(congelar(sin_trabajadores(o), FIRMADA_EN) for o in otras),
        congelar(sin_trabajadores(inf), FIRMADA_EN.replace(second=6)),
        completa,  # with its workers
        b"no es zlib",
        reescrita(lambda d: d["informativa"]["periodo"].update(anio=str(inf.periodo.anio))),
        reescrita(lambda d: d["informativa"]["contratos"][0].update(otro="x")),
        reescrita(lambda d: d["informativa"]["contratos"].reverse()),
    ):
        assert not comprobar(completa, mala).cabecera
    # Written again by another program, the same values: the same header.
    assert comprobar(completa, reescrita(lambda d: None)).cabecera


def test_a_signing_time_without_its_offset_is_not_frozen():
    with pytest.raises(ValueError):
        congelar(_con_nombres(), datetime(2026, 9, 10, 18, 30))


def _reescrito(cambio) -> bytes:
    leido = json.loads(zlib.decompress(congelar(_con_nombres(), FIRMADA_EN)))
    cambio(leido)
    return zlib.compress(json.dumps(leido).encode())


def _primero(d):
    return d["informativa"]["contratos"][0]["trabajadores"][0]


@pytest.mark.parametrize(
    "datos",
    [
        b"",
        b"no es zlib",
        zlib.compress(b"no es JSON"),
        zlib.compress(b"[]"),
        _reescrito(lambda d: d.update(version=2)),
        _reescrito(lambda d: d.update(firmada="2026-09-10T12:30:05")),  # without its offset
        _reescrito(lambda d: d["informativa"]["contratos"][0]["trabajadores"][0].update(sbc="1")),
        _reescrito(lambda d: d["informativa"]["contratista"].update(rfc=None)),
        _reescrito(lambda d: d["informativa"]["contratos"][0].update(fecha_inicial="31/02/2026")),
        _reescrito(lambda d: d["informativa"]["periodo"].update(numero=4)),
        _reescrito(lambda d: d["informativa"].pop("contratos")),
        _reescrito(lambda d: _primero(d).update(sbc=True)),
        _reescrito(lambda d: _primero(d).update(sbc=1.5)),
        _reescrito(lambda d: _primero(d).update(nss=12345678903)),
        _reescrito(lambda d: _primero(d).update(curp=None)),
        _reescrito(lambda d: _primero(d).pop("nombre")),
        _reescrito(lambda d: d["informativa"]["contratos"][0].update(trabajadores=[["x"]])),
        _reescrito(lambda d: d["informativa"]["contratos"][0].update(trabajadores={})),
    ],
)
@pytest.mark.parametrize("leer", [descongelar, contenido_congelado, nombres_congelados])
def test_anything_else_is_refused_with_one_message(datos, leer):
    with pytest.raises(ValidationError) as error:
        leer(datos)
    assert (error.value.code, error.value.message) == ("informativa_firmada_ilegible", ILEGIBLE)


def test_a_row_signed_before_the_frozen_copy_reads_its_cadena():
    inf = _con_nombres()
    leida = de_cadena(cadena_original(inf), FIRMADA_EN)
    assert cadena_original(leida.informativa) == cadena_original(inf)
    assert leida.firmada == FIRMADA_EN
    with pytest.raises(ValidationError) as error:
        de_cadena("||otra cosa||", FIRMADA_EN)
    assert error.value.code == "informativa_firmada_ilegible"

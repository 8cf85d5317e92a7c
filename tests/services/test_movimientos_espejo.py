"""The find box's orders copied in memory (services/movimientos/espejo.py), on a real store of
real-shaped movements (bench/datos_reales.py: common names, Ñ, three registros, three years):
any find under any panel filter is counted as the clerk expects, from the copy once it is
built and by SQL before; after a change the copy is brought up to date from the rows written,
or read again when too far behind; letting go of the file ends its build."""

from __future__ import annotations

import random
from dataclasses import dataclass, replace
from datetime import date, timedelta

import pytest
from sqlalchemy import text

from bench.datos_reales import crear_movimientos, movimientos
from icsoe_desktop.domain.buscar import CURP, NSS, normalizar, termino
from icsoe_desktop.domain.cambios import MOVIMIENTOS
from icsoe_desktop.domain.roles import CLI_ACTOR
from icsoe_desktop.services.movimientos import espejo, espejo_guardado, hallados
from icsoe_desktop.services.movimientos.servicio import COLUMNS, Filtro, Orden
from icsoe_desktop.store import movimientos_espejo
from icsoe_desktop.store.movimientos_paging import Busqueda

TODAY = date(2026, 11, 22)
REGISTROS = ("Y5412345106", "B1234567105", "NO191919191")
# Names written in, besides the generated ones: found by both orders («JUAN JUAN»), by one
# or the other after their common beginning, with Ñ.
NOMBRES = (
    ("JUAN", "", "JUAN JUAN"),
    ("JUAN", "PEREZ", "JUAN"),
    ("MUÑOZ", "NUÑEZ", "ÑAKI"),
    ("NUÑEZ", "", "IÑIGO"),
    ("MARIA", "GUADALUPE", "MARIA GUADALUPE"),
    ("JUAN JUAN", "", "JUAN JUAN JUAN"),
    ("HERNANDEZ", "GONZALEZ", "MARIA DE LOS ANGELES"),
)
PANELES: dict[str, dict[str, object]] = {
    "sin filtro": {},
    **{f"registro {r}": {"registro_patronal": r} for r in REGISTROS},
    "otro registro": {"registro_patronal": "C1234567104"},
    "Reingresos": {"tipo": "08"},
    "Bajas": {"tipo": "02"},
    "Rechazados": {"estado": "rechazado"},
    "Pendientes": {"estado": "pendiente"},
    "trimestre": {"fecha_inicial": date(2025, 1, 1), "fecha_final": date(2025, 3, 31)},
    "entre meses": {"fecha_inicial": date(2025, 1, 15), "fecha_final": date(2025, 3, 10)},
    "entre años": {"fecha_inicial": date(2024, 12, 20), "fecha_final": date(2025, 1, 5)},
    "un día": {"fecha_inicial": date(2025, 6, 18), "fecha_final": date(2025, 6, 18)},
    "un mes sin sus extremos": {
        "fecha_inicial": date(2025, 6, 2),
        "fecha_final": date(2025, 6, 29),
    },
    "hasta fin de mes": {"fecha_inicial": date(2024, 11, 1), "fecha_final": date(2025, 4, 30)},
    "hasta un 28": {"fecha_inicial": date(2024, 11, 1), "fecha_final": date(2025, 3, 28)},
    "desde": {"fecha_inicial": date(2026, 2, 14)},
    "hasta": {"fecha_final": date(2024, 2, 14)},
    "antes de todo": {"fecha_final": date(2020, 1, 1)},
    "todo el tiempo": {"fecha_inicial": date(2000, 1, 1), "fecha_final": date(2040, 1, 1)},
    "registro y pestaña": {"registro_patronal": REGISTROS[0], "tipo": "07"},
    "registro, pestaña, estado y fechas": {
        "registro_patronal": REGISTROS[1],
        "tipo": "07",
        "estado": "aprobado",
        "fecha_inicial": date(2024, 3, 3),
        "fecha_final": date(2025, 9, 27),
    },
}


# Names as IDSE writes them: capitals without accents, but Ñ.
SIN_ACENTOS = str.maketrans("ÁÉÍÓÚÜ", "AEIOUU")


def _store(services, count: int = 3_000) -> None:
    """``count`` real-shaped movements, one in fifteen renamed by NOMBRES."""
    rng = random.Random(7)
    filas = []
    for fila in movimientos(count, TODAY):
        nombres = (fila["primer_apellido"], fila["segundo_apellido"], fila["nombre"])
        if rng.random() < 1 / 15:
            nombres = rng.choice(NOMBRES)
        primero, segundo, nombre = (str(n).translate(SIN_ACENTOS) for n in nombres)
        filas.append({**fila, "primer_apellido": primero, "segundo_apellido": segundo})
        filas[-1]["nombre"] = nombre
    crear_movimientos(services.store, count, TODAY, filas=filas)


@dataclass(frozen=True)
class _Fila:
    nss: str
    curp: str
    nombres: tuple[str, str]


def _filas(movimientos_svc, terms: dict[str, object]) -> list[_Fila]:
    """The panel's rows, as its search alone shows them."""
    at = {c.attr: 1 + i for i, c in enumerate(COLUMNS)}
    filas = []
    for row in movimientos_svc.iter_rows(Filtro(**terms), Orden()):
        apellidos = f"{row[at['primer_apellido']]} {row[at['segundo_apellido']] or ''}".strip()
        nombre = row[at["nombre"]]
        nombres = (normalizar(f"{apellidos} {nombre}"), normalizar(f"{nombre} {apellidos}"))
        filas.append(_Fila(row[at["nss"]], row[at["curp"]], nombres))
    return filas


def _esperado(filas: list[_Fila], buscar: str) -> int:
    """What the clerk expects ``buscar`` to find among ``filas``, worked out here on its own."""
    t = termino(buscar)
    assert t is not None
    if t.campos == (NSS,):
        return sum(f.nss.startswith(t.texto) for f in filas)
    if t.campos == (CURP,):
        return sum(f.curp.upper().startswith(t.texto) for f in filas)
    return sum(any(n.startswith(t.texto) for n in f.nombres) for f in filas)


def _textos(filas: list[_Fila]) -> list[str]:
    """Beginnings of common and written-in names (up to, at and past the copy's keys and the
    bytes it compares of a name's two orders), Ñ as typed, NSS beginnings of 1 to 11
    digits, a CURP's."""
    nombres = [
        "MARIA GUADALUPE GARCIA",
        "JUAN JUAN JUAN JUAN JUAN",
        "JUAN PEREZ JUAN",
        "HERNANDEZ GONZALEZ MARIA DE LOS ANGELES",
    ]
    # Lengths around the copy's edges: its keys' width and the bytes it compares of both orders.
    largos = {1, 2, 3, 4, 5, espejo.ANCHO - 1, espejo.ANCHO, espejo.ANCHO + 1, espejo.ANCHO + 3}
    largos |= {espejo.AMBOS - 1, espejo.AMBOS, espejo.AMBOS + 1}
    textos = sorted({n[:k] for n in nombres for k in largos} | set(nombres))
    textos += ["ma", "mar", "ju", "gar", "muñ", "MUNOZ NUNEZ N", "ñaki", "iñi", "nunez i"]
    textos += ["juan p", "juan j", "JUAN JUAN", "Juan  Juan", "zz", "a", "maria guadalupeø"]
    textos += [filas[0].nss[:k] for k in range(1, 12)] + ["0", "9", "123456789012"]
    textos += [filas[0].curp[:6], filas[0].curp[:10]]
    return textos


def _panel(terms: dict[str, object]) -> Busqueda:
    return Filtro(**terms).busqueda()  # type: ignore[arg-type]  # PANELES' values are Filtro's


def _bordes(movimientos_svc) -> dict[str, dict[str, object]]:
    """Date ranges that begin or end next to the copy's edges of 256-day spans (its days are
    counted from the store's first fecha)."""
    fecha = next(i for i, c in enumerate(COLUMNS) if c.attr == "fecha")
    primera = movimientos_svc.pagina(Filtro(), Orden(fecha, descending=False), 0, 1)[0][1 + fecha]
    bordes: dict[str, dict[str, object]] = {}
    for dias in (3, 255, 256, 258):
        dia = primera + timedelta(days=dias)
        bordes[f"desde el día {dias}"] = {"fecha_inicial": dia, "fecha_final": dia + timedelta(400)}
    for dias in (253, 509, 511, 512, 514):
        dia = primera + timedelta(days=dias)
        bordes[f"hasta el día {dias}"] = {
            "fecha_inicial": primera + timedelta(100),
            "fecha_final": dia,
        }
    return bordes


@pytest.mark.slow  # ~2,300 finds counted by SQL and by the copy, each against the clerk's own
def test_any_find_under_any_panel_filter_is_counted_alike_by_sql_and_by_the_copy(
    services, monkeypatch
):
    # Each count by SQL asks the store (nothing kept between questions).
    for kept in ("RESUMENES", "CONTEOS", "ORDENES"):
        monkeypatch.setattr(hallados, kept, 0)
    monkeypatch.setattr(espejo, "MINIMO", 10**9)  # a small store: no copy
    _store(services)
    movimientos_svc = services.movimientos
    todos = {**PANELES, **_bordes(movimientos_svc)}
    paneles = {name: _filas(movimientos_svc, terms) for name, terms in todos.items()}
    textos = _textos(paneles["sin filtro"])
    esperados = {
        (name, buscar): _esperado(filas, buscar)
        for name, filas in paneles.items()
        for buscar in textos
    }
    assert esperados[("sin filtro", "JUAN JUAN")] > 0
    assert esperados[("sin filtro", "ñaki")] > 0
    for (name, buscar), n in esperados.items():  # by SQL
        assert movimientos_svc.count(Filtro(buscar=buscar, **todos[name])) == n, (name, buscar)
    assert movimientos_svc.buscador.copia.espejos.vigente() is None

    monkeypatch.setattr(espejo, "MINIMO", 1)  # as if the store had grown since
    _cambio_de_nada(services)
    movimientos_svc.count(Filtro(buscar="ma"))  # asks for the copy
    movimientos_svc.buscador.copia.espejos.esperar()
    copia = movimientos_svc.buscador.copia.espejos.vigente()
    assert copia is not None
    for (name, buscar), n in esperados.items():
        t = termino(buscar)
        assert t is not None
        desde_la_copia = copia.contar(
            t, _panel(todos[name]), movimientos_svc.buscador.almacen.contar_rango
        )
        if t.campos == (CURP,) or len(t.texto) > espejo.AMBOS or not t.texto.isascii():
            assert desde_la_copia is None  # counted by SQL
        else:
            assert desde_la_copia == n, (name, buscar)
        assert movimientos_svc.count(Filtro(buscar=buscar, **todos[name])) == n, (name, buscar)


def _contar(movimientos_svc, buscar: str, terms: dict[str, object]) -> tuple[int, int]:
    """The service's count, and the clerk's."""
    contado = movimientos_svc.count(Filtro(buscar=buscar, **terms))
    return contado, _esperado(_filas(movimientos_svc, terms), buscar)


def _cambio_de_nada(services) -> None:
    """A change of no movement recorded (as the store's growth past a limit would be one of
    many): to the store's ``vigencia()`` the movements changed."""
    with services.store.engine.begin() as conn:
        conn.execute(text("INSERT INTO movimientos_cambiados (movimiento_id) VALUES (-1)"))


def _construida(movimientos_svc) -> espejo.Espejo:
    """The copy, asked for by the window's first count and built."""
    movimientos_svc.count(Filtro())
    movimientos_svc.buscador.copia.espejos.esperar()
    copia = movimientos_svc.buscador.copia.espejos.vigente()
    assert copia is not None
    return copia


def _la_copia_cuenta_como_el_capturista(movimientos_svc, textos: list[str]) -> None:
    """The current copy (not read again) counts each of ``textos`` under each panel filter as
    the clerk expects from the rows the store has now; a text longer than its keys may be
    left to SQL, which counts it right too."""
    copias = movimientos_svc.buscador.copia.espejos
    construccion = copias._construccion
    for name, terms in PANELES.items():
        filas = _filas(movimientos_svc, terms)
        for buscar in textos:
            t = termino(buscar)
            assert t is not None
            contado = copias.contar(t, _panel(terms), movimientos_svc.buscador.almacen.contar_rango)
            esperado = _esperado(filas, buscar)
            if contado is None:
                assert len(t.texto.encode()) > espejo.ANCHO, (name, buscar)
            else:
                assert contado == esperado, (name, buscar)
            assert movimientos_svc.count(Filtro(buscar=buscar, **terms)) == esperado
    assert copias._construccion is construccion  # brought up to date, not read again


def test_a_change_is_counted_by_the_copy_brought_up_to_date(services, monkeypatch):
    """Right after an edit, a delete, a row removed and an import, the copy answers (it is
    brought up to date from the rows written, not read again) and counts as the clerk
    expects."""
    monkeypatch.setattr(espejo, "MINIMO", 1)
    _store(services, 600)
    movimientos_svc = services.movimientos
    _construida(movimientos_svc)
    textos = ["ma", "zapata zu", "zapata zuñiga", "ZAPATA ZUÑIGA ROSA", "ju", "rosa", "0", "1"]
    # Longer than the copy's keys (its range narrowed by the index, which holds the store now).
    textos += ["maria guadalupe", "maria guadalupe z", "MARIA GUADALUPE MARIA", "ZAPATA ZUNIGA"]
    textos += ["JUAN PEREZ JUAN", "juan perez j"]

    # An edit: a rejected movement corrected under another name (pendiente again).
    rechazado = next(iter(movimientos_svc.iter_rows(Filtro(estado="rechazado"), Orden())))
    assert _contar(movimientos_svc, "zapata zu", {}) == (0, 0)
    mov = movimientos_svc.movimiento(rechazado[0])
    corregido = replace(mov, primer_apellido="ZAPATA", segundo_apellido="ZUÑIGA", nombre="ROSA")
    movimientos_svc.corregir(rechazado[0], corregido, CLI_ACTOR)
    t = termino("zapata zu")
    assert t is not None
    assert movimientos_svc.buscador.copia.espejos.contar(t, _panel({"estado": "pendiente"})) == 1
    _la_copia_cuenta_como_el_capturista(movimientos_svc, textos)

    # A delete, as a sync brings it (written, then announced), and a row removed.
    with services.store.engine.begin() as conn:
        conn.execute(
            text("UPDATE movimientos SET deleted = 1 WHERE id = :id"), {"id": rechazado[0]}
        )
        conn.execute(text("DELETE FROM movimientos WHERE id IN (5, 6)"))
    services.store.cambios.anunciar({MOVIMIENTOS})
    assert movimientos_svc.buscador.copia.espejos.contar(t, _panel({})) == 0
    _la_copia_cuenta_como_el_capturista(movimientos_svc, textos)

    # A common nombre's movements deleted around another's (one in two).
    with services.store.engine.begin() as conn:
        borrados = conn.execute(
            text(
                "UPDATE movimientos SET deleted = 1 WHERE nombre = 'MARIA GUADALUPE' "
                "AND primer_apellido <> 'MARIA' AND id % 2 = 0"
            )
        ).rowcount
        assert borrados > 3
    services.store.cambios.anunciar({MOVIMIENTOS})
    _la_copia_cuenta_como_el_capturista(movimientos_svc, textos)

    # Renamed next to a common name's longer beginning (the same first bytes: its key).
    with services.store.engine.begin() as conn:
        conn.execute(
            text(
                "UPDATE movimientos SET primer_apellido = 'JUAN', segundo_apellido = 'PEREZ', "
                "nombre = 'JOSE' WHERE id = (SELECT min(id) FROM movimientos "
                "WHERE deleted = 0 AND nombre NOT LIKE 'JU%' AND primer_apellido NOT LIKE 'JU%')"
            )
        )
    services.store.cambios.anunciar({MOVIMIENTOS})
    _la_copia_cuenta_como_el_capturista(movimientos_svc, textos)

    # New movements through the store's bulk path (an import's): one of a registro the copy
    # never saw, dated before its first fecha.
    nuevas = [
        {**fila, "primer_apellido": "ZAPATA", "segundo_apellido": "ZUÑIGA", "nombre": "ROSA"}
        for fila in movimientos(3, TODAY + timedelta(days=400))
    ]
    nuevas[0]["registro_patronal"] = "C1234567104"
    nuevas[1]["fecha"] = date(2019, 5, 5)
    assert crear_movimientos(services.store, 3, TODAY, filas=nuevas) == 3
    services.store.cambios.anunciar({MOVIMIENTOS})
    otro = _panel({"registro_patronal": "C1234567104"})
    assert movimientos_svc.buscador.copia.espejos.contar(t, otro) == 1
    antes = _panel({"fecha_final": date(2020, 1, 1)})
    assert movimientos_svc.buscador.copia.espejos.contar(t, antes) == 1
    _la_copia_cuenta_como_el_capturista(movimientos_svc, textos)


def test_a_copy_further_behind_than_the_stores_record_is_read_again(services, monkeypatch):
    """More movements written than the copy is brought up to date with, an import past what
    the store records one by one, or a record that no longer reaches back to the copy (only
    the latest are kept): the copy is read again, and SQL counts right meanwhile."""
    monkeypatch.setattr(espejo, "MINIMO", 1)
    _store(services, 600)
    movimientos_svc = services.movimientos
    copias = movimientos_svc.buscador.copia.espejos
    _construida(movimientos_svc)
    t = termino("ma")
    assert t is not None

    def cambio(sql: str) -> None:
        with services.store.engine.begin() as conn:
            conn.execute(text(sql))
        services.store.cambios.anunciar({MOVIMIENTOS})

    def leida_de_nuevo() -> None:
        assert copias.vigente() is None
        contado, esperado = _contar(movimientos_svc, "ma", {"tipo": "02"})
        assert contado == esperado  # by SQL, the copy asked for again
        copias.esperar()
        assert copias.contar(t, _panel({"tipo": "02"})) == esperado

    monkeypatch.setattr(espejo, "AL_DIA", 5)
    cambio("UPDATE movimientos SET estado = 'rechazado' WHERE id BETWEEN 10 AND 13")
    assert copias.vigente() is not None  # four: brought up to date
    cambio("UPDATE movimientos SET estado = 'pendiente' WHERE id BETWEEN 13 AND 15")
    leida_de_nuevo()  # six since it was read

    # The oldest changes let go of as 101,000 more are recorded (the store's own trigger keeps
    # the latest 100,000, letting go of the older every thousand).
    cambio(
        "INSERT INTO movimientos_cambiados (movimiento_id) WITH RECURSIVE k(i) AS "
        "(SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < 101000) SELECT 1 FROM k"
    )
    with services.store.engine.connect() as conn:
        guardados = conn.execute(text("SELECT count(*) FROM movimientos_cambiados")).scalar()
    assert guardados is not None and 100_000 <= guardados < 101_000
    leida_de_nuevo()

    monkeypatch.setattr(movimientos_espejo, "REGISTRADOS", 2)
    nuevas = [{**f, "registro_patronal": REGISTROS[0]} for f in movimientos(3, date(2027, 2, 1))]
    assert crear_movimientos(services.store, 3, TODAY, filas=nuevas) == 3
    services.store.cambios.anunciar({MOVIMIENTOS})
    leida_de_nuevo()


def test_a_build_begun_before_a_change_is_brought_up_to_date_and_letting_go_of_the_file_ends_it(
    services, monkeypatch
):
    monkeypatch.setattr(espejo, "MINIMO", 1)
    _store(services, 600)
    movimientos_svc = services.movimientos
    copias = movimientos_svc.buscador.copia.espejos
    with movimientos_svc.buscador.hallados.primer_plano(
        None
    ):  # the clerk's question being answered
        movimientos_svc.count(Filtro(buscar="ma"))
        construccion = copias._construccion
        assert construccion is not None and construccion.hilo.is_alive()  # waiting
        with services.store.engine.begin() as conn:
            conn.execute(text("UPDATE movimientos SET tipo = '02' WHERE id BETWEEN 1 AND 40"))
        services.store.cambios.anunciar({MOVIMIENTOS})
    copias.esperar()
    assert copias.vigente() is not None  # built, then brought up to date
    contado, esperado = _contar(movimientos_svc, "ma", {"tipo": "02"})
    assert contado == esperado

    _cambio_de_nada(services)
    copias.cerrar()  # let go of, as when the file is
    # None kept on disk (that one is read at once): read from the store, after the clerk.
    espejo_guardado.olvidar(movimientos_svc.buscador.copia.ruta)
    with movimientos_svc.buscador.hallados.primer_plano(None):
        movimientos_svc.count(Filtro(buscar="ju"))
        construccion = copias._construccion
        assert construccion is not None and construccion.hilo.is_alive()
        # As a restore or a repair does before replacing the file: the build ends, no
        # longer waiting for the clerk.
        services.store.reopen()
        assert not construccion.hilo.is_alive()
    assert copias.vigente() is None
    contado, esperado = _contar(movimientos_svc, "ju", {"estado": "rechazado"})
    assert contado == esperado


@pytest.mark.parametrize("nss", ["1234", "12345678901A"])
def test_an_nss_not_of_digits_leaves_nss_finds_to_sql(services, monkeypatch, nss):
    """A store holding an NSS the copy's keys cannot hold (letters: a damaged import) still
    counts NSS finds right (by SQL) and names from the copy."""
    monkeypatch.setattr(espejo, "MINIMO", 1)
    _store(services, 300)
    with services.store.engine.begin() as conn:
        conn.execute(text("UPDATE movimientos SET nss = :nss WHERE id = 1"), {"nss": nss})
    services.store.cambios.anunciar({MOVIMIENTOS})
    movimientos_svc = services.movimientos
    movimientos_svc.count(Filtro(buscar="ma"))
    movimientos_svc.buscador.copia.espejos.esperar()
    copia = movimientos_svc.buscador.copia.espejos.vigente()
    assert copia is not None
    for buscar in ("1", "12", "123"):
        contado, esperado = _contar(movimientos_svc, buscar, {"tipo": "07"})
        assert contado == esperado, buscar
    assert _contar(movimientos_svc, "1234", {})[0] >= 1
    t = termino("ma")
    assert t is not None and copia.contar(t, Busqueda()) is not None


def test_a_store_of_movements_decades_apart_is_copied_and_counted_by_day(services, monkeypatch):
    """Fechas 31 years apart (past what a month in a byte would hold) are counted by day."""
    monkeypatch.setattr(espejo, "MINIMO", 1)
    _store(services, 300)
    with services.store.engine.begin() as conn:
        conn.execute(text("UPDATE movimientos SET fecha = '1995-01-10' WHERE id IN (1, 2)"))
    services.store.cambios.anunciar({MOVIMIENTOS})
    movimientos_svc = services.movimientos
    movimientos_svc.count(Filtro(buscar="ma"))
    movimientos_svc.buscador.copia.espejos.esperar()
    assert movimientos_svc.buscador.copia.espejos.vigente() is not None
    dia = date(1995, 1, 10)
    for terms in (
        {"fecha_final": date(1996, 1, 1)},
        {"fecha_inicial": dia, "fecha_final": dia},
        {"fecha_inicial": dia + timedelta(1), "fecha_final": date(2026, 1, 31)},
    ):
        filas = _filas(movimientos_svc, terms)
        for buscar in {filas[0].nombres[0][:2], filas[0].nss[:3], "a"} if filas else {"ma"}:
            contado, esperado = _contar(movimientos_svc, buscar, terms)
            assert contado == esperado, (terms, buscar)
    assert len(_filas(movimientos_svc, {"fecha_inicial": dia, "fecha_final": dia})) == 2


def test_a_store_past_the_copys_limit_is_counted_by_sql_without_a_copy(services, monkeypatch):
    """More live movements than the copy is kept for (its memory grows with them): none is
    built, and every find is counted by SQL as the clerk expects."""
    monkeypatch.setattr(espejo, "MINIMO", 1)
    monkeypatch.setattr(espejo, "MAXIMO", 599)
    _store(services, 600)
    movimientos_svc = services.movimientos
    movimientos_svc.count(Filtro())  # the window's first count
    movimientos_svc.buscador.copia.espejos.esperar()
    assert movimientos_svc.buscador.copia.espejos.vigente() is None
    for terms in PANELES.values():
        contado, esperado = _contar(movimientos_svc, "ma", terms)
        assert contado == esperado, terms
    monkeypatch.setattr(espejo, "MAXIMO", 600)  # at the limit: kept
    _contar(movimientos_svc, "ju", {"estado": "rechazado"})
    assert (
        movimientos_svc.buscador.copia.espejos._construccion is None
    )  # looked at again after a change
    _cambio_de_nada(services)
    _contar(movimientos_svc, "ju", {"estado": "rechazado"})  # a new find asks for it
    movimientos_svc.buscador.copia.espejos.esperar()
    assert movimientos_svc.buscador.copia.espejos.vigente() is not None


def test_the_windows_count_keeps_the_copy_current_before_a_find_asks(services, monkeypatch):
    """The window, refreshed by a change, counts its tabs: that count brings the copy up to
    date (or, past what it can follow, has it read again), so the clerk's next find does
    not wait for it."""
    monkeypatch.setattr(espejo, "MINIMO", 1)
    _store(services, 600)
    movimientos_svc = services.movimientos
    copia = _construida(movimientos_svc)
    with services.store.engine.begin() as conn:
        conn.execute(text("UPDATE movimientos SET estado = 'rechazado' WHERE id = 3"))
    services.store.cambios.anunciar({MOVIMIENTOS})
    assert 3 not in copia.tocados
    movimientos_svc.count(Filtro(tipo="02"))  # a tab's count, no find
    movimientos_svc.buscador.copia.espejos.esperar()  # in the background, the clerk not kept waiting
    assert 3 in copia.tocados

    monkeypatch.setattr(movimientos_espejo, "REGISTRADOS", 2)  # an import of «many»
    nuevas = [{**f, "registro_patronal": REGISTROS[0]} for f in movimientos(3, date(2027, 2, 1))]
    assert crear_movimientos(services.store, 3, TODAY, filas=nuevas) == 3
    services.store.cambios.anunciar({MOVIMIENTOS})
    antes = movimientos_svc.buscador.copia.espejos._construccion
    movimientos_svc.count(Filtro())
    movimientos_svc.buscador.copia.espejos.esperar()
    assert movimientos_svc.buscador.copia.espejos._construccion is not antes  # read again meanwhile
    nueva = movimientos_svc.buscador.copia.espejos._construccion
    contado, esperado = _contar(movimientos_svc, "ma", {"registro_patronal": REGISTROS[0]})
    assert contado == esperado
    assert movimientos_svc.buscador.copia.espejos._construccion is nueva  # the find had it ready

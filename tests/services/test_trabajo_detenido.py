"""Long work that outlives a grant: Beto exports or imports in his empresa while Ana, at another
desk (her own services, her own connections), withdraws his grant half-way. The work asks the
session's gate between batches: the export stops without its file, the import is rolled back,
the session ends, and the stop is audited in the empresa's log with what had been done."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from icsoe_desktop.domain.roles import CLI_ACTOR
from icsoe_desktop.services.acceso.accounts import Registration
from icsoe_desktop.services.acceso.permisos import PermisoDenegado
from icsoe_desktop.services.container import open_services
from icsoe_desktop.services.movimientos.servicio import Filtro, Orden
from icsoe_desktop.services.nomina.importar import LOTE
from icsoe_desktop.store.models import ReciboNomina
from tests import nomina_cfdi as nc
from tests.empresas.tres import ANA, BETO, CLIENTES, PASSWORD, build, seed_movimientos
from tests.services.movimientos_data import write_csv
from tests.services.test_import_files import many_rows

DOS = CLIENTES[1]  # Beto is granted DOS
EXPORTADAS = 5_000
MOTIVO = "se retiró al usuario el acceso a la empresa"


@pytest.fixture
def ids(data_dir) -> dict[str, int]:
    return build(data_dir)


@pytest.fixture
def admin(data_dir, ids) -> Iterator:
    """Ana, the administrator, at another desk."""
    services = open_services(data_dir)
    yield services
    services.close()


@pytest.fixture
def beto(data_dir, ids) -> Iterator:
    """Beto signed in to DOS: his session's gate open, as the GUI opens it."""
    services = open_services(data_dir)
    services.abrir_empresa(ids[DOS.rfc])
    services.puerta.abrir(BETO)
    yield services
    services.close()


def _retirar_desde_otro_hilo(admin, ids) -> None:
    """Ana withdraws the grant at her desk: another thread, other connections."""
    hilo = threading.Thread(target=admin.accesos.retirar, args=(BETO, ids[DOS.rfc], ANA))
    hilo.start()
    hilo.join()


def _detenidos(admin, ids) -> list[tuple[str, str, str]]:
    admin.abrir_empresa(ids[DOS.rfc])
    return [
        (r.actor, r.target, r.detail)
        for r in admin.audit.recent()
        if r.action == "trabajo_detenido"
    ]


def _acciones(admin) -> list[str]:
    return [r.action for r in admin.audit.recent()]


@pytest.mark.parametrize("nombre", ["movimientos.xlsx", "movimientos.csv"])
def test_an_export_stopped_by_a_withdrawn_grant_leaves_no_file_and_is_audited(
    admin, beto, ids, tmp_path: Path, nombre: str
) -> None:
    seed_movimientos(beto, CLIENTES[0].registro, EXPORTADAS)
    total = DOS.movimientos + EXPORTADAS
    oidos: list[tuple[str, str]] = []
    beto.permisos.al_terminar_sesion(lambda actor, exc: oidos.append((actor, exc.code)))
    carpeta = tmp_path / "salida"
    carpeta.mkdir()
    destino = carpeta / nombre
    vistos: list[int] = []

    def avance(hechas: int, _total: int) -> None:
        vistos.append(hechas)
        if hechas == 1_000:  # the first batch written: the grant goes now
            _retirar_desde_otro_hilo(admin, ids)

    with pytest.raises(PermisoDenegado) as rechazo:
        beto.exportador.exportar(Filtro(), Orden(), destino, BETO, avance)

    assert rechazo.value.code == "empresa_sin_acceso"
    assert vistos == [1_000]  # stopped at the next batch
    assert list(carpeta.iterdir()) == []  # neither the file nor its temporary
    assert oidos == [(BETO, "empresa_sin_acceso")]  # the session ends
    with pytest.raises(PermisoDenegado):  # and stays ended
        beto.movimientos.count(Filtro())
    assert _detenidos(admin, ids) == [
        (
            BETO,
            "ExportadorMovimientos.exportar",
            f"La exportación a «{destino.resolve()}»: 2,000 de {total:,} filas escritas; el "
            f"archivo no se guardó; {MOTIVO}",
        )
    ]
    assert "movimientos_exportados" not in _acciones(admin)


def test_an_import_stopped_by_a_withdrawn_grant_is_rolled_back_and_audited(
    admin, beto, ids, tmp_path: Path
) -> None:
    filas = many_rows(6_000)
    for fila in filas:
        fila["Registro Patronal"] = DOS.registro
    archivo = write_csv(tmp_path / "nomina.csv", filas)
    oidos: list[tuple[str, str]] = []
    beto.permisos.al_terminar_sesion(lambda actor, exc: oidos.append((actor, exc.code)))
    retirada: list[int] = []

    def avance(hecho: int, _total: int) -> None:
        if not retirada and hecho > 0:  # rows are in the transaction: the grant goes now
            retirada.append(hecho)
            _retirar_desde_otro_hilo(admin, ids)

    with pytest.raises(PermisoDenegado) as rechazo:
        beto.importador.import_file(archivo, BETO, avance)

    assert rechazo.value.code == "empresa_sin_acceso" and retirada
    assert oidos == [(BETO, "empresa_sin_acceso")]
    with pytest.raises(PermisoDenegado):
        beto.movimientos.count(Filtro())
    admin.abrir_empresa(ids[DOS.rfc])
    assert admin.movimientos.count(Filtro()) == DOS.movimientos  # nothing of the file stays
    assert beto.en_curso.recoger() == []  # not an interrupted import for the next start
    assert _detenidos(admin, ids) == [
        (
            BETO,
            "MovimientosImporter.import_file",
            f"La importación de movimientos de «nomina.csv»: se deshizo; no se guardó nada; {MOTIVO}",
        )
    ]
    assert "movimientos_importados" not in _acciones(admin)


def test_work_goes_on_while_the_grant_stays(admin, beto, ids, tmp_path: Path) -> None:
    """The same export with the grant kept: every row written, audited as an export."""
    seed_movimientos(beto, CLIENTES[0].registro, EXPORTADAS)
    destino = tmp_path / "movimientos.csv"
    escritas = beto.exportador.exportar(Filtro(), Orden(), destino, BETO)
    assert escritas == DOS.movimientos + EXPORTADAS
    assert len(destino.read_text(encoding="utf-8-sig").splitlines()) == escritas + 1
    assert _detenidos(admin, ids) == []
    assert "movimientos_exportados" in _acciones(admin)


def test_a_payroll_import_stopped_keeps_the_batches_it_saved_and_says_so(
    services, data_dir, tmp_path: Path
) -> None:
    """The receipts are saved a batch at a time: a user disabled half-way keeps the batches
    already saved, the rest is not, and the audit says how many stayed."""
    services.primer_uso.guardar_empresa(nc.RFC_EMPRESA, "Servicios del Mayab SA de CV", CLI_ACTOR)
    services.nombrar_empresa()
    nc.confiar(data_dir)
    for nombre, usuario in (("Ana", ANA), ("Beto", BETO)):  # Ana, the first, administers
        services.accounts.register(
            Registration(nombre, "Paz", "", usuario, PASSWORD, PASSWORD, True)
        )
    gente = nc.trabajadores(LOTE + 40, seed=21)
    paquete = tmp_path / "semana.zip"
    paquete.write_bytes(
        nc.zip_de(list(nc.nomina(nc.Emisor(), gente, nc.semanas(date(2026, 4, 6), 1), seed=4)))
    )
    ana = open_services(data_dir)  # at her desk
    services.puerta.abrir(BETO)
    oidos: list[tuple[str, str]] = []
    services.permisos.al_terminar_sesion(lambda actor, exc: oidos.append((actor, exc.code)))

    def avance(hecho: int, _total: int) -> None:
        if hecho == LOTE + 1:  # the first batch saved: Ana disables Beto now
            hilo = threading.Thread(target=ana.accounts.set_enabled, args=(BETO, False, ANA))
            hilo.start()
            hilo.join()

    try:
        with pytest.raises(PermisoDenegado) as rechazo:
            services.nomina.importar([paquete], BETO, avance)
        assert rechazo.value.code == "usuario_no_habilitado"
        assert oidos == [(BETO, "usuario_no_habilitado")]
        guardados = [r for r in ana.audit.recent() if r.action == "trabajo_detenido"]
        assert [(r.actor, r.target, r.detail) for r in guardados] == [
            (
                BETO,
                "NominaImporter.importar",
                f"La importación de recibos de nómina de «semana.zip»: se detuvo; quedan los "
                f"{LOTE:,} recibos ya guardados; el usuario se deshabilitó",
            )
        ]
        with ana.store.session() as session:
            assert session.scalar(select(func.count()).select_from(ReciboNomina)) == LOTE
    finally:
        ana.close()

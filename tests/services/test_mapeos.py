"""The columns a clerk gave a file's shape in the import assistant: kept per empresa and per
import, found again under other title rows, refused (and audited) to a role that may not import,
and a damaged memory only means being asked again."""

from __future__ import annotations

from pathlib import Path

import pytest

from icsoe_desktop.domain.roles import CLI_ACTOR
from icsoe_desktop.services.acceso.permisos import PermisoDenegado
from icsoe_desktop.services.archivos import mapeos
from icsoe_desktop.services.archivos.lectura import Guia
from icsoe_desktop.services.archivos.mapeos import ARCHIVO
from icsoe_desktop.services.capturistas.excel import IMPORTACION as IMPORTAR_CAPTURISTAS
from icsoe_desktop.services.informativa.trabajadores_archivo import (
    IMPORTACION as IMPORTAR_TRABAJADORES,
)
from icsoe_desktop.services.informativa.trabajadores_archivo import leer_trabajadores
from icsoe_desktop.services.movimientos.importar import IMPORTACION as IMPORTAR_MOVIMIENTOS

CAPTURISTA = "BOXW310820HNERXN09"


def _trabajadores(path: Path, titulos: int = 0) -> Path:
    lines = [f"Reporte {i}" for i in range(titulos)]
    lines.append("Clave IMSS,Clave única,Nombre,Sueldo")
    lines.append("12000000377,BOXW310820HNERXN09,ANA,651.84")
    lines.append("12000000740,HEGT761003HDFRNN07,BETO,522.88")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _corregida(path: Path):
    leida = mapeos.leer(IMPORTAR_TRABAJADORES, path)
    assert leida is not None and leida.incierta  # the intake names none of the three
    return mapeos.leer(
        IMPORTAR_TRABAJADORES,
        path,
        Guia(1, ("nss", "curp", None, "sbc")),  # the clerk: row 1 is the header
    )


def test_a_remembered_shape_is_found_under_other_titles_and_reads_the_file(services, tmp_path):
    corregida = _corregida(_trabajadores(tmp_path / "octubre.csv"))
    assert not corregida.incierta and corregida.no_usadas == ["Nombre"]
    assert services.mapeos.recordar(CAPTURISTA, IMPORTAR_TRABAJADORES, corregida)

    noviembre = _trabajadores(tmp_path / "noviembre.csv", titulos=2)
    guia = services.mapeos.recordada_para(IMPORTAR_TRABAJADORES, noviembre)
    assert guia == Guia(3, ("nss", "curp", None, "sbc"))  # its header two rows lower
    archivo = leer_trabajadores(noviembre, guia)
    assert [(t.nss, t.renglon) for t in archivo.trabajadores] == [
        ("12000000377", 4),
        ("12000000740", 5),
    ]
    # Another import, or a file of another shape, is not read with it.
    assert services.mapeos.recordada_para(IMPORTAR_MOVIMIENTOS, noviembre) is None
    otro = tmp_path / "otro.csv"
    otro.write_text("Clave IMSS,Clave única,Sueldo\n1,2,3\n", encoding="utf-8")
    assert services.mapeos.recordada_para(IMPORTAR_TRABAJADORES, otro) is None
    entry = next(e for e in services.audit.recent() if e.action == "importacion_columnas")
    assert entry.target == "octubre.csv" and "Clave IMSS → nss" in entry.detail


def test_a_role_that_may_not_import_is_refused_and_audited(services, tmp_path):
    corregida = _corregida(_trabajadores(tmp_path / "octubre.csv"))
    with pytest.raises(PermisoDenegado):
        services.mapeos.recordar(None, IMPORTAR_TRABAJADORES, corregida)
    refusals = [e for e in services.audit_instalacion.recent() if e.action == "permiso_denegado"]
    assert refusals and not (services.carpeta / ARCHIVO).exists()


def test_a_file_without_header_is_not_remembered(services, tmp_path):
    path = tmp_path / "sin.csv"
    path.write_text("12000000377,BOXW310820HNERXN09,651.84\n", encoding="utf-8")
    leida = mapeos.leer(IMPORTAR_TRABAJADORES, path)
    assert not leida.incierta  # by position, as the IMSS template allows
    assert not services.mapeos.recordar(CLI_ACTOR, IMPORTAR_TRABAJADORES, leida)
    assert not (services.carpeta / ARCHIVO).exists()


@pytest.mark.parametrize(
    "damaged",
    [
        "{ no es json",
        "[1, 2]",
        "[" * 100_000 + "]" * 100_000,
        '{"a": ' * 50_000 + "1" + "}" * 50_000,
    ],
    ids=["no_json", "no_objeto", "anidado", "anidado_objeto"],
)
def test_a_damaged_memory_is_set_aside_and_means_being_asked_again(
    services, tmp_path, caplog, damaged
):
    """Nested past what the JSON parser follows (RecursionError) is damaged as well: the
    import goes on as with no memory, and the file is kept aside, not lost."""
    path = _trabajadores(tmp_path / "octubre.csv")
    services.mapeos.recordar(CLI_ACTOR, IMPORTAR_TRABAJADORES, _corregida(path))
    (services.carpeta / ARCHIVO).write_text(damaged, encoding="utf-8")
    assert services.mapeos.recordada_para(IMPORTAR_TRABAJADORES, path) is None
    assert (services.carpeta / f"{ARCHIVO}.dañado").read_text(encoding="utf-8") == damaged
    assert f"se apartó como {ARCHIVO}.dañado" in caplog.text
    guia = _corregida(path).guia  # the import itself goes on, with the clerk's answer
    assert len(leer_trabajadores(path, guia).trabajadores) == 2
    # And remembering again writes it whole.
    services.mapeos.recordar(CLI_ACTOR, IMPORTAR_TRABAJADORES, _corregida(path))
    assert services.mapeos.recordada_para(IMPORTAR_TRABAJADORES, path) is not None


def test_a_lote_file_or_a_file_that_is_no_table_opens_no_assistant(tmp_path):
    from datetime import date

    from icsoe_desktop.domain.idse_lote import format_line
    from icsoe_desktop.domain.movimientos import Movimiento

    mov = Movimiento(
        registro_patronal="Y5412345106",
        nss="12345678903",
        primer_apellido="GOMEZ",
        segundo_apellido="",
        nombre="ANA",
        fecha=date(2026, 1, 5),
        tipo="08",
    )
    lote = tmp_path / "lote.txt"
    lote.write_text(format_line(mov) + "\r\n", encoding="cp1252")
    assert mapeos.leer(IMPORTAR_MOVIMIENTOS, lote) is None
    foto = tmp_path / "foto.png"
    foto.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(200))
    assert mapeos.leer(IMPORTAR_CAPTURISTAS, foto) is None
    assert mapeos.leer(IMPORTAR_MOVIMIENTOS, tmp_path / "no-existe.csv") is None


def test_two_rows_that_could_be_the_header_make_the_file_uncertain(tmp_path):
    path = tmp_path / "dos.csv"
    path.write_text(
        "NSS,CURP,SBC\n12000000377,BOXW310820HNERXN09,651.84\n"
        "NSS,CURP,SBC\n12000000740,HEGT761003HDFRNN07,522.88\n",
        encoding="utf-8",
    )
    leida = mapeos.leer(IMPORTAR_TRABAJADORES, path)
    assert leida.fila_encabezado == 1 and leida.incierta
    una = tmp_path / "una.csv"
    una.write_text("NSS,CURP,SBC\n12000000377,BOXW310820HNERXN09,651.84\n", encoding="utf-8")
    assert not mapeos.leer(IMPORTAR_TRABAJADORES, una).incierta


def test_each_importer_registers_its_import_once_with_the_role_that_may_remember_it():
    """The intake knows an import by what its importer registered: its key (the name the
    remembered columns are kept under), the action whose role may remember them and its
    schema; a second importer under a key already taken is refused, so two imports never
    share each other's remembered columns."""
    from icsoe_desktop.domain.roles import Accion
    from icsoe_desktop.services.archivos.importaciones import registrar
    from icsoe_desktop.services.empresas.registros import IMPORTACION as IMPORTAR_REGISTROS
    from icsoe_desktop.services.informativa.rechazos import IMPORTACION as IMPORTAR_RECHAZOS
    from icsoe_desktop.services.movimientos.lotes import IMPORTACION as IMPORTAR_RESULTADO

    esperadas = {
        IMPORTAR_MOVIMIENTOS: ("movimientos", Accion.IMPORTAR_MOVIMIENTOS, "nss"),
        IMPORTAR_RESULTADO: ("resultado_lote", Accion.RESULTADO_LOTES, "nss"),
        IMPORTAR_TRABAJADORES: ("trabajadores_contrato", Accion.CAPTURAR_INFORMATIVA, "nss"),
        IMPORTAR_CAPTURISTAS: ("capturistas", Accion.CAPTURAR_INFORMATIVA, "curp"),
        IMPORTAR_RECHAZOS: ("rechazos_portal", Accion.RECHAZOS_PORTAL, "nss"),
        IMPORTAR_REGISTROS: ("registros_patronales", Accion.REGISTROS_PATRONALES, "rfc"),
    }
    for importacion, (clave, accion, campo) in esperadas.items():
        assert (importacion.clave, importacion.accion) == (clave, accion)
        assert campo in {c.clave for c in importacion.esquema.campos}
    with pytest.raises(ValueError, match="movimientos"):
        registrar("movimientos", Accion.IMPORTAR_MOVIMIENTOS, IMPORTAR_MOVIMIENTOS.esquema)

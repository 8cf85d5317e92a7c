"""SEPOMEX's catalogue of códigos postales: loading the official file (txt or zip, Latin-1 or
UTF-8), what a CP gives, every damaged file refused with the old catalogue kept, and the
catalogue shipped with the app loaded on first use."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import pytest

from icsoe_desktop.domain.contacto import ENTIDADES_FEDERATIVAS
from icsoe_desktop.domain.errors import DomainError, ValidationError
from icsoe_desktop.domain.roles import CLI_ACTOR
from icsoe_desktop.services.catalogos.codigos_postales import CATALOGO_FILE, CodigosPostalesService
from icsoe_desktop.services.catalogos.sepomex_archivo import ENTIDAD_POR_CLAVE
from tests import sepomex_datos as sd
from tests.conftest import FakeClock

SALTILLO = ("Álamos", "Centro", "Nogales", "Ñandúes", "Obrera", "Zona Centro")


@pytest.fixture
def catalogo(data_dir: Path, tmp_path: Path, clock: FakeClock) -> CodigosPostalesService:
    # No catalogue ships in the test's own resources folder.
    return CodigosPostalesService(data_dir, clock, incluidos=tmp_path / "sin_incluido")


def test_a_cp_gives_entidad_municipio_ciudad_and_its_colonias_in_spanish_order(catalogo, tmp_path):
    cargadas = catalogo.cargar(sd.escribir(tmp_path / "CPdescarga.txt"))
    assert cargadas == len(sd.ASENTAMIENTOS)
    saltillo = catalogo.buscar("25000")
    assert saltillo is not None
    assert (saltillo.entidad, saltillo.municipio, saltillo.ciudad) == (
        "Coahuila",
        "Saltillo",
        "Saltillo",
    )
    # Accents and case do not count, «ñ» goes after «n», «Centro» (barrio and colonia) once.
    assert saltillo.colonias == SALTILLO
    assert saltillo.colonia("zona  centro") == "Zona Centro"
    assert saltillo.colonia("alamos") == "Álamos"
    assert saltillo.colonia("Las Lomas") is None
    rural = catalogo.buscar(" 61500 ")
    assert rural is not None and rural.ciudad == "" and rural.municipio == "Zitácuaro"
    assert rural.colonias == ("Crescencio Morales", "El Aguacate")


def test_sepomex_state_names_become_the_apps(catalogo, tmp_path):
    catalogo.cargar(sd.escribir(tmp_path / "CPdescarga.txt"))
    entidades = {cp: catalogo.buscar(cp).entidad for cp in ("06600", "25000", "58000", "91000")}
    entidades["50000"] = catalogo.buscar("50000").entidad
    assert entidades == {
        "06600": "Ciudad de México",
        "25000": "Coahuila",
        "58000": "Michoacán",
        "91000": "Veracruz",
        "50000": "Estado de México",
    }
    # Every one of SEPOMEX's 32 state codes lands on a name of the app's own list.
    assert sorted(ENTIDAD_POR_CLAVE) == [f"{n:02d}" for n in range(1, 33)]
    assert sorted(ENTIDAD_POR_CLAVE.values()) == sorted(ENTIDADES_FEDERATIVAS)


def test_unknown_cp_malformed_text_and_no_catalogue_give_nothing(catalogo, tmp_path):
    assert catalogo.buscar("25000") is None
    assert not catalogo.estado().cargado
    catalogo.cargar(sd.escribir(tmp_path / "CPdescarga.txt"))
    for texto in ("99999", "2500", "250000", "25 00", "abcde", "", "２５０００"):
        assert catalogo.buscar(texto) is None, texto


def test_estado_says_when_from_what_and_how_much(catalogo, tmp_path, clock):
    catalogo.cargar(sd.escribir(tmp_path / "CPdescarga.txt"))
    estado = catalogo.estado()
    assert estado.cargado and not estado.incluido
    assert (estado.asentamientos, estado.codigos_postales, estado.entidades) == (15, 6, 5)
    assert estado.cargado_el == clock.now
    assert estado.origen == "CPdescarga.txt"


def test_utf8_download_and_the_zip_load_the_same(catalogo, tmp_path):
    catalogo.cargar(sd.escribir(tmp_path / "utf8" / "CPdescarga.txt", encoding="utf-8"))
    assert catalogo.buscar("25000").colonias == SALTILLO
    assert catalogo.buscar("58000").entidad == "Michoacán"

    zipped = sd.escribir_zip(
        tmp_path / "CPdescarga.zip",
        {"LEEME.pdf": b"%PDF-1.4", "descarga/CPdescarga.txt": sd.texto().encode("latin-1")},
    )
    assert catalogo.cargar(zipped) == len(sd.ASENTAMIENTOS)
    assert catalogo.buscar("91000").colonias == ("Rafael Lucio", "Xalapa Enríquez Centro")
    assert catalogo.estado().origen == "descarga/CPdescarga.txt (de CPdescarga.zip)"


def test_blank_lines_and_lines_of_bare_separators_are_skipped(catalogo, tmp_path):
    lineas = sd.texto().split("\r\n")
    lineas[3:3] = ["||||||||||||||", "", "   "]
    path = tmp_path / "CPdescarga.txt"
    path.write_bytes("\r\n".join(lineas).encode("latin-1"))
    assert catalogo.cargar(path) == len(sd.ASENTAMIENTOS)
    assert catalogo.buscar("25000").colonias == SALTILLO


def test_a_new_load_replaces_the_whole_catalogue(catalogo, tmp_path):
    catalogo.cargar(sd.escribir(tmp_path / "a.txt"))
    catalogo.cargar(sd.escribir(tmp_path / "b.txt", sd.ASENTAMIENTOS[:1]), parcial=True)
    assert catalogo.buscar("25000") is None
    assert catalogo.buscar("06600").colonias == ("Juárez",)
    assert catalogo.estado().codigos_postales == 1


def _zip_truncado(tmp_path: Path) -> Path:
    completo = sd.escribir_zip(tmp_path / "completo.zip").read_bytes()
    path = tmp_path / "cortado" / "CPdescarga.zip"
    path.parent.mkdir()
    path.write_bytes(completo[: len(completo) // 2])
    return path


def _escrito(nombre: str, datos: bytes | str):
    def escribir(tmp_path: Path) -> Path:
        path = tmp_path / "danados" / nombre
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(datos.encode("latin-1") if isinstance(datos, str) else datos)
        return path

    return escribir


CORTADO = sd.texto()[: len(sd.texto()) - 30]
SIN_ESTADO = sd.ENCABEZADO.replace("|c_estado", "")
DANADOS = [
    ("vacio", _escrito("CPdescarga.txt", b""), "sepomex_vacio", "está vacío"),
    ("espacios", _escrito("CPdescarga.txt", "\r\n  \r\n"), "sepomex_vacio", "está vacío"),
    (
        "binario",
        _escrito("CPdescarga.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256))),
        "sepomex_binario",
        "no es un archivo de texto",
    ),
    (
        "excel",
        _escrito("CPdescarga.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(500)),
        "sepomex_excel",
        "hoja de cálculo (Excel)",
    ),
    (
        "xml",
        _escrito("CPdescarga.xml", '<?xml version="1.0"?>\r\n<NewDataSet><table/></NewDataSet>'),
        "sepomex_ajeno",
        "en XML",
    ),
    (
        "ajeno",
        _escrito("nomina.csv", "nss,nombre,salario\r\n12345678901,Ana,500\r\n"),
        "sepomex_ajeno",
        "no es el catálogo de códigos postales de SEPOMEX",
    ),
    ("cortado", _escrito("CPdescarga.txt", CORTADO), "sepomex_incompleto", "línea 17 tiene"),
    (
        "columnas",
        _escrito("CPdescarga.txt", sd.texto(encabezado=SIN_ESTADO)),
        "sepomex_columnas",
        "falta c_estado",
    ),
    (
        "sin_datos",
        _escrito("CPdescarga.txt", sd.texto([])),
        "sepomex_sin_datos",
        "ningún código postal",
    ),
    (
        "cp_invalido",
        _escrito("CPdescarga.txt", sd.texto([("6600", *sd.ASENTAMIENTOS[0][1:])])),
        "sepomex_dato_invalido",
        "«6600», que no es de 5 dígitos",
    ),
    (
        "estado_invalido",
        _escrito("CPdescarga.txt", sd.texto([(*sd.ASENTAMIENTOS[0][:6], "33")])),
        "sepomex_dato_invalido",
        "clave de estado «33»",
    ),
    (
        "zip_sin_txt",
        lambda tmp: sd.escribir_zip(tmp / "z" / "CPdescarga.zip", {"CPdescarga.xml": b"<a/>"}),
        "sepomex_zip_sin_txt",
        "no contiene el catálogo en formato TXT",
    ),
    (
        "xlsx",
        lambda tmp: sd.escribir_zip(tmp / "z" / "CPdescarga.xlsx", {"xl/workbook.xml": b"<a/>"}),
        "sepomex_excel",
        "hoja de cálculo (Excel)",
    ),
    ("zip_cortado", _zip_truncado, "sepomex_zip_danado", "ZIP CPdescarga.zip está dañado"),
    (
        "zip_vacio",
        lambda tmp: sd.escribir_zip(tmp / "z" / "CPdescarga.zip", {"CPdescarga.txt": b""}),
        "sepomex_vacio",
        "está vacío",
    ),
    ("no_existe", lambda tmp: tmp / "no_existe.txt", "sepomex_no_encontrado", "No se encontró"),
    ("carpeta", lambda tmp: tmp, "sepomex_ilegible", "es una carpeta"),
]


@pytest.mark.parametrize(
    ("crear", "code", "said"), [d[1:] for d in DANADOS], ids=[d[0] for d in DANADOS]
)
def test_a_damaged_file_is_refused_in_spanish_and_the_old_catalogue_stays(
    catalogo, tmp_path, data_dir, crear, code, said
):
    catalogo.cargar(sd.escribir(tmp_path / "bueno" / "CPdescarga.txt"))
    with pytest.raises(ValidationError) as raised:
        catalogo.cargar(crear(tmp_path))
    assert raised.value.code == code
    assert said in raised.value.message
    assert catalogo.buscar("25000").colonias == SALTILLO
    assert catalogo.estado().origen == "CPdescarga.txt"
    assert sorted(p.name for p in data_dir.iterdir() if "sepomex" in p.name) == [CATALOGO_FILE]


def test_a_load_broken_off_while_writing_keeps_the_old_catalogue(catalogo, tmp_path, data_dir):
    catalogo.cargar(sd.escribir(tmp_path / "viejo.txt", sd.ASENTAMIENTOS[:1]))
    vistos: list[tuple[int, int]] = []

    def corte(hechas: int, total: int) -> None:  # the machine stops after the last row
        vistos.append((hechas, total))
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        catalogo.cargar(sd.escribir(tmp_path / "nuevo.txt"), progreso=corte)
    assert vistos == [(15, 15)]
    assert catalogo.buscar("25000") is None
    assert catalogo.buscar("06600").colonias == ("Juárez",)
    assert catalogo.estado().origen == "viejo.txt"
    assert sorted(p.name for p in data_dir.iterdir() if "sepomex" in p.name) == [CATALOGO_FILE]


def test_a_catalogue_that_is_not_sqlite_reads_as_none(catalogo, data_dir):
    (data_dir / CATALOGO_FILE).write_bytes(b"esto no es una base de datos" * 100)
    assert catalogo.buscar("25000") is None
    estado = catalogo.estado()
    assert not estado.cargado and "está dañado: cárgalo de nuevo" in estado.aviso


def test_a_write_that_fails_says_so_in_spanish(data_dir, tmp_path, clock):
    # The catalogue's folder holds a file where the new one would be built: no room to write.
    catalogo = CodigosPostalesService(data_dir / "ocupado", clock, incluidos=tmp_path / "x")
    (data_dir / "ocupado").write_text("un archivo, no una carpeta")
    with pytest.raises(DomainError) as raised:
        catalogo.cargar(sd.escribir(tmp_path / "CPdescarga.txt"))
    assert raised.value.code == "sepomex_no_guardado"
    assert "No se pudo guardar el catálogo de códigos postales" in raised.value.message


# --- the catalogue shipped with the app -------------------------------------------------------


def _incluido(tmp_path: Path, asentamientos=sd.ASENTAMIENTOS, edad: float = 0) -> Path:
    path = sd.escribir(tmp_path / "resources" / "sepomex" / "CPdescarga.txt", asentamientos)
    instante = path.stat().st_mtime + edad
    os.utime(path, (instante, instante))
    return path.parent


def test_the_shipped_catalogue_is_loaded_on_first_use_and_only_once(data_dir, tmp_path, clock):
    carpeta = _incluido(tmp_path)
    primero = CodigosPostalesService(data_dir, clock, incluidos=carpeta)
    assert primero.buscar("58000").colonias == ("Centro", "Chapultepec Norte")
    estado = primero.estado()
    assert estado.incluido and estado.origen == "CPdescarga.txt"
    assert estado.cargado_el == clock.now

    clock.advance(days=1)  # the next start: same shipped file, nothing loaded again
    CodigosPostalesService(data_dir, clock, incluidos=carpeta).preparar()
    assert primero.estado().cargado_el == clock.now - timedelta(days=1)


def test_a_newer_shipped_catalogue_replaces_an_older_one_but_not_a_newer_load(
    data_dir, tmp_path, clock
):
    carpeta = _incluido(tmp_path, sd.ASENTAMIENTOS[:1], edad=-86400)
    CodigosPostalesService(data_dir, clock, incluidos=carpeta).preparar()
    # An update of the app ships newer data: it replaces the old shipped catalogue.
    _incluido(tmp_path, sd.ASENTAMIENTOS, edad=0)
    catalogo = CodigosPostalesService(data_dir, clock, incluidos=carpeta)
    assert catalogo.buscar("25000").colonias == SALTILLO

    # IT loads a file downloaded after the shipped one: a later start keeps IT's.
    descargado = sd.escribir(tmp_path / "it" / "CPdescarga.txt", sd.ASENTAMIENTOS[:2])
    futuro = descargado.stat().st_mtime + 86400
    os.utime(descargado, (futuro, futuro))
    catalogo.cargar(descargado, parcial=True)
    siguiente = CodigosPostalesService(data_dir, clock, incluidos=carpeta)
    assert siguiente.buscar("25000").colonias == ("Zona Centro",)
    assert not siguiente.estado().incluido


def test_a_shipped_zip_loads_too_and_a_damaged_one_is_reported_not_raised(
    data_dir, tmp_path, clock
):
    carpeta = tmp_path / "resources" / "sepomex"
    sd.escribir_zip(carpeta / "CPdescarga.zip")
    assert CodigosPostalesService(data_dir, clock, incluidos=carpeta).buscar("06600") is not None

    otro = tmp_path / "otra_instalacion"
    otro.mkdir()
    danado = tmp_path / "danado" / "sepomex"
    danado.mkdir(parents=True)
    (danado / "CPdescarga.txt").write_bytes(b"")
    catalogo = CodigosPostalesService(otro, clock, incluidos=danado)
    assert catalogo.buscar("06600") is None
    estado = catalogo.estado()
    assert not estado.cargado
    assert estado.aviso.startswith(
        "No se pudo cargar el catálogo de códigos postales incluido con la aplicación "
        "(CPdescarga.txt): El archivo CPdescarga.txt está vacío."
    )


def test_the_container_builds_it_on_the_installations_data_dir(services, data_dir, tmp_path):
    catalogo = services.codigos_postales
    assert catalogo is services.codigos_postales
    catalogo.cargar(sd.escribir(tmp_path / "CPdescarga.txt"), actor=CLI_ACTOR)
    assert (data_dir / CATALOGO_FILE).is_file()
    assert services.codigos_postales.buscar("06600").municipio == "Cuauhtémoc"
    services.preload()  # with nothing shipped in resources/sepomex, the loaded one stays
    assert services.codigos_postales.estado().origen == "CPdescarga.txt"


# --- a file that would lose data, repeat itself, never end or read in another encoding ------


def test_a_file_cut_short_is_refused_unless_it_is_declared_partial(catalogo, tmp_path):
    catalogo.cargar(sd.escribir(tmp_path / "completo.txt"))
    mitad = sd.escribir(tmp_path / "mitad" / "CPdescarga.txt", sd.ASENTAMIENTOS[:8])
    with pytest.raises(ValidationError) as raised:
        catalogo.cargar(mitad)
    assert raised.value.code == "sepomex_menor"
    assert raised.value.message.startswith(
        "El archivo CPdescarga.txt tiene 8 colonias de 2 entidades y el catálogo cargado 15 de "
        "5: cargarlo quitaría 7 colonias (46 %) y las entidades Estado de México, Michoacán, "
        "Veracruz."
    )
    assert "«sepomex cargar --parcial»" in raised.value.message
    assert catalogo.buscar("58000").colonias == ("Centro", "Chapultepec Norte")
    assert catalogo.estado().origen == "completo.txt"

    assert catalogo.cargar(mitad, parcial=True) == 8
    assert catalogo.buscar("58000") is None


def test_losing_one_entidad_is_refused_even_with_as_many_colonias(catalogo, tmp_path):
    catalogo.cargar(sd.escribir(tmp_path / "completo.txt"))
    sin_toluca = [a for a in sd.ASENTAMIENTOS if a[6] != "15"]
    otras = [
        ("25001", f"Colonia {i}", "Colonia", "Saltillo", "Coahuila", "", "05") for i in range(3)
    ]
    with pytest.raises(ValidationError) as raised:
        catalogo.cargar(sd.escribir(tmp_path / "n" / "CPdescarga.txt", sin_toluca + otras))
    assert raised.value.code == "sepomex_menor"
    assert "quitaría la entidad Estado de México." in raised.value.message


def test_a_few_colonias_fewer_is_a_normal_update(data_dir, tmp_path, clock):
    catalogo = CodigosPostalesService(data_dir, clock, incluidos=tmp_path / "ninguno")
    muchas = [
        (f"{25000 + i // 10:05d}", f"Colonia {i}", "Colonia", "Saltillo", "Coahuila", "", "05")
        for i in range(100)
    ]
    catalogo.cargar(sd.escribir(tmp_path / "a.txt", muchas))
    assert catalogo.cargar(sd.escribir(tmp_path / "b.txt", muchas[:97])) == 97
    with pytest.raises(ValidationError):
        catalogo.cargar(sd.escribir(tmp_path / "c.txt", muchas[:93]))


def test_exact_repeats_are_loaded_once_and_counted(catalogo, tmp_path):
    repetido = sd.texto(sd.ASENTAMIENTOS * 13).encode("latin-1")
    zipped = sd.escribir_zip(tmp_path / "CPdescarga.zip", {"CPdescarga.txt": repetido})
    assert catalogo.cargar(zipped) == len(sd.ASENTAMIENTOS)
    assert catalogo.buscar("25000").colonias == SALTILLO
    estado = catalogo.estado()
    assert (estado.asentamientos, estado.repetidos) == (15, 15 * 12)


def test_a_device_is_refused_before_it_is_read(catalogo, tmp_path):
    enlace = tmp_path / "CPdescarga.txt"
    enlace.symlink_to("/dev/zero")
    with pytest.raises(ValidationError) as raised:
        catalogo.cargar(enlace)
    assert raised.value.code == "sepomex_no_es_archivo"
    assert "no es un archivo común" in raised.value.message
    assert not catalogo.estado().cargado


def test_a_zip_member_far_bigger_than_the_catalogue_is_refused(catalogo, tmp_path, monkeypatch):
    from icsoe_desktop.services.catalogos import sepomex_archivo

    monkeypatch.setattr(sepomex_archivo, "MAX_BYTES", 4096)
    repetido = sd.texto(sd.ASENTAMIENTOS * 40).encode("latin-1")
    zipped = sd.escribir_zip(tmp_path / "CPdescarga.zip", {"CPdescarga.txt": repetido})
    assert zipped.stat().st_size < 4096 < len(repetido)
    with pytest.raises(ValidationError) as raised:
        catalogo.cargar(zipped)
    assert raised.value.code == "sepomex_grande"
    assert "CPdescarga.txt dentro de CPdescarga.zip mide más de" in raised.value.message


def test_a_line_without_end_is_refused(catalogo, tmp_path):
    path = tmp_path / "CPdescarga.txt"
    path.write_bytes(sd.texto().encode("latin-1") + b"06600|" + b"x" * 100_000)
    with pytest.raises(ValidationError) as raised:
        catalogo.cargar(path)
    assert "su línea 18 mide más de 4,096 caracteres" in raised.value.message


CP850 = [
    ("cp850", sd.texto().encode("cp850"), "línea 3 tiene «Ju\\xa0rez» (el carácter U+00A0)"),
    (
        "cp850_mayusculas",
        sd.texto([("06600", "JUÁREZ", "Colonia", "CUAUHTÉMOC", "CDMX", "", "09")]).encode("cp850"),
        "línea 3 tiene el byte 0x90, que no es de Windows-1252",
    ),
    (
        "utf8_leido_como_latin1",
        sd.texto().encode("utf-8").decode("latin-1").encode("utf-8"),
        "línea 3 tiene «JuÃ¡rez» (el carácter U+00A1)",
    ),
    (
        "mezcla",
        sd.texto()[:400].encode("latin-1") + sd.texto()[400:].encode("utf-8"),
        "mezcla codificaciones: la línea 1 está en Windows-1252 y la línea 3 en UTF-8",
    ),
]


@pytest.mark.parametrize(("datos", "said"), [c[1:] for c in CP850], ids=[c[0] for c in CP850])
def test_text_of_another_encoding_is_refused_not_stored_garbled(catalogo, tmp_path, datos, said):
    path = tmp_path / "CPdescarga.txt"
    path.write_bytes(datos)
    with pytest.raises(ValidationError) as raised:
        catalogo.cargar(path)
    assert raised.value.code == "sepomex_codificacion"
    assert said in raised.value.message
    assert not catalogo.estado().cargado


def test_windows_1252_punctuation_outside_latin1_is_refused_too(catalogo, tmp_path):
    # «…» and curly quotes exist in Windows-1252 but never in SEPOMEX's names: a file with
    # them is not the official one (cp850's «é» reads as one of them).
    fila = ("06600", "Juárez “Centro”", "Colonia", "Cuauhtémoc", "CDMX", "", "09")
    path = sd.escribir(tmp_path / "CPdescarga.txt", [fila], encoding="cp1252")
    with pytest.raises(ValidationError) as raised:
        catalogo.cargar(path)
    assert "«Juárez “Centro”» (el carácter U+201C)" in raised.value.message


# --- the catalogue as it travels through the company's sync server -----------------------------


def test_exported_and_received_it_is_the_same_catalogue(catalogo, tmp_path, clock):
    from icsoe_desktop.services.catalogos.sepomex_paquete import Version

    catalogo.cargar(sd.escribir_zip(tmp_path / "CPdescarga.zip"))
    enviado = catalogo.exportar(tmp_path / "viaja.zip")
    assert enviado.cargado_aqui and enviado.codigos_postales == 6

    otro = CodigosPostalesService(tmp_path / "otro", clock, incluidos=tmp_path / "ninguno")
    otro.cargar(sd.escribir(tmp_path / "viejo.txt", sd.ASENTAMIENTOS[:1]))
    ajena = Version("0" * 64, enviado.version.fecha)
    with pytest.raises(ValidationError) as refused:
        otro.recibir(tmp_path / "viaja.zip", ajena)  # not the catalogue the server named
    assert refused.value.code == "sepomex_huella"
    assert otro.estado().asentamientos == 1  # the old one stays

    assert otro.recibir(tmp_path / "viaja.zip", enviado.version) == 6
    recibido = otro.version()
    assert recibido.version == enviado.version and not recibido.cargado_aqui
    assert otro.buscar("25000") == catalogo.buscar("25000")
    assert otro.estado().recibido and otro.estado().cargado_el == enviado.version.fecha
    from icsoe_desktop.cli_sepomex import describir

    assert "Archivo: CPdescarga.txt (recibido del servidor de sincronización)" in describir(
        otro.estado()
    )

"""A ZIP of receipts read through its directory, walked from the file: a ZIP64 of more than
65,535 members read whole, every compression a ZIP of receipts may use read, an encrypted or
unknown one refused as a receipt, and a damaged directory refusing the ZIP with its reason."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from icsoe_desktop.services.nomina import fuentes
from icsoe_desktop.services.nomina.fuentes import ZipRechazado

MUCHOS = 70_000  # more than a ZIP's 16-bit count holds: ZIP64's record counts them


def _zip(ruta: Path, miembros: list[tuple[str, bytes]], metodo: int = zipfile.ZIP_STORED) -> Path:
    with zipfile.ZipFile(ruta, "w", metodo) as archivo:
        for nombre, datos in miembros:
            archivo.writestr(nombre, datos)
    return ruta


def _piezas(ruta: Path) -> list[fuentes.Pieza]:
    with fuentes.abrir([ruta]) as origen:
        assert origen.total == sum(1 for _ in origen.piezas())
        return list(origen.piezas())


@pytest.fixture(scope="module")
def grande(tmp_path_factory) -> Path:
    ruta = tmp_path_factory.mktemp("zip64") / "grande.zip"
    return _zip(ruta, [(f"r{i:06}.xml", b"%d" % i) for i in range(MUCHOS)])


def test_a_zip64_of_more_than_65535_members_is_read_whole(grande):
    assert zipfile.ZipFile(grande).infolist()[-1].filename == f"r{MUCHOS - 1:06}.xml"
    assert grande.read_bytes().rfind(b"PK\x06\x06") > 0  # a ZIP64 end record
    piezas = _piezas(grande)
    assert len(piezas) == MUCHOS
    assert all(p.motivo is None for p in piezas)
    assert piezas[0].nombre == "grande.zip/r000000.xml" and piezas[0].datos == b"0"
    assert piezas[-1].datos == b"%d" % (MUCHOS - 1)


def test_bzip2_and_lzma_members_are_read_an_encrypted_or_unknown_one_refused(tmp_path):
    xml = b"<cfdi:Comprobante/>" * 50
    ruta = tmp_path / "mezcla.zip"
    with zipfile.ZipFile(ruta, "w") as archivo:
        archivo.writestr("bz.xml", xml, zipfile.ZIP_BZIP2)
        archivo.writestr("lz.xml", xml, zipfile.ZIP_LZMA)
        archivo.writestr("cifrado.xml", xml, zipfile.ZIP_DEFLATED)
        archivo.writestr("raro.xml", xml, zipfile.ZIP_STORED)
    datos = bytearray(ruta.read_bytes())
    directorio = datos.index(b"PK\x01\x02")
    for nombre, campo, valor in (("cifrado.xml", 6, 0x1), ("raro.xml", 8, 99)):
        # Its flags (6) or its method (8), in its local header and in the directory (+2).
        datos[zipfile.ZipFile(ruta).getinfo(nombre).header_offset + campo] = valor
        datos[datos.index(nombre.encode(), directorio) - 46 + campo + 2] = valor
    ruta.write_bytes(bytes(datos))
    piezas = {p.nombre.split("/")[-1]: p for p in _piezas(ruta)}
    assert piezas["bz.xml"].datos == xml and piezas["lz.xml"].datos == xml
    for nombre in ("cifrado.xml", "raro.xml"):
        motivo = piezas[nombre].motivo
        assert motivo is not None and motivo.code == "zip_miembro_ilegible"
        assert motivo.message == "No se pudo descomprimir: cifrado o dañado."


def _rechazo(ruta: Path, datos: bytes) -> str:
    ruta.write_bytes(datos)
    with pytest.raises(ZipRechazado) as rechazado, fuentes.abrir([ruta]):
        pass
    assert rechazado.value.code == "zip_danado"
    return rechazado.value.message


def test_a_damaged_directory_refuses_the_zip_with_its_reason(tmp_path):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archivo:
        for i in range(5):
            archivo.writestr(f"r{i}.xml", b"<x/>")
    bueno = buffer.getvalue()
    central, fin = bueno.index(b"PK\x01\x02"), bueno.rindex(b"PK\x05\x06")
    ruta = tmp_path / "roto.zip"

    otra_firma = bueno[:central] + b"PK\x09\x09" + bueno[central + 4 :]
    assert _rechazo(ruta, otra_firma) == (
        "«roto.zip» está dañado: su directorio (la lista de sus archivos) no es el de un ZIP. "
        "No se leyó nada."
    )
    # The last entry's name said to be longer than what is left of the directory.
    ultima = bueno.rindex(b"PK\x01\x02")
    largo = bueno[: ultima + 28] + (200).to_bytes(2, "little") + bueno[ultima + 30 :]
    assert "su directorio (la lista de sus archivos) está cortado" in _rechazo(ruta, largo)
    # A directory said to be larger than all that precedes its end.
    enorme = bueno[: fin + 12] + (10**6).to_bytes(4, "little") + bueno[fin + 16 :]
    assert "está cortado" in _rechazo(ruta, enorme)
    # Cut in the middle of its directory: the end gone.
    assert "no tiene el final que tiene todo ZIP" in _rechazo(ruta, bueno[: central + 60])
    assert "no tiene el final" in _rechazo(ruta, b"no soy un zip" * 10)


def test_a_zip64_whose_record_is_missing_is_refused(grande, tmp_path):
    datos = grande.read_bytes()
    registro = datos.rindex(b"PK\x06\x06")
    sin_registro = datos[:registro] + b"XXXX" + datos[registro + 4 :]
    assert _rechazo(tmp_path / "z64.zip", sin_registro) == (
        "«z64.zip» está dañado: le falta el registro ZIP64 que dice cuántos archivos tiene y "
        "dónde está su lista. No se leyó nada."
    )


def test_a_member_whose_sizes_are_in_no_zip64_field_is_refused(tmp_path):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archivo:
        archivo.writestr("r.xml", b"<x/>")
    datos = bytearray(buffer.getvalue())
    central = datos.rindex(b"PK\x01\x02")
    datos[central + 20 : central + 28] = b"\xff" * 8  # its sizes: "see the ZIP64 field"
    assert "le falta el registro ZIP64 de uno de sus archivos" in _rechazo(
        tmp_path / "r.zip", bytes(datos)
    )


def test_a_zip64_with_every_size_in_its_fields_after_a_self_extractor_is_read(
    tmp_path, monkeypatch
):
    """Each size and offset in ZIP64 fields, the ZIP after an executable's bytes (every offset
    it states shifted by them) and ending in a comment."""
    monkeypatch.setattr(zipfile, "ZIP64_LIMIT", 0)  # the writer's threshold: ZIP64 for all
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archivo:
        for i in range(3):
            archivo.writestr(f"r{i}.xml", b"<r%d/>" % i * 40)
        archivo.comment = b"paquete del SAT"
    datos = buffer.getvalue()
    central = datos.index(b"PK\x01\x02")
    assert datos.count(b"\x01\x00\x18\x00", central) + datos.count(b"\x01\x00\x10\x00", central)
    ruta = tmp_path / "sfx.zip"
    ruta.write_bytes(b"MZ" + b"\x00" * 998 + datos)
    assert [p.datos for p in _piezas(ruta)] == [b"<r%d/>" % i * 40 for i in range(3)]


def test_a_split_zip_or_an_unreadable_name_or_a_cut_zip64_field_is_refused(tmp_path):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archivo:
        archivo.writestr("r.xml", b"<x/>")
    datos = buffer.getvalue()
    fin, central = datos.rindex(b"PK\x05\x06"), datos.rindex(b"PK\x01\x02")
    ruta = tmp_path / "r.zip"
    dividido = datos[: fin + 4] + b"\x01\x00" + datos[fin + 6 :]
    assert "es parte de un ZIP dividido en varios discos" in _rechazo(ruta, dividido)
    # Its name said to be UTF-8, bytes that are not.
    nombre = bytearray(datos)
    nombre[central + 9] |= 0x08  # the high byte of the flags: 0x800
    nombre[central + 46] = 0xFF
    assert "el nombre de uno de sus archivos no es legible" in _rechazo(ruta, bytes(nombre))
    # Its sizes "in the ZIP64 field", a field of four bytes where two sizes take sixteen.
    campo = b"\x01\x00\x04\x00" + b"\x00" * 4
    corto = bytearray(datos[: central + 46 + 5] + campo + datos[central + 46 + 5 :])
    corto[central + 20 : central + 28] = b"\xff" * 8
    corto[central + 30 : central + 32] = len(campo).to_bytes(2, "little")
    fin += len(campo)
    tamano = int.from_bytes(corto[fin + 12 : fin + 16], "little") + len(campo)
    corto[fin + 12 : fin + 16] = tamano.to_bytes(4, "little")
    assert "el registro ZIP64 de uno de sus archivos está cortado" in _rechazo(ruta, bytes(corto))

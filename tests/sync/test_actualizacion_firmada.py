"""Signed updates: whatever the company's sync server publishes and announces, a desktop keeps
(and so runs) only an installer whose Authenticode signature chains to the publisher
certificate its installation pins, for the version announced and newer than its own. Real
Windows executables signed by osslsigncode, published to the real server on 127.0.0.1,
offered and downloaded by the real desktop services. (Running the one kept is CI's step under
Wine: installer/wine_check.py.)"""

from __future__ import annotations

import hashlib
import struct
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

import icsoe_desktop
from icsoe_desktop.services.sync import autenticode
from icsoe_desktop.services.sync.actualizacion import (
    CARPETA,
    ActualizacionError,
    ActualizacionService,
)
from tests.sync.firmados import ejecutable, firma_codigo, firmado, herramientas
from tests.sync.test_actualizacion import mayor, publicar

pytestmark = herramientas

NUEVA = mayor(icsoe_desktop.__version__)
PASO = 11  # every 11th byte of a signature: each of its parts is hit


@pytest.fixture(scope="module")
def editor(tmp_path_factory):
    """The vendor's publisher: its root is what the installation pins."""
    return firma_codigo.editor_de_prueba(tmp_path_factory.mktemp("editor"))


def pinned(editor) -> list:
    return autenticode.leer_certificados(editor.raiz.read_bytes())


def actualizacion(escritorio, editores: list) -> ActualizacionService:
    """The desktop's update service as the Windows installation's, with ``editores`` pinned
    (the installed app reads them from its program folder)."""
    return ActualizacionService(
        escritorio.sync,
        escritorio.permisos_empresa,
        escritorio.catalogo,
        escritorio.audit_instalacion,
        escritorio.data_dir / CARPETA,
        editores=editores,
        revisar_antes=True,
    )


def descargas(tmp_path: Path) -> Path:
    carpeta = tmp_path / "descargas"
    carpeta.mkdir(parents=True, exist_ok=True)
    return carpeta


def test_only_the_installer_signed_under_the_pinned_publisher_is_kept_to_run(
    sync_server, escritorio, editor, tmp_path: Path
) -> None:
    servicio = actualizacion(escritorio, pinned(editor))
    nombre = f"icsoe-desktop-{NUEVA}-instalador.exe"
    casos = {
        "sin firma": ejecutable(tmp_path / "sin-firma", NUEVA),
        "autofirmado": firmado(
            tmp_path / "autofirmado",
            NUEVA,
            firma_codigo.autofirmado(tmp_path / "ca-propia", "icsoe-desktop pruebas"),
        ),
        "otra CA": firmado(
            tmp_path / "otra-ca",
            NUEVA,
            firma_codigo.editor_de_prueba(tmp_path / "ca-otra", "icsoe-desktop pruebas"),
        ),
        "firmado": firmado(tmp_path / "firmado", NUEVA, editor, relleno=2 * 1024 * 1024 + 5),
    }
    rechazos = {
        "sin firma": (
            "sin_firma",
            f"El instalador {nombre} no está firmado (no trae firma Authenticode). Se borró y "
            "no se instaló nada: avisa al administrador del servidor.",
        ),
        "autofirmado": (
            "firma_de_otro_editor",
            f"El instalador {nombre} está firmado por «icsoe-desktop pruebas», que no es el "
            "editor que esta instalación reconoce (ni el de icsoe-desktop ni el certificado de "
            "la empresa que fijó TI). Se borró y no se instaló nada: avisa al administrador del "
            "servidor.",
        ),
    }
    rechazos["otra CA"] = rechazos["autofirmado"]
    avance: list[tuple[int, int]] = []
    for caso, archivo in casos.items():
        # osslsigncode, trusting only the pinned root, agrees with the desktop.
        verificado = firma_codigo.verificar(archivo, editor.raiz)
        assert (verificado.returncode == 0) == (caso == "firmado"), (caso, verificado.stdout)

        hecho = publicar(sync_server.database_url, str(archivo))  # published…
        assert hecho.returncode == 0, hecho.stderr
        # The server warns IT of a file with no signature at all (who signed is the desktops').
        assert (hecho.stderr.strip() == "") == (caso != "sin firma"), (caso, hecho.stderr)
        if caso == "sin firma":
            assert hecho.stderr.strip() == (
                f"Aviso: {nombre} no está firmado (Authenticode). Cada escritorio lo descargará "
                "y lo rechazará sin ejecutarlo: publica el instalador firmado por el editor de "
                "icsoe-desktop o por el certificado de la empresa."
            )
        ofrecida = servicio.buscar()  # …offered…
        assert ofrecida is not None and ofrecida.version == NUEVA, caso
        assert ofrecida.sha256 == hashlib.sha256(archivo.read_bytes()).hexdigest()
        carpeta = descargas(tmp_path / caso.replace(" ", "-"))
        if caso == "firmado":
            bajado = servicio.descargar(ofrecida, carpeta, lambda d, t: avance.append((d, t)))
            assert bajado.read_bytes() == archivo.read_bytes()
            assert len(avance) > 1 and avance[-1] == (ofrecida.tamano, ofrecida.tamano)
            continue
        with pytest.raises(ActualizacionError) as rechazado:  # …downloaded, and refused
            servicio.descargar(ofrecida, carpeta)
        assert (rechazado.value.code, rechazado.value.message) == rechazos[caso], caso
        assert list(carpeta.iterdir()) == [], caso  # nothing left to run


def test_a_signed_installer_changed_after_signing_is_refused(
    sync_server, escritorio, editor, tmp_path: Path
) -> None:
    archivo = firmado(tmp_path, NUEVA, editor)
    datos = bytearray(archivo.read_bytes())
    datos[0x400] ^= 0xFF  # one byte of its code, the signature left as it was
    archivo.write_bytes(bytes(datos))
    assert publicar(sync_server.database_url, str(archivo)).returncode == 0
    servicio = actualizacion(escritorio, pinned(editor))
    with pytest.raises(ActualizacionError) as rechazado:
        servicio.descargar(servicio.buscar(), descargas(tmp_path))
    assert rechazado.value.code == "firma_no_corresponde"
    assert "fue modificado después de firmarse" in rechazado.value.message
    assert list(descargas(tmp_path).iterdir()) == []

    # Bytes added after the signature would ride along unsigned: refused too.
    otro = firmado(tmp_path / "otro", NUEVA, editor)
    otro.write_bytes(otro.read_bytes() + b"\0" * 64)
    assert publicar(sync_server.database_url, str(otro)).returncode == 0
    with pytest.raises(ActualizacionError) as rechazado:
        servicio.descargar(servicio.buscar(), descargas(tmp_path))
    assert rechazado.value.code == "firma_invalida"


def _tabla(datos: bytes) -> tuple[int, int, int]:
    """Where the PE header's certificate-table entry (data directory 4) is, and what it says:
    (entry offset, table offset, table size)."""
    (pe,) = struct.unpack_from("<I", datos, 0x3C)
    entrada = pe + 24 + 112 + 4 * 8
    inicio, largo = struct.unpack_from("<II", datos, entrada)
    return entrada, inicio, largo


def test_unsigned_bytes_inside_the_certificate_table_are_refused(
    sync_server, escritorio, editor, tmp_path: Path
) -> None:
    """The table holds the WIN_CERTIFICATE entry and nothing else (only the zeros that align
    it to 8 bytes), as Windows checks with EnableCertPaddingCheck: the genuine installer with
    bytes added inside its table is not signed any more."""
    genuino = firmado(tmp_path, NUEVA, editor)
    datos = genuino.read_bytes()
    entrada, inicio, largo = _tabla(datos)
    extra = b"MZ carga sin firmar " * 205 + b"\0" * 4  # 4 KiB
    nombre = genuino.name

    # 4 KiB appended and the table's size in the PE header raised to cover them.
    en_tabla = bytearray(datos + extra)
    struct.pack_into("<I", en_tabla, entrada + 4, largo + len(extra))
    # The same, and the entry's own dwLength raised too: the bytes ride after the PKCS #7.
    en_entrada = bytearray(en_tabla)
    struct.pack_into("<I", en_entrada, inicio, largo + len(extra))
    # The alignment after the PKCS #7 is zeros; any other byte there is data. The PKCS #7 (a
    # DER SEQUENCE with a two-byte length, after the entry's 8-byte header) may fill its entry
    # to the byte: then the 8 bytes of an alignment are added, one of them not zero.
    (longitud,) = struct.unpack_from("<I", datos, inicio)
    assert datos[inicio + 8 : inicio + 10] == b"\x30\x82"
    fin_der = inicio + 8 + 4 + int.from_bytes(datos[inicio + 10 : inicio + 12], "big")
    if fin_der < inicio + longitud:
        relleno_sucio = bytearray(datos)
        relleno_sucio[inicio + longitud - 1] = 0x41
    else:
        relleno_sucio = bytearray(datos + b"A" + b"\0" * 7)
        struct.pack_into("<I", relleno_sucio, entrada + 4, largo + 8)
        struct.pack_into("<I", relleno_sucio, inicio, longitud + 8)
    casos = {
        "tabla": bytes(en_tabla),
        "entrada": bytes(en_entrada),
        "relleno": bytes(relleno_sucio),
    }
    servicio = actualizacion(escritorio, pinned(editor))
    for caso, contenido in casos.items():
        archivo = tmp_path / caso / nombre
        archivo.parent.mkdir()
        archivo.write_bytes(contenido)
        # osslsigncode agrees where it checks: a table larger than its entry is corrupt (it
        # reads no further than the PKCS #7 inside an entry, which Windows' padding check does).
        if caso == "tabla":
            verificado = firma_codigo.verificar(archivo, editor.raiz)
            assert verificado.returncode != 0
            assert "Corrupted attribute certificate table" in verificado.stderr
        assert publicar(sync_server.database_url, str(archivo)).returncode == 0
        carpeta = descargas(tmp_path / f"descargas-{caso}")
        with pytest.raises(ActualizacionError) as rechazado:
            servicio.descargar(servicio.buscar(), carpeta)
        assert (rechazado.value.code, rechazado.value.message) == (
            "firma_invalida",
            f"El instalador {nombre} trae datos sin firmar junto a su firma (en su tabla de "
            "certificados), que Windows no acepta. Se borró y no se instaló nada: avisa al "
            "administrador del servidor.",
        ), caso
        assert list(carpeta.iterdir()) == [], caso  # deleted, nothing left to run

    # The genuine one, published again, is still kept.
    assert firma_codigo.verificar(genuino, editor.raiz).returncode == 0
    assert publicar(sync_server.database_url, str(genuino)).returncode == 0
    bajado = servicio.descargar(servicio.buscar(), descargas(tmp_path / "genuino"))
    assert bajado.read_bytes() == datos


def test_the_version_is_the_signed_one_not_the_servers_word(
    sync_server, escritorio, editor, tmp_path: Path
) -> None:
    """A genuine but older signed installer announced as a newer version (a downgrade to a
    release with a known flaw) is refused: the version signed in the file decides."""
    viejo = firmado(tmp_path, "0.0.1", editor)
    assert publicar(sync_server.database_url, str(viejo), "--version", "99.0.0").returncode == 0
    servicio = actualizacion(escritorio, pinned(editor))
    ofrecida = servicio.buscar()
    assert ofrecida.version == "99.0.0"
    with pytest.raises(ActualizacionError) as rechazado:
        servicio.descargar(ofrecida, descargas(tmp_path))
    assert rechazado.value.code == "version_firmada_distinta"
    assert rechazado.value.message == (
        "El instalador descargado dice ser la versión 0.0.1, no la 99.0.0 que anunció el "
        f"servidor (esta instalación tiene la {servicio.version}). Se borró y no se instaló "
        "nada: avisa al administrador del servidor."
    )
    assert list(descargas(tmp_path).iterdir()) == []


def test_without_a_pinned_publisher_nothing_is_accepted(
    sync_server, escritorio, editor, tmp_path: Path
) -> None:
    archivo = firmado(tmp_path, NUEVA, editor)
    assert publicar(sync_server.database_url, str(archivo)).returncode == 0
    servicio = actualizacion(escritorio, [])
    with pytest.raises(ActualizacionError) as rechazado:
        servicio.descargar(servicio.buscar(), descargas(tmp_path))
    assert rechazado.value.code == "sin_editor_fijado"
    assert rechazado.value.message.startswith(
        "Esta instalación no tiene fijado el certificado del editor de icsoe-desktop "
        "(firma-editor.pem o firma-empresa.pem en la carpeta del programa)"
    )
    assert list(descargas(tmp_path).iterdir()) == []


def test_the_program_folder_pins_the_vendor_and_the_company_it_set(editor, tmp_path: Path) -> None:
    """IT's own code-signing certificate (firma-empresa.pem, set at install time) is trusted
    beside the vendor's; an unreadable file is skipped, not a crash."""
    empresa = firma_codigo.editor_de_prueba(tmp_path / "empresa", "Empresa ABC firma de código")
    de_la_empresa = firmado(tmp_path / "empresa-exe", NUEVA, empresa)
    del_editor = firmado(tmp_path / "editor-exe", NUEVA, editor)
    programa = tmp_path / "programa"
    programa.mkdir()
    ahora = datetime.now(UTC)

    (programa / autenticode.EDITOR).write_bytes(editor.raiz.read_bytes())
    solo_editor = autenticode.editores_fijados(programa)
    assert autenticode.revisar(del_editor, solo_editor, ahora).editor == (
        "icsoe-desktop pruebas raíz"
    )
    with pytest.raises(autenticode.FirmaRechazada) as rechazado:
        autenticode.revisar(de_la_empresa, solo_editor, ahora)
    assert rechazado.value.code == "firma_de_otro_editor"

    (programa / autenticode.EMPRESA).write_bytes(empresa.raiz.read_bytes())
    ambos = autenticode.editores_fijados(programa)
    firma = autenticode.revisar(de_la_empresa, ambos, ahora)
    assert (firma.version, firma.firmante, firma.editor) == (
        NUEVA,
        "Empresa ABC firma de código",
        "Empresa ABC firma de código raíz",
    )
    assert autenticode.revisar(del_editor, ambos, ahora).version == NUEVA

    (programa / autenticode.EMPRESA).write_bytes(b"no es un certificado")
    assert autenticode.editores_fijados(programa) == solo_editor


def test_a_sha1_signature_is_refused_even_from_the_pinned_publisher(editor, tmp_path: Path) -> None:
    archivo = ejecutable(tmp_path, NUEVA)
    firma_codigo.firmar(archivo, editor, digest="sha1")
    with pytest.raises(autenticode.FirmaRechazada) as rechazado:
        autenticode.revisar(archivo, pinned(editor), datetime.now(UTC))
    assert rechazado.value.code == "firma_debil"
    assert "con un algoritmo que no se acepta (sha1; se pide SHA-256 o superior)" in (
        rechazado.value.message
    )


def test_a_signature_made_with_a_certificate_out_of_its_validity_is_refused(
    editor, tmp_path: Path
) -> None:
    archivo = firmado(tmp_path, NUEVA, editor)
    despues = datetime.now(UTC) + timedelta(days=400)  # the signer's year is over
    with pytest.raises(autenticode.FirmaRechazada) as rechazado:
        autenticode.revisar(archivo, pinned(editor), despues)
    assert rechazado.value.code == "firma_vencida"
    assert "está firmado con un certificado que no está vigente" in rechazado.value.message


def test_a_file_that_is_not_a_windows_program_is_refused(editor, tmp_path: Path) -> None:
    falso = tmp_path / "icsoe-desktop-9.0.0-instalador.exe"
    falso.write_bytes(b"MZ" + b"\0" * 4096)
    with pytest.raises(autenticode.FirmaRechazada) as rechazado:
        autenticode.revisar(falso, pinned(editor), datetime.now(UTC))
    assert rechazado.value.code == "instalador_ilegible"
    assert rechazado.value.message.startswith(
        f"El instalador {falso.name} no es un programa de Windows legible."
    )


def test_a_damaged_signature_is_a_refusal_never_a_crash(editor, tmp_path: Path) -> None:
    """Bytes of the signature's structure changed one at a time: a Spanish refusal, or, for
    the bytes Authenticode leaves unauthenticated (the certificate-table header's revision,
    the copy of the root the signature carries), the same verdict; never a crash."""
    archivo = firmado(tmp_path, NUEVA, editor)
    datos = archivo.read_bytes()
    # Where the signature starts: the PE header's certificate-table entry (data directory 4).
    (pe,) = struct.unpack_from("<I", datos, 0x3C)
    (inicio,) = struct.unpack_from("<I", datos, pe + 24 + 112 + 4 * 8)
    esperada = autenticode.revisar(archivo, pinned(editor), datetime.now(UTC))
    rechazos: set[str] = set()
    aceptados = 0
    for posicion in range(inicio, len(datos), PASO):
        danado = bytearray(datos)
        danado[posicion] ^= 0x5A
        copia = tmp_path / "danado.exe"
        copia.write_bytes(bytes(danado))
        try:
            assert autenticode.revisar(copia, pinned(editor), datetime.now(UTC)) == esperada
            aceptados += 1
        except autenticode.FirmaRechazada as rechazado:
            rechazos.add(rechazado.code)
    # Which check a byte trips depends on where it falls (key and serial lengths vary).
    assert (
        {"firma_invalida", "firma_no_corresponde"}
        <= rechazos
        <= {
            "firma_invalida",
            "firma_no_corresponde",
            "firma_de_otro_editor",
            "firma_debil",
            "firma_sin_uso_de_codigo",
            "firma_vencida",
        }
    )
    assert aceptados < (len(datos) - inicio) / PASO / 2

"""The SAT's timbre certificates from the company's sync server: IT loads a folder of .cer on
the real server (its command line, on PostgreSQL), which keeps only the SAT's certificates and
names each other file with its reason (another RFC, not a certificate, a private key inside);
a desktop receives them at its next sync, keeps only those its emisores confiables vouch for,
and the receipts it imported before they arrived, kept «sin verificar», are checked again and
say «verificado». A server that has none to give (an older version) leaves the sync alone."""

from __future__ import annotations

from datetime import date

import pytest
import requests
from cryptography.hazmat.primitives import serialization
from sqlalchemy import text

from icsoe_desktop.domain.informativa.modelo import Periodo
from icsoe_desktop.domain.roles import CLI_ACTOR
from icsoe_desktop.services.nomina import certificados_sat
from icsoe_desktop.services.sync.certificados_sat import CertificadosCompartidos
from icsoe_desktop.sync_server.__main__ import main as servidor
from tests import nomina_cfdi as nc
from tests.sync.conftest import connected
from tests.sync.test_inhabiles_infonavit import _Respuesta, otro_servidor  # noqa: F401

FALSO = "00001000000599999999"


def _cli(sync_server, *argumentos: str) -> int:
    accion, *resto = argumentos
    return servidor(
        ["certificados-sat", accion, "--database-url", sync_server.database_url, *resto]
    )


def _carpeta_del_sat(tmp_path):
    """What IT might put in the folder: the SAT's certificate, one forged under an untrusted
    AC with the SAT's RFC, a CSD of another RFC, bytes that are no certificate, a PEM with
    its private key, and a note (not a certificate file: not looked at)."""
    carpeta = tmp_path / "certificados del SAT"
    carpeta.mkdir()
    sat = nc.certificado_sat()
    (carpeta / "sat.cer").write_bytes(sat.cer)
    falso = nc.csd("SAT970701NN3", "SAT", issuer=nc.ac_falsa(), no_certificado=FALSO, key_slot=9)
    (carpeta / "falso.cer").write_bytes(falso.cer)
    (carpeta / "otro_rfc.cer").write_bytes(nc.csd().cer)
    (carpeta / "roto.cer").write_bytes(b"esto no es un certificado")
    llave = sat.private_key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    pem = sat.certificate.public_bytes(serialization.Encoding.PEM)
    (carpeta / "con_llave.pem").write_bytes(pem + llave)
    (carpeta / "LEAME.txt").write_text("descargados del SAT")
    return carpeta


@pytest.mark.slow
def test_certificates_loaded_on_the_server_verify_the_receipts_on_the_desktop(
    sync_server, desktops, tmp_path, capsys
):
    a, _b = connected(sync_server, desktops)
    a.primer_uso.guardar_empresa(nc.RFC_EMPRESA, "Servicios del Mayab SA de CV", CLI_ACTOR)
    a.nombrar_empresa()
    nc.confiar(a.data_dir, sat=False)  # no SAT timbre certificate yet: timbres only read
    recibos = list(nc.nomina(nc.Emisor(), nc.trabajadores(3, seed=7), [nc.Periodo.semana(
        date(2026, 3, 2))]))  # fmt: skip
    hecho = a.nomina.importar([nc.escribir(tmp_path / "nomina", recibos)], CLI_ACTOR)
    assert (hecho.guardados, hecho.sin_sello_sat) == (3, 3)
    a.sync.synchronize()  # the server holds none: nothing changes
    assert not any(f.sello_sat for f in a.nomina_consulta.listar(CLI_ACTOR, Periodo(2026, 1)))

    assert _cli(sync_server, "ver") == 0
    assert "no tiene certificados del SAT cargados" in capsys.readouterr().out
    assert _cli(sync_server, "cargar", str(_carpeta_del_sat(tmp_path))) == 1
    salida = capsys.readouterr()
    assert "cargados en el servidor: 2" in salida.out and nc.NO_SAT in salida.out
    assert "Cada escritorio los recibe en su siguiente sincronización" in salida.out
    rechazos = salida.err.splitlines()
    assert rechazos == [
        "Rechazado: «con_llave.pem» contiene una llave privada: no se carga. El servidor "
        "guarda sólo certificados públicos del SAT; usa el archivo .cer solo.",
        f"Rechazado: «otro_rfc.cer» es un certificado del RFC {nc.RFC_EMPRESA}, no del SAT "
        "(SAT970701NN3): no sella timbres. Se deja fuera.",
        "Rechazado: «roto.cer» no es un certificado que se pueda leer (.cer del SAT): se deja "
        "fuera.",
    ]
    assert _cli(sync_server, "ver") == 0
    listado = capsys.readouterr().out.splitlines()
    assert [linea.split("\t")[0] for linea in listado] == [nc.NO_SAT, FALSO]
    assert listado[0].endswith("\tvence el 01/01/2028\tsat.cer")
    with sync_server.engine.connect() as conn:  # public certificates only, never a key
        guardados = [bytes(d) for (d,) in conn.execute(text("SELECT der FROM certificados_sat"))]
    assert not any(b"PRIVATE KEY" in d for d in guardados)

    # The next sync brings them; the forged one is not kept (no trusted AC issued it), and
    # the receipts imported before now say verified.
    a.sync.synchronize()
    assert certificados_sat.listar(tmp_path / "sin_recursos", a.data_dir) == [nc.NO_SAT]
    filas = a.nomina_consulta.listar(CLI_ACTOR, Periodo(2026, 1))
    assert len(filas) == 3 and all(f.sello_sat for f in filas)
    kept = (a.data_dir / "certificados_sat" / f"{nc.NO_SAT}.cer").stat().st_mtime_ns
    a.sync.synchronize()  # held already: nothing written again
    assert (a.data_dir / "certificados_sat" / f"{nc.NO_SAT}.cer").stat().st_mtime_ns == kept


def test_what_the_server_command_refuses_whole(sync_server, tmp_path, capsys):
    assert _cli(sync_server, "cargar", str(tmp_path / "no_existe")) == 2
    assert "No existe la carpeta" in capsys.readouterr().err
    vacia = tmp_path / "vacia"
    vacia.mkdir()
    (vacia / "LEAME.txt").write_text("nada")
    assert _cli(sync_server, "cargar", str(vacia)) == 2
    assert "no tiene archivos .cer" in capsys.readouterr().err
    (vacia / "grande.cer").write_bytes(b"0" * 100_000)
    assert _cli(sync_server, "cargar", str(vacia)) == 2
    err = capsys.readouterr().err
    assert "«grande.cer» es demasiado grande para ser un certificado" in err
    assert "No se cargó ningún certificado del SAT." in err


def test_no_list_or_a_wrong_one_changes_nothing(services, otro_servidor):  # noqa: F811
    recibidos: list[list[bytes]] = []
    compartidos = CertificadosCompartidos(
        services.sync.transporte, lambda ders: recibidos.append(ders) or 0
    )
    with requests.Session() as http:
        assert compartidos.sincronizar(http, otro_servidor) == 0  # 404: an older server
        for cuerpo in (
            b'{"certificados": "todos"}',
            b'{"certificados": [{"numero": "1"}]}',
            b'{"certificados": [{"der": "%%"}]}',
        ):
            _Respuesta.respuestas["/v1/certificados-sat"] = (200, cuerpo)
            assert compartidos.sincronizar(http, otro_servidor) == 0
    assert recibidos == []

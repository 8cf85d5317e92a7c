"""`informativa listar` and `informativa exportar` as real processes over an empresa's store
captured through the services."""

from __future__ import annotations

import pytest

from icsoe_desktop.domain.roles import CLI_ACTOR
from icsoe_desktop.store import cifrado
from tests.icsoe_helpers import enter_contratista
from tests.informativa_servicios import PERIODO, contrato_con_trabajadores
from tests.test_cli_informativa import cli


@pytest.mark.slow
@pytest.mark.end2end
def test_listar_and_exportar_an_informativa(services, data_dir, tmp_path):
    rfc = enter_contratista(services, data_dir, tmp_path)
    uuid = services.informativas.crear(rfc, CLI_ACTOR, PERIODO)
    contrato_con_trabajadores(services, rfc, CLI_ACTOR, uuid, trabajadores=4)
    services.close()

    listed = cli(data_dir, "informativa", "listar")
    assert listed.returncode == 0, listed.stderr
    rows = [line.split("\t") for line in listed.stdout.splitlines()]
    assert [r[:7] for r in rows if r[7]] == [
        [rfc, "2026-2", "Normal", "En captura", "1", "4", "2026-09-17"]
    ]
    # The other rows are periods due around today (the process's own clock), not yet filed.
    assert all(r[7] == "" and r[3] == "Sin presentar" for r in rows if r[1] != "2026-2")

    carpeta = tmp_path / "portal"
    carpeta.mkdir()
    made = cli(
        data_dir, "informativa", "exportar", carpeta, "--contratista", rfc, "--periodo", "2026-2"
    )
    assert made.returncode == 0, made.stderr
    assert sorted(p.name for p in carpeta.iterdir()) == [
        f"ICSOE_{rfc}_2026-2_captura.xlsx",
        f"ICSOE_{rfc}_2026-2_contrato01_CNT010101A14.csv",
    ]
    missing = cli(
        data_dir, "informativa", "exportar", carpeta, "--contratista", rfc, "--periodo", "2026-1"
    )
    assert missing.returncode == 2
    assert "no tiene informativa del periodo enero–abril 2026" in missing.stderr
    assert "Traceback" not in missing.stderr


@pytest.mark.slow
@pytest.mark.end2end
def test_verificar_an_acuse(services, data_dir, tmp_path, smtp_configured):
    from icsoe_desktop.services.informativa import constancia as c
    from tests import credentials_factory as cf
    from tests.informativa_servicios import capturista_activa

    rfc, ana = capturista_activa(services, data_dir, tmp_path, smtp_configured)
    uuid = services.informativas.crear(rfc, ana, PERIODO)
    contrato_con_trabajadores(services, rfc, ana, uuid, trabajadores=2)
    cer = tmp_path / "fiel" / f"{rfc}.cer"
    acuse = tmp_path / "acuse.pdf"
    acuse.write_bytes(
        services.informativa_firma.firmar(uuid, rfc, cer, cer.with_suffix(".key"), cf.PASSWORD)
    )
    services.close()

    ok = cli(data_dir, "informativa", "verificar", acuse, "--cer", cer)
    assert ok.returncode == 0, ok.stdout
    linea, revocacion = ok.stdout.strip().splitlines()
    assert revocacion == c.SIN_REVOCACION.format(porque=c.EMISOR_SIN_REVOCACION)
    assert linea.startswith(
        "La constancia de firma es válida: EDE0101018A2, EMPRESA DEMO SA DE CV;"
    )
    assert "informativa Normal del periodo mayo–agosto 2026 (2026-2)" in linea
    assert f"identificador interno {uuid}; certificado 00001000000712345678; firmada el " in linea
    assert linea.endswith(
        "(UTC-06:00) según el equipo de quien firmó (sin sello de tiempo "
        "confiable en este equipo, esa fecha no está probada)."
    )
    # In a fresh installation that trusts the same SAT authorities: the same answer; a byte
    # appended after the signature is a later change (exit 1), what was signed still stands.
    from tests.icsoe_helpers import trust_sat

    fresca = tmp_path / "fresca"
    fresca.mkdir()
    trust_sat(fresca)
    assert cli(fresca, "informativa", "verificar", acuse).stdout.splitlines() == [linea, revocacion]
    despues = tmp_path / "despues.pdf"
    despues.write_bytes(acuse.read_bytes() + b"\n")
    tarde = cli(fresca, "informativa", "verificar", despues)
    assert tarde.returncode == 1
    assert tarde.stdout.splitlines() == [linea, revocacion, c.CAMBIOS_POSTERIORES]
    sin_confianza = tmp_path / "sin_confianza"
    sin_confianza.mkdir()
    nadie = cli(sin_confianza, "informativa", "verificar", acuse)
    assert (nadie.returncode, nadie.stdout.splitlines()) == (2, [c.NO_VALIDA, c.NO_CONFIABLE])
    otra, _ = cf.fiel_fisica().write(tmp_path / "otra")
    wrong = cli(data_dir, "informativa", "verificar", acuse, "--cer", otra)
    assert (wrong.returncode, wrong.stdout.splitlines()) == (
        2,
        [c.NO_VALIDA, "La constancia no fue firmada con este certificado."],
    )
    tampered = tmp_path / "alterado.pdf"
    data = bytearray(acuse.read_bytes())
    data[len(data) // 2] ^= 0x01
    tampered.write_bytes(bytes(data))
    bad = cli(data_dir, "informativa", "verificar", tampered)
    assert bad.returncode == 2 and "Traceback" not in bad.stderr
    not_pdf = cli(data_dir, "informativa", "verificar", cer)
    assert (not_pdf.returncode, not_pdf.stdout.splitlines()) == (
        2,
        [c.NO_VALIDA, "El archivo no es un PDF."],
    )


@pytest.mark.slow
@pytest.mark.end2end
def test_verificar_finds_the_informativa_in_whichever_empresa_holds_it(
    services, data_dir, tmp_path, clock
):
    """Two empresas: verificar needs no --empresa, and compares the constancia with the
    informativa of its identifier in the empresa that holds it, not in the one opened last."""
    import json
    import zlib
    from datetime import timedelta

    from icsoe_desktop.services.informativa import constancia as c
    from icsoe_desktop.store import plain
    from tests import constancia_falsa as falsa
    from tests import credentials_factory as cf

    services.primer_uso.guardar_empresa("ABA010101AA1", "Abarrotes Uno SA de CV", CLI_ACTOR)
    services.nombrar_empresa()
    rfc = enter_contratista(services, data_dir, tmp_path)
    uuid = services.informativas.crear(rfc, CLI_ACTOR, PERIODO)
    contrato_con_trabajadores(services, rfc, CLI_ACTOR, uuid, trabajadores=2)
    cer = tmp_path / "fiel" / f"{rfc}.cer"
    constancia = services.informativa_firma.firmar(
        uuid, rfc, cer, cer.with_suffix(".key"), cf.PASSWORD
    )
    genuina = tmp_path / "genuina.pdf"
    genuina.write_bytes(constancia)
    # Another e.firma of the same trusted SAT sealing this informativa's identifier.
    otra = cf.fiel_fisica()
    cadena = falsa.cadena(constancia)
    ajena = tmp_path / "ajena.pdf"
    ajena.write_bytes(
        falsa.firmar(
            falsa.paginas(constancia),
            otra,
            [cf.sat_ca().certificate_der],
            falsa.json_de(cadena, falsa.sello(cadena, otra.private_key), otra.cer),
        )
    )
    primera = services.store.path
    segunda = services.empresas.crear("BOD020202BB3", "Bodegas Dos SA de CV", CLI_ACTOR)
    clock.now += timedelta(minutes=1)
    services.abrir_empresa(segunda.id)  # the one a command without --empresa would open
    services.close()

    listar = cli(data_dir, "informativa", "listar")
    assert listar.returncode == 2  # a command on one empresa's data still names it

    ok = cli(data_dir, "informativa", "verificar", genuina)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert ok.stdout.startswith(f"La constancia de firma es válida: {rfc}")
    mala = cli(data_dir, "informativa", "verificar", ajena)
    assert mala.returncode == 2, mala.stderr
    assert (
        c.NO_ES_ESTA.format(
            identificador=f"{rfc} 2026-2 Normal {uuid}",
            donde="la empresa Abarrotes Uno SA de CV (ABA010101AA1)",
        )
        in mala.stdout.splitlines()
    )
    # Named, the empresa that does not hold it says nothing about it; the one that does, does.
    en_segunda = cli(data_dir, "--empresa", "BOD020202BB3", "informativa", "verificar", ajena)
    assert en_segunda.stdout.splitlines() == mala.stdout.splitlines()
    en_primera = cli(data_dir, "--empresa", "ABA010101AA1", "informativa", "verificar", ajena)
    assert (
        c.NO_ES_ESTA.format(identificador=f"{rfc} 2026-2 Normal {uuid}", donde=c.ESTA_EMPRESA)
        in en_primera.stdout.splitlines()
    )
    # The header copy of the signed informativa edited in that empresa's own file.
    conn = cifrado.conectar(primera)
    plain.register_functions(conn)  # what the synced tables' triggers call, as the app's
    (cabecera,) = conn.execute("SELECT congelada_cabecera FROM icsoe_informativas").fetchone()
    leido = json.loads(zlib.decompress(cabecera))
    leido["informativa"]["contratos"][0]["objeto"] = "Otro objeto"
    conn.execute(
        "UPDATE icsoe_informativas SET congelada_cabecera = ?",
        (zlib.compress(json.dumps(leido).encode()),),
    )
    conn.commit()
    conn.close()
    alterada = cli(data_dir, "informativa", "verificar", genuina)
    assert alterada.returncode == 2, alterada.stderr
    assert alterada.stdout.splitlines() == [
        c.NO_VALIDA,
        c.CABECERA.format(donde="la empresa Abarrotes Uno SA de CV (ABA010101AA1)"),
    ]

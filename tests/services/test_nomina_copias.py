"""A receipt already stored is never replaced, and a copy is not stored twice: the same file
again «ya estaba»; other bytes under a kept UUID are refused as a conflicting copy (the XML
the client gets stays the one first imported); with the SAT's seal of its timbre unverified,
a receipt repeating another's payment under a new UUID is refused as a likely copy, and the
client's pack flags each receipt so kept; once IT loads the SAT's certificate, the copy's
broken SAT seal is told and the receipts imported again say verified."""

from __future__ import annotations

import hashlib
import zipfile
from datetime import date

import pytest

from icsoe_desktop.domain.evidencias import Mes
from icsoe_desktop.domain.informativa.modelo import Periodo
from icsoe_desktop.domain.roles import CLI_ACTOR
from icsoe_desktop.services.evidencias.archivo import ArchivoEvidencias
from tests import nomina_cfdi as nc
from tests.services.test_evidencias import _indice
from tests.test_cli_movimientos import cli


def test_a_conflicting_or_likely_copy_is_refused_and_the_kept_xml_stays(
    services, data_dir, tmp_path
) -> None:
    services.primer_uso.guardar_empresa(nc.RFC_EMPRESA, "Servicios del Mayab SA de CV", CLI_ACTOR)
    services.nombrar_empresa()
    nc.confiar(data_dir, sat=False)  # no SAT timbre certificate: timbres read, not verified
    recibos = list(
        nc.nomina(nc.Emisor(), nc.trabajadores(2, seed=5), nc.semanas(date(2026, 3, 2), 1))
    )
    primero = services.nomina.importar([nc.escribir(tmp_path / "a", recibos)], CLI_ACTOR)
    assert (primero.guardados, primero.sin_sello_sat) == (2, 2)

    (nombre, xml), (otro_nombre, otro_xml) = recibos
    uuid = nombre[:-4]
    nuevo_uuid = "0" * 8 + uuid[8:]
    copias = [
        ("mismo.xml", xml),  # the same bytes: ya estaba
        ("otros_bytes.xml", otro_xml + b"\n"),  # the same UUID, other bytes
        ("uuid_cambiado.xml", xml.replace(uuid.encode(), nuevo_uuid.encode())),
    ]
    reporte = services.nomina.importar([nc.escribir(tmp_path / "b", copias)], CLI_ACTOR)
    assert (reporte.guardados, reporte.duplicados, reporte.rechazados) == (0, 1, 2)
    motivos = {r.archivo: (r.codigo, r.motivo) for r in reporte.rechazos}
    assert motivos["otros_bytes.xml"][0] == "recibo_en_conflicto"
    assert "Se conserva el que ya estaba" in motivos["otros_bytes.xml"][1]
    assert motivos["uuid_cambiado.xml"][0] == "recibo_copia_probable"
    assert "Probable copia" in motivos["uuid_cambiado.xml"][1]
    # The XML the client gets is still the one first imported.
    archivo = ArchivoEvidencias(services.archivo_evidencias.path)
    guardado = archivo.recibos([otro_nombre[:-4].lower()])
    assert list(guardado.values()) == [hashlib.sha256(otro_xml).hexdigest()]
    assert len(services.nomina_consulta.listar(CLI_ACTOR, Periodo(2026, 1))) == 2
    # The client's pack says so of each receipt, and warns.
    cliente = next(c for c in nc.CLIENTES if c.encode() in xml)
    hecho = services.evidencias.paquete(CLI_ACTOR, Mes(2026, 3), cliente, tmp_path / "p.zip")
    with zipfile.ZipFile(hecho.ruta) as zf:
        filas = _indice(zf)
    assert {f[5] for f in filas if f[2].startswith("recibos/")} == {"sin verificar"}
    assert any(f[0].startswith("Aviso: En ") and "no se verificó" in f[0] for f in filas)

    # IT loads the SAT's timbre certificate once (no empresa needed): now the copy's timbre is
    # checked, and its changed UUID breaks the SAT's seal.
    from icsoe_desktop.domain.errors import ValidationError
    from icsoe_desktop.services.nomina import certificados_sat

    confianza = services.certificates.emisores.trust_store()
    ajeno = tmp_path / "csd.cer"
    ajeno.write_bytes(nc.csd().cer)
    sat = tmp_path / "sat.cer"
    sat.write_bytes(nc.certificado_sat().cer)
    with pytest.raises(ValidationError) as negado:
        certificados_sat.agregar(data_dir, ajeno, confianza)
    assert negado.value.code == "certificado_sat_ajeno"
    (tmp_path / "ocupado").mkdir()
    (tmp_path / "ocupado" / "certificados_sat").write_text("no es carpeta")
    with pytest.raises(ValidationError) as sin_carpeta:
        certificados_sat.agregar(tmp_path / "ocupado", sat, confianza)
    assert sin_carpeta.value.code == "certificado_sat_no_guardado"
    assert certificados_sat.agregar(data_dir, sat, confianza).no_certificado == nc.NO_SAT
    listado = cli(data_dir, "nomina", "certificados-sat", "listar")
    assert listado.returncode == 0 and listado.stdout.split() == [nc.NO_SAT], listado.stderr
    otra_vez = services.nomina.importar([tmp_path / "b" / "uuid_cambiado.xml"], CLI_ACTOR)
    assert [r.codigo for r in otra_vez.rechazos] == ["sello_sat_invalido"]
    # The receipts kept unverified, imported again: their SAT seal now says verified.
    assert services.nomina.importar([tmp_path / "a"], CLI_ACTOR).duplicados == 2
    assert all(f.sello_sat for f in services.nomina_consulta.listar(CLI_ACTOR, Periodo(2026, 1)))


def test_receipts_kept_unverified_are_checked_again_when_the_certificate_arrives(
    services, data_dir, tmp_path
) -> None:
    """Once the SAT's certificate is added (here by IT's command; the sync does the same with
    those the server serves, keeping only the SAT's, trusted), each receipt kept «sin
    verificar» is verified again, and one whose timbre was altered stays unverified."""
    from icsoe_desktop.services.nomina import certificados_sat

    services.primer_uso.guardar_empresa(nc.RFC_EMPRESA, "Servicios del Mayab SA de CV", CLI_ACTOR)
    services.nombrar_empresa()
    nc.confiar(data_dir, sat=False)
    (bueno, xml), (otro, otro_xml) = nc.nomina(
        nc.Emisor(), nc.trabajadores(2, seed=6), nc.semanas(date(2026, 3, 2), 1)
    )
    uuid = otro[:-4]
    alterado = otro_xml.replace(uuid.encode(), ("0" * 8 + uuid[8:]).encode())
    carpeta = nc.escribir(tmp_path / "a", [(bueno, xml), ("alterado.xml", alterado)])
    assert services.nomina.importar([carpeta], CLI_ACTOR).sin_sello_sat == 2
    assert services.reverificar_sello_sat() == 0  # no certificate yet

    confianza = services.certificates.emisores.trust_store()
    llegados = [nc.csd().cer, b"no es un certificado"]
    assert certificados_sat.recibidos(data_dir, llegados, confianza) == []  # neither the SAT's
    sat = tmp_path / "sat.cer"
    sat.write_bytes(nc.certificado_sat().cer)
    hecho = cli(data_dir, "nomina", "certificados-sat", "agregar", sat)
    assert hecho.returncode == 0, hecho.stderr
    assert hecho.stdout.splitlines()[-1] == (
        "1 recibo guardado sin verificar de Servicios del Mayab SA de CV "
        f"({nc.RFC_EMPRESA}) ya tiene el sello del SAT verificado."
    )
    llegados.append(nc.certificado_sat().cer)
    assert certificados_sat.recibidos(data_dir, llegados, confianza) == []  # held already
    assert services.reverificar_sello_sat() == 0  # the altered one stays unverified
    filas = services.nomina_consulta.listar(CLI_ACTOR, Periodo(2026, 1))
    assert {f.timbre.lower(): f.sello_sat for f in filas} == {
        bueno[:-4].lower(): True,
        ("0" * 8 + uuid[8:]).lower(): False,
    }

"""`emisores agregar --uso efirma|sello` from the command line, and what `informativa verificar`
says of a constancia signed with a certificate of a CA trusted only for its time-stamps."""

from __future__ import annotations

import pytest

from icsoe_desktop.services.informativa import constancia as c
from tests.icsoe_helpers import trust_sat
from tests.services.test_emisores_uso import COMERCIAL, archivo_ca, ataque, comercial
from tests.test_cli_informativa import cli

pytestmark = [pytest.mark.slow, pytest.mark.end2end]


def test_the_purpose_is_always_said_and_the_attack_is_refused_naming_it(tmp_path):
    datos = tmp_path / "datos"
    datos.mkdir()
    trust_sat(datos)
    ca = archivo_ca(comercial().certificate_der, tmp_path)
    pdf = tmp_path / "constancia.pdf"
    pdf.write_bytes(ataque())

    # No purpose given: nothing added, and both purposes named.
    sin_uso = cli(datos, "emisores", "agregar", ca)
    assert sin_uso.returncode == 2 and "Traceback" not in sin_uso.stderr
    assert "--uso {efirma,sello}" in sin_uso.stderr
    assert COMERCIAL not in cli(datos, "emisores", "listar").stdout
    ayuda = cli(datos, "emisores", "agregar", "--help").stdout
    assert "efirma: «Emisor de e.firma»; sello: «Autoridad de sellos de tiempo»" in " ".join(
        ayuda.split()
    )

    agregado = cli(datos, "emisores", "agregar", ca, "--uso", "sello")
    assert agregado.returncode == 0, agregado.stderr
    assert agregado.stdout.strip().endswith("como «Autoridad de sellos de tiempo».")
    linea = next(x for x in cli(datos, "emisores", "listar").stdout.splitlines() if COMERCIAL in x)
    origen, _vence, _huella, uso, nombre = linea.split("\t")
    assert (origen, uso, nombre) == ("agregado", "sello", COMERCIAL)

    hecho = cli(datos, "informativa", "verificar", pdf)
    assert (hecho.returncode, hecho.stdout.splitlines()) == (
        2,
        [c.NO_VALIDA, c.SOLO_SELLOS.format(emisor=COMERCIAL)],
    )

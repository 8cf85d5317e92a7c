"""A constancia rewritten whole by a tool nobody here wrote (qpdf, pypdf: what «optimise» or
«save as» does) keeps its signature dictionary but no longer has the signed bytes where the
signature says: `verificar` says the signature is broken, not only that the pages differ."""

from __future__ import annotations

import io
import shutil
import subprocess

import pytest

from icsoe_desktop.services.informativa import constancia as c
from tests.services.test_constancia_hora_probada import (
    AHORA,
    AL_SELLAR,
    VIGENTE_HASTA,
    _confianza,
    _fiel,
    _firmar,
)

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def constancia() -> bytes:
    return _firmar(_fiel(VIGENTE_HASTA), AL_SELLAR)


def _pypdf(pdf: bytes) -> bytes:
    from pypdf import PdfReader, PdfWriter

    salida = io.BytesIO()
    PdfWriter(clone_from=PdfReader(io.BytesIO(pdf))).write(salida)
    return salida.getvalue()


def _qpdf(pdf: bytes, tmp_path, *opciones: str) -> bytes:
    if shutil.which("qpdf") is None:
        pytest.skip("qpdf no está instalado")
    entrada, salida = tmp_path / "entrada.pdf", tmp_path / "salida.pdf"
    entrada.write_bytes(pdf)
    subprocess.run(["qpdf", *opciones, entrada, salida], check=True, capture_output=True)
    return salida.read_bytes()


@pytest.mark.parametrize(
    "reescribir",
    [
        lambda pdf, _tmp: _pypdf(pdf),
        lambda pdf, tmp: _qpdf(pdf, tmp),
        lambda pdf, tmp: _qpdf(pdf, tmp, "--object-streams=generate"),
        lambda pdf, tmp: _qpdf(pdf, tmp, "--qdf"),
    ],
    ids=["pypdf", "qpdf", "qpdf_object_streams", "qpdf_qdf"],
)
def test_a_constancia_rewritten_whole_is_reported_as_a_broken_signature(
    constancia, tmp_path, reescribir
):
    assert c.verificar_constancia(constancia, _confianza(), ahora=AHORA).ok
    reescrita = reescribir(constancia, tmp_path)
    assert reescrita != constancia
    resultado = c.verificar_constancia(reescrita, _confianza(), ahora=AHORA)
    assert (resultado.ok, resultado.motivo) == (False, (c.FIRMA_ROTA,))
    assert resultado.salida == c.SALIDA_NO_VALIDA

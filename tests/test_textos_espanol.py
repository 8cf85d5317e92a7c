"""The product's Spanish reads as Spanish: no message says «de el» or «a el» (it is «del»,
«al»), and a count agrees with its noun («1 recibo», never «1 recibos»). The source's string
literals are scanned, so a new message cannot bring them back; the messages built by
formatting «de {documento}» are checked as they come out."""

from __future__ import annotations

import ast
import re
from datetime import date
from pathlib import Path

import pytest
from lxml import etree

from icsoe_desktop.domain.errors import ValidationError
from icsoe_desktop.domain.nomina.recibo import NS_TFD, leer_recibo, parse_xml
from icsoe_desktop.domain.texts import contraer
from icsoe_desktop.services.sisub import pdfs
from tests import nomina_cfdi as nc

SOURCE = Path(__file__).resolve().parent.parent / "icsoe_desktop"
SIN_CONTRAER = re.compile(r"\b(?:[Dd]e|[Aa]) el\b")
# The nouns the messages count. A count written straight before one must come from plural():
# «{n} recibos» reads «1 recibos». A constant above 1 (MAX_…) may stand before a plural noun.
# Units (bytes, caracteres, minutos) are left out: a limit, a size or a tolerance.
_NOMBRES = (
    "recibos|clientes|trabajadores|contratos|contratantes|movimientos|archivos|registros|"
    "renglones|filas|columnas|lotes|rechazados|aprobados|errores|problemas|entradas|servicios|"
    "días|capturistas|usuarios|empresas|diferencias|códigos|colonias|asentamientos|"
    "entidades|capítulos|imágenes|certificados|cambios|complementos|complementarias|claves|"
    "documentos|informativas|páginas|intentos|conflictos|cosas"
)
CONTABLES = re.compile(rf"^ ({_NOMBRES})\b")
# The same in a template filled by str.format: «Se exportaron {total:,} movimientos».
PLANTILLA = re.compile(rf"\{{[^{{}}]*\}} ({_NOMBRES})\b")


def _docstrings(tree: ast.AST) -> set[int]:
    found = set()
    for node in ast.walk(tree):
        documentado = isinstance(
            node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef
        )
        if documentado and node.body and isinstance(node.body[0], ast.Expr):
            found.add(id(node.body[0].value))
    return found


def _solo_plural(tree: ast.AST) -> set[int]:
    """f-strings that are the «else» of ``… if n == 1 else f"{n} recibos"``: plural by
    construction."""
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.IfExp) and "== 1" in ast.unparse(node.test):
            found.add(id(node.orelse))
    return found


def _constante_o_verbo(valor: ast.expr) -> bool:
    """A count made of constants only (``MAX_…``, ``len(DOCUMENTOS) + 1``), or a verb that
    agrees with its count («{verb(n, 'tiene', 'tienen')} errores»): not a count to agree."""
    if isinstance(valor, ast.Call) and ast.unparse(valor.func) == "verb":
        return True
    nombres = _hojas(valor)
    return bool(nombres) and all(n.isupper() for n in nombres)


def _hojas(valor: ast.expr) -> list[str]:
    """The names a count is made of: ``login_throttle.MAX_FAILED_ATTEMPTS`` → the constant's."""
    if isinstance(valor, ast.Attribute):
        return [valor.attr]
    if isinstance(valor, ast.Name):
        return [valor.id]
    if isinstance(valor, ast.Call) and ast.unparse(valor.func) == "len":
        return [h for arg in valor.args for h in _hojas(arg)]
    if isinstance(valor, ast.BinOp):
        return _hojas(valor.left) + _hojas(valor.right)
    return [] if isinstance(valor, ast.Constant) else ["?"]


def _constante(plantilla: str) -> bool:
    """A template whose every counted field is named in capitals ({MAX_FILAS}): a constant."""
    return all(m.group(0)[1:].split("}")[0].split(":")[0].isupper()
               for m in PLANTILLA.finditer(plantilla))  # fmt: skip


def test_no_message_says_de_el_nor_a_count_that_disagrees_with_its_noun() -> None:
    hallados = []
    for path in sorted(SOURCE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        docstrings, plurales = _docstrings(tree), _solo_plural(tree)
        donde = path.relative_to(SOURCE.parent)
        for node in ast.walk(tree):
            texto = isinstance(node, ast.Constant) and isinstance(node.value, str)
            if texto and id(node) not in docstrings and SIN_CONTRAER.search(node.value):
                hallados.append(f"{donde}:{node.lineno}: {node.value!r}")
            plantilla = texto and id(node) not in docstrings and PLANTILLA.search(node.value)
            if plantilla and not _constante(node.value):
                hallados.append(f"{donde}:{node.lineno}: {node.value!r}")
            if isinstance(node, ast.JoinedStr) and id(node) not in plurales:
                for antes, despues in zip(node.values, node.values[1:], strict=False):
                    if (
                        isinstance(antes, ast.FormattedValue)
                        and isinstance(despues, ast.Constant)
                        and CONTABLES.match(str(despues.value))
                        and not _constante_o_verbo(antes.value)
                    ):
                        hallados.append(f"{donde}:{node.lineno}: {ast.unparse(node)}")
    assert hallados == []


def test_messages_built_from_a_document_or_a_node_name_contract_de_el() -> None:
    assert contraer("Elige el PDF de el contrato; a el cliente. De el acta.") == (
        "Elige el PDF del contrato; al cliente. Del acta."
    )
    assert contraer("de ella, a ellos, de El Salvador") == "de ella, a ellos, de El Salvador"
    for clave in pdfs.MENSAJES:
        for escritura in (True, False):
            assert not SIN_CONTRAER.search(pdfs.mensaje(clave, escritura))
    assert pdfs.mensaje("acuse_no_pdf", False).endswith("elige el PDF del contrato.")

    _, xml = next(nc.nomina(nc.Emisor(), nc.trabajadores(1), nc.semanas(date(2026, 3, 2), 1)))
    root = etree.fromstring(xml)
    timbre = root.find(f".//{{{NS_TFD}}}TimbreFiscalDigital")
    del timbre.attrib["SelloCFD"]
    with pytest.raises(ValidationError) as error:
        leer_recibo(parse_xml(etree.tostring(root, encoding="UTF-8")))
    assert error.value.message == "Le falta el atributo SelloCFD del Timbre Fiscal Digital."

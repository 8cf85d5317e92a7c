"""Qt's ICU data as the Linux bundle carries it (installer/icu_data.py): root, Spanish and
English, and still what Qt asks of ICU; a cut that loses Spanish fails the self-check."""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _icu_data():
    spec = importlib.util.spec_from_file_location("icu_data", ROOT / "installer" / "icu_data.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize(
    "item",
    [
        "root.res",
        "es.res",
        "es_MX.res",
        "es_419.res",
        "en_001.res",
        "pool.res",
        "res_index.res",
        "coll/es.res",
        "coll/es__TRADITIONAL.res",
        "coll/root.res",
        "coll/ucadata.icu",
        "zone/es_MX.res",
        "zone/tzdbNames.res",
        "region/es.res",
        "cnvalias.icu",
        "zoneinfo64.res",
        "metaZones.res",
        "supplementalData.res",
        "nfkc.nrm",
    ],
)
def test_spanish_english_and_what_every_language_shares_stay(item):
    assert _icu_data().item_kept(item, 2_000)


@pytest.mark.parametrize(
    "item",
    [
        "fr.res",
        "zh_Hant_HK.res",
        "coll/de__PHONEBOOK.res",
        "zone/yue.res",
        "sr_Latn_BA.res",
        "brkitr/es.res",
        "brkitr/cjdict.dict",
        "translit/root.res",
    ],
)
def test_other_languages_break_iterators_and_transliterators_go(item):
    assert not _icu_data().item_kept(item, 2_000)


def test_only_the_single_byte_code_pages_stay():
    icu = _icu_data()
    assert icu.item_kept("ibm-5348_P100-1997.cnv", 2_704)  # windows-1252
    assert not icu.item_kept("gb18030.cnv", 232_816)


# The self-check's ICU line, with ICU's data library taken from argv[1].
CHECK_ICU = """
from PySide6.QtCore import QCoreApplication
from icsoe_desktop.self_check_funciones import check_icu
app = QCoreApplication([])
print(check_icu().line())
"""


def _pyside_icu_data() -> Path | None:
    spec = importlib.util.find_spec("PySide6")
    found = sorted(Path(spec.origin).parent.glob("Qt/lib/libicudata.so.*")) if spec else []
    return found[0] if found else None


def _check_icu_with(library: Path) -> str:
    env = dict(os.environ, PYTHONPATH=str(ROOT), LD_PRELOAD=str(library))
    done = subprocess.run(
        [sys.executable, "-c", CHECK_ICU],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        timeout=120,
        check=True,
    )
    return done.stdout.strip()


@pytest.mark.slow  # icupkg and the compiler (~2 s)
@pytest.mark.skipif(
    _pyside_icu_data() is None or not all(map(shutil.which, ("icupkg", "cc", "readelf"))),
    reason="Qt without its own ICU here, or no icupkg (icu-devtools) and compiler",
)
def test_the_cut_data_still_serves_qt_and_a_cut_without_spanish_fails_the_self_check(
    tmp_path, monkeypatch
):
    icu = _icu_data()
    original = _pyside_icu_data()
    trimmed = icu.trimmed_library(original, tmp_path / "bundle")
    assert trimmed.stat().st_size < original.stat().st_size / 4
    assert _check_icu_with(trimmed).startswith("OK    Datos de ICU (Qt): orden en español")

    monkeypatch.setattr(icu, "KEPT_LANGUAGES", {"en"})
    english_only = icu.trimmed_library(original, tmp_path / "sin-espanol")
    line = _check_icu_with(english_only)
    assert line.startswith("FALLA Datos de ICU (Qt): no ordena en español")

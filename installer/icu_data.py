"""Qt's ICU data, cut to what Qt asks of it (Linux bundle only; build_installer.spec calls this).

PySide6's Linux Qt Core links ICU, whose data library (libicudata, ~32 MB) holds the data of
every language, collation, break-iterator dictionary, transliterator and code page. Qt Core asks
ICU for four things only: case mapping, collation (QCollator), time-zone names and code-page
converters (QStringConverter by name). What stays: every item that is not per-language, the
language trees (collation, time-zone, language, region, currency, unit and spelled-number
names) of root, Spanish and English, and the single-byte code pages (Windows, ISO 8859, DOS,
Mac: a few KB each). Out: the other languages, the break iterators and their dictionaries (Qt
breaks text with its own tables), the transliterators, and the multi-byte code pages (CJK,
EBCDIC DBCS).

ICU's own ``icupkg`` (Debian's icu-devtools) rewrites the data package; the C compiler makes it a
library with the same name, soname and symbol (``icudtNN_dat``) Qt's ICU links against. The
self-check's «Datos de ICU (Qt)» proves the cut data still collates Spanish, names a time zone
in Spanish and knows the Windows-1252 code page.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from pathlib import Path, PurePosixPath

KEPT_LANGUAGES = {"es", "en"}
# ICU's break iterators (Qt breaks text with its own tables) and transliterators: Qt calls
# neither.
UNUSED_TREES = {"brkitr", "translit"}
# Per-language items are named by locale ID (es, es_MX, sr_Latn_BA, coll/de__PHONEBOOK); these
# names look like one and are not.
NOT_LOCALES = {"root", "pool", "res_index"}
_LOCALE = re.compile(r"^[a-z]{2,3}(_[A-Za-z0-9]*)*$")
# A single-byte code page's table is 1-4 KB; the smallest multi-byte one is above 60 KB.
SINGLE_BYTE_LIMIT = 16_000
_DATA_LIBRARY = re.compile(r"^libicudata\.so\.\d+$")
_MISSING = re.compile(r"Item (\S+) depends on missing item")


def item_kept(name: str, size: int) -> bool:
    """Whether the data item ``name`` (as icupkg lists it: tree/item.ext) of ``size`` bytes
    stays in the bundle's ICU data."""
    path = PurePosixPath(name)
    if path.parent.name in UNUSED_TREES:
        return False
    if path.suffix == ".cnv":
        return size < SINGLE_BYTE_LIMIT
    if path.suffix != ".res" or path.stem in NOT_LOCALES or not _LOCALE.match(path.stem):
        return True
    return path.stem.split("_")[0] in KEPT_LANGUAGES


def _run(command: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, cwd=cwd, capture_output=True, text=True, check=False)


def _symbol(library: Path) -> tuple[str, int, int]:
    """The data symbol of ``library``: name, file offset and size."""
    symbols = _run(["readelf", "-sW", "--dyn-syms", str(library)], library.parent).stdout
    found = re.search(
        r":\s+([0-9a-f]+)\s+(0x[0-9a-f]+|\d+)\s+OBJECT\s.*\s(icudt\d+_dat)$", symbols, re.M
    )
    if found is None:
        raise RuntimeError(f"{library} no tiene el símbolo icudtNN_dat")
    address, size, name = found.groups()
    sections = _run(["readelf", "-SW", str(library)], library.parent).stdout
    rodata = re.search(r"\.rodata\s+PROGBITS\s+([0-9a-f]+)\s+([0-9a-f]+)", sections)
    if rodata is None:
        raise RuntimeError(f"{library} no tiene sección .rodata")
    offset = int(address, 16) - int(rodata.group(1), 16) + int(rodata.group(2), 16)
    return name, offset, int(size, 0)


def trimmed_library(library: Path, workdir: Path) -> Path:
    """A copy of ICU's data ``library`` (libicudataNN.so) with only the kept items, built in
    ``workdir``; raises RuntimeError with icupkg's or the compiler's message if a step fails."""
    missing = [tool for tool in ("icupkg", "cc", "readelf") if shutil.which(tool) is None]
    if missing:
        raise RuntimeError(
            f"Faltan {', '.join(missing)} para recortar los datos de ICU del paquete de Linux "
            "(en Debian: apt-get install icu-devtools gcc)"
        )
    symbol, offset, size = _symbol(library)
    package = symbol.removesuffix("_dat") + "l"  # icudt73l: little-endian ASCII, as on x86-64
    workdir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=workdir) as scratch_name:
        scratch = Path(scratch_name)
        with library.open("rb") as source:
            source.seek(offset)
            # Named as the package: icupkg checks its items' prefix against the file name.
            (scratch / f"{package}.dat").write_bytes(source.read(size))
        items = scratch / "items"
        items.mkdir()
        full = f"{package}.dat"
        done = _run(["icupkg", "-x", "*", "-d", str(items), full], scratch)
        if done.returncode:
            raise RuntimeError(f"icupkg no pudo extraer los datos de ICU: {done.stderr}")
        listed = _run(["icupkg", "-l", full], scratch).stdout.split()
        kept = [name for name in listed if item_kept(name, (items / name).stat().st_size)]
        out = scratch / "kept" / f"{package}.dat"
        out.parent.mkdir()
        for _attempt in range(5):
            (scratch / "kept.txt").write_text("\n".join(kept) + "\n", encoding="ascii")
            out.unlink(missing_ok=True)
            done = _run(["icupkg", "-a", "kept.txt", "-s", str(items), "new", str(out)], scratch)
            # An extension table of a cut multi-byte code page (windows-936-2000 of
            # ibm-1386): without its base it is no code page, so it goes too.
            orphans = set(_MISSING.findall(done.stdout + done.stderr))
            if not done.returncode or not orphans:
                break
            kept = [name for name in kept if name not in orphans]
        if done.returncode:
            raise RuntimeError(f"icupkg no pudo escribir los datos de ICU: {done.stderr}")
        assembly = scratch / "data.S"
        assembly.write_text(
            f"\t.section .rodata\n\t.globl {symbol}\n\t.type {symbol}, @object\n\t.balign 16\n"
            f'{symbol}:\n\t.incbin "{out}"\n\t.size {symbol}, . - {symbol}\n'
            '\t.section .note.GNU-stack,"",@progbits\n',
            encoding="ascii",
        )
        trimmed = workdir / library.name
        done = _run(
            [
                "cc",
                "-shared",
                "-nostdlib",
                f"-Wl,-soname,{library.name}",
                "-s",
                "-o",
                str(trimmed),
                str(assembly),
            ],
            scratch,
        )
        if done.returncode:
            raise RuntimeError(f"no se pudo compilar {library.name}: {done.stderr}")
    return trimmed


def with_trimmed_data(
    binaries: list[tuple[str, str, str]], workdir: Path
) -> list[tuple[str, str, str]]:
    """PyInstaller's binaries (dest, src, type) with ICU's data library, if there is one, taken
    from ``trimmed_library``."""
    return [
        (dest, str(trimmed_library(Path(src), workdir)), kind)
        if _DATA_LIBRARY.match(PurePosixPath(dest).name) and kind != "SYMLINK"
        else (dest, src, kind)
        for dest, src, kind in binaries
    ]

"""The evidence archive's file as a data folder holds it: each blob in parts that fill the
pages, the file within 1.2× the bytes it keeps, and an archive that kept each blob whole put
in parts at its first opening with every blob still read back."""

from __future__ import annotations

import hashlib
import random
import zlib
from contextlib import closing
from pathlib import Path

import pytest

from icsoe_desktop.services.evidencias import archivo as archivo_
from icsoe_desktop.services.evidencias.archivo import ArchivoEvidencias
from icsoe_desktop.store import cifrado


def _recibos(cuantos: int, semilla: int) -> list[tuple[str, bytes, bytes]]:
    """(UUID, XML, its zlib stream) shaped like receipts: 4–8 KB of XML that compress to
    1.8–3.5 KB (each with its own names and amounts)."""
    azar = random.Random(semilla)
    recibos = []
    for n in range(cuantos):
        partes = [
            f'<nomina12:Percepcion Clave="{azar.randrange(10**6):06d}" '
            f'Concepto="{azar.choice(["Sueldo", "Horas extra", "Prima", "Bono"])}" '
            f'ImporteGravado="{azar.randrange(10**7) / 100:.2f}" '
            f'Token="{azar.getrandbits(160):040x}"/>'
            for _ in range(azar.randint(42, 80))
        ]
        xml = f'<cfdi:Comprobante Folio="{n}">{"".join(partes)}</cfdi:Comprobante>'.encode()
        recibos.append((f"{azar.getrandbits(128):032x}", xml, zlib.compress(xml, 6)))
    return recibos


def test_the_archive_file_is_within_1_2_times_the_bytes_it_keeps(data_dir, services) -> None:
    archivo = ArchivoEvidencias(Path(data_dir) / "evidencias" / "prueba.sqlite3")
    recibos = _recibos(3_000, 1)
    with archivo.escritor_de_recibos() as guardar:
        for inicio in range(0, len(recibos), 500):
            guardar(recibos[inicio : inicio + 500])
    datos = sum(len(z) for _, _, z in recibos)
    assert 1.8e3 < datos / len(recibos) < 3.5e3
    assert not cifrado.es_plano(archivo.path)  # measured as a data folder keeps it: encrypted
    with closing(cifrado.conectar(archivo.path)) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    assert archivo.path.stat().st_size <= 1.2 * datos
    muestra = recibos[::97]
    huellas = [hashlib.sha256(x).hexdigest() for _, x, _ in muestra]
    assert list(archivo.leer_varios(huellas)) == [x for _, x, _ in muestra]
    assert archivo.recibos([u for u, _, _ in muestra]) == dict(
        zip([u for u, _, _ in muestra], huellas, strict=True)
    )
    # The same receipts again add nothing.
    antes = archivo.path.stat().st_size
    archivo.guardar_recibos(recibos[:500])
    with closing(cifrado.conectar(archivo.path)) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        assert conn.execute("SELECT count(*) FROM archivos").fetchone() == (3_000,)
    assert archivo.path.stat().st_size == antes


def test_an_archive_of_whole_blobs_is_put_in_parts_when_first_opened(data_dir, services) -> None:
    """An archive written when each blob was one row: every receipt and document reads back
    the same after the first opening, the file shrinks to its data's size, and a new blob
    goes in after the old ones."""
    ruta = Path(data_dir) / "evidencias" / "vieja.sqlite3"
    ruta.parent.mkdir(parents=True)
    recibos = _recibos(600, 2)
    pdf = b"%PDF-1.7\n" + bytes(random.Random(3).getrandbits(8) for _ in range(300_000))
    huella_pdf = hashlib.sha256(pdf).hexdigest()
    with closing(cifrado.conectar(ruta, isolation_level=None)) as conn:
        conn.execute(
            "CREATE TABLE archivos (sha256 TEXT PRIMARY KEY, tamano INTEGER NOT NULL, "
            "datos BLOB NOT NULL) WITHOUT ROWID"
        )
        conn.execute(
            "CREATE TABLE recibos (timbre TEXT PRIMARY KEY, sha256 TEXT NOT NULL) WITHOUT ROWID"
        )
        conn.executemany(
            "INSERT INTO archivos VALUES (?, ?, ?)",
            [(hashlib.sha256(x).hexdigest(), len(x), z) for _, x, z in recibos]
            + [(huella_pdf, len(pdf), zlib.compress(pdf))],
        )
        conn.executemany(
            "INSERT INTO recibos VALUES (?, ?)",
            [(u, hashlib.sha256(x).hexdigest()) for u, x, _ in recibos],
        )
    entero = ruta.stat().st_size

    archivo = ArchivoEvidencias(ruta)
    huellas = [hashlib.sha256(x).hexdigest() for _, x, _ in recibos]
    assert list(archivo.leer_varios([*huellas, huella_pdf])) == [x for _, x, _ in recibos] + [pdf]
    with closing(cifrado.conectar(ruta)) as conn:
        tablas = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    assert tablas == {"archivos", "partes", "recibos"}
    assert ruta.stat().st_size < entero
    assert len(archivo.timbres()) == 600

    otro = b"%PDF-1.7\nopinion positiva"
    huella = archivo.guardar(otro)
    assert list(archivo.leer_varios([huella, huella_pdf, "0" * 64])) == [otro, pdf, None]
    with closing(cifrado.conectar(ruta)) as conn:
        assert archivo_.leer(conn, huella) == zlib.compress(otro, 6)
        assert archivo_.leer(conn, "0" * 64) == b""


def test_a_batch_that_fails_leaves_the_archive_as_it_was(data_dir, services) -> None:
    """An import's batch the archive refuses half-way (a UUID SQLite cannot store, after the
    blobs were written) keeps none of its blobs: the batch is one transaction, and the
    connection goes on with the next one."""
    archivo = ArchivoEvidencias(Path(data_dir) / "evidencias" / "lote.sqlite3")
    buenos, malos = _recibos(40, 4), _recibos(1, 5)
    sin_uuid = [({"uuid": u}, x, z) for u, x, z in malos]
    with archivo.escritor_de_recibos() as guardar:
        guardar(buenos[:20])
        guardar([])  # an empty batch writes nothing
        with pytest.raises(cifrado.Error):
            guardar(sin_uuid)  # type: ignore[arg-type]
        guardar(buenos[20:])
    assert sorted(archivo.timbres()) == sorted(u for u, _, _ in buenos)
    huellas = [hashlib.sha256(x).hexdigest() for _, x, _ in malos[:1]]
    assert list(archivo.leer_varios(huellas)) == [None]
    assert archivo.tiene(hashlib.sha256(x).hexdigest() for _, x, _ in buenos) == {
        hashlib.sha256(x).hexdigest() for _, x, _ in buenos
    }

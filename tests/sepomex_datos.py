"""A small catalogue in SEPOMEX's own format (CPdescarga.txt): the copyright line, the column
names, pipe-separated rows in ISO-8859-1 with Windows line ends, as Correos de México hands it."""

from __future__ import annotations

import zipfile
from pathlib import Path

AVISO = (
    "El Catálogo Nacional de Códigos Postales, es elaborado por Correos de México y se "
    "proporciona en forma gratuita para uso particular, no estando permitida su "
    "comercialización, total o parcial, ni su distribución a terceros bajo ningún concepto."
)
ENCABEZADO = (
    "d_codigo|d_asenta|d_tipo_asenta|D_mnpio|d_estado|d_ciudad|d_CP|c_estado|c_oficina|c_CP|"
    "c_tipo_asenta|c_mnpio|id_asenta_cpcons|d_zona|c_cve_ciudad"
)

# (d_codigo, d_asenta, d_tipo_asenta, D_mnpio, d_estado, d_ciudad, c_estado)
ASENTAMIENTOS = [
    ("06600", "Juárez", "Colonia", "Cuauhtémoc", "Ciudad de México", "Ciudad de México", "09"),
    ("25000", "Zona Centro", "Colonia", "Saltillo", "Coahuila de Zaragoza", "Saltillo", "05"),
    ("25000", "Obrera", "Colonia", "Saltillo", "Coahuila de Zaragoza", "Saltillo", "05"),
    ("25000", "Ñandúes", "Colonia", "Saltillo", "Coahuila de Zaragoza", "Saltillo", "05"),
    ("25000", "Centro", "Barrio", "Saltillo", "Coahuila de Zaragoza", "Saltillo", "05"),
    ("25000", "Nogales", "Colonia", "Saltillo", "Coahuila de Zaragoza", "Saltillo", "05"),
    ("25000", "Álamos", "Fraccionamiento", "Saltillo", "Coahuila de Zaragoza", "Saltillo", "05"),
    ("25000", "Centro", "Colonia", "Saltillo", "Coahuila de Zaragoza", "Saltillo", "05"),
    ("58000", "Centro", "Colonia", "Morelia", "Michoacán de Ocampo", "Morelia", "16"),
    ("58000", "Chapultepec Norte", "Colonia", "Morelia", "Michoacán de Ocampo", "Morelia", "16"),
    ("61500", "El Aguacate", "Ranchería", "Zitácuaro", "Michoacán de Ocampo", "", "16"),
    ("61500", "Crescencio Morales", "Pueblo", "Zitácuaro", "Michoacán de Ocampo", "", "16"),
    (
        "91000",
        "Xalapa Enríquez Centro",
        "Colonia",
        "Xalapa",
        "Veracruz de Ignacio de la Llave",
        "Xalapa-Enríquez",
        "30",
    ),
    (
        "91000",
        "Rafael Lucio",
        "Colonia",
        "Xalapa",
        "Veracruz de Ignacio de la Llave",
        "Xalapa-Enríquez",
        "30",
    ),
    ("50000", "Toluca Centro", "Colonia", "Toluca", "México", "Toluca de Lerdo", "15"),
]


def linea(asentamiento: tuple[str, ...]) -> str:
    cp, asenta, tipo, mnpio, estado, ciudad, c_estado = asentamiento
    claves = (cp, c_estado, cp, "", "09", "001", "0001", "Urbano", "01" if ciudad else "")
    return "|".join((cp, asenta, tipo, mnpio, estado, ciudad, *claves))


def texto(
    asentamientos: list[tuple[str, ...]] = ASENTAMIENTOS, encabezado: str = ENCABEZADO
) -> str:
    return "\r\n".join([AVISO, encabezado, *map(linea, asentamientos)]) + "\r\n"


def escribir(
    path: Path,
    asentamientos: list[tuple[str, ...]] = ASENTAMIENTOS,
    encoding: str = "latin-1",
) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(texto(asentamientos).encode(encoding))
    return path


def escribir_zip(path: Path, miembros: dict[str, bytes] | None = None) -> Path:
    """CPdescarga.zip holding CPdescarga.txt (or the members given)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if miembros is None:
        miembros = {"CPdescarga.txt": texto().encode("latin-1")}
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archivo:
        for nombre, datos in miembros.items():
            archivo.writestr(nombre, datos)
    return path

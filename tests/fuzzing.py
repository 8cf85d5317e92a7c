"""Shared by the fuzz tests: hypothesis settings and files damaged the way disks, mail and USB
sticks damage them (truncated, bits flipped, bytes dropped, inserted or zeroed)."""

from __future__ import annotations

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st


def fuzz_settings(max_examples: int, *checks: HealthCheck) -> settings:
    return settings(
        max_examples=max_examples,
        deadline=None,
        database=None,  # no .hypothesis folder in the work tree
        suppress_health_check=[HealthCheck.too_slow, *checks],
    )


@st.composite
def damaged_bytes(
    draw: st.DrawFn, data: bytes, most: int = 3, nasty: tuple[bytes, ...] = ()
) -> bytes:
    """``data`` with one to ``most`` kinds of damage; ``nasty``: byte strings worth inserting."""
    out = bytearray(data)
    kinds = ["truncate", "flip", "drop", "insert", "zero"] + (["nasty"] if nasty else [])
    for _ in range(draw(st.integers(1, most))):
        if not out:
            break
        kind = draw(st.sampled_from(kinds))
        at = draw(st.integers(0, len(out) - 1))
        if kind == "truncate":
            del out[at:]
        elif kind == "flip":
            out[at] ^= 1 << draw(st.integers(0, 7))
        elif kind == "drop":
            del out[at : at + draw(st.integers(1, 16))]
        elif kind == "insert":
            out[at:at] = draw(st.binary(min_size=1, max_size=16))
        elif kind == "nasty":
            out[at:at] = draw(st.sampled_from(nasty))
        else:
            out[at : at + 8] = bytes(len(out[at : at + 8]))
    return bytes(out)


# Far cells: past the last column read (AMJ), past Excel's last row, and within both but far
# enough for a dense reader to ask for gigabytes.
FAR_REFERENCES = ("XFD1048576", "XFD10000", "AMK1", "A1048577", "AMJ1048576", "ZZ99999")


@st.composite
def far_cell_xml(draw: st.DrawFn) -> bytes:
    """One value alone at a far reference, as a row of a sheet's <sheetData>, written the
    usual way or as other writers (and attackers) may: single quotes, a prefix, no
    reference at all on the cells before it."""
    ref = draw(st.sampled_from(FAR_REFERENCES))
    row = "".join(c for c in ref if c.isdigit())
    value = "<v>7</v>"
    forms = [
        f'<row r="{row}"><c r="{ref}">{value}</c></row>',
        f"<row r='{row}'><c r='{ref}' t='n'>{value}</c></row>",
        f'<row r="{row}"><x:c xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/'
        f'2006/main" r="{ref}">{value}</x:c></row>',
        f'<row r="{row}">' + "<c><v>1</v></c>" * draw(st.integers(1, 2_000)) + "</row>",
    ]
    return draw(st.sampled_from(forms)).encode()

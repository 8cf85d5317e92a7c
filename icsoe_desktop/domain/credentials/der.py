"""A small BER/DER reader: enough ASN.1 for names, key envelopes and the PKCS#12 layout.

Ours rather than ``cryptography``'s: SAT writes Ñ as a Latin-1 byte inside a T61String, which
``cryptography`` refuses, and the outer structure of a key or a .pfx is read before any
decryption, so that a damaged file is told apart from a wrong password. BER is accepted
(indefinite lengths, constructed OCTET STRINGs) because old Windows and Java tools write .pfx
files so. Every failure is ``Malformed``; callers turn it into the CredentialError of their file.
"""

from __future__ import annotations

import functools


class Malformed(Exception):
    """Raised by the reader; callers turn it into the CredentialError of their file."""


_MAX_DEPTH = 32
SEQUENCE, SET, INTEGER, OCTETS, OID, BITS = 0x30, 0x31, 0x02, 0x04, 0x06, 0x03


class Node:
    """One element of ``buf``, by offsets (a plain class: made by the hundred per file)."""

    __slots__ = ("body", "buf", "depth", "end", "start", "stop", "tag")

    def __init__(
        self, buf: bytes, tag: int, start: int, body: int, stop: int, end: int, depth: int
    ) -> None:
        self.buf = buf
        self.tag = tag  # the first identifier octet (we never need high tag numbers)
        self.start = start
        self.body = body  # first content octet
        self.stop = stop  # end of the content (before an indefinite length's end-of-contents)
        self.end = end  # end of the whole element
        self.depth = depth

    def content(self) -> bytes:
        return self.buf[self.body : self.stop]

    def raw(self) -> bytes:
        return self.buf[self.start : self.end]

    def children(self) -> list[Node]:
        if not self.tag & 0x20:
            raise Malformed("primitive element has no children")
        nodes, pos = [], self.body
        while pos < self.stop:
            node = _read(self.buf, pos, self.stop, self.depth + 1)
            nodes.append(node)
            pos = node.end
        return nodes


def _read(buf: bytes, pos: int, limit: int, depth: int = 0) -> Node:
    if depth > _MAX_DEPTH:
        raise Malformed("too deep")
    start = pos
    if pos + 2 > limit:
        raise Malformed("truncated")
    tag = buf[pos]
    pos += 1
    if tag & 0x1F == 0x1F:  # high tag number: skip its base-128 octets
        for _ in range(4):
            if pos >= limit:
                raise Malformed("truncated tag")
            pos += 1
            if not buf[pos - 1] & 0x80:
                break
        else:
            raise Malformed("tag too long")
    if pos >= limit:
        raise Malformed("truncated length")
    first = buf[pos]
    pos += 1
    if first == 0x80:
        return _read_indefinite(buf, tag, start, pos, limit, depth)
    if first < 0x80:
        length = first
    else:
        size = first & 0x7F
        if size > 4 or pos + size > limit:
            raise Malformed("bad length")
        length = int.from_bytes(buf[pos : pos + size], "big")
        pos += size
    if pos + length > limit:
        raise Malformed("truncated content")
    return Node(buf, tag, start, pos, pos + length, pos + length, depth)


def _read_indefinite(buf: bytes, tag: int, start: int, body: int, limit: int, depth: int) -> Node:
    if not tag & 0x20:
        raise Malformed("indefinite length on a primitive")
    pos = body
    while True:
        if pos + 2 > limit:
            raise Malformed("missing end-of-contents")
        if buf[pos] == 0 and buf[pos + 1] == 0:
            return Node(buf, tag, start, body, pos, pos + 2, depth)
        pos = _read(buf, pos, limit, depth + 1).end


def parse(buf: bytes) -> Node:
    """The single element ``buf`` holds; trailing whitespace or NULs (some tools add them) only."""
    node = _read(buf, 0, len(buf))
    if buf[node.end :].strip(b" \t\r\n\x00"):
        raise Malformed("trailing data")
    return node


def expect(node: Node, tag: int) -> Node:
    if node.tag != tag:
        raise Malformed(f"expected tag {tag:#x}, got {node.tag:#x}")
    return node


def items(node: Node, tag: int = SEQUENCE, minimum: int = 0) -> list[Node]:
    nodes = expect(node, tag).children()
    if len(nodes) < minimum:
        raise Malformed("too few elements")
    return nodes


def read_oid(node: Node) -> str:
    return _oid_text(expect(node, OID).content())


@functools.lru_cache(maxsize=256)  # the same few dozen OIDs come back in every file
def _oid_text(data: bytes) -> str:
    if not data or data[-1] & 0x80:
        raise Malformed("bad OID")
    arcs, value = [], 0
    for octet in data:
        value = (value << 7) | (octet & 0x7F)
        if not octet & 0x80:
            arcs.append(value)
            value = 0
    first = min(arcs[0] // 40, 2)
    return ".".join(map(str, [first, arcs[0] - 40 * first, *arcs[1:]]))


def integer(node: Node) -> int:
    data = expect(node, INTEGER).content()
    if not data:
        raise Malformed("empty INTEGER")
    return int.from_bytes(data, "big", signed=True)


def octets(node: Node) -> bytes:
    """OCTET STRING content; a BER constructed one is the concatenation of its pieces."""
    if node.tag == OCTETS or node.tag == 0x80:  # 0x80: [0] IMPLICIT OCTET STRING
        return node.content()
    if node.tag in (OCTETS | 0x20, 0xA0):
        return b"".join(octets(part) for part in node.children())
    raise Malformed("expected OCTET STRING")


def directory_string(node: Node) -> str:
    """Any directory string, tolerantly: 8-bit types as UTF-8, else Latin-1 (SAT's Ñ)."""
    data = node.content()
    if node.tag == 0x1E:  # BMPString
        return data.decode("utf-16-be", errors="replace")
    if node.tag == 0x1C:  # UniversalString
        return data.decode("utf-32-be", errors="replace")
    if node.tag == BITS:  # how asn1crypto would type x500UniqueIdentifier: skip the pad octet
        data = data[1:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("latin-1")

"""Loading a SAT e.firma (.cer + .key + password) with our engine, against the bare
``cryptography`` calls on the same files in the same run. Goal: ratio ≤ 1.2.

The baseline does the least any loader must: parse the certificate, decrypt the PKCS#8 key
(PBKDF2-HMAC-SHA1, 2048 rounds, DES-EDE3-CBC: what the SAT issues) and compare public keys.
``load_sat_pair`` adds tolerant name parsing, the file-shape checks and the password encodings.
The two run in alternating batches; the medians of the batches are compared.

    python bench/credentials.py [--batches N] [--per-batch N]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from anywhere

from cryptography import x509
from cryptography.hazmat.primitives import serialization

from icsoe_desktop.domain.credentials import load_certificate, load_sat_pair
from tests import credentials_factory as cf


def baseline(cer: bytes, key: bytes, password: str) -> None:
    cert = x509.load_der_x509_certificate(cer)
    private_key = serialization.load_der_private_key(key, password.encode("utf-8"))
    if cert.public_key() != private_key.public_key():
        raise AssertionError("the pair does not match")


def baseline_skip_check(cer: bytes, key: bytes, password: str) -> None:
    """The same without OpenSSL's RSA check, plus the sign-then-verify that replaces it."""
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import padding

    cert = x509.load_der_x509_certificate(cer)
    private_key = serialization.load_der_private_key(
        key, password.encode("utf-8"), unsafe_skip_rsa_key_validation=True
    )
    if cert.public_key() != private_key.public_key():
        raise AssertionError("the pair does not match")
    signature = private_key.sign(b"x", padding.PKCS1v15(), hashes.SHA256())
    cert.public_key().verify(signature, b"x", padding.PKCS1v15(), hashes.SHA256())


def ours(cer: bytes, key: bytes, password: str) -> None:
    load_sat_pair(cer, key, password)


def certificate_baseline(cer: bytes) -> None:
    x509.load_der_x509_certificate(cer).public_key()


def certificate_ours(cer: bytes) -> None:
    load_certificate(cer)


def batch(function: Callable[..., None], args: tuple, count: int) -> float:
    """Seconds per call over ``count`` calls."""
    start = time.perf_counter()
    for _ in range(count):
        function(*args)
    return (time.perf_counter() - start) / count


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--batches", type=int, default=15)
    parser.add_argument("--per-batch", type=int, default=40)
    args = parser.parse_args()

    # A persona moral whose name has SAT's Latin-1 Ñ: the case the tolerant reader exists for
    # (the baseline does not read names, so this costs it nothing).
    fiel = cf.fiel_moral(nombre="PEÑA Y MUÑOZ SA DE CV", latin1_t61=True)
    files = (fiel.cer, fiel.key(cf.PASSWORD), cf.PASSWORD)
    for function in (baseline, baseline_skip_check, ours):  # warm-up: imports, caches
        batch(function, files, 5)

    base, skip, mine = [], [], []
    for _ in range(args.batches):
        base.append(batch(baseline, files, args.per_batch))
        skip.append(batch(baseline_skip_check, files, args.per_batch))
        mine.append(batch(ours, files, args.per_batch))
    b, s, o = statistics.median(base), statistics.median(skip), statistics.median(mine)
    calls = args.batches * args.per_batch
    print(f"cryptography baseline (cert + key + compare): {b * 1e3:7.3f} ms/pair ({calls} calls)")
    print(f"  same without OpenSSL's RSA check, + sign/verify: {s * 1e3:7.3f} ms/pair")
    print(f"load_sat_pair (skips the check, signs/verifies): {o * 1e3:7.3f} ms/pair")
    print(f"ratio {o / b:.3f} (goal <= 1.2); against the same work done raw {o / s:.3f}")

    # Where our own work shows: the certificate alone (no key derivation, no RSA key check).
    cert_base = statistics.median(batch(certificate_baseline, files[:1], 500) for _ in range(5))
    cert_ours = statistics.median(batch(certificate_ours, files[:1], 500) for _ in range(5))
    print(
        f"certificate alone: cryptography {cert_base * 1e6:.0f} µs, load_certificate "
        f"{cert_ours * 1e6:.0f} µs (+{(cert_ours - cert_base) * 1e6:.0f} µs per file: names, "
        "shape checks)"
    )


if __name__ == "__main__":
    main()

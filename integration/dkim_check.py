#!/usr/bin/env python3
"""Verify sealpost DKIM signatures with dkimpy (an independent implementation).

Usage: dkim_check.py DIR

DIR holds `records.txt` (lines: "<dns name>\t<TXT value>", the DNS answers,
served through dkimpy's `dnsfunc`) and `*.eml` messages. Every DKIM-Signature
of every message is verified. Files named `*.tampered.eml` must FAIL (at
least one signature must not verify... in fact all must fail); all others
must PASS every signature. Prints one line per file and a summary:
    RESULT pass=<n> fail=<n> expected_failures=<n> unexpected=<n>
Exit status 0 only when nothing is unexpected; 2 when dkimpy is missing.
"""
import os
import sys

try:
    import dkim
    import nacl  # noqa: F401  (dkimpy needs PyNaCl for ed25519-sha256)
except ImportError as exc:  # pragma: no cover
    print(f"MISSING {exc}", file=sys.stderr)
    sys.exit(2)


def load_records(path):
    records = {}
    with open(path, encoding="ascii") as f:
        for line in f:
            line = line.rstrip("\n")
            if not line:
                continue
            name, value = line.split("\t", 1)
            records[name.rstrip(".").lower()] = value.encode("ascii")
    return records


def make_dnsfunc(records):
    def dnsfunc(name, timeout=5):
        if isinstance(name, bytes):
            name = name.decode("ascii")
        return records.get(name.rstrip(".").lower())

    return dnsfunc


def verify_all(message, dnsfunc):
    """One bool per DKIM-Signature header, in order."""
    d = dkim.DKIM(message, minkey=1024)
    count = sum(1 for (name, _) in d.headers if name.lower() == b"dkim-signature")
    results = []
    for idx in range(count):
        try:
            results.append(bool(d.verify(idx=idx, dnsfunc=dnsfunc)))
        except dkim.DKIMException as exc:
            print(f"  signature {idx}: {exc}")
            results.append(False)
    return results


def main():
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 64
    folder = sys.argv[1]
    dnsfunc = make_dnsfunc(load_records(os.path.join(folder, "records.txt")))
    passed = failed = expected_failures = unexpected = 0
    for name in sorted(os.listdir(folder)):
        if not name.endswith(".eml"):
            continue
        with open(os.path.join(folder, name), "rb") as f:
            message = f.read()
        results = verify_all(message, dnsfunc)
        tampered = name.endswith(".tampered.eml")
        ok = bool(results) and all(results)
        if tampered:
            good = bool(results) and not any(results)
            expected_failures += good
        else:
            good = ok
            passed += ok
        failed += not ok
        unexpected += not good
        status = "ok" if good else "UNEXPECTED"
        print(f"{status:10} {name}: {['pass' if r else 'fail' for r in results]}")
    print(
        f"RESULT pass={passed} fail={failed} "
        f"expected_failures={expected_failures} unexpected={unexpected}"
    )
    return 0 if unexpected == 0 and (passed + expected_failures) > 0 else 1


if __name__ == "__main__":
    sys.exit(main())

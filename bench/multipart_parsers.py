"""Benchmark (not a test): the LRS's multipart/mixed parser against python-multipart and the standard library's email.

Statements with attachments arrive as multipart/mixed (xAPI 1.0.3, 4.1.11): a JSON part, then each attachment's
raw bytes. The parser runs on every such request, so its cost is part of the LRS's CPU per statement. Each
candidate parses the same bodies (one statement with two attachments of a given size; random bytes, which may
hold CR and LF anywhere) and must give back the attachment bytes unchanged, or it is reported as wrong.

    .venv/bin/python bench/multipart_parsers.py [--rounds N]

Prints µs per body for each parser and size, and each library's ratio to ours.
"""

from __future__ import annotations

import argparse
import email.parser
import email.policy
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import python_multipart  # noqa: E402 - installed with streamlit

from ingest.lrs import multipart

SIZES = (1_000, 100_000, 2_000_000)


def body_of(size: int) -> tuple[bytes, str, list[bytes]]:
    attachments = [os.urandom(size), os.urandom(size // 2)]
    statement = b'{"actor": {"mbox": "mailto:a@example.org"}, "verb": {"id": "http://adlnet.gov/expapi/verbs/x"}}'
    body, content_type = multipart.build(
        statement, [(f"{i:064x}", "application/octet-stream", data) for i, data in enumerate(attachments)]
    )
    return body, content_type, attachments


def ours(body: bytes, content_type: str) -> list[bytes]:
    return [part.body for part in multipart.parse(body, content_type)[1:]]


def with_python_multipart(body: bytes, content_type: str) -> list[bytes]:
    parts: list[bytes] = []
    chunks: list[bytes] = []

    def on_part_data(data: bytes, start: int, end: int) -> None:
        chunks.append(data[start:end])

    def on_part_end() -> None:
        parts.append(b"".join(chunks))
        chunks.clear()

    parser = python_multipart.MultipartParser(
        multipart.boundary_of(content_type).encode(), {"on_part_data": on_part_data, "on_part_end": on_part_end}
    )
    parser.write(body)
    parser.finalize()
    return parts[1:]


def with_email(body: bytes, content_type: str) -> list[bytes]:
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
        f"Content-Type: {content_type}\r\n\r\n".encode() + body
    )
    return [part.get_payload(decode=True) for part in message.iter_parts()][1:]


CANDIDATES = {
    "ours (ingest/lrs/multipart.py)": ours,
    "python-multipart": with_python_multipart,
    "email (stdlib)": with_email,
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=200)
    args = parser.parse_args()
    for size in SIZES:
        body, content_type, attachments = body_of(size)
        rounds = max(3, args.rounds * 10_000 // max(size, 10_000))
        timings = {}
        for name, parse in CANDIDATES.items():
            correct = parse(body, content_type) == attachments
            start = time.perf_counter()
            for _ in range(rounds):
                parse(body, content_type)
            timings[name] = ((time.perf_counter() - start) / rounds * 1e6, correct)
        base = timings["ours (ingest/lrs/multipart.py)"][0]
        print(f"attachments of {size:,} and {size // 2:,} bytes ({rounds} rounds):")
        for name, (micros, correct) in timings.items():
            verdict = "" if correct else "  WRONG: attachment bytes changed"
            print(f"  {name:32} {micros:12,.1f} µs  {micros / base:7.1f}x{verdict}")


if __name__ == "__main__":
    main()

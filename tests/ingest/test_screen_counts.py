"""The screen's counting of signs in a stream (rows, formulas, error values, altered text) against plain
`bytes.count` over the whole stream: the same counts whatever the chunk borders cut, and whether or not a chunk holds
every byte of a sign (a sign is only searched for in a chunk holding all of its bytes)."""

from __future__ import annotations

import io
import random

import pytest

from transforms.ingest import screen
from transforms.ingest.screen import ALTERED_TAGS, FORMULA_TAGS, ROW_TAGS, _count_in_stream

NEEDLES = ROW_TAGS + FORMULA_TAGS + ALTERED_TAGS
CELL = b'<c r="B7" s="4"><v>45566</v></c>'


def _expected(stream: bytes, needles: tuple[bytes, ...]) -> dict[bytes, int]:
    return {needle: stream.count(needle) for needle in needles}


@pytest.mark.parametrize("seed", range(40))
def test_counts_equal_a_count_over_the_whole_stream(monkeypatch, seed):
    monkeypatch.setattr(screen, "CHUNK", 97)  # many chunk borders, cutting signs at every offset
    rng = random.Random(seed)
    pieces = []
    for _ in range(rng.randint(1, 80)):
        pieces.append(rng.choice([
            CELL * rng.randint(0, 30),  # chunks of plain cells hold none of the rarer signs' bytes
            rng.choice(NEEDLES),
            bytes(rng.randrange(256) for _ in range(rng.randint(0, 40))),
            b"<row r=\"9\">" + CELL + b"</row>",
        ]))
    stream = b"".join(pieces)
    total, found = _count_in_stream(io.BytesIO(stream), NEEDLES, 1 << 40)
    assert total == len(stream)
    assert found == _expected(stream, NEEDLES)


def test_a_sign_whose_bytes_come_in_different_chunks_is_counted_once_whole(monkeypatch):
    monkeypatch.setattr(screen, "CHUNK", 8)
    # `"e"` split over two chunks, and its bytes each present in chunks where the sign is not
    stream = b'e......."' + b'.......e' + b'"......' + b't="e"..' + b"'e' :f <f" + b"_x0000_" + "\ufffd".encode()
    assert _count_in_stream(io.BytesIO(stream), NEEDLES, 1 << 40)[1] == _expected(stream, NEEDLES)


def test_a_stream_past_its_budget_stops_there():
    stream = CELL * 1000
    total, _ = _count_in_stream(io.BytesIO(stream), NEEDLES, 10)
    assert 10 < total <= screen.CHUNK

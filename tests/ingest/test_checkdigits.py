"""Column-wise check digits agree with the one-value reference rules in `transforms.ingest.values`."""

import numpy as np
import pandas as pd

from transforms.ingest import checkdigits, values


def _candidates(rng: np.random.Generator, n: int, make) -> list[str]:
    return [make(rng) for _ in range(n)]


def test_nhs_numbers_agree_with_the_reference_on_valid_invalid_and_odd_values():
    rng = np.random.default_rng(3)
    texts = _candidates(rng, 20_000, lambda r: "".join(map(str, r.integers(0, 10, 10))))
    texts += ["9434765919", "4010232137", "0000000000", "943476591", "94347659190", "943 476 5919", "94347659a9",
              "", "١٢٣٤٥٦٧٨٩٠"]
    series = pd.Series(texts + [None], dtype="str")
    got = checkdigits.nhs_numbers_valid(series)
    expected = [values.nhs_number_is_valid(t) and t.isascii() for t in texts] + [False]
    assert got.tolist() == expected
    assert 1_000 < got.sum() < 20_000  # both outcomes are exercised


def test_upns_agree_with_the_reference_including_letters_a_upn_never_uses():
    rng = np.random.default_rng(4)
    letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"

    def upn(r):
        return (letters[r.integers(0, 26)] + "".join(map(str, r.integers(0, 10, 11)))
                + letters[r.integers(0, 36)])

    texts = _candidates(rng, 30_000, upn) + ["X334341915144", "N334353515822", "A12345678901I", "a334341915144",
                                              "X33434191514", "", "X3343419151444"]
    series = pd.Series(texts + [None], dtype="str")
    got = checkdigits.upns_valid(series)
    assert got.tolist() == [values.upn_is_valid(t) for t in texts] + [False]
    assert 100 < got.sum() < 30_000

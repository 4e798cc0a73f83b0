"""Code values in every style authorities export (DESIGN.md section 3), resolved by one mechanism for every coded
column, driven by the column's code list in `schemas/`.

A value is compared as a sequence of words (lower case; curly quotes, non-breaking spaces, dashes and punctuation
read as separators; `&` read as `and`; dotted abbreviations one word; US spellings read as British), after an
Annex A list letter in front (`b) `, `q) `, `p1) `) is set aside. Then, in order:
1. the whole value is a code, a label or a synonym of the list (also run together: `Lunch-time`): that code;
2. a known code stands in the value as a word (`N1 - Abuse or neglect`, `C1 [Interim Care Order]`,
   `CLA - C2 - Care Order`, `label (CODE)`, `01A`, `N 1`): that code decides, unless the rest of the value names
   another code's label (`3A - Health services - School Nurse`: the code says GP, the label School Nurse: never
   guessed). Codes that are plain words (OTHER, POLICE) are matched as labels only, and a code written as one letter
   (M, Y, N) only with nothing else but its own label (`N/A` is not No);
3. one code's label with a few words around it: after it only the column's own nouns or the label's words
   (`Standard risk`, `Primary School`), before it a short prefix set apart by a separator (`CIN - Low Income`);
   never a word of another code's labels (`LA services - Other`), a word that changes the meaning (`Very high`),
   or a second thing joined to it (`Police / Health`, `Med/High`);
4. most of one code's label and part of no other (`Family member/relative/carer`);
and a value naming labels of two or more codes is the list's "several" code where it has one (categories of abuse:
MUL), otherwise it is never guessed. Anything else is unmapped: the analyst maps it once in the value map.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

LIST_LETTER = re.compile(r"^\(?[a-z]{1,2}[0-9]{0,2}\)\s*")  # `b) Female`, `q) 6: Police`, `p1) 5D: ...`, `(c) `
SYSTEM_PREFIX_WORDS = 3  # at most this many words before a label: `CIN -`, `Child`, `CLA - Care -`, `Likelihood of`
_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"'})
_SEPARATORS = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "&": " and "})
_WORD = re.compile(r"[a-z0-9]+")
CONNECTIVES = frozenset({"a", "an", "and", "by", "for", "from", "in", "of", "on", "or", "the", "to", "with"})
# Beside a label these words say "one thing or another" (`Police / Health`, `Med/High`) or change what the label
# means (`Very high`, `Not neglect`): such a value is never read as the label's code.
CONJUNCTIONS = frozenset({"/", "&", "+", ",", ";", "and", "or", "plus"})
MODIFIERS = frozenset({"not", "no", "non", "never", "very", "possible", "possibly", "potential", "suspected",
                       "previous", "former"})

Words = tuple[str, ...]


_DOTTED = re.compile(r"\b(?:[a-z]\.){2,}")  # `e.g.`, `G.P.`: one word
_US_SPELLING = ((re.compile(r"(?<=[a-z]{2})iz(e|es|ed|ing|ation|ations)$"), r"is\1"),  # radicalization
                (re.compile(r"havior(s?)$"), r"haviour\1"))  # behavior


def _british(word: str) -> str:
    for pattern, replacement in _US_SPELLING:
        word = pattern.sub(replacement, word)
    return word


def words(value: object) -> Words:
    """A value as compared: its words in lower case (numbers typed as numbers read as written: 6.0 is `6`; dotted
    abbreviations one word; US spellings read as British)."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = unicodedata.normalize("NFKC", str(value)).translate(_SEPARATORS).lower()
    text = _DOTTED.sub(lambda m: m.group(0).replace(".", ""), text.replace("'", ""))  # `child's` is one word
    return tuple(_british(word) for word in _WORD.findall(text))


def code_word(word: str) -> str:
    """A word as a code is compared: leading zeros of its number dropped (`01A` is `1A`, `N01` is `N1`, `08` is `8`)."""
    return re.sub(r"(?:^|(?<=[a-z]))0+(?=[0-9])", "", word)


def _without_list_letter(value: object) -> Words:
    text = unicodedata.normalize("NFKC", str(value)).strip().lower()
    return words(LIST_LETTER.sub("", text, count=1))


_MARKED = re.compile(r"[a-z0-9]+|[/&+,;:)|>-]")  # words and the marks between them
SEPARATORS = frozenset("-:)|>")  # what sets a system prefix apart from the label (`CIN - Low income`)


def _label_in_text(value: object, run: Words) -> tuple[list[str], int, int, int] | None:
    """The value's words and marks, and where the label's words are among them: (tokens, first token of the label,
    last token of it, the token of the word before it or -1); None when the label is not found word for word."""
    text = unicodedata.normalize("NFKC", str(value)).translate(_QUOTES).lower().replace("'", "")
    tokens = _MARKED.findall(re.sub(r"[\u2010-\u2015\u2212]", "-", text))
    at_word = [i for i, token in enumerate(tokens) if token[0].isalnum()]
    start = _find(run, tuple(tokens[i] for i in at_word))
    if start < 0:
        return None
    return tokens, at_word[start], at_word[start + len(run) - 1], at_word[start - 1] if start else -1


def _joined(value: object, run: Words) -> bool:
    """Whether a conjunction outside the label's words joins it to something else (`Police / Health`)."""
    found = _label_in_text(value, run)
    if found is None:
        return False
    tokens, first, last, _ = found
    return any(token in CONJUNCTIONS for token in tokens[:first] + tokens[last + 1:])


def _set_apart(value: object, run: Words) -> bool:
    """Whether the label's words follow a separator (`-`, `:`, `)`, `|`) in the value, after the words before it."""
    found = _label_in_text(value, run)
    if found is None or found[3] < 0:
        return False
    tokens, first, _, previous = found
    return any(token in SEPARATORS for token in tokens[previous + 1:first])


def _find(needle: Words, haystack: Words) -> int:
    """Where `needle` starts as a run of whole words in `haystack` (-1: nowhere)."""
    for start in range(len(haystack) - len(needle) + 1):
        if haystack[start:start + len(needle)] == needle:
            return start
    return -1


@dataclass(frozen=True)
class CodeListIndex:
    """A code list prepared for resolving: each spelling's words, and the codes that may stand as a word."""

    exact: dict[Words, str | None]  # whole value -> code (None: the spelling belongs to two codes, never guessed)
    labels: dict[str, tuple[Words, ...]]  # code -> the word runs of its labels and synonyms, longest first
    token_codes: dict[str, str]  # a word that stands for a code inside a longer value (`N1`, `C2`, `FIXD`) -> code
    several: str | None
    # code -> the words of the other codes' labels: a value naming one of them beside a label names a second thing
    others_words: dict[str, frozenset[str]]
    # code -> the words that may follow its label in a value: its own labels' words, the column's nouns, connectives
    own_words: dict[str, frozenset[str]]

    @classmethod
    def of(cls, codes: dict[str, tuple[str, ...]], nouns: frozenset[str] = frozenset()) -> CodeListIndex:
        """The index of a code list (its `several` attribute, if any: the code for a value naming several codes).

        `nouns`: the words of the column's own headers (`Risk grading`): in a value they say what the column holds
        (`Low risk`), never a second code."""
        exact: dict[Words, str | None] = {}
        labels: dict[str, tuple[Words, ...]] = {}
        for code, spellings in codes.items():
            for spelling in (code, *spellings):
                for key in {words(spelling), _without_list_letter(spelling), ("".join(words(spelling)),)}:
                    if key and key != ("",):  # as written, without an Annex A letter, and run together
                        exact[key] = code if exact.get(key, code) == code else None
            runs = {_without_list_letter(s) for s in spellings} | {words(code.replace("_", " "))}
            labels[code] = tuple(sorted((r for r in runs if r), key=len, reverse=True))
        # Written as a label, a word is ordinary text (`Other`, `High`): only codes and code-like synonyms (one word
        # of at most five capitals or digits: `FIXD`, `GP`, `1`) may stand for a code inside a longer value.
        plain = {words(s)[0] for spellings in codes.values() for s in spellings
                 if len(words(s)) == 1 and s.strip() != s.strip().upper()}
        token_codes: dict[str, str | None] = {}
        for code, spellings in codes.items():
            for spelling in (code, *spellings):
                key = words(spelling)
                if len(key) == 1 and len(spelling.strip()) <= 5 and spelling.strip() == spelling.strip().upper() \
                        and key[0] not in plain:
                    word = code_word(key[0])
                    token_codes[word] = code if token_codes.get(word, code) == code else None
        # A word of one other code's labels names that code (`Primary` beside `Secondary school`); a word shared by
        # several codes' labels is the list's common noun (`exclusion`, `school`, `services`) and names none.
        vocabulary = {code: frozenset(w for run in runs for w in run) for code, runs in labels.items()}
        others_words = {code: frozenset(w for c, v in vocabulary.items() if c != code for w in v)
                        - vocabulary[code] - CONNECTIVES - nouns for code in codes}
        return cls(exact, labels, {w: c for w, c in token_codes.items() if c}, getattr(codes, "several", None),
                   others_words, {code: v | CONNECTIVES | nouns for code, v in vocabulary.items()})

    def _labels_named(self, value: Words) -> set[str]:
        """Codes whose label appears in the value as a run of whole words (longest first: a label inside a longer
        label found in the same words is not counted again)."""
        covered = [False] * len(value)
        named = set()
        runs = sorted(((run, code) for code, rs in self.labels.items() for run in rs), key=lambda rc: -len(rc[0]))
        for run, code in runs:
            for start in range(len(value) - len(run) + 1):
                if value[start:start + len(run)] == run and not any(covered[start:start + len(run)]):
                    named.add(code)
                    covered[start:start + len(run)] = [True] * len(run)
        return named

    def resolve(self, value: object) -> str | None:
        """The canonical code the value means, or None when it cannot be read with certainty."""
        value_words = self._codes_joined(_without_list_letter(value))
        for candidate in (words(value), value_words, ("".join(value_words),), tuple(map(code_word, value_words))):
            if candidate in self.exact:
                return self.exact[candidate]
        if not value_words:
            return None
        found = {self.token_codes[code_word(word)] for word in value_words if code_word(word) in self.token_codes}
        if len(found) > 1:
            return self.several
        if found:
            return self._by_code(found.pop(), value_words)
        named = self._labels_named(value_words)
        if len(named) > 1:
            return self.several
        if named:
            return self._by_label(named.pop(), value_words, str(value))
        return self._by_part_of_label(value_words)

    def _codes_joined(self, value: Words) -> Words:
        """Two words that together are a code and apart are none (`N 1`, `1 a`) read as that code."""
        out: list[str] = []
        for word in value:
            joined = code_word(out[-1] + word) if out else ""
            if joined in self.token_codes and code_word(out[-1]) not in self.token_codes \
                    and code_word(word) not in self.token_codes:
                out[-1] = joined
            else:
                out.append(word)
        return tuple(out)

    def _by_code(self, code: str, value: Words) -> str | None:
        """A code standing as a word decides, unless the rest names another code's label."""
        rest = tuple(word for word in value if self.token_codes.get(code_word(word)) != code)
        for run in self.labels[code]:  # the code's own label, set aside first
            at = _find(run, rest)
            if at >= 0:
                rest = rest[:at] + rest[at + len(run):]
                break
        if self._labels_named(rest) - {code}:  # two codes named: the list's "several" code, else never guessed
            return self.several
        written = {word for word in value if self.token_codes.get(code_word(word)) == code}
        if rest and all(len(word) == 1 and word.isalpha() for word in written):
            return None  # `N/A` is not No: a code written as one letter needs nothing beside it but its label
            return None
        return code

    def _by_label(self, code: str, value: Words, text: str) -> str | None:
        """One code's label with a few words around it: after it only words that say what the column holds or
        repeat the label (`Standard risk`, `Primary School`); before it a short system prefix set apart by a
        separator (`CIN - Low income`, `Category: Neglect`). Never a word of another code's labels
        (`LA services - Other`, `Primary/Secondary school`), a word that changes the label's meaning (`Very high`),
        or a second thing joined to it (`Police / Health`)."""
        for run in self.labels[code]:
            at = _find(run, value)
            if at < 0:
                continue
            before, after = value[:at], value[at + len(run):]
            if not before and not after:
                return code
            if len(before) + len(after) > SYSTEM_PREFIX_WORDS or set(before + after) & (
                    self.others_words[code] | MODIFIERS) or not set(after) <= self.own_words[code]:
                return None
            if before and not set(before) <= self.own_words[code] and not _set_apart(text, run):
                return None
            return None if _joined(text, run) else code
        return None

    def _by_part_of_label(self, value: Words) -> str | None:
        """A value of two or more words that is most of one code's label and part of no other code's
        (`Family member/relative/carer` of `Individual - Family member/relative/carer`; not `Section 20`)."""
        if len(value) < 2:
            return None
        owners = {code for code, runs in self.labels.items() for run in runs if _find(value, run) >= 0}
        if len(owners) != 1:
            return None
        code = owners.pop()
        return code if any(_find(value, run) >= 0 and 2 * len(value) >= len(run) for run in self.labels[code]) \
            else None


# Each code list's index, prepared once per process: a file's every coded column asked for one (a borough's Annex A
# alone prepared its lists ~60 times). Keyed by the list's identity, which the entry holds, so it is never reused.
_PREPARED: dict[tuple[int, frozenset[str]], tuple[dict, CodeListIndex]] = {}


def resolver(codes: dict[str, tuple[str, ...]], headers: tuple[str, ...] = ()) -> Callable[[object], str | None]:
    """`CodeListIndex.resolve` for one code list (prepared once, then called once per distinct value); `headers`: the
    column's name and aliases, whose words a value may carry beside its label."""
    nouns = frozenset(word for header in headers for word in words(header.replace("_", " "))) - CONNECTIVES
    held = _PREPARED.get((id(codes), nouns))
    if held is None or held[0] is not codes:
        held = _PREPARED[(id(codes), nouns)] = (codes, CodeListIndex.of(codes, nouns))
    return held[1].resolve

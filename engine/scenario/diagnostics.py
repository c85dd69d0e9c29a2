"""Problems found in a scenario file, reported the way compilers report them."""

from __future__ import annotations

import difflib
import sys
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from frontlines.engine.text import brief, escaped

MAX_DIAGNOSTICS = 200
"""Lines reported for one file at most. Past it a report holds the first problems in file
order and a last line that counts the rest: a file with thousands of mistakes gets a readable
report quickly, and each later problem costs nothing beyond being counted."""
SUGGESTION_BUDGET = 100_000
"""How much "did you mean" work the problems of one file may cause. Each name of about the right
length that a misspelt word is weighed against costs 1; comparing the two with difflib, done
only for the names that could be the closest, costs more the longer they are (see
:func:`_difflib_cost`). A unit is about a microsecond of work, so hints add 0.1 s at most: about
30 hints among 2,700 similar place ids, and every hint of a file of normal size."""
PATH_MAX = 4096
"""The longest file name shown (the longest path the system opens): longer names are cut."""
CUTOFF = 0.6
"""How similar a name must be to be suggested: difflib's ratio, as in get_close_matches."""


class Severity(StrEnum):
    """How bad a problem is: errors make a file invalid, warnings do not."""

    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, order=True)
class Mark:
    """A 1-based line and column in a file."""

    line: int
    column: int


@dataclass(frozen=True)
class Diagnostic:
    """One problem at one place in one file."""

    file: str
    mark: Mark | None
    message: str
    severity: Severity = Severity.ERROR

    def render(self) -> str:
        """``PATH:LINE:COL: error: MESSAGE``, the format editors and CI logs understand, on
        one line whatever the file's name holds."""
        file = brief(self.file, PATH_MAX)
        where = file if self.mark is None else f"{file}:{self.mark.line}:{self.mark.column}"
        return f"{where}: {self.severity}: {escaped(self.message)}"

    @property
    def sort_key(self) -> tuple[str, int, int]:
        """What diagnostics sort by: the file, then the line and column (unplaced ones first)."""
        mark = self.mark or Mark(0, 0)
        return (self.file, mark.line, mark.column)


class ScenarioError(Exception):
    """A scenario could not be loaded; ``diagnostics`` lists every problem found."""

    def __init__(self, diagnostics: Sequence[Diagnostic]) -> None:
        self.diagnostics = tuple(sorted(diagnostics, key=lambda d: d.sort_key))
        super().__init__("\n".join(d.render() for d in self.diagnostics))

    @property
    def errors(self) -> tuple[Diagnostic, ...]:
        """Only the diagnostics that are errors."""
        return tuple(d for d in self.diagnostics if d.severity is Severity.ERROR)


class YamlInputError(Exception):
    """The file is not YAML the loader will read; raised before any data is built."""

    def __init__(self, mark: Mark | None, message: str) -> None:
        super().__init__(message)
        self.mark = mark
        self.message = message


def one_line(message: str) -> str:
    r"""The message with its line breaks written as ``\n``: messages quote the author's text,
    which may hold some, and a diagnostic is one ``PATH:LINE:COL:`` line of output."""
    return message.replace("\r", "\\r").replace("\n", "\\n")


@dataclass(frozen=True)
class Omission(Diagnostic):
    """The last line of a report cut short at :data:`MAX_DIAGNOSTICS`: how many problems of the
    file are not shown. It has no position, and sorts after every problem of its file."""

    @property
    def sort_key(self) -> tuple[str, int, int]:
        """What diagnostics sort by: the file, then after every position in it."""
        return (self.file, sys.maxsize, sys.maxsize)


def omission(file: str, hidden: int, *, errors: bool) -> Omission:
    """The line that ends a report of ``file`` with ``hidden`` more problems, of which some are
    errors unless ``errors`` is false."""
    noun = "problem" if hidden == 1 else "problems"
    severity = Severity.ERROR if errors else Severity.WARNING
    return Omission(file, None, f"... and {hidden:,} more {noun} not shown", severity)


@dataclass
class SuggestionBudget:
    """What is left of one file's :data:`SUGGESTION_BUDGET`, shared by all its hints."""

    left: int = SUGGESTION_BUDGET


class Candidates:
    """The names a misspelt word may be matched with, prepared for many look-ups.

    :meth:`closest` finds what ``difflib.get_close_matches(word, names, n=1, cutoff=0.6)``
    finds, but weighs with difflib only the names that could beat the best one found so far:
    the lengths of two names and the letters they share bound how close they can be.
    """

    def __init__(self, names: Iterable[str]) -> None:
        self.names = sorted(set(names))
        self._by_length: dict[int, list[tuple[str, int]]] = {}
        for name in self.names:
            self._by_length.setdefault(len(name), []).append((name, _letter_bits(name)))
        self._lowered: dict[str, str] | None = None

    def closest(self, word: str, budget: SuggestionBudget | None = None) -> str | None:
        """The closest name, the one that differs only in case if none is close, else ``None``.

        A search the budget cannot pay for in full finds nothing (and spends what it used).
        """
        size = len(word)
        lengths = [n for n in self._by_length if _ratio(min(n, size), n + size) >= CUTOFF]
        if budget is not None:
            visits = sum(len(self._by_length[n]) for n in lengths)
            if budget.left < visits:
                return None
            budget.left -= visits
        # Two bounds on difflib's ratio come before it, each cheaper and looser than the next.
        # The first: a letter of one name that the other lacks matches nothing.
        bits = _letter_bits(word)
        bounds: list[tuple[float, str]] = []
        for length in lengths:
            for name, name_bits in self._by_length[length]:
                shared = min(
                    length - (name_bits & ~bits).bit_count(), size - (bits & ~name_bits).bit_count()
                )
                bound = _ratio(shared, length + size)
                if bound >= CUTOFF:
                    bounds.append((bound, name))
        # get_close_matches keeps the largest (ratio, name): once a bound cannot beat the best
        # found, no later one can.
        bounds.sort(reverse=True)
        wanted = Counter(word)
        matcher = difflib.SequenceMatcher()
        matcher.set_seq2(word)
        best: tuple[float, str] | None = None
        for bound, name in bounds:
            if best is not None and (bound, name) < best:
                break
            if budget is not None:
                budget.left -= _difflib_cost(size, len(name))
                if budget.left < 0:
                    return None
            # The second, difflib's quick_ratio: the letters in common, with their repeats.
            shared = sum(min(n, wanted.get(c, 0)) for c, n in Counter(name).items())
            quick = _ratio(shared, len(name) + size)
            if quick < CUTOFF or (best is not None and (quick, name) < best):
                continue
            matcher.set_seq1(name)
            score = matcher.ratio()
            if score >= CUTOFF and (best is None or (score, name) > best):
                best = (score, name)
        if best is not None:
            return best[1]
        if self._lowered is None:
            self._lowered = {name.lower(): name for name in self.names}
        return self._lowered.get(word.lower())


def _letter_bits(name: str) -> int:
    """The letters of ``name`` as a set of bits (a letter may share its bit with others)."""
    bits = 0
    for letter in set(name):
        bits |= 1 << (ord(letter) % 127)
    return bits


def _difflib_cost(a: int, b: int) -> int:
    """What comparing names of lengths ``a`` and ``b`` costs, in units of the budget: difflib's
    work grows with both lengths, and with their product when the names repeat few letters."""
    return a + b + a * b // 8


def _ratio(matches: int, length: int) -> float:
    """The measure of similarity difflib uses, 2 * matches / length."""
    return 2.0 * matches / length if length else 1.0


def suggest(
    word: str, choices: Iterable[str] | Candidates, budget: SuggestionBudget | None = None
) -> str:
    """A ``" (did you mean 'x'?)"`` hint for a misspelt name, or ``""`` when nothing is close
    or ``budget`` cannot pay for the search."""
    candidates = choices if isinstance(choices, Candidates) else Candidates(choices)
    close = candidates.closest(word, budget)
    return f" (did you mean '{close}'?)" if close is not None else ""


PathKey = str | int
DataPath = tuple[PathKey, ...]


def render_path(path: DataPath) -> str:
    """``('locations', 3, 'garrison')`` as ``locations[3].garrison``."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else part
    return out


@dataclass(frozen=True)
class Problem:
    """A problem located by its path in the scenario data, before it is given a line and column.

    ``at_key`` points at the mapping key rather than the value (an unknown field, a misspelt
    faction in a garrison). ``first`` is where a duplicate was first defined.
    """

    path: DataPath
    message: str
    severity: Severity = Severity.ERROR
    at_key: bool = False
    first: DataPath | None = None

    @property
    def is_error(self) -> bool:
        """Whether the problem is an error."""
        return self.severity is Severity.ERROR

    def describe(self) -> str:
        """The message with the field it concerns, without a file position."""
        where = render_path(self.path)
        return f"{where}: {self.message}" if where else self.message


def describe_value(value: Any) -> str:
    """How a value read from YAML looks to an author: ``text 'no'``, ``nothing (null)``."""
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return f"the number {value!r}"
    if isinstance(value, str):
        shown = value if len(value) <= 40 else value[:37] + "..."
        return f"text '{shown}'"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__

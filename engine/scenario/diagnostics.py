"""Problems found in a scenario file, reported the way compilers report them."""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum


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
        """``PATH:LINE:COL: error: MESSAGE``, the format editors and CI logs understand."""
        where = (
            self.file if self.mark is None else f"{self.file}:{self.mark.line}:{self.mark.column}"
        )
        return f"{where}: {self.severity}: {self.message}"

    @property
    def sort_key(self) -> tuple[str, int, int]:
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


def suggest(word: str, choices: Iterable[str]) -> str:
    """A ``" (did you mean 'x'?)"`` hint for a misspelt name, or ``""`` when nothing is close."""
    options = sorted(set(choices))
    close = difflib.get_close_matches(word, options, n=1, cutoff=0.6)
    if not close:
        lowered = {o.lower(): o for o in options}
        if word.lower() in lowered:
            close = [lowered[word.lower()]]
    return f" (did you mean '{close[0]}'?)" if close else ""


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
        return self.severity is Severity.ERROR

    def describe(self) -> str:
        """The message with the field it concerns, without a file position."""
        where = render_path(self.path)
        return f"{where}: {self.message}" if where else self.message

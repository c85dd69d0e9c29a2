"""User values in messages: escaped, on one line, and never more than a short prefix.

A message may quote what a user wrote or a file holds (an id in a save, an order's amount, a
file name). Those values can be megabytes long, or hold newlines and terminal escape codes;
printed raw they flood the terminal, split one message over many lines, or drive the terminal.
"""

from __future__ import annotations

import reprlib

SHOWN_CHARACTERS = 60
"""The most characters of a user's value a message quotes."""

_SURROGATE_BYTES = range(0xDC80, 0xDD00)
"""Code points Python uses for bytes that are not UTF-8 in a file name (``surrogateescape``)."""

_REPR = reprlib.Repr()
_REPR.maxstring = SHOWN_CHARACTERS
_REPR.maxother = SHOWN_CHARACTERS
_REPR.maxlevel = 2
_REPR.maxlist = _REPR.maxtuple = _REPR.maxdict = _REPR.maxset = 4


def escaped(text: str) -> str:
    r"""``text`` with every character a terminal would act on (control characters, line
    breaks, bidirectional overrides, lone surrogates) written as a Python escape instead.

    A byte that is not UTF-8 in a file name shows as ``\xNN``, the byte itself."""
    if text.isprintable():
        return text
    out = []
    for char in text:
        if char.isprintable():
            out.append(char)
        elif ord(char) in _SURROGATE_BYTES:
            out.append(f"\\x{ord(char) - 0xDC00:02x}")
        else:
            out.append(repr(char)[1:-1])
    return "".join(out)


def shown(value: object, limit: int = SHOWN_CHARACTERS) -> str:
    """A user's value quoted for a message, as ``repr`` would, but escaped and cut to a
    prefix of ``limit`` characters, saying how many more there were."""
    if isinstance(value, str):
        if len(value) <= limit:
            return escaped(repr(value))
        rest = len(value) - limit
        return f"{escaped(repr(value[:limit]))}... ({rest:,} more characters)"
    if isinstance(value, int) and value.bit_length() > 4 * limit:
        digits = int(value.bit_length() * 0.30103) + 1  # (its repr may be refused as too long)
        return f"a whole number of about {digits:,} digits"
    if isinstance(value, bool | int | float | type(None)):
        return repr(value)
    return escaped(_REPR.repr(value))[: 4 * limit]


MESSAGE_CHARACTERS = 400
"""The most characters of a message from elsewhere (an exception's text) that one quotes."""


def brief(message: str, limit: int = MESSAGE_CHARACTERS) -> str:
    """Another message (an exception's text) to quote inside one's own: escaped, one line,
    and cut after ``limit`` characters."""
    text = escaped(message[: limit + 1])
    if len(message) <= limit:
        return text
    return f"{text[:limit]}... ({len(message) - limit:,} more characters)"


def counted(count: int, noun: str) -> str:
    """``count`` and ``noun``, plural unless the count is one: "1 sortie", "4 sorties"."""
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"

"""Reading and writing scenario YAML safely, with a position for every value.

Scenario files come from people, so the reader is hardened before anything walks the data:
the file size, nesting depth, number of aliases and the size of the data once aliases are
expanded are all capped, explicit tags are refused (nothing is ever constructed from a tag),
duplicate keys are errors, escapes in quoted text cannot write control characters, and plain
scalars follow YAML 1.2 rather than YAML 1.1, so that ``no``, ``on``, ``0755`` and ``1:30``
stay text.
"""

from __future__ import annotations

import math
import os
import re
import stat
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from yaml.composer import Composer
from yaml.events import AliasEvent, CollectionStartEvent, ScalarEvent
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from yaml.resolver import BaseResolver

from frontlines.engine.scenario.diagnostics import DataPath, Mark, YamlInputError

MAX_BYTES = 2 * 1024 * 1024
"""Largest scenario file accepted, in bytes."""
MAX_DEPTH = 48
"""Deepest nesting of mappings and lists accepted."""
MAX_ALIASES = 512
"""Most ``*alias`` references accepted in one file."""
MAX_NODES = 60_000
"""Most values accepted once every alias is expanded."""

_TAG_NULL = "tag:yaml.org,2002:null"
_TAG_BOOL = "tag:yaml.org,2002:bool"
_TAG_INT = "tag:yaml.org,2002:int"
_TAG_FLOAT = "tag:yaml.org,2002:float"
_TAG_STR = "tag:yaml.org,2002:str"

# YAML 1.2 core schema, made stricter: decimal integers may not have leading zeros, so that
# ``0755`` stays text instead of silently becoming 755.
_NULL_RE = re.compile(r"^(?:~|null|Null|NULL|)$")
_BOOL_RE = re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$")
_INT_RE = re.compile(r"^(?:[-+]?(?:0|[1-9][0-9]*)|0o[0-7]+|0x[0-9a-fA-F]+)$")
_FLOAT_RE = re.compile(
    r"^(?:[-+]?(?:(?:0|[1-9][0-9]*)(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][-+]?[0-9]+)?"
    r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"
)
_QUOTED_STYLES = ("'", '"', "|", ">")
"""Scalar styles that are always text; plain scalars have style None or ''."""
# Printable text as YAML defines it, less NEL, LINE SEPARATOR and PARAGRAPH SEPARATOR: YAML
# counts those as line breaks and editors do not, so every later line number would be off.
_NON_PRINTABLE = re.compile(
    "[^\x09\x0a\x0d\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]"
)
# What the escapes of double-quoted text ("\e", "\0", "\x85", "\ud800") may not write: control
# characters other than tab and newline (a terminal obeys them), line separators and lone
# surrogates (no UTF-8 file or terminal can hold one). A carriage return inside the text is
# read as a newline, so "\r" is only ever written to overwrite a line of output.
_ESCAPED_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")
MAX_DIGITS = 30
"""Longest number accepted, in digits; nothing in a scenario needs more."""


class _HardenedComposer(Composer):
    """Composition with limits: no tags, bounded depth, aliases and number of values."""

    def _start_limits(self) -> None:
        self._depth = 0
        self._aliases = 0
        self._nodes = 0

    def compose_node(self, parent: Node | None, index: int) -> Node | None:
        event = self.peek_event()  # type: ignore[attr-defined]
        if isinstance(event, AliasEvent):
            self._aliases += 1
            if self._aliases > MAX_ALIASES:
                raise YamlInputError(
                    _mark(event.start_mark),
                    f"too many aliases (more than {MAX_ALIASES}); write the values out",
                )
        elif isinstance(event, ScalarEvent | CollectionStartEvent) and event.tag is not None:
            raise YamlInputError(
                _mark(event.start_mark),
                f"YAML tags such as '{_short_tag(event.tag)}' are not allowed in scenario files; "
                "write plain values",
            )
        self._nodes += 1
        if self._nodes > MAX_NODES:
            raise YamlInputError(
                _mark(event.start_mark), f"the file holds more than {MAX_NODES:,} values"
            )
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                raise YamlInputError(
                    _mark(event.start_mark),
                    f"nesting is deeper than {MAX_DEPTH} levels",
                )
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


class HardenedLoader(_HardenedComposer, yaml.SafeLoader):
    """A ``SafeLoader`` that composes a bounded node tree and resolves scalars as YAML 1.2.

    Only composition is used: :func:`parse_document` turns the nodes into plain data itself,
    so no constructor, and therefore no tag, ever runs.
    """

    yaml_implicit_resolvers: dict[Any, list[tuple[str, re.Pattern[str]]]] = {}  # noqa: RUF012

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._start_limits()


class _Resolver12(BaseResolver):
    yaml_implicit_resolvers: dict[Any, list[tuple[str, re.Pattern[str]]]] = {}  # noqa: RUF012


def _short_tag(tag: str) -> str:
    prefix = "tag:yaml.org,2002:"
    return "!!" + tag[len(prefix) :] if tag.startswith(prefix) else tag


def _add_resolvers(cls: type[BaseResolver] | type[yaml.SafeDumper]) -> None:
    cls.add_implicit_resolver(_TAG_NULL, _NULL_RE, ["~", "n", "N", ""])
    cls.add_implicit_resolver(_TAG_BOOL, _BOOL_RE, list("tTfF"))
    cls.add_implicit_resolver(_TAG_INT, _INT_RE, list("-+0123456789"))
    cls.add_implicit_resolver(_TAG_FLOAT, _FLOAT_RE, list("-+.0123456789"))


_add_resolvers(HardenedLoader)
_add_resolvers(_Resolver12)

_LoaderFactory = Callable[[str], _HardenedComposer]
LOADERS: dict[str, _LoaderFactory] = {"python": HardenedLoader}
"""The loaders available: the pure-Python ``HardenedLoader`` always, and ``libyaml`` when
PyYAML was built with it. Both run the same hardened composition; libyaml only scans and
parses, several times faster, which keeps the time bounds on large hostile files."""

if yaml.__with_libyaml__:
    from yaml._yaml import CParser

    class _LibyamlHardenedLoader(_HardenedComposer, CParser, _Resolver12):
        """The same hardened composition over libyaml's event parser."""

        def __init__(self, stream: str) -> None:
            CParser.__init__(self, stream)
            Composer.__init__(self)
            _Resolver12.__init__(self)
            self._start_limits()

    LOADERS["libyaml"] = _LibyamlHardenedLoader

DEFAULT_LOADER = "libyaml" if "libyaml" in LOADERS else "python"


def _mark(mark: Any) -> Mark:
    if mark is None:
        return Mark(1, 1)
    return Mark(mark.line + 1, mark.column + 1)


@dataclass(frozen=True)
class Document:
    """Plain data read from YAML, with the position of every value and every mapping key."""

    data: Any
    values: Mapping[DataPath, Mark] = field(default_factory=dict)
    keys: Mapping[DataPath, Mark] = field(default_factory=dict)
    spans: Mapping[DataPath, tuple[int, int]] = field(default_factory=dict)
    """First and last line of each quoted text value that runs over several lines."""

    def locate(self, path: DataPath, *, key: bool = False) -> Mark:
        """The position of ``path``, or of its nearest ancestor that exists in the file."""
        if key and path in self.keys:
            return self.keys[path]
        for end in range(len(path), -1, -1):
            prefix = path[:end]
            if prefix in self.values:
                return self.values[prefix]
        return Mark(1, 1)


def read_text(path: Path) -> str:
    """Read a scenario file as UTF-8 text, refusing oversized, binary and non-UTF-8 files.

    Only regular files are read: a folder, a pipe or a device is refused before it is opened.
    """
    try:
        info = os.stat(path)
    except OSError as exc:
        raise YamlInputError(None, f"cannot read file: {exc.strerror or exc}") from None
    if stat.S_ISDIR(info.st_mode):
        raise YamlInputError(None, "is a directory, not a scenario file")
    if not stat.S_ISREG(info.st_mode):
        raise YamlInputError(None, "is not a regular file (a pipe or a device?)")
    size = info.st_size
    if size > MAX_BYTES:
        raise YamlInputError(
            Mark(1, 1),
            f"file is too large ({size:,} bytes); scenario files are limited to "
            f"{MAX_BYTES:,} bytes ({_human(MAX_BYTES)})",
        )
    try:
        with path.open("rb") as handle:
            raw = handle.read(MAX_BYTES + 1)
    except OSError as exc:
        raise YamlInputError(None, f"cannot read file: {exc.strerror or exc}") from None
    if len(raw) > MAX_BYTES:
        raise YamlInputError(Mark(1, 1), f"file is larger than {_human(MAX_BYTES)}")
    return decode(raw)


def decode(raw: bytes) -> str:
    """Decode scenario bytes as UTF-8 (a byte-order mark is allowed) and check for binary data."""
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    nul = raw.find(b"\x00")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        if 0 <= nul < exc.start:
            raise _binary(raw, nul) from None
        raise YamlInputError(
            _byte_mark(raw, exc.start),
            f"invalid UTF-8 byte 0x{raw[exc.start]:02x}; scenario files must be UTF-8 text",
        ) from None
    if nul >= 0:
        raise _binary(raw, nul)
    return text


def _check_printable(text: str) -> None:
    bad = _NON_PRINTABLE.search(text)
    if bad is not None:
        start = bad.start()
        line = text.count("\n", 0, start) + 1
        column = start - (text.rfind("\n", 0, start) + 1) + 1
        code = ord(bad.group())
        what = "line separator" if code in (0x2028, 0x2029) else "control character"
        raise YamlInputError(
            Mark(line, column), f"{what} U+{code:04X} is not allowed in a scenario file"
        )


def _check_escapes(node: ScalarNode) -> None:
    """Refuse double-quoted text whose escapes write what the file itself may not hold."""
    if node.style != '"':
        return
    bad = _ESCAPED_CONTROL.search(node.value)
    if bad is not None:
        code = ord(bad.group())
        what = (
            "lone surrogate"
            if 0xD800 <= code <= 0xDFFF
            else "line separator"
            if code in (0x2028, 0x2029)
            else "control character"
        )
        raise YamlInputError(
            _mark(node.start_mark),
            f"{what} U+{code:04X}, written as an escape, is not allowed in a scenario file",
        )


def _binary(raw: bytes, offset: int) -> YamlInputError:
    return YamlInputError(
        _byte_mark(raw, offset), "file contains a NUL byte: this is binary data, not YAML text"
    )


def _byte_mark(raw: bytes, offset: int) -> Mark:
    line = raw.count(b"\n", 0, offset) + 1
    line_start = raw.rfind(b"\n", 0, offset) + 1
    column = len(raw[line_start:offset].decode("utf-8", errors="replace")) + 1
    return Mark(line, column)


def _human(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f} MiB"
    if size >= 1024:
        return f"{size / 1024:.1f} KiB"
    return f"{size} bytes"


def parse_document(text: str, *, loader: str = DEFAULT_LOADER) -> Document:
    """Parse YAML text into a :class:`Document`; raises :class:`YamlInputError`.

    ``loader`` names one of :data:`LOADERS`; both give the same document and positions.
    """
    _check_printable(text)
    parser = LOADERS[loader](text)
    try:
        root = parser.get_single_node()
    except YamlInputError:
        raise
    except yaml.MarkedYAMLError as exc:
        mark, message = _syntax_error(exc, text)
        raise YamlInputError(mark, message) from None
    except yaml.YAMLError as exc:
        raise YamlInputError(Mark(1, 1), f"invalid YAML: {exc}") from None
    finally:
        dispose = getattr(parser, "dispose", None)
        if dispose is not None:
            dispose()
    if root is None:
        return Document(None, {(): Mark(1, 1)}, {})
    if parser._aliases:  # without aliases the expanded size is the node count, already capped
        _check_expanded_size(root)
    builder = _Builder()
    data = builder.build(root, ())
    return Document(data, builder.values, builder.keys, builder.spans)


def _syntax_error(exc: yaml.MarkedYAMLError, text: str) -> tuple[Mark, str]:
    """Where a YAML syntax error really is, and what it means in an author's terms.

    PyYAML often notices a mistake a token later than it was made; where the context mark
    points at the real culprit (an unclosed quote or bracket, a key without ':'), use it.
    """
    problem = exc.problem or "malformed YAML"
    context = exc.context or ""
    at, start = _mark(exc.problem_mark), _mark(exc.context_mark)
    if problem.startswith("exceeded maximum nesting depth"):
        return at, f"nesting is deeper than {MAX_DEPTH} levels"
    if problem == "but found another document":
        return at, "a scenario file holds one YAML document; remove the second '---'"
    if problem.startswith("found undefined alias"):
        return at, problem.replace("found undefined alias", "alias to an undefined anchor")
    if context.startswith("while scanning a quoted scalar") and exc.context_mark is not None:
        return start, "invalid YAML: the quoted text that starts here is never closed"
    if context.startswith("while parsing a flow sequence") and exc.context_mark is not None:
        return start, "invalid YAML: the list opened here with '[' is never closed with ']'"
    if context.startswith("while parsing a flow mapping") and exc.context_mark is not None:
        return start, "invalid YAML: the mapping opened here with '{' is never closed with '}'"
    if problem == "could not find expected ':'" and exc.context_mark is not None:
        return start, "invalid YAML: this key has no ':' after it"
    if "'\\t'" in problem or "tab character" in problem or _char_at(text, at) == "\t":
        return at, "invalid YAML: a tab is used for indentation; YAML needs spaces"
    if problem.startswith("mapping values are not allowed"):
        return at, (
            "invalid YAML: unexpected ':' here; is this line indented further than the "
            "keys above it, or does a value with ': ' need quotes?"
        )
    if context.startswith("while parsing a block") and (
        problem.startswith("expected <block end>") or "indicator" in problem
    ):
        return at, (
            "invalid YAML: this line is not indented like the lines above it "
            f"(the block that starts at line {start.line})"
        )
    message = f"invalid YAML: {problem}"
    if context and exc.context_mark is not None:
        message += f" ({context} at line {start.line})"
    return at, message


def _char_at(text: str, mark: Mark) -> str:
    lines = text.split("\n", mark.line)
    if mark.line > len(lines):
        return ""
    line = lines[mark.line - 1]
    return line[mark.column - 1] if 0 < mark.column <= len(line) else ""


def _check_expanded_size(root: Node) -> None:
    """Refuse documents whose aliases expand to more than MAX_NODES values (alias bombs)."""
    sizes: dict[int, int] = {}
    active: set[int] = set()

    def size(node: Node) -> int:
        known = sizes.get(id(node))
        if known is not None:
            return known
        if id(node) in active:
            raise YamlInputError(_mark(node.start_mark), "an alias refers to its own anchor")
        total = 1
        if isinstance(node, SequenceNode | MappingNode):
            active.add(id(node))
            children: Iterator[Node] = (
                iter(node.value)
                if isinstance(node, SequenceNode)
                else (n for pair in node.value for n in pair)
            )
            for child in children:
                total += size(child)
                if total > MAX_NODES:
                    raise YamlInputError(
                        _mark(node.start_mark),
                        f"the document expands to more than {MAX_NODES:,} values (an alias bomb?)",
                    )
            active.discard(id(node))
        sizes[id(node)] = total
        return total

    size(root)


class _Builder:
    """Turns a composed node tree into plain Python data, recording positions as it goes."""

    def __init__(self) -> None:
        self.values: dict[DataPath, Mark] = {}
        self.keys: dict[DataPath, Mark] = {}
        self.spans: dict[DataPath, tuple[int, int]] = {}

    def build(self, node: Node, path: DataPath) -> Any:
        self.values[path] = _mark(node.start_mark)
        if isinstance(node, ScalarNode):
            _check_escapes(node)
            if node.style in ("'", '"') and node.end_mark.line > node.start_mark.line:
                self.spans[path] = (node.start_mark.line + 1, node.end_mark.line + 1)
            return _scalar(node)
        if isinstance(node, SequenceNode):
            return [self.build(item, (*path, index)) for index, item in enumerate(node.value)]
        assert isinstance(node, MappingNode)
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, ScalarNode):
                raise YamlInputError(
                    _mark(key_node.start_mark),
                    "mapping keys must be plain text, not a list or mapping",
                )
            _check_escapes(key_node)
            key = str(key_node.value)
            if key == "<<" and key_node.style not in _QUOTED_STYLES:
                raise YamlInputError(
                    _mark(key_node.start_mark),
                    "merge keys ('<<') are not supported; write the fields out",
                )
            if key in result:
                first = self.keys[(*path, key)]
                raise YamlInputError(
                    _mark(key_node.start_mark),
                    f"duplicate key '{key}' (first given at line {first.line})",
                )
            self.keys[(*path, key)] = _mark(key_node.start_mark)
            result[key] = self.build(value_node, (*path, key))
        return result


def _scalar(node: ScalarNode) -> Any:
    value: str = node.value
    if node.tag == _TAG_STR or node.style in _QUOTED_STYLES:
        return value
    if node.tag == _TAG_NULL:
        return None
    if node.tag == _TAG_BOOL:
        return value.lower() == "true"
    if node.tag in (_TAG_INT, _TAG_FLOAT) and sum(c.isalnum() for c in value) > MAX_DIGITS:
        raise YamlInputError(
            _mark(node.start_mark), f"number with more than {MAX_DIGITS} digits; is it a typo?"
        )
    if node.tag == _TAG_INT:
        if value.startswith(("0o", "0x")):
            return int(value, 0)
        return int(value)
    if node.tag == _TAG_FLOAT:
        lowered = value.lower()
        if lowered.endswith(".inf"):
            return -math.inf if lowered.startswith("-") else math.inf
        if lowered == ".nan":
            return math.nan
        number = float(value)
        if math.isinf(number):
            raise YamlInputError(_mark(node.start_mark), f"number {value} is too large")
        return number
    return value


class _Dumper(yaml.SafeDumper):
    """Writes data that reads back identically, both here and in YAML 1.1 tools.

    Strings that either this reader or a YAML 1.1 reader would take for something else
    (``no``, ``0o17``, ``1:30``) are quoted, and shared values are written out in full rather
    than as anchors and aliases.
    """

    def ignore_aliases(self, data: Any) -> bool:
        return True


_add_resolvers(_Dumper)


def _represent_str(dumper: yaml.SafeDumper, data: str) -> yaml.ScalarNode:
    style = "|" if "\n" in data else None
    return dumper.represent_scalar(_TAG_STR, data, style=style)


_Dumper.add_representer(str, _represent_str)


def dump_yaml(data: Any) -> str:
    """Serialise plain data as block-style YAML in the order given."""
    return yaml.dump(
        data,
        Dumper=_Dumper,
        sort_keys=False,
        allow_unicode=True,
        default_flow_style=False,
        width=88,
    )

"""Reading and writing a register file: located French problems in, atomic writes out.

A register is a YAML list of entries in the project folder, which a trainer may
also edit by hand. Reading composes the YAML (so every value keeps its line and
column), types each field with the shared parsers and reports every problem at
once; nothing raises for bad user data.

Writing never loses what the trainer wrote:
- a new entry is appended as text after the existing content, so every other
  entry and every comment stays byte for byte;
- a changed entry has only its own lines replaced (comments inside that entry
  may go; the rest of the file stays as it was);
- when neither is possible (a file written as `[]`, an entry written in flow
  style…), the whole file is rewritten, keeping its leading comment block.
Each result is read back before it is written: if it would not give exactly the
expected records, a fully quoted form is tried, and failing that nothing is
written. The file is then written aside and renamed over the old one.
"""

from __future__ import annotations

import difflib
import os
import re
import stat
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from enum import Enum
from pathlib import Path
from typing import Any, Generic, TypeVar

import yaml

from qualikit.base.clock import PARIS
from qualikit.base.diagnostics import Location, Report, quote
from qualikit.base.files import write_atomic
from qualikit.project.load.fields import DATE, Invalid, Parser, bad
from qualikit.project.load.yaml_source import _describe, _scalar, compose_text
from qualikit.quality.registers.model import Register

T = TypeVar("T")


class RegisterError(Exception):
    """A change that cannot be made as asked; French message for the trainer."""

    def __init__(self, message: str, report: Report | None = None):
        super().__init__(message)
        self.message = message
        self.report = report


# -- parsers the registers add to qualikit.project.load.fields --------------------------------------------

_TIME = re.compile(r"^(\d{1,2})\s*[:hH]\s*(\d{2})?(?::(\d{2}))?$")
_SPLIT = re.compile(r"^(\S+?)(?:(?:\s+|T)(?:à\s+)?(.+))?$")
_DATETIME_EXPECTED = "une date et une heure, AAAA-MM-JJ HH:MM, ex. 2026-11-23 14:30"


def _datetime(value: Any) -> datetime:
    if isinstance(value, datetime):
        moment = value
    else:
        text = str(value).strip()
        try:
            moment = datetime.fromisoformat(text)
        except ValueError:
            moment = _french_datetime(text)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=PARIS)
    # Through UTC and back: one canonical form, so equal instants compare equal (and a local time
    # that does not exist, in the spring DST gap, becomes the one that does).
    return moment.astimezone(UTC).astimezone(PARIS)


def _french_datetime(text: str) -> datetime:
    m = _SPLIT.match(text)
    if not m:
        raise bad(text, _DATETIME_EXPECTED, "n'est pas une date et une heure")
    try:
        day = DATE(m.group(1))
    except Invalid as exc:
        if "n'existe pas" in exc.message:
            raise bad(text, "une date qui existe, AAAA-MM-JJ HH:MM", "n'existe pas") from None
        raise bad(text, _DATETIME_EXPECTED, "n'est pas une date et une heure") from None
    if m.group(2) is None:
        return datetime.combine(day, datetime.min.time())
    t = _TIME.match(m.group(2).strip())
    if not t:
        raise bad(text, _DATETIME_EXPECTED, "n'a pas une heure lisible")
    hour, minute, second = int(t.group(1)), int(t.group(2) or 0), int(t.group(3) or 0)
    if hour > 23 or minute > 59 or second > 59:
        raise bad(text, "une heure qui existe, de 00:00 à 23:59", "n'existe pas")
    return datetime(day.year, day.month, day.day, hour, minute, second)


DATETIME = Parser(_datetime, "une date et une heure (AAAA-MM-JJ HH:MM)")


def _level(value: Any) -> int:
    text = str(value).strip()
    if text not in {"1", "2", "3", "4"}:
        raise bad(value, "un nombre entier de 1 à 4")
    return int(text)


LEVEL = Parser(_level, "un nombre entier de 1 à 4", ("1", "2", "3", "4"))


def _count(value: Any) -> int:
    text = str(value).strip()
    if not text.isdigit():
        raise bad(value, "un nombre entier")
    return int(text)


COUNT = Parser(_count, "un nombre entier")


def entry_id(prefix: str, yearly: bool) -> Parser:
    """R-2026-001 (yearly) or Q-001; any case and any number of digits are accepted."""
    pattern = re.compile(rf"^{prefix}-\d{{4}}-\d+$" if yearly else rf"^{prefix}-\d+$", re.IGNORECASE)
    example = f"{prefix}-2026-001" if yearly else f"{prefix}-001"

    def parse(value: Any) -> str:
        text = str(value).strip()
        if not pattern.match(text):
            raise bad(text, f"un identifiant comme {example}")
        return text.upper()

    return Parser(parse, f"un identifiant comme {example}")


def next_id(register: Register, prefix: str, year: int | None = None) -> str:
    """The next free id: R-2026-004 after R-2026-003 (numbering restarts each year), or Q-012."""
    head = f"{prefix}-{year}-" if year is not None else f"{prefix}-"
    pattern = re.compile(rf"^{re.escape(head)}(\d+)$")
    last = max((int(m.group(1)) for e in register.entries if (m := pattern.match(e.id))), default=0)
    return f"{head}{last + 1:03d}"


# -- what a register file holds ---------------------------------------------------------------------


@dataclass(frozen=True)
class Field:
    key: str  # the YAML key, in French
    attr: str  # the record's attribute
    parser: Parser
    required: bool = False
    many: bool = False  # a list of values (a single value is accepted too)
    computed: bool = False  # written for the reader, recomputed on reading (never passed to the record)


@dataclass(frozen=True)
class Spec(Generic[T]):
    filename: str  # relative to the project folder
    record: type
    fields: tuple[Field, ...]
    header: str  # comment block at the top of a new file
    private: bool = False  # sensitive data: 0600/0700, values never quoted back in messages
    # Cross-field checks on a record read from the file: (record, raw values by key, locations by key, report).
    check: Callable[[Any, dict[str, Any], dict[str, Location], Report], None] | None = None


@dataclass(frozen=True)
class _Span:
    first: int  # 0-based line of the entry's « - »
    last: int  # 0-based last line of its content
    dash: int  # column of the « - »


@dataclass
class Document(Generic[T]):
    """A register as read from disk, with what is needed to write it back without losing text."""

    spec: Spec
    register: Register[T]
    report: Report
    text: str | None = None  # None when the file does not exist yet
    spans: dict[str, _Span] = field(default_factory=dict)
    dash: int = 0  # the column of the entries' « - », for appended entries

    @property
    def ok(self) -> bool:
        return self.report.ok


def load(root: Path, spec: Spec) -> Document:
    """Read and check a register; a missing file is an empty register."""
    report = Report()
    path = root / spec.filename
    if not path.is_file():
        return Document(spec, Register(spec.filename), report)
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        report.error(Location(spec.filename), f"le fichier n'est pas en UTF-8 (octet {exc.start})\u00a0; "
                     "enregistrez-le en UTF-8 depuis votre éditeur")
        return Document(spec, Register(spec.filename), report)
    except OSError as exc:
        report.error(Location(spec.filename), f"lecture impossible ({exc.strerror})")
        return Document(spec, Register(spec.filename), report)
    if spec.private and os.name == "posix":
        mode = stat.S_IMODE(path.stat().st_mode)
        if mode & 0o077:
            report.warning(Location(spec.filename), f"le registre est lisible par d'autres comptes (droits "
                           f"{mode:o})\u00a0: restreignez-le avec «\u00a0chmod 600\u00a0» (qualikit le fait à "
                           "chaque écriture)")
    return parse(text, spec, report)


def parse(text: str, spec: Spec, report: Report | None = None) -> Document:
    """The records and their text spans from a file's text."""
    report = report if report is not None else Report()
    doc = Document(spec, Register(spec.filename), report, text)
    node = _compose(text, spec.filename, report)
    if node is None or (isinstance(node, yaml.ScalarNode) and _scalar(node) is None):
        return doc  # empty, or comments only
    reader = _Reader(spec, report)
    if not isinstance(node, yaml.SequenceNode):
        report.error(reader.loc(node), f"attendu\u00a0: une liste d'entrées, chacune commençant par «\u00a0-\u00a0», "
                     f"trouvé {_safe_describe(node, spec)}")
        return doc
    lines = [line.rstrip("\r\n") for line in _lines(text)]
    records, first_ids = [], {}
    for item in node.value:
        record = reader.entry(item)
        if record is None:
            continue
        if record.id in first_ids:
            report.error(record.loc, f"identifiant {quote(record.id)} déjà utilisé (ligne {first_ids[record.id]})",
                         "id")
            continue
        first_ids[record.id] = record.loc.line
        records.append(record)
        span = _span(item, lines)
        if span is not None:
            doc.spans[record.id] = span
            doc.dash = span.dash
    doc.register = Register(spec.filename, tuple(records))
    return doc


def _compose(text: str, filename: str, report: Report) -> yaml.Node | None:
    return compose_text(text, filename, report)


def _safe_describe(node: yaml.Node, spec: Spec) -> str:
    if spec.private and isinstance(node, yaml.ScalarNode):
        return "une valeur simple"
    return _describe(node)


class _Reader:
    def __init__(self, spec: Spec, report: Report):
        self.spec = spec
        self.report = report
        self.keys = {f.key: f for f in spec.fields}

    def loc(self, node: yaml.Node) -> Location:
        return Location(self.spec.filename, node.start_mark.line + 1, node.start_mark.column + 1)

    def entry(self, item: yaml.Node) -> Any | None:
        if not isinstance(item, yaml.MappingNode):
            self.report.error(self.loc(item), "attendu\u00a0: une entrée en champs «\u00a0clé\u00a0: "
                              f"valeur\u00a0», trouvé {_safe_describe(item, self.spec)}")
            return None
        before = len(self.report.errors)
        values: dict[str, Any] = {}
        locs: dict[str, Location] = {}
        seen: dict[str, int] = {}
        for key_node, value_node in item.value:
            if not isinstance(key_node, yaml.ScalarNode):
                self.report.error(self.loc(key_node), "une clé doit être un simple mot")
                continue
            key = key_node.value
            if key in seen:
                name = quote(key) if key in self.keys or not self.spec.private else ""
                self.report.error(self.loc(key_node), f"clé {name} en double (déjà à la ligne {seen[key]})"
                                  .replace("clé  ", "clé "))
                continue
            seen[key] = key_node.start_mark.line + 1
            spec_field = self.keys.get(key)
            if spec_field is None:
                self._unknown(key, key_node)
                continue
            locs[key] = self.loc(value_node)
            value = self._value(spec_field, value_node)
            if value is not None:
                values[key] = value
        loc = self.loc(item)
        for f in self.spec.fields:
            if f.required and f.key not in values and f.key not in self._failed(before):
                self.report.error(loc, f"champ obligatoire manquant (attendu\u00a0: {f.parser.expected})", f.key)
        if len(self.report.errors) > before:
            return None
        kwargs = {f.attr: values[f.key] for f in self.spec.fields if f.key in values and not f.computed}
        record = self.spec.record(**kwargs, loc=loc)
        if self.spec.check is not None:
            self.spec.check(record, values, locs, self.report)
        return record

    def _failed(self, before: int) -> set[str]:
        return {d.field for d in self.report.errors[before:] if d.field}

    def _value(self, f: Field, node: yaml.Node) -> Any:
        if isinstance(node, yaml.SequenceNode):
            if not f.many:
                self.report.error(self.loc(node), "une seule valeur est attendue ici, pas une liste", f.key)
                return None
            out = []
            for item in node.value:
                if not isinstance(item, yaml.ScalarNode):
                    self.report.error(self.loc(item), f"attendu\u00a0: un texte simple, trouvé {_describe(item)}",
                                      f.key)
                    continue
                value = self._parse(f, item)
                if value is not None:
                    out.append(value)
            return tuple(out) or None
        if isinstance(node, yaml.MappingNode):
            self.report.error(self.loc(node), "attendu\u00a0: une valeur simple, trouvé des champs «\u00a0clé\u00a0: "
                              "valeur\u00a0» (une valeur contenant «\u00a0:\u00a0» doit être entre guillemets)", f.key)
            return None
        value = self._parse(f, node)
        if value is None:
            return None
        return (value,) if f.many else value

    def _parse(self, f: Field, node: yaml.ScalarNode) -> Any:
        raw = _scalar(node)
        if raw is None or not raw.strip():
            return None
        try:
            return f.parser(raw)
        except Invalid as exc:
            message = exc.message
            if self.spec.private:  # never echo what a sensitive file holds
                message = f"valeur non valide (attendu\u00a0: {f.parser.expected})"
            self.report.error(self.loc(node), message, f.key)
            return None

    def _unknown(self, key: str, node: yaml.Node) -> None:
        known = [f.key for f in self.spec.fields]
        if self.spec.private:  # a stray key may be a name: never echo it
            self.report.error(self.loc(node), f"champ inconnu (champs connus\u00a0: {', '.join(known)})")
            return
        close = difflib.get_close_matches(key, known, n=1)
        hint = (f"\u00a0; vouliez-vous dire {quote(close[0])}\u00a0?" if close
                else f" (champs connus\u00a0: {', '.join(known)})")
        self.report.error(self.loc(node), f"champ inconnu {quote(key)}{hint}")


def _span(item: yaml.Node, lines: list[str]) -> _Span | None:
    """The lines of one entry, from its « - » to its last value; None when they cannot be told."""
    line, col = item.start_mark.line, item.start_mark.column
    if item.start_mark.line >= len(lines):
        return None
    prefix = lines[line][:col]
    if prefix.strip() == "-":
        first = line
    elif prefix.strip() == "":
        first = line - 1
        while first >= 0 and (not lines[first].strip() or lines[first].lstrip().startswith("#")):
            first -= 1
        if first < 0 or lines[first].strip() != "-":
            return None
        prefix = lines[first]
    else:
        return None
    last = _end_line(item)
    while last > first and last < len(lines) and not lines[last].strip():
        last -= 1
    return _Span(first, min(last, len(lines) - 1), prefix.index("-"))


def _end_line(node: yaml.Node) -> int:
    if isinstance(node, yaml.MappingNode) and node.value:
        return _end_line(node.value[-1][1])
    if isinstance(node, yaml.SequenceNode) and node.value and not node.flow_style:
        return _end_line(node.value[-1])
    mark = node.end_mark
    return mark.line - 1 if mark.column == 0 and mark.line > node.start_mark.line else mark.line


# -- writing ----------------------------------------------------------------------------------------


def append(root: Path, doc: Document, record: Any) -> Document:
    """Add an entry at the end of the file, leaving the existing text untouched."""
    _writable(doc)
    if doc.register.get(record.id) is not None:
        raise RegisterError(f"l'identifiant {record.id} est déjà utilisé dans {doc.spec.filename}")
    expected = (*doc.register.entries, record)
    candidates = []
    if doc.text is not None and doc.text.strip():
        nl = _newline(doc.text)
        text = doc.text if doc.text.endswith(("\n", "\r")) else doc.text + nl
        for safe in (False, True):
            sep = "" if text.endswith(nl + nl) or not doc.register.entries else nl
            candidates.append(text + sep + render_entry(doc.spec, record, doc.dash, safe, nl))
    return _commit(root, doc, expected, candidates)


def replace(root: Path, doc: Document, record: Any) -> Document:
    """Rewrite one entry (found by id) in place; the other entries' text stays as it was."""
    _writable(doc)
    if doc.register.get(record.id) is None:
        raise RegisterError(f"{record.id} introuvable dans {doc.spec.filename}")
    expected = tuple(record if e.id == record.id else e for e in doc.register.entries)
    candidates = []
    span = doc.spans.get(record.id)
    if doc.text is not None and span is not None:
        nl = _newline(doc.text)
        lines = _lines(doc.text)
        for safe in (False, True):
            block = render_entry(doc.spec, record, span.dash, safe, nl)
            candidates.append("".join(lines[: span.first]) + block + "".join(lines[span.last + 1:]))
    return _commit(root, doc, expected, candidates)


def save(root: Path, doc: Document, records: Iterable[Any]) -> Document:
    """Rewrite the whole file with these records, keeping its leading comment block."""
    _writable(doc)
    return _commit(root, doc, tuple(records), [])


def render_entry(spec: Spec, record: Any, dash: int = 0, safe: bool = False, nl: str = "\n") -> str:
    """One entry as YAML text: « - id: … » then one « clé: valeur » per line, in the spec's order."""
    pad = " " * (dash + 2)
    out: list[str] = []
    for f in spec.fields:
        value = getattr(record, f.attr)
        if value is None or value == () or value == "":
            continue
        if f.many:
            out.append(f"{pad}{f.key}:")
            out.extend(f"{pad}  - {_inline(_text(v), safe)}" for v in value)
            continue
        text = _text(value)
        if not safe and _literal_ok(text):
            out.append(f"{pad}{f.key}: |-")
            out.extend(f"{pad}  {line}" if line else "" for line in text.split("\n"))
        else:
            out.append(f"{pad}{f.key}: {_inline(text, safe)}")
    out[0] = " " * dash + "- " + out[0][len(pad):]
    return nl.join(out) + nl


def render_file(spec: Spec, records: Iterable[Any], header: str | None = None, safe: bool = False,
                nl: str = "\n") -> str:
    head = (header if header is not None else spec.header).rstrip("\r\n")
    body = nl.join(render_entry(spec, r, 0, safe, nl) for r in records)
    if not head:
        return body
    return head + nl + (nl + body if body else "")


def _commit(root: Path, doc: Document, expected: tuple, candidates: list[str]) -> Document:
    header = (_header(doc.text) or None) if doc.text is not None else None  # none kept: the default one
    nl = _newline(doc.text or "")
    candidates = [*candidates, *(render_file(doc.spec, expected, header, safe, nl) for safe in (False, True))]
    for text in candidates:
        check = parse(text, doc.spec)
        if check.report.ok and check.register.entries == expected:
            _write(root, doc.spec, text)
            return check
    raise RegisterError(f"impossible d'écrire {doc.spec.filename} sans altérer son contenu\u00a0: rien n'a été "
                        "modifié (merci de signaler ce cas)")


def _writable(doc: Document) -> None:
    if not doc.report.ok:
        raise RegisterError(f"{doc.spec.filename} contient des erreurs\u00a0: rien n'a été modifié", doc.report)


def _write(root: Path, spec: Spec, text: str) -> None:
    path = root / spec.filename
    posix = os.name == "posix"
    if spec.private:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        if posix:
            os.chmod(path.parent, 0o700)
    old_mode = stat.S_IMODE(path.stat().st_mode) if path.exists() else None
    write_atomic(path, text.encode("utf-8"))  # mkstemp: the file is 0600 from its first byte
    if posix:
        os.chmod(path, 0o600 if spec.private else (old_mode if old_mode is not None else 0o644))


def _header(text: str) -> str:
    """The comment block at the top of a file (comments and blank lines before the first entry)."""
    out = []
    for line in text.splitlines(keepends=True):
        if line.strip() and not line.lstrip().startswith("#"):
            break
        out.append(line)
    return "".join(out).rstrip("\r\n")


def _lines(text: str) -> list[str]:
    """Lines with their ends, cut at « \\n » only, as the YAML marks count them (not at U+2028 & co)."""
    return re.split(r"(?<=\n)", text) if text else []


def _newline(text: str) -> str:
    return "\r\n" if "\r\n" in text else "\n"


# -- scalars ----------------------------------------------------------------------------------------

_INDICATORS = set("-?:,[]{}#&*!|>'\"%@`")
_NULLS = {"~", "null", "Null", "NULL"}
_BREAKS = {"\x85", "\u2028", "\u2029", "\ufeff"}


def _text(value: Any) -> str:
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, datetime):
        local = value.astimezone(PARIS)
        return local.strftime("%Y-%m-%d %H:%M:%S" if local.second else "%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _printable(c: str) -> bool:
    o = ord(c)
    if c in _BREAKS:
        return False
    return 0x20 <= o <= 0x7E or 0xA0 <= o <= 0xD7FF or 0xE000 <= o <= 0xFFFD or o >= 0x10000


def _plain_ok(text: str) -> bool:
    return (
        bool(text)
        and text == text.strip(" \t")
        and text[0] not in _INDICATORS
        and text not in _NULLS
        and ": " not in text
        and " #" not in text
        and not text.endswith(":")
        and all(_printable(c) for c in text)
    )


def _literal_ok(text: str) -> bool:
    if "\n" not in text or text.startswith((" ", "\n")) or text.endswith("\n"):
        return False
    return all(line == line.rstrip(" \t") and all(_printable(c) or c == "\t" for c in line)
               for line in text.split("\n"))


def _inline(text: str, safe: bool) -> str:
    return text if not safe and _plain_ok(text) else _quoted(text)


_ESCAPES = {'"': '\\"', "\\": "\\\\", "\n": "\\n", "\t": "\\t", "\r": "\\r"}


def _quoted(text: str) -> str:
    out = []
    for c in text:
        if c in _ESCAPES:
            out.append(_ESCAPES[c])
        elif _printable(c):
            out.append(c)
        else:
            o = ord(c)
            out.append(f"\\x{o:02x}" if o <= 0xFF else f"\\u{o:04x}" if o <= 0xFFFF else f"\\U{o:08x}")
    return '"' + "".join(out) + '"'

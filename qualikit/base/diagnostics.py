"""Problems found in a trainer's data, as values with their location.

Nothing in the loaders raises for bad user data: every problem becomes a
Diagnostic appended to a list, so a single run reports them all.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from enum import StrEnum
from typing import NamedTuple


class Level(StrEnum):
    ERROR = "erreur"
    WARNING = "avertissement"


class Location(NamedTuple):
    """Where a value came from: a YAML line/column or an XLSX sheet!cell.

    `file` is relative to the project folder so messages stay short. A tuple,
    not a dataclass: a large project creates hundreds of thousands of them.
    """

    file: str
    line: int | None = None
    col: int | None = None
    sheet: str | None = None
    cell: str | None = None

    def __str__(self) -> str:
        if self.sheet is not None:
            return f"{self.file}:{self.sheet}!{self.cell}" if self.cell else f"{self.file}:{self.sheet}"
        if self.line is not None:
            return f"{self.file}:{self.line}:{self.col}" if self.col else f"{self.file}:{self.line}"
        return self.file


@dataclass(frozen=True)
class Diagnostic:
    loc: Location
    message: str
    field: str | None = None
    level: Level = Level.ERROR
    indicator: int | None = None  # the Qualiopi indicator a readiness warning concerns

    def format(self) -> str:
        head = f"{self.loc}: "
        if self.field:
            head += f"{self.field}\u00a0: "
        text = head + self.message
        if self.indicator is not None:
            text += f" [indicateur Qualiopi {self.indicator}]"
        return text

    def to_json(self) -> dict:
        return {
            "niveau": self.level.value,
            "fichier": self.loc.file,
            "ligne": self.loc.line,
            "colonne": self.loc.col,
            "feuille": self.loc.sheet,
            "cellule": self.loc.cell,
            "champ": self.field,
            "message": self.message,
            "indicateur": self.indicator,
        }


@dataclass
class Report:
    """The diagnostics of one run, in the order found."""

    items: list[Diagnostic] = field(default_factory=list)

    def error(self, loc: Location, message: str, field: str | None = None) -> None:
        self.items.append(Diagnostic(loc, message, field))

    def warning(
        self, loc: Location, message: str, field: str | None = None, indicator: int | None = None
    ) -> None:
        self.items.append(Diagnostic(loc, message, field, Level.WARNING, indicator))

    def extend(self, other: Report) -> None:
        self.items.extend(other.items)

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.items if d.level is Level.ERROR]

    @property
    def warnings(self) -> list[Diagnostic]:
        return [d for d in self.items if d.level is Level.WARNING]

    @property
    def ok(self) -> bool:
        return not self.errors

    def to_json(self) -> str:
        return json.dumps([d.to_json() for d in self.items], ensure_ascii=False, indent=2)


def quote(value: object) -> str:
    """French quotes with no-break spaces, and a bounded length for huge cells."""
    text = str(value)
    if len(text) > 60:
        text = text[:57] + "…"
    text = text.replace("\n", "⏎")
    return f"«\u00a0{text}\u00a0»"

"""Located raw values: what both loaders produce before any typing."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from qualikit.base.diagnostics import Location


@dataclass(frozen=True)
class Cell:
    value: Any  # str/number/date from the file, a list[Cell] for YAML sequences, or None
    loc: Location


@dataclass
class Row:
    loc: Location
    cells: dict[str, Cell] = field(default_factory=dict)


Tables = dict[str, list[Row]]

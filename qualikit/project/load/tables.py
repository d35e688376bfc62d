"""Located raw values: what both loaders produce before any typing."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, NamedTuple

from qualikit.base.diagnostics import Location


class Cell(NamedTuple):
    """A value and where it was read (a tuple: a year's project makes a hundred thousand)."""

    value: Any  # str/number/date from the file, a list[Cell] for YAML sequences, or None
    loc: Location


@dataclass
class Row:
    loc: Location
    cells: dict[str, Cell] = field(default_factory=dict)


Tables = dict[str, list[Row]]

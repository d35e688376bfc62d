"""The Qualiopi grids (référentiel national qualité) as data, chosen by the audit date.

Importing this package reads nothing: each grid file is loaded (and validated) on first use.
"""

from qualikit.referentiel.grids import (
    QUALIKIT_PROOFS,
    Criterion,
    Grid,
    GridDataError,
    Indicator,
    Profile,
    applicable,
    available_grids,
    grid_for,
    load_grid,
    parse_grid,
)

__all__ = [
    "QUALIKIT_PROOFS",
    "Criterion",
    "Grid",
    "GridDataError",
    "Indicator",
    "Profile",
    "applicable",
    "available_grids",
    "grid_for",
    "load_grid",
    "parse_grid",
]

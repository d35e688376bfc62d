"""The registers are project files too: `qualikit check` reports their problems, located."""

from __future__ import annotations

from pathlib import Path

from qualikit.base.diagnostics import Diagnostic


def register_problems(root: Path) -> list[Diagnostic]:
    from qualikit.quality.registers import (
        competences,
        external,
        improvements,
        incidents,
        network,
        procedures,
        reports,
        risks,
        watch,
    )

    out: list[Diagnostic] = []
    for module in (incidents, improvements, risks, reports, watch, procedures, competences, network, external):
        out.extend(module.load(root).report.items)
    return out

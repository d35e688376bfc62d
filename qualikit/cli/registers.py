"""`qualikit incident|improvement|risk|report`: the quality registers (indicators 31, 32 and 12).

Thin commands: parse the options, call qualikit.quality.registers.commands (the checks and the changes,
under the journal lock) or qualikit.quality.registers.rows (the listings), print. The signalements
register never reaches the journal, a listing or an error message beyond its id, date, status and
number of measures.
"""

from __future__ import annotations

from qualikit.cli import registers_improvements, registers_incidents, registers_reports, registers_risks  # noqa: F401
from qualikit.cli.register_common import improvement_app, incident_app, report_app, risk_app

__all__ = ["improvement_app", "incident_app", "report_app", "risk_app"]

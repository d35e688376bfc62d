"""The bilan pédagogique et financier (BPF, cerfa 10443) of one financial year, from qualikit's data.

A worksheet to copy into « Mon Activité Formation », never the form itself. The frames and
line labels follow cerfa 10443*17 (A identification, B general information, C income by
source, D costs, E trainers' hours, F-1 learners by type, F-2 activity subcontracted out,
F-3 objective, F-4 speciality, G learners entrusted by another provider, H the manager).

form.py holds the frames, lines and figures of the form; compute.py counts them from the project
(what is counted, and in which financial year: see its docstring); lines.py lays them out line by
line and xlsx.py writes the workbook.
"""

from qualikit.admin.bpf.compute import compute_bpf
from qualikit.admin.bpf.form import (
    FRAMES,
    FUND_KEYS,
    INCOME_KEYS,
    INCOME_LINES,
    LEARNER_TYPES,
    OBJECTIVES,
    RNCP_LEVELS,
    Bpf,
    Tally,
)
from qualikit.admin.bpf.lines import Line, bpf_lines, bpf_table, format_value, number
from qualikit.admin.bpf.xlsx import write_bpf_xlsx

__all__ = [
    "FRAMES",
    "FUND_KEYS",
    "INCOME_KEYS",
    "INCOME_LINES",
    "LEARNER_TYPES",
    "OBJECTIVES",
    "RNCP_LEVELS",
    "Bpf",
    "Line",
    "Tally",
    "bpf_lines",
    "bpf_table",
    "compute_bpf",
    "format_value",
    "number",
    "write_bpf_xlsx",
]

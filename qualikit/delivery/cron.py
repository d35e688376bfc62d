"""Scheduling `qualikit remind` once a day: the crontab line, installed only when asked."""

from __future__ import annotations

import shlex
import shutil
import subprocess
import sys
from pathlib import Path

MARK = "# qualikit remind"


def cron_line(project: Path, hour: int = 8) -> str:
    root = project.resolve()
    exe = shutil.which("qualikit") or f"{sys.executable} -m qualikit"
    log = root / "remind.log"
    return (f"0 {hour} * * * {exe} remind -p {shlex.quote(str(root))} >> {shlex.quote(str(log))} 2>&1 "
            f"{MARK} {root}")


def merged_crontab(current: str, line: str, project: Path) -> str:
    """The user's crontab with this project's line added or replaced, everything else untouched."""
    tag = f"{MARK} {project.resolve()}"
    kept = [x for x in current.splitlines() if not x.rstrip().endswith(tag)]
    return "\n".join([*kept, line]) + "\n"


def install(project: Path, hour: int = 8) -> str:
    """Install (or update) the line in the user's crontab; returns the line. OSError when crontab is missing."""
    crontab = shutil.which("crontab")
    if crontab is None:
        raise OSError("la commande crontab est introuvable sur cette machine")
    current = subprocess.run([crontab, "-l"], capture_output=True, text=True, check=False)
    line = cron_line(project, hour)
    text = merged_crontab(current.stdout if current.returncode == 0 else "", line, project)
    subprocess.run([crontab, "-"], input=text, text=True, check=True, capture_output=True)
    return line

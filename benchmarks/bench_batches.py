"""Invoices and programme sheets in one process and on every core, alternated at the same moment.

    python benchmarks/bench_batches.py                 # 3 pairs, invoices on 2026-02-20
    python benchmarks/bench_batches.py --pairs 5 --today 2026-03-31 --programmes 40

The year-sized project (`generate.py`) gets a clients table for its learners' companies, so that
the inter-company sessions ended by `--today` are invoiced (one invoice per session and company);
the programme catalogue is the demo's repeated to `--programmes` sheets. Each run starts from a
fresh copy (no journal): numbering, PDF, Factur-X, files and journal, in the calling process.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import sys
import tempfile
import time
from datetime import date, datetime
from datetime import time as dtime
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # this checkout's qualikit
from generate import generate


def with_clients(root: Path, companies: int = 400) -> None:
    """The companies `generate` names on its learners, as clients (address and SIRET for invoices)."""
    rows = [{"id": f"entreprise-{i}", "nom": f"Entreprise {i}", "siret": f"{10_000_000_000_000 + i:014d}",
             "adresse": f"{1 + i % 90} rue de la République", "code_postal": "69002", "ville": "Lyon"}
            for i in range(companies)]
    (root / "clients.yaml").write_text(yaml.safe_dump(rows, allow_unicode=True, sort_keys=False), encoding="utf-8")


def with_catalogue(root: Path, size: int) -> None:
    """The demo's programmes repeated under new ids, up to `size` sheets."""
    base = yaml.safe_load((root / "programmes.yaml").read_text(encoding="utf-8"))
    rows = [dict(base[i % len(base)], id=f"{base[i % len(base)]['id']}-{i // len(base)}") if i >= len(base)
            else base[i] for i in range(size)]
    (root / "programmes.yaml").write_text(yaml.safe_dump(rows, allow_unicode=True, sort_keys=False),
                                          encoding="utf-8")


def timed(fn, workers) -> tuple[float, float, float, object]:
    """(elapsed, CPU of this process, CPU of this process and its finished workers, result)."""
    def children() -> float:
        usage = resource.getrusage(resource.RUSAGE_CHILDREN)
        return usage.ru_utime + usage.ru_stime

    wall, cpu, theirs = time.perf_counter(), time.process_time(), children()
    out = fn(workers)
    own = time.process_time() - cpu
    return time.perf_counter() - wall, own, own + children() - theirs, out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pairs", type=int, default=3)
    parser.add_argument("--today", default="2026-02-20", help="invoices of the sessions ended by this day")
    parser.add_argument("--programmes", type=int, default=40)
    args = parser.parse_args()

    from qualikit.admin.invoicing.issue import issue_invoices
    from qualikit.base.clock import PARIS, Clock
    from qualikit.base.tokens import project_secret
    from qualikit.commands.contracts import programme_sheets
    from qualikit.project.journal_check import open_journal
    from qualikit.project.load import load_project

    today = date.fromisoformat(args.today)
    now = datetime.combine(today, dtime(18, 0), PARIS)
    with tempfile.TemporaryDirectory() as tmp:
        base = generate(Path(tmp) / "base")
        with_clients(base)
        project_secret(base)
        catalogue = shutil.copytree(base, Path(tmp) / "catalogue")
        with_catalogue(catalogue, args.programmes)
        projects = {base: load_project(base).project, catalogue: load_project(catalogue).project}

        def invoices(workers):
            root = shutil.copytree(base, Path(tmp) / f"run-{time.monotonic_ns()}")
            try:
                run = issue_invoices(projects[base], root, open_journal(root, Clock(now)), today, workers=workers)
                return len(run.invoices)
            finally:
                shutil.rmtree(root)

        def sheets(workers):
            root = shutil.copytree(catalogue, Path(tmp) / f"run-{time.monotonic_ns()}")
            try:
                return len(programme_sheets(projects[catalogue], root, open_journal(root, Clock(now)), today,
                                            workers=workers)) // 2  # a PDF and an HTML page each
            finally:
                shutil.rmtree(root)

        invoices(1)  # warm-up: fonts, templates, the Factur-X schema
        rows = []
        for label, fn in (("factures", invoices), ("fiches programmes", sheets)):
            one, pooled = [], []
            for _ in range(args.pairs):  # alternated: the machine's load weighs on both alike
                one.append(timed(fn, 1))
                pooled.append(timed(fn, None))
            count = one[0][3]
            ratio = statistics.median(p[0] / o[0] for o, p in zip(one, pooled, strict=True))
            rows.append((label, count, one, pooled, ratio))
    print(f"{os.cpu_count()} cœurs, charge moyenne {', '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print("| lot | éléments | un processus (écoulé / CPU) | tous les cœurs (écoulé / CPU du principal / CPU "
          "total) | rapport des temps écoulés (médiane) |")
    print("|---|---|---|---|---|")
    for label, count, one, pooled, ratio in rows:
        def fmt(runs, total=False):
            return " ; ".join(f"{w:.2f} s / {c:.2f} s" + (f" / {t:.2f} s" if total else "") for w, c, t, _ in runs)

        print(f"| {label} | {count} | {fmt(one)} | {fmt(pooled, total=True)} | {ratio:.2f} |")


if __name__ == "__main__":
    main()

"""A year-sized project (default: 300 sessions, 3,000 learners) for benchmarks.

Written as YAML; `--xlsx` also converts it to the workbook form with qualikit's
own writer, so both forms hold the same data.
"""

from __future__ import annotations

import argparse
import random
import shutil
from datetime import date, timedelta
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "examples" / "demo"


def generate(dest: Path, sessions: int = 300, learners: int = 3000, seed: int = 1) -> Path:
    rng = random.Random(seed)
    dest.mkdir(parents=True, exist_ok=True)
    shutil.copy(DEMO / "organisation.yaml", dest / "organisation.yaml")
    shutil.copytree(DEMO / "assets", dest / "assets", dirs_exist_ok=True)
    shutil.copy(DEMO / "programmes.yaml", dest / "programmes.yaml")
    programmes = yaml.safe_load((DEMO / "programmes.yaml").read_text(encoding="utf-8"))
    trainer = yaml.safe_load((DEMO / "organisation.yaml").read_text(encoding="utf-8"))["formateurs"][0]["id"]
    people = [{"id": f"apprenant-{i:05d}", "civilite": rng.choice(["Mme", "M."]), "nom": f"Nom{i}",
               "prenom": f"Prénom{i}", "email": f"apprenant{i}@example.fr", "telephone": "06 00 00 00 00",
               "entreprise": f"Entreprise {i % 400}", "financeur": rng.choice(["OPCO", "entreprise", "CPF"])}
              for i in range(learners)]
    rows, attendance, evaluations = [], [], []
    start = date(2026, 1, 5)
    per_session = max(1, learners // sessions)
    for n in range(sessions):
        programme = programmes[n % len(programmes)]
        ndays = int(programme["duree_heures"] // 7)
        first = start + timedelta(weeks=n // 6, days=(n % 6) * 0)  # six rooms a week, same weekdays
        days = [first + timedelta(days=d) for d in range(ndays)]
        enrolled = [people[(n * per_session + k) % learners]["id"] for k in range(per_session)]
        sid = f"session-{n:04d}"
        rows.append({"id": sid, "programme": programme["id"], "lieu": "12 rue de la République, 69002 Lyon",
                     "financeur": "OPCO", "suivi": "Appel individuel en fin de journée",
                     "journees": [{"date": d.isoformat(), "matin": "09:00-12:30", "apres_midi": "13:30-17:00"}
                                  for d in days],
                     "inscriptions": [{"apprenant": lid, "statut": "présent"} for lid in enrolled]})
        for d in days:
            for half in ("matin", "après-midi"):
                attendance.append({"session": sid, "date": d.isoformat(), "demi_journee": half,
                                   "absents": [enrolled[0]] if rng.random() < 0.05 else []})
        for lid in enrolled:
            evaluations.append({"session": sid, "apprenant": lid,
                                "resultats": {i + 1: "acquis" for i in range(len(programme["objectifs"]))}})
    del trainer
    for name, data in (("apprenants.yaml", people), ("sessions.yaml", rows), ("presences.yaml", attendance),
                       ("evaluations.yaml", evaluations)):
        (dest / name).write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return dest


def to_workbook(yaml_project: Path, dest: Path) -> Path:
    from qualikit.base.diagnostics import Report
    from qualikit.project.load.yaml_source import read_yaml_project
    from qualikit.project.xlsx_write import write_workbook

    dest.mkdir(parents=True, exist_ok=True)
    shutil.copytree(yaml_project / "assets", dest / "assets", dirs_exist_ok=True)
    tables, _ = read_yaml_project(yaml_project, Report())
    write_workbook(dest / "qualikit.xlsx", tables)
    return dest


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("dest", type=Path)
    parser.add_argument("--sessions", type=int, default=300)
    parser.add_argument("--learners", type=int, default=3000)
    parser.add_argument("--xlsx", type=Path, help="also write the workbook form here")
    args = parser.parse_args()
    generate(args.dest, args.sessions, args.learners)
    if args.xlsx:
        to_workbook(args.dest, args.xlsx)

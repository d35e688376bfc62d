"""The funder survey (indicator 30): sent after the session to each funder paying it in
subrogation, its answer imported like the learners', counted in its own response rate."""

from __future__ import annotations

import email
import email.policy
import re
import shutil
from datetime import date

from typer.testing import CliRunner

from qualikit.base.clock import Clock
from qualikit.cli import app
from qualikit.journey import as_of
from qualikit.project.journal_check import open_journal
from qualikit.project.load import load_project
from qualikit.quality.figures import compute
from qualikit.quality.surveys.tokens import token_map

SESSION = "excel-2026-10-15"  # intra, paid by OPCO Mobilités in subrogation


def test_each_funder_is_asked_once_and_its_answer_counts(built_demo, tmp_path):
    sent = [p for p in (built_demo / "outbox").glob("*.eml") if "enquete-financeur" in p.name]
    assert len(sent) == 1
    message = email.message_from_bytes(sent[0].read_bytes(), policy=email.policy.default)
    assert message["To"].addresses[0].addr_spec == "prises-en-charge@opco-mobilites.example.fr"
    body = message.get_body(("plain",)).get_content()
    assert "Vous avez financé la formation" in body and "Transports Berthier" in body
    token = re.search(r"token=([a-z2-7]+)", body).group(1)
    project = load_project(built_demo).project
    assert token_map(project, built_demo)[token] == ("financeur", SESSION, "payeur:opco-mobilites")

    root = shutil.copytree(built_demo, tmp_path / "demo")
    export = tmp_path / "financeur.csv"
    export.write_text("Horodateur,Votre appréciation,Jeton (ne pas modifier)\r\n"
                      f"20/11/2026 10:00:00,Très utile pour nos adhérents,{token}\r\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["survey", "import", str(export), "-p", str(root), "--today", "2026-11-23"])
    assert result.exit_code == 0, result.output
    entries = open_journal(root, Clock()).entries()
    journey = as_of(project, entries, date(2026, 11, 23))
    funder = next(sj for sj in journey if sj.id == SESSION).funder_surveys["opco-mobilites"]
    assert funder.asked is not None and funder.answered is not None
    figure = compute(project, entries, journey=journey).get("Taux de réponse des financeurs")
    assert (figure.numerator, figure.denominator) == (1, 1)

"""The four quality registers, through the commands a trainer types and through their files."""

from __future__ import annotations

import json
import os
import shutil
import stat
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
import typer
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from conftest import DEMO
from qualikit.base.clock import PARIS
from qualikit.cli.registers import improvement_app, incident_app, report_app, risk_app
from qualikit.quality.alerts import complaint_alerts
from qualikit.quality.registers import improvements, incidents, reports, risks, store
from qualikit.quality.registers.model import (
    Improvement,
    ImprovementSource,
    Incident,
    IncidentKind,
    IncidentStatus,
    Register,
    ReportStatus,
    Risk,
    ViolenceReport,
)

app = typer.Typer(pretty_exceptions_show_locals=False, rich_markup_mode=None)
app.add_typer(incident_app, name="incident")
app.add_typer(improvement_app, name="improvement")
app.add_typer(risk_app, name="risk")
app.add_typer(report_app, name="report")
runner = CliRunner()

NBSP = "\u00a0"
FACTS = "Propos sexistes répétés de Jean Dupont envers Alice Martin pendant la pause"
PEOPLE = "Jean Dupont (apprenant), Alice Martin (apprenante)"


def run(root: Path, *args: str, input: str | None = None):
    result = runner.invoke(app, [*map(str, args), "--projet", str(root)], input=input, catch_exceptions=False,
                           env={"COLUMNS": "160"})
    assert "Traceback" not in result.output
    return result


@pytest.fixture
def demo(tmp_path: Path) -> Path:
    return Path(shutil.copytree(DEMO, tmp_path / "demo"))


def journal_text(root: Path) -> str:
    path = root / "journal.jsonl"
    return path.read_text(encoding="utf-8") if path.exists() else ""


def kinds(root: Path) -> list[str]:
    return [json.loads(line)["kind"] for line in journal_text(root).splitlines()]


def snapshot(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and ".qualikit" not in p.parts}


# -- réclamations, difficultés, aléas (indicator 31) -------------------------------------------------


def test_complaint_lifecycle_through_the_cli(demo):
    added = run(demo, "incident", "add", "--type", "réclamation", "--de", "camille-roux", "--session",
                "excel-2026-10-15", "--canal", "e-mail", "--objet", "Attestation non reçue", "--today", "2026-11-23")
    assert added.exit_code == 0, added.output
    assert "Réclamation R-2026-001 enregistrée" in added.output
    assert "qualikit improvement add --source réclamation --ref R-2026-001" in added.output  # the proposed action
    assert "mercredi 25\u00a0novembre\u00a02026" in added.output  # 48 h after 09:00 on Monday 23

    refused = run(demo, "incident", "close", "R-2026-001", "--today", "2026-11-23")
    assert refused.exit_code == 1
    assert "ne peut être close sans réponse" in refused.output

    acked = run(demo, "incident", "ack", "R-2026-001", "--le", "2026-11-23 10:00", "--today", "2026-11-23")
    assert acked.exit_code == 0, acked.output
    answered = run(demo, "incident", "answer", "r-2026-001", "--reponse", "Attestation renvoyée par e-mail",
                   "--analyse", "Envoi oublié lors de la clôture", "--le", "2026-11-24 16:30", "--today", "2026-11-24")
    assert answered.exit_code == 0, answered.output
    assert "31" + NBSP + "h après la réception" in answered.output and "en retard" not in answered.output

    closed = run(demo, "incident", "close", "R-2026-001", "--action", "Liste de contrôle de clôture",
                 "--amelioration", "--today", "2026-11-25")
    assert closed.exit_code == 0, closed.output
    assert "A-2026-001" in closed.output

    register = incidents.load(demo).register
    (incident,) = register.entries
    assert incident.status is IncidentStatus.CLOSE and incident.improvement == "A-2026-001"
    assert incident.who == "camille-roux" and incident.session == "excel-2026-10-15"
    assert incident.acknowledged == datetime(2026, 11, 23, 10, 0, tzinfo=PARIS)
    assert incidents.answer_delay(incident) == timedelta(hours=31, minutes=30)
    (action,) = improvements.load(demo).register.entries
    assert action.source is ImprovementSource.RECLAMATION and action.reference == "R-2026-001"
    assert action.owner == "Claire Clément"  # the organisation's legal representative
    assert kinds(demo) == ["incident.recorded", "incident.acknowledged", "incident.answered",
                           "improvement.recorded", "incident.closed"]


def test_incident_add_can_create_the_improvement_and_checks_the_session(demo):
    result = run(demo, "incident", "add", "--type", "aléa", "--de", "formatrice", "--objet", "Salle indisponible",
                 "--amelioration", "--today", "2026-11-23")
    assert result.exit_code == 0, result.output
    assert incidents.load(demo).register.get("R-2026-001").improvement == "A-2026-001"
    assert improvements.load(demo).register.get("A-2026-001").finding.startswith("Aléa R-2026-001")

    unknown = run(demo, "incident", "add", "--type", "difficulté", "--de", "camille-roux", "--session",
                  "excel-2026-10-16", "--objet", "x", "--today", "2026-11-23")
    assert unknown.exit_code == 2
    assert "vouliez-vous dire excel-2026-10-15" in unknown.output
    missing = run(demo, "incident", "add", "--type", "plainte-ecrite", "--de", "x", "--objet", "y")
    assert missing.exit_code == 2 and "--type" in missing.output and "réclamation, difficulté, aléa" in missing.output
    assert len(incidents.load(demo).register) == 1


def test_overdue_complaint_alerts_after_48_hours(demo):
    run(demo, "incident", "add", "--type", "réclamation", "--de", "entreprise Transports Berthier", "--canal",
        "courrier", "--objet", "Facture erronée", "--recu-le", "2026-11-23 10:15", "--today", "2026-11-23T10:20")
    run(demo, "incident", "add", "--type", "aléa", "--de", "formatrice", "--objet", "Panne de vidéoprojecteur",
        "--recu-le", "2026-11-23 10:15", "--today", "2026-11-23T10:20")
    register = incidents.load(demo).register
    received = datetime(2026, 11, 23, 10, 15, tzinfo=PARIS)

    assert complaint_alerts(register, received + timedelta(hours=47, minutes=59), 48) == []
    (alert,) = complaint_alerts(register, received + timedelta(hours=49), 48)
    assert alert.kind == "reclamation" and "R-2026-001" in alert.text and "49" + NBSP + "h" in alert.text
    assert complaint_alerts(register, received + timedelta(hours=25), 24) != []  # the setting's target

    late = run(demo, "incident", "list", "--today", "2026-11-25T11:00")
    assert late.exit_code == 0 and "en retard" in late.output and "attente 48" in late.output
    on_time = run(demo, "incident", "list", "--today", "2026-11-25T10:00")
    assert "en retard" not in on_time.output

    run(demo, "incident", "answer", "R-2026-001", "--reponse", "Avoir émis", "--today", "2026-11-26")
    register = incidents.load(demo).register
    assert complaint_alerts(register, received + timedelta(days=10), 48) == []
    assert incidents.is_late(register.get("R-2026-001"), received + timedelta(days=10), 48)  # answered late


def test_target_hours_comes_from_the_settings():
    class Settings:
        complaint_answer_hours = 24

    class Project:
        settings = Settings()

    assert incidents.target_hours(Project()) == 24
    assert incidents.target_hours(None) == 48


# -- améliorations (indicator 32) ---------------------------------------------------------------------


def test_improvements_through_the_cli(demo):
    added = run(demo, "improvement", "add", "--source", "enquête", "--ref", "excel-2026-10-15", "--constat",
                "Rythme jugé trop rapide par deux apprenants", "--action", "Ajouter une demi-journée d'exercices",
                "--echeance", "2026-12-15", "--today", "2026-11-23")
    assert added.exit_code == 0, added.output
    listed = run(demo, "improvement", "list", "--today", "2026-12-16")
    assert "A-2026-001" in listed.output and "en retard" in listed.output
    done = run(demo, "improvement", "update", "A-2026-001", "--statut", "réalisée", "--today", "2026-12-10")
    assert done.exit_code == 0 and "réalisée le 10/12/2026" in done.output
    run(demo, "improvement", "update", "A-2026-001", "--effet", "Plus aucune remarque sur le rythme",
        "--today", "2026-12-20")
    entry = improvements.load(demo).register.get("A-2026-001")
    assert entry.done == date(2026, 12, 10) and entry.effect == "Plus aucune remarque sur le rythme"
    assert "en retard" not in run(demo, "improvement", "list", "--today", "2026-12-16").output
    nothing = run(demo, "improvement", "update", "A-2026-001", "--today", "2026-12-20")
    assert nothing.exit_code == 1 and "rien à modifier" in nothing.output


def test_improvement_add_links_the_complaint(demo):
    run(demo, "incident", "add", "--type", "réclamation", "--de", "camille-roux", "--objet", "Support illisible",
        "--today", "2026-11-23")
    result = run(demo, "improvement", "add", "--source", "réclamation", "--ref", "R-2026-001", "--constat",
                 "Support imprimé trop petit", "--action", "Imprimer en A4 corps 14", "--today", "2026-11-24")
    assert result.exit_code == 0 and "Reliée à R-2026-001" in result.output
    assert incidents.load(demo).register.get("R-2026-001").improvement == "A-2026-001"


def test_propose_from_and_record_it_once(demo):
    finding = f"Abandon après le jour 1{NBSP}: charge de travail"
    proposal = improvements.propose_from("dropout", "excel-2026-10-15:julien-morel", f"  {finding}\n")
    assert proposal.source is ImprovementSource.ABANDON and proposal.finding == finding  # no-break space kept
    first, created = improvements.record_proposal(demo, proposal, date(2026, 11, 23))
    again, created_again = improvements.record_proposal(demo, proposal, date(2026, 11, 24))
    assert created and not created_again and first == again and first.id == "A-2026-001"
    assert improvements.propose_from("hot survey", "s", "x").source is ImprovementSource.ENQUETE
    with pytest.raises(ValueError):
        improvements.propose_from("météo", "s", "x")


# -- risques (indicator 32, 2026) ---------------------------------------------------------------------


def test_risk_seed_gives_the_usual_risks_sorted_by_criticality(demo):
    result = run(demo, "risk", "init", "--today", "2026-11-23")
    assert result.exit_code == 0, result.output
    register = risks.load(demo).register
    assert len(register) >= 10
    ordered = risks.by_criticality(register)
    assert [r.criticality for r in ordered] == sorted((r.criticality for r in ordered), reverse=True)
    assert [r.id for r in register.entries] == [r.id for r in ordered]  # seeded most critical first
    assert all(r.measures and r.owner == "Claire Clément" and r.next_review == date(2027, 11, 23)
               for r in register.entries)
    texts = " ".join(r.risk.lower() for r in register.entries)
    for word in ("malade", "salle", "visioconférence", "vol", "abandons", "handicap", "réglementaire",
                 "client", "enquêtes", "sous-traitant", "harcèlement"):
        assert word in texts, word

    listed = run(demo, "risk", "list", "--today", "2026-11-23").output
    positions = [listed.index(r.id) for r in ordered]
    assert positions == sorted(positions)

    again = run(demo, "risk", "init", "--today", "2026-11-23")
    assert again.exit_code == 1 and "contient déjà" in again.output

    add = run(demo, "risk", "add", "--risque", "Retard de paiement d'un financeur", "--probabilite", "3",
              "--impact", "2", "--today", "2026-11-23")
    assert add.exit_code == 0 and f"Q-{len(register) + 1:03d}" in add.output
    review = run(demo, "risk", "review", f"Q-{len(register) + 1:03d}", "--impact", "4", "--mesure",
                 "Relancer à 30 jours", "--statut", "maîtrisé", "--today", "2026-12-01")
    assert review.exit_code == 0 and "criticité 12" in review.output
    top = risks.by_criticality(risks.load(demo).register)[0]
    assert top.criticality == 12 and top.measures == ("Relancer à 30 jours",) and top.reviewed == date(2026, 12, 1)
    bad_level = run(demo, "risk", "add", "--risque", "x", "--probabilite", "5", "--impact", "1")
    assert bad_level.exit_code == 2 and "de 1 à 4" in bad_level.output


# -- signalements (indicator 12, 2026) ----------------------------------------------------------------


def test_report_stays_out_of_the_journal_listings_and_summary(demo):
    added = run(demo, "report", "add", "--faits", FACTS, "--personnes", PEOPLE, "--canal", "oral", "--mesure",
                "Entretien individuel avec la personne concernée", "--today", "2026-11-23")
    assert added.exit_code == 0, added.output
    assert "S-2026-001" in added.output and "Dupont" not in added.output and "Martin" not in added.output
    prompted = run(demo, "report", "add", "--today", "2026-11-24", input="Insultes racistes de Paul Durand\n"
                   "Paul Durand\n")
    assert prompted.exit_code == 0 and "S-2026-002" in prompted.output
    run(demo, "report", "update", "S-2026-001", "--orientation", "Défenseur des droits", "--mesure",
        "Rappel du règlement intérieur", "--statut", "en cours", "--today", "2026-11-25")

    register = reports.load(demo).register
    assert register.get("S-2026-002").facts == "Insultes racistes de Paul Durand"
    assert register.get("S-2026-002").people == "Paul Durand"
    secrets = ("Dupont", "Alice", "Durand", "sexistes", "racistes", "Propos", "Insultes", "Défenseur")

    journal = journal_text(demo)
    assert not any(s in journal for s in secrets)
    entries = [json.loads(line) for line in journal.splitlines()]
    assert [(e["kind"], e["data"]) for e in entries] == [
        ("report.recorded", {"id": "S-2026-001", "date": "2026-11-23"}),
        ("report.recorded", {"id": "S-2026-002", "date": "2026-11-24"}),
    ]

    listed = run(demo, "report", "list")
    assert listed.exit_code == 0
    assert "S-2026-001" in listed.output and "en cours" in listed.output
    assert not any(s in listed.output for s in secrets)

    summary = reports.summary(register)
    assert summary == {"total": 2, "by_status": {"ouvert": 1, "en cours": 1, "clos": 0}, "by_year": {2026: 2},
                       "measures": 2, "oriented": 1}
    assert not any(s in json.dumps(summary, ensure_ascii=False) for s in secrets)


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
def test_report_register_is_private(demo):
    run(demo, "report", "add", "--faits", FACTS, "--today", "2026-11-23")
    folder = demo / reports.FOLDER
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert stat.S_IMODE((demo / reports.FILENAME).stat().st_mode) == 0o600
    os.chmod(demo / reports.FILENAME, 0o644)
    os.chmod(folder, 0o755)
    listed = run(demo, "report", "list")
    assert listed.exit_code == 0 and "lisible par d'autres comptes" in listed.output
    run(demo, "report", "update", "S-2026-001", "--statut", "clos")
    assert stat.S_IMODE((demo / reports.FILENAME).stat().st_mode) == 0o600
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert not list(folder.glob(".*.tmp"))


def test_errors_in_the_report_register_never_quote_its_content(demo):
    run(demo, "report", "add", "--faits", FACTS, "--today", "2026-11-23")
    path = demo / reports.FILENAME
    text = path.read_text(encoding="utf-8")
    n = len(text.splitlines())
    path.write_text(text + "- id: S-2026-002\n  date: Jean Dupont l'a frappée\n"
                    "  Alice Martin: témoin\n  faits: [a, b]\n", encoding="utf-8")
    before = snapshot(demo)
    for args in (("report", "list"), ("report", "add", "--faits", "x")):
        result = run(demo, *args)
        assert result.exit_code == 1
        assert f"registre-signalements.yaml:{n + 2}:9: date" in result.output
        assert f"registre-signalements.yaml:{n + 3}:3: champ inconnu" in result.output
        assert f"registre-signalements.yaml:{n + 4}:10: faits" in result.output
        assert "Dupont" not in result.output and "Alice" not in result.output
    assert snapshot(demo) == before


# -- hand-edited files ---------------------------------------------------------------------------------


def test_hand_edited_mistakes_give_located_errors_and_change_nothing(demo):
    run(demo, "incident", "add", "--type", "réclamation", "--de", "camille-roux", "--objet", "Retard",
        "--today", "2026-11-23")
    path = demo / incidents.FILENAME
    text = path.read_text(encoding="utf-8")
    n, first = len(text.splitlines()), text.splitlines().index("- id: R-2026-001") + 1
    path.write_text(text + (
        "- id: R-2026-1\n"
        "  type: plainte\n"               # an accepted synonym
        "  recu_le: 2026-11-31 10:00\n"   # n + 3: no such day
        "  de: Financeur\n"
        "  canal: fax\n"                  # n + 5
        "  objet: Facture\n"
        "  statu: close\n"                # n + 7: typo
        "- id: R-2026-001\n"              # n + 8: duplicate
        "  type: aléa\n"
        "  recu_le: 2026-11-20\n"
        "  de: x\n"
        "  objet: y\n"
    ), encoding="utf-8")
    before = snapshot(demo)
    for args in (("incident", "list"), ("incident", "add", "--type", "aléa", "--de", "x", "--objet", "y"),
                 ("incident", "ack", "R-2026-001"), ("improvement", "add", "--source", "réclamation", "--ref",
                                                     "R-2026-001", "--constat", "c", "--action", "a")):
        result = run(demo, *args)
        if args[0] == "improvement":  # another register: works, but cannot link the broken one
            assert result.exit_code == 0 and "Reliée" not in result.output
            before = snapshot(demo)
            continue
        assert result.exit_code == 1, args
        out = result.output
        assert (f"registre-reclamations.yaml:{n + 3}:12: recu_le{NBSP}: «{NBSP}2026-11-31 10:00{NBSP}» "
                "n'existe pas" in out)
        assert f"registre-reclamations.yaml:{n + 5}:10: canal" in out and "e-mail, téléphone" in out
        assert f"registre-reclamations.yaml:{n + 7}:3: champ inconnu «{NBSP}statu{NBSP}»" in out and "statut" in out
        assert f"registre-reclamations.yaml:{n + 8}:3: id" in out and f"déjà utilisé (ligne {first})" in out
        assert "4 erreurs" in out and "rien n'a été modifié" in out
        assert snapshot(demo) == before


def test_other_registers_report_their_mistakes(demo):
    (demo / risks.FILENAME).write_text(
        "- id: Q-001\n  risque: Panne\n  probabilite: 5\n  impact: deux\n"
        "- id: Q-002\n  risque: Vol\n  probabilite: 2\n  impact: 3\n  criticite: 5\n", encoding="utf-8")
    result = run(demo, "risk", "list")
    assert result.exit_code == 1
    assert "registre-risques.yaml:3:16: probabilite" in result.output and "de 1 à 4" in result.output
    assert "registre-risques.yaml:4:11: impact" in result.output
    (demo / risks.FILENAME).write_text("- id: Q-002\n  risque: Vol\n  probabilite: 2\n  impact: 3\n  criticite: 5\n",
                                       encoding="utf-8")
    warned = run(demo, "risk", "list")
    assert warned.exit_code == 0 and "registre-risques.yaml:5:14: criticite" in warned.output
    assert "qualikit retient 6" in warned.output

    (demo / improvements.FILENAME).write_text("id: A-2026-001\nsource: enquête\n", encoding="utf-8")
    result = run(demo, "improvement", "list")
    assert result.exit_code == 1 and "registre-ameliorations.yaml:1:1" in result.output
    (demo / improvements.FILENAME).write_text("- id: A-2026-001\n  source: enquete\n  constat: x\n  action: y\n"
                                              "  echeance: 31/02/2027\n  statut: [a\n", encoding="utf-8")
    result = run(demo, "improvement", "list")
    assert result.exit_code == 1 and "syntaxe YAML incorrecte" in result.output


# -- files: round trip, comments, formats ----------------------------------------------------------------

TRICKY = ["Attestation non reçue", f"Objet{NBSP}: relance", "a: b", "# pas un commentaire", "- tiret", "null",
          "~", "'apostrophes' et \"guillemets\"", "ligne 1\nligne 2\n\nligne 4", "tab\there", "x #y", "fin:",
          "[crochets]", "{accolades}", "@arobase", "100 %", "2026-11-23", "oui", "é" * 300, "sep\u2028milieu", "a\\b"]


def _incident(n: int, subject: str) -> Incident:
    return Incident(id=f"R-2026-{n:03d}", kind=IncidentKind.RECLAMATION,
                    received=datetime(2026, 11, 23, 10, 15, tzinfo=PARIS), who="camille-roux", subject=subject,
                    analysis=subject, answer="Réponse", answered=datetime(2026, 11, 24, 9, 0, tzinfo=PARIS),
                    status=IncidentStatus.EN_COURS)


def test_round_trip_keeps_every_record(tmp_path):
    records = {
        incidents.SPEC: [_incident(n, s) for n, s in enumerate(TRICKY, 1)],
        improvements.SPEC: [Improvement(id="A-2026-001", source=ImprovementSource.AUDIT, finding=TRICKY[1],
                                        action=TRICKY[8], reference="audit initial", created=date(2026, 1, 5),
                                        due=date(2026, 3, 1))],
        risks.SPEC: risks.seed(date(2026, 11, 23), "Claire Clément"),
        reports.SPEC: [ViolenceReport(id="S-2026-001", date=date(2026, 11, 23), facts=TRICKY[8], people="A, B",
                                      measures=tuple(TRICKY[:6]), orientation=("3919",), status=ReportStatus.CLOS)],
    }
    for spec, entries in records.items():
        root = tmp_path / spec.filename.replace("/", "_")
        root.mkdir()
        doc = store.save(root, store.load(root, spec), entries)
        again = store.load(root, spec)
        assert again.ok, again.report.items
        assert again.register.entries == tuple(entries) == doc.register.entries
        text = (root / spec.filename).read_text(encoding="utf-8")
        third = store.save(root, again, again.register.entries)
        assert (root / spec.filename).read_text(encoding="utf-8") == text  # stable
        assert third.register.entries == tuple(entries)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(min_size=1).map(str.strip).filter(bool))
def test_any_text_survives_a_write(tmp_path, text):
    spec = incidents.SPEC
    doc = store.parse(store.render_file(spec, [_incident(1, text)]), spec)
    if doc.ok and doc.register.entries == (_incident(1, text),):
        return
    safe = store.parse(store.render_file(spec, [_incident(1, text)], safe=True), spec)
    assert safe.ok and safe.register.entries == (_incident(1, text),)


def test_appending_and_updating_keep_hand_written_text(demo):
    path = demo / incidents.FILENAME
    original = (
        "# Mon registre, tenu à la main\n"
        "- id: R-2026-001   # la première\n"
        "  type: reclamation\n"
        "  recu_le: 20/11/2026 à 14h30\n"
        "  de: 'client: SA'\n"
        "  objet: |\n"
        "    Ligne 1\n"
        "    Ligne 2\n"
        "\n"
        "# ---- novembre ----\n"
        "- id: R-2026-002\n"
        "  type: aléa   # salle\n"
        "  recu_le: 2026-11-21T08:00\n"
        "  de: moi\n"
        "  objet: \"x # y\"\n"
        "# dernier commentaire\n"
    )
    path.write_text(original, encoding="utf-8")
    run(demo, "incident", "add", "--type", "difficulté", "--de", "thomas-girard", "--objet", "Accès plateforme",
        "--today", "2026-11-23")
    text = path.read_text(encoding="utf-8")
    assert text.startswith(original)  # appended as text: nothing above moved
    run(demo, "incident", "answer", "R-2026-001", "--reponse", "Rappel fait", "--today", "2026-11-23")
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# Mon registre, tenu à la main\n- id: R-2026-001\n")
    assert "reponse: Rappel fait" in text
    # the other entries' text, comments included, is untouched
    assert "# ---- novembre ----\n- id: R-2026-002\n  type: aléa   # salle\n" in text
    assert "  objet: \"x # y\"\n# dernier commentaire\n" in text
    assert [i.id for i in incidents.load(demo).register.entries] == ["R-2026-001", "R-2026-002", "R-2026-003"]


def test_unusual_files_are_rewritten_whole_when_needed(demo):
    path = demo / improvements.FILENAME
    path.write_text("# vide pour l'instant\n[]\n", encoding="utf-8")
    result = run(demo, "improvement", "add", "--source", "autre", "--constat", "c", "--action", "a",
                 "--today", "2026-11-23")
    assert result.exit_code == 0, result.output
    assert path.read_text(encoding="utf-8").startswith("# vide pour l'instant\n\n- id: A-2026-001\n")
    path.write_text("  - {id: A-2026-001, source: audit, constat: c, action: a}\r\n", encoding="utf-8")
    assert run(demo, "improvement", "update", "A-2026-001", "--statut", "en cours", "--today", "2026-11-23"
               ).exit_code == 0
    assert improvements.load(demo).register.get("A-2026-001").status.value == "en cours"
    assert run(demo, "improvement", "add", "--source", "audit", "--constat", "d", "--action", "b",
               "--today", "2026-11-23").exit_code == 0
    assert len(improvements.load(demo).register) == 2


def test_next_id_restarts_each_year():
    register = Register("x", (_incident(7, "a"), Incident(id="R-2025-012", kind=IncidentKind.ALEA,
                                                            received=datetime(2025, 1, 1, tzinfo=PARIS),
                                                            who="x", subject="y")))
    assert store.next_id(register, "R", 2026) == "R-2026-008"
    assert store.next_id(register, "R", 2027) == "R-2027-001"
    assert store.next_id(Register("r", (Risk("Q-009", "r", 1, 1),)), "Q") == "Q-010"


def test_datetime_parser_accepts_what_people_type():
    expected = datetime(2026, 11, 23, 14, 30, tzinfo=PARIS)
    for text in ("2026-11-23 14:30", "2026-11-23T14:30", "23/11/2026 14:30", "23/11/2026 à 14 h 30",
                 "23/11/2026 14h30", "2026-11-23T13:30:00+00:00"):
        assert store.DATETIME(text) == expected, text
    assert store.DATETIME("2026-11-23") == datetime(2026, 11, 23, 0, 0, tzinfo=PARIS)

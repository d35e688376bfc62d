"""The YAML form: located values, every problem reported in one run."""

from __future__ import annotations

from datetime import date, time
from decimal import Decimal

from conftest import MINI, write_project
from qualikit.project.load import load_project
from qualikit.project.model import Status, TimeRange


def messages(root) -> list[str]:
    return [d.format() for d in load_project(root).report.errors]


def test_minimal_project_loads_clean(mini):
    loaded = load_project(mini)
    [hint] = [d for d in loaded.report.items if d.field == "verification_url"]  # the one hint: where QR codes lead
    assert "https://www.durand-formation.fr/verification" in hint.message and "verify --publish" in hint.message
    assert [d for d in loaded.report.items if d is not hint] == [], [d.format() for d in loaded.report.items]
    p = loaded.project
    assert p.organisation.name == "Formation Durand"
    session = p.session("s1")
    assert session.days[0].morning == TimeRange(time(9), time(12, 30))
    assert session.planned_hours == Decimal(7)
    assert session.start == date(2026, 12, 1)
    assert [e.learner_id for e in session.enrolments] == ["ana", "paul"]
    assert session.enrolments[0].status is Status.INSCRIT
    assert p.programme("excel").objectives[1].startswith("Automatiser")


def test_syntax_error_is_located(tmp_path):
    root = write_project(tmp_path, {**MINI, "apprenants.yaml": "- id: ana\n  nom: [Lopez\n"})
    errors = messages(root)
    assert len(errors) == 1 and errors[0].startswith("apprenants.yaml:3:1: syntaxe YAML incorrecte")


def test_bad_values_all_reported_with_line_and_field(tmp_path):
    bad_learners = """\
        - id: ana
          nom: Lopez
          prenom: Ana
          email: ana@example
        - id: paul martin
          nom: Martin
          prenom: Paul
          email: paul@example.fr
        """
    bad_sessions = MINI["sessions.yaml"].replace("2026-12-01", "2026-13-01").replace(
        "13:30-17:00", "17:00-13:30")
    root = write_project(tmp_path, {**MINI, "apprenants.yaml": bad_learners, "sessions.yaml": bad_sessions})
    errors = messages(root)
    assert len(errors) == 4, errors  # no cascade: the session with a bad day is not also "without days"
    assert "apprenants.yaml:4:10: email\u00a0: «\u00a0ana@example\u00a0» n'est pas une adresse e-mail valide " \
           "(attendu\u00a0: nom@domaine.fr)" in errors
    assert any(e.startswith("apprenants.yaml:5:7: id\u00a0: «\u00a0paul martin\u00a0»") for e in errors)
    assert any(e.startswith("sessions.yaml:6:13: date\u00a0: «\u00a02026-13-01\u00a0» n'existe pas") for e in errors)
    reversed_hours = "sessions.yaml:8:19: apres_midi\u00a0: «\u00a017:00-13:30\u00a0» finit avant"
    assert any(e.startswith(reversed_hours) for e in errors)


def test_missing_field_unknown_field_and_wrong_shape(tmp_path):
    learners = """\
        - id: ana
          nom: Lopez
          prenm: Ana
          email: ana@example.fr
        - just a string
        """
    root = write_project(tmp_path, {**MINI, "apprenants.yaml": learners})
    errors = messages(root)
    assert any("apprenants.yaml:3:3: champ inconnu «\u00a0prenm\u00a0» ; vouliez-vous dire «\u00a0prenom\u00a0»" in e
               for e in errors)
    assert any(e.startswith("apprenants.yaml:1:3: prenom\u00a0: champ obligatoire manquant") for e in errors)
    assert any(e.startswith("apprenants.yaml:5:3: attendu : des champs") for e in errors)


def test_password_in_a_file_is_refused(tmp_path):
    org = MINI["organisation.yaml"] + (
        "        parametres:\n          smtp:\n            hote: smtp.example.fr\n            mot_de_passe: secret\n")
    errors = messages(write_project(tmp_path, {**MINI, "organisation.yaml": org}))
    assert any("QUALIKIT_SMTP_PASSWORD" in e for e in errors)
    assert not any("secret" in e for e in errors)


def test_missing_organisation_and_not_a_project(tmp_path):
    assert messages(tmp_path)[0].endswith("ce dossier n'est pas un projet qualikit (ni organisation.yaml ni "
                                          "qualikit.xlsx) ; créez-en un avec « qualikit init »")
    only_programmes = write_project(tmp_path / "p", {"programmes.yaml": MINI["programmes.yaml"]})
    assert messages(only_programmes)[0].startswith("organisation.yaml: fichier manquant")


def test_not_utf8(tmp_path):
    root = write_project(tmp_path, MINI)
    (root / "apprenants.yaml").write_bytes("- id: ana\n  nom: Lopez\n  prenom: Zoé\n".encode("cp1252"))
    assert messages(root)[0].startswith("apprenants.yaml:3:13: le fichier n'est pas en UTF-8")


def test_duplicate_key(tmp_path):
    learners = MINI["apprenants.yaml"].replace("  nom: Lopez\n", "  nom: Lopez\n          nom: López\n")
    errors = messages(write_project(tmp_path, {**MINI, "apprenants.yaml": learners}))
    assert any("clé «\u00a0nom\u00a0» en double (déjà à la ligne 2)" in e for e in errors)

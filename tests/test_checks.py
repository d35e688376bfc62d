"""Checks beyond syntax, each on the minimal project with one thing broken."""

from __future__ import annotations

from conftest import MINI, write_project
from qualikit.project.load import load_project


def diag(root, level="erreur"):
    return [d.format() for d in load_project(root).report.items if d.level.value == level]


def test_unknown_references_and_duplicates(tmp_path):
    sessions = MINI["sessions.yaml"].replace("programme: excel", "programme: word").replace(
        "- ana", "- zoe") + """\
        - id: s1
          programme: excel
          journees:
            - date: 2026-12-08
              matin: 09:00-12:00
        """
    errors = diag(write_project(tmp_path, {**MINI, "sessions.yaml": sessions}))
    assert any("sessions.yaml:1:3: programme\u00a0: programme «\u00a0word\u00a0» inconnu (connus\u00a0: excel)" in e
               for e in errors), errors
    assert any(e.startswith("sessions.yaml:10:7: apprenant\u00a0: apprenant «\u00a0zoe\u00a0» inconnu") for e in errors)
    assert not any("deux sessions" in e for e in errors)  # the duplicate is left out, no cascade
    duplicate = "sessions.yaml:13:7: id\u00a0: identifiant «\u00a0s1\u00a0» déjà utilisé (sessions.yaml:1:7)"
    assert duplicate in errors


def test_overlaps_and_double_booking(tmp_path):
    sessions = MINI["sessions.yaml"].replace("09:00-12:30", "09:00-14:00") + """\
        - id: s2
          programme: excel
          journees:
            - date: 2026-12-01
              matin: 09:00-12:00
          inscriptions: [ana]
        """
    errors = diag(write_project(tmp_path, {**MINI, "sessions.yaml": sessions}))
    assert any("le matin (09:00-14:00) chevauche l'après-midi (13:30-17:00)" in e for e in errors), errors
    assert any("«\u00a0ana\u00a0» est attendu·e dans deux sessions le 01/12/2026 (matin)" in e for e in errors)
    assert any("«\u00a0julie\u00a0»" in e for e in errors) is False  # s2 has no trainer: no clash for her


def test_dropout_needs_a_date_and_attendance_must_match_the_session(tmp_path):
    sessions = MINI["sessions.yaml"].replace("statut: inscrit", "statut: abandon")
    attendance = """\
        - session: s1
          date: 2026-12-02
          demi_journee: matin
        - session: s1
          date: 2026-12-01
          demi_journee: après-midi
          absents: [ana, zoe]
        """
    evaluations = """\
        - session: s1
          apprenant: ana
          resultats: {1: acquis, 3: acquis, 2: "21/20"}
        """
    root = write_project(tmp_path, {**MINI, "sessions.yaml": sessions, "presences.yaml": attendance,
                                    "evaluations.yaml": evaluations})
    errors = diag(root)
    assert any("date_abandon\u00a0: abandon sans date" in e for e in errors), errors
    assert any(e.startswith("presences.yaml:1:3: date\u00a0: la session «\u00a0s1\u00a0» n'a pas de demi-journée "
                            "le 02/12/2026 (matin)") for e in errors)
    assert any("«\u00a0zoe\u00a0» n'est pas inscrit" in e for e in errors)
    assert any(e.startswith("evaluations.yaml:3:26: objectif\u00a0: objectif n° 3 inexistant") for e in errors)
    assert any("«\u00a021/20\u00a0» : note impossible" in e for e in errors)


def test_qualiopi_readiness_warnings_name_their_indicator(tmp_path):
    programmes = """\
        - id: excel
          intitule: Excel certifiant éligible CPF
        """
    sessions = MINI["sessions.yaml"].replace("""\
            - date: 2026-12-01""", """\
            - date: 2026-11-30
              matin: 09:00-12:30
            - date: 2026-12-02
              matin: 09:00-12:30
            - date: 2026-12-01""")
    org = MINI["organisation.yaml"].replace("        referent_handicap:\n          nom: Julie Durand\n", "")
    warnings = diag(write_project(tmp_path, {**MINI, "programmes.yaml": programmes, "sessions.yaml": sessions,
                                             "organisation.yaml": org}), "avertissement")
    joined = "\n".join(warnings)
    assert "objectifs\u00a0: aucun objectif opérationnel [indicateur Qualiopi 5]" in joined
    assert "evaluation\u00a0: aucune modalité d'évaluation [indicateur Qualiopi 11]" in joined
    assert "aucun référent handicap désigné [indicateur Qualiopi 26]" in joined
    assert "session de 3 jours sans plan de suivi" in joined and "[indicateur Qualiopi 12]" in joined
    assert "sans code RNCP ou RS : mention trompeuse [indicateur Qualiopi 1]" in joined


def test_same_person_under_two_ids_is_flagged(tmp_path):
    learners = MINI["apprenants.yaml"].replace("paul@example.fr", "ANA@example.fr")
    warnings = diag(write_project(tmp_path, {**MINI, "apprenants.yaml": learners}), "avertissement")
    assert any("même e-mail que «\u00a0ana\u00a0»" in w for w in warnings)


def test_images_must_stay_inside_the_project(tmp_path):
    org = MINI["organisation.yaml"] + "        logo: ../../etc/passwd\n        signature: assets/absente.png\n"
    errors = diag(write_project(tmp_path / "p", {**MINI, "organisation.yaml": org}))
    assert any("logo\u00a0: «\u00a0../../etc/passwd\u00a0» doit être un chemin relatif dans le dossier" in e
               for e in errors), errors
    assert any("signature\u00a0: fichier «\u00a0assets/absente.png\u00a0» introuvable" in e for e in errors)


def test_journey_steps_are_checked(tmp_path):
    parcours = """\
        - id: relance-chaud
          decalage_jours: 2
        - id: quiz-j15
          decalage_jours: 15
          programme: word
        """
    errors = diag(write_project(tmp_path, {**MINI, "parcours.yaml": parcours}))
    assert any("programme «\u00a0word\u00a0» inconnu" in e for e in errors), errors
    assert any("nouvelle étape «\u00a0quiz-j15\u00a0» : indiquez « reference »" in e for e in errors)
    assert any("modèle introuvable : templates/emails/quiz-j15.subject.j2" in e for e in errors)
    assert not any("relance-chaud" in e for e in errors)


def test_an_unlawful_schedule_is_refused_with_its_location(tmp_path):
    learners = MINI["apprenants.yaml"].replace("email: paul@example.fr",
                                               "email: paul@example.fr\n          financeur: particulier")
    sessions = MINI["sessions.yaml"].replace("""\
            - apprenant: paul
              statut: inscrit""", """\
            - apprenant: paul
              statut: inscrit
              date_signature: 2026-11-25
              echeancier:
                - "2026-11-30 : 300"
                - "2026-12-01 : 150\"""")
    errors = diag(write_project(tmp_path, {**MINI, "apprenants.yaml": learners, "sessions.yaml": sessions}))
    assert any(e.startswith("sessions.yaml:11:7: echeancier\u00a0: échéancier contraire aux articles L6353-5 et "
                            "L6353-6 : échéance du 30/11/2026 avant la fin du délai de rétractation (05/12/2026)")
               for e in errors), errors
    assert any("30\u00a0% au plus" in e for e in errors)

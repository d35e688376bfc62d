"""Survey exports as the form tools really write them → answers matched to learners, journaled once."""

from __future__ import annotations

import tempfile
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from qualikit.base.clock import PARIS
from qualikit.base.diagnostics import Level, Report
from qualikit.base.tokens import survey_token
from qualikit.project.journal import Journal
from qualikit.quality.surveys.importer import ANSWER, parse_answers, record
from qualikit.quality.surveys.presets import columns, normalise, parse_moment
from qualikit.quality.surveys.readers import read_table

EXPORTS = Path(__file__).parent / "exports"
SECRET = b"qualikit-test-secret-0123456789ab"
SESSION = "excel-2026-01"
LEARNERS = ("ana", "paul", "lea", "marc", "zoe")
TOKENS = {survey_token(SECRET, survey, SESSION, learner): (survey, SESSION, learner)
          for survey in ("chaud", "froid") for learner in LEARNERS}
UNKNOWN = "gbwu4zrdosg6grwyfmz5mil4pm"  # a token of another project
UTC1 = timezone(timedelta(hours=1))
CRITERIA = ("accueil", "contenu", "equipe", "moyens", "accompagnement")


def tok(learner: str, survey: str = "chaud") -> str:
    return survey_token(SECRET, survey, SESSION, learner)


def by_learner(result) -> dict:
    return {a.learner_id: a for a in result.answers}


def messages(result, level: Level | None = None) -> list[str]:
    return [d.format() for d in result.report.items if level is None or d.level is level]


def ms_forms_xlsx(path: Path) -> Path:
    """A Microsoft Forms download: French headers, real date cells, `anonymous`, multi-select `A;B;`."""
    book = Workbook()
    ws = book.active
    ws.title = "Form1"
    ws.append(["ID", "Heure de début", "Heure de fin", "Adresse de messagerie", "Nom",
               "Heure de la dernière modification", "Accueil", "Contenu", "Équipe pédagogique",
               "Moyens mis à disposition", "Accompagnement", "Recommanderiez-vous cette formation ?",
               "Vous êtes-vous senti accompagné ?", "Ce que vous avez préféré", "Ce que vous avez préféré2",
               "Commentaire", "Jeton"])
    ws.append([1, datetime(2026, 1, 12, 14, 1, 7), datetime(2026, 1, 12, 14, 3, 22), "anonymous", None, None,
               5, 4, 5, 4, 5, 9, "Oui", "Les exercices;Les échanges;", "Le rythme;", "=HYPERLINK(\"x\")",
               tok("ana")])
    ws.append([2, datetime(2026, 1, 12, 14, 2, 0), datetime(2026, 1, 12, 14, 6, 45), "anonymous", None, None,
               4, 4, 4, 3, 4, 7, "Non", "Les échanges;", None, None, tok("paul")])
    ws.append([3, datetime(2026, 1, 12, 14, 5, 0), datetime(2026, 1, 12, 14, 8, 1), "anonymous", None, None,
               5, 5, 5, 5, 5, 10, "Oui", None, None, None, UNKNOWN])
    cell = ws.cell(row=2, column=16)
    cell.data_type = "s"  # MS Forms writes answers as text, never formulas
    book.save(path)
    return path


# -- every tool is recognised ------------------------------------------------------------------------

@pytest.mark.parametrize(("name", "preset"), [
    ("google_sheets_fr.csv", "google_sheets"),
    ("google_sheets_fr_excel.csv", "google_sheets"),
    ("google_sheets_en.csv", "google_sheets"),
    ("google_forms.csv", "google_forms"),
    ("limesurvey_full.csv", "limesurvey"),
    ("limesurvey_codes.csv", "limesurvey"),
    ("tally_froid.csv", "tally"),
    ("typeform.csv", "typeform"),
    ("framaforms.tsv", "framaforms"),
])
def test_every_preset_is_detected(name, preset):
    result = parse_answers(EXPORTS / name, TOKENS, survey="froid" if "froid" in name else None)
    assert result.preset == preset
    assert result.answers
    assert result.ok, messages(result)


def test_microsoft_forms_xlsx(tmp_path):
    path = ms_forms_xlsx(tmp_path / "Évaluation à chaud(1-3).xlsx")
    result = parse_answers(path, TOKENS, mapping={"Ce que vous avez préféré": "prefere"})
    assert result.preset == "microsoft_forms"
    ana = by_learner(result)["ana"]
    assert ana.submitted_at == datetime(2026, 1, 12, 14, 3, 22, tzinfo=PARIS)  # « Heure de fin », a date cell
    assert ana.values == {"accueil": 5, "contenu": 4, "equipe": 5, "moyens": 4, "accompagnement": 5, "nps": 9,
                          "accompagne": True, "prefere": ["Les exercices", "Les échanges"],
                          "commentaire": '=HYPERLINK("x")',
                          "Ce que vous avez préféré2": "Le rythme;"}  # no field matches: kept as text
    assert ana.line == 2 and by_learner(result)["paul"].values["prefere"] == ["Les échanges"]
    # the unknown token is located at its cell of the sheet
    assert [s.line for s in result.unknown_tokens] == [4]
    assert any(m.startswith("Évaluation à chaud(1-3).xlsx:Form1!Q4: jeton inconnu") for m in messages(result))
    # the repeated title « …2 » is reported as not recognised, not silently merged
    assert any("Ce que vous avez préféré2" in m for m in messages(result, Level.WARNING))


def test_google_sheets_xlsx_download(tmp_path):
    book = Workbook()
    ws = book.active
    ws.title = "Réponses au formulaire 1"
    ws.append(["Horodateur", "Adresse e-mail", "Score", "Accueil", "Accueil [Score]", "Jeton"])
    ws.append([datetime(2026, 1, 12, 14, 3, 22), "ana@example.fr", "3.00 / 3", 5, "1.00 / 1", tok("ana")])
    book.save(tmp_path / "Enquête à chaud (réponses).xlsx")
    result = parse_answers(tmp_path / "Enquête à chaud (réponses).xlsx", TOKENS)
    assert result.preset == "google_sheets" and result.ok and not result.report.warnings
    assert [(a.submitted_at, a.values, a.line) for a in result.answers] == [
        (datetime(2026, 1, 12, 14, 3, 22, tzinfo=PARIS), {"accueil": 5}, 2)]


def test_mapping_naming_a_missing_column_is_reported(tmp_path):
    result = parse_answers(EXPORTS / "google_forms.csv", TOKENS, mapping={"Points faibles": "commentaire"})
    assert "google_forms.csv: correspondance\u00a0: colonne «\u00a0Points faibles\u00a0» absente du fichier" in (
        messages(result, Level.WARNING))
    assert len(result.answers) == 3


# -- Google Forms ------------------------------------------------------------------------------------

def test_google_sheets_csv_french():
    result = parse_answers(EXPORTS / "google_sheets_fr.csv", TOKENS)
    answers = by_learner(result)
    assert sorted(answers) == ["ana", "lea", "paul"]
    paul = answers["paul"]
    assert paul.survey == "chaud" and paul.session_id == SESSION and paul.source == "google_sheets_fr.csv"
    assert paul.submitted_at == datetime(2026, 1, 12, 14, 5, 10, tzinfo=PARIS)
    assert paul.values == {"accueil": 4, "contenu": 4, "equipe": 5, "moyens": 3, "accompagnement": 4, "nps": 8,
                           "accompagne": True,  # « 5 - Tout à fait » → 5; no comment, no key
                           "Qu'avez-vous le plus apprécié ?": "Les exercices"}  # no field: kept under its wording
    # a formula typed as an answer stays a plain string, never evaluated
    assert answers["lea"].values["commentaire"] == '=HYPERLINK("http://exemple.fr";"cliquez")'
    assert isinstance(answers["lea"].values["commentaire"], str)
    # resubmission: the later one (line 8) wins; the first (line 2, a two-line answer) is reported
    assert answers["ana"].line == 8 and answers["ana"].values["nps"] == 10
    assert [(d.line, d.replaced_by, d.token) for d in result.duplicates] == [(2, 8, tok("ana"))]
    assert "google_sheets_fr.csv:2: réponse remplacée par celle de la ligne 8" in messages(result)
    # unknown and missing tokens, each with the physical line of its row (after the multi-line answer)
    assert [s.line for s in result.unknown_tokens] == [6, 7]
    unknown = f"google_sheets_fr.csv:6: jeton inconnu «\u00a0{UNKNOWN}\u00a0»\u00a0: réponse non comptée"
    assert unknown in messages(result)
    assert any(m.startswith("google_sheets_fr.csv:7: réponse sans jeton") for m in messages(result))


def test_french_excel_resave_reads_like_the_original():
    original = parse_answers(EXPORTS / "google_sheets_fr.csv", TOKENS)
    resaved = parse_answers(EXPORTS / "google_sheets_fr_excel.csv", TOKENS)
    table = read_table(EXPORTS / "google_sheets_fr_excel.csv", Report())
    assert (table.encoding, table.separator) == ("cp1252", ";")
    assert [(a.learner_id, a.line) for a in resaved.answers] == [(a.learner_id, a.line) for a in original.answers]
    for before, after in zip(original.answers, resaved.answers, strict=True):
        assert {k: before.values[k] for k in CRITERIA} == {k: after.values[k] for k in CRITERIA}
        assert after.submitted_at == before.submitted_at.replace(second=0)  # Excel drops the seconds
    assert [d.line for d in resaved.duplicates] == [2]
    assert [s.line for s in resaved.unknown_tokens] == [6, 7]
    first = read_table(EXPORTS / "google_sheets_fr_excel.csv", Report()).rows[0][1]
    assert "formatrice au cœur d’or" in first[10]  # cp1252-only characters decoded


def test_google_sheets_english_locale_not_seen_before():
    result = parse_answers(EXPORTS / "google_sheets_en.csv", TOKENS)
    answers = by_learner(result)
    assert answers["ana"].submitted_at == datetime(2025, 1, 15, 21, 53, 5, tzinfo=PARIS)  # month first
    assert answers["paul"].submitted_at == datetime(2025, 1, 16, 9, 2, 11, tzinfo=PARIS)
    assert answers["ana"].values == {"accueil": 5, "contenu": 4, "equipe": 5, "moyens": 4, "accompagnement": 4,
                                     "nps": 9, "accompagne": True, "commentaire": "Great day, thanks!"}
    assert answers["paul"].values["accompagne"] is False
    assert result.ok and not result.report.warnings


def test_google_forms_direct_download():
    result = parse_answers(EXPORTS / "google_forms.csv", TOKENS)
    answers = by_learner(result)
    assert answers["paul"].submitted_at == datetime(2026, 1, 12, 14, 3, 22, tzinfo=UTC1)  # 2:03:22 PM UTC+1
    assert answers["lea"].submitted_at == datetime(2026, 1, 12, 11, 15, tzinfo=UTC1)
    assert answers["zoe"].submitted_at == datetime(2026, 1, 13, 0, 30, 5, tzinfo=UTC1)  # 12:30:05 AM
    assert answers["lea"].values["commentaire"] == "Une question :\n« pourquoi pas deux jours ? »"
    assert [a.line for a in result.answers] == [2, 3, 5]  # LF inside the quoted answer counts as a line


def test_google_token_question_is_configurable(tmp_path):
    path = tmp_path / "reponses.csv"
    path.write_text("Horodateur,Accueil,Votre code personnel\r\n"
                    f"12/01/2026 14:03:22,5,{tok('ana')}\r\n", encoding="utf-8")
    result = parse_answers(path, TOKENS, mapping={"votre code personnel": "jeton"})
    assert [(a.learner_id, a.values) for a in result.answers] == [("ana", {"accueil": 5})]


# -- LimeSurvey --------------------------------------------------------------------------------------

def test_limesurvey_full_text():
    result = parse_answers(EXPORTS / "limesurvey_full.csv", TOKENS)
    table = read_table(EXPORTS / "limesurvey_full.csv", Report())
    assert table.encoding == "utf-8-sig" and table.headers[0] == "ID de la réponse"
    answers = by_learner(result)
    assert sorted(answers) == ["ana", "lea", "paul"]
    # paul's first, unfinished attempt is incomplete, not a duplicate; his complete one counts
    assert [(s.line, s.token) for s in result.incomplete] == [(3, tok("paul"))]
    assert not result.duplicates
    incomplete = "limesurvey_full.csv:3: réponse incomplète (questionnaire non terminé)\u00a0: non comptée"
    assert incomplete in messages(result)
    assert answers["paul"].values["commentaire"] == "Les supports étaient\nun peu denses."
    assert answers["lea"].line == 6  # after paul's two-line comment
    assert answers["lea"].values["commentaire"] == "=1+1, comme disait la formatrice"  # LimeSurvey's ' removed
    assert answers["ana"].values == {"accueil": 5, "contenu": 5, "equipe": 5, "moyens": 4, "accompagnement": 5,
                                     "nps": 10, "accompagne": True, "commentaire": "Parfait, rien à redire."}
    assert answers["ana"].submitted_at == datetime(2026, 1, 12, 14, 3, 22, tzinfo=PARIS)


def test_limesurvey_codes_with_semicolons_not_seen_before():
    result = parse_answers(EXPORTS / "limesurvey_codes.csv", TOKENS, mapping={"GLOBAL": "satisfaction"})
    assert read_table(EXPORTS / "limesurvey_codes.csv", Report()).separator == ";"
    answers = by_learner(result)
    assert sorted(answers) == ["lea", "marc"]
    assert answers["marc"].values == {"accueil": 4, "contenu": 5, "equipe": 5, "moyens": 4, "accompagnement": 4,
                                      "nps": 9, "accompagne": True, "satisfaction": "A3",
                                      "commentaire": "=SOMME(A1:A3)"}
    assert answers["lea"].values["accompagne"] is False  # `N`
    assert [s.line for s in result.incomplete] == [3]  # bare empty submitdate
    assert any("réponses non numériques conservées" in m and "GLOBAL" in m for m in messages(result))


# -- Tally, Typeform, Framaforms ---------------------------------------------------------------------

def test_tally_cold_survey():
    result = parse_answers(EXPORTS / "tally_froid.csv", TOKENS, survey="froid")
    answers = by_learner(result)
    assert sorted(answers) == ["ana", "paul"]
    ana = answers["ana"]
    assert ana.survey == "froid"
    assert ana.submitted_at == datetime(2026, 4, 13, 7, 12, 45, tzinfo=UTC)
    assert ana.values == {
        "utilisation": True,
        "resultats": "Mes tableaux de bord mensuels prennent 2 h au lieu d'une journée.",
        "obstacles": "Manque de temps, Version d'Excel différente au bureau",
        "soutien_manager": True, "besoins_suivants": "Power Query", "satisfaction": 5}
    # a hot-survey token in the cold-survey file is reported, not counted
    assert [s.line for s in result.other_survey] == [4]
    assert any(m.startswith("tally_froid.csv:4: jeton de l'enquête «\u00a0chaud\u00a0»") for m in messages(result))
    # no filter: the cold answers under the hot token would count as hot — refused, located
    unfiltered = parse_answers(EXPORTS / "tally_froid.csv", TOKENS)
    assert len(unfiltered.answers) == 2 and [s.line for s in unfiltered.invalid] == [4]
    assert any(m.startswith("tally_froid.csv:4: réponses d'une enquête à froid sous le jeton de l'enquête à chaud")
               for m in messages(unfiltered))


def test_typeform_partial_response():
    result = parse_answers(EXPORTS / "typeform.csv", TOKENS)
    answers = by_learner(result)
    assert sorted(answers) == ["ana", "zoe"]
    assert [s.line for s in result.incomplete] == [3]
    assert answers["ana"].submitted_at == datetime(2026, 1, 12, 13, 3, 22, tzinfo=UTC)
    assert answers["ana"].values["accompagne"] is True and answers["zoe"].values["accompagne"] is False
    assert answers["ana"].values["commentaire"] == "Bravo, très concret."


def test_framaforms_three_header_rows():
    table = read_table(EXPORTS / "framaforms.tsv", Report())
    assert table.separator == "\t" and table.title == "Évaluation à chaud — Excel pour la gestion"
    assert table.headers[:3] == ["Serial", "SID", "Submitted Time"] and table.header_line == 3
    assert table.groups[9] == "Votre satisfaction"
    result = parse_answers(EXPORTS / "framaforms.tsv", TOKENS)
    answers = by_learner(result)
    assert sorted(answers) == ["ana", "lea"]
    assert answers["ana"].line == 4 and answers["ana"].submitted_at == datetime(2026, 1, 12, 14, 3, tzinfo=PARIS)
    assert answers["lea"].values["commentaire"] == "Plus de pauses\nsvp"
    assert [s.line for s in result.incomplete] == [5]  # Draft = 1


# -- broken files and bad values ---------------------------------------------------------------------

def test_truncated_file_imports_nothing():
    result = parse_answers(EXPORTS / "truncated.csv", TOKENS)
    assert result.answers == [] and not result.ok
    assert [d.format() for d in result.report.errors] == [
        "truncated.csv:5: guillemet ouvert à cette ligne et jamais refermé\u00a0: fichier tronqué ou abîmé, "
        "rien n'est importé (téléchargez à nouveau l'export)"]


@pytest.mark.parametrize("content", [
    b"",
    b"\r\n\r\n",
    b"\x00\x01\x02PNG\x89garbage\x00",
    b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64,  # an Excel 97-2003 .xls
    b"PK\x03\x04not really a workbook",
    b"<html><body><table><tr><td>Horodateur</td></tr></table></body></html>",
    b"Horodateur\n12/01/2026 14:03:22\n",  # one column: no header to speak of
    b"Horodateur,Accueil,Jeton\n12/01/2026 14:03:22,5,x,y,z\n",  # more values than columns
    b"Horodateur,Accueil,Jeton\n12/01/2026 14:03:22,5\n" + b"\xff\xfe\x81",  # not text
])
def test_malformed_files_give_errors_and_no_answer(tmp_path, content):
    path = tmp_path / "reponses.csv"
    path.write_bytes(content)
    result = parse_answers(path, TOKENS)
    assert result.answers == [] and result.report.errors
    assert all(d.format().startswith("reponses.csv") for d in result.report.items)


def test_no_token_column_imports_nothing(tmp_path):
    path = tmp_path / "reponses.csv"
    path.write_text("Horodateur,Accueil\n12/01/2026 14:03:22,5\n", encoding="utf-8")
    result = parse_answers(path, TOKENS)
    assert result.answers == [] and "aucune colonne de jeton" in result.report.errors[0].message


def test_out_of_range_value_is_a_located_error(tmp_path):
    path = tmp_path / "export.csv"
    path.write_text("Date de réponse;Jeton;Accueil;Contenu;NPS\n"
                    f"12/01/2026 14:00;{tok('ana')};5;7;9\n"
                    f"12/01/2026 14:01;{tok('paul')};4,0;4.0;11\n"
                    f"12/01/2026 14:02;{tok('lea')};3 - Moyen;4;0\n", encoding="utf-8")
    result = parse_answers(path, TOKENS)
    assert result.preset == "generic"
    assert [a.learner_id for a in result.answers] == ["lea"]
    assert result.answers[0].values == {"accueil": 3, "contenu": 4, "nps": 0}
    assert [s.line for s in result.invalid] == [2, 3]
    assert [d.format() for d in result.report.errors] == [
        "export.csv:2: contenu\u00a0: «\u00a07\u00a0» hors de l'échelle de 1 à 5\u00a0: réponse non comptée",
        "export.csv:3: nps\u00a0: «\u00a011\u00a0» hors de l'échelle de 0 à 10\u00a0: réponse non comptée"]


def test_token_column_recognised_by_its_values(tmp_path):
    path = tmp_path / "export.csv"
    path.write_text(f"Horodateur,Code,Accueil\n12/01/2026 14:00:00,{tok('ana').upper()},4\n", encoding="utf-8")
    result = parse_answers(path, TOKENS)
    assert [(a.learner_id, a.values) for a in result.answers] == [("ana", {"accueil": 4})]
    assert any("reconnue à son contenu" in m for m in messages(result, Level.WARNING))


# -- the text reader ---------------------------------------------------------------------------------

def test_line_ends_and_encodings(tmp_path):
    body = "Jeton\tAccueil\tCommentaire\r" + f"{tok('ana')}\t5\t\"deux\rlignes\"\r{tok('paul')}\t4\tok"
    cases = {"mac.tsv": body.encode("cp1252"), "unicode.txt": body.encode("utf-16")}
    for name, data in cases.items():
        (tmp_path / name).write_bytes(data)
        result = parse_answers(tmp_path / name, TOKENS)
        assert [(a.learner_id, a.line) for a in result.answers] == [("ana", 2), ("paul", 4)], name
        assert result.answers[0].values["commentaire"] == "deux\nlignes"


def test_quoted_separators_and_headers_with_other_separators(tmp_path):
    # a `;` file whose headers hold commas outnumbering the `;`: the consistent separator wins
    path = tmp_path / "export.csv"
    path.write_text("Horodateur;Sur une échelle de 1 à 5, avec 5 = très bien, comment évaluez-vous l'accueil ?;"
                    "Jeton\n21/07/2023 16:17:14;4;" + tok("ana") + "\n22/07/2023 09:00:00;5;" + tok("paul") + "\n",
                    encoding="utf-8")
    result = parse_answers(path, TOKENS)
    assert [a.values for a in result.answers] == [{"accueil": 4}, {"accueil": 5}]


# -- values and times ----------------------------------------------------------------------------------

@pytest.mark.parametrize(("field", "raw", "value"), [
    ("accueil", "5 - Tout à fait", 5),
    ("accueil", "4,0", 4),
    ("accueil", 4.0, 4),
    ("accueil", "4,5", 4.5),
    ("nps", "10 - Très probable", 10),
    ("accompagne", "Oui", True),
    ("accompagne", "Yes", True),
    ("accompagne", "Y", True),
    ("accompagne", "non", False),
    ("accueil", "A1", "A1"),
    ("commentaire", "'=1+1", "=1+1"),
    ("commentaire", "'+33612345678", "+33612345678"),
    ("commentaire", "  ligne 1\r\nligne 2  ", "ligne 1\nligne 2"),
    ("commentaire", "", None),
])
def test_normalised_values(field, raw, value):
    assert normalise(field, raw).value == value


@pytest.mark.parametrize(("raw", "expected"), [
    ("2026/01/12 2:03:22 PM UTC+1", datetime(2026, 1, 12, 14, 3, 22, tzinfo=UTC1)),
    ("2026/01/12 9:03:22 AM EST", datetime(2026, 1, 12, 9, 3, 22, tzinfo=timezone(timedelta(hours=-5)))),
    ("2026/01/12 2:03:22 PM GMT+2", datetime(2026, 1, 12, 14, 3, 22, tzinfo=timezone(timedelta(hours=2)))),
    ("21/07/2023 16:17:14", datetime(2023, 7, 21, 16, 17, 14, tzinfo=PARIS)),
    ("12/01/2026 - 14:03", datetime(2026, 1, 12, 14, 3, tzinfo=PARIS)),
    ("2026-01-12 13:03:22", datetime(2026, 1, 12, 13, 3, 22, tzinfo=PARIS)),
    ("2026-01-12T13:03:22Z", datetime(2026, 1, 12, 13, 3, 22, tzinfo=UTC)),
    ("31/02/2026 10:00", None),
    ("hier", None),
])
def test_submission_times(raw, expected):
    assert parse_moment(raw, PARIS, day_first=True) == expected


def test_day_or_month_first_is_decided_on_the_column(tmp_path):
    path = tmp_path / "export.csv"
    path.write_text(f"Timestamp,Accueil,Token\n2/1/2025 10:00:00,4,{tok('ana')}\n"
                    f"2/13/2025 10:00:00,5,{tok('paul')}\n", encoding="utf-8")
    table = read_table(path, Report())
    assert columns(table, Report()).day_first is False
    result = parse_answers(path, TOKENS)
    assert by_learner(result)["ana"].submitted_at == datetime(2025, 2, 1, 10, tzinfo=PARIS)


# -- journal -------------------------------------------------------------------------------------------

def test_record_twice_adds_nothing_and_a_later_resubmission_wins(tmp_path):
    journal = Journal(tmp_path / "journal.jsonl", lambda: datetime(2026, 1, 13, 9, 0, tzinfo=PARIS))
    first = parse_answers(EXPORTS / "google_sheets_fr.csv", TOKENS)
    already: set[tuple] = set()
    written = record(journal, first, already)
    assert [a.learner_id for a in written] == ["paul", "lea", "ana"]
    entries = journal.entries()
    assert [e.kind for e in entries] == [ANSWER] * 3
    entry = next(e for e in entries if e.data["learner"] == "ana")
    assert entry.key == f"survey:chaud:{SESSION}:ana"
    assert entry.data == {"survey": "chaud", "session": SESSION, "learner": "ana",
                          "submitted_at": "2026-01-12T18:40:00+01:00",
                          "values": first.answers[-1].values, "source": "google_sheets_fr.csv", "line": 8}
    # what every command reads: the journal row is the answer (remind, figures and the journey read it)
    assert {(e.data["survey"], e.data["session"], e.data["learner"]) for e in entries} >= {
        ("chaud", SESSION, "ana"), ("chaud", SESSION, "lea")}

    # the same file again, even in a new run (empty `already`): nothing added
    assert record(journal, parse_answers(EXPORTS / "google_sheets_fr.csv", TOKENS), set()) == []
    # the Excel re-save holds the same answers, seconds dropped: not newer, nothing added
    assert record(journal, parse_answers(EXPORTS / "google_sheets_fr_excel.csv", TOKENS), already) == []
    assert len(journal.entries()) == 3

    # ana resubmits the next day: journaled; importing the older export afterwards adds nothing
    later = tmp_path / "later.csv"
    later.write_text(f"Horodateur,Accueil,Jeton\n13/01/2026 08:00:00,3,{tok('ana')}\n", encoding="utf-8")
    assert [a.values for a in record(journal, parse_answers(later, TOKENS), already)] == [{"accueil": 3}]
    older = tmp_path / "older.csv"
    older.write_text(f"Horodateur,Accueil,Jeton\n11/01/2026 08:00:00,1,{tok('ana')}\n", encoding="utf-8")
    assert record(journal, parse_answers(older, TOKENS), already) == []
    assert len(journal.entries()) == 4 and journal.verify() == []


def test_record_nothing_from_a_broken_file(tmp_path):
    journal = Journal(tmp_path / "journal.jsonl", lambda: datetime(2026, 1, 13, 9, 0, tzinfo=PARIS))
    assert record(journal, parse_answers(EXPORTS / "truncated.csv", TOKENS), set()) == []
    assert not (tmp_path / "journal.jsonl").exists()


# -- never raises --------------------------------------------------------------------------------------

def _never_raises(data: bytes, suffix: str = ".csv") -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"export{suffix}"
        path.write_bytes(data)
        result = parse_answers(path, TOKENS, survey="chaud")
        for d in result.report.items:
            assert d.format()
        if result.report.errors and not result.answers:
            return
        for answer in result.answers:
            assert answer.survey == "chaud"


csvish = st.lists(st.sampled_from(['"', ",", ";", "\t", "\r", "\n", "\r\n", "Jeton", "token", "Accueil", "NPS",
                                   "Horodateur", "5", "12", "12/01/2026 14:03", "=1+1", "'", "é", "\ufeff",
                                   tok("ana"), tok("paul", "froid"), "submitdate", "Serial", "SID", "x"]),
                  max_size=60).map("".join)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.one_of(st.binary(max_size=300), csvish.map(lambda s: s.encode("utf-8")),
                      csvish.map(lambda s: s.encode("cp1252", "replace"))))
def test_random_bytes_and_csvish_text_never_raise(data):
    _never_raises(data)


def test_implausible_answers_are_refused_located(tmp_path):
    """Dated in the future, or before the session for a survey of its end: refused, the whole file stops."""
    from datetime import date

    path = tmp_path / "chaud.csv"
    path.write_text(
        "Horodateur,Comment évaluez-vous l'accueil ?,Jeton (ne pas modifier)\r\n"
        f"12/01/2026 14:00:00,5,{tok('ana')}\r\n"
        f"12/03/2027 14:00:00,4,{tok('paul')}\r\n"
        f"02/01/2026 14:00:00,4,{tok('lea')}\r\n", encoding="utf-8")
    result = parse_answers(path, TOKENS, now=datetime(2026, 2, 1, 12, 0, tzinfo=PARIS),
                           starts={SESSION: date(2026, 1, 10)})
    assert not result.ok
    found = messages(result)
    assert any(m.startswith("chaud.csv:3:") and "dans le futur" in m for m in found)
    assert any(m.startswith("chaud.csv:4:") and "antérieure au début de la session (10/01/2026)" in m for m in found)
    assert [a.learner_id for a in result.answers] == ["ana"]


def test_the_questions_proposed_in_the_docs_are_all_read(tmp_path):
    """A Google Forms export of the questions docs/enquetes.md gives to paste: every one lands somewhere."""
    from qualikit.base.resources import PACKAGE

    docs = (PACKAGE.parent / "docs" / "enquetes.md").read_text(encoding="utf-8")
    cold = [line.split("|")[1].strip() for line in docs.split("## À froid", 1)[1].split("##", 1)[0].splitlines()
            if line.startswith("| ") and "question" not in line and "Jeton" not in line]
    assert len(cold) == 6
    path = tmp_path / "froid.csv"
    answers = ["Oui", "Un gain de temps", "Le temps", "Oui", "Power Query", "4"]
    path.write_text("Horodateur," + ",".join(f'"{q}"' for q in cold) + ",Jeton (ne pas modifier)\r\n"
                    + f"12/04/2026 10:00:00,{','.join(answers)},{tok('ana', 'froid')}\r\n", encoding="utf-8")
    result = parse_answers(path, TOKENS)
    assert result.ok, messages(result)
    assert set(result.answers[0].values) == {"utilisation", "resultats", "obstacles", "soutien_manager",
                                             "besoins_suivants", "satisfaction"}

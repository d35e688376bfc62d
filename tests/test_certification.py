"""Certifying trainings: data, check, results import, rates, and the pack's indicators 3, 7 and 16."""

from __future__ import annotations

import textwrap
from datetime import date
from html import unescape
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import MINI, write_project
from qualikit.cli import app

TODAY = "2026-12-15"
LEARNERS = ("ana", "paul", "lea", "marc", "nora", "theo")

PROGRAMME = """\
- id: reunion
  intitule: Animer une réunion à distance
  objectifs: [Préparer une réunion à distance, Animer une réunion à distance]
  prerequis: [Aucun]
  duree_heures: 14
  modalite: distanciel
  methodes: [Mises en situation]
  evaluation: [Épreuve du certificateur]
  accessibilite: Accessible ; contactez le référent handicap.
  prix: 900
  code_certification: RS0000
  reconnaissance: Certification RS0000 (fictive)
  financements: [CPF]
  delai_acces: 2 semaines
  contenu:
    - Choisir l'outil et préparer l'ordre du jour
    - Animer les échanges à distance
    - Conclure et diffuser le compte rendu
"""

CERTIFICATIONS = """\
- id: RS0000
  intitule: Animer une réunion professionnelle à distance (fictive)
  certificateur: Certif'Démo
  habilitation_former: oui
  habilitation_evaluer: non
  habilitation_fichier: pieces/convention.pdf
  habilitation_debut: 2026-01-01
  habilitation_fin: {end}
  evaluateur: Centre d'examen Certif'Démo, Lyon
  reglement_examen: pieces/reglement.pdf
  blocs_separables: oui
  equivalences: [Aucune]
  passerelles: [Aucune]
  suites_parcours: [Certification de management à distance]
  debouches: [Chef de projet, assistant de direction]
  taux_insertion_global: 82 %
  taux_insertion_metier: 61 %
  fiche_lue_le: 2026-09-01
  blocs:
    - code: BC01
      intitule: Préparer
      sequences: [1]
    - code: BC02
      intitule: Animer et conclure
      sequences: {seqs}
"""


def _learners() -> str:
    return "".join(f"- id: {lid}\n  nom: {lid.title()}\n  prenom: X\n  email: {lid}@example.fr\n" for lid in LEARNERS)


def _session() -> str:
    people = "".join(f"    - {lid}\n" for lid in LEARNERS)
    return ("- id: rs-oct\n  programme: reunion\n  formateur: julie\n  lien_distance: https://visio.example.fr/r\n"
            "  proces_verbal: pieces/pv.pdf\n  journees:\n"
            "    - {date: 2026-10-05, matin: 09:00-12:30, apres_midi: 13:30-17:00}\n"
            "    - {date: 2026-10-06, matin: 09:00-12:30, apres_midi: 13:30-17:00}\n"
            f"  inscriptions:\n{people}")


def _exams() -> str:
    out = ""
    for lid in LEARNERS:
        out += (f"- session: rs-oct\n  apprenant: {lid}\n  informe_le: 2026-09-20\n  inscrit_le: 2026-09-25\n"
                f"  session_examen: jury du 2026-10-20\n  preuve_inscription: pieces/inscription-{lid}.pdf\n")
        if lid == "theo":
            out += "  presente: non\n  motif_non_presentation: malade le jour de l'examen\n"
    return out


RESULTS = ("apprenant;session;résultat;blocs obtenus;date\n"
           "ana;rs-oct;Admis;;27/10/2026\npaul;rs-oct;obtenu;;27/10/2026\nlea;rs-oct;obtenu;;27/10/2026\n"
           "marc;rs-oct;obtenu;;27/10/2026\nnora;rs-oct;partiel;BC01;27/10/2026\ntheo;rs-oct;absent;;27/10/2026\n")


def certifying(root: Path, *, described: bool = True, end: str = "2027-12-31", seqs: str = "[2, 3]") -> Path:
    files = {**MINI, "programmes.yaml": textwrap.dedent(MINI["programmes.yaml"]) + PROGRAMME,
             "apprenants.yaml": _learners(), "sessions.yaml": _session()}
    if described:
        files["certifications.yaml"] = CERTIFICATIONS.format(end=end, seqs=seqs)
        files["examens.yaml"] = _exams()
    write_project(root, files)
    if described:
        (root / "pieces").mkdir()
        for name in ("convention", "reglement", "pv", *(f"inscription-{lid}" for lid in LEARNERS)):
            (root / "pieces" / f"{name}.pdf").write_bytes(b"%PDF-1.4\n% piece\n")
    return root


def entries(root: Path) -> list:
    from datetime import datetime

    from qualikit.project.journal import Journal

    return Journal(root / "journal.jsonl", datetime.now).entries()


def cli(*args: str) -> str:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.output


def statuses(folder: Path) -> dict[int, str]:
    from openpyxl import load_workbook

    ws = load_workbook(folder / "index.xlsx", read_only=True)["Indicateurs"]
    return {row[0]: row[4] for row in ws.iter_rows(min_row=2, values_only=True)}


def pack(root: Path) -> Path:
    code, out = cli("audit-pack", "-p", str(root), "--today", TODAY, "--audit-date", TODAY)
    assert code == 0, out
    return root / "audit" / "2025-12-16_2026-12-15"


def test_a_code_alone_is_missing_for_3_7_16_and_says_what_lacks(tmp_path):
    root = certifying(tmp_path / "p", described=False)
    folder = pack(root)
    status = statuses(folder)
    assert status[3] == status[7] == status[16] == "manquant"
    html = (folder / "index.html").read_text(encoding="utf-8")
    assert "certification RS0000 (programme reunion) non décrite dans certifications.yaml" in html


def test_with_the_data_the_pack_proves_3_7_16_and_shows_the_rates(tmp_path):
    from qualikit.journey import as_of
    from qualikit.project.load import load_project
    from qualikit.quality.figures import certification_figures, select

    root = certifying(tmp_path / "p")
    (root / "resultats.csv").write_text(RESULTS, encoding="utf-8")
    code, out = cli("certification", "import", str(root / "resultats.csv"), "-p", str(root), "--today", "2026-10-28")
    assert code == 0 and "6 résultats importés" in out, out
    folder = pack(root)
    status = statuses(folder)
    assert status[3] == status[7] == status[16] == "prouvé", (folder / "index.html").read_text(encoding="utf-8")

    project = load_project(root).project
    journey = as_of(project, entries(root), date(2026, 12, 15))
    figures = {f.label: f for f in certification_figures(project, select(journey), journey.day)}
    presented = figures["Taux de présentation à la certification RS0000"]
    obtained = figures["Taux d'obtention de la certification RS0000"]
    assert (presented.numerator, presented.denominator) == (5, 6)  # théo was not presented
    assert (obtained.numerator, obtained.denominator) == (4, 5)  # nora obtained one block only
    assert obtained.text() == "80\u00a0% (4/5)"
    page = next(folder.glob("03-*/taux-certification.html")).read_text(encoding="utf-8")
    assert presented.text() in page and obtained.text() in page and "61\u00a0%" in page
    cross = next(folder.glob("07-*/tableau-croise.html")).read_text(encoding="utf-8")
    assert "Animer les échanges à distance" in cross
    assert next(folder.glob("07-*/tableau-croise.xlsx")).is_file()
    session = next(folder.glob("16-*/sessions/rs-oct"))
    assert (session / "proces-verbal.pdf").is_file() and (session / "reglement-examen.pdf").is_file()
    assert len(list(session.glob("inscriptions/*.pdf"))) == len(LEARNERS)

    # the same functions feed kpi and the public page
    from openpyxl import load_workbook

    code, out = cli("kpi", "-p", str(root), "--today", TODAY, "--xlsx", str(tmp_path / "kpi.xlsx"))
    assert code == 0 and "RS0000" in out, out
    rows = load_workbook(tmp_path / "kpi.xlsx", read_only=True)["Indicateurs"].iter_rows(min_row=4, values_only=True)
    kpi = {row[0]: row[2] for row in rows}
    assert kpi[presented.label] == presented.text() and kpi[obtained.label] == obtained.text()
    code, out = cli("indicators", "-p", str(root), "--today", TODAY)
    assert code == 0, out
    public = (root / "sortie" / "indicateurs" / "indicateurs.html").read_text(encoding="utf-8")
    assert presented.text() in public and obtained.text() in public


def test_results_missing_make_3_partial_naming_the_learners(tmp_path):
    root = certifying(tmp_path / "p")
    folder = pack(root)
    assert statuses(folder)[3] == "partiel"
    html = (folder / "index.html").read_text(encoding="utf-8")
    assert "sans résultat ni non-présentation connus" in html and "Ana" in html


def test_check_reports_a_block_without_sequence_and_an_expired_habilitation(tmp_path):
    root = certifying(tmp_path / "p", end="2026-10-05", seqs="[]")
    code, out = cli("check", "-p", str(root))
    text = " ".join(out.split())
    assert "certifications.yaml:23:7: sequences" in text and "bloc « BC02 » préparé par aucune séquence" in text, out
    assert "sessions.yaml:1:3: programme" in text and "habilitation expirée le 05/10/2026" in text, out
    assert code == 1  # the expired habilitation is an error


def test_a_period_without_certifying_session_is_not_applicable(tmp_path):
    root = certifying(tmp_path / "p", described=False)
    code, out = cli("audit-pack", "-p", str(root), "--today", "2027-12-15", "--audit-date", "2027-12-15",
                    "--du", "2026-11-01")
    assert code == 0, out
    status = statuses(next((root / "audit").glob("2026-11-01_*")))
    assert status[3] == status[7] == status[16] == "non applicable"


@pytest.mark.parametrize("row,expected", [
    ("inconnu;rs-oct;obtenu;;27/10/2026", "resultats.csv:2: apprenant : apprenant « inconnu » inconnu"),
    ("ana;rs-oct;brillant;;27/10/2026", "resultats.csv:2: résultat : « brillant » n'est pas un résultat"),
    ("ana;rs-oct;partiel;;27/10/2026", "résultat « partiel » sans les blocs obtenus"),
    ("ana;rs-oct;partiel;BC09;27/10/2026", "BC09 : bloc inconnu de la certification RS0000"),
    ("ana;rs-oct;obtenu;;32/10/2026", "date : « 32/10/2026 » n'est pas une date"),
])
def test_import_refuses_a_file_with_a_located_error(tmp_path, row, expected):
    root = certifying(tmp_path / "p")
    (root / "resultats.csv").write_text("apprenant;session;résultat;blocs obtenus;date\n" + row + "\n"
                                        "paul;rs-oct;obtenu;;27/10/2026\n", encoding="utf-8")
    code, out = cli("certification", "import", str(root / "resultats.csv"), "-p", str(root))
    assert code == 1 and expected in " ".join(out.split()), out
    assert not (root / "journal.jsonl").exists() or "certification.result" not in (root / "journal.jsonl").read_text()


def test_a_result_is_known_from_its_date_and_an_import_twice_adds_nothing(tmp_path):
    from qualikit.journey import as_of
    from qualikit.project.load import load_project

    root = certifying(tmp_path / "p")
    (root / "resultats.csv").write_text(RESULTS, encoding="utf-8")
    cli("certification", "import", str(root / "resultats.csv"), "-p", str(root), "--today", "2026-10-28")
    code, out = cli("certification", "import", str(root / "resultats.csv"), "-p", str(root), "--today", "2026-10-29")
    assert code == 0 and "0 résultat importé depuis resultats.csv, 6 déjà importés" in out, out
    project = load_project(root).project
    journal = entries(root)
    before = as_of(project, journal, date(2026, 10, 26)).learner("rs-oct", "nora")
    after = as_of(project, journal, date(2026, 10, 28)).learner("rs-oct", "nora")
    assert before.exam.registered_on == date(2026, 9, 25) and before.exam.result is None
    assert after.exam.result == "partiel" and after.exam.blocks == ("BC01",)
    theo = as_of(project, journal, date(2026, 10, 28)).learner("rs-oct", "theo")
    assert theo.exam.presented is False and theo.exam.absence_reason == "malade le jour de l'examen"


def test_cpf_declarations_come_from_the_journey(tmp_path):
    from qualikit.journey import as_of
    from qualikit.project.load import load_project
    from qualikit.quality.certification.cpf import cpf_lines

    root = certifying(tmp_path / "p")
    people = root / "apprenants.yaml"
    nora = "email: nora@example.fr"
    people.write_text(people.read_text(encoding="utf-8").replace(nora, nora + "\n  financeur: CPF"), encoding="utf-8")
    (root / "presences.yaml").write_text(
        "- {session: rs-oct, date: 2026-10-05, demi_journee: matin, absents: [nora]}\n"
        "- {session: rs-oct, date: 2026-10-05, demi_journee: après-midi, absents: []}\n", encoding="utf-8")
    (root / "resultats.csv").write_text(RESULTS, encoding="utf-8")
    cli("certification", "import", str(root / "resultats.csv"), "-p", str(root), "--today", "2026-10-28")
    project = load_project(root).project
    during = cpf_lines(as_of(project, entries(root), date(2026, 10, 5)))
    assert [(x.learner_id, x.entry, x.exit, x.status) for x in during] == [
        ("nora", date(2026, 10, 5), None, "en cours")]
    [after] = cpf_lines(as_of(project, entries(root), date(2026, 11, 2)))
    assert (after.exit, after.status, after.exam) == (date(2026, 10, 6), "terminée", "partiel : BC01")
    assert (after.done, after.planned, after.attendance) == (3.5, 14, 25)  # one half-day attended, no roll call after
    code, out = cli("certification", "cpf", "-p", str(root), "--today", "2026-11-02")
    assert code == 0 and "Nora" in out and "terminée" in out, out


def test_the_programme_sheet_publishes_blocks_bridges_and_outlets(tmp_path):
    import io

    from pypdf import PdfReader

    from qualikit.documents.programme_sheet import render_programme_sheet
    from qualikit.project.load import load_project

    root = certifying(tmp_path / "p")
    project = load_project(root).project
    pdf = render_programme_sheet(project, project.programme("reunion"), root, date(2026, 9, 1))
    text = " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages).split())
    assert "Blocs de compétences, validables séparément" in text and "BC02 Animer et conclure" in text
    assert "Débouchés" in text and "Chef de projet" in text and "dans le métier visé 61" in text


def test_onboard_sends_the_conditions_of_presentation_with_each_convocation(tmp_path):
    """Indicator 16: the information is generated from the data, attached to every convocation and journaled,
    so that the journey (and the pack) know each learner was informed, without informe_le in examens.yaml."""
    import email
    import io
    from email import policy

    from pypdf import PdfReader

    from qualikit.journey import as_of
    from qualikit.project.load import load_project

    root = certifying(tmp_path / "p")
    exams = root / "examens.yaml"
    exams.write_text(exams.read_text(encoding="utf-8").replace("  informe_le: 2026-09-20\n", ""), encoding="utf-8")
    project = load_project(root).project
    assert as_of(project, [], date(2026, 9, 28)).learner("rs-oct", "ana").exam.informed_on is None

    code, out = cli("onboard", "rs-oct", "-p", str(root), "--today", "2026-09-28")
    assert code == 0, out
    emls = sorted((root / "outbox").glob("*.eml"))
    assert len(emls) == len(LEARNERS)
    for eml in emls:
        message = email.message_from_bytes(eml.read_bytes(), policy=policy.default)
        body = message.get_body(("plain",)).get_content()
        assert "certification RS0000" in body and "règlement d’examen du certificateur est joint" in body
        [rules] = [part for part in message.iter_attachments() if "Règlement" in part.get_filename()]
        assert rules.get_content() == (root / "pieces" / "reglement.pdf").read_bytes()
        [info] = [part for part in message.iter_attachments() if "Conditions de présentation" in part.get_filename()]
        assert info.get_content_type() == "application/pdf"
        reader = PdfReader(io.BytesIO(info.get_content()))
        text = " ".join(" ".join(page.extract_text() for page in reader.pages).split())
        for expected in ("RS0000", "Animer une réunion professionnelle à distance", "Certif'Démo", "BC01", "BC02",
                         "Préparer", "Animer et conclure", "Centre d'examen Certif'Démo", "Julie Durand",
                         "il vous est remis avec ce document"):
            assert expected.replace("'", "’") in text or expected in text, (expected, text)
    assert (root / "sortie" / "rs-oct" / "conditions-certification.pdf").is_file()

    journal = entries(root)
    issued = [e for e in journal if e.kind == "onboard.certification_info"]
    assert len(issued) == 1 and issued[0].data["file"] == "sortie/rs-oct/conditions-certification.pdf"
    sent = [e for e in journal if e.kind == "onboard.email"]
    assert len(sent) == len(LEARNERS) and all(e.data["certification"] == "RS0000" for e in sent)
    journey = as_of(project, journal, date(2026, 9, 28))
    assert all(journey.learner("rs-oct", lid).exam.informed_on == date(2026, 9, 28) for lid in LEARNERS)
    assert as_of(project, journal, date(2026, 9, 27)).learner("rs-oct", "ana").exam.informed_on is None

    # a second run sends nothing and issues nothing again
    code, out = cli("onboard", "rs-oct", "-p", str(root), "--today", "2026-09-29")
    assert code == 0, out
    assert len(list((root / "outbox").glob("*.eml"))) == len(LEARNERS)
    assert len([e for e in entries(root) if e.kind == "onboard.certification_info"]) == 1


def test_the_pack_files_each_sessions_pieces_and_names_what_lacks(tmp_path):
    root = certifying(tmp_path / "p")
    exams = root / "examens.yaml"
    text = exams.read_text(encoding="utf-8").replace("  informe_le: 2026-09-20\n", "")
    text = text.replace("  apprenant: ana\n", "  apprenant: ana\n  amenagement_demande: tiers-temps\n"
                        "  amenagement_accorde: tiers-temps accordé\n  amenagement_fichier: pieces/absent.pdf\n")
    exams.write_text(text, encoding="utf-8")
    (root / "pieces" / "inscription-paul.pdf").unlink()
    code, out = cli("onboard", "rs-oct", "-p", str(root), "--today", "2026-09-28")
    assert code == 0, out
    (root / "resultats.csv").write_text(RESULTS, encoding="utf-8")
    cli("certification", "import", str(root / "resultats.csv"), "-p", str(root), "--today", "2026-10-28")
    folder = pack(root)
    assert statuses(folder)[16] == "partiel"
    html = unescape(" ".join((folder / "index.html").read_text(encoding="utf-8").split()))
    assert "non informé" not in html  # the convocations carried the information
    assert "session rs-oct : preuve d'inscription absente pour X Paul (preuve_inscription)" in html
    assert "session rs-oct : demande ou décision d'aménagement absente pour X Ana (amenagement_fichier)" in html
    session = next(folder.glob("16-*/sessions/rs-oct"))
    assert (session / "information-conditions-presentation.pdf").read_bytes() == (
        root / "sortie" / "rs-oct" / "conditions-certification.pdf").read_bytes()
    assert len(list(session.glob("inscriptions/*.pdf"))) == len(LEARNERS) - 1


def test_the_programme_sheet_gives_the_rates_kpi_gives(tmp_path):
    """Indicator 3: the obtention rate, with the presentation rate, on the published sheet (PDF and page),
    computed by the same function as `kpi`; a rate on fewer than 5 people is given in numbers."""
    import io

    from openpyxl import load_workbook
    from pypdf import PdfReader

    def flat(text: str) -> str:
        return " ".join(text.replace("\u00a0", " ").replace("\u202f", " ").split())

    root = certifying(tmp_path / "p")
    (root / "resultats.csv").write_text(RESULTS, encoding="utf-8")
    cli("certification", "import", str(root / "resultats.csv"), "-p", str(root), "--today", "2026-10-28")
    code, out = cli("kpi", "-p", str(root), "--today", TODAY, "--xlsx", str(tmp_path / "kpi.xlsx"))
    assert code == 0, out
    rows = load_workbook(tmp_path / "kpi.xlsx", read_only=True)["Indicateurs"].iter_rows(min_row=4, values_only=True)
    kpi = {row[0]: flat(row[2]) for row in rows if row[0] and "certification RS0000" in row[0]}
    assert list(kpi.values()) == ["83 % (5/6)", "80 % (4/5)", "20 % (1/5)"], kpi
    presented, obtained, partial = kpi

    code, out = cli("programme", "reunion", "-p", str(root), "--today", TODAY)
    assert code == 0, out
    pdf = PdfReader(io.BytesIO((root / "sortie" / "programmes" / "reunion.pdf").read_bytes()))
    sheet = flat(" ".join(page.extract_text() for page in pdf.pages))
    html = flat(unescape((root / "sortie" / "programmes" / "reunion.html").read_text(encoding="utf-8")))
    for text in (sheet, html):
        assert (f"Résultats de nos apprenants au 15/12/2026 : présentés à l'examen {kpi[presented]} ; "
                f"certification obtenue {kpi[obtained]} ; blocs obtenus sans la certification entière {kpi[partial]}"
                ).replace("'", "’") in text.replace("'", "’")

    # fewer than 5 people: numbers, not a rate (one learner's result only)
    (root / "resultats.csv").unlink()
    (root / "journal.jsonl").unlink()
    (root / "resultats.csv").write_text("apprenant;session;résultat;blocs obtenus;date\n"
                                        "ana;rs-oct;obtenu;;27/10/2026\n", encoding="utf-8")
    exams = root / "examens.yaml"
    exams.write_text("\n".join(exams.read_text(encoding="utf-8").split("\n")[:6]) + "\n", encoding="utf-8")
    cli("certification", "import", str(root / "resultats.csv"), "-p", str(root), "--today", "2026-10-28")
    code, out = cli("programme", "reunion", "-p", str(root), "--today", TODAY)
    assert code == 0, out
    html = flat(unescape((root / "sortie" / "programmes" / "reunion.html").read_text(encoding="utf-8")))
    assert "présentés à l’examen 17 % (1/6) ; certification obtenue 1 sur 1 (" in html.replace("'", "’")


def test_malformed_certification_fields_are_located_errors(tmp_path):
    root = certifying(tmp_path / "p")
    path = root / "certifications.yaml"
    text = path.read_text(encoding="utf-8").replace("taux_insertion_metier: 61 %", "taux_insertion_metier: beaucoup")
    text = text.replace("blocs_separables: oui", "blocs_separables: peut-être")
    path.write_text(text.replace("debouches: [Chef de projet, assistant de direction]", "debouches: {metier: chef}"),
                    encoding="utf-8")
    code, out = cli("check", "-p", str(root))
    text = " ".join(out.split())
    assert code == 1
    assert "certifications.yaml:17:26: taux_insertion_metier : « beaucoup » n'est pas valide" in text, out
    assert "certifications.yaml:11:21: blocs_separables : « peut-être » n'est pas valide (attendu : oui ou non)" in text
    assert "certifications.yaml:15:15: champ inconnu « debouches.metier »" in text

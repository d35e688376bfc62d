"""`qualikit audit-pack` on the demo, after onboarding, reminders, closing and survey imports."""

from __future__ import annotations

import hashlib
import re
import shutil
import zipfile
from datetime import date, datetime
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote

import pytest
import typer
from typer.testing import CliRunner

from conftest import DEMO
from qualikit.cli import app as main_app

PERIOD_2026 = "2025-11-16_2026-11-15"  # --audit-date 2026-11-15: the 12 months ending on it
PERIOD_V9 = "2025-10-16_2026-10-15"
TODAY = "2026-11-20"
SECRET_FACTS = "Remarques insistantes de Gaston Vérinard à la pause du 5 novembre"
SECRET_PEOPLE = "Gaston Vérinard ; Ophélie Quernec"
SECRET_WORDS = ("Vérinard", "Verinard", "Quernec", "insistantes", "Ophélie")

HOT = ("Horodateur,Adresse e-mail,Comment évaluez-vous l'accueil ?,Le contenu de la formation,"
       "L'équipe pédagogique,Les moyens mis à disposition,L'accompagnement,"
       "Recommanderiez-vous cette formation à un collègue ?,Vous êtes-vous senti(e) accompagné(e) ?,"
       "Commentaire libre,Jeton (ne pas modifier)\r\n")
MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
          "novembre", "décembre")
NEEDS = "Horodateur,Quels sont vos objectifs pour cette formation ?,Jeton (ne pas modifier)\r\n"


def _app() -> typer.Typer:
    """qualikit's app when audit-pack is registered there; else a small app holding it."""
    if any(c.name == "audit-pack" for c in main_app.registered_commands):
        return main_app
    from qualikit.cli import audit

    extra = typer.Typer()

    @extra.callback()
    def _main() -> None:
        """audit-pack, before its registration in qualikit.cli."""

    extra.command("audit-pack")(audit.command)
    return extra


def run(*args: str, app=None) -> str:
    result = CliRunner().invoke(app or main_app, list(args))
    assert result.exit_code == 0, result.output + repr(result.exception)
    return result.output


def pack(root: Path, *args: str) -> str:
    result = CliRunner().invoke(_app(), ["audit-pack", "-p", str(root), "--today", TODAY, *args])
    assert result.exit_code == 0, result.output + repr(result.exception)
    return result.output


def _token(root: Path, survey: str, session: str, learner: str) -> str:
    from qualikit.base.tokens import project_secret, survey_token

    return survey_token(project_secret(root), survey, session, learner)


def _journey(root: Path, *, reminders: bool = True) -> None:
    p = str(root)
    run("onboard", "excel-2026-10-15", "-p", p, "--today", "2026-10-08")
    run("onboard", "parole-2026-11-04", "-p", p, "--today", "2026-10-28")
    if reminders:
        for day in ("2026-10-14", "2026-10-17"):
            run("remind", "-p", p, "--today", day)
    run("close-session", "excel-2026-10-15", "-p", p, "--today", "2026-10-17")
    if reminders:
        for day in ("2026-10-20", "2026-11-03", "2026-11-06"):
            run("remind", "-p", p, "--today", day)
    run("close-session", "parole-2026-11-04", "-p", p, "--today", "2026-11-07")
    if reminders:
        run("remind", "-p", p, "--today", "2026-11-10")


@pytest.fixture(scope="module")
def base(tmp_path_factory) -> Path:
    """The demo after its journey: onboarding, reminders, closings, surveys, registers."""
    root = shutil.copytree(DEMO, tmp_path_factory.mktemp("base") / "demo")
    _journey(root)
    p = str(root)
    hot = tmp_path_factory.getbasetemp() / "chaud.csv"
    hot.write_text(HOT + "".join(
        f"07/11/2026 18:0{n}:00,x{n}@example.com,5,4,5,4,5,9,Oui,\"Très concret <b>merci</b> & bravo\","
        f"{_token(root, 'chaud', 'parole-2026-11-04', lid)}\r\n"
        for n, lid in enumerate(("karim-haddad", "nathalie-fabre", "lea-chevalier"))), encoding="utf-8")
    run("survey", "import", str(hot), "-p", p, "--today", "2026-11-10")
    for survey in ("besoins", "positionnement"):
        export = tmp_path_factory.getbasetemp() / f"{survey}.csv"
        export.write_text(NEEDS + "".join(
            f"01/10/2026 10:0{n}:00,Animer des réunions,{_token(root, survey, sid, lid)}\r\n"
            for n, (sid, lid) in enumerate((("parole-2026-11-04", "karim-haddad"),
                                            ("excel-2026-10-15", "camille-roux")))), encoding="utf-8")
        run("survey", "import", str(export), "--enquete", survey, "-p", p, "--today", "2026-11-10")
    for session in ("excel-2026-10-15", "parole-2026-11-04"):
        run("survey", "review", session, "-p", p, "--note", "4", "--reussites", "Mises en situation",
            "--today", "2026-11-10")
    run("incident", "add", "-t", "réclamation", "--de", "karim-haddad", "-s", "parole-2026-11-04", "-c", "e-mail",
        "-o", "Support de cours reçu en retard", "--recu-le", "2026-11-08 10:00", "-p", p, "--today", "2026-11-08")
    run("risk", "init", "-p", p, "--today", "2026-11-10")
    from qualikit.quality.registers.procedures import NAMES

    for name in NAMES:
        run("procedure", "adopt", name, "--date", "2026-09-01", "-p", p, "--today", "2026-11-10")
    _violence_report(root)
    return root


def _violence_report(root: Path) -> None:
    from qualikit.quality.registers import reports, store

    document = reports.load(root)
    report = reports.new_report(document.register, day=date(2026, 11, 5), facts=SECRET_FACTS, people=SECRET_PEOPLE,
                                measures=("Entretien avec Ophélie Quernec",), orientation=("3919",))
    store.append(root, document, report)


@pytest.fixture
def demo(base, tmp_path) -> Path:
    return shutil.copytree(base, tmp_path / "demo")


def statuses(folder: Path) -> dict[int, str]:
    from openpyxl import load_workbook

    ws = load_workbook(folder / "index.xlsx", read_only=True)["Indicateurs"]
    return {row[0]: row[4] for row in ws.iter_rows(min_row=2, values_only=True)}


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            self.links += [v for k, v in attrs if k == "href" and v]


def _sources(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest() for p in root.rglob("*")
            if p.is_file() and not p.relative_to(root).as_posix().startswith(("audit/", ".qualikit/cache"))}


# --- the 2026 grid -------------------------------------------------------------------------------------------


def test_2026_pack_has_a_folder_per_applicable_indicator_and_links_that_open(demo):
    from qualikit.audit.pack import profile_of, verify_manifest
    from qualikit.project.load import load_project
    from qualikit.referentiel import applicable, grid_for

    before = _sources(demo)
    output = pack(demo, "--audit-date", "2026-11-15", "--zip")
    assert "Référentiel national qualité 2026" in output
    folder = demo / "audit" / PERIOD_2026
    assert _sources(demo) == before  # nothing in the project was touched

    grid = grid_for(date(2026, 11, 15))
    rows = applicable(grid, profile_of(load_project(demo).project))
    names = {p.name for p in folder.iterdir() if p.is_dir()}
    for ind, applies, _ in rows:
        assert any(n.startswith(f"{ind.number:02d}-") for n in names) == applies, ind.number
    assert len(rows) == 33

    html = (folder / "index.html").read_text(encoding="utf-8")
    assert "Référentiel national qualité 2026" in html
    assert "violences sexistes et sexuelles" in html  # the 2026 wording of 12
    assert "une analyse des risques sur la qualité des formations délivrées" in html  # ... and of 32
    parser = _Links()
    parser.feed(html)
    files = [link for link in parser.links if not link.startswith("#")]
    assert len(files) > 30
    for link in files:
        assert not re.match(r"^[a-z]+:", link) and not link.startswith("/"), link
        assert (folder / unquote(link)).is_file(), link

    twelve = next(folder.glob("12-*"))
    assert (twelve / "procedure-violences-harcelement-discriminations.pdf").is_file()
    assert (twelve / "procedure-abandons-relances.pdf").is_file()
    assert (twelve / "tableau-retention.xlsx").is_file() and (twelve / "journal-relances.xlsx").is_file()
    _assert_typed_workbooks(twelve)
    thirty_two = next(folder.glob("32-*"))
    assert (thirty_two / "registre-risques.xlsx").is_file()
    assert (thirty_two / "procedure-amelioration-continue.pdf").is_file()
    assert (next(folder.glob("30-*")) / "rapport-enquetes.pdf").is_file()

    status = statuses(folder)
    assert status[31] == status[30] == "prouvé"
    assert status[32] == "partiel"  # the action opened at the drop-out has no owner nor deadline yet
    # answers from two learners only, no signed attendance sheet: not proved for everyone
    assert status[4] == status[8] == status[12] == "partiel"
    assert status[17] == status[23] == "à fournir par vous"
    # the demo's RS0000 session: its results arrive on 16/11, after this audit date; 7 and 16 are proved
    assert status[3] == "partiel" and status[7] == status[16] == "prouvé"

    assert verify_manifest(folder) == []
    manifest = (folder / "manifest.sha256").read_text(encoding="utf-8")
    assert manifest.count("données connues à la date du 15/11/2026") == 1  # the audit date, not --today
    assert "Référentiel national qualité 2026" in manifest
    with zipfile.ZipFile(demo / "audit" / f"{PERIOD_2026}.zip") as z:
        listed = {n.removeprefix(PERIOD_2026 + "/") for n in z.namelist()}
    assert listed == {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}


def _started(root: Path, day: date) -> list[tuple[str, str]]:
    """(session, learner) of every learner who began a session by `day`."""
    from qualikit.project.load import load_project
    from qualikit.project.model import Status

    project = load_project(root).project
    return [(s.id, e.learner_id) for s in project.sessions if s.days and s.start <= day for e in s.enrolments
            if not (e.status is Status.ABANDON and e.dropout_date and e.dropout_date < s.start)]


def _links(html: str) -> list[str]:
    parser = _Links()
    parser.feed(html)
    return parser.links


def test_proved_means_every_learner_of_the_period_has_the_proof(demo):
    """The sample shows what a proof looks like; « prouvé » needs it for everyone, else the index names who lacks it."""
    import html as html_lib

    pack(demo, "--audit-date", "2026-11-15")
    folder = demo / "audit" / PERIOD_2026
    index = html_lib.unescape((folder / "index.html").read_text(encoding="utf-8"))
    assert statuses(folder)[4] == "partiel"
    assert "sans analyse des besoins : " in index and "Nathalie Fabre (parole-2026-11-04)" in index
    assert "jamais convoqué par qualikit : Karim Haddad (parole-2026-11-04)" in index  # no signed contract
    assert "sans feuille d'émargement signée" in index

    export = demo / "besoins-tous.csv"
    export.write_text(NEEDS + "".join(
        f"01/10/2026 10:{n:02d}:00,Animer des réunions,{_token(demo, 'besoins', sid, lid)}\r\n"
        for n, (sid, lid) in enumerate(_started(demo, date(2026, 11, 15)))), encoding="utf-8")
    run("survey", "import", str(export), "--enquete", "besoins", "-p", str(demo), "--today", "2026-11-10")
    signed = []
    for sid in ("excel-2026-10-15", "reunion-2026-10-26", "parole-2026-11-04", "excel-2026-11-12"):
        scans = demo / "sortie" / sid / "emargements-signes"
        scans.mkdir(parents=True)
        from qualikit.project.load import load_project

        session = load_project(demo).project.session(sid)
        for day in session.days:
            for half, _ in day.halves():
                name = f"{day.date.isoformat()}-{half.value.replace('è', 'e')}.pdf"
                (scans / name).write_bytes(b"%PDF-1.4 scan")
                signed.append(name)
    pack(demo, "--audit-date", "2026-11-15")
    status = statuses(folder)
    assert status[4] == "prouvé"
    index = html_lib.unescape((folder / "index.html").read_text(encoding="utf-8"))
    assert "sans feuille d'émargement signée" not in index
    assert status[12] == "partiel"  # Karim Haddad was never convoked: still said
    twelve = next(folder.glob("12-*"))
    copied = sorted(p.name for p in twelve.rglob("emargement-*"))
    assert copied and all(p.endswith(".pdf") for p in copied)


def test_every_proved_indicator_cites_whole_files_and_signed_attendance(demo):
    """What the index says « prouvé » opens: every cited file exists and is not empty; attendance is signed."""
    pack(demo, "--audit-date", "2026-11-15")
    folder = demo / "audit" / PERIOD_2026
    status = statuses(folder)
    index = (folder / "index.html").read_text(encoding="utf-8")
    for number, state in status.items():
        if state != "prouvé":
            continue
        block = index.split(f'id="indicateur-{number}"', 1)[1].split("</details>", 1)[0]
        for link in _links(block):
            if link.startswith("#"):
                continue
            target = folder / unquote(link)
            assert target.is_file() and target.stat().st_size > 0, (number, link)
            assert "vierge" not in link  # a blank sheet proves no attendance
    for sheet in folder.rglob("emargement*"):
        assert sheet.parent.parent.name.startswith("12-") and "emargements-signes" not in sheet.name


def test_three_learners_followed_end_to_end_in_date_order(demo):
    import html as html_lib
    import re

    pack(demo, "--audit-date", "2026-11-15")
    folder = demo / "audit" / PERIOD_2026
    index = (folder / "index.html").read_text(encoding="utf-8")
    pages = sorted({link for link in _links(index) if link.startswith("00-parcours/") and link.endswith(".html")})
    assert len(pages) == 3
    seen_roles = html_lib.unescape(index)
    assert "(particulier)" in seen_roles and "(abandon ou adaptation)" in seen_roles
    for page in pages:
        text = (folder / page).read_text(encoding="utf-8")
        days = [date(int(y), MONTHS.index(m) + 1, int(d.replace("1er", "1")))
                for d, m, y in re.findall(r'<td class="when">\w+\s(1er|\d+)\s(\w+)\s(\d{4})', text)]
        assert days and days == sorted(days), page
        for link in [link for link in _links(text) if not link.startswith("../")]:
            target = (folder / page).parent / unquote(link)
            assert target.is_file() and target.stat().st_size > 0, link
    dumas = (folder / "00-parcours" / "pierre-dumas.html").read_text(encoding="utf-8")
    assert len([link for link in _links(dumas) if not link.startswith("../")]) >= 6
    for step in ("Convocation", "Rappel J-1", "Émargement", "Abandon", "Certificat de réalisation"):
        assert step.lower() in html_lib.unescape(dumas).lower(), step
    assert "remplacement imprévu" not in dumas  # the learner's own words stay in the project


def test_the_public_results_page_names_nobody_and_quotes_no_one(demo):
    pack(demo, "--audit-date", "2026-11-15")
    page = next((demo / "audit" / PERIOD_2026).glob("02-*")) / "indicateurs-resultats.html"
    import html as html_lib

    text = html_lib.unescape(page.read_text(encoding="utf-8"))
    from qualikit.project.load import load_project

    project = load_project(demo).project
    for learner in project.learners:
        assert learner.last_name not in text, learner.full_name
    assert "Très concret" not in text and "remplacement imprévu" not in text and "chantier" not in text
    assert "Raisons professionnelles (1)" in text


def _assert_typed_workbooks(twelve: Path) -> None:
    """Dates are dates, rates numbers with a percent format: Excel can sort and add them up."""
    from openpyxl import load_workbook

    sessions = load_workbook(twelve / "tableau-retention.xlsx")["Par session"]
    assert sessions.freeze_panes == "A2" and sessions.auto_filter.ref.startswith("A1:N")
    header = [c.value for c in sessions[1]]
    rows = [dict(zip(header, (c for c in row), strict=True)) for row in sessions.iter_rows(min_row=2)]
    parole = next(r for r in rows if r["Session"].value == "parole-2026-11-04")
    assert isinstance(parole["Début"].value, datetime) and parole["Début"].number_format == "DD/MM/YYYY"
    assert parole["Début"].value.date() == date(2026, 11, 4)
    rate = parole["Taux d'abandon"]
    assert isinstance(rate.value, float) and abs(rate.value - 1 / 6) < 1e-9 and "%" in rate.number_format
    assert isinstance(parole["Inscrits"].value, int)
    log = load_workbook(twelve / "journal-relances.xlsx")["Relances et suivis"]
    assert log.freeze_panes == "A2" and log.auto_filter.ref
    assert isinstance(log["A2"].value, datetime) and log["A2"].number_format == "DD/MM/YYYY HH:MM"


def test_sampling_keeps_at_most_two_learners_per_session(demo):
    pack(demo, "--audit-date", "2026-11-15")
    folder = demo / "audit" / PERIOD_2026
    eleven = next(folder.glob("11-*"))
    for session in ("excel-2026-10-15", "parole-2026-11-04"):
        learners = {p.name.split("-attestation")[0] for p in (eleven / session).glob("*-attestation-*.pdf")}
        assert 1 <= len(learners) <= 2
    html = (folder / "index.html").read_text(encoding="utf-8")
    assert "Échantillon" in html and "sortie/&lt;session&gt;/" in html


def test_v9_grid_before_november_2026(demo):
    output = pack(demo, "--audit-date", "2026-10-15")
    assert "V9" in output
    folder = demo / "audit" / PERIOD_V9
    status = statuses(folder)
    assert sorted(status) == list(range(1, 33))
    html = (folder / "index.html").read_text(encoding="utf-8")
    assert "Référentiel national qualité — V9" in html
    assert "violences sexistes" not in html
    twelve = next(folder.glob("12-*"))
    assert not (twelve / "procedure-violences-harcelement-discriminations.pdf").exists()
    assert not (next(folder.glob("32-*")) / "registre-risques.xlsx").exists()


def test_settings_audit_date_picks_the_grid(demo):
    from qualikit.audit.pack import choose_audit_date
    from qualikit.project.load import load_project

    p = load_project(demo).project
    assert choose_audit_date(p, None, date(2026, 12, 1)) == date(2026, 12, 1)
    text = (demo / "organisation.yaml").read_text(encoding="utf-8")
    (demo / "organisation.yaml").write_text(text.replace("parametres:\n", "parametres:\n  date_audit: 2026-10-15\n"),
                                            encoding="utf-8")
    assert "V9" in pack(demo)
    assert (demo / "audit" / PERIOD_V9 / "index.html").is_file()


# --- statuses follow the data ----------------------------------------------------------------------------------


def test_removing_the_complaint_register_turns_31_partial(demo):
    pack(demo, "--audit-date", "2026-11-15")
    assert statuses(demo / "audit" / PERIOD_2026)[31] == "prouvé"
    (demo / "registre-reclamations.yaml").unlink()
    (demo / "registre-risques.yaml").unlink()
    pack(demo, "--audit-date", "2026-11-15")
    after = statuses(demo / "audit" / PERIOD_2026)
    assert after[31] == "partiel"  # the procedure remains, the register is gone
    assert after[32] == "partiel"
    html = (demo / "audit" / PERIOD_2026 / "index.html").read_text(encoding="utf-8")
    assert "qualikit incident add" in html and "qualikit risk init" in html


def test_without_reminders_12_is_partial(tmp_path):
    root = shutil.copytree(DEMO, tmp_path / "demo")
    _journey(root, reminders=False)
    pack(root, "--audit-date", "2026-11-15")
    folder = root / "audit" / PERIOD_2026
    status = statuses(folder)
    assert status[12] == "partiel"
    assert status[30] == "manquant" and status[31] == "partiel"
    assert not (next(folder.glob("12-*")) / "journal-relances.xlsx").exists()
    assert "qualikit remind" in (folder / "index.html").read_text(encoding="utf-8")


def test_files_dropped_in_preuves_prove_an_indicator_qualikit_cannot(demo):
    (demo / "preuves" / "23").mkdir(parents=True)
    (demo / "preuves" / "23" / "Veille réglementaire 2026.pdf").write_bytes(b"%PDF-1.4 veille")
    pack(demo, "--audit-date", "2026-11-15")
    folder = demo / "audit" / PERIOD_2026
    assert statuses(folder)[23] == "prouvé"
    copied = next(folder.glob("23-*")) / "vos-pieces" / "Veille-reglementaire-2026.pdf"
    assert copied.read_bytes() == b"%PDF-1.4 veille"


def test_new_entrant_mode_defers_what_is_audited_at_surveillance(demo):
    from qualikit.audit.pack import build_pack
    from qualikit.base.clock import Clock
    from qualikit.project.journal_check import open_journal
    from qualikit.project.load import load_project

    text = (demo / "organisation.yaml").read_text(encoding="utf-8")
    (demo / "organisation.yaml").write_text(text.replace("parametres:\n", "parametres:\n  nouvel_entrant: oui\n"),
                                            encoding="utf-8")
    (demo / "registre-ameliorations.yaml").unlink()
    project = load_project(demo).project
    assert project.settings.new_entrant
    result = build_pack(project, demo, open_journal(demo, Clock()).entries(), today=date(2026, 11, 20),
                        audit_date=date(2026, 11, 15))
    by_number = {r.number: r for r in result.indicators}
    assert by_number[32].status == "partiel" and by_number[32].deferred and not by_number[32].gap
    assert any("formalisé" in n for n in by_number[26].notes)


def test_the_audit_kind_is_chosen_when_the_pack_is_written(demo):
    """An initial audit does not ask what only a surveillance audit checks; a renewal asks everything."""
    pack(demo, "--audit-date", "2026-11-15", "--type-audit", "initial")
    folder = demo / "audit" / PERIOD_2026
    index = (folder / "index.html").read_text(encoding="utf-8")
    assert "(audit initial)" in index and "Audit initial</strong>" in index
    assert "(audit initial)" in (folder / "manifest.sha256").read_text(encoding="utf-8")
    pack(demo, "--audit-date", "2026-11-15", "--type-audit", "renouvellement")
    index = (folder / "index.html").read_text(encoding="utf-8")
    assert "(audit de renouvellement)" in index and "Audit initial</strong>" not in index
    bad = CliRunner().invoke(_app(), ["audit-pack", "-p", str(demo), "--today", TODAY, "--type-audit", "blanc"])
    assert bad.exit_code == 1 and "type d'audit" in bad.output


def test_procedures_are_dated_and_versioned(demo):
    from pypdf import PdfReader

    (demo / "registre-procedures.yaml").unlink()
    pack(demo, "--audit-date", "2026-11-15")
    folder = demo / "audit" / PERIOD_2026
    assert statuses(folder)[31] == "partiel"  # the complaints procedure: neither dated nor versioned
    index = (folder / "index.html").read_text(encoding="utf-8")
    assert "ni datée ni versionnée" in index
    p = str(demo)
    for name in ("reclamations-difficultes-aleas", "amelioration-continue"):
        run("procedure", "adopt", name, "--date", "2026-09-01", "-p", p, "--today", "2026-11-10")
    run("procedure", "adopt", "reclamations-difficultes-aleas", "-c", "Accusé de réception sous 24 h",
        "--date", "2026-11-10", "-p", p, "--today", "2026-11-10")
    again = CliRunner().invoke(main_app, ["procedure", "adopt", "reclamations-difficultes-aleas", "-p", p,
                                          "--today", "2026-11-12"])
    assert again.exit_code == 1 and "--changements" in again.output  # a new version says what changes
    pack(demo, "--audit-date", "2026-11-15")
    assert statuses(folder)[31] == "prouvé"
    text = " ".join(PdfReader(next(folder.glob("31-*")) / "procedure-reclamations-difficultes-aleas.pdf")
                    .pages[0].extract_text().split())
    assert "version 2, en vigueur depuis le mardi 10 novembre 2026" in text
    # as of an earlier day, the second version does not exist yet
    pack(demo, "--audit-date", "2026-10-15")
    text = " ".join(PdfReader(next((demo / "audit" / PERIOD_V9).glob("31-*"))
                              / "procedure-reclamations-difficultes-aleas.pdf").pages[0].extract_text().split())
    assert "version 1, en vigueur depuis le mardi 1er septembre 2026" in text


# --- integrity -----------------------------------------------------------------------------------------------


def test_the_same_data_gives_the_same_pack(demo):
    pack(demo, "--audit-date", "2026-11-15", "--zip")
    folder = demo / "audit" / PERIOD_2026
    first = {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()}
    first_zip = (demo / "audit" / f"{PERIOD_2026}.zip").read_bytes()
    pack(demo, "--audit-date", "2026-11-15", "--zip")
    second = {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()}
    assert first == second
    assert (demo / "audit" / f"{PERIOD_2026}.zip").read_bytes() == first_zip
    result = CliRunner().invoke(_app(), ["audit-pack", "-p", str(demo), "--today", "2026-11-21",
                                         "--audit-date", "2026-11-15"])
    assert result.exit_code == 0
    third = {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()}
    assert third == first  # a pack of what was known on the audit date: the day it is made changes nothing
    result = CliRunner().invoke(_app(), ["audit-pack", "-p", str(demo), "--today", "2026-11-14",
                                         "--audit-date", "2026-11-15"])
    assert result.exit_code == 0
    fourth = {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()}
    assert "14/11/2026" in fourth["manifest.sha256"].decode()  # an audit to come: what is known today


def test_a_tampered_file_fails_the_manifest(demo):
    from qualikit.audit.pack import verify_manifest

    pack(demo, "--audit-date", "2026-11-15")
    folder = demo / "audit" / PERIOD_2026
    target = next(next(folder.glob("12-*")).glob("*.xlsx"))
    target.write_bytes(target.read_bytes() + b"x")
    (folder / "ajout.txt").write_text("x")
    problems = verify_manifest(folder)
    assert any("contenu modifié" in p for p in problems) and any("ajout.txt" in p for p in problems)


def _leftovers(root: Path) -> list[str]:
    audit = root / "audit"
    return sorted(p.name for p in audit.iterdir()) if audit.is_dir() else []


@pytest.mark.parametrize("where", ["qualikit.audit.survey_report.render_survey_report",  # while assessing
                                   "qualikit.audit.index.render_index_html"])  # with the files already written
def test_an_interrupted_pack_leaves_no_partial_folder(demo, monkeypatch, where):
    from qualikit.audit.pack import verify_manifest

    def broken(*args, **kwargs):
        raise RuntimeError("panne simulée")

    def interrupted() -> None:
        result = CliRunner().invoke(_app(), ["audit-pack", "-p", str(demo), "--today", TODAY,
                                             "--audit-date", "2026-11-15", "--zip"])
        assert isinstance(result.exception, RuntimeError)

    monkeypatch.setattr(where, broken)
    interrupted()
    assert _leftovers(demo) == []

    monkeypatch.undo()
    pack(demo, "--audit-date", "2026-11-15")
    before = (demo / "audit" / PERIOD_2026 / "manifest.sha256").read_bytes()
    monkeypatch.setattr(where, broken)
    interrupted()
    assert (demo / "audit" / PERIOD_2026 / "manifest.sha256").read_bytes() == before  # the old pack is intact
    assert verify_manifest(demo / "audit" / PERIOD_2026) == []
    assert _leftovers(demo) == [PERIOD_2026]


# --- the violence-report register: counts only ------------------------------------------------------------------


def _texts(path: Path) -> list[str]:
    """Every text a reader could see in a file: raw bytes, PDF text, workbook cells, zip members."""
    raw = path.read_bytes()
    out = [raw.decode("utf-8", "replace"), raw.decode("latin-1")]
    if path.suffix == ".pdf":
        from pypdf import PdfReader

        reader = PdfReader(path)
        out += [page.extract_text() or "" for page in reader.pages]
        out.append(str(reader.metadata))
    elif path.suffix in (".xlsx", ".zip"):
        with zipfile.ZipFile(path) as z:
            out += [z.read(n).decode("utf-8", "replace") for n in z.namelist()]
        if path.suffix == ".xlsx":
            from openpyxl import load_workbook

            book = load_workbook(path, read_only=True)
            out += [str(v) for ws in book.worksheets for row in ws.iter_rows(values_only=True) for v in row if v]
    return out


def test_no_name_or_fact_of_a_violence_report_reaches_the_pack(demo):
    pack(demo, "--audit-date", "2026-11-15", "--zip")
    audit = demo / "audit"
    files = [p for p in audit.rglob("*") if p.is_file()]
    assert len(files) > 40
    for path in files:
        for text in _texts(path):
            for word in SECRET_WORDS:
                assert word not in text, f"{word} in {path}"
    synthese = next((audit / PERIOD_2026).glob("12-*")) / "registre-signalements-synthese.xlsx"
    cells = _texts(synthese)
    assert "Signalements enregistrés" in cells and "1" in cells


def test_survey_report_escapes_comments_and_names_the_grid(demo):
    from pypdf import PdfReader

    pack(demo, "--audit-date", "2026-11-15")
    report = next((demo / "audit" / PERIOD_2026).glob("30-*")) / "rapport-enquetes.pdf"
    text = " ".join(page.extract_text() for page in PdfReader(report).pages)
    assert "Référentiel national qualité 2026" in text
    assert "<b>merci</b> & bravo" in text  # shown as typed, not interpreted
    assert "Financeurs" in text and "bilan du formateur" in text


def test_survey_tokens_are_masked_in_the_packs_email_copies_and_the_journal_head_is_given(demo):
    import re
    from email import policy
    from email.parser import BytesParser

    pack(demo, "--audit-date", "2026-11-15")
    folder = demo / "audit" / PERIOD_2026
    tokens = {t for path in (demo / "outbox").glob("*.eml")
              for t in re.findall(r"token=([a-z2-7]{26})", BytesParser(policy=policy.default).parsebytes(
                  path.read_bytes()).get_body(("plain",)).get_content())}
    assert tokens  # the reminders in outbox/ carry live links…
    copies = sorted(folder.rglob("*.eml"))
    assert copies
    seen = 0
    for path in copies:
        message = BytesParser(policy=policy.default).parsebytes(path.read_bytes())
        for part in message.walk():
            if part.get_content_maintype() == "text":
                text = part.get_content()
                assert not any(t in text for t in tokens), path  # …their copies in the pack do not
                seen += len(re.findall(r"token=[a-z2-7]{4}••••", text))
    assert seen
    assert "Tête du journal" in (folder / "index.html").read_text(encoding="utf-8")

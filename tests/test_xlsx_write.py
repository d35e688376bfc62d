"""The workbook writer on real files: the empty form, YAML → workbook round trip, text safety."""

from __future__ import annotations

import zipfile
from datetime import datetime
from decimal import Decimal
from pathlib import Path, PurePosixPath
from xml.etree import ElementTree as ET

import pytest
from openpyxl import load_workbook

from qualikit.base.diagnostics import Location, Report
from qualikit.project import xlsx_write
from qualikit.project.load import fields as f
from qualikit.project.load import schema as s
from qualikit.project.load.build import build_project
from qualikit.project.load.tables import Cell, Row
from qualikit.project.load.xlsx_source import read_xlsx_project
from qualikit.project.load.yaml_source import read_yaml_project
from qualikit.project.model import Funder, Status
from qualikit.project.xlsx_write import LISTS_SHEET, write_workbook

NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
HERE = Location("test")


def _row(**values) -> Row:
    return Row(HERE, {key: Cell(value, HERE) for key, value in values.items()})


def _validation_for(ws, cell: str):
    return next((dv for dv in ws.data_validations.dataValidation if cell in dv.sqref), None)


def _list_values(book, formula: str) -> list[str]:
    """The choices a drop-down offers: the cells of its range on the Listes sheet."""
    sheet, _, ref = formula.lstrip("=").rpartition("!")
    assert sheet.strip("'") == LISTS_SHEET
    return [c.value for row in book[LISTS_SHEET][ref.replace("$", "")] for c in row]


def _column_letter(table: s.Table, key: str) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter([c.key for c in table.columns].index(key) + 1)


def _sheet_xml(path: Path, sheet: str) -> ET.Element:
    """The XML of one worksheet, found by name through the workbook's relationships."""
    with zipfile.ZipFile(path) as z:
        workbook = ET.fromstring(z.read("xl/workbook.xml"))
        sheets = workbook.iterfind("m:sheets/m:sheet", NS)
        rid = next(e.get(REL) for e in sheets if e.get("name") == sheet)
        rels = ET.fromstring(z.read("xl/_rels/workbook.xml.rels"))
        target = next(e.get("Target") for e in rels if e.get("Id") == rid)
        name = target.lstrip("/") if target.startswith("/") else str(PurePosixPath("xl") / target)
        return ET.fromstring(z.read(name))


def _xml_cell(root: ET.Element, ref: str) -> ET.Element:
    return next(c for c in root.iterfind(".//m:sheetData/m:row/m:c", NS) if c.get("r") == ref)


# --- the empty form -----------------------------------------------------------------------------


def test_empty_workbook_is_a_form_the_reader_accepts(tmp_path):
    path = tmp_path / "qualikit.xlsx"
    write_workbook(path)

    book = load_workbook(path)
    assert book.sheetnames == [t.sheet for t in s.TABLES] + [LISTS_SHEET]
    assert book[LISTS_SHEET].sheet_state == "hidden"
    assert book.active.title == s.ORGANISATION.sheet
    for table in s.TABLES:
        ws = book[table.sheet]
        assert ws.freeze_panes == "A2"
        if table.keyvalue:
            assert [c.value for c in ws[1]] == ["Champ", "Valeur", "Aide"]
            # every field is listed, even empty, so the trainer only fills in column B
            labels = [ws.cell(r, 1).value for r in range(2, ws.max_row + 1)]
            assert labels == [c.label for c in table.columns]
            assert all(ws.cell(r, 2).value is None for r in range(2, ws.max_row + 1))
        else:
            assert [c.value for c in ws[1]] == [c.label for c in table.columns]
            assert ws.max_row == 1
        assert all(c.font.bold for c in ws[1])

    # help: an « Aide » column on key-value sheets, header comments elsewhere
    org = book[s.ORGANISATION.sheet]
    nda_row = 2 + [c.key for c in s.ORGANISATION.columns].index("nda")
    assert "DREETS" in org.cell(nda_row, 3).value
    assert "Obligatoire" in org.cell(2, 3).value  # raison sociale
    objectives = book[s.PROGRAMMES.sheet][f"{_column_letter(s.PROGRAMMES, 'objectifs')}1"]
    assert "comportements observables" in objectives.comment.text
    assert "par ligne" in objectives.comment.text

    # dates and wrapped lists are formatted for the rows still to be typed
    days = book[s.DAYS.sheet]
    assert days.column_dimensions[_column_letter(s.DAYS, "date")].number_format == "DD/MM/YYYY"
    programmes = book[s.PROGRAMMES.sheet]
    objectives_column = programmes.column_dimensions[_column_letter(s.PROGRAMMES, "objectifs")]
    assert objectives_column.alignment.wrap_text
    settings = book[s.SETTINGS.sheet]
    audit_row = 2 + [c.key for c in s.SETTINGS.columns].index("date_audit")
    assert settings.cell(audit_row, 2).number_format == "DD/MM/YYYY"

    # drop-down lists on the choice columns, for many rows, with a French message
    status = _validation_for(book[s.ENROLMENTS.sheet], f"{_column_letter(s.ENROLMENTS, 'statut')}2")
    assert status is not None and status.type == "list"
    assert f"{_column_letter(s.ENROLMENTS, 'statut')}1000" in status.sqref
    assert _list_values(book, status.formula1) == [m.value for m in Status]
    assert status.showErrorMessage and "Choisissez" in status.error
    for table in (s.LEARNERS, s.SESSIONS, s.ENROLMENTS):
        funder = _validation_for(book[table.sheet], f"{_column_letter(table, 'financeur')}2")
        assert funder is not None
        assert _list_values(book, funder.formula1) == [m.value for m in Funder]
    smtp_row = 2 + [c.key for c in s.SETTINGS.columns].index("smtp.securite")
    security = _validation_for(settings, f"B{smtp_row}")
    assert _list_values(book, security.formula1) == ["starttls", "ssl", "aucune"]
    book.close()

    report = Report()
    tables = read_xlsx_project(path, report)
    assert report.errors == []
    assert all(LISTS_SHEET in str(w.loc) for w in report.warnings)  # until the reader skips it
    for table in s.TABLES:
        if table.keyvalue:
            assert len(tables[table.name]) == 1 and tables[table.name][0].cells == {}
        else:
            assert tables[table.name] == []


def test_every_choice_column_has_its_drop_down(tmp_path):
    path = tmp_path / "qualikit.xlsx"
    write_workbook(path)
    book = load_workbook(path)
    for table in s.TABLES:
        ws = book[table.sheet]
        for i, column in enumerate(table.columns):
            ref = f"B{i + 2}" if table.keyvalue else f"{_column_letter(table, column.key)}2"
            validation = _validation_for(ws, ref)
            if not column.parser.choices:
                assert validation is None, (table.name, column.key)
                continue
            assert validation is not None, (table.name, column.key)
            assert len(validation.formula1) <= 255 and len(validation.error) <= 255
            assert _list_values(book, validation.formula1) == list(column.parser.choices)
            # every offered choice is one the loader accepts
            assert all(column.parser(choice) is not None for choice in column.parser.choices)
    book.close()


# --- YAML → workbook → same model ---------------------------------------------------------------

ORGANISATION_YAML = """\
raison_sociale: Formations Dupont
forme_juridique: EI
siret: 123 456 789 00012
nda: "11755555575"
nda_region: Auvergne-Rhône-Alpes
adresse: 12 rue des Lilas
code_postal: "01000"
ville: Bourg-en-Bresse
telephone: "04 74 00 00 00"
email: contact@dupont.fr
site_web: https://dupont.fr
representant_legal:
  nom: Marie Dupont
  qualite: gérante
referent_handicap:
  nom: Marie Dupont
  email: handicap@dupont.fr
reseau_handicap:
  - Agefiph
  - Cap emploi
parametres:
  delai_convocation_jours: 10
  seuil_alerte_abandon: 15 %
  taux_reponse_cible: "72,5"
  nouvel_entrant: oui
  date_audit: 2025-06-30
  enquetes:
    chaud: https://forms.exemple.fr/chaud?t={token}
  smtp:
    hote: smtp.exemple.fr
    port: 465
    securite: SSL
    utilisateur: contact@dupont.fr
formateurs:
  - id: marie
    nom: Marie Dupont
    email: marie@dupont.fr
    qualifications:
      - Master FLE
      - Formatrice certifiée
"""

PROGRAMMES_YAML = """\
- id: excel-1
  intitule: Excel débutant
  objectifs:
    - Créer un tableau simple
    - Utiliser SOMME et MOYENNE
    - "+ mettre en forme un tableau"
  prerequis: Savoir utiliser un ordinateur
  public: Assistants administratifs
  duree_heures: 14
  modalite: présentiel
  methodes: [Exposés, Exercices pratiques]
  prix: "1 250,50 €"
  code_certification: RS5436
  certificat_competences: oui
  mise_a_jour: 2025-01-15
- id: word-2
  intitule: Word perfectionnement
  duree_heures: "10,5"
  modalite: à distance
"""

SESSIONS_YAML = """\
- id: s-2025-03
  programme: excel-1
  formateur: marie
  lieu: 3 place Bellecour, Lyon
  financeur: OPCO
  prix: 2400
  journees:
    - date: 2025-03-10
      matin: 9h-12h30
      apres_midi: 13:30-17:00
    - date: 11/03/2025
      matin: 09:00-12:30
  inscriptions:
    - apprenant: jean-martin
      statut: présent
      date_inscription: 2025-02-01
      financeur: Pôle emploi
    - paul-durand
    - apprenant: lea
      statut: abandonnée
      date_abandon: 2025-03-11
      motif_abandon: "=raison personnelle"
"""

APPRENANTS_YAML = """\
- id: jean-martin
  civilite: M.
  nom: Martin
  prenom: Jean
  email: jean@exemple.fr
  telephone: "06 12 34 56 78"
  financeur: CPF
- id: paul-durand
  civilite: mme
  nom: Durand
  prenom: Paule
  email: paule@exemple.fr
  adaptation: "@ prévoir une salle accessible"
- id: lea
  nom: Roux
  prenom: Léa
  email: lea@exemple.fr
"""

PRESENCES_YAML = """\
- session: s-2025-03
  date: 2025-03-10
  demi_journee: am
  absents: [paul-durand]
- session: s-2025-03
  date: 2025-03-11
  demi_journee: matin
  absents: "paul-durand, lea"
"""

EVALUATIONS_YAML = """\
- session: s-2025-03
  apprenant: jean-martin
  resultats:
    1: acquis
    2: 14/20
    3: en cours d'acquisition
"""


def _yaml_project(root: Path):
    files = {
        "organisation.yaml": ORGANISATION_YAML, "programmes.yaml": PROGRAMMES_YAML,
        "sessions.yaml": SESSIONS_YAML, "apprenants.yaml": APPRENANTS_YAML,
        "presences.yaml": PRESENCES_YAML, "evaluations.yaml": EVALUATIONS_YAML,
    }
    root.mkdir()
    for name, text in files.items():
        (root / name).write_text(text, encoding="utf-8")
    report = Report()
    tables, complete = read_yaml_project(root, report)
    assert report.items == [] and complete
    return tables


def test_yaml_project_round_trips_through_the_workbook(tmp_path):
    tables = _yaml_project(tmp_path / "yaml")
    yaml_report = Report()
    from_yaml = build_project(tables, yaml_report)
    assert yaml_report.items == []

    path = tmp_path / "qualikit.xlsx"
    write_workbook(path, tables)
    read_report = Report()
    read_back = read_xlsx_project(path, read_report)
    assert read_report.errors == []
    xlsx_report = Report()
    from_xlsx = build_project(read_back, xlsx_report)
    assert xlsx_report.items == []

    assert from_xlsx == from_yaml
    # and the comparison is not vacuous
    session = from_xlsx.sessions[0]
    assert len(session.days) == 2 and len(session.enrolments) == 3
    assert session.enrolments[2].status is Status.ABANDON
    assert session.enrolments[0].funder is Funder.FRANCE_TRAVAIL
    assert from_xlsx.programmes[0].objectives[2] == "+ mettre en forme un tableau"
    assert from_xlsx.programmes[0].price == Decimal("1250.5")
    assert from_xlsx.programmes[1].duration_hours == Decimal("10.5")
    assert from_xlsx.organisation.address.postcode == "01000"
    assert from_xlsx.organisation.disability_network == ("Agefiph", "Cap emploi")
    assert from_xlsx.settings.dropout_alert_rate == Decimal("0.15")
    assert from_xlsx.settings.response_target_rate == Decimal("0.725")
    assert from_xlsx.settings.smtp.security == "ssl" and from_xlsx.settings.smtp.port == 465
    assert from_xlsx.attendance[1].absent == ("paul-durand", "lea")
    assert len(from_xlsx.evaluations) == 3 and from_xlsx.evaluations[1].score == Decimal(14)


def test_values_are_written_typed(tmp_path):
    path = tmp_path / "qualikit.xlsx"
    write_workbook(path, _yaml_project(tmp_path / "yaml"))
    book = load_workbook(path)

    programmes = book[s.PROGRAMMES.sheet]

    def cell(key, row=2):
        return programmes[f"{_column_letter(s.PROGRAMMES, key)}{row}"]

    assert cell("mise_a_jour").value == datetime(2025, 1, 15)
    assert cell("mise_a_jour").number_format == "DD/MM/YYYY"
    assert cell("duree_heures").value == 14 and cell("duree_heures").data_type == "n"
    assert cell("duree_heures", 3).value == 10.5
    assert cell("prix").value == 1250.5
    assert cell("modalite").value == "présentiel" and cell("modalite", 3).value == "distanciel"
    assert cell("certificat_competences").value == "oui"
    assert cell("objectifs").value == (
        "Créer un tableau simple\nUtiliser SOMME et MOYENNE\n+ mettre en forme un tableau")
    assert cell("objectifs").alignment.wrap_text
    assert cell("prerequis").value == "Savoir utiliser un ordinateur"

    days = book[s.DAYS.sheet]
    assert [c.value for c in days[2]] == [
        "s-2025-03", datetime(2025, 3, 10), "09:00-12:30", "13:30-17:00", None]  # a_distance: not said
    assert [c.value for c in days[3]] == ["s-2025-03", datetime(2025, 3, 11), "09:00-12:30", None, None]
    enrolments = book[s.ENROLMENTS.sheet]
    # the child rows carry their parent in a Session column
    assert [enrolments.cell(r, 1).value for r in (2, 3, 4)] == ["s-2025-03"] * 3
    assert enrolments["C2"].value == "présent" and enrolments["C4"].value == "abandon"
    assert enrolments["G2"].value == "France Travail"
    learners = book[s.LEARNERS.sheet]
    assert learners[f"{_column_letter(s.LEARNERS, 'civilite')}3"].value == "Mme"
    assert learners[f"{_column_letter(s.LEARNERS, 'telephone')}2"].value == "06 12 34 56 78"

    settings = book[s.SETTINGS.sheet]
    by_label = {settings.cell(r, 1).value: settings.cell(r, 2)
                for r in range(2, settings.max_row + 1)}
    assert by_label["Seuil d'alerte abandon (%)"].value == 15  # read back as 15 %, not 1500 %
    assert by_label["Seuil d'alerte abandon (%)"].number_format == "@"  # typed « 10 % » stays text
    assert by_label["Taux de réponse visé (%)"].value == 72.5
    assert by_label["Date de l'audit"].value == datetime(2025, 6, 30)
    assert by_label["SMTP : sécurité"].value == "ssl"
    assert by_label["Nouvel entrant Qualiopi"].value == "oui"
    assert by_label["Délai d'envoi de la convocation (jours)"].value == 10
    organisation = book[s.ORGANISATION.sheet]
    by_label = {organisation.cell(r, 1).value: organisation.cell(r, 2).value
                for r in range(2, organisation.max_row + 1)}
    assert by_label["SIRET"] == "12345678900012"
    assert by_label["Code postal"] == "01000"
    assert by_label["Réseau handicap"] == "Agefiph\nCap emploi"
    assert by_label["Logo (fichier image)"] is None  # listed, left empty
    book.close()


def test_invalid_values_are_kept_as_written(tmp_path):
    tables = {t.name: [] for t in s.TABLES} | {
        "organisation": [_row(raison_sociale="OF", siret="123")],
        "programmes": [_row(id="p1", intitule="P", duree_heures="douze", mise_a_jour="31/02/2025",
                            modalite="en plein air")],
    }
    yaml_report = Report()
    build_project(tables, yaml_report)
    path = tmp_path / "qualikit.xlsx"
    write_workbook(path, tables)

    book = load_workbook(path)
    programmes = book[s.PROGRAMMES.sheet]
    assert programmes[f"{_column_letter(s.PROGRAMMES, 'duree_heures')}2"].value == "douze"
    assert programmes[f"{_column_letter(s.PROGRAMMES, 'mise_a_jour')}2"].value == "31/02/2025"
    assert programmes[f"{_column_letter(s.PROGRAMMES, 'modalite')}2"].value == "en plein air"
    book.close()

    xlsx_report = Report()
    build_project(read_xlsx_project(path, Report()), xlsx_report)
    assert [d.message for d in xlsx_report.errors] == [d.message for d in yaml_report.errors]
    assert len(xlsx_report.errors) == 4


# --- text safety --------------------------------------------------------------------------------

FORMULAS = ['=HYPERLINK("http://evil.example","clic")', "+33 6 12 34 56 78", "-2+3", "@SUM(A1)",
            "=1+1", "#N/A"]


def test_text_that_looks_like_a_formula_stays_text(tmp_path):
    learners = [
        Row(HERE, {"id": Cell(f"a{i}", HERE), "nom": Cell(text, HERE), "prenom": Cell("x", HERE),
                   "email": Cell("a@b.fr", HERE)})
        for i, text in enumerate(FORMULAS)
    ]
    tables = {
        "organisation": [Row(HERE, {"raison_sociale": Cell("=cmd|' /C calc'!A0", HERE)})],
        "apprenants": learners,
        "formateurs": [Row(HERE, {"id": Cell("t", HERE), "nom": Cell("T", HERE),
                                  "qualifications": Cell([Cell("=A1", HERE), Cell("-B", HERE)],
                                                         HERE)})],
    }
    path = tmp_path / "qualikit.xlsx"
    write_workbook(path, tables)

    sheet = _sheet_xml(path, s.LEARNERS.sheet)
    name = _column_letter(s.LEARNERS, "nom")
    for r, text in enumerate(FORMULAS, start=2):
        c = _xml_cell(sheet, f"{name}{r}")
        assert c.find("m:f", NS) is None
        assert c.get("t") in ("inlineStr", "s")
        assert "".join(t.text for t in c.iterfind(".//m:t", NS)) == text
    assert not any(True for _ in _sheet_xml(path, s.ORGANISATION.sheet).iter(f"{{{NS['m']}}}f"))
    assert not any(True for _ in _sheet_xml(path, s.TRAINERS.sheet).iter(f"{{{NS['m']}}}f"))

    book = load_workbook(path)  # formulas would come back as "=…" with data_type "f"
    cells = [book[s.LEARNERS.sheet][f"{name}{r}"] for r in range(2, 2 + len(FORMULAS))]
    assert [c.data_type for c in cells] == ["s"] * len(FORMULAS)
    book.close()
    report = Report()
    back = read_xlsx_project(path, report)
    assert [row.cells["nom"].value for row in back["apprenants"]] == FORMULAS
    assert back["organisation"][0].cells["raison_sociale"].value == "=cmd|' /C calc'!A0"
    assert back["formateurs"][0].cells["qualifications"].value == "=A1\n-B"


def test_control_characters_are_dropped_not_fatal(tmp_path):
    tables = {"organisation": [_row(raison_sociale="Formations\x01 Dupont\x1f")]}
    path = tmp_path / "qualikit.xlsx"
    write_workbook(path, tables)
    back = read_xlsx_project(path, Report())
    assert back["organisation"][0].cells["raison_sociale"].value == "Formations Dupont"


# --- the file itself ----------------------------------------------------------------------------


def test_write_replaces_atomically_and_leaves_no_temporary_file(tmp_path, monkeypatch):
    path = tmp_path / "qualikit.xlsx"
    write_workbook(path, {"organisation": [_row(raison_sociale="Avant")]})
    write_workbook(path, {"organisation": [_row(raison_sociale="Après")]})
    assert sorted(p.name for p in tmp_path.iterdir()) == ["qualikit.xlsx"]
    organisation = read_xlsx_project(path, Report())["organisation"][0]
    assert organisation.cells["raison_sociale"].value == "Après"

    before = path.read_bytes()

    def broken_save(self, target):
        target.write(b"PK half a workbook")
        raise OSError("disque plein")

    monkeypatch.setattr("openpyxl.workbook.workbook.Workbook.save", broken_save)
    with pytest.raises(OSError, match="disque plein"):
        write_workbook(path, None)
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["qualikit.xlsx"]


def test_percent_and_big_numbers_keep_their_value():
    percent = s.SETTINGS.column("seuil_alerte_abandon")
    assert xlsx_write._native(percent, "10 %") == 10
    assert f.PERCENT(xlsx_write._native(percent, "12,5 %")) == f.PERCENT("12,5 %")
    price = s.PROGRAMMES.column("prix")
    exact = "1234567890.123456789"
    assert f.POSITIVE(xlsx_write._native(price, exact)) == Decimal(exact)  # too precise for a float
    # before Excel's first date: kept as text
    assert xlsx_write._native(s.DAYS.column("date"), "0202-03-01") == "0202-03-01"

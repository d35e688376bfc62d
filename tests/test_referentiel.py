"""The two Qualiopi grids: data validated strictly, chosen by the audit date, applicability per profile."""

from __future__ import annotations

import copy
from datetime import date, datetime
from importlib import resources
from pathlib import Path

import pytest
import yaml

from qualikit.referentiel import (
    QUALIKIT_PROOFS,
    GridDataError,
    Profile,
    applicable,
    available_grids,
    grid_for,
    load_grid,
    parse_grid,
)
from qualikit.referentiel import grids as grids_module

# qualiopi.md, "Weighting of non-conformities" (arrêté du 6 juin 2019, art. 5)
MAJOR_ONLY = {4, 5, 6, 7, 10, 11, 14, 15, 16, 20, 21, 22, 26, 27, 29, 31, 32}
GRADUATED_V9 = {1, 2, 3, 8, 9, 12, 13, 17, 18, 19, 23, 24, 25, 28, 30}
# qualiopi.md, "New entrants"
NEW_ENTRANTS_RELAXED = {2, 3, 11, 13, 14, 19, 22, 24, 25, 26, 32}
# qualiopi.md, "Which indicators apply": a solo trainer, no certifying training, no alternance, no subcontracting
SOLO = {1, 2, 4, 5, 6, 8, 9, 10, 11, 12, 17, 18, 19, 21, 22, 23, 24, 25, 26, 30, 31, 32}
REWORDED_2026 = {1, 2, 3, 7, 12, 14, 15, 19, 20, 27, 30, 31, 32}

SOLO_PROFILE = Profile(longest_training_days=3)  # trainings of 2 days or less, but one of 3 days


def applying(grid_id: str, profile: Profile) -> set[int]:
    return {ind.number for ind, applies, _ in applicable(load_grid(grid_id), profile) if applies}


def reasons(grid_id: str, profile: Profile) -> dict[int, str]:
    return {ind.number: why for ind, applies, why in applicable(load_grid(grid_id), profile) if not applies}


# ---------------------------------------------------------------- choice by date

@pytest.mark.parametrize(
    ("day", "grid_id", "count"),
    [
        (date(2026, 10, 15), "rnq-v9", 32),
        (date(2026, 10, 31), "rnq-v9", 32),
        (date(2026, 11, 1), "rnq-2026", 33),
        (date(2026, 11, 15), "rnq-2026", 33),
        (date(2023, 3, 1), "rnq-v9", 32),
        (date(2040, 1, 1), "rnq-2026", 33),
    ],
)
def test_grid_for_chooses_by_audit_date(day: date, grid_id: str, count: int) -> None:
    grid = grid_for(day)
    assert grid.id == grid_id
    assert len(grid.indicators) == count


def test_grid_for_accepts_a_datetime() -> None:
    assert grid_for(datetime(2026, 10, 31, 23, 30)).id == "rnq-v9"


def test_grid_says_its_period() -> None:
    assert load_grid("rnq-v9").period == "audits jusqu'au 31/10/2026"
    assert load_grid("rnq-2026").period == "audits à partir du 01/11/2026"


def test_unknown_grid_id() -> None:
    with pytest.raises(LookupError, match="rnq-2026, rnq-v9"):
        load_grid("rnq-v8")


# ---------------------------------------------------------------- the data files, strictly

@pytest.mark.parametrize(("grid_id", "count"), [("rnq-v9", 32), ("rnq-2026", 33)])
def test_data_file_is_complete_and_consistent(grid_id: str, count: int) -> None:
    grid = load_grid(grid_id)
    assert [ind.number for ind in grid.indicators] == list(range(1, count + 1))
    assert [c.number for c in grid.criteria] == list(range(1, 8))
    major = {ind.number for ind in grid.indicators if ind.weighting == "majeur_seul"}
    graduated = {ind.number for ind in grid.indicators if ind.weighting == "gradue"}
    assert major == MAJOR_ONLY
    assert graduated == (GRADUATED_V9 if count == 32 else GRADUATED_V9 | {33})
    relaxed = {ind.number for ind in grid.indicators if ind.new_entrants != "application"}
    assert relaxed == NEW_ENTRANTS_RELAXED
    assert grid.indicator(23).new_entrants == "application"  # 23 is not relaxed
    for ind in grid.indicators:
        assert set(ind.qualikit_proofs) <= QUALIKIT_PROOFS
        assert ind.expected_proofs and ind.expected_level and ind.wording
    # the criteria of V9, by indicator
    by_criterion = {1: {1, 2, 3}, 2: {4, 5, 6, 7, 8}, 3: set(range(9, 17)), 4: set(range(17, 21)),
                    5: {21, 22}, 6: set(range(23, 30)), 7: {30, 31, 32}}
    for criterion, numbers in by_criterion.items():
        assert {ind.number for ind in grid.indicators if ind.criterion == criterion} - {33} == numbers


def test_v9_in_force_dates() -> None:
    v9, new = load_grid("rnq-v9"), load_grid("rnq-2026")
    assert (v9.valid_from, v9.valid_until) == (None, date(2026, 10, 31))
    assert (new.valid_from, new.valid_until) == (date(2026, 11, 1), None)
    assert [g.id for g in available_grids()] == ["rnq-v9", "rnq-2026"]


def test_2026_rewordings() -> None:
    v9, new = load_grid("rnq-v9"), load_grid("rnq-2026")
    assert not any(ind.modified for ind in v9.indicators)
    assert {ind.number for ind in new.indicators if ind.modified} == REWORDED_2026 | {33}
    assert all(ind.change for ind in new.indicators if ind.modified)
    assert "violence" in new.indicator(12).wording
    assert "violences sexistes et sexuelles" in new.indicator(12).wording
    assert "violence" not in v9.indicator(12).wording
    assert "analyse des risques" in new.indicator(32).wording
    assert "en précisant de manière transparente leurs modalités de calcul" in new.indicator(2).wording
    assert "vérifie l'effectivité de leur suivi" in new.indicator(19).wording
    assert "financeurs (le cas échéant)" in new.indicator(30).wording
    assert "ainsi que des aléas" in new.indicator(31).wording
    assert "modalités pédagogiques et de financements" in new.indicator(1).wording
    assert {"procedure_violences", "registre_signalements"} <= set(new.indicator(12).qualikit_proofs)
    assert "registre_risques" in new.indicator(32).qualikit_proofs
    assert new.indicator(33).applicability == ("apprentissage",)
    # what the décret did not touch keeps the V9 text
    for ind in new.indicators:
        if not ind.modified:
            assert ind.wording == v9.indicator(ind.number).wording
            assert ind.weighting == v9.indicator(ind.number).weighting


# ---------------------------------------------------------------- applicability

@pytest.mark.parametrize("grid_id", ["rnq-v9", "rnq-2026"])
def test_solo_trainer_gets_the_22_indicators(grid_id: str) -> None:
    assert applying(grid_id, SOLO_PROFILE) == SOLO


def test_indicator_12_needs_a_training_longer_than_2_days_in_v9() -> None:
    short = Profile(longest_training_days=2)
    assert applying("rnq-v9", short) == SOLO - {12}
    assert reasons("rnq-v9", short)[12] == "non applicable : aucune formation de plus de 2 jours"
    assert applying("rnq-v9", Profile(longest_training_days=2.5)) == SOLO
    # unknown duration: 12 is kept
    assert 12 in applying("rnq-v9", Profile())


def test_indicator_12_applies_to_every_training_in_2026() -> None:
    # the violence-prevention duty added in 2026 is not limited to long trainings (see the data file's note)
    assert applying("rnq-2026", Profile(longest_training_days=1)) == SOLO


def test_not_applicable_reasons_are_french() -> None:
    why = reasons("rnq-v9", SOLO_PROFILE)
    assert why[3] == why[7] == why[16] == "non applicable : aucune formation certifiante"
    assert why[27] == "non applicable : aucun recours à la sous-traitance ni au portage salarial"
    assert set(why) == set(range(1, 33)) - SOLO
    assert all(why.values())


@pytest.mark.parametrize("grid_id", ["rnq-v9", "rnq-2026"])
def test_certifying_adds_3_7_16(grid_id: str) -> None:
    assert applying(grid_id, Profile(certifying=True, longest_training_days=3)) == SOLO | {3, 7, 16}


@pytest.mark.parametrize(("grid_id", "extra"), [("rnq-v9", set()), ("rnq-2026", {33})])
def test_apprenticeship_adds_13_14_15_20_29(grid_id: str, extra: set[int]) -> None:
    cfa = Profile(apprenticeship=True, longest_training_days=3)
    # 28 too: an apprenticeship always includes periods in a company (guide V9, indicator 28)
    assert applying(grid_id, cfa) == SOLO | {13, 14, 15, 20, 29} | {28} | extra


def test_alternance_company_periods_and_subcontracting() -> None:
    assert applying("rnq-v9", Profile(alternance=True, longest_training_days=3)) == SOLO | {13, 28}
    assert applying("rnq-v9", Profile(company_periods=True, longest_training_days=3)) == SOLO | {28}
    assert applying("rnq-v9", Profile(uses_subcontracting=True, longest_training_days=3)) == SOLO | {27}


def test_work_done_only_as_subcontractor_drops_public_information() -> None:
    sub = Profile(acts_as_subcontractor_only=True, certifying=True, longest_training_days=3)
    assert applying("rnq-v9", sub) == (SOLO | {7, 16}) - {1, 2}  # and 3 (guide V9)
    assert reasons("rnq-v9", sub)[1].startswith("non applicable : prestations réalisées uniquement en sous-traitance")


# ---------------------------------------------------------------- malformed data is refused at load

def _raw(grid_id: str) -> dict:
    text = (resources.files("qualikit.referentiel") / f"{grid_id}.yaml").read_text(encoding="utf-8")
    return yaml.safe_load(text)


def _mutated(change) -> str:
    data = copy.deepcopy(_raw("rnq-v9"))
    change(data)
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


def _set(path: tuple, value):
    def change(data):
        node = data
        for key in path[:-1]:
            node = node[key]
        node[path[-1]] = value
    return change


def _delete(path: tuple):
    def change(data):
        node = data
        for key in path[:-1]:
            node = node[key]
        del node[path[-1]]
    return change


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (_set(("indicateurs", 11, "ponderation"), "majeure"), "indicateur 12 : ponderation : valeur « majeure »"),
        (_delete(("indicateurs", 4)), "indicateur 6 : numéro 6 au lieu de 5"),
        (_set(("indicateurs", 4, "numero"), 4), "numéro 4 au lieu de 5"),
        (_set(("indicateurs", 0, "applicabilite"), ["certifiante"]), "valeur « certifiante » inconnue"),
        (_set(("indicateurs", 0, "applicabilite"), []), "« toujours » ou une liste non vide"),
        (_set(("indicateurs", 0, "preuves_qualikit"), ["fiche"]), "valeur « fiche » inconnue"),
        (_set(("indicateurs", 0, "couleur"), "bleu"), "clé(s) inconnue(s) : couleur"),
        (_delete(("indicateurs", 0, "enonce")), "clé(s) manquante(s) : enonce"),
        (_set(("indicateurs", 0, "enonce"), ""), "un texte non vide"),
        (_set(("indicateurs", 0, "critere"), 9), "critère 9 inexistant"),
        (_set(("indicateurs", 0, "modifie_2026"), True), "clé(s) inconnue(s) : modifie_2026"),
        (_set(("indicateurs", 1, "nouveaux_entrants"), "allege"), "nouveaux_entrants : valeur « allege »"),
        (_delete(("indicateurs", 1, "nouveaux_entrants_detail")), "nouveaux_entrants_detail manquant"),
        (_set(("nombre_indicateurs",), 33), "32 indicateurs pour 33 déclarés"),
        (_set(("en_vigueur_au",), "fin octobre"), "une date AAAA-MM-JJ"),
        (_set(("en_vigueur_du",), date(2027, 1, 1)), "antérieure à en_vigueur_du"),
        (_set(("id",), "rnq-v8"), "ne correspond pas au nom du fichier"),
    ],
)
def test_malformed_data_raises_a_clear_error(change, message: str) -> None:
    with pytest.raises(GridDataError, match=r"rnq-v9\.yaml") as error:
        parse_grid(_mutated(change), "qualikit/referentiel/rnq-v9.yaml", expected_id="rnq-v9")
    assert message in str(error.value)


def test_modification_flag_needs_its_text() -> None:
    data = copy.deepcopy(_raw("rnq-2026"))
    del data["indicateurs"][11]["modification_2026"]
    with pytest.raises(GridDataError, match="modifie_2026: true va de pair"):
        parse_grid(yaml.safe_dump(data, allow_unicode=True), "rnq-2026.yaml")


def test_duplicate_keys_and_bad_yaml_are_refused() -> None:
    text = (resources.files("qualikit.referentiel") / "rnq-v9.yaml").read_text(encoding="utf-8")
    doubled = text.replace("    ponderation: gradue\n", "    ponderation: gradue\n    ponderation: majeur_seul\n", 1)
    with pytest.raises(GridDataError, match="clé « ponderation » en double"):
        parse_grid(doubled, "rnq-v9.yaml")
    with pytest.raises(GridDataError, match=r"rnq-v9\.yaml, ligne \d+ : YAML invalide"):
        parse_grid(text.replace("nombre_indicateurs: 32", "nombre_indicateurs: [32", 1), "rnq-v9.yaml")


# ---------------------------------------------------------------- the next grid is a data file, not code

@pytest.fixture
def data_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for grid_id in ("rnq-v9", "rnq-2026"):
        text = (resources.files("qualikit.referentiel") / f"{grid_id}.yaml").read_text(encoding="utf-8")
        (tmp_path / f"{grid_id}.yaml").write_text(text, encoding="utf-8")
    monkeypatch.setattr(grids_module, "_data_folder", lambda: tmp_path)
    load_grid.cache_clear()
    available_grids.cache_clear()
    yield tmp_path
    load_grid.cache_clear()
    available_grids.cache_clear()


def _next_grid(folder: Path, close_2026: bool) -> None:
    data = _raw("rnq-2026")
    data.update(id="rnq-2030", nom="Référentiel national qualité 2030", en_vigueur_du=date(2030, 1, 1))
    for ind in data["indicateurs"]:
        ind.pop("modifie_2026", None)
        ind.pop("modification_2026", None)
    (folder / "rnq-2030.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    if close_2026:
        old = (folder / "rnq-2026.yaml").read_text(encoding="utf-8")
        (folder / "rnq-2026.yaml").write_text(old.replace("en_vigueur_au: null", "en_vigueur_au: 2029-12-31"),
                                              encoding="utf-8")


def test_a_new_data_file_is_a_new_grid(data_folder: Path) -> None:
    _next_grid(data_folder, close_2026=True)
    assert grid_for(date(2029, 12, 31)).id == "rnq-2026"
    assert grid_for(date(2030, 1, 1)).id == "rnq-2030"
    assert [g.id for g in available_grids()] == ["rnq-v9", "rnq-2026", "rnq-2030"]


def test_overlapping_grids_are_refused(data_folder: Path) -> None:
    _next_grid(data_folder, close_2026=False)
    with pytest.raises(GridDataError, match="« rnq-2026 » et « rnq-2030 » se chevauchent"):
        grid_for(date(2030, 6, 1))


def test_a_gap_between_grids_is_reported(data_folder: Path) -> None:
    (data_folder / "rnq-2026.yaml").unlink()
    with pytest.raises(LookupError, match="aucune grille Qualiopi en vigueur le 15/11/2026"):
        grid_for(date(2026, 11, 15))


# ---------------------------------------------------------------- packaging

def test_data_files_sit_inside_the_package() -> None:
    folder = resources.files("qualikit.referentiel")
    assert (folder / "rnq-v9.yaml").is_file()
    assert (folder / "rnq-2026.yaml").is_file()

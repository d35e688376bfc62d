"""The Qualiopi grids (référentiel national qualité) as typed data, one YAML file per grid in this folder.

The grid of an audit is chosen by its date among ALL the data files found here, from their in-force
dates: the next grid is a new data file, not new code. The files are qualikit's own data, not the
user's: a malformed one raises GridDataError at load, naming the file and the indicator.

Applicability (`applicabilite` in the files): `toujours`, or a list of conditions. The trigger
conditions are alternatives (the indicator applies when ANY holds for the provider); the restriction
`hors_sous_traitance_subie` must hold as well (the indicator never applies to work done only as a
subcontractor). A list holding only the restriction means "always, except for subcontracted work".
"""

from __future__ import annotations

import functools
import itertools
import math
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from importlib.resources.abc import Traversable

Weighting = Literal["majeur_seul", "gradue"]
NewEntrants = Literal["formalisation", "application", "non_applicable_initial"]

WEIGHTINGS: tuple[str, ...] = ("majeur_seul", "gradue")
NEW_ENTRANTS: tuple[str, ...] = ("formalisation", "application", "non_applicable_initial")
ALWAYS = "toujours"

# What qualikit itself can produce as proof (`preuves_qualikit`): a fixed vocabulary.
QUALIKIT_PROOFS: frozenset[str] = frozenset({
    "fiche_programme", "indicateurs_resultats", "analyse_besoins", "objectifs_programme", "deroule_programme",
    "positionnement", "convocations", "livret_accueil", "emails_envoyes", "suivi_apprenants", "adaptations",
    "evaluations_finales", "attestations", "certificats_realisation", "emargements", "journal_relances",
    "tableau_retention", "procedure_abandons", "procedure_violences", "registre_signalements",
    "ressources_pedagogiques", "referent_handicap", "reseau_handicap", "procedure_handicap",
    "sous_traitance", "enquetes", "rapport_enquetes",
    "registre_reclamations", "procedure_reclamations", "registre_ameliorations", "registre_risques",
    "procedure_amelioration", "veille", "formation_formateur", "moyens_techniques",
    "taux_certification", "tableau_croise_certification", "presentation_certification",
})


@dataclass(frozen=True, kw_only=True)
class Profile:
    """What the provider does, as far as applicability goes.

    `longest_training_days`: the longest training in days; unknown (the default) counts as more than
    2 days, so indicator 12 is kept rather than silently dropped.
    """

    certifying: bool = False               # trainings leading to an RNCP/RS certification
    alternance: bool = False               # contrats de professionnalisation, alternating internships
    company_periods: bool = False          # any period in a company: internship, AFEST…
    apprenticeship: bool = False           # CFA
    uses_subcontracting: bool = False      # uses subcontractors or portage salarial
    acts_as_subcontractor_only: bool = False  # works only as another provider's subcontractor
    longest_training_days: float = math.inf


# Trigger conditions: (test on the profile, French reason when it does not hold).
TRIGGERS: dict[str, tuple[Callable[[Profile], bool], str]] = {
    "certifiant": (lambda p: p.certifying, "aucune formation certifiante"),
    "alternance": (lambda p: p.alternance, "aucune formation en alternance"),
    "periode_entreprise": (lambda p: p.company_periods, "aucune période de formation en entreprise"),
    "apprentissage": (lambda p: p.apprenticeship, "aucune formation par apprentissage"),
    "sous_traitance_recours": (lambda p: p.uses_subcontracting,
                               "aucun recours à la sous-traitance ni au portage salarial"),
    "plus_de_2_jours": (lambda p: p.longest_training_days > 2, "aucune formation de plus de 2 jours"),
}
# Restrictions: (test on the profile, French reason when it does not hold).
RESTRICTIONS: dict[str, tuple[Callable[[Profile], bool], str]] = {
    "hors_sous_traitance_subie": (
        lambda p: not p.acts_as_subcontractor_only,
        "prestations réalisées uniquement en sous-traitance (cela relève du donneur d'ordres)",
    ),
}
CONDITIONS: tuple[str, ...] = (*TRIGGERS, *RESTRICTIONS)


@dataclass(frozen=True)
class Criterion:
    number: int
    title: str


@dataclass(frozen=True)
class Indicator:
    number: int
    criterion: int
    title: str                       # short title
    wording: str                     # full wording in this grid
    weighting: Weighting
    applicability: tuple[str, ...]   # () = toujours; else conditions (see the module docstring)
    new_entrants: NewEntrants
    expected_level: str
    expected_proofs: tuple[str, ...]
    qualikit_proofs: tuple[str, ...]
    new_entrants_detail: str | None = None
    nonconformity: str | None = None       # the guide's text on non-conformity
    subcontracted_work: str | None = None  # the guide's text on work done as a subcontractor
    modified: bool = False                 # reworded by this grid (`modifie_2026` in rnq-2026)
    change: str | None = None              # what changed, in French
    wording_to_confirm: bool = False       # wording reconstructed or incomplete: check the official text
    note: str | None = None

    @property
    def major_only(self) -> bool:
        return self.weighting == "majeur_seul"

    @property
    def always(self) -> bool:
        return not self.applicability


@dataclass(frozen=True)
class Grid:
    id: str
    name: str
    legal_text: str
    valid_from: date | None   # None: no start bound
    valid_until: date | None  # inclusive; None: no end
    criteria: tuple[Criterion, ...]
    indicators: tuple[Indicator, ...]
    source: str | None = None
    note: str | None = None

    def indicator(self, number: int) -> Indicator:
        for ind in self.indicators:
            if ind.number == number:
                return ind
        raise KeyError(f"{self.name} : pas d'indicateur {number}")

    def in_force_on(self, day: date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_until is None or day <= self.valid_until)

    @property
    def period(self) -> str:
        """`audits jusqu'au 31/10/2026`, `audits à partir du 01/11/2026`…, to say which grid was used."""
        start, end = self.valid_from, self.valid_until
        if start and end:
            return f"audits du {start:%d/%m/%Y} au {end:%d/%m/%Y}"
        if end:
            return f"audits jusqu'au {end:%d/%m/%Y}"
        if start:
            return f"audits à partir du {start:%d/%m/%Y}"
        return "tous les audits"


class GridDataError(ValueError):
    """A grid data file shipped with qualikit is malformed: a bug in qualikit, not in the user's files."""


# ---------------------------------------------------------------- public API

@functools.cache
def load_grid(grid_id: str) -> Grid:
    """The grid in `<grid_id>.yaml` beside this module; LookupError if there is none."""
    files = _data_files()
    if grid_id not in files:
        known = ", ".join(sorted(files)) or "aucune"
        raise LookupError(f"grille Qualiopi « {grid_id} » inconnue (disponibles : {known})")
    source = f"qualikit/referentiel/{grid_id}.yaml"
    try:
        text = files[grid_id].read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise GridDataError(f"{source} : lecture impossible ({exc})") from exc
    return parse_grid(text, source, expected_id=grid_id)


@functools.cache
def available_grids() -> tuple[Grid, ...]:
    """Every grid of the package, oldest first; GridDataError if two in-force periods overlap."""
    grids = sorted((load_grid(grid_id) for grid_id in _data_files()), key=lambda g: g.valid_from or date.min)
    for older, newer in itertools.pairwise(grids):
        if older.valid_until is None or older.valid_until >= (newer.valid_from or date.min):
            raise GridDataError(f"les périodes de vigueur de « {older.id} » et « {newer.id} » se chevauchent")
    return tuple(grids)


def grid_for(audit_date: date) -> Grid:
    """The grid in force on the audit date (the last day of the audit if it spans several)."""
    day = audit_date.date() if isinstance(audit_date, datetime) else audit_date
    for grid in available_grids():
        if grid.in_force_on(day):
            return grid
    raise LookupError(f"aucune grille Qualiopi en vigueur le {day:%d/%m/%Y}")


def applicable(grid: Grid, profile: Profile) -> list[tuple[Indicator, bool, str]]:
    """Each indicator of the grid, whether it applies to this provider, and the French reason when not."""
    return [(ind, *_applies(ind, profile)) for ind in grid.indicators]


def _applies(ind: Indicator, profile: Profile) -> tuple[bool, str]:
    triggers = [c for c in ind.applicability if c in TRIGGERS]
    if triggers and not any(TRIGGERS[c][0](profile) for c in triggers):
        return False, "non applicable : " + ", ".join(TRIGGERS[c][1] for c in triggers)
    for condition in ind.applicability:
        if condition in RESTRICTIONS and not RESTRICTIONS[condition][0](profile):
            return False, "non applicable : " + RESTRICTIONS[condition][1]
    return True, ""


# ---------------------------------------------------------------- data files

def _data_folder() -> Traversable:
    from importlib import resources  # lazily, like yaml: about 15 ms

    return resources.files(__package__ or "qualikit.referentiel")


def _data_files() -> dict[str, Traversable]:
    return {entry.name[: -len(".yaml")]: entry for entry in _data_folder().iterdir()
            if entry.name.endswith(".yaml") and entry.is_file()}


@functools.cache
def _loader() -> type:
    """A safe YAML loader that refuses duplicate keys (PyYAML would silently keep the last one)."""
    import yaml  # lazily: importing the package stays cheap

    base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

    class StrictLoader(base):  # type: ignore[misc, valid-type]
        def construct_mapping(self, node: Any, deep: bool = False) -> dict[Any, Any]:
            seen: set[Any] = set()
            for key_node, _ in node.value:
                key = self.construct_object(key_node, deep=True)
                if key in seen:
                    raise yaml.constructor.ConstructorError(
                        None, None, f"clé « {key} » en double", key_node.start_mark)
                seen.add(key)
            return super().construct_mapping(node, deep)

    return StrictLoader


def parse_grid(text: str, source: str = "<grille>", *, expected_id: str | None = None) -> Grid:
    """Parse and strictly validate one grid data file; GridDataError on the first problem."""
    import yaml

    try:
        data = yaml.load(text, Loader=_loader())  # a SafeLoader subclass
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f", ligne {mark.line + 1}" if mark else ""
        raise GridDataError(f"{source}{where} : YAML invalide ({exc.problem or exc.context})") from exc
    except yaml.YAMLError as exc:
        raise GridDataError(f"{source} : YAML invalide ({exc})") from exc
    return _Reader(source).grid(data, expected_id)


_GRID_KEYS = {"id", "nom", "texte", "en_vigueur_du", "en_vigueur_au", "nombre_indicateurs", "criteres",
              "indicateurs"}
_GRID_OPTIONAL = {"source", "note"}
_IND_KEYS = {"numero", "critere", "titre", "enonce", "ponderation", "applicabilite", "nouveaux_entrants",
             "niveau_attendu", "preuves_attendues", "preuves_qualikit"}
_IND_OPTIONAL = {"nouveaux_entrants_detail", "non_conformite", "sous_traitance_subie", "enonce_a_confirmer", "note"}
_ID = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


class _Reader:
    """Strict validation of one data file; every error names the file and where in it."""

    def __init__(self, source: str) -> None:
        self.source = source

    def fail(self, where: str, problem: str) -> GridDataError:
        return GridDataError(f"{self.source} : {where} : {problem}" if where else f"{self.source} : {problem}")

    def mapping(self, value: Any, where: str, required: set[str], optional: Iterable[str] = ()) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise self.fail(where, "un dictionnaire (clé: valeur) est attendu")
        missing = sorted(required - value.keys())
        if missing:
            raise self.fail(where, "clé(s) manquante(s) : " + ", ".join(missing))
        unknown = sorted(str(k) for k in value.keys() - required - set(optional))
        if unknown:
            raise self.fail(where, "clé(s) inconnue(s) : " + ", ".join(unknown))
        return value

    def text(self, value: Any, where: str) -> str:
        if not isinstance(value, str) or not value.strip():
            raise self.fail(where, "un texte non vide est attendu")
        if value != value.strip():
            raise self.fail(where, "espaces en trop en début ou en fin de texte")
        return value

    def optional_text(self, value: Any, where: str) -> str | None:
        return None if value is None else self.text(value, where)

    def integer(self, value: Any, where: str) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise self.fail(where, "un entier positif est attendu")
        return value

    def boolean(self, value: Any, where: str) -> bool:
        if not isinstance(value, bool):
            raise self.fail(where, "true ou false est attendu")
        return value

    def day(self, value: Any, where: str) -> date | None:
        if value is None:
            return None
        if isinstance(value, str):
            try:
                value = date.fromisoformat(value)
            except ValueError:
                pass
        if not isinstance(value, date) or isinstance(value, datetime):
            raise self.fail(where, "une date AAAA-MM-JJ (ou null) est attendue")
        return value

    def choice(self, value: Any, where: str, allowed: Iterable[str]) -> str:
        allowed = tuple(allowed)
        if value not in allowed:
            raise self.fail(where, f"valeur « {value} » inconnue (attendu : {', '.join(allowed)})")
        return value

    def texts(self, value: Any, where: str, *, allow_empty: bool = False) -> tuple[str, ...]:
        if not isinstance(value, list) or (not value and not allow_empty):
            raise self.fail(where, "une liste " + ("" if allow_empty else "non vide ") + "est attendue")
        items = tuple(self.text(item, f"{where}[{i}]") for i, item in enumerate(value))
        if len(set(items)) != len(items):
            raise self.fail(where, "élément en double")
        return items

    def grid(self, data: Any, expected_id: str | None) -> Grid:
        data = self.mapping(data, "", _GRID_KEYS, _GRID_OPTIONAL)
        grid_id = self.text(data["id"], "id")
        if not _ID.fullmatch(grid_id):
            raise self.fail("id", f"« {grid_id} » : minuscules, chiffres et tirets seulement")
        if expected_id is not None and grid_id != expected_id:
            raise self.fail("id", f"« {grid_id} » ne correspond pas au nom du fichier (« {expected_id} »)")
        valid_from = self.day(data["en_vigueur_du"], "en_vigueur_du")
        valid_until = self.day(data["en_vigueur_au"], "en_vigueur_au")
        if valid_from and valid_until and valid_from > valid_until:
            raise self.fail("en_vigueur_au", "antérieure à en_vigueur_du")
        criteria = self.criteria(data["criteres"])
        declared = self.integer(data["nombre_indicateurs"], "nombre_indicateurs")
        indicators = self.indicators(data["indicateurs"], {c.number for c in criteria}, valid_from)
        if len(indicators) != declared:
            raise self.fail("indicateurs", f"{len(indicators)} indicateurs pour {declared} déclarés")
        return Grid(
            id=grid_id,
            name=self.text(data["nom"], "nom"),
            legal_text=self.text(data["texte"], "texte"),
            valid_from=valid_from,
            valid_until=valid_until,
            criteria=criteria,
            indicators=indicators,
            source=self.optional_text(data.get("source"), "source"),
            note=self.optional_text(data.get("note"), "note"),
        )

    def criteria(self, value: Any) -> tuple[Criterion, ...]:
        if not isinstance(value, list) or not value:
            raise self.fail("criteres", "une liste non vide est attendue")
        out = []
        for i, item in enumerate(value, start=1):
            where = f"critère n° {i} de la liste"
            item = self.mapping(item, where, {"numero", "titre"})
            number = self.integer(item["numero"], f"{where} : numero")
            if number != i:
                raise self.fail(where, f"numéro {number} au lieu de {i} (critères numérotés 1, 2, 3… dans l'ordre)")
            out.append(Criterion(number, self.text(item["titre"], f"critère {number} : titre")))
        return tuple(out)

    def indicators(self, value: Any, criteria: set[int], valid_from: date | None) -> tuple[Indicator, ...]:
        if not isinstance(value, list) or not value:
            raise self.fail("indicateurs", "une liste non vide est attendue")
        # `modifie_<year>` / `modification_<year>` are allowed for the year the grid comes into force.
        year = valid_from.year if valid_from else None
        modified_key, change_key = (f"modifie_{year}", f"modification_{year}") if year else ("", "")
        optional = _IND_OPTIONAL | ({modified_key, change_key} if year else set())
        out = []
        for i, item in enumerate(value, start=1):
            label = item.get("numero", f"n° {i} de la liste") if isinstance(item, dict) else f"n° {i} de la liste"
            where = f"indicateur {label}"
            item = self.mapping(item, where, _IND_KEYS, optional)
            number = self.integer(item["numero"], f"{where} : numero")
            if number != i:
                raise self.fail(where, f"numéro {number} au lieu de {i} (indicateurs numérotés 1, 2, 3… "
                                       "dans l'ordre, chacun une seule fois)")
            criterion = self.integer(item["critere"], f"{where} : critere")
            if criterion not in criteria:
                raise self.fail(where, f"critère {criterion} inexistant")
            modified = self.boolean(item.get(modified_key, False), f"{where} : {modified_key}")
            change = self.optional_text(item.get(change_key), f"{where} : {change_key}")
            if modified != (change is not None):
                raise self.fail(where, f"{modified_key}: true va de pair avec un texte {change_key}")
            new_entrants = self.choice(item["nouveaux_entrants"], f"{where} : nouveaux_entrants", NEW_ENTRANTS)
            new_entrants_detail = self.optional_text(item.get("nouveaux_entrants_detail"),
                                                     f"{where} : nouveaux_entrants_detail")
            if new_entrants != "application" and new_entrants_detail is None:
                raise self.fail(where, "nouveaux_entrants_detail manquant (le texte du guide qui justifie "
                                       f"« {new_entrants} »)")
            proofs = self.texts(item["preuves_qualikit"], f"{where} : preuves_qualikit", allow_empty=True)
            for proof in proofs:
                self.choice(proof, f"{where} : preuves_qualikit", sorted(QUALIKIT_PROOFS))
            out.append(Indicator(
                number=number,
                criterion=criterion,
                title=self.text(item["titre"], f"{where} : titre"),
                wording=self.text(item["enonce"], f"{where} : enonce"),
                weighting=self.choice(item["ponderation"], f"{where} : ponderation", WEIGHTINGS),  # type: ignore[arg-type]
                applicability=self.applicability(item["applicabilite"], f"{where} : applicabilite"),
                new_entrants=new_entrants,  # type: ignore[arg-type]
                expected_level=self.text(item["niveau_attendu"], f"{where} : niveau_attendu"),
                expected_proofs=self.texts(item["preuves_attendues"], f"{where} : preuves_attendues"),
                qualikit_proofs=proofs,
                new_entrants_detail=new_entrants_detail,
                nonconformity=self.optional_text(item.get("non_conformite"), f"{where} : non_conformite"),
                subcontracted_work=self.optional_text(item.get("sous_traitance_subie"),
                                                      f"{where} : sous_traitance_subie"),
                modified=modified,
                change=change,
                wording_to_confirm=self.boolean(item.get("enonce_a_confirmer", False),
                                                f"{where} : enonce_a_confirmer"),
                note=self.optional_text(item.get("note"), f"{where} : note"),
            ))
        return tuple(out)

    def applicability(self, value: Any, where: str) -> tuple[str, ...]:
        if value == ALWAYS:
            return ()
        if not isinstance(value, list) or not value:
            raise self.fail(where, f"« {ALWAYS} » ou une liste non vide de conditions est attendu")
        for condition in value:
            self.choice(condition, where, CONDITIONS)
        if len(set(value)) != len(value):
            raise self.fail(where, "condition en double")
        return tuple(value)

"""Which form tool made the export, and what each of its columns means.

A preset recognises a tool from its fixed columns (and, for the two Google
Forms CSVs which share their headers, from the timestamp's shape), then says
where the submission time, the token and the completion status are. Question
columns are matched to normalised fields by keywords (French and English);
a user mapping `{header: field}` overrides everything. Values are normalised
here too: « 5 - Tout à fait » → 5, « 4,0 » → 4, « Oui » → True.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, tzinfo

from qualikit.base.clock import PARIS
from qualikit.base.diagnostics import Location, Report, quote
from qualikit.quality.surveys.moments import day_order, parse_moment
from qualikit.quality.surveys.readers import Cell, RawTable

# -- normalised fields -------------------------------------------------------------------------------

TOKEN, SUBMITTED, IGNORE = "token", "submitted_at", "ignore"


@dataclass(frozen=True)
class Field:
    name: str
    kind: str  # scale | bool | text | any
    low: int | None = None
    high: int | None = None


FIELDS: dict[str, Field] = {f.name: f for f in (
    # hot survey: the five CPF criteria, NPS, "did you feel supported", free comment
    Field("accueil", "scale", 1, 5),
    Field("contenu", "scale", 1, 5),
    Field("equipe", "scale", 1, 5),
    Field("moyens", "scale", 1, 5),
    Field("accompagnement", "scale", 1, 5),
    Field("nps", "scale", 0, 10),
    Field("accompagne", "bool"),
    Field("commentaire", "text"),
    # cold survey
    Field("utilisation", "any"),
    Field("resultats", "text"),
    Field("obstacles", "text"),
    Field("soutien_manager", "any"),
    Field("besoins_suivants", "text"),
    # generic
    Field("satisfaction", "scale", 1, 5),
)}

# Keyword rules on the header's words (accents and case folded, punctuation → spaces, padded with
# spaces). Tried in order, first match wins: specific before generic ("senti accompagné" before
# "accompagnement", comments before criteria so « Remarques sur le formateur » stays a comment).
RULES: tuple[tuple[str, str], ...] = (
    ("accompagne", r" sentie?s?( e)?( [a-z]+)? accompagn| felt (supported|accompanied)"
                   r"| feel (supported|accompanied)"),
    ("nps", r" recommander| recommanderiez| recommandiez| recommend(?!ation)| nps "),
    ("soutien_manager", r" managers?| hierarchi| superieure? | responsable(?! pedagogique)| employeur| n 1 "
                        r"| supervisor"),
    ("utilisation", r" utilisez vous| avez vous (pu )?(utilise|reutilise|mis en pratique|applique)| mise? en pratique"
                    r"| mettre en pratique| mettez en pratique| reutilis| appliquez| mises? en (oe)?uvre"
                    r"| put into practice| are you (using|applying)| have you (used|applied)| do you use"),
    ("resultats", r" resultats?| results?| benefices?| impacts?| gains? "),
    ("obstacles", r" obstacles?| freins?| difficultes?| barriers?| empeche| hindered"),
    ("besoins_suivants", r" besoins? (de |en )?formation| nouveaux? besoins?| prochaine formation| autres? formations?"
                         r"| aur(i)?ez vous besoin| formations? complementaires?| aller plus loin| next training"
                         r"| further training| training needs| other trainings?"),
    ("commentaire", r" commentaires?| remarques?| suggestions?| observations?| precisez| pourquoi| ajouter"
                    r"| expression libre| texte libre| ameliorer| ameliorations?| points? forts?| points? faibles?"
                    r"|^ comments? $| comments | any comment| other comment| additional comment| feedback | improve"
                    r"| why "),
    ("equipe", r" equipes? | formateurs?| formatrices?| intervenante?s?| animat| trainers?| teachers?| instructors?"
               r"| teaching| facilitat"),
    ("accueil", r" accueil| welcome| reception| onboarding"),
    ("contenu", r" contenus?| content| programme| program "),
    ("accompagnement", r" accompagnement| guidance| support (you |that you )?(received|provided|given)| support from"
                       r"| individual support| personal support| suivi (individuel|personnalise|pedagogique)"),
    ("moyens", r" moyens| mis a disposition| materiels?| supports?| locaux| salles?| outils| plateformes?"
               r"| ressources| resources?| materials?| equipment| facilities| tools| support "),
    ("satisfaction", r" satisf| note globale| appreciation| overall| attentes| expectations| rating| globalement"),
)
_RULES = tuple((name, re.compile(pattern)) for name, pattern in RULES)

# Question codes (LimeSurvey code headings, Tally/Typeform short titles) taken as they are.
ALIASES = {
    "accueil": "accueil", "welcome": "accueil", "contenu": "contenu", "content": "contenu",
    "equipe": "equipe", "formateur": "equipe", "trainer": "equipe", "moyens": "moyens",
    "accompagnement": "accompagnement", "accomp": "accompagnement", "support": "accompagnement",
    "nps": "nps", "reco": "nps", "recommandation": "nps",
    "accompagne": "accompagne", "senti": "accompagne",
    "commentaire": "commentaire", "commentaires": "commentaire", "comment": "commentaire",
    "comments": "commentaire", "remarques": "commentaire",
    "satisfaction": "satisfaction", "satis": "satisfaction",
    "utilisation": "utilisation", "resultats": "resultats", "obstacles": "obstacles",
    "manager": "soutien_manager", "soutien manager": "soutien_manager", "besoins": "besoins_suivants",
    "besoins suivants": "besoins_suivants",
}

YES = {"oui", "yes", "y", "o", "vrai", "true", "tout a fait", "plutot oui", "oui tout a fait", "absolument"}
NO = {"non", "no", "n", "faux", "false", "pas du tout", "plutot non", "non pas du tout", "pas vraiment",
      "non pas vraiment"}

TOKEN_RE = re.compile(r"[a-z2-7]{26}")
_TOKEN_HEADERS = {"token", "jeton", "code d acces", "access code", "code acces", "jeton d acces"}
_TOKEN_WORD = re.compile(r" (jetons?|tokens?) ")


def fold(text: object) -> str:
    """Lower case without accents or extra spaces, for forgiving header matches."""
    decomposed = unicodedata.normalize("NFKD", str(text))
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return re.sub(r"[\s\u00a0'’_-]+", " ", bare).strip().lower()


def words(text: object) -> str:
    """The folded text as space-padded words, for keyword rules."""
    return " " + re.sub(r"[^a-z0-9#]+", " ", fold(text)).strip() + " "


# -- presets -----------------------------------------------------------------------------------------


def _folded(table: RawTable) -> set[str]:
    return {fold(h) for h in table.headers}


def _first_value(table: RawTable, column: int) -> Cell | None:
    for _, cells in table.rows:
        if column < len(cells) and str(cells[column]).strip():
            return cells[column]
    return None


GOOGLE_STAMPS = ("horodateur", "timestamp", "horodatage", "marca temporal", "zeitstempel")
# Forms › Responses › Download: `2026/01/12 2:03:22 PM UTC+1`, always with a zone
_GOOGLE_FORMS_TIME = re.compile(r"\d{4}/\d{1,2}/\d{1,2} \d{1,2}:\d{2}:\d{2}( [AP]M)? [A-Za-z]+")


def _google(table: RawTable) -> bool:
    return bool(table.headers) and fold(table.headers[0]) in GOOGLE_STAMPS


def _google_forms(table: RawTable) -> bool:
    if not _google(table):
        return False
    first = _first_value(table, 0)
    return isinstance(first, str) and bool(_GOOGLE_FORMS_TIME.match(first.strip()))


def _limesurvey(table: RawTable) -> bool:
    names = _folded(table)
    return any(set(group) <= names for group in (
        ("submitdate", "lastpage", "startlanguage"),
        ("date de soumission", "derniere page", "langue de depart"),
        ("date submitted", "last page", "start language"),
    ))


def _microsoft_forms(table: RawTable) -> bool:
    names = _folded(table)
    return ({"id", "heure de debut", "heure de fin"} <= names
            or {"id", "start time", "completion time"} <= names)


def _tally(table: RawTable) -> bool:
    return {"submission id", "respondent id", "submitted at"} <= _folded(table)


def _typeform(table: RawTable) -> bool:
    names = _folded(table)
    return "submit date (utc)" in names or (
        bool(table.headers) and table.headers[0].strip() == "#" and "network id" in names)


def _framaforms(table: RawTable) -> bool:
    names = _folded(table)
    return {"sid", "serial"} <= names or ({"sid", "submitted time"} <= names)


def _blank(value: Cell | None) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _limesurvey_incomplete(get: Callable[[str], Cell | None]) -> bool:
    for name in ("submitdate", "date de soumission", "date submitted"):
        value = get(name)
        if value is not None:
            return _blank(value)
    return False


def _typeform_incomplete(get: Callable[[str], Cell | None]) -> bool:
    kind = get("response type")
    if kind is not None and fold(kind) == "partial":
        return True
    submitted = get("submit date (utc)")
    return submitted is not None and _blank(submitted)


def _framaforms_incomplete(get: Callable[[str], Cell | None]) -> bool:
    draft = get("draft")
    return draft is not None and fold(draft) in {"1", "yes", "oui", "draft", "brouillon", "true"}


@dataclass(frozen=True)
class Preset:
    name: str
    label: str  # French, for messages
    detect: Callable[[RawTable], bool]
    timestamps: tuple[str, ...]  # folded headers of the submission time, by preference
    zone: tzinfo = PARIS  # the zone of times written without one
    day_first: bool | None = True  # None: French header → day first, English header → month first
    meta: frozenset[str] = frozenset()  # folded headers that are never questions
    incomplete: Callable[[Callable[[str], Cell | None]], bool] | None = None


_PEOPLE = frozenset({
    "adresse e mail", "adresse email", "email address", "email", "e mail", "courriel", "nom d utilisateur",
    "username", "nom", "name", "prenom", "first name", "last name", "firstname", "lastname",
    "score", "score total", "total score", "total points", "adresse de messagerie",
})

PRESETS: tuple[Preset, ...] = (
    Preset("framaforms", "Framaforms", _framaforms, ("submitted time", "completed time"),
           meta=frozenset({"serial", "sid", "submitted time", "completed time", "modified time", "draft",
                           "ip address", "uid", "username"}), incomplete=_framaforms_incomplete),
    Preset("limesurvey", "LimeSurvey", _limesurvey, ("submitdate", "date de soumission", "date submitted"),
           meta=frozenset({"id", "submitdate", "lastpage", "startlanguage", "seed", "startdate", "datestamp",
                           "ipaddr", "refurl", "id de la reponse", "date de soumission", "derniere page",
                           "langue de depart", "tete de serie", "date de lancement",
                           "date de la derniere action", "adresse ip", "url de provenance", "response id",
                           "date submitted", "last page", "start language", "date started",
                           "date last action", "ip address", "referrer url", "interviewtime",
                           "duree totale", "total time", "firstname", "lastname", "email",
                           "prenom", "nom", "courriel"}),
           incomplete=_limesurvey_incomplete),
    Preset("typeform", "Typeform", _typeform, ("submit date (utc)",), zone=UTC,
           meta=frozenset({"#", "response type", "start date (utc)", "stage date (utc)", "submit date (utc)",
                           "network id", "tags", "ending"}), incomplete=_typeform_incomplete),
    Preset("tally", "Tally", _tally, ("submitted at",), zone=UTC,
           meta=frozenset({"submission id", "respondent id", "submitted at"})),
    Preset("microsoft_forms", "Microsoft Forms", _microsoft_forms, ("heure de fin", "completion time"),
           meta=frozenset({"id", "heure de debut", "heure de fin", "adresse de messagerie", "nom",
                           "heure de la derniere modification", "start time", "completion time", "email",
                           "name", "last modified time", "total points"})),
    Preset("google_forms", "Google Forms (téléchargement depuis Forms)", _google_forms, GOOGLE_STAMPS,
           day_first=False, meta=frozenset(GOOGLE_STAMPS)),
    Preset("google_sheets", "Google Forms (feuille Google Sheets)", _google, GOOGLE_STAMPS,
           day_first=None, meta=frozenset(GOOGLE_STAMPS)),
)
GENERIC = Preset("generic", "export générique", lambda table: True, (
    "horodateur", "timestamp", "date de soumission", "submitted at", "submit date", "submitdate",
    "date submitted", "date de reponse", "date de la reponse", "date", "heure de fin", "completion time",
    "submitted time", "created at", "horodatage"))
BY_NAME = {p.name: p for p in (*PRESETS, GENERIC)}


def detect(table: RawTable) -> Preset:
    """The first preset whose detector accepts the table; `generic` otherwise."""
    return next((p for p in PRESETS if p.detect(table)), GENERIC)


# -- columns -----------------------------------------------------------------------------------------


@dataclass
class Columns:
    """Where each piece of an answer sits in the table."""

    preset: Preset
    token: int | None = None
    submitted: int | None = None
    fields: list[tuple[int, str]] = field(default_factory=list)  # (column, field), column order
    # Questions no field matches (a needs analysis asks what it likes): kept as text under their wording.
    questions: list[tuple[int, str]] = field(default_factory=list)
    day_first: bool = True
    meta: dict[str, int] = field(default_factory=dict)  # folded header → first column

    def get(self, cells: list[Cell]) -> Callable[[str], Cell | None]:
        def lookup(name: str) -> Cell | None:
            i = self.meta.get(name)
            return cells[i] if i is not None and i < len(cells) else None
        return lookup


def field_name(value: str) -> str | None:
    """A mapping's target: a known field, token, submitted_at, ignore, or a custom identifier."""
    key = fold(value).replace(" ", "_")
    if key in ("token", "jeton"):
        return TOKEN
    if key in ("submitted_at", "date", "horodateur", "date_de_soumission"):
        return SUBMITTED
    if key in ("", "ignore", "ignorer", "aucun"):
        return IGNORE
    if key in FIELDS:
        return key
    if key in ALIASES:
        return ALIASES[key]
    return key if re.fullmatch(r"[a-z][a-z0-9_]*", key) else None


def classify(header: str, preset: Preset) -> str | None:
    """The field a question header asks about, IGNORE for a quiz column, or None (not recognised)."""
    raw = header.strip()
    if preset.name == "microsoft_forms" and re.match(r"(Points|Feedback|Commentaires) - ", raw):
        return IGNORE
    m = re.fullmatch(r"(.*?)\s*\[([^\]]*)\]", raw, re.S)
    if m:  # `Question [Sub-question]` (LimeSurvey arrays, Google grids): the sub-question says most
        sub = fold(m.group(2))
        if sub in ("score", "points") or (preset.name.startswith("google") and sub in ("commentaires", "feedback")):
            return IGNORE  # quiz columns
        if sub in ("other", "autre"):
            return None
        return _classify(m.group(2)) or _classify(m.group(1))
    return _classify(raw)


def _classify(text: str) -> str | None:
    key = fold(text)
    key = re.sub(r"\s*\d+$", "", key) if re.fullmatch(r"[a-z ]+\d+", key) else key  # MS Forms `Titre2`
    if key in ALIASES:
        return ALIASES[key]
    padded = words(text)
    for name, pattern in _RULES:
        if pattern.search(padded):
            return name
    return None


def _token_score(table: RawTable, column: int) -> tuple[int, int]:
    """(cells holding a token, non-empty cells) in a column."""
    hits = filled = 0
    for _, cells in table.rows:
        value = cells[column] if column < len(cells) else ""
        if _blank(value):
            continue
        filled += 1
        if isinstance(value, str) and find_token(value):
            hits += 1
    return hits, filled


def find_token(value: Cell | None) -> str | None:
    """The token in a cell: the whole cell, else a token-shaped word inside it (a pasted link)."""
    if not isinstance(value, str):
        return None
    text = value.strip().lstrip("'").lower()
    if TOKEN_RE.fullmatch(text):
        return text
    found = re.findall(r"(?<![a-z0-9])[a-z2-7]{26}(?![a-z0-9])", text)
    return found[-1] if len(found) >= 1 and len(set(found)) == 1 else None


def columns(table: RawTable, report: Report, mapping: dict[str, str] | None = None) -> Columns:
    """The preset and the column plan; problems with the mapping or the columns are reported."""
    preset = detect(table)
    folded = [fold(h) for h in table.headers]
    plan = Columns(preset)
    for i, name in enumerate(folded):
        plan.meta.setdefault(name, i)
    chosen: dict[int, str] = {}
    for key, target in (mapping or {}).items():
        name = IGNORE if target is None else field_name(str(target))
        hits = [i for i, h in enumerate(table.headers) if h == key or folded[i] == fold(key)]
        if name is None:
            report.warning(Location(table.source), f"correspondance\u00a0: champ {quote(target)} inconnu pour "
                           f"la colonne {quote(key)}, colonne ignorée")
            name = IGNORE
        if not hits:
            report.warning(Location(table.source), f"correspondance\u00a0: colonne {quote(key)} absente du fichier")
        for i in hits:
            chosen[i] = name

    # the token: mapped, else named token/jeton, else recognised by its values
    mapped = [i for i, n in chosen.items() if n == TOKEN]
    if mapped:
        plan.token = min(mapped)
    else:
        named = [i for i, h in enumerate(folded) if i not in chosen and h in _TOKEN_HEADERS]
        named = named or [i for i, h in enumerate(table.headers) if i not in chosen and _TOKEN_WORD.search(words(h))]
        if named:
            plan.token = max(named, key=lambda i: (_token_score(table, i)[0], -i))
        else:
            best = None
            for i in range(len(table.headers)):
                if i in chosen:
                    continue
                hits, filled = _token_score(table, i)
                if hits and hits * 2 >= filled and (best is None or hits > best[0]):
                    best = (hits, i)
            if best is not None:
                plan.token = best[1]
                report.warning(Location(table.source), "colonne du jeton reconnue à son contenu\u00a0: "
                               f"{quote(table.headers[plan.token])}")

    mapped = [i for i, n in chosen.items() if n == SUBMITTED]
    if mapped:
        plan.submitted = min(mapped)
    else:
        plan.submitted = next((plan.meta[n] for n in preset.timestamps if n in plan.meta), None)

    taken: dict[str, int] = {}
    for i, header in enumerate(table.headers):
        if i in (plan.token, plan.submitted) or not header:
            continue
        name = chosen.get(i)
        if name is None:
            if folded[i] in preset.meta or folded[i] in _PEOPLE:
                continue
            name = classify(header, preset)
            if name is None:
                plan.questions.append((i, " ".join(str(header).split())))
                continue
        if name in (IGNORE, TOKEN, SUBMITTED):
            continue
        kind = FIELDS[name].kind if name in FIELDS else "any"
        if name in taken and kind != "text" and i not in chosen:
            report.warning(table.loc(table.header_line, i),
                           f"la colonne {quote(header)} ressemble aussi à «\u00a0{name}\u00a0» (déjà lue dans "
                           f"{quote(table.headers[taken[name]])})\u00a0: ignorée, précisez la correspondance")
            continue
        taken.setdefault(name, i)
        plan.fields.append((i, name))
    if ignored := [q for _, q in plan.questions]:
        report.warning(Location(table.source), f"{len(ignored)} question(s) sans correspondance, gardée(s) en texte"
                       f"\u00a0: {', '.join(quote(h) for h in ignored[:8])}{' …' if len(ignored) > 8 else ''}")

    default = preset.day_first
    if default is None:
        stamp = folded[plan.submitted] if plan.submitted is not None else ""
        default = stamp != "timestamp"
    values = [cells[plan.submitted] for _, cells in table.rows] if plan.submitted is not None else []
    plan.day_first = day_order(values, default)
    return plan


# -- values ------------------------------------------------------------------------------------------

_NUMBER = re.compile(r"([+-]?\d+(?:[.,]\d+)?)(?:\s*(?:[-–—:/(.]|\s).*)?", re.S)


def clean_text(value: Cell) -> str:
    """Stripped text, LF line ends; the `'` a tool puts before `= + - @` to stop formulas removed.

    The result is a plain string: `=HYPERLINK(…)` stays text, never evaluated.
    """
    text = value if isinstance(value, str) else str(value)
    text = text.replace("\r\n", "\n").replace("\r", "\n").strip()
    if len(text) > 1 and text[0] == "'" and text[1] in "=+-@":
        text = text[1:]
    return text


def _number(value: Cell) -> int | float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        number = value
    else:
        m = _NUMBER.fullmatch(clean_text(value))
        if not m:
            return None
        number = float(m.group(1).replace(",", "."))
    if number != number or number in (float("inf"), float("-inf")):
        return None
    return int(number) if float(number).is_integer() else number


_NOT_FINITE = re.compile(r"[+-]?\s*(?:s?nan|inf(?:inity|ini)?|∞)", re.I)


def _not_finite(value: Cell) -> bool:
    """NaN, inf, -Infinity, sNaN, ∞: what a spreadsheet or a script writes for a failed formula."""
    if isinstance(value, float):
        return value != value or value in (float("inf"), float("-inf"))
    return isinstance(value, str) and _NOT_FINITE.fullmatch(clean_text(value)) is not None


def _yes_no(value: Cell) -> bool | None:
    if isinstance(value, bool):
        return value
    key = re.sub(r"[^a-z ]+", " ", fold(clean_text(value))).strip()
    key = re.sub(r"\s+", " ", key)
    return True if key in YES else False if key in NO else None


@dataclass(frozen=True)
class Value:
    value: object  # None: no answer
    problem: str | None = None  # a value the row cannot be counted with
    kept_text: bool = False  # a scale answered with text (LimeSurvey codes `A1`…): kept as is


def normalise(name: str, value: Cell, preset: Preset | None = None) -> Value:
    """One cell as the field's value; JSON-ready (str, int, float, bool, list of str)."""
    if _blank(value):
        return Value(None)
    spec = FIELDS.get(name, Field(name, "any"))
    if isinstance(value, datetime | date | time):
        return Value(value.isoformat())
    if spec.kind != "text" and _not_finite(value):
        return Value(None, f"{quote(clean_text(value))} n'est pas un nombre fini (attendu\u00a0: une note, "
                           "ex. 4)")
    if spec.kind == "scale":
        number = _number(value)
        if number is None:
            return Value(clean_text(value), kept_text=True)
        if not spec.low <= number <= spec.high:
            return Value(number, f"{quote(clean_text(value))} hors de l'échelle de {spec.low} à {spec.high}")
        return Value(number)
    if spec.kind == "bool":
        answer = _yes_no(value)
        if answer is not None:
            return Value(answer)
        number = _number(value)
        if number in (0, 1) and (not isinstance(value, str) or value.strip() in ("0", "1")):
            return Value(bool(number))  # Typeform yes/no: 1 / 0
        return Value(number if number is not None else clean_text(value))
    text = clean_text(value)
    if not text:
        return Value(None)
    if preset is not None and preset.name == "microsoft_forms" and text.endswith(";") and len(text) > 1:
        return Value([part.strip() for part in text.split(";") if part.strip()])  # multi-select `A;B;`
    if spec.kind == "text":
        return Value(text)
    answer = _yes_no(value)
    if answer is not None:
        return Value(answer)
    if isinstance(value, int | float):
        return Value(_number(value))
    return Value(text)


__all__ = ["BY_NAME", "GENERIC", "PRESETS", "Preset", "Value", "classify", "clean_text", "columns", "detect",
           "find_token", "normalise", "parse_moment"]

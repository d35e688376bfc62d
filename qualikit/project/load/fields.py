"""Typed parsers for single values, shared by the YAML and XLSX loaders.

A parser takes what the file held (a string from YAML, a str/number/datetime
from a cell) and returns the typed value, or raises Invalid saying in French
what was expected. The exception never leaves the loader: the cell reader turns
it into a located Diagnostic.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from enum import Enum
from functools import lru_cache
from typing import Any

from qualikit.base.diagnostics import quote
from qualikit.project.model import TimeRange


class Invalid(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def bad(value: Any, expected: str, why: str = "n'est pas valide") -> Invalid:
    return Invalid(f"{quote(value)} {why} (attendu\u00a0: {expected})")


@dataclass(frozen=True)
class Parser:
    """A named conversion; `expected` is the phrase used in messages and docs."""

    fn: Callable[[Any], Any]
    expected: str
    choices: tuple[str, ...] = ()  # offered as a drop-down list in the workbook

    def __call__(self, value: Any) -> Any:
        return self.fn(value)


def _text(value: Any) -> str:
    if isinstance(value, bool):
        raise bad(value, "du texte")
    if isinstance(value, (datetime, date)):
        raise bad(value, "du texte", "est une date")
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    return text


TEXT = Parser(_text, "du texte")

_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")


def _ident(value: Any) -> str:
    text = _text(value)
    if not _ID.match(text):
        raise bad(text, "lettres sans accents, chiffres, « - », « _ » ou « . », sans espace ; ex. marie-dupont")
    return text


IDENT = Parser(_ident, "un identifiant (lettres, chiffres, tirets)")

_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_EMAIL = re.compile(rf"^[A-Za-z0-9.!#$%&'*+/=?^_`{{|}}~-]+@{_LABEL}(?:\.{_LABEL})+$")


def _email(value: Any) -> str:
    text = _text(value)
    local, _, domain = text.rpartition("@")
    if not _EMAIL.match(text) or len(local) > 64 or "." not in domain or ".." in text:
        raise bad(text, "nom@domaine.fr", "n'est pas une adresse e-mail valide")
    return text


EMAIL = Parser(_email, "une adresse e-mail (nom@domaine.fr)")

_DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d/%m/%y", "%d.%m.%Y")


def _date(value: Any) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = _text(value)
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    if re.match(r"^\d{4}-\d{1,2}-\d{1,2}$|^\d{1,2}/\d{1,2}/\d{2,4}$", text):
        raise bad(text, "une date qui existe, AAAA-MM-JJ ou JJ/MM/AAAA", "n'existe pas")
    raise bad(text, "une date AAAA-MM-JJ ou JJ/MM/AAAA", "n'est pas une date")


DATE = Parser(_date, "une date (AAAA-MM-JJ ou JJ/MM/AAAA)")

_TIME = re.compile(r"^(\d{1,2})\s*[:hH]\s*(\d{2})?$")


def _clock_time(text: str) -> time:
    m = _TIME.match(text.strip())
    if not m:
        raise ValueError
    return time(int(m.group(1)), int(m.group(2) or 0))


def _timerange(value: Any) -> TimeRange:
    text = _text(value)
    parts = re.split(r"\s*(?:-|–|à)\s*", text)
    try:
        if len(parts) != 2:
            raise ValueError
        start, end = (_clock_time(p) for p in parts)
    except ValueError:
        raise bad(text, "une plage horaire comme 09:00-12:30") from None
    if end <= start:
        raise bad(text, "une fin après le début, comme 09:00-12:30", "finit avant de commencer")
    return TimeRange(start, end)


TIMERANGE = Parser(_timerange, "une plage horaire (09:00-12:30)")


# No field of a training project needs a number this large (hours, prices, days, percentages); a
# bound keeps Decimal's arithmetic and int() away from overflows on a typo such as 1e999999999.
_LARGEST_EXPONENT = 12


# what a number field expects, as its messages say it: a whole-number field never shows « 10,5 »
_NUMBER = "un nombre, ex. 14 ou 10,5"
_WHOLE = "un nombre entier, ex. 7 ou 30"
_DAYS = "un nombre entier de jours, ex. -1, 3 ou 90"


def _decimal(value: Any, expected: str = _NUMBER) -> Decimal:
    """A finite number of sensible size; NaN, inf, sNaN, Infinity and 1e999999 are refused."""
    if isinstance(value, bool):
        raise bad(value, expected)
    try:
        if isinstance(value, (int, float)):
            number = Decimal(str(value))
        else:
            text = _text(value).replace("\u00a0", "").replace("\u202f", "").replace(" ", "")
            text = text.removesuffix("€").removesuffix("h").replace(",", ".")
            number = Decimal(text)
    except (ArithmeticError, ValueError):
        raise bad(value, expected) from None
    if not number.is_finite():
        raise bad(value, expected, "n'est pas un nombre fini")
    if number and number.adjusted() > _LARGEST_EXPONENT:
        raise bad(value, expected, "est trop grand")
    return number.normalize()


DECIMAL = Parser(_decimal, "un nombre (ex. 14 ou 10,5)")


def _positive(value: Any) -> Decimal:
    number = _decimal(value)
    if number < 0:
        raise bad(value, "un nombre positif ou nul")
    return number


POSITIVE = Parser(_positive, "un nombre positif (ex. 14 ou 10,5)")


def _integer(value: Any) -> int:
    number = _decimal(value, _WHOLE)
    if number != number.to_integral_value() or number < 0:
        raise bad(value, "un nombre entier positif, ex. 7 ou 30")
    return int(number)


INTEGER = Parser(_integer, "un nombre entier")


def _signed(value: Any) -> int:
    number = _decimal(value, _DAYS)
    if number != number.to_integral_value():
        raise bad(value, _DAYS)
    return int(number)


SIGNED = Parser(_signed, "un nombre entier de jours (-1 = la veille)")


def _percent(value: Any) -> Decimal:
    if isinstance(value, float) and 0 < value < 1:
        return _decimal(value)  # a workbook cell formatted as % holds 0.1 for « 10 % »
    text = value
    if isinstance(value, str):
        text = value.strip().removesuffix("%").strip()
    number = _decimal(text, "un pourcentage entre 0 et 100, ex. 10 %")
    if not 0 <= number <= 100:
        raise bad(value, "un pourcentage entre 0 et 100, ex. 10 %")
    return number / 100


PERCENT = Parser(_percent, "un pourcentage (ex. 10 %)")

_TRUE = {"oui", "o", "vrai", "true", "yes", "x", "1"}
_FALSE = {"non", "n", "faux", "false", "no", "0", ""}


def _boolean(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = fold(_text(value))
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise bad(value, "oui ou non")


BOOLEAN = Parser(_boolean, "oui ou non", ("oui", "non"))

_SIRET = re.compile(r"^\d{14}$")


def _siret(value: Any) -> str:
    text = re.sub(r"[\s\u00a0.]", "", _text(value))
    if not _SIRET.match(text):
        raise bad(value, "les 14 chiffres du SIRET")
    return text


SIRET = Parser(_siret, "un SIRET (14 chiffres)")


def _nda(value: Any) -> str:
    text = re.sub(r"[\s\u00a0]", "", _text(value))
    if not re.match(r"^\d{11}$", text):
        raise bad(value, "les 11 chiffres du numéro de déclaration d'activité")
    return text


NDA = Parser(_nda, "un numéro de déclaration d'activité (11 chiffres)")


def _url(value: Any) -> str:
    text = _text(value)
    if not re.match(r"^https?://[^\s/$.?#][^\s]*$", text):
        raise bad(text, "une adresse web commençant par https://")
    return text


URL = Parser(_url, "une adresse web (https://…)")


def _survey_url(value: Any) -> str:
    text = _url(value)
    if "{token}" not in text:
        raise bad(text, "une adresse contenant {token}, remplacé par le jeton de chaque apprenant",
                  "ne contient pas {token}")
    return text


SURVEY_URL = Parser(_survey_url, "une adresse web contenant {token}")


@lru_cache(maxsize=4096)
def _instalment(value: Any):
    """« 2026-12-13 : 285 » or « 13/12/2026 : 285,50 € » → (date, Decimal)."""
    text = _text(value)
    parts = re.split(r"\s*[:=]\s*|\s+", text.strip(), maxsplit=1)
    if len(parts) != 2:
        raise bad(text, "une échéance « AAAA-MM-JJ : montant », ex. 2026-12-13 : 285")
    return _date(parts[0]), _positive(parts[1])


INSTALMENT = Parser(_instalment, "une échéance « AAAA-MM-JJ : montant » (une par ligne)")


@lru_cache(maxsize=4096)
def fold(text: str) -> str:
    """Lower case without accents or extra spaces, for forgiving matches."""
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return re.sub(r"[\s\u00a0'’_-]+", " ", bare).strip().lower()


def choice(enum: type[Enum], aliases: dict[str, Enum] | None = None) -> Parser:
    """An enum accepted case- and accent-insensitively, plus common synonyms."""
    table = {fold(m.value): m for m in enum}
    table.update({fold(k): v for k, v in (aliases or {}).items()})
    labels = tuple(m.value for m in enum)
    expected = "une valeur parmi\u00a0: " + ", ".join(labels)

    def parse(value: Any) -> Enum:
        member = table.get(fold(_text(value)))
        if member is None:
            raise bad(value, expected)
        return member

    return Parser(parse, expected, labels)


def words(*allowed: str) -> Parser:
    table = {fold(w): w for w in allowed}
    expected = "une valeur parmi\u00a0: " + ", ".join(allowed)

    def parse(value: Any) -> str:
        word = table.get(fold(_text(value)))
        if word is None:
            raise bad(value, expected)
        return word

    return Parser(parse, expected, allowed)

"""Causes of drop-out grouped into categories, for anything published (indicator 2).

A learner's own words (« remplacement imprévu d'un salarié sur un chantier ») can identify them
on a public page; a category cannot. The category is read from the words of `motif_abandon`.
"""

from __future__ import annotations

import unicodedata

UNKNOWN = "Motif non renseigné"
OTHER = "Autre motif"

# Category → word stems (lower case, without accents), first match wins.
CATEGORIES: dict[str, tuple[str, ...]] = {
    "Raisons professionnelles": ("professionn", "travail", "emploi", "poste", "employeur", "chantier", "mission",
                                 "embauche", "salarie", "planning", "client", "activite"),
    "Santé": ("sante", "maladi", "medical", "hospital", "accident", "arret", "handicap", "grossesse"),
    "Raisons personnelles ou familiales": ("personnel", "famil", "enfant", "demenag", "deces", "garde", "conjoint",
                                           "parent"),
    "Raisons financières": ("financ", "cout", "prix", "paiement", "budget", "argent"),
    "Formation ne répondant pas aux attentes": ("attente", "niveau", "inadapt", "contenu", "rythme", "difficult",
                                                "decu", "insatisf", "correspond"),
}


def _plain(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text.lower()) if not unicodedata.combining(c))


def category(reason: str | None) -> str:
    """The published category of a drop-out, read from its reason."""
    if not reason or not reason.strip():
        return UNKNOWN
    words = _plain(reason)
    for name, stems in CATEGORIES.items():
        if any(stem in words for stem in stems):
            return name
    return OTHER

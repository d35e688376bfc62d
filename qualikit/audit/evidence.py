"""What qualikit can show an auditor, proof by proof (the `preuves_qualikit` ids of the grids).

Proof is SAMPLED as an auditor samples: per indicator, up to SESSIONS sessions of the period (the
most recent first) and up to LEARNERS learners per session (in enrolment order). Logs and registers
(reminder log, retention dashboard, registers) are given whole for the period: they are listings.

Every collector is read-only: it reads the project, the journal, sortie/ and outbox/, and returns
bytes or source paths to copy; the pack writes them. Nothing here writes to the project.

The violence-report register (indicator 12, 2026) is only ever read through `reports.summary()`:
counts, never names or facts.
"""

from __future__ import annotations

from collections.abc import Callable

from qualikit.audit.certification import presentation_certification, tableau_croise, taux_certification
from qualikit.audit.context import Context
from qualikit.audit.delivery import (
    adaptations,
    attestations,
    certificats_realisation,
    contrats_conventions,
    convocations,
    emails_envoyes,
    emargements,
    evaluations_finales,
    journal_relances,
    livret_accueil,
    registre_signalements,
    relance_emails,
    suivi_apprenants,
    tableau_retention,
)
from qualikit.audit.external import sous_traitance
from qualikit.audit.improvement import (
    enquetes,
    rapport_enquetes,
    registre_ameliorations,
    registre_reclamations,
    registre_risques,
)
from qualikit.audit.information import (
    analyse_besoins,
    deroule_programme,
    fiche_programme,
    indicateurs_resultats,
    objectifs_programme,
    positionnement,
)
from qualikit.audit.means import (
    competences,
    formateurs,
    referent_handicap,
    reseau_handicap,
    ressources_pedagogiques,
    veille,
)
from qualikit.audit.procedures import PROCEDURES, procedure_proof
from qualikit.audit.results import Proof

# Indicators about the provider itself (means, skills, watch): proved by the trainer's files, or by a
# register qualikit keeps when the trainer fills it.
OUTSIDE = frozenset({17, 18, 21, 22, 23, 24, 25})
REGISTER_PROOFS = {21: "competences_intervenants", 22: "developpement_competences", 23: "veille_legale",
                   24: "veille_metiers", 25: "veille_pedagogique"}
REGISTER_COMMANDS = {21: "qualikit competence add", 22: "qualikit competence add --type formation",
                     23: "qualikit veille add", 24: "qualikit veille add", 25: "qualikit veille add"}


# Folder names, the same in both grids (« 01-information-publique »).
SLUGS = {
    1: "information-publique", 2: "indicateurs-resultats", 3: "taux-certification", 4: "analyse-besoin",
    5: "objectifs", 6: "contenus-modalites", 7: "contenus-certification", 8: "positionnement",
    9: "conditions-deroulement", 10: "adaptation-suivi", 11: "evaluation-acquis", 12: "engagement-ruptures",
    13: "alternance", 14: "accompagnement-apprentis", 15: "droits-apprentis", 16: "presentation-certification",
    17: "moyens", 18: "coordination-intervenants", 19: "ressources-pedagogiques", 20: "mobilite-referents",
    21: "competences-intervenants", 22: "developpement-competences", 23: "veille-legale", 24: "veille-metiers",
    25: "veille-pedagogique", 26: "handicap", 27: "sous-traitance", 28: "situation-de-travail",
    29: "insertion-poursuite-etudes", 30: "appreciations", 31: "reclamations-aleas", 32: "amelioration-continue",
    33: "evaluation-apprentis",
}


COLLECTORS: dict[str, Callable[[Context], Proof]] = {
    "fiche_programme": fiche_programme,
    "indicateurs_resultats": indicateurs_resultats,
    "analyse_besoins": analyse_besoins,
    "objectifs_programme": objectifs_programme,
    "deroule_programme": deroule_programme,
    "positionnement": positionnement,
    "convocations": convocations,
    "livret_accueil": livret_accueil,
    "emails_envoyes": emails_envoyes,
    "suivi_apprenants": suivi_apprenants,
    "adaptations": adaptations,
    "evaluations_finales": evaluations_finales,
    "attestations": attestations,
    "certificats_realisation": certificats_realisation,
    "emargements": emargements,
    "journal_relances": journal_relances,
    "tableau_retention": tableau_retention,
    "registre_signalements": registre_signalements,
    "ressources_pedagogiques": ressources_pedagogiques,
    "referent_handicap": referent_handicap,
    "reseau_handicap": reseau_handicap,
    "sous_traitance": sous_traitance,
    "enquetes": enquetes,
    "rapport_enquetes": rapport_enquetes,
    "registre_reclamations": registre_reclamations,
    "registre_ameliorations": registre_ameliorations,
    "registre_risques": registre_risques,
    "competences_intervenants": lambda ctx: competences(ctx, own_training=False),
    "developpement_competences": lambda ctx: competences(ctx, own_training=True),
    "taux_certification": taux_certification,
    "tableau_croise_certification": tableau_croise,
    "presentation_certification": presentation_certification,
    "veille_legale": lambda ctx: veille(ctx, "légale"),
    "veille_metiers": lambda ctx: veille(ctx, "métiers"),
    "veille_pedagogique": lambda ctx: veille(ctx, "pédagogique"),
    **{pid: (lambda ctx, pid=pid: procedure_proof(ctx, pid)) for pid in PROCEDURES},
}


# Files shown with an indicator without counting in its status (the auditor often asks for them).
EXTRAS: dict[int, tuple[str, ...]] = {
    9: ("contrats_conventions",),
    11: ("certificats_realisation",),
    12: ("relance_emails",),
    21: ("formateurs",),
    22: ("formateurs",),
}


EXTRA_COLLECTORS: dict[str, Callable[[Context], Proof]] = {
    "certificats_realisation": certificats_realisation, "emargements": emargements,
    "relance_emails": relance_emails, "formateurs": formateurs, "contrats_conventions": contrats_conventions,
}


def collect(ctx: Context, proof_id: str) -> Proof:
    """The proof, computed once per pack (several indicators share some)."""
    key = f"proof:{proof_id}"
    if key not in ctx.cache:
        collector = COLLECTORS.get(proof_id) or EXTRA_COLLECTORS.get(proof_id)
        ctx.cache[key] = collector(ctx) if collector else Proof(proof_id, proof_id, False)
    return ctx.cache[key]

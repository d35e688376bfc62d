"""The BPF form line by line in the cerfa's order, and its values as text."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from qualikit.admin.bpf.form import (
    CENT,
    INCOME_LINES,
    LEARNER_TYPES,
    OBJECTIVES,
    RNCP_LEVELS,
    TOP_SPECIALITIES,
    ZERO,
    Bpf,
    Tally,
)
from qualikit.base.frdates import short_date
from qualikit.base.typography import siret


@dataclass(frozen=True)
class Line:
    """One line of the form: a figure (amount, or count and hours), a text, or a heading."""

    frame: str
    label: str
    amount: Decimal | None = None
    count: int | None = None
    hours: Decimal | None = None
    text: str | None = None
    heading: bool = False
    total: bool = False


TO_FILL = "à renseigner"


def bpf_lines(bpf: Bpf) -> list[Line]:
    """Every line of the form in the cerfa's order, frame by frame."""
    org = bpf.organisation
    out: list[Line] = []

    def text(frame: str, label: str, value: str | None) -> None:
        out.append(Line(frame, label, text=value or TO_FILL))

    def tally(frame: str, label: str, t: Tally, total: bool = False) -> None:
        out.append(Line(frame, label, count=t.count, hours=t.hours, total=total))

    text("A", "Numéro de déclaration d'activité", org.nda)
    text("A", "Raison sociale", org.name)
    text("A", "Forme juridique", org.legal_form)
    text("A", "SIRET", siret(org.siret) if org.siret else None)
    text("A", "Adresse", ", ".join(org.address.lines()))
    text("A", "Téléphone", org.phone)
    text("A", "Courriel", org.email)

    text("B", "Exercice comptable", f"du {short_date(bpf.start)} au {short_date(bpf.end)}")
    text("B", "Formations dispensées en tout ou partie à distance", "oui" if bpf.distance else "non")

    for key, label in INCOME_LINES:
        if key is None:
            out.append(Line("C", label, heading=True))
        elif key == "C-2":
            out.append(Line("C", label, amount=bpf.fund_total, total=True))
        else:
            out.append(Line("C", label, amount=bpf.income[key]))
    out.append(Line("C", "Total des produits réalisés au titre de la formation professionnelle (lignes 1 à 11)",
                    amount=bpf.income_total, total=True))
    if bpf.unassigned:
        out.append(Line("C", "Produits sans financeur connu, à affecter à une ligne avant le dépôt",
                        amount=bpf.unassigned))
    text("C", "Part du chiffre d'affaires global réalisée dans le domaine de la formation professionnelle (%)",
         None)

    text("D", "Total des charges de l'organisme liées à l'activité de formation", None)
    text("D", "dont salaires des formateurs", None)
    if bpf.purchases:
        out.append(Line("D", "dont achats de prestation de formation et honoraires de formation",
                        amount=bpf.purchases))
    else:
        text("D", "dont achats de prestation de formation et honoraires de formation", None)

    tally("E", "Personnes de votre organisme dispensant des heures de formation", bpf.trainers)
    tally("E", "Personnes extérieures à votre organisme dispensant des heures de formation dans le cadre de "
               "contrats de sous-traitance", bpf.external_trainers)

    for key, label in LEARNER_TYPES:
        tally("F-1", label, bpf.learner_types[key])
    tally("F-1", "Total (a + b + c + d + e)", bpf.learners_total, total=True)

    tally("F-2", "Stagiaires ou apprentis dont l'action a été confiée par votre organisme à un autre "
                 "organisme de formation", bpf.subcontracted)

    for key, label in OBJECTIVES:
        tally("F-3", label, bpf.objectives[key])
        if key == "a":
            for level in RNCP_LEVELS:
                if bpf.objectives["a"].count or bpf.objectives["a"].hours:
                    text("F-3", level, "à répartir (niveau inconnu de qualikit)")
                else:
                    tally("F-3", level, Tally())
    tally("F-3", "Total (a + b + c + d + e + f)", bpf.objectives_total, total=True)

    ranked = sorted(bpf.specialities.items(), key=lambda kv: (-kv[1].hours, -kv[1].count, kv[0]))
    for title, t in ranked[:TOP_SPECIALITIES]:
        tally("F-4", f"{title} (code NSF à renseigner)", t)
    others = sum((t for _, t in ranked[TOP_SPECIALITIES:]), Tally())
    tally("F-4", "Autres spécialités", others)
    tally("F-4", "Total", sum((t for _, t in ranked), Tally()), total=True)

    tally("G", "Formations confiées à votre organisme par un autre organisme de formation", bpf.entrusted_total,
          total=True)
    for name, t in sorted(bpf.entrusted.items()):
        tally("G", f"dont {name}", t)

    rep = org.legal_rep
    text("H", "Nom et prénom", rep.name if rep else None)
    text("H", "Qualité", rep.title if rep else None)
    text("H", "Courriel", rep.email if rep else None)
    return out


def bpf_table(bpf: Bpf) -> list[tuple[str, str, str]]:
    """(frame, line label, value) in the cerfa's order; headings have an empty value."""
    return [(line.frame, line.label, format_value(line)) for line in bpf_lines(bpf)]


def format_value(line: Line) -> str:
    if line.heading:
        return ""
    if line.text is not None:
        return line.text
    if line.amount is not None:
        return f"{number(line.amount)}\u00a0€"
    noun = "personne" if line.frame == "E" else "stagiaire"
    count = line.count or 0
    return f"{count}\u00a0{noun}{'s' if count > 1 else ''} · {number(line.hours or ZERO)}\u00a0h"


def number(value: Decimal) -> str:
    """3450 → « 3 450 », 66.5 → « 66,5 », 1234.567 → « 1 234,57 » (no-break thousands separator)."""
    q = value.quantize(CENT, ROUND_HALF_UP)
    whole, _, cents = f"{q:f}".partition(".")
    sign = "-" if whole.startswith("-") else ""
    digits = whole.lstrip("-")
    groups = []
    while digits:
        groups.insert(0, digits[-3:])
        digits = digits[:-3]
    text = sign + "\u00a0".join(groups or ["0"])
    cents = cents.rstrip("0")
    return f"{text},{cents}" if cents else text

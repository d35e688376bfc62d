"""An invoice or a credit note (avoir) as a plain record, and its PDF.

The record is what the journal keeps when a number is allocated: an issued invoice is never
changed, so its PDF is always rebuilt from this record, never from the project (which may have
changed since). Data in, bytes out: the mentions themselves are chosen by the billing stage
(`admin/invoicing`); this module lays them out. docs/facturation.md lists each mention and its
legal source.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

from qualikit.base.frdates import long_date
from qualikit.base.typography import NBSP, fr, siret
from qualikit.project.model import Organisation

INVOICE, CREDIT_NOTE = "facture", "avoir"


@dataclass(frozen=True)
class Party:
    name: str
    siret: str | None = None
    vat_number: str | None = None
    street: str | None = None
    postcode: str | None = None
    city: str | None = None
    extra: tuple[str, ...] = ()  # lines under the address (NDA, « pour le compte de … »)

    @property
    def siren(self) -> str | None:
        return self.siret[:9] if self.siret else None


@dataclass(frozen=True)
class Line:
    description: str
    quantity: Decimal
    unit: str  # « forfait », « h », « stagiaire »
    unit_price: Decimal
    amount: Decimal  # HT, whole cents


@dataclass(frozen=True)
class Invoice:
    number: str
    kind: str  # INVOICE or CREDIT_NOTE
    key: str  # what is billed (the billing stage's item key): one live invoice per key
    issued_on: date
    due_on: date
    seller: Party
    buyer: Party
    lines: tuple[Line, ...]
    vat_mention: str  # the exemption or franchise mention
    professional: bool  # a business buyer: late-payment penalties and the 40 € fee apply
    payer_kind: str  # the BPF's kind of payer (a Funder value)
    notes: tuple[str, ...] = ()  # session, learners, agreement number…
    refers_to: tuple[str, str] | None = None  # credit note: (number, ISO date) of the invoice it corrects
    session: str | None = None
    vat_rate: Decimal = Decimal(0)  # 0 when exempt or under the franchise; 0.20 when VAT is charged
    payer: str | None = None  # who is asked to pay: « client:<id> » or « apprenant:<id> » (reminders)

    @property
    def total(self) -> Decimal:
        """Hors taxes: what the BPF counts and what the lines add up to."""
        return sum((line.amount for line in self.lines), Decimal(0))

    @property
    def vat(self) -> Decimal:
        """The VAT on the total, rounded to the cent once (one rate per invoice)."""
        from qualikit.project.vat import vat_on

        return vat_on(self.total, self.vat_rate)

    @property
    def payable(self) -> Decimal:
        """Toutes taxes comprises: what the buyer pays."""
        return self.total + self.vat

    @property
    def credit(self) -> bool:
        return self.kind == CREDIT_NOTE

    @property
    def file_name(self) -> str:
        return f"{self.kind}-{self.number}.pdf"

    def to_json(self) -> dict:
        def plain(value):
            if isinstance(value, Decimal | date):
                return str(value) if isinstance(value, Decimal) else value.isoformat()
            if isinstance(value, dict):
                return {k: plain(v) for k, v in value.items()}
            if isinstance(value, list | tuple):
                return [plain(v) for v in value]
            return value

        return plain(asdict(self))

    @classmethod
    def from_json(cls, data: dict) -> Invoice:
        def party(d: dict) -> Party:
            return Party(**{**d, "extra": tuple(d.get("extra", ()))})

        return cls(
            number=data["number"], kind=data["kind"], key=data["key"],
            issued_on=date.fromisoformat(data["issued_on"]), due_on=date.fromisoformat(data["due_on"]),
            seller=party(data["seller"]), buyer=party(data["buyer"]),
            lines=tuple(Line(x["description"], Decimal(x["quantity"]), x["unit"], Decimal(x["unit_price"]),
                             Decimal(x["amount"])) for x in data["lines"]),
            vat_mention=data["vat_mention"], professional=data["professional"], payer_kind=data["payer_kind"],
            notes=tuple(data.get("notes", ())),
            refers_to=tuple(data["refers_to"]) if data.get("refers_to") else None,
            session=data.get("session"), vat_rate=Decimal(data.get("vat_rate", "0")),
            payer=data.get("payer"),
        )


LATE_PENALTY = ("En cas de retard de paiement, pénalités au taux d'intérêt appliqué par la Banque centrale "
                "européenne à son opération de refinancement la plus récente majoré de 10 points, et indemnité "
                "forfaitaire pour frais de recouvrement de 40 € (art. L441-10 et D441-5 du code de commerce).")
NO_DISCOUNT = "Pas d'escompte pour paiement anticipé."


def mentions(invoice: Invoice) -> list[str]:
    out = [invoice.vat_mention, "Catégorie de l'opération : prestation de services."]
    if invoice.credit and invoice.refers_to:
        number, day = invoice.refers_to
        out.append(f"Avoir se rapportant à la facture n° {number} du {long_date(date.fromisoformat(day))}.")
    else:
        out.append(f"Paiement par virement au plus tard le {long_date(invoice.due_on)}.")
        out.append(NO_DISCOUNT)
        if invoice.professional:
            out.append(LATE_PENALTY)
    return [fr(x) for x in out]


def _cents(value: Decimal) -> Decimal:
    """50.0000 → 50.00; a unit price with more decimals (a pro rata rate) keeps them."""
    return value.quantize(Decimal("0.01")) if value == value.quantize(Decimal("0.01")) else value


def render_invoice(invoice: Invoice, organisation: Organisation, root: Path) -> bytes:
    """The invoice or credit note as PDF bytes (before Factur-X embedding)."""
    from reportlab.lib.units import mm
    from reportlab.platypus import Spacer, Table, TableStyle

    from qualikit.documents.pdf_common import GREY, INK, RULE, TEAL_LIGHT, build_pdf, content_width, para, prose, styles
    from qualikit.documents.stamp import document_title
    from qualikit.project.schedule import euros

    sty = styles()
    width = content_width()
    title = ("AVOIR" if invoice.credit else "FACTURE") + f" N°{NBSP}{invoice.number}"
    story: list = document_title(title, fr(f"Date : {long_date(invoice.issued_on)}"))

    def party_block(label: str, p: Party) -> list:
        lines = [f"<b>{prose(p.name)}</b>"]
        if p.street:
            lines.append(prose(p.street))
        town = " ".join(x for x in (p.postcode, p.city) if x)
        if town:
            lines.append(prose(town))
        if p.siret:
            siren = siret(p.siret).rsplit(NBSP, 1)[0] if len(siret(p.siret)) == 17 else p.siret[:9]
            lines.append(prose(f"SIREN {siren} · SIRET {siret(p.siret)}"))
        if p.vat_number:
            lines.append(prose(f"TVA intracommunautaire : {p.vat_number}"))
        lines += [prose(x) for x in p.extra]
        return [para(f"<font color='#666666'>{label}</font>", sty.body_small), para("<br/>".join(lines), sty.body)]

    parties = Table([[party_block("Émetteur", invoice.seller), party_block("Client", invoice.buyer)]],
                    colWidths=[width / 2, width / 2])
    parties.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("BACKGROUND", (1, 0), (1, 0), TEAL_LIGHT),
                                 ("LEFTPADDING", (0, 0), (-1, -1), 6), ("TOPPADDING", (0, 0), (-1, -1), 5)]))
    story += [parties, Spacer(1, 5 * mm)]
    for note in invoice.notes:
        story.append(para(prose(note), sty.body))
    story.append(Spacer(1, 3 * mm))

    from qualikit.documents.stamp import number

    rows = [[para("<b>Désignation</b>", sty.body_small), para("<b>Quantité</b>", sty.body_small),
             para("<b>Prix unitaire HT</b>", sty.body_small), para("<b>Montant HT</b>", sty.body_small)]]
    for line in invoice.lines:
        rows.append([para(prose(line.description), sty.body), para(prose(f"{number(line.quantity)} {line.unit}"),
                                                                   sty.body),
                     para(euros(_cents(line.unit_price), cents=True), sty.body), para(euros(line.amount, cents=True),
                                                                              sty.body)])
    rows.append(["", "", para("<b>Total HT</b>", sty.body), para(f"<b>{euros(invoice.total, cents=True)}</b>",
                                                                  sty.body)])
    rate = f" {number(invoice.vat_rate * 100)}{NBSP}%" if invoice.vat_rate else ""
    rows.append(["", "", para(f"TVA{rate}", sty.body), para(euros(invoice.vat, cents=True), sty.body)])
    label = ("Montant de l'avoir" if invoice.credit else "Net à payer") + (" TTC" if invoice.vat_rate else "")
    rows.append(["", "", para(f"<b>{label}</b>", sty.body), para(f"<b>{euros(invoice.payable, cents=True)}</b>",
                                                                  sty.body)])
    table = Table(rows, colWidths=[width * 0.52, width * 0.14, width * 0.17, width * 0.17], repeatRows=1)
    n = len(rows)
    table.setStyle(TableStyle([
        ("LINEBELOW", (0, 0), (-1, 0), 0.8, INK), ("LINEBELOW", (0, 1), (-1, n - 4), 0.3, RULE),
        ("VALIGN", (0, 0), (-1, -1), "TOP"), ("BACKGROUND", (2, n - 1), (-1, n - 1), TEAL_LIGHT),
        ("TEXTCOLOR", (0, 0), (-1, 0), GREY),
    ]))
    story += [table, Spacer(1, 6 * mm)]
    for text in mentions(invoice):
        story.append(para(prose(text), sty.body_small))
    kind = "Avoir" if invoice.credit else "Facture"
    return build_pdf(story, organisation=organisation, root=root, doc_label=kind,
                     title=f"{kind} {invoice.number}", subject=invoice.buyer.name)

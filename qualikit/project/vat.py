"""The VAT an invoice carries, as the organisation is set up (`regime_tva`).

- « exoneration » (default): continuing vocational training by a provider holding the DREETS's
  attestation (form 3511-SD) is exempt (CGI art. 261-4-4° a); the invoice cites the provision
  (CGI annexe II art. 242 nonies A, I-12°).
- « franchise »: the franchise en base (CGI art. 293 B): « TVA non applicable, art. 293 B du CGI ».
- « assujetti »: VAT charged at the normal rate (CGI art. 278, 20 %), shown per rate with the
  amount payable all taxes included; the seller's VAT number is then a required mention
  (CGI annexe II art. 242 nonies A, I-2°).
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from qualikit.project.model import Organisation

NORMAL_RATE = Decimal("0.20")

MENTIONS = {
    "exoneration": "Exonération de TVA, article 261-4-4° a du CGI",
    "franchise": "TVA non applicable, art. 293 B du CGI",
    "assujetti": "TVA au taux normal de 20 % (art. 278 du CGI)",
}


def mention(org: Organisation) -> str:
    return MENTIONS[org.vat_regime or "exoneration"]


def rate(org: Organisation) -> Decimal:
    """The VAT rate invoiced: 0 when exempt or under the franchise."""
    return NORMAL_RATE if org.vat_regime == "assujetti" else Decimal(0)


def vat_on(amount: Decimal, vat_rate: Decimal) -> Decimal:
    """The VAT on an amount HT, rounded to the cent once: an invoice and the contract that
    announced it say the same figure."""
    return (amount * vat_rate).quantize(Decimal("0.01"), ROUND_HALF_UP)


def price_words(org: Organisation, amount: Decimal) -> str:
    """A price as a contract or a convention states it: « 1 050,00 € HT, soit 1 260,00 € TTC (TVA au
    taux de 20 %) » when VAT is charged, else the amount with the reason there is no VAT — the
    invoices then carry exactly these amounts."""
    from qualikit.project.schedule import euros

    vat_rate = rate(org)
    if vat_rate:
        ttc = amount + vat_on(amount, vat_rate)
        return (f"{euros(amount, cents=True)} HT, soit {euros(ttc, cents=True)} TTC (TVA au taux de "
                f"{int(vat_rate * 100)}\u00a0%)")
    reason = mention(org)  # « Exonération de TVA… » within a sentence; « TVA non applicable… » as it is
    reason = reason if reason.startswith("TVA") else reason[0].lower() + reason[1:]
    return f"{euros(amount, cents=True)} net de taxe ({reason})"

"""The VAT mention an invoice carries, as the organisation is set up (`regime_tva`).

- « exoneration » (default): continuing vocational training by a provider holding the DREETS's
  attestation (form 3511-SD) is exempt (CGI art. 261-4-4° a); the invoice cites the provision
  (CGI annexe II art. 242 nonies A, I-12°).
- « franchise »: the franchise en base (CGI art. 293 B): « TVA non applicable, art. 293 B du CGI ».
"""

from __future__ import annotations

from qualikit.project.model import Organisation

MENTIONS = {
    "exoneration": "Exonération de TVA, article 261-4-4° a du CGI",
    "franchise": "TVA non applicable, art. 293 B du CGI",
}


def mention(org: Organisation) -> str:
    return MENTIONS[org.vat_regime or "exoneration"]

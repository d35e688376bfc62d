"""Invoices when VAT is charged, and when an OPCO covers only part of the price."""

from __future__ import annotations

import shutil
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from lxml import etree
from test_invoice import DEMO, at, run, text_of
from typer.testing import CliRunner

from qualikit.admin.bpf import compute_bpf
from qualikit.admin.invoicing.ledger import read_ledger
from qualikit.admin.invoicing.payments import outstanding
from qualikit.base.clock import Clock
from qualikit.cli import app
from qualikit.documents.facturx import check_xml
from qualikit.project.journal_check import open_journal
from qualikit.project.load import load_project

CII = {"ram": "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100"}


@pytest.fixture()
def demo(tmp_path: Path) -> Path:
    root = tmp_path / "demo"
    shutil.copytree(DEMO, root)
    return root


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_vat_charged_shows_each_amount_and_the_xml_says_standard_rate(demo: Path) -> None:
    organisation = demo / "organisation.yaml"
    organisation.write_text(organisation.read_text(encoding="utf-8")
                            + "regime_tva: assujetti\nnumero_tva: FR32884173022\n", encoding="utf-8")
    issued = {inv.buyer.name: inv for inv in run(demo, date(2026, 11, 23)).invoices}
    dumas = issued["Menuiserie Dumas"]  # the drop-out's 7 h of 21 h: 350 € HT
    assert (dumas.total, dumas.vat, dumas.payable) == (Decimal("350.00"), Decimal("70.00"), Decimal("420.00"))

    pdf = demo / "sortie" / "factures" / dumas.file_name
    text = text_of(pdf)
    for shown in ("Total HT 350,00 €", "TVA 20 % 70,00 €", "Net à payer TTC 420,00 €",
                  "TVA intracommunautaire : FR32884173022", "TVA au taux normal de 20 %"):
        assert shown in text, shown
    assert "Exonération" not in text

    xml = pdf.with_suffix(".xml").read_bytes()
    assert check_xml(xml)
    tree = etree.fromstring(xml)
    header = tree.find(".//ram:ApplicableHeaderTradeSettlement/ram:ApplicableTradeTax", CII)
    assert header.findtext("ram:CategoryCode", namespaces=CII) == "S"
    assert header.findtext("ram:RateApplicablePercent", namespaces=CII) == "20"
    assert header.findtext("ram:CalculatedAmount", namespaces=CII) == "70.00"
    assert tree.findtext(".//ram:GrandTotalAmount", namespaces=CII) == "420.00"
    assert tree.findtext(".//ram:SellerTradeParty/ram:SpecifiedTaxRegistration/ram:ID",
                         namespaces=CII) == "FR32884173022"

    # the buyer pays the amount all taxes included; the BPF counts it without tax
    paid = CliRunner().invoke(app, ["payment", dumas.number, "420", "-p", str(demo), "--today", "2026-12-01"])
    assert paid.exit_code == 0 and "soldée" in paid.output, paid.output
    ledger = read_ledger(open_journal(demo, Clock(at(date(2026, 12, 31)))).entries())
    assert dumas.number not in {o.invoice.number for o in outstanding(ledger, date(2027, 1, 31))}
    bpf = compute_bpf(load_project(demo).project, 2026, invoices=list(ledger.invoices.values()))
    assert bpf.income_total == sum((-i.total if i.credit else i.total) for i in ledger.invoices.values())


def test_vat_charged_without_a_vat_number_is_said_by_check(demo: Path) -> None:
    organisation = demo / "organisation.yaml"
    organisation.write_text(organisation.read_text(encoding="utf-8") + "regime_tva: assujetti\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["check", "-p", str(demo)])
    assert "numero_tva" in result.output and "obligatoire sur chaque facture" in result.output


def test_a_partial_opco_share_invoices_the_opco_for_it_and_the_company_for_the_rest(demo: Path) -> None:
    sessions = demo / "sessions.yaml"
    # the intra session (3 450 € sold as a whole): its OPCO covers 2 000 €
    edit(sessions, "  payeur: opco-mobilites            # subrogation : l'OPCO paie directement l'organisme\n",
         "  payeur: opco-mobilites\n  prise_en_charge: 2000\n")
    # an inter-company learner (1 050 €): her OPCO covers 600 €
    edit(sessions, "      payeur: opco-ep\n", "      payeur: opco-ep\n      prise_en_charge: 600\n")
    issued = {inv.buyer.name: inv for inv in run(demo, date(2026, 11, 23)).invoices}

    opco = issued["OPCO Mobilités"]
    assert opco.total == Decimal("2000") and opco.payer_kind == "OPCO"
    assert "pour le compte de Transports Berthier (subrogation de paiement)" in opco.buyer.extra
    company = issued["Transports Berthier"]
    assert company.total == Decimal("1450") and company.payer_kind == "entreprise" and company.professional
    assert "reste à charge après la prise en charge de OPCO Mobilités" in company.lines[0].description

    assert issued["OPCO EP"].total == Decimal("600")
    agency = issued["Agence Immobilière de la Croix-Rousse"]
    assert agency.total == Decimal("450") and "Élodie" in agency.lines[0].description

    ledger = read_ledger(open_journal(demo, Clock(at(date(2026, 12, 31)))).entries())
    bpf = compute_bpf(load_project(demo).project, 2026, invoices=list(ledger.invoices.values()))
    by_kind: dict[str, Decimal] = {}
    for inv in ledger.invoices.values():
        by_kind[inv.payer_kind] = by_kind.get(inv.payer_kind, Decimal(0)) + (-inv.total if inv.credit else inv.total)
    assert bpf.income["C-2h"] == by_kind["OPCO"] and bpf.income["C-1"] == by_kind["entreprise"]
    assert Decimal("2000") + Decimal("600") <= by_kind["OPCO"]

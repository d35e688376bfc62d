"""Factur-X: the invoice's EN 16931 data as CII XML, and the PDF/A-3 that carries it.

The XML is written here (a few dozen elements, in the schema's order) and checked against the
EN 16931 schema the `factur-x` library ships when it embeds it; the same XML is also written alone
for platforms that take CII. Credit notes are type 381 and refer to the invoice they correct.
"""

from __future__ import annotations

import re
from decimal import Decimal

from qualikit.documents.invoice import Invoice, Party

RSM = "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"
RAM = "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100"
UDT = "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100"
QDT = "urn:un:unece:uncefact:data:standard:QualifiedDataType:100"
EN16931 = "urn:cen.eu:en16931:2017"
UNITS = {"h": "HUR", "forfait": "C62", "stagiaire": "C62"}  # UN/ECE rec. 20


def cii_xml(invoice: Invoice) -> bytes:
    """The invoice as Factur-X EN 16931 (« Comfort ») CII XML, UTF-8."""
    from lxml import etree

    nsmap = {"rsm": RSM, "ram": RAM, "udt": UDT, "qdt": QDT}

    def el(parent, tag: str, text: str | None = None, **attrs):
        ns, name = tag.split(":")
        node = etree.SubElement(parent, f"{{{nsmap[ns]}}}{name}", **attrs)
        if text is not None:
            node.text = text
        return node

    def money(value: Decimal) -> str:
        return f"{Decimal(value).quantize(Decimal('0.01')):f}"

    def day(parent, tag: str, value, qualified: bool = False) -> None:
        holder = el(parent, tag)
        el(holder, "qdt:DateTimeString" if qualified else "udt:DateTimeString", value.strftime("%Y%m%d"),
           format="102")

    root = etree.Element(f"{{{RSM}}}CrossIndustryInvoice", nsmap=nsmap)
    context = el(root, "rsm:ExchangedDocumentContext")
    el(el(context, "ram:GuidelineSpecifiedDocumentContextParameter"), "ram:ID", EN16931)
    doc = el(root, "rsm:ExchangedDocument")
    el(doc, "ram:ID", invoice.number)
    el(doc, "ram:TypeCode", "381" if invoice.credit else "380")
    day(doc, "ram:IssueDateTime", invoice.issued_on)
    for text in (invoice.vat_mention, *invoice.notes):
        el(el(doc, "ram:IncludedNote"), "ram:Content", text)

    trade = el(root, "rsm:SupplyChainTradeTransaction")
    for n, line in enumerate(invoice.lines, 1):
        item = el(trade, "ram:IncludedSupplyChainTradeLineItem")
        el(el(item, "ram:AssociatedDocumentLineDocument"), "ram:LineID", str(n))
        el(el(item, "ram:SpecifiedTradeProduct"), "ram:Name", line.description)
        price = el(el(item, "ram:SpecifiedLineTradeAgreement"), "ram:NetPriceProductTradePrice")
        el(price, "ram:ChargeAmount", f"{Decimal(line.unit_price):f}")
        el(el(item, "ram:SpecifiedLineTradeDelivery"), "ram:BilledQuantity", f"{Decimal(line.quantity):f}",
           unitCode=UNITS.get(line.unit, "C62"))
        settlement = el(item, "ram:SpecifiedLineTradeSettlement")
        _tax(el, settlement, None, invoice)
        summation = el(settlement, "ram:SpecifiedTradeSettlementLineMonetarySummation")
        el(summation, "ram:LineTotalAmount", money(line.amount))

    agreement = el(trade, "ram:ApplicableHeaderTradeAgreement")
    _party(el, agreement, "ram:SellerTradeParty", invoice.seller)
    _party(el, agreement, "ram:BuyerTradeParty", invoice.buyer)
    el(trade, "ram:ApplicableHeaderTradeDelivery")
    settlement = el(trade, "ram:ApplicableHeaderTradeSettlement")
    el(settlement, "ram:InvoiceCurrencyCode", "EUR")
    _tax(el, settlement, invoice.total, invoice)
    if not invoice.credit:
        terms = el(settlement, "ram:SpecifiedTradePaymentTerms")
        el(terms, "ram:Description", "Paiement par virement à réception" + (
            " ; pénalités de retard et indemnité forfaitaire de 40 EUR (art. L441-10 du code de commerce)"
            if invoice.professional else ""))
        day(terms, "ram:DueDateDateTime", invoice.due_on)
    total = money(invoice.total)
    sums = el(settlement, "ram:SpecifiedTradeSettlementHeaderMonetarySummation")
    el(sums, "ram:LineTotalAmount", total)
    el(sums, "ram:TaxBasisTotalAmount", total)
    el(sums, "ram:TaxTotalAmount", money(invoice.vat), currencyID="EUR")
    el(sums, "ram:GrandTotalAmount", money(invoice.payable))
    el(sums, "ram:DuePayableAmount", money(invoice.payable))
    if invoice.refers_to:
        number, issued = invoice.refers_to
        ref = el(settlement, "ram:InvoiceReferencedDocument")
        el(ref, "ram:IssuerAssignedID", number)
        from datetime import date

        day(ref, "ram:FormattedIssueDateTime", date.fromisoformat(issued), qualified=True)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _tax(el, parent, basis: Decimal | None, invoice: Invoice) -> None:
    """VAT category S (standard rate) when VAT is charged; else E (exempt, or not applicable under
    the franchise) at 0 %, with its mention as the exemption reason (rule BR-E-10)."""
    charged = invoice.vat_rate > 0
    tax = el(parent, "ram:ApplicableTradeTax")
    if basis is not None:
        el(tax, "ram:CalculatedAmount", f"{invoice.vat:f}" if charged else "0.00")
    el(tax, "ram:TypeCode", "VAT")
    if basis is not None:
        if not charged:
            el(tax, "ram:ExemptionReason", invoice.vat_mention)
        el(tax, "ram:BasisAmount", f"{Decimal(basis).quantize(Decimal('0.01')):f}")
    el(tax, "ram:CategoryCode", "S" if charged else "E")
    el(tax, "ram:RateApplicablePercent", f"{(invoice.vat_rate * 100).normalize():f}" if charged else "0")


def _party(el, parent, tag: str, party: Party) -> None:
    node = el(parent, tag)
    el(node, "ram:Name", party.name)
    if party.siren:
        el(el(node, "ram:SpecifiedLegalOrganization"), "ram:ID", party.siren, schemeID="0002")
    address = el(node, "ram:PostalTradeAddress")
    if party.postcode:
        el(address, "ram:PostcodeCode", party.postcode)
    if party.street:
        el(address, "ram:LineOne", party.street)
    if party.city:
        el(address, "ram:CityName", party.city)
    el(address, "ram:CountryID", "FR")
    if party.vat_number:
        el(el(node, "ram:SpecifiedTaxRegistration"), "ram:ID", party.vat_number, schemeID="VA")


def check_xml(xml: bytes) -> bool:
    """Whether the XML is valid against the EN 16931 schema the factur-x library ships."""
    from facturx import xml_check_xsd

    return bool(xml_check_xsd(xml, flavor="factur-x", level="en16931"))


def embed(pdf: bytes, xml: bytes, title: str, moment, code: str) -> bytes:
    """The PDF as Factur-X (PDF/A-3 with factur-x.xml attached), the XML checked on the way in.

    The library rewrites the Info dictionary: the dates of issue and the verification code (in the
    keywords, as on every document qualikit issues) are put back afterwards. It also dates the XMP
    metadata and the attached XML with the clock: they get the moment of issue too, so the same
    invoice gives the same bytes (and the XMP agrees with the Info dictionary, as PDF/A wants)."""
    import io
    import logging

    from facturx import generate_from_binary
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import NameObject

    from qualikit.documents.pdf_common import issued

    logging.getLogger("factur-x").setLevel(logging.WARNING)
    out = generate_from_binary(pdf, xml, flavor="factur-x", level="en16931", check_xsd=True, lang="fr-FR",
                               pdf_metadata={"author": "qualikit", "keywords": f"{code}, facture, Factur-X",
                                             "title": title, "subject": title})
    stamp = issued(b"(D:20000101000000+00'00')", moment)[1:-1].decode()
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(out)))
    writer.add_metadata({"/CreationDate": stamp, "/ModDate": stamp, "/Keywords": f"{code}, facture, Factur-X"})
    # pypdf escapes « - » in text strings; `verify` finds the code in the raw bytes, so it is also
    # written as a name, where it stays as it is
    writer._info.get_object()[NameObject("/QualikitCode")] = NameObject(f"/{code}")
    _date_library_stamps(writer, moment, stamp)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


_XMP_DATE = re.compile(rb"(<xmp:(?:CreateDate|ModifyDate|MetadataDate)>)[^<]*(</xmp:)")


def _date_library_stamps(writer, moment, stamp: str) -> None:
    """The XMP dates and the attached files' /ModDate, which factur-x takes from the clock, set to
    the moment of issue."""
    from pypdf.generic import NameObject, TextStringObject

    from qualikit.base.clock import PARIS

    root = writer.root_object
    if "/Metadata" in root:
        metadata = root["/Metadata"].get_object()
        when = moment.astimezone(PARIS).isoformat(timespec="seconds").encode()
        metadata.set_data(_XMP_DATE.sub(lambda m: m[1] + when + m[2], metadata.get_data()))
    names = root.get("/Names", {}).get("/EmbeddedFiles", {}).get("/Names", [])
    for spec in names[1::2]:
        params = spec.get_object().get("/EF", {}).get("/F")
        params = params.get_object().get("/Params") if params is not None else None
        if params is not None and "/ModDate" in params:
            params.get_object()[NameObject("/ModDate")] = TextStringObject(stamp)

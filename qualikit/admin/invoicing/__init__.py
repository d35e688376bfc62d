"""Invoices and credit notes (Factur-X) from the contracts, the conventions and the journey.

plan.py says what is payable on a day; ledger.py reads numbers, issues and payments back from the
journal; issue.py numbers and writes; vat.py gives the VAT mention of the organisation's regime.
"""

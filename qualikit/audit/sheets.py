"""Byte-stable workbooks for the audit pack: an « À propos » sheet, then the tables
(`base/xlsx_book.py`), dated the day of the pack; the zip entries' fixed date."""

from __future__ import annotations

from datetime import date, datetime

from qualikit.base.xlsx_book import Notes, Sheet, write_book

__all__ = ["FIXED_ZIP_TIME", "Sheet", "workbook"]

FIXED_ZIP_TIME = (1980, 1, 1, 0, 0, 0)


def workbook(about: list[tuple[str, str]], sheets: list[Sheet], stamp: date) -> bytes:
    """A workbook: an « À propos » sheet (organisation, grid, period), then the sheets."""
    return write_book([Notes("À propos", list(about)), *sheets], datetime(stamp.year, stamp.month, stamp.day))

"""Where bundled files live, in a wheel install as in a source checkout."""

from __future__ import annotations

from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent  # qualikit/


def templates_dir() -> Path:
    """templates/ is copied into the package by the wheel build; a checkout keeps it at the top."""
    inside = PACKAGE / "templates"
    return inside if inside.is_dir() else PACKAGE.parent / "templates"


def docs_dir() -> Path:
    """docs/, copied into the package by the wheel build like templates/."""
    inside = PACKAGE / "docs"
    return inside if inside.is_dir() else PACKAGE.parent / "docs"


def font(name: str) -> Path:
    return PACKAGE / "fonts" / name

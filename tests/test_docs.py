"""The project-folder docs (docs/projet/) stay in step with the format (qualikit.project.load.schema).

Every column of every table is named, in backticks, on the page that documents its table, with
the table's workbook sheet; every YAML example on those pages is valid YAML.
"""

from __future__ import annotations

import re
import textwrap
from functools import cache
from pathlib import Path

import pytest
import yaml

from qualikit.project.load import schema

DOCS = Path(__file__).resolve().parent.parent / "docs" / "projet"

PAGE_OF = {
    "organisation": "organisation.md",
    "formateurs": "organisation.md",
    "parametres": "organisation.md",
    "programmes": "programmes.md",
    "apprenants": "apprenants.md",
    "sessions": "sessions.md",
    "journees": "sessions.md",
    "inscriptions": "sessions.md",
    "presences": "presences.md",
    "evaluations": "evaluations.md",
    "parcours": "parcours.md",
    "clients": "clients.md",
    "certifications": "certifications.md",
    "blocs": "certifications.md",
    "examens": "certifications.md",
    "paiements": "paiements.md",
}

# A fenced block may be indented (inside a list item): its text is dedented before parsing.
_YAML_BLOCK = re.compile(r"^[ \t]*```ya?ml[ \t]*\n(.*?)^[ \t]*```[ \t]*$", re.MULTILINE | re.DOTALL)


@cache
def page(name: str) -> str:
    return (DOCS / name).read_text(encoding="utf-8")


def test_every_table_has_a_page():
    assert set(PAGE_OF) == {t.name for t in schema.TABLES}
    for name in {*PAGE_OF.values(), "README.md"}:
        assert (DOCS / name).is_file(), f"docs/projet/{name} manquant"


@pytest.mark.parametrize("table", schema.TABLES, ids=lambda t: t.name)
def test_page_documents_every_column_and_the_sheet(table):
    name = PAGE_OF[table.name]
    text = page(name)
    missing = [c.key for c in table.columns if f"`{c.key}`" not in text]
    assert not missing, f"{name} ne mentionne pas {missing} (table {table.name})"
    assert table.sheet in text, f"{name} ne nomme pas la feuille {table.sheet!r}"


def test_readme_links_every_page():
    readme = page("README.md")
    for name in set(PAGE_OF.values()):
        assert f"]({name})" in readme, f"README.md ne renvoie pas vers {name}"


def yaml_blocks() -> list[tuple[str, int, str]]:
    out = []
    for path in sorted(DOCS.glob("*.md")):
        text = path.read_text(encoding="utf-8")
        for match in _YAML_BLOCK.finditer(text):
            line = text.count("\n", 0, match.start()) + 1
            out.append((path.name, line, textwrap.dedent(match.group(1))))
    return out


_BLOCKS = yaml_blocks()


def test_pages_have_yaml_examples():
    pages = {name for name, _, _ in _BLOCKS}
    assert set(PAGE_OF.values()) <= pages


@pytest.mark.parametrize(("name", "line", "block"), _BLOCKS, ids=[f"{n}:{line}" for n, line, _ in _BLOCKS])
def test_yaml_example_parses(name, line, block):
    try:
        yaml.safe_load(block)
    except yaml.YAMLError as exc:
        pytest.fail(f"docs/projet/{name}:{line}: exemple YAML invalide : {exc}")

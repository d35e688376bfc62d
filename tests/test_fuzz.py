"""Whatever a trainer's files hold, loading reports problems and never raises."""

from __future__ import annotations

import tempfile
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import MINI, write_project
from qualikit.project.load import load_project
from qualikit.project.load.schema import YAML_FILES

KEYS = ["id", "nom", "prenom", "email", "date", "matin", "journees", "inscriptions", "programme", "statut",
        "objectifs", "resultats", "parametres", "formateurs", "raison_sociale", "absents", "duree_heures"]
scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True), st.text(max_size=12),
                    st.dates().map(str), st.sampled_from(["09:00-12:30", "2026-13-01", "a@b", "=1+1", "~"]))
values = st.recursive(scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=4),
    st.dictionaries(st.one_of(st.sampled_from(KEYS), st.text(max_size=6)), inner, max_size=5)), max_leaves=20)


def _load(files: dict[str, str | bytes]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = write_project(Path(tmp), {k: v for k, v in MINI.items() if k not in files})
        for name, content in files.items():
            path = root / name
            path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
        loaded = load_project(root)
        for d in loaded.report.items:
            assert d.format()  # every problem can be printed


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(name=st.sampled_from(list(YAML_FILES)), doc=values)
def test_random_yaml_structures(name, doc):
    _load({name: yaml.safe_dump(doc, allow_unicode=True)})


@settings(max_examples=150, deadline=None)
@given(name=st.sampled_from(list(MINI)), data=st.data())
def test_mutated_real_files(name, data):
    text = MINI[name]
    pos = data.draw(st.integers(0, len(text)))
    cut = data.draw(st.integers(0, 8))
    insert = data.draw(st.text(alphabet=":-[]{}'\"#&*!|>%@ \n\t0123456789abc", max_size=6))
    _load({name: text[:pos] + insert + text[pos + cut:]})


@settings(max_examples=60, deadline=None)
@given(name=st.sampled_from(list(YAML_FILES)), raw=st.binary(max_size=200))
def test_arbitrary_bytes(name, raw):
    _load({name: raw})

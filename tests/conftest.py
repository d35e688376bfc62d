"""Small readable fixtures: a minimal valid project written as real files."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
import textwrap
from pathlib import Path

import pytest

# The load cache goes to the user's cache folder: never the tester's own (subprocesses inherit it).
os.environ["QUALIKIT_CACHE_DIR"] = tempfile.mkdtemp(prefix="qualikit-test-cache-")
atexit.register(shutil.rmtree, os.environ["QUALIKIT_CACHE_DIR"], True)

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "examples" / "demo"
DEMO_XLSX = ROOT / "examples" / "demo-xlsx"

MINI = {
    "organisation.yaml": """\
        raison_sociale: Formation Durand
        siret: "73282932000074"
        nda: "84691234569"
        nda_region: Auvergne-Rhône-Alpes
        adresse: 3 rue de la Paix
        code_postal: "69001"
        ville: Lyon
        email: julie@durand-formation.fr
        representant_legal:
          nom: Julie Durand
          qualite: gérante
        referent_handicap:
          nom: Julie Durand
        reseau_handicap: [Agefiph, Cap emploi]
        formateurs:
          - id: julie
            nom: Julie Durand
        """,
    "programmes.yaml": """\
        - id: excel
          intitule: Excel pour la gestion
          objectifs:
            - Construire un tableau croisé dynamique
            - Automatiser un calcul avec une formule conditionnelle
          prerequis: [Aucun]
          duree_heures: 7
          modalite: présentiel
          methodes: [Exercices]
          evaluation: [Cas pratique]
          accessibilite: Accessible ; contactez le référent handicap.
          prix: 450
          reconnaissance: Attestation de fin de formation
          financements: [OPCO]
          delai_acces: 2 semaines
        """,
    "apprenants.yaml": """\
        - id: ana
          nom: Lopez
          prenom: Ana
          email: ana@example.fr
        - id: paul
          nom: Martin
          prenom: Paul
          email: paul@example.fr
        """,
    "sessions.yaml": """\
        - id: s1
          programme: excel
          formateur: julie
          lieu: 3 rue de la Paix, Lyon
          journees:
            - date: 2026-12-01
              matin: 09:00-12:30
              apres_midi: 13:30-17:00
          inscriptions:
            - ana
            - apprenant: paul
              statut: inscrit
        """,
}


MINI = {name: text.rstrip(" ") for name, text in MINI.items()}  # so tests can append indented blocks


def write_project(root: Path, files: dict[str, str]) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (root / name).write_text(textwrap.dedent(text), encoding="utf-8")
    return root


@pytest.fixture
def mini(tmp_path: Path) -> Path:
    return write_project(tmp_path / "projet", MINI)


@pytest.fixture(scope="session")
def built_demo(tmp_path_factory) -> Path:
    """`qualikit demo` run once for the session: the whole journey's files. Read it, never change it."""
    from qualikit.commands.demo import run_demo

    dest = tmp_path_factory.mktemp("built") / "demo"
    run_demo(dest)
    return dest

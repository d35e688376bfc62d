"""The trainer's own column mapping, kept in the project: a question mapped once stays mapped.

`correspondances-enquetes.yaml` holds `« wording of the question »: field` lines. Every import reads
it; `qualikit survey import … --colonne "Question=champ"` adds to it once the import succeeded.
"""

from __future__ import annotations

from pathlib import Path

from qualikit.base.diagnostics import Location, Report, quote

FILENAME = "correspondances-enquetes.yaml"
HEADER = ("# Correspondance des questions de vos formulaires avec les champs de qualikit (une ligne par\n"
          "# question : « texte de la question »: champ). Champs : accueil, contenu, equipe, moyens,\n"
          "# accompagnement, nps, accompagne, commentaire, utilisation, resultats, obstacles,\n"
          "# soutien_manager, besoins_suivants, satisfaction, jeton, ignorer.\n")


def load(root: Path, report: Report) -> dict[str, str]:
    """The saved mapping; a problem in the file is reported, located, and its line left out."""
    import yaml

    path = root / FILENAME
    if not path.is_file():
        return {}
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError, RecursionError) as exc:
        mark = getattr(exc, "problem_mark", None)
        report.error(Location(FILENAME, mark.line + 1 if mark else None, mark.column + 1 if mark else None),
                     "fichier illisible : une ligne par question, « texte de la question »: champ")
        return {}
    if data is None:
        return {}
    if not isinstance(data, dict):
        report.error(Location(FILENAME), "attendu : une ligne par question, « texte de la question »: champ")
        return {}
    out = {}
    for key, value in data.items():
        if not isinstance(key, str) or not isinstance(value, str) or not _known(value):
            report.error(Location(FILENAME), f"correspondance {quote(str(key))} : champ {quote(str(value))} "
                         "inconnu", field=str(key))
            continue
        out[key] = value
    return out


def parse_option(text: str) -> tuple[str, str] | None:
    """« Question=champ » → (question, field), None when it is not that shape or the field is unknown."""
    question, sep, name = text.rpartition("=")
    if not sep or not question.strip() or not _known(name.strip()):
        return None
    return question.strip(), name.strip()


def save(root: Path, mapping: dict[str, str]) -> None:
    import yaml

    from qualikit.base.files import write_atomic

    body = yaml.safe_dump(mapping, allow_unicode=True, sort_keys=True, default_flow_style=False)
    write_atomic(root / FILENAME, (HEADER + body).encode("utf-8"))


def _known(name: str) -> bool:
    from qualikit.quality.surveys.presets import field_name

    return field_name(name) is not None

"""The trainer's own column mapping, kept in the project: a question mapped once stays mapped.

`correspondances-enquetes.yaml` holds `« wording of the question »: field` lines. Every import reads
it; `qualikit survey import … --colonne "Question=champ"` adds to it once the import succeeded.
"""

from __future__ import annotations

from pathlib import Path

from qualikit.base.diagnostics import Location, Report, quote

FILENAME = "correspondances-enquetes.yaml"
FIELDS = ("accueil, contenu, equipe, moyens, accompagnement, nps, accompagne, commentaire, utilisation, "
          "resultats, obstacles, soutien_manager, besoins_suivants, satisfaction, jeton, ignorer")
HEADER = ("# Correspondance des questions de vos formulaires avec les champs de qualikit (une ligne par\n"
          "# question : « texte de la question »: champ). Champs : accueil, contenu, equipe, moyens,\n"
          "# accompagnement, nps, accompagne, commentaire, utilisation, resultats, obstacles,\n"
          "# soutien_manager, besoins_suivants, satisfaction, jeton, ignorer.\n")


def load(root: Path, report: Report) -> dict[str, str]:
    """The saved mapping; a problem in the file is reported at its line (read like the project's
    own YAML: French messages, aliases refused), and that line left out."""
    import yaml

    from qualikit.project.load.yaml_source import compose_text

    path = root / FILENAME
    if not path.is_file():
        return {}
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (UnicodeDecodeError, OSError):
        report.error(Location(FILENAME), "fichier illisible : enregistrez-le en UTF-8 (une ligne par question, "
                     "« texte de la question »: champ)")
        return {}
    node = compose_text(text, FILENAME, report)
    if node is None or (isinstance(node, yaml.ScalarNode) and not node.value.strip()):
        return {}
    if not isinstance(node, yaml.MappingNode):
        report.error(_at(node), "attendu : une ligne par question, « texte de la question »: champ")
        return {}
    out = {}
    for key, value in node.value:
        if not isinstance(key, yaml.ScalarNode) or not isinstance(value, yaml.ScalarNode):
            report.error(_at(key), "attendu : « texte de la question »: champ, sur une seule ligne")
        elif not _known(value.value):
            report.error(_at(value), f"champ {quote(value.value)} inconnu pour la question {quote(key.value)} "
                         f"(champs : {FIELDS}, ou un nom à vous en lettres minuscules)", field=key.value)
        else:
            out[key.value] = value.value
    return out


def _at(node) -> Location:
    return Location(FILENAME, node.start_mark.line + 1, node.start_mark.column + 1)


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

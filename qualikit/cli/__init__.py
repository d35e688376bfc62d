"""The command line: parse arguments, call the library, print. Nothing else here.

Each command's module is imported only when that command runs (or when the help lists them):
`qualikit verify` or the daily `qualikit remind` do not pay for the thirty others. Heavy
libraries (openpyxl, reportlab, pyHanko) are imported inside the commands that use them.
"""

from __future__ import annotations

from collections.abc import Iterator, MutableMapping
from importlib import import_module

import typer
from typer.core import TyperGroup

from qualikit.base.resources import docs_dir
from qualikit.cli.french import install as _french

_french()

# name → ("module:function" under qualikit.cli, help), in the order of the help page
COMMANDS: dict[str, tuple[str, str]] = {
"demo": ("demo:command", "Démonstration : tout le parcours sur une copie du projet d'exemple."),
    "init": ("init:command", "Crée un dossier de projet prêt à remplir."),
    "check": ("check:command", "Vérifie le projet : erreurs et points d'attention Qualiopi."),
    "status": ("status:command", "Vue d'ensemble : sessions, apprenants, ce qui a été fait et ce qui vient."),
    "programme": ("contract:programme", "Les fiches programmes datées, PDF et HTML à publier (indicateur 1)."),
    "contract": ("contract:contract", "Contrat (particulier), convention (entreprise) avec l'information "
                 "préalable, ou contrat de sous-traitance (donneur d'ordre)."),
    "onboard": ("onboard:command", "Convocations J-7 : livret d'accueil, invitation agenda, questionnaires, e-mail."),
    "close-session": ("close:command",
                 "Clôture : heures suivies, attestations et certificats signés, pack de "
                 "fin, questionnaire à chaud."),
    "remind": ("remind:command", "À lancer chaque jour : envoie chaque relance du parcours due, une seule fois."),
    "verify": ("verify:command", "Vérifie qu'un PDF a bien été délivré par qualikit, intact, et sa signature."),
    "audit-pack": ("audit:command",
                 "Dossier de preuves pour l'audit Qualiopi : un dossier par indicateur, "
                 "index, manifeste."),
    "kpi": ("kpi:command", "Indicateurs : réponses, satisfaction, NPS, achèvement, abandons, délais…"),
    "indicators": ("indicators:command",
                 "La page de résultats à publier (HTML et PDF), avec les méthodes de "
                 "calcul."),
    "bpf": ("bpf:command", "Bilan pédagogique et financier (cerfa 10443) d'une année : tableau, classeur et PDF."),
    "emargement": ("emargement:command",
                 "Émargement dans la salle (page de signature servie par cet ordinateur, "
                 "sans internet) ou feuille papier scannée (emargement import)."),
    "invoice": ("invoice:invoice", "Factures et avoirs Factur-X des contrats et conventions, numérotés sans trou."),
    "payment": ("invoice:payment", "Enregistre un paiement reçu sur une facture (date, montant, moyen)."),
    "convert": ("convert:command", "Convertit un projet YAML en classeur Excel (qualikit.xlsx)."),
}

# name → "module:typer app" under qualikit.cli: commands with subcommands
GROUPS: dict[str, str] = {
"log": "log:log_app",
    "journal": "journal:journal_app",
    "survey": "survey:survey_app",
    "certification": "certification:certification_app",
    "incident": "registers:incident_app",
    "improvement": "registers:improvement_app",
    "risk": "registers:risk_app",
    "report": "registers:report_app",
    "veille": "registers_watch:watch_app",
    "procedure": "registers_procedures:procedure_app",
    "competence": "registers_competences:competence_app",
    "handicap": "registers_network:network_app",
    "sous-traitant": "external:external_app",
}


class _Commands(MutableMapping):
    """The group's commands, each built from its module the first time it is asked for."""

    def __init__(self, built: MutableMapping) -> None:
        self._built = dict(built)

    def __getitem__(self, name: str):
        if name not in self._built:
            if name not in COMMANDS and name not in GROUPS:
                raise KeyError(name)
            self._built[name] = _build(name)
        return self._built[name]

    def __setitem__(self, name: str, command) -> None:
        self._built[name] = command

    def __delitem__(self, name: str) -> None:
        del self._built[name]

    def __iter__(self) -> Iterator[str]:
        yield from self._built
        yield from (n for n in (*COMMANDS, *GROUPS) if n not in self._built)

    def __len__(self) -> int:
        return len(set(self._built) | set(COMMANDS) | set(GROUPS))


class _LazyGroup(TyperGroup):
    def __init__(self, **attrs) -> None:
        super().__init__(**attrs)
        self.commands = _Commands(self.commands)


def _build(name: str):
    if name in COMMANDS:
        target, help_ = COMMANDS[name]
        module, function = target.split(":")
        one = typer.Typer(add_completion=False, rich_markup_mode=None)
        one.command(name, help=help_)(getattr(import_module(f"qualikit.cli.{module}"), function))
        return typer.main.get_command(one)
    module, attribute = GROUPS[name].split(":")
    # a group even with one subcommand (`veille add`), as `add_typer` made it
    group = typer.main.get_group(getattr(import_module(f"qualikit.cli.{module}"), attribute))
    group.name = name
    return group


def _version(value: bool) -> None:
    if value:
        from importlib.metadata import PackageNotFoundError, version

        try:
            number = version("qualikit")
        except PackageNotFoundError:  # run from a checkout that was never installed
            number = "inconnue"
        typer.echo(f"qualikit {number}")
        raise typer.Exit()


app = typer.Typer(
    name="qualikit",
    cls=_LazyGroup,
    help="Le parcours apprenant et les preuves Qualiopi d'un formateur indépendant, depuis des fichiers plats.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_show_locals=False,  # a crash must never print learner data or secrets
    rich_markup_mode=None,
    epilog=f"Documentation : {docs_dir()}",
)


@app.callback()
def _root(
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True,
                                 help="Affiche la version de qualikit."),
) -> None:
    """Le parcours apprenant et les preuves Qualiopi d'un formateur indépendant, depuis des fichiers plats."""


def main() -> None:
    import gc

    # A command builds a few hundred thousand long-lived objects (project, journal, journey) and
    # few cycles: with the default thresholds the collector walks them again every few hundred
    # allocations. Measured on the year-sized project: `check` 2.5 s → 1.1 s of CPU, within 5 % of
    # no collector at all (docs/performances.md). Cycles are still collected, less often.
    gc.set_threshold(200_000, 30, 30)
    app()

"""The command line: parse arguments, call the library, print. Nothing else here.

Heavy libraries (openpyxl, reportlab, pyHanko) are imported inside the
commands that use them, so `qualikit --help` starts fast.
"""

from __future__ import annotations

import typer

from qualikit.base.resources import docs_dir
from qualikit.cli import (
    audit,
    bpf,
    check,
    close,
    contract,
    convert,
    demo,
    emargement,
    indicators,
    init,
    invoice,
    kpi,
    onboard,
    remind,
    status,
    verify,
)
from qualikit.cli.certification import certification_app
from qualikit.cli.external import external_app
from qualikit.cli.french import install as _french
from qualikit.cli.journal import journal_app
from qualikit.cli.log import log_app
from qualikit.cli.registers import improvement_app, incident_app, report_app, risk_app
from qualikit.cli.registers_competences import competence_app
from qualikit.cli.registers_network import network_app
from qualikit.cli.registers_procedures import procedure_app
from qualikit.cli.registers_watch import watch_app
from qualikit.cli.survey import survey_app

_french()

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

app.command("demo", help="Démonstration : tout le parcours sur une copie du projet d'exemple.")(demo.command)
app.command("init", help="Crée un dossier de projet prêt à remplir.")(init.command)
app.command("check", help="Vérifie le projet : erreurs et points d'attention Qualiopi.")(check.command)
app.command("status", help="Vue d'ensemble : sessions, apprenants, ce qui a été fait et ce qui vient.")(
    status.command
)

app.command("programme", help="Les fiches programmes datées, PDF et HTML à publier (indicateur 1).")(contract.programme)
app.command("contract", help="Contrat (particulier) ou convention (entreprise), avec l'information préalable.")(
    contract.contract
)
app.command("onboard", help="Convocations J-7 : livret d'accueil, invitation agenda, questionnaires, e-mail.")(
    onboard.command
)
app.command("close-session", help="Clôture : heures suivies, attestations et certificats signés, pack de fin, "
            "questionnaire à chaud.")(close.command)
app.command("remind", help="À lancer chaque jour : envoie chaque relance du parcours due, une seule fois.")(
    remind.command
)
app.command("verify", help="Vérifie qu'un PDF a bien été délivré par qualikit, intact, et sa signature.")(
    verify.command
)
app.command("audit-pack", help="Dossier de preuves pour l'audit Qualiopi : un dossier par indicateur, index, "
            "manifeste.")(audit.command)
app.command("kpi", help="Indicateurs : réponses, satisfaction, NPS, achèvement, abandons, délais…")(kpi.command)
app.command("indicators", help="La page de résultats à publier (HTML et PDF), avec les méthodes de calcul.")(
    indicators.command
)
app.command("bpf", help="Bilan pédagogique et financier (cerfa 10443) d'une année : tableau, classeur et PDF.")(
    bpf.command
)
app.command("emargement", help="Émargement dans la salle (page de signature servie par cet ordinateur, sans "
            "internet) ou feuille papier scannée (emargement import).")(emargement.command)
app.command("invoice", help="Factures et avoirs Factur-X des contrats et conventions, numérotés sans trou.")(
    invoice.invoice
)
app.command("payment", help="Enregistre un paiement reçu sur une facture (date, montant, moyen).")(invoice.payment)
app.command("convert", help="Convertit un projet YAML en classeur Excel (qualikit.xlsx).")(convert.command)
app.add_typer(log_app, name="log")
app.add_typer(journal_app, name="journal")
app.add_typer(survey_app, name="survey")
app.add_typer(certification_app, name="certification")
app.add_typer(incident_app, name="incident")
app.add_typer(improvement_app, name="improvement")
app.add_typer(risk_app, name="risk")
app.add_typer(report_app, name="report")
app.add_typer(watch_app, name="veille")
app.add_typer(procedure_app, name="procedure")
app.add_typer(competence_app, name="competence")
app.add_typer(network_app, name="handicap")
app.add_typer(external_app, name="sous-traitant")


def main() -> None:
    app()

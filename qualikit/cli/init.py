from __future__ import annotations

import sys
from pathlib import Path

import typer
from rich.markup import escape

from qualikit.cli.common import TodayOpt, clock_from, console, err

# (field, question) — asked in a terminal when the flag was not given.
QUESTIONS = (
    ("raison_sociale", "Raison sociale de votre organisme"),
    ("siret", "SIRET (14 chiffres)"),
    ("nda", "Numéro de déclaration d'activité (11 chiffres)"),
    ("nda_region", "Région de la déclaration d'activité"),
    ("adresse", "Adresse (numéro et rue)"),
    ("code_postal", "Code postal"),
    ("ville", "Ville"),
    ("representant", "Représentant légal (prénom et nom)"),
    ("qualite", "Qualité du représentant (gérant, présidente…)"),
    ("email", "E-mail de contact"),
    ("telephone", "Téléphone"),
)
FLAGS = {"siret": "--siret", "email": "--email"}
ASK = "\u00a0: "  # French typography: a no-break space before the colon, as base/typography.fr puts it


def invalid(key: str, value: str | None) -> str | None:
    """Why a SIRET or an e-mail typed at init cannot be right, or None (the loader's own rules)."""
    from qualikit.project.checks import SIRET_KEY, siret_key_ok
    from qualikit.project.load import fields as f

    if value is None or key not in FLAGS:
        return None
    try:
        parsed = (f.SIRET if key == "siret" else f.EMAIL)(value)
    except f.Invalid as exc:
        return str(exc)
    if key == "siret" and not siret_key_ok(parsed):
        from qualikit.base.typography import siret

        return SIRET_KEY.format(siret=siret(parsed))
    return None


def command(
    dest: Path = typer.Argument(..., metavar="DOSSIER", help="Dossier à créer pour le projet."),
    raison_sociale: str = typer.Option(None, "--raison-sociale"),
    forme_juridique: str = typer.Option(None, "--forme-juridique"),
    siret: str = typer.Option(None, "--siret"),
    nda: str = typer.Option(None, "--nda", help="Numéro de déclaration d'activité."),
    nda_region: str = typer.Option(None, "--region", help="Région de la déclaration d'activité."),
    adresse: str = typer.Option(None, "--adresse"),
    code_postal: str = typer.Option(None, "--code-postal"),
    ville: str = typer.Option(None, "--ville"),
    representant: str = typer.Option(None, "--representant", help="Représentant légal (prénom et nom)."),
    qualite: str = typer.Option(None, "--qualite", help="Qualité du représentant légal."),
    email: str = typer.Option(None, "--email"),
    telephone: str = typer.Option(None, "--telephone"),
    form: str = typer.Option(None, "--format", help="yaml (fichiers texte) ou xlsx (un classeur Excel)."),
    interactive: bool = typer.Option(None, "--interactif/--non-interactif",
                                     help="Poser les questions (par défaut : seulement dans un terminal)."),
    certificate: bool = typer.Option(False, "--certificat", help="Créer aussi un certificat de signature "
                                     "auto-signé (certificat.p12) ; dans un projet existant, seulement lui."),
    today: str = TodayOpt,
) -> None:
    from qualikit.project.load import project_form
    from qualikit.project.scaffold import OrgAnswers, ScaffoldError, create_project

    if certificate and dest.is_dir() and project_form(dest) is not None:
        _certificate(dest, sys.stdin.isatty() if interactive is None else interactive)
        return

    values = dict(raison_sociale=raison_sociale, siret=siret, nda=nda, nda_region=nda_region, adresse=adresse,
                  code_postal=code_postal, ville=ville, representant=representant, qualite=qualite, email=email,
                  telephone=telephone)
    ask = sys.stdin.isatty() if interactive is None else interactive
    if ask:
        console.print("[bold]Nouveau projet qualikit[/] — laissez vide pour compléter plus tard.")
        for key, question in QUESTIONS:
            while values[key] is None or invalid(key, values[key]):
                if values[key] is not None:
                    err.print(f"[red]Erreur\u00a0:[/] {escape(invalid(key, values[key]))}")
                values[key] = typer.prompt(question, default="", show_default=False, prompt_suffix=ASK).strip() \
                    or None
                if values[key] is None:
                    break  # left empty: to complete later
        if form is None:
            form = typer.prompt("Format des données (yaml ou xlsx)", default="yaml", prompt_suffix=ASK).strip().lower()
    problems = [f"{FLAGS[key]} : {why}" for key in FLAGS if (why := invalid(key, values[key]))]
    if problems:
        for problem in problems:
            err.print(f"[red]Erreur\u00a0:[/] {escape(problem)}")
        raise typer.Exit(2)
    form = (form or "yaml").lower()
    if form not in ("yaml", "xlsx"):
        err.print(f"[red]Erreur :[/] --format « {form} » inconnu (attendu : yaml ou xlsx).")
        raise typer.Exit(2)
    answers = OrgAnswers(raison_sociale=values.pop("raison_sociale") or "Mon organisme de formation",
                         forme_juridique=forme_juridique, **values)
    try:
        files = create_project(dest, answers, form, clock_from(today).today())
    except (ScaffoldError, OSError) as exc:
        err.print(f"[red]Erreur :[/] {exc}")
        raise typer.Exit(1) from None
    console.print(f"[green]✓ Projet créé[/] dans {dest} ({len(files)} fichiers) :")
    for f in files:
        console.print(f"  {f}")
    if certificate:
        _certificate(dest, ask)
    console.print(f"Complétez-le, puis lancez « qualikit check -p {dest} ».")


def _certificate(root: Path, ask: bool) -> None:
    """A self-signed signing certificate, its passphrase from the environment (or typed, hidden)."""
    import os

    from qualikit.documents.signing import PASSPHRASE_ENV, SELF_SIGNED_NOTE, SigningError, create_self_signed
    from qualikit.project.load import load_project

    passphrase = os.environ.get(PASSPHRASE_ENV)
    if not passphrase and ask:
        passphrase = typer.prompt("Phrase secrète du certificat", hide_input=True, prompt_suffix=ASK)
        if passphrase != typer.prompt("La même, pour confirmer", hide_input=True, prompt_suffix=ASK):
            err.print("[red]Erreur\u00a0:[/] les deux phrases secrètes diffèrent ; rien n'a été créé.")
            raise typer.Exit(1)
    if not passphrase:
        err.print(f"[red]Erreur :[/] définissez d'abord la phrase secrète du certificat dans la variable "
                  f"d'environnement {PASSPHRASE_ENV} (elle n'est jamais écrite dans un fichier).")
        raise typer.Exit(1)
    project = load_project(root).project
    org = project.organisation if project else None
    signer = (org.legal_rep.name if org and org.legal_rep and org.legal_rep.name else None) or \
        (org.name if org else root.name)
    try:
        path = create_self_signed(root / "certificat.p12", name=signer, email=org.email if org else None,
                                  organisation=org.name if org else signer, passphrase=passphrase)
    except (SigningError, FileExistsError, OSError) as exc:
        err.print(f"[red]Erreur :[/] {exc}")
        raise typer.Exit(1) from None
    console.print(f"[green]✓ Certificat créé[/] : {path} (au nom de {signer}).")
    console.print(SELF_SIGNED_NOTE)
    console.print(f"Gardez la phrase secrète dans la variable {PASSPHRASE_ENV} pour signer vos documents.")

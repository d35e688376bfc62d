"""Checks beyond syntax: small pure functions over the model.

Each check takes the project (and its folder) and yields Diagnostics; the
tuple CHECKS is the whole list, immutable, so nothing runs twice.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from qualikit.base.diagnostics import Diagnostic, Level, Report, quote
from qualikit.base.files import inside
from qualikit.base.frdates import hours
from qualikit.base.tokens import verification_page
from qualikit.base.typography import siret
from qualikit.project.model import Funder, Modality, Project, Status

D = Diagnostic


@dataclass(frozen=True)
class Context:
    """What checks may know beyond the model: the folder, and every id written in the files
    (a record dropped for a bad field still "exists", so references to it are not errors too)."""

    root: Path
    declared: dict[str, set[str]] = field(default_factory=dict)

    def known(self, table: str, ids: set[str]) -> set[str]:
        return ids | self.declared.get(table, set())


def _warn(loc, message, field=None, indicator=None) -> Diagnostic:
    return Diagnostic(loc, message, field, Level.WARNING, indicator)


def same_person(p: Project, ctx: Context) -> Iterator[Diagnostic]:
    """Two ids for one person break re-enrolment counts and the BPF."""
    by_email = {}
    for learner in p.learners:
        key = learner.email.lower()
        if key in by_email and by_email[key].id != learner.id:
            first = by_email[key]
            yield _warn(learner.loc, f"même e-mail que {quote(first.id)} ({first.loc}) : s'il s'agit de la même "
                        "personne, gardez un seul identifiant pour toutes ses sessions", "email")
        by_email.setdefault(key, learner)


def references(p: Project, ctx: Context) -> Iterator[Diagnostic]:
    programmes = ctx.known("programmes", {r.id for r in p.programmes})
    learners = ctx.known("apprenants", {r.id for r in p.learners})
    trainers = ctx.known("formateurs", {r.id for r in p.trainers})
    for session in p.sessions:
        if session.programme_id not in programmes:
            yield D(session.loc, f"programme {quote(session.programme_id)} inconnu{_known(programmes)}", "programme")
        if session.trainer_id and session.trainer_id not in trainers:
            yield D(session.loc, f"formateur {quote(session.trainer_id)} inconnu{_known(trainers)}", "formateur")
        seen = set()
        for e in session.enrolments:
            if e.learner_id not in learners:
                yield D(e.loc, f"apprenant {quote(e.learner_id)} inconnu (à déclarer dans les apprenants)", "apprenant")
            if e.learner_id in seen:
                yield D(e.loc, f"{quote(e.learner_id)} est inscrit deux fois à la session {quote(session.id)}",
                        "apprenant")
            seen.add(e.learner_id)


def _known(ids: set[str]) -> str:
    if not ids:
        return " (aucun n'est déclaré)"
    shown = sorted(ids)[:6]
    return f" (connus\u00a0: {', '.join(shown)}{'…' if len(ids) > 6 else ''})"


def schedule(p: Project, ctx: Context) -> Iterator[Diagnostic]:
    busy_learner = defaultdict(list)
    busy_trainer = defaultdict(list)
    for session in p.sessions:
        dates = set()
        for day in session.days:
            if day.date in dates:
                yield D(day.loc, f"la journée du {day.date:%d/%m/%Y} figure deux fois dans la session "
                        f"{quote(session.id)}", "date")
            dates.add(day.date)
            if day.morning and day.afternoon and day.morning.end > day.afternoon.start:
                yield D(day.loc, f"le matin ({day.morning}) chevauche l'après-midi ({day.afternoon})",
                        "apres_midi")
            if day.morning and day.morning.start.hour >= 13:
                yield _warn(day.loc, f"matin commençant à {day.morning.start:%H:%M} : est-ce l'après-midi ?", "matin")
            for half, _ in day.halves():
                slot = (day.date, half)
                if session.trainer_id:
                    busy_trainer[(session.trainer_id, slot)].append(session)
                for e in session.enrolments:
                    busy_learner[(e.learner_id, slot)].append(session)
    for (who, (when, half)), sessions in [*busy_learner.items(), *busy_trainer.items()]:
        if len(sessions) > 1:
            names = " et ".join(quote(x.id) for x in sessions)
            yield D(sessions[-1].loc, f"{quote(who)} est attendu·e dans deux sessions le {when:%d/%m/%Y} "
                    f"({half.value}) : {names}", "journees")


def enrolments(p: Project, ctx: Context) -> Iterator[Diagnostic]:
    for session in p.sessions:
        if not session.days:
            continue
        for e in session.enrolments:
            if e.status is Status.ABANDON:
                if e.dropout_date is None:
                    yield D(e.loc, "abandon sans date (attendu : la date de l'abandon)", "date_abandon")
                elif not session.start <= e.dropout_date <= session.end:
                    yield _warn(e.loc, f"date d'abandon {e.dropout_date:%d/%m/%Y} hors des dates de la session "
                                f"({session.start:%d/%m/%Y} – {session.end:%d/%m/%Y})", "date_abandon")
                if not e.dropout_reason:
                    yield _warn(e.loc, "abandon sans motif : les causes d'abandon sont à suivre et publier",
                                "motif_abandon", 12)
            elif e.dropout_date or e.dropout_reason:
                yield D(e.loc, f"date ou motif d'abandon renseigné mais statut {quote(e.status.value)} "
                        "(attendu : statut « abandon »)", "statut")


def attendance(p: Project, ctx: Context) -> Iterator[Diagnostic]:
    sessions = {s.id: s for s in p.sessions}
    seen = {}
    for a in p.attendance:
        session = sessions.get(a.session_id)
        if session is None:
            yield D(a.loc, f"session {quote(a.session_id)} inconnue", "session")
            continue
        day = next((d for d in session.days if d.date == a.date), None)
        if day is None or a.half not in dict(day.halves()):
            yield D(a.loc, f"la session {quote(session.id)} n'a pas de demi-journée le {a.date:%d/%m/%Y} "
                    f"({a.half.value})", "date")
        key = (a.session_id, a.date, a.half)
        if key in seen:
            yield D(a.loc, f"appel déjà saisi pour cette demi-journée ({seen[key]})", "demi_journee")
        seen[key] = a.loc
        enrolled = {e.learner_id for e in session.enrolments}
        for lid in a.absent:
            if lid not in enrolled:
                yield D(a.loc, f"{quote(lid)} n'est pas inscrit à la session {quote(session.id)}", "absents")


def evaluations(p: Project, ctx: Context) -> Iterator[Diagnostic]:
    sessions = {s.id: s for s in p.sessions}
    programmes = {x.id: x for x in p.programmes}
    seen = {}
    for ev in p.evaluations:
        session = sessions.get(ev.session_id)
        if session is None:
            yield D(ev.loc, f"session {quote(ev.session_id)} inconnue", "session")
            continue
        if session.enrolment(ev.learner_id) is None:
            yield D(ev.loc, f"{quote(ev.learner_id)} n'est pas inscrit à la session {quote(session.id)}", "apprenant")
        programme = programmes.get(session.programme_id)
        if programme and not 1 <= ev.objective <= len(programme.objectives):
            yield D(ev.loc, f"objectif n° {ev.objective} inexistant : le programme {quote(programme.id)} en compte "
                    f"{len(programme.objectives)}", "objectif")
        key = (ev.session_id, ev.learner_id, ev.objective)
        if key in seen:
            yield D(ev.loc, f"résultat déjà saisi pour cet objectif ({seen[key]})", "objectif")
        seen[key] = ev.loc


def follow_up(p: Project, ctx: Context) -> Iterator[Diagnostic]:
    for session in p.sessions:
        if len(session.days) > 2 and not session.follow_up:
            yield _warn(session.loc, f"session de {len(session.days)} jours sans plan de suivi : décrivez comment "
                        "vous repérez et relancez un apprenant en difficulté (champ « suivi »)", "suivi", 12)


def session_logistics(p: Project, ctx: Context) -> Iterator[Diagnostic]:
    programmes = {x.id: x for x in p.programmes}
    for session in p.sessions:
        programme = programmes.get(session.programme_id)
        modality = programme.modality if programme else None
        if modality in (Modality.DISTANCIEL, Modality.MIXTE) and not session.distance_link:
            yield _warn(session.loc, "formation à distance sans lien de connexion", "lien_distance", 9)
        if modality is not Modality.DISTANCIEL and not session.place:
            yield _warn(session.loc, "aucun lieu indiqué pour la convocation", "lieu", 9)
        if programme and programme.duration_hours and session.days and \
                session.planned_hours != programme.duration_hours:
            planned, announced = hours(session.planned_hours), hours(programme.duration_hours)
            yield _warn(session.loc, f"{planned} prévues aux journées, {announced}"
                        f" annoncées au programme {quote(programme.id)}", "journees", 6)


def organisation(p: Project, ctx: Context) -> Iterator[Diagnostic]:
    org = p.organisation
    if not org.nda:
        yield _warn(org.loc, "numéro de déclaration d'activité absent : il figure sur chaque document", "nda", 1)
    elif not org.nda_region:
        yield _warn(org.loc, "région de la déclaration d'activité absente (« auprès du préfet de région de … »)",
                    "nda_region", 1)
    if not org.siret:
        yield _warn(org.loc, "SIRET absent : il figure sur chaque document", "siret")
    elif not siret_key_ok(org.siret):
        yield _warn(org.loc, SIRET_KEY.format(siret=siret(org.siret)), "siret")
    if not org.disability_referent or not org.disability_referent.name:
        yield _warn(org.loc, "aucun référent handicap désigné", "referent_handicap.nom", 26)
    if not org.disability_network:
        yield _warn(org.loc, "aucun partenaire du réseau handicap (Agefiph, Cap emploi, MDPH…)",
                    "reseau_handicap", 26)
    if org.vat_regime == "assujetti" and not org.vat_number:
        yield _warn(org.loc, "régime de TVA « assujetti » sans numéro de TVA intracommunautaire : il est "
                    "obligatoire sur chaque facture (CGI, annexe II, art. 242 nonies A)", "numero_tva")
    if not org.legal_rep or not org.legal_rep.name:
        yield _warn(org.loc, "représentant légal absent : il signe les certificats de réalisation",
                    "representant_legal.nom")
    if not (org.sender and org.sender.email) and not org.email:
        yield _warn(org.loc, "aucune adresse d'expédition pour les e-mails", "expediteur.email")
    if not p.settings.verification_url:
        base, _ = verification_page(None, org.website, org.sender_email)
        where = p.settings.loc if p.settings.loc.file != "?" else org.loc  # no parametres: the organisation
        yield _warn(where, "aucune page de vérification des documents (verification_url) : les QR codes "
                    f"mènent à {base or 'aucune adresse'} ; mettez-y en ligne les pages de « qualikit verify "
                    "--publish » ou indiquez l'adresse où vous les publiez", "verification_url")
    for key, value in (("logo", org.logo), ("signature", org.signature)):
        if value and not inside(ctx.root, ctx.root / value):
            yield D(org.loc, f"{quote(value)} doit être un chemin relatif dans le dossier du projet", key)
        elif value and not (ctx.root / value).is_file():
            yield D(org.loc, f"fichier {quote(value)} introuvable dans le dossier du projet", key)


SIRET_KEY = "le SIRET {siret} ne passe pas la clé de contrôle : un chiffre est sans doute mal recopié"


def siret_key_ok(number: str) -> bool:
    """The SIRET's check digit (Luhn, as INSEE computes it). La Poste's establishments
    (SIREN 356 000 000) follow another rule: the sum of the 14 digits is a multiple of 5; its
    head office (356 000 000 00048) passes Luhn."""
    total = 0
    for i, c in enumerate(reversed(number)):
        d = int(c) * (2 if i % 2 else 1)
        total += d - 9 if d > 9 else d
    if total % 10 == 0:
        return True
    return number.startswith("356000000") and sum(int(c) for c in number) % 5 == 0


_CLAIMS = re.compile(r"certifiant|éligible\s+(au\s+)?cpf|\bcpf\b|rncp|répertoire spécifique", re.I)


def programmes(p: Project, ctx: Context) -> Iterator[Diagnostic]:
    for x in p.programmes:
        if not x.objectives:
            yield _warn(x.loc, "aucun objectif opérationnel", "objectifs", 5)
        if not x.evaluation:
            yield _warn(x.loc, "aucune modalité d'évaluation", "evaluation", 11)
        if not x.accessibility:
            yield _warn(x.loc, "accessibilité aux personnes en situation de handicap non décrite", "accessibilite", 1)
        for key, value, what in (("prerequis", x.prerequisites, "prérequis non renseignés (écrivez « Aucun » "
                                                                 "s'il n'y en a pas)"),
                                 ("duree_heures", x.duration_hours, "durée non renseignée"),
                                 ("modalite", x.modality, "modalité non renseignée"),
                                 ("prix", x.price, "prix non renseigné"),
                                 ("delai_acces", x.access_delay, "délai d'accès non renseigné"),
                                 ("methodes", x.methods, "méthodes pédagogiques non renseignées"),
                                 ("reconnaissance", x.recognition, "type de reconnaissance délivrée non renseigné"),
                                 ("financements", x.financing, "modalités de financement non renseignées")):
            if not value:
                yield _warn(x.loc, what, key, 1)
        claims = " ".join([x.title, x.recognition or "", *x.financing])
        if not x.certification_code and _CLAIMS.search(claims):
            yield _warn(x.loc, f"mention {quote(_CLAIMS.search(claims).group(0))} sans code RNCP ou RS : "
                        "mention trompeuse", "code_certification", 1)


def journey(p: Project, ctx: Context) -> Iterator[Diagnostic]:
    """The trainer's journey steps: known programme, a new step fully described, its template present."""
    from qualikit.base.resources import templates_dir
    from qualikit.project.steps import DEFAULT_STEPS

    defaults = {s.id for s in DEFAULT_STEPS}
    programmes = ctx.known("programmes", {x.id for x in p.programmes})
    for step in p.journey:
        if step.programme and step.programme not in programmes:
            yield D(step.loc, f"programme {quote(step.programme)} inconnu{_known(programmes)}", "programme")
        if step.id in defaults:
            continue
        if step.anchor is None or step.offset is None:
            yield D(step.loc, f"nouvelle étape {quote(step.id)} : indiquez « reference » (debut, fin ou absence) "
                    "et « decalage_jours »", "reference")
        name = step.template or step.id
        found = [d / "emails" / f"{name}.{part}.j2" for d in (ctx.root / "templates", templates_dir())
                 for part in ("subject", "txt")]
        for part in ("subject", "txt"):
            if not any(f.is_file() for f in found if f.name.endswith(f".{part}.j2")):
                yield D(step.loc, f"modèle introuvable : templates/emails/{name}.{part}.j2", "modele")


def contracts(p: Project, ctx: Context) -> Iterator[Diagnostic]:
    """Individuals paying themselves (L6353-3 ff.): a signature date, and a lawful schedule."""
    from qualikit.project.schedule import Instalment, check_schedule

    told: set[str] = set()
    for session in p.sessions:
        programme = p.programme(session.programme_id)
        for e in session.enrolments:
            if e.status is Status.ABANDON or p.funder_of(session, e) is not Funder.PARTICULIER:
                continue
            learner = p.learner(e.learner_id)
            if learner is not None and not learner.address.lines() and learner.id not in told:
                told.add(learner.id)
                yield _warn(learner.loc, f"{quote(learner.id)} paie lui-même sa formation : son adresse (adresse, "
                            "code_postal, ville) figure sur son contrat et ses factures", "adresse")
            if e.schedule and e.signed_on is None:
                yield D(e.loc, "échéancier sans date de signature du contrat (attendu : date_signature)",
                        "date_signature")
            if e.schedule:
                price = programme.price if programme and programme.price else sum(a for _, a in e.schedule)
                instalments = [Instalment(d, a, "") for d, a in e.schedule]
                for problem in check_schedule(price, e.signed_on, instalments, start=session.start):
                    yield D(e.loc, f"échéancier contraire aux articles L6353-5 et L6353-6 : {problem}", "echeancier")


def billing(p: Project, ctx: Context) -> Iterator[Diagnostic]:
    """What an invoice will need, said before it is needed: a known payer, and (once a clients table
    exists) each buying company's fiche with its address and SIRET (CGI annexe II art. 242 nonies A)."""
    ids = ctx.known("clients", {c.id for c in p.clients})
    for session in p.sessions:
        for loc, payer in ((session.loc, session.payer), *((e.loc, e.payer) for e in session.enrolments)):
            if payer and payer not in ids:
                yield D(loc, f"payeur {quote(payer)} inconnu (à déclarer dans les clients){_known(ids)}", "payeur")
    yield from _subcontracting(p)
    if not p.clients:
        return
    named: dict[str, object] = {}
    for session in p.sessions:
        if session.contractor:
            continue  # its learners' companies are the donneur d'ordre's clients, not ours
        if session.client:
            named.setdefault(session.client, session.loc)
        for e in session.enrolments:
            learner = p.learner(e.learner_id)
            company = e.company or (learner.company if learner else None)
            if company and p.funder_of(session, e) is not Funder.PARTICULIER:
                named.setdefault(company, e.loc)
    for name, loc in named.items():
        client = p.client(name)
        if client is None:
            yield _warn(loc, f"entreprise {quote(name)} absente des clients : adresse et SIRET manquent à sa "
                        "convention et à sa facture", "entreprise")
    for client in p.clients:
        missing = [what for what, value in (("adresse", client.address.street), ("ville", client.address.city),
                                            ("siret", client.siret)) if not value]
        if missing:
            yield _warn(client.loc, f"client {quote(client.id)} : {', '.join(missing)} à renseigner avant sa "
                        "première facture", missing[0])


def _subcontracting(p: Project) -> Iterator[Diagnostic]:
    """A session delivered for a donneur d'ordre: what its contrat de sous-traitance, its invoice and
    the documents in its name will need."""
    told: set[str] = set()
    for session in p.sessions:
        if not session.contractor:
            continue
        donor = p.contractor_of(session)
        if donor is None:
            if session.contractor not in told:
                told.add(session.contractor)
                yield _warn(session.loc, f"donneur d'ordre {quote(session.contractor)} absent des clients : son "
                            "adresse, son SIRET, son numéro de déclaration d'activité et son représentant manquent "
                            "au contrat de sous-traitance et à la facture", "donneur_ordre")
        elif donor.id not in told:
            told.add(donor.id)
            missing = [what for what, value in (("nda", donor.nda), ("siret", donor.siret),
                                                ("adresse", donor.address.street),
                                                ("representant", donor.representative)) if not value]
            if missing:
                yield _warn(donor.loc, f"donneur d'ordre {quote(donor.id)} : {', '.join(missing)} à renseigner "
                            "avant le contrat de sous-traitance", missing[0])
        if session.price is None:
            yield _warn(session.loc, f"session {session.id} en sous-traitance : prix à renseigner avant le contrat "
                        "de sous-traitance et la facture au donneur d'ordre", "prix")
        if session.issuer is None:
            yield _warn(session.loc, f"session {session.id} en sous-traitance : attestations à préciser comme le dit "
                        "le contrat (donneur_ordre : établies en son nom, par défaut ; aucune : il les délivre)",
                        "attestations")


def certifications(p: Project, ctx: Context) -> Iterator[Diagnostic]:
    from qualikit.project.certification import findings

    return findings(p, ctx.root)


CHECKS = (same_person, journey, contracts, references, schedule, enrolments, attendance, evaluations, follow_up,
          session_logistics, organisation, programmes, billing, certifications)


def run_checks(p: Project, ctx: Context, report: Report, checks: Iterable = CHECKS) -> None:
    for check in checks:
        report.items.extend(check(p, ctx))


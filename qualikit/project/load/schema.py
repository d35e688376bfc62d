"""The project folder's format: every table, its columns, and how each is read.

This is qualikit's contract with trainers. The YAML files and the workbook are
two spellings of the same tables: a YAML key is a column `key`, a workbook
header is its `label`. Both loaders turn files into these tables; one builder
turns tables into the model, so both forms give the same model by construction.
The docs' field lists and the workbook template are generated from here.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from qualikit.project.load import fields as f
from qualikit.project.model import ClientKind, Funder, HalfDay, Modality, Result, Status, TrainerStatus


@dataclass(frozen=True)
class Column:
    key: str  # YAML key; dotted for nested mappings (representant_legal.nom)
    label: str  # workbook header or key-value label
    parser: f.Parser = f.TEXT
    required: bool = False
    many: bool = False  # a list: YAML sequence, or one item per line in a cell
    help: str = ""


@dataclass(frozen=True)
class Table:
    name: str
    sheet: str  # workbook sheet name
    columns: tuple[Column, ...]
    keyvalue: bool = False  # one record laid out as Champ | Valeur rows
    parent_key: str | None = None  # YAML: nested in the parent record; this column holds its id
    nested_as: str | None = None  # YAML key of the nested list in the parent
    help: str = ""

    def column(self, key: str) -> Column | None:
        return self._by_key.get(key)

    def by_label(self, label: str) -> Column | None:
        return self._by_label.get(f.fold(label))

    @cached_property
    def _by_key(self) -> dict[str, Column]:
        return {c.key: c for c in self.columns}

    @cached_property
    def _by_label(self) -> dict[str, Column]:
        out = {f.fold(c.label): c for c in self.columns}
        out.update({f.fold(c.key): c for c in self.columns})
        return out


FUNDER = f.choice(
    Funder,
    {
        "OPCO": Funder.OPCO,
        "Pôle emploi": Funder.FRANCE_TRAVAIL,
        "FT": Funder.FRANCE_TRAVAIL,
        "Region": Funder.REGION,
        "conseil régional": Funder.REGION,
        "Etat": Funder.ETAT,
        "employeur": Funder.ENTREPRISE,
        "plan de développement des compétences": Funder.ENTREPRISE,
        "autofinancement": Funder.PARTICULIER,
        "individuel": Funder.PARTICULIER,
        "sous-traitance": Funder.ORGANISME,
        "organisme de formation": Funder.ORGANISME,
    },
)
MODALITY = f.choice(Modality, {"presentiel": Modality.PRESENTIEL, "à distance": Modality.DISTANCIEL,
                               "hybride": Modality.MIXTE, "blended": Modality.MIXTE})
STATUS = f.choice(Status, {"abandonné": Status.ABANDON, "abandonnée": Status.ABANDON,
                           "présente": Status.PRESENT, "inscrite": Status.INSCRIT})
HALF = f.choice(HalfDay, {"am": HalfDay.MATIN, "pm": HalfDay.APRES_MIDI, "apres midi": HalfDay.APRES_MIDI,
                          "après-midi": HalfDay.APRES_MIDI, "aprem": HalfDay.APRES_MIDI})
RESULT = f.choice(Result, {"en cours": Result.EN_COURS, "ECA": Result.EN_COURS, "A": Result.ACQUIS,
                           "NA": Result.NON_ACQUIS, "partiellement acquis": Result.EN_COURS})
CIVILITY = f.words("Mme", "M.")
TRAINER_STATUS = f.choice(TrainerStatus, {"externe": TrainerStatus.SOUS_TRAITANT,
                                          "independant": TrainerStatus.SOUS_TRAITANT,
                                          "prestataire": TrainerStatus.SOUS_TRAITANT,
                                          "sous traitant": TrainerStatus.SOUS_TRAITANT,
                                          "porte": TrainerStatus.PORTE, "portage": TrainerStatus.PORTE,
                                          "portage salarial": TrainerStatus.PORTE, "salarie": TrainerStatus.INTERNE,
                                          "salarie porte": TrainerStatus.PORTE})

ORGANISATION = Table(
    "organisation", "Organisation", keyvalue=True,
    help="L'organisme de formation : identité, contacts, référent handicap, images.",
    columns=(
        Column("raison_sociale", "Raison sociale", required=True),
        Column("forme_juridique", "Forme juridique", help="EI, micro-entreprise, SASU…"),
        Column("siret", "SIRET", f.SIRET),
        Column("nda", "Numéro de déclaration d'activité", f.NDA,
               help="Le NDA, 11 chiffres, attribué par la DREETS."),
        Column("nda_region", "Région de la déclaration d'activité",
               help="« préfet de région de … » : la région qui a enregistré la déclaration."),
        Column("adresse", "Adresse"),
        Column("code_postal", "Code postal"),
        Column("ville", "Ville"),
        Column("telephone", "Téléphone"),
        Column("email", "E-mail", f.EMAIL),
        Column("site_web", "Site web", f.URL),
        Column("representant_legal.nom", "Représentant légal : nom"),
        Column("representant_legal.qualite", "Représentant légal : qualité", help="gérant, présidente…"),
        Column("referent_handicap.nom", "Référent handicap : nom"),
        Column("referent_handicap.email", "Référent handicap : e-mail", f.EMAIL),
        Column("referent_handicap.telephone", "Référent handicap : téléphone"),
        Column("reseau_handicap", "Réseau handicap", many=True,
               help="Partenaires mobilisables : Agefiph, Cap emploi, MDPH, Ressource Handicap Formation…"),
        Column("expediteur.nom", "Expéditeur des e-mails : nom"),
        Column("expediteur.email", "Expéditeur des e-mails : adresse", f.EMAIL),
        Column("logo", "Logo (fichier image)", help="Chemin relatif au dossier du projet."),
        Column("signature", "Signature (fichier image)", help="Chemin relatif au dossier du projet."),
        Column("reglement_interieur", "Règlement intérieur (lien)", f.URL),
        Column("regime_tva", "Régime de TVA", f.words("exoneration", "franchise", "assujetti"),
               help="exoneration (art. 261-4-4° a du CGI, par défaut), franchise (art. 293 B du CGI) ou "
                    "assujetti (TVA facturée au taux normal de 20 %)."),
        Column("numero_tva", "Numéro de TVA intracommunautaire",
               help="FR suivi de 11 caractères ; obligatoire sur les factures quand la TVA est facturée."),
    ),
)

SETTINGS = Table(
    "parametres", "Paramètres", keyvalue=True,
    help="Réglages de qualikit. Les valeurs par défaut sont des pratiques, pas des règles d'audit.",
    columns=(
        Column("delai_convocation_jours", "Délai d'envoi de la convocation (jours)", f.INTEGER,
               help="7 par défaut."),
        Column("seuil_alerte_abandon", "Seuil d'alerte abandon (%)", f.PERCENT, help="10 % par défaut."),
        Column("taux_reponse_cible", "Taux de réponse visé (%)", f.PERCENT, help="80 % par défaut."),
        Column("delai_reponse_reclamation_heures", "Délai de réponse aux réclamations (heures)",
               f.INTEGER, help="48 par défaut."),
        Column("rattrapage_jours", "Rattrapage des relances (jours)", f.INTEGER,
               help="Une étape manquée (ordinateur éteint) est encore envoyée jusqu'à ce nombre de jours ; "
                    "7 par défaut."),
        Column("relances_paiement_jours", "Relances de paiement (jours après l'échéance)", f.INTEGER, many=True,
               help="Une relance polie au payeur par nombre de jours après l'échéance d'une facture impayée ; "
                    "7 et 30 par défaut."),
        Column("envoi_jours_ouvres", "Envoi les jours ouvrés seulement", f.BOOLEAN,
               help="oui par défaut : les e-mails aux apprenants et aux clients ne partent ni le week-end ni "
                    "un jour férié ; une étape tombant un tel jour part le jour ouvré suivant (ou précédent "
                    "pour la veille et la convocation)."),
        Column("jours_fermes", "Jours de fermeture", f.DATE, many=True,
               help="Jours où rien ne part, en plus des week-ends et jours fériés (ex. fermeture d'été, "
                    "26 décembre et Vendredi saint en Alsace-Moselle)."),
        Column("nouvel_entrant", "Nouvel entrant Qualiopi", f.BOOLEAN),
        Column("date_audit", "Date de l'audit", f.DATE),
        Column("enquetes.besoins", "Lien du questionnaire d'analyse des besoins", f.SURVEY_URL),
        Column("enquetes.positionnement", "Lien du questionnaire de positionnement", f.SURVEY_URL),
        Column("enquetes.chaud", "Lien de l'enquête à chaud", f.SURVEY_URL),
        Column("enquetes.froid", "Lien de l'enquête à froid", f.SURVEY_URL),
        Column("enquetes.entreprise", "Lien de l'enquête entreprise", f.SURVEY_URL),
        Column("enquetes.financeur", "Lien de l'enquête financeur", f.SURVEY_URL),
        Column("signature_electronique.certificat", "Certificat de signature (fichier .p12)",
               help="Chemin relatif au projet ; par défaut certificat.p12 s'il existe."),
        Column("signature_electronique.variable_phrase_secrete",
               "Certificat : variable d'environnement de la phrase secrète",
               help="QUALIKIT_CERT_PASSPHRASE par défaut ; la phrase secrète n'est jamais écrite dans un fichier."),
        Column("verification_url", "Page de vérification des documents (https)", f.URL,
               help="Adresse où vous publiez « qualikit verify --publish » ; le QR code des documents y mène."),
        Column("smtp.hote", "SMTP : serveur"),
        Column("smtp.port", "SMTP : port", f.INTEGER),
        Column("smtp.securite", "SMTP : sécurité", f.words("starttls", "ssl", "aucune")),
        Column("smtp.utilisateur", "SMTP : utilisateur"),
        Column("smtp.variable_mot_de_passe", "SMTP : variable d'environnement du mot de passe",
               help="QUALIKIT_SMTP_PASSWORD par défaut ; le mot de passe n'est jamais écrit dans un fichier."),
        Column("smtp.certificat", "SMTP : certificat du serveur",
               help="Vide : vérifié auprès des autorités du système (le cas normal). Un fichier .pem (chemin "
                    "relatif au projet) : l'autorité d'un serveur interne. « ignorer » : serveur de test "
                    "seulement, le certificat n'est pas vérifié."),
    ),
)

TRAINERS = Table(
    "formateurs", "Formateurs",
    help="Les formateurs et formatrices (vous-même, si vous êtes seul·e).",
    columns=(
        Column("id", "Identifiant", f.IDENT, required=True),
        Column("nom", "Nom complet", required=True),
        Column("email", "E-mail", f.EMAIL),
        Column("telephone", "Téléphone"),
        Column("qualifications", "Titres et qualifications", many=True),
        Column("statut", "Statut", TRAINER_STATUS,
               help="interne (par défaut : vous, un salarié), sous-traitant ou porté (portage salarial) : "
                    "indicateur 27."),
        Column("societe", "Société (sous-traitant ou portage)",
               help="La raison sociale du sous-traitant, ou de la société de portage d'un salarié porté."),
        Column("siret", "SIRET de la société", f.SIRET),
        Column("nda", "NDA de la société", f.NDA, help="Son numéro de déclaration d'activité, s'il en a un."),
        Column("adresse", "Adresse de la société"),
        Column("code_postal", "Code postal de la société"),
        Column("ville", "Ville de la société"),
        Column("representant", "Représentant de la société", help="Qui signe le contrat (par défaut : le formateur)."),
        Column("tarif_jour", "Tarif HT par jour (€)", f.POSITIVE, help="Le prix du contrat de sous-traitance."),
    ),
)

PROGRAMMES = Table(
    "programmes", "Programmes",
    help="Le catalogue : un programme par formation proposée.",
    columns=(
        Column("id", "Identifiant", f.IDENT, required=True),
        Column("intitule", "Intitulé", required=True),
        Column("objectifs", "Objectifs opérationnels", many=True,
               help="Un par ligne, formulés comme des comportements observables."),
        Column("prerequis", "Prérequis", many=True),
        Column("public", "Public visé"),
        Column("duree_heures", "Durée (heures)", f.POSITIVE),
        Column("modalite", "Modalité", MODALITY),
        Column("methodes", "Méthodes pédagogiques", many=True),
        Column("evaluation", "Modalités d'évaluation", many=True),
        Column("accessibilite", "Accessibilité (handicap)"),
        Column("prix", "Prix HT par apprenant (€)", f.POSITIVE),
        Column("code_certification", "Code RNCP ou RS"),
        Column("reconnaissance", "Type de reconnaissance",
               help="attestation de fin de formation, certificat de compétences, certification RNCP…"),
        Column("financements", "Modalités de financement", many=True),
        Column("delai_acces", "Délai d'accès"),
        Column("contenu", "Contenu (déroulé)", many=True),
        Column("ressources", "Ressources pédagogiques", many=True),
        Column("certificat_competences", "Certificat de compétences", f.BOOLEAN),
        Column("mise_a_jour", "Date de mise à jour", f.DATE),
        Column("donneur_ordre", "Donneur d'ordre (sous-traitance)", f.IDENT,
               help="L'identifiant (table clients) de l'organisme pour qui toutes ses sessions sont réalisées."),
    ),
)

LEARNERS = Table(
    "apprenants", "Apprenants",
    help="Une personne par ligne ; le même identifiant d'une session à l'autre.",
    columns=(
        Column("id", "Identifiant", f.IDENT, required=True),
        Column("civilite", "Civilité", CIVILITY),
        Column("nom", "Nom", required=True),
        Column("prenom", "Prénom", required=True),
        Column("email", "E-mail", f.EMAIL, required=True),
        Column("telephone", "Téléphone"),
        Column("adresse", "Adresse", help="Particulier : sur son contrat de formation et ses factures."),
        Column("code_postal", "Code postal"),
        Column("ville", "Ville"),
        Column("entreprise", "Entreprise"),
        Column("financeur", "Financeur", FUNDER),
        Column("adaptation", "Adaptation nécessaire",
               help="L'aménagement demandé (jamais un diagnostic)."),
    ),
)

SESSIONS = Table(
    "sessions", "Sessions",
    help="Une session = un programme à des dates données, avec ses apprenants.",
    columns=(
        Column("id", "Identifiant", f.IDENT, required=True),
        Column("programme", "Programme", f.IDENT, required=True),
        Column("formateur", "Formateur", f.IDENT),
        Column("lieu", "Lieu (adresse)"),
        Column("acces", "Accès (transports, parking)"),
        Column("lien_distance", "Lien de connexion", f.URL),
        Column("aide_connexion", "Aide à la connexion"),
        Column("a_apporter", "À apporter"),
        Column("entreprise_cliente", "Entreprise cliente"),
        Column("financeur", "Financeur", FUNDER),
        Column("donneur_ordre", "Donneur d'ordre (sous-traitance)",
               help="L'identifiant (table clients) de l'organisme de formation pour qui vous réalisez la session."),
        Column("attestations", "Attestations (sous-traitance)", f.words("donneur_ordre", "aucune"),
               help="donneur_ordre : attestations et certificats établis au nom du donneur d'ordre ; "
                    "aucune : c'est lui qui les délivre."),
        Column("prix", "Prix HT de la session (€)", f.POSITIVE),
        Column("suivi", "Plan de suivi"),
        Column("email_client", "E-mail du contact client", f.EMAIL,
               help="Pour l'enquête entreprise (indicateur 30)."),
        Column("payeur", "Payeur (subrogation)", f.IDENT,
               help="L'identifiant (table clients) de l'OPCO ou de l'agence France Travail qui paie."),
        Column("prise_en_charge", "Montant pris en charge par le payeur (€ HT)", f.POSITIVE,
               help="Prise en charge partielle : l'OPCO est facturé de ce montant, l'entreprise du reste."),
        Column("proces_verbal", "Procès-verbal de l'examen (fichier)",
               help="Formation certifiante : le PV de la session d'examen, chemin relatif au projet (indicateur 16)."),
        Column("date_examen", "Date de l'examen", f.DATE,
               help="Formation certifiante : la date de l'épreuve, quand elle est connue (indicateur 16)."),
    ),
)

DAYS = Table(
    "journees", "Journées", parent_key="session", nested_as="journees",
    help="Les journées de chaque session et leurs horaires par demi-journée.",
    columns=(
        Column("session", "Session", f.IDENT, required=True),
        Column("date", "Date", f.DATE, required=True),
        Column("matin", "Matin", f.TIMERANGE),
        Column("apres_midi", "Après-midi", f.TIMERANGE),
        Column("a_distance", "À distance", f.BOOLEAN,
               help="oui pour une journée en classe virtuelle (lien de connexion de la session)."),
    ),
)

ENROLMENTS = Table(
    "inscriptions", "Inscriptions", parent_key="session", nested_as="inscriptions",
    help="Qui suit quelle session, et où en est chacun.",
    columns=(
        Column("session", "Session", f.IDENT, required=True),
        Column("apprenant", "Apprenant", f.IDENT, required=True),
        Column("statut", "Statut", STATUS),
        Column("date_inscription", "Date d'inscription", f.DATE),
        Column("date_abandon", "Date d'abandon", f.DATE),
        Column("motif_abandon", "Motif d'abandon"),
        Column("financeur", "Financeur", FUNDER),
        Column("entreprise", "Entreprise"),
        Column("date_signature", "Date de signature du contrat", f.DATE,
               help="Contrat de formation (particulier) : le délai de rétractation de 10 jours part de là."),
        Column("echeancier", "Échéancier", f.INSTALMENT, many=True,
               help="Vos échéances, une par ligne : « AAAA-MM-JJ : montant » ; sinon qualikit le calcule."),
        Column("payeur", "Payeur (subrogation)", f.IDENT,
               help="L'identifiant (table clients) de l'OPCO ou de l'agence France Travail qui paie."),
        Column("prise_en_charge", "Montant pris en charge par le payeur (€ HT)", f.POSITIVE,
               help="Prise en charge partielle : l'OPCO est facturé de ce montant, l'entreprise du reste."),
    ),
)

CLIENT_KIND = f.choice(ClientKind, {"opco": ClientKind.OPCO, "FT": ClientKind.FRANCE_TRAVAIL,
                                    "Pôle emploi": ClientKind.FRANCE_TRAVAIL, "entreprise": ClientKind.ENTREPRISE,
                                    "organisme": ClientKind.ORGANISME, "public": ClientKind.PUBLIC})

CLIENTS = Table(
    "clients", "Clients",
    help="Les entreprises clientes et les financeurs (OPCO, France Travail) : ce que demandent "
         "conventions et factures.",
    columns=(
        Column("id", "Identifiant", f.IDENT, required=True),
        Column("nom", "Raison sociale", required=True),
        Column("type", "Type", CLIENT_KIND,
               help="entreprise, OPCO, France Travail, organisme de formation, organisme public, autre."),
        Column("siret", "SIRET", f.SIRET),
        Column("tva", "Numéro de TVA intracommunautaire"),
        Column("adresse", "Adresse"),
        Column("code_postal", "Code postal"),
        Column("ville", "Ville"),
        Column("representant.nom", "Représentant : nom", help="Qui signe la convention."),
        Column("representant.qualite", "Représentant : qualité"),
        Column("contact.nom", "Contact : nom",
               help="Qui reçoit la convention, les factures et l'enquête entreprise."),
        Column("contact.email", "Contact : e-mail", f.EMAIL),
        Column("numero_accord", "Numéro d'accord de prise en charge", help="OPCO : le numéro de son accord."),
        Column("delai_paiement", "Délai de paiement (jours)", f.INTEGER, help="30 par défaut."),
        Column("nda", "Numéro de déclaration d'activité",
               help="Organisme de formation donneur d'ordre : son numéro (contrat de sous-traitance)."),
    ),
)

ATTENDANCE = Table(
    "presences", "Présences",
    help="L'appel de chaque demi-journée : une ligne par demi-journée, avec les absents.",
    columns=(
        Column("session", "Session", f.IDENT, required=True),
        Column("date", "Date", f.DATE, required=True),
        Column("demi_journee", "Demi-journée", HALF, required=True),
        Column("absents", "Absents", f.IDENT, many=True),
    ),
)

EVALUATIONS = Table(
    "evaluations", "Évaluations",
    help="Les résultats de l'évaluation finale, par apprenant et par objectif.",
    columns=(
        Column("session", "Session", f.IDENT, required=True),
        Column("apprenant", "Apprenant", f.IDENT, required=True),
        Column("objectif", "Objectif (n°)", f.INTEGER, required=True),
        Column("resultat", "Résultat", required=True,
               help="acquis, en cours d'acquisition, non acquis, ou une note comme 14/20."),
    ),
)

JOURNEY = Table(
    "parcours", "Parcours",
    help="Vos changements au parcours de l'apprenant : décaler, désactiver ou ajouter une étape.",
    columns=(
        Column("id", "Étape", f.IDENT, required=True,
               help="rappel-veille, relance-absence, enquete-chaud, relance-chaud, recapitulatif, "
                    "enquete-entreprise, enquete-financeur, alumni, suivi-j30, enquete-froid, relance-froid, "
                    "enquete-froid-2, ou un nouvel identifiant pour une étape à vous."),
        Column("libelle", "Libellé"),
        Column("reference", "Par rapport à", f.words("debut", "fin", "absence"),
               help="debut (premier jour), fin (dernier jour) ou absence (la demi-journée manquée)."),
        Column("decalage_jours", "Décalage (jours)", f.SIGNED, help="-1 = la veille, 3 = trois jours après."),
        Column("destinataires", "Destinataires",
               f.words("tous", "absents", "sans-reponse-chaud", "sans-reponse-froid", "a-risque", "abandons",
                       "entreprise", "financeurs")),
        Column("modele", "Modèle d'e-mail", f.IDENT, help="templates/emails/<modele>.subject.j2 et .txt.j2"),
        Column("enquete", "Questionnaire joint", f.words("besoins", "positionnement", "chaud", "froid",
                                                        "entreprise", "financeur")),
        Column("actif", "Active", f.BOOLEAN),
        Column("programme", "Programme", f.IDENT, help="Seulement pour ce programme."),
    ),
)

CERTIFICATIONS = Table(
    "certifications", "Certifications",
    help="Les certifications RNCP ou RS que vos programmes préparent (indicateurs Qualiopi 3, 7 et 16).",
    columns=(
        Column("id", "Code RNCP ou RS", f.IDENT, required=True,
               help="Le code de la fiche France compétences, le même que code_certification du programme."),
        Column("intitule", "Intitulé", required=True),
        Column("certificateur", "Certificateur"),
        Column("habilitation_former", "Habilité à préparer", f.BOOLEAN),
        Column("habilitation_evaluer", "Habilité à évaluer", f.BOOLEAN),
        Column("habilitation_fichier", "Convention ou habilitation (fichier)",
               help="Chemin relatif au projet."),
        Column("habilitation_debut", "Habilitation valable du", f.DATE),
        Column("habilitation_fin", "Habilitation valable jusqu'au", f.DATE),
        Column("lieu_examen", "Lieu de l'examen"),
        Column("evaluateur", "Qui fait passer l'examen",
               help="Le certificateur ou l'organisme évaluateur, avec ses coordonnées."),
        Column("reglement_examen", "Règlement d'examen (fichier)", help="Chemin relatif au projet."),
        Column("contact_certificateur", "Contact du certificateur",
               help="Adresse, e-mail ou téléphone où le candidat peut joindre le certificateur."),
        Column("modalites_inscription", "Inscription à l'examen",
               help="Qui inscrit le candidat, comment et dans quel délai."),
        Column("conditions_acces", "Conditions d'accès à l'examen", many=True,
               help="Ce que le candidat doit remplir ou apporter (formation suivie, pièce d'identité…)."),
        Column("amenagements_examen", "Aménagements d'épreuve (handicap)",
               help="Ce que le certificateur prévoit pour les candidats en situation de handicap, et le délai "
                    "pour le demander."),
        Column("rattrapage", "Rattrapage, nouvelle présentation",
               help="Ce que peut faire un candidat ajourné ou absent : nouvelle session, blocs conservés…"),
        Column("blocs_separables", "Blocs validables séparément", f.BOOLEAN),
        Column("equivalences", "Équivalences", many=True),
        Column("passerelles", "Passerelles", many=True),
        Column("suites_parcours", "Suites de parcours", many=True),
        Column("debouches", "Débouchés", many=True),
        Column("taux_insertion_global", "Taux d'insertion global (fiche)", f.PERCENT),
        Column("taux_insertion_metier", "Taux d'insertion dans le métier visé (fiche)", f.PERCENT),
        Column("fiche_lue_le", "Fiche lue le", f.DATE, help="La date où vous avez relevé ces taux sur la fiche."),
    ),
)

BLOCKS = Table(
    "blocs", "Blocs de compétences", parent_key="certification", nested_as="blocs",
    help="Les blocs de compétences de la fiche, et les séquences du programme (contenu) qui y préparent.",
    columns=(
        Column("certification", "Certification", f.IDENT, required=True),
        Column("code", "Code du bloc", f.IDENT, required=True),
        Column("intitule", "Intitulé", required=True),
        Column("competences", "Compétences", many=True),
        Column("evaluation", "Modalités d'évaluation du bloc",
               help="Comment le bloc est évalué : épreuve écrite, mise en situation, dossier, durée."),
        Column("sequences", "Séquences (n°)", f.INTEGER, many=True,
               help="Les numéros des lignes du contenu (déroulé) du programme qui préparent à ce bloc."),
    ),
)

EXAMS = Table(
    "examens", "Examens",
    help="Le chemin de chaque apprenant vers l'examen de certification ; les résultats s'importent "
         "(qualikit certification import).",
    columns=(
        Column("session", "Session", f.IDENT, required=True),
        Column("apprenant", "Apprenant", f.IDENT, required=True),
        Column("informe_le", "Informé des conditions le", f.DATE),
        Column("inscrit_le", "Inscrit à l'examen le", f.DATE),
        Column("session_examen", "Session d'examen"),
        Column("preuve_inscription", "Preuve d'inscription (fichier)", help="Chemin relatif au projet."),
        Column("amenagement_demande", "Aménagement demandé"),
        Column("amenagement_accorde", "Aménagement accordé"),
        Column("amenagement_fichier", "Décision d'aménagement (fichier)",
               help="La demande ou la décision du certificateur, chemin relatif au projet (indicateur 16)."),
        Column("presente", "Présenté", f.BOOLEAN),
        Column("motif_non_presentation", "Motif de non-présentation"),
    ),
)

PAYMENTS = Table(
    "paiements", "Paiements",
    help="Les paiements reçus, facture par facture (ou `qualikit payment`) : ce qui reste dû et les relances en "
         "tiennent compte.",
    columns=(
        Column("facture", "Facture (numéro)", required=True, help="Le numéro de la facture, ex. 2026-0004."),
        Column("date", "Date du paiement", f.DATE, required=True),
        Column("montant", "Montant reçu (€)", f.POSITIVE, required=True, help="TTC : ce que le payeur a versé."),
        Column("moyen", "Moyen de paiement", f.words("virement", "chèque", "carte", "espèces", "prélèvement"),
               help="virement (par défaut), chèque, carte, espèces ou prélèvement."),
    ),
)

TABLES: tuple[Table, ...] = (
    ORGANISATION, SETTINGS, TRAINERS, PROGRAMMES, LEARNERS, SESSIONS, DAYS, ENROLMENTS,
    ATTENDANCE, EVALUATIONS, JOURNEY, CLIENTS, CERTIFICATIONS, BLOCKS, EXAMS, PAYMENTS,
)
BY_NAME = {t.name: t for t in TABLES}

# YAML form: which file holds which tables (the first is the file's top level).
YAML_FILES: dict[str, tuple[str, ...]] = {
    "organisation.yaml": ("organisation", "formateurs", "parametres"),
    "programmes.yaml": ("programmes",),
    "apprenants.yaml": ("apprenants",),
    "sessions.yaml": ("sessions", "journees", "inscriptions"),
    "presences.yaml": ("presences",),
    "evaluations.yaml": ("evaluations",),
    "parcours.yaml": ("parcours",),
    "clients.yaml": ("clients",),
    "certifications.yaml": ("certifications", "blocs"),
    "examens.yaml": ("examens",),
    "paiements.yaml": ("paiements",),
}
REQUIRED_YAML = ("organisation.yaml",)
WORKBOOK = "qualikit.xlsx"
LISTS_SHEET = "Listes"  # hidden sheet holding the drop-down lists of the workbook

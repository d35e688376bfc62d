"""typer and its bundled click speak English; a qualikit user reads French.

The bundled click writes its words literally (no gettext), typer.core passes a few through
gettext. Two hooks catch them all, with no extra import at start-up:

- everything click formats (help pages, usage lines) goes through `HelpFormatter.getvalue`;
- every usage error is printed by `ClickException.show`;

typer.core's `_` is pointed at a small table, option metavars (<path>) are named in French
and a hidden argument leaves the usage line. In rich's tables, a no-break space (« 5 novembre
2026 », « 9 h 00 ») no longer breaks a line: rich splits words on every Unicode space.
`french()` rewrites the known English phrases; any other text (our own French help) passes
through unchanged.
"""

from __future__ import annotations

import re

# typer.core's gettext calls: its section titles, help extras and a few messages.
_GETTEXT = {
    "Arguments": "Arguments",
    "Options": "Options",
    "Commands": "Commandes",
    "default: {default}": "par défaut\u00a0: {default}",
    "env var: {var}": "variable d’environnement\u00a0: {var}",
    "required": "obligatoire",
    "(dynamic)": "(calculé)",
    "Aborted!": "Interrompu.",
    "Missing command.": "commande manquante.",
    "No such command {name!r}.": "commande inconnue\u00a0: {name!r}.",
}

# Help pages and usage lines (the formatter's output). Patterns stay strings: re compiles
# (and caches) them on first use, not at every start-up.
_HELP = [
    (r"(?m)^Usage: ", "Utilisation\u00a0: "),
    (r"(?m)^(\s*)(Options|Arguments|Commandes|Commands):$",
     lambda m: f"{m[1]}{'Commandes' if m[2] == 'Commands' else m[2]}\u00a0:"),
    (r"Show this message and exit\.", "Affiche cette aide."),
    (r"COMMAND \[ARGS\]\.\.\.", "COMMANDE [ARGUMENTS]..."),
    (r"\[env var: ([^\]]*)\]", "[variable d’environnement\u00a0: \\1]"),
    (r"\[default: ([^\]]*)\]", "[par défaut\u00a0: \\1]"),
    (r"\[required\]", "[obligatoire]"),
]
_METAVARS = {"<path>": "<chemin>", "<str>": "<texte>", "<text>": "<texte>", "<int>": "<entier>",
             "<integer>": "<entier>", "<float>": "<nombre>", "<boolean>": "<oui|non>"}

# Error messages, after 'quoted' names have become « quoted ».
_QUOTED = r"(?<![\w’])'([^'\n]+)'(?!\w)"
_ERRORS = [
    (r"Missing argument (.+?)\.(?=\s|$)", "il manque l’argument \\1."),
    (r"Missing option (.+?)\.(?=\s|$)", "il manque l’option \\1."),
    (r"Missing parameter:? (.+?)\.?(?=\s|$)", "il manque le paramètre \\1."),
    (r"Invalid value for (.+?): ", "valeur invalide pour \\1\u00a0: "),
    (r"Invalid value: ", "valeur invalide\u00a0: "),
    (r"No such option: (\S+)", "option inconnue\u00a0: \\1"),
    (r"\(Possible options: ([^)]*)\)", "(options possibles\u00a0: \\1)"),
    (r"Got unexpected extra argument(?:s|\(s\))? \((.*)\)", "argument en trop\u00a0: \\1"),
    (r"Option (.+?) requires an argument\.", "l’option \\1 attend une valeur."),
    (r"\. Did you mean (.+)\?", " ; vouliez-vous dire \\1\u00a0?"),
    (r"Option (.+?) requires (\d+) arguments\.", "l’option \\1 attend \\2 valeurs."),
    (r"Option (.+?) does not take a value\.", "l’option \\1 ne prend pas de valeur."),
    (r"Argument (.+?) takes (\d+) values\.", "l’argument \\1 attend \\2 valeurs."),
    (r"(.+?) is not a valid (?:integer|int)(?: range)?\.", "\\1 n’est pas un nombre entier."),
    (r"(.+?) is not a valid float(?: range)?\.", "\\1 n’est pas un nombre."),
    (r"(.+?) is not a valid boolean\. Recognized values: (.*)",
     "\\1 n’est ni oui ni non (valeurs reconnues\u00a0: \\2)"),
    (r"(.+?) is not a valid (\w+)\.", "\\1 n’est pas une valeur valide (\\2)."),
    (r"(.+?) is not one of (.*)\.", "\\1 n’est pas l’un des choix\u00a0: \\2."),
    (r"(.+?) is not in the range (.*)\.", lambda m: f"{m[1]} (attendu\u00a0: {_bounds(m[2])})."),
    (r"(.+?) does not match the formats (.*)\.", "\\1 ne correspond à aucun des formats \\2."),
    (r"(?:File|Directory|Path) (.+?) does not exist\.", "\\1 n’existe pas."),
    (r"(?:File|Directory|Path) (.+?) is a file\.", "\\1 est un fichier, pas un dossier."),
    (r"(?:File|Directory|Path) (.+?) is a directory\.", "\\1 est un dossier, pas un fichier."),
    (r"(?:File|Directory|Path) (.+?) is not readable\.", "\\1 ne peut pas être lu."),
    (r"(?:File|Directory|Path) (.+?) is not writable\.", "\\1 ne peut pas être écrit."),
]


def _bounds(text: str) -> str:
    """click's « 1<=x<=5 », « x>=1 », « x<10 » in words."""
    both = re.fullmatch(r"(-?[\d.]+)<=?x<=?(-?[\d.]+)", text)
    if both:
        return f"entre {both[1]} et {both[2]}"
    one = re.fullmatch(r"x(>=|>|<=|<)(-?[\d.]+)", text)
    if one:
        words = {">=": "au moins", ">": "supérieur à", "<=": "au plus", "<": "inférieur à"}
        return f"{words[one[1]]} {one[2]}"
    return f"dans l’intervalle {text}"


def french(text: str) -> str:
    """A help page or usage line with click's English words in French."""
    for pattern, repl in _HELP:
        text = re.sub(pattern, repl, text)
    return text


def french_error(message: str) -> str:
    """A click error message in French: 'x' becomes « x », the known phrases are translated."""
    message = re.sub(_QUOTED, "«\u00a0\\1\u00a0»", message)
    for pattern, repl in _ERRORS:
        message = re.sub(pattern, repl, message)
    return message


def _show(self, file=None) -> None:
    from typer._click._compat import get_text_stderr
    from typer._click.utils import echo

    file = file or get_text_stderr()
    ctx = getattr(self, "ctx", None)
    if ctx is not None:
        hint = ""
        if ctx.command.get_help_option(ctx) is not None:
            hint = f"Aide\u00a0: {ctx.command_path} {ctx.help_option_names[0]}\n"
        echo(f"{ctx.get_usage()}\n{hint}", file=file, color=ctx.color)
    echo(f"Erreur\u00a0: {french_error(self.format_message())}", file=file,
         color=ctx.color if ctx is not None else self.show_color)


def install() -> None:
    """Make typer and click speak French; idempotent."""
    from typer import core
    from typer._click import exceptions, formatting

    if getattr(formatting.HelpFormatter, "_qualikit_french", False):
        return
    core._ = lambda text: _GETTEXT.get(text, text)
    english = formatting.HelpFormatter.getvalue
    formatting.HelpFormatter.getvalue = lambda self: french(english(self))
    formatting.HelpFormatter._qualikit_french = True
    exceptions.ClickException.show = _show
    exceptions.UsageError.show = _show
    metavar = core.TyperOption.make_metavar
    core.TyperOption.make_metavar = lambda self, ctx: _METAVARS.get(m := metavar(self, ctx), m)
    from rich import _wrap

    _wrap.re_word = re.compile(r"[^\S\u00a0\u202f]*[\S\u00a0\u202f]+[^\S\u00a0\u202f]*")
    pieces = core.TyperArgument.get_usage_pieces  # a hidden argument is not shown in the usage line either,
    core.TyperArgument.get_usage_pieces = lambda self, ctx: [] if self.hidden else [  # a required one plainly
        piece[1:-1] if piece.startswith("{") and piece.endswith("}") else piece for piece in pieces(self, ctx)]

"""YAML problems in French, with their place: PyYAML's English never reaches the trainer.

Both PyYAML parsers (the C one, libyaml, and the pure Python one) are covered: they word the
same problem differently. Anything not recognised gets a generic French sentence, still located.
The node graph is also checked once composed: an alias that points into its own anchor (a loop)
or aliases that multiply a document beyond reason are refused here, before anything walks them.
"""

from __future__ import annotations

import yaml

from qualikit.base.diagnostics import Location, Report

# (words of PyYAML's problem, words of its context or "", French sentence); the first match wins.
_PROBLEMS: tuple[tuple[str, str, str], ...] = (
    ("single document", "", "un seul document est attendu (retirez les « --- » en trop)"),
    ("another document", "", "un seul document est attendu (retirez les « --- » en trop)"),
    ("mapping values are not allowed", "", "« : » inattendu (une valeur contenant « : » doit être entre "
                                           "guillemets, ou l'indentation de cette ligne est incorrecte)"),
    ("could not find expected ':'", "", "« : » manquant après une clé (ou guillemet non fermé plus haut)"),
    ("tab character", "", "tabulation interdite (indentez avec des espaces)"),
    ("unexpected end of stream", "quoted", "guillemet non fermé (la valeur commencée ici n'a pas de "
                                           "guillemet de fin)"),
    ("unexpected end of stream", "", "fin de fichier inattendue"),
    ("undefined alias", "", "alias « * » inconnu (aucune ancre « & » de ce nom plus haut ; mettez la valeur "
                            "entre guillemets si « * » en fait partie)"),
    ("duplicate anchor", "", "ancre « & » en double"),
    ("unknown escape character", "", "caractère d'échappement inconnu après « \\ » (doublez-le : « \\\\ », "
                                     "ou mettez la valeur entre guillemets simples)"),
    ("',' or ']'", "", "liste entre crochets mal fermée (il manque « , » ou « ] »)"),
    ("',' or '}'", "", "accolades mal fermées (il manque « , » ou « } »)"),
    ("alphabetic or numeric character", "anchor", "nom d'ancre « & » invalide (mettez la valeur entre "
                                                  "guillemets si « & » en fait partie)"),
    ("alphabetic or numeric character", "alias", "nom d'alias « * » invalide (mettez la valeur entre "
                                                 "guillemets si « * » en fait partie)"),
    ("", "block scalar", "bloc « | » ou « > » mal formé (rien ne doit suivre « | » ou « > » sur sa ligne)"),
    ("did not find expected key", "", "indentation incorrecte, ou texte inattendu après une valeur (alignez "
                                      "les champs d'un même élément ; mettez entre guillemets une valeur qui "
                                      "en contient)"),
    ("expected <block end>", "", "indentation incorrecte, ou texte inattendu après une valeur (alignez les "
                                 "champs d'un même élément ; mettez entre guillemets une valeur qui en "
                                 "contient)"),
    ("'-' indicator", "", "indentation incorrecte (les « - » d'une même liste doivent être alignés)"),
    ("comment or a line break", "", "texte inattendu après une valeur (mettez la valeur entre guillemets)"),
    ("comment or line break", "", "texte inattendu après une valeur (mettez la valeur entre guillemets)"),
    ("nesting depth", "", "trop de niveaux imbriqués (plus de mille)"),
    ("directive", "", "directive « % » invalide ou en double"),
)
_GENERIC = "syntaxe incorrecte à cet endroit (vérifiez l'indentation, les « : », les « - » et les guillemets)"
# Aliases may share a node; a walk that expands them must stay near the size of the file: refused
# when the expanded document passes this many values and ten times the values actually written.
_MAX_EXPANDED = 200_000


def syntax_error(exc: yaml.YAMLError, text: str, filename: str, report: Report) -> None:
    """One located French problem for a PyYAML error."""
    if isinstance(exc, yaml.reader.ReaderError):
        line = text.count("\n", 0, exc.position) + 1
        col = exc.position - (text.rfind("\n", 0, exc.position) + 1) + 1
        report.error(Location(filename, line, col), f"syntaxe YAML incorrecte : caractère de contrôle "
                     f"interdit (code {exc.character:#06x} ; retirez-le ou retapez la ligne)")
        return
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    if "end of stream" in str(getattr(exc, "problem", "")) and getattr(exc, "context_mark", None):
        mark = exc.context_mark  # an unclosed quote: where it opens, not the end of the file
    loc = Location(filename, mark.line + 1, mark.column + 1) if mark else Location(filename)
    problem = str(getattr(exc, "problem", "") or "")
    context = str(getattr(exc, "context", "") or "")
    report.error(loc, f"syntaxe YAML incorrecte : {translate(problem, context, text, mark)}")


def translate(problem: str, context: str, text: str = "", mark=None) -> str:
    if "cannot start any token" in problem:
        char = _char_at(text, mark)
        if char == "\t" or "'\\t'" in problem:
            return "tabulation interdite (indentez avec des espaces)"
        shown = f"« {char} » " if char and char.isprintable() and not char.isspace() else ""
        return f"caractère {shown}interdit en début de valeur (mettez la valeur entre guillemets)"
    for words, where, french in _PROBLEMS:
        if words in problem and where in context:
            return french
    for words, _, french in _PROBLEMS:  # libyaml sometimes puts the words in the context
        if words and words in context:
            return french
    return _GENERIC


def _char_at(text: str, mark) -> str:
    if mark is None or not text:
        return ""
    lines = text.split("\n")
    if mark.line >= len(lines) or mark.column >= len(lines[mark.line]):
        return ""
    return lines[mark.line][mark.column]


_OPEN = (yaml.FlowSequenceStartToken, yaml.FlowMappingStartToken, yaml.BlockSequenceStartToken,
         yaml.BlockMappingStartToken)
_CLOSE = (yaml.FlowSequenceEndToken, yaml.FlowMappingEndToken, yaml.BlockEndToken)


def deep_mark(text: str, limit: int = 200):
    """Where the nesting first passes `limit` levels, read with the scanner (which, unlike the
    pure Python composer, does not recurse); None if it never does or the text does not scan."""
    depth = 0
    try:
        for token in yaml.scan(text, Loader=yaml.BaseLoader):
            if isinstance(token, _OPEN):
                depth += 1
                if depth > limit:
                    return token.start_mark
            elif isinstance(token, _CLOSE):
                depth -= 1
    except (yaml.YAMLError, RecursionError):
        return None
    return None


def check_graph(root: yaml.Node, filename: str, report: Report) -> bool:
    """False (with a located error) when an alias loops back into its own anchor, or when aliases
    expand the document beyond reason; walked without recursion, so any depth is safe."""
    expanded: dict[int, int] = {}  # id(node) → size once aliases are expanded
    on_path: set[int] = set()
    stack: list[tuple[yaml.Node, yaml.Node | None, bool]] = [(root, None, False)]
    while stack:
        node, where, done = stack.pop()
        ident = id(node)
        if done:
            on_path.discard(ident)
            size = 1 + sum(expanded[id(c)] for c in _children(node))
            if size > _MAX_EXPANDED and size > 10 * (len(expanded) + 1):  # a large file is fine, a bomb is not
                _refuse(report, filename, where or node, "des alias répètent ce contenu trop de fois (plus de "
                        f"{size:,} valeurs une fois développés)".replace(",", "\u202f"))
                return False
            expanded[ident] = size
            continue
        if ident in expanded:
            continue
        if ident in on_path:
            _refuse(report, filename, where or node, "alias en boucle : « * » renvoie à une ancre « & » "
                    "qui le contient (retirez l'alias ou recopiez la valeur)")
            return False
        on_path.add(ident)
        stack.append((node, where, True))
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                stack.append((key, key, False))
                stack.append((value, key, False))
        elif isinstance(node, yaml.SequenceNode):
            for item in node.value:
                stack.append((item, where or node, False))
    return True


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.MappingNode):
        return [n for pair in node.value for n in pair]
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    return []


def _refuse(report: Report, filename: str, node: yaml.Node, message: str) -> None:
    mark = node.start_mark
    report.error(Location(filename, mark.line + 1, mark.column + 1), message)

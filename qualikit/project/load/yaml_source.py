"""The YAML form of a project → located tables.

Reads with yaml.compose so every scalar keeps its line and column and stays a
string until our own field parsers type it (PyYAML's own date typing raises
with no line number). Never raises for bad input: problems go to the Report.
"""

from __future__ import annotations

import difflib
from pathlib import Path

import yaml

from qualikit.base.diagnostics import Location, Report, quote
from qualikit.project.load.schema import BY_NAME, REQUIRED_YAML, YAML_FILES, Table
from qualikit.project.load.tables import Cell, Row, Tables
from qualikit.project.load.yaml_errors import check_graph, deep_mark, syntax_error

_Base = getattr(yaml, "CBaseLoader", yaml.BaseLoader)
_TAGS = {yaml.ScalarNode: _Base.DEFAULT_SCALAR_TAG, yaml.SequenceNode: _Base.DEFAULT_SEQUENCE_TAG,
         yaml.MappingNode: _Base.DEFAULT_MAPPING_TAG}


class _Loader(_Base):
    """The base loader types nothing: every scalar stays a string for our own parsers (and it is
    faster). With no implicit resolver registered, PyYAML's `resolve` always ends on the default
    tag of the node's kind: said here directly, it costs a dictionary lookup (a tenth of a
    year-sized project's load went to it)."""

    def resolve(self, kind, value, implicit):
        return _TAGS[kind]

_NULLS = {"", "~", "null", "Null", "NULL"}
_new = tuple.__new__


def read_yaml_project(root: Path, report: Report) -> tuple[Tables, bool]:
    """The tables, and whether every file could be read (if not, cross-checks would only mislead)."""
    tables: Tables = {name: [] for name in BY_NAME}
    unreadable = False
    for filename, names in YAML_FILES.items():
        path = root / filename
        if not path.is_file():
            if filename in REQUIRED_YAML:
                report.error(Location(filename), "fichier manquant (attendu : la description de l'organisme)")
            continue
        node = _compose(path, filename, report)
        if node is None:
            unreadable = True
            continue
        _FileReader(filename, report, tables).read(node, names)
    return tables, not unreadable


def _compose(path: Path, filename: str, report: Report) -> yaml.Node | None:
    raw = b""
    try:
        raw = path.read_bytes()
        text = raw.decode("utf-8-sig")
        if not text.strip():
            return yaml.ScalarNode("tag:yaml.org,2002:str", "")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        col = exc.start - raw.rfind(b"\n", 0, exc.start)
        report.error(Location(filename, line, col), f"le fichier n'est pas en UTF-8 (octet {exc.start}) ; "
                     "enregistrez-le en UTF-8 depuis votre éditeur")
        return None
    except OSError as exc:
        report.error(Location(filename), f"lecture impossible ({exc.strerror})")
        return None
    return compose_text(text, filename, report)


def compose_text(text: str, filename: str, report: Report) -> yaml.Node | None:
    """YAML text → nodes that keep their line and column; a syntax error, an alias loop or a
    nesting too deep becomes a located problem in French."""
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.YAMLError as exc:
        syntax_error(exc, text, filename, report)
        return None
    except RecursionError:  # the pure Python parser (the C one has its own limit, translated above)
        mark = deep_mark(text)
        loc = Location(filename, mark.line + 1, mark.column + 1) if mark else Location(filename)
        report.error(loc, "syntaxe YAML incorrecte\u00a0: trop de niveaux imbriqués")
        return None
    if node is None:
        return yaml.ScalarNode("tag:yaml.org,2002:str", "")
    if "*" not in text:  # no alias, so no loop nor expansion: the graph is a plain tree
        return node
    return node if check_graph(node, filename, report) else None


class _FileReader:
    def __init__(self, filename: str, report: Report, tables: Tables):
        self.filename = filename
        self.report = report
        self.tables = tables

    def loc(self, node: yaml.Node) -> Location:
        mark = node.start_mark  # Location built without its keyword defaults: one per value read
        return _new(Location, (self.filename, mark.line + 1, mark.column + 1, None, None))

    def read(self, node: yaml.Node, names: tuple[str, ...]) -> None:
        top = BY_NAME[names[0]]
        if top.keyvalue:
            if not self._expect(node, yaml.MappingNode, "des champs « clé : valeur »"):
                return
            items = self._mapping(node)
            sub = {BY_NAME[n].name: BY_NAME[n] for n in names[1:]}
            rest = {k: kv for k, kv in items.items() if k not in sub}
            self.tables[top.name].append(self._flat_row(top, node, rest))
            for name, table in sub.items():
                if name not in items:
                    continue
                value = items[name][1]
                if not table.keyvalue:
                    self._rows(table, value)
                elif self._expect(value, yaml.MappingNode, "des champs « clé : valeur »"):
                    self.tables[table.name].append(self._flat_row(table, value, self._mapping(value)))
            return
        self._rows(top, node, children=[BY_NAME[n] for n in names[1:]])

    def _expect(self, node: yaml.Node, kind: type, what: str) -> bool:
        if isinstance(node, kind):
            return True
        if isinstance(node, yaml.ScalarNode) and _scalar(node) is None:
            return False  # an empty section is just empty
        self.report.error(self.loc(node), f"attendu : {what}, trouvé {_describe(node)}")
        return False

    def _mapping(self, node: yaml.MappingNode) -> dict[str, tuple[yaml.Node, yaml.Node]]:
        out: dict[str, tuple[yaml.Node, yaml.Node]] = {}
        for key, value in node.value:
            if not isinstance(key, yaml.ScalarNode):
                self.report.error(self.loc(key), "une clé doit être un simple mot")
                continue
            if key.value in out:
                first = self.loc(out[key.value][0])
                self.report.error(self.loc(key), f"clé {quote(key.value)} en double (déjà à la ligne {first.line})")
                continue
            out[key.value] = (key, value)
        return out

    def _rows(self, table: Table, node: yaml.Node, children: list[Table] = ()) -> None:
        if not self._expect(node, yaml.SequenceNode, f"une liste de {table.name} (chaque élément commence par « - »)"):
            return
        nested = {c.nested_as: c for c in children}
        for item in node.value:
            if table.name == "inscriptions" and isinstance(item, yaml.ScalarNode):
                item_loc = self.loc(item)
                self.tables[table.name].append(Row(item_loc, {"apprenant": Cell(_scalar(item), item_loc)}))
                continue
            if not self._expect(item, yaml.MappingNode, "des champs « clé : valeur »"):
                continue
            items = self._mapping(item)
            own = {k: kv for k, kv in items.items() if k not in nested}
            if table.name == "evaluations" and "resultats" in own:
                self._evaluation_rows(table, item, own)
                continue
            row = self._flat_row(table, item, own)
            self.tables[table.name].append(row)
            for key, child in nested.items():
                if key in items:
                    before = len(self.tables[child.name])
                    self._rows(child, items[key][1])
                    parent_id = row.cells.get("id")
                    for child_row in self.tables[child.name][before:]:
                        if parent_id is not None:
                            child_row.cells.setdefault(child.parent_key, parent_id)

    def _evaluation_rows(self, table: Table, item: yaml.Node, own: dict) -> None:
        """`resultats: {1: acquis, 2: non acquis}` → one row per objective."""
        _, results = own.pop("resultats")
        base = self._flat_row(table, item, own)
        if not self._expect(results, yaml.MappingNode, "« numéro d'objectif : résultat », ex. 1: acquis"):
            return
        for k, v in self._mapping(results).values():
            cells = dict(base.cells)
            cells["objectif"] = Cell(_scalar(k), self.loc(k))
            cells["resultat"] = self._cell(v, many=False)
            self.tables[table.name].append(Row(self.loc(k), cells))

    def _flat_row(self, table: Table, node: yaml.Node, items: dict) -> Row:
        row = Row(self.loc(node))
        for key, (key_node, value) in self._flatten(items).items():
            column = table.column(key)
            if column is None and any(c.key.startswith(key + ".") for c in table.columns):
                if not (isinstance(value, yaml.ScalarNode) and _scalar(value) is None):
                    found = _describe(value)
                    self.report.error(self.loc(value), f"attendu : des champs « clé : valeur », trouvé {found}", key)
                continue  # an empty section, such as `enquetes:` with nothing under it
            if column is None:
                self._unknown(table, key, key_node)
                continue
            row.cells[key] = self._cell(value, column.many)
        return row

    def _flatten(self, items: dict, prefix: str = "") -> dict:
        out = {}
        for key, (key_node, value) in items.items():
            if isinstance(value, yaml.MappingNode):
                out.update(self._flatten(self._mapping(value), f"{prefix}{key}."))
            else:
                out[prefix + key] = (key_node, value)
        return out

    def _unknown(self, table: Table, key: str, node: yaml.Node) -> None:
        if key.endswith(("mot_de_passe", "phrase_secrete")):
            self.report.error(self.loc(node), "un mot de passe ne s'écrit jamais dans un fichier : "
                              "mettez-le dans la variable d'environnement QUALIKIT_SMTP_PASSWORD", key)
            return
        known = [c.key for c in table.columns]
        close = difflib.get_close_matches(key, known, n=1)
        hint = f" ; vouliez-vous dire {quote(close[0])} ?" if close else f" (champs connus : {', '.join(known)})"
        self.report.error(self.loc(node), f"champ inconnu {quote(key)}{hint}")

    def _cell(self, node: yaml.Node, many: bool) -> Cell:
        loc = self.loc(node)
        if isinstance(node, yaml.SequenceNode):
            if not many:
                self.report.error(loc, "une seule valeur est attendue ici, pas une liste")
                return Cell(None, loc)
            items = []
            for item in node.value:
                if isinstance(item, yaml.ScalarNode):
                    items.append(Cell(_scalar(item), self.loc(item)))
                else:
                    self.report.error(self.loc(item), f"attendu : un texte simple, trouvé {_describe(item)}")
            return Cell(items, loc)
        if isinstance(node, yaml.MappingNode):
            self.report.error(loc, f"attendu : une valeur simple, trouvé {_describe(node)}")
            return Cell(None, loc)
        return Cell(_scalar(node), loc)


def _scalar(node: yaml.ScalarNode) -> str | None:
    if not node.style and node.value in _NULLS:
        return None
    return node.value


def _describe(node: yaml.Node) -> str:
    if isinstance(node, yaml.MappingNode):
        return "des champs « clé : valeur »"
    if isinstance(node, yaml.SequenceNode):
        return "une liste"
    return f"la valeur {quote(node.value)}"

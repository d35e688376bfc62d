"""The loaded project ⇄ plain JSON values, for the load cache.

JSON holds data and nothing else: reading it can build our own record types and no other,
unlike pickle, which runs whatever code the file names. The converters are made once per
type from the dataclasses' annotations (a dataclass becomes the list of its fields, in order),
so a year-sized project decodes in a fraction of its YAML load. Anything unexpected raises
ValueError/TypeError/KeyError, which the cache takes as a miss.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from collections.abc import Callable, Sequence
from datetime import date, time
from decimal import Decimal
from enum import Enum
from functools import cache
from typing import Any

Convert = Callable[[Any], Any] | None  # None: the value is its own JSON form (str, int, bool, None)

_PLAIN = (str, int, bool, type(None))


def _fields(cls: type) -> tuple[tuple[str, Any], ...]:
    hints = typing.get_type_hints(cls)
    if dataclasses.is_dataclass(cls):
        return tuple((f.name, hints[f.name]) for f in dataclasses.fields(cls))
    return tuple((name, hints[name]) for name in cls._fields)  # a NamedTuple (Location)


def _args(tp: Any) -> tuple[Any, tuple]:
    return typing.get_origin(tp), typing.get_args(tp)


@cache
def encoder(tp: Any) -> Convert:
    if tp in _PLAIN:
        return None
    if tp is Decimal:
        return str
    if tp in (date, time):
        return tp.isoformat
    if isinstance(tp, type) and issubclass(tp, Enum):
        return _enum_value
    origin, args = _args(tp)
    if origin in (typing.Union, types.UnionType):
        inner = [encoder(a) for a in args if a is not type(None)]
        if len(inner) != 1:
            raise TypeError(f"union non prise en charge\u00a0: {tp}")
        one = inner[0]
        return None if one is None else (lambda v: None if v is None else one(v))
    if origin in (tuple, list):
        if origin is list or (len(args) == 2 and args[1] is Ellipsis):
            item = encoder(args[0])
            return list if item is None else (lambda v: [item(x) for x in v])
        parts = [encoder(a) or _same for a in args]
        return lambda v: [p(x) for p, x in zip(parts, v, strict=True)]
    if isinstance(tp, type) and (dataclasses.is_dataclass(tp) or hasattr(tp, "_fields")):
        names = [(name, encoder(hint) or _same) for name, hint in _fields(tp)]
        return lambda v: [conv(getattr(v, name)) for name, conv in names]
    raise TypeError(f"type non pris en charge\u00a0: {tp}")


@cache
def decoder(tp: Any) -> Convert:
    if tp in _PLAIN:
        return None
    if tp is Decimal:
        return _decimal
    if tp in (date, time):
        return lambda v: tp.fromisoformat(_str(v))
    if isinstance(tp, type) and issubclass(tp, Enum):
        return dict(tp._value2member_map_).__getitem__
    origin, args = _args(tp)
    if origin in (typing.Union, types.UnionType):
        [one] = [decoder(a) for a in args if a is not type(None)]
        return None if one is None else (lambda v: None if v is None else one(v))
    if origin in (tuple, list):
        if origin is list or (len(args) == 2 and args[1] is Ellipsis):
            item = decoder(args[0])
            if item is None:
                return lambda v: origin(_list(v))
            if origin is tuple and dataclasses.is_dataclass(args[0]):  # a table of records
                return lambda v: Records(item, v) if len(_list(v)) >= LAZY_FROM else tuple([item(x) for x in v])
            return lambda v: origin([item(x) for x in _list(v)])
        parts = [decoder(a) or _same for a in args]
        return lambda v: tuple([p(x) for p, x in zip(parts, _list(v), strict=True)])
    if isinstance(tp, type) and hasattr(tp, "_fields"):  # NamedTuple of plain values (Location)
        if any(decoder(hint) is not None for _, hint in _fields(tp)):
            raise TypeError(f"type non pris en charge\u00a0: {tp}")
        size = len(tp._fields)
        return lambda v: tp(*v) if type(v) is list and len(v) == size else _fail()
    if isinstance(tp, type) and dataclasses.is_dataclass(tp):
        spec = [(name, decoder(hint)) for name, hint in _fields(tp)]
        names = [name for name, _ in spec]
        convs = [(i, conv) for i, (_, conv) in enumerate(spec) if conv is not None]
        new = object.__new__

        def build(v):
            values = _list(v)
            if len(values) != len(names):
                raise ValueError("nombre de champs inattendu")
            values = values.copy()
            for i, conv in convs:
                values[i] = conv(values[i])
            obj = new(tp)  # frozen: fill __dict__ directly, as dataclasses' own __init__ would
            obj.__dict__.update(zip(names, values, strict=True))
            return obj

        return build
    raise TypeError(f"type non pris en charge\u00a0: {tp}")


LAZY_FROM = 256  # records from which a table is decoded at its first use


class Records(Sequence):
    """A long table of records (a year's learners, roll calls, results), decoded at its first use:
    a daily run that reads none of them builds none. Behaves as the tuple it stands for (equal to
    it, hashed, added, pickled as it). A record that cannot be decoded then raises where a tuple
    would not: the cache is only ever read back from what qualikit wrote, in the user's cache folder."""

    __slots__ = ("_item", "_raw", "_records")

    def __init__(self, item: Callable[[Any], Any], raw: list) -> None:
        self._item, self._raw, self._records = item, raw, None

    def _all(self) -> tuple:
        records = self._records
        if records is None:
            raw = self._raw  # None: another thread has just decoded them (records are set first)
            if raw is None:
                return self._records
            records = self._records = tuple([self._item(x) for x in raw])
            self._raw = None
        return records

    def __len__(self) -> int:
        return len(self._records if self._records is not None else self._raw)

    def __getitem__(self, index):
        return self._all()[index]

    def __iter__(self):
        return iter(self._all())

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Records):
            other = other._all()
        return self._all() == other if isinstance(other, tuple) else NotImplemented

    def __hash__(self) -> int:
        return hash(self._all())

    def __add__(self, other):
        return self._all() + (other._all() if isinstance(other, Records) else other)

    def __radd__(self, other):
        return other + self._all()

    def __reduce__(self):
        return tuple, (self._all(),)

    def __repr__(self) -> str:
        return repr(self._all())


def _same(v: Any) -> Any:
    return v


def _enum_value(v: Enum) -> Any:
    return v.value


def _fail() -> None:
    raise ValueError("valeur inattendue")


def _str(v: Any) -> str:
    if type(v) is not str:
        raise TypeError("texte attendu")
    return v


def _decimal(v: Any) -> Decimal:
    number = Decimal(_str(v))
    if not number.is_finite():
        raise ValueError("nombre non fini")
    return number


def _list(v: Any) -> list:
    if type(v) is not list:
        raise TypeError("liste attendue")
    return v

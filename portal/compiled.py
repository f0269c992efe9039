"""Queries written with the ORM and compiled to SQL once per process, for the pages that run
the same few queries on every request with only an id changing (a measure's page).

Building a queryset and compiling it to SQL costs far more than running it on these pages:
a measure's topics took 0.27 ms through the ORM and 0.03 ms as the same SQL on a cursor
(in-process, the bench's 10,000-measure SQLite catalogue). ``compiled`` keeps the ORM as the
one way a query is written, and spares the building and compiling on every call after the
first::

    @compiled
    def topics_of(measure_id):
        return Topic.objects.filter(measures=measure_id)

    topics_of(42)  # a list of Topic, as list(Topic.objects.filter(measures=42)) gives

The first call for a database builds the queryset with a sentinel value for each argument,
compiles it, and notes where each sentinel landed among the statement's parameters; every
call then runs that statement with its own values and makes the model instances the way
Django's own ``ModelIterable`` does (``select_related``, ``defer`` and annotations
included). So the arguments are ids (ints), each reaching the SQL once as a parameter,
unchanged: compared with ``=``. Anything else (``None``, a list for ``__in``, an id used
twice or rewritten by its lookup) is refused, never run wrongly. The queryset must yield
model instances, or tuples of columns (``values_list()`` of fields, neither ``flat`` nor
``named``, which then gives a list of tuples): no ``values()``, ``prefetch_related`` or
``extra()``.

The query counts of the tests see these statements like any other: they run on the
connection's cursor.
"""

import datetime
import threading
from functools import wraps

from django.core.exceptions import EmptyResultSet, FullResultSet
from django.db import connections, router
from django.db.models.query import ModelIterable, ValuesListIterable, get_related_populators

# Sentinel values: distinct, never an id, and within a 32-bit integer column's range (Django
# compiles a comparison with a value beyond a column's range to no SQL at all).
_SENTINEL_BASE = -1_987_654_321


class Compiled:
    """The compiled statement of one query on one database, and how to read its rows."""

    def __init__(self, queryset, sentinels, alias):
        compiler = queryset.query.get_compiler(using=alias)
        sql, params = compiler.as_sql()
        if compiler.has_extra_select:
            raise ValueError("compiled: extra() columns are not supported")
        positions = []
        for sentinel in sentinels:
            found = [i for i, value in enumerate(params) if value == sentinel]
            if len(found) != 1:
                raise ValueError(
                    f"compiled: an argument reached the SQL {len(found)} times as it was "
                    "given; only values compared with = as parameters can be compiled"
                )
            positions.append(found[0])
        self.alias = alias
        self.sql = sql
        self.params = list(params)
        self.positions = positions
        select = compiler.select
        self.converters = list(
            compiler.get_converters([column[0] for column in select[: compiler.col_count]]).items()
        )
        self.model = None  # rows as tuples (values_list)
        if queryset._iterable_class is ValuesListIterable:
            if queryset.query.annotation_select or len(queryset._fields) != compiler.col_count:
                raise ValueError("compiled: values_list() of plain fields only")
            return
        klass_info = compiler.klass_info
        self.model = klass_info["model"]
        fields = klass_info["select_fields"]
        self.model_slice = slice(fields[0], fields[-1] + 1)
        self.init_list = [column[0].target.attname for column in select[self.model_slice]]
        self.populators = get_related_populators(klass_info, select, alias)
        self.annotations = list(compiler.annotation_col_map.items())

    def run(self, values) -> list:
        params = list(self.params)
        for position, value in zip(self.positions, values, strict=True):
            params[position] = value
        connection = connections[self.alias]
        with connection.cursor() as cursor:
            cursor.execute(self.sql, params)
            rows = cursor.fetchall()
        found = []
        for row in rows:
            if self.converters:
                row = list(row)
                for position, (converters, expression) in self.converters:
                    value = row[position]
                    for converter in converters:
                        value = converter(value, expression, connection)
                    row[position] = value
            if self.model is None:
                found.append(tuple(row))
                continue
            obj = self.model.from_db(self.alias, self.init_list, row[self.model_slice])
            for populator in self.populators:
                populator.populate(row, obj)
            for name, position in self.annotations:
                setattr(obj, name, row[position])
            found.append(obj)
        return found


def compiled(build):
    """``build(*ids)`` returns a queryset; the decorated function returns its rows, a list,
    from a statement compiled at its first call on each database (see the module)."""
    statements = {}  # database alias → Compiled
    lock = threading.Lock()
    model = None

    @wraps(build)
    def run(*ids):
        nonlocal model
        if not all(type(value) is int for value in ids):
            raise TypeError(f"{build.__name__}() takes ids (int), not {ids!r}")
        found = statements.get(router.db_for_read(model)) if model is not None else None
        if found is None:
            with lock:
                sentinels = [_SENTINEL_BASE - n for n in range(len(ids))]
                queryset = build(*sentinels)
                if queryset._iterable_class not in (ModelIterable, ValuesListIterable) or (
                    queryset._prefetch_related_lookups
                ):
                    raise ValueError(
                        "compiled: the queryset must yield model instances or values_list() rows"
                    )
                found = statements.get(queryset.db)
                if found is None:
                    found = statements[queryset.db] = Compiled(queryset, sentinels, queryset.db)
                model = queryset.model
        return found.run(ids)

    return run


# -- lists: a query of several values, compiled once per shape -----------------------------

_REFUSED = object()


def _sentinels(values: dict, base: int) -> dict:
    """Stand-ins for ``values``, distinct from each other and from any real value: ids near
    the top of a 32-bit column's range (Django compiles a comparison beyond a column's range,
    a negative id with a positive-integer column, to no SQL), dates in the 11th century,
    texts (search terms) of as many private-use characters."""
    out = {}
    for n, (name, value) in enumerate(sorted(values.items())):
        if type(value) is int:
            out[name] = 2_000_000_000 + base + n
        elif type(value) is datetime.date:
            out[name] = datetime.date(1000 + base // 1000, 1, 1) + datetime.timedelta(days=n)
        elif type(value) is str and 0 < len(value) <= 32:
            # as long as the value (a search term's length decides its index table), of
            # characters from Unicode's private use area, which no text of the catalogue has
            start = 0xE000 + (base // 1000) * 0x1000 + n * 32
            out[name] = "".join(chr(start + i) for i in range(len(value)))
        else:
            raise TypeError(f"compiled: {name}={value!r} is not an id, a date or a short text")
    return out


class ListStatement:
    """The SQL of a list's rows (``values_list()`` tuples, in order) and of their count,
    compiled from the queryset ``build(values)`` gives with stand-ins for ``values`` (ids,
    dates, search terms), where each value may reach the SQL any number of times, as itself
    or, a date, as its ISO text.

    ``build`` must let the shape alone decide the statement, never a value. Compiled twice,
    with two sets of stand-ins (even ids and odd, dates a year apart): the statements must
    be the same, and the parameters differ exactly where a stand-in stands, each as the one
    set and the other; anything else — a statement that changed with the values, or a
    parameter worked out from a value (``today`` + 60 days) — is refused (``compile``
    returns None)."""

    def __init__(self, sql, params, slots, alias):
        self.sql, self.params, self.slots, self.alias = sql, params, slots, alias
        self.count_sql = f"SELECT COUNT(*) FROM ({_unordered(sql)}) counted"

    @classmethod
    def compile(cls, build, values, alias):
        first, second = _sentinels(values, 0), _sentinels(values, 1001)  # even, odd
        compiled_pair = []
        for stand_ins in (first, second):
            queryset = build(stand_ins)
            query = queryset.query
            selected = [*query.extra_select, *query.values_select, *query.annotation_select]
            if queryset._iterable_class is not ValuesListIterable or selected != list(
                queryset._fields
            ):
                raise ValueError("compiled: a list is values_list() of columns in their order")
            try:
                compiled_pair.append(queryset.query.get_compiler(using=alias).as_sql())
            except (EmptyResultSet, FullResultSet):
                return None
        (sql, params), (other_sql, other_params) = compiled_pair
        if sql != other_sql or len(params) != len(other_params):
            return None
        slots = []
        for position, (one, two) in enumerate(zip(params, other_params, strict=True)):
            if one == two:
                continue
            for name in values:
                if one == first[name] and two == second[name]:
                    slots.append((position, name, False))
                    break
                if one == str(first[name]) and two == str(second[name]):
                    slots.append((position, name, True))
                    break
            else:
                return None  # worked out from a value: not a value itself
        if {name for _position, name, _text in slots} != set(values):
            return None  # a value that reached no parameter
        return cls(sql, list(params), slots, alias)

    def _params(self, values) -> list:
        params = list(self.params)
        for position, name, text in self.slots:
            params[position] = str(values[name]) if text else values[name]
        return params

    def count(self, values) -> int:
        with connections[self.alias].cursor() as cursor:
            cursor.execute(self.count_sql, self._params(values))
            return cursor.fetchone()[0]

    def rows(self, values, offset: int, limit: int) -> list[tuple]:
        with connections[self.alias].cursor() as cursor:
            cursor.execute(
                f"{self.sql} LIMIT {int(limit)} OFFSET {int(offset)}", self._params(values)
            )
            return cursor.fetchall()


def _unordered(sql: str) -> str:
    """The statement without its final ORDER BY (a count needs no order)."""
    head, found, tail = sql.rpartition(" ORDER BY ")
    return head if found and ")" not in tail else sql


class CompiledList:
    """``build(values)``'s rows as a sliceable, countable list, the SQL compiled once per
    ``shape`` (what decides the statement: which filters, which order) and database; a shape
    that cannot be compiled faithfully (``ListStatement``) is run through the ORM each time.
    What ``django.core.paginator.Paginator`` takes: ``count()`` and ``[start:stop]``."""

    _statements: dict = {}
    _lock = threading.Lock()
    ordered = True

    def __init__(self, shape, build, values: dict, model):
        alias = router.db_for_read(model)
        key = (alias, shape)
        statement = self._statements.get(key)
        if statement is None:
            with self._lock:
                statement = self._statements.get(key)
                if statement is None:
                    statement = ListStatement.compile(build, values, alias) or _REFUSED
                    self._statements[key] = statement
        self.statement = None if statement is _REFUSED else statement
        self.build, self.values = build, values

    def count(self) -> int:
        if self.statement is None:
            return self.build(self.values).count()
        return self.statement.count(self.values)

    def __getitem__(self, page):
        if not isinstance(page, slice) or page.step is not None:
            raise TypeError("a CompiledList is read by pages: [start:stop]")
        start, stop = page.start or 0, page.stop
        if self.statement is None:
            return list(self.build(self.values)[start:stop])
        return self.statement.rows(self.values, start, stop - start)

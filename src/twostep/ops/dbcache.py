"""The demo's cache (no ``REDIS_URL``): Django's database cache in the site's own database, so every worker and
every ``twostep serve`` process on the same SQLite file counts the same throttling counters, as Redis does in
production. ``twostep migrate`` creates its table (``twostep_cache``).

Django's ``DatabaseCache`` is made fit for counters that must hold under attack:

- ``incr`` is one step for every process (Django's reads, then writes: two tries at the same moment would count
  once) and keeps the key's expiry (Django's resets it to the default timeout of 300 s, so a counter meant for
  24 hours would be forgotten during a 15-minute wait).
- A write that fails raises instead of returning quietly (Django swallows the database's error), so a wait that
  could not be stored is an outage (HTTP 503), never "no wait".
- Only expired entries are culled. Django culls a third of the live ones past ``MAX_ENTRIES``: anyone sending
  enough distinct e-mail addresses could wipe the counters of the account they attack.
"""

import base64
import pickle
from collections.abc import Callable

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.db import DatabaseCache
from django.db import OperationalError, connections, models, router, transaction
from django.utils import timezone

TABLE = "twostep_cache"


class SharedDatabaseCache(DatabaseCache):
    # Members of Django's DatabaseCache that its stubs leave out.
    _table: str
    _base_set: Callable[..., bool]

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        key = self.make_and_validate_key(key, version=version)
        # Once more after a lost race (another process inserted the key first), then it is an outage.
        if not self._base_set("set", key, value, timeout) and not self._base_set("set", key, value, timeout):
            raise OperationalError("the database cache could not store a value")

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None) -> bool:
        made = self.make_and_validate_key(key, version=version)
        if self._base_set("add", made, value, timeout):
            return True
        if self.has_key(key, version=version):  # already there: the answer add() exists to give
            return False
        raise OperationalError("the database cache could not store a value")

    def incr(self, key, delta=1, version=None):
        """``key``'s number plus ``delta``, in one transaction that holds the row (SQLite: the database, as
        every transaction here begins IMMEDIATE); raises ValueError when the key is missing or expired."""
        key = self.make_and_validate_key(key, version=version)
        db = router.db_for_write(self.cache_model_class)
        connection = connections[db]
        quote, table = connection.ops.quote_name, connection.ops.quote_name(self._table)
        lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
        with transaction.atomic(using=db), connection.cursor() as cursor:
            cursor.execute(f"SELECT {quote('value')}, {quote('expires')} FROM {table} "  # noqa: S608 — quoted names
                           f"WHERE {quote('cache_key')} = %s{lock}", [key])
            row = cursor.fetchone()
            if row is None or _expired(connection, row[1]):
                raise ValueError(f"Key '{key}' not found")
            # The same encoding as Django's database cache (it pickles what it stores; the table is the site's).
            value = pickle.loads(base64.b64decode(connection.ops.process_clob(row[0]).encode())) + delta  # noqa: S301
            encoded = base64.b64encode(pickle.dumps(value, self.pickle_protocol)).decode("latin1")
            cursor.execute(f"UPDATE {table} SET {quote('value')} = %s "  # noqa: S608 — quoted names
                           f"WHERE {quote('cache_key')} = %s", [encoded, key])
        return value

    def _cull(self, db, cursor, now, num):
        connection = connections[db]
        cursor.execute(f"DELETE FROM {connection.ops.quote_name(self._table)} "  # noqa: S608 — a quoted name
                       f"WHERE {connection.ops.quote_name('expires')} < %s",
                       [connection.ops.adapt_datetimefield_value(now)])


def _expired(connection, expires) -> bool:
    expression = models.Expression(output_field=models.DateTimeField())
    for converter in connection.ops.get_db_converters(expression) + expression.get_db_converters(connection):
        expires = converter(expires, expression, connection)
    return expires < timezone.now()

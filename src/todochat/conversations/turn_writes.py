"""Few write transactions per chat turn: the store's writes of a streamed turn are held and
committed together, before an item's done event and before the turn's final event.

Design notes (issue 13, "a lean turn"; DESIGN.md "Performance facts": on a turn the number of
transactions, not their SQL, is the cost):

- A streamed ChatKit request (``TodoChatKitServer``) opens a :class:`TurnWrites` in its
  ``RequestContext.metadata`` (key ``TURN_WRITES``). While it is open, ``SQLStore.save_thread``,
  ``add_thread_item``/``save_item`` and ``record_turn_effect`` append their statement to it instead
  of running it (arguments are checked at once, as before: an over-long id still raises there).
- Every other store call of that request (a read, a delete) first runs the held writes, in order,
  in its own transaction: a read always sees the turn's writes (read your writes). A turn thus
  commits its thread and user message together with the history read that answers it, each
  finished item (widget, assistant message) with the writes before it just before the client is
  told it is done, and its effects and thread metadata at the end.
- The server commits what is held before it sends the turn's last event, and sends nothing until
  the first commit (the thread and the user's message) succeeded, so a database that is down
  still gets an HTTP 503 before the stream starts, and a client that saw the final event has
  everything stored. A turn cut short (client gone, error) commits what it holds in a shielded
  ``finally``. What a crash between two commits loses was never acknowledged as finished: the
  stream had not ended, and tasks changed by tools are committed (and journalled) by the task
  service in their own transaction as before, so a retry finds them (``chatkit/turns.py``).
- A quota check of a streamed turn (``SQLStore.check_new_thread``/``check_new_message``) is held
  as a *guard*: it runs first in the transaction that commits the turn's first writes (the thread
  and the user's message), so it needs no transaction of its own and nothing is stored when it
  refuses (the transaction rolls back and the server answers with the refusal before sending
  anything). Guards never run alone: a read with no held writes leaves them held.
- The history read of an agent turn (``SQLStore.load_history``) also reads, in its transaction, the
  first page chatkit's ``stream_agent_response`` asks for next (the thread's newest two items,
  ``load_thread_items(thread, None, 2, "desc")``: is a workflow to be continued?) and keeps it in
  :attr:`TurnWrites.latest`; that call is answered from it — once, and only if no store
  transaction ran and no write was held since (:attr:`TurnWrites.version`), so it is the page a
  read would give: a thread's items are written only by its turns, one at a time under the
  thread's turn lock (a new thread is known to nobody else yet).
- Without an open ``TurnWrites`` (every non-streaming request, the Store test suites, the REST
  and MCP fronts) each store call is its own transaction, exactly as chatkit's Store API says.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from todochat.context import RequestContext

LATEST_ROWS = 3
"""Rows of the kept first page (:meth:`TurnWrites.take_latest`): a page of two and whether there are more."""

TURN_WRITES = "store_turn_writes"
"""``RequestContext.metadata`` key of the open :class:`TurnWrites` of a streamed request."""

Write = Callable[[Any], Awaitable[None]]
"""A held write: called with the open connection of the committing transaction."""


class TurnWrites:
    """The store writes a streamed turn holds until its next transaction.

    Attributes:
        pending: held writes, in the order they were made.
        guards: held checks (a quota) that run before the next held writes, in their transaction,
            and may raise to roll them back.
        commits: how many times held writes were committed (0 until the first).
        version: how many store transactions the turn ran (each ``SQLBase._tx``).
        latest: ``(thread id, rows, version)``: the first page of the thread's items, newest first
            (up to ``LATEST_ROWS`` rows), read by the history read's transaction ``version``;
            None when none is kept.
    """

    def __init__(self) -> None:
        self.pending: list[Write] = []
        self.guards: list[Write] = []
        self.commits = 0
        self.version = 0
        self.latest: tuple[str, list[Any], int] | None = None

    def take_latest(self, thread_id: str, limit: int) -> list[Any] | None:
        """The kept first page's rows for ``thread_id`` (at most ``LATEST_ROWS``), if it still is
        what a read would give (no transaction ran and nothing was held since) and answers a page
        of ``limit`` items; None otherwise. It is given once."""
        latest, self.latest = self.latest, None
        if latest is None or self.pending or limit >= LATEST_ROWS:
            return None
        tid, rows, version = latest
        return rows if tid == thread_id and version == self.version else None

    def take(self) -> list[Write]:
        """The held guards, then the held writes (now no longer held); an empty list when no write
        is held (guards wait for a write)."""
        if not self.pending:
            return []
        taken, self.guards, self.pending = [*self.guards, *self.pending], [], []
        return taken


def open_turn(context: RequestContext) -> TurnWrites:
    """Start holding the store writes made with ``context`` (and copies of it sharing its
    ``metadata``)."""
    writes = TurnWrites()
    context.metadata[TURN_WRITES] = writes
    return writes


def close_turn(context: RequestContext) -> None:
    """Stop holding writes for ``context`` (what is still held is dropped: commit it first)."""
    context.metadata.pop(TURN_WRITES, None)


def turn_writes(context: RequestContext | None) -> TurnWrites | None:
    """The open :class:`TurnWrites` of ``context``, or None."""
    if context is None:
        return None
    writes = context.metadata.get(TURN_WRITES)
    return writes if isinstance(writes, TurnWrites) else None

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
- Without an open ``TurnWrites`` (every non-streaming request, the Store test suites, the REST
  and MCP fronts) each store call is its own transaction, exactly as chatkit's Store API says.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from todochat.context import RequestContext

TURN_WRITES = "store_turn_writes"
"""``RequestContext.metadata`` key of the open :class:`TurnWrites` of a streamed request."""

Write = Callable[[Any], Awaitable[None]]
"""A held write: called with the open connection of the committing transaction."""


class TurnWrites:
    """The store writes a streamed turn holds until its next transaction.

    Attributes:
        pending: held writes, in the order they were made.
        commits: how many times held writes were committed (0 until the first).
    """

    def __init__(self) -> None:
        self.pending: list[Write] = []
        self.commits = 0

    def take(self) -> list[Write]:
        """The held writes (now no longer held); an empty list when there are none."""
        pending, self.pending = self.pending, []
        return pending


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

"""The built-in offline model: a deterministic natural-language front end for the task tools.

Pipeline, one module each: ``normalize`` (clean text) → ``intents`` (what each clause asks) →
``slots``/``dates``/``queries`` (titles, descriptions, priority, tags, dates, filters) →
``references`` ("task 3", "the first one", "it", words) → ``planner`` (tool calls, one per round)
→ ``replies`` (one sentence) → ``events``/``model`` (the Agents SDK ``Model``). Before parsing,
``guard`` answers bad input (empty, symbols only, too long, too many items) and ``repair`` reads
the thread's earlier messages for corrections, take-backs, answers to the model's own questions
and follow-ups ("and 5 too", "the other one").

Decisions: "add milk, eggs and bread" makes three tasks (a comma list always splits; " and "
splits only between two verb phrases, so "call mom and dad" stays one task); "for work" is a tag
only for the life areas in ``slots.CONTEXT_TAGS``; a bare weekday is the next one, today included;
"next friday" is next week's Friday. See ``dates`` for the other date rules; composed dates and
recurrences ("the 3rd of next month", "every other tuesday until march") come from the time
grammar in ``timegrammar`` (README.md in this package: how it works, the library comparison).

Reminders (issue 14; ``intents._reminder``, ``planner.plan_remind``/``plan_unremind``): "remind me to
X <when>" adds X with a reminder at its due time (an all-day due reminds at 09:00, the domain's rule;
no day or time said: no reminder); "remind me <offset> before <task>" / "remind me about <task>
<when>" remind about an existing task, and "about <task> <when>" adds the task when none matches;
"cancel the X reminder" deletes the task X when it has no reminder. The model never calls a tool the
agent lacks (``Turn.tools``).
"""

from todochat.agent.models.builtin.model import BuiltinModel

__all__ = ["BuiltinModel"]

"""The ChatKit server: runs the agent for each user message and handles task-widget actions.

Turns of one thread run one at a time (``todochat.conversations.turns``: the whole streaming
request runs under the thread's lock, across replicas on PostgreSQL), each turn answers the user
message it was called for (the agent's history ends with that message), and a retry of a turn whose
tools already committed shows what was done instead of doing it again (``todochat.chatkit.turns``).
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from collections.abc import AsyncGenerator, AsyncIterator
from datetime import datetime
from typing import Any

import anyio
from agents import Model, RunConfig, Runner
from agents.models.fake_id import FAKE_RESPONSES_ID
from chatkit.agents import stream_agent_response
from chatkit.errors import CustomStreamError
from chatkit.server import ChatKitServer, NonStreamingResult, StreamingResult
from chatkit.store import NotFoundError, Store
from chatkit.types import (
    Action,
    AssistantMessageContent,
    AssistantMessageItem,
    Attachment,
    ChatKitReq,
    ClientToolCallItem,
    ErrorEvent,
    FeedbackKind,
    ItemsListReq,
    StreamOptionsEvent,
    StructuredInputItem,
    SyncCustomActionResponse,
    ThreadItem,
    ThreadItemAddedEvent,
    ThreadItemDoneEvent,
    ThreadItemReplacedEvent,
    ThreadItemUpdatedEvent,
    ThreadMetadata,
    ThreadsAddStructuredInputReq,
    ThreadsAddUserMessageReq,
    ThreadsCreateReq,
    ThreadsDeleteReq,
    ThreadsGetByIdReq,
    ThreadsRetryAfterItemReq,
    ThreadsSyncCustomActionReq,
    ThreadStreamEvent,
    ThreadsUpdateReq,
    UserMessageItem,
    UserMessageTextContent,
    WidgetItem,
    WorkflowItem,
    is_streaming_req,
)
from openai.types.responses import ResponseInputTextParam
from openai.types.responses.response_input_item_param import Message
from pydantic import TypeAdapter
from pydantic import ValidationError as PydanticValidationError

from todochat.agent.agent import build_agent
from todochat.agent.context import STATE_KEY, TodoAgentContext, state_message
from todochat.agent.models.failures import describe_model_failure
from todochat.chatkit import questions
from todochat.chatkit.composer_tools import (
    COMPOSER_TOOLS,
    VIEW_TOOLS,
    for_model,
    tool_choice_of,
    view_for,
)
from todochat.chatkit.entities import TaskTagConverter, with_task_annotations
from todochat.chatkit.imports import IMPORT_ACTIONS, ChatImports
from todochat.chatkit.live import LiveWidgets
from todochat.chatkit.model_choice import ModelChoices, chosen_model
from todochat.chatkit.steps import TurnSteps, collapsed
from todochat.chatkit.titles import summary_title
from todochat.chatkit.turns import (
    EffectRecorder,
    already_done_text,
    effect_numbers,
    finish_writes,
    journal_effect,
)
from todochat.chatkit.voice import VoiceMixin
from todochat.chatkit.widgets import (
    ACTION_TYPES,
    LIST_ROWS_MAX,
    UNDO_DELETE_ACTION,
    VIEW_ACTION,
    copy_text,
    list_heading,
    row_numbers,
    task_list_widget,
)
from todochat.context import RequestContext
from todochat.conversations.attachments import AttachmentFiles
from todochat.conversations.turn_writes import close_turn, open_turn
from todochat.conversations.turns import TurnLocks
from todochat.errors import QuotaExceeded, TaskNotFound, TodoError, ValidationError
from todochat.tasks.queries import SORTS
from todochat.tasks.rules import check_number
from todochat.tasks.schemas import TaskFilter
from todochat.tasks.service import TaskService

logger = logging.getLogger(__name__)

REQUEST_ADAPTER: TypeAdapter[ChatKitReq] = TypeAdapter(ChatKitReq)
"""Built once: chatkit builds this adapter on every request otherwise (~4.6 ms, DESIGN.md)."""
TITLE_MAX = 60
RETRY_OF = "retry_of"
"""``RequestContext.metadata`` key: the user message a ``threads.retry_after_item`` retries."""


def message_text(item: UserMessageItem) -> str:
    """The plain text of a user message (a task tag as its title)."""
    return "".join(
        part.text if isinstance(part, UserMessageTextContent) else part.text.lstrip("@") for part in item.content
    ).strip()


class TodoItemConverter(TaskTagConverter):
    """Shows earlier task widgets to the model as their plain-text list, not widget JSON, an
    attached file as a line naming it (its content goes to the import preview, never to the model),
    and a task tag as the exact reference ``task N`` (chatkit/entities.py)."""

    async def attachment_to_message_content(self, attachment: Attachment) -> ResponseInputTextParam:
        return ResponseInputTextParam(
            type="input_text", text=f"[The user attached the file {attachment.name!r}; the app showed an import preview]"
        )

    async def structured_input_to_input(self, item: StructuredInputItem) -> Any:
        return questions.history_message(item)

    async def workflow_to_input(self, item: WorkflowItem) -> Any:
        """None: a turn's steps (chatkit/steps.py) are for the person; the model already read the
        tool results and widgets they summarise, so its input is what it was without them."""
        return None

    async def widget_to_input(self, item: WidgetItem) -> Any:
        text = item.copy_text or ""
        return Message(
            type="message",
            role="user",
            content=[ResponseInputTextParam(type="input_text", text=f"[The app showed the user this list]\n{text}")],
        )


class TodoChatKitServer(VoiceMixin, ChatKitServer[RequestContext]):  # VoiceMixin: input.transcribe (chatkit/voice.py)
    """ChatKitServer over the SQL store, the task service and one agent model.

    Args:
        store: the ChatKit store (threads and items), scoped by ``RequestContext.user_id``.
        service: the task service the tools and widget actions call.
        model: the Agents SDK model (built-in offline model or a provider's).
        history_window: how many of the thread's latest items the agent sees.
        max_message_chars: longer user messages are refused before anything is stored.
        tracing: run the Agents SDK's tracing (``TODOCHAT_TRACING``); off by default.
        attachments: the attachment files (``attachments.create``/``delete``, two-phase upload);
            None: attachments are refused. A message with an attached task file gets an import
            preview instead of an agent turn (chatkit/imports.py).
        import_max_bytes: the import size limit (``TODOCHAT_IMPORT_MAX_BYTES``).
        models: the models a message may choose (``inference_options.model``, chatkit/model_choice.py);
            None: only ``model``.
    """

    def __init__(
        self,
        store: Store[RequestContext],
        service: TaskService,
        model: Model,
        *,
        history_window: int = 30,
        max_message_chars: int = 4000,
        tracing: bool = False,
        attachments: AttachmentFiles | None = None,
        import_max_bytes: int = 5_242_880,
        models: ModelChoices | None = None,
    ) -> None:
        super().__init__(store, attachments)
        self.imports = ChatImports(service, attachments, max_bytes=import_max_bytes) if attachments else None
        self.service = service
        self.model = model
        self.models = models or ModelChoices.single(model)
        self.agent = build_agent(model)
        self.history_window = history_window
        self.max_message_chars = max_message_chars
        self.tracing = tracing
        self.converter = TodoItemConverter()
        self.turns = TurnLocks(getattr(store, "_engine", None))
        self.live = LiveWidgets(store, service)

    async def aclose(self) -> None:
        """Release what the server holds beyond the store (the PostgreSQL turn-lock pool)."""
        await self.turns.dispose()

    # ------------------------------------------------------------------ requests
    def parse(self, body: bytes | str) -> ChatKitReq:
        """Parse a ChatKit request body.

        Raises:
            pydantic.ValidationError: malformed JSON or an unknown request type.
        """
        return REQUEST_ADAPTER.validate_json(body)

    async def process_request(
        self, request: ChatKitReq, context: RequestContext
    ) -> StreamingResult | NonStreamingResult:
        """Check and run a parsed request (same routing as ``ChatKitServer.process``).

        Raises:
            ValidationError: an empty or over-long message (nothing stored).
            chatkit.store.NotFoundError: the thread (or widget item) is not the user's; checked
                before any streaming starts so the answer is a plain 404.
        """
        if isinstance(request, (ThreadsCreateReq, ThreadsAddUserMessageReq)):
            text = "".join(getattr(p, "text", "") for p in request.params.input.content).strip()
            if not text and not request.params.input.attachments:
                raise ValidationError("The message is empty.", field="input")
            if len(text) > self.max_message_chars:
                raise ValidationError(
                    f"The message is {len(text)} characters long; the limit is {self.max_message_chars}.",
                    field="input",
                )
        thread_id = getattr(request.params, "thread_id", None)
        if thread_id:
            await self.store.load_thread(thread_id, context=context)
        if not (is_streaming_req(request) and hasattr(self.store, "commit_turn")):
            # a streamed turn checks in the transaction of its first writes (_one_commit_per_turn)
            try:
                await self.check_quota(request, context)
            except QuotaExceeded as exc:  # a ChatKit error event; nothing stored
                return StreamingResult(refusal(exc))
        try:
            await self.check_model(request, context)
        except ValidationError as exc:  # a model this server does not offer: an error event, nothing stored
            return StreamingResult(refusal(exc))
        if is_streaming_req(request):
            item_id = getattr(request.params, "item_id", None)
            if thread_id and item_id:
                await self.store.load_item(thread_id, item_id, context=context)
            if isinstance(request, ThreadsRetryAfterItemReq):
                context.metadata[RETRY_OF] = request.params.item_id
            if not thread_id:  # threads.create: nobody else knows the new thread yet
                return StreamingResult(self._one_commit_per_turn(request, context))
            return StreamingResult(self._one_turn_at_a_time(request, thread_id, context))
        if thread_id and isinstance(request, (ThreadsUpdateReq, ThreadsDeleteReq, ThreadsSyncCustomActionReq)):
            # these write the thread too: not in the middle of a turn (whose final save_thread
            # would undo a rename, or bring a deleted thread back)
            async with self.turns.hold(context.user_id, thread_id):
                return NonStreamingResult(await self._process_non_streaming(request, context))
        if isinstance(request, (ThreadsGetByIdReq, ItemsListReq)):  # task widgets show their tasks as they are now
            return NonStreamingResult(self._serialize(await self.live.read(request, context)))
        return NonStreamingResult(await self._process_non_streaming(request, context))

    async def check_quota(self, request: ChatKitReq, context: RequestContext) -> None:
        """Ask the store whether ``request`` fits the user's quotas (conversations/quotas.py): a
        new thread (``threads.create``) or a new message (``threads.add_user_message``). Stores
        without quotas pass everything. Within a streamed turn the SQL store holds the check and
        runs it first in the transaction of the turn's first writes (``_one_commit_per_turn``
        answers its refusal, before anything is sent).

        Raises:
            QuotaExceeded: the request would exceed a limit; nothing was stored.
        """
        if isinstance(request, ThreadsCreateReq):
            check_thread = getattr(self.store, "check_new_thread", None)
            if check_thread is not None:
                await check_thread(context)
        elif isinstance(request, ThreadsAddUserMessageReq):
            check_message = getattr(self.store, "check_new_message", None)
            if check_message is not None:
                await check_message(request.params.thread_id, context)

    async def check_model(self, request: ChatKitReq, context: RequestContext) -> None:
        """The model a new message (``threads.create``/``add_user_message``) or a retried one
        (``threads.retry_after_item``) chose is offered here (chatkit/model_choice.py).

        Raises:
            ValidationError: it is not (field ``inference_options.model``); nothing was stored.
            chatkit.store.NotFoundError: the retried item is not the user's.
        """
        if isinstance(request, (ThreadsCreateReq, ThreadsAddUserMessageReq)):
            self.models.check(chosen_model(request.params.input))
        elif isinstance(request, ThreadsRetryAfterItemReq):
            item = await self.store.load_item(request.params.thread_id, request.params.item_id, context=context)
            if isinstance(item, UserMessageItem):
                self.models.check(chosen_model(item))

    async def process(self, request: str | bytes | bytearray, context: RequestContext) -> StreamingResult | NonStreamingResult:
        """``ChatKitServer.process`` with the request adapter built once."""
        return await self.process_request(self.parse(bytes(request) if isinstance(request, bytearray) else request), context)

    async def _one_turn_at_a_time(self, request: Any, thread_id: str, context: RequestContext) -> AsyncGenerator[bytes, None]:
        """The streamed request, run whole under the thread's turn lock: chatkit loads the thread
        (its conversation state as the previous turn left it), stores the user message, runs the
        turn and saves the thread, all before the next turn of the thread starts.

        Raises:
            TurnInProgress: the turn before did not end within the lock's wait (nothing stored).
            Conflict: an answer to a question that the turn it waited for answered (nothing stored).
        """
        async with self.turns.hold(context.user_id, thread_id):
            if isinstance(request, ThreadsAddStructuredInputReq):  # checked again: a second answer may have waited
                await questions.check_request(self.store, request.params, context)
            try:
                async for chunk in self._one_commit_per_turn(request, context):
                    yield chunk
            finally:
                await finish_writes(context)

    async def _one_commit_per_turn(self, request: Any, context: RequestContext) -> AsyncGenerator[bytes, None]:
        """chatkit's ``_process_streaming`` (events serialised as SSE ``data:`` lines) with the
        store's writes held and committed in few transactions (``conversations.turn_writes``):
        the thread and the user's message before anything is sent (chatkit's ``stream_options``
        event comes right after them), each finished item (a widget, the assistant's message, the
        turn's steps) before its ``thread.item.done`` event is sent — events go out one behind, so
        items finished back to back (the reply and the steps) share one commit — and the rest
        before the last event — so a client
        that was told an item is done, or saw the stream end, has it stored (a ``kill -9`` right
        after a widget keeps the widget). A turn cut short commits what it
        holds, shielded from the cancellation. A store without ``commit_turn`` writes as it goes.
        The request's quota check is held too and runs first in the first commit: a refusal rolls
        that commit back and the stream is the refusal's error event alone.
        """
        commit = getattr(self.store, "commit_turn", None)
        if commit is None:
            async for chunk in self._process_streaming(request, context):
                yield chunk
            return
        writes = open_turn(context)
        sent = False
        try:
            await self.check_quota(request, context)  # held: runs first in the first commit
            held: bytes | None = None
            held_done = False  # ``held`` is an item's done event
            async for event in self._process_streaming_impl(request, context):
                if isinstance(event, StreamOptionsEvent) and writes.commits == 0:
                    await commit(context)  # the thread and the user's message, before any event
                chunk = b"data: " + self._serialize(event) + b"\n\n"
                if isinstance(event, StreamOptionsEvent) and held is None:
                    # the first event of a stream with nothing before it (threads.add_structured_input):
                    # sent now, before chatkit enters its header-override context manager, so the
                    # route's first read (api/routes/chatkit.py ``started``, in the request's context)
                    # does not leave that manager to be closed in another one — under uvicorn that
                    # ended the answer's stream with a stream.error (tests/chatkit/test_questions_live.py)
                    sent = True
                    yield chunk
                    continue
                if writes.commits == 0:
                    held = (held or b"") + chunk  # nothing is sent before the first commit
                    continue
                if held is not None:
                    if held_done and writes.pending:
                        await commit(context)  # an item the client is told is done is stored first
                    sent = True
                    yield held
                held, held_done = chunk, isinstance(event, ThreadItemDoneEvent)
            await commit(context)  # the turn's last writes, before its last event
            if held is not None:
                sent = True
                yield held
        except asyncio.CancelledError:
            raise
        except QuotaExceeded as exc:
            if sent or writes.commits:
                raise
            # refused by the quota guard of the first commit: rolled back, nothing stored or sent
            async for chunk in refusal(exc):
                yield chunk
        except Exception:
            logger.exception("Error while generating streamed response")
            raise
        finally:
            if writes.pending:
                with anyio.CancelScope(shield=True):
                    await commit(context)
            close_turn(context)

    async def handle_stream_cancelled(
        self, thread: ThreadMetadata, pending_items: list[ThreadItem], context: RequestContext
    ) -> None:
        """chatkit's default (store non-empty partial assistant messages and a hidden "cancelled"
        note), shielded from the cancellation that called it, so its writes happen; plus the turn's
        steps so far (chatkit/steps.py), collapsed: their changes were committed, so a reload shows them."""
        with anyio.CancelScope(shield=True):
            for item in pending_items:
                if isinstance(item, WorkflowItem) and item.workflow.type == "custom" and item.workflow.tasks:
                    await self.store.add_thread_item(thread.id, collapsed(item), context=context)
            await super().handle_stream_cancelled(thread, pending_items, context)

    # ------------------------------------------------------------------ agent turn
    async def respond(
        self,
        thread: ThreadMetadata,
        input_user_message: UserMessageItem | None,
        context: RequestContext,
    ) -> AsyncIterator[ThreadStreamEvent]:
        """Run the agent over the ``history_window`` items ending with ``input_user_message`` and
        stream its events; every tool call that commits is recorded against that message. A retry
        of a message whose tools already committed streams ``already_done`` instead."""
        if input_user_message is None:
            answer = await questions.answered(self.store, thread, context)
            if answer is not None:  # threads.add_structured_input: the turn a typed answer runs
                async for event in self.agent_turn(thread, answer[0], context, reply=answer[1]):
                    yield event
                return
            async for event in self._after_client_tool(thread, context):
                yield event
            return
        if input_user_message.attachments and self.imports is not None:
            async for event in self._import_preview(thread, input_user_message, context):
                yield event
            return
        if tool_choice_of(input_user_message) in VIEW_TOOLS:  # "Plan my day", "Weekly review": no model turn
            async for event in self._composer_view(thread, input_user_message, context):
                yield event
            return
        if context.metadata.get(RETRY_OF) == input_user_message.id:
            effects = await self.turn_effects(thread.id, input_user_message.id, context)
            if effects:
                async for event in self.already_done(thread, effects, context):
                    yield event
                return
        async for event in questions.close_typed(self.store, thread, message_text(input_user_message), context):
            yield event
        async for event in self.agent_turn(thread, input_user_message.id, context):
            yield event

    async def agent_turn(
        self, thread: ThreadMetadata, item_id: str, context: RequestContext, *, reply: str | None = None
    ) -> AsyncIterator[ThreadStreamEvent]:
        """Run the agent over the ``history_window`` items ending with item ``item_id`` (the user
        message answered, or an answered question whose option stands for the message ``reply``)
        and stream its events; then the question the turn left pending, if any, as a structured
        input item (chatkit/questions.py)."""
        items = await self.history(thread.id, context, upto=item_id)
        message = items[-1] if items and items[-1].id == item_id and isinstance(items[-1], UserMessageItem) else None
        if message is not None:  # "Add task" (composer_tools.py): the model reads "add <text>"
            items = [*items[:-1], for_model(message)]
        if reply is None:
            converted = await self.converter.to_agent_input(items)
        else:
            converted = [*await self.converter.to_agent_input(items[:-1]), questions.reply_message(reply)]
        agent_input = [state_message(thread.metadata), *converted]
        state_now = (thread.metadata or {}).get(STATE_KEY)
        if isinstance(state_now, dict) and state_now.get("pending"):
            # a question lives for one turn: the model saw it above; a tool re-asks if needed
            thread.metadata = {**thread.metadata, STATE_KEY: {**state_now, "pending": None}}
        try:
            model = self.models.for_turn(items)  # the model the message chose (chatkit/model_choice.py)
        except ValidationError as exc:
            raise CustomStreamError(exc.message, allow_retry=False) from exc
        context = dataclasses.replace(context, turn=item_id, front="chat")  # the journal records both
        agent_ctx = TodoAgentContext(
            thread=thread, store=self.store, request_context=context, service=self.service
        )
        result = Runner.run_streamed(
            self.agent,
            agent_input,  # type: ignore[arg-type]
            context=agent_ctx,
            run_config=RunConfig(model=model, tracing_disabled=not self.tracing),
            hooks=(recorder := EffectRecorder(self.store, thread.id, item_id, context, steps := TurnSteps(item_id))),
        )
        try:
            events = with_store_ids(steps.around(stream_agent_response(agent_ctx, result), agent_ctx), self, thread, context)
            async for event in with_task_annotations(events, self.service, context):
                yield event
        except TodoError as exc:
            raise CustomStreamError(exc.message, allow_retry=False) from exc
        except CustomStreamError:
            raise
        except Exception as exc:
            logger.exception("model_failure", extra={"thread_id": thread.id})
            failure = describe_model_failure(exc)
            raise CustomStreamError(failure.message, allow_retry=failure.allow_retry) from exc
        if thread.title is None and message is not None:  # named after the reply, so naming never delays it (chatkit/titles.py)
            thread.title = summary_title(message_text(message), recorder.effects)
        question = questions.ask(thread, lambda: self.store.generate_item_id("message", thread, context))
        if question is not None:
            yield ThreadItemDoneEvent(item=question)

    async def _composer_view(
        self, thread: ThreadMetadata, message: UserMessageItem, context: RequestContext
    ) -> AsyncIterator[ThreadStreamEvent]:
        """A message sent with a view tool (chatkit/composer_tools.py): its task-list widget and reply,
        from the task service; "the first one" then counts the rows shown."""
        tool = tool_choice_of(message) or ""
        view = await view_for(tool, self.service, context)
        today = context.local_now().date()
        if thread.title is None:
            thread.title = COMPOSER_TOOLS[tool].label
        shown = [t.number for t in view.tasks[:LIST_ROWS_MAX]]
        state = (thread.metadata or {}).get(STATE_KEY) or {}
        thread.metadata = {**(thread.metadata or {}), STATE_KEY: {**state, "shown": shown, "touched": shown}}
        yield ThreadItemDoneEvent(item=WidgetItem(
            id=self.store.generate_item_id("message", thread, context),
            thread_id=thread.id,
            created_at=datetime.now(),  # noqa: DTZ005 — chatkit expects naive local time (DESIGN.md)
            widget=task_list_widget(view.heading, view.tasks, today, view=view.view),
            copy_text=copy_text(view.heading, view.tasks, today),
        ))
        yield ThreadItemDoneEvent(item=self.assistant_message(thread, context, view.text))

    async def _import_preview(
        self, thread: ThreadMetadata, message: UserMessageItem, context: RequestContext
    ) -> AsyncIterator[ThreadStreamEvent]:
        """A message with attachments: an import preview widget per task file (chatkit/imports.py)
        and a reply saying what would be imported; no agent turn, nothing changed."""
        assert self.imports is not None
        if thread.title is None:
            thread.title = (message_text(message) or f"Import {message.attachments[0].name}")[:TITLE_MAX]
        context = dataclasses.replace(context, turn=message.id, front="chat")
        async for event in self.imports.preview_turn(
            thread, message.attachments, context, lambda: self.store.generate_item_id("message", thread, context)
        ):
            if isinstance(event, str):
                yield ThreadItemDoneEvent(item=self.assistant_message(thread, context, event))
            else:
                yield event

    async def history(self, thread_id: str, context: RequestContext, *, upto: str | None = None) -> list[ThreadItem]:
        """The latest ``history_window`` items, oldest first, ending with item ``upto`` when given
        (the message being answered, whatever was stored after it); the SQL store's
        ``load_history`` skips decoding widget trees (the converter reads only their ``copy_text``)."""
        light = getattr(self.store, "load_history", None)
        if light is not None:
            return list(await light(thread_id, self.history_window, context, upto=upto))
        items: list[ThreadItem] = []
        async for item in self._paginate_thread_items_reverse(thread_id, context):
            if upto is not None and not items and item.id != upto:
                continue  # newer than the message answered
            items.append(item)
            if len(items) >= self.history_window:
                break
        return list(reversed(items))

    async def turn_effects(self, thread_id: str, item_id: str, context: RequestContext) -> list[dict[str, Any]]:
        """What the turn answering user message ``item_id`` already changed (``[]`` if nothing):
        the effects recorded against the message, else the journal's changes of that turn (written
        in each change's own transaction, so a cut between a tool's commit and its effect record
        still leaves the change known)."""
        load = getattr(self.store, "load_turn_effects", None)
        recorded = list(await load(thread_id, item_id, context)) if load is not None else []
        if recorded:
            return recorded
        return [journal_effect(entry) for entry in await self.service.turn_changes(context, item_id)]

    async def already_done(
        self, thread: ThreadMetadata, effects: list[dict[str, Any]], context: RequestContext
    ) -> AsyncIterator[ThreadStreamEvent]:
        """The answer of a retry whose changes were already made: a task-list widget of the tasks
        they named as they are now (deleted ones drop out), and a message saying what was done.
        Nothing is changed."""
        numbers = effect_numbers(effects)
        tasks = await self.service.list(context, TaskFilter(numbers=numbers)) if numbers else []
        if tasks:
            today = context.local_now().date()
            heading = "Already done"
            yield ThreadItemDoneEvent(item=WidgetItem(
                id=self.store.generate_item_id("message", thread, context),
                thread_id=thread.id,
                created_at=datetime.now(),  # noqa: DTZ005 — chatkit expects naive local time (DESIGN.md)
                widget=task_list_widget(heading, tasks, today),
                copy_text=copy_text(heading, tasks, today),
            ))
        yield ThreadItemDoneEvent(item=self.assistant_message(thread, context, already_done_text(effects)))

    async def _after_client_tool(self, thread: ThreadMetadata, context: RequestContext) -> AsyncIterator[ThreadStreamEvent]:
        page = await self.store.load_thread_items(thread.id, None, 1, "desc", context)
        last = page.data[0] if page.data else None
        text = "Done."
        if isinstance(last, ClientToolCallItem) and last.name == "download_tasks":
            count = (last.output or {}).get("downloaded") if isinstance(last.output, dict) else None
            text = f"Downloaded {count} tasks." if count is not None else "Your tasks were downloaded."
        yield ThreadItemDoneEvent(item=self.assistant_message(thread, context, text))

    def assistant_message(self, thread: ThreadMetadata, context: RequestContext, text: str) -> AssistantMessageItem:
        """A complete assistant message item with a store-assigned id."""
        return AssistantMessageItem(
            id=self.store.generate_item_id("message", thread, context),
            thread_id=thread.id,
            created_at=datetime.now(),  # noqa: DTZ005 — chatkit expects naive local time (DESIGN.md)
            content=[AssistantMessageContent(text=text, annotations=[])],
        )

    # ------------------------------------------------------------------ widget actions
    async def action(
        self,
        thread: ThreadMetadata,
        action: Action[str, Any],
        sender: WidgetItem | None,
        context: RequestContext,
    ) -> AsyncIterator[ThreadStreamEvent]:
        """Handle ``task.complete`` / ``task.reopen`` / ``task.delete`` from a task-list widget:
        call the service, then replace the widget item with its new state (stored by chatkit).
        ``tasks.view`` (the Show/Hide completed toggle) re-renders the list without a model turn."""
        context = dataclasses.replace(context, front="widget", tool=action.type)  # for the audit log
        if action.type == VIEW_ACTION:
            try:
                flt, sort = action_view(action)
            except ValidationError as exc:
                raise CustomStreamError(exc.message, allow_retry=False) from exc
            if sender is not None:
                yield ThreadItemReplacedEvent(item=await self.switched(thread, sender, flt, sort, context))
            return
        if action.type in IMPORT_ACTIONS and self.imports is not None:
            try:
                async for event in self.imports.act(action, sender, context):
                    if isinstance(event, str):
                        yield ThreadItemDoneEvent(item=self.assistant_message(thread, context, event))
                    else:
                        yield event
            except ValidationError as exc:
                raise CustomStreamError(exc.message, allow_retry=False) from exc
            return
        try:
            number = action_number(action)
        except ValidationError as exc:
            raise CustomStreamError(exc.message, allow_retry=False) from exc
        error: str | None = None
        try:
            await self.row_action(action.type, number, context)
        except TaskNotFound:
            error = f"Task {number} no longer exists; nothing changed."
        except TodoError as exc:
            error = exc.message
        if sender is not None:
            yield ThreadItemReplacedEvent(item=await self.refreshed(sender, context))
        if error:
            raise CustomStreamError(error, allow_retry=False)

    async def row_action(self, kind: str, number: int, context: RequestContext) -> None:
        """Apply a task row's button through the service (journalled, undoable): ``task.complete``,
        ``task.reopen``, ``task.delete``, or ``task.undo_delete`` (a deleted row's Undo).

        Raises:
            TodoError: what the service raises (``TaskNotFound``, ``ConfirmationRequired`` for a
                task with subtasks, ``NothingToUndo``); nothing changed.
            ValidationError: another action type (field ``action``).
        """
        if kind == "task.complete":
            await self.service.complete(context, number)
        elif kind == "task.reopen":
            await self.service.reopen(context, number)
        elif kind == "task.delete":
            await self.service.delete(context, number)
        elif kind == UNDO_DELETE_ACTION:
            await self.service.undo_delete(context, number)
        else:
            raise ValidationError(f"Unknown action {kind[:60]!r}.", field="action")

    async def sync_action(
        self,
        thread: ThreadMetadata,
        action: Action[str, Any],
        sender: WidgetItem | None,
        context: RequestContext,
    ) -> SyncCustomActionResponse:
        """``threads.sync_custom_action``: a task widget's button answered with the widget's new
        state and no model turn (chatkit 1.6.2+). A row button (complete, reopen, delete, undo a
        deletion) changes that row's task through the service; ``tasks.view`` switches the list.
        The replaced widget item is stored before it is returned.

        Raises:
            ValidationError: no widget item, an unknown action, a malformed payload, or a task that
                is not a row of the widget (field ``action``/``item_id``); nothing changed.
            TodoError: the service's error (``TaskNotFound`` …); nothing changed.
        """
        context = dataclasses.replace(context, front="widget", tool=action.type)  # for the audit log
        if sender is None:
            raise ValidationError("A widget action names its widget item (item_id).", field="item_id")
        if action.type == VIEW_ACTION:
            flt, sort = action_view(action)
            updated = await self.switched(thread, sender, flt, sort, context)
            await self.store.save_thread(thread, context)
        else:
            number = action_number(action)
            if number not in row_numbers(sender.widget):
                raise ValidationError(f"Task {number} is not a row of that widget.", field="action")
            try:
                await self.row_action(action.type, number, context)
            except TaskNotFound as exc:
                raise TaskNotFound(f"Task {number} no longer exists; nothing changed.", number=number) from exc
            updated = await self.live.refresh(sender, context)
        await self.store.save_item(thread.id, updated, context)
        return SyncCustomActionResponse(updated_item=updated)

    async def refreshed(self, sender: WidgetItem, context: RequestContext) -> WidgetItem:
        """The same task-list widget rebuilt from the tasks' current state (chatkit/live.py:
        deleted rows say so; its "and N more" count and completed-tasks toggle stay)."""
        return await self.live.refresh(sender, context)

    async def switched(
        self, thread: ThreadMetadata, sender: WidgetItem, flt: TaskFilter, sort: str, context: RequestContext
    ) -> WidgetItem:
        """The list widget ``sender`` showing the list ``flt`` in ``sort`` order instead (the
        completed-tasks toggle); the conversation state's ``shown`` becomes its rows, so "the first
        one" counts what the user now sees."""
        tasks = await self.service.list(context, flt, sort=sort)
        heading = list_heading(flt, len(tasks))
        today = context.local_now().date()
        shown = [t.number for t in tasks[:LIST_ROWS_MAX]]
        state = (thread.metadata or {}).get(STATE_KEY) or {}
        thread.metadata = {**(thread.metadata or {}), STATE_KEY: {**state, "shown": shown, "touched": shown}}
        return sender.model_copy(update={
            "widget": task_list_widget(heading, tasks, today, view=(flt, sort)),
            "copy_text": copy_text(heading, tasks, today),
        })

    async def add_feedback(
        self, thread_id: str, item_ids: list[str], feedback: FeedbackKind, context: RequestContext
    ) -> None:
        """Store ``items.feedback`` (positive/negative) for the user's items."""
        await self.store.save_feedback(thread_id, item_ids, feedback, context)  # type: ignore[attr-defined]


def check_action(action: Action[str, Any]) -> None:
    """Refuse a malformed task-widget action before anything streams (the HTTP boundary): a row
    action without a task number, or a list toggle without a valid view.

    Raises:
        ValidationError: an action without a type, or as :func:`action_number` /
            :func:`action_view` (field ``action``).
    """
    check_action_type(action)
    if action.type == VIEW_ACTION:
        action_view(action)
    else:
        action_number(action)


def check_action_type(action: Action[str, Any]) -> None:
    """Refuse an action whose ``type`` is missing: chatkit 1.6.5's ``Action`` then defaults
    ``type`` to its ``TType`` type variable (not a string), which the checks below cannot read.

    Raises:
        ValidationError: ``type`` is not a string (field ``action``).
    """
    if not isinstance(action.type, str):
        raise ValidationError("The action has no type.", field="action")


def action_view(action: Action[str, Any]) -> tuple[TaskFilter, str]:
    """The list a ``tasks.view`` action (the completed-tasks toggle) asks for: its payload
    ``{"filter": {TaskFilter fields}, "sort": "due"}``, checked like a list request (the user is
    never part of it: the list is the requester's).

    Raises:
        ValidationError: no filter, a field TaskFilter refuses, or an unknown sort (field ``action``).
    """
    payload = action.payload if isinstance(action.payload, dict) else {}
    try:
        flt = TaskFilter.model_validate(payload.get("filter"))
    except PydanticValidationError as exc:
        raise ValidationError("The list action has no valid filter.", field="action") from exc
    sort = payload.get("sort")
    if sort not in SORTS:
        raise ValidationError("The list action has no valid sort.", field="action")
    return flt, str(sort)


def action_number(action: Action[str, Any]) -> int:
    """The task number a task-widget action (``task.complete``/``reopen``/``delete``) names in
    its payload ``{"number": N}``; the HTTP boundary checks it before streaming, and
    :meth:`TodoChatKitServer.action` again.

    Raises:
        ValidationError: an unknown action type, or no task number in range (1..2^31-1)
            (field ``action``).
    """
    check_action_type(action)
    if action.type not in ACTION_TYPES:
        raise ValidationError(f"Unknown action {action.type[:60]!r}.", field="action")
    payload = action.payload if isinstance(action.payload, dict) else {}
    number = payload.get("number")
    if not isinstance(number, int) or isinstance(number, bool):
        raise ValidationError("The action has no task number.", field="action")
    return check_number(number, "action")


async def refusal(exc: TodoError) -> AsyncGenerator[bytes, None]:
    """A ChatKit stream of one ``error`` event carrying ``exc.message`` (no retry)."""
    event = ErrorEvent(message=exc.message, allow_retry=False)
    yield b"data: " + event.model_dump_json().encode() + b"\n\n"


async def with_store_ids(
    events: AsyncIterator[ThreadStreamEvent],
    server: ChatKitServer[RequestContext],
    thread: ThreadMetadata,
    context: RequestContext,
) -> AsyncIterator[ThreadStreamEvent]:
    """Give every assistant message the model streams a store-assigned id. Chat Completions
    models give each item the placeholder ``__fake_id__`` (each new item would overwrite the
    last one in the store), and a Responses-compatible server may repeat its ids across turns.
    An item keeps one new id from its ``added`` event (or first update) to its ``done`` event."""
    assigned: dict[str, str] = {}
    async for event in events:
        if isinstance(event, (ThreadItemAddedEvent, ThreadItemDoneEvent)) and isinstance(event.item, AssistantMessageItem):
            original = event.item.id
            new_id = assigned.get(original) or server.store.generate_item_id("message", thread, context)
            if isinstance(event, ThreadItemDoneEvent):
                assigned.pop(original, None)
            else:
                assigned[original] = new_id
            event = event.model_copy(update={"item": event.item.model_copy(update={"id": new_id})})
        elif isinstance(event, ThreadItemUpdatedEvent) and (event.item_id in assigned or event.item_id == FAKE_RESPONSES_ID):
            if event.item_id not in assigned:
                assigned[event.item_id] = server.store.generate_item_id("message", thread, context)
            event = event.model_copy(update={"item_id": assigned[event.item_id]})
        yield event


__all__ = ["NotFoundError", "TodoChatKitServer", "action_number", "action_view", "check_action", "message_text"]

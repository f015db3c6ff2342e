"""Output items and the Responses stream events of one model response (the OpenAI wire shapes)."""

from __future__ import annotations

import json
import re
import time
import uuid
from collections.abc import Iterator
from typing import Any

from openai.types.responses import (
    Response,
    ResponseCompletedEvent,
    ResponseContentPartAddedEvent,
    ResponseContentPartDoneEvent,
    ResponseCreatedEvent,
    ResponseFunctionCallArgumentsDeltaEvent,
    ResponseFunctionCallArgumentsDoneEvent,
    ResponseFunctionToolCall,
    ResponseInProgressEvent,
    ResponseOutputItemAddedEvent,
    ResponseOutputItemDoneEvent,
    ResponseOutputMessage,
    ResponseOutputText,
    ResponseTextDeltaEvent,
    ResponseTextDoneEvent,
    ResponseUsage,
)
from openai.types.responses.response_usage import InputTokensDetails, OutputTokensDetails

MODEL_NAME = "todochat-builtin"
OutputItem = ResponseOutputMessage | ResponseFunctionToolCall


def new_id(prefix: str) -> str:
    """A unique item id such as ``msg_3f2a…`` (never the placeholder ``__fake_id__``)."""
    return f"{prefix}_{uuid.uuid4().hex}"


def message_item(text: str) -> ResponseOutputMessage:
    """A completed assistant message with one ``output_text`` part and a unique id."""
    return ResponseOutputMessage(
        id=new_id("msg"),
        type="message",
        role="assistant",
        status="completed",
        content=[ResponseOutputText(type="output_text", text=text, annotations=[], logprobs=[])],
    )


def function_call_item(name: str, arguments: dict[str, Any]) -> ResponseFunctionToolCall:
    """A function call with unique ``id`` and ``call_id`` and JSON ``arguments``."""
    return ResponseFunctionToolCall(
        id=new_id("fc"),
        call_id=new_id("call"),
        type="function_call",
        name=name,
        arguments=json.dumps(arguments, ensure_ascii=False),
        status="completed",
    )


def response(output: list[OutputItem], *, status: str = "completed") -> Response:
    """A Responses ``Response`` holding ``output`` (usage counted as zero tokens)."""
    return Response(
        id=new_id("resp"),
        created_at=time.time(),
        model=MODEL_NAME,
        object="response",
        output=list(output) if status == "completed" else [],
        tool_choice="auto",
        tools=[],
        top_p=None,
        parallel_tool_calls=False,
        status=status,  # type: ignore[arg-type]
        usage=ResponseUsage(
            input_tokens=0,
            output_tokens=0,
            total_tokens=0,
            input_tokens_details=InputTokensDetails.model_validate({"cached_tokens": 0, "cache_write_tokens": 0}),
            output_tokens_details=OutputTokensDetails(reasoning_tokens=0),
        ),
    )


def chunks(text: str, size: int = 24) -> list[str]:
    """Split ``text`` into a few deltas at word boundaries (about ``size`` characters each)."""
    words = re.findall(r"\S+\s*|\s+", text)
    out: list[str] = []
    current = ""
    for word in words:
        current += word
        if len(current) >= size:
            out.append(current)
            current = ""
    if current or not out:
        out.append(current)
    return out


def stream_events(output: list[OutputItem]) -> Iterator[Any]:
    """The event sequence a Responses stream sends for ``output``: created, in_progress, per item
    output_item.added → (content_part.added, output_text.delta…, output_text.done,
    content_part.done | function_call_arguments.delta/done) → output_item.done, then completed."""
    seq = 0
    final = response(output)
    started = final.model_copy(update={"status": "in_progress", "output": []})

    def nxt() -> int:
        nonlocal seq
        seq += 1
        return seq - 1

    yield ResponseCreatedEvent(type="response.created", response=started, sequence_number=nxt())
    yield ResponseInProgressEvent(type="response.in_progress", response=started, sequence_number=nxt())
    for index, item in enumerate(output):
        if isinstance(item, ResponseOutputMessage):
            empty = item.model_copy(update={"content": [], "status": "in_progress"})
            yield ResponseOutputItemAddedEvent(type="response.output_item.added", item=empty, output_index=index, sequence_number=nxt())
            part = item.content[0]
            assert isinstance(part, ResponseOutputText)
            yield ResponseContentPartAddedEvent(
                type="response.content_part.added", item_id=item.id, output_index=index, content_index=0,
                part=ResponseOutputText(type="output_text", text="", annotations=[], logprobs=[]), sequence_number=nxt(),
            )
            for delta in chunks(part.text):
                yield ResponseTextDeltaEvent(
                    type="response.output_text.delta", item_id=item.id, output_index=index, content_index=0,
                    delta=delta, logprobs=[], sequence_number=nxt(),
                )
            yield ResponseTextDoneEvent(
                type="response.output_text.done", item_id=item.id, output_index=index, content_index=0,
                text=part.text, logprobs=[], sequence_number=nxt(),
            )
            yield ResponseContentPartDoneEvent(
                type="response.content_part.done", item_id=item.id, output_index=index, content_index=0,
                part=part, sequence_number=nxt(),
            )
        else:
            pending = item.model_copy(update={"arguments": "", "status": "in_progress"})
            item_id = item.id or item.call_id
            yield ResponseOutputItemAddedEvent(type="response.output_item.added", item=pending, output_index=index, sequence_number=nxt())
            yield ResponseFunctionCallArgumentsDeltaEvent(
                type="response.function_call_arguments.delta", item_id=item_id, output_index=index,
                delta=item.arguments, sequence_number=nxt(),
            )
            yield ResponseFunctionCallArgumentsDoneEvent(
                type="response.function_call_arguments.done", item_id=item_id, output_index=index,
                arguments=item.arguments, sequence_number=nxt(),
            )
        yield ResponseOutputItemDoneEvent(type="response.output_item.done", item=item, output_index=index, sequence_number=nxt())
    yield ResponseCompletedEvent(type="response.completed", response=final, sequence_number=nxt())

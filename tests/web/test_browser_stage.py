"""The page in Chromium against the stage server (tests/web/stage.py): streaming as it arrives,
model failures and connection drops with retry, the ``download_tasks`` client tool."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect
from tests.web.helpers import open_page, send
from tests.web.stage import RECOVERED, SLOW_REPLY, StageServer

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def watch_assistant_text(page: Page) -> None:
    """Record every text the assistant bubbles show, in order, into ``window.seen``."""
    page.evaluate(
        """() => {
        window.seen = [];
        new MutationObserver(() => {
          for (const b of document.querySelectorAll('.msg-assistant .bubble')) {
            if (window.seen.at(-1) !== b.textContent) window.seen.push(b.textContent);
          }
        }).observe(document.getElementById('messages'), { childList: true, subtree: true, characterData: true });
    }"""
    )


def test_reply_text_appears_while_it_streams(page: Page, stage_server: StageServer, user: str) -> None:
    open_page(page, stage_server, user)
    watch_assistant_text(page)
    page.get_by_label("Message", exact=True).fill("slowly please")
    page.get_by_label("Message", exact=True).press("Enter")
    bubble = page.locator(".msg-assistant .bubble")
    expect(bubble).to_have_text("todochat: " + SLOW_REPLY)
    expect(bubble).to_have_class("bubble")  # no longer marked as streaming
    expect(page.get_by_role("button", name="Send message")).to_be_enabled()
    seen = [text.removeprefix("todochat: ") for text in page.evaluate("() => window.seen")]
    assert seen[-1] == SLOW_REPLY
    partial = [text for text in seen if text and text != SLOW_REPLY]
    assert len(partial) >= 2, seen  # the text grew piece by piece before the end arrived
    assert all(SLOW_REPLY.startswith(text) for text in partial)


def test_a_model_failure_shows_an_error_and_retry_answers(page: Page, stage_server: StageServer, user: str) -> None:
    open_page(page, stage_server, user)
    send(page, "flaky question")
    banner = page.locator("#error-banner")
    expect(banner).to_contain_text("The assistant could not answer right now")
    expect(page.locator(".msg-user .bubble")).to_have_text("You: flaky question")  # the message stayed
    page.get_by_role("button", name="Retry").click()
    expect(page.locator(".msg-assistant .bubble")).to_have_text("todochat: " + RECOVERED)
    expect(banner).to_be_hidden()
    expect(page.locator("#messages[aria-busy]")).to_have_count(0)
    page.reload()  # retried once: one question, one answer in the stored thread
    expect(page.locator(".msg-user")).to_have_count(1)
    expect(page.locator(".msg-assistant .bubble")).to_have_text("todochat: " + RECOVERED)


def test_a_connection_drop_mid_stream_offers_retry(page: Page, stage_server: StageServer, user: str) -> None:
    open_page(page, stage_server, user)
    # The network fails under the page: the 4th read of a response body rejects, as a dropped
    # connection makes it do.
    page.evaluate(
        """() => {
        const read = ReadableStreamDefaultReader.prototype.read;
        let reads = 0;
        ReadableStreamDefaultReader.prototype.read = async function () {
          const result = await read.call(this);
          if (++reads === 4) throw new TypeError('network error');
          return result;
        };
    }"""
    )
    page.get_by_label("Message", exact=True).fill("slowly now")
    page.get_by_label("Message", exact=True).press("Enter")
    expect(page.locator("#error-banner")).to_contain_text("The connection dropped before the answer was complete.")
    expect(page.locator(".msg-user .bubble")).to_have_text("You: slowly now")
    page.get_by_role("button", name="Retry").click()
    expect(page.locator(".msg-assistant .bubble")).to_have_text("todochat: " + SLOW_REPLY)
    expect(page.locator("#error-banner")).to_be_hidden()
    expect(page.locator("#messages[aria-busy]")).to_have_count(0)  # the turn is complete (and stored)
    page.reload()
    expect(page.locator(".msg-user")).to_have_count(1)
    expect(page.locator(".msg-assistant .bubble")).to_have_text("todochat: " + SLOW_REPLY)


def _download(page: Page, text: str) -> tuple[str, str]:
    with page.expect_download() as info:
        page.get_by_label("Message", exact=True).fill(text)
        page.get_by_label("Message", exact=True).press("Enter")
    download = info.value
    return download.suggested_filename, Path(download.path()).read_bytes().decode("utf-8")


def test_export_downloads_a_csv_of_the_tasks_and_reports_back(page: Page, stage_server: StageServer, user: str) -> None:
    open_page(page, stage_server, user)
    send(page, "add pay rent on friday high priority #home")
    send(page, "add call mom")
    name, body = _download(page, "export csv")
    assert name.startswith("todochat-tasks-") and name.endswith(".csv")
    rows = list(csv.DictReader(io.StringIO(body)))
    assert [(r["number"], r["title"], r["priority"], r["tags"], r["completed"]) for r in rows] == [
        ("1", "Pay rent", "high", "home", "false"),
        ("2", "Call mom", "none", "", "false"),
    ]
    assert list(rows[0]) == ["number", "title", "description", "completed", "priority", "tags", "due", "due_all_day", "recurrence", "list", "parent"]
    assert rows[0]["due"] == "2026-11-27"  # Friday after Monday NOW; the server's exporter wrote it
    expect(page.locator(".msg-note").last).to_have_text("Downloaded 2 tasks as CSV.")
    expect(page.locator(".msg-assistant .bubble").last).to_contain_text("Downloaded 2 tasks.")  # the server got {"downloaded": 2}
    page.reload()
    expect(page.locator(".msg-note").last).to_have_text("Downloaded 2 tasks as CSV.")


def test_export_ics_is_a_calendar_of_todos(page: Page, stage_server: StageServer, user: str) -> None:
    open_page(page, stage_server, user)
    send(page, "add dentist appointment tomorrow at 9am")
    name, body = _download(page, "export ics")
    assert name.endswith(".ics")
    lines = body.split("\r\n")
    assert lines[0] == "BEGIN:VCALENDAR" and lines[-2] == "END:VCALENDAR" and lines[-1] == ""
    assert "BEGIN:VTODO" in lines and "STATUS:NEEDS-ACTION" in lines
    assert "SUMMARY:Dentist appointment" in lines
    assert "DUE:20261124T090000Z" in lines  # tomorrow (NOW is Monday 23 Nov) at 09:00 in the page's UTC
    assert all(len(line.encode()) <= 75 for line in lines)


def test_widget_renderer_covers_every_component_and_falls_back(page: Page, stage_server: StageServer, user: str) -> None:
    open_page(page, stage_server, user)
    result: dict[str, Any] = page.evaluate(
        """async () => {
        const { renderWidget } = await import('/static/widgets.js');
        const actions = [];
        const widget = { type: 'Card', size: 'md', status: { text: 'Status <i>x</i>', icon: 'calendar' }, children: [
          { type: 'Title', value: '<h1>Title</h1>' }, { type: 'Caption', value: 'Caption', color: 'danger' },
          { type: 'Markdown', value: '**md** <script>alert(1)</script>' }, { type: 'Divider' },
          { type: 'Row', gap: 2, children: [ { type: 'Badge', label: 'high', color: 'danger' }, { type: 'Spacer' },
            { type: 'Icon', name: 'check' }, { type: 'Checkbox', name: 'done', label: 'Done', defaultChecked: true,
              onChangeAction: { type: 'task.reopen', payload: { number: 9 } } } ] },
          { type: 'Box', direction: 'row', padding: { x: 2 }, background: { light: '#fff', dark: '#000' },
            children: [ { type: 'Col', children: [ { type: 'Text', value: 'in a col', lineThrough: true } ] } ] },
          { type: 'ListView', limit: 1, children: [
            { type: 'ListViewItem', children: [ { type: 'Text', value: 'row one' },
              { type: 'Button', label: 'Done', onClickAction: { type: 'task.complete', payload: { number: 1 } } },
              { type: 'Button', iconStart: 'lucide:trash-2', onClickAction: { type: 'task.delete', payload: { number: 1 } } } ] },
            { type: 'ListViewItem', children: [ { type: 'Text', value: 'row two' } ] } ] },
          { type: 'FancyChart3000', title: 'Unknown thing', children: [ { type: 'Text', value: 'inner words' } ] },
          { type: 'Text', value: 'evil colour', color: 'red; background: url(https://evil.example/x)' },
        ] };
        const node = renderWidget(widget, { onAction: async (a) => { actions.push(a); } });
        document.body.append(node);
        for (const b of node.querySelectorAll('button[data-action]')) b.click();
        node.querySelector('input[type=checkbox]').click();
        node.querySelector('.ck-more').click();
        await new Promise((r) => setTimeout(r, 0));
        const evil = [...node.querySelectorAll('.ck-text')].find((n) => n.textContent === 'evil colour');
        return {
          text: node.innerText,
          tags: [...new Set([...node.querySelectorAll('*')].map((n) => n.tagName.toLowerCase()))].sort(),
          actions,
          iconLabel: node.querySelector('.ck-icon-button').getAttribute('aria-label'),
          fallback: node.querySelector('.ck-fallback').textContent,
          rowsVisible: [...node.querySelectorAll('.ck-list-row')].filter((r) => !r.hidden).length,
          evilStyle: evil.getAttribute('style'),
        };
    }"""
    )
    for shown in ("Status <i>x</i>", "<h1>Title</h1>", "**md** <script>alert(1)</script>", "high", "in a col", "row one", "row two"):
        assert shown in result["text"]
    assert not {"h1", "i", "script"} & set(result["tags"])
    assert {"section", "hr", "svg", "ul", "li", "button", "input", "p"} <= set(result["tags"])
    assert [a["type"] for a in result["actions"]] == ["task.complete", "task.delete", "task.reopen"]
    assert result["actions"][0]["payload"] == {"number": 1}
    assert result["iconLabel"] == "Delete task 1"
    assert "FancyChart3000" in result["fallback"] and "Unknown thing" in result["fallback"] and "inner words" in result["fallback"]
    assert result["rowsVisible"] == 2  # "Show 1 more" revealed the second row
    assert result["evilStyle"] is None  # an unknown colour is dropped, not passed to CSS

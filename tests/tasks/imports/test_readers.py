"""The import readers (tasks/imports/) on small realistic files of each format: what each task
becomes, what is left out with a warning, and bad files refused naming their line or record."""

from __future__ import annotations

from pathlib import Path

import pytest

from todochat.errors import ImportFileError, ValidationError
from todochat.tasks import imports
from todochat.tasks.imports import recur

FIXTURES = Path(__file__).parent / "fixtures"


def read(name: str, fmt: str | None = None) -> imports.ParsedFile:
    return imports.read((FIXTURES / name).read_bytes(), fmt, name=name)


def rows(parsed: imports.ParsedFile) -> list[tuple[object, ...]]:
    return [
        (d.place, d.title, d.completed, d.priority, d.tags, d.due, d.recurrence, d.list_name, d.parent)
        for d in parsed.drafts
    ]


def test_todoist_csv() -> None:
    parsed = read("todoist.csv")
    assert parsed.format == "todoist"
    assert rows(parsed) == [
        ("line 3", "Plan the trip", False, "high", ["travel"], "2026-12-10", None, None, None),
        ("line 4", "Book flights", False, "medium", [], "2026-12-05T18:30", None, None, "line 3"),
        ("line 6", "Book hotel", False, "none", ["travel", "booking"], None, None, None, "line 3"),
        ("line 9", "Water the plants", False, "low", [], None, "FREQ=WEEKLY;BYDAY=MO", "Home", None),
        ("line 10", "Clean the gutters", False, "none", [], None, None, "Home", None),
    ]
    assert parsed.drafts[1].description == "Window seat please"  # the note row under it
    assert parsed.drafts[0].description == "Summer holiday"
    assert parsed.warnings == ["Line 10: DATE 'next spring' was not understood; the task is imported without a due date."]


def test_todotxt() -> None:
    parsed = read("todo.txt")
    assert parsed.format == "todotxt"
    assert rows(parsed) == [
        ("line 1", "Call mom about Christmas", False, "high", ["phone"], "2026-12-10", None, "Family", None),
        ("line 2", "Pay the electricity bill", True, "none", ["bills"], None, None, "Home", None),
        ("line 3", "Water the plants", False, "low", [], "2026-12-07", "FREQ=WEEKLY", "Home", None),
        ("line 4", "Read https://example.org/article", False, "none", [], None, None, None, None),
        ("line 6", "Buy stamps", False, "none", [], None, None, "Errands", "3"),
    ]
    assert parsed.drafts[1].completed_at is not None and parsed.drafts[1].completed_at.date().isoformat() == "2026-11-25"


def test_icalendar_vtodo() -> None:
    parsed = read("tasks.ics")
    assert parsed.format == "ics"
    assert rows(parsed) == [
        ("record 1", "Prepare the quarterly report", False, "high", ["report", "q4"], "2026-12-15", None, "Work", None),
        ("record 2", "Collect the numbers", True, "medium", [], "2026-12-10T17:00:00+01:00", None, "Work", "parent-1@example.org"),
        ("record 3", "Team sync notes", False, "low", [], "2026-12-07T09:00:00+00:00", "FREQ=WEEKLY;BYDAY=MO", "Work", None),
    ]
    assert parsed.drafts[0].description == "Numbers from finance, then the slides."
    assert parsed.warnings == ["Record 4: a cancelled to-do ('Old idea') was left out."]


def test_taskwarrior_json() -> None:
    parsed = read("taskwarrior.json")
    assert parsed.format == "taskwarrior"
    assert rows(parsed) == [
        ("record 1", "Renew passport", False, "high", ["papers", "travel"], "2026-12-09T23:00:00+00:00", None, "Admin", None),
        ("record 2", "File taxes", True, "none", [], None, None, "Admin", None),
        ("record 3", "Take out the bins", False, "none", [], "2026-12-07T18:00:00+00:00", "FREQ=WEEKLY", None, None),
    ]
    assert parsed.drafts[0].description == "Photos first"
    assert parsed.warnings == [
        "1 deleted task was left out.",
        "1 instance of repeating tasks left out (the repeating task is imported).",
    ]


def test_our_csv() -> None:
    parsed = read("ours.csv")
    assert parsed.format == "csv"
    assert rows(parsed) == [
        ("line 2", "Pay rent", False, "high", ["home"], "2026-12-01", "FREQ=MONTHLY;BYMONTHDAY=1", "Home", None),
        ("line 3", "Plan the trip", False, "medium", ["travel", "summer"], "2026-12-10T18:30", None, "Travel", None),
        ("line 5", "Book flights", True, "none", [], None, None, "Travel", "2"),
        ("line 6", "=1+1 is two", False, "low", ["maths"], None, None, None, None),  # our exporter's ' removed
    ]
    assert parsed.drafts[1].description == "Flights, hotel\nand the car"


@pytest.mark.parametrize(
    ("data", "fmt", "line", "words"),
    [
        (b'title\n"=HYPERLINK(""http://x.example"",""hi"")"\n', "csv", 2, "spreadsheet formula"),
        (b"title,description\nok,fine\nrent,\"@SUM(A1:A2)\"\n", "csv", 3, "column description"),
        (b"title\n-2+3+cmd|' /C calc'!A0\n", "csv", 2, "spreadsheet formula"),
        (b"TYPE,CONTENT\ntask,ok\ntask,=1+2\n", "todoist", 3, "spreadsheet formula"),
        (b"title,completed\nBuy milk,maybe\n", "csv", 2, "completed 'maybe'"),
        (b"title,due\nBuy milk,next week\n", "csv", 2, "due 'next week'"),
        (b"title\n\"unclosed\n", "csv", None, "malformed"),
        (b"TYPE,CONTENT,PRIORITY\ntask,a,7\n", "todoist", 2, "PRIORITY '7'"),
        (b"TYPE,CONTENT,INDENT\ntask,a,1\ntask,b,3\n", "todoist", 3, "INDENT 3"),
        (b"TYPE,CONTENT\nproject,a\n", "todoist", 2, "TYPE 'project'"),
        (b"Buy milk\nCall mom due:2026-02-30\n", "todotxt", 2, "not a real day"),
        (b"Buy milk\n+Home @phone\n", "todotxt", 2, "no title"),
        (b'[{"description": "a"},\n {"description": 3}]', "taskwarrior", 2, "Record 2"),
        (b'[{"description": "a"},\n {"description": "b",}]', "taskwarrior", 2, "malformed"),
        (b'[{"description": "a", "due": "tomorrow"}]', "taskwarrior", 1, "due 'tomorrow'"),
        (b"BEGIN:VCALENDAR\nVERSION:2.0\nBEGIN:VEVENT\nUID:1\nSUMMARY:x\nEND:VEVENT\nEND:VCALENDAR\n", "ics", None, "no to-dos"),
        (b"not a calendar at all", "ics", None, "not iCalendar"),
        (b"number,title\n", "csv", None, "no tasks"),
        (b"name,when\nx,y\n", "csv", 1, "no 'title' column"),
    ],
)
def test_bad_files_are_refused_naming_the_line(data: bytes, fmt: str, line: int | None, words: str) -> None:
    with pytest.raises(ImportFileError) as caught:
        imports.read(data, fmt)
    assert words in caught.value.message
    if line is not None:
        assert caught.value.line == line
        assert f"ine {line}" in caught.value.message or f"ecord {line}" in caught.value.message


def test_binary_and_non_utf8_and_too_large_files() -> None:
    xlsx = b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00" + bytes(range(256))
    with pytest.raises(ImportFileError, match="binary file") as caught:
        imports.read(xlsx, None, name="tasks.csv")
    assert caught.value.status == 422
    with pytest.raises(ImportFileError, match=r"not UTF-8 text \(byte 10, line 2\)"):
        imports.read("title\nCaf\u00e9\n".encode("latin-1"), "csv")
    big = b"title\n" + b"x" * (50 * 1024 * 1024)
    with pytest.raises(ImportFileError, match="at most 5,242,880 bytes") as caught:
        imports.read(big, "csv", name="big.csv")
    assert caught.value.status == 413 and caught.value.code == "payload_too_large"
    with pytest.raises(ImportFileError, match="empty"):
        imports.read(b"  \n", None)


def test_unknown_format_is_named() -> None:
    with pytest.raises(ValidationError, match="Unknown import format 'xlsx'") as caught:
        imports.read(b"title\nx\n", "xlsx")
    assert caught.value.field == "format"


@pytest.mark.parametrize(
    ("name", "data", "fmt"),
    [
        ("a.csv", b"TYPE,CONTENT\ntask,x\n", "todoist"),
        ("a.csv", b"\xef\xbb\xbfnumber,title\n1,x\n", "csv"),
        ("a.txt", b"(A) x +Home\n", "todotxt"),
        ("a.ics", b"BEGIN:VCALENDAR\n", "ics"),
        ("a.json", b'[{"description": "x"}]', "taskwarrior"),
        ("tasks", b'{"description": "x"}\n', "taskwarrior"),
    ],
)
def test_detect(name: str, data: bytes, fmt: str) -> None:
    assert imports.detect(imports.decode(data), name) == fmt


def test_detect_refuses_an_unknown_csv_header() -> None:
    with pytest.raises(ImportFileError, match="neither todochat's"):
        imports.detect("a,b\n1,2\n", "x.csv")


@pytest.mark.parametrize(
    ("phrase", "rule"),
    [
        ("every day", "FREQ=DAILY"),
        ("every 3 weeks", "FREQ=WEEKLY;INTERVAL=3"),
        ("every other month", "FREQ=MONTHLY;INTERVAL=2"),
        ("every weekday", "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR"),
        ("Every Mon, Fri", "FREQ=WEEKLY;BYDAY=MO,FR"),
        ("every other tuesday", "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU"),
        ("every! 2 days", "FREQ=DAILY;INTERVAL=2"),
        ("daily", "FREQ=DAILY"),
        ("every full moon", None),
        ("tomorrow", None),
    ],
)
def test_todoist_repeat_phrases(phrase: str, rule: str | None) -> None:
    assert recur.from_every(phrase) == rule


@pytest.mark.parametrize(
    ("amount", "rule"),
    [("1w", "FREQ=WEEKLY"), ("+2d", "FREQ=DAILY;INTERVAL=2"), ("3months", "FREQ=MONTHLY;INTERVAL=3"),
     ("weekly", "FREQ=WEEKLY"), ("quarterly", "FREQ=MONTHLY;INTERVAL=3"), ("weekdays", "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR"),
     ("0d", None), ("2x", None)],
)
def test_repeat_amounts(amount: str, rule: str | None) -> None:
    assert recur.from_amount(amount) == rule

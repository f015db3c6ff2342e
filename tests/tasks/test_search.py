"""The search rule (tasks/search.py) on its own and through TaskService on SQLite and PostgreSQL:
whole words, stems, title + description + tags, every word required, and paging that stays exact."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.tasks.search_cases import CASES, TASKS
from tests.tasks.test_service_rules import ctx

from todochat.errors import ValidationError
from todochat.tasks import matching, search
from todochat.tasks.schemas import TaskCreate, TaskFilter

SUFFIXES = (  # the suffixes Porter2 rewrites or removes
    "s", "es", "ies", "ied", "ed", "edly", "ing", "ingly", "eed", "eedly", "ational", "tional", "enci",
    "anci", "abli", "entli", "izer", "ization", "ation", "ator", "alism", "aliti", "alli", "fulness",
    "ousli", "ousness", "iveness", "iviti", "biliti", "bli", "ogi", "fulli", "lessli", "li", "alize",
    "icate", "iciti", "ical", "ful", "ness", "ative", "al", "ance", "ence", "er", "ic", "able", "ible",
    "ant", "ement", "ment", "ent", "ism", "ate", "iti", "ous", "ive", "ize", "ion", "e", "l", "ly", "y",
    "sses", "ss", "us", "ying", "ier", "iest"
)


def test_terms_drop_filler_words_and_stem() -> None:
    assert search.terms("the Groceries for the PARTY") == ["groceri", "parti"]
    assert search.terms("grocery groceries") == ["groceri"]
    assert search.terms("  ") == [] and search.terms(None) == [] and search.terms("% _ #") == []
    assert search.tokens("off_peak #home-office mom’s") == [
        "off",
        "peak",
        "home",
        "office",
        "mom's",
    ]


def test_whole_words_not_substrings() -> None:
    assert search.matches(search.terms("groceries"), "Buy grocery", None, [])
    assert search.matches(search.terms("groceries"), "Pick up milk", "", ["groceries"])
    assert not search.matches(search.terms("car"), "Birthday card", None, [])
    assert not search.matches(search.terms("car milk"), "Wash the car", None, [])  # every word


@settings(max_examples=3000, deadline=None)
@given(
    root=st.text(alphabet="abcdefghijklmnoprstuvwyz", min_size=1, max_size=8),
    tails=st.lists(st.sampled_from(SUFFIXES), max_size=3),
)
def test_sql_prefix_is_in_every_word_of_the_stem(root: str, tails: list[str]) -> None:
    """The SQL prefilter never drops a task the exact rule would keep."""
    word = root + "".join(tails)
    assert search.prefix(search.stem(word)) in word


@pytest.mark.parametrize(
    "word", ["skies", "dying", "lying", "news", "idly", "sensibility", "groceries", "café"]
)
def test_sql_prefix_for_irregular_words(word: str) -> None:
    assert search.prefix(search.stem(word)) in word


def test_reference_matching_shares_the_stems() -> None:
    found = matching.match("the groceries", [type("T", (), {"title": "Buy grocery"})()])
    assert found.full and len(found.best) == 1


async def test_search_cases_through_the_service(service) -> None:
    c = ctx()
    for task in TASKS:
        await service.add(c, TaskCreate(**task))
    await service.add(ctx("bob"), TaskCreate(title="Bob's grocery"))  # another user's: never found
    for query, numbers in CASES:
        found = [t.number for t in await service.list(c, TaskFilter(query=query))]
        assert found == numbers, query
        # one task per page: the pages together are exactly the result, in order
        pages = [
            t.number
            for i in range(len(numbers) + 1)
            for t in await service.list(c, TaskFilter(query=query), limit=1, offset=i)
        ]
        assert pages == numbers, query
        by_title = await service.list(c, TaskFilter(query=query), sort="due", limit=2, offset=1)
        assert [t.number for t in by_title] == numbers[1:3], query


async def test_search_combines_with_other_filters_and_refuses_a_query_without_words(
    service,
) -> None:
    c = ctx()
    for task in TASKS:
        await service.add(c, TaskCreate(**task))
    await service.complete(c, 1)
    assert [
        t.number for t in await service.list(c, TaskFilter(query="groceries", status="pending"))
    ] == [2, 8]
    assert [
        t.number for t in await service.list(c, TaskFilter(query="groceries", tag="groceries"))
    ] == [2]
    assert [t.number for t in await service.list(c, TaskFilter(query=""))] == list(
        range(1, 9)
    )  # blank: not given
    with pytest.raises(ValidationError) as err:
        await service.list(c, TaskFilter(query="the %"))
    assert err.value.field == "query"


def test_the_stemmer_is_the_c_build_and_stems_as_snowballs_own_english() -> None:
    """snowballstemmer hands out PyStemmer's C stemmer when it is installed (a dependency: ~2 µs a
    word instead of ~40; title matching stems every distinct title word); its stems are Snowball's
    English stems, as the pure-Python one gives them."""
    from snowballstemmer.english_stemmer import EnglishStemmer

    pure = EnglishStemmer()
    assert type(search._STEMMER).__module__ == "Stemmer"
    for word in ["groceries", "grocery", "buying", "cards", "skies", "dying", "generously", "relational", "mom's", "café"]:
        assert search.stem(word) == pure.stemWord(word), word

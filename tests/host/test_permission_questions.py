"""Pending permission questions: every controller may answer, the first answer wins."""

from __future__ import annotations

import threading

import pytest

from conch.agents.events import STANDARD_OPTIONS, Decision, PermissionRequest, ToolCall
from conch.host.permission_questions import (
    AlreadyAnswered,
    PermissionQuestions,
    UnknownOption,
    UnknownQuestion,
)

REQUEST = PermissionRequest(ToolCall("t1", "Edit notes.txt", "edit"), STANDARD_OPTIONS)


def test_the_first_answer_settles_the_question_and_a_late_one_is_told_who_answered() -> None:
    questions = PermissionQuestions()
    question, answer = questions.ask("p1", REQUEST)
    assert questions.pending() == [question]
    assert questions.answer(question.id, "reject_once", "phone") == Decision(
        "reject_once", "reject_once", "phone"
    )
    assert answer.result(timeout=1) == Decision("reject_once", "reject_once", "phone")
    with pytest.raises(AlreadyAnswered, match="by phone: reject_once") as late:
        questions.answer(question.id, "allow_once", "laptop")
    assert late.value.decision.by == "phone"
    assert questions.pending() == []


def test_of_answers_racing_from_many_threads_exactly_one_wins() -> None:
    questions = PermissionQuestions()
    question, answer = questions.ask("p1", REQUEST)
    won: list[str] = []
    refused: list[str] = []
    start = threading.Barrier(8)

    def answer_as(name: str) -> None:
        start.wait()
        try:
            questions.answer(question.id, "allow_once", name)
            won.append(name)
        except AlreadyAnswered as error:
            refused.append(error.decision.by)

    threads = [threading.Thread(target=answer_as, args=(f"c{i}",)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(won) == 1 and refused == [won[0]] * 7
    assert answer.result(timeout=1).by == won[0]


def test_a_question_whose_turn_ended_is_answered_cancelled_and_says_so_to_a_late_answer() -> None:
    questions = PermissionQuestions()
    question, answer = questions.ask("p1", REQUEST)
    other, _ = questions.ask("p2", REQUEST)
    questions.cancel("p1")
    assert answer.result(timeout=1) == Decision(None)
    assert questions.pending() == [other]
    with pytest.raises(AlreadyAnswered, match="nobody \\(the turn ended first\\)"):
        questions.answer(question.id, "allow_once", "laptop")


def test_unknown_questions_and_options_are_refused_and_leave_the_question_open() -> None:
    questions = PermissionQuestions()
    question, answer = questions.ask("p1", REQUEST)
    with pytest.raises(UnknownQuestion):
        questions.answer("q-none", "allow_once", "laptop")
    with pytest.raises(UnknownOption, match="allow_once, allow_always, reject_once"):
        questions.answer(question.id, "maybe", "laptop")
    assert not answer.done() and questions.pending() == [question]


def test_each_ask_and_answer_is_told_to_the_listener() -> None:
    told: list[int] = []
    questions = PermissionQuestions(lambda: told.append(len(questions.pending())))
    question, _ = questions.ask("p1", REQUEST)
    questions.answer(question.id, "allow_once", "laptop")
    assert told == [1, 0]

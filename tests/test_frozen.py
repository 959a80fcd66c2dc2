"""The fast ``__init__`` of the frozen record classes (transforms/frozen.py)."""

from __future__ import annotations

import dataclasses
import pickle

import pytest

from transforms.frozen import fast_init
from transforms.records import EntityMention, Participant
from transforms.temporal import DateExpression


@fast_init
@dataclasses.dataclass(frozen=True, slots=True)
class _Point:
    x: int
    y: int = 7


def test_same_instances_as_the_generated_init():
    p = Participant("Marco Rubio", "person", "USA", "foreign_minister", "Rubio", True)
    assert p.actor_id == "Marco Rubio" and p.is_kb_linked is True
    assert p == Participant(
        actor_id="Marco Rubio",
        actor_kind="person",
        country_iso3="USA",
        role="foreign_minister",
        mention_text="Rubio",
        is_kb_linked=True,
    )
    assert pickle.loads(pickle.dumps(p)) == p
    assert dataclasses.replace(p, role=None).role is None
    e = DateExpression(3, 9, "Montag", "weekday")
    assert (e._op, e._args) == ("none", ())  # the defaults
    assert _Point(1) == _Point(x=1, y=7)


def test_still_frozen():
    m = EntityMention("d", 0, 5, "Rubio", "PERSON", "Marco Rubio", "person", "USA", None, True)
    with pytest.raises(dataclasses.FrozenInstanceError):
        m.role = "x"  # type: ignore[misc]
    assert hash(m) == hash(dataclasses.replace(m))


def test_missing_and_unknown_arguments_fail_as_before():
    with pytest.raises(TypeError):
        _Point()  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        _Point(1, z=2)  # type: ignore[call-arg]


def test_refuses_what_it_does_not_support():
    @dataclasses.dataclass(frozen=True)
    class NoSlots:
        x: int

    @dataclasses.dataclass(frozen=True, slots=True)
    class Factory:
        x: list = dataclasses.field(default_factory=list)

    for cls in (NoSlots, Factory):
        with pytest.raises(TypeError):
            fast_init(cls)

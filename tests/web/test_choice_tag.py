"""Templates compare a record's state with its model's choices by name (`is_choice`), never with a literal."""

import re
from pathlib import Path

import pytest
from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.template import Context, Template

from coproduce.budgets.models import Spend
from coproduce.plans.models import Appointment, Goal, Step
from coproduce.referrals.models import Referral
from coproduce.web.templatetags.choices import choices_of, is_choice

TEMPLATE_ROOTS = [Path(app.path) / "templates" for app in apps.get_app_configs() if app.name.startswith("coproduce")]
USE = re.compile(r"""\|is_choice:["']([^"']*)["']""")
LITERAL_COMPARISON = re.compile(
    # A compared passage's "agree" or "differ" is worked out by the coding selectors, not a model's field.
    r"""(?<!passage)\.(state|status|participant_answer|proposed_by|answer_changed_from|purpose|contact_by|made_by|reader)"""
    r"""\s*(==|!=)\s*["']"""
)


def templates() -> list[Path]:
    return sorted(path for root in TEMPLATE_ROOTS if root.is_dir() for path in root.rglob("*.html"))


def render(source: str, **context: object) -> str:
    return Template("{% load choices %}" + source).render(Context(context))


@pytest.mark.parametrize(
    ("record", "argument", "expected"),
    [
        (Step(state=Step.State.OFFERED), "state.OFFERED", True),
        (Step(state=Step.State.AGREED), "state.OFFERED", False),
        (Step(proposed_by=Step.ProposedBy.PARTICIPANT), "proposed_by.PARTICIPANT", True),
        (Goal(status=Goal.Status.SET_ASIDE), "status.SET_ASIDE", True),
        (Goal(status=Goal.Status.OPEN), "status.SET_ASIDE", False),
        (Appointment(status=Appointment.Status.REARRANGE_ASKED), "status.REARRANGE_ASKED", True),
        (Spend(participant_answer=Spend.Answer.NO), "participant_answer.NO", True),
        (Spend(participant_answer=Spend.Answer.NO), "participant_answer.YES", False),
        (Referral(state=Referral.State.DID_NOT_START), "state.DID_NOT_START", True),
        (Referral(kind=Referral.Kind.SIGNPOSTING), "kind.REFERRAL", False),
    ],
)
def test_a_record_is_in_the_named_choice_or_not(record: object, argument: str, expected: bool) -> None:
    assert is_choice(record, argument) is expected  # type: ignore[arg-type]
    assert render('{% if record|is_choice:"' + argument + '" %}yes{% else %}no{% endif %}', record=record) == (
        "yes" if expected else "no"
    )


def test_the_choices_are_the_class_the_field_was_given() -> None:
    assert choices_of(Step, "state") is Step.State
    assert choices_of(Step, "answer_changed_from") is Step.State
    assert choices_of(Referral, "kind") is Referral.Kind


def test_a_choice_the_model_does_not_have_raises_instead_of_being_false() -> None:
    with pytest.raises(ValueError, match=r"Step\.state has no choice named 'OFERED'; it has OFFERED, "):
        is_choice(Step(state=Step.State.OFFERED), "state.OFERED")
    with pytest.raises(ValueError, match="has no choice named 'offered'"):
        render('{% if step|is_choice:"state.offered" %}yes{% endif %}', step=Step())


def test_a_field_the_model_does_not_have_or_without_choices_raises() -> None:
    with pytest.raises(FieldDoesNotExist):
        is_choice(Step(), "stat.OFFERED")
    with pytest.raises(ValueError, match=r"Step\.description has no choices"):
        is_choice(Step(), "description.OFFERED")


def test_only_a_record_can_be_asked() -> None:
    with pytest.raises(TypeError, match="needs a model instance, not str"):
        is_choice("offered", "state.OFFERED")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="not NoneType"):
        is_choice(None, "state.OFFERED")  # type: ignore[arg-type]


def test_every_use_in_a_template_names_a_choice_some_model_has() -> None:
    """Checked without rendering: `{% if %}` turns an error inside `or`, `and` or `not` into False."""
    known = {
        f"{field.name}.{name}"
        for model in apps.get_models()
        if model.__module__.startswith("coproduce.")
        for field in model._meta.get_fields()
        if getattr(field, "choices", None) and field.concrete
        for name in _names(model, field.name)
    }
    uses = {(path.name, argument) for path in templates() for argument in USE.findall(path.read_text())}

    assert len(uses) > 50
    assert [use for use in sorted(uses) if use[1] not in known] == []


def test_no_template_compares_a_state_with_a_literal() -> None:
    compared = [path.name for path in templates() if LITERAL_COMPARISON.search(path.read_text())]

    assert compared == []


def _names(model: type, field_name: str) -> list[str]:
    try:
        return list(choices_of(model, field_name).names)  # type: ignore[arg-type]
    except ValueError:  # choices built by hand (a subset of another class's), which no template names
        return []

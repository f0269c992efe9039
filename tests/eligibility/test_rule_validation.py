"""Malformed rules are refused: by the validator, by model clean(), and in the admin."""

import json

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from policies.eligibility.models import EligibilityRule
from policies.eligibility.schema import validate_benefit, validate_conditions
from tests.policies.helpers import admin_post_data

from .conftest import measure
from .fixturedata import SOURCES

GOOD_CONDITIONS = {"all": [{"is_true": "night_street"}, {"ge": ["street_expense", 100]}]}
GOOD_BENEFIT = {"kind": "percent_of", "of": "street_expense", "percent": 50, "cap": 300000}


@pytest.mark.parametrize(
    "conditions, fragment",
    [
        ({"and": []}, "未知的运算符“and”"),
        ({"ge": ["street_expense"]}, "应为 [问题键, 值]"),
        ({"ge": ["street_expense", [1]]}, "应为 [问题键, 值]"),
        ({"between": ["street_expense", 10, 1]}, "下限 10 大于上限 1"),
        ({"in": ["industry", []]}, "[问题键, [取值1, 取值2, …]]"),
        ({"is_true": "no such key"}, "不是有效的标识"),
        ({"all": {"is_true": "x"}}, "应为条件列表"),
        ({"is_true": "x", "ge": ["y", 1]}, "只含一个运算符"),
        ("__import__('os').system('true')", "只含一个运算符"),
    ],
)
def test_it_rejects_malformed_conditions(conditions, fragment):
    errors = validate_conditions(conditions)
    assert any(fragment in error for error in errors), errors


@pytest.mark.parametrize(
    "benefit, fragment",
    [
        ({"kind": "eval", "code": "1+1"}, "未知的公式类型“eval”"),
        ({"kind": "fixed", "amount": -5}, "amount 必须是不小于 0 的整数"),
        ({"kind": "fixed", "amount": 1.5}, "amount 必须是不小于 0 的整数"),
        ({"kind": "percent_of", "percent": 3}, "缺少计算依据 of"),
        ({"kind": "percent_of", "of": "x", "percent": 300}, "percent 必须是 0 到 100"),
        ({"kind": "tiers", "of": "x", "tiers": []}, "tiers 必须是非空"),
        (
            {"kind": "tiers", "of": "x", "tiers": [{"min": 5, "max": 1, "amount": 1}]},
            "min 5 大于 max 1",
        ),
        ({"kind": "stages", "of": "x", "stages": [{"value": "a"}]}, "每个阶段需要 value"),
        ({"kind": "per_unit", "of": "x", "unit_amount": 10, "per": 0}, "per 必须是正整数"),
        ({"kind": "rate_capped", "of": "x", "reference_rate_bp": 345}, "不能在规则中写死利率"),
        ({"kind": "sum_of", "parts": []}, "parts 必须是非空"),
        ({"kind": "fixed", "amount": 1, "when": {"nope": 1}}, "未知的运算符“nope”"),
        ([1, 2], "公式必须是对象"),
    ],
)
def test_it_rejects_malformed_benefits(benefit, fragment):
    errors = validate_benefit(benefit)
    assert any(fragment in error for error in errors), errors


def test_it_accepts_a_well_formed_rule():
    assert validate_conditions(GOOD_CONDITIONS) == []
    assert validate_benefit(GOOD_BENEFIT) == []


def test_it_rejects_unknown_question_keys_when_keys_are_known():
    errors = validate_benefit(GOOD_BENEFIT, known_keys={"night_street"})
    assert errors == ["金额公式（percent_of）：问题“street_expense”不存在"]


@pytest.mark.django_db
def test_it_refuses_to_clean_an_encoded_rule_without_clause_or_with_a_broken_formula(rules):
    rule = measure(SOURCES["鞍山2023"], "2.1").eligibility_rule
    rule.benefit = {"kind": "percent_of", "of": "street_expense", "percent": 500}
    rule.clause = ""
    with pytest.raises(ValidationError) as error:
        rule.full_clean()
    assert set(error.value.message_dict) == {"benefit", "clause"}


@pytest.mark.django_db
def test_it_refuses_a_not_encodable_rule_without_reason(rules):
    rule = measure(SOURCES["营口"], "1").eligibility_rule  # money paid to 县（市）区
    assert rule.status == EligibilityRule.Status.NOT_ENCODABLE
    rule.reason = " "
    rule.audience = ""
    with pytest.raises(ValidationError) as error:
        rule.full_clean()
    assert {"reason", "audience"} <= set(error.value.message_dict)


def _admin_post(client, rule, **changes):
    """The rule's change form as staff would submit it, with ``changes``."""
    url = reverse("admin:eligibility_eligibilityrule_change", args=[rule.pk])
    data = admin_post_data(client.get(url))
    data.update(changes)
    return client.post(url, data)


@pytest.mark.django_db
def test_it_shows_the_message_and_saves_nothing_when_staff_post_a_broken_rule(admin_client, rules):
    rule = measure(SOURCES["鞍山2023"], "3.1").eligibility_rule
    before = rule.benefit
    broken = {"kind": "tiers", "of": "retail_increment_2023", "tiers": [{"min": 9, "max": 1}]}
    response = _admin_post(admin_client, rule, benefit=json.dumps(broken))
    assert response.status_code == 200
    page = response.content.decode()
    assert "min 9 大于 max 1" in page
    assert "amount 必须是不小于 0 的整数" in page
    rule.refresh_from_db()
    assert rule.benefit == before


@pytest.mark.django_db
def test_it_rejects_text_that_is_not_json_in_the_admin(admin_client, rules):
    rule = measure(SOURCES["营口"], "5").eligibility_rule
    before = rule.conditions
    response = _admin_post(admin_client, rule, conditions="{is_true: ski}")
    assert response.status_code == 200
    assert "errorlist" in response.content.decode()
    rule.refresh_from_db()
    assert rule.conditions == before


@pytest.mark.django_db
def test_it_saves_a_valid_change_in_the_admin_and_derives_the_questions(admin_client, rules):
    rule = measure(SOURCES["营口"], "5").eligibility_rule
    conditions = {"all": [{"is_true": "ski_resort_new"}, {"eq": ["industry", "R"]}]}
    response = _admin_post(admin_client, rule, conditions=json.dumps(conditions))
    assert response.status_code == 302
    rule.refresh_from_db()
    assert rule.conditions == conditions
    assert rule.question_keys == ["ski_resort_new", "industry"]


@pytest.mark.django_db
def test_it_refuses_unknown_question_keys_in_the_admin(admin_client, rules):
    rule = measure(SOURCES["营口"], "5").eligibility_rule
    before = rule.conditions
    response = _admin_post(admin_client, rule, conditions=json.dumps({"is_true": "ski_resort"}))
    assert response.status_code == 200
    assert "问题“ski_resort”不存在" in response.content.decode()
    assert EligibilityRule.objects.get(pk=rule.pk).conditions == before


@pytest.mark.django_db
def test_it_shows_staff_which_measures_use_a_question(admin_client, rules):
    from policies.eligibility.models import Question

    question = Question.objects.get(key="stats_retail")
    url = reverse("admin:eligibility_question_change", args=[question.pk])
    page = admin_client.get(url).content.decode()
    retail_13 = measure(SOURCES["营口"], "13")
    assert f"营口市 {retail_13}" in page

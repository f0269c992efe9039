"""The self-check forms: choose a city, then answer the questions its measures need.

Fields are built from ``Question`` rows. Bad input (text in a number, a negative or absurd
figure, a required answer left out) gets a message in Chinese next to the field, and the
form is shown again with everything that was typed.
"""

import json
from decimal import Decimal

from crispy_forms.bootstrap import AppendedText, InlineRadios
from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Fieldset, Layout
from django import forms
from django.utils.translation import gettext_lazy as _

from policies.models import City

from .models import Question

UNANSWERED = ""
YES_NO_CHOICES = [("yes", _("是")), ("no", _("否")), (UNANSWERED, _("不确定"))]


class CityForm(forms.Form):
    city = forms.ModelChoiceField(
        label=_("企业所在城市"),
        queryset=City.objects.order_by("code", "name"),
        empty_label=_("请选择城市"),
        to_field_name="slug",
        error_messages={
            "required": _("请选择企业所在的城市。"),
            "invalid_choice": _("请从列表中选择城市。"),
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False


def _number_messages(question):
    unit = _("万元") if question.type == Question.Type.MONEY_WAN else question.unit
    unit_hint = f"（单位：{unit}）" if unit else ""
    return {
        "required": _("请填写此项。"),
        "invalid": _("请输入数字%(unit)s，不要填写文字或符号。") % {"unit": unit_hint},
        "min_value": _("不能为负数，请填写 0 或正数。"),
        "max_value": _("数值过大，请核对单位%(unit)s。") % {"unit": unit_hint},
        "max_digits": _("数值过大，请核对单位%(unit)s。") % {"unit": unit_hint},
        "max_decimal_places": _("最多保留 4 位小数。"),
        "max_whole_digits": _("数值过大，请核对单位%(unit)s。") % {"unit": unit_hint},
    }


def field_for(question, options=None):
    """The form field of a question; ``options``: the (value, label) choices this enterprise
    is shown (a choice question may show fewer than it has). Every field is optional but
    the required questions': left blank, a question is skipped."""
    common = {
        "label": question.wording,
        "help_text": question.help_text,
        "required": question.required,
    }
    kind = question.type
    if kind == Question.Type.YES_NO:
        choices = YES_NO_CHOICES if not question.required else YES_NO_CHOICES[:2]
        return forms.ChoiceField(
            choices=choices,
            widget=forms.RadioSelect,
            error_messages={"required": _("请选择“是”或“否”。")},
            **common,
        )
    if kind in (Question.Type.CHOICE, Question.Type.MULTI):
        options = options if options is not None else [tuple(c[:2]) for c in question.choices]
        if kind == Question.Type.MULTI:
            return forms.MultipleChoiceField(
                choices=options,
                widget=forms.CheckboxSelectMultiple,
                error_messages={"invalid_choice": _("请从列表中选择。")},
                **(common | {"required": False}),
            )
        return forms.ChoiceField(
            choices=[(UNANSWERED, _("请选择（不清楚可不选）"))] + list(options),
            error_messages={
                "required": _("请选择一项。"),
                "invalid_choice": _("请从列表中选择。"),
            },
            **common,
        )
    if kind == Question.Type.DATE:
        return forms.DateField(
            widget=forms.DateInput(attrs={"type": "date"}),
            error_messages={
                "required": _("请填写日期。"),
                "invalid": _("请按 年-月-日 填写日期，如 2020-05-18。"),
            },
            **common,
        )
    max_value = question.max_value
    if kind == Question.Type.COUNT:
        return forms.IntegerField(
            min_value=0,
            max_value=int(max_value) if max_value is not None else None,
            error_messages=_number_messages(question)
            | {"invalid": _("请输入整数，不要填写文字或符号。")},
            widget=forms.NumberInput(attrs={"inputmode": "numeric", "step": "1"}),
            **common,
        )
    return forms.DecimalField(
        min_value=Decimal(0),
        max_value=max_value,
        max_digits=18,
        decimal_places=4,
        error_messages=_number_messages(question),
        widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "any"}),
        **common,
    )


def to_answer(question, value):
    """A cleaned form value as stored in ``SavedCheck.answers`` (JSON), or None if unanswered
    (skipped). A multiple choice with nothing ticked is an answer: none applies."""
    kind = question.type
    if kind == Question.Type.MULTI:
        return sorted(value or [])
    if value in (None, UNANSWERED):
        return None
    if kind == Question.Type.YES_NO:
        return value == "yes"
    if kind == Question.Type.DATE:
        return value.isoformat()
    if kind == Question.Type.COUNT:
        return int(value)
    if isinstance(value, Decimal):
        value = value.normalize()
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def to_initial(question, value):
    if value is None:
        return None
    if question.type == Question.Type.YES_NO:
        return "yes" if value is True else "no" if value is False else None
    return value


class AsOfForm(forms.Form):
    """The 测算日期: which day's policies a self-check is measured against."""

    as_of = forms.DateField(
        label=_("测算日期"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_(
            "默认今天。许多措施在次年兑现上年度的奖励：选择去年的日期，可查看当时有效的政策。"
        ),
        error_messages={"invalid": _("请按 年-月-日 填写日期，如 2025-12-31。")},
    )

    def clean_as_of(self):
        value = self.cleaned_data.get("as_of")
        if value is not None and not 2000 <= value.year <= 2100:
            raise forms.ValidationError(_("请填写 2000 年至 2100 年之间的日期。"))
        return value


def as_of_from(data):
    """The valid 测算日期 in ``data`` (a GET or POST), or None."""
    form = AsOfForm(data)
    return form.cleaned_data.get("as_of") if form.is_valid() else None


class StepForm(forms.Form):
    """One step of the questionnaire: its questions (the profile step also the district and
    the 测算日期). A question left blank (or answered 不确定) is skipped, never asked again;
    bad input gets a message in Chinese next to the field and everything typed is kept."""

    def __init__(
        self, *args, step, options, districts=None, profile=False, conditional=(), **kwargs
    ):
        """``conditional``: questions whose ``ask_if`` depends on answers of this very step
        (the 具体行业 once the 门类 is chosen). They are rendered disabled and hidden, for
        JavaScript to reveal when their condition holds; without it they are asked in the
        next step. Absent from the submitted data, they are neither answered nor skipped."""
        super().__init__(*args, **kwargs)
        self.questions = {question.key: question for question in step.questions}
        self.conditional = {question.key: question for question in conditional}
        self.districts = list(districts or [])
        self.profile = profile
        names = []
        if profile:
            if self.districts:
                self.fields["district"] = forms.TypedChoiceField(
                    label=_("企业所在县（市）区"),
                    choices=[("", _("请选择县（市）区"))]
                    + [(str(d.pk), d.name) for d in self.districts],
                    coerce=int,
                    required=False,
                    error_messages={"invalid_choice": _("请从列表中选择县（市）区。")},
                )
                names.append("district")
        for question in step.questions:
            self.fields[question.key] = field_for(question, options.get(question.key))
            names.append(question.key)
        for question in self.conditional.values():
            field = field_for(question, [tuple(c[:2]) for c in question.choices or []])
            field.widget.attrs.update(
                {
                    "disabled": "disabled",
                    "data-ask-if": json.dumps(question.ask_if, ensure_ascii=False),
                    "data-option-if": json.dumps(
                        {c[0]: c[2] for c in question.choices or [] if len(c) == 3},
                        ensure_ascii=False,
                    ),
                }
            )
            self.fields[question.key] = field
        if profile:
            self.fields["as_of"] = AsOfForm.base_fields["as_of"]
        self.helper = FormHelper()
        self.helper.form_tag = False
        items = []
        for name in names:
            if name not in self.questions:
                items.append(name)
                continue
            items.append(self._layout_item(self.questions[name]))
            items += [
                Div(self._layout_item(q), css_class="ask-if", hidden="hidden")
                for q in self.conditional.values()
                if self._revealed_after(q, name)
            ]
        if profile:
            items.append(Div("as_of", css_class="as-of-field"))
        self.helper.layout = Layout(Fieldset(step.label, *items, css_class="check-section"))

    def _layout_item(self, question):
        if question.type == Question.Type.YES_NO:
            return InlineRadios(question.key)
        if question.type == Question.Type.MONEY_WAN:
            return AppendedText(question.key, "万元")
        if question.unit and question.type in (Question.Type.NUMBER, Question.Type.COUNT):
            return AppendedText(question.key, question.unit)
        return Div(question.key)

    @staticmethod
    def _revealed_after(question, name):
        """Whether a conditional question goes right after the field ``name`` (the one its
        condition names)."""
        from .schema import condition_keys

        keys = condition_keys(question.ask_if)
        return bool(keys) and keys[-1] == name

    clean_as_of = AsOfForm.clean_as_of

    def clean_district(self):
        value = self.cleaned_data.get("district")
        if value in (None, ""):
            return None
        return next((d for d in self.districts if d.pk == value), None)

    def answers(self):
        """(question key → JSON value for the answered ones, the keys left blank)."""
        answers, skipped = {}, []
        for key, question in self.questions.items():
            value = to_answer(question, self.cleaned_data.get(key))
            if value is None:
                skipped.append(key)
            else:
                answers[key] = value
        for key, question in self.conditional.items():
            if key not in self.data:
                continue  # not revealed (no JavaScript, or its condition did not hold)
            value = to_answer(question, self.cleaned_data.get(key))
            if value is None:
                skipped.append(key)
            else:
                answers[key] = value
        return answers, skipped

    @classmethod
    def initial_from(cls, answers, questions):
        return {
            question.key: to_initial(question, answers[question.key])
            for question in questions
            if question.key in answers
        }


class ProfileForm(forms.Form):
    """一企一档 in one form: every question given, grouped by section; blank is forgetting."""

    def __init__(self, *args, questions, **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = {question.key: question for question in questions}
        sections = {}
        for question in questions:
            field = field_for(question)
            field.required = False
            self.fields[question.key] = field
            sections.setdefault(question.section, []).append(question)
        labels = dict(Question.Section.choices)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            *(
                Fieldset(
                    labels[section],
                    *(StepForm._layout_item(None, q) for q in members),
                    css_class="check-section",
                )
                for section, members in sections.items()
            )
        )

    def answers(self):
        answers, blank = {}, []
        for key, question in self.questions.items():
            value = to_answer(question, self.cleaned_data.get(key))
            if value is None:
                blank.append(key)
            else:
                answers[key] = value
        return answers, blank

    initial_from = StepForm.initial_from

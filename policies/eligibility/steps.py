"""Which questions to ask next: the questionnaire in steps that asks little.

First the profile (``Question.Section.PROFILE``), of every enterprise. Then, step by step and
theme by theme, only the questions on which a measure *still possible* for the enterprise
depends: the rules are evaluated on the answers so far, and the unanswered keys of those
not yet decided (可能符合) — or, for those already 符合, the figures their amount needs — are
the candidates. A rule the profile or the situation answers made 不符合 asks nothing more. A
question is asked only when its ``ask_if`` holds, never again once answered or skipped.

Everything here is computed from the answers; nothing is stored but the answers themselves
(``SavedCheck.answers`` and ``skipped``), so a step page is a pure function of them.
"""

from dataclasses import dataclass, field

from . import evaluator, kinds
from .models import Question


@dataclass
class Step:
    section: str
    label: str
    questions: list  # Question rows, in asking order


@dataclass
class Progress:
    done: int  # steps with an answer or a skip
    total: int  # done + those still to come (changes with the answers)

    @property
    def current(self):
        return min(self.done + 1, self.total)

    @property
    def percent(self):
        return round(100 * self.done / self.total) if self.total else 100


@dataclass
class Plan:
    """The questionnaire of one city on one 测算日期.

    ``questions``: key → Question (asking order); ``rules``: the ``RuleInput`` of the city's
    measures that may apply (in force or 时效未明) — expired ones never ask anything."""

    questions: dict
    rules: list
    as_of: object
    parameters: dict = field(default_factory=dict)

    def __post_init__(self):
        self.infos = {key: q.info() for key, q in self.questions.items()}
        labels = dict(Question.Section.choices)
        self.section_labels = labels

    # -- what the answers so far leave open ------------------------------------------------

    def values(self, answers):
        return evaluator.normalize(answers, self.infos, self.as_of)

    def askable(self, question, answers, skipped, values):
        """Whether ``question`` may be asked now: a question, unanswered, not skipped, and its
        ``ask_if`` holds (or cannot be decided because what it depends on was skipped)."""
        if not question.asked or question.key in answers or question.key in skipped:
            return False
        if question.ask_if is None:
            return True
        missing = []
        outcome = kinds.check(question.ask_if, values, missing, [])
        if outcome is None:
            return all(key in skipped or key not in self.questions for key in missing)
        return outcome

    def wanted_keys(self, answers):
        """(deciding, figures): the question keys that decide whether a 可能符合 rule
        applies, and those the amount of a rule still possible needs, in the rules' order."""
        results = evaluator.evaluate(answers, self.rules, self.infos, self.as_of, self.parameters)
        deciding, figures = [], []
        for result in results:
            if result.verdict == evaluator.MAYBE:
                deciding.extend(result.deciding)
                figures.extend(k for k in result.missing if k not in result.deciding)
            elif result.verdict == evaluator.ELIGIBLE:
                figures.extend(result.missing)
        return list(dict.fromkeys(deciding)), list(dict.fromkeys(figures))

    def pending(self, answers, skipped):
        """section → the questions to ask in it, in asking order: the profile first; then what
        decides whether measures apply; only then the figures their amounts need (so an
        enterprise is never asked a figure for a measure it turns out not to qualify for)."""
        values = self.values(answers)
        profile = [
            q
            for q in self.questions.values()
            if q.section == Question.Section.PROFILE and self.askable(q, answers, skipped, values)
        ]
        if profile:
            return {Question.Section.PROFILE: profile}
        deciding, figures = self.wanted_keys(answers)
        categorical = {k for k in deciding if self._categorical(k)}
        # facts (yes/no, a choice) rule measures in or out before figures are asked; then the
        # figures thresholds need; then those amounts need
        for wanted in (categorical, set(deciding) - categorical, set(figures)):
            found = {}
            for question in self.questions.values():
                if question.key in wanted and self.askable(question, answers, skipped, values):
                    found.setdefault(question.section, []).append(question)
            if found:
                return found
        return {}

    CATEGORICAL = (Question.Type.YES_NO, Question.Type.CHOICE, Question.Type.MULTI)

    def _categorical(self, key):
        question = self.questions.get(key)
        return question is not None and question.type in self.CATEGORICAL

    def next_step(self, answers, skipped) -> Step | None:
        pending = self.pending(answers, skipped)
        for section in Question.SECTION_ORDER:
            if section in pending:
                return Step(section, self.section_labels[section], pending[section])
        return None

    def step(self, section, answers, skipped, *, edit=False) -> Step | None:
        """The questions of ``section`` to show: those pending, and with ``edit`` also those
        already answered or skipped (to change them)."""
        if section not in self.section_labels:
            return None
        pending = self.pending(answers, skipped).get(section, [])
        shown = list(pending)
        if edit:
            shown = [
                q
                for q in self.questions.values()
                if q.section == section
                and q.asked
                and (q.key in answers or q.key in skipped or q in pending)
            ]
        if not shown:
            return None
        return Step(section, self.section_labels[section], shown)

    def progress(self, answers, skipped) -> Progress:
        touched = {
            self.questions[key].section
            for key in [*answers, *skipped]
            if key in self.questions and self.questions[key].asked
        }
        pending = self.pending(answers, skipped)
        remaining = set(pending) - touched
        if Question.Section.PROFILE not in touched and Question.Section.PROFILE not in pending:
            remaining.add(Question.Section.PROFILE)
        done = len(touched)
        total = done + len(remaining)
        if remaining == {Question.Section.PROFILE} and not touched:
            total = max(total, 3)  # profile, situation, a theme: what a first step expects
        return Progress(done=done, total=max(total, done, 1))

    def options(self, question, values):
        """The choices of ``question`` this enterprise is shown (a choice may carry a
        condition: the 具体行业 choices of its 门类 only)."""
        shown = []
        for choice in question.choices or []:
            if len(choice) == 3 and choice[2]:
                if kinds.check(choice[2], values, [], []) is False:
                    continue
            shown.append((choice[0], choice[1]))
        return shown

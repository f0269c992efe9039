"""What the per-document golden tables share."""

from policies.eligibility.evaluator import ELIGIBLE, INELIGIBLE

from ..fixturedata import AS_OF, encoded_rules, evaluate_on

WR = {"industry": "F", "above_scale": True}  # a retailer or wholesaler in the statistics
AC = {"industry": "H", "above_scale": True}  # a hotel or restaurant in the statistics


def check_row(case):
    source, path, answers, verdict, low, high, *as_of = case
    rule = encoded_rules()[(source, path)]
    (result,) = evaluate_on(answers, [rule], as_of[0] if as_of else AS_OF[source])
    assert (result.verdict, result.amount_min, result.amount_max) == (verdict, low, high)
    if verdict == ELIGIBLE and high == 0:  # a benefit other than money: it says what
        assert result.benefits, "符合 without money must name what it gives (可享受：…)"


def covered_by(golden, source, topics=None):
    """Every encoded rule of ``source`` (of the first-level numbers ``topics``, if given)
    has a row; tiered ones an ineligible row as well."""

    def mine(path):
        return topics is None or int(path.split(".")[0]) in topics

    covered = {path for row_source, path, *_ in golden if row_source == source}
    encoded = {path for (s, path) in encoded_rules() if s == source and mine(path)}
    assert encoded == covered, sorted(encoded ^ covered)
    for (s, path), rule in encoded_rules().items():
        if s == source and mine(path) and rule.benefit["kind"] == "tiers":
            verdicts = {row[3] for row in golden if row[1] == path}
            assert verdicts >= {ELIGIBLE, INELIGIBLE}, path

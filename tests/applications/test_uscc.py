"""统一社会信用代码 validation (GB 32100-2015)."""

import pytest
from django.core.exceptions import ValidationError

from applications.uscc import CHARSET, check_character, validate_uscc

# Real codes as printed on business licences (public registrations).
REAL_CODES = [
    "91110000600037341L",
    "914403001922038216",
    "9144030071526726XG",
    "91330100799655058B",
]


@pytest.mark.parametrize("code", REAL_CODES)
def test_it_accepts_real_codes(code):
    validate_uscc(code)
    validate_uscc(code.lower())  # normalised to capitals


@pytest.mark.parametrize("code", REAL_CODES)
def test_it_refuses_every_wrong_check_character(code):
    for wrong in (ch for ch in CHARSET if ch != code[-1]):
        with pytest.raises(ValidationError) as error:
            validate_uscc(code[:17] + wrong)
        assert error.value.code == "check"
        assert "校验位不符" in error.value.messages[0]


def test_it_detects_a_mistyped_character():
    code = REAL_CODES[0]
    typo = code[:5] + ("1" if code[5] != "1" else "2") + code[6:]
    with pytest.raises(ValidationError) as error:
        validate_uscc(typo)
    assert error.value.code == "check"


@pytest.mark.parametrize(
    ("code", "reason"),
    [
        ("9111000060003734", "length"),
        ("91110000600037341LX", "length"),
        ("91110000600O37341L", "charset"),  # the letter O is not in the set
        ("9111000060003734IL", "charset"),
        ("91AB0000600037341L", "division"),
    ],
)
def test_it_explains_malformed_codes(code, reason):
    with pytest.raises(ValidationError) as error:
        validate_uscc(code)
    assert error.value.code == reason
    assert "统一社会信用代码" in error.value.messages[0]


def test_the_check_character_is_in_the_set_for_any_prefix():
    for prefix in ["00000000000000000", "Y1000000YYYYYYYYY", "91210302MA0AAAAA1"]:
        assert check_character(prefix) in CHARSET
        validate_uscc(prefix + check_character(prefix))

"""统一社会信用代码 (unified social credit code) per GB 32100-2015.

18 characters: registration authority (1), organisation type (1), administrative
division (6 digits), organisation code (9), check character (1). The character set is
the digits and the capital letters without I, O, Z, S, V; the check character is the
mod-31 checksum of the first 17 characters with the weights 3^i mod 31.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = [pow(3, i, 31) for i in range(17)]


def check_character(first17: str) -> str:
    total = sum(CHARSET.index(ch) * weight for ch, weight in zip(first17, WEIGHTS, strict=True))
    return CHARSET[(31 - total % 31) % 31]


def normalize_uscc(value: str) -> str:
    return (value or "").strip().upper().replace(" ", "")


def validate_uscc(value: str) -> None:
    code = normalize_uscc(value)
    if len(code) != 18:
        raise ValidationError(
            _("统一社会信用代码应为18位，您输入了%(n)d位。"), code="length", params={"n": len(code)}
        )
    bad = sorted({ch for ch in code if ch not in CHARSET})
    if bad:
        raise ValidationError(
            _("统一社会信用代码含有不允许的字符：%(chars)s（不使用 I、O、Z、S、V）。"),
            code="charset",
            params={"chars": "、".join(bad)},
        )
    if not code[2:8].isdigit():
        raise ValidationError(
            _("统一社会信用代码第3至8位应为行政区划代码（6位数字）。"), code="division"
        )
    expected = check_character(code[:17])
    if code[17] != expected:
        raise ValidationError(
            _("统一社会信用代码校验位不符，可能有输错的字符，请对照营业执照核对后重新输入。"),
            code="check",
        )


MASK_HEAD = 6  # the authority, type and the region's first four digits
MASK_TAIL = 4


def mask_uscc(value: str) -> str:
    """The code as public pages show it (公示): the first 6 and the last 4 characters, the
    8 between as ``*`` — ``912103********AB1X``. A value too short to mask is all stars."""
    code = normalize_uscc(value)
    if len(code) <= MASK_HEAD + MASK_TAIL:
        return "*" * len(code)
    return code[:MASK_HEAD] + "*" * (len(code) - MASK_HEAD - MASK_TAIL) + code[-MASK_TAIL:]

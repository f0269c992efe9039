"""Checks on uploaded materials: PDF, JPEG or PNG by content, not empty, not too large.

Django has no per-file size limit of its own; ``settings.UPLOAD_MAX_BYTES`` (10 MiB by
default) is enforced here. The content decides the type — a renamed executable is refused
whatever its name — and the stored file gets the extension of its real type under a
random name (``models.attachment_path``).
"""

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

SIGNATURES = [
    (b"%PDF-", "application/pdf", ".pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png", ".png"),
    (b"\xff\xd8\xff", "image/jpeg", ".jpg"),
]
EXTENSIONS = {
    ".pdf": "application/pdf",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
}

# The materials the 办理方式 texts ask for, and the words that name them.
MATERIALS = [
    ("营业执照", ("营业执照",)),
    ("财务报表", ("财务报表",)),
    ("财务审计报告", ("审计报告",)),
    ("发票", ("发票",)),
    ("合同", ("合同",)),
    ("会议纪要", ("会议纪要",)),
    ("转账凭证", ("转账凭证",)),
    ("纳税凭证", ("纳税凭证",)),
    ("法人身份证明", ("法人身份",)),
    ("资质证明", ("资质",)),
    ("获评或入选名单", ("名单",)),
    ("活动文字材料及图片", ("文字材料", "图片")),
    ("资金申请报告", ("申请报告",)),
]
OTHER = "其他材料"


def required_materials(measure) -> list[str]:
    """The materials the measure's 办理方式 names; a business licence when it names none."""
    text = re.sub(r"《[^》]*》", "", measure.handling or "")
    named = [name for name, words in MATERIALS if any(word in text for word in words)]
    return named or ["营业执照"]


def material_choices(measure) -> list[tuple[str, str]]:
    return [(name, name) for name in [*required_materials(measure), OTHER]]


def sniff(head: bytes) -> tuple[str, str] | None:
    for signature, content_type, extension in SIGNATURES:
        if head.startswith(signature):
            return content_type, extension
    return None


def check_upload(upload) -> str:
    """Validate an UploadedFile; return its real content type or raise ValidationError."""
    limit = settings.UPLOAD_MAX_BYTES
    if upload.size == 0:
        raise ValidationError(_("文件“%(name)s”是空文件，请重新选择。") % {"name": upload.name})
    if upload.size > limit:
        raise ValidationError(
            _("文件“%(name)s”大小为 %(size)s，超过了 %(limit)s 的上限。")
            % {
                "name": upload.name,
                "size": filesizeformat(upload.size),
                "limit": filesizeformat(limit),
            }
        )
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    found = sniff(head)
    if found is None:
        raise ValidationError(
            _(
                "文件“%(name)s”不是 PDF、JPEG 或 PNG 文件（按文件内容检查，不看扩展名），请上传扫描件或照片。"
            )
            % {"name": upload.name}
        )
    content_type, extension = found
    upload.name = f"upload{extension}"
    return content_type

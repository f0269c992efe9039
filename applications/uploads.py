"""Checks on uploaded materials: PDF, JPEG or PNG by content, not empty, not too large.

Django has no per-file size limit of its own; ``settings.UPLOAD_MAX_BYTES`` (10 MiB by
default) is enforced here. The content decides the type — a renamed executable is refused
whatever its name — and the stored file gets the extension of its real type under a
random name (``models.attachment_path``).
"""

import re

from django.conf import settings
from django.core.exceptions import ValidationError
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
            _(
                "文件“%(name)s”为 %(size)s（%(bytes)s 字节），超过了单个文件 %(limit)s 的上限，"
                "请压缩后或分成几个文件上传。"
            )
            % {
                "name": upload.name,
                "size": megabytes(upload.size),
                "bytes": f"{upload.size:,}",
                "limit": megabytes(limit),
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
    if content_type == "application/pdf":
        problem = pdf_active_content(upload)
        if problem:
            raise ValidationError(
                _(
                    "文件“%(name)s”含有%(what)s，为安全起见不能上传。"
                    "请用“打印为 PDF”或扫描件另存一份不含脚本和附件的 PDF 后上传。"
                )
                % {"name": upload.name, "what": problem}
            )
    upload.name = f"upload{extension}"
    return content_type


def megabytes(size: int) -> str:
    """10485761 → "10.00 MB"; whole numbers without decimals: 10485760 → "10 MB"."""
    value = size / (1024 * 1024)
    return f"{value:.0f} MB" if size % (1024 * 1024) == 0 else f"{value:.2f} MB"


# What makes a PDF active, by the names in its objects (pdfminer decodes #xx escapes and
# reads inside compressed object streams, where a byte search would not see them).
ACTIVE_NAMES = {
    "JavaScript": _("JavaScript 脚本"),
    "JS": _("JavaScript 脚本"),
    "Launch": _("启动外部程序的动作"),
    "EmbeddedFile": _("嵌入的附件"),
    "EmbeddedFiles": _("嵌入的附件"),
    "RichMedia": _("多媒体内容"),
    "XFA": _("动态表单（XFA）"),
    "SubmitForm": _("提交表单的动作"),
    "ImportData": _("导入数据的动作"),
}


def pdf_active_content(upload) -> str | None:
    """What active content a PDF carries (a phrase for the message), or None.

    Every object of the file is visited (a PDF whose structure cannot be read is refused
    too: what cannot be checked is not handed to staff)."""
    from pdfminer.pdfdocument import PDFDocument
    from pdfminer.pdfparser import PDFParser
    from pdfminer.pdftypes import PDFObjRef, PDFStream
    from pdfminer.psparser import PSLiteral

    upload.seek(0)
    try:
        document = PDFDocument(PDFParser(upload))
        seen = set()

        def visit(value, depth=0):
            if depth > 40:
                return None
            if isinstance(value, PDFObjRef):
                if value.objid in seen:
                    return None
                seen.add(value.objid)
                try:
                    value = value.resolve()
                except Exception:  # noqa: BLE001 — a dangling reference carries nothing
                    return None
            if isinstance(value, PDFStream):
                value = value.attrs
            if isinstance(value, dict):
                for key, item in value.items():
                    name = key.name if isinstance(key, PSLiteral) else str(key)
                    if name in ACTIVE_NAMES:
                        return ACTIVE_NAMES[name]
                    if isinstance(item, PSLiteral) and item.name in ACTIVE_NAMES:
                        return ACTIVE_NAMES[item.name]
                    found = visit(item, depth + 1)
                    if found:
                        return found
            elif isinstance(value, list):
                for item in value:
                    found = visit(item, depth + 1)
                    if found:
                        return found
            elif isinstance(value, PSLiteral) and value.name in ACTIVE_NAMES:
                return ACTIVE_NAMES[value.name]
            return None

        found = visit(document.catalog)
        if found:
            return found
        for xref in document.xrefs:
            for objid in xref.get_objids():
                found = visit(PDFObjRef(document, objid))
                if found:
                    return found
    except Exception:  # noqa: BLE001 — pdfminer raises many kinds on a broken file
        return _("无法识别的结构（文件可能已损坏）")
    finally:
        upload.seek(0)
    return None

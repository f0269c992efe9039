from django.core.files.uploadedfile import SimpleUploadedFile


def make_pdf(*extra_objects: bytes, catalog_extra: bytes = b"") -> bytes:
    """A small well-formed PDF (one blank page, a cross-reference table); ``extra_objects``
    are appended as objects 4, 5, … and ``catalog_extra`` goes into the catalog."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R " + catalog_extra + b">>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
        *extra_objects,
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


PDF = make_pdf()
PDF_WITH_JAVASCRIPT = make_pdf(
    b"<< /S /JavaScript /JS (app.alert(1)) >>", catalog_extra=b"/OpenAction 4 0 R "
)
PDF_WITH_HIDDEN_JAVASCRIPT = make_pdf(  # the name written with #xx escapes
    b"<< /S /J#61vaScript /J#53 (app.alert(1)) >>", catalog_extra=b"/OpenAction 4 0 R "
)
PDF_WITH_LAUNCH = make_pdf(b"<< /S /Launch /F (calc.exe) >>", catalog_extra=b"/OpenAction 4 0 R ")
PDF_WITH_ATTACHMENT = make_pdf(
    b"<< /Names [(a.exe) 5 0 R] >>",
    b"<< /Type /Filespec /F (a.exe) /EF << /F 6 0 R >> >>",
    b"<< /Type /EmbeddedFile /Length 2 >>\nstream\nMZ\nendstream",
    catalog_extra=b"/Names << /EmbeddedFiles 4 0 R >> ",
)
PDF_GO_TO_PAGE_ONE = make_pdf(  # an /OpenAction that only shows page 1: harmless
    catalog_extra=b"/OpenAction [3 0 R /Fit] "
)
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + b"\x00" * 64


def pdf(name="营业执照.pdf", content=PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def attach(client, application, material="营业执照", upload=None):
    from django.urls import reverse

    return client.post(
        reverse("applications:upload", args=[application.pk]),
        {"material": material, "file": upload or pdf()},
    )


def admin_form_data(page) -> dict:
    """The POST data of an admin change form as rendered (its form, inline forms and
    management forms with their current values): a test changes what it needs and posts."""
    forms = [page.context["adminform"].form]
    for inline in page.context["inline_admin_formsets"]:
        forms.append(inline.formset.management_form)
        forms.extend(inline.formset.forms)
    data = {}
    for form in forms:
        for bound in form:
            value = bound.value()
            if value is None or value is False:
                continue
            if value is True:
                value = "on"
            elif isinstance(value, (list, tuple)):
                value = [str(v) for v in value]
            elif hasattr(value, "pk"):
                value = value.pk
            data[bound.html_name] = value
    return data

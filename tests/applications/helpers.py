from django.core.files.uploadedfile import SimpleUploadedFile

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
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

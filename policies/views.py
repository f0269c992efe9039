from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from .models import PolicyDocument


@require_GET
def document_detail(request, pk):
    document = get_object_or_404(PolicyDocument.objects.select_related("city"), pk=pk)
    measures = document.measures.select_related("chapter").order_by("position")
    return render(
        request,
        "policies/document_detail.html",
        {"document": document, "measures": measures, "notes": document.editorial_notes.all()},
    )

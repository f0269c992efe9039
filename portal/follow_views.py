"""关注与提醒 pages: the user's follows (``/accounts/follows/``), the 关注 buttons' POSTs, and
the digest's one-click unsubscribe (RFC 8058). GET never writes; someone else's follow is a
404; an anonymous visitor is sent to sign in."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from applications.services import enterprise_of
from policies.models import Measure

from . import follows
from .models import Follow


def _back(request, default=None):
    target = request.POST.get("next", "")
    if target.startswith("/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect(default or reverse("follows:list"))


@require_GET
@login_required
def follow_list(request):
    rows = list(Follow.objects.filter(user=request.user).select_related("measure__document__city"))
    enterprise = enterprise_of(request.user)
    return render(
        request,
        "portal/follows.html",
        {
            "measures": [f for f in rows if f.kind == Follow.Kind.MEASURE],
            "searches": [f for f in rows if f.kind == Follow.Kind.SEARCH],
            "profile": next((f for f in rows if f.kind == Follow.Kind.PROFILE), None),
            "enterprise": enterprise,
            "subscribed": follows.is_subscribed(request.user),
            "has_email": bool(request.user.email),
        },
    )


@require_POST
@login_required
def follow_measure(request, pk):
    if request.POST.get("action") == "unfollow":
        measure = get_object_or_404(Measure.all_objects, pk=pk)
        if follows.unfollow(request.user, kind=Follow.Kind.MEASURE, measure=measure):
            messages.success(request, _("已取消关注“%(title)s”。") % {"title": measure.title})
        return _back(request, measure.get_absolute_url())
    measure = get_object_or_404(Measure.objects, pk=pk)  # public measures only
    _follow, created = follows.follow_measure(request.user, measure)
    if created:
        messages.success(
            request,
            _("已关注“%(title)s”：修订和即将到期时，每日提醒邮件会告诉您。")
            % {"title": measure.title},
        )
    return _back(request, measure.get_absolute_url())


@require_POST
@login_required
def follow_search(request):
    query = request.POST.get("query", "")
    back = reverse("policies:measure_list") + "?" + follows.canonical_search(query)[:1000]
    if request.POST.get("action") == "unfollow":
        canonical = follows.canonical_search(query)
        if canonical and follows.unfollow(request.user, kind=Follow.Kind.SEARCH, query=canonical):
            messages.success(request, _("已取消关注此搜索。"))
        return redirect(back)
    follow, created = follows.follow_search(request.user, query)
    if follow is None:
        messages.error(request, _("请先选择关键词或筛选条件，再关注此搜索。"))
        return redirect(reverse("policies:measure_list"))
    if created:
        messages.success(
            request,
            _("已关注搜索“%(label)s”：有新措施时，每日提醒邮件会告诉您。")
            % {"label": follow.label},
        )
    return redirect(back)


@require_POST
@login_required
def follow_profile(request):
    if request.POST.get("action") == "off":
        if follows.unfollow(request.user, kind=Follow.Kind.PROFILE):
            messages.success(request, _("已不再关注匹配您企业的政策。"))
        return redirect("follows:list")
    if enterprise_of(request.user) is None:
        messages.error(request, _("只有企业账户可以关注匹配企业档案的政策。"))
        return redirect("follows:list")
    _follow, created = follows.follow_profile(request.user)
    if created:
        messages.success(
            request,
            _("已关注匹配您企业的政策：按企业档案判断符合条件的新措施，每日提醒邮件会告诉您。"),
        )
    return redirect("follows:list")


@require_POST
@login_required
def follow_delete(request, pk):
    follow = get_object_or_404(Follow, pk=pk, user=request.user)  # someone else's: 404
    follow.delete()
    messages.success(request, _("已取消关注“%(label)s”。") % {"label": follow.label})
    return redirect("follows:list")


@require_POST
@login_required
def digest_switch(request):
    subscribed = request.POST.get("digest") == "on"
    if follows.set_subscribed(request.user, subscribed):
        messages.success(
            request,
            _("已开启每日关注提醒邮件。") if subscribed else _("已关闭每日关注提醒邮件。"),
        )
    return redirect("follows:list")


@csrf_exempt  # RFC 8058: the mail client POSTs "List-Unsubscribe=One-Click", no cookie
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token):
    """GET: a confirmation page with a button (GET never writes); POST: unsubscribe, without
    signing in (the signed token says who)."""
    user = follows.user_of_token(token)
    if user is None:
        return render(request, "portal/unsubscribe_invalid.html", status=400)
    done = False
    if request.method == "POST":
        follows.set_subscribed(user, False)
        done = True
    return render(
        request,
        "portal/unsubscribe.html",
        {"done": done, "subscribed": follows.is_subscribed(user), "token": token},
    )

"""关注: following a measure, a search, one's enterprise's matches; the follows page.

POST only for changes (a GET writes nothing), an anonymous visitor is sent to sign in,
someone else's follow is a 404. The 关注 buttons live in personal parts of cached pages: the
stored page is the same for everybody, each visitor sees their own state.
"""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from policies.models import Measure
from portal import follows
from portal.models import DigestSubscription, Follow

pytestmark = pytest.mark.django_db

LIST = "/accounts/follows/"


def follow_url(measure):
    return reverse("follows:measure", args=[measure.pk])


def test_anonymous_is_sent_to_sign_in_and_nothing_is_written(client, measure):
    response = client.get(LIST)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    for url, data in [
        (follow_url(measure), {"action": "follow"}),
        (reverse("follows:search"), {"query": "q=补贴"}),
        (reverse("follows:profile"), {"action": "on"}),
        (reverse("follows:digest"), {"digest": "off"}),
    ]:
        response = client.post(url, data)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert not Follow.objects.exists() and not DigestSubscription.objects.exists()


def test_follow_and_unfollow_a_measure(client, personas, measure):
    user = personas.enterprise_a
    client.force_login(user)
    page = measure.get_absolute_url()
    response = client.post(follow_url(measure), {"action": "follow", "next": page})
    assert response.status_code == 302 and response["Location"] == page
    follow = Follow.objects.get(user=user)
    assert (follow.kind, follow.measure, follow.label) == ("measure", measure, measure.title)
    assert follow.measure_watermark == follows.measure_watermark()
    # twice: still one
    client.post(follow_url(measure), {"action": "follow"})
    assert Follow.objects.filter(user=user).count() == 1
    listing = client.get(LIST).content.decode()
    assert measure.title in listing and reverse("follows:delete", args=[follow.pk]) in listing
    client.post(follow_url(measure), {"action": "unfollow", "next": page})
    assert not Follow.objects.filter(user=user).exists()


def test_a_get_never_writes(client, personas, measure):
    client.force_login(personas.enterprise_a)
    for url in (
        follow_url(measure),
        reverse("follows:search") + "?query=q%3D补贴",
        reverse("follows:profile"),
        reverse("follows:digest") + "?digest=off",
    ):
        assert client.get(url).status_code == 405
    assert not Follow.objects.exists() and not DigestSubscription.objects.exists()


def test_a_retired_or_missing_measure_cannot_be_followed(client, personas, measure):
    client.force_login(personas.enterprise_a)
    Measure.all_objects.filter(pk=measure.pk).update(retired_at=timezone.now())
    assert client.post(follow_url(measure), {"action": "follow"}).status_code == 404
    missing = Measure.all_objects.order_by("-pk").first().pk + 1000
    response = client.post(reverse("follows:measure", args=[missing]), {"action": "follow"})
    assert response.status_code == 404
    assert not Follow.objects.exists()


def test_someone_elses_follow_is_a_404_and_stays(client, personas, measure):
    theirs, _created = follows.follow_measure(personas.enterprise_b, measure)
    client.force_login(personas.enterprise_a)
    assert client.post(reverse("follows:delete", args=[theirs.pk])).status_code == 404
    assert Follow.objects.filter(pk=theirs.pk).exists()
    assert measure.title not in client.get(LIST).content.decode()
    client.force_login(personas.enterprise_b)
    assert client.post(reverse("follows:delete", args=[theirs.pk])).status_code == 302
    assert not Follow.objects.filter(pk=theirs.pk).exists()


def test_the_measure_page_shows_each_visitor_their_own_button(client, personas, measure):
    follows.follow_measure(personas.enterprise_a, measure)
    page = measure.get_absolute_url()
    anonymous = client.get(page)
    assert anonymous["X-Page-Cache"] == "miss"
    text = anonymous.content.decode()
    assert "登录后可关注" in text and follow_url(measure) not in text
    client.force_login(personas.enterprise_a)
    mine = client.get(page)
    assert mine["X-Page-Cache"] == "hit"
    text = mine.content.decode()
    assert follow_url(measure) in text and "取消关注" in text and "登录后可关注" not in text
    client.force_login(personas.enterprise_b)
    theirs = client.get(page)
    assert theirs["X-Page-Cache"] == "hit"
    text = theirs.content.decode()
    assert follow_url(measure) in text and "取消关注" not in text and ">关注</button>" in text


def test_follow_a_search(client, personas):
    user = personas.enterprise_a
    client.force_login(user)
    query = "q=补贴&city=anshan&page=3&sort=amount&status=in_force"
    response = client.post(reverse("follows:search"), {"query": query})
    assert response.status_code == 302
    follow = Follow.objects.get(user=user)
    assert follow.kind == "search"
    assert follow.query == "q=%E8%A1%A5%E8%B4%B4&city=anshan&status=in_force"
    assert follow.label == "关键词“补贴” · 鞍山市 · 有效（含即将到期）"
    # the same search in another order or page: the same follow
    client.post(reverse("follows:search"), {"query": "status=in_force&page=1&city=anshan&q=补贴"})
    assert Follow.objects.filter(user=user).count() == 1
    page = client.get("/policies/measures/?city=anshan&q=补贴&status=in_force").content.decode()
    assert "取消关注此搜索" in page
    assert "关注此搜索" in client.get("/policies/measures/?q=补贴").content.decode()
    client.post(reverse("follows:search"), {"query": follow.query, "action": "unfollow"})
    assert not Follow.objects.filter(user=user).exists()


@pytest.mark.parametrize(
    "query", ["", "page=2", "city=atlantis", "status=nonsense", "q=" + "补" * 600]
)
def test_a_search_without_a_valid_filter_is_refused_with_a_message(client, personas, query):
    client.force_login(personas.enterprise_a)
    response = client.post(reverse("follows:search"), {"query": query}, follow=True)
    assert response.status_code == 200
    assert "请先选择关键词或筛选条件" in response.content.decode()
    assert not Follow.objects.exists()


def test_the_list_page_offers_the_search_button_in_a_personal_part(client, personas):
    anonymous = client.get("/policies/measures/?q=补贴").content.decode()
    assert "登录后可关注搜索" in anonymous
    client.force_login(personas.enterprise_a)
    response = client.get("/policies/measures/?q=补贴")
    assert response["X-Page-Cache"] == "hit"
    text = response.content.decode()
    assert "关注此搜索" in text and 'value="q=%E8%A1%A5%E8%B4%B4"' in text
    # no filter: no button
    assert "关注此搜索" not in client.get("/policies/measures/").content.decode()


def test_follow_the_enterprise_matches(client, personas):
    client.force_login(personas.enterprise_a)
    assert "关注匹配我企业的政策" in client.get(LIST).content.decode()
    client.post(reverse("follows:profile"), {"action": "on"})
    client.post(reverse("follows:profile"), {"action": "on"})
    assert Follow.objects.filter(user=personas.enterprise_a, kind="profile").count() == 1
    client.post(reverse("follows:profile"), {"action": "off"})
    assert not Follow.objects.exists()
    # not an enterprise user: a message, nothing written
    client.force_login(personas.outsider)
    assert "关注匹配我企业的政策" not in client.get(LIST).content.decode()
    response = client.post(reverse("follows:profile"), {"action": "on"}, follow=True)
    assert "只有企业账户" in response.content.decode()
    assert not Follow.objects.exists()


def test_turn_the_digest_off_and_on_again(client, personas):
    user = personas.enterprise_a
    client.force_login(user)
    assert "状态：已开启" in client.get(LIST).content.decode()
    client.post(reverse("follows:digest"), {"digest": "off"})
    assert not follows.is_subscribed(user)
    assert "重新开启提醒邮件" in client.get(LIST).content.decode()
    client.post(reverse("follows:digest"), {"digest": "off"})  # again: no change
    assert DigestSubscription.objects.count() == 1
    client.post(reverse("follows:digest"), {"digest": "on"})
    assert follows.is_subscribed(user)


def test_a_next_outside_the_site_is_ignored(client, personas, measure):
    client.force_login(personas.enterprise_a)
    for target in ("https://evil.example/", "//evil.example/", "0", "javascript:alert(1)"):
        response = client.post(follow_url(measure), {"action": "follow", "next": target})
        assert response["Location"] == measure.get_absolute_url()


def test_the_follows_page_runs_a_bounded_number_of_queries(
    client, personas, django_assert_max_num_queries
):
    user = personas.enterprise_a
    for measure in Measure.objects.order_by("pk")[:5]:
        follows.follow_measure(user, measure)
    follows.follow_search(user, "q=补贴")
    follows.follow_search(user, "city=anshan")
    follows.follow_profile(user)
    client.force_login(user)
    # session, user, follows with their measures, enterprise, subscription (+ savepoints)
    with django_assert_max_num_queries(8):
        response = client.get(LIST)
    assert response.status_code == 200
    assert response.content.decode().count("取消关注") == 7


def test_the_header_links_to_the_follows_page_for_a_signed_in_user(client, personas):
    assert "我的关注" not in client.get("/").content.decode()
    client.force_login(personas.outsider)
    assert LIST in client.get("/").content.decode()


# -- the admin's list: superusers read it, nobody changes it ----------------------------------


@pytest.fixture
def followed(personas, measure):
    """Enterprise A follows a measure and a search; enterprise B follows a search and
    unsubscribed from the digest; the outsider follows a measure and has no e-mail."""
    a, b, outsider = personas.enterprise_a, personas.enterprise_b, personas.outsider
    Follow.objects.create(user=a, kind="measure", measure=measure, label=measure.title)
    Follow.objects.create(user=a, kind="search", query="q=补贴", label="“补贴”")
    Follow.objects.create(user=b, kind="search", query="q=研发", label="“研发”")
    DigestSubscription.objects.create(user=b, unsubscribed_at=timezone.now())
    get_user_model().objects.filter(pk=outsider.pk).update(email="")
    Follow.objects.create(user=outsider, kind="measure", measure=measure, label=measure.title)
    return personas


def _superuser():
    return get_user_model().objects.create_superuser("follow_admin", email="fa@example.com")


def test_a_superuser_reads_who_follows_what_and_whether_their_digest_goes(client, followed):
    get_user_model().objects.filter(pk=followed.enterprise_b.pk).update(is_active=False)
    client.force_login(_superuser())
    url = reverse("admin:portal_follow_changelist")
    listing = client.get(url)
    assert listing.status_code == 200
    rows = {(row.user.username, row.kind): row for row in listing.context["cl"].result_list}
    assert set(rows) == {
        ("firm_a", "measure"), ("firm_a", "search"), ("firm_b", "search"), ("outsider", "measure")
    }  # fmt: skip
    html = listing.content.decode()
    assert "已退订" in html and "订阅中" in html
    admin = listing.context["cl"].model_admin
    assert str(admin.digest(rows[("firm_b", "search")])) == "已退订"
    assert str(admin.digest(rows[("firm_a", "search")])) == "订阅中"  # no row: subscribed
    assert admin.email(rows[("outsider", "measure")]) == "—"
    assert admin.email(rows[("firm_a", "search")]) == followed.enterprise_a.email
    # an inactive account's address is still shown; whether it is active is a column of its own
    assert admin.email(rows[("firm_b", "search")]) == followed.enterprise_b.email
    assert followed.enterprise_b.email in html
    assert admin.active(rows[("firm_b", "search")]) is False
    assert admin.active(rows[("firm_a", "search")]) is True
    assert reverse("admin:portal_follow_add") not in html and "delete_selected" not in html
    searched = client.get(url, {"q": "firm_b"})
    assert searched.context["cl"].result_count == 1
    by_kind = client.get(url, {"kind__exact": "measure"})
    assert by_kind.context["cl"].result_count == 2
    follow = Follow.objects.get(user=followed.enterprise_b)
    detail = client.get(reverse("admin:portal_follow_change", args=[follow.pk]))
    assert detail.status_code == 200
    page = detail.content.decode()
    assert "q=研发" in page and "已退订" in page and 'name="_save"' not in page
    assert "关注" in client.get(reverse("admin:index")).content.decode()


def test_nobody_adds_changes_or_deletes_a_follow_in_the_admin(client, followed):
    client.force_login(_superuser())
    follow = Follow.objects.get(user=followed.enterprise_b)
    assert client.get(reverse("admin:portal_follow_add")).status_code == 403
    change = client.post(
        reverse("admin:portal_follow_change", args=[follow.pk]), {"label": "forged"}
    )
    assert change.status_code == 403
    delete = client.post(reverse("admin:portal_follow_delete", args=[follow.pk]), {"post": "yes"})
    assert delete.status_code == 403
    assert Follow.objects.filter(pk=follow.pk, label="“研发”").exists()


def test_staff_who_are_not_superusers_do_not_see_follows(client, followed):
    for staff in (followed.city_commerce, followed.district_staff_a):
        staff.user_permissions.add(Permission.objects.get(codename="view_follow"))
        client.force_login(staff)
        assert client.get(reverse("admin:portal_follow_changelist")).status_code == 403
        follow = Follow.objects.filter(user=followed.enterprise_a).first()
        change = reverse("admin:portal_follow_change", args=[follow.pk])
        assert client.get(change).status_code == 403


def test_the_admin_list_of_follows_reads_a_fixed_number_of_queries(
    client, followed, measure, django_assert_max_num_queries
):
    client.force_login(_superuser())
    url = reverse("admin:portal_follow_changelist")
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    for n in range(20):
        user = get_user_model().objects.create_user(f"many{n}", email=f"m{n}@example.com")
        DigestSubscription.objects.create(user=user, unsubscribed_at=timezone.now())
        Follow.objects.create(user=user, kind="measure", measure=measure, label=measure.title)
    with django_assert_max_num_queries(len(few)):
        assert client.get(url).status_code == 200

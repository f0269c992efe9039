"""``send_digests``: one mail a day per subscribed user with something new, none after
unsubscribing; the one-click unsubscribe (RFC 8058).

Each trigger: a new measure matching a followed search, a new measure the enterprise's profile
qualifies for (符合), a followed measure revised, a followed measure nearing its end
(即将到期), an application of the user's enterprise that moved.
"""

import datetime
import re
from io import StringIO

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from applications import services
from applications.profile import store_answers
from applications.services import enterprise_of
from policies.models import Measure, MeasureRevision, PolicyDocument, Topic
from portal import dates, follows
from portal.models import Digest, DigestSubscription, Follow
from tests.applications.conftest import TODAY_IN_TERM, measure_at, submitted
from tests.threads import race

pytestmark = pytest.mark.django_db

DAY = TODAY_IN_TERM  # 2023-10-16: 鞍山 2023 item 3（1） takes applications
A24 = "000_6bda17272921f9c3.txt"
LIAOCHENG = "003_76bc870404a33f18.txt"


@pytest.fixture(autouse=True)
def _today(settings):
    settings.PORTAL_TODAY = DAY


def run(day=None):
    out = StringIO()
    args = ["--date", day] if day else []
    call_command("send_digests", *args, stdout=out)
    return out.getvalue()


def new_measure(source, title, topic=None):
    """A measure added to a document now (the highest id: new to every follow)."""
    document = PolicyDocument.objects.get(source=source)
    number = 900 + Measure.all_objects.filter(document=document).count()
    measure = Measure.objects.create(
        document=document,
        path=[number],
        path_key=str(number),
        position=number,
        title=title,
        text=f"{title}，按规定给予补贴。",
    )
    if topic is not None:
        measure.topics.add(topic)
    return measure


def revise(measure):
    return MeasureRevision.objects.create(
        measure=measure,
        document=measure.document,
        version=2,
        kind=MeasureRevision.Kind.CHANGED,
        before={"title": measure.title},
        after={"title": measure.title + "（修订）"},
        at=dates.now(),
    )


def test_a_new_measure_matching_a_followed_search(personas, mailoutbox):
    user = personas.enterprise_a
    topic = Topic.objects.order_by("pk").first()
    follows.follow_search(user, f"city=anshan&topic={topic.slug}")
    assert "提醒邮件 0 封" in run()  # nothing new yet
    matching = new_measure(A24, "新设的消费补贴措施", topic=topic)
    elsewhere = new_measure(LIAOCHENG, "聊城新设措施", topic=topic)
    other_topic = new_measure(A24, "另一主题的新措施")
    out = run()
    assert "提醒邮件 1 封" in out
    (message,) = mailoutbox
    assert message.to == [user.email]
    assert message.subject.startswith("【惠企政策服务门户】关注提醒（2023-10-16）：1 条新动态")
    body = message.body
    assert f"符合“鞍山市 · 主题：{topic.name}”的新措施（1）" in body
    assert (
        matching.title in body and f"http://127.0.0.1:8000/policies/measures/{matching.pk}/" in body
    )
    assert elsewhere.title not in body and other_topic.title not in body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html" and matching.title in html
    # the token is signed with the second it was made in: read it off the mail and check
    # whom it names, rather than making another one a second later
    (token,) = re.findall(r"http://127\.0\.0\.1:8000/accounts/follows/unsubscribe/([^/\s]+)/", body)
    assert follows.user_of_token(token) == user
    unsubscribe = f"http://127.0.0.1:8000/accounts/follows/unsubscribe/{token}/"
    assert unsubscribe in html
    assert message.extra_headers["List-Unsubscribe"] == f"<{unsubscribe}>"
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    digest = Digest.objects.get(user=user)
    assert digest.day == datetime.date(2023, 10, 16)
    # the next day: nothing new since, nothing sent
    assert "提醒邮件 0 封" in run("2023-10-17")
    assert len(mailoutbox) == 1


def test_a_search_with_words_is_rerun_through_the_lists_filter(personas, mailoutbox):
    from policies import search

    follows.follow_search(personas.enterprise_a, "q=冰雪旅游")
    match = new_measure(A24, "冰雪旅游消费奖励")
    other = new_measure(A24, "工业技术改造奖励")
    search.reindex_measures([match, other])
    run()
    (message,) = mailoutbox
    assert match.title in message.body and other.title not in message.body


def test_new_measures_the_enterprise_profile_qualifies_for(personas, mailoutbox, settings):
    settings.PORTAL_TODAY = "2025-06-30"  # 鞍山 2024 in force
    user = personas.enterprise_a
    store_answers(enterprise_of(user), user, {"industry": "C", "activities": ["rnd"]})
    first = measure_at("1", A24)  # 揭榜挂帅: industry C with R&D → 符合
    second = measure_at("2", A24)  # needs an investment project → not 符合
    follow, _created = follows.follow_profile(user)
    # as if followed before 鞍山 2024's measures were published
    Follow.objects.filter(pk=follow.pk).update(measure_watermark=min(first.pk, second.pk) - 1)
    follows.follow_profile(personas.enterprise_b)  # no answers kept: nothing to match
    Follow.objects.filter(user=personas.enterprise_b).update(measure_watermark=first.pk - 1)
    run()
    (message,) = mailoutbox
    assert message.to == [user.email]
    assert "新发布、您的企业符合条件的措施" in message.body
    assert first.title in message.body and second.title not in message.body


def test_a_followed_measure_revised(personas, mailoutbox, measure):
    user = personas.outsider  # any signed-in user may follow
    follows.follow_measure(user, measure)
    other = measure_at("3.2")
    follows.follow_measure(user, other)
    run()
    assert mailoutbox == []
    revise(measure)
    run()
    (message,) = mailoutbox
    assert "您关注的措施已修订（1）" in message.body
    assert f"{measure.title}：修订（2023年10月16日）" in message.body
    assert other.title not in message.body


def test_a_followed_measure_repealed(personas, mailoutbox):
    from policies import publishing

    user = personas.outsider
    repealed = measure_at("1", LIAOCHENG)
    follows.follow_measure(user, repealed)
    publishing.repeal(repealed.document, on=datetime.date(2023, 10, 16), basis="市政府令第1号")
    run()
    (message,) = mailoutbox
    assert "您关注的措施已撤回或废止（1）" in message.body
    assert f"{repealed.title}：已废止（2023年10月16日，市政府令第1号）" in message.body
    assert Digest.objects.get(user=user).content["retired"] == [repealed.pk]
    run("2023-10-17")  # told once
    assert len(mailoutbox) == 1


def test_a_revision_before_the_follow_is_not_news(personas, mailoutbox, measure):
    revise(measure)
    follows.follow_measure(personas.outsider, measure)
    run()
    assert mailoutbox == []


def test_a_followed_measure_nearing_its_end_is_told_once(personas, mailoutbox):
    user = personas.outsider
    ending = measure_at("1", LIAOCHENG)
    Measure.all_objects.filter(pk=ending.pk).update(
        valid_from=None, valid_until=datetime.date(2023, 11, 15), validity_kind="dated"
    )
    lasting = measure_at("2", LIAOCHENG)
    Measure.all_objects.filter(pk=lasting.pk).update(
        valid_from=None, valid_until=datetime.date(2024, 12, 31), validity_kind="dated"
    )
    follows.follow_measure(user, ending)
    follows.follow_measure(user, lasting)
    run()
    (message,) = mailoutbox
    assert "您关注的措施即将到期（1）" in message.body
    assert f"{ending.title}：执行至2023年11月15日" in message.body
    assert lasting.title not in message.body
    assert Digest.objects.get(user=user).content["ending"] == [[ending.pk, "2023-11-15"]]
    # told: not again the next days while it stays 即将到期
    run("2023-10-17")
    run("2023-10-20")
    assert len(mailoutbox) == 1
    # a new end date is news again
    Measure.all_objects.filter(pk=ending.pk).update(valid_until=datetime.date(2023, 12, 1))
    run("2023-10-21")
    assert len(mailoutbox) == 2 and "执行至2023年12月1日" in mailoutbox[1].body


def test_an_application_of_the_enterprise_that_moved(personas, mailoutbox, measure):
    user = personas.enterprise_a
    follows.follow_measure(user, measure_at("3.2"))
    follows.follow_measure(personas.enterprise_a2, measure_at("3.2"))
    follows.follow_measure(personas.enterprise_b, measure_at("3.2"))
    application = submitted(user, measure)  # by the user: their own step is no news to them
    run()
    mails = {tuple(m.to): m for m in mailoutbox}
    assert set(mails) == {(personas.enterprise_a2.email,)}  # the colleague is told
    assert application.number in mails[(personas.enterprise_a2.email,)].body
    mailoutbox.clear()
    services.approve_step(application, personas.district_staff_a)
    run("2023-10-17")
    mails = {tuple(m.to): m for m in mailoutbox}
    assert set(mails) == {(user.email,), (personas.enterprise_a2.email,)}  # not enterprise B
    body = mails[(user.email,)].body
    assert "您企业的申报有新进展（1）" in body and application.number in body
    assert f"/applications/{application.pk}/" in body


def test_run_twice_the_same_day_one_mail_per_user(personas, mailoutbox, measure):
    for user in (personas.enterprise_a, personas.enterprise_b, personas.outsider):
        follows.follow_measure(user, measure)
    revise(measure)
    assert "提醒邮件 3 封" in run()
    assert "提醒邮件 0 封" in run()
    assert "提醒邮件 0 封" in run(DAY)
    assert len(mailoutbox) == 3 and Digest.objects.count() == 3
    assert sorted(m.to[0] for m in mailoutbox) == sorted(
        u.email for u in (personas.enterprise_a, personas.enterprise_b, personas.outsider)
    )


def test_the_days_row_is_claimed_once(personas):
    day = datetime.date(2023, 10, 16)
    assert follows.claim(Digest(user=personas.outsider, day=day)) is True
    assert follows.claim(Digest(user=personas.outsider, day=day)) is False
    assert Digest.objects.filter(user=personas.outsider).count() == 1


def test_none_after_unsubscribing_and_again_after_subscribing(personas, mailoutbox, measure):
    user = personas.outsider
    follows.follow_measure(user, measure)
    follows.set_subscribed(user, False)
    revise(measure)
    run()
    assert mailoutbox == [] and not Digest.objects.exists()
    follows.set_subscribed(user, True)
    run()
    assert len(mailoutbox) == 1


@pytest.mark.parametrize(
    "row, subscribed",
    [
        (None, True),  # no row: subscribed
        ("off", False),
        ("off-on", True),  # subscribed again after leaving: a row with the field empty
    ],
)
def test_every_reader_of_the_subscription_agrees(personas, mailoutbox, measure, row, subscribed):
    """Whether a user is subscribed is stated once (``DigestSubscription``'s queryset and
    row): the follows page's check, the digest run's recipients, the admin's column and the
    row's name give the same answer in each of the three states."""
    from django.contrib.admin.sites import site

    from portal.admin import FollowAdmin

    user = personas.outsider
    follows.follow_measure(user, measure)
    for step in row.split("-") if row else ():
        follows.set_subscribed(user, step == "on")
    label = "订阅中" if subscribed else "已退订"
    assert follows.is_subscribed(user) is subscribed
    assert DigestSubscription.objects.unsubscribed().filter(user=user).exists() is not subscribed
    assert DigestSubscription.objects.subscribed().filter(user=user).exists() is (row == "off-on")
    for subscription in DigestSubscription.objects.filter(user=user):
        assert subscription.subscribed is subscribed and str(subscription).endswith(label)
    follow = Follow.objects.select_related("user__digest_subscription").get(user=user)
    assert str(FollowAdmin(Follow, site).digest(follow)) == label
    revise(measure)
    run()
    assert [message.to for message in mailoutbox] == ([[user.email]] if subscribed else [])


def test_inactive_users_and_users_without_email_get_nothing(personas, mailoutbox, measure):
    gone, silent = personas.enterprise_b, personas.outsider
    gone.is_active = False
    gone.save()
    silent.email = ""
    silent.save()
    for user in (gone, silent):
        follows.follow_measure(user, measure)
    revise(measure)
    run()
    assert mailoutbox == []


def test_one_click_unsubscribe_without_signing_in(personas, mailoutbox, measure):
    user = personas.outsider
    follows.follow_measure(user, measure)
    revise(measure)
    run()
    url = (
        mailoutbox[0]
        .extra_headers["List-Unsubscribe"]
        .strip("<>")
        .removeprefix("http://127.0.0.1:8000")
    )
    client = Client(enforce_csrf_checks=True)  # a mail client sends no CSRF token
    # GET: a confirmation page, nothing written
    page = client.get(url)
    assert page.status_code == 200 and "确认退订" in page.content.decode()
    assert follows.is_subscribed(user)
    response = client.post(
        url, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 200 and "已退订" in response.content.decode()
    assert not follows.is_subscribed(user)
    assert "已退订" in client.get(url).content.decode()
    revise(measure)
    run("2023-10-17")
    assert len(mailoutbox) == 1
    # the follows page can turn it on again
    signed_in = Client()
    signed_in.force_login(user)
    signed_in.post(reverse("follows:digest"), {"digest": "on"})
    run("2023-10-18")
    assert len(mailoutbox) == 2


@pytest.mark.parametrize("token", ["nonsense", "MQ:1aBcDe:xyz", "%E4%B8%AD", "a" * 300, "1:bad"])
def test_a_bad_token_answers_a_chinese_page_not_500(client, personas, token):
    for response in (
        client.get(f"/accounts/follows/unsubscribe/{token}/"),
        client.post(f"/accounts/follows/unsubscribe/{token}/"),
    ):
        assert response.status_code == 400
        assert "退订链接无效" in response.content.decode()


def test_an_altered_token_is_refused(client, personas):
    token = follows.unsubscribe_token(personas.outsider)
    other = follows.unsubscribe_token(personas.enterprise_a)
    forged = other.split(":")[0] + ":" + token.split(":", 1)[1]
    response = client.post(f"/accounts/follows/unsubscribe/{forged}/")
    assert response.status_code == 400
    assert follows.is_subscribed(personas.outsider) and follows.is_subscribed(personas.enterprise_a)


def test_a_bad_date_is_refused():
    with pytest.raises(CommandError):
        run("2023-02-30")


def test_the_digest_goes_through_the_task_queue(
    personas, measure, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "portal.mail.QueuedEmailBackend"
    settings.PORTAL_EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    follows.follow_measure(personas.outsider, measure)
    revise(measure)
    with django_capture_on_commit_callbacks(execute=True):
        run()
    (message,) = mail.outbox
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message.alternatives[0][1] == "text/html"
    assert measure.title in message.body


@pytest.mark.django_db(transaction=True)
def test_concurrent_runs_send_one_mail_per_user(transactional_catalogue, settings, mailoutbox):
    """Four runs at the same moment (real threads, each its own connection): each user's
    day is claimed once under the unique (user, day) constraint — one mail each."""

    from tests.applications.conftest import make_user

    settings.PORTAL_TODAY = DAY
    measure = measure_at("3.1")
    users = [make_user(f"reader{n}") for n in range(3)]
    for user in users:
        follows.follow_measure(user, measure)
    revise(measure)
    results = race(*[lambda: call_command("send_digests", stdout=StringIO())] * 4)
    errors = [result for result in results if isinstance(result, Exception)]
    assert errors == []
    assert sorted(m.to[0] for m in mailoutbox) == sorted(u.email for u in users)
    assert Digest.objects.count() == 3

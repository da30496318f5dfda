"""The public forms without a session (newsletter subscription, network sign-up): a CSRF token per visitor
(a nonce cookie and an HMAC of it in the form), and in-process limits on the confirmation emails they send."""
from __future__ import annotations

import asyncio
from datetime import timedelta

import httpx
import pytest
from sqlmodel import select

from models.tables import OutboundMessage
from raadsbode.store.associations import create_association
from raadsbode.db import session_scope
from tests.support.env import unique_slug
from tests.support.links import CSRF_FIELD
from tests.support.workspace import add_meeting, make_tenant
from web.app import create_app
from web.common.public_csrf import COOKIE
from web.common.rate_limit import PublicFormLimits, SlidingWindow

GOOD = "203.0.113.7"


@pytest.fixture
def app(settings):
    return create_app(settings)


def visitor(app, ip: str = GOOD, **headers) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app, client=(ip, 4711)),
                             base_url="http://raadsbode.test", headers=headers)


def csrf_in(page: httpx.Response) -> str:
    return CSRF_FIELD.search(page.text).group(1)


@pytest.fixture
def newsletter(session_factory_) -> tuple[int, str]:
    with session_scope(session_factory_) as s:
        association = create_association(s, unique_slug("pub"), "VNG Flevoland", "info@vng-flevoland.test")
        return association.id, f"/nieuwsbrief/{association.slug}/aanmelden"


@pytest.fixture
def network_forms(session_factory_) -> list[str]:
    """Two network meetings' public sign-up forms (no workflow: everything here is refused before it)."""
    tenant = make_tenant(session_factory_)
    return [f"/openbaar/{tenant.slug}/netwerk/{add_meeting(session_factory_, tenant, title, 20, kind='network')}"
            for title in ("Netwerkbijeenkomst griffiers", "Netwerkbijeenkomst ICT")]


def _subscription(email: str, csrf: str) -> dict[str, str]:
    return {"name": "Anna Jansen", "email": email, "csrf": csrf}


async def test_the_form_sets_a_nonce_cookie_and_a_token_of_this_visitor(app, newsletter, settings):
    _, path = newsletter
    async with visitor(app) as anna, visitor(app) as bram:
        first, again, other = await anna.get(path), await anna.get(path), await bram.get(path)
    cookie = first.headers["set-cookie"]
    assert COOKIE in cookie and "HttpOnly" in cookie and "samesite=lax" in cookie.lower() and "Secure" not in cookie
    assert "set-cookie" not in again.headers and csrf_in(again) == csrf_in(first)  # the same visitor keeps it
    assert csrf_in(other) != csrf_in(first)  # not one token for every visitor
    production = settings.model_copy(update={"environment": "production", "public_base_url": "https://raadsbode.test"})
    async with visitor(create_app(production)) as secure:
        assert "Secure" in (await secure.get(path)).headers["set-cookie"]


async def test_newsletter_post_needs_the_token_of_its_own_cookie(app, newsletter, sink):
    _, path = newsletter
    async with visitor(app) as anna, visitor(app) as mallory, visitor(app) as bare:
        mine = csrf_in(await anna.get(path))
        theirs = csrf_in(await mallory.get(path))
        foreign = await anna.post(path, data=_subscription("anna@example.test", theirs))
        no_field = await anna.post(path, data={"name": "Anna", "email": "anna@example.test"})
        no_cookie = await bare.post(path, data=_subscription("anna@example.test", mine))
        elsewhere = await anna.post(path, data=_subscription("anna@example.test", mine),
                                    headers={"Origin": "https://evil.test"})
        good = await anna.post(path, data=_subscription("anna@example.test", mine))
    for refused in (foreign, no_field, no_cookie, elsewhere):
        assert refused.status_code == 403 and "Laad de pagina opnieuw" in refused.text
    assert 'value="anna@example.test"' in foreign.text  # what was typed is kept
    assert good.status_code == 200 and "Bijna klaar" in good.text
    assert len(sink.to("anna@example.test")) == 1


async def test_network_sign_up_token_is_per_visitor_and_per_meeting(app, network_forms, newsletter):
    first, second = network_forms
    form = {"name": "Anna", "email": "anna@dronten.test", "organisation": "Gemeente Dronten"}
    async with visitor(app) as anna, visitor(app) as mallory:
        page = await anna.get(first)
        assert page.status_code == 200 and COOKIE in page.headers["set-cookie"]
        mine, of_second = csrf_in(page), csrf_in(await anna.get(second))
        theirs = csrf_in(await mallory.get(first))
        newsletter_token = csrf_in(await anna.get(newsletter[1]))
        answers = [await anna.post(first, data=form | {"csrf": token}) for token in (theirs, of_second, newsletter_token)]
        answers.append(await mallory.post(first, data=form | {"csrf": mine}))
    assert len({mine, of_second, theirs, newsletter_token}) == 4
    for answer in answers:
        assert answer.status_code == 403 and "Laad de pagina opnieuw" in answer.text
        assert 'value="anna@dronten.test"' in answer.text


async def test_over_the_ip_limit_the_subscription_answers_429_and_sends_nothing(app, newsletter, sink):
    _, path = newsletter
    async with visitor(app) as flood, visitor(app, "198.51.100.9") as elsewhere:
        csrf = csrf_in(await flood.get(path))
        sent = [await flood.post(path, data=_subscription(f"lezer{i}@example.test", csrf)) for i in range(5)]
        over = await flood.post(path, data=_subscription("lezer5@example.test", csrf))
        other_ip = await elsewhere.post(path, data=_subscription("lezer6@example.test", csrf_in(await elsewhere.get(path))))
    assert [answer.status_code for answer in sent] == [200] * 5 and other_ip.status_code == 200
    assert over.status_code == 429 and "Er is nu niets verstuurd" in over.text and "minuten opnieuw" in over.text
    assert 'value="lezer5@example.test"' in over.text
    assert not sink.to("lezer5@example.test") and len(sink.to("lezer6@example.test")) == 1


async def test_posts_that_send_nothing_do_not_count(app, newsletter, sink):
    _, path = newsletter
    async with visitor(app) as anna:
        csrf = csrf_in(await anna.get(path))
        for _ in range(8):  # typos, and the same address again (no second mail within ten minutes)
            assert (await anna.post(path, data=_subscription("geen-adres", csrf))).status_code == 422
            assert (await anna.post(path, data=_subscription("anna@example.test", csrf))).status_code == 200
    assert len(sink.to("anna@example.test")) == 1


def _age_confirmations(sessions, association_id: int) -> None:
    """As if the confirmation mails went out eleven minutes ago (subscribe() mails a pending address again then)."""
    with session_scope(sessions) as s:
        for row in s.exec(select(OutboundMessage).where(OutboundMessage.association_id == association_id)):
            row.sent_at = row.sent_at - timedelta(minutes=11)
            s.add(row)


async def test_over_the_address_limit_the_subscription_answers_429(app, newsletter, session_factory_, sink):
    association_id, path = newsletter
    answers = []
    for i in range(4):  # from four addresses, so only the per-address limit can refuse
        async with visitor(app, f"198.51.100.{i + 1}") as someone:
            answers.append(await someone.post(path, data=_subscription("doelwit@example.test",
                                                                         csrf_in(await someone.get(path)))))
        _age_confirmations(session_factory_, association_id)
    assert [answer.status_code for answer in answers] == [200, 200, 200, 429]
    assert len(sink.to("doelwit@example.test")) == 3


async def test_network_sign_up_over_the_limit_answers_429_before_the_workflow(app, network_forms):
    app.state.public_form_limits = limits = PublicFormLimits(per_ip=5, per_address=3)
    for i in range(5):
        assert limits.take("network-signup", GOOD, f"iemand{i}@dronten.test") == 0
    async with visitor(app) as anna:
        csrf = csrf_in(await anna.get(network_forms[0]))
        over = await anna.post(network_forms[0], data={"csrf": csrf, "name": "Anna", "email": "anna@dronten.test",
                                                       "organisation": "Gemeente Dronten"})
    assert over.status_code == 429 and "Er is nu niets verstuurd" in over.text and 'value="Anna"' in over.text


def test_the_window_slides_and_zero_means_no_limit():
    now = [1000.0]
    window = SlidingWindow(limit=2, window=600, clock=lambda: now[0])
    window.hit("a")
    now[0] += 300
    window.hit("a")
    assert window.wait_seconds("a") == pytest.approx(300) and window.wait_seconds("b") == 0
    now[0] += 301
    assert window.wait_seconds("a") == 0  # the first hit left the window
    unlimited = PublicFormLimits(per_ip=0, per_address=0)
    assert [unlimited.take("newsletter-subscribe", GOOD, "a@example.test") for _ in range(100)] == [0] * 100
    limits = PublicFormLimits(per_ip=5, per_address=1, clock=lambda: now[0])
    assert limits.take("newsletter-subscribe", GOOD, "a@example.test") == 0
    assert limits.take("newsletter-subscribe", "198.51.100.1", "a@example.test") == 60  # refused: not counted
    assert limits.take("network-signup", "198.51.100.1", "a@example.test") == 0  # per form
    limits.give_back("newsletter-subscribe", GOOD, "a@example.test")  # that mail did not go out after all
    assert limits.take("newsletter-subscribe", "198.51.100.1", "a@example.test") == 0
    for i in range(3):  # two of the IP's five are taken; the refusal in between did not count
        assert limits.take("network-signup", "198.51.100.1", f"b{i}@example.test") == 0
    assert limits.take("network-signup", "198.51.100.1", "b3@example.test") == 10


async def test_posts_at_once_from_one_ip_send_no_more_than_the_limit(app, newsletter, sink):
    """The limit is taken before the mail goes out, not counted after: parallel posts cannot all pass the check."""
    _, path = newsletter
    async with visitor(app) as flood:
        csrf = csrf_in(await flood.get(path))
        answers = await asyncio.gather(*(flood.post(path, data=_subscription(f"golf{i}@example.test", csrf))
                                         for i in range(8)))
    assert sorted(answer.status_code for answer in answers) == [200] * 5 + [429] * 3
    assert sum(len(sink.to(f"golf{i}@example.test")) for i in range(8)) == 5

"""Offer alerts in Chromium: an agent with the console open hears a tone, gets a desktop notification,
sees the seconds left on the offer, and reads the number of waiting offers in the tab title.

The page's Web Audio oscillators and `new Notification` are spied on by an init script (headless
Chromium has no speaker and no notification centre); the notification permission is granted to the
browser context as an agent would grant it when the sign-in page asks."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect
from playwright.sync_api import Error as PlaywrightError

from devstack.browser import SHOTS, sign_in
from devstack.hub_clients import HubRun, new_cid
from tests.security.standalone_hub import hub_without_bot

RESERVATION_S = 12  # long enough to look at an offer twice on a loaded host

SPY = """
window.__alerts = { tones: [], notifications: [], closed: [], asked: 0 };
const RealNotification = window.Notification;
function SpyNotification(title, options) {
  const real = new RealNotification(title, options);
  const record = { title, body: (options || {}).body, tag: (options || {}).tag };
  window.__alerts.notifications.push(record);
  const close = real.close.bind(real);
  real.close = () => { window.__alerts.closed.push(record.tag); close(); };
  return real;
}
Object.defineProperty(SpyNotification, "permission", { get: () => RealNotification.permission });
SpyNotification.requestPermission = (...args) => { window.__alerts.asked += 1; return RealNotification.requestPermission(...args); };
window.Notification = SpyNotification;
const realStart = OscillatorNode.prototype.start;
OscillatorNode.prototype.start = function (...args) {
  window.__alerts.tones.push(this.frequency.value);
  return realStart.apply(this, args);
};
"""


@pytest.fixture(scope="module")
def quiet_hub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[HubRun]:
    """A hub without a bot: the offers come from handoffs posted on the channel API."""
    with hub_without_bot(tmp_path_factory.mktemp("alerts"), HANDOFF_RESERVATION_S=str(RESERVATION_S)) as run:
        yield run


def agent_page(browser: Browser, hub: HubRun) -> Page:
    context = browser.new_context(viewport={"width": 1400, "height": 900}, permissions=["notifications"])
    context.add_init_script(SPY)
    page = context.new_page()
    sign_in(page, hub.url, "agent1", hub.passwords["agent1"])
    expect(page).to_have_url(re.compile(r"/console/agent"))
    expect(page.locator("#me")).to_have_text("李娜")
    return page


def alerts(page: Page) -> dict:
    return page.evaluate("window.__alerts")


def seconds_shown(page: Page, request_id: str) -> int:
    text = page.locator(f'.offer[data-request="{request_id}"] .countdown').inner_text()
    return int(re.search(r"\d+", text).group())


def test_an_offer_rings_notifies_counts_down_and_shows_in_the_title(quiet_hub: HubRun, browser: Browser) -> None:
    page = agent_page(browser, quiet_hub)
    page.select_option("#state", "available")
    expect(page).to_have_title("坐席工作台")
    assert alerts(page)["tones"] == []

    first, second = new_cid("alert"), new_cid("alert")
    assert quiet_hub.handoff(first, summary=[{"speaker": "customer", "text": "我的手机号 13800138000"}]).status_code == 201
    offer = page.locator(".offer").first
    expect(offer).to_contain_text("客户要求人工", timeout=15_000)
    expect(page).to_have_title("(1) 坐席工作台")
    first_rid = offer.get_attribute("data-request")

    # The tone: two oscillator beeps for the offer.
    page.wait_for_function("() => window.__alerts.tones.length >= 2", timeout=5_000)
    assert alerts(page)["tones"][:2] == [880, 1175]
    # The notification: what it is and how long is left, and nothing the customer said.
    notes = alerts(page)["notifications"]
    assert len(notes) == 1 and notes[0]["title"] == "新的转人工请求"
    assert "客户要求人工" in notes[0]["body"] and "秒内接入" in notes[0]["body"]
    assert "138" not in notes[0]["body"] and "手机" not in notes[0]["body"]
    # The countdown starts from the hub's reservation time and runs down.
    start = seconds_shown(page, first_rid)
    assert 1 <= start <= RESERVATION_S
    expect(offer.locator(".countdown")).not_to_have_text(re.compile(rf"\b{start}\b"), timeout=5_000)
    assert seconds_shown(page, first_rid) < start

    assert quiet_hub.handoff(second).status_code == 201
    expect(page.locator(".offer")).to_have_count(2, timeout=15_000)
    expect(page).to_have_title("(2) 坐席工作台")
    page.wait_for_function("() => window.__alerts.notifications.length == 2 && window.__alerts.tones.length >= 4")
    page.screenshot(path=str(SHOTS / "20_agent_two_offers_alerted.png"))

    page.click("[data-toggle-lang]")
    expect(page).to_have_title("(2) Agent console")
    page.click("[data-toggle-lang]")

    offer.locator(".accept").click()  # the first offer: the count drops, its notification closes
    expect(page).to_have_title("(1) 坐席工作台")
    assert f"offer-{first_rid}" in alerts(page)["closed"]
    expect(page.locator("#conv-title")).to_have_text(first)

    page.select_option("#state", "away")  # the hub withdraws the other offer
    expect(page.locator(".offer")).to_have_count(0)
    expect(page).to_have_title("坐席工作台")
    assert len(alerts(page)["notifications"]) == 2  # no alert for an offer going away


def test_the_sign_in_page_asks_for_notifications_and_the_console_offers_to_enable_sound(
        quiet_hub: HubRun, browser: Browser) -> None:
    """Signing in is the click that asks for the notification permission; on the console, the enable
    button (shown until the page has had a click) plays the tone so the agent knows it."""
    context = browser.new_context(viewport={"width": 1400, "height": 900})  # permission not decided yet
    context.add_init_script(SPY)
    page = context.new_page()
    page.goto(f"{quiet_hub.url}/console")
    page.fill("#username", "agent2")
    page.fill("#password", quiet_hub.passwords["agent2"])
    asked = page.evaluate("""() => new Promise((resolve) => {
        document.getElementById("sign-in").click();
        resolve(window.__alerts.asked);
    })""")
    assert asked == 1
    expect(page).to_have_url(re.compile(r"/console/agent"))
    button = page.locator("#enable-alerts")
    expect(button).to_be_visible()
    expect(button).to_have_text("启用提示音和通知")
    button.click()
    try:
        page.wait_for_function("() => window.__alerts.tones.length >= 2", timeout=10_000)
    except PlaywrightError as exc:
        raise AssertionError(f"no tone: {alerts(page)}; offers: {page.locator('#offers').inner_text()}") from exc
    assert alerts(page)["tones"] == [880, 1175]

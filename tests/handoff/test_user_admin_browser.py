"""A supervisor manages agents and claims adjusters in the console, in Chromium: creates one (the password shown
once), who signs in with it; a reset ends the open console and only the new password works; a disabled account's
console ends at once and cannot sign in again."""

from __future__ import annotations

import re
from collections.abc import Iterator

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect

from devstack.browser import SHOTS, sign_in
from devstack.hub_clients import HubRun
from tests.security.standalone_hub import hub_without_bot


@pytest.fixture(scope="module")
def quiet_hub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[HubRun]:
    with hub_without_bot(tmp_path_factory.mktemp("users")) as run:
        yield run


def supervisor_console(browser: Browser, hub: HubRun) -> Page:
    """The supervisor's console once its script has run: the user list has loaded, so the form's handler is bound
    (a click before that submits the bare HTML form, and no password is ever shown)."""
    page = browser.new_context(viewport={"width": 1400, "height": 1400}).new_page()
    page.on("dialog", lambda dialog: dialog.accept())
    sign_in(page, hub.url, "supervisor", hub.passwords["supervisor"])
    expect(page).to_have_url(re.compile(r"/console/supervisor"))
    expect(page.locator('#user-table tr[data-user="supervisor"]')).to_be_visible()
    return page


def agent_signs_in(browser: Browser, hub: HubRun, password: str) -> Page:
    page = browser.new_context(viewport={"width": 1400, "height": 900}).new_page()
    sign_in(page, hub.url, "zhao.lei", password)
    expect(page).to_have_url(re.compile(r"/console/agent"))
    expect(page.locator("#me")).to_have_text("赵磊")
    return page


def sign_in_refused_as(hub: HubRun, username: str, password: str) -> httpx.Response:
    response = httpx.post(f"{hub.url}/api/console/login", json={"username": username, "password": password},
                          timeout=15)
    assert response.status_code in (401, 403), response.text
    return response


def sign_in_refused(hub: HubRun, password: str) -> httpx.Response:
    return sign_in_refused_as(hub, "zhao.lei", password)


def test_supervisor_creates_resets_and_disables_an_agent(quiet_hub: HubRun, browser: Browser) -> None:
    supervisor = supervisor_console(browser, quiet_hub)

    supervisor.fill("#user-username", "zhao.lei")
    supervisor.fill("#user-name", "赵磊")
    supervisor.check('input[name="user-language"][value="en"]')
    supervisor.check('input[name="user-skill"][value="claims"]')
    supervisor.fill("#user-capacity", "2")
    supervisor.click("#user-create")
    expect(supervisor.locator("#new-password")).to_contain_text("只显示这一次")
    first_password = supervisor.locator("#password-value").inner_text()
    assert len(first_password) >= 16
    row = supervisor.locator('#user-table tr[data-user="zhao.lei"]')
    expect(row).to_contain_text("赵磊")
    expect(row).to_contain_text("zh,en")
    expect(row).to_contain_text("general,claims")
    supervisor.screenshot(path=str(SHOTS / "26_supervisor_created_agent.png"), full_page=True)
    supervisor.click("#hide-password")
    expect(supervisor.locator("#new-password")).to_be_hidden()
    assert first_password not in supervisor.content()  # gone from the page once hidden

    agent = agent_signs_in(browser, quiet_hub, first_password)

    row.locator(".reset-user").click()
    expect(supervisor.locator("#new-password")).to_contain_text("zhao.lei")
    second_password = supervisor.locator("#password-value").inner_text()
    assert second_password != first_password
    expect(agent).to_have_url(re.compile(r"/console$"), timeout=10_000)  # the open console was signed out
    assert sign_in_refused(quiet_hub, first_password).json()["error"]["code"] == "bad_credentials"
    agent = agent_signs_in(browser, quiet_hub, second_password)

    row.locator(".disable-user").click()
    expect(row).to_contain_text("已停用")
    expect(agent).to_have_url(re.compile(r"/console$"), timeout=10_000)
    agent.fill("#username", "zhao.lei")
    agent.fill("#password", second_password)
    agent.click("#sign-in")
    expect(agent.locator("#error")).to_contain_text("此账号已被主管停用")
    agent.screenshot(path=str(SHOTS / "27_disabled_agent_sign_in.png"))

    row.locator(".enable-user").click()
    expect(row).to_contain_text("正常")
    agent_signs_in(browser, quiet_hub, second_password)

    supervisor.reload()
    expect(supervisor.locator("#new-password")).to_be_hidden()
    audit = supervisor.locator("#audit")
    for action in ("新建坐席", "重置坐席密码", "停用坐席", "启用坐席"):
        expect(audit).to_contain_text(action)
    expect(audit).to_contain_text("zhao.lei")
    for password in (first_password, second_password):
        assert password not in supervisor.content()


def test_supervisor_creates_resets_and_disables_a_claims_adjuster(quiet_hub: HubRun, browser: Browser) -> None:
    supervisor = supervisor_console(browser, quiet_hub)
    supervisor.fill("#user-username", "qian.li")
    supervisor.fill("#user-name", "钱立")
    supervisor.select_option("#user-role", "adjuster")
    supervisor.click("#user-create")
    first_password = supervisor.locator("#password-value").inner_text()
    row = supervisor.locator('#user-table tr[data-user="qian.li"]')
    expect(row.locator(".user-role")).to_have_text("理赔员")
    supervisor.click("#hide-password")

    adjuster = browser.new_context(viewport={"width": 1400, "height": 900}).new_page()
    sign_in(adjuster, quiet_hub.url, "qian.li", first_password)
    expect(adjuster).to_have_url(re.compile(r"/console/adjuster"))  # the claims queue, not the agents' console

    row.locator(".reset-user").click()
    expect(supervisor.locator("#password-value")).to_be_visible()
    second_password = supervisor.locator("#password-value").inner_text()
    assert second_password != first_password
    assert httpx.post(f"{quiet_hub.url}/api/console/login", json={"username": "qian.li", "password": first_password},
                      timeout=15).status_code == 401
    sign_in(adjuster, quiet_hub.url, "qian.li", second_password)
    expect(adjuster).to_have_url(re.compile(r"/console/adjuster"))

    row.locator(".disable-user").click()
    expect(row).to_contain_text("已停用")
    assert adjuster.request.get(f"{quiet_hub.url}/api/console/me").status == 401  # the open session ended
    refused = sign_in_refused_as(quiet_hub, "qian.li", second_password)
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "account_disabled"
    supervisor.screenshot(path=str(SHOTS / "27b_supervisor_disabled_adjuster.png"), full_page=True)

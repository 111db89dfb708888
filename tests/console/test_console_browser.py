"""The console in a real headless Chromium (Debian's ``chromium``, driven by Playwright for Python).

A code sent through the official SDK appears on the open page without a reload; "Advance" moves the emulator
clock; the audit filters work; the page fits a phone. Screenshots go to ``test-artifacts/`` (git-ignored).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from alibabacloud_resourcemanager20200331 import models

from openrd.console.app import TOKEN_COOKIE
from openrd.testing.client import OpenRD
from openrd.testing.server import LiveServer
from support.console import ADMIN_TOKEN, PAGE, World

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PHONE = "86-13900005555"
WAIT_MS = 10_000

try:
    from playwright.sync_api import Browser, ConsoleMessage, Page, expect, sync_playwright
except ImportError as exc:  # pragma: no cover - depends on the machine
    pytest.skip(f"Playwright for Python cannot be imported ({exc}); pip install playwright", allow_module_level=True)
if not CHROMIUM.exists():  # pragma: no cover - depends on the machine
    pytest.skip(f"no Chromium at {CHROMIUM} (apt-get install chromium)", allow_module_level=True)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def console_page(browser: Browser, console_server: LiveServer, rd: OpenRD) -> Iterator[Page]:
    """The console open and live; fails the test on any script error or CSP violation in the page."""
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    page = context.new_page()
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            problems.append(f"console error: {message.text}")

    page.on("console", on_console)
    page.goto(console_server.url + PAGE)
    expect(page.locator("#live-state")).to_have_attribute("data-state", "live", timeout=WAIT_MS)
    yield page
    context.close()  # closes the event stream before the server stops
    assert not problems, problems


def screenshot(page: Page, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / name
    page.screenshot(path=str(path), full_page=True, animations="disabled")
    return path


def test_a_code_sent_through_the_sdk_appears_without_a_reload(console_page: Page, rd: OpenRD) -> None:
    page = console_page
    page.evaluate("window.__sameDocument = true")
    inbox = page.locator("#inbox-rows")
    expect(inbox).to_contain_text("No messages yet")

    account = rd.make_account("buyer", site="cn", secure_mobile_phone=PHONE, enterprise_name="Acme")
    rd.tea_client(account).send_verification_code_for_enable_rd(models.SendVerificationCodeForEnableRDRequest())
    code = rd.latest_code(PHONE)

    row = inbox.locator("tr", has_text=code)
    expect(row).to_be_visible(timeout=WAIT_MS)
    expect(row).to_contain_text("86-139****5555")
    expect(row).to_contain_text("EnableRD")
    expect(row.locator("time.age")).to_have_text(re.compile(r"^[0-9]+ s ago$"))
    expect(page.locator("#directory-tree")).to_contain_text("buyer", timeout=WAIT_MS)
    expect(page.locator("#audit-rows")).to_contain_text("SendVerificationCodeForEnableRD", timeout=WAIT_MS)
    assert page.evaluate("window.__sameDocument") is True, "the page reloaded"
    assert "13900005555" not in page.content()


def test_advance_moves_the_clock(console_page: Page, rd: OpenRD) -> None:
    page = console_page
    offset = page.locator("#clock-offset")
    expect(offset).to_have_text("0 s (real time)")
    before = page.locator("#clock-now").inner_text()

    page.get_by_label("Advance the clock by (seconds)").fill("7200")
    page.get_by_role("button", name="Advance", exact=True).click()
    expect(offset).to_have_text("+2 h", timeout=WAIT_MS)
    expect(page.locator("#clock-message")).to_contain_text("+2 h")
    assert rd.advance(1)["offset_seconds"] == 7201  # the server moved, not just the page
    expect(offset).to_have_text("+2 h 1 s", timeout=WAIT_MS)  # and the stream brings a change made elsewhere
    assert page.locator("#clock-now").inner_text()[:13] != before[:13]  # two hours later, the hour differs

    page.get_by_role("button", name="Back to real time").click()
    expect(offset).to_have_text("0 s (real time)", timeout=WAIT_MS)


def test_the_audit_filters_narrow_the_log(console_page: Page, rd: OpenRD, world: World) -> None:
    page = console_page
    rows = page.locator("#audit-rows tr:not([hidden])")
    total = 6  # the world's calls: enable, folder, resource account, send + bind, and the outsider's send
    expect(rows).to_have_count(total, timeout=WAIT_MS)

    page.get_by_label("Action").fill("folder")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("CreateFolder")
    expect(page.locator("#audit-shown")).to_have_text(f"Showing 1 of {total} events")
    assert "action=folder" in page.url

    page.get_by_label("Action").fill("")
    page.get_by_label("Result").select_option("failure")
    expect(rows).to_have_count(0)
    page.get_by_role("button", name="Clear").click()
    expect(rows).to_have_count(total)


def test_the_page_looks_right_on_a_laptop_and_a_phone(console_page: Page, rd: OpenRD, world: World) -> None:
    page = console_page
    for code in world.codes:
        expect(page.locator("#inbox-rows")).to_contain_text(code, timeout=WAIT_MS)
    expect(page.locator("#directory-tree")).to_contain_text("payments-prod", timeout=WAIT_MS)
    rd.advance(3600)
    expect(page.locator("#clock-offset")).to_have_text("+1 h", timeout=WAIT_MS)
    assert screenshot(page, "console.png").stat().st_size > 10_000

    page.set_viewport_size({"width": 390, "height": 844})
    overflow: Any = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"the page scrolls sideways on a phone by {overflow}px"
    clipped = page.evaluate("[...document.querySelectorAll('.table-wrap')].map(e => e.scrollWidth - e.clientWidth)")
    assert max(clipped) <= 0, f"a table is wider than a phone: {clipped}"
    # On a phone the rows become labelled cards: the column headers are hidden, each cell says what it is.
    first_code = page.locator("#inbox-rows td[data-label='Code']").first
    assert page.evaluate("e => getComputedStyle(e, '::before').content", first_code.element_handle()) == '"Code"'
    expect(page.get_by_role("button", name="Advance", exact=True)).to_be_visible()
    assert screenshot(page, "console-phone.png").stat().st_size > 10_000


def test_with_an_admin_token_the_address_token_opens_the_page_and_the_clock(
    browser: Browser, token_server: LiveServer
) -> None:
    rd = OpenRD(token_server.url, admin_token=ADMIN_TOKEN)
    rd.reset()
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    try:
        page = context.new_page()
        page.goto(f"{token_server.url}{PAGE}?token={ADMIN_TOKEN}")
        assert page.url == token_server.url + PAGE  # the token left the address bar
        (cookie,) = context.cookies()
        assert (cookie["name"], cookie["httpOnly"], cookie["sameSite"]) == (TOKEN_COOKIE, True, "Strict")
        assert ADMIN_TOKEN not in cookie["value"]
        assert ADMIN_TOKEN not in page.content()
        expect(page.locator("#live-state")).to_have_attribute("data-state", "live", timeout=WAIT_MS)

        page.get_by_role("button", name="+1 min").click()  # POST /_openrd/console/clock with the session cookie
        expect(page.locator("#clock-offset")).to_have_text("+1 min", timeout=WAIT_MS)
        assert rd.advance(0)["offset_seconds"] == 60
        rd.make_account("late", site="cn", enterprise_name="Acme")
        expect(page.locator("#directory-tree")).to_contain_text("late", timeout=WAIT_MS)  # the stream, by cookie
    finally:
        context.close()
        rd.close()

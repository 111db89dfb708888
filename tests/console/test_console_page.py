"""The console page over HTTP: landmarks and labels, what each section shows, masked phones, static assets."""

from __future__ import annotations

import re

import httpx
from alibabacloud_resourcemanager20200331 import models
from alibabacloud_tea_openapi.exceptions import ClientException

from openrd.testing.client import OpenRD
from support.console import EVENTS, PAGE, Page, World, next_snapshot, sse_events


def get_page(rd: OpenRD, query: str = "") -> tuple[httpx.Response, Page]:
    response = httpx.get(f"{rd.url}{PAGE}{query}", timeout=10)
    assert response.status_code == 200, response.text
    return response, Page(response.text)


def test_the_page_has_landmarks_sections_and_labels(rd: OpenRD) -> None:
    response, page = get_page(rd)
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    assert page.find("html")[0].attrs["lang"] == "en"
    assert page.find("meta", name="viewport")
    for landmark in ("header", "main", "footer"):
        assert len(page.find(landmark)) == 1, landmark
    assert page.find("nav")[0].attrs["aria-label"] == "Sections"
    assert page.find("a", class_="skip-link")[0].attrs["href"] == "#main"

    titles = {}
    for section_id in ("inbox", "clock", "directory", "audit"):
        section = page.by_id(section_id)
        assert section.tag == "section"
        heading = page.by_id(section.attrs["aria-labelledby"])
        assert heading.tag == "h2"
        titles[section_id] = "".join(heading.text)
    assert titles == {"inbox": "SMS inbox", "clock": "Emulator clock", "directory": "Directory", "audit": "Audit log"}

    # Every form control has a <label for>; every column header has a scope.
    labels = {e.attrs["for"] for e in page.find("label")}
    controls = [e for e in page.elements if e.tag in ("input", "select", "textarea")]
    assert {c.attrs["id"] for c in controls} <= labels
    assert {"advance-seconds", "filter-account", "filter-action", "filter-result"} <= labels
    headers = [e for e in page.elements if e.tag == "th" and "inbox-rows" not in e.parents]
    headers = [h for h in headers if "audit-rows" not in h.parents]
    assert len(headers) == 10
    assert all(h.attrs.get("scope") == "col" for h in headers)
    assert [" ".join(h.text) for h in headers[:6]] == ["Phone", "Code", "Purpose", "Status", "Age", "Account"]

    # The regions that update live announce politely; the ticking clock does not.
    live = {e.attrs.get("id") or e.parents[-1] for e in page.elements if e.attrs.get("aria-live") == "polite"}
    assert {"inbox", "directory-tree", "audit", "clock-offset", "audit-shown"} <= live
    assert "aria-live" not in page.by_id("clock-now").attrs
    assert page.by_id("live-state").attrs["role"] == "status"
    assert page.by_id("clock-message").attrs["role"] == "status"
    assert page.find("button", id="advance-button")[0].text == ["Advance"]

    # No inline script or style: the Content-Security-Policy forbids both.
    assert "script-src 'self'" in response.headers["content-security-policy"]
    assert all(s.attrs.get("src") for s in page.find("script"))
    assert not [e for e in page.elements if "style" in e.attrs]
    assert response.headers["cache-control"] == "no-store"
    assert not page.find("meta", name="openrd-admin-token")  # no token configured, none handed out


def test_an_empty_world_says_what_will_appear(rd: OpenRD) -> None:
    _, page = get_page(rd)
    assert "No messages yet" in page.text("inbox-rows")
    assert "No accounts yet" in page.text("directory-tree")
    assert "No API calls yet" in page.text("audit-rows")
    assert "0 s (real time)" in page.text("clock-offset")


def test_the_world_is_shown_with_codes_and_masked_phones(rd: OpenRD, world: World) -> None:
    response, page = get_page(rd)
    html = response.text

    inbox = page.text("inbox-rows")
    for code in world.codes:
        assert code in inbox
    for expected in ("86-136****3333", "86-137****2222", "EnableRD", "BindSecureMobilePhone"):
        assert expected in inbox
    assert re.search(r"\d+ s ago", inbox)

    tree = page.text("directory-tree")
    for expected in (
        world.directory_id,
        world.folder_id,
        "Production",
        "payments-prod",
        "management account",
        "CloudAccount",
        "ResourceAccount",
        "86-139****1111",  # the master's phone
        "86-137****2222",  # the phone bound to the resource account
        "Accounts in no directory",
        "outsider",
        "86-136****3333",
    ):
        assert expected in tree
    # Root folder, then the management account, then the folder holding the resource account.
    root = tree.index("root folder")
    assert root < tree.index("◆ master", root) < tree.index("Production", root) < tree.index("payments-prod", root)

    for phone in (world.master_phone, world.resource_phone, world.outsider_phone):
        national = phone.split("-", 1)[1]
        assert national not in html, f"{phone} appears unmasked"

    audit = page.text("audit-rows")
    for action in ("EnableResourceDirectory", "CreateFolder", "CreateResourceAccount", "BindSecureMobilePhone"):
        assert action in audit


def test_audit_filters_from_the_query_hide_rows_on_the_first_render(rd: OpenRD, world: World) -> None:
    client = rd.tea_client(rd.make_account("lonely", site="cn", enterprise_name="Acme"))
    try:
        client.get_resource_directory()
    except ClientException:
        pass
    else:
        raise AssertionError("an account without a directory should get an error")

    _, page = get_page(rd, "?result=failure")
    rows = page.find("tr", **{"data-result": "failure"}) + page.find("tr", **{"data-result": "success"})
    shown = [r for r in rows if "hidden" not in r.attrs]
    assert [r.attrs["data-action"] for r in shown] == ["GetResourceDirectory"]
    assert page.find("option", value="failure")[0].attrs.get("selected") is not None

    _, page = get_page(rd, f"?action=folder&account={world.master_id}")
    shown = [r for r in page.find("tr") if "data-action" in r.attrs and "hidden" not in r.attrs]
    assert [r.attrs["data-action"] for r in shown] == ["CreateFolder"]
    assert page.by_id("filter-action").attrs["value"] == "folder"


def test_static_assets_are_served_with_types_and_etags(rd: OpenRD) -> None:
    _, page = get_page(rd)
    (css,) = [e.attrs["href"] for e in page.find("link", rel="stylesheet")]
    (js,) = [e.attrs["src"] for e in page.find("script")]
    for url, media_type in ((css, "text/css"), (js, "text/javascript")):
        response = httpx.get(rd.url + url, timeout=10)
        assert response.status_code == 200
        assert response.headers["content-type"].startswith(media_type)
        etag = response.headers["etag"]
        assert url.endswith("?v=" + etag.strip('"'))
        again = httpx.get(rd.url + url, headers={"If-None-Match": etag}, timeout=10)
        assert again.status_code == 304
    assert httpx.get(f"{rd.url}{PAGE}/static/secrets.txt", timeout=10).status_code == 404


def test_the_sdk_world_changes_what_the_page_lists(rd: OpenRD, world: World) -> None:
    master = rd.make_account("second", site="cn", enterprise_name="Beta")
    rd.tea_client(master).enable_resource_directory(models.EnableResourceDirectoryRequest(enable_mode="CurrentAccount"))
    _, page = get_page(rd)
    directories = [e for e in page.elements if e.tag == "article" and e.attrs.get("data-key", "").startswith("rd-")]
    assert len(directories) == 2
    assert "no secure phone" in page.text("directory-tree")


def test_names_are_escaped_everywhere(rd: OpenRD) -> None:
    evil = '<img src=x onerror="alert(1)">'
    rd.make_account(evil, name="evil", site="cn", secure_mobile_phone="86-13900006666", enterprise_name="Acme")
    response, page = get_page(rd)
    assert evil not in response.text
    assert evil in page.text("directory-tree")  # shown as text
    assert not page.find("img")
    with httpx.stream("GET", rd.url + EVENTS, timeout=10) as stream:
        payload = next_snapshot(sse_events(stream)).json()
    assert evil not in payload["directory_html"]
    assert "&lt;img src=x" in payload["directory_html"]

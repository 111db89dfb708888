// openrd console: live updates over server-sent events, client-side audit filters, the clock control.
// No framework and no build step. The server renders every row (Jinja2, escaped); this script only swaps
// rows whose content signature changed, so aria-live regions announce the news and nothing else.
(() => {
  "use strict";

  const body = document.body;
  const $ = (id) => document.getElementById(id);
  const eventsUrl = body.dataset.eventsUrl;
  const clockUrl = body.dataset.clockUrl;

  const el = {
    liveState: $("live-state"),
    liveText: $("live-state-text"),
    inboxRows: $("inbox-rows"),
    inboxCounts: $("inbox-counts"),
    directory: $("directory-tree"),
    auditRows: $("audit-rows"),
    auditShown: $("audit-shown"),
    clockNow: $("clock-now"),
    clockOffset: $("clock-offset"),
    clockMessage: $("clock-message"),
    advanceForm: $("advance-form"),
    advanceSeconds: $("advance-seconds"),
    clockReset: $("clock-reset"),
    filters: $("audit-filters"),
    filterAccount: $("filter-account"),
    filterAction: $("filter-action"),
    filterResult: $("filter-result"),
    filterClear: $("filter-clear"),
    actions: $("audit-actions"),
  };

  // The emulator clock ticks here between snapshots: its last reading plus the time elapsed since.
  let clock = { nowMs: Number(body.dataset.nowMs), at: performance.now() };
  let fingerprint = body.dataset.fingerprint || "";

  // ------------------------------------------------------------------ formatting (mirrors console/render.py)
  function ageText(momentMs, nowMs) {
    const seconds = Math.max(0, Math.floor((nowMs - momentMs) / 1000));
    if (seconds < 60) return seconds + " s ago";
    const minutes = Math.floor(seconds / 60);
    if (minutes < 60) return minutes + " min ago";
    const hours = Math.floor(minutes / 60);
    if (hours < 48) return hours + " h ago";
    return Math.floor(hours / 24) + " d ago";
  }

  function offsetText(seconds) {
    if (seconds === 0) return "0 s (real time)";
    let rest = Math.abs(seconds);
    const parts = [];
    for (const [size, unit] of [[86400, "d"], [3600, "h"], [60, "min"], [1, "s"]]) {
      if (rest >= size) {
        parts.push(Math.floor(rest / size) + " " + unit);
        rest %= size;
      }
    }
    return (seconds > 0 ? "+" : "\u2212") + parts.join(" ");
  }

  // Change a text node in place: a screen reader treats that as a text change, not as new content.
  function setText(node, text) {
    if (!node) return;
    const first = node.firstChild;
    if (first && first.nodeType === Node.TEXT_NODE && !first.nextSibling) {
      if (first.data !== text) first.data = text;
    } else {
      node.textContent = text;
    }
  }

  function emulatorNow() {
    return clock.nowMs + (performance.now() - clock.at);
  }

  function tick() {
    const now = emulatorNow();
    const iso = new Date(now).toISOString();
    setText(el.clockNow, iso.slice(0, 19) + "Z");
    el.clockNow.dateTime = iso;
    for (const age of document.querySelectorAll("time.age[data-ms]")) {
      setText(age, ageText(Number(age.dataset.ms), now));
    }
  }

  function showOffset(seconds) {
    el.clockOffset.dataset.seconds = String(seconds);
    setText(el.clockOffset, offsetText(seconds));
  }

  // ------------------------------------------------------------------ keyed row swap
  // Children carry data-key (identity) and data-sig (content hash). Unchanged children stay in the DOM;
  // changed or new ones come from the fragment; gone ones are removed.
  function sync(container, html) {
    const template = document.createElement("template");
    template.innerHTML = html;
    const current = new Map();
    for (const child of container.children) current.set(child.dataset.key, child);
    const wanted = Array.from(template.content.children).map((fresh) => {
      const old = current.get(fresh.dataset.key);
      if (old && old.dataset.sig === fresh.dataset.sig) return old;
      if (!old && current.size && fresh.tagName === "TR" && fresh.dataset.key !== "empty") fresh.classList.add("fresh");
      return fresh;
    });
    const keep = new Set(wanted);
    for (const child of Array.from(container.children)) {
      if (!keep.has(child)) child.remove();
    }
    wanted.forEach((node, index) => {
      const at = container.children[index];
      if (at !== node) container.insertBefore(node, at || null);
    });
  }

  // ------------------------------------------------------------------ audit filters (mirror AuditFilters.matches)
  function filters() {
    return {
      account: el.filterAccount.value.trim(),
      action: el.filterAction.value.trim().toLowerCase(),
      result: el.filterResult.value,
    };
  }

  function matches(row, f) {
    return (!f.account || row.dataset.account.includes(f.account))
      && (!f.action || row.dataset.action.toLowerCase().includes(f.action))
      && (!f.result || row.dataset.result === f.result);
  }

  function applyFilters() {
    const f = filters();
    let total = 0;
    let shown = 0;
    const actions = new Set();
    for (const row of el.auditRows.children) {
      if (row.dataset.key === "empty") continue;
      total += 1;
      actions.add(row.dataset.action);
      row.hidden = !matches(row, f);
      if (!row.hidden) shown += 1;
    }
    const filtered = f.account || f.action || f.result;
    const noun = total === 1 ? "event" : "events";
    setText(el.auditShown, filtered ? `Showing ${shown} of ${total} ${noun}` : `${total} ${noun}`);
    const sorted = Array.from(actions).sort();
    if (el.actions.children.length !== sorted.length
        || sorted.some((name, i) => el.actions.children[i].value !== name)) {
      el.actions.replaceChildren(...sorted.map((name) => new Option(name, name)));
    }
  }

  function rememberFilters() {
    const f = filters();
    const params = new URLSearchParams(location.search);
    for (const [name, value] of [["account", f.account], ["action", el.filterAction.value.trim()], ["result", f.result]]) {
      if (value) params.set(name, value); else params.delete(name);
    }
    const query = params.toString();
    history.replaceState(null, "", location.pathname + (query ? "?" + query : "") + location.hash);
  }

  // ------------------------------------------------------------------ live updates
  function apply(snapshot) {
    fingerprint = snapshot.fingerprint;
    clock = { nowMs: snapshot.now_ms, at: performance.now() };
    showOffset(snapshot.offset_seconds);
    setText(el.inboxCounts, snapshot.inbox_counts_text);
    sync(el.inboxRows, snapshot.inbox_html);
    sync(el.directory, snapshot.directory_html);
    sync(el.auditRows, snapshot.audit_html);
    body.dataset.fingerprint = fingerprint;
    applyFilters();
    tick();
  }

  function setLive(state, text) {
    el.liveState.dataset.state = state;
    setText(el.liveText, text);
  }

  let source = null;
  let quietTimer = 0;
  let retryDelay = 2000;

  function connect() {
    if (!window.EventSource) {
      setLive("offline", "Live updates unsupported: reload to refresh");
      return;
    }
    setLive("connecting", "Connecting…");
    source = new EventSource(eventsUrl + "?since=" + encodeURIComponent(fingerprint));
    source.addEventListener("open", () => {
      clearTimeout(quietTimer);
      retryDelay = 2000;
      setLive("live", "Live");
    });
    source.addEventListener("snapshot", (event) => {
      try {
        apply(JSON.parse(event.data));
      } catch (error) {
        console.error("openrd console: bad snapshot", error);
      }
    });
    source.addEventListener("error", () => {
      if (source.readyState === EventSource.CLOSED) {
        // Refused (e.g. the token cookie is gone) or the server is down: try again, more slowly each time.
        setLive("offline", "Disconnected: retrying…");
        setTimeout(connect, retryDelay);
        retryDelay = Math.min(retryDelay * 2, 30000);
        return;
      }
      // The server ends each stream after a while and the browser reconnects at once; only a reconnect
      // that takes a moment is worth showing.
      clearTimeout(quietTimer);
      quietTimer = setTimeout(() => setLive("reconnecting", "Reconnecting…"), 3000);
    });
  }

  // ------------------------------------------------------------------ the clock control
  async function postClock(payload, pending) {
    const buttons = el.advanceForm.querySelectorAll("button");
    buttons.forEach((button) => { button.disabled = true; });
    el.clockMessage.classList.remove("error");
    setText(el.clockMessage, pending);
    try {
      const headers = { "Content-Type": "application/json", Accept: "application/json" };
      const response = await fetch(clockUrl, {
        method: "POST", headers, body: JSON.stringify(payload), credentials: "same-origin", cache: "no-store",
      });
      const data = await response.json().catch(() => ({}));
      if (!response.ok) throw new Error(data.message || "HTTP " + response.status);
      clock = { nowMs: Date.parse(data.now), at: performance.now() };
      showOffset(data.offset_seconds);
      tick();
      setText(el.clockMessage, "Clock offset is now " + offsetText(data.offset_seconds) + ".");
    } catch (error) {
      el.clockMessage.classList.add("error");
      setText(el.clockMessage, "Could not move the clock: " + error.message);
    } finally {
      buttons.forEach((button) => { button.disabled = false; });
    }
  }

  function advance(seconds) {
    if (!Number.isInteger(seconds) || seconds === 0) {
      el.clockMessage.classList.add("error");
      setText(el.clockMessage, "Enter a whole, non-zero number of seconds.");
      el.advanceSeconds.focus();
      return;
    }
    postClock({ advance_seconds: seconds }, "Advancing by " + offsetText(seconds) + "…");
  }

  el.advanceForm.addEventListener("submit", (event) => {
    event.preventDefault();
    advance(Number(el.advanceSeconds.value));
  });
  for (const button of el.advanceForm.querySelectorAll("button[data-advance]")) {
    button.addEventListener("click", () => advance(Number(button.dataset.advance)));
  }
  el.clockReset.addEventListener("click", () => postClock({ offset_seconds: 0 }, "Going back to real time…"));

  el.filters.addEventListener("submit", (event) => {
    event.preventDefault();
    applyFilters();
    rememberFilters();
  });
  el.filters.addEventListener("input", () => {
    applyFilters();
    rememberFilters();
  });
  el.filterClear.addEventListener("click", () => {
    el.filterAccount.value = "";
    el.filterAction.value = "";
    el.filterResult.value = "";
    applyFilters();
    rememberFilters();
    el.filterAccount.focus();
  });

  applyFilters();
  tick();
  setInterval(tick, 1000);
  connect();
})();

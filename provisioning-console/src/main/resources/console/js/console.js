// The console's shared code: calls to the management API with the session's CSRF token, DOM
// building that never parses HTML (every string a user or a client sent becomes a text node, so a
// script payload renders as text), the page frame (navigation, who is logged in, the standby
// banner) and the alert pop-ups that every page shows within a second of an alert.

const API = "/api/v1";
let csrfToken = null;

// The user's own requests are those made within a few seconds of a click, a key or the page's
// load; the rest are the pages' periodic refreshes, which must not keep an idle session alive.
const USER_REQUEST_WINDOW_MS = 10000;
let lastInteraction = Date.now();
for (const kind of ["pointerdown", "keydown"]) {
  addEventListener(kind, () => (lastInteraction = Date.now()), { capture: true, passive: true });
}

/** Builds an element: attributes (on* take functions), then children (strings become text). */
export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (name.startsWith("on") && typeof value === "function") {
      element.addEventListener(name.substring(2), value);
    } else if (name === "class") {
      element.className = value;
    } else {
      element.setAttribute(name, value === true ? "" : String(value));
    }
  }
  append(element, children);
  return element;
}

function append(element, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** Replaces an element's content. */
export function show(element, ...children) {
  element.replaceChildren();
  append(element, children);
  return element;
}

/** An error the API answered with: its status and its message (and config errors by path). */
export class ApiError extends Error {
  constructor(status, body) {
    super((body && body.error) || "HTTP " + status);
    this.status = status;
    this.body = body || {};
  }
}

/**
 * Calls the API: JSON in and out (or a YAML text); ifMatch (a config version) refuses the change if
 * the running version moved meanwhile. A lost session goes to the login page.
 */
export async function api(path, { method = "GET", body, text, ifMatch } = {}) {
  const headers = {};
  if (method !== "GET") {
    headers["X-CSRF-Token"] = csrfToken || "";
  } else if (Date.now() - lastInteraction > USER_REQUEST_WINDOW_MS) {
    // A refresh nobody asked for: it does not keep the session alive past its idle timeout.
    headers["X-Background"] = "1";
  }
  if (ifMatch !== undefined && ifMatch !== null) {
    headers["If-Match"] = '"' + ifMatch + '"';
  }
  let payload;
  if (text !== undefined) {
    headers["Content-Type"] = "application/yaml";
    payload = text;
  } else if (body !== undefined) {
    headers["Content-Type"] = "application/json";
    payload = JSON.stringify(body);
  }
  const response = await fetch(API + path, {
    method,
    headers,
    body: payload,
    credentials: "same-origin",
    cache: "no-store",
  });
  let json = null;
  try {
    json = await response.json();
  } catch (e) {
    json = null;
  }
  if (response.status === 401 && !path.startsWith("/session")) {
    toLogin();
  }
  if (!response.ok) {
    throw new ApiError(response.status, json);
  }
  return json;
}

export function toLogin() {
  const next = location.pathname + location.search;
  location.assign("login.html?next=" + encodeURIComponent(next));
}

/** Logs in; the CSRF token of the new session is kept for this page. */
export async function login(name, password) {
  const session = await api("/session", { method: "POST", body: { name, password } });
  csrfToken = session.csrfToken;
  return session;
}

const PAGES = [
  ["index.html", "Tree"],
  ["dashboard.html", "Dashboard"],
  ["failover.html", "Failover"],
  ["config.html", "Configuration"],
  ["leases.html", "Leases"],
  ["docsis.html", "DOCSIS files"],
  ["dns.html", "DNS"],
  ["stats.html", "Statistics"],
  ["alerts.html", "Alerts"],
];

/** The session of this page: {name, role}; roles rank viewer < operator < admin. */
export let session = null;

export function may(role) {
  const rank = { viewer: 0, operator: 1, admin: 2 };
  return session && rank[session.role] >= rank[role];
}

/**
 * Starts a page: checks the session (or goes to the login page), draws the frame, starts the
 * alert pop-ups, then calls render(main) to fill the page's own part.
 */
export async function startPage(title, render) {
  try {
    session = await api("/session");
    csrfToken = session.csrfToken;
  } catch (e) {
    if (e.status !== 401) throw e;
    return;
  }
  // A page the browser restores from its back/forward cache after a logout (and maybe another
  // user's login in this tab) would go on showing what it showed, a pairing secret say, under the
  // old user's name: asked again, and drawn afresh unless the same user is still logged in.
  addEventListener("pageshow", async (event) => {
    if (!event.persisted) return;
    let now = null;
    try {
      now = await api("/session");
    } catch (e) {
      /* logged out: reload, which goes to the login page */
    }
    if (!now || now.name !== session.name || now.role !== session.role) location.reload();
  });
  document.title = title + " · provisiond";
  const here = location.pathname.split("/").pop() || "index.html";
  const alertsBadge = h("span", { class: "badge", id: "alert-count", hidden: true });
  const nav = h(
    "nav",
    { "aria-label": "Console pages" },
    h(
      "ul",
      {},
      PAGES.map(([href, label]) =>
        h(
          "li",
          {},
          h(
            "a",
            { href, "aria-current": href === here ? "page" : null },
            label,
            href === "alerts.html" ? alertsBadge : null
          )
        )
      )
    )
  );
  const user = h(
    "div",
    { class: "user" },
    h("span", { id: "who" }, session.name + " (" + session.role + ")"),
    h("button", { type: "button", id: "logout", onclick: logout }, "Log out")
  );
  const banner = h("div", { id: "standby", class: "banner", role: "status", hidden: true });
  const main = h("main", { id: "main" });
  const popups = h("div", { id: "popups", "aria-live": "assertive" });
  document.body.replaceChildren(
    h("header", {}, h("a", { class: "brand", href: "index.html" }, "provisiond"), nav, user),
    banner,
    h("h1", {}, title),
    main,
    popups
  );
  refreshFrame(banner, alertsBadge);
  setInterval(() => refreshFrame(banner, alertsBadge), 5000);
  watchAlerts(popups, alertsBadge);
  await render(main);
}

async function logout() {
  try {
    await api("/session", { method: "DELETE" });
  } finally {
    location.assign("login.html");
  }
}

/** The standby banner and the count of active alerts, kept fresh. */
async function refreshFrame(banner, badge) {
  try {
    const alerts = await api("/alerts?state=active");
    setBadge(badge, alerts.active.length);
  } catch (e) {
    /* the next refresh tries again */
  }
  try {
    const failover = await api("/failover");
    const standby = !failover.serving;
    banner.hidden = !standby;
    if (standby) {
      show(
        banner,
        "This server is not serving clients now (" + failover.role + ", " + failover.state + "). " +
          "The active server is ",
        h("strong", {}, failover.partnerAddress || "its partner"),
        " (" + (failover.partnerState || "state unknown") + ")."
      );
    }
  } catch (e) {
    banner.hidden = true; // no DHCP failover on this server
  }
}

function setBadge(badge, count) {
  badge.hidden = count === 0;
  show(badge, String(count));
  badge.setAttribute("aria-label", count + " active alerts");
}

const alertWatchers = [];

/** Calls watcher(change, alert) at every alert change; pages use the frame's one event stream. */
export function onAlertChange(watcher) {
  alertWatchers.push(watcher);
}

/**
 * Calls onEvent(change, data) for each alert event: through the browser's one shared stream
 * (js/alert-stream.js) where SharedWorker exists, else through a stream of this tab's own.
 */
function alertEvents(onEvent) {
  if (typeof SharedWorker === "function") {
    try {
      const worker = new SharedWorker("js/alert-stream.js", { name: "provisiond-alerts" });
      worker.port.onmessage = (message) => onEvent(message.data.change, message.data.data);
      worker.port.start();
      addEventListener("pagehide", () => worker.port.postMessage("close"));
      addEventListener("pageshow", (event) => event.persisted && worker.port.postMessage("open"));
      return;
    } catch (e) {
      /* a stream of our own below */
    }
  }
  const events = new EventSource(API + "/alerts/stream");
  for (const change of ["raised", "cleared", "acknowledged"]) {
    events.addEventListener(change, (event) => onEvent(change, event.data));
  }
}

/** Pops up every alert raised anywhere in the pair, on every page, as it happens. */
function watchAlerts(popups, badge) {
  alertEvents((change, data) => {
    const alert = JSON.parse(data);
    alertWatchers.forEach((watcher) => watcher(change, alert));
    if (change === "raised") popup(popups, alert);
    if (change === "cleared" || change === "acknowledged") {
      const open = popups.querySelector('[data-alert="' + Number(alert.id) + '"]');
      if (open && change === "acknowledged") open.remove();
    }
    api("/alerts?state=active")
      .then((a) => setBadge(badge, a.active.length))
      .catch(() => {});
  });
}

function popup(popups, alert) {
  const close = () => box.remove();
  const box = h(
    "div",
    { class: "popup " + alert.severity, role: "alert", "data-alert": alert.id },
    h("strong", { class: "event" }, alert.event),
    h("span", { class: "severity" }, alert.severity),
    h("p", { class: "message" }, alert.message),
    h("p", { class: "object" }, (alert.server || "") + " · " + (alert.object || "")),
    h(
      "div",
      { class: "actions" },
      may("operator")
        ? h(
            "button",
            {
              type: "button",
              onclick: async () => {
                await api("/alerts/ack", { method: "POST", body: { id: alert.id } });
                close();
              },
            },
            "Acknowledge"
          )
        : null,
      h("button", { type: "button", onclick: close, "aria-label": "Close" }, "Close")
    )
  );
  popups.prepend(box);
  while (popups.children.length > 5) popups.lastChild.remove();
  if (alert.severity === "info") setTimeout(close, 8000); // news; warnings wait for a person
}

/** A table from rows of cells; headers as the first argument. */
export function table(headers, rows, attributes = {}) {
  return h(
    "table",
    attributes,
    h("thead", {}, h("tr", {}, headers.map((title) => h("th", { scope: "col" }, title)))),
    h(
      "tbody",
      {},
      rows.map((cells) => h("tr", {}, cells.map((cell) => h("td", {}, cell))))
    )
  );
}

/** Shows an error from the API next to where it happened. */
export function errorBox(error) {
  return h("p", { class: "error", role: "alert" }, error.message || String(error));
}

/** Asks before a change the operator should think twice about. */
export function confirmed(question) {
  return window.confirm(question);
}

export function when(iso) {
  if (!iso) return "";
  const date = new Date(iso);
  return date.toLocaleString();
}

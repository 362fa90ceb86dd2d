import { api, h, show, startPage, errorBox, may, when, confirmed } from "./console.js";

// Lease search by address, MAC, client-id, option 82 remote-id and circuit-id, host name, pool and
// state; a lease's detail with its recent history; release (operators). The search lives in the
// page's address (leases.html?mac=...&detail=IP), so a search can be bookmarked and shared.
// Every value a client sent (host names, option 82) is put in the page as text, never as markup.

const LIMIT = 200;

const TEXT_FIELDS = [
  ["ip", "Address", "e.g. 127.16.0.10"],
  ["mac", "MAC address", "e.g. 00:11:22:33:44:55"],
  ["clientId", "Client-id (option 61)", "e.g. 01:00:11:22:33:44:55"],
  ["remoteId", "Remote-id (option 82)", "the modem's MAC, or text"],
  ["circuitId", "Circuit-id (option 82)", "hex octets, or text"],
  ["hostname", "Host name contains", "part of a name, any case"],
];

const STATES = ["bound", "released", "expired", "declined"];

function stateBadge(state) {
  return h("span", { class: "lease-state " + state }, state);
}

/** Option 82 values: as text when the server found them printable, else as hex octets. */
function octets(lease, field) {
  return lease[field + "Text"] || lease[field] || "";
}

function serverLabel(change, detail) {
  if (change.serverName) return change.serverName + " (this server)";
  if (detail.server && change.server === detail.server.id) return "this server";
  return "server " + change.server;
}

function allocatedBy(lease, detail) {
  if (detail.server && lease.allocatedBy === detail.server.id) return detail.server.name + " (this server)";
  return "server " + lease.allocatedBy;
}

function field(name, label, control) {
  return h("div", { class: "field" }, h("label", { for: "q-" + name }, label), control);
}

startPage("Leases", async (main) => {
  const inputs = {};
  for (const [name, , placeholder] of TEXT_FIELDS) {
    inputs[name] = h("input", {
      id: "q-" + name,
      name,
      placeholder,
      autocomplete: "off",
      spellcheck: "false",
    });
  }
  inputs.pool = h("select", { id: "q-pool", name: "pool" }, h("option", { value: "" }, "any pool"));
  inputs.state = h(
    "select",
    { id: "q-state", name: "state" },
    h("option", { value: "" }, "any state"),
    STATES.map((s) => h("option", { value: s }, s))
  );
  const form = h(
    "form",
    { id: "lease-search", class: "panel search", role: "search", "aria-label": "Search leases" },
    h(
      "div",
      { class: "search-grid" },
      TEXT_FIELDS.map(([name, label]) => field(name, label, inputs[name])),
      field("pool", "Pool", inputs.pool),
      field("state", "State", inputs.state)
    ),
    h(
      "div",
      { class: "search-actions" },
      h("button", { type: "submit", id: "search-button" }, "Search"),
      h(
        "button",
        { type: "button", class: "secondary", id: "clear-button", onclick: clear },
        "Clear"
      ),
      h(
        "span",
        { class: "muted hint" },
        "Every field is optional; all given must match. MAC and remote-id are answered from an index."
      )
    )
  );
  const detail = h("section", { id: "lease-detail", class: "panel", hidden: true });
  const summary = h("p", { id: "result-summary", class: "muted", role: "status" });
  const results = h("div", { id: "lease-results" });
  show(main, form, detail, h("h2", {}, "Results"), summary, results);

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    closeDetail();
    search();
  });

  const pools = loadPools(inputs.pool);

  function query() {
    const params = new URLSearchParams();
    for (const [name, control] of Object.entries(inputs)) {
      const value = control.value.trim();
      if (value) params.set(name, value);
    }
    return params;
  }

  function remember(params, detailIp) {
    const all = new URLSearchParams(params);
    if (detailIp) all.set("detail", detailIp);
    const text = all.toString();
    history.replaceState(null, "", text ? "?" + text : location.pathname);
  }

  function clear() {
    for (const control of Object.values(inputs)) control.value = "";
    closeDetail();
    show(results);
    show(summary, "");
    remember(new URLSearchParams());
    inputs.ip.focus();
  }

  async function search() {
    const params = query();
    remember(params, detail.hidden ? null : detail.dataset.ip);
    params.set("limit", String(LIMIT));
    show(summary, "Searching…");
    try {
      const found = await api("/leases?" + params.toString());
      show(
        summary,
        found.truncated
          ? "The first " + found.count + " leases, lowest addresses first: narrow the search to see others."
          : found.count === 1
          ? "1 lease."
          : found.count + " leases."
      );
      show(results, found.count ? resultsTable(found.leases) : h("p", { class: "muted" }, "No lease matches."));
    } catch (e) {
      show(summary, "");
      show(results, errorBox(e));
    }
  }

  function resultsTable(leases) {
    const headers = ["Address", "MAC", "Host name", "State", "Pool", "Class", "Remote-id", "Circuit-id", "Expires"];
    return h(
      "table",
      { id: "lease-table", class: "leases" },
      h("thead", {}, h("tr", {}, headers.map((title) => h("th", { scope: "col" }, title)))),
      h(
        "tbody",
        {},
        leases.map((lease) =>
          h(
            "tr",
            { "data-ip": lease.ip, "data-state": lease.state },
            h(
              "td",
              {},
              h(
                "button",
                {
                  type: "button",
                  class: "link mono",
                  "aria-label": "Details of " + lease.ip,
                  onclick: () => openDetail(lease.ip),
                },
                lease.ip
              )
            ),
            h("td", { class: "mono" }, lease.mac),
            h("td", { class: "hostname" }, lease.hostname),
            h("td", {}, stateBadge(lease.state)),
            h("td", { class: "pool" }, lease.pool),
            h("td", { class: "class" }, lease.class),
            h("td", { class: "mono" }, octets(lease, "remoteId")),
            h("td", { class: "mono" }, octets(lease, "circuitId")),
            h("td", { class: "nowrap" }, when(lease.expires))
          )
        )
      )
    );
  }

  function closeDetail() {
    detail.hidden = true;
    delete detail.dataset.ip;
    show(detail);
  }

  async function openDetail(ip, message) {
    detail.hidden = false;
    detail.dataset.ip = ip;
    remember(query(), ip);
    let body;
    try {
      body = await api("/leases/detail?ip=" + encodeURIComponent(ip));
    } catch (e) {
      show(detail, h("h2", { id: "detail-title", tabindex: "-1" }, "Lease " + ip), errorBox(e));
      return;
    }
    renderDetail(body, message);
    const title = detail.querySelector("#detail-title");
    title.focus();
    detail.scrollIntoView({ block: "nearest" });
  }

  function renderDetail(body, message) {
    const lease = body.lease;
    const status = h("p", { id: "release-status", class: "done", role: "status" }, message || "");
    const actions = h("div", { class: "detail-actions" });
    if (may("operator") && lease.state === "bound") {
      actions.append(
        h(
          "button",
          {
            type: "button",
            class: "danger",
            id: "release-button",
            onclick: (event) => release(lease.ip, event.target, status),
          },
          "Release lease"
        )
      );
    }
    actions.append(
      h(
        "button",
        {
          type: "button",
          class: "secondary",
          id: "close-detail",
          onclick: () => {
            closeDetail();
            remember(query());
            const row = results.querySelector('tr[data-ip="' + CSS.escape(lease.ip) + '"] button');
            if (row) row.focus();
          },
        },
        "Close"
      )
    );
    const facts = [
      ["MAC address", lease.mac, "mono"],
      ["Client-id", lease.clientId || "none", "mono"],
      ["Host name", lease.hostname || "none", "hostname"],
      ["Class", lease.class || "none"],
      ["Pool", lease.pool || "outside every pool"],
      ["Granted or renewed", when(lease.start)],
      [lease.state === "bound" ? "Expires" : "Ended", when(lease.expires)],
      ["Allocated by", allocatedBy(lease, body)],
      ["Remote-id", octets(lease, "remoteId") || "none", "mono"],
      ["Circuit-id", octets(lease, "circuitId") || "none", "mono"],
    ];
    show(
      detail,
      h(
        "div",
        { class: "detail-head" },
        h("h2", { id: "detail-title", tabindex: "-1" }, "Lease ", h("span", { class: "mono" }, lease.ip)),
        h("span", { id: "detail-state" }, stateBadge(lease.state)),
        actions
      ),
      status,
      h(
        "dl",
        { class: "facts" },
        facts.map(([name, value, cls]) =>
          h("div", {}, h("dt", {}, name), h("dd", { class: cls || null }, value))
        )
      ),
      h("h3", {}, "History"),
      h(
        "p",
        { class: "muted" },
        "Every change recorded for this address and for its client at other addresses, newest first",
        body.historyKeptSince ? " (kept since " + when(body.historyKeptSince) + ")." : "."
      ),
      body.history.length ? historyTable(body) : h("p", { class: "muted" }, "No change kept.")
    );
  }

  function historyTable(body) {
    const headers = ["When", "Change", "Address", "MAC", "Host name", "State", "Until", "By"];
    return h(
      "table",
      { id: "lease-history", class: "leases" },
      h("thead", {}, h("tr", {}, headers.map((title) => h("th", { scope: "col" }, title)))),
      h(
        "tbody",
        {},
        body.history.map((change) =>
          h(
            "tr",
            { "data-kind": change.kind },
            h("td", { class: "nowrap" }, when(change.time)),
            h("td", {}, h("span", { class: "change " + change.kind }, change.kind)),
            h("td", { class: "mono" }, change.lease.ip),
            h("td", { class: "mono" }, change.lease.mac),
            h("td", { class: "hostname" }, change.lease.hostname),
            h("td", {}, stateBadge(change.lease.state)),
            h("td", { class: "nowrap" }, when(change.lease.expires)),
            h("td", {}, serverLabel(change, body))
          )
        )
      )
    );
  }

  async function release(ip, button, status) {
    if (
      !confirmed(
        "Release the lease of " +
          ip +
          "?\n\nThe address is freed at once, as if the client had released it, on this server and its failover partner."
      )
    ) {
      return;
    }
    button.disabled = true;
    show(status, "Releasing…");
    try {
      await api("/leases/release", { method: "POST", body: { ip } });
      await openDetail(ip, "Released " + ip + ".");
      if (results.childElementCount) await search();
    } catch (e) {
      button.disabled = false;
      show(status, errorBox(e));
    }
  }

  // Open what the address names: a search, and a lease's detail.
  await pools;
  const given = new URLSearchParams(location.search);
  for (const [name, control] of Object.entries(inputs)) {
    if (given.get(name)) control.value = given.get(name);
  }
  if ([...given.keys()].some((k) => k in inputs)) await search();
  if (given.get("detail")) await openDetail(given.get("detail"));
});

/** The pools of the running config, for the pool filter. */
async function loadPools(select) {
  try {
    const running = await api("/config");
    const chosen = new URLSearchParams(location.search).get("pool");
    const names = [];
    for (const subnet of (running.config.dhcp && running.config.dhcp.subnets) || []) {
      for (const pool of subnet.pools || []) {
        const name = pool.name || pool.range;
        if (!names.includes(name)) names.push(name);
      }
    }
    for (const name of names) {
      select.append(h("option", { value: name, selected: name === chosen }, name));
    }
  } catch (e) {
    /* the filter stays at "any pool" */
  }
}

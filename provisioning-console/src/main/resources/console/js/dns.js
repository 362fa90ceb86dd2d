import { api, h, show, startPage, errorBox, when } from "./console.js";

// The zones this server is authoritative for, each zone's records (static and dynamic), and the
// recent dynamic updates: RFC 2136 updates received and the DDNS made for leases, failures apart.
// Names and record data come partly from clients (DHCP host names): shown as text only.

const SHOWN = 100;

/** A record in presentation format split into owner, TTL, class, type and data. */
function fields(line) {
  const parts = line.split(/\s+/);
  if (parts.length < 4) return [line, "", "", "", ""];
  return [parts[0], parts[1], parts[2], parts[3], parts.slice(4).join(" ")];
}

function moment(iso) {
  const date = new Date(iso);
  return date.toDateString() === new Date().toDateString() ? date.toLocaleTimeString() : when(iso);
}

startPage("DNS", async (main) => {
  const zones = h("div", { id: "dns-zones" });
  const zoneTitle = h("h2", { id: "zone-title", tabindex: "-1" }, "Records");
  const filter = h("input", { id: "record-filter", type: "search", placeholder: "name, type or data", autocomplete: "off" });
  const records = h("div", { id: "zone-records" });
  const updated = h("span", { class: "muted", id: "updates-updated" });
  const failures = h("div", { id: "dns-failures" });
  const updates = h("div", { id: "dns-updates" });
  show(
    main,
    h(
      "div",
      { class: "dns-layout" },
      h("div", { class: "zones-column" }, h("h2", {}, "Zones"), zones),
      h(
        "div",
        { class: "records-column" },
        h(
          "div",
          { class: "records-head" },
          zoneTitle,
          h("label", { for: "record-filter", class: "inline" }, "Filter"),
          filter
        ),
        records
      )
    ),
    h(
      "div",
      { class: "updates-head" },
      h("h2", {}, "Dynamic updates"),
      h("button", { type: "button", class: "secondary", id: "refresh-updates", onclick: loadUpdates }, "Refresh"),
      updated
    ),
    h("h3", {}, "Failures"),
    failures,
    h("h3", {}, "Recent updates"),
    updates
  );

  let shownZone = null;
  let shownRecords = [];

  async function loadZones() {
    try {
      const body = await api("/dns/zones");
      if (!body.zones.length) {
        show(zones, h("p", { class: "muted" }, "This server serves no zone."));
        return;
      }
      show(
        zones,
        h(
          "ul",
          { class: "zone-list" },
          body.zones.map((zone) =>
            h(
              "li",
              { "data-zone": zone.name },
              h(
                "button",
                {
                  type: "button",
                  class: "zone" + (zone.name === shownZone ? " current" : ""),
                  "aria-pressed": zone.name === shownZone ? "true" : "false",
                  onclick: () => openZone(zone.name),
                },
                h("span", { class: "mono" }, zone.name),
                h("span", { class: "muted zone-facts" }, zone.records + " records · serial " + zone.serial)
              )
            )
          )
        )
      );
      if (!shownZone) await openZone(new URLSearchParams(location.search).get("zone") || body.zones[0].name, false);
    } catch (e) {
      show(zones, errorBox(e));
    }
  }

  async function openZone(name, focus = true) {
    shownZone = name;
    history.replaceState(null, "", "?zone=" + encodeURIComponent(name));
    for (const button of zones.querySelectorAll("button.zone")) {
      const current = button.parentElement.dataset.zone === name;
      button.classList.toggle("current", current);
      button.setAttribute("aria-pressed", current ? "true" : "false");
    }
    show(zoneTitle, "Records of ", h("span", { class: "mono" }, name));
    try {
      const body = await api("/dns/zone?name=" + encodeURIComponent(name));
      shownRecords = body.records;
      drawRecords();
      if (focus) zoneTitle.focus();
    } catch (e) {
      show(records, errorBox(e));
    }
  }

  function drawRecords() {
    const needle = filter.value.trim().toLowerCase();
    const kept = shownRecords.filter((line) => !needle || line.toLowerCase().includes(needle));
    if (!kept.length) {
      show(records, h("p", { class: "muted" }, shownRecords.length ? "No record matches the filter." : "No record."));
      return;
    }
    show(
      records,
      h(
        "table",
        { id: "record-table", class: "records" },
        h("thead", {}, h("tr", {}, ["Name", "TTL", "Class", "Type", "Data"].map((t) => h("th", { scope: "col" }, t)))),
        h(
          "tbody",
          {},
          kept.map((line) => {
            const [owner, ttl, cls, type, data] = fields(line);
            return h(
              "tr",
              { "data-type": type },
              h("td", { class: "mono name" }, owner),
              h("td", { class: "number" }, ttl),
              h("td", {}, cls),
              h("td", {}, h("span", { class: "rtype" }, type)),
              h("td", { class: "mono data" }, data)
            );
          })
        )
      ),
      h("p", { class: "muted" }, kept.length + " of " + shownRecords.length + " records.")
    );
  }

  function updateRows(list, id) {
    if (!list.length) return h("p", { class: "muted" }, "None yet.");
    return h(
      "table",
      { id, class: "updates" },
      h("thead", {}, h("tr", {}, ["When", "From", "Zone", "What", "Result"].map((t) => h("th", { scope: "col" }, t)))),
      h(
        "tbody",
        {},
        list.slice(0, SHOWN).map((u) =>
          h(
            "tr",
            { "data-ok": String(u.ok) },
            h("td", { class: "nowrap", title: when(u.time) }, moment(u.time)),
            h("td", {}, u.source, u.key ? h("div", { class: "muted" }, "key " + u.key) : null),
            h("td", { class: "mono zone" }, u.zone),
            h(
              "td",
              { class: "changes" },
              h("ul", {}, u.changes.map((c) => h("li", { class: "mono" }, c))),
              u.note ? h("div", { class: "muted note" }, u.note) : null
            ),
            h("td", {}, h("span", { class: "rcode " + (u.ok ? "ok" : "bad") }, u.rcode))
          )
        )
      )
    );
  }

  async function loadUpdates() {
    try {
      const body = await api("/dns/updates");
      show(failures, updateRows(body.failures, "failure-table"));
      show(updates, updateRows(body.updates, "update-table"));
      show(updated, "Updated " + new Date().toLocaleTimeString());
    } catch (e) {
      show(updates, errorBox(e));
    }
  }

  filter.addEventListener("input", drawRecords);
  await loadZones();
  await loadUpdates();
  setInterval(() => {
    loadUpdates();
    loadZones();
    if (shownZone) openZone(shownZone, false);
  }, 10000);
});

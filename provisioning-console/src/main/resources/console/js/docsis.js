import { api, h, show, startPage, errorBox, when } from "./console.js";

// The DOCSIS config file a modem would get, rendered by the server for a MAC typed in (as TFTP
// would build it, MICs included, without a lease), and the TFTP service's recent transfers with
// their failures and refusals kept apart. File names come from modems: shown as text only.

const SHOWN = 100;

function field(id, label, control) {
  return h("div", { class: "field" }, h("label", { for: id }, label), control);
}

function outcomeBadge(outcome) {
  return h("span", { class: "outcome " + outcome }, outcome);
}

/** A time of today as its time only; older ones with their date. */
function moment(iso) {
  const date = new Date(iso);
  return date.toDateString() === new Date().toDateString() ? date.toLocaleTimeString() : when(iso);
}

function octets(n) {
  return Number(n).toLocaleString("en-US");
}

startPage("DOCSIS files", async (main) => {
  const mac = h("input", {
    id: "render-mac",
    name: "mac",
    required: true,
    placeholder: "00:11:22:33:44:55",
    autocomplete: "off",
    spellcheck: "false",
    "aria-describedby": "render-mac-hint",
  });
  const file = h("input", {
    id: "render-file",
    name: "file",
    placeholder: "the first configured pattern",
    autocomplete: "off",
    spellcheck: "false",
  });
  const cls = h("input", { id: "render-class", name: "class", list: "classes", autocomplete: "off" });
  const classes = h("datalist", { id: "classes" });
  const form = h(
    "form",
    { id: "render-form", class: "panel render" },
    h(
      "p",
      { class: "muted intro", id: "render-mac-hint" },
      "Built as TFTP builds it for this modem (template, variables, CM and CMTS MIC), without a lease."
    ),
    h(
      "div",
      { class: "render-grid" },
      field("render-mac", "Modem MAC address", mac),
      field("render-file", "File name (optional)", file),
      field("render-class", "DHCP class (optional)", cls),
      h("div", { class: "render-go" }, h("button", { type: "submit", id: "render-button" }, "Render"))
    ),
    classes
  );
  const rendered = h("section", { id: "rendered", "aria-live": "polite" });
  const filter = h("input", {
    id: "transfer-filter",
    type: "search",
    placeholder: "file, client or reason",
    autocomplete: "off",
  });
  const refresh = h("button", { type: "button", class: "secondary", id: "refresh-transfers" }, "Refresh");
  const updated = h("span", { class: "muted", id: "transfers-updated" });
  const failures = h("div", { id: "tftp-failures" });
  const transfers = h("div", { id: "tftp-transfers" });
  show(
    main,
    h(
      "div",
      { class: "docsis-layout" },
      h("div", { class: "render-column" }, h("h2", {}, "Render a config file"), form, rendered),
      h(
        "div",
        { class: "transfer-column" },
        h(
          "div",
          { class: "transfer-head" },
          h("h2", {}, "TFTP transfers"),
          h("label", { for: "transfer-filter", class: "inline" }, "Filter"),
          filter,
          refresh,
          updated
        ),
        h("h3", {}, "Failures and refusals"),
        failures,
        h("h3", {}, "Recent transfers"),
        transfers
      )
    )
  );

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const params = new URLSearchParams({ mac: mac.value.trim() });
    if (file.value.trim()) params.set("file", file.value.trim());
    if (cls.value.trim()) params.set("class", cls.value.trim());
    history.replaceState(null, "", "?" + params.toString());
    show(rendered, h("p", { class: "muted" }, "Rendering…"));
    try {
      const result = await api("/tftp/render?" + params.toString());
      show(
        rendered,
        h(
          "div",
          { class: "rendered-head" },
          h("strong", { id: "rendered-name", class: "mono" }, result.name),
          h("span", { class: "muted" }, octets(result.size) + " octets")
        ),
        h("pre", { id: "rendered-text", tabindex: "0", "aria-label": "The file as text" }, result.text)
      );
    } catch (e) {
      show(rendered, errorBox(e));
    }
  });

  let last = null;
  function rows(list, id) {
    const needle = filter.value.trim().toLowerCase();
    const kept = list.filter(
      (t) => !needle || [t.file, t.client, t.reason, t.message].some((v) => (v || "").toLowerCase().includes(needle))
    );
    if (!kept.length) return h("p", { class: "muted" }, list.length ? "None matches the filter." : "None yet.");
    const headers = ["When", "Client", "File", "Outcome", "Reason", "Octets", "ms"];
    return [
      h(
        "table",
        { id, class: "transfers" },
        h("thead", {}, h("tr", {}, headers.map((title) => h("th", { scope: "col" }, title)))),
        h(
          "tbody",
          {},
          kept.slice(0, SHOWN).map((t) =>
            h(
              "tr",
              { "data-outcome": t.outcome },
              h("td", { class: "nowrap", title: when(t.time) }, moment(t.time)),
              h("td", { class: "mono" }, t.client),
              h(
                "td",
                { class: "mono file" },
                t.file,
                t.direction === "write" ? h("span", { class: "muted" }, " (upload)") : null
              ),
              h("td", {}, outcomeBadge(t.outcome)),
              h("td", { title: t.message || null }, t.reason),
              h("td", { class: "number" }, octets(t.octets)),
              h("td", { class: "number" }, String(t.millis))
            )
          )
        )
      ),
      kept.length > SHOWN ? h("p", { class: "muted" }, "The newest " + SHOWN + " of " + kept.length + ".") : null,
    ];
  }

  function draw() {
    if (!last) return;
    show(failures, rows(last.failures, "failure-table"));
    show(transfers, rows(last.transfers, "transfer-table"));
  }

  async function load() {
    try {
      last = await api("/tftp/transfers");
      draw();
      show(updated, "Updated " + new Date().toLocaleTimeString());
    } catch (e) {
      show(failures, errorBox(e));
    }
  }

  filter.addEventListener("input", draw);
  refresh.addEventListener("click", load);
  loadClasses(classes);
  await load();
  setInterval(load, 10000);

  const given = new URLSearchParams(location.search);
  if (given.get("mac")) {
    mac.value = given.get("mac");
    file.value = given.get("file") || "";
    cls.value = given.get("class") || "";
    form.requestSubmit();
  }
});

async function loadClasses(datalist) {
  try {
    const running = await api("/config");
    for (const c of (running.config.dhcp && running.config.dhcp.classes) || []) {
      datalist.append(h("option", { value: c.name }));
    }
  } catch (e) {
    /* no suggestions */
  }
}

import { api, h, show, startPage, errorBox, when, may } from "./console.js";
import { lineChart, formatNumber, latest } from "./charts.js";

// The headend at a glance: the failover pair, the last hour of DHCP exchanges, TFTP transfers and
// DNS queries per second, and every pool's use against its two high-water marks, fullest first.
// One request (GET /api/v1/console/dashboard) per refresh, every 10 s, the history's interval.
// With a thousand pools only the fullest few are drawn; the filter finds any other.

const REFRESH_MS = 10000;
const LIMITS = [
  ["10", "10 fullest"],
  ["25", "25 fullest"],
  ["50", "50 fullest"],
  ["100", "100 fullest"],
  ["all", "every pool"],
];
const STATES = [
  ["all", "any state"],
  ["warning", "warning or critical"],
  ["critical", "critical"],
];

function failoverHealth(f) {
  if (f.role === "standalone" || f.state === "STANDALONE") return "off";
  if (f.state === "NORMAL") return "ok";
  if (f.state === "PARTNER_DOWN") return "critical";
  return "warning";
}

function age(millis) {
  if (millis === null || millis === undefined || millis < 0) return "never";
  if (millis < 1000) return millis + " ms ago";
  if (millis < 120000) return (millis / 1000).toFixed(1) + " s ago";
  return Math.round(millis / 60000) + " min ago";
}

function failoverView(f) {
  if (!f) {
    return [h("h2", { id: "failover-title" }, "Failover"), h("p", { class: "muted" }, "No DHCP on this server.")];
  }
  const health = failoverHealth(f);
  const state = h(
    "p",
    { class: "failover-state", "data-state": health },
    h("span", { class: "state " + health, "aria-hidden": "true" }),
    h("strong", { id: "failover-state" }, f.state)
  );
  if (f.role === "standalone") {
    return [
      h("h2", { id: "failover-title" }, "Failover"),
      state,
      h("p", { class: "muted" }, "This server serves alone: no failover partner is configured."),
      // Pairing is an admin's action: the others are not pointed to it.
      may("admin") ? h("p", {}, h("a", { href: "failover.html" }, "Pair it with a secondary")) : null,
    ];
  }
  const facts = [
    ["Role", f.role],
    ["Since", when(f.since) || "–"],
    ["Partner", f.partnerAddress || "none"],
    ["Partner state", f.partnerState || (f.partnerAddress ? "not heard" : "–")],
    ["Last heartbeat", f.partnerAddress ? age(f.lastHeartbeatAgeMillis) : "–"],
    ["Lag", formatNumber(f.lagRecords) + " records · " + formatNumber(f.lagMillis) + " ms"],
    ["Waiting for ack", formatNumber(f.recordsPending) + " records"],
  ];
  return [
    h("h2", { id: "failover-title" }, "Failover"),
    state,
    h(
      "dl",
      { class: "facts-list" },
      facts.map(([name, value]) => [h("dt", {}, name), h("dd", {}, value)])
    ),
  ];
}

function poolRow(pool) {
  const label =
    pool.name + ": " + pool.used + " of " + pool.size + " addresses in use (" + pool.percent + " %)" +
    ", warning mark " + pool.warningPercent + " %, critical mark " + pool.criticalPercent + " %" +
    ", peak " + pool.peakUsed + (pool.state === "ok" ? "" : "; " + pool.state);
  const fill = h("span", { class: "fill" });
  const warning = h("span", { class: "mark warning", title: "warning mark " + pool.warningPercent + " %" });
  const critical = h("span", { class: "mark critical", title: "critical mark " + pool.criticalPercent + " %" });
  const peak = h("span", { class: "peak", title: "peak " + pool.peakUsed + " (" + pool.peakPercent + " %)" });
  // Widths and positions through the DOM: the CSP forbids style attributes in markup.
  fill.style.width = Math.min(100, pool.percent) + "%";
  warning.style.left = Math.min(100, pool.warningPercent) + "%";
  critical.style.left = Math.min(100, pool.criticalPercent) + "%";
  peak.style.left = Math.min(100, pool.peakPercent) + "%";
  return h(
    "li",
    { class: "pool " + pool.state, "data-pool": pool.name, "data-state": pool.state },
    h(
      "div",
      { class: "pool-name" },
      h("span", { class: "name", title: pool.name }, pool.name),
      h("span", { class: "where", title: pool.subnet + " · " + pool.range }, pool.subnet + " · " + pool.range)
    ),
    h(
      "div",
      {
        class: "bar",
        role: "meter",
        "aria-valuemin": 0,
        "aria-valuemax": 100,
        "aria-valuenow": pool.percent,
        "aria-valuetext": label,
        "aria-label": pool.name,
      },
      fill,
      peak,
      warning,
      critical
    ),
    h(
      "div",
      { class: "pool-figures" },
      h("span", { class: "percent" }, pool.percent.toLocaleString("en-US") + " %"),
      h("span", { class: "count" }, formatNumber(pool.used) + " of " + formatNumber(pool.size))
    )
  );
}

function select(id, options, initial) {
  return h(
    "select",
    { id },
    options.map(([value, text]) => h("option", { value, selected: value === initial }, text))
  );
}

function matches(pool, words, state) {
  if (state === "critical" && pool.state !== "critical") return false;
  if (state === "warning" && pool.state === "ok") return false;
  const text = (pool.name + " " + pool.subnet + " " + pool.range).toLowerCase();
  return words.every((word) => text.includes(word));
}

startPage("Dashboard", async (main) => {
  const failoverPanel = h("section", { class: "panel failover", id: "failover", "aria-labelledby": "failover-title" });
  const charts = {};
  const chartPanels = ["dhcp", "tftp", "dns"].map((id) => {
    const now = h("span", { class: "now", id: "now-" + id });
    const title = h("h2", { id: "chart-title-" + id }, "");
    const plot = h("div", { class: "plot", id: "chart-" + id });
    charts[id] = { title, now, plot, chart: null };
    return h(
      "section",
      { class: "panel chart", "aria-labelledby": "chart-title-" + id, "data-chart": id },
      h("div", { class: "chart-head" }, title, now),
      plot
    );
  });

  const filter = h("input", {
    type: "search",
    id: "pool-filter",
    placeholder: "name, subnet or range",
    autocomplete: "off",
  });
  const limit = select("pool-limit", LIMITS, "10");
  const stateFilter = select("pool-state", STATES, "all");
  const summary = h("p", { class: "pool-summary", id: "pool-summary" });
  const list = h("ol", { class: "pool-list", id: "pool-list" });
  const count = h("p", { class: "muted", id: "pool-count", "aria-live": "polite" });
  const status = h("p", { class: "muted updated", id: "dashboard-status", role: "status" });

  show(
    main,
    h("div", { class: "dash-top" }, failoverPanel, chartPanels),
    h(
      "section",
      { class: "panel pools", id: "pools", "aria-labelledby": "pools-title" },
      h("div", { class: "pools-head" }, h("h2", { id: "pools-title" }, "Pool utilisation"), summary),
      h(
        "div",
        { class: "tools" },
        h("label", { for: "pool-filter" }, "Filter"),
        filter,
        h("label", { for: "pool-state" }, "State"),
        stateFilter,
        h("label", { for: "pool-limit" }, "Show"),
        limit,
        h(
          "span",
          { class: "legend", "aria-hidden": "true" },
          h("span", { class: "key warning" }, "warning mark"),
          h("span", { class: "key critical" }, "critical mark"),
          h("span", { class: "key peak" }, "peak")
        )
      ),
      list,
      count
    ),
    status
  );

  let pools = [];

  function renderPools() {
    const words = filter.value.toLowerCase().split(/\s+/).filter(Boolean);
    const found = pools.filter((p) => matches(p, words, stateFilter.value));
    const most = limit.value === "all" ? found.length : Number(limit.value);
    const shown = found.slice(0, most);
    show(list, shown.map(poolRow));
    if (!pools.length) {
      show(count, "No DHCP pool is configured.");
    } else if (!found.length) {
      show(count, "No pool matches.");
    } else {
      show(
        count,
        "Showing " + shown.length.toLocaleString("en-US") + " of " + found.length.toLocaleString("en-US") +
          (found.length === pools.length ? " pools" : " matching pools (" + pools.length.toLocaleString("en-US") + " in all)") +
          ", fullest first."
      );
    }
  }
  filter.addEventListener("input", renderPools);
  limit.addEventListener("change", renderPools);
  stateFilter.addEventListener("change", renderPools);

  function renderSummary(s) {
    const percent = s.addresses ? ((s.used * 100) / s.addresses).toFixed(1) : "0";
    show(
      summary,
      h("span", {}, formatNumber(s.pools) + " pools"),
      h("span", {}, formatNumber(s.used) + " of " + formatNumber(s.addresses) + " addresses in use (" + percent + " %)"),
      h("span", { class: s.warning ? "warn-count" : "" }, s.warning + " at warning"),
      h("span", { class: s.critical ? "crit-count" : "" }, s.critical + " at critical")
    );
  }

  function renderCharts(rates) {
    for (const c of rates.charts) {
      const slot = charts[c.id];
      if (!slot) continue;
      show(slot.title, c.title);
      if (!slot.chart) {
        slot.chart = lineChart(slot.plot, { labels: c.series.map((s) => s.label) });
      }
      slot.chart.update(rates.times, c.series.map((s) => s.values));
      slot.plot.setAttribute("data-samples", String(rates.times.length));
      const now = latest(c.series[0].values);
      show(slot.now, now === null ? "–" : formatNumber(now) + "/s now");
      slot.now.setAttribute("data-value", now === null ? "" : String(now));
    }
  }

  async function refresh() {
    try {
      const d = await api("/console/dashboard");
      show(failoverPanel, failoverView(d.failover));
      renderCharts(d.rates);
      pools = d.pools;
      renderSummary(d.poolSummary);
      renderPools();
      show(
        status,
        "Updated " + new Date().toLocaleTimeString() + " · rates over the last " +
          Math.round(d.rates.windowSeconds / 60) + " min, one sample every " + d.rates.intervalSeconds + " s"
      );
    } catch (e) {
      show(status, errorBox(e));
    }
  }
  await refresh();
  setInterval(() => document.hidden || refresh(), REFRESH_MS);
  document.addEventListener("visibilitychange", () => document.hidden || refresh());
});

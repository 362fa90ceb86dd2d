import { api, h, show, startPage, errorBox } from "./console.js";
import { lineChart, formatNumber } from "./charts.js";

// Every statistic of the registry (GET /api/v1/stats/described), searchable by name and help as
// one types, and the last hour of the one chosen (GET /api/v1/stats/history): counters as rates
// per second (or their running total), gauges as values. The chosen statistic is in the URL's
// fragment (stats.html#dhcp.sent.ack), so a link or a reload shows it again.

const SHOWN_ROWS = 200;
const LIST_REFRESH_MS = 30000;
const CHART_REFRESH_MS = 10000;

function chosenName() {
  return decodeURIComponent(location.hash.replace(/^#/, ""));
}

function matches(statistic, words, kind) {
  if (kind !== "all" && statistic.kind !== kind) return false;
  return words.every((word) => statistic.search.includes(word));
}

startPage("Statistics", async (main) => {
  const search = h("input", {
    type: "search",
    id: "stat-search",
    placeholder: "e.g. pool used, dhcp.sent, timeout",
    autocomplete: "off",
    "aria-describedby": "stat-count",
  });
  const kind = h(
    "select",
    { id: "stat-kind" },
    [["all", "every kind"], ["counter", "counters"], ["gauge", "gauges"], ["histogram", "histograms"]].map(
      ([value, text]) => h("option", { value }, text)
    )
  );
  const count = h("p", { class: "muted", id: "stat-count", "aria-live": "polite" });
  const body = h("tbody", { id: "stat-rows" });
  const list = h(
    "div",
    { class: "stat-scroll" },
    h(
      "table",
      { class: "stat-table", id: "stat-table" },
      h("colgroup", {}, h("col", {}), h("col", { class: "value-col" }), h("col", { class: "kind-col" })),
      h(
        "thead",
        {},
        h(
          "tr",
          {},
          h("th", { scope: "col" }, "Statistic"),
          h("th", { scope: "col", class: "num" }, "Value"),
          h("th", { scope: "col" }, "Kind")
        )
      ),
      body
    )
  );

  const title = h("h2", { id: "stat-title" }, "Choose a statistic");
  const help = h("p", { class: "stat-help", id: "stat-help" }, "Its last hour shows here.");
  const facts = h("dl", { class: "stat-facts", id: "stat-facts" });
  const view = h("fieldset", { class: "view", id: "stat-view", hidden: true });
  const plot = h("div", { class: "plot", id: "stat-chart" });
  const note = h("p", { class: "muted", id: "stat-note" });
  const detail = h(
    "section",
    { class: "panel detail", id: "stat-detail", "aria-labelledby": "stat-title" },
    title,
    help,
    facts,
    view,
    plot,
    note
  );

  show(
    main,
    h(
      "div",
      { class: "stats-layout" },
      h(
        "section",
        { class: "panel stat-list", "aria-label": "Every statistic" },
        h(
          "div",
          { class: "tools" },
          h("label", { for: "stat-search" }, "Search"),
          search,
          h("label", { for: "stat-kind" }, "Kind"),
          kind
        ),
        count,
        list
      ),
      detail
    )
  );

  let statistics = [];
  let chart = null;
  let chartKey = null;
  let showRates = true;

  function row(s) {
    const chosen = s.name === chosenName();
    return h(
      "tr",
      { "data-name": s.name, class: chosen ? "chosen" : null },
      h(
        "td",
        {},
        h(
          "a",
          { class: "stat-name", href: "#" + encodeURIComponent(s.name), "aria-current": chosen ? "true" : null },
          s.name
        ),
        h("div", { class: "help" }, s.help)
      ),
      h("td", { class: "num" }, formatNumber(s.value), h("span", { class: "unit" }, " " + s.unit)),
      h("td", { class: "kind" }, s.kind)
    );
  }

  function renderList() {
    const words = search.value.toLowerCase().split(/\s+/).filter(Boolean);
    const found = statistics.filter((s) => matches(s, words, kind.value));
    // A refresh redraws the rows: the link that had the keyboard focus gets it back.
    const focusedRow = body.contains(document.activeElement) ? document.activeElement.closest("tr") : null;
    show(body, found.slice(0, SHOWN_ROWS).map(row));
    if (focusedRow) {
      const again = [...body.querySelectorAll("tr")].find((tr) => tr.dataset.name === focusedRow.dataset.name);
      if (again) again.querySelector("a").focus();
    }
    if (!found.length) {
      show(count, "No statistic matches.");
    } else if (found.length > SHOWN_ROWS) {
      show(count, "The first " + SHOWN_ROWS + " of " + found.length.toLocaleString("en-US") + " statistics that match; type more to narrow them.");
    } else {
      show(count, found.length.toLocaleString("en-US") + " of " + statistics.length.toLocaleString("en-US") + " statistics.");
    }
  }
  search.addEventListener("input", renderList);
  kind.addEventListener("change", renderList);

  async function loadList() {
    try {
      const described = await api("/stats/described");
      statistics = described.statistics.map((s) => ({
        ...s,
        search: (s.name + " " + s.help + " " + Object.values(s.labels || {}).join(" ")).toLowerCase(),
      }));
      renderList();
    } catch (e) {
      show(count, errorBox(e));
    }
  }

  function renderView(series) {
    const cumulative = series.kind !== "gauge";
    view.hidden = !cumulative;
    if (!cumulative) return;
    const option = (value, text) =>
      h(
        "label",
        { class: "choice" },
        h("input", {
          type: "radio",
          name: "stat-view",
          value,
          id: "view-" + value,
          checked: (value === "rate") === showRates,
          onchange: () => {
            showRates = value === "rate";
            loadChart();
          },
        }),
        " " + text
      );
    if (!view.firstChild) {
      show(view, h("legend", {}, "Show"), option("rate", "rate per second"), option("total", "running total"));
    }
  }

  async function loadChart() {
    const name = chosenName();
    if (!name) return;
    try {
      const history = await api("/stats/history?name=" + encodeURIComponent(name));
      const series = history.series[0];
      if (!series) {
        show(title, name);
        show(help, "This statistic is not in the registry now (a pool removed, or a mistyped name).");
        show(facts);
        show(note);
        view.hidden = true;
        if (chart) {
          chart.destroy();
          chart = null;
          chartKey = null;
        }
        return;
      }
      show(title, series.name);
      show(help, series.help);
      renderView(series);
      const rates = series.kind !== "gauge" && showRates;
      const values = rates ? series.rates : series.values;
      const latest = series.values[series.values.length - 1];
      show(
        facts,
        h("dt", {}, "Latest sample"),
        h("dd", { id: "stat-now" }, formatNumber(latest) + " " + series.unit),
        h("dt", {}, "Kind"),
        h("dd", {}, series.kind),
        h("dt", {}, "Samples"),
        h("dd", { id: "stat-samples" }, series.times.length + " (one every " + history.intervalSeconds + " s)")
      );
      const label = rates ? series.unit + "/s" : series.unit;
      const key = series.name + "|" + label;
      if (chartKey !== key) {
        if (chart) chart.destroy();
        show(plot);
        chart = lineChart(plot, { labels: [label], height: 260, fromZero: rates || series.kind !== "gauge" });
        chartKey = key;
      }
      chart.update(series.times.map((t) => t / 1000), [values]);
      show(
        note,
        rates
          ? "Increase per second over each " + history.intervalSeconds + " s interval, for the last hour."
          : "Value at each sample, for the last hour."
      );
    } catch (e) {
      show(note, errorBox(e));
    }
  }

  window.addEventListener("hashchange", () => {
    view.replaceChildren();
    showRates = true;
    renderList();
    loadChart();
    title.focus();
  });
  title.setAttribute("tabindex", "-1");

  await loadList();
  await loadChart();
  // Only while someone looks: a tab left in the background costs the server nothing.
  setInterval(() => document.hidden || loadList(), LIST_REFRESH_MS);
  setInterval(() => document.hidden || loadChart(), CHART_REFRESH_MS);
});

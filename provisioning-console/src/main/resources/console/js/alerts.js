import { api, h, show, startPage, table, errorBox, may, when, onAlertChange } from "./console.js";

// Active alerts (acknowledge them here), then the history, newest first, refreshed live.

function rows(alerts, withAck) {
  return alerts.map((a) => [
    h("span", { class: "state " + (a.severity === "info" ? "ok" : a.severity) }, ""),
    a.event,
    a.severity,
    a.server,
    a.object,
    a.message,
    when(a.raisedAt),
    a.repeats > 1 ? String(a.repeats) : "",
    a.acknowledgedBy
      ? "acknowledged by " + a.acknowledgedBy
      : withAck && may("operator")
      ? h(
          "button",
          {
            type: "button",
            class: "secondary",
            "data-ack": a.id,
            onclick: async (event) => {
              event.target.disabled = true;
              await api("/alerts/ack", { method: "POST", body: { id: a.id } });
            },
          },
          "Acknowledge"
        )
      : a.clearedAt
      ? "cleared " + when(a.clearedAt)
      : "",
  ]);
}

const HEADERS = ["", "event", "severity", "server", "object", "message", "raised", "repeats", ""];

startPage("Alerts", async (main) => {
  const active = h("div", { id: "active-alerts" });
  const history = h("div", { id: "alert-history" });
  show(main, h("h2", {}, "Active"), active, h("h2", {}, "History"), history);
  async function refresh() {
    try {
      const all = await api("/alerts?state=all");
      show(
        active,
        all.active.length
          ? table(HEADERS, rows(all.active, true))
          : h("p", { class: "muted" }, "No active alert.")
      );
      const past = all.history.filter((a) => a.clearedAt).reverse();
      show(history, past.length ? table(HEADERS, rows(past, false)) : h("p", { class: "muted" }, "None."));
    } catch (e) {
      show(active, errorBox(e));
    }
  }
  await refresh();
  onAlertChange(refresh);
});

import { api, h, show, startPage, errorBox, may, when, confirmed } from "./console.js";

// Failover in two steps: the secondary shows its pairing secret; on the primary the operator
// enters the secondary's address and that secret and clicks "Initiate failover", then watches
// the pair form (connecting, config sent, leases sent, normal). Once paired: the pair's status
// and counters, and the manual actions, each confirmed and given a reason for the audit log.

function fact(name, value, id) {
  return [h("dt", {}, name), h("dd", { id }, value === null || value === undefined ? "—" : String(value))];
}

function progressLine(progress) {
  if (!progress) return "—";
  return (
    progress.kind + ": " + progress.done + " of " + progress.total + " (" + progress.state + ")" +
    (progress.resumedFrom ? ", resumed from " + progress.resumedFrom : "")
  );
}

function statusPanel(s) {
  const answers = s.serving; // the server's own rule (FailoverStatus.serving)
  return h(
    "section",
    { class: "panel", "aria-labelledby": "status-title" },
    h("h2", { id: "status-title" }, "This server"),
    h(
      "dl",
      { class: "facts-grid" },
      fact("role", s.role, "role"),
      fact("state", s.state, "state"),
      fact("serving clients", answers ? "yes" : "no (standby)", "serving"),
      fact("since", when(s.since)),
      fact("partner", s.partnerAddress, "partner"),
      fact("partner state", s.partnerState, "partner-state"),
      fact("last heartbeat", s.lastHeartbeatAgeMillis >= 0 ? s.lastHeartbeatAgeMillis + " ms ago" : "none"),
      fact("records sent / acked / pending", s.recordsSent + " / " + s.recordsAcked + " / " + s.recordsPending),
      fact("lag", s.lagRecords + " records, " + s.lagMillis + " ms"),
      fact("conflicts resolved", s.conflicts),
      fact("clock skew", s.clockSkewMillis + " ms"),
      fact("sync sending", progressLine(s.sync && s.sync.sending)),
      fact("sync receiving", progressLine(s.sync && s.sync.receiving))
    )
  );
}

/** The steps of forming the pair, as the primary's status shows them. */
function steps(s) {
  const sending = s.sync && s.sync.sending;
  const contact = s.lastHeartbeatAgeMillis >= 0 || s.state === "SYNCING" || s.state === "NORMAL";
  const normal = s.state === "NORMAL";
  const list = [
    ["Connecting to " + (s.partnerAddress || "the secondary"), contact],
    ["Config sent", normal || !!sending],
    [
      "Leases sent" + (sending ? " (" + sending.done + " of " + sending.total + ")" : ""),
      normal || (sending && sending.state === "done"),
    ],
    ["Normal: the pair is in sync", normal],
  ];
  return h(
    "ol",
    { class: "steps", id: "pairing-steps", "aria-live": "polite" },
    list.map(([label, done]) =>
      h("li", { class: done ? "done" : "pending", "data-done": done ? "yes" : "no" }, (done ? "✓ " : "… ") + label)
    )
  );
}

function pairingForm(onStarted) {
  const peer = h("input", { id: "peer", name: "peer", required: true, placeholder: "10.0.0.3", autocomplete: "off" });
  const secret = h("input", { id: "secret", name: "secret", required: true, autocomplete: "off", spellcheck: "false" });
  const error = h("div", { id: "pairing-error" });
  const form = h(
    "form",
    { id: "pairing-form", class: "panel" },
    h("h2", {}, "Pair with a secondary"),
    h(
      "p",
      { class: "muted" },
      "Step 1: install the secondary with role secondary and open this page on it: it shows its pairing secret. " +
        "Step 2: enter its address and that secret here. Everything else (config, leases, users) is sent automatically."
    ),
    h("label", { for: "peer" }, "Secondary's address"),
    peer,
    h("label", { for: "secret" }, "Pairing secret shown by the secondary"),
    secret,
    error,
    h("p", {}, h("button", { type: "submit", id: "initiate" }, "Initiate failover"))
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    show(error);
    try {
      await api("/failover/init", { method: "POST", body: { peer: peer.value.trim(), secret: secret.value.trim() } });
      onStarted();
    } catch (e) {
      show(error, errorBox(e));
    }
  });
  return form;
}

function actions(s, refresh) {
  const reason = h("input", { id: "reason", name: "reason", placeholder: "why (kept in the audit log)" });
  const result = h("div", { id: "action-result" });
  const act = (path, question) => async () => {
    if (!confirmed(question)) return;
    show(result);
    try {
      await api("/failover/" + path, { method: "POST", body: { cause: reason.value || "from the console" } });
      show(result, h("p", { role: "status" }, "Done: " + path));
      refresh();
    } catch (e) {
      show(result, errorBox(e));
    }
  };
  return h(
    "section",
    { class: "panel", id: "actions" },
    h("h2", {}, "Manual actions"),
    h("label", { for: "reason" }, "Reason"),
    reason,
    h(
      "p",
      { class: "buttons" },
      h("button", { type: "button", id: "takeover", class: "danger", onclick: act("takeover", "Serve clients now? Only do this when the partner is known to be dead.") }, "Take over now"),
      " ",
      h("button", { type: "button", id: "handback", class: "secondary", onclick: act("handback", "Hand the service back to the primary?") }, "Hand back"),
      " ",
      h("button", { type: "button", id: "leave", class: "secondary", onclick: act("leave", "Leave the pair? This server will serve alone.") }, "Leave the pair")
    ),
    result
  );
}

startPage("Failover", async (main) => {
  const secretPanel = h("div", { id: "secret-panel" });
  const pairing = h("div", { id: "pairing" });
  const status = h("div", { id: "failover-status" });
  const manual = h("div", { id: "manual" });
  show(main, secretPanel, pairing, status, manual);
  let pairingStarted = false;
  let shownSecret = false;
  let timer = null;

  async function refresh() {
    let s;
    try {
      s = await api("/failover");
    } catch (e) {
      show(status, errorBox(e));
      return;
    }
    show(status, statusPanel(s));
    if (s.role === "secondary" && may("admin") && !shownSecret) {
      shownSecret = true;
      try {
        const secret = await api("/failover/secret");
        show(
          secretPanel,
          h(
            "section",
            { class: "panel" },
            h("h2", {}, "Pairing secret"),
            h("p", {}, "Enter this secret on the primary's failover page, with this server's address:"),
            h("p", { class: "secret" }, h("code", { id: "pairing-secret" }, secret.secret))
          )
        );
      } catch (e) {
        show(secretPanel, errorBox(e));
      }
    }
    if (s.role === "standalone" && !pairingStarted) {
      if (may("admin") && !pairing.firstChild) show(pairing, pairingForm(() => { pairingStarted = true; refresh(); }));
    } else if (s.role === "primary" && (pairingStarted || s.state !== "NORMAL")) {
      show(pairing, h("section", { class: "panel" }, h("h2", {}, "Forming the pair"), steps(s)));
    } else {
      show(pairing);
    }
    if (s.role === "standalone" || !may("admin")) {
      show(manual);
    } else if (!manual.firstChild) {
      show(manual, actions(s, refresh)); // drawn once: a reason being typed is kept
    }
    clearTimeout(timer);
    timer = setTimeout(refresh, s.state === "NORMAL" || s.state === "STANDALONE" ? 2000 : 250);
  }
  await refresh();
});

import { api, h, show, startPage, errorBox } from "./console.js";

// The headend as a tree: the pair, this server, each service, and under DHCP its shared
// networks, subnets, pools (use against both high-water marks), classes and reservations.
// Refreshed every 10 s; branches the operator closed stay closed.

const closed = new Set();

function meter(node) {
  if (node.usedPercent === undefined) return null;
  return h(
    "span",
    { class: "meter " + node.state, role: "img", "aria-label": node.usedPercent + " % used" },
    h("span", { style: null, "data-width": node.usedPercent })
  );
}

function label(node) {
  return [
    h("span", { class: "state " + node.state, title: node.state }),
    h("span", { class: "label" }, node.label),
    h("span", { class: "kind" }, node.kind),
    node.alerts > 0
      ? h("span", { class: "badge", title: node.alerts + " active alerts" }, String(node.alerts))
      : null,
    meter(node),
    node.note ? h("span", { class: "muted" }, " · " + node.note) : null,
  ];
}

function facts(node) {
  if (!node.facts.length) return null;
  return h("div", { class: "facts" }, node.facts.map((f) => f.name + ": " + f.value).join(" · "));
}

function branch(node) {
  const item = h("li", { "data-id": node.id, "data-state": node.state });
  if (!node.children.length) {
    item.append(h("div", {}, label(node)), facts(node) || "");
    return item;
  }
  const details = h(
    "details",
    { open: !closed.has(node.id) },
    h("summary", {}, label(node)),
    facts(node),
    h("ul", {}, node.children.map(branch))
  );
  details.addEventListener("toggle", () =>
    details.open ? closed.delete(node.id) : closed.add(node.id)
  );
  item.append(details);
  return item;
}

// Meter widths are set through the DOM (the CSP forbids inline styles in markup).
function sizeMeters(root) {
  for (const bar of root.querySelectorAll(".meter > span")) {
    bar.style.width = Math.min(100, Number(bar.dataset.width)) + "%";
  }
}

startPage("Tree", async (main) => {
  const holder = h("div", { class: "tree", id: "tree" });
  const status = h("p", { class: "muted", id: "tree-status" });
  show(main, holder, status);
  async function refresh() {
    try {
      const tree = await api("/console/tree");
      show(holder, h("ul", { role: "tree" }, branch(tree)));
      sizeMeters(holder);
      show(status, "Updated " + new Date().toLocaleTimeString());
    } catch (e) {
      show(status, errorBox(e));
    }
  }
  await refresh();
  setInterval(refresh, 10000);
});

import { api, h, show, startPage, errorBox, may, when, confirmed, session } from "./console.js";

// The configuration of every service as forms. The page edits a copy of the running document;
// "Preview" has the server check it with the rules of --check-config and answer with what it
// would change (a diff against the running version), every error shown next to its field by its
// path (dhcp.subnets[0].pools[0].range); "Apply" saves exactly the previewed document, with
// If-Match so that a change made meanwhile by someone else is refused, not overwritten. The
// history lists every version with who made it and when, compares any two, and rolls back to
// any of them. A viewer sees the same forms with every control disabled and no button to change.

const MASK = "********";

const state = {
  running: null, // GET /config: {version, source, changedAt, config}
  draft: null, // the document being edited
  rawText: null, // the whole-document editor's text when it is not JSON (sent as it is)
  previewed: null, // the document text last previewed without error
  previewChanges: 0,
  errors: [], // [{path, message}] of the last refusal
  canEdit: false,
  tab: "dhcp",
};

/** Every field and container on the forms, by config path: {wrapper, control, slot, tab}. */
const fields = new Map();
let renderingTab = null;
const ui = {};

// ---------------------------------------------------------------------------------------------
// Paths: dhcp.subnets[0].pools[1].range, as the server names errors.

function parsePath(path) {
  const parts = [];
  const re = /([^.[\]]+)|\[(\d+)\]/g;
  let m;
  while ((m = re.exec(path))) parts.push(m[2] !== undefined ? Number(m[2]) : m[1]);
  return parts;
}

function joinPath(parts) {
  return parts.map((p, i) => (typeof p === "number" ? "[" + p + "]" : (i ? "." : "") + p)).join("");
}

function getAt(object, parts) {
  let o = object;
  for (const p of parts) {
    if (o === null || o === undefined) return undefined;
    o = o[p];
  }
  return o;
}

function setAt(object, parts, value) {
  let o = object;
  for (let i = 0; i < parts.length - 1; i++) {
    if (o[parts[i]] === null || typeof o[parts[i]] !== "object") {
      o[parts[i]] = typeof parts[i + 1] === "number" ? [] : {};
    }
    o = o[parts[i]];
  }
  o[parts[parts.length - 1]] = value;
}

/** The path with its list indices taken out: dhcp.subnets[].pools[].range. */
function shape(path) {
  return path.replace(/\[\d+\]/g, "[]");
}

function fid(path) {
  return "f-" + path.replace(/[^A-Za-z0-9]+/g, "-").replace(/-$/, "");
}

const copy = (value) => JSON.parse(JSON.stringify(value));

// ---------------------------------------------------------------------------------------------
// What the generic forms need to know beyond a value's JSON type.

const SEVERITIES = ["info", "warning", "critical"];
const ENUMS = {
  "failover.role": ["standalone", "primary", "secondary"],
  "dhcp.classes[].role": ["modem", "mta", "cpe"],
  "alerts.email.security": ["none", "starttls", "smtps"],
  "alerts.syslog.protocol": ["udp", "tcp"],
  "alerts.syslog.facility": [
    "kern", "user", "mail", "daemon", "auth", "syslog", "lpr", "news", "uucp", "cron", "authpriv",
    "ftp", "ntp", "audit", "alert", "clock", "local0", "local1", "local2", "local3", "local4",
    "local5", "local6", "local7",
  ],
  "alerts.snmp.traps[].version": ["v2c", "v3"],
  "dns.keys[].algorithm": ["hmac-sha1", "hmac-sha224", "hmac-sha256", "hmac-sha384", "hmac-sha512"],
  "alerts.snmp.traps[].user.authProtocol": ["sha256", "sha384", "sha512"],
  "alerts.snmp.agent.users[].authProtocol": ["sha256", "sha384", "sha512"],
  "alerts.snmp.traps[].user.privProtocol": ["aes128"],
  "alerts.snmp.agent.users[].privProtocol": ["aes128"],
};
const SECRETS = new Set([
  "tftp.docsis.sharedSecret",
  "dns.keys[].secret",
  "alerts.email.password",
  "alerts.snmp.agent.community",
  "alerts.snmp.traps[].community",
  "alerts.snmp.traps[].user.authKey",
  "alerts.snmp.traps[].user.privKey",
  "alerts.snmp.agent.users[].authKey",
  "alerts.snmp.agent.users[].privKey",
]);
/** Switches that are left out (null) for their default. */
const TRISTATE = new Set(["management.metricsRequireToken", "management.tls.enabled"]);
/** Maps of names to text, edited as "name = value" lines. */
const MAPS = new Set([
  "dhcp.options.raw",
  "dhcp.subnets[].options.raw",
  "dhcp.classes[].options.raw",
  "dhcp.reservations[].options.raw",
  "dns.ddns.classPatterns",
  "tftp.docsis.files[].variables",
  "tftp.docsis.modems[].variables",
]);
/** Values too nested for a form: edited as JSON. */
const JSON_VALUES = new Set(["tftp.docsis.files[].classes"]);
/** Lists whose items may hold spaces: one per line. */
const LINES = new Set(["dns.zones[].records", "tod.syncCommand"]);
/** Text of several lines. */
const LONG_TEXT = new Set(["tftp.docsis.files[].templateText"]);

const EMPTY_OPTIONS = () => ({
  routers: null, dnsServers: null, timeServers: null, logServers: null, ntpServers: null,
  domainName: null, timeOffset: null, bootFile: null, nextServer: null, tftpServer: null,
  tftpServers: null, raw: {},
});
const SNMP_USER = () => ({ name: "", authProtocol: null, authKey: null, privProtocol: null, privKey: null });
/** A new item of a list, by the list's shape; null values take the server's defaults. */
const ITEMS = {
  "dhcp.subnets": () => ({ subnet: "", relays: [], pools: [], options: EMPTY_OPTIONS(), leaseTime: null }),
  "dhcp.subnets[].pools": () => ({ name: null, range: "", classes: [], warningPercent: 80, criticalPercent: 95 }),
  "dhcp.classes": () => ({
    name: "",
    match: { vendorClassPrefix: null, macPrefixes: [], circuitId: null, remoteId: null, reserved: null, modemKnown: null },
    role: "cpe", leaseTime: null, options: EMPTY_OPTIONS(),
  }),
  "dhcp.reservations": () => ({
    mac: "", clientId: null, remoteId: null, address: null, hostname: null, clientClass: null,
    blocked: false, options: EMPTY_OPTIONS(),
  }),
  "dns.zones": () => ({
    name: "", soa: { primary: null, contact: null, serial: null, refresh: null, retry: null, expire: null, minimum: null, ttl: null },
    nameServers: [], records: [], updateKeys: [], transferKeys: [], alsoNotify: [], primary: null,
  }),
  "dns.zones[].alsoNotify": () => ({ address: "", port: null }),
  "dns.keys": () => ({ name: "", algorithm: "hmac-sha256", secret: null }),
  "tftp.docsis.files": () => ({ pattern: "", template: null, templateText: null, requireLease: true, variables: {}, classes: {} }),
  "tftp.docsis.modems": () => ({ mac: "", variables: {} }),
  "alerts.snmp.traps": () => ({
    address: "", port: null, version: "v2c", inform: false, community: null, user: null,
    minSeverity: null, events: [], timeoutMillis: null, retries: null,
  }),
  "alerts.snmp.agent.users": SNMP_USER,
};
/** Sections that are left out (null) until configured. */
const OPTIONAL = {
  "alerts.email": () => ({
    host: "", port: null, security: "starttls", username: null, password: null, from: "", to: [],
    minSeverity: "warning", events: [], maxPerMinute: null, timeoutMillis: null,
  }),
  "alerts.syslog": () => ({ host: "", port: null, protocol: "udp", facility: "local0", minSeverity: "info", events: [] }),
  "dns.zones[].primary": () => ({ address: "", port: null, key: null }),
  "alerts.snmp.traps[].user": SNMP_USER,
};

const WORDS = {
  dhcp: "DHCP", tftp: "TFTP", dns: "DNS", ddns: "DDNS", tod: "ToD", tcp: "TCP", udp: "UDP", soa: "SOA",
  mic: "MIC", cmts: "CMTS", snmp: "SNMP", id: "ID", ttl: "TTL", tls: "TLS", mac: "MAC", cpe: "CPE",
  api: "API", ip: "IP", smtp: "SMTP", ntp: "NTP", docsis: "DOCSIS",
};

/** offerHoldSeconds -> "Offer hold (s)". */
function human(key) {
  let unit = "";
  let base = String(key);
  for (const [suffix, u] of [["Millis", " (ms)"], ["Seconds", " (s)"], ["Minutes", " (min)"], ["Percent", " (%)"], ["Bytes", " (bytes)"]]) {
    if (base.endsWith(suffix) && base.length > suffix.length) {
      base = base.slice(0, -suffix.length);
      unit = u;
    }
  }
  const words = base.replace(/([a-z0-9])([A-Z])/g, "$1 $2").split(" ");
  const text = words.map((w, i) => WORDS[w.toLowerCase()] || (i === 0 ? w[0].toUpperCase() + w.slice(1) : w.toLowerCase())).join(" ");
  return text + unit;
}

// ---------------------------------------------------------------------------------------------
// Fields.

function errorSlot(path) {
  return h("p", { class: "field-error", id: fid(path) + "-error", hidden: true });
}

/** Registers something errors can be shown at: a field, a card, a table row, a fieldset. */
function register(path, wrapper, control, slot) {
  fields.set(path, { wrapper, control, slot, tab: renderingTab });
}

function kindOf(path, value) {
  const s = shape(path);
  if (ENUMS[s] || s.endsWith(".minSeverity")) return "select";
  if (SECRETS.has(s)) return "secret";
  if (TRISTATE.has(s)) return "tristate";
  if (MAPS.has(s)) return "map";
  if (JSON_VALUES.has(s)) return "json";
  if (LINES.has(s)) return "lines";
  if (LONG_TEXT.has(s)) return "longtext";
  if (typeof value === "boolean") return "bool";
  if (typeof value === "number") return "number";
  if (Array.isArray(value)) return "list";
  if (value === null || value === undefined) return "auto";
  return "text";
}

/**
 * A labelled control bound to the draft at `path`. Every kind turns the text typed into the JSON
 * value the server reads; what cannot be read (letters in a number) goes as typed, so that the
 * server's error about it lands here.
 */
function field(path, label, opts = {}) {
  const parts = parsePath(path);
  const value = getAt(state.draft, parts);
  const kind = opts.kind || kindOf(path, value);
  const id = fid(path);
  const emptyAs = "emptyAs" in opts ? opts.emptyAs : kind === "list" || kind === "lines" ? (value === null ? null : []) : null;
  const common = { id, "data-path": path, disabled: !state.canEdit, placeholder: opts.placeholder, "aria-describedby": opts.hint ? id + "-hint" : null };
  let control;
  let read;
  let event = "input";
  switch (kind) {
    case "bool":
      control = h("input", { ...common, type: "checkbox", checked: value === true });
      read = () => control.checked;
      event = "change";
      break;
    case "select":
    case "tristate": {
      const unset = TRISTATE.has(shape(path)) ? "(default)" : "any";
      const options = kind === "tristate" ? [["", unset], ["true", "yes"], ["false", "no"]] : (ENUMS[shape(path)] || opts.options || SEVERITIES).map((o) => [o, o]);
      const current = value === null || value === undefined ? "" : String(value);
      if (kind === "select" && !options.some(([v]) => v === current)) options.unshift([current, current === "" ? "(default)" : current]);
      control = h("select", common, options.map(([v, text]) => h("option", { value: v, selected: v === current }, text)));
      read = () => (control.value === "" ? null : kind === "tristate" ? control.value === "true" : control.value);
      event = "change";
      break;
    }
    case "lines":
    case "longtext":
    case "map":
    case "json": {
      let text;
      if (kind === "lines") text = Array.isArray(value) ? value.join("\n") : "";
      else if (kind === "longtext") text = value ?? "";
      else if (kind === "map") text = Object.entries(value || {}).map(([k, v]) => k + " = " + v).join("\n");
      else text = value === null || value === undefined ? "" : JSON.stringify(value, null, 2);
      control = h("textarea", { ...common, rows: Math.min(12, Math.max(2, text.split("\n").length + 1)), spellcheck: "false" });
      control.value = text;
      read = () => {
        const t = control.value;
        if (kind === "longtext") return t === "" ? null : t;
        if (kind === "lines") {
          const lines = t.split("\n").map((l) => l.trim()).filter((l) => l);
          return lines.length ? lines : emptyAs;
        }
        if (kind === "map") {
          const map = {};
          for (const line of t.split("\n")) {
            if (!line.trim()) continue;
            const at = line.indexOf("=");
            if (at < 0) map[line.trim()] = "";
            else map[line.slice(0, at).trim()] = line.slice(at + 1).trim();
          }
          return map;
        }
        if (!t.trim()) return null;
        try {
          return JSON.parse(t);
        } catch (e) {
          return t; // the server says why it cannot read it
        }
      };
      break;
    }
    default: {
      const text = Array.isArray(value) ? value.join(", ") : value === null || value === undefined ? "" : String(value);
      control = h("input", {
        ...common,
        type: kind === "secret" ? "password" : "text",
        inputmode: kind === "number" ? "numeric" : null,
        autocomplete: kind === "secret" ? "new-password" : "off",
        spellcheck: "false",
        value: text,
      });
      read = () => {
        const t = control.value.trim();
        if (kind === "list") {
          const items = t.split(/[\s,]+/).filter((x) => x);
          return items.length ? items : emptyAs;
        }
        if (t === "") return emptyAs;
        if (kind === "number" || kind === "auto") {
          if (/^-?\d+$/.test(t)) return Number(t);
          if (kind === "auto" && (t === "true" || t === "false")) return t === "true";
        }
        return kind === "secret" ? control.value : t;
      };
    }
  }
  control.addEventListener(event, () => {
    setAt(state.draft, parts, read());
    clearErrorsAt(path);
    changed();
  });
  const slot = errorSlot(path);
  const labelEl = h("label", { for: id, class: opts.srLabel ? "sr-only" : null }, label);
  const hint = opts.hint ? h("p", { class: "hint", id: id + "-hint" }, opts.hint) : null;
  const wrapper =
    kind === "bool"
      ? h("div", { class: "field bool", "data-field": path }, control, labelEl, hint, slot)
      : h("div", { class: "field", "data-field": path }, labelEl, control, hint, slot);
  register(path, wrapper, control, slot);
  return wrapper;
}

function removeButton(listPath, index, what) {
  if (!state.canEdit) return null;
  return h(
    "button",
    {
      type: "button",
      class: "secondary small",
      "aria-label": "Remove " + what,
      onclick: () => {
        const list = getAt(state.draft, parsePath(listPath));
        list.splice(index, 1);
        structureChanged();
      },
    },
    "Remove"
  );
}

function addButton(listPath, label) {
  if (!state.canEdit) return null;
  return h(
    "button",
    {
      type: "button",
      class: "secondary small",
      onclick: () => {
        const parts = parsePath(listPath);
        let list = getAt(state.draft, parts);
        if (!Array.isArray(list)) {
          list = [];
          setAt(state.draft, parts, list);
        }
        const make = ITEMS[shape(listPath)];
        list.push(make ? make() : list.length ? blank(list[0]) : {});
        structureChanged();
        const first = document.querySelector('[data-path^="' + listPath + "[" + (list.length - 1) + ']"]');
        if (first) first.focus();
      },
    },
    label
  );
}

/** A new item shaped like an existing one, its values emptied. */
function blank(like) {
  if (Array.isArray(like)) return [];
  if (like && typeof like === "object") return Object.fromEntries(Object.keys(like).map((k) => [k, blank(like[k])]));
  return typeof like === "boolean" ? false : null;
}

function sectionHead(title, note, level = "h3") {
  return h("div", { class: "section-head" }, h(level, {}, title), note ? h("span", { class: "muted" }, note) : null);
}

// ---------------------------------------------------------------------------------------------
// DHCP: the service, options, subnets with their pools and marks, classes, reservations.

function optionsEditor(path, title) {
  const o = getAt(state.draft, parsePath(path)) || {};
  const set = Object.entries(o).filter(([k, v]) => (k === "raw" ? Object.keys(v || {}).length : v !== null && v !== undefined)).length;
  const slot = errorSlot(path);
  const details = h(
    "details",
    { class: "sub", "data-field": path },
    h("summary", {}, title + (set ? " (" + set + " set)" : " (none set here)")),
    slot,
    h(
      "div",
      { class: "field-grid" },
      field(path + ".routers", "Routers (3)", { kind: "list", placeholder: "10.1.0.1" }),
      field(path + ".dnsServers", "DNS servers (6)", { kind: "list" }),
      field(path + ".domainName", "Domain name (15)", { kind: "text" }),
      field(path + ".timeServers", "Time servers (4)", { kind: "list" }),
      field(path + ".timeOffset", "Time offset (2), s", { kind: "number" }),
      field(path + ".logServers", "Log servers (7)", { kind: "list" }),
      field(path + ".ntpServers", "NTP servers (42)", { kind: "list" }),
      field(path + ".bootFile", "Boot file (67)", { kind: "text", placeholder: "{mac}.cfg" }),
      field(path + ".nextServer", "Next server (siaddr)", { kind: "text" }),
      field(path + ".tftpServer", "TFTP server name (66)", { kind: "text" }),
      field(path + ".tftpServers", "TFTP servers (125)", { kind: "list" })
    ),
    field(path + ".raw", "Other options by code", {
      kind: "map",
      hint: "One per line: code = value as hex octets, e.g. 43 = 01:04:0a:00:00:01",
    })
  );
  register(path, details, null, slot);
  return details;
}

function poolsTable(path, pools) {
  const slot = errorSlot(path);
  const rows = [];
  pools.forEach((pool, j) => {
    const pp = path + "[" + j + "]";
    const n = "Pool " + (j + 1) + " ";
    const rowSlot = errorSlot(pp);
    const row = h(
      "tr",
      { "data-field": pp },
      h("td", {}, field(pp + ".name", n + "name", { kind: "text", srLabel: true, placeholder: "its range" })),
      h("td", { class: "range" }, field(pp + ".range", n + "range", { kind: "text", srLabel: true, placeholder: "10.1.0.10-10.1.0.250" })),
      h("td", {}, field(pp + ".classes", n + "classes", { kind: "list", emptyAs: [], srLabel: true, placeholder: "any client" })),
      h("td", { class: "num" }, field(pp + ".warningPercent", n + "warning mark (%)", { kind: "number", srLabel: true, placeholder: "80" })),
      h("td", { class: "num" }, field(pp + ".criticalPercent", n + "critical mark (%)", { kind: "number", srLabel: true, placeholder: "95" })),
      h("td", {}, removeButton(path, j, "pool " + (j + 1) + (pool.name ? " (" + pool.name + ")" : "")))
    );
    register(pp, row, null, rowSlot);
    rows.push(row, h("tr", { class: "row-error" }, h("td", { colspan: 6 }, rowSlot)));
  });
  const block = h(
    "div",
    { class: "pools-block", "data-field": path },
    slot,
    pools.length
      ? h(
          "table",
          { class: "pools" },
          h("caption", { class: "sr-only" }, "Pools"),
          h(
            "thead",
            {},
            h("tr", {}, ["Pool name", "Range", "Classes", "Warning %", "Critical %", ""].map((t) => h("th", { scope: "col" }, t)))
          ),
          h("tbody", {}, rows)
        )
      : h("p", { class: "muted" }, "No pool: this subnet hands out no address."),
    addButton(path, "Add pool")
  );
  register(path, block, null, slot);
  return block;
}

function subnetCard(path, subnet, i) {
  const slot = errorSlot(path);
  const card = h(
    "div",
    { class: "card", "data-field": path },
    h(
      "div",
      { class: "card-head" },
      h("h4", {}, "Subnet " + (subnet.subnet || i + 1)),
      removeButton("dhcp.subnets", i, "subnet " + (subnet.subnet || i + 1))
    ),
    slot,
    h(
      "div",
      { class: "field-grid" },
      field(path + ".subnet", "Subnet", { kind: "text", placeholder: "10.1.0.0/16" }),
      field(path + ".relays", "Relays (giaddr)", { kind: "list", emptyAs: [], placeholder: "10.1.0.1" }),
      field(path + ".leaseTime", "Lease time (s)", { kind: "number", placeholder: "the DHCP default" })
    ),
    poolsTable(path + ".pools", subnet.pools || []),
    optionsEditor(path + ".options", "Options for this subnet")
  );
  register(path, card, null, slot);
  return card;
}

function classCard(path, c, i) {
  const slot = errorSlot(path);
  const card = h(
    "div",
    { class: "card", "data-field": path },
    h("div", { class: "card-head" }, h("h4", {}, "Class " + (c.name || i + 1)), removeButton("dhcp.classes", i, "class " + (c.name || i + 1))),
    slot,
    h(
      "div",
      { class: "field-grid" },
      field(path + ".name", "Name", { kind: "text" }),
      field(path + ".role", "Devices", { kind: "select" }),
      field(path + ".leaseTime", "Lease time (s)", { kind: "number", placeholder: "the subnet's" }),
      field(path + ".match.vendorClassPrefix", "Option 60 starts with", { kind: "text", placeholder: "docsis" }),
      field(path + ".match.macPrefixes", "MAC prefixes", { kind: "list", emptyAs: [] }),
      field(path + ".match.circuitId", "Option 82 circuit-id", { kind: "text" }),
      field(path + ".match.remoteId", "Option 82 remote-id", { kind: "text" }),
      field(path + ".match.reserved", "Has a reservation", { kind: "tristate" }),
      field(path + ".match.modemKnown", "Its modem is known", { kind: "tristate" })
    ),
    optionsEditor(path + ".options", "Options for this class")
  );
  register(path, card, null, slot);
  return card;
}

function reservationCard(path, r, i) {
  const slot = errorSlot(path);
  const name = r.mac || r.clientId || r.remoteId || i + 1;
  const card = h(
    "div",
    { class: "card", "data-field": path },
    h("div", { class: "card-head" }, h("h4", {}, "Reservation " + name), removeButton("dhcp.reservations", i, "reservation " + name)),
    slot,
    h(
      "div",
      { class: "field-grid" },
      field(path + ".mac", "MAC", { kind: "text", placeholder: "00:11:22:33:44:55" }),
      field(path + ".clientId", "Client id (61), hex", { kind: "text" }),
      field(path + ".remoteId", "Option 82 remote-id", { kind: "text" }),
      field(path + ".address", "Fixed address", { kind: "text" }),
      field(path + ".hostname", "Host name", { kind: "text" }),
      field(path + ".clientClass", "Class", { kind: "text" }),
      field(path + ".blocked", "Blocked (and its CPE)", { kind: "bool" })
    ),
    optionsEditor(path + ".options", "Options for this client")
  );
  register(path, card, null, slot);
  return card;
}

function listSection(path, title, note, card, addLabel) {
  const items = getAt(state.draft, parsePath(path)) || [];
  const slot = errorSlot(path);
  const block = h(
    "section",
    { "data-field": path, "aria-label": title },
    sectionHead(title + " (" + items.length + ")", note),
    slot,
    h("div", { class: path === "dhcp.subnets" ? "" : "cards" }, items.map((item, i) => card(path + "[" + i + "]", item, i))),
    addButton(path, addLabel)
  );
  register(path, block, null, slot);
  return block;
}

function dhcpPanel() {
  return [
    sectionHead("DHCP service", "How the DHCPv4 server listens, how long it leases, the policies of cable networks."),
    h(
      "div",
      { class: "field-grid" },
      field("dhcp.enabled", "Enabled", { kind: "bool" }),
      field("dhcp.listen", "Listen address", { kind: "text" }),
      field("dhcp.port", "Port", { kind: "number" }),
      field("dhcp.serverIdentifier", "Server identifier (54)", { kind: "text", placeholder: "the listen address" }),
      field("dhcp.leaseTime", "Lease time (s)", { kind: "number" }),
      field("dhcp.offerHoldSeconds", "Offer hold (s)", { kind: "number" }),
      field("dhcp.declineQuarantineSeconds", "Decline quarantine (s)", { kind: "number" })
    ),
    sectionHead("Policies"),
    h(
      "div",
      { class: "field-grid" },
      field("dhcp.policies.maxCpePerModem", "CPE per modem (0: any)", { kind: "number" }),
      field("dhcp.policies.requireRelayInfoForCpe", "CPE need option 82", { kind: "bool" }),
      field("dhcp.policies.echoClientId", "Echo client id (RFC 6842)", { kind: "bool" })
    ),
    optionsEditor("dhcp.options", "Options for every client"),
  ];
}

const subnetsPanel = () =>
  listSection(
    "dhcp.subnets",
    "Subnets and pools",
    "Subnets behind the same relay form a shared network; each pool has a warning and a critical high-water mark.",
    subnetCard,
    "Add subnet"
  );

const classesPanel = () =>
  listSection("dhcp.classes", "Client classes", "Tried in order; the first whose every condition holds wins.", classCard, "Add class");

const reservationsPanel = () =>
  listSection("dhcp.reservations", "Reservations", "Found by MAC, then client id, then remote-id.", reservationCard, "Add reservation");

// ---------------------------------------------------------------------------------------------
// Every other section: a structured editor built from the document itself.

function genericObject(path, object) {
  const scalars = [];
  const nested = [];
  for (const [key, value] of Object.entries(object || {})) {
    const p = path + "." + key;
    const s = shape(p);
    if (MAPS.has(s) || JSON_VALUES.has(s) || LINES.has(s) || LONG_TEXT.has(s) || SECRETS.has(s) || TRISTATE.has(s) || ENUMS[s]) {
      scalars.push(field(p, human(key)));
    } else if (value === null && OPTIONAL[s]) {
      nested.push(optionalSection(p, key));
    } else if (Array.isArray(value) && (value.some((v) => v && typeof v === "object") || ITEMS[s])) {
      nested.push(genericList(p, key, value));
    } else if (value && typeof value === "object" && !Array.isArray(value)) {
      nested.push(genericFieldset(p, key, value));
    } else {
      scalars.push(field(p, human(key)));
    }
  }
  return [scalars.length ? h("div", { class: "field-grid" }, scalars) : null, nested];
}

function genericFieldset(path, key, value) {
  const slot = errorSlot(path);
  const s = shape(path);
  const set = h(
    "fieldset",
    { "data-field": path },
    h("legend", {}, human(key)),
    slot,
    genericObject(path, value),
    OPTIONAL[s] && state.canEdit
      ? h(
          "button",
          {
            type: "button",
            class: "secondary small",
            onclick: () => {
              setAt(state.draft, parsePath(path), null);
              structureChanged();
            },
          },
          "Remove " + human(key).toLowerCase()
        )
      : null
  );
  register(path, set, null, slot);
  return set;
}

function optionalSection(path, key) {
  const slot = errorSlot(path);
  const set = h(
    "fieldset",
    { "data-field": path },
    h("legend", {}, human(key)),
    slot,
    h("p", { class: "muted" }, "Not configured."),
    state.canEdit
      ? h(
          "button",
          {
            type: "button",
            class: "secondary small",
            onclick: () => {
              setAt(state.draft, parsePath(path), OPTIONAL[shape(path)]());
              structureChanged();
            },
          },
          "Configure " + human(key).toLowerCase()
        )
      : null
  );
  register(path, set, null, slot);
  return set;
}

function genericList(path, key, items) {
  const slot = errorSlot(path);
  const label = human(key);
  const one = label.replace(/s$/, "").toLowerCase();
  const set = h(
    "fieldset",
    { "data-field": path },
    h("legend", {}, label + " (" + items.length + ")"),
    slot,
    items.map((item, i) => {
      const p = path + "[" + i + "]";
      const itemSlot = errorSlot(p);
      const title = item && typeof item === "object" ? item.name || item.pattern || item.mac || item.address || item.host || i + 1 : i + 1;
      const card = h(
        "div",
        { class: "card", "data-field": p },
        h("div", { class: "card-head" }, h("h4", {}, one[0].toUpperCase() + one.slice(1) + " " + title), removeButton(path, i, one + " " + title)),
        itemSlot,
        item && typeof item === "object" ? genericObject(p, item) : field(p, label + " " + (i + 1))
      );
      register(p, card, null, itemSlot);
      return card;
    }),
    items.length ? null : h("p", { class: "muted" }, "None."),
    addButton(path, "Add " + one)
  );
  register(path, set, null, slot);
  return set;
}

function sectionPanel(sections, note) {
  return [
    note ? h("p", { class: "muted" }, note) : null,
    sections.map((section) => {
      const value = state.draft[section];
      const slot = errorSlot(section);
      const block = h("section", { "data-field": section }, sectionHead(human(section)), slot, genericObject(section, value || {}));
      return block;
    }),
  ];
}

// ---------------------------------------------------------------------------------------------
// The whole document, as JSON (YAML pasted here is sent as it is).

function rawPanel() {
  const text = state.rawText !== null ? state.rawText : JSON.stringify(state.draft, null, 2);
  const area = h("textarea", { id: "raw-document", spellcheck: "false", disabled: !state.canEdit, "aria-describedby": "raw-status" });
  area.value = text;
  const status = h(
    "p",
    { id: "raw-status", class: state.rawText !== null ? "field-error" : "muted" },
    state.rawText !== null
      ? "This text is not JSON: Preview and Apply send it as it is (YAML is read too); the forms show the last JSON."
      : "The forms and this text are one document: a change here shows in the forms, and the other way round."
  );
  area.addEventListener("input", () => {
    try {
      const parsed = JSON.parse(area.value);
      if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) throw new Error("not a mapping");
      state.draft = parsed;
      state.rawText = null;
      status.className = "muted";
      show(status, "JSON read: the forms follow this text.");
    } catch (e) {
      state.rawText = area.value;
      status.className = "field-error";
      show(status, "Not JSON (" + e.message + "): Preview and Apply send this text as it is, YAML included.");
    }
    changed();
  });
  return [
    sectionHead("Whole document", "Every section at once. Secrets show as " + MASK + " and keep their value unless replaced."),
    h("div", { class: "raw" }, h("label", { for: "raw-document" }, "Config document (JSON or YAML)"), area, status),
  ];
}

// ---------------------------------------------------------------------------------------------
// Errors: each at its field, by path; those with no field here listed at the top with theirs.

function locate(path) {
  let parts = parsePath(path);
  while (parts.length > 1) {
    const found = fields.get(joinPath(parts));
    if (found) return found;
    parts = parts.slice(0, -1);
  }
  return null;
}

function clearMarks() {
  for (const f of fields.values()) {
    f.slot.hidden = true;
    show(f.slot);
    if (f.control) {
      f.control.removeAttribute("aria-invalid");
      const described = (f.control.getAttribute("aria-describedby") || "").split(" ").filter((x) => x && x !== f.slot.id);
      if (described.length) f.control.setAttribute("aria-describedby", described.join(" "));
      else f.control.removeAttribute("aria-describedby");
    } else {
      f.wrapper.classList.remove("invalid");
    }
  }
}

/** Marks every error at its field; returns those that have none on this page. */
function placeErrors() {
  clearMarks();
  const unplaced = [];
  const perTab = {};
  for (const error of state.errors) {
    const f = locate(error.path || "");
    if (!f) {
      unplaced.push(error);
      continue;
    }
    perTab[f.tab] = (perTab[f.tab] || 0) + 1;
    f.slot.hidden = false;
    f.slot.append(h("span", { class: "message" }, error.message), h("br"));
    if (f.control) {
      f.control.setAttribute("aria-invalid", "true");
      const described = (f.control.getAttribute("aria-describedby") || "").split(" ").filter((x) => x);
      if (!described.includes(f.slot.id)) described.push(f.slot.id);
      f.control.setAttribute("aria-describedby", described.join(" "));
    } else {
      f.wrapper.classList.add("invalid");
    }
    for (let e = f.wrapper.parentElement; e; e = e.parentElement) {
      if (e.tagName === "DETAILS") e.open = true;
    }
  }
  for (const tab of TABS) {
    const badge = ui.tabs[tab.id].querySelector(".badge");
    const count = perTab[tab.id] || 0;
    badge.hidden = count === 0;
    show(badge, String(count));
    badge.setAttribute("aria-label", count + (count === 1 ? " error" : " errors"));
  }
  return unplaced;
}

function renderErrors() {
  const unplaced = placeErrors();
  if (!state.errors.length) {
    ui.summary.hidden = true;
    show(ui.summary);
    return;
  }
  const placed = state.errors.filter((e) => !unplaced.includes(e));
  ui.summary.hidden = false;
  show(
    ui.summary,
    h(
      "h2",
      { id: "error-summary-title", tabindex: "-1" },
      "Not applied: " + state.errors.length + (state.errors.length === 1 ? " error" : " errors") + ". The running config is unchanged."
    ),
    unplaced.length
      ? [
          h("p", {}, "Not at a field of these forms:"),
          h("ul", { id: "unplaced-errors" }, unplaced.map((e) => h("li", {}, h("code", {}, e.path || "(document)"), " ", e.message))),
        ]
      : null,
    placed.length
      ? [
          h("p", {}, unplaced.length ? "At their fields:" : "Each is shown at its field:"),
          h(
            "ul",
            { id: "placed-errors" },
            placed.map((e) =>
              h(
                "li",
                {},
                h("button", { type: "button", class: "link", onclick: () => goTo(e.path) }, e.path),
                " ",
                e.message
              )
            )
          ),
        ]
      : null
  );
}

function clearErrorsAt(path) {
  const before = state.errors.length;
  state.errors = state.errors.filter((e) => !(e.path === path || (e.path || "").startsWith(path + ".") || (e.path || "").startsWith(path + "[")));
  if (state.errors.length !== before) renderErrors();
}

function goTo(path) {
  const f = locate(path);
  if (!f) return;
  selectTab(f.tab, false);
  const target = locate(path) || f;
  const focusable = target.control || target.wrapper.querySelector("input, select, textarea, button");
  target.wrapper.scrollIntoView({ block: "center" });
  if (focusable) focusable.focus({ preventScroll: true });
}

// ---------------------------------------------------------------------------------------------
// The tabs.

const TABS = [
  { id: "dhcp", label: "DHCP", render: dhcpPanel },
  { id: "subnets", label: "Subnets & pools", render: subnetsPanel },
  { id: "classes", label: "Classes", render: classesPanel },
  { id: "reservations", label: "Reservations", render: reservationsPanel },
  { id: "tftp", label: "TFTP", group: true, render: () => sectionPanel(["tftp"], "The TFTP server and the DOCSIS config files it builds per modem.") },
  { id: "dns", label: "DNS", render: () => sectionPanel(["dns"], "Zones served, TSIG keys, and the dynamic updates made for leases.") },
  { id: "tod", label: "ToD", render: () => sectionPanel(["tod"], "RFC 868 time for modems.") },
  { id: "failover", label: "Failover", render: () => sectionPanel(["failover"], "This server's place in the pair; pairing itself is on the Failover page.") },
  { id: "alerts", label: "Alerts", render: () => sectionPanel(["alerts"], "Where alerts go: SNMP traps, e-mail, syslog.") },
  { id: "server", label: "Server & API", render: () => sectionPanel(["server", "management"], "This server's identity and the management API; data directory and id change only with a restart.") },
  { id: "raw", label: "Whole document", group: true, render: rawPanel },
  { id: "history", label: "History", group: true, render: null },
];

function renderForms() {
  fields.clear();
  for (const tab of TABS) {
    if (!tab.render) continue;
    renderingTab = tab.id;
    show(ui.panels[tab.id], tab.render());
  }
  renderingTab = null;
  renderErrors();
}

function selectTab(id, focus) {
  if (state.tab === "raw" && id !== "raw") renderForms(); // the text may have changed the document
  if (id === "raw" && state.tab !== "raw") {
    renderingTab = "raw";
    show(ui.panels.raw, rawPanel());
    renderingTab = null;
  }
  state.tab = id;
  for (const tab of TABS) {
    const selected = tab.id === id;
    ui.tabs[tab.id].setAttribute("aria-selected", selected ? "true" : "false");
    ui.tabs[tab.id].tabIndex = selected ? 0 : -1;
    ui.panels[tab.id].hidden = !selected;
  }
  if (focus) ui.tabs[id].focus();
  if (id === "history") loadHistory();
}

function tabList() {
  ui.tabs = {};
  ui.panels = {};
  const list = h("div", { class: "tabs", role: "tablist", "aria-label": "Config sections" });
  TABS.forEach((tab, i) => {
    const button = h(
      "button",
      {
        type: "button",
        role: "tab",
        class: tab.group ? "group-start" : null,
        id: "tab-" + tab.id,
        "aria-controls": "panel-" + tab.id,
        "aria-selected": "false",
        onclick: () => selectTab(tab.id, false),
        onkeydown: (event) => {
          const step = { ArrowRight: 1, ArrowLeft: -1 }[event.key];
          if (event.key === "Home" || event.key === "End") {
            event.preventDefault();
            selectTab(TABS[event.key === "Home" ? 0 : TABS.length - 1].id, true);
          } else if (step) {
            event.preventDefault();
            selectTab(TABS[(i + step + TABS.length) % TABS.length].id, true);
          }
        },
      },
      tab.label,
      h("span", { class: "badge", hidden: true })
    );
    ui.tabs[tab.id] = button;
    list.append(button);
    ui.panels[tab.id] = h("div", { class: "tabpanel", role: "tabpanel", id: "panel-" + tab.id, "aria-labelledby": "tab-" + tab.id, hidden: true });
  });
  return list;
}

// ---------------------------------------------------------------------------------------------
// Preview, apply, discard.

function documentText() {
  return state.rawText !== null ? state.rawText : JSON.stringify(state.draft, null, 2);
}

function dirty() {
  return state.rawText !== null || JSON.stringify(state.draft) !== JSON.stringify(state.running.config);
}

function changed() {
  const isDirty = dirty();
  ui.draftState.className = "draft-state" + (isDirty ? " dirty" : "");
  show(ui.draftState, isDirty ? "Unsaved changes: preview them, then apply." : "No unsaved change.");
  const previewedNow = state.previewed !== null && state.previewed === documentText();
  if (ui.apply) ui.apply.disabled = !(previewedNow && state.previewChanges > 0);
  if (ui.discard) ui.discard.disabled = !isDirty;
  if (!previewedNow && !ui.preview.hidden) ui.preview.classList.add("stale");
  if (!previewedNow && state.previewed !== null) {
    show(ui.previewNote, "The document changed since this preview: preview again before applying.");
  }
}

function structureChanged() {
  state.errors = []; // list positions moved: the paths of the last refusal no longer hold
  renderForms();
  changed();
}

function runningLine() {
  const r = state.running;
  show(
    ui.runningLine,
    h("strong", { id: "running-version" }, "Running: version " + r.version),
    h("span", { class: "muted" }, " · " + r.source + " · " + when(r.changedAt) + (r.author ? " · by " + r.author : ""))
  );
}

function message(kind, ...children) {
  ui.message.hidden = false;
  ui.message.className = "notice " + kind;
  ui.message.setAttribute("role", kind === "ok" ? "status" : "alert");
  show(ui.message, children);
}

function diffBlock(result, id) {
  const changes = result.changes || [];
  if (!changes.length) return h("p", { id }, "No difference.");
  return h(
    "div",
    { id },
    h("ul", { class: "changes", "aria-label": "Changed values by config path" }, changes.map((c) => h("li", {}, c.text))),
    h(
      "pre",
      { class: "diff", "aria-label": "Line diff of the two documents" },
      (result.unified || []).map((line) =>
        h(
          "span",
          {
            class: line.startsWith("@@")
              ? "hunk"
              : line.startsWith("+++") || line.startsWith("---")
              ? "file"
              : line.startsWith("+")
              ? "added"
              : line.startsWith("-")
              ? "removed"
              : null,
          },
          line
        )
      )
    )
  );
}

function refusal(error) {
  if (error.status === 422 || error.status === 400) {
    state.errors = (error.body && error.body.errors) || [{ path: "", message: error.message }];
    renderErrors();
    const placed = state.errors.find((e) => locate(e.path || ""));
    if (placed) selectTab(locate(placed.path).tab, false); // may draw the forms again
    const title = document.getElementById("error-summary-title");
    if (title) title.focus({ preventScroll: true });
    const first = placed && locate(placed.path);
    if (first) first.wrapper.scrollIntoView({ block: "nearest" });
    else ui.summary.scrollIntoView({ block: "start" });
    return true;
  }
  return false;
}

async function preview() {
  const text = documentText();
  ui.message.hidden = true;
  try {
    const result = await api("/config/check", { method: "POST", text });
    state.errors = [];
    renderErrors();
    state.previewed = text;
    state.previewChanges = (result.changes || []).length;
    ui.preview.hidden = false;
    ui.preview.classList.remove("stale");
    show(
      ui.preview,
      h("h2", { id: "preview-title", tabindex: "-1" }, "Preview: what Apply changes in the running version " + result.version),
      diffBlock(result, "preview-diff"),
      (ui.previewNote = h(
        "p",
        { class: "muted" },
        state.previewChanges ? "Nothing has changed yet: Apply makes this the running config." : "Nothing to apply."
      ))
    );
    ui.preview.querySelector("#preview-title").focus({ preventScroll: true });
    ui.preview.scrollIntoView({ block: "nearest" });
  } catch (e) {
    state.previewed = null;
    ui.preview.hidden = true;
    if (!refusal(e)) message("bad", "The preview failed: " + e.message);
  }
  changed();
}

async function apply() {
  const text = state.previewed;
  if (text === null || text !== documentText()) return;
  ui.apply.disabled = true;
  try {
    const result = await api("/config", { method: "PUT", text, ifMatch: state.running.version });
    await reload();
    message("ok", "Applied: version " + result.version + " is running. It is in the history and the audit log.");
  } catch (e) {
    if (e.status === 412) {
      const before = state.running.version;
      state.running = await api("/config");
      runningLine();
      state.previewed = null;
      ui.preview.hidden = true;
      message(
        "warn",
        h("strong", {}, "Not applied: the config changed meanwhile. "),
        "Version " + state.running.version + " replaced version " + before + " while you edited. " +
          "Preview again to compare your document with it (your edits are still here), or discard them to start from it."
      );
    } else if (!refusal(e)) {
      message("bad", "Not applied: " + e.message);
    }
  }
  changed();
}

async function reload() {
  state.running = await api("/config");
  const history = await api("/config/versions").catch(() => null);
  if (history) {
    const newest = history.versions.find((v) => v.version === state.running.version);
    state.running.author = newest ? newest.author : null;
  }
  state.draft = copy(state.running.config);
  state.rawText = null;
  state.previewed = null;
  state.errors = [];
  ui.preview.hidden = true;
  runningLine();
  renderForms();
  if (state.tab === "history") loadHistory();
  changed();
}

function discard() {
  if (!confirmed("Discard every unsaved change on this page?")) return;
  state.draft = copy(state.running.config);
  state.rawText = null;
  state.previewed = null;
  state.errors = [];
  ui.preview.hidden = true;
  ui.message.hidden = true;
  renderForms();
  changed();
}

// ---------------------------------------------------------------------------------------------
// History: every version kept, any two compared, a rollback to any of them.

async function loadHistory() {
  const panel = ui.panels.history;
  let list;
  try {
    list = await api("/config/versions");
  } catch (e) {
    show(panel, errorBox(e));
    return;
  }
  const versions = list.versions;
  const picks = { from: versions.length > 1 ? versions[1].version : versions[0].version, to: versions[0].version };
  const diffArea = h("div", { id: "history-diff", "aria-live": "polite" });
  const radio = (which, v) =>
    h("input", {
      type: "radio",
      name: "compare-" + which,
      id: "compare-" + which + "-" + v.version,
      value: v.version,
      checked: picks[which] === v.version,
      "aria-label": (which === "from" ? "Compare from version " : "Compare to version ") + v.version,
      onchange: () => {
        picks[which] = v.version;
      },
    });
  const rows = versions.map((v) =>
    h(
      "tr",
      { class: v.current ? "current" : null, "data-version": v.version },
      h("td", { class: "pick" }, radio("from", v)),
      h("td", { class: "pick" }, radio("to", v)),
      h("td", {}, String(v.version), v.current ? h("span", { class: "tag" }, "running") : null),
      h("td", { title: when(v.changedAt) }, short(v.changedAt)),
      h("td", {}, v.author || h("span", { class: "muted" }, "—")),
      h("td", {}, v.source + (v.restores ? " to " + v.restores : "")),
      h("td", {}, v.server || ""),
      h(
        "td",
        {},
        h(
          "button",
          { type: "button", class: "secondary small", "aria-label": "Show version " + v.version, onclick: () => showVersion(v, diffArea) },
          "Show"
        ),
        " ",
        state.canEdit && !v.current
          ? h(
              "button",
              {
                type: "button",
                class: "rollback small",
                id: "rollback-" + v.version,
                "aria-label": "Roll back to version " + v.version,
                title: "Roll back to this version: its document becomes a new version",
                onclick: () => rollback(v),
              },
              "Roll back"
            )
          : null
      )
    )
  );
  show(
    panel,
    h(
      "div",
      { class: "history-layout" },
      h(
        "section",
        { "aria-labelledby": "versions-title" },
        sectionHead("Versions", "The last " + list.limit + " are kept, newest first.", "h3"),
        h(
          "table",
          { class: "versions", id: "versions" },
          h("caption", { class: "sr-only", id: "versions-title" }, "Config versions"),
          h(
            "thead",
            {},
            h("tr", {}, ["From", "To", "Version", "When", "Who", "How", "Server", ""].map((t) => h("th", { scope: "col" }, t)))
          ),
          h("tbody", {}, rows)
        ),
        h(
          "div",
          { class: "history-actions" },
          h("button", { type: "button", id: "compare-button", onclick: () => compare(picks, diffArea) }, "Compare the two versions")
        )
      ),
      h("section", { "aria-label": "Differences" }, diffArea)
    )
  );
  if (versions.length > 1) compare(picks, diffArea);
  else show(diffArea, h("p", { class: "muted" }, "One version so far: nothing to compare."));
}

/** A date and time that fits a table cell: 11/26/26, 3:10:05 AM. */
function short(iso) {
  return iso ? new Date(iso).toLocaleString([], { dateStyle: "short", timeStyle: "medium" }) : "";
}

async function compare(picks, area) {
  try {
    const result = await api("/config/diff?from=" + encodeURIComponent(picks.from) + "&to=" + encodeURIComponent(picks.to));
    show(
      area,
      sectionHead("Version " + result.from.version + " → version " + result.to.version, (result.changes.length || "no") + (result.changes.length === 1 ? " change" : " changes"), "h3"),
      h(
        "p",
        { class: "muted" },
        "Version " + result.to.version + ": " + result.to.source + (result.to.author ? " by " + result.to.author : "") + ", " + when(result.to.changedAt)
      ),
      diffBlock(result, "history-changes")
    );
  } catch (e) {
    show(area, errorBox(e));
  }
}

async function showVersion(v, area) {
  try {
    const version = await api("/config/version?version=" + encodeURIComponent(v.version));
    show(
      area,
      sectionHead("Version " + version.version, version.source + (version.author ? " by " + version.author : "") + ", " + when(version.changedAt), "h3"),
      h("pre", { id: "version-document", "aria-label": "Document of version " + version.version }, version.yaml)
    );
  } catch (e) {
    show(area, errorBox(e));
  }
}

async function rollback(v) {
  const running = state.running.version;
  if (
    !confirmed(
      "Roll back to version " + v.version + "?\n\nIts document is applied again as a new version, checked like any change. " +
        "Version " + running + " stays in the history." + (dirty() ? "\n\nYour unsaved edits on this page are discarded." : "")
    )
  ) {
    return;
  }
  try {
    const result = await api("/config/rollback", { method: "POST", body: { version: v.version }, ifMatch: running });
    await reload();
    message("ok", "Rolled back: version " + result.version + " is running, with the document of version " + v.version + ".");
  } catch (e) {
    if (e.status === 412) {
      message("warn", "Not rolled back: the config changed meanwhile. The history below is up to date; try again.");
      await reload();
    } else if (e.status === 422) {
      const errors = (e.body && e.body.errors) || [];
      message(
        "bad",
        h("strong", {}, "Version " + v.version + " cannot run again: "),
        "it fails today's checks. The running config is unchanged.",
        h("ul", {}, errors.map((x) => h("li", {}, h("code", {}, x.path || "(document)"), " ", x.message)))
      );
    } else {
      message("bad", "Not rolled back: " + e.message);
    }
  }
}

// ---------------------------------------------------------------------------------------------

startPage("Configuration", async (main) => {
  state.canEdit = may("operator");
  try {
    state.running = await api("/config");
  } catch (e) {
    show(main, errorBox(e));
    return;
  }
  state.draft = copy(state.running.config);
  ui.runningLine = h("div", { class: "running", id: "running" });
  ui.draftState = h("span", { class: "draft-state", id: "draft-state", "aria-live": "polite" });
  ui.message = h("div", { id: "config-message", hidden: true });
  ui.summary = h("div", { id: "error-summary", class: "notice bad", hidden: true });
  ui.preview = h("section", { id: "preview", class: "preview", hidden: true, "aria-label": "Preview of the change" });
  ui.previewNote = h("p");
  const actions = state.canEdit
    ? [
        ui.draftState,
        h("button", { type: "button", id: "preview-button", onclick: preview }, "Preview changes"),
        (ui.apply = h("button", { type: "button", id: "apply-button", disabled: true, onclick: apply }, "Apply")),
        (ui.discard = h("button", { type: "button", id: "discard-button", class: "secondary", disabled: true, onclick: discard }, "Discard")),
      ]
    : [h("span", { class: "readonly-note", id: "read-only" }, "Read only: a " + session.role + " may look but not change.")];
  const bar = h("div", { class: "config-bar", role: "region", "aria-label": "Running version and actions" }, ui.runningLine, h("div", { class: "actions" }, actions));
  const tabs = tabList();
  show(main, bar, ui.message, ui.summary, ui.preview, tabs, TABS.map((t) => ui.panels[t.id]));
  const history = await api("/config/versions").catch(() => null);
  const newest = history && history.versions.find((v) => v.version === state.running.version);
  state.running.author = newest ? newest.author : null;
  runningLine();
  renderForms();
  selectTab(location.hash === "#history" ? "history" : "dhcp", false);
  changed();
});

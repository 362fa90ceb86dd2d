// One alert stream per browser, shared by all its console tabs (a SharedWorker). A stream per tab
// held one of the six connections a browser opens to a server over HTTP/1.1: with six tabs open
// the seventh loaded nothing, its requests queued behind the streams, and past the server's
// per-address limit a tab's stream was refused and it popped nothing up.

const ports = new Set();
let events = null;

function send(message) {
  for (const port of ports) port.postMessage(message);
}

/** Opens the stream unless it is open or reconnecting (a logout closes it for good). */
function connect() {
  if (events && events.readyState !== EventSource.CLOSED) return;
  events = new EventSource("/api/v1/alerts/stream");
  for (const change of ["raised", "cleared", "acknowledged"]) {
    events.addEventListener(change, (event) => send({ change, data: event.data }));
  }
}

onconnect = (event) => {
  const port = event.ports[0];
  ports.add(port);
  port.onmessage = (message) => {
    if (message.data === "close") ports.delete(port); // the tab went away, or into the cache
    if (message.data === "open") {
      ports.add(port); // back from the cache
      connect();
    }
  };
  port.start();
  connect(); // a tab that just logged in brings back a stream a logout had closed
};

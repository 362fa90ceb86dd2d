package org.provisioning.console.api;

import java.util.function.Consumer;

/**
 * A source of server-sent events ({@code text/event-stream}) under {@code /api/v1}: the consoles'
 * live view of alerts. The HTTP server subscribes once per open connection and closes the
 * subscription when the connection goes.
 */
@FunctionalInterface
public interface EventStream {

  /**
   * Starts sending events to {@code sink}, each one whole SSE frame ({@code event: ...\ndata:
   * ...\n\n}); sink is called from any thread and never blocks.
   *
   * @return what ends the subscription
   */
  AutoCloseable subscribe(Consumer<String> sink);

  /** One SSE frame: an event name and one line of data (JSON has no raw newlines). */
  static String frame(String event, String data) {
    return "event: " + event + "\ndata: " + data.replace("\n", "") + "\n\n";
  }
}

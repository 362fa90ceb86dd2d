package org.provisioning.dist;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Restarts of a pair of packaged provisiond processes in every order (the secondary, the primary,
 * both with the primary first, both with the secondary first), each a clean stop (SIGTERM) or a
 * kill -9: each time the pair reaches NORMAL by itself with no operator action and a client bound
 * through the primary afterwards is replicated to the secondary; at the end every lease
 * acknowledged along the way is on both servers, bound to its client.
 */
class FailoverRestartsIT {
  private static final Duration NORMAL_WITHIN = Duration.ofSeconds(30);

  @TempDir Path dir;

  @Test
  void restartsInEveryOrderReturnToNormalByThemselvesAndKeepEveryLease() throws Exception {
    try (ProvisiondPair pair = ProvisiondPair.start(dir, ProvisiondPair.ONE_BIG_POOL);
        DualRelay relay = new DualRelay(pair.dhcpPort())) {
      List<DualRelay.Ack> acked = new ArrayList<>();
      int client = 1;
      acked.add(bindThroughThePrimary(relay, client++));

      pair.secondary().terminate(Duration.ofSeconds(15));
      pair.secondary().start();
      acked.add(afterNormal(pair, relay, client++));

      pair.primary().kill(); // the primary dies; the secondary serves meanwhile
      pair.primary().start();
      acked.add(afterNormal(pair, relay, client++));

      pair.primary().terminate(Duration.ofSeconds(15));
      pair.secondary().terminate(Duration.ofSeconds(15));
      pair.primary().start();
      pair.secondary().start();
      acked.add(afterNormal(pair, relay, client++));

      pair.secondary().kill();
      pair.primary().kill();
      pair.secondary().start();
      pair.primary().start();
      acked.add(afterNormal(pair, relay, client++));

      for (ProvisiondPair.Server server : List.of(pair.primary(), pair.secondary())) {
        for (DualRelay.Ack ack : acked) {
          JsonNode found = server.api("/leases?ip=" + ack.address() + "&state=bound");
          assertEquals(
              1,
              found.path("leases").size(),
              server + " holds the lease of client " + ack.client() + ": " + found);
          assertEquals(
              DualRelay.macText(ack.client()),
              found.path("leases").get(0).path("mac").asText(),
              server + ": the address is its client's");
        }
      }
    }
  }

  /** Waits for NORMAL on both, then binds a new client and sees it on the secondary. */
  private static DualRelay.Ack afterNormal(ProvisiondPair pair, DualRelay relay, int client)
      throws Exception {
    pair.awaitNormal(NORMAL_WITHIN);
    return replicated(pair, bindThroughThePrimary(relay, client));
  }

  private static DualRelay.Ack bindThroughThePrimary(DualRelay relay, int client) throws Exception {
    DualRelay.Ack ack = relay.bindVia(ProvisiondPair.PRIMARY, client, 5_000);
    assertNotNull(ack, "client " + client + " bound through the primary");
    return ack;
  }

  private static DualRelay.Ack replicated(ProvisiondPair pair, DualRelay.Ack ack) {

    await()
        .atMost(Duration.ofSeconds(5))
        .until(
            () ->
                pair.secondary()
                        .api("/leases?ip=" + ack.address() + "&state=bound")
                        .path("leases")
                        .size()
                    == 1);
    return ack;
  }
}

package org.provisioning.console.http;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The places of a quota, in all, per address and kept for this host's own clients. */
class ChannelQuotaTest {
  private final ChannelQuota quota = new ChannelQuota(10, 4, 2);

  /** An address of the documentation range (RFC 5737): an object only, nothing is sent to it. */
  private static InetAddress remote(int n) throws Exception {
    return InetAddress.getByAddress(new byte[] {(byte) 192, 0, 2, (byte) n});
  }

  @Test
  void remoteClientsFillingTheirPlacesLeaveTheLastOnesToLoopback() throws Exception {
    List<Runnable> held = new ArrayList<>();
    for (int n = 1; n <= 2; n++) {
      for (int i = 0; i < 4; i++) {
        held.add(assertAdmitted(quota.admit(remote(n))));
      }
    }
    assertNull(quota.admit(remote(3)), "8 of 10 taken: the last 2 are loopback's");
    assertNull(quota.admit(remote(1)), "and the address holds its share");
    held.add(assertAdmitted(quota.admit(InetAddress.getByName("127.0.0.1"))));
    held.add(assertAdmitted(quota.admit(InetAddress.getByName("127.0.0.1"))));
    assertNull(quota.admit(InetAddress.getByName("127.0.0.1")), "all 10 taken");

    held.remove(held.size() - 1).run();
    held.remove(held.size() - 1).run();
    assertNull(quota.admit(remote(3)), "8 open: still none for a remote client");
    held.remove(0).run();
    assertNotNull(quota.admit(remote(3)), "7 open: a remote place again");
  }

  private static Runnable assertAdmitted(Runnable release) {
    assertNotNull(release, "admitted");
    return release;
  }
}

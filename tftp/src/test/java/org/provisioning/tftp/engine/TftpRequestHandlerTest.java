package org.provisioning.tftp.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.provisioning.common.config.TftpConfig;
import org.provisioning.common.stats.StatisticsRegistry;
import org.provisioning.tftp.message.TftpMode;
import org.provisioning.tftp.message.TftpPacket;

/** Read requests as the handler decides them, without sockets. */
class TftpRequestHandlerTest {
  @TempDir Path root;

  private final StatisticsRegistry registry = new StatisticsRegistry();

  /**
   * Netascii copies are held in memory, so all transfers at once share a budget: once it is spent a
   * further request is refused "busy" (the client asks again), and a transfer that ends gives its
   * share back. Each copy was bounded, their sum was not: requests for one text file held open from
   * port after port took the heap, and the JVM, DHCP with it, exited.
   */
  @Test
  void netasciiCopiesShareOneBudget() throws Exception {
    Files.writeString(root.resolve("notes.txt"), "a line of text\n".repeat(13_000)); // ~195 KB
    TftpRequestHandler handler =
        new TftpRequestHandler(
            TftpConfig.defaults(), List.of(new TftpRoot(root)), null, new TftpStatistics(registry));
    TftpPacket.Request request =
        new TftpPacket.Request(false, "notes.txt", TftpMode.NETASCII, Map.of());
    InetSocketAddress client = new InetSocketAddress("127.0.0.1", 2000);
    long copy = 15L * 13_000 + 13_000; // a CR before every LF
    int fit = (int) (TftpRequestHandler.NETASCII_BUDGET / copy);
    List<TftpTransfer> running = new ArrayList<>();
    for (int i = 0; i < fit; i++) {
      running.add(
          assertInstanceOf(
                  TftpRequestHandler.Decision.Accept.class, handler.handle(request, client))
              .transfer());
    }
    TftpRequestHandler.Decision refused = handler.handle(request, client);
    assertEquals(
        "netascii_busy",
        assertInstanceOf(TftpRequestHandler.Decision.Refuse.class, refused).reason());
    running.remove(0).close();
    assertInstanceOf(TftpRequestHandler.Decision.Accept.class, handler.handle(request, client));
    running.forEach(TftpTransfer::close);
  }

  /**
   * Uploads of new names stop at a bound on the files the upload area holds; a name already there
   * may still be written. Empty uploads of new names used to pass the space check without end and
   * use up the file system's inodes.
   */
  @Test
  void uploadsOfNewNamesStopAtABoundOnTheFiles() throws Exception {
    Path uploads = Files.createDirectories(root.resolve("uploads"));
    TftpConfig config = TftpConfig.defaults();
    TftpRequestHandler handler =
        new TftpRequestHandler(
            config, List.of(), new TftpRoot(uploads), new TftpStatistics(registry), 3);
    InetSocketAddress client = new InetSocketAddress("127.0.0.1", 2000);
    List<TftpTransfer> running = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      running.add(
          assertInstanceOf(
                  TftpRequestHandler.Decision.Accept.class,
                  handler.handle(upload("log-" + i + ".txt"), client))
              .transfer());
    }
    TftpRequestHandler.Decision refused = handler.handle(upload("log-3.txt"), client);
    assertEquals(
        "too_many_files",
        assertInstanceOf(TftpRequestHandler.Decision.Refuse.class, refused).reason());
    running.forEach(TftpTransfer::close);
    Files.writeString(uploads.resolve("kept.txt"), "there already");
    TftpRequestHandler afresh =
        new TftpRequestHandler(
            config, List.of(), new TftpRoot(uploads), new TftpStatistics(registry), 1);
    assertInstanceOf(
            TftpRequestHandler.Decision.Accept.class, afresh.handle(upload("kept.txt"), client))
        .transfer()
        .close();
    assertInstanceOf(
        TftpRequestHandler.Decision.Refuse.class, afresh.handle(upload("new.txt"), client));
  }

  private static TftpPacket.Request upload(String name) {
    return new TftpPacket.Request(true, name, TftpMode.OCTET, Map.of("tsize", "0"));
  }
}

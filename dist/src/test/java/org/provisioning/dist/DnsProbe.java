package org.provisioning.dist;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.provisioning.dist.Distribution.Result;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

/**
 * One provisiond DNS endpoint as the DNS tests reach it: dnsjava's resolver for queries, and ISC's
 * nsupdate (which nobody here wrote) for updates signed with the tests' key {@code ddns-key}.
 */
record DnsProbe(InetSocketAddress address) {
  /** The secret of {@code ddns-key}, the update key the tests' configs name. */
  static final String SECRET = "c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0";

  DnsProbe(String host, int port) {
    this(new InetSocketAddress(host, port));
  }

  Message ask(String name, int type) throws Exception {
    SimpleResolver resolver = new SimpleResolver(address);
    resolver.setTimeout(Duration.ofSeconds(2));
    return resolver.send(
        Message.newQuery(Record.newRecord(Name.fromString(name), type, DClass.IN)));
  }

  /** The data of the first answer record, or null when there is none. */
  String answer(String name, int type) throws Exception {
    List<Record> answers = ask(name, type).getSection(Section.ANSWER);
    return answers.isEmpty() ? null : answers.get(0).rdataToString();
  }

  /** The zone's SOA serial ({@code zone} absolute, with its final dot). */
  long serial(String zone) throws Exception {
    return ((SOARecord) ask(zone, Type.SOA).getSection(Section.ANSWER).get(0)).getSerial();
  }

  /** Sends {@code updates} (nsupdate lines) to {@code zone} here as one signed update. */
  Result update(Path dir, String zone, String... updates) throws Exception {
    StringBuilder script =
        new StringBuilder("server " + address.getHostString() + " " + address.getPort() + "\n")
            .append("zone ")
            .append(zone)
            .append('\n');
    for (String update : updates) {
      script.append(update).append('\n');
    }
    script.append("send\n");
    return nsupdate(Files.writeString(dir.resolve("update-" + System.nanoTime() + ".txt"), script));
  }

  /** Runs nsupdate on {@code script}, signed with {@code ddns-key}. */
  static Result nsupdate(Path script) throws Exception {
    return HostTools.run(
        Duration.ofSeconds(60),
        List.of(
            HostTools.require("nsupdate", "bind9-dnsutils"),
            "-y",
            "hmac-sha256:ddns-key:" + SECRET,
            script.toString()));
  }
}

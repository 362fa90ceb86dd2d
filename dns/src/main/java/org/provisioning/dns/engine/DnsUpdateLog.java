package org.provisioning.dns.engine;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.provisioning.common.control.DnsUpdateView;
import org.provisioning.common.control.RecentWindow;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * The recent dynamic updates for the console: RFC 2136 updates received (applied or refused) and
 * those DDNS made for leases, in a window of the newest, and those that failed again in a window of
 * their own. Each shows what it asked in words: the prerequisites (RFC 2136 section 2.4) and the
 * changes (section 2.5), one line each.
 */
public final class DnsUpdateLog implements DnsUpdateView {
  /** Each window's size. */
  public static final int DEFAULT_CAPACITY = 500;

  /** Lines kept of one update, and characters of one line: a flood of records stays small. */
  static final int MAX_LINES = 24;

  static final int MAX_LINE = 300;

  private final Clock clock;
  private final RecentWindow<Update> updates;
  private final RecentWindow<Update> failures;

  public DnsUpdateLog(Clock clock) {
    this(clock, DEFAULT_CAPACITY);
  }

  public DnsUpdateLog(Clock clock, int capacity) {
    this.clock = clock;
    this.updates = new RecentWindow<>(capacity);
    this.failures = new RecentWindow<>(capacity);
  }

  /**
   * Records one update.
   *
   * @param source {@code ddns}, or who sent it
   * @param key the TSIG key name, or null
   * @param ok whether it did what was meant: applied, or a refusal that is part of the protocol
   */
  public void record(
      String source, Name zone, Name key, Message update, int rcode, boolean ok, String note) {
    Update entry =
        new Update(
            clock.millis(),
            source,
            zone == null ? "" : zone.toString(),
            key == null ? "" : key.toString(),
            describe(update),
            Rcode.string(rcode),
            ok,
            note == null ? "" : note);
    updates.add(entry);
    if (!ok) {
      failures.add(entry);
    }
  }

  /** Records an update that got no answer (an external primary that did not reply). */
  public void unanswered(String source, Name zone, Name key, Message update, String note) {
    Update entry =
        new Update(
            clock.millis(),
            source,
            zone == null ? "" : zone.toString(),
            key == null ? "" : key.toString(),
            describe(update),
            "no answer",
            false,
            note == null ? "" : note);
    updates.add(entry);
    failures.add(entry);
  }

  /** The prerequisites and changes of an update, in words. */
  static List<String> describe(Message update) {
    List<String> lines = new ArrayList<>();
    if (update == null) {
      return lines;
    }
    for (Record rr : update.getSection(Section.PREREQ)) {
      add(lines, prerequisite(rr));
    }
    for (Record rr : update.getSection(Section.UPDATE)) {
      add(lines, change(rr));
    }
    return lines;
  }

  private static void add(List<String> lines, String line) {
    if (lines.size() == MAX_LINES) {
      lines.set(MAX_LINES - 1, "…");
      return;
    }
    lines.add(line.length() > MAX_LINE ? line.substring(0, MAX_LINE - 1) + "…" : line);
  }

  private static String prerequisite(Record rr) {
    String name = rr.getName().toString();
    String type = Type.string(rr.getType());
    if (rr.getDClass() == DClass.ANY) {
      return rr.getType() == Type.ANY
          ? "require " + name + " in use"
          : "require " + name + " " + type + " present";
    }
    if (rr.getDClass() == DClass.NONE) {
      return rr.getType() == Type.ANY
          ? "require " + name + " unused"
          : "require " + name + " " + type + " absent";
    }
    return "require " + name + " " + type + " " + rr.rdataToString();
  }

  private static String change(Record rr) {
    String name = rr.getName().toString();
    String type = Type.string(rr.getType());
    if (rr.getDClass() == DClass.ANY) {
      return rr.getType() == Type.ANY
          ? "delete all at " + name
          : "delete " + name + " " + type + " (all)";
    }
    if (rr.getDClass() == DClass.NONE) {
      return "delete " + name + " " + type + " " + rr.rdataToString();
    }
    return "add " + name + " " + rr.getTTL() + " " + type + " " + rr.rdataToString();
  }

  @Override
  public List<Update> recentUpdates() {
    return updates.newestFirst();
  }

  @Override
  public List<Update> recentFailures() {
    return failures.newestFirst();
  }
}

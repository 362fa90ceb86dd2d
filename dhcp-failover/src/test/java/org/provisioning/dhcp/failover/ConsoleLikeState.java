package org.provisioning.dhcp.failover;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.provisioning.common.bus.BusListener;
import org.provisioning.common.bus.BusParticipant;
import org.provisioning.common.bus.BusPublisher;
import org.provisioning.common.bus.BusRecord;
import org.provisioning.common.bus.RecordType;
import org.provisioning.common.bus.ReplicatedState;

/**
 * USER and AUDIT records kept the way the console keeps them (which this module may not import):
 * users by name, the later value winning (ties to the larger payload); audit entries as a list in
 * which an entry held already is never added again. Restored from the journal at start, told of the
 * partner's records as they become durable, merged from the partner's snapshot.
 */
final class ConsoleLikeState implements BusParticipant, BusListener, ReplicatedState {
  /** A user's value: name, when it was made, and what it says (its role, say). */
  record User(String name, long changedAt, String value) {
    byte[] encode() {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      try (DataOutputStream out = new DataOutputStream(bytes)) {
        out.writeUTF(name);
        out.writeLong(changedAt);
        out.writeUTF(value);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return bytes.toByteArray();
    }

    static User decode(byte[] payload) {
      try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(payload))) {
        return new User(in.readUTF(), in.readLong(), in.readUTF());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    boolean supersedes(User other) {
      return changedAt != other.changedAt
          ? changedAt > other.changedAt
          : java.util.Arrays.compare(encode(), other.encode()) > 0;
    }
  }

  private final Map<String, User> users = new HashMap<>();
  private final List<String> audit = new ArrayList<>();
  private final int origin;
  private BusPublisher bus;

  ConsoleLikeState(int origin) {
    this.origin = origin;
  }

  void attach(BusPublisher publisher) {
    this.bus = publisher;
  }

  /** A change made here: in memory first, then journaled (and streamed to the partner). */
  CompletableFuture<BusRecord> saveUser(User user) {
    synchronized (this) {
      install(user);
    }
    return bus.publish(RecordType.USER, user.encode());
  }

  CompletableFuture<BusRecord> audit(String entry) {
    synchronized (this) {
      add(entry);
    }
    return bus.publish(RecordType.AUDIT, entry.getBytes(StandardCharsets.UTF_8));
  }

  synchronized Optional<User> user(String name) {
    return Optional.ofNullable(users.get(name));
  }

  synchronized List<String> audit() {
    return List.copyOf(audit);
  }

  private boolean install(User user) {
    User held = users.get(user.name());
    if (held != null && !user.supersedes(held)) {
      return false;
    }
    users.put(user.name(), user);
    return true;
  }

  private boolean add(String entry) {
    if (audit.contains(entry)) {
      return false;
    }
    audit.add(entry);
    return true;
  }

  @Override
  public String name() {
    return "console-like";
  }

  @Override
  public Set<RecordType> types() {
    return Set.of(RecordType.USER, RecordType.AUDIT);
  }

  @Override
  public void apply(BusRecord record) {
    merge(new Entry(record.type(), record.payload()));
  }

  @Override
  public void onDurable(BusRecord record) {
    if (record.origin() != origin && types().contains(record.type())) {
      apply(record);
    }
  }

  @Override
  public synchronized List<Entry> entries() {
    List<Entry> all = new ArrayList<>();
    users.values().forEach(u -> all.add(new Entry(RecordType.USER, u.encode())));
    audit.forEach(a -> all.add(new Entry(RecordType.AUDIT, a.getBytes(StandardCharsets.UTF_8))));
    return all;
  }

  @Override
  public synchronized boolean merge(Entry entry) {
    if (RecordType.USER.equals(entry.type())) {
      return install(User.decode(entry.payload()));
    }
    if (RecordType.AUDIT.equals(entry.type())) {
      return add(new String(entry.payload(), StandardCharsets.UTF_8));
    }
    return false;
  }

  @Override
  public synchronized byte[] snapshot() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      List<Entry> all = entries();
      out.writeInt(all.size());
      for (Entry entry : all) {
        out.writeShort(entry.type().code());
        out.writeInt(entry.payload().length);
        out.write(entry.payload());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  @Override
  public synchronized void restore(byte[] snapshot) {
    users.clear();
    audit.clear();
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(snapshot))) {
      int count = in.readInt();
      for (int i = 0; i < count; i++) {
        RecordType type = RecordType.valueOf(in.readShort());
        merge(new Entry(type, in.readNBytes(in.readInt())));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

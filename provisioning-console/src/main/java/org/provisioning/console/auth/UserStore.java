package org.provisioning.console.auth;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.provisioning.common.bus.BusListener;
import org.provisioning.common.bus.BusParticipant;
import org.provisioning.common.bus.BusPublisher;
import org.provisioning.common.bus.BusRecord;
import org.provisioning.common.bus.RecordType;
import org.provisioning.common.bus.ReplicatedState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The console's users, kept as {@link RecordType#USER} records: restored from snapshots and the
 * journal at start, and told of the failover partner's changes as they become durable here (the
 * failover stream carries every record of ours to it and every one of its to us), and merged whole
 * from the partner's state when the failover syncs by snapshot ({@link ReplicatedState}). Of two
 * values for one name the later wins ({@link ConsoleUser#supersedes}), on both servers alike and
 * whichever way the value came.
 */
public final class UserStore implements BusParticipant, BusListener, ReplicatedState {
  private static final Logger log = LoggerFactory.getLogger(UserStore.class);

  /** Every value by name, removed ones included: a removal must win over older values. */
  private final Map<String, ConsoleUser> users = new HashMap<>();

  private final List<Consumer<ConsoleUser>> listeners = new CopyOnWriteArrayList<>();
  private volatile BusPublisher bus;
  private volatile int ownOrigin = -1;

  /** Connects the store to the bus it publishes on, once the bus has replayed. */
  public void attach(BusPublisher publisher, int origin) {
    this.bus = publisher;
    this.ownOrigin = origin;
  }

  /** Told of every change that takes effect here, ours or the partner's (sessions end on some). */
  public void addListener(Consumer<ConsoleUser> listener) {
    listeners.add(listener);
  }

  public synchronized Optional<ConsoleUser> find(String name) {
    ConsoleUser user = users.get(name);
    return user == null || user.removed() ? Optional.empty() : Optional.of(user);
  }

  /** The users there are, by name. */
  public synchronized List<ConsoleUser> list() {
    List<ConsoleUser> all = new ArrayList<>();
    for (ConsoleUser user : users.values()) {
      if (!user.removed()) {
        all.add(user);
      }
    }
    all.sort(Comparator.comparing(ConsoleUser::name));
    return all;
  }

  /**
   * Adds a user that does not exist yet.
   *
   * @throws IllegalStateException if the name is taken
   */
  public CompletableFuture<ConsoleUser> create(ConsoleUser user) {
    ConsoleUser made;
    synchronized (this) {
      if (find(user.name()).isPresent()) {
        throw new IllegalStateException("user '" + user.name() + "' exists already");
      }
      made = later(user);
      install(made);
    }
    return publish(made);
  }

  /** Replaces a user's value (role, password, removal): in memory now, then durable. */
  public CompletableFuture<ConsoleUser> save(ConsoleUser user) {
    ConsoleUser made;
    synchronized (this) {
      made = later(user);
      install(made);
    }
    return publish(made);
  }

  /**
   * Replaces a user's value with one made from {@code read}, if that is still the value held:
   * changes made from a user read before a password was hashed (a quarter of a second) must not put
   * back what an admin changed meanwhile, a removal above all.
   *
   * @throws IllegalStateException if the user changed since {@code read}
   */
  public CompletableFuture<ConsoleUser> replace(ConsoleUser read, ConsoleUser user) {
    ConsoleUser made;
    synchronized (this) {
      if (users.get(read.name()) != read) {
        throw new IllegalStateException(
            "user '" + read.name() + "' was changed meanwhile; read it again and retry");
      }
      made = later(user);
      install(made);
    }
    return publish(made);
  }

  /**
   * A change made here always supersedes the value it replaces: made within the same millisecond
   * (or by a clock behind the partner's), it is stamped a millisecond after that value.
   */
  private ConsoleUser later(ConsoleUser user) {
    ConsoleUser held = users.get(user.name());
    if (held == null || user.changedAt().toEpochMilli() > held.changedAt().toEpochMilli()) {
      return user;
    }
    return new ConsoleUser(
        user.name(),
        user.role(),
        user.passwordHash(),
        user.createdAt(),
        java.time.Instant.ofEpochMilli(held.changedAt().toEpochMilli() + 1),
        user.changedBy(),
        user.removed());
  }

  private CompletableFuture<ConsoleUser> publish(ConsoleUser user) {
    BusPublisher publisher = bus;
    if (publisher == null) {
      return CompletableFuture.failedFuture(
          new IllegalStateException("the user store is not attached to the bus yet"));
    }
    tell(user);
    return publisher.publish(RecordType.USER, user.encode()).thenApply(record -> user);
  }

  /** Under the lock: takes the value if it supersedes the one held. */
  private boolean install(ConsoleUser user) {
    ConsoleUser held = users.get(user.name());
    if (held != null && !user.supersedes(held)) {
      return false;
    }
    users.put(user.name(), user);
    return true;
  }

  private void tell(ConsoleUser user) {
    for (Consumer<ConsoleUser> listener : listeners) {
      try {
        listener.accept(user);
      } catch (RuntimeException e) {
        log.error("CONSOLE_USER_LISTENER_FAILED user={}", user.name(), e);
      }
    }
  }

  @Override
  public String name() {
    return "console-users";
  }

  @Override
  public Set<RecordType> types() {
    return Set.of(RecordType.USER);
  }

  @Override
  public void apply(BusRecord record) {
    ConsoleUser user;
    try {
      user = ConsoleUser.decode(record.payload());
    } catch (IOException e) {
      log.warn(
          "CONSOLE_USER_RECORD_UNREADABLE origin={} seq={}: {}",
          record.origin(),
          record.sequence(),
          e.getMessage());
      return;
    }
    take(user);
  }

  /** Installs the value if it supersedes the one held, and tells the listeners if it did. */
  private boolean take(ConsoleUser user) {
    boolean changed;
    synchronized (this) {
      changed = install(user);
    }
    if (changed) {
      tell(user);
    }
    return changed;
  }

  /** Every value held, removed ones included: a removal must reach a partner that has the user. */
  @Override
  public synchronized List<Entry> entries() {
    List<Entry> all = new ArrayList<>(users.size());
    for (ConsoleUser user : users.values()) {
      all.add(new Entry(RecordType.USER, user.encode()));
    }
    return all;
  }

  /** The partner's value of a user, taken by the stream's rule: the later value wins. */
  @Override
  public boolean merge(Entry entry) {
    if (!RecordType.USER.equals(entry.type())) {
      return false;
    }
    ConsoleUser user;
    try {
      user = ConsoleUser.decode(entry.payload());
    } catch (IOException e) {
      log.warn("CONSOLE_USER_RECORD_UNREADABLE from the partner's state: {}", e.getMessage());
      return false;
    }
    boolean changed = take(user);
    if (changed) {
      log.info("CONSOLE_USER_SYNCED name={} removed={}", user.name(), user.removed());
    }
    return changed;
  }

  /** The partner's USER records, once journaled here; ours were applied before they were sent. */
  @Override
  public void onDurable(BusRecord record) {
    if (RecordType.USER.equals(record.type()) && record.origin() != ownOrigin) {
      apply(record);
      log.info("CONSOLE_USER_REPLICATED origin={} seq={}", record.origin(), record.sequence());
    }
  }

  @Override
  public synchronized byte[] snapshot() {
    return SnapshotFrames.write(users.values(), ConsoleUser::encode);
  }

  @Override
  public synchronized void restore(byte[] snapshot) {
    users.clear();
    try {
      SnapshotFrames.read(snapshot, encoded -> install(ConsoleUser.decode(encoded)));
    } catch (IOException e) {
      log.warn("CONSOLE_USERS_SNAPSHOT_UNREADABLE: {}", e.getMessage());
    }
  }
}

package org.provisioning.common.stats;

import static org.provisioning.common.stats.StatisticDefinition.counter;
import static org.provisioning.common.stats.StatisticDefinition.gauge;

import com.sun.management.UnixOperatingSystemMXBean;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.OperatingSystemMXBean;
import java.util.List;

/**
 * The process's own health, the figures an operator checks first when a server misbehaves: uptime,
 * CPU, memory, garbage collection, threads, file descriptors. Read from the JVM's management beans
 * when asked.
 */
public final class ProcessStatistics {

  static final List<StatisticDefinition> DEFINITIONS =
      List.of(
          gauge("process.uptime_seconds", "seconds", "Time since the process started."),
          counter("process.cpu_time_ms", "milliseconds", "CPU time the process has used."),
          gauge("process.open_fds", "descriptors", "File descriptors the process holds open."),
          gauge("process.max_fds", "descriptors", "The process's limit on open file descriptors."),
          gauge("process.cpus", "cpus", "Processors the JVM may use."),
          gauge("process.load_average_x100", "load", "System load average (1 min) times 100."),
          gauge("jvm.heap.used_bytes", "bytes", "Heap memory in use."),
          gauge("jvm.heap.committed_bytes", "bytes", "Heap memory reserved from the system."),
          gauge("jvm.heap.max_bytes", "bytes", "The most heap memory the JVM may use (-Xmx)."),
          gauge("jvm.nonheap.used_bytes", "bytes", "Non-heap memory in use (code, metaspace)."),
          gauge("jvm.memory_pool.{pool}.used_bytes", "bytes", "Memory in use in one memory pool."),
          gauge(
              "jvm.buffer_pool.{pool}.used_bytes",
              "bytes",
              "Memory used by direct or mapped buffers (network and journal I/O)."),
          counter(
              "jvm.gc.{collector}.collections",
              "collections",
              "Garbage collections (cycles or pauses) run by one collector."),
          counter(
              "jvm.gc.{collector}.time_ms",
              "milliseconds",
              "Time one garbage collector has spent collecting."),
          gauge("jvm.threads.live", "threads", "Live threads."),
          gauge("jvm.threads.daemon", "threads", "Live daemon threads."),
          gauge("jvm.threads.peak", "threads", "The most live threads at once since start."),
          gauge("jvm.classes.loaded", "classes", "Classes loaded now."));

  private ProcessStatistics() {}

  /** Registers the process's gauges and counters, read from the JVM when someone asks. */
  public static void register(StatisticsRegistry registry) {
    var runtime = ManagementFactory.getRuntimeMXBean();
    var memory = ManagementFactory.getMemoryMXBean();
    var threads = ManagementFactory.getThreadMXBean();
    var classes = ManagementFactory.getClassLoadingMXBean();
    OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
    registry.gauge("process.uptime_seconds", () -> runtime.getUptime() / 1000);
    registry.gauge("process.cpus", os::getAvailableProcessors);
    registry.gauge("process.load_average_x100", () -> Math.round(os.getSystemLoadAverage() * 100));
    if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
      registerCpu(registry, sun);
    }
    if (os instanceof UnixOperatingSystemMXBean unix) {
      registry.gauge("process.open_fds", unix::getOpenFileDescriptorCount);
      registry.gauge("process.max_fds", unix::getMaxFileDescriptorCount);
    }
    registry.gauge("jvm.heap.used_bytes", () -> memory.getHeapMemoryUsage().getUsed());
    registry.gauge("jvm.heap.committed_bytes", () -> memory.getHeapMemoryUsage().getCommitted());
    registry.gauge("jvm.heap.max_bytes", () -> memory.getHeapMemoryUsage().getMax());
    registry.gauge("jvm.nonheap.used_bytes", () -> memory.getNonHeapMemoryUsage().getUsed());
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      registry.gauge(
          "jvm.memory_pool." + StatisticDefinition.labelValue(pool.getName()) + ".used_bytes",
          () -> pool.getUsage().getUsed());
    }
    for (BufferPoolMXBean pool : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
      registry.gauge(
          "jvm.buffer_pool." + StatisticDefinition.labelValue(pool.getName()) + ".used_bytes",
          pool::getMemoryUsed);
    }
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      String name = StatisticDefinition.labelValue(gc.getName());
      // Counters read from the JVM: registered as counters, kept in step when asked.
      Counter collections = registry.counter("jvm.gc." + name + ".collections");
      Counter time = registry.counter("jvm.gc." + name + ".time_ms");
      registry.addRefresh(
          () -> {
            catchUp(collections, gc.getCollectionCount());
            catchUp(time, gc.getCollectionTime());
          });
    }
    registry.gauge("jvm.threads.live", threads::getThreadCount);
    registry.gauge("jvm.threads.daemon", threads::getDaemonThreadCount);
    registry.gauge("jvm.threads.peak", threads::getPeakThreadCount);
    registry.gauge("jvm.classes.loaded", classes::getLoadedClassCount);
  }

  private static void registerCpu(
      StatisticsRegistry registry, com.sun.management.OperatingSystemMXBean os) {
    Counter cpu = registry.counter("process.cpu_time_ms");
    registry.addRefresh(() -> catchUp(cpu, os.getProcessCpuTime() / 1_000_000));
  }

  /** Moves a counter up to a total the JVM keeps; never down. */
  private static void catchUp(Counter counter, long total) {
    long behind = total - counter.get();
    if (behind > 0) {
      counter.add(behind);
    }
  }
}

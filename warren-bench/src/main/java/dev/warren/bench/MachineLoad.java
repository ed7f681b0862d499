package dev.warren.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * How much CPU processes other than this benchmark and the broker used during a round, from {@code
 * /proc} (Linux only). On a 2-core machine a build or a test suite running beside the benchmark
 * changes the figures more than any library does, so every round says whether it was disturbed.
 */
final class MachineLoad {
  /** A reading of the CPU counters, in clock ticks. */
  record Sample(long total, long busy, long self, long broker, long selfCpuNanos) {}

  /** Clock ticks per second of the {@code /proc} counters (USER_HZ, 100 on Linux). */
  private static final double TICKS_PER_SECOND = 100;

  private static final Path STAT = Path.of("/proc/stat");
  private static final int CORES = Runtime.getRuntime().availableProcessors();
  private static final long BROKER_PID = brokerPid();

  private MachineLoad() {}

  /**
   * @return the counters now, or {@code null} where {@code /proc} is missing
   */
  static Sample sample() {
    try {
      String[] cpu = Files.readAllLines(STAT).get(0).trim().split("\\s+");
      long total = 0;
      for (int i = 1; i <= 8 && i < cpu.length; i++) {
        total += Long.parseLong(cpu[i]);
      }
      long idle = Long.parseLong(cpu[4]) + (cpu.length > 5 ? Long.parseLong(cpu[5]) : 0);
      // why: the footprint scenario's server processes are the benchmark too; their CPU counts as
      // this process's once they were waited for (cutime, cstime), not as a disturbance
      long self = processTicks(ProcessHandle.current().pid(), true);
      long broker = BROKER_PID < 0 ? 0 : processTicks(BROKER_PID, false);
      return new Sample(total, total - idle, self, broker, processCpuNanos());
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  private static long processCpuNanos() {
    if (ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.OperatingSystemMXBean os) {
      return os.getProcessCpuTime();
    }
    return -1;
  }

  /**
   * @param before a sample at the start
   * @param after a sample at the end
   * @return CPU seconds this JVM used in between (every thread: the client library, the harness,
   *     JIT and GC), or {@code NaN} when unknown
   */
  static double selfSeconds(Sample before, Sample after) {
    if (before == null || after == null || before.selfCpuNanos() < 0) {
      return Double.NaN;
    }
    return (after.selfCpuNanos() - before.selfCpuNanos()) / 1e9;
  }

  /**
   * @param before a sample at the start
   * @param after a sample at the end
   * @return CPU seconds the broker used in between, or {@code NaN} when unknown
   */
  static double brokerSeconds(Sample before, Sample after) {
    if (before == null || after == null || BROKER_PID < 0) {
      return Double.NaN;
    }
    return (after.broker() - before.broker()) / TICKS_PER_SECOND;
  }

  /**
   * @param before a sample at the start
   * @param after a sample at the end
   * @return cores' worth of CPU used by other processes in between, or {@code NaN} when unknown
   */
  static double otherCores(Sample before, Sample after) {
    if (before == null || after == null || after.total() <= before.total()) {
      return Double.NaN;
    }
    long other =
        (after.busy() - before.busy())
            - (after.self() - before.self())
            - (after.broker() - before.broker());
    double elapsedPerCore = (after.total() - before.total()) / (double) CORES;
    return Math.max(0, other / elapsedPerCore);
  }

  /**
   * @return the scheduling priority (nice) of this process and of the broker, for the report, or
   *     {@code null} where {@code /proc} is missing
   */
  static String priorities() {
    try {
      String self = niceOf(ProcessHandle.current().pid());
      return "benchmark nice "
          + self
          + (BROKER_PID < 0 ? "" : ", broker nice " + niceOf(BROKER_PID));
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  private static String niceOf(long pid) throws IOException {
    String stat = Files.readString(Path.of("/proc/" + pid + "/stat"), StandardCharsets.UTF_8);
    return stat.substring(stat.lastIndexOf(')') + 2).split(" ")[16];
  }

  private static long processTicks(long pid, boolean children) throws IOException {
    String stat = Files.readString(Path.of("/proc/" + pid + "/stat"), StandardCharsets.UTF_8);
    // why: the command name in parentheses may contain spaces; fields count from after it
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]);
    return children ? ticks + Long.parseLong(f[13]) + Long.parseLong(f[14]) : ticks;
  }

  /** The RabbitMQ node on this machine (beam.smp), or -1: its CPU is part of the benchmark. */
  private static long brokerPid() {
    try (DirectoryStream<Path> procs = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
      for (Path p : procs) {
        try {
          String cmd = Files.readString(p.resolve("cmdline"), StandardCharsets.UTF_8);
          if (cmd.contains("beam.smp") && cmd.contains("rabbit")) {
            return Long.parseLong(p.getFileName().toString());
          }
        } catch (IOException | RuntimeException e) {
          // a process that went away, or one we may not read
        }
      }
    } catch (IOException | RuntimeException e) {
      // no /proc
    }
    return -1;
  }
}

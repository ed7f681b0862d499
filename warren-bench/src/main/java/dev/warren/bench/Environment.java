package dev.warren.bench;

import dev.warren.bench.clients.BenchBroker;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/**
 * Where the figures were measured: the machine, the JDK, the broker and the library versions. A
 * benchmark result without these cannot be compared with another.
 *
 * @param cpu the processor model
 * @param cores processors available to the JVM
 * @param memoryMb physical memory
 * @param os operating system, version and architecture
 * @param jdk the runtime: vendor, version, VM
 * @param jvmOptions the JVM's command-line options
 * @param priorities the scheduling priorities (nice) of the benchmark and the broker
 * @param broker the broker's product and version, or {@code null} without one
 * @param brokerPlatform the broker's platform (Erlang/OTP), or {@code null}
 * @param brokerLocation where the broker ran, relative to the benchmark
 * @param libraries the library versions compared
 * @param warrenCommit the git commit of Warren measured, with {@code +dirty} for local changes
 */
public record Environment(
    String cpu,
    int cores,
    long memoryMb,
    String os,
    String jdk,
    String jvmOptions,
    String priorities,
    String broker,
    String brokerPlatform,
    String brokerLocation,
    Map<String, String> libraries,
    String warrenCommit) {

  /**
   * @param broker the run's broker, or {@code null}
   * @param amqpUri the broker address as given
   * @return the environment of this process
   */
  public static Environment collect(BenchBroker broker, String amqpUri) {
    Runtime rt = Runtime.getRuntime();
    long memory = -1;
    if (ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.OperatingSystemMXBean os) {
      memory = os.getTotalMemorySize() / (1024 * 1024);
    }
    String location = null;
    if (broker != null) {
      String host = amqpUri.replaceFirst("^amqp://([^@/]*@)?", "").replaceFirst("[:/].*$", "");
      boolean local = host.equals("127.0.0.1") || host.equals("localhost") || host.equals("::1");
      location =
          (local ? "same machine (" + host + "), sharing its cores" : host)
              + ", virtual host "
              + broker.vhost()
              + (broker.created() ? " (fresh, deleted afterwards)" : "");
    }
    return new Environment(
        cpuModel(),
        rt.availableProcessors(),
        memory,
        System.getProperty("os.name")
            + " "
            + System.getProperty("os.version")
            + " "
            + System.getProperty("os.arch"),
        System.getProperty("java.vendor")
            + " "
            + System.getProperty("java.runtime.version")
            + ", "
            + System.getProperty("java.vm.name"),
        String.join(" ", ManagementFactory.getRuntimeMXBean().getInputArguments()),
        MachineLoad.priorities(),
        broker == null ? null : broker.version(),
        broker == null ? null : broker.platform(),
        location,
        libraryVersions(),
        System.getProperty("warren.bench.commit", "unknown"));
  }

  private static String cpuModel() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
        if (line.startsWith("model name")) {
          return line.substring(line.indexOf(':') + 1).trim();
        }
      }
    } catch (IOException | RuntimeException e) {
      // not Linux: the architecture below is all there is
    }
    return System.getProperty("os.arch");
  }

  private static Map<String, String> libraryVersions() {
    Properties p = new Properties();
    try (InputStream in = Environment.class.getResourceAsStream("versions.properties")) {
      if (in != null) {
        p.load(in);
      }
    } catch (IOException e) {
      // versions unknown: reported as such
    }
    Map<String, String> versions = new LinkedHashMap<>();
    for (String name :
        new String[] {
          "warren", "amqp-client", "spring-rabbit", "hdrhistogram", "jobrunr", "db-scheduler"
        }) {
      versions.put(name, p.getProperty(name, "unknown"));
    }
    return versions;
  }
}

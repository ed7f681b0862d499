import dev.warren.Warren;
import dev.warren.WarrenOptions;
import dev.warren.server.ServerOptions;
import dev.warren.server.WarrenServer;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/** What `warren server` does, with timings: JVM uptime and process CPU at each step. */
public class Start {
  static String at() {
    var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    return "uptime_ms=" + ManagementFactory.getRuntimeMXBean().getUptime()
        + " cpu_ms=" + os.getProcessCpuTime() / 1_000_000;
  }

  public static void main(String[] args) throws Exception {
    int port = Integer.parseInt(args[0]);
    System.out.println("T main " + at());
    Warren warren = Warren.create(WarrenOptions.fromEnvironment());
    System.out.println("T warren " + at());
    WarrenServer server = WarrenServer.start(ServerOptions.builder().port(port).build(), warren);
    System.out.println("T listening " + at());
    if (args.length > 1) {
      HttpResponse<String> r = HttpClient.newHttpClient().send(
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health/ready")).build(),
          HttpResponse.BodyHandlers.ofString());
      System.out.println("T ready " + r.statusCode() + " " + at());
      if (args[1].equals("exit")) {
        server.stop();
        warren.close();
        System.exit(0);
      }
    }
    Thread.currentThread().join();
  }
}

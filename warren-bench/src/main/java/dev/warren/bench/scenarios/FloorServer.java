package dev.warren.bench.scenarios;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import java.util.concurrent.Executors;

/**
 * The footprint scenario's baseline, run as its own JVM: the JDK's built-in HTTP server on virtual
 * threads, answering {@code GET /health/ready} and {@code POST /publish/{type}} (202, an id) and
 * nothing else. What any Java HTTP service costs in start-up and memory before it does anything.
 */
public final class FloorServer {
  private FloorServer() {}

  /**
   * Serves on 127.0.0.1, on a free port it prints as {@code listening on http://127.0.0.1:PORT},
   * until the process is stopped.
   *
   * @param args none
   * @throws IOException when it cannot bind
   */
  public static void main(String[] args) throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 1024);
    server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
    server.createContext("/health/ready", x -> answer(x, 200, "{\"status\":\"Healthy\"}"));
    server.createContext(
        "/publish/",
        x -> {
          try (InputStream in = x.getRequestBody()) {
            in.readAllBytes();
          }
          answer(x, 202, "{\"ids\":[\"" + UUID.randomUUID() + "\"]}");
        });
    server.start();
    System.out.println("listening on http://127.0.0.1:" + server.getAddress().getPort());
    System.out.flush();
  }

  private static void answer(HttpExchange x, int status, String json) throws IOException {
    byte[] body = json.getBytes(StandardCharsets.UTF_8);
    x.getResponseHeaders().set("Content-Type", "application/json");
    x.sendResponseHeaders(status, body.length);
    try (OutputStream out = x.getResponseBody()) {
      out.write(body);
    }
  }
}

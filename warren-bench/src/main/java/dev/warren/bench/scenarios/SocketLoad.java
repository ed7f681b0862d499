package dev.warren.bench.scenarios;

import dev.warren.bench.LatencyRecorder;
import dev.warren.bench.RoundResult;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * Scenario 4's fixed-rate load: HTTP/1.1 keep-alive connections written to and read from directly,
 * one request in flight on each. why: the JDK's HTTP client costs about a millisecond of CPU per
 * request in the benchmark's JVM, which at 2,000 requests per second on two cores was the client
 * falling behind, not the server; a request here is one write and one read of a few hundred bytes.
 */
final class SocketLoad implements AutoCloseable {
  private final BlockingQueue<Connection> idle;
  private final List<Connection> all = new ArrayList<>();

  /** One keep-alive connection. */
  private record Connection(Socket socket, OutputStream out, InputStream in) {}

  /**
   * @param host the server's host
   * @param port its port
   * @param connections how many connections to open, the most requests in flight
   * @throws IOException when a connection cannot be opened
   */
  SocketLoad(String host, int port, int connections) throws IOException {
    idle = new ArrayBlockingQueue<>(connections);
    for (int i = 0; i < connections; i++) {
      Socket s = new Socket(host, port);
      s.setTcpNoDelay(true);
      Connection c =
          new Connection(s, s.getOutputStream(), new BufferedInputStream(s.getInputStream()));
      all.add(c);
      idle.add(c);
    }
  }

  /**
   * @param host the Host header
   * @param path the path
   * @param json the body
   * @return the bytes of one {@code POST} of the body as JSON, keeping the connection open
   */
  static byte[] post(String host, String path, byte[] json) {
    String head =
        String.format(
            Locale.ROOT,
            "POST %s HTTP/1.1\r\nHost: %s\r\nContent-Type: application/json\r\n"
                + "Content-Length: %d\r\n\r\n",
            path,
            host,
            json.length);
    ByteArrayOutputStream b = new ByteArrayOutputStream(head.length() + json.length);
    b.writeBytes(head.getBytes(StandardCharsets.US_ASCII));
    b.writeBytes(json);
    return b.toByteArray();
  }

  /**
   * Sends at a fixed rate, at most the connections in flight, stamped when due (before waiting for
   * a free connection, and the sender waits with it): a server that falls behind shows it as
   * latency and as a rate below the one asked for, and the round still ends on time.
   *
   * @param request the request's bytes
   * @param rate requests per second
   * @param length how long
   * @return requests answered and their latency
   * @throws Exception the first failed request
   */
  RoundResult atRate(byte[] request, int rate, Duration length) throws Exception {
    LatencyRecorder latency = new LatencyRecorder();
    AtomicLong answered = new AtomicLong();
    AtomicReference<Exception> failure = new AtomicReference<>();
    long interval = 1_000_000_000L / rate;
    long start = System.nanoTime();
    long end = start + length.toNanos();
    long elapsed;
    try (ExecutorService requests = Executors.newVirtualThreadPerTaskExecutor()) {
      long n = 0;
      for (long due = start; due < end && failure.get() == null; due = start + ++n * interval) {
        long wait = due - System.nanoTime();
        if (wait > 0) {
          LockSupport.parkNanos(wait);
        }
        long sent = System.nanoTime();
        Connection c = idle.take();
        requests.execute(
            () -> {
              try {
                exchange(c, request);
                latency.recordSince(sent);
                answered.incrementAndGet();
                idle.add(c);
              } catch (Exception e) {
                failure.compareAndSet(null, e);
              }
            });
      }
      elapsed = System.nanoTime() - start;
    }
    Exception e = failure.get();
    if (e != null) {
      throw e;
    }
    return new RoundResult(answered.get(), elapsed, latency.histogram());
  }

  private static void exchange(Connection c, byte[] request) throws IOException {
    c.out().write(request);
    c.out().flush();
    String status = line(c.in());
    long length = -1;
    boolean chunked = false;
    for (String h = line(c.in()); !h.isEmpty(); h = line(c.in())) {
      String lower = h.toLowerCase(Locale.ROOT);
      if (lower.startsWith("content-length:")) {
        length = Long.parseLong(lower.substring(15).trim());
      } else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
        chunked = true;
      }
    }
    if (chunked) {
      for (long size = Long.parseLong(line(c.in()).trim(), 16);
          size > 0;
          size = Long.parseLong(line(c.in()).trim(), 16)) {
        c.in().skipNBytes(size);
        line(c.in());
      }
      line(c.in());
    } else if (length > 0) {
      c.in().skipNBytes(length);
    }
    if (!status.startsWith("HTTP/1.1 202")) {
      throw new IOException("the server answered '" + status + "'");
    }
  }

  private static String line(InputStream in) throws IOException {
    StringBuilder b = new StringBuilder(64);
    for (int ch = in.read(); ch != '\n'; ch = in.read()) {
      if (ch < 0) {
        throw new IOException("the server closed the connection");
      }
      if (ch != '\r') {
        b.append((char) ch);
      }
    }
    return b.toString();
  }

  @Override
  public void close() {
    for (Connection c : all) {
      try {
        c.socket().close();
      } catch (IOException e) {
        // closing anyway
      }
    }
  }
}

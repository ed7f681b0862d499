package dev.warren.testkit;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A TCP relay on a loopback port in front of a real RabbitMQ, for fault tests that must not disturb
 * the broker other tests share:
 *
 * <ul>
 *   <li>{@link #kill()} drops its connections at once and refuses new ones for good, as a node
 *       killed with {@code kill -9} does (one relay per address stands for a node of a cluster);
 *   <li>{@link #cut()} does the same until {@link #restore()}, as a broker that went down and came
 *       back;
 *   <li>{@link #block(String)} tells every client connection that the broker blocked it, as
 *       RabbitMQ does during a memory or disk alarm, without raising an alarm on the shared broker.
 * </ul>
 *
 * <p>What the broker sends is relayed frame by frame (AMQP 0-9-1 frames: type, channel, size,
 * payload, end octet), so a frame the relay adds never lands inside one of the broker's.
 */
public final class BrokerProxy implements AutoCloseable {
  private static final int FRAME_METHOD = 1;
  private static final int FRAME_END = 0xCE;
  private static final int CONNECTION_CLASS = 10;
  private static final int CONNECTION_BLOCKED = 60;
  private static final int CONNECTION_UNBLOCKED = 61;

  private final ServerSocket listener;
  private final String targetHost;
  private final int targetPort;
  private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
  private final Set<Socket> clients = ConcurrentHashMap.newKeySet();
  private final Set<DataOutputStream> toClients = ConcurrentHashMap.newKeySet();
  private volatile boolean cut;
  private volatile boolean dead;

  /**
   * Starts relaying.
   *
   * @param targetHost the broker's host
   * @param targetPort the broker's AMQP port
   * @throws IOException when no loopback port can be opened
   */
  public BrokerProxy(String targetHost, int targetPort) throws IOException {
    this.targetHost = targetHost;
    this.targetPort = targetPort;
    this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread.ofVirtual().name("broker-proxy-" + port()).start(this::accept);
  }

  /**
   * @return the loopback port it listens on
   */
  public int port() {
    return listener.getLocalPort();
  }

  /**
   * @return how many client connections it relays now
   */
  public int connections() {
    return clients.size();
  }

  private void accept() {
    while (!dead) {
      Socket client;
      try {
        client = listener.accept();
      } catch (IOException e) {
        return; // killed or closed
      }
      if (cut || dead) {
        closeQuietly(client);
        continue;
      }
      Socket upstream;
      try {
        upstream = new Socket(targetHost, targetPort);
      } catch (IOException e) {
        closeQuietly(client);
        continue;
      }
      sockets.add(client);
      sockets.add(upstream);
      clients.add(client);
      if (cut || dead) {
        // why: a cut that ran while this connection was being set up did not see it
        closeQuietly(client);
        closeQuietly(upstream);
        continue;
      }
      Thread.ofVirtual().start(() -> pump(client, upstream));
      Thread.ofVirtual().start(() -> relayFrames(upstream, client));
    }
  }

  private void pump(Socket from, Socket to) {
    byte[] buffer = new byte[16 * 1024];
    try (InputStream in = from.getInputStream();
        OutputStream out = to.getOutputStream()) {
      int n;
      while ((n = in.read(buffer)) >= 0) {
        out.write(buffer, 0, n);
      }
    } catch (IOException e) {
      // the other side went away, or a cut closed the sockets
    } finally {
      closeQuietly(from);
      closeQuietly(to);
    }
  }

  private void relayFrames(Socket broker, Socket client) {
    DataOutputStream out = null;
    try (DataInputStream in = new DataInputStream(broker.getInputStream())) {
      out = new DataOutputStream(client.getOutputStream());
      toClients.add(out);
      byte[] header = new byte[7];
      while (true) {
        in.readFully(header);
        int size =
            ((header[3] & 0xFF) << 24)
                | ((header[4] & 0xFF) << 16)
                | ((header[5] & 0xFF) << 8)
                | (header[6] & 0xFF);
        byte[] rest = new byte[size + 1];
        in.readFully(rest);
        synchronized (out) {
          out.write(header);
          out.write(rest);
          out.flush();
        }
      }
    } catch (IOException e) {
      // the other side went away, or a cut closed the sockets
    } finally {
      if (out != null) {
        toClients.remove(out);
      }
      closeQuietly(broker);
      closeQuietly(client);
    }
  }

  /**
   * Sends {@code connection.blocked} to every client connection, as the broker does when an alarm
   * blocks publishing.
   *
   * @param reason the reason the client is given, for example {@code low on disk}
   * @throws IOException when a client connection cannot be written to
   * @throws IllegalStateException when no client is connected through the relay
   */
  public void block(String reason) throws IOException {
    byte[] text = reason.getBytes(StandardCharsets.UTF_8);
    ByteArrayOutputStream args = new ByteArrayOutputStream();
    args.write(text.length);
    args.write(text);
    toEveryClient(connectionMethod(CONNECTION_BLOCKED, args.toByteArray()));
  }

  /**
   * Sends {@code connection.unblocked} to every client connection: the alarm cleared.
   *
   * @throws IOException when a client connection cannot be written to
   */
  public void unblock() throws IOException {
    toEveryClient(connectionMethod(CONNECTION_UNBLOCKED, new byte[0]));
  }

  private static byte[] connectionMethod(int method, byte[] args) throws IOException {
    ByteArrayOutputStream frame = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(frame);
    out.writeByte(FRAME_METHOD);
    out.writeShort(0);
    out.writeInt(4 + args.length);
    out.writeShort(CONNECTION_CLASS);
    out.writeShort(method);
    out.write(args);
    out.writeByte(FRAME_END);
    return frame.toByteArray();
  }

  private void toEveryClient(byte[] frame) throws IOException {
    if (toClients.isEmpty()) {
      throw new IllegalStateException("no client is connected through the relay");
    }
    for (DataOutputStream out : toClients) {
      synchronized (out) {
        out.write(frame);
        out.flush();
      }
    }
  }

  private void closeQuietly(Socket s) {
    sockets.remove(s);
    clients.remove(s);
    try {
      s.close();
    } catch (IOException e) {
      // closing anyway
    }
  }

  /** Drops every relayed connection and turns new ones away until {@link #restore()}. */
  public void cut() {
    cut = true;
    for (Socket s : sockets) {
      closeQuietly(s);
    }
  }

  /** Lets connections through again after a {@link #cut()}. */
  public void restore() {
    cut = false;
  }

  /** Drops every relayed connection and refuses new ones from now on. */
  public void kill() {
    dead = true;
    try {
      listener.close();
    } catch (IOException e) {
      // closing anyway
    }
    for (Socket s : sockets) {
      closeQuietly(s);
    }
  }

  @Override
  public void close() {
    kill();
  }
}

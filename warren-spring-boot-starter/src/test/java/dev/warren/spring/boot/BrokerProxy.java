package dev.warren.spring.boot;

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
 * A TCP relay on a loopback port in front of the real broker (after warren-rabbitmq's NodeProxy),
 * for fault tests: {@link #kill()} drops its connections at once and refuses new ones, as a stopped
 * broker does; {@link #block(String)} tells every client connection that the broker blocked it, as
 * RabbitMQ does during a memory or disk alarm, without raising an alarm on the shared broker. The
 * broker behind it is real.
 *
 * <p>What the broker sends is relayed frame by frame (AMQP 0-9-1 frames: type, channel, size,
 * payload, end octet), so a frame it adds never lands inside one of the broker's.
 */
final class BrokerProxy implements AutoCloseable {
  private static final int FRAME_METHOD = 1;
  private static final int FRAME_END = 0xCE;
  private static final int CONNECTION_CLASS = 10;
  private static final int CONNECTION_BLOCKED = 60;
  private static final int CONNECTION_UNBLOCKED = 61;

  private final ServerSocket listener;
  private final String targetHost;
  private final int targetPort;
  private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
  private final Set<DataOutputStream> toClients = ConcurrentHashMap.newKeySet();
  private volatile boolean dead;

  BrokerProxy(String targetHost, int targetPort) throws IOException {
    this.targetHost = targetHost;
    this.targetPort = targetPort;
    this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread.ofVirtual().name("broker-proxy-" + port()).start(this::accept);
  }

  /**
   * @return the loopback port it listens on
   */
  int port() {
    return listener.getLocalPort();
  }

  private void accept() {
    while (!dead) {
      try {
        Socket client = listener.accept();
        Socket upstream;
        try {
          upstream = new Socket(targetHost, targetPort);
        } catch (IOException e) {
          client.close();
          continue;
        }
        sockets.add(client);
        sockets.add(upstream);
        if (dead) {
          kill();
          return;
        }
        Thread.ofVirtual().start(() -> pump(client, upstream));
        Thread.ofVirtual().start(() -> relayFrames(upstream, client));
      } catch (IOException e) {
        return;
      }
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
      // the other side went away, or kill() closed the sockets
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
      // the other side went away, or kill() closed the sockets
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
   */
  void block(String reason) throws IOException {
    byte[] text = reason.getBytes(StandardCharsets.UTF_8);
    ByteArrayOutputStream args = new ByteArrayOutputStream();
    args.write(text.length);
    args.write(text);
    toEveryClient(connectionMethod(CONNECTION_BLOCKED, args.toByteArray()));
  }

  /** Sends {@code connection.unblocked} to every client connection: the alarm cleared. */
  void unblock() throws IOException {
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
    try {
      s.close();
    } catch (IOException e) {
      // closing anyway
    }
  }

  /** Drops every relayed connection and refuses new ones from now on. */
  void kill() {
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

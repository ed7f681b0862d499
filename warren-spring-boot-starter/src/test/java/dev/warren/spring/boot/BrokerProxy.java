package dev.warren.spring.boot;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A TCP relay on a loopback port in front of the real broker (as warren-rabbitmq's NodeProxy):
 * {@link #kill()} drops its connections at once and refuses new ones, as a node killed with {@code
 * kill -9} does. For fault tests: the broker behind it is real.
 */
final class BrokerProxy implements AutoCloseable {
  private final ServerSocket listener;
  private final String targetHost;
  private final int targetPort;
  private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
  private final Set<Socket> clients = ConcurrentHashMap.newKeySet();
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

  /**
   * @return how many client connections it relays now
   */
  int connections() {
    return clients.size();
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
        clients.add(client);
        if (dead) {
          kill();
          return;
        }
        Thread.ofVirtual().start(() -> pump(client, upstream));
        Thread.ofVirtual().start(() -> pump(upstream, client));
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

  private void closeQuietly(Socket s) {
    sockets.remove(s);
    clients.remove(s);
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

package dev.warren.rabbitmq;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.GetResponse;
import java.util.ArrayList;
import java.util.List;

/** The plain amqp-client, as a program that does not use Warren would. */
final class RawAmqp implements AutoCloseable {
  final Connection connection;
  final Channel channel;

  RawAmqp(String uri) throws Exception {
    ConnectionFactory f = new ConnectionFactory();
    f.setUri(uri);
    f.setAutomaticRecoveryEnabled(false);
    connection = f.newConnection("warren-test-raw");
    channel = connection.createChannel();
  }

  /**
   * @param queue a queue
   * @return every message in it, acknowledged
   */
  List<GetResponse> drain(String queue) throws Exception {
    List<GetResponse> all = new ArrayList<>();
    GetResponse r;
    while ((r = channel.basicGet(queue, true)) != null) {
      all.add(r);
    }
    return all;
  }

  @Override
  public void close() throws java.io.IOException {
    connection.close();
  }
}

package dev.warren.transport;

import dev.warren.Warren;
import dev.warren.WarrenException;
import dev.warren.WarrenOptions;
import java.util.Objects;
import java.util.ServiceLoader;

/**
 * Starts a {@link Warren} instance on a transport the caller connected itself: for contract suites
 * and tools that hold a {@link Transport} (another connection to the same in-memory broker, a
 * RabbitMQ transport with a fault injected). Applications use {@link Warren#create} instead.
 *
 * <pre>{@code
 * Transport transport = RabbitMqTransport.connect(options);
 * try (Warren warren = WarrenOnTransport.start(options, transport)) {
 *   warren.publish("order.placed", order).join();
 * }
 * }</pre>
 */
public final class WarrenOnTransport {
  private static final Engine ENGINE =
      ServiceLoader.load(Engine.class, WarrenOnTransport.class.getClassLoader())
          .findFirst()
          .orElseGet(
              () ->
                  (options, transport) -> {
                    transport.close();
                    throw new WarrenException("no Warren engine: add warren-core as a dependency");
                  });

  private WarrenOnTransport() {}

  /**
   * Declares the instance's exchange and returns a ready instance that owns the transport: closing
   * the instance closes it.
   *
   * @param options the options; their transport kind and broker URI are not looked at
   * @param transport a connected transport; closed here when the start fails
   * @return the started instance
   * @throws WarrenException when warren-core is not on the class path, or the exchange cannot be
   *     declared
   */
  public static Warren start(WarrenOptions options, Transport transport) {
    Objects.requireNonNull(options, "options");
    Objects.requireNonNull(transport, "transport");
    return ENGINE.start(options, transport);
  }

  /**
   * What starts the engine, implemented by warren-core and found with {@link ServiceLoader}, so
   * that this SPI package does not depend on the implementation.
   */
  public interface Engine {
    /**
     * @param options the options
     * @param transport a connected transport
     * @return the started instance
     */
    Warren start(WarrenOptions options, Transport transport);
  }
}

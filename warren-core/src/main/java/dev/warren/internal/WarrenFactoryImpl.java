package dev.warren.internal;

import dev.warren.Warren;
import dev.warren.WarrenException;
import dev.warren.WarrenOptions;
import dev.warren.internal.engine.WarrenEngine;
import dev.warren.spi.WarrenFactory;
import dev.warren.transport.Transport;
import dev.warren.transport.TransportProvider;
import java.util.Locale;
import java.util.ServiceLoader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Picks the transport the options ask for and starts the engine on it. */
public final class WarrenFactoryImpl implements WarrenFactory {
  private static final Logger log = LoggerFactory.getLogger("dev.warren.startup");

  @Override
  public Warren create(WarrenOptions options) {
    String name = options.effectiveTransport().name().toLowerCase(Locale.ROOT);
    TransportProvider provider =
        ServiceLoader.load(TransportProvider.class, WarrenFactoryImpl.class.getClassLoader())
            .stream()
            .map(ServiceLoader.Provider::get)
            .filter(p -> p.name().equals(name))
            .findFirst()
            .orElseThrow(
                () ->
                    new WarrenException(
                        "transport '"
                            + name
                            + "' is configured but its module is not on the class path"
                            + " (add dev.warren:warren-"
                            + name
                            + ")"));
    if (options.effectiveTransport() == WarrenOptions.TransportKind.MEMORY) {
      log.info(
          "Warren: embedded in-memory transport (single process; set WARREN_RABBITMQ_URL for RabbitMQ)");
    } else {
      log.info("Warren: RabbitMQ transport at {}", options.rabbitmqUriForDisplay());
    }
    Transport transport = provider.create(options);
    return WarrenEngine.start(options, transport);
  }
}

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
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Picks the transport the options ask for and starts the engine on it. */
public final class WarrenFactoryImpl implements WarrenFactory {
  private static final Logger log = LoggerFactory.getLogger("dev.warren.startup");
  private static final Set<String> ANNOUNCED = ConcurrentHashMap.newKeySet();

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
    String where =
        options.effectiveTransport() == WarrenOptions.TransportKind.MEMORY
            ? "Warren: embedded in-memory transport (single process; set WARREN_RABBITMQ_URL for"
                + " RabbitMQ)"
            : "Warren: RabbitMQ transport at " + options.rabbitmqUriForDisplay();
    // why: say once per process where events go; a process with many instances (tests, the
    // demo) would otherwise repeat the same line for each
    if (ANNOUNCED.add(where)) {
      log.info(where);
    } else {
      log.debug(where);
    }
    Transport transport = provider.create(options);
    return WarrenEngine.start(options, transport);
  }
}

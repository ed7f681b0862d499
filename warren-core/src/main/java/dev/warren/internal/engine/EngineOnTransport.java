package dev.warren.internal.engine;

import dev.warren.Warren;
import dev.warren.WarrenOptions;
import dev.warren.transport.Transport;
import dev.warren.transport.WarrenOnTransport;

/** Starts the engine for {@link WarrenOnTransport#start}; found with the service loader. */
public final class EngineOnTransport implements WarrenOnTransport.Engine {
  @Override
  public Warren start(WarrenOptions options, Transport transport) {
    return WarrenEngine.start(options, transport);
  }
}

package dev.warren.examples.eventhub;

import dev.warren.Event;
import dev.warren.Warren;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Publishes a JSON file as an event the way {@code ./warren publish TYPE --data-file F
 * --correlation-id C} does: the file's bytes are the data, as they are, with the correlation id the
 * caller chose, so every event the chain causes carries it too.
 */
final class CommandLinePublisher {
  private final Warren warren;

  CommandLinePublisher(Warren warren) {
    this.warren = warren;
  }

  /**
   * @param type the event type
   * @param dataFile a JSON file
   * @param correlationId the chain's correlation id
   * @return the event, once the broker confirmed it
   */
  Event publish(String type, Path dataFile, String correlationId) {
    byte[] data;
    try {
      data = Files.readAllBytes(dataFile);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read data file " + dataFile, e);
    }
    Event event = Event.builder(type).data(data, Event.JSON).correlationId(correlationId).build();
    return warren.publish(event).join();
  }

  /**
   * @return the command line that does the same
   */
  static String commandLine(String type, Path dataFile, String correlationId) {
    return "./warren publish "
        + type
        + " --data-file "
        + dataFile
        + " --correlation-id "
        + correlationId;
  }
}

package dev.warren;

/**
 * An exchange or queue already exists with other settings than the ones Warren asked for, for
 * example a queue declared elsewhere with a different type or dead-letter target. The message names
 * the resource and the mismatch; Warren never silently redeclares or deletes it.
 */
public class TopologyMismatchException extends WarrenException {
  /**
   * @param message the resource and the mismatching setting
   * @param cause the broker's error
   */
  public TopologyMismatchException(String message, Throwable cause) {
    super(message, cause);
  }
}

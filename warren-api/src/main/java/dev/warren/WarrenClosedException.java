package dev.warren;

/** The {@link Warren} instance (or the part of it used) was closed: nothing was sent or changed. */
public class WarrenClosedException extends WarrenException {
  /**
   * @param message what was attempted on the closed instance
   */
  public WarrenClosedException(String message) {
    super(message);
  }
}

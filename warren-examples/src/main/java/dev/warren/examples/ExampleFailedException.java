package dev.warren.examples;

import dev.warren.WarrenException;

/** An example's script did not see what it expected (a lost event, a wrong total). */
public final class ExampleFailedException extends WarrenException {
  private static final long serialVersionUID = 1L;

  /**
   * @param message what was expected and what happened instead
   */
  public ExampleFailedException(String message) {
    super(message);
  }
}

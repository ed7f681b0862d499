package dev.warren;

/**
 * The broker refused a message it received (a negative publisher confirm, for example because a
 * queue is full and set to reject). The message was not stored.
 */
public class PublishRejectedException extends WarrenException {
  /**
   * @param message which message was refused and why, as far as the broker said
   */
  public PublishRejectedException(String message) {
    super(message);
  }
}

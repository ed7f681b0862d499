package dev.warren.admin;

import dev.warren.WarrenException;

/** The queue named does not exist on the broker; nothing was changed. Over HTTP it is a 404. */
public class QueueNotFoundException extends WarrenException {
  private final String queue;

  /**
   * @param queue the queue that does not exist
   */
  public QueueNotFoundException(String queue) {
    super("queue '" + queue + "' does not exist");
    this.queue = queue;
  }

  /**
   * @return the queue that does not exist
   */
  public String queue() {
    return queue;
  }
}

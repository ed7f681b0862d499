package dev.warren.schedules;

import dev.warren.WarrenException;

/** Thrown when a schedule is named that the store does not know. */
public class ScheduleNotFoundException extends WarrenException {
  private final String schedule;

  /**
   * @param schedule the unknown name
   */
  public ScheduleNotFoundException(String schedule) {
    super("schedule '" + schedule + "' does not exist");
    this.schedule = schedule;
  }

  /**
   * @return the unknown name
   */
  public String schedule() {
    return schedule;
  }
}

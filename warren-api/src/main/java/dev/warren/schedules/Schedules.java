package dev.warren.schedules;

import java.util.List;
import java.util.Optional;

/**
 * Recurring schedules of a {@link dev.warren.Warren} instance ({@code warren.schedules()}): each
 * slot of a schedule submits one task, exactly once across every instance that shares the store of
 * {@link dev.warren.WarrenOptions#storeUrl()} (memory, PostgreSQL or Redis), whichever instances
 * die or restart.
 *
 * <pre>{@code
 * Schedules schedules = warren.schedules();
 * schedules.define(Schedule.cron("nightly-report", "0 30 2 * * *")
 *     .zone("Europe/Paris").task("report.build").build());   // this instance now fires slots
 * schedules.pause("nightly-report");
 * schedules.trigger("nightly-report");                        // one firing now, outside the plan
 * schedules.history("nightly-report", 10).forEach(System.out::println);
 * }</pre>
 *
 * <p>Every instance that {@link #define defines} a schedule (or calls {@link #startFiring()}) takes
 * part in firing all of the store's schedules: each slot is claimed in the store by one instance
 * with a conditional write, then its task is submitted; a claim whose instance died before the
 * broker confirmed the task is taken over by another instance. Tools that only look (the CLI) do
 * not fire.
 */
public interface Schedules {

  /**
   * Stores a schedule, or replaces the definition of one with that name (keeping whether it is
   * paused, its history and its last slot), and starts firing in this instance.
   *
   * @param schedule the schedule
   * @return the schedule as stored, with its next slot
   * @throws dev.warren.InvalidInputException when the cron expression is invalid (the message names
   *     it) or the arguments cannot be encoded as JSON
   * @throws dev.warren.tasks.TaskStoreException when the store cannot be reached
   */
  ScheduleInfo define(Schedule schedule);

  /**
   * @return every schedule in the store, by name, with its next slot
   * @throws dev.warren.tasks.TaskStoreException when the store cannot be reached
   */
  List<ScheduleInfo> list();

  /**
   * @param name a schedule's name
   * @return the schedule, or empty
   * @throws dev.warren.tasks.TaskStoreException when the store cannot be reached
   */
  Optional<ScheduleInfo> get(String name);

  /**
   * Stops firing a schedule, on every instance, until {@link #resume(String)}.
   *
   * @param name a schedule's name
   * @return the schedule, paused
   * @throws ScheduleNotFoundException when there is no such schedule
   */
  ScheduleInfo pause(String name);

  /**
   * Fires a paused schedule again from its next slot; the slots that passed while it was paused are
   * not made up.
   *
   * @param name a schedule's name
   * @return the schedule, running
   * @throws ScheduleNotFoundException when there is no such schedule
   */
  ScheduleInfo resume(String name);

  /**
   * Fires a schedule once now, outside its plan (also when paused), and returns once the broker
   * confirmed the task.
   *
   * @param name a schedule's name
   * @return the firing, {@link FiringState#FIRED} with the task's id
   * @throws ScheduleNotFoundException when there is no such schedule
   * @throws dev.warren.BrokerUnavailableException when the broker could not take the task
   */
  Firing trigger(String name);

  /**
   * Deletes a schedule and its history. An instance that defines it again in code brings it back.
   *
   * @param name a schedule's name
   * @return {@code true} when it existed
   */
  boolean delete(String name);

  /**
   * @param name a schedule's name
   * @param limit the most firings to return, 1 or more
   * @return its last firings, newest first
   * @throws ScheduleNotFoundException when there is no such schedule
   */
  List<Firing> history(String name, int limit);

  /**
   * Makes this instance take part in firing the store's schedules without defining one (for example
   * a server whose schedules are defined over HTTP). Idempotent.
   */
  void startFiring();

  /**
   * @return which store keeps the schedules, for example {@code memory} or {@code postgresql
   *     127.0.0.1:5432/warren}
   */
  String describeStore();
}

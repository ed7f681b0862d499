package dev.warren.schedules.spi;

import dev.warren.schedules.Firing;
import dev.warren.schedules.ScheduleInfo;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Where schedules, their last claimed slot and their firings live, shared by every instance. The
 * one guarantee everything rests on is {@link #claim}: a conditional write that at most one caller
 * wins per slot.
 *
 * <p>Implementations are thread-safe and translate their I/O errors into {@link
 * dev.warren.tasks.TaskStoreException}.
 */
public interface ScheduleStore extends AutoCloseable {

  /**
   * @return a short description for logs
   */
  String describe();

  /**
   * Inserts a schedule, or replaces the definition of an existing one while keeping its {@code
   * paused}, {@code createdAt}, {@code resumedAt} and {@code lastSlot}.
   *
   * @param schedule the schedule ({@code nextSlot} is ignored)
   * @return the schedule as stored
   */
  ScheduleInfo upsert(ScheduleInfo schedule);

  /**
   * @param name a schedule's name
   * @return it, or empty
   */
  Optional<ScheduleInfo> get(String name);

  /**
   * @return every schedule, by name
   */
  List<ScheduleInfo> list();

  /**
   * @param name a schedule's name
   * @param paused pause or resume
   * @param at when; a resume records it as {@code resumedAt}
   * @return the schedule after the change, or empty when unknown
   */
  Optional<ScheduleInfo> setPaused(String name, boolean paused, Instant at);

  /**
   * Deletes a schedule and its firings.
   *
   * @param name a schedule's name
   * @return whether it existed
   */
  boolean delete(String name);

  /**
   * Claims a slot, atomically. A planned firing ({@code manual} false) wins only when its slot is
   * later than the schedule's {@code lastSlot}, which it then becomes, so each slot is claimed once
   * and never one before a claimed one; a manual firing wins unless that exact slot is recorded
   * already. The winner's firing is recorded, and the schedule's history is cut to {@code keep}
   * firings.
   *
   * @param firing the firing to record, {@code CLAIMED} or {@code SKIPPED}
   * @param keep how many firings of the schedule to keep
   * @return whether this caller won the slot (false too when the schedule is gone)
   */
  boolean claim(Firing firing, int keep);

  /**
   * Takes over a claim whose instance did not finish it: atomically, only while it is still {@code
   * CLAIMED} and was claimed before {@code staleBefore}.
   *
   * @param schedule the schedule's name
   * @param slot the slot
   * @param manual whether it is a manual firing
   * @param instance the instance taking it over
   * @param at now, the new claim time
   * @param staleBefore claims older than this may be taken over
   * @return whether this caller took it over
   */
  boolean takeOver(
      String schedule,
      Instant slot,
      boolean manual,
      String instance,
      Instant at,
      Instant staleBefore);

  /**
   * Records how a claimed firing ended.
   *
   * @param firing the firing in its final state
   */
  void complete(Firing firing);

  /**
   * @param staleBefore claimed before this
   * @return firings of every schedule still {@code CLAIMED} since before {@code staleBefore}
   */
  List<Firing> stalled(Instant staleBefore);

  /**
   * @param schedule a schedule's name
   * @param limit the most to return
   * @return its firings, newest slot first
   */
  List<Firing> history(String schedule, int limit);

  /** Releases connections. */
  @Override
  void close();
}

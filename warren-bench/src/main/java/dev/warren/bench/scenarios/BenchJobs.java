package dev.warren.bench.scenarios;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The no-op job JobRunr and db-scheduler run in {@link TaskStoresScenario}: it tells the round that
 * its job ran, by key. Public with a static method, as JobRunr stores a job as a call to one.
 */
public final class BenchJobs {
  private static final Map<String, Runnable> WAITING = new ConcurrentHashMap<>();

  private BenchJobs() {}

  /**
   * @param key the job's key
   * @param done what to run when the job ran
   */
  static void expect(String key, Runnable done) {
    WAITING.put(key, done);
  }

  /** Forgets every job not run yet (between rounds). */
  static void clear() {
    WAITING.clear();
  }

  /**
   * The job itself.
   *
   * @param key the job's key
   */
  public static void done(String key) {
    Runnable r = WAITING.remove(key);
    if (r != null) {
      r.run();
    }
  }
}

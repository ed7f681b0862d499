package dev.warren.examples;

/**
 * One of the seed applications, running on Warren: a few processes' worth of publishers and
 * subscribers in one JVM, driven through a short script that narrates what happens.
 *
 * <p>Examples are found with {@link java.util.ServiceLoader}; {@code ./warren demo [NAME]} runs
 * them on whatever transport the environment configures (the embedded one when nothing is).
 */
public interface Example {

  /**
   * @return the short name {@code ./warren demo NAME} takes, lower case with dashes
   */
  String name();

  /**
   * @return a one-line description, shown by {@code ./warren demo --list}
   */
  String title();

  /**
   * Runs the script to the end, narrating as it goes, and checks what it promised.
   *
   * @param context the transport settings and where the narration goes
   * @return what the run ended with, for the demo's summary and the end-to-end tests
   * @throws ExampleFailedException when an expectation of the script was not met
   * @throws Exception when the example could not run (no broker, no database)
   */
  ExampleResult run(ExampleContext context) throws Exception;
}

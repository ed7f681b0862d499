package dev.warren.examples.tasksapi;

import dev.warren.tasks.TaskContext;
import dev.warren.tasks.Tasks;
import java.util.Map;

/**
 * The worker process's task handlers: a short report that reports progress and returns a result,
 * and a long export that stops when it is revoked.
 */
final class ReportWorker {
  static final String REPORT = "tasks-api.report";
  static final String EXPORT = "tasks-api.export";

  /**
   * The report's arguments.
   *
   * @param month the month, {@code YYYY-MM}
   * @param rows how many rows to compute
   */
  record Report(String month, int rows) {}

  /**
   * The report's result.
   *
   * @param month the month
   * @param rows the rows computed
   * @param total the sum of the rows
   */
  record ReportResult(String month, int rows, long total) {}

  /**
   * The export's arguments.
   *
   * @param user whose files
   * @param files how many files to export
   */
  record Export(String user, int files) {}

  private ReportWorker() {}

  /**
   * Registers both handlers: this process becomes a worker of the queue, one task at a time.
   *
   * @param tasks the worker's task queue
   * @param queue the task queue to consume
   */
  static void register(Tasks tasks, String queue) {
    tasks.register(REPORT, queue, ReportWorker::report);
    tasks.register(EXPORT, queue, ReportWorker::export);
  }

  /**
   * @param report the arguments
   * @return what the report sums to: row {@code i} is worth {@code i × 125}
   */
  static ReportResult expected(Report report) {
    long total = 0;
    for (int row = 1; row <= report.rows(); row++) {
      total += row * 125L;
    }
    return new ReportResult(report.month(), report.rows(), total);
  }

  private static ReportResult report(TaskContext ctx) throws InterruptedException {
    Report report = ctx.args(Report.class);
    for (int row = 1; row <= report.rows(); row++) {
      ctx.checkCancelled();
      Thread.sleep(40); // why: a row takes a while, so the API sees the progress move
      ctx.progress((double) row / report.rows(), Map.of("row", row));
    }
    return expected(report);
  }

  private static Map<String, Integer> export(TaskContext ctx) throws InterruptedException {
    Export export = ctx.args(Export.class);
    for (int file = 1; file <= export.files(); file++) {
      ctx.checkCancelled(); // why: a revoke lands here, between two files, never mid-file
      Thread.sleep(30);
      ctx.progress((double) file / export.files(), Map.of("file", file));
    }
    return Map.of("files", export.files());
  }
}

package dev.warren.architecture;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * The public API of warren-api and of warren-core's public packages, compared with the text
 * recorded in {@code <module>/api/<module>.api}, so that every API change is a visible decision in
 * review.
 *
 * <p>With {@code -Dwarren.api.update=true} ({@code .ci/api-dump}) it records the current API
 * instead.
 */
class ApiBaselineTest {
  private static final boolean UPDATE = Boolean.getBoolean("warren.api.update");

  @Test
  void warrenApi() throws IOException {
    checkBaseline(Modules.API, pkg -> true);
  }

  @Test
  void warrenCorePublicPackages() throws IOException {
    checkBaseline(
        Modules.CORE,
        pkg -> !pkg.equals("dev.warren.internal") && !pkg.startsWith("dev.warren.internal."));
  }

  private static void checkBaseline(String module, Predicate<String> packages) throws IOException {
    String current =
        ApiDump.render(
            Modules.classesOf(module),
            packages,
            List.of(Modules.classesOf(Modules.API), Modules.classesOf(Modules.CORE)));
    Path baseline = Modules.apiBaselineOf(module);
    String shown = Modules.ROOT.relativize(baseline).toString();
    if (UPDATE) {
      Files.createDirectories(baseline.getParent());
      Files.writeString(baseline, current);
      return;
    }
    if (!Files.exists(baseline)) {
      fail("No API baseline " + shown + " for " + module + ": run .ci/api-dump and commit it.");
    }
    String recorded = Files.readString(baseline).replace("\r\n", "\n");
    if (!recorded.equals(current)) {
      fail(
          "The public API of "
              + module
              + " differs from "
              + shown
              + " (- recorded, + compiled now):\n\n"
              + UnifiedDiff.of(
                  "a/" + shown, recorded.lines().toList(), "b/" + shown, current.lines().toList())
              + "\nIf the change is intended, run .ci/api-dump and commit "
              + shown
              + " with it; otherwise restore the API.");
    }
  }
}

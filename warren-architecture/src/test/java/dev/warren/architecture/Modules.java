package dev.warren.architecture;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The modules of Warren's build and their production classes.
 *
 * <p>Each module's classes are read from its own {@code target/classes}, so which module a class
 * belongs to is exact: no rule has to guess it from a package name.
 */
final class Modules {
  static final String API = "warren-api";
  static final String CORE = "warren-core";
  static final String RABBITMQ = "warren-rabbitmq";
  static final String TESTKIT = "warren-testkit";
  static final String BENCH = "warren-bench";

  /** The root of the build; Maven sets it, and tests run from an IDE start in this module. */
  static final Path ROOT =
      Path.of(System.getProperty("warren.root", "..")).toAbsolutePath().normalize();

  private static final String THIS_MODULE = "warren-architecture";
  private static final Pattern MODULE = Pattern.compile("<module>\\s*([^<\\s]+)\\s*</module>");
  private static final Map<String, JavaClasses> IMPORTED = new ConcurrentHashMap<>();

  private Modules() {}

  /**
   * Every module of the root pom that has production code, except this one, so a new module is
   * checked without anyone remembering to list it here.
   */
  static List<String> all() {
    String pom = read(ROOT.resolve("pom.xml"));
    Matcher modules = MODULE.matcher(pom);
    List<String> names =
        modules
            .results()
            .map(module -> module.group(1))
            .filter(name -> !name.equals(THIS_MODULE))
            .filter(name -> Files.isDirectory(ROOT.resolve(name).resolve("src/main/java")))
            .toList();
    for (String expected : List.of(API, CORE, RABBITMQ, TESTKIT)) {
      if (!names.contains(expected)) {
        throw new IllegalStateException(
            "the root pom " + ROOT.resolve("pom.xml") + " lists no module " + expected);
      }
    }
    return names;
  }

  /** The compiled production classes of {@code module}. */
  static Path classesOf(String module) {
    Path classes = ROOT.resolve(module).resolve("target/classes");
    if (!Files.isDirectory(classes)) {
      throw new IllegalStateException(
          module
              + " is not compiled ("
              + classes
              + " is missing): run `mvn -pl warren-architecture -am verify`; a new module must"
              + " also be a test dependency of warren-architecture/pom.xml");
    }
    return classes;
  }

  /** The production classes of {@code module}, imported once per test run. */
  static JavaClasses classes(String module) {
    return IMPORTED.computeIfAbsent(
        module,
        name -> {
          JavaClasses classes = new ClassFileImporter().importPath(classesOf(name));
          if (classes.isEmpty()) {
            throw new IllegalStateException(
                name + " has no compiled classes in " + classesOf(name));
          }
          return classes;
        });
  }

  /** The file that records the public API of {@code module}. */
  static Path apiBaselineOf(String module) {
    return ROOT.resolve(module).resolve("api").resolve(module + ".api");
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

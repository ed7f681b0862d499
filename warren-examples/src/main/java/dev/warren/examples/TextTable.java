package dev.warren.examples;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A plain-text table for narration: columns as wide as their widest cell, two spaces apart.
 *
 * <pre>{@code
 * TextTable t = TextTable.of("instance", "subscription", "pattern");
 * t.row("core-1", "cache-invalidation", "virtual-key.*");
 * t.lines().forEach(line -> context.say("  " + line));
 * }</pre>
 */
public final class TextTable {
  private final List<List<String>> rows = new ArrayList<>();

  private TextTable(List<String> header) {
    rows.add(header);
  }

  /**
   * @param header the column headings
   * @return a table with that header and no rows yet
   */
  public static TextTable of(String... header) {
    return new TextTable(List.of(header));
  }

  /**
   * @param cells one cell per column; {@code null} prints as an empty cell
   * @return this table
   * @throws IllegalArgumentException when the row has another number of cells than the header
   */
  public TextTable row(Object... cells) {
    if (cells.length != rows.get(0).size()) {
      throw new IllegalArgumentException(
          "a row of " + cells.length + " cells in a table of " + rows.get(0).size() + " columns");
    }
    rows.add(Arrays.stream(cells).map(c -> c == null ? "" : c.toString()).toList());
    return this;
  }

  /**
   * @return the header and the rows, aligned, without trailing spaces
   */
  public List<String> lines() {
    int columns = rows.get(0).size();
    int[] width = new int[columns];
    for (List<String> row : rows) {
      for (int i = 0; i < columns; i++) {
        width[i] = Math.max(width[i], row.get(i).length());
      }
    }
    List<String> lines = new ArrayList<>(rows.size());
    for (List<String> row : rows) {
      StringBuilder b = new StringBuilder();
      for (int i = 0; i < columns; i++) {
        b.append(row.get(i));
        if (i < columns - 1) {
          b.append(" ".repeat(width[i] - row.get(i).length() + 2));
        }
      }
      lines.add(b.toString().stripTrailing());
    }
    return lines;
  }

  /**
   * Says every line, indented.
   *
   * @param context where the narration goes
   * @param indent put before each line
   */
  public void say(ExampleContext context, String indent) {
    lines().forEach(line -> context.say(indent + line));
  }
}

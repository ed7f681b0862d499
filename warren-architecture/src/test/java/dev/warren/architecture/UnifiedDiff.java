package dev.warren.architecture;

import java.util.ArrayList;
import java.util.List;

/**
 * The differences between two texts, line by line, in the unified format of {@code diff -u}: hunks
 * with three lines of context, each headed by the type block it falls in, as git names functions.
 */
final class UnifiedDiff {
  private static final int CONTEXT = 3;

  // why: the baselines are a few thousand lines at most; a larger changed middle is shown as
  // removed and added wholesale instead of spending quadratic memory on it
  private static final long MAX_TABLE_CELLS = 25_000_000L;

  private UnifiedDiff() {}

  private record Line(char kind, String text, int fromIndex, int toIndex) {}

  /** The unified diff from {@code from} to {@code to}; empty when they are equal. */
  static String of(String fromName, List<String> from, String toName, List<String> to) {
    List<Line> script = script(from, to);
    StringBuilder diff = new StringBuilder();
    int i = 0;
    while (i < script.size()) {
      if (script.get(i).kind() == ' ') {
        i++;
        continue;
      }
      int start = Math.max(0, i - CONTEXT);
      int lastChange = i;
      for (int j = i + 1; j < script.size() && j <= lastChange + 2 * CONTEXT; j++) {
        if (script.get(j).kind() != ' ') {
          lastChange = j;
        }
      }
      int end = Math.min(script.size(), lastChange + 1 + CONTEXT);
      if (diff.isEmpty()) {
        diff.append("--- ").append(fromName).append('\n');
        diff.append("+++ ").append(toName).append('\n');
      }
      appendHunk(diff, script, start, end, sectionOf(script, i));
      i = end;
    }
    return diff.toString();
  }

  private static void appendHunk(
      StringBuilder diff, List<Line> script, int start, int end, String section) {
    int fromCount = 0;
    int toCount = 0;
    for (Line line : script.subList(start, end)) {
      fromCount += line.kind() == '+' ? 0 : 1;
      toCount += line.kind() == '-' ? 0 : 1;
    }
    Line first = script.get(start);
    diff.append("@@ -")
        .append(first.fromIndex() + (fromCount == 0 ? 0 : 1))
        .append(',')
        .append(fromCount)
        .append(" +")
        .append(first.toIndex() + (toCount == 0 ? 0 : 1))
        .append(',')
        .append(toCount)
        .append(" @@");
    if (!section.isEmpty()) {
      diff.append(' ').append(section);
    }
    diff.append('\n');
    for (Line line : script.subList(start, end)) {
      diff.append(line.kind()).append(line.text()).append('\n');
    }
  }

  /**
   * The nearest type header above a hunk's first change: an unindented line that does not close a
   * block.
   */
  private static String sectionOf(List<Line> script, int firstChange) {
    for (int i = firstChange - 1; i >= 0; i--) {
      String text = script.get(i).text();
      if (!text.isEmpty() && !Character.isWhitespace(text.charAt(0)) && !text.equals("}")) {
        return text;
      }
    }
    return "";
  }

  /**
   * The lines of both texts in order, each marked kept, removed or added, from a longest common
   * subsequence of the part between the common head and tail.
   */
  private static List<Line> script(List<String> from, List<String> to) {
    int head = 0;
    while (head < from.size() && head < to.size() && from.get(head).equals(to.get(head))) {
      head++;
    }
    int tail = 0;
    while (tail < from.size() - head
        && tail < to.size() - head
        && from.get(from.size() - 1 - tail).equals(to.get(to.size() - 1 - tail))) {
      tail++;
    }
    int n = from.size() - head - tail;
    int m = to.size() - head - tail;
    List<Line> script = new ArrayList<>();
    for (int k = 0; k < head; k++) {
      script.add(new Line(' ', from.get(k), k, k));
    }
    int i = 0;
    int j = 0;
    if ((long) (n + 1) * (m + 1) <= MAX_TABLE_CELLS) {
      // common[i][j]: length of a longest common subsequence of from's middle after i, to's after j
      int[][] common = new int[n + 1][m + 1];
      for (int a = n - 1; a >= 0; a--) {
        for (int b = m - 1; b >= 0; b--) {
          common[a][b] =
              from.get(head + a).equals(to.get(head + b))
                  ? common[a + 1][b + 1] + 1
                  : Math.max(common[a + 1][b], common[a][b + 1]);
        }
      }
      while (i < n && j < m) {
        if (from.get(head + i).equals(to.get(head + j))) {
          script.add(new Line(' ', from.get(head + i), head + i, head + j));
          i++;
          j++;
        } else if (common[i + 1][j] >= common[i][j + 1]) {
          script.add(new Line('-', from.get(head + i), head + i, head + j));
          i++;
        } else {
          script.add(new Line('+', to.get(head + j), head + i, head + j));
          j++;
        }
      }
    }
    for (; i < n; i++) {
      script.add(new Line('-', from.get(head + i), head + i, head + j));
    }
    for (; j < m; j++) {
      script.add(new Line('+', to.get(head + j), head + i, head + j));
    }
    for (int k = tail; k > 0; k--) {
      script.add(new Line(' ', from.get(from.size() - k), from.size() - k, to.size() - k));
    }
    return script;
  }
}

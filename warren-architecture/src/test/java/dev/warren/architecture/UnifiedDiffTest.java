package dev.warren.architecture;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class UnifiedDiffTest {
  private static final List<String> API =
      List.of(
          "public final class a.A {",
          "  public void one()",
          "  public void two()",
          "}",
          "",
          "public interface a.B {",
          "  public void three()",
          "  public void four()",
          "  public void five()",
          "  public void six()",
          "  public void seven()",
          "  public void eight()",
          "  public void nine()",
          "  public void ten()",
          "}");

  @Test
  void equalTextsHaveNoDiff() {
    assertEquals("", UnifiedDiff.of("a", API, "b", API));
  }

  @Test
  void aChangeIsShownWithItsContextAndItsType() {
    List<String> changed = new ArrayList<>(API);
    changed.set(8, "  public int five()");
    assertEquals(
        """
        --- a
        +++ b
        @@ -6,7 +6,7 @@ public interface a.B {
         public interface a.B {
           public void three()
           public void four()
        -  public void five()
        +  public int five()
           public void six()
           public void seven()
           public void eight()
        """,
        UnifiedDiff.of("a", API, "b", changed));
  }

  @Test
  void distantChangesAreSeparateHunks() {
    List<String> changed = new ArrayList<>(API);
    changed.remove(14);
    changed.add(14, "  public void eleven()");
    changed.add(15, "}");
    changed.remove(1);
    assertEquals(
        """
        --- a
        +++ b
        @@ -1,5 +1,4 @@ public final class a.A {
         public final class a.A {
        -  public void one()
           public void two()
         }
        \s
        @@ -12,4 +11,5 @@ public interface a.B {
           public void eight()
           public void nine()
           public void ten()
        +  public void eleven()
         }
        """,
        UnifiedDiff.of("a", API, "b", changed));
  }
}

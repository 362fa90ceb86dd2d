package org.provisioning.console.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class UnifiedDiffTest {
  private static final Pattern HUNK = Pattern.compile("@@ -(\\d+),(\\d+) \\+(\\d+),(\\d+) @@");

  private static List<String> lines(String text) {
    return text.isEmpty() ? List.of() : List.of(text.split("\n"));
  }

  @Test
  void oneChangedLineWithThreeLinesOfContextAsDiffUPrintsIt() {
    // As GNU diff -u prints it for the same two files.
    assertEquals(
        List.of(
            "--- a", "+++ b", "@@ -2,7 +2,7 @@", " 2", " 3", " 4", "-5", "+five", " 6", " 7", " 8"),
        UnifiedDiff.of(
            "a", "b", lines("1\n2\n3\n4\n5\n6\n7\n8\n9"), lines("1\n2\n3\n4\nfive\n6\n7\n8\n9")));
  }

  @Test
  void farApartChangesAreTwoHunksAndNearOnesOne() {
    List<String> a = new ArrayList<>();
    for (int i = 1; i <= 20; i++) {
      a.add(String.valueOf(i));
    }
    List<String> b = new ArrayList<>(a);
    b.set(1, "two");
    b.set(17, "eighteen");
    assertEquals(
        List.of(
            "--- a",
            "+++ b",
            "@@ -1,5 +1,5 @@",
            " 1",
            "-2",
            "+two",
            " 3",
            " 4",
            " 5",
            "@@ -15,6 +15,6 @@",
            " 15",
            " 16",
            " 17",
            "-18",
            "+eighteen",
            " 19",
            " 20"),
        UnifiedDiff.of("a", "b", a, b));
    b = new ArrayList<>(a);
    b.set(4, "five");
    b.set(10, "eleven"); // 5 kept lines between: within 2 x 3, one hunk
    assertEquals(
        1, UnifiedDiff.of("a", "b", a, b).stream().filter(l -> l.startsWith("@@")).count());
  }

  @Test
  void insertionsIntoAndDeletionsFromEmptyTextsNameTheLineBefore() {
    assertEquals(
        List.of("--- a", "+++ b", "@@ -0,0 +1,2 @@", "+x", "+y"),
        UnifiedDiff.of("a", "b", List.of(), List.of("x", "y")));
    assertEquals(
        List.of("--- a", "+++ b", "@@ -1,2 +0,0 @@", "-x", "-y"),
        UnifiedDiff.of("a", "b", List.of("x", "y"), List.of()));
    assertEquals(List.of("--- a", "+++ b"), UnifiedDiff.of("a", "b", List.of("x"), List.of("x")));
  }

  @Test
  void everyDiffOfRandomTextsIsShortestAndTurnsTheFirstIntoTheSecond() {
    Random random = new Random(42);
    for (int round = 0; round < 500; round++) {
      List<String> a = randomLines(random);
      List<String> b = randomLines(random);
      List<String> diff = UnifiedDiff.of("a", "b", a, b);
      assertEquals(b, patch(a, diff), "round " + round + ": " + a + " -> " + b + "\n" + diff);
      long edits =
          diff.stream().skip(2).filter(l -> l.startsWith("-") || l.startsWith("+")).count();
      assertEquals(a.size() + b.size() - 2L * lcs(a, b), edits, "round " + round);
    }
  }

  @Test
  void aHugeUnrelatedRewriteStaysCheapAndCorrect() {
    List<String> a = new ArrayList<>();
    List<String> b = new ArrayList<>();
    for (int i = 0; i < 5_000; i++) {
      a.add("a" + i);
      b.add("b" + i);
    }
    List<String> diff = UnifiedDiff.of("a", "b", a, b);
    assertEquals(b, patch(a, diff));
  }

  private static List<String> randomLines(Random random) {
    List<String> lines = new ArrayList<>();
    int size = random.nextInt(25);
    for (int i = 0; i < size; i++) {
      lines.add(String.valueOf((char) ('a' + random.nextInt(4))));
    }
    return lines;
  }

  /** Applies a unified diff as patch(1) would, checking every kept and deleted line. */
  private static List<String> patch(List<String> a, List<String> diff) {
    List<String> out = new ArrayList<>();
    int next = 0; // the next line of a not yet copied
    for (int i = 2; i < diff.size(); i++) {
      String line = diff.get(i);
      Matcher hunk = HUNK.matcher(line);
      if (hunk.matches()) {
        int start = Integer.parseInt(hunk.group(1));
        int count = Integer.parseInt(hunk.group(2));
        int first = count == 0 ? start : start - 1;
        while (next < first) {
          out.add(a.get(next++));
        }
        continue;
      }
      char op = line.charAt(0);
      String text = line.substring(1);
      if (op == '+') {
        out.add(text);
      } else {
        assertEquals(a.get(next), text, "the diff names the line it keeps or deletes");
        next++;
        if (op == ' ') {
          out.add(text);
        }
      }
    }
    while (next < a.size()) {
      out.add(a.get(next++));
    }
    return out;
  }

  private static int lcs(List<String> a, List<String> b) {
    int[][] t = new int[a.size() + 1][b.size() + 1];
    for (int i = a.size() - 1; i >= 0; i--) {
      for (int j = b.size() - 1; j >= 0; j--) {
        t[i][j] =
            a.get(i).equals(b.get(j)) ? t[i + 1][j + 1] + 1 : Math.max(t[i + 1][j], t[i][j + 1]);
      }
    }
    return t[0][0];
  }
}

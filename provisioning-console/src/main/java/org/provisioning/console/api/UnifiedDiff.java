package org.provisioning.console.api;

import java.util.ArrayList;
import java.util.List;

/**
 * A line diff of two texts in the unified format of {@code diff -u}: a {@code ---} and a {@code
 * +++} line naming the two sides, then hunks, each a {@code @@ -a,b +c,d @@} header and its lines
 * prefixed with a space (kept), {@code -} (only in the first) or {@code +} (only in the second),
 * with {@value #CONTEXT} lines of context. The edit script is Myers' O(ND) shortest one ("An O(ND)
 * Difference Algorithm and Its Variations", 1986) on the lines between the common head and tail;
 * past {@value #MAX_EDITS} edits it gives up minimality and replaces that middle whole, so two
 * unrelated large documents cost no more than their size.
 */
final class UnifiedDiff {
  static final int CONTEXT = 3;
  static final int MAX_EDITS = 2_000;

  private UnifiedDiff() {}

  private enum Op {
    KEEP,
    DELETE,
    INSERT
  }

  /** One line of the edit script: what happens to it, and its index on each side. */
  private record Edit(Op op, int a, int b) {}

  static List<String> of(String fromLabel, String toLabel, List<String> a, List<String> b) {
    List<Edit> script = script(a, b);
    List<String> out = new ArrayList<>();
    out.add("--- " + fromLabel);
    out.add("+++ " + toLabel);
    int i = 0;
    while (i < script.size()) {
      if (script.get(i).op() == Op.KEEP) {
        i++;
        continue;
      }
      // A hunk: from CONTEXT lines before this change to CONTEXT lines after the last change that
      // is within 2 * CONTEXT kept lines of the one before it.
      int start = Math.max(0, i - CONTEXT);
      int end = i;
      int kept = 0;
      for (int j = i; j < script.size(); j++) {
        if (script.get(j).op() == Op.KEEP) {
          if (++kept > 2 * CONTEXT) {
            break;
          }
        } else {
          kept = 0;
          end = j;
        }
      }
      int stop = Math.min(script.size(), end + CONTEXT + 1);
      hunk(script.subList(start, stop), a, b, out);
      i = stop;
    }
    return out;
  }

  private static void hunk(List<Edit> edits, List<String> a, List<String> b, List<String> out) {
    int aFirst = -1;
    int bFirst = -1;
    int aCount = 0;
    int bCount = 0;
    for (Edit e : edits) {
      if (e.op() != Op.INSERT) {
        aFirst = aFirst < 0 ? e.a() : aFirst;
        aCount++;
      }
      if (e.op() != Op.DELETE) {
        bFirst = bFirst < 0 ? e.b() : bFirst;
        bCount++;
      }
    }
    // An empty side is named by the line before it, as diff -u does.
    int aStart = aCount == 0 ? edits.get(0).a() : aFirst + 1;
    int bStart = bCount == 0 ? edits.get(0).b() : bFirst + 1;
    out.add("@@ -" + aStart + "," + aCount + " +" + bStart + "," + bCount + " @@");
    for (Edit e : edits) {
      switch (e.op()) {
        case KEEP -> out.add(" " + a.get(e.a()));
        case DELETE -> out.add("-" + a.get(e.a()));
        case INSERT -> out.add("+" + b.get(e.b()));
      }
    }
  }

  /**
   * The edit script, in order; an INSERT's {@code a} is the index of the first-side line it comes
   * before, a DELETE's {@code b} that of the second-side line.
   */
  private static List<Edit> script(List<String> a, List<String> b) {
    int head = 0;
    while (head < a.size() && head < b.size() && a.get(head).equals(b.get(head))) {
      head++;
    }
    int tail = 0;
    while (tail < a.size() - head
        && tail < b.size() - head
        && a.get(a.size() - 1 - tail).equals(b.get(b.size() - 1 - tail))) {
      tail++;
    }
    List<Edit> script = new ArrayList<>();
    for (int i = 0; i < head; i++) {
      script.add(new Edit(Op.KEEP, i, i));
    }
    List<String> midA = a.subList(head, a.size() - tail);
    List<String> midB = b.subList(head, b.size() - tail);
    List<Edit> middle = myers(midA, midB);
    if (middle == null) {
      middle = new ArrayList<>();
      for (int i = 0; i < midA.size(); i++) {
        middle.add(new Edit(Op.DELETE, i, 0));
      }
      for (int j = 0; j < midB.size(); j++) {
        middle.add(new Edit(Op.INSERT, midA.size(), j));
      }
    }
    for (Edit e : middle) {
      script.add(new Edit(e.op(), e.a() + head, e.b() + head));
    }
    for (int t = tail; t > 0; t--) {
      script.add(new Edit(Op.KEEP, a.size() - t, b.size() - t));
    }
    return script;
  }

  /** The shortest edit script, or null when it needs more than {@link #MAX_EDITS} edits. */
  private static List<Edit> myers(List<String> a, List<String> b) {
    int n = a.size();
    int m = b.size();
    if (n == 0 && m == 0) {
      return new ArrayList<>();
    }
    int max = Math.min(n + m, MAX_EDITS);
    int offset = max + 1;
    int[] v = new int[2 * max + 3];
    // trace.get(d) holds v[-d-1 .. d+1] as it stood when step d began.
    List<int[]> trace = new ArrayList<>();
    for (int d = 0; d <= max; d++) {
      int[] slice = new int[2 * d + 3];
      System.arraycopy(v, offset - d - 1, slice, 0, slice.length);
      trace.add(slice);
      for (int k = -d; k <= d; k += 2) {
        int x =
            k == -d || (k != d && v[offset + k - 1] < v[offset + k + 1])
                ? v[offset + k + 1]
                : v[offset + k - 1] + 1;
        int y = x - k;
        while (x < n && y < m && a.get(x).equals(b.get(y))) {
          x++;
          y++;
        }
        v[offset + k] = x;
        if (x >= n && y >= m) {
          return backtrack(trace, n, m);
        }
      }
    }
    return null;
  }

  private static List<Edit> backtrack(List<int[]> trace, int n, int m) {
    List<Edit> reversed = new ArrayList<>();
    int x = n;
    int y = m;
    for (int d = trace.size() - 1; d >= 0; d--) {
      int[] v = trace.get(d);
      int k = x - y;
      int previousK = k == -d || (k != d && v[k - 1 + d + 1] < v[k + 1 + d + 1]) ? k + 1 : k - 1;
      int previousX = v[previousK + d + 1];
      int previousY = previousX - previousK;
      while (x > previousX && y > previousY) {
        x--;
        y--;
        reversed.add(new Edit(Op.KEEP, x, y));
      }
      if (d > 0) {
        if (x == previousX) {
          reversed.add(new Edit(Op.INSERT, x, y - 1));
        } else {
          reversed.add(new Edit(Op.DELETE, x - 1, y));
        }
      }
      x = previousX;
      y = previousY;
    }
    List<Edit> script = new ArrayList<>(reversed.size());
    for (int i = reversed.size() - 1; i >= 0; i--) {
      script.add(reversed.get(i));
    }
    return script;
  }
}

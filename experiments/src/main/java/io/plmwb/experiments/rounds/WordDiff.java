package io.plmwb.experiments.rounds;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Word-level diff of two texts with Myers' O((N+M)·D) algorithm (a shortest edit script = a longest common
 * subsequence of tokens). Tokens are runs of letters/digits, runs of whitespace, and single other characters, so
 * the operations concatenate back to both texts exactly. A common prefix and suffix are stripped first; when the
 * texts differ by more than {@link #MAX_EDITS} tokens the middle is reported as one deletion and one insertion
 * ({@link Result#coarse()}), so a 10 MB answer never stalls the view.
 */
public final class WordDiff {

    /** Edit distance (in tokens) beyond which the diff gives up on the middle part. */
    public static final int MAX_EDITS = 2000;

    private static final Pattern TOKEN = Pattern.compile("\\s+|[\\p{L}\\p{N}_]+|\\X", Pattern.UNICODE_CHARACTER_CLASS);

    /** What happened to a run of tokens, seen from the new text against the old (baseline) text. */
    public enum Kind { EQUAL, INSERT, DELETE }

    /** A run of tokens with one fate. */
    public record Op(Kind kind, String text) {
    }

    /**
     * The diff.
     *
     * @param ops      operations in order; EQUAL + DELETE texts concatenate to the old text, EQUAL + INSERT to the new
     * @param inserted words (non-whitespace tokens) inserted
     * @param deleted  words deleted
     * @param common   words in common (the LCS length over non-whitespace tokens is at least this)
     * @param coarse   true when the edit limit was hit and the middle is one delete + one insert
     */
    public record Result(List<Op> ops, int inserted, int deleted, int common, boolean coarse) {
        /** True when the texts are identical. */
        public boolean identical() {
            return ops.stream().allMatch(o -> o.kind() == Kind.EQUAL);
        }
    }

    private WordDiff() {
    }

    /** Splits text into diff tokens (words, whitespace runs, single other characters). */
    public static List<String> tokens(String text) {
        List<String> out = new ArrayList<>();
        Matcher m = TOKEN.matcher(text);
        while (m.find()) {
            out.add(m.group());
        }
        return out;
    }

    /** Diffs {@code newer} against {@code older}. */
    public static Result diff(String older, String newer) {
        return diff(tokens(older), tokens(newer), MAX_EDITS);
    }

    static Result diff(List<String> a, List<String> b, int maxEdits) {
        int pre = 0;
        while (pre < a.size() && pre < b.size() && a.get(pre).equals(b.get(pre))) {
            pre++;
        }
        int suf = 0;
        while (suf < a.size() - pre && suf < b.size() - pre
                && a.get(a.size() - 1 - suf).equals(b.get(b.size() - 1 - suf))) {
            suf++;
        }
        List<String> ma = a.subList(pre, a.size() - suf);
        List<String> mb = b.subList(pre, b.size() - suf);
        Builder out = new Builder();
        for (int i = 0; i < pre; i++) {
            out.add(Kind.EQUAL, a.get(i));
        }
        boolean coarse = false;
        List<Op> middle = myers(ma, mb, maxEdits);
        if (middle == null) {
            coarse = true;
            ma.forEach(t -> out.add(Kind.DELETE, t));
            mb.forEach(t -> out.add(Kind.INSERT, t));
        } else {
            groupChanges(middle, out);
        }
        for (int i = a.size() - suf; i < a.size(); i++) {
            out.add(Kind.EQUAL, a.get(i));
        }
        return out.build(coarse);
    }

    /** Token-level ops of the shortest edit script, or null when it needs more than maxEdits edits. */
    private static List<Op> myers(List<String> a, List<String> b, int maxEdits) {
        int n = a.size();
        int m = b.size();
        if (n == 0 || m == 0) {
            if (n + m > maxEdits) {
                return null;
            }
            List<Op> ops = new ArrayList<>();
            a.forEach(t -> ops.add(new Op(Kind.DELETE, t)));
            b.forEach(t -> ops.add(new Op(Kind.INSERT, t)));
            return ops;
        }
        int max = Math.min(n + m, maxEdits);
        int off = max + 1;
        int[] v = new int[2 * max + 3];
        List<int[]> trace = new ArrayList<>();
        int found = -1;
        outer:
        for (int d = 0; d <= max; d++) {
            for (int k = -d; k <= d; k += 2) {
                int x;
                if (k == -d || (k != d && v[off + k - 1] < v[off + k + 1])) {
                    x = v[off + k + 1];
                } else {
                    x = v[off + k - 1] + 1;
                }
                int y = x - k;
                while (x < n && y < m && a.get(x).equals(b.get(y))) {
                    x++;
                    y++;
                }
                v[off + k] = x;
                if (x >= n && y >= m) {
                    trace.add(Arrays.copyOfRange(v, off - d, off + d + 1));
                    found = d;
                    break outer;
                }
            }
            trace.add(Arrays.copyOfRange(v, off - d, off + d + 1));
        }
        if (found < 0) {
            return null;
        }
        List<Op> rev = new ArrayList<>();
        int x = n;
        int y = m;
        for (int d = found; d > 0; d--) {
            int[] prev = trace.get(d - 1); // indices k = -(d-1)..(d-1) at prev[k + d - 1]
            int k = x - y;
            int prevK;
            if (k == -d || (k != d && at(prev, d - 1, k - 1) < at(prev, d - 1, k + 1))) {
                prevK = k + 1;
            } else {
                prevK = k - 1;
            }
            int prevX = at(prev, d - 1, prevK);
            int prevY = prevX - prevK;
            while (x > prevX && y > prevY) {
                rev.add(new Op(Kind.EQUAL, a.get(x - 1)));
                x--;
                y--;
            }
            if (x == prevX) {
                rev.add(new Op(Kind.INSERT, b.get(prevY)));
            } else {
                rev.add(new Op(Kind.DELETE, a.get(prevX)));
            }
            x = prevX;
            y = prevY;
        }
        while (x > 0 && y > 0) {
            rev.add(new Op(Kind.EQUAL, a.get(x - 1)));
            x--;
            y--;
        }
        java.util.Collections.reverse(rev);
        return rev;
    }

    /**
     * Emits token ops so that each change region reads as "deleted words, then inserted words": a region is a run of
     * changes, including whitespace-only equal tokens between two changes (which then appear on both sides).
     */
    private static void groupChanges(List<Op> ops, Builder out) {
        int i = 0;
        while (i < ops.size()) {
            if (ops.get(i).kind() == Kind.EQUAL) {
                out.add(Kind.EQUAL, ops.get(i).text());
                i++;
                continue;
            }
            List<String> del = new ArrayList<>();
            List<String> ins = new ArrayList<>();
            int j = i;
            while (j < ops.size()) {
                Op o = ops.get(j);
                if (o.kind() == Kind.DELETE) {
                    del.add(o.text());
                } else if (o.kind() == Kind.INSERT) {
                    ins.add(o.text());
                } else if (o.text().isBlank() && j + 1 < ops.size() && ops.get(j + 1).kind() != Kind.EQUAL) {
                    del.add(o.text());
                    ins.add(o.text());
                } else {
                    break;
                }
                j++;
            }
            del.forEach(t -> out.add(Kind.DELETE, t));
            ins.forEach(t -> out.add(Kind.INSERT, t));
            i = j;
        }
    }

    private static int at(int[] snapshot, int d, int k) {
        return snapshot[k + d];
    }

    /** Merges neighbouring tokens of the same kind and counts words. */
    private static final class Builder {
        private final List<Op> ops = new ArrayList<>();
        private Kind kind;
        private final StringBuilder run = new StringBuilder();
        private int inserted;
        private int deleted;
        private int common;

        void add(Kind k, String token) {
            if (!token.isBlank()) {
                switch (k) {
                    case INSERT -> inserted++;
                    case DELETE -> deleted++;
                    default -> common++;
                }
            }
            if (k != kind) {
                flush();
                kind = k;
            }
            run.append(token);
        }

        private void flush() {
            if (kind != null && run.length() > 0) {
                ops.add(new Op(kind, run.toString()));
            }
            run.setLength(0);
        }

        Result build(boolean coarse) {
            flush();
            return new Result(List.copyOf(ops), inserted, deleted, common, coarse);
        }
    }
}

package io.plmwb.experiments.rounds;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.plmwb.experiments.rounds.WordDiff.Kind;
import io.plmwb.experiments.rounds.WordDiff.Op;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class WordDiffTest {

    @Test
    void tokensKeepWhitespaceAndPunctuation() {
        assertEquals(List.of("And", " ", "God", " ", "said", ",", " ", "Let"), WordDiff.tokens("And God said, Let"));
        assertEquals("x  y\n\tz!", String.join("", WordDiff.tokens("x  y\n\tz!")));
    }

    @Test
    void aReplacedWordIsOneDeletionAndOneInsertion() {
        WordDiff.Result r = WordDiff.diff("the quick brown fox", "the slow brown fox");
        assertEquals(List.of(new Op(Kind.EQUAL, "the "), new Op(Kind.DELETE, "quick"), new Op(Kind.INSERT, "slow"),
                new Op(Kind.EQUAL, " brown fox")), r.ops());
        assertEquals(1, r.inserted());
        assertEquals(1, r.deleted());
        assertEquals(3, r.common());
        assertFalse(r.coarse());
    }

    @Test
    void aRewrittenPhraseReadsAsOneDeletionThenOneInsertion() {
        WordDiff.Result r = WordDiff.diff("And the king said unto him", "And he saith unto him");
        assertEquals(List.of(new Op(Kind.EQUAL, "And "), new Op(Kind.DELETE, "the king said"),
                new Op(Kind.INSERT, "he saith"), new Op(Kind.EQUAL, " unto him")), r.ops());
        assertEquals(2, r.inserted());
        assertEquals(3, r.deleted());
    }

    @Test
    void insertionsAtTheEndAndIdenticalTexts() {
        WordDiff.Result r = WordDiff.diff("In the beginning", "In the beginning God created");
        assertEquals(List.of(new Op(Kind.EQUAL, "In the beginning"), new Op(Kind.INSERT, " God created")), r.ops());
        assertEquals(2, r.inserted());
        assertTrue(WordDiff.diff("same text", "same text").identical());
        assertEquals(List.of(new Op(Kind.INSERT, "new")), WordDiff.diff("", "new").ops());
        assertEquals(List.of(new Op(Kind.DELETE, "old")), WordDiff.diff("old", "").ops());
    }

    /** Random token sequences: the script rebuilds both sides and its common part is a longest common subsequence. */
    @Test
    void matchesADynamicProgrammingLcsOnRandomInputs() {
        Random rnd = new Random(7);
        String[] words = {"a", "b", "c", "d", "e"};
        for (int trial = 0; trial < 300; trial++) {
            List<String> a = randomTokens(rnd, words, rnd.nextInt(30));
            List<String> b = randomTokens(rnd, words, rnd.nextInt(30));
            WordDiff.Result r = WordDiff.diff(a, b, WordDiff.MAX_EDITS);
            StringBuilder older = new StringBuilder();
            StringBuilder newer = new StringBuilder();
            int equalTokens = 0;
            for (Op o : r.ops()) {
                if (o.kind() != Kind.INSERT) {
                    older.append(o.text());
                }
                if (o.kind() != Kind.DELETE) {
                    newer.append(o.text());
                }
                if (o.kind() == Kind.EQUAL) {
                    equalTokens += o.text().length(); // every token is one character here
                }
            }
            assertEquals(String.join("", a), older.toString());
            assertEquals(String.join("", b), newer.toString());
            assertEquals(lcs(a, b), equalTokens, "trial " + trial + ": " + a + " vs " + b);
        }
    }

    @Test
    void tooManyEditsFallBackToACoarseDiff() {
        List<String> a = new ArrayList<>();
        List<String> b = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            a.add("x" + i);
            b.add("y" + i);
        }
        WordDiff.Result r = WordDiff.diff(a, b, 10);
        assertTrue(r.coarse());
        assertEquals(50, r.deleted());
        assertEquals(50, r.inserted());
    }

    private static List<String> randomTokens(Random rnd, String[] words, int n) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(words[rnd.nextInt(words.length)]);
        }
        return out;
    }

    private static int lcs(List<String> a, List<String> b) {
        int[][] t = new int[a.size() + 1][b.size() + 1];
        for (int i = 1; i <= a.size(); i++) {
            for (int j = 1; j <= b.size(); j++) {
                t[i][j] = a.get(i - 1).equals(b.get(j - 1)) ? t[i - 1][j - 1] + 1 : Math.max(t[i - 1][j], t[i][j - 1]);
            }
        }
        return t[a.size()][b.size()];
    }
}

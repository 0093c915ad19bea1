package io.plmwb.experiments.rounds;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Rounds lined up prompt by prompt, matched by exact instruction text, with a report of the instructions that
 * some round lacks.
 */
public final class RoundComparison {

    /** Per round: how many of its instructions are missing from at least one other round, with examples. */
    public record Unmatched(String round, int count, List<String> examples) {
    }

    private final List<Round> rounds;
    private final List<MatchedPrompt> prompts;
    private final List<Unmatched> unmatched;

    private RoundComparison(List<Round> rounds, List<MatchedPrompt> prompts, List<Unmatched> unmatched) {
        this.rounds = List.copyOf(rounds);
        this.prompts = List.copyOf(prompts);
        this.unmatched = List.copyOf(unmatched);
    }

    /** Matches the rounds' prompts by exact instruction, in order of first appearance. */
    public static RoundComparison of(List<Round> rounds) {
        Map<String, RoundPrompt[]> byInstruction = new LinkedHashMap<>();
        for (int i = 0; i < rounds.size(); i++) {
            for (RoundPrompt p : rounds.get(i).prompts()) {
                RoundPrompt[] row = byInstruction.computeIfAbsent(p.instruction(), k -> new RoundPrompt[rounds.size()]);
                if (row[i] == null) {
                    row[i] = p;
                }
            }
        }
        List<MatchedPrompt> out = new ArrayList<>();
        Map<Integer, List<String>> missingIn = new HashMap<>();
        int n = 1;
        for (Map.Entry<String, RoundPrompt[]> e : byInstruction.entrySet()) {
            RoundPrompt[] row = e.getValue();
            String dataset = "";
            boolean all = true;
            for (RoundPrompt p : row) {
                if (p == null) {
                    all = false;
                } else if (dataset.isEmpty()) {
                    dataset = p.dataset();
                }
            }
            if (!all) {
                for (int i = 0; i < row.length; i++) {
                    if (row[i] != null) {
                        missingIn.computeIfAbsent(i, k -> new ArrayList<>()).add(e.getKey());
                    }
                }
            }
            out.add(new MatchedPrompt(n++, e.getKey(), dataset, java.util.Arrays.asList(row)));
        }
        List<Unmatched> report = new ArrayList<>();
        for (int i = 0; i < rounds.size(); i++) {
            List<String> m = missingIn.getOrDefault(i, List.of());
            if (!m.isEmpty()) {
                report.add(new Unmatched(rounds.get(i).name(), m.size(),
                        m.stream().limit(5).map(RoundJson::abbreviate).toList()));
            }
        }
        return new RoundComparison(rounds, out, report);
    }

    public List<Round> rounds() {
        return rounds;
    }

    /** Every instruction of any round. */
    public List<MatchedPrompt> prompts() {
        return prompts;
    }

    /** The instructions that every round has. */
    public List<MatchedPrompt> shared() {
        return prompts.stream().filter(MatchedPrompt::inAllRounds).toList();
    }

    /** Rounds with instructions that another round lacks (empty when all rounds share all instructions). */
    public List<Unmatched> unmatched() {
        return unmatched;
    }

    /** One line per round with unmatched instructions ("round X: 3 instructions not in every round, e.g. …"). */
    public List<String> unmatchedReport() {
        List<String> lines = new ArrayList<>();
        for (Unmatched u : unmatched) {
            lines.add(u.round() + ": " + u.count() + " instruction(s) not in every round, e.g. "
                    + String.join("; ", u.examples()));
        }
        return lines;
    }
}

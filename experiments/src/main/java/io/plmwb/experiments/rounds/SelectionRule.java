package io.plmwb.experiments.rounds;

import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * How a chosen/rejected pair is picked from a refinement chain. ARIES's own rule is not published, so rules are
 * pluggable: {@link #parse(String)} knows {@code mean_logprob}, {@code last_answering} and {@code score:NAME}.
 */
public interface SelectionRule {

    /** The name written into pairs and files ("mean_logprob", "last_answering", "score:reward"). */
    String name();

    /** The pair for one prompt's chain, or null when the rule cannot tell two steps apart. */
    PreferencePair select(String instruction, List<RefinementStep> steps);

    /** The score that {@link #meanLogProb()} reads. */
    String MEAN_LOGPROB = "mean_logprob";

    /**
     * Chosen = the step with the highest length-normalised log-likelihood under the model (score
     * {@code mean_logprob}, the mean log-probability per answer token), rejected = the lowest.
     */
    static SelectionRule meanLogProb() {
        return byScore(MEAN_LOGPROB, MEAN_LOGPROB);
    }

    /** Chosen = highest value of an external score column (e.g. a reward model's {@code reward}), rejected = lowest. */
    static SelectionRule scoreColumn(String column) {
        return byScore(column, "score:" + column);
    }

    private static SelectionRule byScore(String column, String name) {
        return new SelectionRule() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public PreferencePair select(String instruction, List<RefinementStep> steps) {
                RefinementStep best = null;
                RefinementStep worst = null;
                for (RefinementStep s : steps) {
                    Double v = s.score(column);
                    if (v == null) {
                        continue;
                    }
                    if (best == null || v > best.score(column)) {
                        best = s;
                    }
                    if (worst == null || v < worst.score(column)) {
                        worst = s;
                    }
                }
                if (best == null || best == worst || best.score(column).equals(worst.score(column))) {
                    return null;
                }
                return new PreferencePair(best.k(), worst.k(), name);
            }
        };
    }

    /**
     * "Keep the last step that still answers": a step answers when it has at least {@code minWords} words, is not
     * the instruction repeated, and is not a verbatim repeat of an earlier step. Chosen = the last answering step;
     * rejected = the first step that does not answer, else the direct answer (k = 0) when it is not the chosen one.
     */
    static SelectionRule lastAnswering(int minWords) {
        Pattern ws = Pattern.compile("\\s+");
        return new SelectionRule() {
            @Override
            public String name() {
                return "last_answering";
            }

            @Override
            public PreferencePair select(String instruction, List<RefinementStep> steps) {
                String ins = ws.matcher(instruction.toLowerCase(Locale.ROOT)).replaceAll(" ").strip();
                RefinementStep chosen = null;
                RefinementStep failing = null;
                java.util.Set<String> earlier = new java.util.HashSet<>();
                for (RefinementStep s : steps) {
                    String norm = ws.matcher(s.text().toLowerCase(Locale.ROOT)).replaceAll(" ").strip();
                    int words = norm.isEmpty() ? 0 : norm.split(" ").length;
                    boolean answers = words >= minWords && !norm.equals(ins) && !earlier.contains(norm);
                    earlier.add(norm);
                    if (answers) {
                        chosen = s;
                    } else if (failing == null) {
                        failing = s;
                    }
                }
                if (chosen == null) {
                    return null;
                }
                RefinementStep rejected = failing != null ? failing : steps.get(0);
                return rejected == chosen ? null : new PreferencePair(chosen.k(), rejected.k(), name());
            }
        };
    }

    /** Parses "mean_logprob", "last_answering" (or "last_answering:N" words) or "score:NAME". */
    static SelectionRule parse(String spec) {
        String s = spec.strip();
        if (s.equals(MEAN_LOGPROB)) {
            return meanLogProb();
        }
        if (s.equals("last_answering")) {
            return lastAnswering(3);
        }
        if (s.startsWith("last_answering:")) {
            try {
                int n = Integer.parseInt(s.substring("last_answering:".length()));
                if (n >= 1) {
                    return lastAnswering(n);
                }
            } catch (NumberFormatException e) {
                // fall through
            }
        }
        if (s.startsWith("score:") && s.length() > "score:".length()) {
            return scoreColumn(s.substring("score:".length()));
        }
        throw new IllegalArgumentException("unknown selection rule '" + spec
                + "' (mean_logprob, last_answering[:MIN_WORDS], score:COLUMN)");
    }

    /** Applies a rule to every prompt of a round (existing pairs are replaced; prompts without a pair lose it). */
    static Round apply(Round round, SelectionRule rule) {
        return round.withPrompts(round.prompts().stream()
                .map(p -> p.withPair(rule.select(p.instruction(), p.steps()))).toList());
    }
}

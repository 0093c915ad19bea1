package io.plmwb.experiments.rounds;

/**
 * A judge's preference between a baseline answer and this answer, on AlpacaEval's scale: 1 = the baseline wins,
 * 2 = this answer wins, 1.5 = a draw (values in between are the judge's probabilities).
 *
 * @param judge          who judged ("weighted_alpaca_eval_gpt4_turbo", "human")
 * @param baseline       the baseline's generator name ("gpt4_1106_preview"), may be empty
 * @param preference     in [1, 2], or NaN when the judge gave none
 * @param baselineOutput the baseline's answer, may be null
 * @param rationale      the judge's reasoning, may be null
 */
public record JudgeVerdict(String judge, String baseline, double preference, String baselineOutput,
                           String rationale) {

    public JudgeVerdict {
        judge = judge == null ? "" : judge;
        baseline = baseline == null ? "" : baseline;
        if (!Double.isNaN(preference) && (preference < 1 || preference > 2)) {
            throw new IllegalArgumentException("preference must be in [1, 2] (or NaN), got " + preference);
        }
    }

    /** "win", "loss" or "draw" (or "none" without a preference), seen from this answer. */
    public String outcome() {
        if (Double.isNaN(preference)) {
            return "none";
        }
        return preference > 1.5 ? "win" : preference < 1.5 ? "loss" : "draw";
    }
}

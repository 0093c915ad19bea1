package io.plmwb.experiments.rounds;

/**
 * Round B against round A on the instructions both have: per-prompt differences B − A.
 *
 * @param roundA          name of A
 * @param roundB          name of B
 * @param shared          instructions both rounds have
 * @param judged          of those, prompts judged in both rounds
 * @param meanDelta       100·mean(pB − pA): win-rate points B gains over A on the same prompts
 * @param standardError   paired standard error of meanDelta (sample sd of the differences / √n)
 * @param ciLow           bootstrap 95% interval of meanDelta, lower end
 * @param ciHigh          upper end
 * @param bBetter         prompts where B's preference is higher
 * @param aBetter         prompts where A's preference is higher
 * @param equal           prompts with equal preferences
 * @param meanLengthDelta mean characters B − A over the shared prompts
 * @param meanRewardDelta mean reward B − A over prompts with a reward in both, or NaN
 * @param rewarded        prompts with a reward in both
 */
public record PairedComparison(String roundA, String roundB, int shared, int judged, double meanDelta,
                               double standardError, double ciLow, double ciHigh, int bBetter, int aBetter, int equal,
                               double meanLengthDelta, double meanRewardDelta, int rewarded) {
}

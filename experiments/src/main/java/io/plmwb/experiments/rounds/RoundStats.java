package io.plmwb.experiments.rounds;

/**
 * Statistics of one round against its judge's baseline (AlpacaEval definitions, see
 * {@link RoundStatistics}). Rates are percentages; NaN where the round has no judged prompt.
 *
 * @param round           the round's name
 * @param index           its number
 * @param prompts         prompts in the round
 * @param nTotal          prompts with a finite judge preference
 * @param winRate         100·mean(preference − 1)
 * @param standardError   100·sd(preference − 1)/√n (sample sd, ddof 1)
 * @param nWins           preference &gt; 1.5
 * @param nWinsBase       preference &lt; 1.5
 * @param nDraws          preference = 1.5
 * @param discreteWinRate 100·(wins + draws/2)/n
 * @param ciLow           bootstrap 95% interval of the win rate, lower end (percentile method)
 * @param ciHigh          upper end
 * @param avgLength       mean characters (code points) of the round's answers, all prompts
 * @param avgTokens       mean tokens of the answers, or NaN when not every answer was counted
 * @param meanReward      mean reward score of the answers that have one, or NaN
 * @param lengthControlled the length-adjusted win rate, or null (see {@link LengthControlled} for the method)
 * @param bootstrapSamples resamples behind the interval
 * @param seed            the bootstrap seed
 */
public record RoundStats(String round, int index, int prompts, int nTotal, double winRate, double standardError,
                         int nWins, int nWinsBase, int nDraws, double discreteWinRate, double ciLow, double ciHigh,
                         double avgLength, double avgTokens, double meanReward, LengthControlled lengthControlled,
                         int bootstrapSamples, long seed) {

    /** AlpacaEval's integer {@code avg_length}: the mean length truncated to an integer. */
    public long avgLengthInt() {
        return (long) Math.floor(avgLength);
    }

    /** True when at least one prompt was judged. */
    public boolean judged() {
        return nTotal > 0;
    }
}

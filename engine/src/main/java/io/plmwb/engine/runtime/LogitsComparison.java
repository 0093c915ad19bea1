package io.plmwb.engine.runtime;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Logits compared with a reference.
 *
 * @param maxAbsDiff      max |got − reference| over all positions and tokens
 * @param maxDiffPosition position of that maximum
 * @param maxDiffToken    token (vocab index) of that maximum
 * @param positions       positions compared
 * @param argmaxAgree     positions whose argmax is the same
 * @param argmax          argmax per position of the computed logits
 * @param referenceArgmax argmax per position of the reference
 */
public record LogitsComparison(double maxAbsDiff, int maxDiffPosition, int maxDiffToken, int positions, int argmaxAgree,
                               int[] argmax, int[] referenceArgmax) {

    /** The comparison as a JSON object (for {@code --json}). */
    public ObjectNode toJson() {
        ObjectNode o = new ObjectMapper().createObjectNode();
        o.put("max_abs_diff", maxAbsDiff);
        o.put("max_diff_position", maxDiffPosition);
        o.put("max_diff_token", maxDiffToken);
        o.put("positions", positions);
        o.put("argmax_agree", argmaxAgree);
        var a = o.putArray("argmax");
        for (int x : argmax) {
            a.add(x);
        }
        var r = o.putArray("reference_argmax");
        for (int x : referenceArgmax) {
            r.add(x);
        }
        return o;
    }
}

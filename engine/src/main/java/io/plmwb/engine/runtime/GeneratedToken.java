package io.plmwb.engine.runtime;

/**
 * One generated token.
 *
 * @param index position in the generated sequence (0 = first)
 * @param id    token id
 * @param text  the text this token completed (may be empty while a multi-byte character is unfinished, or for a
 *              special token)
 * @param ms    time of the forward pass that produced its logits (the prefill for token 0, one decode step
 *              otherwise) plus sampling
 */
public record GeneratedToken(int index, int id, String text, double ms) {
}

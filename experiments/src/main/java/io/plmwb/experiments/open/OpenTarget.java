package io.plmwb.experiments.open;

import java.nio.file.Path;

/**
 * A path the user opened, recognised.
 *
 * @param path   what was opened, normalised (the checkpoint folder when a file inside one was opened)
 * @param kind   what it is
 * @param detail a short human description ("HF checkpoint: model_type plm, 2 layers")
 */
public record OpenTarget(Path path, PathKind kind, String detail) {
}

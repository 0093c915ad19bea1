package io.plmwb.app.cli;

import picocli.CommandLine.Option;

/**
 * {@code --overwrite}: the one declaration every command that writes files mixes in (directly or through
 * {@link ChartFiles}). The help text per command comes from {@link OptionTexts} (key {@code mixin.overwrite}).
 */
public final class OverwriteOption {

    @Option(names = "--overwrite", descriptionKey = "mixin.overwrite",
            description = "replace existing files (otherwise existing files are never touched)")
    boolean overwrite;

    /** True with {@code --overwrite}. */
    public boolean on() {
        return overwrite;
    }
}

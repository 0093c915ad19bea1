package io.plmwb.app.cli;

import picocli.CommandLine.Option;

/**
 * {@code --json}: the one declaration every command mixes in. The help text per command comes from
 * {@link OptionTexts} (key {@code mixin.json}).
 */
public final class JsonOption {

    @Option(names = "--json", descriptionKey = "mixin.json", description = "print JSON")
    boolean json;

    /** True with {@code --json}. */
    public boolean on() {
        return json;
    }
}

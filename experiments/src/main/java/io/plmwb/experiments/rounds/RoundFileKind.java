package io.plmwb.experiments.rounds;

/** The round file formats the workbench reads. */
public enum RoundFileKind {
    /** The workbench's own JSON Lines ({@code docs/formats/rounds-jsonl.md}). */
    NATIVE_JSONL("refinement rounds (plmwb JSONL)"),
    /** AlpacaEval model_outputs.json. */
    ALPACA_OUTPUTS("AlpacaEval model outputs"),
    /** AlpacaEval annotations.json. */
    ALPACA_ANNOTATIONS("AlpacaEval annotations"),
    /** A folder holding AlpacaEval model_outputs.json and/or annotations.json. */
    ALPACA_FOLDER("AlpacaEval result folder"),
    /** Arena-Hard-Auto answer JSONL. */
    ARENA_HARD("Arena-Hard answers");

    private final String description;

    RoundFileKind(String description) {
        this.description = description;
    }

    public String description() {
        return description;
    }
}

package io.plmwb.views.shell;

/** The workspaces of the navigation rail, in rail order. */
public enum WorkspaceId {
    MODELS("Models", "M", "Open PLM checkpoints, see their architecture and parameter breakdown"),
    SPARSITY("Sparsity", "S", "Activation sparsity of the squared-ReLU MLP, layer × token"),
    KV_CACHE("KV Cache", "K", "Latent vs expanded KV-cache memory against device budgets"),
    LATENCY("Latency", "L", "Per-layer latency from the ONNX Runtime profiler"),
    SCHEDULES("Schedules", "LR", "WSDC and peer learning-rate schedules against training logs"),
    ROUNDS("Refinement Rounds", "R", "ARIES refinement rounds side by side, with win-rate statistics");

    private final String title;
    private final String badge;
    private final String tooltip;

    WorkspaceId(String title, String badge, String tooltip) {
        this.title = title;
        this.badge = badge;
        this.tooltip = tooltip;
    }

    public String title() {
        return title;
    }

    /** Short text shown in the rail icon. */
    public String badge() {
        return badge;
    }

    public String tooltip() {
        return tooltip;
    }
}

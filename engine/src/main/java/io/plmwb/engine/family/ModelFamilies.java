package io.plmwb.engine.family;

import io.plmwb.engine.family.llama.LlamaFamily;
import io.plmwb.engine.family.plm.PlmFamily;
import io.plmwb.engine.family.qwen2.Qwen2Family;
import io.plmwb.engine.model.FamilyId;
import io.plmwb.engine.model.ModelConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** The registry of model families: lookup by HF {@code model_type}, GGUF {@code general.architecture} or id. */
public final class ModelFamilies {

    /** Every supported family, in display order. Adding a family = its package plus one entry here. */
    private static final List<ModelFamily> ALL = List.of(PlmFamily.INSTANCE, LlamaFamily.INSTANCE,
            Qwen2Family.INSTANCE);

    private ModelFamilies() {
    }

    /** The registered families. */
    public static List<ModelFamily> all() {
        return ALL;
    }

    /** The family of an HF {@code model_type} (case-insensitive); empty when none is registered. */
    public static Optional<ModelFamily> byModelType(String modelType) {
        if (modelType == null) {
            return Optional.empty();
        }
        String t = modelType.toLowerCase(Locale.ROOT);
        return ALL.stream().filter(f -> f.modelTypes().contains(t)).findFirst();
    }

    /** The family of a GGUF {@code general.architecture}; empty when none is registered. */
    public static Optional<ModelFamily> byGgufArchitecture(String arch) {
        return ALL.stream().filter(f -> f.ggufArchitecture().equals(arch)).findFirst();
    }

    /** The family of an id. */
    public static ModelFamily of(FamilyId id) {
        return ALL.stream().filter(f -> f.id().equals(id)).findFirst().orElseThrow(
                () -> new IllegalArgumentException("no model family '" + id.name() + "' is registered (registered: "
                        + String.join(", ", names()) + ")"));
    }

    /** The family of a config. */
    public static ModelFamily of(ModelConfig c) {
        return of(c.family());
    }

    /** Registry names, in order. */
    public static List<String> names() {
        return ALL.stream().map(ModelFamily::name).toList();
    }

    /** Every accepted HF model_type, in order ("plm, edgellm, llama, qwen2"). */
    public static List<String> modelTypes() {
        List<String> r = new ArrayList<>();
        ALL.forEach(f -> r.addAll(f.modelTypes()));
        return r;
    }

    /** Every accepted GGUF architecture, in order. */
    public static List<String> ggufArchitectures() {
        return ALL.stream().map(ModelFamily::ggufArchitecture).toList();
    }
}

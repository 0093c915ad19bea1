package io.plmwb.engine.synth;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.plmwb.engine.checkpoint.CheckpointLayout;
import io.plmwb.engine.checkpoint.ConfigLoader;
import io.plmwb.engine.format.DType;
import io.plmwb.engine.format.SafetensorsCheckpoint;
import io.plmwb.engine.format.SafetensorsWriter;
import io.plmwb.engine.format.TensorInfo;
import io.plmwb.engine.model.ModelConfig;
import io.plmwb.engine.task.TaskContext;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.stream.Stream;

/**
 * Writes a complete HF-layout checkpoint with seeded random weights for an architecture: {@code config.json} (marked
 * {@code plmwb_synthetic}), {@code model.safetensors} in bf16, {@code generation_config.json}, a byte-level
 * {@code tokenizer.json} (256 byte tokens plus {@code <|endoftext|>}, {@code <|im_start|>}, {@code <|im_end|>}) and a
 * {@code tokenizer_config.json} with a ChatML template. Nothing in it is a trained model.
 *
 * <p>Matrices (and the embedding) are normal with std {@value #STD}, norm weights 1.0, biases 0. Every tensor has its
 * own generator ({@link Gaussian}) seeded from (seed, tensor name), so the same seed gives the same bytes on any JDK,
 * and a truncated-layer checkpoint shares its layers with the full one. The special tokens take Qwen2's ids (151643..151645) when the
 * vocabulary is large enough, else ids 256..258; the config's bos/eos follow.
 */
public final class SyntheticCheckpoint {

    /** Standard deviation of matrix weights. */
    public static final double STD = 0.02;

    /** Qwen2's id of {@code <|endoftext|>}; {@code <|im_start|>} and {@code <|im_end|>} follow it. */
    static final int QWEN_END_OF_TEXT = 151643;

    static final String CHATML_TEMPLATE = "{% for message in messages %}{{ '<|im_start|>' + message['role'] + '\\n' "
            + "+ message['content'] + '<|im_end|>' + '\\n' }}{% endfor %}{% if add_generation_prompt %}"
            + "{{ '<|im_start|>assistant\\n' }}{% endif %}";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String[] SPECIALS = {"<|endoftext|>", "<|im_start|>", "<|im_end|>"};

    private SyntheticCheckpoint() {
    }

    /**
     * Writes the checkpoint into {@code outDir}, which must not exist or be empty.
     *
     * @param preset       the architecture (vocab_size must leave room for 259 tokens)
     * @param layersOrZero decoder blocks to write; 0 keeps the preset's count
     * @param seed         weight seed
     * @param ctx          progress per chunk and tensor; cancellation is honoured between chunks
     * @return the config as written (synthetic, bf16, with the special ids as bos/eos)
     * @throws IOException           on write failure or when {@code outDir} is a non-empty folder or a file; partial
     *                               output is removed
     * @throws CancellationException when cancelled; partial output is removed
     */
    public static ModelConfig write(ModelConfig preset, Path outDir, int layersOrZero, long seed, TaskContext ctx)
            throws IOException {
        if (layersOrZero < 0) {
            throw new IllegalArgumentException("layers must be ≥ 0 (0 = the preset's " + preset.numLayers() + ")");
        }
        int firstSpecial = firstSpecialId(preset.vocabSize());
        ModelConfig c = synthConfig(preset, layersOrZero == 0 ? preset.numLayers() : layersOrZero, firstSpecial);

        boolean created = false;
        if (Files.exists(outDir)) {
            if (!Files.isDirectory(outDir)) {
                throw new NotDirectoryException(outDir + " exists and is not a folder; refusing to write there");
            }
            try (Stream<Path> s = Files.list(outDir)) {
                if (s.findAny().isPresent()) {
                    throw new DirectoryNotEmptyException(outDir + " is not empty; refusing to overwrite anything");
                }
            }
        } else {
            Files.createDirectories(outDir);
            created = true;
        }
        List<Path> written = new ArrayList<>();
        boolean ok = false;
        try {
            ctx.message("Writing config and tokenizer files");
            ConfigLoader.write(c, outDir);
            written.add(outDir.resolve("config.json"));
            writeJson(outDir.resolve("generation_config.json"), generationConfig(c, firstSpecial), written);
            writeJson(outDir.resolve("tokenizer.json"), tokenizerJson(firstSpecial), written);
            writeJson(outDir.resolve("tokenizer_config.json"), tokenizerConfig(c, firstSpecial), written);
            Path weights = outDir.resolve(SafetensorsCheckpoint.SINGLE);
            written.add(weights);
            writeWeights(c, weights, seed, ctx);
            ok = true;
            return c;
        } finally {
            if (!ok) {
                for (Path p : written) {
                    Files.deleteIfExists(p);
                }
                if (created) {
                    Files.deleteIfExists(outDir);
                }
            }
        }
    }

    /** 151643 when the vocabulary reaches Qwen2's specials, else 256 (right after the byte tokens). */
    static int firstSpecialId(int vocabSize) {
        if (vocabSize >= QWEN_END_OF_TEXT + 3) {
            return QWEN_END_OF_TEXT;
        }
        if (vocabSize >= 256 + 3) {
            return 256;
        }
        throw new IllegalArgumentException("vocab_size " + vocabSize
                + " leaves no room for 256 byte tokens and 3 special tokens (need at least 259)");
    }

    private static ModelConfig synthConfig(ModelConfig p, int layers, int firstSpecial) {
        return new ModelConfig(p.family(), p.modelType(), p.vocabSize(), p.hiddenSize(), p.intermediateSize(), layers,
                p.numHeads(), p.numKvHeads(), p.headDim(), p.qLoraRank(), p.kvLoraRank(), p.qkNopeHeadDim(),
                p.qkRopeHeadDim(), p.vHeadDim(), p.hiddenAct(), p.maxPositionEmbeddings(), p.ropeTheta(),
                p.ropeInterleave(), p.rmsNormEps(), p.tieWordEmbeddings(), p.attentionBias(), "bfloat16",
                firstSpecial, firstSpecial + 2, true, p.ropeScaling());
    }

    private static void writeJson(Path file, ObjectNode node, List<Path> written) throws IOException {
        written.add(file);
        Files.write(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(node)
                .getBytes(StandardCharsets.UTF_8), java.nio.file.StandardOpenOption.CREATE_NEW,
                java.nio.file.StandardOpenOption.WRITE);
    }

    private static void writeWeights(ModelConfig c, Path file, long seed, TaskContext ctx) throws IOException {
        CheckpointLayout layout = CheckpointLayout.of(c);
        List<TensorInfo> specs = new ArrayList<>();
        long totalBytes = 0;
        for (String n : layout.names()) {
            TensorInfo t = new TensorInfo(n, DType.BF16, layout.shape(n));
            specs.add(t);
            totalBytes += t.byteSize();
        }
        SafetensorsWriter w = SafetensorsWriter.create(file, specs, Map.of("plmwb_synthetic", "true",
                "plmwb_seed", Long.toString(seed)));
        boolean ok = false;
        try {
            long done = 0;
            ctx.progress(0, totalBytes);
            for (int i = 0; i < specs.size(); i++) {
                TensorInfo t = specs.get(i);
                ctx.checkCancelled();
                ctx.message("Writing tensor " + (i + 1) + " of " + specs.size() + ": " + t.name());
                long base = done;
                w.write(t.name(), filler(t, seed, ctx, base, totalBytes));
                done += t.byteSize();
                ctx.progress(done, totalBytes);
            }
            w.close();
            ok = true;
        } finally {
            if (!ok) {
                w.abort();
            }
        }
    }

    private static SafetensorsWriter.Filler filler(TensorInfo t, long seed, TaskContext ctx, long base, long total) {
        long[] shape = t.shape();
        if (shape.length == 1) {
            float v = t.name().endsWith(".bias") ? 0f : 1f;
            return (buf, start, len) -> java.util.Arrays.fill(buf, 0, len, v);
        }
        Gaussian g = new Gaussian(tensorSeed(seed, t.name()));
        return (buf, start, len) -> {
            ctx.checkCancelled();
            for (int i = 0; i < len; i++) {
                buf[i] = (float) (g.next() * STD);
            }
            ctx.progress(base + (start + len) * 2, total);
        };
    }

    /** The generator seed of one tensor: the run seed mixed with a 64-bit FNV-1a hash of the name. */
    static long tensorSeed(long seed, String name) {
        long h = 0xcbf29ce484222325L;
        for (byte b : name.getBytes(StandardCharsets.UTF_8)) {
            h ^= b & 0xFF;
            h *= 0x100000001b3L;
        }
        return mix64(seed * 0x9E3779B97F4A7C15L ^ mix64(h));
    }

    private static long mix64(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    static ObjectNode generationConfig(ModelConfig c, int firstSpecial) {
        ObjectNode g = JSON.createObjectNode();
        g.put("bos_token_id", firstSpecial);
        g.putArray("eos_token_id").add(firstSpecial + 2).add(firstSpecial);
        g.put("pad_token_id", firstSpecial);
        g.put("do_sample", false);
        g.put("max_length", c.maxPositionEmbeddings());
        g.put("plmwb_synthetic", true);
        return g;
    }

    /** A byte-level BPE without merges: ids 0..255 are the bytes (GPT-2 characters), then the three specials. */
    static ObjectNode tokenizerJson(int firstSpecial) {
        ObjectNode root = JSON.createObjectNode();
        root.put("version", "1.0");
        root.putNull("truncation");
        root.putNull("padding");
        ArrayNode added = root.putArray("added_tokens");
        for (int i = 0; i < SPECIALS.length; i++) {
            ObjectNode t = added.addObject();
            t.put("id", firstSpecial + i);
            t.put("content", SPECIALS[i]);
            t.put("single_word", false);
            t.put("lstrip", false);
            t.put("rstrip", false);
            t.put("normalized", false);
            t.put("special", true);
        }
        root.putNull("normalizer");
        ObjectNode pre = root.putObject("pre_tokenizer");
        pre.put("type", "ByteLevel");
        pre.put("add_prefix_space", false);
        pre.put("trim_offsets", false);
        pre.put("use_regex", true);
        root.putNull("post_processor");
        ObjectNode dec = root.putObject("decoder");
        dec.put("type", "ByteLevel");
        dec.put("add_prefix_space", false);
        dec.put("trim_offsets", false);
        dec.put("use_regex", true);
        ObjectNode model = root.putObject("model");
        model.put("type", "BPE");
        model.putNull("dropout");
        model.putNull("unk_token");
        model.putNull("continuing_subword_prefix");
        model.putNull("end_of_word_suffix");
        model.put("fuse_unk", false);
        model.put("byte_fallback", false);
        model.put("ignore_merges", false);
        ObjectNode vocab = model.putObject("vocab");
        char[] chars = byteChars();
        for (int b = 0; b < 256; b++) {
            vocab.put(String.valueOf(chars[b]), b);
        }
        // the specials also sit in the model vocabulary so that they keep their ids when those are not contiguous
        for (int i = 0; i < SPECIALS.length; i++) {
            vocab.put(SPECIALS[i], firstSpecial + i);
        }
        model.putArray("merges");
        return root;
    }

    /** GPT-2's bytes_to_unicode: the printable character that stands for each byte. */
    static char[] byteChars() {
        char[] c = new char[256];
        int n = 0;
        for (int b = 0; b < 256; b++) {
            boolean printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            c[b] = printable ? (char) b : (char) (256 + n++);
        }
        return c;
    }

    static ObjectNode tokenizerConfig(ModelConfig c, int firstSpecial) {
        ObjectNode t = JSON.createObjectNode();
        t.put("tokenizer_class", "PreTrainedTokenizerFast");
        t.putNull("bos_token");
        t.put("eos_token", SPECIALS[2]);
        t.put("pad_token", SPECIALS[0]);
        t.putNull("unk_token");
        t.put("add_bos_token", false);
        t.put("clean_up_tokenization_spaces", false);
        t.put("model_max_length", c.maxPositionEmbeddings());
        ObjectNode dec = t.putObject("added_tokens_decoder");
        for (int i = 0; i < SPECIALS.length; i++) {
            ObjectNode e = dec.putObject(Integer.toString(firstSpecial + i));
            e.put("content", SPECIALS[i]);
            e.put("lstrip", false);
            e.put("normalized", false);
            e.put("rstrip", false);
            e.put("single_word", false);
            e.put("special", true);
        }
        t.put("chat_template", CHATML_TEMPLATE);
        t.put("plmwb_synthetic", true);
        return t;
    }
}

package io.plmwb.views.rounds;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.plmwb.engine.task.SyncTaskExecutor;
import io.plmwb.views.common.CurrentModel;
import io.plmwb.views.common.Dialogs;
import io.plmwb.views.rounds.RoundsViewModel.ColumnMode;
import io.plmwb.views.rounds.RoundsViewModel.Sort;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The workspace's logic on the AlpacaEval fixture and the bundled demo, with expectations from Python. */
class RoundsViewModelTest {

    @TempDir
    Path dir;

    private final List<io.plmwb.views.common.DialogService.UserMessage> messages = new CopyOnWriteArrayList<>();
    private RoundsViewModel vm;

    static Path fixture(String model) {
        return Path.of(System.getProperty("plmwb.shared", "../../shared"), "fixtures", "alpaca_eval", model);
    }

    @BeforeEach
    void setUp() {
        Dialogs.setSink(messages::add);
        vm = new RoundsViewModel(new SyncTaskExecutor(), new CurrentModel(), Dialogs.service());
    }

    @AfterEach
    void tearDown() {
        Dialogs.setSink(null);
    }

    private void openFixture() {
        vm.openAll(List.of(fixture("oasst-sft-llama-33b"), fixture("oasst-rlhf-llama-33b")));
        assertEquals(List.of(), messages);
    }

    @Test
    void showsStatisticsColumnsAndDiffs() {
        openFixture();
        assertEquals(805, vm.rows().size());
        assertEquals("4.77 ± 0.64", vm.statsRows().get(0).winRate());
        assertEquals("36 / 764 / 5", vm.statsRows().get(0).record());
        assertEquals("1,079", vm.statsRows().get(1).avgLength());
        assertEquals("9.95", vm.statsRows().get(1).lengthAdjusted());
        assertTrue(vm.pairedLines().get(0).contains("better on 490, worse on 310, equal on 5"),
                vm.pairedLines().get(0));
        assertEquals(0, vm.selectedProperty().get());
        assertEquals(2, vm.columns().size());
        assertTrue(vm.columns().get(0).baseline());
        assertTrue(vm.columns().get(0).verdict().contains("preference 1.000 (loss)"));
        RoundsViewModel.Column rlhf = vm.columns().get(1);
        StringBuilder rebuilt = new StringBuilder();
        rlhf.ops().stream().filter(o -> o.change() != RoundsViewModel.Change.DELETED).forEach(o -> rebuilt.append(o.text()));
        assertEquals(rlhf.text(), rebuilt.toString(), "the diff's kept + inserted text is the column's answer");
        assertTrue(rlhf.inserted() > 0 && rlhf.deleted() > 0);
        assertTrue(vm.winRateChartProperty().get() != null && vm.lengthChartProperty().get() != null);
        // the baseline can be any column
        vm.baselineColumnProperty().set(1);
        assertTrue(vm.columns().get(1).baseline());
        assertFalse(vm.columns().get(0).baseline());
    }

    @Test
    void searchFiltersSortAndKeyboardNavigation() {
        openFixture();
        vm.searchProperty().set("broadway");
        assertEquals(1, vm.rows().size());
        assertEquals(1, vm.rows().get(0).number());
        vm.searchProperty().set("");
        vm.datasetProperty().set("koala");
        assertEquals(156, vm.rows().size());
        vm.datasetProperty().set(RoundsViewModel.ALL);
        vm.onlyDifferProperty().set(true);
        assertEquals(802, vm.rows().size());
        vm.onlyDifferProperty().set(false);
        vm.regressionsOnlyProperty().set(true);
        assertEquals(310, vm.rows().size(), "RLHF's judge preference is below SFT's on 310 prompts");
        vm.regressionsOnlyProperty().set(false);
        vm.sortProperty().set(Sort.LENGTH_CHANGE_DESC);
        assertEquals(262, vm.rows().get(0).index());
        assertEquals(10344, vm.rows().get(0).lengthChange());
        vm.sortProperty().set(Sort.LENGTH_CHANGE_ASC);
        assertEquals(-5219, vm.rows().get(0).lengthChange());
        vm.sortProperty().set(Sort.FILE_ORDER);
        vm.select(0);
        vm.next();
        vm.next();
        assertEquals(2, vm.selectedProperty().get());
        vm.previous();
        assertEquals(1, vm.selectedProperty().get());
        vm.previous();
        vm.previous();
        assertEquals(0, vm.selectedProperty().get(), "stops at the first prompt");
    }

    @Test
    void theDemoOpensWithTheRefinementStepsAsColumns() throws Exception {
        Path demo = Path.of(System.getProperty("plmwb.root", ".."), "datasets", "rounds", "plm-nano-demo.jsonl");
        vm.open(demo);
        assertEquals(ColumnMode.ROUNDS, vm.columnModeProperty().get(), "two rounds: one column per round");
        vm.columnModeProperty().set(ColumnMode.STEPS);
        vm.stepsRoundProperty().set(1);
        assertEquals(List.of("sampled T=0.8 · k=0 (direct)", "sampled T=0.8 · k=1", "sampled T=0.8 · k=2",
                "sampled T=0.8 · k=3"), vm.columnLabels());
        assertEquals(4, vm.columns().size());
        assertTrue(vm.columns().stream().anyMatch(c -> c.stats().contains("CHOSEN (mean_logprob)")));
        assertTrue(vm.columns().stream().anyMatch(c -> c.stats().contains("REJECTED (mean_logprob)")));
        Path csv = dir.resolve("table.csv");
        vm.exportTable(csv);
        List<String> lines = Files.readAllLines(csv);
        assertEquals(9, lines.size(), "header + 8 prompts");
        assertTrue(lines.get(0).contains("sampled T=0.8 k=3 tokens"), lines.get(0));
        Path md = dir.resolve("table.md");
        vm.exportTable(md);
        assertTrue(Files.readString(md).startsWith("| prompt | dataset | instruction |"));
    }

    @Test
    void aBadFileIsReportedAndTheShownRoundsStay() throws Exception {
        openFixture();
        Path bad = dir.resolve("bad.json");
        Files.writeString(bad, "[{\"instruction\": \"x\", \"output\": ");
        vm.open(bad);
        assertEquals(1, messages.size());
        assertTrue(messages.get(0).headline().contains(bad.toString()), messages.get(0).headline());
        assertEquals(805, vm.rows().size(), "what was shown before stays");
        Path partly = dir.resolve("model_outputs.json");
        Files.writeString(partly, "[{\"instruction\": \"x\", \"output\": \"y\"},\n{\"instruction\": 5}]");
        vm.open(partly);
        assertEquals(1, vm.rows().size());
        assertTrue(vm.problems().get(0).contains(partly + ":2:"), vm.problems().toString());
    }

    @Test
    void generatesARoundWithTheModelShownInModelsAndOpensIt() throws Exception {
        CurrentModel current = new CurrentModel();
        Path nano = Path.of(System.getProperty("plmwb.root", ".."), "datasets", "models", "plm-nano");
        current.show("plm-nano", nano, io.plmwb.engine.checkpoint.ConfigLoader.load(nano));
        RoundsViewModel g = new RoundsViewModel(new SyncTaskExecutor(), current, Dialogs.service());
        assertTrue(g.canGenerate());
        Path prompts = dir.resolve("p.txt");
        Files.writeString(prompts, "And God said\nBlessed are the meek\n");
        g.genStepsProperty().set(1);
        g.genMaxTokensProperty().set(5);
        g.genRuleProperty().set("last_answering");
        g.genRoundNameProperty().set("mine");
        Path out = dir.resolve("gen.jsonl");
        g.generate(prompts, out);
        assertEquals(List.of(), messages);
        assertTrue(g.generateStatusProperty().get().startsWith("Wrote " + out), g.generateStatusProperty().get());
        assertEquals(2, g.rows().size(), "the new round is opened");
        assertEquals(List.of("mine"), g.roundNames());
        assertEquals(ColumnMode.STEPS, g.columnModeProperty().get(), "one round with steps: columns are its steps");
        assertEquals(2, g.columns().size());
        g.genRuleProperty().set("no such rule");
        g.generate(prompts, dir.resolve("other.jsonl"));
        assertEquals(1, messages.size());
        assertTrue(messages.get(0).reason().contains("unknown selection rule"), messages.get(0).reason());
        assertFalse(Files.exists(dir.resolve("other.jsonl")));
    }
}

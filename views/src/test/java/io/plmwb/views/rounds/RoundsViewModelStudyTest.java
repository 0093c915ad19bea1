package io.plmwb.views.rounds;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.plmwb.engine.runtime.LoadedModel;
import io.plmwb.engine.runtime.ModelLoader;
import io.plmwb.engine.task.SyncTaskExecutor;
import io.plmwb.engine.task.TaskContext;
import io.plmwb.engine.tokenizer.PlmTokenizer;
import io.plmwb.experiments.rounds.RefinementGenerator;
import io.plmwb.experiments.rounds.RoundPrompt;
import io.plmwb.experiments.rounds.RoundsReport;
import io.plmwb.experiments.rounds.RoundsStudy;
import io.plmwb.views.common.CurrentModel;
import io.plmwb.views.common.DialogService;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The workspace through its Study: what is shown is the report for the screen's selection. */
class RoundsViewModelStudyTest {

    @TempDir
    Path dir;

    private final List<DialogService.UserMessage> messages = new ArrayList<>();
    private boolean answer = true;

    private final DialogService dialogs = new DialogService() {
        @Override
        public void show(UserMessage message) {
            messages.add(message);
        }

        @Override
        public boolean confirm(String headline, String question) {
            messages.add(new UserMessage(Level.WARNING, headline, question, null));
            return answer;
        }
    };

    private static final Path SFT = RoundsViewModelTest.fixture("oasst-sft-llama-33b");
    private static final Path RLHF = RoundsViewModelTest.fixture("oasst-rlhf-llama-33b");
    private static final Path NANO = Path.of(System.getProperty("plmwb.root", ".."), "datasets", "models",
            "plm-nano");

    @Test
    void showsTheStudysReportForTheSelection() throws Exception {
        RoundsViewModel vm = new RoundsViewModel(new SyncTaskExecutor(), new CurrentModel(), dialogs);
        vm.openAll(List.of(SFT, RLHF));
        assertEquals(List.of(), messages);
        RoundsReport own = new RoundsStudy().run(RoundsStudy.Settings.of(List.of(SFT, RLHF)), TaskContext.none());
        RoundsReport shown = vm.reportProperty().get();
        for (int i = 0; i < 2; i++) {
            assertEquals(own.stats().get(i), shown.stats().get(i), "the same seeded statistics");
            assertEquals(String.format(Locale.ROOT, "%.2f ± %.2f", own.stats().get(i).winRate(),
                    own.stats().get(i).standardError()), vm.statsRows().get(i).winRate());
        }
        assertEquals("4.77 ± 0.64", vm.statsRows().get(0).winRate());
        assertEquals(own.paired(), shown.paired());
        assertEquals(1, vm.pairedLines().size());

        assertEquals(new RoundsReport.Selection(true, -1, rangeTo(805)), vm.selection());
        assertEquals(3 + 4, vm.winRateChartProperty().get().series().size(), "with the SPPO overlays");
        vm.overlaysProperty().set(false);
        assertEquals(3, vm.winRateChartProperty().get().series().size(), "raw, length-adjusted, discrete");
        assertEquals(vm.winRateChartProperty().get().toString(),
                shown.winRateChart(vm.selection()).toString());
        vm.searchProperty().set("broadway");
        assertEquals(List.of(0), vm.selection().prompts(), "the table exports the prompts shown");
        vm.sortProperty().set(RoundsViewModel.Sort.LENGTH_CHANGE_DESC);
        vm.searchProperty().set("");
        assertEquals(262, vm.selection().prompts().get(0), "in the order shown");
        vm.columnModeProperty().set(RoundsViewModel.ColumnMode.STEPS);
        vm.stepsRoundProperty().set(1);
        assertEquals(1, vm.selection().stepsRound());
        assertEquals(List.of("oasst-rlhf-llama-33b · k=0 (direct)"), vm.columnLabels());
    }

    private static List<Integer> rangeTo(int n) {
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(i);
        }
        return out;
    }

    @Test
    void generateAsksBeforeReplacingTheOpenComparison() throws Exception {
        CurrentModel current = new CurrentModel();
        current.show("plm-nano", NANO, io.plmwb.engine.checkpoint.ConfigLoader.load(NANO));
        RoundsViewModel vm = new RoundsViewModel(new SyncTaskExecutor(), current, dialogs);
        vm.openAll(List.of(SFT));
        Path prompts = dir.resolve("p.txt");
        Files.writeString(prompts, "And God said\n");
        Path out = dir.resolve("gen.jsonl");
        answer = false;
        vm.generate(prompts, out);
        assertEquals(1, messages.size());
        assertEquals("Replace the open comparison?", messages.get(0).headline());
        assertFalse(Files.exists(out), "nothing generated when the user keeps the comparison");
        assertEquals(805, vm.rows().size());
        assertFalse(vm.generatingProperty().get());
    }

    @Test
    void aLoadedModelCountsTheLengthsInItsTokens() throws Exception {
        CurrentModel current = new CurrentModel();
        RoundsViewModel vm = new RoundsViewModel(new SyncTaskExecutor(), current, dialogs);
        vm.openAll(List.of(SFT));
        assertEquals("—", vm.statsRows().get(0).avgTokens());
        try (LoadedModel m = ModelLoader.load(NANO, ModelLoader.Options.defaults(), TaskContext.none());
             PlmTokenizer tok = PlmTokenizer.load(NANO)) {
            current.setLoaded(m);
            assertEquals(List.of(), messages);
            RoundsReport r = vm.reportProperty().get();
            assertEquals("plm-nano", r.tokenizer());
            double sum = 0;
            for (RoundPrompt p : r.rounds().get(0).prompts()) {
                sum += RefinementGenerator.count(tok, p.answer().text());
            }
            assertEquals(String.format(Locale.ROOT, "%.1f", sum / 805), vm.statsRows().get(0).avgTokens());
            assertTrue(vm.statusProperty().get().endsWith("lengths in plm-nano tokens"), vm.statusProperty().get());
            assertNotNull(vm.columns().get(0).stats());
            assertTrue(vm.columns().get(0).stats().contains(" tokens"), vm.columns().get(0).stats());
        }
    }
}

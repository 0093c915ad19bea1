package io.plmwb.app.arch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.base.DescribedPredicate;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The module layering of docs/architecture.md, enforced: engine → experiments → views → app, no JavaFX below views,
 * and inside views only ViewModels call engine/experiments services.
 */
class ArchitectureRulesTest {

    private static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        classes = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.plmwb");
    }

    @Test
    void engineAndExperimentsUseNoJavaFx() {
        noClasses().that().resideInAnyPackage("io.plmwb.engine..", "io.plmwb.experiments..")
                .should().dependOnClassesThat().resideInAnyPackage("javafx..", "com.sun.javafx..", "atlantafx..")
                .because("engine and experiments are GUI-free (the CLI and tests use them headless)")
                .check(classes);
    }

    @Test
    void engineDependsOnNoHigherModule() {
        noClasses().that().resideInAPackage("io.plmwb.engine..")
                .should().dependOnClassesThat().resideInAnyPackage("io.plmwb.experiments..", "io.plmwb.views..",
                        "io.plmwb.app..")
                .check(classes);
    }

    @Test
    void experimentsDependOnlyOnEngine() {
        noClasses().that().resideInAPackage("io.plmwb.experiments..")
                .should().dependOnClassesThat().resideInAnyPackage("io.plmwb.views..", "io.plmwb.app..")
                .check(classes);
    }

    @Test
    void viewsDoNotImportApp() {
        noClasses().that().resideInAPackage("io.plmwb.views..")
                .should().dependOnClassesThat().resideInAPackage("io.plmwb.app..")
                .check(classes);
    }

    /** Engine/experiments classes that do work (load, run, compute, write) rather than carry data. */
    private static final DescribedPredicate<JavaClass> SERVICES = new DescribedPredicate<>(
            "engine/experiments services (loaders, inspectors, runners, builders, readers, writers, services)") {
        @Override
        public boolean test(JavaClass c) {
            String pkg = c.getPackageName();
            if (!pkg.startsWith("io.plmwb.engine") && !pkg.startsWith("io.plmwb.experiments")) {
                return false;
            }
            if (pkg.startsWith("io.plmwb.engine.task")) {
                return false; // the task abstraction is infrastructure every layer uses
            }
            String n = c.getSimpleName();
            return n.endsWith("Service") || n.endsWith("Loader") || n.endsWith("Inspector") || n.endsWith("Runner")
                    || n.endsWith("Builder") || n.endsWith("Reader") || n.endsWith("Writer") || n.endsWith("Session")
                    || n.endsWith("Summary") || n.endsWith("Info") || n.endsWith("Presets")
                    || n.endsWith("Checkpoint") || n.endsWith("File");
        }
    };

    @Test
    void onlyViewModelsCallEngineAndExperimentsServices() {
        noClasses().that().resideInAPackage("io.plmwb.views..")
                .and().haveSimpleNameNotEndingWith("ViewModel")
                .should().dependOnClassesThat(SERVICES)
                .because("views bind to ViewModels; ViewModels are the only place that calls engine/experiments")
                .check(classes);
    }

    @Test
    void fxmlViewsDoNotTouchEngineOrExperimentsAtAll() {
        noClasses().that().resideInAPackage("io.plmwb.views..")
                .and().haveSimpleNameEndingWith("View")
                .should().dependOnClassesThat(new DescribedPredicate<JavaClass>(
                        "engine/experiments classes other than chart descriptions") {
                    @Override
                    public boolean test(JavaClass c) {
                        String pkg = c.getPackageName();
                        boolean lower = pkg.startsWith("io.plmwb.engine") || pkg.startsWith("io.plmwb.experiments");
                        boolean chartData = pkg.startsWith("io.plmwb.experiments.chart") && !SERVICES.test(c);
                        return lower && !chartData && !pkg.startsWith("io.plmwb.engine.task");
                    }
                })
                .because("FXML code-behinds only bind to their ViewModel (chart descriptions and the task abstraction may pass through)")
                .check(classes);
    }

    /**
     * Callers that still load, profile or export charts themselves; other helpers are rewriting them.
     * TODO lead: remove after the sparsity/cli-tidy merges.
     */
    private static final java.util.Set<String> NOT_YET_THROUGH_STUDIES = java.util.Set.of(
            "io.plmwb.app.cli.SparsityCommand", "io.plmwb.app.cli.SparsityBenchCommand",
            "io.plmwb.app.cli.BenchCommand", "io.plmwb.app.cli.LogitsCommand",
            "io.plmwb.views.sparsity.SparsityViewModel", "io.plmwb.views.chart.ChartExportViewModel",
            // LoadOptions.apply builds ModelLoader.Options only for the sparsity/bench commands above
            "io.plmwb.app.cli.LoadOptions");

    /** The loader, the profiler and the chart export service, with their nested types (options, settings). */
    private static final DescribedPredicate<JavaClass> LOAD_PROFILE_EXPORT = new DescribedPredicate<>(
            "engine.runtime.ModelLoader, engine.latency.LatencyProfiler or experiments.chart.ChartExportService") {
        @Override
        public boolean test(JavaClass c) {
            String top = c.getName().contains("$") ? c.getName().substring(0, c.getName().indexOf('$')) : c.getName();
            return top.equals("io.plmwb.engine.runtime.ModelLoader")
                    || top.equals("io.plmwb.engine.latency.LatencyProfiler")
                    || top.equals("io.plmwb.experiments.chart.ChartExportService");
        }
    };

    @Test
    void cliAndViewModelsLoadProfileAndExportOnlyThroughStudies() {
        noClasses().that(new DescribedPredicate<JavaClass>("CLI classes and ViewModels") {
                    @Override
                    public boolean test(JavaClass c) {
                        String top = c.getName().contains("$") ? c.getName().substring(0, c.getName().indexOf('$'))
                                : c.getName();
                        if (NOT_YET_THROUGH_STUDIES.contains(top)) {
                            return false;
                        }
                        return c.getPackageName().startsWith("io.plmwb.app.cli")
                                || top.endsWith("ViewModel");
                    }
                })
                .should().dependOnClassesThat(LOAD_PROFILE_EXPORT)
                .because("models are leased from the one ModelSessions host inside the Studies, and files are "
                        + "written through the Studies' bundles and BundleWriter")
                .check(classes);
    }

    @Test
    void experimentsPackagesHaveNoCycles() {
        slices().matching("io.plmwb.experiments.(*)..").should().beFreeOfCycles().check(classes);
    }

    @Test
    void viewsPackagesHaveNoCycles() {
        slices().matching("io.plmwb.views.(*)..").should().beFreeOfCycles().check(classes);
    }

    @Test
    void appPackagesHaveNoCycles() {
        slices().matching("io.plmwb.app.(*)..").should().beFreeOfCycles().check(classes);
    }

    @Test
    void viewModelsTouchNoSceneGraphAndNoStaticDialogs() {
        noClasses().that().resideInAPackage("io.plmwb.views..").and().haveSimpleNameEndingWith("ViewModel")
                .should().dependOnClassesThat().resideInAnyPackage("javafx.scene..")
                .orShould().dependOnClassesThat().haveFullyQualifiedName("io.plmwb.views.common.Dialogs")
                .because("ViewModels talk to the user through the injected DialogService (decision 0060)")
                .check(classes);
    }
}

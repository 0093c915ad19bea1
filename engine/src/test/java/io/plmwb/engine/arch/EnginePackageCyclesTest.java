package io.plmwb.engine.arch;

import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The engine's top-level packages (model, format, family, graph, probe, runtime, …) form no dependency cycle. */
class EnginePackageCyclesTest {

    @Test
    void enginePackagesAreFreeOfCycles() {
        JavaClasses classes = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.plmwb.engine");
        slices().matching("io.plmwb.engine.(*)..").should().beFreeOfCycles().check(classes);
    }
}

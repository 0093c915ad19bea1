package io.plmwb.app.arch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The headless CLI ({@code app.cli}) uses neither the views module nor JavaFX. */
class HeadlessCliRulesTest {

    @Test
    void cliDependsOnNeitherViewsNorJavaFx() {
        JavaClasses classes = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.plmwb.app.cli");
        noClasses().that().resideInAPackage("io.plmwb.app.cli..")
                .should().dependOnClassesThat().resideInAnyPackage("io.plmwb.views..", "javafx..", "com.sun.javafx..",
                        "atlantafx..")
                .because("the command line runs headless, without a display or the GUI module")
                .check(classes);
    }
}

package lantern.service;

import lantern.core.LoadedModels;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

/**
 * Dependencies point one way: app (service) → core → eval → explainer → training → collection → subject → errors;
 * explainer → llm → errors; eval → index → subject. Since the rooms became Maven modules (pom.xml) the compiler
 * enforces these arrows; the rules stay as their documentation.
 */
class ArchitectureTest {
    static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            // the rooms' test fixtures reach this module as test-jars (lantern-*-tests.jar) once the rooms are packaged
            .withImportOption(location -> !location.contains("-tests.jar"))
            .importPackages("lantern");

    @Test
    void subjectImportsNothingOfOurs() {
        noClasses().that().resideInAnyPackage("lantern.subject..", "lantern.errors..")
                .should().dependOnClassesThat().resideInAnyPackage("lantern.collect..", "lantern.corpus..", "lantern.train..",
                        "lantern.llm..", "lantern.explainer..", "lantern.eval..", "lantern.index..", "lantern.core..", "lantern.service..")
                .check(CLASSES);
    }

    @Test
    void theLlmClientKnowsNothingOfModelsOrFeatures() {
        noClasses().that().resideInAPackage("lantern.llm..")
                .should().dependOnClassesThat().resideInAnyPackage("lantern.subject..", "lantern.collect..", "lantern.corpus..",
                        "lantern.train..", "lantern.explainer..", "lantern.eval..", "lantern.index..", "lantern.core..", "lantern.service..")
                .check(CLASSES);
    }

    @Test
    void collectionDependsOnlyOnSubjectModels() {
        noClasses().that().resideInAnyPackage("lantern.collect..", "lantern.corpus..")
                .should().dependOnClassesThat().resideInAnyPackage("lantern.train..", "lantern.llm..", "lantern.explainer..",
                        "lantern.eval..", "lantern.index..", "lantern.core..", "lantern.service..")
                .check(CLASSES);
    }

    @Test
    void trainingDependsOnlyOnSubjectModelsAndCollection() {
        noClasses().that().resideInAPackage("lantern.train..")
                .should().dependOnClassesThat().resideInAnyPackage("lantern.llm..", "lantern.explainer..", "lantern.eval..",
                        "lantern.index..", "lantern.core..", "lantern.service..")
                .check(CLASSES);
    }

    @Test
    void explainerDependsOnlyOnSubject() {
        noClasses().that().resideInAPackage("lantern.explainer..")
                .should().dependOnClassesThat().resideInAnyPackage("lantern.eval..", "lantern.index..", "lantern.core..", "lantern.service..")
                .check(CLASSES);
    }

    @Test
    void evalAndIndexDoNotReachIntoTheService() {
        noClasses().that().resideInAnyPackage("lantern.eval..", "lantern.index..")
                .should().dependOnClassesThat().resideInAnyPackage("lantern.core..", "lantern.service..")
                .check(CLASSES);
    }

    @Test
    void coreDoesNotReachIntoTheApp() {
        noClasses().that().resideInAPackage("lantern.core..")
                .should().dependOnClassesThat().resideInAPackage("lantern.service..")
                .check(CLASSES);
    }

    /**
     * Explaining a feature is one use case ({@link lantern.core.ExplainFeature}): the front ends (REST resources, CLI
     * commands, audits, Spark) call it, never the explanation service's explain steps themselves (the bench commands
     * time those steps on purpose).
     */
    @Test
    void frontEndsExplainThroughTheUseCase() {
        noClasses().that().resideInAPackage("lantern.service..").and().haveSimpleNameNotStartingWith("Bench")
                .should().callMethodWhere(com.tngtech.archunit.core.domain.JavaCall.Predicates.target(
                        com.tngtech.archunit.base.DescribedPredicate.describe("ExplanationService.explain*",
                                t -> t.getOwner().isEquivalentTo(lantern.core.ExplanationService.class)
                                        && t.getName().startsWith("explain"))))
                .check(CLASSES);
    }

    /**
     * The commands are adapters: they parse options, call a core use case and print its api records; their sources name
     * no class of the subject, collection or scoring rooms, imported or fully qualified (issue 20's bar). Read from the
     * sources: ArchUnit sees bytecode, where a call on a value a service returns counts too.
     */
    @Test
    void commandsNameNoClassOfTheSubjectCollectionOrScoringRooms() throws java.io.IOException {
        java.nio.file.Path dir = java.nio.file.Path.of("src/main/java/lantern/service/cli");
        var room = java.util.regex.Pattern.compile("\\blantern\\.(subject|collect|corpus|eval)\\.[\\w.]+");
        java.util.List<String> named = new java.util.ArrayList<>();
        try (var files = java.nio.file.Files.list(dir)) {
            for (var f : files.filter(p -> p.toString().endsWith(".java")).sorted().toList()) {
                var m = room.matcher(java.nio.file.Files.readString(f));
                while (m.find()) named.add(f.getFileName() + ": " + m.group());
            }
        }
        org.assertj.core.api.Assertions.assertThat(named).as("room classes named by the commands").isEmpty();
        org.assertj.core.api.Assertions.assertThat(dir.toFile().list()).as("the commands' sources are read").hasSizeGreaterThan(20);
    }

    @Test
    void indexDoesNotDependOnEval() {
        noClasses().that().resideInAPackage("lantern.index..")
                .should().dependOnClassesThat().resideInAPackage("lantern.eval..")
                .check(CLASSES);
    }

    /**
     * Everything runs models through {@link lantern.subject.HookedModel} (or {@link lantern.subject.EncoderModel} where a
     * sentence embedding is the point): outside the {@code bert} package only the models holder ({@link LoadedModels},
     * behind the registry) names the MiniLM loader and forward pass.
     */
    @Test
    void onlyTheBertPackageAndTheRegistryNameBertModel() {
        noClasses().that().resideOutsideOfPackage("lantern.subject.bert..")
                .and().doNotHaveFullyQualifiedName(LoadedModels.class.getName())
                .should().dependOnClassesThat().haveFullyQualifiedName("lantern.subject.bert.BertModel")
                .check(CLASSES);
    }
}

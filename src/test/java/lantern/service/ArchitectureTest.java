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

package dev.flagward;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.Dependency;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The dependency rule of docs/design.md, checked on the compiled classes (every reference counts, also one written
 * with a fully qualified name): features use the mechanisms ({@code security}, {@code audit}), which use {@code web};
 * a feature uses another feature only through its service (and the types its methods take and give) or through an
 * interface (a port one of them owns); no two
 * packages depend on each other, however indirectly.
 */
class ArchitectureTest {

    static final List<String> FEATURES = List.of("apitoken", "pat", "user", "signal", "license", "instance", "invoice",
            "scope", "health", "credential");

    static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.flagward");

    /** What services take and give (their public methods' parameter and result types): part of the service. */
    static final Set<JavaClass> SERVICE_TYPES = CLASSES.stream()
            .filter(type -> type.getSimpleName().endsWith("Service"))
            .flatMap(service -> service.getMethods().stream())
            .filter(method -> method.getModifiers().contains(JavaModifier.PUBLIC))
            .flatMap(method -> Stream.concat(method.getReturnType().getAllInvolvedRawTypes().stream(),
                    method.getParameterTypes().stream().flatMap(p -> p.getAllInvolvedRawTypes().stream())))
            .collect(Collectors.toSet());

    @Test
    void featuresUseMechanismsWhichUseWeb() {
        layeredArchitecture().consideringOnlyDependenciesInLayers()
                .layer("features")
                .definedBy(FEATURES.stream().map(f -> "dev.flagward." + f + "..").toArray(String[]::new))
                .layer("audit").definedBy("dev.flagward.audit..")
                .layer("security").definedBy("dev.flagward.security..")
                .layer("web").definedBy("dev.flagward.web..")
                .whereLayer("features").mayNotBeAccessedByAnyLayer()
                .whereLayer("audit").mayOnlyBeAccessedByLayers("features")
                .whereLayer("security").mayOnlyBeAccessedByLayers("features", "audit")
                .whereLayer("web").mayOnlyBeAccessedByLayers("features", "audit", "security")
                .check(CLASSES);
    }

    @Test
    void featuresMeetOnlyThroughServicesAndPorts() {
        classes().that()
                .resideInAnyPackage(FEATURES.stream().map(f -> "dev.flagward." + f + "..").toArray(String[]::new))
                .should(new ArchCondition<>("use another feature only through its service or a port") {

                    @Override
                    public void check(JavaClass origin, ConditionEvents events) {
                        for (Dependency dependency : origin.getDirectDependenciesFromSelf()) {
                            JavaClass target = outermost(dependency.getTargetClass());
                            String to = feature(target);
                            if (to != null && !to.equals(feature(origin)) && !target.getSimpleName().endsWith("Service")
                                    && !target.isInterface() && !SERVICE_TYPES.contains(dependency.getTargetClass())) {
                                events.add(SimpleConditionEvent.violated(dependency, dependency.getDescription()));
                            }
                        }
                    }
                })
                .check(CLASSES);
    }

    @Test
    void noCyclesBetweenPackages() {
        slices().matching("dev.flagward.(**)").should().beFreeOfCycles().check(CLASSES);
    }

    private static JavaClass outermost(JavaClass type) {
        JavaClass outer = type.getBaseComponentType();
        while (outer.getEnclosingClass().isPresent()) {
            outer = outer.getEnclosingClass().get();
        }
        return outer;
    }

    private static String feature(JavaClass type) {
        String name = type.getPackageName();
        for (String feature : FEATURES) {
            if (name.equals("dev.flagward." + feature) || name.startsWith("dev.flagward." + feature + ".")) {
                return feature;
            }
        }
        return null;
    }
}

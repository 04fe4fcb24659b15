package dev.flagward.scope;

import com.fasterxml.jackson.annotation.JsonProperty;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.time.Instant;
import java.util.List;

/** Request and response bodies of the projects and environments API (Unleash shapes). */
public final class ScopeApi {

    private ScopeApi() {
    }

    public record CreateProjectRequest(String id, String name, String description) {}

    public record ProjectView(String id, String name, String description, Instant createdAt) {

        static ProjectView of(Project p) {
            return new ProjectView(p.id, p.name, p.description, p.createdAt);
        }
    }

    public record ProjectList(int version, List<ProjectView> projects) {}

    public record CreateEnvironmentRequest(String name, String type, Boolean enabled, Integer sortOrder) {}

    /**
     * An environment as Unleash's environmentSchema has it. {@code protected} (Unleash: an environment that cannot be
     * deleted) is false: Unleash's development and production are not protected either, and Flagward protects none.
     */
    public record EnvironmentView(String name, String type, boolean enabled,
            @JsonProperty("protected") @Schema(required = true) boolean isProtected, int sortOrder, Instant createdAt) {

        static EnvironmentView of(Environment e) {
            return new EnvironmentView(e.name, e.type, e.enabled, false, e.sortOrder, e.createdAt);
        }
    }

    public record EnvironmentList(int version, List<EnvironmentView> environments) {}
}

package dev.flagward.scope;

import dev.flagward.audit.Actor;
import dev.flagward.audit.AuditLog;
import dev.flagward.scope.ScopeApi.CreateEnvironmentRequest;
import dev.flagward.scope.ScopeApi.CreateProjectRequest;
import dev.flagward.scope.ScopeApi.EnvironmentView;
import dev.flagward.scope.ScopeApi.ProjectView;
import dev.flagward.web.ApiException;
import dev.flagward.web.DatabaseErrors;
import dev.flagward.web.Validation;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;

import java.time.Clock;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/** Projects and environments: the scopes API tokens are limited to. */
@ApplicationScoped
public class ScopeService {

    static final Pattern NAME = Pattern.compile("^[A-Za-z0-9_-]{1,100}$");
    public static final String DEFAULT_PROJECT = "default";

    @Inject
    ProjectRepository projects;
    @Inject
    EnvironmentRepository environments;
    @Inject
    Instance<ProjectDeletionListener> deletionListeners;
    @Inject
    AuditLog audit;
    @Inject
    Clock clock;

    public Uni<List<ProjectView>> listProjects() {
        return Panache.withSession(projects::listAllOrdered).map(list -> list.stream().map(ProjectView::of).toList());
    }

    public Uni<List<EnvironmentView>> listEnvironments() {
        return Panache.withSession(environments::listAllOrdered)
                .map(list -> list.stream().map(EnvironmentView::of).toList());
    }

    /** The ids among these that name no project (to be called inside the caller's session). */
    public Uni<Set<String>> unknownProjects(Collection<String> ids) {
        return projects.existingIds(ids).map(found -> {
            Set<String> missing = new HashSet<>(ids);
            found.forEach(missing::remove);
            return missing;
        });
    }

    /** Whether a project with this id exists (in the caller's session, or a new one). */
    public Uni<Boolean> projectExists(String id) {
        return Panache.withSession(() -> projects.findById(id)).map(p -> p != null);
    }

    public Uni<Boolean> environmentExists(String name) {
        return environments.findById(name).map(e -> e != null);
    }

    public Uni<ProjectView> createProject(CreateProjectRequest request, Actor actor) {
        Validation.of(request)
                .requireText(request.id(), "id", 100)
                .matches(request.id(), NAME, "id", "may only contain letters, digits, '_' and '-' (at most 100)")
                .requireText(request.name(), "name", 100)
                .maxLength(request.description(), "description", 1000)
                .orFail();
        return Panache.withTransaction(() -> projects.findById(request.id()).flatMap(existing -> {
            if (existing != null) {
                throw ApiException.nameExists("A project with the id " + request.id() + " already exists.");
            }
            Project project = new Project();
            project.id = request.id();
            project.name = request.name().strip();
            project.description = request.description();
            project.createdAt = clock.instant();
            return projects.persistAndFlush(project);
        }).map(ProjectView::of).call(view -> audit.record("project-created", actor, view, null)))
                .onFailure(DatabaseErrors::isUniqueViolation)
                .transform(e -> ApiException.nameExists("A project with the id " + request.id() + " already exists."));
    }

    /** Deletes a project; tokens scoped to it lose it, and a token left with no project is deleted, never widened. */
    public Uni<Void> deleteProject(String id, Actor actor) {
        if (DEFAULT_PROJECT.equals(id)) {
            return Uni.createFrom()
                    .failure(ApiException.badData("The default project cannot be deleted.", "/params/id"));
        }
        Uni<Void> deleted = Panache.withTransaction(() -> projects.findById(id).flatMap(project -> {
            if (project == null) {
                throw ApiException.notFound("No project with the id " + id + " exists.");
            }
            Uni<Void> chain = Uni.createFrom().voidItem();
            for (ProjectDeletionListener listener : deletionListeners) {
                chain = chain.call(() -> listener.beforeProjectDeleted(id, actor));
            }
            return chain.call(() -> projects.delete(project))
                    .call(() -> audit.record("project-deleted", actor, null, ProjectView.of(project)));
        }));
        for (ProjectDeletionListener listener : deletionListeners) {
            deleted = deleted.call(() -> listener.afterProjectDeleted(id));
        }
        return deleted;
    }

    public Uni<EnvironmentView> createEnvironment(CreateEnvironmentRequest request, Actor actor) {
        Validation.of(request)
                .requireText(request.name(), "name", 100)
                .matches(request.name(), NAME, "name", "may only contain letters, digits, '_' and '-' (at most 100)")
                .requireText(request.type(), "type", 100)
                .orFail();
        return Panache.withTransaction(() -> environments.findById(request.name()).flatMap(existing -> {
            if (existing != null) {
                throw ApiException.nameExists("An environment named " + request.name() + " already exists.");
            }
            Environment environment = new Environment();
            environment.name = request.name();
            environment.type = request.type().strip();
            environment.enabled = request.enabled() == null || request.enabled();
            environment.sortOrder = request.sortOrder() == null ? 1000 : request.sortOrder();
            environment.createdAt = clock.instant();
            return environments.persistAndFlush(environment);
        }).map(EnvironmentView::of).call(view -> audit.record("environment-created", actor, view, null)))
                .onFailure(DatabaseErrors::isUniqueViolation)
                .transform(e -> ApiException.nameExists("An environment named " + request.name() + " already exists."));
    }
}

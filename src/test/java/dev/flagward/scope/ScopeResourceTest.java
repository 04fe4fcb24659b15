package dev.flagward.scope;

import static dev.flagward.support.Api.ADMIN;
import static dev.flagward.support.Api.admin;
import static dev.flagward.support.Api.as;
import static dev.flagward.support.Api.createSecret;
import static dev.flagward.support.Api.createToken;
import static dev.flagward.support.Api.error;
import static dev.flagward.support.Api.json;
import static dev.flagward.support.Api.unique;
import static dev.flagward.support.Api.validate;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.flagward.security.authentication.CredentialFormat;
import dev.flagward.support.Db;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Inject;
import org.hamcrest.Matchers;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

@QuarkusTest
class ScopeResourceTest {

    @Inject
    Pool pool;

    private static String newProject() {
        String id = unique("proj");
        json(ADMIN, Map.of("id", id, "name", "Project " + id, "description", "for tests")).post("/api/admin/projects")
                .then().statusCode(201).header("Location", "/api/admin/projects/" + id)
                .body("id", is(id)).body("name", is("Project " + id));
        return id;
    }

    @Test
    void seededScopesExist() {
        admin().get("/api/admin/projects").then().statusCode(200).body("projects.id", hasItem("default"));
        admin().get("/api/admin/environments").then().statusCode(200)
                .body("environments.name", hasItems("development", "production"));
    }

    /**
     * Unleash's environment schema carries {@code protected}: development and production are not protected in
     * Unleash, and Flagward protects no environment, so every one says false, a created one too.
     */
    @Test
    void environmentsSayWhetherTheyAreProtected() {
        admin().get("/api/admin/environments").then().statusCode(200)
                .body("environments.find { it.name == 'development' }.protected", is(false))
                .body("environments.find { it.name == 'production' }.protected", is(false))
                .body("environments.find { it.name == 'development' }", Matchers.not(Matchers.hasKey("isProtected")));
        String name = unique("env");
        json(ADMIN, Map.of("name", name, "type", "test")).post("/api/admin/environments").then().statusCode(201)
                .body("protected", is(false));
        admin().get("/api/admin/environments").then().body("environments.find { it.name == '" + name + "' }.protected",
                is(false));
    }

    /** Finding 7 of the security review: projects are listed newest first, like every list. */
    @Test
    void projectsAreListedNewestFirst() {
        String older = newProject();
        String newer = newProject();
        List<String> ids = admin().get("/api/admin/projects").then().statusCode(200)
                .extract().jsonPath().getList("projects.id", String.class);
        Assertions.assertEquals(newer, ids.get(0));
        Assertions.assertTrue(ids.indexOf(older) == 1, ids.toString());
        Assertions.assertEquals("default", ids.get(ids.size() - 1));
    }

    @Test
    void projectsAreCreatedOnceAndValidated() {
        String id = newProject();
        error(json(ADMIN, Map.of("id", id, "name", "again")).post("/api/admin/projects").then(), 409,
                "NameExistsError");
        error(json(ADMIN, Map.of("id", "has space", "name", "x")).post("/api/admin/projects").then(), 400,
                "BadDataError")
                .body("details[0].path", is("/body/id"));
        error(json(ADMIN, Map.of("id", unique("p"))).post("/api/admin/projects").then(), 400, "BadDataError")
                .body("details[0].path", is("/body/name"));
        admin().get("/api/admin/projects").then().body("projects.id", hasItem(id));
    }

    @Test
    void environmentsAreCreatedOnce() {
        String name = unique("env");
        json(ADMIN, Map.of("name", name, "type", "staging")).post("/api/admin/environments").then().statusCode(201)
                .body("name", is(name)).body("enabled", is(true));
        error(json(ADMIN, Map.of("name", name, "type", "staging")).post("/api/admin/environments").then(), 409,
                "NameExistsError");
        error(json(ADMIN, Map.of("name", "x.y", "type", "staging")).post("/api/admin/environments").then(), 400,
                "BadDataError");
        // A token can now be bound to it.
        String secret = createSecret(Map.of("environment", name));
        validate(secret).body("tokens[0].environment", is(name));
    }

    @Test
    void deletingAProjectNeverWidensAToken() {
        String project = newProject();
        String only = createSecret(Map.of("projects", List.of(project)));
        var shared = createToken(Map.of("projects", List.of(project, "default")));
        String all = createSecret(Map.of());
        validate(only).body("tokens", hasSize(1));

        admin().delete("/api/admin/projects/{id}", project).then().statusCode(200);

        // The token scoped to that project alone is gone, at once.
        validate(only).body("tokens", empty());
        assertEquals(0, Db.count(pool, "select count(*) from api_tokens where selector = $1",
                CredentialFormat.parse(only).selector()));
        // The token with two projects keeps the other one only: never widened to all.
        admin().get("/api/admin/api-tokens/" + shared.get("tokenName")).then()
                .body("tokens[0].projects", contains("default"));
        validate((String) shared.get("secret")).body("tokens[0].projects", contains("default"));
        validate(all).body("tokens[0].projects", contains("*"));
        admin().get("/api/admin/events?type=project-deleted").then().body("events[0].preData.id", is(project));
        admin().get("/api/admin/projects").then().body("projects.id", Matchers.not(hasItem(project)));
    }

    @Test
    void projectDeletionRules() {
        error(admin().delete("/api/admin/projects/default").then(), 400, "BadDataError");
        error(admin().delete("/api/admin/projects/{id}", unique("missing")).then(), 404, "NotFoundError");
        String sdk = createSecret(Map.of());
        error(as(sdk).delete("/api/admin/projects/default").then(), 403, "ForbiddenError");
    }
}

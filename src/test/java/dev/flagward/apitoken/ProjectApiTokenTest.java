package dev.flagward.apitoken;

import static dev.flagward.support.Api.ADMIN;
import static dev.flagward.support.Api.admin;
import static dev.flagward.support.Api.as;
import static dev.flagward.support.Api.createSecret;
import static dev.flagward.support.Api.error;
import static dev.flagward.support.Api.iso;
import static dev.flagward.support.Api.json;
import static dev.flagward.support.Api.unique;
import static dev.flagward.support.Api.validate;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.flagward.license.LicenseService;
import dev.flagward.security.authentication.CredentialFormat;
import dev.flagward.support.CapturedLog;
import dev.flagward.support.Db;
import dev.flagward.support.Licenses;
import dev.flagward.support.TestClock;
import dev.flagward.support.Users;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Unleash's project API tokens: one project's tokens, through the one token service (SPEC §5.9, issue 21). */
@QuarkusTest
class ProjectApiTokenTest {

    @Inject
    Pool pool;
    @Inject
    TestClock clock;
    @Inject
    LicenseService license;

    private long lastTokenBefore;

    @org.junit.jupiter.api.BeforeEach
    void markTokens() {
        lastTokenBefore = Db.count(pool, "select coalesce(max(id), 0) from api_tokens");
    }

    /** The instance's token limit (150 in tests) is shared by every test class: leave it as found. */
    @AfterEach
    void resetClockAndTokens() {
        clock.reset();
        Db.rows(pool, "delete from api_tokens where id > $1", lastTokenBefore);
    }

    private static String project() {
        String id = unique("proj");
        json(ADMIN, Map.of("id", id, "name", id)).post("/api/admin/projects").then().statusCode(201);
        return id;
    }

    private static String tokens(String project) {
        return "/api/admin/projects/" + project + "/api-tokens";
    }

    private static Map<String, Object> body(Object... pairs) {
        Map<String, Object> body = new HashMap<>();
        body.put("tokenName", unique("pt"));
        body.put("type", "backend");
        for (int i = 0; i < pairs.length; i += 2) {
            body.put((String) pairs[i], pairs[i + 1]);
        }
        return body;
    }

    @Test
    void aProjectTokenBelongsToThatProjectOnlyAndItsSecretIsShownOnceStoredNowhereLoggedNever() {
        String project = project();
        String secret;
        try (CapturedLog log = CapturedLog.open()) {
            var created = json(ADMIN, body("type", "frontend", "environment", "production")).post(tokens(project))
                    .then()
                    .statusCode(201)
                    .header("Location", "api-tokens")
                    .body("projects", contains(project))
                    .body("project", is(project))
                    .body("type", is("frontend"))
                    .body("environment", is("production"))
                    .body("secure", is(true))
                    .extract().jsonPath();
            secret = created.getString("secret");
            assertEquals(project + ":production.", secret.substring(0, secret.indexOf("v2_")));
            validate(secret).body("tokens[0].projects", contains(project)).body("tokens[0].environment",
                    is("production"));
            log.assertNoSecret(secret);
        }
        String selector = CredentialFormat.parse(secret).selector();
        // Listed here and at the instance level, by identifier, never with the secret.
        String listed = admin().get(tokens(project)).then().statusCode(200)
                .body("tokens.secret", contains(selector)).extract().asString();
        assertFalse(listed.contains(secret));
        admin().get("/api/admin/api-tokens").then().body("tokens.secret", hasItem(selector));
        admin().get("/api/admin/events?type=api-token-created&limit=5").then()
                .body("events[0].data.projects", contains(project))
                .body("events[0].data.secret", is(selector));
        Db.assertSecretNotStoredAnywhere(pool, secret);
    }

    @Test
    void theListHoldsTheProjectsTokensAloneOrSharedButNotThoseOfEveryProject() {
        String project = project();
        String other = project();
        String alone = createSecret(Map.of("projects", List.of(project)));
        String shared = createSecret(Map.of("projects", List.of(project, other)));
        createSecret(Map.of("projects", List.of(other)));
        createSecret(Map.of()); // every project
        var list = admin().get(tokens(project)).then().statusCode(200)
                .body("tokens", hasSize(2))
                .body("tokens.secret", containsInAnyOrder(selector(alone), selector(shared)))
                .body("tokens.find { it.secret == '" + selector(shared) + "' }.projects",
                        containsInAnyOrder(project, other))
                .extract();
        // Newest first, and tagged like every token list.
        assertEquals(selector(shared), list.path("tokens[0].secret"));
        String tag = list.header("ETag");
        admin().header("If-None-Match", tag).get(tokens(project)).then().statusCode(304);
        admin().get(tokens(project())).then().statusCode(200).body("tokens", empty());

        error(admin().get(tokens("no-such-project")).then(), 404, "NotFoundError");
    }

    @Test
    void deletingThroughAProjectTakesOnlyATokenOfThatProjectAlone() {
        String project = project();
        String other = project();
        String alone = createSecret(Map.of("projects", List.of(project)));
        String bySelector = createSecret(Map.of("projects", List.of(project)));
        String shared = createSecret(Map.of("projects", List.of(project, other)));
        String everyProject = createSecret(Map.of());
        String othersOnly = createSecret(Map.of("projects", List.of(other)));

        admin().delete(tokens(project) + "/{token}", alone).then().statusCode(200);
        admin().delete(tokens(project) + "/{token}", selector(bySelector)).then().statusCode(200);
        validate(alone, bySelector).body("tokens", empty());
        admin().get("/api/admin/events?type=api-token-deleted&limit=1").then()
                .body("events[0].preData.secret", is(selector(bySelector)));

        // Several projects: not deleted through one of them (Unleash: 400).
        error(admin().delete(tokens(project) + "/{token}", shared).then(), 400, "BadDataError")
                .body("details[0].path", is("/params/token"));
        // Not one of this project's tokens: 404, as Unleash answers (it finds it among the project's tokens or not).
        error(admin().delete(tokens(project) + "/{token}", everyProject).then(), 404, "NotFoundError");
        error(admin().delete(tokens(project) + "/{token}", othersOnly).then(), 404, "NotFoundError");
        error(admin().delete(tokens(project) + "/{token}", "no-such-token").then(), 404, "NotFoundError");
        error(admin().delete(tokens("no-such-project") + "/{token}", othersOnly).then(), 404, "NotFoundError");
        validate(shared, everyProject, othersOnly).body("tokens", hasSize(3));
        // The shared one is deleted where every token is.
        admin().delete("/api/admin/api-tokens/{token}", shared).then().statusCode(200);
        validate(shared).body("tokens", empty());
    }

    @Test
    void editorsManageProjectTokensViewersAndSdkTokensMayNot() {
        String project = project();
        var editor = Users.withRole("Editor");
        var viewer = Users.withRole("Viewer");
        String secret = json(editor.pat(), body()).post(tokens(project)).then().statusCode(201).extract()
                .path("secret");
        as(editor.pat()).get(tokens(project)).then().statusCode(200).body("tokens", hasSize(1));
        RestAssured.given().cookie("unleash-session", editor.cookie()).get(tokens(project)).then().statusCode(200);

        error(as(viewer.pat()).get(tokens(project)).then(), 403, "PermissionError")
                .body("permissions", contains("READ_PROJECT_API_TOKEN"));
        error(json(viewer.pat(), body()).post(tokens(project)).then(), 403, "PermissionError")
                .body("permissions", contains("CREATE_PROJECT_API_TOKEN"));
        error(as(viewer.pat()).delete(tokens(project) + "/{token}", secret).then(), 403, "PermissionError")
                .body("permissions", contains("DELETE_PROJECT_API_TOKEN"));
        for (String sdk : List.of(secret, createSecret(Map.of("type", "frontend")),
                createSecret(Map.of("type", "client")))) {
            error(as(sdk).get(tokens(project)).then(), 403, "ForbiddenError");
            error(json(sdk, body()).post(tokens(project)).then(), 403, "ForbiddenError");
            error(as(sdk).delete(tokens(project) + "/{token}", secret).then(), 403, "ForbiddenError");
        }
        error(as(null).get(tokens(project)).then(), 401, "AuthenticationRequired");
        error(json(null, body()).post(tokens(project)).then(), 401, "AuthenticationRequired");
        error(as(null).delete(tokens(project) + "/{token}", secret).then(), 401, "AuthenticationRequired");
        error(as("*:*.v2_notarealselectorxxxx_nope").get(tokens(project)).then(), 401, "UnauthorizedError");

        as(editor.pat()).delete(tokens(project) + "/{token}", secret).then().statusCode(200);
        validate(secret).body("tokens", empty());
    }

    @Test
    void badInputIsRefusedWithWhereItIsWrong() {
        String project = project();
        error(as(ADMIN).contentType(ContentType.JSON).body("{\"tokenName\": ").post(tokens(project)).then(), 400,
                "BadDataError");
        error(json(ADMIN, Map.of("tokenName", 123, "type", "backend")).post(tokens(project)).then(), 400,
                "BadDataError")
                .body("details[0].path", is("/body/tokenName"));
        error(json(ADMIN, Map.of("tokenName", "x")).post(tokens(project)).then(), 400, "BadDataError")
                .body("details[0].path", is("/body/type"));
        error(json(ADMIN, body("type", "admin")).post(tokens(project)).then(), 400, "BadDataError");
        error(json(ADMIN, body("environment", "no-such-env")).post(tokens(project)).then(), 400, "BadDataError")
                .body("message", startsWith("Environment=no-such-env does not exist. Known: "))
                .body("details[0].path", is("/body/environment"));
        error(json(ADMIN, body("expiresAt", iso(Instant.now().minusSeconds(60)))).post(tokens(project)).then(), 400,
                "BadDataError")
                .body("details[0].path", is("/body/expiresAt"));
        // The body may repeat the project, not name another.
        error(json(ADMIN, body("projects", List.of("default"))).post(tokens(project)).then(), 400, "BadDataError")
                .body("details[0].path", is("/body/projects"));
        error(json(ADMIN, body("projects", List.of(project, "default"))).post(tokens(project)).then(), 400,
                "BadDataError");
        error(json(ADMIN, body("project", "default")).post(tokens(project)).then(), 400, "BadDataError")
                .body("details[0].path", is("/body/project"));
        json(ADMIN, body("projects", List.of(project))).post(tokens(project)).then().statusCode(201);
        json(ADMIN, body("project", project)).post(tokens(project)).then().statusCode(201);
        // A valid body for a project that does not exist.
        error(json(ADMIN, body()).post(tokens("no-such-project")).then(), 404, "NotFoundError");
        error(as(ADMIN).contentType(ContentType.TEXT).body("{}").post(tokens(project)).then(), 415, "ContentTypeError");
    }

    @Test
    void theInstancesTokenLimitCountsProjectTokens() {
        String project = project();
        fillToTheLimit();
        error(json(ADMIN, body()).post("/api/admin/api-tokens").then(), 400, "ExceedsLimitError");
        error(json(ADMIN, body()).post(tokens(project)).then(), 400, "ExceedsLimitError");
        Db.rows(pool, "delete from api_tokens where token_name = 'limit-filler'");
        json(ADMIN, body()).post(tokens(project)).then().statusCode(201);
    }

    @Test
    void readOnlyModeRefusesCreatingButNotRevoking() {
        String project = project();
        String secret = createSecret(Map.of("projects", List.of(project)));
        Licenses.remove(pool, license);
        try {
            json(ADMIN, Map.of("token", Licenses.rs256(Licenses.generous().withTimes(Instant.now().minusSeconds(5),
                    Instant.now().plus(Duration.ofDays(1)))))).post("/api/admin/license").then().statusCode(201);
            clock.advance(Duration.ofDays(20));
            error(json(ADMIN, body()).post(tokens(project)).then(), 403, "LicenseError");
            admin().get(tokens(project)).then().statusCode(200).body("tokens", hasSize(1));
            admin().delete(tokens(project) + "/{token}", secret).then().statusCode(200);
            validate(secret).body("tokens", empty());
        } finally {
            clock.reset();
            Licenses.remove(pool, license);
        }
    }

    @Test
    void deletingTheProjectDeletesItsTokensAsBefore() {
        String project = project();
        String secret = json(ADMIN, body()).post(tokens(project)).then().statusCode(201).extract().path("secret");
        admin().delete("/api/admin/projects/" + project).then().statusCode(200);
        validate(secret).body("tokens", empty());
        error(admin().get(tokens(project)).then(), 404, "NotFoundError");
        admin().get("/api/admin/api-tokens").then().body("tokens.secret", not(hasItem(selector(secret))));
    }

    private static String selector(String secret) {
        return CredentialFormat.parse(secret).selector();
    }

    /** Fills the instance up to its token limit (150 in tests) with rows written directly: the limit counts rows. */
    private void fillToTheLimit() {
        Db.rows(pool,
                "insert into api_tokens (selector, verifier, token_name, type, environment, all_projects, created_at, created_by) "
                        + "select 'limitfiller' || lpad(g::text, 11, '0'), sha256(g::text::bytea), 'limit-filler', 'backend', "
                        + "'development', true, now(), 'test' from generate_series(1, greatest(0, 150 - (select count(*) from api_tokens))) g");
    }
}

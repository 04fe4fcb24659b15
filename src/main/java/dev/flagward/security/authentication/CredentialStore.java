package dev.flagward.security.authentication;

import dev.flagward.security.principal.ApiTokenPrincipal;
import dev.flagward.security.principal.UserPrincipal;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * The cached credentials by selector, and the group index listings read (an API token's name → its selectors, a
 * user's id → the selectors of their PATs and sessions), kept in step under each entry's lock
 * ({@link ConcurrentHashMap#compute}). Memory only: what to store, and when, is {@link CredentialCache}'s decision.
 */
final class CredentialStore {

    /** Newest first, as listings are shown. */
    private static final Comparator<StoredCredential> NEWEST_FIRST = Comparator
            .comparingLong(StoredCredential::createdMicros).reversed()
            .thenComparing(Comparator.comparingLong(StoredCredential::id).reversed());

    private final Map<String, StoredCredential> entries = new ConcurrentHashMap<>();
    /**
     * Group → selectors. Most groups hold one credential (token names are mostly unique), so a group of one is just
     * its selector (the map node is all it costs) and becomes a concurrent set of selectors at its second member.
     */
    private final Map<Object, Object> groups = new ConcurrentHashMap<>();

    StoredCredential get(String selector) {
        return entries.get(selector);
    }

    int size() {
        return entries.size();
    }

    /** Stores or (null) removes an entry, and moves it between groups when its group changed. */
    void put(String selector, StoredCredential next) {
        entries.compute(selector, (key, previous) -> {
            Object before = previous == null ? null : groupOf(previous);
            Object after = next == null ? null : groupOf(next);
            if (before != null && !before.equals(after)) {
                unindex(selector, before);
            }
            if (after != null) {
                index(selector, after);
            }
            return next;
        });
    }

    /** Marks an entry as being reloaded: it stops authenticating, and listings keep showing it meanwhile. */
    void suspend(String selector) {
        entries.computeIfPresent(selector, (key, current) -> current.suspend());
    }

    /** Removes every entry the predicate picks, unless it has been replaced meanwhile (by identity). */
    void removeIf(Predicate<StoredCredential> stale) {
        for (StoredCredential credential : entries.values()) {
            if (stale.test(credential)) {
                entries.computeIfPresent(credential.selector(), (key, current) -> {
                    if (current != credential) {
                        return current;
                    }
                    unindex(key, groupOf(current));
                    return null;
                });
            }
        }
    }

    void advanceSeen(String selector, Instant use) {
        StoredCredential credential = entries.get(selector);
        if (credential != null) {
            credential.advanceSeen(use);
        }
    }

    /** Every entry of this kind, newest first. */
    List<StoredCredential> ofKind(String kind) {
        List<StoredCredential> out = new ArrayList<>();
        for (StoredCredential credential : entries.values()) {
            if (kind.equals(credential.kind())) {
                out.add(credential);
            }
        }
        out.sort(NEWEST_FIRST);
        return out;
    }

    /** The entries of one group (see {@link #groupOf}), newest first. */
    List<StoredCredential> inGroup(Object group) {
        Object members = groups.get(group);
        if (members == null) {
            return List.of();
        }
        @SuppressWarnings("unchecked")
        Collection<String> selectors = members instanceof String single ? List.of(single) : (Set<String>) members;
        List<StoredCredential> out = new ArrayList<>(selectors.size());
        for (String selector : selectors) {
            StoredCredential credential = entries.get(selector);
            if (credential != null && group.equals(groupOf(credential))) {
                out.add(credential);
            }
        }
        out.sort(NEWEST_FIRST);
        return out;
    }

    /**
     * An API token's group is its name (the very string the principal holds, so the index adds no copy of it); a
     * PAT's or session's is its user's id, a {@code Long}. The two key types never collide. Other tokens have none.
     */
    static Object groupOf(StoredCredential credential) {
        if (credential.principal() instanceof ApiTokenPrincipal token) {
            return token.tokenName();
        }
        if (credential.principal() instanceof UserPrincipal user) {
            return user.id();
        }
        return null;
    }

    private void index(String selector, Object group) {
        groups.compute(group, (key, members) -> {
            if (members == null || selector.equals(members)) {
                return selector;
            }
            if (members instanceof String single) {
                Set<String> grown = ConcurrentHashMap.newKeySet();
                grown.add(single);
                grown.add(selector);
                return grown;
            }
            @SuppressWarnings("unchecked")
            Set<String> set = (Set<String>) members;
            set.add(selector);
            return set;
        });
    }

    private void unindex(String selector, Object group) {
        if (group == null) {
            return;
        }
        groups.computeIfPresent(group, (key, members) -> {
            if (members instanceof String single) {
                return single.equals(selector) ? null : single;
            }
            Set<?> set = (Set<?>) members;
            set.remove(selector);
            return set.isEmpty() ? null : set;
        });
    }
}

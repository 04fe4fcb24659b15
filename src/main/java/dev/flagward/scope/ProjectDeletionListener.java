package dev.flagward.scope;

import dev.flagward.audit.Actor;
import io.smallrye.mutiny.Uni;

/**
 * Lets features that scope things to projects clean up inside the transaction that deletes a project, without the
 * scope feature knowing them. The database refuses the delete while anything still references the project.
 */
public interface ProjectDeletionListener {

    Uni<Void> beforeProjectDeleted(String projectId, Actor actor);

    /** After the deleting transaction committed, before the response: settle what this replica holds in memory. */
    default Uni<Void> afterProjectDeleted(String projectId) {
        return Uni.createFrom().voidItem();
    }
}

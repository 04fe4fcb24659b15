package dev.flagward.license;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;

/** An installed license: the token, and the fields derived from its verified claims at installation. */
@Entity
@Table(name = "licenses")
public class License {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    public String token;
    public String customer;
    public String type;
    public String plan;
    @Column(name = "instance_name")
    public String instanceName;
    @Column(name = "instance_id")
    public String instanceId;
    /** Admins and Editors; null: no limit (as for every resource below). */
    public Integer seats;
    @Column(name = "release_templates")
    public Integer releaseTemplates;
    @Column(name = "edge_instances")
    public Integer edgeInstances;
    @Column(name = "read_only_users")
    public Integer readOnlyUsers;
    @Column(name = "issued_at")
    public Instant issuedAt;
    @Column(name = "expires_at")
    public Instant expiresAt;
    @Column(name = "installed_at")
    public Instant installedAt;
    @Column(name = "installed_by")
    public String installedBy;

    /**
     * The one reading of a resource limit (SPEC §7.4), for every rule that reads one: absent means no limit, a number
     * means at most that many, 0 included.
     */
    public static boolean within(Integer limit, long count) {
        return limit == null || count <= limit;
    }
}

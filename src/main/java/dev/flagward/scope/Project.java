package dev.flagward.scope;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;

@Entity
@Table(name = "projects")
public class Project {

    @Id
    public String id;

    public String name;

    public String description;

    @Column(name = "created_at")
    public Instant createdAt;
}

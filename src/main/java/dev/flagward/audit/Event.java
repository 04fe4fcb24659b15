package dev.flagward.audit;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import org.hibernate.annotations.ColumnTransformer;

import java.time.Instant;

/** One audit event. {@code data}/{@code preData} are JSON documents, never containing a secret. */
@Entity
@Table(name = "events")
public class Event {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    public String type;

    @Column(name = "created_at")
    public Instant createdAt;

    @Column(name = "created_by")
    public String createdBy;

    @Column(name = "created_by_user_id")
    public Long createdByUserId;

    public String ip;

    @Column(columnDefinition = "jsonb")
    @ColumnTransformer(read = "data::text", write = "cast(? as text)::jsonb")
    public String data;

    @Column(name = "pre_data", columnDefinition = "jsonb")
    @ColumnTransformer(read = "pre_data::text", write = "cast(? as text)::jsonb")
    public String preData;
}

package bare;

import io.quarkus.hibernate.reactive.panache.PanacheEntity;
import jakarta.persistence.Entity;

/** One entity, so that Hibernate Reactive boots as it does in Flagward. */
@Entity
public class Item extends PanacheEntity {
    public String name;
}

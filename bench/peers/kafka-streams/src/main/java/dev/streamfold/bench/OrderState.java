package dev.streamfold.bench;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * One order as kept in the {@code orders} store: the same fields streamfold keeps per order,
 * including the ids of the events applied to it (the duplicate check). Stored as JSON bytes.
 */
@JsonPropertyOrder({"orderId", "customerId", "status", "currency", "totalCents", "paidCents",
    "appliedEvents", "updatedAt", "eventIds"})
public final class OrderState {
  public String orderId;
  public String customerId;
  public String status;
  public String currency;
  public long totalCents;
  public long paidCents;
  public int appliedEvents;
  public long updatedAt;
  public List<String> eventIds = new ArrayList<>();
}

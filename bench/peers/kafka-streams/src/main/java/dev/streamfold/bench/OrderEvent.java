package dev.streamfold.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;

/** One input event, reduced to the fields the rules need. {@link #parse} returns null when invalid. */
final class OrderEvent {
  enum Type { OrderPlaced, OrderPaid, OrderShipped, OrderCancelled }

  final String eventId;
  final Type type;
  final String orderId;
  final String customerId;
  final long timestamp;
  /** OrderPlaced: the order's currency; OrderPaid: the payment's currency. */
  final String currency;
  final long totalCents;
  final long amountCents;

  private OrderEvent(String eventId, Type type, String orderId, String customerId, long timestamp,
      String currency, long totalCents, long amountCents) {
    this.eventId = eventId;
    this.type = type;
    this.orderId = orderId;
    this.customerId = customerId;
    this.timestamp = timestamp;
    this.currency = currency;
    this.totalCents = totalCents;
    this.amountCents = amountCents;
  }

  static OrderEvent parse(byte[] value, ObjectReader reader) {
    if (value == null || value.length == 0) return null;
    JsonNode doc;
    try {
      doc = reader.readTree(value);
    } catch (Exception e) {
      return null;
    }
    if (doc == null || !doc.isObject()) return null;
    String eventId = text(doc, "eventId");
    String orderId = text(doc, "orderId");
    String customerId = text(doc, "customerId");
    Long timestamp = cents(doc, "timestamp");
    JsonNode typeNode = doc.get("type");
    JsonNode data = doc.get("data");
    if (eventId == null || orderId == null || customerId == null || timestamp == null
        || typeNode == null || !typeNode.isTextual() || data == null || !data.isObject()) {
      return null;
    }
    Type type;
    try {
      type = Type.valueOf(typeNode.textValue());
    } catch (IllegalArgumentException e) {
      return null;
    }
    String currency = null;
    long totalCents = 0;
    long amountCents = 0;
    switch (type) {
      case OrderPlaced -> {
        JsonNode items = data.get("items");
        Long total = cents(data, "totalCents");
        currency = text(data, "currency");
        if (items == null || !items.isArray() || items.isEmpty() || total == null
            || currency == null) {
          return null;
        }
        totalCents = total;
      }
      case OrderPaid -> {
        Long amount = cents(data, "amountCents");
        currency = text(data, "currency");
        if (amount == null || currency == null) return null;
        amountCents = amount;
      }
      default -> { }
    }
    return new OrderEvent(eventId, type, orderId, customerId, timestamp, currency, totalCents,
        amountCents);
  }

  private static String text(JsonNode obj, String field) {
    JsonNode n = obj.get(field);
    return n != null && n.isTextual() && !n.textValue().isEmpty() ? n.textValue() : null;
  }

  /** A non-negative integer that fits a long, or null. */
  private static Long cents(JsonNode obj, String field) {
    JsonNode n = obj.get(field);
    if (n == null || !n.isIntegralNumber() || !n.canConvertToLong() || n.longValue() < 0) {
      return null;
    }
    return n.longValue();
  }
}

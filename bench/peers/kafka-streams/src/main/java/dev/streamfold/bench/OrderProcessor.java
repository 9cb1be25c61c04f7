package dev.streamfold.bench;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.atomic.LongAdder;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The order lifecycle, applied record by record in offset order within a partition. State lives
 * in two logged RocksDB stores of the task, so it is partitioned exactly like the input (no
 * repartition): {@code orders} (orderId to JSON state) and {@code revenue-totals} (currency to
 * cents). Each applied transition forwards one status record.
 */
final class OrderProcessor implements Processor<String, byte[], String, String> {
  static final String ORDERS_STORE = "orders";
  static final String REVENUE_STORE = "revenue-totals";

  /** Outcome counters across all tasks and threads, reported on stderr at exit. */
  static final LongAdder RECORDS = new LongAdder();
  static final LongAdder APPLIED = new LongAdder();
  static final LongAdder DUPLICATES = new LongAdder();
  static final LongAdder ANOMALIES = new LongAdder();
  static final LongAdder INVALID = new LongAdder();

  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final ObjectReader TREE_READER = MAPPER.reader();
  private static final ObjectReader STATE_READER = MAPPER.readerFor(OrderState.class);
  private static final ObjectWriter STATE_WRITER = MAPPER.writerFor(OrderState.class);
  private static final ObjectWriter STATUS_WRITER = MAPPER.writerFor(Status.class);

  /** The status topic's value. */
  @JsonPropertyOrder({"orderId", "status", "previousStatus", "eventId", "timestamp"})
  record Status(String orderId, String status, String previousStatus, String eventId,
      long timestamp) { }

  private ProcessorContext<String, String> context;
  private KeyValueStore<String, byte[]> orders;
  private KeyValueStore<String, Long> revenue;

  @Override
  public void init(ProcessorContext<String, String> context) {
    this.context = context;
    this.orders = context.getStateStore(ORDERS_STORE);
    this.revenue = context.getStateStore(REVENUE_STORE);
  }

  @Override
  public void process(Record<String, byte[]> record) {
    RECORDS.increment();
    OrderEvent event = OrderEvent.parse(record.value(), TREE_READER);
    if (event == null) {
      INVALID.increment();
      return;
    }
    byte[] stored = orders.get(event.orderId);
    OrderState state = stored == null ? null : readState(stored);
    if (state != null && state.eventIds.contains(event.eventId)) {
      DUPLICATES.increment();
      return;
    }

    String previous = state == null ? null : state.status;
    String next = null;
    long revenueDelta = 0;
    if (state == null) {
      if (event.type == OrderEvent.Type.OrderPlaced) {
        state = new OrderState();
        state.orderId = event.orderId;
        state.customerId = event.customerId;
        state.currency = event.currency;
        state.totalCents = event.totalCents;
        state.paidCents = 0;
        next = "placed";
      }
    } else {
      switch (event.type) {
        case OrderPaid -> {
          if ("placed".equals(previous) && state.currency.equals(event.currency)) {
            state.paidCents = event.amountCents;
            revenueDelta = event.amountCents;
            next = "paid";
          }
        }
        case OrderShipped -> {
          if ("paid".equals(previous)) next = "shipped";
        }
        case OrderCancelled -> {
          if ("placed".equals(previous)) {
            next = "cancelled";
          } else if ("paid".equals(previous)) {
            // The order keeps what was paid; the revenue gives it back.
            revenueDelta = -state.paidCents;
            next = "cancelled";
          }
        }
        default -> { }
      }
    }
    if (next == null) {
      ANOMALIES.increment();
      return;
    }

    state.status = next;
    state.appliedEvents += 1;
    state.updatedAt = event.timestamp;
    state.eventIds.add(event.eventId);
    orders.put(event.orderId, writeState(state));
    if (revenueDelta != 0) {
      Long total = revenue.get(state.currency);
      revenue.put(state.currency, (total == null ? 0L : total) + revenueDelta);
    }
    APPLIED.increment();
    String value = writeStatus(
        new Status(event.orderId, next, previous, event.eventId, event.timestamp));
    // Same record timestamp as the input, fresh (empty) headers.
    context.forward(new Record<>(event.orderId, value, record.timestamp()));
  }

  private static OrderState readState(byte[] bytes) {
    try {
      return STATE_READER.readValue(bytes);
    } catch (IOException e) {
      throw new UncheckedIOException("corrupt order state", e);
    }
  }

  private static byte[] writeState(OrderState state) {
    try {
      return STATE_WRITER.writeValueAsBytes(state);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String writeStatus(Status status) {
    try {
      return STATUS_WRITER.writeValueAsString(status);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

package dev.streamfold.bench;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.apache.kafka.streams.state.Stores;

/**
 * Kafka Streams peer of streamfold for the benchmark.
 *
 * <pre>
 * java -jar kafka-streams-peer.jar --bootstrap HOST:PORT --input TOPIC --status TOPIC \
 *     --application-id ID --state-dir DIR [--threads N]
 * </pre>
 *
 * Prints {@code STATE RUNNING} on stdout each time the client becomes RUNNING; everything else
 * goes to stderr. SIGTERM closes the client (30 s at most) and exits 0; a stream thread's
 * uncaught exception shuts the client down and exits 1. Bad arguments exit 2.
 */
public final class PeerApp {
  private static final String SOURCE = "input";
  private static final String PROCESSOR = "order-processor";
  private static final String SINK = "status";
  private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);

  private PeerApp() { }

  public static void main(String[] argv) {
    Map<String, String> args = parseArgs(argv);
    int threads = 2;
    if (args.containsKey("threads")) {
      try {
        threads = Integer.parseInt(args.get("threads"));
      } catch (NumberFormatException e) {
        threads = 0;
      }
      if (threads < 1) usage("--threads must be a positive integer, got: " + args.get("threads"));
    }

    Topology topology = buildTopology(args.get("input"), args.get("status"));
    KafkaStreams streams = new KafkaStreams(topology,
        config(args.get("bootstrap"), args.get("application-id"), args.get("state-dir"), threads));

    // Whoever sets this first (SIGTERM, the shutdown hook or the failure path below) decides
    // how the process ends.
    AtomicBoolean exiting = new AtomicBoolean(false);
    CountDownLatch stopped = new CountDownLatch(1);

    streams.setStateListener((next, previous) -> {
      if (next == KafkaStreams.State.RUNNING) {
        System.out.println("STATE RUNNING");
        System.out.flush();
      } else {
        System.err.println("state " + previous + " -> " + next);
      }
      if (next == KafkaStreams.State.ERROR || next == KafkaStreams.State.NOT_RUNNING) {
        stopped.countDown();
      }
    });
    streams.setUncaughtExceptionHandler(e -> {
      System.err.println("uncaught exception in a stream thread, shutting down: " + e);
      e.printStackTrace(System.err);
      return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
    });

    // SIGTERM: close, then exit 0. A JVM left to its default handler would exit 143; exiting
    // normally (not halting) also lets RocksDB delete the native library it unpacked to tmp.
    Runnable stop = () -> {
      if (!exiting.compareAndSet(false, true)) return;
      close(streams);
      System.exit(0);
    };
    try {
      sun.misc.Signal.handle(new sun.misc.Signal("TERM"), signal -> stop.run());
    } catch (Throwable e) {
      System.err.println("cannot handle SIGTERM directly (" + e + "); relying on the shutdown hook");
    }
    // Any other way out (SIGINT, SIGHUP, ...) still closes the client before the JVM ends.
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      if (exiting.compareAndSet(false, true)) close(streams);
    }, "peer-shutdown"));

    try {
      streams.start();
      stopped.await();
    } catch (Throwable e) {
      System.err.println("failed: " + e);
      e.printStackTrace(System.err);
    }
    // Reached when the client stopped without being asked to (ERROR), or start() failed.
    if (!exiting.compareAndSet(false, true)) return; // a requested stop owns the exit
    close(streams);
    System.exit(1);
  }

  private static void close(KafkaStreams streams) {
    if (!streams.close(CLOSE_TIMEOUT)) {
      System.err.println("close timed out after " + CLOSE_TIMEOUT.toSeconds() + " s");
    }
    printCounts();
  }

  static Topology buildTopology(String inputTopic, String statusTopic) {
    Topology topology = new Topology();
    topology.addSource(SOURCE, new StringDeserializer(), new ByteArrayDeserializer(), inputTopic);
    topology.addProcessor(PROCESSOR, OrderProcessor::new, SOURCE);
    // Persistent (RocksDB) stores, changelogged, no record cache: every put reaches the
    // changelog. revenue-totals' changelog carries currency (UTF-8) -> 8-byte big-endian long.
    topology.addStateStore(Stores.keyValueStoreBuilder(
            Stores.persistentKeyValueStore(OrderProcessor.ORDERS_STORE),
            Serdes.String(), Serdes.ByteArray())
        .withLoggingEnabled(Map.of())
        .withCachingDisabled(), PROCESSOR);
    topology.addStateStore(Stores.keyValueStoreBuilder(
            Stores.persistentKeyValueStore(OrderProcessor.REVENUE_STORE),
            Serdes.String(), Serdes.Long())
        .withLoggingEnabled(Map.of())
        .withCachingDisabled(), PROCESSOR);
    topology.addSink(SINK, statusTopic, new StringSerializer(), new StringSerializer(), PROCESSOR);
    return topology;
  }

  static Properties config(String bootstrap, String applicationId, String stateDir, int threads) {
    Properties p = new Properties();
    p.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
    p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir);
    p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, threads);
    // streamfold's protocol is at-least-once with per-batch commits.
    p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.AT_LEAST_ONCE);
    // No record cache: every store update goes to the changelog, every status to the sink.
    p.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, 0L);
    p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 1000);
    p.put(StreamsConfig.producerPrefix(ProducerConfig.LINGER_MS_CONFIG), 5);
    p.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
    return p;
  }

  private static final String[] REQUIRED = {"bootstrap", "input", "status", "application-id",
      "state-dir"};
  private static final String[] OPTIONAL = {"threads"};

  static Map<String, String> parseArgs(String[] argv) {
    Map<String, String> args = new LinkedHashMap<>();
    for (int i = 0; i < argv.length; i++) {
      String flag = argv[i];
      if (!flag.startsWith("--") || !known(flag.substring(2))) usage("unknown argument: " + flag);
      if (i + 1 >= argv.length || argv[i + 1].isEmpty()) usage("missing value for " + flag);
      args.put(flag.substring(2), argv[++i]);
    }
    for (String name : REQUIRED) {
      if (!args.containsKey(name)) usage("missing argument: --" + name);
    }
    return args;
  }

  private static boolean known(String name) {
    for (String n : REQUIRED) if (n.equals(name)) return true;
    for (String n : OPTIONAL) if (n.equals(name)) return true;
    return false;
  }

  private static void usage(String problem) {
    System.err.println(problem);
    System.err.println("usage: kafka-streams-peer --bootstrap HOST:PORT --input TOPIC"
        + " --status TOPIC --application-id ID --state-dir DIR [--threads N]");
    System.exit(2);
  }

  private static void printCounts() {
    System.err.printf("records=%d applied=%d duplicates=%d anomalies=%d invalid=%d%n",
        OrderProcessor.RECORDS.sum(), OrderProcessor.APPLIED.sum(),
        OrderProcessor.DUPLICATES.sum(), OrderProcessor.ANOMALIES.sum(),
        OrderProcessor.INVALID.sum());
    System.err.flush();
  }
}

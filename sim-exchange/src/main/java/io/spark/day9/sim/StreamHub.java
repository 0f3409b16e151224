package io.spark.day9.sim;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.api.StatusCode;
import org.eclipse.jetty.websocket.api.WebSocketListener;
import org.eclipse.jetty.websocket.api.WebSocketPingPongListener;
import org.eclipse.jetty.websocket.api.WriteCallback;
import org.eclipse.jetty.websocket.server.JettyServerUpgradeRequest;
import org.eclipse.jetty.websocket.server.JettyWebSocketServlet;
import org.eclipse.jetty.websocket.server.JettyWebSocketServletFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The WebSocket side: Binance's combined ({@code /stream?streams=a/b}, messages
 * {@code {"stream":..,"data":..}}) and raw ({@code /ws/a/b}, the payload alone) endpoints, live
 * SUBSCRIBE / UNSUBSCRIBE / LIST_SUBSCRIPTIONS requests, server pings, pong tracking and the
 * connection age limit.
 *
 * <p>It runs on Jetty's WebSocket API directly (mapped beside Javalin's servlet) because
 * Javalin's handler does not report pong frames.
 *
 * <p>Threading: {@link #broadcast} is called from the single market thread, so messages go out
 * in step order; sends are asynchronous (Jetty queues frames per connection), so a slow client
 * never blocks the market. Connection timers run on the shared scheduler; their clock is the
 * injected monotonic ticker.
 */
final class StreamHub {
  private static final Logger log = LoggerFactory.getLogger(StreamHub.class);
  private static final WriteCallback NOOP = new WriteCallback() { };

  private final SimConfig config;
  private volatile SimFaults faults;
  private final ObjectMapper json;
  private final ScheduledExecutorService scheduler;
  private final LongSupplier nanoTicker;
  private final Set<Conn> conns = ConcurrentHashMap.newKeySet();
  private final java.util.concurrent.atomic.AtomicLong pongTimeouts =
      new java.util.concurrent.atomic.AtomicLong();
  private final java.util.concurrent.atomic.AtomicLong ageCloses =
      new java.util.concurrent.atomic.AtomicLong();

  StreamHub(SimConfig config, ObjectMapper json, ScheduledExecutorService scheduler,
            LongSupplier nanoTicker) {
    this.config = config;
    this.json = json;
    this.scheduler = scheduler;
    this.nanoTicker = nanoTicker;
  }

  void faults(SimFaults f) {
    faults = f;
  }

  int connections() {
    return conns.size();
  }

  long pongTimeouts() {
    return pongTimeouts.get();
  }

  long ageCloses() {
    return ageCloses.get();
  }

  /** The servlet to map at {@code /stream} and {@code /ws/*}. */
  JettyWebSocketServlet servlet() {
    return new JettyWebSocketServlet() {
      private static final long serialVersionUID = 1L;

      @Override
      protected void configure(JettyWebSocketServletFactory factory) {
        // we close connections ourselves (pong timeout, age); Jetty's idle timer must not
        factory.setIdleTimeout(config.maxConnectionAge().plus(config.pongTimeout())
            .plus(Duration.ofMinutes(1)));
        factory.setCreator((req, resp) -> create(req));
      }
    };
  }

  private Conn create(JettyServerUpgradeRequest req) {
    String path = req.getRequestPath();
    List<String> names = new ArrayList<>();
    boolean combined;
    if (path.startsWith("/ws/")) {
      combined = false;
      names.addAll(List.of(path.substring(4).split("/")));
    } else {
      combined = true;
      List<String> p = req.getParameterMap().get("streams");
      if (p != null && !p.isEmpty()) {
        names.addAll(List.of(p.get(0).split("/")));
      }
    }
    names.removeIf(String::isBlank);
    return new Conn(combined, names);
  }

  /** Sends one market step's messages to their subscribers, applying the stream faults. */
  void broadcast(List<Market.Outgoing> messages) {
    if (messages.isEmpty()) {
      return;
    }
    SimFaults f = faults;
    if (f.silent()) {
      f.countSilenced(messages.size());
      return;
    }
    for (Market.Outgoing m : messages) {
      int copies = m.kind() == Market.Kind.DEPTH ? f.depthCopies(m.symbol()) : 1;
      if (copies == 0) {
        continue;
      }
      String stream = m.stream();
      String combinedText = null;
      String rawText = null;
      for (Conn c : conns) {
        if (!c.streams.contains(stream)) {
          continue;
        }
        String text;
        if (c.combined) {
          if (combinedText == null) {
            Map<String, Object> env = new LinkedHashMap<>();
            env.put("stream", stream);
            env.put("data", m.data());
            combinedText = write(env);
          }
          text = combinedText;
        } else {
          if (rawText == null) {
            rawText = write(m.data());
          }
          text = rawText;
        }
        for (int i = 0; i < copies; i++) {
          c.send(text);
        }
      }
    }
  }

  /** Pings every connection and drops those whose last pong is older than the timeout. */
  void pingAll() {
    long now = nanoTicker.getAsLong();
    long timeout = config.pongTimeout().toNanos();
    for (Conn c : conns) {
      Session s = c.session;
      if (s == null) {
        continue;
      }
      if (now - c.lastPongNanos > timeout) {
        pongTimeouts.incrementAndGet();
        log.info("sim ws: no pong for {} ms, dropping {}", (now - c.lastPongNanos) / 1_000_000,
            s.getRemoteAddress());
        s.disconnect();
        conns.remove(c);
        continue;
      }
      s.getRemote().sendPing(ByteBuffer.wrap(Long.toString(now).getBytes(
          java.nio.charset.StandardCharsets.US_ASCII)), NOOP);
    }
  }

  /** Cuts every connection without a close handshake; returns how many. */
  int dropAll() {
    int n = 0;
    for (Conn c : conns) {
      Session s = c.session;
      conns.remove(c);
      if (s != null) {
        s.disconnect();
        n++;
      }
    }
    log.info("sim ws: dropped {} connection(s)", n);
    return n;
  }

  /** Closes every connection normally (shutdown). */
  void closeAll() {
    for (Conn c : conns) {
      Session s = c.session;
      if (s != null) {
        s.close(StatusCode.SHUTDOWN, "exchange stopping");
      }
    }
    conns.clear();
  }

  private String write(Object o) {
    try {
      return json.writeValueAsString(o);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialise " + o, e);
    }
  }

  /** One client connection. */
  final class Conn implements WebSocketListener, WebSocketPingPongListener {
    final boolean combined;
    final Set<String> streams = ConcurrentHashMap.newKeySet();
    volatile Session session;
    volatile long lastPongNanos;
    private ScheduledFuture<?> ageTimer;

    Conn(boolean combined, List<String> names) {
      this.combined = combined;
      // Binance stream names are lower-case; an upper-case name simply never matches
      streams.addAll(names);
    }

    void send(String text) {
      Session s = session;
      if (s != null && s.isOpen()) {
        s.getRemote().sendString(text, NOOP);
      }
    }

    @Override
    public void onWebSocketConnect(Session s) {
      session = s;
      lastPongNanos = nanoTicker.getAsLong();
      conns.add(this);
      ageTimer = scheduler.schedule(this::closeForAge, config.maxConnectionAge().toMillis(),
          TimeUnit.MILLISECONDS);
      log.info("sim ws: connected {} streams={}", s.getRemoteAddress(), streams);
    }

    private void closeForAge() {
      Session s = session;
      if (s == null || !s.isOpen()) {
        return;
      }
      ageCloses.incrementAndGet();
      conns.remove(this);
      log.info("sim ws: closing {} at max connection age {}", s.getRemoteAddress(),
          config.maxConnectionAge());
      s.close(StatusCode.NORMAL, "max connection age");
      // a client that never answers the close frame is cut shortly after
      scheduler.schedule(() -> {
        if (s.isOpen()) {
          s.disconnect();
        }
      }, 2, TimeUnit.SECONDS);
    }

    @Override
    public void onWebSocketClose(int statusCode, String reason) {
      conns.remove(this);
      if (ageTimer != null) {
        ageTimer.cancel(false);
      }
      session = null;
    }

    @Override
    public void onWebSocketError(Throwable cause) {
      log.debug("sim ws: error {}", cause.toString());
    }

    @Override
    public void onWebSocketBinary(byte[] payload, int offset, int len) {
      // Binance ignores binary frames from clients
    }

    @Override
    public void onWebSocketText(String message) {
      JsonNode req;
      try {
        req = json.readTree(message);
      } catch (JsonProcessingException e) {
        send("{\"error\":{\"code\":3,\"msg\":\"Invalid JSON\"}}");
        return;
      }
      JsonNode id = req.get("id");
      String method = req.path("method").asText("");
      Map<String, Object> resp = new LinkedHashMap<>();
      switch (method) {
        case "SUBSCRIBE", "UNSUBSCRIBE" -> {
          for (JsonNode p : req.path("params")) {
            if (method.equals("SUBSCRIBE")) {
              streams.add(p.asText());
            } else {
              streams.remove(p.asText());
            }
          }
          resp.put("result", null);
        }
        case "LIST_SUBSCRIPTIONS" -> resp.put("result", new ArrayList<>(streams));
        default -> {
          resp.put("error", Map.of("code", 2, "msg", "Invalid request: unknown method"));
        }
      }
      resp.put("id", id == null ? null : json.convertValue(id, Object.class));
      send(write(resp));
    }

    @Override
    public void onWebSocketPing(ByteBuffer payload) {
      Session s = session;
      if (s != null) {
        ByteBuffer copy = ByteBuffer.allocate(payload.remaining());
        copy.put(payload.duplicate()).flip();
        s.getRemote().sendPong(copy, NOOP);
      }
    }

    @Override
    public void onWebSocketPong(ByteBuffer payload) {
      lastPongNanos = nanoTicker.getAsLong();
    }
  }
}

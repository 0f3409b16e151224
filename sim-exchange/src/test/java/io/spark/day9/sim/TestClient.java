package io.spark.day9.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** A minimal Binance-style client over java.net.http, for the tests. */
final class TestClient {
  static final ObjectMapper JSON = new ObjectMapper();
  final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  final SimExchange sim;
  String apiKey = SimConfig.DEFAULT_API_KEY;
  String secret = SimConfig.DEFAULT_API_SECRET;
  long timestampMs;
  boolean useTimestamp;

  TestClient(SimExchange sim) {
    this.sim = sim;
  }

  record Reply(int status, JsonNode body, HttpResponse<String> raw) {
    String header(String name) {
      return raw.headers().firstValue(name).orElse(null);
    }

    int code() {
      return body.path("code").asInt();
    }
  }

  Reply get(String pathAndQuery) {
    return send(HttpRequest.newBuilder(URI.create(sim.restUrl() + pathAndQuery)).GET());
  }

  /** A signed call with params in the query string (timestamp added, then signature). */
  Reply signed(String method, String path, String params) {
    long ts = useTimestamp ? timestampMs : System.currentTimeMillis();
    String total = (params.isEmpty() ? "" : params + "&") + "timestamp=" + ts;
    String sig = RestApi.hmacHex(secret, total);
    HttpRequest.Builder b = HttpRequest.newBuilder(
            URI.create(sim.restUrl() + path + "?" + total + "&signature=" + sig))
        .method(method, HttpRequest.BodyPublishers.noBody());
    if (apiKey != null) {
      b.header("X-MBX-APIKEY", apiKey);
    }
    return send(b);
  }

  /** A signed POST with params in a form body, as most Binance clients send orders. */
  Reply signedForm(String method, String path, String params) {
    long ts = useTimestamp ? timestampMs : System.currentTimeMillis();
    String total = params + "&timestamp=" + ts;
    String sig = RestApi.hmacHex(secret, total);
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(sim.restUrl() + path))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .method(method, HttpRequest.BodyPublishers.ofString(total + "&signature=" + sig));
    if (apiKey != null) {
      b.header("X-MBX-APIKEY", apiKey);
    }
    return send(b);
  }

  Reply send(HttpRequest.Builder b) {
    try {
      HttpResponse<String> r = http.send(b.timeout(Duration.ofSeconds(10)).build(),
          HttpResponse.BodyHandlers.ofString());
      JsonNode body = r.body().isEmpty() ? JSON.nullNode() : JSON.readTree(r.body());
      return new Reply(r.statusCode(), body, r);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Opens {@code ws://.../path} and collects every text message. */
  Ws ws(String path) {
    Ws ws = new Ws();
    ws.socket = http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5))
        .buildAsync(URI.create(sim.wsUrl() + path), ws).orTimeout(10, TimeUnit.SECONDS).join();
    return ws;
  }

  static final class Ws implements WebSocket.Listener {
    final LinkedBlockingQueue<JsonNode> messages = new LinkedBlockingQueue<>();
    final AtomicInteger pings = new AtomicInteger();
    final CompletableFuture<Integer> closed = new CompletableFuture<>();
    private final StringBuilder partial = new StringBuilder();
    WebSocket socket;

    @Override
    public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
      partial.append(data);
      if (last) {
        try {
          messages.add(JSON.readTree(partial.toString()));
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
        partial.setLength(0);
      }
      ws.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onPing(WebSocket ws, ByteBuffer message) {
      pings.incrementAndGet();
      return WebSocket.Listener.super.onPing(ws, message);
    }

    @Override
    public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
      closed.complete(statusCode);
      return null;
    }

    @Override
    public void onError(WebSocket ws, Throwable error) {
      closed.complete(-1);
    }

    JsonNode next() {
      try {
        JsonNode n = messages.poll(10, TimeUnit.SECONDS);
        if (n == null) {
          throw new AssertionError("no WebSocket message within 10 s");
        }
        return n;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }

    /** Next message whose stream (combined) ends with {@code suffix}. */
    JsonNode next(String suffix) {
      while (true) {
        JsonNode n = next();
        if (n.path("stream").asText().endsWith(suffix)) {
          return n;
        }
      }
    }

    List<JsonNode> drain() {
      List<JsonNode> out = new ArrayList<>();
      messages.drainTo(out);
      return out;
    }

    void close() {
      if (!socket.isOutputClosed()) {
        socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye");
      }
      socket.abort();
    }
  }
}

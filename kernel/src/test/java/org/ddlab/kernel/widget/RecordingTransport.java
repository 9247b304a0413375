package org.ddlab.kernel.widget;

import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** A transport that keeps what it is asked to send, in order, and serves a request id of the test's choosing. */
final class RecordingTransport implements CommTransport {

    record Sent(String type, String commId, String target, JsonObject data, Map<String, Object> metadata) {
        Sent(String type, String commId, String target, JsonObject data) {
            this(type, commId, target, data, Map.of());
        }
    }

    final List<Sent> sent = new ArrayList<>();
    String parent = "request-1";
    int flushes;

    @Override
    public void open(String commId, String target, JsonObject data, Map<String, Object> metadata) {
        sent.add(new Sent("comm_open", commId, target, data.deepCopy(), Map.copyOf(metadata)));
    }

    @Override
    public void send(String commId, JsonObject data) {
        sent.add(new Sent("comm_msg", commId, null, data.deepCopy()));
    }

    @Override
    public void close(String commId) {
        sent.add(new Sent("comm_close", commId, null, new JsonObject()));
    }

    @Override
    public void clearOutput(boolean wait) {
        JsonObject d = new JsonObject();
        d.addProperty("wait", wait);
        sent.add(new Sent("clear_output", null, null, d));
    }

    @Override
    public String parentMessageId() {
        return parent;
    }

    @Override
    public void flushStreams() {
        flushes++;
    }

    List<Sent> of(String type) {
        return sent.stream().filter(s -> s.type().equals(type)).toList();
    }
}

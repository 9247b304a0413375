package org.ddlab.kernel.widget;

import com.google.gson.JsonObject;
import java.util.Map;

/**
 * How widgets reach the frontend: Jupyter's comm messages on IOPub, sent as part of the request
 * the kernel is serving (a cell's execute_request, or the comm_msg a callback answers). The kernel
 * implements it over jjava's comm manager; tests record the messages.
 */
public interface CommTransport {

    /** Sends comm_open for a new comm on the target, with the message's metadata. */
    void open(String commId, String target, JsonObject data, Map<String, Object> metadata);

    /** Sends comm_msg on an open comm. */
    void send(String commId, JsonObject data);

    /** Sends comm_close. */
    void close(String commId);

    /** Sends clear_output as part of the request being served; with wait, the frontend clears when the next output arrives. */
    void clearOutput(boolean wait);

    /** The msg_id of the request being served, or null when the kernel serves none. */
    String parentMessageId();

    /** Sends what the cell or callback printed so far, so that it goes out before the next message. */
    void flushStreams();
}

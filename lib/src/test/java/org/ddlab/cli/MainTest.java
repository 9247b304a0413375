package org.ddlab.cli;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MainTest {

    private record Run(int code, String out, String err) {
    }

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int code = cl.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void helpListsTheCommands() {
        Run r = run("--help");
        assertEquals(0, r.code());
        assertTrue(r.out().contains("info"), r.out());
    }

    @Test
    void infoAsJsonNamesEngineDeviceAndThreads() {
        Run r = run("info", "--json");
        assertEquals(0, r.code(), r.err());
        JsonObject o = JsonParser.parseString(r.out().trim()).getAsJsonObject();
        assertEquals("PyTorch", o.get("engine").getAsString());
        assertTrue(o.get("threads").getAsInt() >= 1, r.out());
        assertTrue(o.has("device") && o.has("Fashion-MNIST"), r.out());
    }

    @Test
    void missingOrUnknownCommandIsAUsageError() {
        Run none = run();
        assertNotEquals(0, none.code());
        assertTrue(none.err().contains("Missing command"), none.err());
        Run bad = run("frobnicate");
        assertNotEquals(0, bad.code());
        assertTrue(bad.err().contains("frobnicate"), bad.err());
    }
}

package org.ddlab.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.engine.Engine;
import org.junit.jupiter.api.Test;

class DevicesTest {

    private final Engine engine = Engine.getInstance();

    @Test
    void unsetMeansTheEngineDefault() {
        assertEquals(engine.defaultDevice(), Devices.resolve(null, engine));
        assertEquals(engine.defaultDevice(), Devices.resolve(" ", engine));
    }

    @Test
    void cpuCanAlwaysBeForced() {
        assertEquals(Device.cpu(), Devices.resolve("CPU", engine));
    }

    @Test
    void gpuWithoutOneSaysHowToGetIt() {
        if (engine.getGpuCount() > 0) {
            assertEquals(Device.gpu(), Devices.resolve("gpu", engine));
            return;
        }
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Devices.resolve("gpu", engine));
        assertTrue(e.getMessage().contains("-Pcuda"), e.getMessage());
    }

    @Test
    void nonsenseIsRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Devices.resolve("tpu", engine));
        assertTrue(e.getMessage().contains("use cpu or gpu"), e.getMessage());
    }
}

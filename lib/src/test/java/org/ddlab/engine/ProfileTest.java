package org.ddlab.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ProfileTest {

    @Test
    void parsesNamesCaseInsensitivelyAndDefaultsWhenUnset() {
        assertEquals(Profile.QUICK, Profile.parse("quick"));
        assertEquals(Profile.FULL, Profile.parse(" FULL "));
        assertEquals(Profile.DEFAULT, Profile.parse(null));
        assertEquals(Profile.DEFAULT, Profile.parse(""));
    }

    @Test
    void unknownNameSaysWhatIsAllowed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Profile.parse("fast"));
        assertTrue(e.getMessage().contains("DDLAB_PROFILE='fast'"), e.getMessage());
        assertTrue(e.getMessage().contains("[quick, default, full]"), e.getMessage());
    }

    @Test
    void picksThePerProfileValue() {
        assertEquals(2, Profile.QUICK.pick(2, 20, 200));
        assertEquals(20, Profile.DEFAULT.pick(2, 20, 200));
        assertEquals("f", Profile.FULL.pick("q", "d", "f"));
    }
}

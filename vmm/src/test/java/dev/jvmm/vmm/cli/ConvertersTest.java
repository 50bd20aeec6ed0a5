package dev.jvmm.vmm.cli;

import org.junit.jupiter.api.Test;
import picocli.CommandLine.TypeConversionException;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ConvertersTest {
    private final Sizes sizes = new Sizes();
    private final Durations durations = new Durations();

    @Test
    void sizesUseBinaryUnits() {
        assertEquals(4096L, sizes.convert("4096"));
        assertEquals(64L << 10, sizes.convert("64k"));
        assertEquals(128L << 20, sizes.convert("128M"));
        assertEquals(128L << 20, sizes.convert("128MiB"));
        assertEquals(1L << 30, sizes.convert("1G"));
        assertEquals(2L << 30, sizes.convert(" 2gb "));
        for (String bad : new String[]{"", "M", "-1M", "0", "1.5G", "12Q", "99999999999999999999G"}) {
            assertThrows(TypeConversionException.class, () -> sizes.convert(bad), bad);
        }
    }

    @Test
    void durationsDefaultToSeconds() {
        assertEquals(Duration.ofSeconds(10), durations.convert("10"));
        assertEquals(Duration.ofMillis(500), durations.convert("500ms"));
        assertEquals(Duration.ofMillis(1500), durations.convert("1.5s"));
        assertEquals(Duration.ofMinutes(2), durations.convert("2m"));
        assertEquals(Duration.ofHours(1), durations.convert("1h"));
        for (String bad : new String[]{"", "soon", "-1s", "0", "0.1ms", "5d"}) {
            assertThrows(TypeConversionException.class, () -> durations.convert(bad), bad);
        }
        assertEquals("500ms", Durations.format(Duration.ofMillis(500)));
        assertEquals("3s", Durations.format(Duration.ofSeconds(3)));
    }
}

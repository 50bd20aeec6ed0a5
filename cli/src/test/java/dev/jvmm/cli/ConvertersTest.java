package dev.jvmm.cli;

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
        assertEquals(2L << 20, sizes.convert("2097152"));
        assertEquals(4096L << 10, sizes.convert("4096k"));
        assertEquals(128L << 20, sizes.convert("128M"));
        assertEquals(128L << 20, sizes.convert("128MiB"));
        assertEquals(1L << 30, sizes.convert("1G"));
        assertEquals(2L << 30, sizes.convert(" 2gb "));
        for (String bad : new String[]{"", "M", "-1M", "1.5G", "12Q", "99999999999999999999G"}) {
            assertEquals("'" + bad + "' is not a size (examples: 64M, 1G, 1048576)",
                    assertThrows(TypeConversionException.class, () -> sizes.convert(bad), bad).getMessage());
        }
    }

    @Test
    void sizesOutsideTheGuestMemoryRangeSayTheRange() {
        for (String bad : new String[]{"0", "1M", "1T", "4G", "4097k", "3073M"}) {
            assertEquals("'" + bad + "' is out of range: guest memory is 2M to 3G, a multiple of 4K",
                    assertThrows(TypeConversionException.class, () -> sizes.convert(bad), bad).getMessage());
        }
        assertEquals(3L << 30, sizes.convert("3G"));
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

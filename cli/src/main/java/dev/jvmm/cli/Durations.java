package dev.jvmm.cli;

import picocli.CommandLine;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses durations: a number with ms, s, m or h; a bare number means seconds. */
final class Durations implements CommandLine.ITypeConverter<Duration> {
    private static final Pattern DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ms|s|m|h)?");

    @Override
    public Duration convert(String text) {
        Matcher m = DURATION.matcher(text.strip());
        if (!m.matches()) {
            throw new CommandLine.TypeConversionException("'" + text + "' is not a duration (examples: 500ms, 10s, 2m)");
        }
        double amount = Double.parseDouble(m.group(1));
        String unit = m.group(2) == null ? "s" : m.group(2);
        double millis = amount * switch (unit) {
            case "ms" -> 1;
            case "m" -> 60_000;
            case "h" -> 3_600_000;
            default -> 1000;
        };
        if (millis < 1 || millis > Long.MAX_VALUE / 2) {
            throw new CommandLine.TypeConversionException("'" + text + "' is out of range (at least 1ms)");
        }
        return Duration.ofMillis((long) millis);
    }

    static String format(Duration duration) {
        return duration.toMillis() % 1000 == 0 ? duration.toSeconds() + "s" : duration.toMillis() + "ms";
    }
}

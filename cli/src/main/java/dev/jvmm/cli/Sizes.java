package dev.jvmm.cli;

import dev.jvmm.vmm.memory.GuestMemory;
import picocli.CommandLine;

import java.util.Locale;

/**
 * Parses {@code --memory}: a number of bytes, or a number with K, M, G or T (binary units,
 * case-insensitive), within the guest memory range {@link GuestMemory} supports.
 */
final class Sizes implements CommandLine.ITypeConverter<Long> {
    static final String RANGE = "guest memory is " + (GuestMemory.MIN_SIZE >> 20) + "M to " + (GuestMemory.MAX_SIZE >> 30)
            + "G, a multiple of 4K";

    @Override
    public Long convert(String text) {
        String value = text.strip().toUpperCase(Locale.ROOT).replaceFirst("I?B$", "");
        int shift = switch (value.isEmpty() ? ' ' : value.charAt(value.length() - 1)) {
            case 'K' -> 10;
            case 'M' -> 20;
            case 'G' -> 30;
            case 'T' -> 40;
            default -> 0;
        };
        String digits = shift == 0 ? value : value.substring(0, value.length() - 1);
        long size;
        try {
            long number = Long.parseLong(digits);
            if (number < 0 || number > (Long.MAX_VALUE >> shift)) {
                throw new NumberFormatException();
            }
            size = number << shift;
        } catch (NumberFormatException e) {
            throw new CommandLine.TypeConversionException("'" + text + "' is not a size (examples: 64M, 1G, 1048576)");
        }
        if (size < GuestMemory.MIN_SIZE || size > GuestMemory.MAX_SIZE || size % 4096 != 0) {
            throw new CommandLine.TypeConversionException("'" + text + "' is out of range: " + RANGE);
        }
        return size;
    }
}

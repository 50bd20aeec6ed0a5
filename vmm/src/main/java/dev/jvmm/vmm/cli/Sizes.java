package dev.jvmm.vmm.cli;

import picocli.CommandLine;

import java.util.Locale;

/** Parses memory sizes: a number of bytes, or a number with K, M or G (binary units, case-insensitive). */
final class Sizes implements CommandLine.ITypeConverter<Long> {
    @Override
    public Long convert(String text) {
        String value = text.strip().toUpperCase(Locale.ROOT).replaceFirst("I?B$", "");
        int shift = switch (value.isEmpty() ? ' ' : value.charAt(value.length() - 1)) {
            case 'K' -> 10;
            case 'M' -> 20;
            case 'G' -> 30;
            default -> 0;
        };
        String digits = shift == 0 ? value : value.substring(0, value.length() - 1);
        try {
            long number = Long.parseLong(digits);
            if (number <= 0 || number > (Long.MAX_VALUE >> shift)) {
                throw new NumberFormatException();
            }
            return number << shift;
        } catch (NumberFormatException e) {
            throw new CommandLine.TypeConversionException("'" + text + "' is not a size (examples: 64M, 1G, 1048576)");
        }
    }
}

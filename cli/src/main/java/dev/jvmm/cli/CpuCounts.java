package dev.jvmm.cli;

import dev.jvmm.vmm.Machine;
import picocli.CommandLine;

/** Parses {@code --cpus}: a whole number of vCPUs, 1 to {@link Machine#MAX_CPUS}. */
final class CpuCounts implements CommandLine.ITypeConverter<Integer> {
    static final String RANGE = "a VM has 1 to " + Machine.MAX_CPUS + " vCPUs";

    @Override
    public Integer convert(String text) {
        int count;
        try {
            count = Integer.parseInt(text.strip());
        } catch (NumberFormatException e) {
            throw new CommandLine.TypeConversionException("'" + text + "' is not a number of vCPUs (examples: 1, 4)");
        }
        if (count < 1 || count > Machine.MAX_CPUS) {
            throw new CommandLine.TypeConversionException("'" + text + "' is out of range: " + RANGE);
        }
        return count;
    }
}

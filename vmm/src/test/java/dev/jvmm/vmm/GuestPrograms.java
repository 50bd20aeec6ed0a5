package dev.jvmm.vmm;

import dev.jvmm.process.ProcessRunner;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;

/**
 * The C programs of {@code src/test/c}, compiled at test time into unmodified static Linux
 * executables with musl-gcc and with glibc's gcc -static (nothing prebuilt is committed).
 */
public final class GuestPrograms {
    public enum Libc {
        MUSL("musl-gcc"), GLIBC("gcc");

        final String compiler;

        Libc(String compiler) {
            this.compiler = compiler;
        }
    }

    /** The tests of the vmm and cli modules both build them, each run from its module's directory. */
    private static final Path SOURCES = Path.of("").toAbsolutePath().getParent().resolve("vmm/src/test/c");
    private static final Path OUTPUT = Path.of("target/guest-programs");

    private GuestPrograms() {}

    /** The program built from {@code src/test/c/<name>.c} with this libc (built once per test run). */
    public static synchronized Path build(String name, Libc libc) {
        Path binary = OUTPUT.resolve(libc.name().toLowerCase() + "/" + name);
        Path source = SOURCES.resolve(name + ".c");
        try {
            if (Files.exists(binary) && Files.getLastModifiedTime(binary).compareTo(Files.getLastModifiedTime(source)) > 0) {
                return binary;
            }
            Files.createDirectories(binary.getParent());
            // Built beside, then renamed: another test JVM (tools/run-tests runs several) may read it meanwhile.
            Path building = Files.createTempFile(binary.getParent(), binary.getFileName().toString(), ".building");
            List<String> command = List.of(libc.compiler, "-static", "-O2", "-Wall", "-Werror", "-o", building.toString(), source.toString());
            ProcessRunner.Result result = ProcessRunner.of(command).deadline(Duration.ofSeconds(120)).run();
            if (result.status() != 0) {
                Files.deleteIfExists(building);
                throw new IllegalStateException(String.join(" ", command) + " failed:\n" + result.output());
            }
            return Files.move(building, binary, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static byte[] bytes(String name, Libc libc) {
        try {
            return Files.readAllBytes(build(name, libc));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

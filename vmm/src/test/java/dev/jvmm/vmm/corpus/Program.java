package dev.jvmm.vmm.corpus;

import dev.jvmm.process.ProcessRunner;
import dev.jvmm.vmm.GuestPrograms;
import dev.jvmm.vmm.GuestPrograms.Libc;
import dev.jvmm.vmm.LanguagePrograms;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A program of the corpus and the Debian toolchain that makes it, at test time (nothing prebuilt
 * is committed). Each is built once per test run and kept under {@code target/corpus} (C under
 * {@code target/guest-programs}, by {@link GuestPrograms}); a build is redone when its source is
 * newer than its output.
 */
public record Program(Toolchain toolchain, String name) {
    /** How a program is made. */
    public enum Toolchain {
        /** {@code src/test/c/NAME.c} with musl-gcc -static. */
        MUSL("musl"),
        /** {@code src/test/c/NAME.c} with glibc's gcc -static. */
        GLIBC("glibc"),
        /** {@code src/test/cpp/NAME.cpp} with g++ -static (libstdc++ and glibc). */
        GXX("g++"),
        /** {@code src/test/rust/NAME.rs} with Debian's rustc, +crt-static: a static-pie on glibc. */
        RUSTC("rustc"),
        /** Debian's busybox-static, copied: NAME is unused, argv[1] names the applet. */
        BUSYBOX("busybox"),
        /** {@code src/test/go/NAME/} with Debian's go build, CGO_ENABLED=0 (LanguagePrograms). */
        GO("go");

        final String label;

        Toolchain(String label) {
            this.label = label;
        }
    }

    /** Debian's rustc (the one on PATH may be a rustup toolchain; the corpus uses the distribution's). */
    static final String RUSTC = "/usr/bin/rustc";
    static final Path BUSYBOX = Path.of("/bin/busybox");
    private static final Path OUTPUT = Path.of("target/corpus");
    private static final Map<Program, Path> BUILT = new ConcurrentHashMap<>();

    public static Program c(Libc libc, String name) {
        return new Program(libc == Libc.MUSL ? Toolchain.MUSL : Toolchain.GLIBC, name);
    }

    public static Program cxx(String name) {
        return new Program(Toolchain.GXX, name);
    }

    public static Program rust(String name) {
        return new Program(Toolchain.RUSTC, name);
    }

    public static Program go(String name) {
        return new Program(Toolchain.GO, name);
    }

    public static Program busybox() {
        return new Program(Toolchain.BUSYBOX, "busybox");
    }

    @Override
    public String toString() {
        return toolchain.label + (toolchain == Toolchain.BUSYBOX ? "" : " " + name);
    }

    /** The executable, built now if this run has not built it yet. */
    public Path path() {
        return BUILT.computeIfAbsent(this, Program::build);
    }

    public byte[] bytes() {
        try {
            return Files.readAllBytes(path());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Path build() {
        return switch (toolchain) {
            case MUSL -> GuestPrograms.build(name, Libc.MUSL);
            case GLIBC -> GuestPrograms.build(name, Libc.GLIBC);
            case GXX -> compile(Path.of("src/test/cpp", name + ".cpp"), "g++",
                    "g++", "-static", "-O2", "-Wall", "-Werror", "-o", "%out", "%src");
            case RUSTC -> compile(Path.of("src/test/rust", name + ".rs"), "rustc",
                    RUSTC, "-O", "-C", "target-feature=+crt-static", "-o", "%out", "%src");
            case BUSYBOX -> copy(BUSYBOX, OUTPUT.resolve("busybox/busybox"));
            case GO -> LanguagePrograms.build(name, LanguagePrograms.Language.GO);
        };
    }

    private static Path compile(Path source, String directory, String... command) {
        Path binary = OUTPUT.resolve(directory).resolve(source.getFileName().toString().replaceFirst("\\.[^.]+$", ""));
        if (upToDate(binary, source)) {
            return binary;
        }
        List<String> words = List.of(command).stream()
                .map(word -> word.replace("%out", binary.toString()).replace("%src", source.toString())).toList();
        try {
            Files.createDirectories(binary.getParent());
            long start = System.nanoTime();
            ProcessRunner.Result result = ProcessRunner.of(words).deadline(Duration.ofSeconds(300)).run();
            if (result.status() != 0) {
                throw new IllegalStateException(String.join(" ", words) + " failed:\n" + result.output());
            }
            System.err.printf("corpus: built %s in %d ms (%s)%n", binary, (System.nanoTime() - start) / 1_000_000,
                    String.join(" ", words));
            return binary;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path copy(Path from, Path to) {
        try {
            if (!upToDate(to, from)) {
                Files.createDirectories(to.getParent());
                Files.copy(from, to, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.COPY_ATTRIBUTES);
            }
            return to;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static boolean upToDate(Path output, Path source) {
        try {
            return Files.exists(output)
                    && Files.getLastModifiedTime(output).compareTo(Files.getLastModifiedTime(source)) >= 0;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

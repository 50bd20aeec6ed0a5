package dev.jvmm.vmm;

import dev.jvmm.process.ProcessRunner;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Static programs in C++, Rust and Go, built at test time from Debian's toolchains (g++
 * {@code -static -pthread}; Debian's {@code /usr/bin/rustc} with {@code +crt-static}, not a
 * rustup one; {@code go build} with {@code CGO_ENABLED=0} and a build cache under target/), from
 * {@code src/test/cpp/<name>.cpp}, {@code src/test/rust/<name>.rs} and the module in
 * {@code src/test/go/<name>/}. Nothing prebuilt is committed.
 */
public final class LanguagePrograms {
    public enum Language {
        CPP, RUST, GO
    }

    private static final Path OUTPUT = Path.of("target/guest-programs");

    private LanguagePrograms() {}

    /** The program, built once per change of its source. */
    public static synchronized Path build(String name, Language language) {
        Path source = switch (language) {
            case CPP -> Path.of("src/test/cpp", name + ".cpp");
            case RUST -> Path.of("src/test/rust", name + ".rs");
            case GO -> Path.of("src/test/go", name, "main.go");
        };
        Path binary = OUTPUT.resolve(language.name().toLowerCase() + "/" + name);
        try {
            if (Files.exists(binary) && Files.getLastModifiedTime(binary).compareTo(Files.getLastModifiedTime(source)) > 0) {
                return binary;
            }
            Files.createDirectories(binary.getParent());
            String out = binary.toAbsolutePath().toString();
            List<String> command = switch (language) {
                case CPP -> List.of("g++", "-static", "-pthread", "-O2", "-Wall", "-Werror", "-o", out, source.toString());
                case RUST -> List.of("/usr/bin/rustc", "-O", "-C", "target-feature=+crt-static", "-o", out, source.toString());
                case GO -> List.of("env", "CGO_ENABLED=0", "GOFLAGS=-buildvcs=false", "GOPROXY=off",
                        "GOCACHE=" + OUTPUT.resolve("go-cache").toAbsolutePath(), "go", "build", "-o", out, ".");
            };
            ProcessRunner runner = ProcessRunner.of(command).deadline(Duration.ofMinutes(5));
            if (language == Language.GO) {
                runner = runner.directory(source.getParent());
            }
            ProcessRunner.Result result = runner.run();
            if (result.status() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed:\n" + result.output());
            }
            return binary;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static byte[] bytes(String name, Language language) {
        try {
            return Files.readAllBytes(build(name, language));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

package dev.jvmm.tools.bindgen;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Generates FFM bindings from C headers with libclang, in the shape of jextract's output.
 *
 * <pre>
 * Bindgen [@argfile] --output DIR --target-package PKG --header-class-name NAME
 *         [--include-dir DIR] [--include-struct NAME]... [--constants-from HEADER]...
 *         [--libclang PATH] [--clang-arg ARG]... HEADER...
 * </pre>
 *
 * With {@code --include-dir}, headers come from that directory alone ({@code -nostdinc}), never
 * from the machine's {@code /usr/include}: the input is pinned, whatever headers package the
 * machine has. Relative paths are resolved against the directory the generator runs in (the
 * repository root for {@code tools/regenerate-kvm-bindings}).
 *
 * Every {@code --include-struct} record (and each record it embeds) gets a class; every integer
 * macro and enumerator defined in a {@code --constants-from} header goes into the header class.
 * The output package directory is replaced as a whole, so the committed sources are exactly what
 * one run produces.
 */
public final class Bindgen {
    static final String DEFAULT_LIBCLANG = "/usr/lib/x86_64-linux-gnu/libclang-14.so.1";

    record Options(Path root, Path output, String targetPackage, String headerClassName, Path includeDir,
                   List<String> structs, Set<String> constantHeaders, Path libclang, List<String> clangArgs,
                   List<String> headers, List<String> commandLine) {

        /** What clang is given: the pinned include directory, if any, then the explicit arguments. */
        List<String> compilerArgs() {
            List<String> args = new ArrayList<>();
            if (includeDir != null) {
                args.addAll(List.of("-nostdinc", "-I" + root.resolve(includeDir)));
            }
            args.addAll(clangArgs);
            return args;
        }

        /** A header as the generator reads it, and as package-info records it. */
        Path headerFile(String header) {
            return includeDir != null ? includeDir.resolve(header) : Path.of("/usr/include", header);
        }
    }

    public static void main(String[] args) throws IOException {
        Options options;
        try {
            options = parse(expandArgFiles(args), Path.of("").toAbsolutePath());
        } catch (IllegalArgumentException e) {
            System.err.println("bindgen: " + e.getMessage());
            System.exit(2);
            return;
        }
        List<Path> written = generate(options);
        System.out.println("bindgen: wrote " + written.size() + " files to "
                + options.output().resolve(options.targetPackage().replace('.', '/')));
    }

    static List<String> expandArgFiles(String[] args) throws IOException {
        List<String> expanded = new ArrayList<>();
        for (String arg : args) {
            if (arg.startsWith("@")) {
                for (String line : Files.readAllLines(Path.of(arg.substring(1)))) {
                    String content = line.replaceFirst("#.*", "").strip();
                    if (!content.isEmpty()) {
                        expanded.addAll(List.of(content.split("\\s+")));
                    }
                }
            } else {
                expanded.add(arg);
            }
        }
        return expanded;
    }

    static Options parse(List<String> args, Path root) {
        Path output = null;
        Path includeDir = null;
        String targetPackage = null;
        String headerClass = null;
        List<String> structs = new ArrayList<>();
        Set<String> constantHeaders = new LinkedHashSet<>();
        Path libclang = Path.of(DEFAULT_LIBCLANG);
        List<String> clangArgs = new ArrayList<>();
        List<String> headers = new ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (!arg.startsWith("--")) {
                headers.add(arg);
                continue;
            }
            if (i + 1 >= args.size()) {
                throw new IllegalArgumentException(arg + " needs a value");
            }
            String value = args.get(++i);
            switch (arg) {
                case "--output" -> output = Path.of(value);
                case "--target-package" -> targetPackage = value;
                case "--header-class-name" -> headerClass = value;
                case "--include-dir" -> includeDir = Path.of(value);
                case "--include-struct" -> structs.add(value);
                case "--constants-from" -> constantHeaders.add(value);
                case "--libclang" -> libclang = Path.of(value);
                case "--clang-arg" -> clangArgs.add(value);
                default -> throw new IllegalArgumentException("unknown option " + arg);
            }
        }
        if (output == null || targetPackage == null || headerClass == null || headers.isEmpty()) {
            throw new IllegalArgumentException("--output, --target-package, --header-class-name and a header are required");
        }
        return new Options(root, root.resolve(output), targetPackage, headerClass, includeDir, structs, constantHeaders, libclang,
                clangArgs, headers, args);
    }

    static List<Path> generate(Options options) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            LibClang clang = new LibClang(options.libclang(), arena);
            HeaderReader reader = new HeaderReader(clang, options.headers(), options.compilerArgs(), options.constantHeaders());
            HeaderReader.Result result = reader.read(options.structs());
            JavaEmitter emitter = new JavaEmitter(options.targetPackage());

            Path dir = options.output().resolve(options.targetPackage().replace('.', '/'));
            Files.createDirectories(dir);
            try (Stream<Path> old = Files.list(dir)) {
                for (Path file : old.filter(f -> f.toString().endsWith(".java")).toList()) {
                    Files.delete(file);
                }
            }
            List<Path> written = new ArrayList<>();
            for (var record : result.records().values()) {
                written.add(Files.writeString(dir.resolve(record.name() + ".java"), emitter.recordClass(record)));
            }
            written.add(Files.writeString(dir.resolve(options.headerClassName() + ".java"),
                    emitter.headerClass(options.headerClassName(), result.constants())));
            written.add(Files.writeString(dir.resolve("package-info.java"), packageInfo(options, clang.version())));
            return written;
        }
    }

    /** Records what produced the package: the command, each header with its hash, and libclang's version. */
    private static String packageInfo(Options options, String clangVersion) {
        StringBuilder out = new StringBuilder(JavaEmitter.GENERATED_NOTICE).append("""
                /**
                 * FFM bindings generated from C headers by {@code dev.jvmm.tools.bindgen.Bindgen} (libclang over FFM).
                 *
                 * <p>Regenerate with {@code tools/regenerate-kvm-bindings}, which runs:
                 * <pre>
                 * Bindgen %s
                 * </pre>
                 *
                 * <p>Inputs:
                 * <ul>
                """.formatted(String.join(" ", options.commandLine())));
        for (String header : options.headers()) {
            Path path = options.headerFile(header);
            out.append(" * <li>{@code ").append(path).append("} sha256 ").append(sha256(options.root().resolve(path))).append("</li>\n");
        }
        out.append(" * <li>").append(clangVersion).append("</li>\n")
                .append(" * </ul>\n */\n")
                .append("package ").append(options.targetPackage()).append(";\n");
        return out.toString();
    }

    private static String sha256(Path file) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    private Bindgen() {}
}

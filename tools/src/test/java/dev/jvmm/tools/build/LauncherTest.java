package dev.jvmm.tools.build;

import dev.jvmm.process.ProcessRunner;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The launcher {@code ./jvmm} checks its JDK before every run: a missing or too old JDK is one
 * line and status 125 (not bash's 127, not a raw JVM error). Run with a PATH that holds no
 * Maven, so a launcher that missed the check could not start a build from here.
 */
class LauncherTest {
    private static final Path LAUNCHER = Path.of("").toAbsolutePath().getParent().resolve("jvmm");

    @TempDir
    Path dir;
    private Path bin;

    @BeforeEach
    void pathWithoutMaven() throws IOException {
        bin = Files.createDirectories(dir.resolve("bin"));
        for (String tool : List.of("bash", "readlink", "dirname", "sed", "find", "grep", "cat")) {
            Path real = Path.of("/usr/bin", tool);
            Files.createSymbolicLink(bin.resolve(tool), Files.exists(real) ? real : Path.of("/bin", tool));
        }
    }

    /** The links go before JUnit cleans the directory up (it warns about links that lead outside). */
    @AfterEach
    void removeLinks() throws IOException {
        try (var links = Files.list(bin)) {
            for (Path link : links.toList()) {
                Files.delete(link);
            }
        }
    }

    private ProcessRunner.Result launch(Path javaHome) {
        return ProcessRunner.of("/usr/bin/env", "PATH=" + bin, "JVMM_JAVA_HOME=" + javaHome, LAUNCHER.toString(), "run", "--", "demo")
                .deadline(Duration.ofSeconds(30)).run();
    }

    private static void assertRefused(ProcessRunner.Result result, String line) {
        assertEquals(125, result.status(), result.output());
        assertEquals(line + "\n", result.err());
        assertEquals("", result.out());
    }

    /** A JDK directory whose java only says which version it is (and fails if asked to run anything). */
    private Path fakeJdk(String name, String releaseVersion, String specificationVersion) throws IOException {
        Path home = Files.createDirectories(dir.resolve(name + "/bin"));
        Path java = Files.writeString(home.resolve("java"), """
                #!/bin/sh
                [ "$1" = "-XshowSettings:properties" ] || { echo "java ran: $*"; exit 99; }
                echo "    java.specification.version = %s" >&2
                """.formatted(specificationVersion));
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
        if (releaseVersion != null) {
            Files.writeString(home.getParent().resolve("release"), "IMPLEMENTOR=\"Test\"\nJAVA_VERSION=\"" + releaseVersion + "\"\n");
        }
        return home.getParent();
    }

    @Test
    void aMissingJdkIsOneLineAndStatus125() {
        Path missing = dir.resolve("no-such-jdk");
        assertRefused(launch(missing), "jvmm: no JDK at " + missing
                + " (JVMM_JAVA_HOME): install Temurin 25 there, or set JVMM_JAVA_HOME to a JDK 25");
    }

    @Test
    void anOldJdkIsOneLineAndStatus125() throws IOException {
        Path jdk17 = fakeJdk("jdk-17", "17.0.15", "99");
        assertRefused(launch(jdk17), "jvmm: " + jdk17 + " (JVMM_JAVA_HOME) is JDK 17; jvmm needs JDK 25 or later: set JVMM_JAVA_HOME to one");
    }

    @Test
    void aJdkWithoutAReleaseFileIsAskedItsVersion() throws IOException {
        Path jdk21 = fakeJdk("jdk-21", null, "21");
        assertRefused(launch(jdk21), "jvmm: " + jdk21 + " (JVMM_JAVA_HOME) is JDK 21; jvmm needs JDK 25 or later: set JVMM_JAVA_HOME to one");
    }

    @Test
    void aJavaThatCannotSayItsVersionIsRefused() throws IOException {
        Path broken = Files.createDirectories(dir.resolve("broken/bin"));
        Path java = Files.writeString(broken.resolve("java"), "#!/bin/sh\nexit 1\n");
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
        assertRefused(launch(broken.getParent()), "jvmm: cannot tell which Java " + broken.getParent()
                + " (JVMM_JAVA_HOME) is: jvmm needs JDK 25");
    }
}

package dev.jvmm.cli;

import dev.jvmm.junit.JvmmTest;
import dev.jvmm.process.ProcessRunner;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** What a user sees when the host cannot run jvmm: one line that says what to do, status 125. */
class EnvironmentErrorsCommandTest {
    @TempDir
    Path dir;

    /**
     * As an unprivileged user (setpriv to nobody; CI runs as root, which /dev/kvm's mode lets in),
     * jvmm says how to get access. The class path is copied where nobody can read it. It needs a
     * /dev/kvm to be refused, so it runs with the tests that boot microVMs.
     */
    @Test
    @Tag(JvmmTest.TAG)
    void permissionDeniedSaysHowToGetAccess() throws Exception {
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        List<String> classpath = new ArrayList<>();
        int n = 0;
        for (String entry : System.getProperty("java.class.path").split(":")) {
            Path source = Path.of(entry);
            if (Files.exists(source)) {
                Path copy = dir.resolve("cp" + n++);
                copyReadable(source, copy);
                classpath.add(copy.toString());
            }
        }
        ProcessRunner.Result jvmm = ProcessRunner.of("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "--enable-native-access=ALL-UNNAMED",
                "-cp", String.join(":", classpath), Jvmm.class.getName(), "run")
                .directory(dir).deadline(Duration.ofSeconds(60)).run();
        String err = jvmm.err();
        assertEquals(125, jvmm.status(), err);
        assertEquals("jvmm: cannot open /dev/kvm: permission denied; add your user to the kvm group "
                + "(sudo usermod -aG kvm $USER, then log in again), with a udev rule giving that group the device: "
                + "KERNEL==\"kvm\", GROUP=\"kvm\", MODE=\"0660\"\n", err);
    }

    private static void copyReadable(Path source, Path target) throws IOException {
        try (Stream<Path> files = Files.walk(source)) {
            for (Path file : files.toList()) {
                Path copy = target.resolve(source.relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(copy);
                    Files.setPosixFilePermissions(copy, PosixFilePermissions.fromString("rwxr-xr-x"));
                } else {
                    Files.createDirectories(copy.getParent());
                    Files.copy(file, copy);
                    Files.setPosixFilePermissions(copy, PosixFilePermissions.fromString("rw-r--r--"));
                }
            }
        }
    }
}

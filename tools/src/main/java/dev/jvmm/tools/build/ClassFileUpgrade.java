package dev.jvmm.tools.build;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassFileVersion;
import java.lang.classfile.ClassHierarchyResolver;
import java.lang.classfile.ClassModel;
import java.lang.classfile.ClassTransform;
import java.lang.classfile.CodeTransform;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

/**
 * Rewrites the classes of a jar compiled for Java 5 or older (class-file version below 50, no
 * StackMapTable) as version 52 classes with stack maps, their code unchanged. The JDK's AOT cache
 * (JEP 483) cannot hold such "old" classes once they are linked, and the JVM verifies them at every
 * start with the slower type-inferencing verifier: picocli's jar is one (it targets Java 5), and
 * picocli is most of what {@code jvmm --version} loads.
 *
 * <p>{@code java ClassFileUpgrade.java JAR}: the jar is rewritten in place; newer classes and other
 * entries are copied as they are. Run by the cli module's build on its copy of picocli.
 */
public final class ClassFileUpgrade {
    static final int OLD_MAJOR_LIMIT = ClassFile.JAVA_6_VERSION;

    private ClassFileUpgrade() {}

    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println("usage: ClassFileUpgrade JAR");
            System.exit(2);
        }
        int upgraded = upgrade(Path.of(args[0]));
        System.out.println("ClassFileUpgrade: " + args[0] + ": " + upgraded + " classes rewritten as version "
                + ClassFile.JAVA_8_VERSION);
    }

    /** Rewrites the jar in place; the number of classes rewritten. */
    static int upgrade(Path jar) throws IOException {
        Path out = Files.createTempFile(jar.getParent(), jar.getFileName().toString(), ".tmp");
        int upgraded = 0;
        try (URLClassLoader loader = new URLClassLoader(new URL[]{jar.toUri().toURL()}, null);
             InputStream file = Files.newInputStream(jar);
             ZipInputStream in = new ZipInputStream(file);
             OutputStream target = Files.newOutputStream(out);
             ZipOutputStream zip = new ZipOutputStream(target)) {
            // Stack maps merge types at branch targets: the jar's own classes are resolved from the jar.
            ClassFile classFile = ClassFile.of(ClassFile.StackMapsOption.GENERATE_STACK_MAPS,
                    ClassFile.ClassHierarchyResolverOption.of(ClassHierarchyResolver.defaultResolver()
                            .orElse(ClassHierarchyResolver.ofResourceParsing(loader))));
            for (ZipEntry entry; (entry = in.getNextEntry()) != null; ) {
                byte[] bytes = in.readAllBytes();
                if (entry.getName().endsWith(".class")) {
                    ClassModel model = classFile.parse(bytes);
                    if (model.majorVersion() < OLD_MAJOR_LIMIT) {
                        bytes = classFile.transformClass(model, upgrade());
                        upgraded++;
                    }
                }
                ZipEntry copy = new ZipEntry(entry.getName());
                copy.setTime(entry.getTime());
                zip.putNextEntry(copy);
                zip.write(bytes);
                zip.closeEntry();
            }
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(out);
            throw e;
        }
        Files.move(out, jar, StandardCopyOption.REPLACE_EXISTING);
        return upgraded;
    }

    /** The version raised to 52; every method's code rebuilt, which makes the library compute its stack maps. */
    private static ClassTransform upgrade() {
        ClassTransform version = (builder, element) -> {
            if (element instanceof ClassFileVersion) {
                builder.withVersion(ClassFile.JAVA_8_VERSION, 0);
            } else {
                builder.with(element);
            }
        };
        return version.andThen(ClassTransform.transformingMethodBodies(CodeTransform.ACCEPT_ALL));
    }
}

package dev.interactiondemo.common;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** The temporary directories the programs make (a broker's data, a sandbox's credentials) and remove. */
public final class Directories {
    private Directories() {
    }

    /**
     * Deletes {@code dir} and everything in it; nothing when it does not exist.
     *
     * @throws UncheckedIOException when something in it could not be deleted, naming the directory
     */
    public static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not delete " + dir + ": remove it by hand", e);
        }
    }
}

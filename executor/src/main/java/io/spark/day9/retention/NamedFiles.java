package io.spark.day9.retention;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The listing a {@link RetainedKind} starts from: the regular files of one directory whose whole
 * name matches the kind's pattern, sorted by name. Links are not followed and nothing else in the
 * directory is ever returned, so retention never touches a file that is not of its kind. A
 * missing directory is an empty list.
 */
public final class NamedFiles {
    private NamedFiles() {
    }

    /** A matching file with its name's match (groups carry the date, the group, ...). */
    public record Named(Path path, String name, Matcher match) {
    }

    /** The files in {@code dir} whose name matches {@code pattern}, by name. */
    public static List<Named> in(Path dir, Pattern pattern) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        List<Named> out = new ArrayList<>();
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : s.sorted().toList()) {
                String name = p.getFileName().toString();
                Matcher m = pattern.matcher(name);
                if (m.matches() && Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                    out.add(new Named(p, name, m));
                }
            }
        }
        return out;
    }
}

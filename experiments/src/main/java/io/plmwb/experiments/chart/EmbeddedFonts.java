package io.plmwb.experiments.chart;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The DejaVu TrueType files (Debian's fonts-dejavu-core) that PDF exports embed as subsets. Searched in the usual
 * font folders; an empty list means PDF text falls back to outlines.
 */
final class EmbeddedFonts {

    private static final List<Path> DIRS = List.of(Path.of("/usr/share/fonts/truetype/dejavu"),
            Path.of("/usr/share/fonts/dejavu"), Path.of("/usr/share/fonts/TTF"),
            Path.of("/usr/local/share/fonts"), Path.of("/Library/Fonts"));
    private static volatile List<Path> files;

    private EmbeddedFonts() {
    }

    static List<Path> files() {
        List<Path> f = files;
        if (f == null) {
            List<Path> found = new ArrayList<>();
            for (FigureSettings.Family fam : FigureSettings.Family.values()) {
                for (boolean bold : new boolean[] {false, true}) {
                    for (Path d : DIRS) {
                        Path p = d.resolve(fam.fileName(bold));
                        if (Files.isRegularFile(p)) {
                            found.add(p);
                            break;
                        }
                    }
                }
            }
            f = List.copyOf(found);
            files = f;
        }
        return f;
    }
}

package io.plmwb.views.settings;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.ArrayList;
import java.util.List;

/** What the workbench remembers between runs. Plain data, serialised as JSON by {@link SettingsStore}. */
@JsonIgnoreProperties(ignoreUnknown = true)
public final class AppSettings {

    /** How many recent files are kept. */
    public static final int MAX_RECENT = 10;

    public double windowX = Double.NaN;
    public double windowY = Double.NaN;
    public double windowWidth = 1280;
    public double windowHeight = 800;
    public boolean maximized;
    public String theme = "light";
    public String workspace = "MODELS";
    public int engineThreads = Math.max(1, Runtime.getRuntime().availableProcessors());
    public List<String> recentFiles = new ArrayList<>();
    /** KV Cache workspace device budgets as {@code NAME=SIZE} strings; null: the defaults. */
    public List<String> deviceBudgets;

    /** Puts {@code path} first in the recent list, without duplicates, capped at {@link #MAX_RECENT}. */
    public void addRecent(String path) {
        recentFiles.remove(path);
        recentFiles.add(0, path);
        while (recentFiles.size() > MAX_RECENT) {
            recentFiles.remove(recentFiles.size() - 1);
        }
    }

    /** Removes a recent entry (e.g. a file that no longer exists). */
    public void removeRecent(String path) {
        recentFiles.remove(path);
    }
}

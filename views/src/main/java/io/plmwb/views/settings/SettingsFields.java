package io.plmwb.views.settings;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/** Field-by-field reading (with validation) and writing of {@link AppSettings}. */
final class SettingsFields {

    /** Longest path kept in the recent list. */
    static final int MAX_PATH = 4096;
    /** Most device budgets kept. */
    static final int MAX_BUDGETS = 64;

    private SettingsFields() {
    }

    static AppSettings read(JsonNode root, List<String> problems) {
        AppSettings s = new AppSettings();
        s.windowX = position(root, "windowX", s.windowX, problems);
        s.windowY = position(root, "windowY", s.windowY, problems);
        s.windowWidth = size(root, "windowWidth", s.windowWidth, problems);
        s.windowHeight = size(root, "windowHeight", s.windowHeight, problems);
        JsonNode max = root.get("maximized");
        if (max != null) {
            if (max.isBoolean()) {
                s.maximized = max.booleanValue();
            } else {
                problems.add("maximized is not true or false");
            }
        }
        JsonNode theme = root.get("theme");
        if (theme != null) {
            if (theme.isTextual() && (theme.textValue().equals("light") || theme.textValue().equals("dark"))) {
                s.theme = theme.textValue();
            } else {
                problems.add("theme is not \"light\" or \"dark\"");
            }
        }
        JsonNode ws = root.get("workspace");
        if (ws != null) {
            if (ws.isTextual() && ws.textValue().matches("[A-Z][A-Z_]{0,39}")) {
                s.workspace = ws.textValue();
            } else {
                problems.add("workspace is not a workspace name");
            }
        }
        JsonNode threads = root.get("engineThreads");
        if (threads != null) {
            if (threads.isInt() && threads.intValue() >= 1 && threads.intValue() <= 1024) {
                s.engineThreads = threads.intValue();
            } else {
                problems.add("engineThreads is not a whole number from 1 to 1024");
            }
        }
        List<String> recent = strings(root, "recentFiles", AppSettings.MAX_RECENT, problems);
        if (recent != null) {
            s.recentFiles = recent;
        }
        JsonNode budgets = root.get("deviceBudgets");
        if (budgets != null && !budgets.isNull()) {
            s.deviceBudgets = strings(root, "deviceBudgets", MAX_BUDGETS, problems);
        }
        return s;
    }

    static ObjectNode write(AppSettings s) {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        if (Double.isFinite(s.windowX)) {
            o.put("windowX", s.windowX);
        }
        if (Double.isFinite(s.windowY)) {
            o.put("windowY", s.windowY);
        }
        o.put("windowWidth", s.windowWidth);
        o.put("windowHeight", s.windowHeight);
        o.put("maximized", s.maximized);
        o.put("theme", s.theme);
        o.put("workspace", s.workspace);
        o.put("engineThreads", s.engineThreads);
        ArrayNode recent = o.putArray("recentFiles");
        s.recentFiles.forEach(recent::add);
        if (s.deviceBudgets != null) {
            ArrayNode b = o.putArray("deviceBudgets");
            s.deviceBudgets.forEach(b::add);
        } else {
            o.putNull("deviceBudgets");
        }
        return o;
    }

    private static double position(JsonNode root, String name, double dflt, List<String> problems) {
        JsonNode n = root.get(name);
        if (n == null || n.isNull()) {
            return dflt;
        }
        if (n.isNumber() && Double.isFinite(n.doubleValue()) && Math.abs(n.doubleValue()) <= 1e6) {
            return n.doubleValue();
        }
        problems.add(name + " is not a screen position");
        return dflt;
    }

    private static double size(JsonNode root, String name, double dflt, List<String> problems) {
        JsonNode n = root.get(name);
        if (n == null) {
            return dflt;
        }
        if (n.isNumber() && n.doubleValue() >= 200 && n.doubleValue() <= 20_000) {
            return n.doubleValue();
        }
        problems.add(name + " is not a window size from 200 to 20000");
        return dflt;
    }

    /** A list of plain strings (no NUL, not blank, at most {@link #MAX_PATH} long); bad entries are dropped. */
    private static List<String> strings(JsonNode root, String name, int max, List<String> problems) {
        JsonNode n = root.get(name);
        if (n == null) {
            return null;
        }
        if (!n.isArray()) {
            problems.add(name + " is not a list of strings");
            return null;
        }
        List<String> out = new ArrayList<>();
        int bad = 0;
        for (JsonNode e : n) {
            if (e.isTextual() && !e.textValue().isBlank() && e.textValue().indexOf('\0') < 0
                    && e.textValue().length() <= MAX_PATH && !out.contains(e.textValue()) && out.size() < max) {
                out.add(e.textValue());
            } else {
                bad++;
            }
        }
        if (bad > 0) {
            problems.add(bad + " unusable " + (bad == 1 ? "entry" : "entries") + " in " + name);
        }
        return out;
    }
}

package io.plmwb.views.models;

import io.plmwb.views.common.DialogService;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A dialog service for tests: records every message and question, answers questions with {@link #answer}. */
final class RecordingDialogs implements DialogService {

    final List<UserMessage> messages = new CopyOnWriteArrayList<>();
    volatile boolean answer = true;

    @Override
    public void show(UserMessage message) {
        messages.add(message);
    }

    @Override
    public boolean confirm(String headline, String question) {
        messages.add(new UserMessage(Level.WARNING, headline, question, null));
        return answer;
    }
}

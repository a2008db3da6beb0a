package io.streamspace.agent.application.service;

import io.streamspace.agent.application.port.out.CommandJournal;
import java.util.List;

/**
 * A command journal that records its calls as events ({@code begin <id>}, {@code beginAll [<ids>]},
 * {@code end <id>}) and reports {@code left} as what a previous process left unanswered.
 */
public final class RecordingJournal implements CommandJournal {

    private final List<String> events;
    private final List<Entry> left;

    public RecordingJournal(List<String> events, Entry... left) {
        this.events = events;
        this.left = List.of(left);
    }

    @Override
    public void begin(Entry entry) {
        events.add("begin " + entry.commandId());
    }

    @Override
    public void beginAll(List<Entry> entries) {
        events.add("beginAll " + entries.stream().map(Entry::commandId).toList());
    }

    @Override
    public void end(String commandId) {
        events.add("end " + commandId);
    }

    @Override
    public List<Entry> unfinishedAtStart() {
        return left;
    }
}
